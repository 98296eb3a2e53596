//! The public status page.

use super::incident::{self, Ctx};
use super::layout;
use crate::domain::timeline::Tally;
use crate::domain::{
    Component, ComponentStatus, Group, Incident, Maintenance, Overall, Page, worst,
};
use chrono::{DateTime, Utc};
use maud::{Markup, html};
use std::collections::HashMap;

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
    /// 90-day bars by component id, from each component's published status.
    pub bars: &'a HashMap<String, Vec<DayBar>>,
    /// Monitor-measured 90-day uptime of the components that show it publicly.
    pub measured: &'a HashMap<String, Option<f64>>,
    /// The last 15 days, newest first, with what began on each.
    pub past: Vec<(chrono::NaiveDate, Vec<incident::Item<'a>>)>,
}

/// One day of a component's published status history.
#[derive(Debug, Clone)]
pub struct DayBar {
    pub day: chrono::NaiveDate,
    pub tally: Tally,
    /// Titles of the page's published incidents that touched the component that day.
    pub incidents: Vec<String>,
}

/// Uptime over the last `days` bars, weighted by the time each covers; `None` when the
/// component did not exist yet.
pub fn window_uptime(bars: &[DayBar], days: usize) -> Option<f64> {
    let mut t = Tally::default();
    for b in &bars[bars.len().saturating_sub(days)..] {
        t.merge(&b.tally);
    }
    t.uptime()
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
    pub bars: &'a HashMap<String, Vec<DayBar>>,
    pub measured: &'a HashMap<String, Option<f64>>,
}

/// `/uptime`: every component with its published uptime over 1, 7, 30 and 90 days and
/// its 90 daily bars.
pub fn uptime(v: &UptimeView) -> Markup {
    let rows: Vec<(&Component, &Vec<DayBar>)> = v
        .components
        .iter()
        .filter_map(|c| v.bars.get(&c.id).map(|b| (*c, b)))
        .collect();
    layout::for_page(
        v.page,
        &format!("Uptime · {}", v.page.title),
        html! {
            main.wrap {
                (layout::masthead(v.page, if v.base.is_empty() { "/" } else { v.base.as_str() }))
                h1 { "Uptime" }
                @if rows.is_empty() {
                    p.empty { "No components yet." }
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
                                (uptime_bars(b, v.measured.get(&c.id).copied()))
                            }
                        }
                    }
                }
                footer.pagefoot { (incident::footer_links(&v.base)) span.powered { "Powered by statusd" } }
            }
            (bars_script())
        },
    )
}

/// The bars' progressive enhancement (an external file: the CSP allows no inline script).
fn bars_script() -> Markup {
    html! { script src=(crate::assets::url("bars.js")) defer {} }
}

/// The bar class of a day: its worst published status (none for a good day).
fn day_class(t: &Tally) -> Option<&'static str> {
    match t.worst() {
        None => Some("n"),
        Some(ComponentStatus::Operational) => None,
        Some(ComponentStatus::DegradedPerformance) => Some("d"),
        Some(ComponentStatus::PartialOutage) => Some("p"),
        Some(ComponentStatus::MajorOutage) => Some("m"),
        Some(ComponentStatus::UnderMaintenance) => Some("x"),
    }
}

/// "1 h 5 min", "45 min", "< 1 min".
fn duration(ms: i64) -> String {
    let m = ms.saturating_add(30_000) / 60_000;
    match (m / 60, m % 60) {
        (0, 0) => "< 1 min".into(),
        (0, m) => format!("{m} min"),
        (h, 0) => format!("{h} h"),
        (h, m) => format!("{h} h {m} min"),
    }
}

/// What a day's tooltip says; `None` for a quiet good day (the script names its date).
fn day_text(b: &DayBar) -> Option<String> {
    let t = &b.tally;
    if t.worst().is_none_or(|w| w == ComponentStatus::Operational) && b.incidents.is_empty() {
        return None;
    }
    let mut parts = vec![b.day.format("%-d %b %Y").to_string()];
    parts.extend(t.uptime().map(|u| format!("{u:.2} % uptime")));
    for (ms, what) in [
        (t.major, "Major outage"),
        (t.partial, "Partial outage"),
        (t.degraded, "Degraded performance"),
        (t.maintenance, "Maintenance"),
    ] {
        if ms > 0 {
            parts.push(format!("{what} {}", duration(ms)));
        }
    }
    parts.extend(b.incidents.iter().cloned());
    Some(parts.join(" · "))
}

/// 90 day bars with the overall uptime. A day with something to tell is focusable and
/// carries its text (shown by CSS on hover and focus); quiet days stay bare to keep the
/// page small, and `bars.js` names their dates.
fn uptime_bars(bars: &[DayBar], measured: Option<Option<f64>>) -> Markup {
    let overall = window_uptime(bars, 90);
    let last = bars.last().map(|b| b.day.to_string()).unwrap_or_default();
    html! {
        div.uptime {
            div.bars role="group" data-end=(last) aria-label={"90-day uptime " (pct(overall))} {
                @for b in bars {
                    @if let Some(text) = day_text(b) {
                        i class=[day_class(&b.tally)] tabindex="0" role="img" aria-label=(text) {}
                    } @else {
                        i class=[day_class(&b.tally)] {}
                    }
                }
            }
            div.legend { span { "90 days ago" } span.pct { (overall.map(|u| format!("{u:.2} % uptime")).unwrap_or_default()) } span { "Today" } }
            @if let Some(m) = measured {
                p.measured { "Measured by monitoring: " (pct(m)) " over 90 days" }
            }
        }
    }
}

fn status_class(c: &Component) -> &'static str {
    c.status.as_str()
}

fn component_row(
    c: &Component,
    bars: Option<&Vec<DayBar>>,
    measured: Option<Option<f64>>,
) -> Markup {
    html! {
        li.component data-component=(c.name) {
            div.cname {
                span.name { (c.name) }
                @if !c.description.is_empty() {
                    details.desc { summary aria-label="About this component" { "?" } p { (c.description) } }
                }
            }
            span class={"status " (status_class(c))} { (super::layout::dot(status_class(c))) (c.status.label()) }
            @if let Some(b) = bars { (uptime_bars(b, measured)) }
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
    layout::for_page(
        v.page,
        &v.page.title,
        html! {
            main.wrap {
                header.pagehead {
                    div.brand {
                        @if let Some(logo) = &v.page.logo { img.logo src={"/logo/" (logo)} alt=(v.page.title); }
                        h1 { (v.page.title) }
                    }
                    a.button.subscribe-top href=(super::subscribe::subscribe_path(&v.page.slug)) { "Subscribe to updates" }
                }
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
                    ul.components { @for c in &ungrouped { (component_row(c, v.bars.get(&c.id), v.measured.get(&c.id).copied())) } }
                }
                @for g in &v.groups {
                    @let members: Vec<&&Component> = v.components.iter().filter(|c| c.group_id.as_deref() == Some(g.id.as_str())).collect();
                    @let gs = worst(members.iter().map(|c| c.status));
                    details.group open[!g.collapsed] {
                        summary {
                            span.name { (g.name) }
                            span class={"status " (gs.as_str())} { (super::layout::dot(gs.as_str())) (gs.label()) }
                        }
                        ul.components { @for c in &members { (component_row(c, v.bars.get(&c.id), v.measured.get(&c.id).copied())) } }
                    }
                }
                @if v.components.is_empty() {
                    p.empty { "No components yet." }
                }
                section.past aria-labelledby="past-h" {
                    h2 #past-h { "Past incidents" }
                    @for (day, items) in &v.past {
                        div.pastday {
                            h3 { (day.format("%-d %B %Y")) }
                            @if items.is_empty() {
                                p.quiet { "No incidents reported." }
                            } @else {
                                ul.history { @for item in items { (incident::history_row(*item, &v.ctx)) } }
                            }
                        }
                    }
                    p.more { a href={(v.base) "/history"} { "Incident history →" } }
                }
                (super::subscribe::subscribe_box(&v.page.slug))
                footer.pagefoot {
                    span { "Updated " (incident::time(v.updated, v.ctx.tz, true)) }
                    (incident::footer_links(&v.base))
                    span.powered { "Powered by statusd" }
                }
            }
            (bars_script())
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
