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
    /// Checks that day, and how many of them were up (to weigh longer windows).
    pub checks: u64,
    pub up: u64,
    pub incidents: Vec<String>,
}

/// Uptime over the last `days` bars, weighted by checks; `None` without data.
pub fn window_uptime(bars: &[DayBar], days: usize) -> Option<f64> {
    let tail = &bars[bars.len().saturating_sub(days)..];
    let (checks, up) = tail
        .iter()
        .fold((0u64, 0u64), |(c, u), b| (c + b.checks, u + b.up));
    (checks > 0).then(|| up as f64 * 100.0 / checks as f64)
}

fn pct(u: Option<f64>) -> String {
    u.map(|u| format!("{u:.2} %"))
        .unwrap_or_else(|| "no data".into())
}

/// What the uptime page shows.
pub struct UptimeView<'a> {
    pub page: &'a Page,
    pub base: String,
    pub components: Vec<&'a Component>,
    pub bars: &'a std::collections::HashMap<String, Vec<DayBar>>,
}

/// `/uptime`: every monitored component with its uptime over 1, 7, 30 and 90 days and
/// its 90 daily bars.
pub fn uptime(v: &UptimeView) -> Markup {
    let rows: Vec<(&Component, &Vec<DayBar>)> = v
        .components
        .iter()
        .filter_map(|c| v.bars.get(&c.id).map(|b| (*c, b)))
        .collect();
    layout::public(
        &format!("Uptime · {}", v.page.title),
        html! {
            main.wrap {
                p.back { a href=(if v.base.is_empty() { "/" } else { v.base.as_str() }) { "← " (v.page.title) } }
                h1 { "Uptime" }
                @if rows.is_empty() {
                    p.empty { "No component on this page is monitored yet." }
                } @else {
                    table.uptime-table {
                        thead { tr { th scope="col" { "Component" } th scope="col" { "Today" } th scope="col" { "7 days" } th scope="col" { "30 days" } th scope="col" { "90 days" } } }
                        tbody {
                            @for (c, b) in &rows {
                                tr data-component=(c.name) {
                                    th scope="row" { (c.name) }
                                    td { (pct(window_uptime(b, 1))) }
                                    td { (pct(window_uptime(b, 7))) }
                                    td { (pct(window_uptime(b, 30))) }
                                    td { (pct(window_uptime(b, 90))) }
                                }
                            }
                        }
                    }
                    ul.components {
                        @for (c, b) in &rows {
                            li.component data-component=(c.name) {
                                div.cname { span.name { (c.name) } }
                                span class={"status " (c.status.as_str())} { (super::layout::dot(c.status.as_str())) (c.status.label()) }
                                (uptime_bars(b))
                            }
                        }
                    }
                }
                footer.pagefoot { (incident::footer_links(&v.base)) span.powered { "Powered by statusd" } }
            }
        },
    )
}

/// 90 day bars with the overall uptime; each bar's title tells the day, uptime and incidents.
fn uptime_bars(bars: &[DayBar]) -> Markup {
    let overall = window_uptime(bars, 90);
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
