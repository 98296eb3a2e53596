//! Page shells shared by the public pages and the admin UI.

use crate::assets;
use maud::{DOCTYPE, Markup, PreEscaped, html};

/// The public page shell: readable on a phone, light and dark, no JavaScript.
pub fn public(title: &str, body: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                meta name="color-scheme" content="light dark";
                title { (title) }
                link rel="stylesheet" href=(assets::url("style.css"));
                link rel="icon" href=(assets::url("favicon.svg")) type="image/svg+xml";
            }
            body.public { (body) }
        }
    }
}

/// A navigation entry of the admin shell.
pub struct Nav<'a> {
    pub active: &'a str,
    pub who: &'a str,
    pub role: &'a str,
    pub csrf: &'a str,
}

const ADMIN_LINKS: [(&str, &str); 11] = [
    ("/admin", "Overview"),
    ("/admin/incidents", "Incidents"),
    ("/admin/monitors", "Monitors"),
    ("/admin/maintenance", "Maintenance"),
    ("/admin/components", "Components"),
    ("/admin/pages", "Pages"),
    ("/admin/subscribers", "Subscribers"),
    ("/admin/users", "Users"),
    ("/admin/keys", "API keys"),
    ("/admin/templates", "Templates"),
    ("/", "Public page"),
];

/// The admin shell with navigation and the sign-out button.
pub fn admin(title: &str, nav: &Nav, body: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                meta name="color-scheme" content="light dark";
                meta name="robots" content="noindex";
                title { (title) " · statusd admin" }
                link rel="stylesheet" href=(assets::url("style.css"));
                link rel="icon" href=(assets::url("favicon.svg")) type="image/svg+xml";
            }
            body.admin {
                header.topbar {
                    a.brand href="/admin" { "statusd" }
                    nav {
                        @for (href, label) in ADMIN_LINKS {
                            a href=(href) class=[(href == nav.active).then_some("active")] { (label) }
                        }
                    }
                    form.signout method="post" action="/admin/logout" {
                        input type="hidden" name="csrf" value=(nav.csrf);
                        span.who { (nav.who) " (" (nav.role) ")" }
                        button.link type="submit" { "Sign out" }
                    }
                }
                main.wrap { h1 { (title) } (body) }
            }
        }
    }
}

/// A bare shell for the sign-in and setup forms.
pub fn bare(title: &str, body: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                meta name="color-scheme" content="light dark";
                meta name="robots" content="noindex";
                title { (title) " · statusd" }
                link rel="stylesheet" href=(assets::url("style.css"));
            }
            body.admin.bare { main.card { h1 { (title) } (body) } }
        }
    }
}

/// An error or notice box; empty when there is nothing to say.
pub fn flash(error: Option<&str>, notice: Option<&str>) -> Markup {
    html! {
        @if let Some(e) = error { p.flash.error role="alert" { (e) } }
        @if let Some(n) = notice { p.flash.notice role="status" { (n) } }
    }
}

/// An inline SVG status dot.
pub fn dot(class: &str) -> Markup {
    html! { svg.dot class=(class) viewBox="0 0 10 10" aria-hidden="true" { (PreEscaped("<circle cx=\"5\" cy=\"5\" r=\"5\"/>")) } }
}
