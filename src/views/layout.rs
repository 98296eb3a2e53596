//! Page shells shared by the public pages and the admin UI.

use crate::assets;
use maud::{DOCTYPE, Markup, PreEscaped, html};

/// The public page shell: readable on a phone, light and dark, no JavaScript.
pub fn public(title: &str, body: Markup) -> Markup {
    shell(title, false, body)
}

/// The shell of one page's documents: [`public`] in the page's accent colour, and
/// `noindex` unless the page is public.
pub fn for_page(page: &crate::domain::Page, title: &str, body: Markup) -> Markup {
    let accent = crate::domain::branding::page_accent(page).map(|a| a.css());
    shell_styled(
        title,
        page.audience != crate::domain::Audience::Public,
        accent.as_deref(),
        body,
    )
}

/// [`for_page`] that is never indexed (sign-in pages).
pub fn for_page_noindex(page: &crate::domain::Page, title: &str, body: Markup) -> Markup {
    let accent = crate::domain::branding::page_accent(page).map(|a| a.css());
    shell_styled(title, true, accent.as_deref(), body)
}

/// Where a page's home is: `/` for the default page, else `/p/{slug}`.
pub fn page_home(page: &crate::domain::Page) -> String {
    if page.slug == "default" {
        "/".into()
    } else {
        format!("/p/{}", page.slug)
    }
}

/// The header of a page's other documents (incident, history, subscribe, sign-in): its
/// logo and name linking home, under the same accent rule as the home page.
pub fn masthead(page: &crate::domain::Page, home: &str) -> Markup {
    html! {
        header.pagehead.masthead {
            a.brand href=(home) {
                @if let Some(logo) = &page.logo { img.logo src={"/logo/" (logo)} alt=""; }
                span.brand-name { (page.title) }
            }
        }
    }
}

/// The shell of sign-in and other pages search engines should not list.
pub fn private(title: &str, body: Markup) -> Markup {
    shell(title, true, body)
}

fn shell(title: &str, noindex: bool, body: Markup) -> Markup {
    shell_styled(title, noindex, None, body)
}

/// `style`: CSS built from checked colours only (the CSP allows it by its hash).
fn shell_styled(title: &str, noindex: bool, style: Option<&str>, body: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                meta name="color-scheme" content="light dark";
                @if noindex { meta name="robots" content="noindex"; }
                title { (title) }
                link rel="stylesheet" href=(assets::url("style.css"));
                link rel="icon" href=(assets::url("favicon.svg")) type="image/svg+xml";
                @if let Some(css) = style { style { (PreEscaped(css)) } }
            }
            body.public { (body) }
        }
    }
}

/// What the admin shell needs to know about the request.
pub struct Nav<'a> {
    pub active: &'a str,
    pub who: &'a str,
    pub role: &'a str,
    pub csrf: &'a str,
    /// The message the last action left ("Incident published."), shown once; true
    /// when it reports a failure.
    pub flash: Option<(&'a str, bool)>,
    /// Drafts waiting for review (the badge beside "Drafts"), when known.
    pub drafts: Option<usize>,
}

/// Daily work: always in the top bar.
const PRIMARY_LINKS: [(&str, &str); 7] = [
    ("/admin", "Overview"),
    ("/admin/drafts", "Drafts"),
    ("/admin/incidents", "Incidents"),
    ("/admin/monitors", "Monitors"),
    ("/admin/maintenance", "Maintenance"),
    ("/admin/components", "Components"),
    ("/admin/subscribers", "Subscribers"),
];

/// The drafts link with its count badge ("Drafts 3").
fn drafts_link(nav: &Nav) -> Markup {
    let current = nav.active == "/admin/drafts";
    html! {
        a #nav-drafts href="/admin/drafts" class=[current.then_some("active")] aria-current=[current.then_some("page")] {
            "Drafts"
            @if let Some(n) = nav.drafts.filter(|n| *n > 0) { " " span.nav-count { (n) } }
        }
    }
}

/// Set-up and occasional screens: grouped under "More" so the bar fits one row.
const MORE_LINKS: [(&str, &str); 12] = [
    ("/admin/alerts", "Alert sources"),
    ("/admin/alert-rules", "Alert rules"),
    ("/admin/alerts/events", "Alert history"),
    ("/admin/pages", "Pages & groups"),
    ("/admin/templates", "Templates"),
    ("/admin/outbox", "Notices"),
    ("/admin/reports/sla", "SLA report"),
    ("/admin/users", "Users"),
    ("/admin/keys", "API keys"),
    ("/admin/audit", "Audit log"),
    ("/admin/account", "Your account"),
    ("/", "Public page"),
];

fn nav_link(href: &str, label: &str, active: &str) -> Markup {
    let current = href == active;
    html! {
        a href=(href) class=[current.then_some("active")] aria-current=[current.then_some("page")] { (label) }
    }
}

/// The admin shell: skip link, navigation, sign-out, the flash message, then the page.
pub fn admin(title: &str, nav: &Nav, body: Markup) -> Markup {
    let more_active = MORE_LINKS.iter().any(|(h, _)| *h == nav.active);
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
                a.skip href="#main" { "Skip to content" }
                header.topbar {
                    a.brand href="/admin" { "statusd" }
                    nav.mainnav aria-label="Admin" {
                        @for (href, label) in PRIMARY_LINKS {
                            @if href == "/admin/drafts" { (drafts_link(nav)) } @else { (nav_link(href, label, nav.active)) }
                        }
                        details.more {
                            summary class=[more_active.then_some("active")] { "More" }
                            div.menu {
                                @for (href, label) in MORE_LINKS { (nav_link(href, label, nav.active)) }
                            }
                        }
                    }
                    form.signout method="post" action="/admin/logout" {
                        input type="hidden" name="csrf" value=(nav.csrf);
                        span.who { (nav.who) " (" (nav.role) ")" }
                        button.link type="submit" { "Sign out" }
                    }
                }
                main.wrap #main tabindex="-1" {
                    h1 { (title) }
                    @match nav.flash {
                        Some((f, true)) => p.flash.error role="alert" { (f) },
                        Some((f, false)) => p.flash.notice role="status" { (f) },
                        None => {},
                    }
                    (body)
                }
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
                link rel="icon" href=(assets::url("favicon.svg")) type="image/svg+xml";
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
