//! The public status page.

use super::incident::{self, Ctx};
use super::layout;
use crate::domain::{Component, Group, Incident, Maintenance, Overall, Page, worst};
use chrono::{DateTime, Utc};
use maud::{Markup, html};

/// Everything one page shows.
pub struct PageView<'a> {
    pub page: &'a Page,
    pub groups: Vec<&'a Group>,
    pub components: Vec<&'a Component>,
    pub overall: Overall,
    /// The latest change to anything on the page.
    pub updated: DateTime<Utc>,
    /// Path prefix of the page's links (`""` or `/p/{slug}`).
    pub base: String,
    pub ctx: Ctx<'a>,
    pub active_incidents: Vec<&'a Incident>,
    pub active_maintenance: Vec<&'a Maintenance>,
    pub upcoming_maintenance: Vec<&'a Maintenance>,
}

fn status_class(c: &Component) -> &'static str {
    c.status.as_str()
}

fn component_row(c: &Component) -> Markup {
    html! {
        li.component data-component=(c.name) {
            div.cname {
                span.name { (c.name) }
                @if !c.description.is_empty() {
                    details.desc { summary aria-label="About this component" { "?" } p { (c.description) } }
                }
            }
            span class={"status " (status_class(c))} { (super::layout::dot(status_class(c))) (c.status.label()) }
        }
    }
}

/// Renders the status page.
pub fn page(v: &PageView) -> Markup {
    let ungrouped: Vec<&&Component> = v
        .components
        .iter()
        .filter(|c| {
            c.group_id
                .as_ref()
                .is_none_or(|g| !v.groups.iter().any(|x| &x.id == g))
        })
        .collect();
    layout::public(
        &v.page.title,
        html! {
            main.wrap {
                header.pagehead { h1 { (v.page.title) } }
                div class={"banner " (v.overall.class())} role="status" { (v.overall.description) }
                @if !v.active_incidents.is_empty() {
                    section.incidents aria-label="Active incidents" {
                        @for i in &v.active_incidents { (incident::incident_card(i, &v.ctx)) }
                    }
                }
                @if !v.active_maintenance.is_empty() {
                    section.maintenance aria-label="Maintenance in progress" {
                        h2 { "Maintenance in progress" }
                        @for m in &v.active_maintenance { (incident::maintenance_card(m, &v.ctx)) }
                    }
                }
                @if !v.upcoming_maintenance.is_empty() {
                    section.maintenance aria-label="Scheduled maintenance" {
                        h2 { "Scheduled maintenance" }
                        @for m in &v.upcoming_maintenance { (incident::maintenance_card(m, &v.ctx)) }
                    }
                }
                @if !ungrouped.is_empty() {
                    ul.components { @for c in &ungrouped { (component_row(c)) } }
                }
                @for g in &v.groups {
                    @let members: Vec<&&Component> = v.components.iter().filter(|c| c.group_id.as_deref() == Some(g.id.as_str())).collect();
                    @let gs = worst(members.iter().map(|c| c.status));
                    details.group open[!g.collapsed] {
                        summary {
                            span.name { (g.name) }
                            span class={"status " (gs.as_str())} { (super::layout::dot(gs.as_str())) (gs.label()) }
                        }
                        ul.components { @for c in &members { (component_row(c)) } }
                    }
                }
                @if v.components.is_empty() {
                    p.empty { "No components yet." }
                }
                footer.pagefoot {
                    span { "Updated " (incident::time(v.updated, v.ctx.tz, true)) }
                    (incident::footer_links(&v.base))
                    span.powered { "Powered by statusd" }
                }
            }
        },
    )
}

/// A plain message page (404, sign-in needed).
pub fn message(title: &str, text: &str) -> Markup {
    layout::public(
        title,
        html! { main.wrap { h1 { (title) } p { (text) } p { a href="/" { "Back to the status page" } } } },
    )
}
