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
    /// 90-day uptime bars by component id (monitored components only).
    pub bars: &'a std::collections::HashMap<String, Vec<DayBar>>,
}

/// One day of a component's uptime history.
#[derive(Debug, Clone)]
pub struct DayBar {
    pub day: chrono::NaiveDate,
    pub uptime: Option<f64>,
    pub incidents: Vec<String>,
}

/// 90 day bars with the overall uptime; each bar's title tells the day, uptime and incidents.
fn uptime_bars(bars: &[DayBar]) -> Markup {
    let (mut up, mut n) = (0.0, 0);
    for b in bars.iter().filter_map(|b| b.uptime) {
        up += b;
        n += 1;
    }
    let overall = (n > 0).then(|| up / n as f64);
    html! {
        div.uptime {
            div.bars role="img" aria-label={"90-day uptime " (overall.map(|u| format!("{u:.2} %")).unwrap_or_else(|| "no data".into()))} {
                @for b in bars {
                    @let class = if b.uptime.is_some_and(|u| u < 99.9) || b.uptime.is_none() { crate::domain::bar_class(b.uptime) } else if !b.incidents.is_empty() { "minor" } else { "up" };
                    @let text = format!("{}: {}{}", b.day.format("%d %b %Y"), b.uptime.map(|u| format!("{u:.2} % uptime")).unwrap_or_else(|| "no data".into()), if b.incidents.is_empty() { String::new() } else { format!(" · {}", b.incidents.join("; ")) });
                    i class={"bar " (class)} title=(text) {}
                }
            }
            div.legend { span { "90 days ago" } span.pct { (overall.map(|u| format!("{u:.2} % uptime")).unwrap_or_default()) } span { "Today" } }
        }
    }
}

fn status_class(c: &Component) -> &'static str {
    c.status.as_str()
}

fn component_row(c: &Component, bars: Option<&Vec<DayBar>>) -> Markup {
    html! {
        li.component data-component=(c.name) {
            div.cname {
                span.name { (c.name) }
                @if !c.description.is_empty() {
                    details.desc { summary aria-label="About this component" { "?" } p { (c.description) } }
                }
            }
            span class={"status " (status_class(c))} { (super::layout::dot(status_class(c))) (c.status.label()) }
            @if let Some(b) = bars { (uptime_bars(b)) }
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
                    ul.components { @for c in &ungrouped { (component_row(c, v.bars.get(&c.id))) } }
                }
                @for g in &v.groups {
                    @let members: Vec<&&Component> = v.components.iter().filter(|c| c.group_id.as_deref() == Some(g.id.as_str())).collect();
                    @let gs = worst(members.iter().map(|c| c.status));
                    details.group open[!g.collapsed] {
                        summary {
                            span.name { (g.name) }
                            span class={"status " (gs.as_str())} { (super::layout::dot(gs.as_str())) (gs.label()) }
                        }
                        ul.components { @for c in &members { (component_row(c, v.bars.get(&c.id))) } }
                    }
                }
                @if v.components.is_empty() {
                    p.empty { "No components yet." }
                }
                @if v.page.audience == crate::domain::Audience::Public {
                    (super::subscribe::subscribe_box(&v.page.slug))
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
