//! Incidents, drafts, updates and postmortems.

use super::{FormState, component_name, csrf, editor, field_error, invalid, when};
use crate::domain::{
    Component, ComponentStatus, Impact, Incident, IncidentState, IncidentStatus, Page, Role,
    Template,
};
use crate::views::layout::{self, Nav, flash};
use crate::views::markdown;
use maud::{Markup, html};

/// Checkboxes for affected components, each with an optional status override.
fn component_picker(components: &[Component], form: &FormState) -> Markup {
    html! {
        fieldset.components {
            legend { "Affected components (status defaults to the impact's)" }
            @for c in components {
                @let picked = form.values.contains_key(&format!("c_{}", c.id));
                div.pick {
                    label.check { input type="checkbox" name="component_ids" value=(c.id) checked[picked]; (c.name) }
                    select name={"status_" (c.id)} aria-label={"Status for " (c.name)} {
                        option value="" { "default" }
                        @for s in ComponentStatus::ALL {
                            @if s != ComponentStatus::Operational {
                                option value=(s.as_str()) { (s.label()) }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// Component changes for an update: unticked components stay as they are; a ticked one
/// takes the chosen status, or leaves the incident with "operational".
fn component_changes(components: &[Component], i: &Incident) -> Markup {
    html! {
        fieldset.components {
            legend { "Change components (unticked ones stay as they are)" }
            @for c in components {
                @let now = i.components.iter().find(|a| a.id == c.id).map(|a| a.status);
                @let preset = now.unwrap_or(i.impact.default_component_status());
                div.pick {
                    label.check {
                        input type="checkbox" name="change" value=(c.id);
                        (c.name) @if let Some(s) = now { " (now " (s.label()) ")" }
                    }
                    select name={"status_" (c.id)} aria-label={"New status for " (c.name)} {
                        @for s in ComponentStatus::ALL {
                            @if s != ComponentStatus::Operational {
                                option value=(s.as_str()) selected[s == preset] { (s.label()) }
                            }
                        }
                        option value="operational" { "Operational (no longer affected)" }
                    }
                }
            }
        }
    }
}

/// What reopening a resolved incident will do, in words.
fn reopen_effect(i: &Incident, components: &[Component]) -> String {
    let back: Vec<String> = i
        .components
        .iter()
        .map(|a| {
            format!(
                "{} → {}",
                component_name(components, &a.id),
                a.status.label()
            )
        })
        .collect();
    if back.is_empty() {
        "Reopening shows the incident as open on the public page again.".into()
    } else {
        format!(
            "Reopening shows the incident as open on the public page again and puts its components back: {}.",
            back.join(", ")
        )
    }
}

fn template_select(templates: &[Template]) -> Markup {
    html! {
        @if !templates.is_empty() {
            label { "Template (fills the message when the message is empty)"
                select name="template_id" {
                    option value="" { "none" }
                    @for t in templates { option value=(t.id) { (t.name) } }
                }
            }
        }
    }
}

fn incident_row(nav: &Nav, i: &Incident, components: &[Component]) -> Markup {
    html! {
        tr data-incident=(i.title) {
            td { a href={"/admin/incidents/" (i.id)} { (i.title) } }
            td { span class={"impact impact-" (i.impact.as_str())} { (i.impact.as_str()) } }
            td { (i.status.label()) }
            td { @for (n, c) in i.components.iter().enumerate() { @if n > 0 { ", " } (component_name(components, &c.id)) } }
            td { (when(i.started_at)) }
            td {
                @if i.state == IncidentState::Draft && editor(nav) {
                    form.inline method="post" action={"/admin/incidents/" (i.id) "/publish"} { (csrf(nav.csrf)) button type="submit" { "Publish" } }
                    " "
                    a.button.danger href={"/admin/incidents/" (i.id) "/discard"} { "Discard…" }
                }
            }
        }
    }
}

fn incident_table(nav: &Nav, list: &[&Incident], components: &[Component], empty: &str) -> Markup {
    html! {
        @if list.is_empty() { p.empty { (empty) } }
        @else {
            table.list {
                thead { tr { th { "Title" } th { "Impact" } th { "Status" } th { "Components" } th { "Started" } th {} } }
                tbody { @for i in list { (incident_row(nav, i, components)) } }
            }
        }
    }
}

/// Incident list: drafts to review, open incidents, recent ones, and the new-incident form.
pub fn incidents(
    nav: &Nav,
    all: &[Incident],
    components: &[Component],
    pages: &[Page],
    templates: &[Template],
    form: &FormState,
) -> Markup {
    let drafts: Vec<&Incident> = all
        .iter()
        .filter(|i| i.state == IncidentState::Draft)
        .collect();
    let open: Vec<&Incident> = all
        .iter()
        .filter(|i| i.state == IncidentState::Published && i.status.is_open())
        .collect();
    let past: Vec<&Incident> = all
        .iter()
        .filter(|i| i.state == IncidentState::Published && !i.status.is_open())
        .take(50)
        .collect();
    layout::admin(
        "Incidents",
        nav,
        html! {
            (flash(form.error.as_deref(), form.notice.as_deref()))
            h2 { "Drafts to review (" (drafts.len()) ")" }
            (incident_table(nav, &drafts, components, "No drafts. Alerts and monitors open drafts here for review."))
            h2 { "Open" }
            (incident_table(nav, &open, components, "No open incidents."))
            h2 { "Resolved" }
            (incident_table(nav, &past, components, "None yet."))
            @if editor(nav) {
                h2 { "New incident" }
                form #new-incident.stack method="post" action="/admin/incidents" {
                    (csrf(nav.csrf))
                    label { "Title" input name="title" required maxlength="200" value=(form.values.get("title").map(String::as_str).unwrap_or("")) aria-invalid=[invalid(form, "title")] aria-describedby=[invalid(form, "title").map(|_| "err-title")]; (field_error(form, "title")) }
                    @if pages.len() > 1 {
                        label { "Page" select name="page" { @for p in pages { option value=(p.id) { (p.title) } } } }
                    }
                    label { "Impact"
                        select name="impact" { @for im in Impact::ALL { option value=(im.as_str()) selected[im == Impact::Major] { (im.as_str()) } } }
                    }
                    label { "Status"
                        select name="status" { @for s in IncidentStatus::UPDATABLE { option value=(s.as_str()) { (s.label()) } } }
                    }
                    (component_picker(components, form))
                    (template_select(templates))
                    label { "First update (Markdown)" textarea name="message" rows="4" aria-invalid=[invalid(form, "message")] aria-describedby=[invalid(form, "message").map(|_| "err-message")] { (form.values.get("message").map(String::as_str).unwrap_or("")) } (field_error(form, "message")) }
                    label.check { input type="checkbox" name="notify" value="true" checked; "Notify subscribers" }
                    label.check { input type="checkbox" name="draft" value="true"; "Save as draft (not public until published)" }
                    button type="submit" { "Create incident" }
                }
            }
        },
    )
}

/// One incident: fields, timeline with edit/delete, new update, postmortem, history.
pub fn incident(
    nav: &Nav,
    i: &Incident,
    components: &[Component],
    templates: &[Template],
    form: &FormState,
) -> Markup {
    let pm = i.postmortem.clone().unwrap_or_default();
    layout::admin(
        &i.title,
        nav,
        html! {
            (flash(form.error.as_deref(), form.notice.as_deref()))
            p.lead {
                @if i.state == IncidentState::Draft { strong.draft { "Draft — not public. " } a href={"/admin/drafts/" (i.id)} { "Review beside its alert" } " · " }
                "Status: " strong { (i.status.label()) } " · Impact: " (i.impact.as_str()) " · Started " (when(i.started_at))
                @if let Some(r) = i.resolved_at { " · Resolved " (when(r)) }
                " · " a href={"/incidents/" (i.id)} { "Public page" }
            }
            @if let Some(src) = &i.source_text { details.source open { summary { "Alert text (not public)" } pre { (src) } } }
            @if i.state == IncidentState::Draft && editor(nav) {
                div.actions {
                    form.inline method="post" action={"/admin/incidents/" (i.id) "/publish"} { (csrf(nav.csrf)) button type="submit" { "Publish" } }
                    a.button.danger href={"/admin/incidents/" (i.id) "/discard"} { "Discard…" }
                }
            }
            @if editor(nav) && i.status.is_open() {
                h2 { "Post an update" }
                form #new-update.stack method="post" action={"/admin/incidents/" (i.id) "/updates"} {
                    (csrf(nav.csrf))
                    label { "Status"
                        select name="status" { @for s in IncidentStatus::UPDATABLE { option value=(s.as_str()) selected[s == i.status] { (s.label()) } } }
                    }
                    (component_changes(components, i))
                    (template_select(templates))
                    label { "Message (Markdown)" textarea name="message" rows="4" {} }
                    label.check { input type="checkbox" name="notify" value="true" checked; "Notify subscribers" }
                    button type="submit" { "Post update" }
                }
            }
            @if editor(nav) && !i.status.is_open() {
                h2 { "Add a note" }
                form #new-note.stack method="post" action={"/admin/incidents/" (i.id) "/updates"} {
                    (csrf(nav.csrf))
                    p { "The incident stays resolved and its components do not change." }
                    label { "Note (Markdown)" textarea name="message" rows="4" required {} }
                    label.check { input type="checkbox" name="notify" value="true"; "Notify subscribers" }
                    button type="submit" { "Add note" }
                }
                details #reopen-box {
                    summary { "Reopen this incident" }
                    form #reopen.stack method="post" action={"/admin/incidents/" (i.id) "/updates"} {
                        (csrf(nav.csrf))
                        p { (reopen_effect(i, components)) }
                        label { "Reopen as"
                            select name="status" required {
                                option value="" { "Choose a status" }
                                @for s in IncidentStatus::UPDATABLE { @if s.is_open() { option value=(s.as_str()) { (s.label()) } } }
                            }
                        }
                        label { "Message (Markdown)" textarea name="message" rows="3" {} }
                        label.check { input type="checkbox" name="notify" value="true" checked; "Notify subscribers" }
                        button type="submit" { "Reopen incident" }
                    }
                }
            }
            @if editor(nav) {
                h2 { "Details" }
                form #incident-details.stack method="post" action={"/admin/incidents/" (i.id)} {
                    (csrf(nav.csrf))
                    label { "Title" input name="title" value=(i.title) required maxlength="200"; }
                    label { "Impact" select name="impact" { @for im in Impact::ALL { option value=(im.as_str()) selected[im == i.impact] { (im.as_str()) } } } }
                    button type="submit" { "Save details" }
                }
                @if i.state == IncidentState::Published && nav.role == Role::Owner.as_str() {
                    p.danger { a.button.danger href={"/admin/incidents/" (i.id) "/delete"} { "Delete incident…" } }
                }
            }
            h2 { "Timeline" }
            ol.timeline {
                @for u in i.updates.iter().rev() {
                    li {
                        div.meta { strong { (u.status) } " · " (when(u.created_at)) " · " (u.by) @if u.updated_at.is_some() { " · edited" } }
                        div.body { (markdown::render(&u.message)) }
                        @for ch in &u.component_changes { div.change { (ch.name) ": " (ch.old_status.label()) " → " (ch.new_status.label()) } }
                        @if editor(nav) {
                            details { summary { "Edit" }
                                form.stack method="post" action={"/admin/incidents/" (i.id) "/updates/" (u.id)} {
                                    (csrf(nav.csrf))
                                    textarea name="message" rows="3" aria-label="Message" { (u.message) }
                                    button type="submit" { "Save text" }
                                }
                                a.button.danger href={"/admin/incidents/" (i.id) "/updates/" (u.id) "/delete"} { "Delete update…" }
                            }
                        }
                    }
                }
            }
            @if !i.status.is_open() {
                h2 { "Postmortem" @if pm.published_at.is_some() { " (published)" } }
                @if editor(nav) {
                    form #postmortem.stack method="post" action={"/admin/incidents/" (i.id) "/postmortem"} {
                        (csrf(nav.csrf))
                        label { "Summary" textarea name="summary" rows="3" { (pm.summary) } }
                        label { "Timeline" textarea name="timeline" rows="4" { (pm.timeline) } }
                        label { "Root cause" textarea name="root_cause" rows="3" { (pm.root_cause) } }
                        label { "Impact" textarea name="impact" rows="3" { (pm.impact) } }
                        label { "Resolution" textarea name="resolution" rows="3" { (pm.resolution) } }
                        label { "Action items, one per line: text | owner | done"
                            textarea name="action_items" rows="4" {
                                @for a in &pm.action_items { (a.text) " | " (a.owner) @if a.done { " | done" } "\n" }
                            }
                        }
                        button type="submit" { "Save postmortem" }
                    }
                    // Publishing notifies subscribers; once published, saving updates the text.
                    @if i.postmortem.is_some() && i.state == IncidentState::Published && pm.published_at.is_none() {
                        form.inline method="post" action={"/admin/incidents/" (i.id) "/postmortem/publish"} {
                            (csrf(nav.csrf)) button type="submit" { "Publish postmortem" }
                        }
                    }
                }
            }
            h2 { "History" }
            ul.history { @for h in i.history.iter().rev() { li { (when(h.at)) " · " (h.by) " · " (h.action) } } }
        },
    )
}
