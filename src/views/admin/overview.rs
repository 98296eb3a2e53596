//! The overview: what needs attention first, then every component's status.

use super::components::{group_name, status_form};
use super::{FormState, editor, when};
use crate::domain::attention::Attention;
use crate::domain::{Component, Group, Incident, Maintenance, Monitor, MonitorState};
use crate::views::layout::{self, Nav, flash};
use maud::{Markup, html};
use std::collections::HashMap;

/// Everything the overview reads, loaded in one store call.
pub struct OverviewData {
    pub components: Vec<Component>,
    pub groups: Vec<Group>,
    pub incidents: Vec<Incident>,
    pub monitors: Vec<Monitor>,
    pub states: HashMap<String, MonitorState>,
    pub maintenance: Vec<Maintenance>,
    pub failed_notices: usize,
    pub default_page: String,
    /// The default page's title, naming the overall status shown.
    pub default_title: String,
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

fn incident_item(i: &Incident) -> Markup {
    html! {
        li {
            a href={"/admin/incidents/" (i.id)} { (i.title) }
            " " span class={"impact impact-" (i.impact.as_str())} { (i.impact.as_str()) }
            span.meta { " · " (i.status.label()) " · since " (when(i.started_at)) }
        }
    }
}

fn attention_list(a: &Attention) -> Markup {
    html! {
        @if a.is_clear() {
            p.allclear role="status" { strong { "All clear" } " — no drafts to review, no open incidents, no monitors down, no maintenance within 24 hours and no failed notices." }
        } @else {
            div.attention {
                @if !a.drafts.is_empty() {
                    section.att.att-drafts {
                        h3 { a href="/admin/incidents" { (plural(a.drafts.len(), "draft waits", "drafts wait")) " for Publish" } }
                        ul { @for i in &a.drafts { (incident_item(i)) } }
                    }
                }
                @if !a.open.is_empty() {
                    section.att.att-open {
                        h3 { (plural(a.open.len(), "open incident", "open incidents")) }
                        ul { @for i in &a.open { (incident_item(i)) } }
                    }
                }
                @if !a.down.is_empty() {
                    section.att.att-down {
                        h3 { a href="/admin/monitors" { (plural(a.down.len(), "monitor down", "monitors down")) } }
                        ul {
                            @for (m, s) in &a.down {
                                li {
                                    a href={"/admin/monitors/" (m.id)} { (m.name) }
                                    @if let Some(t) = s.changed_at { span.meta { " · down since " (when(t)) } }
                                    @if let Some(e) = &s.last_error { span.meta { " · " (e) } }
                                }
                            }
                        }
                    }
                }
                @if !a.maintenance.is_empty() {
                    section.att.att-maint {
                        h3 { a href="/admin/maintenance" { "Maintenance now or within 24 hours" } }
                        ul {
                            @for m in &a.maintenance {
                                li {
                                    a href={"/admin/maintenance/" (m.id)} { (m.title) }
                                    span.meta {
                                        @if m.status.is_active() { " · " (m.status.label()) " until " (when(m.ends_at)) }
                                        @else { " · starts " (when(m.starts_at)) }
                                    }
                                }
                            }
                        }
                    }
                }
                @if a.failed_notices > 0 {
                    section.att.att-failed {
                        h3 { a href="/admin/outbox" { (plural(a.failed_notices, "notice failed", "notices failed")) } }
                        p.meta { "Delivery gave up; look at the error and retry from the Notices list." }
                    }
                }
            }
        }
    }
}

/// The overview: the "needs attention" list, the overall status and quick status changes.
pub fn overview(
    nav: &Nav,
    overall: &str,
    attention: &Attention,
    data: &OverviewData,
    form: &FormState,
) -> Markup {
    layout::admin(
        "Overview",
        nav,
        html! {
            (flash(form.error.as_deref(), form.notice.as_deref()))
            h2 { "Needs attention" }
            (attention_list(attention))
            h2 { "Components" }
            p.lead { (data.default_title) ": " strong { (overall) } }
            @if data.components.is_empty() {
                p { "No components yet. " a href="/admin/components" { "Add the services your users depend on." } }
            } @else {
                table.list {
                    thead { tr { th { "Component" } th { "Group" } th { "Status" } } }
                    tbody {
                        @for c in &data.components {
                            tr data-component=(c.name) {
                                td { (c.name) }
                                td { (group_name(&data.groups, c.group_id.as_deref())) }
                                td {
                                    @if editor(nav) { (status_form(nav, c, "/admin")) }
                                    @else { span class={"status " (c.status.as_str())} { (c.status.label()) } }
                                }
                            }
                        }
                    }
                }
            }
        },
    )
}
