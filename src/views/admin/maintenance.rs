//! Scheduled maintenance.

use super::{FormState, component_name, csrf, editor, field_error, invalid, when};
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
                                td { a href={"/admin/maintenance/" (m.id)} { (m.title) } }
                                td { (when(m.starts_at)) " – " (when(m.ends_at)) }
                                td { @for (n, c) in m.component_ids.iter().enumerate() { @if n > 0 { ", " } (component_name(components, c)) } }
                                td { (m.status.label()) }
                                @if editor(nav) {
                                    td.actions {
                                        @if m.status == MaintenanceStatus::Scheduled {
                                            form.inline method="post" action={"/admin/maintenance/" (m.id) "/start"} { (csrf(nav.csrf)) button type="submit" { "Start now" } }
                                        }
                                        @if m.status.is_active() {
                                            form.inline method="post" action={"/admin/maintenance/" (m.id) "/complete"} { (csrf(nav.csrf)) button type="submit" { "Complete now" } }
                                        }
                                        @if m.status != MaintenanceStatus::Completed {
                                            form.inline method="post" action={"/admin/maintenance/" (m.id) "/extend"} {
                                                (csrf(nav.csrf))
                                                label.inline-field { "Extend by" input type="number" name="minutes" value="30" min="1" max="10080"; "minutes" }
                                                button type="submit" { "Extend" }
                                            }
                                        }
                                        a.button.danger href={"/admin/maintenance/" (m.id) "/delete"} { "Delete…" }
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
                    label { "Title" input name="title" required maxlength="200" value=(v("title")) aria-invalid=[invalid(form, "title")]; (field_error(form, "title")) }
                    @if pages.len() > 1 {
                        label { "Page" select name="page" { @for p in pages { option value=(p.id) { (p.title) } } } }
                    }
                    label { "Starts (UTC)" input type="datetime-local" name="starts_at" required value=(v("starts_at")) aria-invalid=[invalid(form, "starts_at")]; (field_error(form, "starts_at")) }
                    label { "Ends (UTC)" input type="datetime-local" name="ends_at" required value=(v("ends_at")) aria-invalid=[invalid(form, "ends_at")]; (field_error(form, "ends_at")) }
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

fn local(t: chrono::DateTime<chrono::Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M").to_string()
}

/// One window: its timeline, the edit form and the form to post an update.
pub fn maintenance_edit(
    nav: &Nav,
    m: &Maintenance,
    components: &[Component],
    form: &FormState,
) -> Markup {
    // Values come back only from a rejected edit (the update form sends no title).
    let sent = form.values.contains_key("title");
    let val = |k: &str, current: String| {
        if sent { form.v(k).to_string() } else { current }
    };
    let picked = |id: &str| m.component_ids.iter().any(|c| c == id);
    let started = m.status != MaintenanceStatus::Scheduled;
    let done = m.status == MaintenanceStatus::Completed;
    layout::admin(
        &format!("Maintenance: {}", m.title),
        nav,
        html! {
            (flash(form.error.as_deref(), form.notice.as_deref()))
            p.lead {
                "Status: " strong { (m.status.label()) } " · " (when(m.starts_at)) " – " (when(m.ends_at))
                " · " a href={"/incidents/" (m.id)} { "Public entry" }
            }
            @if editor(nav) && !done {
                div.actions {
                    @if m.status == MaintenanceStatus::Scheduled {
                        form.inline method="post" action={"/admin/maintenance/" (m.id) "/start"} { (csrf(nav.csrf)) button type="submit" { "Start now" } }
                    }
                    @if m.status.is_active() {
                        form.inline method="post" action={"/admin/maintenance/" (m.id) "/complete"} { (csrf(nav.csrf)) button type="submit" { "Complete now" } }
                    }
                    form.inline method="post" action={"/admin/maintenance/" (m.id) "/extend"} {
                        (csrf(nav.csrf))
                        label.inline-field { "Extend by"
                            input type="number" name="minutes" value=(form.values.get("minutes").map_or("30", String::as_str)) min="1" max="10080"
                                aria-invalid=[invalid(form, "minutes")] aria-describedby=[invalid(form, "minutes").map(|_| "err-minutes")];
                            "minutes"
                        }
                        button type="submit" { "Extend" }
                        (field_error(form, "minutes"))
                    }
                }
            }
            @if editor(nav) {
                h2 { "Post an update" }
                form #maintenance-update.stack method="post" action={"/admin/maintenance/" (m.id) "/updates"} {
                    (csrf(nav.csrf))
                    label { "Message (Markdown)"
                        textarea name="message" rows="3" required aria-invalid=[invalid(form, "message")] { @if !sent { (form.v("message")) } }
                        (field_error(form, "message"))
                    }
                    label.check { input type="checkbox" name="notify" value="true" checked[!done]; "Notify subscribers" }
                    button type="submit" { "Post update" }
                }
                h2 { "Edit" }
                form #edit-maintenance.stack method="post" action={"/admin/maintenance/" (m.id)} {
                    (csrf(nav.csrf))
                    label { "Title"
                        input name="title" required maxlength="200" value=(val("title", m.title.clone())) aria-invalid=[invalid(form, "title")];
                        (field_error(form, "title"))
                    }
                    label { "Starts (UTC)"
                        input type="datetime-local" name="starts_at" required value=(val("starts_at", local(m.starts_at))) readonly[started] aria-invalid=[invalid(form, "starts_at")];
                        @if started { span.meta { "The window has started; its start stays." } }
                        (field_error(form, "starts_at"))
                    }
                    label { "Ends (UTC)"
                        input type="datetime-local" name="ends_at" required value=(val("ends_at", local(m.ends_at))) readonly[done] aria-invalid=[invalid(form, "ends_at")];
                        (field_error(form, "ends_at"))
                    }
                    fieldset.aligned { legend { "Components" }
                        @if components.is_empty() { span.meta { "No components yet." } }
                        @for c in components {
                            label.check { input type="checkbox" name="component_ids" value=(c.id) checked[picked(&c.id)]; (c.name) }
                        }
                        (field_error(form, "component_ids"))
                    }
                    label { "Message (Markdown)" textarea name="message" rows="3" { (val("message", m.message.clone())) } }
                    button type="submit" { "Save changes" }
                }
                p.danger { a.button.danger href={"/admin/maintenance/" (m.id) "/delete"} { "Delete maintenance…" } }
            }
            h2 { "Timeline" }
            ol.timeline {
                @for u in m.updates.iter().rev() {
                    li {
                        div.meta { strong { (u.status) } " · " (when(u.created_at)) " · " (u.by) @if !u.notify { " · not sent" } }
                        div.body { (crate::views::markdown::render(&u.message)) }
                    }
                }
            }
        },
    )
}
