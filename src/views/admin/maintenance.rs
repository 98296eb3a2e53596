//! Scheduled maintenance.

use super::{FormState, component_name, csrf, editor, when};
use crate::domain::{Component, Maintenance, MaintenanceStatus, Page};
use crate::views::layout::{self, Nav, flash};
use maud::{Markup, html};

/// Maintenance list with actions and the schedule form.
pub fn maintenance(
    nav: &Nav,
    list: &[Maintenance],
    components: &[Component],
    pages: &[Page],
    form: &FormState,
) -> Markup {
    let v = |k: &str| {
        form.values
            .get(k)
            .map(String::as_str)
            .unwrap_or("")
            .to_string()
    };
    layout::admin(
        "Maintenance",
        nav,
        html! {
            (flash(form.error.as_deref(), form.notice.as_deref()))
            @if list.is_empty() { p.empty { "No maintenance scheduled." } }
            @else {
                table.list {
                    thead { tr { th { "Title" } th { "Window (UTC)" } th { "Components" } th { "Status" } @if editor(nav) { th {} } } }
                    tbody {
                        @for m in list.iter().rev() {
                            tr data-maintenance=(m.title) {
                                td { (m.title) }
                                td { (when(m.starts_at)) " – " (when(m.ends_at)) }
                                td { @for (n, c) in m.component_ids.iter().enumerate() { @if n > 0 { ", " } (component_name(components, c)) } }
                                td { (m.status.label()) }
                                @if editor(nav) {
                                    td.actions {
                                        @if m.status == MaintenanceStatus::Scheduled {
                                            form.inline method="post" action={"/admin/maintenance/" (m.id) "/start"} { (csrf(nav.csrf)) button type="submit" { "Start now" } }
                                        }
                                        @if m.status != MaintenanceStatus::Completed {
                                            form.inline method="post" action={"/admin/maintenance/" (m.id) "/complete"} { (csrf(nav.csrf)) button type="submit" { "Complete now" } }
                                            form.inline method="post" action={"/admin/maintenance/" (m.id) "/extend"} {
                                                (csrf(nav.csrf))
                                                label.inline-field { "Extend by" input type="number" name="minutes" value="30" min="1" max="10080"; "minutes" }
                                                button type="submit" { "Extend" }
                                            }
                                        }
                                        form.inline method="post" action={"/admin/maintenance/" (m.id) "/delete"} { (csrf(nav.csrf)) button.danger type="submit" { "Delete" } }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            @if editor(nav) {
                h2 { "Schedule maintenance" }
                form #new-maintenance.stack method="post" action="/admin/maintenance" {
                    (csrf(nav.csrf))
                    label { "Title" input name="title" required maxlength="200" value=(v("title")); }
                    @if pages.len() > 1 {
                        label { "Page" select name="page" { @for p in pages { option value=(p.id) { (p.title) } } } }
                    }
                    label { "Starts (UTC)" input type="datetime-local" name="starts_at" required value=(v("starts_at")); }
                    label { "Ends (UTC)" input type="datetime-local" name="ends_at" required value=(v("ends_at")); }
                    fieldset { legend { "Components" }
                        @for c in components { label.check { input type="checkbox" name="component_ids" value=(c.id); (c.name) } }
                    }
                    label { "Message (Markdown)" textarea name="message" rows="3" { (v("message")) } }
                    label.check { input type="checkbox" name="notify" value="true" checked; "Notify subscribers" }
                    button type="submit" { "Schedule" }
                }
            }
        },
    )
}
