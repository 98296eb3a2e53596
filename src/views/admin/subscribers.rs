//! Subscribers and the outbox of notices.

use super::managed::badge;
use super::{FormState, csrf, field_error, invalid, when};
use crate::domain::{
    Component, Notice, NoticeState, OutboxCounts, Page, Role, Subscriber, SubscriberKind,
};
use crate::views::layout::{self, Nav, flash};
use maud::{Markup, html};

/// Confirmed subscribers per component: those who chose it plus whole-page subscribers
/// of every page it is on.
pub fn counts_per_component(subs: &[Subscriber], comps: &[Component]) -> Vec<(String, usize)> {
    comps
        .iter()
        .map(|c| {
            let n = subs
                .iter()
                .filter(|s| s.confirmed)
                .filter(|s| {
                    if s.component_ids.is_empty() {
                        c.page_ids.contains(&s.page_id)
                    } else {
                        s.component_ids.contains(&c.id)
                    }
                })
                .count();
            (c.name.clone(), n)
        })
        .collect()
}

/// Everything the subscribers screen shows.
pub struct SubscribersView<'a> {
    pub all: &'a [Subscriber],
    /// The ones matching the search, at most a screenful.
    pub shown: Vec<&'a Subscriber>,
    pub matching: usize,
    pub pages: &'a [Page],
    pub components: &'a [Component],
    pub query: &'a str,
    pub kind: &'a str,
    /// A webhook secret to show once, after creation.
    pub new_secret: Option<(&'a str, &'a str)>,
}

pub fn subscribers(nav: &Nav, v: &SubscribersView, form: &FormState) -> Markup {
    let editor = nav.role != Role::Viewer.as_str();
    let val = |k: &str| form.values.get(k).map(String::as_str).unwrap_or("");
    let comp_name = |id: &str| {
        v.components
            .iter()
            .find(|c| c.id == id)
            .map(|c| c.name.clone())
            .unwrap_or_else(|| id.to_string())
    };
    let page_title = |id: &str| {
        v.pages
            .iter()
            .find(|p| p.id == id)
            .map(|p| p.title.clone())
            .unwrap_or_else(|| id.to_string())
    };
    let confirmed = v.all.iter().filter(|s| s.confirmed).count();
    layout::admin(
        "Subscribers",
        nav,
        html! {
            (flash(form.error.as_deref(), form.notice.as_deref()))
            @if let Some((addr, secret)) = v.new_secret {
                div.flash.notice role="status" {
                    p { "Signing secret of " (addr) " (copy it now; it is not shown again):" }
                    code.token { (secret) }
                }
            }
            p.lead { (confirmed) " confirmed, " (v.all.len() - confirmed) " waiting for confirmation. "
                a href="/admin/outbox" { "Outbox" } }
            h2 { "Per component" }
            table.list #counts {
                thead { tr { th { "Component" } th { "Confirmed subscribers" } } }
                tbody {
                    @for (name, n) in counts_per_component(v.all, v.components) {
                        tr data-component=(name) { td { (name) } td { (n) } }
                    }
                    @for kind in SubscriberKind::ALL {
                        tr data-kind=(kind.as_str()) { td { em { (kind.label()) " (all)" } } td { (v.all.iter().filter(|s| s.kind == kind && s.confirmed).count()) } }
                    }
                }
            }
            h2 { "List" }
            form.inline method="get" action="/admin/subscribers" {
                input type="search" name="q" value=(v.query) placeholder="Search address" aria-label="Search address";
                select name="kind" aria-label="Kind" {
                    option value="" { "All kinds" }
                    @for k in SubscriberKind::ALL { option value=(k.as_str()) selected[v.kind == k.as_str()] { (k.label()) } }
                }
                button type="submit" { "Search" }
                @if editor { a href={"/admin/subscribers/export.csv?" (serde_urlencoded::to_string([("q", v.query), ("kind", v.kind)]).unwrap_or_default())} { "Export CSV" } }
            }
            p.meta { "Showing " (v.shown.len()) " of " (v.matching) " matching." }
            table.list #subscribers {
                thead { tr { th { "Address" } th { "Kind" } th { "Page" } th { "Hears about" } th { "State" } th { "Since" } @if editor { th {} } } }
                tbody {
                    @for s in &v.shown {
                        tr data-subscriber=(s.address()) {
                            td { (s.address()) (badge(s.managed_by_config)) }
                            td { (s.kind.label()) }
                            td { (page_title(&s.page_id)) }
                            td { @if s.component_ids.is_empty() { "whole page" } @else { (s.component_ids.iter().map(|c| comp_name(c)).collect::<Vec<_>>().join(", ")) } }
                            td { @if s.confirmed { "confirmed" } @else { "unconfirmed" } }
                            td { (when(s.created_at)) }
                            @if editor {
                                td {
                                    form.inline method="post" action={"/admin/subscribers/" (s.id) "/test"} { (csrf(nav.csrf)) button.link type="submit" { "Send test" } }
                                    " "
                                    a.button.danger href={"/admin/subscribers/" (s.id) "/delete"} { "Remove…" }
                                }
                            }
                        }
                    }
                }
            }
            @if editor {
                h2 { "Add a subscriber" }
                form #new-subscriber.stack method="post" action="/admin/subscribers" {
                    (csrf(nav.csrf))
                    label { "Kind" select name="kind" {
                        @for k in SubscriberKind::ALL { option value=(k.as_str()) selected[val("kind") == k.as_str()] { (k.label()) } }
                    } }
                    label { "Email address or URL" input name="address" required value=(val("address")) aria-invalid=[invalid(form, "address")] aria-describedby=[invalid(form, "address").map(|_| "err-address")]; (field_error(form, "address")) }
                    label { "Page" select name="page" {
                        @for p in v.pages { option value=(p.id) selected[val("page") == p.id] { (p.title) " (/" (p.slug) ")" } }
                    } }
                    fieldset { legend { "Components (none: the whole page)" }
                        @for c in v.components { label.check { input type="checkbox" name="component_ids" value=(c.id); (c.name) } }
                    }
                    label { "Webhook secret (optional; generated when empty)" input name="secret" autocomplete="off" aria-invalid=[invalid(form, "secret")] aria-describedby=[invalid(form, "secret").map(|_| "err-secret")]; (field_error(form, "secret")) }
                    label.check { input type="checkbox" name="skip_confirmation" value="true"; "The person already agreed: skip the confirmation mail" }
                    button type="submit" { "Add subscriber" }
                }
                h2 { "Import" }
                form #import.stack method="post" action="/admin/subscribers/import" {
                    (csrf(nav.csrf))
                    label { "CSV: a header row with email (or url/address), optionally kind, component_ids, confirmed; or one address per line"
                        textarea name="csv" rows="6" required { (val("csv")) } }
                    label { "Page" select name="page" { @for p in v.pages { option value=(p.id) { (p.title) } } } }
                    label.check { input type="checkbox" name="skip_confirmation" value="true"; "The people already agreed: skip confirmation mails" }
                    button type="submit" { "Import" }
                }
                h2 { "Test mail" }
                form #test-email.inline method="post" action="/admin/subscribers/test-email" {
                    (csrf(nav.csrf))
                    input type="email" name="address" required placeholder="you@example.com" aria-label="Address";
                    button type="submit" { "Send test mail" }
                }
            }
        },
    )
}

/// The outbox: counts, failed notices with retry, the next pending ones.
pub fn outbox(
    nav: &Nav,
    counts: &OutboxCounts,
    failed: &[Notice],
    pending: &[Notice],
    form: &FormState,
) -> Markup {
    let editor = nav.role != Role::Viewer.as_str();
    layout::admin(
        "Outbox",
        nav,
        html! {
            (flash(form.error.as_deref(), form.notice.as_deref()))
            p.lead #outbox-counts { (counts.pending) " pending · " (counts.sent) " sent · " (counts.failed) " failed · " (counts.cancelled) " cancelled" }
            h2 { "Failed" }
            @if failed.is_empty() { p.empty { "Nothing failed." } } @else {
                @if editor {
                    form.inline method="post" action="/admin/outbox/retry" { (csrf(nav.csrf)) button type="submit" { "Retry all failed" } }
                }
                (notice_table(nav, failed, editor))
            }
            h2 { "Pending" }
            @if pending.is_empty() { p.empty { "Nothing waiting." } } @else { (notice_table(nav, pending, false)) }
        },
    )
}

fn notice_table(nav: &Nav, list: &[Notice], retry: bool) -> Markup {
    html! {
        table.list {
            thead { tr { th { "To" } th { "About" } th { "Attempts" } th { "Last error" } th { "Written" } @if retry { th {} } } }
            tbody {
                @for n in list {
                    tr data-notice=(n.id) {
                        td { (n.address) }
                        td { @if n.event_kind.is_empty() { (format!("{:?}", n.purpose).to_lowercase()) } @else { (n.event_kind) } }
                        td { (n.attempts) @if n.state == NoticeState::Pending { " (next " (when(n.next_attempt_at)) ")" } }
                        td { (n.last_error.as_deref().unwrap_or("")) }
                        td { (when(n.created_at)) }
                        @if retry {
                            td { form.inline method="post" action={"/admin/outbox/" (n.id) "/retry"} { (csrf(nav.csrf)) button type="submit" { "Retry" } } }
                        }
                    }
                }
            }
        }
    }
}
