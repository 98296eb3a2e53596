//! The public side of subscriptions: the small form on a status page, the full
//! subscribe page (whole page or chosen components), the confirm, manage and
//! unsubscribe pages, and the webhook notes for developers.

use super::layout::{self, flash};
use crate::domain::{Component, Group, Page};
use maud::{Markup, html};

/// Where a page's subscribe form posts: `/subscribe` for the default page, else
/// `/p/{slug}/subscribe`.
pub fn subscribe_path(page_slug: &str) -> String {
    if page_slug == "default" {
        "/subscribe".into()
    } else {
        format!("/p/{page_slug}/subscribe")
    }
}

/// The small form for a status page: an email field, a button, and a link to the
/// full page for choosing components. No JavaScript, no cookie needed.
pub fn subscribe_box(page_slug: &str) -> Markup {
    let action = subscribe_path(page_slug);
    html! {
        section.subscribe aria-label="Subscribe to updates" {
            form.inline method="post" action=(action) {
                label for="subscribe-email" { "Get updates by email" }
                input #subscribe-email type="email" name="email" required autocomplete="email" placeholder="you@example.com";
                button type="submit" { "Subscribe" }
                a href=(action) { "Choose components" }
            }
        }
    }
}

/// What the full subscribe page shows.
pub struct SubscribeView<'a> {
    pub page: &'a Page,
    pub groups: Vec<&'a Group>,
    pub components: Vec<&'a Component>,
    pub error: Option<&'a str>,
    pub email: &'a str,
    pub chosen: &'a [String],
    /// The webhook/Slack form as it was sent, with its error.
    pub hook: HookForm<'a>,
}

/// The webhook/Slack sign-up form's values and error.
#[derive(Default)]
pub struct HookForm<'a> {
    pub kind: &'a str,
    pub url: &'a str,
    pub error: Option<&'a str>,
}

/// Components as checkboxes, grouped like the status page.
fn component_choices(groups: &[&Group], comps: &[&Component], chosen: &[String]) -> Markup {
    let ungrouped: Vec<&&Component> = comps
        .iter()
        .filter(|c| {
            c.group_id
                .as_ref()
                .is_none_or(|g| !groups.iter().any(|x| &x.id == g))
        })
        .collect();
    let check = |c: &Component| {
        html! { label.check { input type="checkbox" name="component_ids" value=(c.id) checked[chosen.contains(&c.id)]; (c.name) } }
    };
    html! {
        @for c in &ungrouped { (check(c)) }
        @for g in groups {
            @let members: Vec<&&Component> = comps.iter().filter(|c| c.group_id.as_deref() == Some(g.id.as_str())).collect();
            @if !members.is_empty() {
                p.meta { (g.name) }
                @for c in &members { (check(c)) }
            }
        }
    }
}

fn back_link(page: &Page) -> Markup {
    layout::masthead(page, &layout::page_home(page))
}

/// The full subscribe page: email, webhook or Slack, and feeds, in one place.
pub fn subscribe_page(v: &SubscribeView) -> Markup {
    let action = subscribe_path(&v.page.slug);
    let base = action.trim_end_matches("/subscribe");
    let hook_kind = if v.hook.kind.is_empty() {
        "webhook"
    } else {
        v.hook.kind
    };
    layout::for_page(
        v.page,
        &format!("Subscribe · {}", v.page.title),
        html! {
            main.wrap.subscribe-page {
                (back_link(v.page))
                h1 { "Get updates from " (v.page.title) }
                nav.links aria-label="Ways to subscribe" {
                    a href="#email" { "Email" } a href="#webhook" { "Webhook or Slack" } a href="#feeds" { "Atom / RSS" }
                }
                section #email {
                    h2 { "By email" }
                    (flash(v.error, None))
                    form.stack method="post" action=(action) {
                        label { "Email address" input type="email" name="email" required autocomplete="email" value=(v.email); }
                        @if !v.components.is_empty() {
                            fieldset {
                                legend { "Only some components?" }
                                p.meta { "Tick them; none ticked means everything on this page." }
                                (component_choices(&v.groups, &v.components, v.chosen))
                            }
                        }
                        // Left empty by people; bots that fill every field are ignored.
                        div hidden { label { "Leave this empty" input name="website" tabindex="-1" autocomplete="off"; } }
                        button type="submit" { "Subscribe by email" }
                    }
                    p.meta { "We send one mail to confirm the address; nothing else until you confirm. Every mail has a link to change or end the subscription." }
                }
                section #webhook {
                    h2 { "By webhook or Slack" }
                    (flash(v.hook.error, None))
                    form.stack method="post" action={(action) "/webhook"} {
                        label { "Kind"
                            select name="kind" {
                                option value="webhook" selected[hook_kind == "webhook"] { "Webhook (signed JSON)" }
                                option value="slack" selected[hook_kind == "slack"] { "Slack incoming webhook" }
                            }
                        }
                        label { "Endpoint URL" input type="url" name="url" required placeholder="https://example.com/hooks/status" value=(v.hook.url); }
                        div hidden { label { "Leave this empty" input name="website" tabindex="-1" autocomplete="off"; } }
                        button type="submit" { "Subscribe endpoint" }
                    }
                    p.meta { "We send a signed test delivery right away; the subscription starts once your endpoint answers it with a 2xx status. Only addresses on the public internet are accepted." }
                }
                section #feeds {
                    h2 { "By feed" }
                    ul {
                        li { a href={(base) "/history.atom"} { "Atom feed" } }
                        li { a href={(base) "/history.rss"} { "RSS feed" } }
                        li { a href={(base) "/api/v2/summary.json"} { "JSON (Statuspage-compatible API)" } }
                    }
                }
                (webhook_notes())
            }
        },
    )
}

/// After an endpoint answered its signed test delivery: the secret, shown once.
pub fn hook_active(page: &Page, url: &str, secret: Option<&str>, token: &str) -> Markup {
    layout::for_page(
        page,
        &format!("Endpoint subscribed · {}", page.title),
        html! {
            main.wrap {
                (back_link(page))
                h1 { "Endpoint subscribed" }
                p.flash.notice role="status" { (url) " answered the test delivery; it will get updates from " (page.title) "." }
                @if let Some(secret) = secret {
                    p { "Verify each request's " code { "X-Statusd-Signature" } " with this secret. Copy it now; it is not shown again:" }
                    code.token { (secret) }
                }
                p { "Keep this link to change components or unsubscribe: " a href={"/subscriptions/" (token)} { "manage this subscription" } "." }
            }
        },
    )
}

/// Notes for developers on webhook payloads and signatures (`meta.documentation` points here).
fn webhook_notes() -> Markup {
    html! {
        section #webhooks {
            h2 { "For developers: webhooks" }
            p { "Subscribe an endpoint above, or ask the team (they add webhook, Slack and Discord subscribers in the admin). Webhooks receive Statuspage-shaped JSON ("
                code { "meta" } ", " code { "page" } ", and " code { "incident" } " or " code { "component" } " + " code { "component_update" }
                ") signed with the subscriber's secret:" }
            pre { code { "X-Statusd-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, t + \".\" + body)>" } }
            p { "Recompute the HMAC over the timestamp, a dot and the raw body, compare in constant time, and reject timestamps older than a few minutes. "
                code { "X-Statusd-Delivery" } " is the same on a retry, so it can be used to drop duplicates." }
        }
    }
}

/// The same answer whether or not the address was already subscribed.
pub fn check_inbox(page: &Page) -> Markup {
    layout::for_page(
        page,
        &format!("Check your inbox · {}", page.title),
        html! {
            main.wrap {
                (back_link(page))
                h1 { "Check your inbox" }
                p { "If the address can receive mail, a message from " (page.title) " is on its way. Open the link in it to confirm your subscription; it works for 48 hours." }
            }
        },
    )
}

/// A page with one button that posts to `action` (confirm, unsubscribe): link scanners
/// that open every link in a mail change nothing.
pub fn one_button(page: &Page, title: &str, text: &str, action: &str, button: &str) -> Markup {
    layout::for_page(
        page,
        &format!("{title} · {}", page.title),
        html! {
            main.wrap {
                (back_link(page))
                h1 { (title) }
                p { (text) }
                form method="post" action=(action) { button type="submit" { (button) } }
            }
        },
    )
}

/// What a subscriber can change: components, or leave.
pub struct ManageView<'a> {
    pub page: &'a Page,
    pub groups: Vec<&'a Group>,
    pub components: Vec<&'a Component>,
    pub address: &'a str,
    pub chosen: &'a [String],
    pub token: &'a str,
    pub notice: Option<&'a str>,
}

pub fn manage_page(v: &ManageView) -> Markup {
    layout::for_page(
        v.page,
        &format!("Your subscription · {}", v.page.title),
        html! {
            main.wrap {
                (back_link(v.page))
                h1 { "Your subscription to " (v.page.title) }
                (flash(None, v.notice))
                p { "Updates go to " strong { (v.address) } "." }
                @if !v.components.is_empty() {
                    form.stack method="post" action={"/subscriptions/" (v.token)} {
                        fieldset {
                            legend { "Components you hear about" }
                            p.meta { "None ticked means everything on this page." }
                            (component_choices(&v.groups, &v.components, v.chosen))
                        }
                        button type="submit" { "Save" }
                    }
                }
                form.danger method="post" action={"/unsubscribe/" (v.token)} {
                    button.danger type="submit" { "Unsubscribe" }
                }
            }
        },
    )
}

/// After unsubscribing; the page is unknown when the link was already used.
pub fn unsubscribed(page: Option<&Page>, address: Option<&str>) -> Markup {
    let title = match page {
        Some(p) => format!("Unsubscribed · {}", p.title),
        None => "Unsubscribed".into(),
    };
    let body = html! {
        main.wrap {
            @if let Some(p) = page { (back_link(p)) }
            h1 { "You are unsubscribed" }
            p {
                @if let Some(a) = address {
                    strong { (a) } " will get no more updates"
                    @if let Some(p) = page { " from " (p.title) }
                    "."
                }
                @else { "This subscription no longer exists; nothing more will be sent." }
            }
            @if page.is_none() { p { a href="/" { "Back to the status page" } } }
        }
    };
    match page {
        Some(p) => layout::for_page(p, &title, body),
        None => layout::public(&title, body),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn box_posts_to_the_page() {
        let html = subscribe_box("default").into_string();
        assert!(html.contains(r#"action="/subscribe""#), "{html}");
        let html = subscribe_box("eu").into_string();
        assert!(html.contains(r#"action="/p/eu/subscribe""#), "{html}");
        assert!(html.contains(r#"name="email""#));
    }

    #[test]
    fn confirm_manage_and_unsubscribe_pages_name_the_page_and_link_back() {
        let now = chrono::Utc::now();
        let page = Page {
            id: "p1".into(),
            slug: "eu".into(),
            title: "Acme EU".into(),
            audience: Default::default(),
            time_zone: "UTC".into(),
            custom_host: None,
            allowed_domains: vec![],
            theme: String::new(),
            accent_color: None,
            logo: None,
            managed_by_config: false,
            created_at: now,
            updated_at: now,
        };
        let pages = [
            one_button(
                &page,
                "Confirm your subscription",
                "Confirm?",
                "/x",
                "Confirm",
            )
            .into_string(),
            unsubscribed(Some(&page), Some("a@example.com")).into_string(),
            manage_page(&ManageView {
                page: &page,
                groups: vec![],
                components: vec![],
                address: "a@example.com",
                chosen: &[],
                token: "t",
                notice: None,
            })
            .into_string(),
        ];
        for html in pages {
            assert!(
                html.contains("<title>") && html.contains("Acme EU"),
                "{html}"
            );
            assert!(
                html.contains(
                    r#"<a class="brand" href="/p/eu"><span class="brand-name">Acme EU</span></a>"#
                ),
                "{html}"
            );
        }
    }
}
