//! The drafts inbox: drafts from monitors and alerts together, one page per draft with
//! the raw alert beside the proposed text, and resolves an alert source proposed.

use super::{FormState, csrf, editor, field_error, invalid, when};
use crate::domain::alert_lifecycle::{AlertEvent, TrackedAlert};
use crate::domain::{Component, ComponentStatus, Impact, Incident};
use crate::views::admin::alerts::outcome_words;
use crate::views::layout::{self, Nav, flash};
use maud::{Markup, html};

/// One draft and the alert that opened it, if one did.
pub struct DraftRow<'a> {
    pub incident: &'a Incident,
    pub alert: Option<&'a TrackedAlert>,
}

/// A published incident whose alert resolved, with the proposed resolve text.
pub struct ResolveRow<'a> {
    pub incident: &'a Incident,
    pub alert: &'a TrackedAlert,
    pub message: String,
}

fn origin(d: &DraftRow) -> Markup {
    html! {
        @match d.alert {
            Some(a) => {
                "From a " (a.source.label()) " alert, first seen " (when(a.first_seen))
                @if a.fires > 1 { ", notified " (a.fires) " times" }
                @if a.members.len() > 1 { ", " (a.members.len()) " alerts in the group" }
                @if let Some(at) = a.auto_publish_at { ". Publishes itself at " (when(at)) " if still firing" }
                "."
            }
            None => { "Opened by " (d.incident.created_by) " at " (when(d.incident.created_at)) "." }
        }
    }
}

/// The inbox: every draft newest first, then resolves waiting for a click.
pub fn inbox(nav: &Nav, rows: &[DraftRow], resolves: &[ResolveRow], form: &FormState) -> Markup {
    let total = rows.len() + resolves.len();
    layout::admin(
        "Drafts",
        nav,
        html! {
            (flash(form.error.as_deref(), form.notice.as_deref()))
            p.count-line { strong #draft-count { (total) } " waiting for review. Drafts are seen by the team only until published." }
            @if total == 0 {
                p.empty { "Nothing to review. Monitors and alerts put their drafts here; set alert sources up in " a href="/admin/alerts" { "Alert sources" } "." }
            }
            @if !rows.is_empty() {
                ul.drafts {
                    @for d in rows {
                        li.draft data-draft=(d.incident.id) {
                            a.title href={"/admin/drafts/" (d.incident.id)} { (d.incident.title) }
                            " " span.badge { (d.incident.impact.as_str()) }
                            p.meta { (origin(d)) }
                        }
                    }
                }
            }
            @for r in resolves {
                article.draft data-resolve=(r.incident.id) {
                    h2 { "Resolved at the source: " a href={"/admin/incidents/" (r.incident.id)} { (r.incident.title) } }
                    p.meta { (r.alert.source.label()) " says the alert ended. Publish the resolve update when you agree." }
                    @if editor(nav) {
                        form.stack method="post" action={"/admin/drafts/" (r.incident.id) "/resolve"} {
                            (csrf(nav.csrf))
                            label { "Resolve update" textarea name="message" rows="3" required { (r.message) } }
                            button type="submit" { "Publish resolve update" }
                        }
                    }
                }
            }
        },
    )
}

fn components_fieldset(i: &Incident, components: &[Component], form: &FormState) -> Markup {
    let posted = !form.values.is_empty();
    html! {
        fieldset.components {
            legend { "Affected components and their statuses" }
            (field_error(form, "components"))
            @for c in components {
                @let chosen = i.components.iter().find(|a| a.id == c.id);
                @let sel_id = format!("status-{}", c.id);
                @let status_key = format!("status_{}", c.id);
                div.component-pick {
                    label.check { input type="checkbox" name="component" value=(c.id) checked[chosen.is_some()]; (c.name) }
                    label.sr-only for=(sel_id) { "Status of " (c.name) }
                    select id=(sel_id) name=(status_key) {
                        @for s in ComponentStatus::ALL {
                            @let picked = if posted { form.v(&status_key) == s.as_str() } else { chosen.map_or(s == i.impact.default_component_status(), |a| a.status == s) };
                            option value=(s.as_str()) selected[picked] { (s.label()) }
                        }
                    }
                }
            }
        }
    }
}

fn raw_side(d: &DraftRow, events: &[AlertEvent]) -> Markup {
    html! {
        section.raw-side aria-labelledby="raw-h" {
            h2 #raw-h { "What the alert said (team only)" }
            p.meta { (origin(d)) }
            pre.raw #source-text { (d.incident.source_text.as_deref().unwrap_or("No raw alert: opened by a person or a monitor.")) }
            @if !events.is_empty() {
                h3 { "Alerts received for this draft" }
                ul.events {
                    @for e in events {
                        li {
                            (when(e.at)) " · " (outcome_words(&e.outcome))
                            details { summary { "Body as received" } pre.raw { (e.raw) } }
                        }
                    }
                }
            }
        }
    }
}

/// One draft: the raw alert beside the proposed text, editable, with Publish and Discard.
pub fn draft(
    nav: &Nav,
    d: &DraftRow,
    events: &[AlertEvent],
    components: &[Component],
    form: &FormState,
) -> Markup {
    let i = d.incident;
    let posted = !form.values.is_empty();
    let pick = |key: &str, stored: &str| -> String {
        if posted {
            form.v(key).to_string()
        } else {
            stored.to_string()
        }
    };
    let message = pick(
        "message",
        i.updates.first().map_or("", |u| u.message.as_str()),
    );
    let impact = pick("impact", i.impact.as_str());
    layout::admin(
        &format!("Draft: {}", i.title),
        nav,
        html! {
            (flash(form.error.as_deref(), form.notice.as_deref()))
            p { a href="/admin/drafts" { "← All drafts" } " · " strong.draft { "Not public until published." } }
            div.draft-grid {
                (raw_side(d, events))
                section aria-labelledby="text-h" {
                    h2 #text-h { "Proposed for customers" }
                    @if editor(nav) {
                        form #publish-draft.stack method="post" action={"/admin/drafts/" (i.id) "/publish"} {
                            (csrf(nav.csrf))
                            label { "Title" input name="title" required maxlength="200" value=(pick("title", &i.title)) aria-invalid=[invalid(form, "title")]; (field_error(form, "title")) }
                            label { "First update" textarea name="message" rows="5" required aria-invalid=[invalid(form, "message")] { (message) } (field_error(form, "message")) }
                            label { "Severity" select name="impact" {
                                @for imp in Impact::ALL { option value=(imp.as_str()) selected[imp.as_str() == impact] { (imp.as_str()) } }
                            } (field_error(form, "impact")) }
                            (components_fieldset(i, components, form))
                            p.hint { "Publish updates the checked components, puts the incident on the status page and notifies subscribers." }
                            div.actions {
                                button type="submit" { "Publish" }
                                a.button.danger href={"/admin/drafts/" (i.id) "/discard"} { "Discard…" }
                            }
                        }
                    } @else {
                        p { strong { (i.title) } }
                        p { (message) }
                    }
                }
            }
        },
    )
}

/// The confirm step of Discard, asking why (the reason is kept in the alert history).
pub fn discard(nav: &Nav, i: &Incident, form: &FormState) -> Markup {
    layout::admin(
        &format!("Discard draft “{}”?", i.title),
        nav,
        html! {
            (flash(form.error.as_deref(), form.notice.as_deref()))
            div.confirm-text {
                p { "The draft was never public; nobody is notified and it is deleted." }
                p { "The reason is kept in the alert history." }
            }
            form.confirm.stack method="post" action={"/admin/drafts/" (i.id) "/discard"} {
                (csrf(nav.csrf))
                label { "Reason" input name="reason" required maxlength="300" placeholder="False alarm: staging only" value=(form.v("reason")) aria-invalid=[invalid(form, "reason")]; (field_error(form, "reason")) }
                div.actions {
                    button.danger type="submit" { "Discard draft" }
                    a href={"/admin/drafts/" (i.id)} { "Cancel" }
                }
            }
        },
    )
}
