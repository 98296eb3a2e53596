//! The audit log screen: filters as a GET form, entries newest first.

use super::{FormState, field_error, invalid};
use crate::domain::audit::AuditEntry;
use crate::views::layout::{self, Nav, flash};
use maud::{Markup, html};

/// The log; `form` holds the filter values (and the error of one that did not parse),
/// `next` the query string of the next page, if any.
pub fn audit(nav: &Nav, entries: &[AuditEntry], form: &FormState, next: Option<&str>) -> Markup {
    let text = |name: &'static str, label: &'static str, hint: &'static str| {
        html! {
            label {
                (label)
                input name=(name) value=(form.v(name)) placeholder=(hint)
                    aria-invalid=[invalid(form, name)]
                    aria-describedby=[invalid(form, name).map(|_| format!("err-{name}"))];
                (field_error(form, name))
            }
        }
    };
    layout::admin(
        "Audit log",
        nav,
        html! {
            (flash(form.error.as_deref(), None))
            form #audit-filter.row method="get" action="/admin/audit" {
                (text("actor", "Actor", "email, key name or id"))
                (text("action", "Action", "incident. or user.role"))
                (text("object", "Object", "id or kind"))
                (text("since", "Since", "2026-11-30"))
                (text("until", "Until", "2026-12-01"))
                button type="submit" { "Filter" }
                " " a href="/admin/audit" { "Clear" }
            }
            @if entries.is_empty() {
                p.empty { "No entries match." }
            } @else {
                div.scrollbox {
                    table.list #audit-log {
                        thead { tr { th { "Time (UTC)" } th { "Actor" } th { "Action" } th { "Object" } th { "Summary" } th { "Client" } } }
                        tbody {
                            @for e in entries {
                                tr data-action=(e.action) {
                                    td { time datetime=(e.at.to_rfc3339()) { (e.at.format("%Y-%m-%d %H:%M:%S")) } }
                                    td { (e.actor) " " span.meta { "(" (e.actor_kind) ")" } }
                                    td { code { (e.action) } }
                                    td {
                                        (e.object_kind)
                                        @if let Some(n) = &e.object_name { " " (n) }
                                        @if let Some(id) = &e.object_id { " " code.meta { (id) } }
                                    }
                                    td { (e.summary) }
                                    td { (e.client) }
                                }
                            }
                        }
                    }
                }
            }
            @if let Some(q) = next {
                p { a #audit-next href={"/admin/audit?" (q)} { "Older entries →" } }
            }
        },
    )
}
