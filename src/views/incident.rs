//! Incidents and maintenance on the public side: the cards of the status page, the
//! detail page, the history by month, and the HTML that feeds carry. Every message
//! and postmortem text goes through `markdown::render` (sanitized).

use super::{layout, markdown};
use crate::domain::{Component, Impact, Incident, Maintenance, Page, Update};
use chrono::{DateTime, Datelike, SecondsFormat, Utc};
use chrono_tz::Tz;
use maud::{Markup, html};

/// What every view of an incident needs besides the incident: the page's time zone
/// and the components, to name the affected ones.
#[derive(Clone, Copy)]
pub struct Ctx<'a> {
    pub tz: Tz,
    pub components: &'a [Component],
}

impl Ctx<'_> {
    fn name<'a>(&'a self, id: &'a str) -> &'a str {
        self.components
            .iter()
            .find(|c| c.id == id)
            .map(|c| c.name.as_str())
            .unwrap_or(id)
    }

    fn names(&self, ids: impl IntoIterator<Item = String>) -> Vec<String> {
        ids.into_iter()
            .map(|id| self.name(&id).to_string())
            .collect()
    }
}

/// An incident or a maintenance window.
#[derive(Clone, Copy)]
pub enum Item<'a> {
    Incident(&'a Incident),
    Maintenance(&'a Maintenance),
}

impl Item<'_> {
    /// When it began: where history files it.
    pub fn at(self) -> DateTime<Utc> {
        match self {
            Item::Incident(i) => i.started_at,
            Item::Maintenance(m) => m.starts_at,
        }
    }
}

/// `<time>` in the page's zone, with the UTC time in the tooltip. The year is left
/// out where only recent and upcoming events are shown.
pub fn time(t: DateTime<Utc>, tz: Tz, with_year: bool) -> Markup {
    let fmt = if with_year {
        "%-d %b %Y %H:%M %Z"
    } else {
        "%-d %b %H:%M %Z"
    };
    html! {
        time datetime=(t.to_rfc3339_opts(SecondsFormat::Secs, true))
            title=(t.format("%Y-%m-%d %H:%M UTC")) { (t.with_timezone(&tz).format(fmt)) }
    }
}

/// The label of an update's status (`in_progress` → "In progress").
pub fn status_label(status: &str) -> String {
    let mut s = status.replace('_', " ");
    if let Some(first) = s.get(0..1) {
        let up = first.to_ascii_uppercase();
        s.replace_range(0..1, &up);
    }
    s
}

/// CSS class for an impact: `impact-major`, `impact-maintenance`.
pub fn impact_class(i: Impact) -> String {
    format!("impact-{}", i.as_str())
}

fn impact_label(i: Impact) -> &'static str {
    match i {
        Impact::None => "No impact",
        Impact::Minor => "Minor",
        Impact::Major => "Major",
        Impact::Critical => "Critical",
    }
}

/// Updates newest first.
fn newest_first(updates: &[Update]) -> Vec<&Update> {
    let mut v: Vec<&Update> = updates.iter().collect();
    v.sort_by_key(|u| std::cmp::Reverse(u.created_at));
    v
}

fn update_entry(u: &Update, ctx: &Ctx, with_year: bool) -> Markup {
    html! {
        li.update {
            div.uhead {
                strong.ustatus { (status_label(&u.status)) }
                " "
                (time(u.created_at, ctx.tz, with_year))
            }
            div.msg { (markdown::render(&u.message)) }
            @if !u.component_changes.is_empty() {
                ul.changes {
                    @for c in &u.component_changes {
                        li {
                            (c.name) ": "
                            span class={"status " (c.old_status.as_str())} { (c.old_status.label()) }
                            " → "
                            span class={"status " (c.new_status.as_str())} { (c.new_status.label()) }
                        }
                    }
                }
            }
        }
    }
}

fn affected_line(names: &[String]) -> Markup {
    html! {
        @if !names.is_empty() {
            p.affected { "Affected: " (names.join(", ")) }
        }
    }
}

/// An active incident on the status page: latest update and a collapsible timeline.
pub fn incident_card(i: &Incident, ctx: &Ctx) -> Markup {
    let updates = newest_first(&i.updates);
    html! {
        article class={"incident " (impact_class(i.impact))} {
            h3 { a href={"/incidents/" (i.id)} { (i.title) } }
            p.meta {
                span.istatus { (i.status.label()) }
                " · since " (time(i.started_at, ctx.tz, false))
            }
            @if let Some(u) = updates.first() {
                div.msg { (markdown::render(&u.message)) }
            }
            (affected_line(&ctx.names(i.component_ids())))
            @if updates.len() > 1 {
                details.timeline {
                    summary { "Timeline (" (updates.len()) " updates)" }
                    ol.updates { @for u in &updates { (update_entry(u, ctx, false)) } }
                }
            }
        }
    }
}

/// An active or upcoming maintenance window on the status page.
pub fn maintenance_card(m: &Maintenance, ctx: &Ctx) -> Markup {
    // A window planned into another year says which.
    let year = m.starts_at.year() != m.created_at.year() || m.ends_at.year() != m.starts_at.year();
    html! {
        article.incident.impact-maintenance {
            h3 { a href={"/incidents/" (m.id)} { (m.title) } }
            p.meta {
                span.istatus { (m.status.label()) }
                " · " (time(m.starts_at, ctx.tz, year)) " – " (time(m.ends_at, ctx.tz, year))
            }
            @if !m.message.is_empty() {
                div.msg { (markdown::render(&m.message)) }
            }
            (affected_line(&ctx.names(m.component_ids.iter().cloned())))
        }
    }
}

/// The `/incidents/{id}` page.
pub struct DetailView<'a> {
    pub page: &'a Page,
    /// Path prefix of the page (`""` or `/p/{slug}`).
    pub base: String,
    pub ctx: Ctx<'a>,
    pub item: Item<'a>,
}

fn back_link(base: &str, page: &Page) -> Markup {
    layout::masthead(page, if base.is_empty() { "/" } else { base })
}

fn section(title: &str, text: &str) -> Markup {
    html! {
        @if !text.trim().is_empty() {
            h3 { (title) }
            div.msg { (markdown::render(text)) }
        }
    }
}

/// The full story of an incident or maintenance window.
pub fn detail(v: &DetailView) -> Markup {
    let ctx = &v.ctx;
    let (title, body) = match v.item {
        Item::Incident(i) => (i.title.as_str(), incident_detail(i, ctx)),
        Item::Maintenance(m) => (m.title.as_str(), maintenance_detail(m, ctx)),
    };
    layout::for_page(
        v.page,
        &format!("{title} · {}", v.page.title),
        html! {
            main.wrap {
                (back_link(&v.base, v.page))
                (body)
                (footer(&v.base))
            }
        },
    )
}

fn incident_detail(i: &Incident, ctx: &Ctx) -> Markup {
    html! {
        article class={"detail " (impact_class(i.impact))} {
            h1 { (i.title) }
            dl.facts {
                dt { "Impact" } dd { span class={"impact " (impact_class(i.impact))} { (impact_label(i.impact)) } }
                dt { "Status" } dd { (i.status.label()) }
                dt { "Started" } dd { (time(i.started_at, ctx.tz, true)) }
                @if let Some(r) = i.resolved_at { dt { "Resolved" } dd { (time(r, ctx.tz, true)) } }
                @let names = ctx.names(i.component_ids());
                @if !names.is_empty() { dt { "Affected" } dd { (names.join(", ")) } }
            }
            h2 { "Updates" }
            ol.updates { @for u in newest_first(&i.updates) { (update_entry(u, ctx, true)) } }
            @if let Some(pm) = i.postmortem.as_ref().filter(|p| p.published_at.is_some()) {
                section.postmortem {
                    h2 { "Postmortem" }
                    @if let Some(at) = pm.published_at { p.meta { "Published " (time(at, ctx.tz, true)) } }
                    (section("Summary", &pm.summary))
                    (section("Timeline", &pm.timeline))
                    (section("Root cause", &pm.root_cause))
                    (section("Impact", &pm.impact))
                    (section("Resolution", &pm.resolution))
                    @if !pm.action_items.is_empty() {
                        h3 { "Action items" }
                        ul.actions {
                            @for a in &pm.action_items {
                                li class=[a.done.then_some("done")] {
                                    span.mark aria-hidden="true" { @if a.done { "✓" } @else { "○" } }
                                    " " (a.text)
                                    @if !a.owner.is_empty() { " " span.owner { "(" (a.owner) ")" } }
                                    " " span.state { @if a.done { "done" } @else { "open" } }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

fn maintenance_detail(m: &Maintenance, ctx: &Ctx) -> Markup {
    html! {
        article.detail.impact-maintenance {
            h1 { (m.title) }
            dl.facts {
                dt { "Type" } dd { span.impact.impact-maintenance { "Scheduled maintenance" } }
                dt { "Status" } dd { (m.status.label()) }
                dt { "Window" } dd { (time(m.starts_at, ctx.tz, true)) " – " (time(m.ends_at, ctx.tz, true)) }
                @let names = ctx.names(m.component_ids.iter().cloned());
                @if !names.is_empty() { dt { "Affected" } dd { (names.join(", ")) } }
            }
            @if !m.message.is_empty() { div.msg { (markdown::render(&m.message)) } }
            h2 { "Updates" }
            ol.updates { @for u in newest_first(&m.updates) { (update_entry(u, ctx, true)) } }
        }
    }
}

/// The history page of one month.
pub struct HistoryView<'a> {
    pub page: &'a Page,
    pub base: String,
    pub ctx: Ctx<'a>,
    /// "November 2026".
    pub month: String,
    /// Newest first.
    pub items: Vec<Item<'a>>,
    pub newer: Option<String>,
    pub older: Option<String>,
}

/// One incident or window in a list of past ones.
pub fn history_row(item: Item, ctx: &Ctx) -> Markup {
    match item {
        Item::Incident(i) => html! {
            li class={"hitem " (impact_class(i.impact))} {
                a href={"/incidents/" (i.id)} { (i.title) }
                p.meta {
                    span.istatus { (i.status.label()) } " · "
                    (time(i.started_at, ctx.tz, true))
                    @if let Some(r) = i.resolved_at { " – " (time(r, ctx.tz, true)) }
                }
                @if let Some(u) = newest_first(&i.updates).first() {
                    div.msg { (markdown::render(&u.message)) }
                }
            }
        },
        Item::Maintenance(m) => html! {
            li.hitem.impact-maintenance {
                a href={"/incidents/" (m.id)} { (m.title) }
                p.meta {
                    span.istatus { "Maintenance · " (m.status.label()) } " · "
                    (time(m.starts_at, ctx.tz, true)) " – " (time(m.ends_at, ctx.tz, true))
                }
            }
        },
    }
}

/// Past incidents and completed maintenance of one month, with month navigation.
pub fn history(v: &HistoryView) -> Markup {
    layout::for_page(
        v.page,
        &format!("History · {}", v.page.title),
        html! {
            main.wrap {
                (back_link(&v.base, v.page))
                h1 { "History" }
                nav.pager aria-label="Months" {
                    @if let Some(h) = &v.older { a rel="prev" href=(h) { "← Older" } } @else { span {} }
                    h2 { (v.month) }
                    @if let Some(h) = &v.newer { a rel="next" href=(h) { "Newer →" } } @else { span {} }
                }
                @if v.items.is_empty() {
                    p.empty { "No incidents or maintenance this month." }
                } @else {
                    ul.history { @for item in &v.items { (history_row(*item, &v.ctx)) } }
                }
                (footer(&v.base))
            }
        },
    )
}

/// Links every public page ends with.
pub fn footer_links(base: &str) -> Markup {
    html! {
        nav.links {
            a href={(base) "/history"} { "History" }
            a href={(base) "/uptime"} { "Uptime" }
            a href={(base) "/history.atom"} { "Feed (Atom)" }
            a href={(base) "/api/v2/summary.json"} { "API" }
        }
    }
}

fn footer(base: &str) -> Markup {
    html! { footer.pagefoot { (footer_links(base)) span.powered { "Powered by statusd" } } }
}

/// The HTML body of a feed entry: every update, newest first, times in UTC.
pub fn feed_content(updates: &[Update], message: Option<&str>) -> Markup {
    html! {
        @if let Some(m) = message.filter(|m| !m.trim().is_empty()) { (markdown::render(m)) }
        @for u in newest_first(updates) {
            p { strong { (status_label(&u.status)) } " · " (u.created_at.format("%Y-%m-%d %H:%M UTC")) }
            (markdown::render(&u.message))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn time_shows_local_zone_with_utc_tooltip() {
        let t = Utc.with_ymd_and_hms(2026, 11, 23, 10, 0, 0).unwrap();
        let berlin: Tz = "Europe/Berlin".parse().unwrap();
        let cases = [
            (
                berlin,
                false,
                r#"<time datetime="2026-11-23T10:00:00Z" title="2026-11-23 10:00 UTC">23 Nov 11:00 CET</time>"#,
            ),
            (
                berlin,
                true,
                r#"<time datetime="2026-11-23T10:00:00Z" title="2026-11-23 10:00 UTC">23 Nov 2026 11:00 CET</time>"#,
            ),
            (
                chrono_tz::UTC,
                false,
                r#"<time datetime="2026-11-23T10:00:00Z" title="2026-11-23 10:00 UTC">23 Nov 10:00 UTC</time>"#,
            ),
        ];
        for (tz, year, want) in cases {
            assert_eq!(time(t, tz, year).into_string(), want);
        }
    }

    #[test]
    fn status_labels() {
        let cases = [
            ("investigating", "Investigating"),
            ("in_progress", "In progress"),
            ("completed", "Completed"),
            ("", ""),
        ];
        for (s, want) in cases {
            assert_eq!(status_label(s), want);
        }
    }

    #[test]
    fn feed_content_escapes_script() {
        let t = Utc.with_ymd_and_hms(2026, 11, 23, 10, 0, 0).unwrap();
        let u = Update {
            id: "u".into(),
            status: "investigating".into(),
            message: "**Down** <script>alert(1)</script>".into(),
            created_at: t,
            updated_at: None,
            by: String::new(),
            notify: false,
            component_changes: vec![],
        };
        let out = feed_content(&[u], None).into_string();
        assert!(out.contains("<strong>Down</strong>"), "{out}");
        assert!(!out.contains("<script"), "{out}");
    }
}
