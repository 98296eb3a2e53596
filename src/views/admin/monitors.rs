//! Monitors, their detail with the latency chart, and the SLA report.

use super::managed::{badge, note};
use super::{FormState, csrf, editor, field_error, invalid};
use crate::domain::monitor_form::{METHODS, RECORD_TYPES, fields_of};
use crate::domain::monitor_secrets::masked_check;
use crate::domain::{
    CheckFailure, Component, ComponentStatus, Impact, Monitor, MonitorState, SlaRow,
};
use crate::views::layout::{self, Nav, flash};
use chrono::{DateTime, Utc};
use maud::{Markup, PreEscaped, html};

/// A monitor with what the list shows about it.
pub struct MonitorRow<'a> {
    pub monitor: &'a Monitor,
    pub state: Option<&'a MonitorState>,
    pub uptime_24h: Option<f64>,
}

fn state_badge(m: &Monitor, s: Option<&MonitorState>) -> Markup {
    let (class, label) = match (m.paused, s.and_then(|s| s.up)) {
        (true, _) => ("paused", "Paused"),
        (false, Some(true)) => ("operational", "Up"),
        (false, Some(false)) => ("major_outage", "Down"),
        (false, None) => ("nodata", "Pending"),
    };
    html! { span class={"status " (class)} data-state=(label) { (layout::dot(class)) (label) } }
}

fn pct(u: Option<f64>) -> String {
    u.map(|u| format!("{u:.2} %")).unwrap_or_else(|| "—".into())
}

fn schedule_text(m: &Monitor) -> String {
    match (&m.cron, m.interval_seconds) {
        (Some(c), _) => format!("cron {c}"),
        (None, Some(s)) => format!("every {s} s"),
        _ => "every 60 s".into(),
    }
}

/// The kinds as the chooser names them.
const KIND_LABELS: [(&str, &str); 5] = [
    ("http", "HTTP(S) request"),
    ("tcp", "TCP port"),
    ("dns", "DNS lookup"),
    ("tls", "TLS certificate expiry"),
    ("heartbeat", "Heartbeat (push URL)"),
];

/// The form fields shared by create and edit; only the chosen kind's settings show
/// (CSS `:has`, no JavaScript).
fn monitor_fields(m: Option<&Monitor>, components: &[Component], form: &FormState) -> Markup {
    let v = |k: &str, d: String| form.values.get(k).cloned().unwrap_or(d);
    let kind = m.map(|m| m.kind.as_str()).unwrap_or("http").to_string();
    let saved = m
        .map(|m| fields_of(&masked_check(&m.check)))
        .unwrap_or_default();
    let schedule = m.and_then(|m| m.cron.clone()).unwrap_or_default();
    // After a rejected submit the choices come back as sent, so a resubmit keeps them.
    let component = v(
        "component_id",
        m.and_then(|m| m.component_id.clone()).unwrap_or_default(),
    );
    let on_down = v(
        "on_down",
        m.map(|m| format!("{:?}", m.on_down).to_lowercase())
            .unwrap_or_default(),
    );
    let down_status = v(
        "down_status",
        m.map(|m| m.down_status)
            .unwrap_or(ComponentStatus::MajorOutage)
            .as_str()
            .to_string(),
    );
    let severity = v(
        "severity",
        m.map(|m| m.severity)
            .unwrap_or(Impact::Major)
            .as_str()
            .to_string(),
    );
    html! {
        label { "Name" input name="name" required maxlength="100" value=(v("name", m.map(|m| m.name.clone()).unwrap_or_default())) aria-invalid=[invalid(form, "name")]; (field_error(form, "name")) }
        label { "Kind"
            select name="kind" { @for (k, text) in KIND_LABELS { option value=(k) selected[v("kind", kind.clone()) == k] { (text) } } }
        }
        label { "Target (HTTP: URL · TCP: host:port · DNS: name · TLS: host or host:port · heartbeat: leave empty)"
            input name="target" value=(v("target", m.map(|m| m.target.clone()).unwrap_or_default())) aria-invalid=[invalid(form, "target")];
            (field_error(form, "target"))
        }
        fieldset.kind.kind-http { legend { "HTTP check" }
            label { "Method"
                select name="method" { @for me in METHODS { option value=(me) selected[v("method", saved.method.clone()).eq_ignore_ascii_case(me)] { (me) } } }
            }
            label { "Request headers (one Name: value per line; saved values show as ********)"
                textarea name="headers" rows="2" spellcheck="false" aria-invalid=[invalid(form, "headers")] { (v("headers", saved.headers.clone())) }
                (field_error(form, "headers"))
            }
            label { "Expected status (e.g. 200-299, 200,204 or 2xx; empty: any 2xx)"
                input name="expected_status" value=(v("expected_status", saved.expected_status.clone())) aria-invalid=[invalid(form, "expected_status")];
                (field_error(form, "expected_status"))
            }
            label { "Keyword the body must contain (optional)"
                input name="keyword" value=(v("keyword", saved.keyword.clone())) aria-invalid=[invalid(form, "keyword")];
                (field_error(form, "keyword"))
            }
            label { "JSON path that must match (optional, e.g. $.status)"
                input name="json_path" value=(v("json_path", saved.json_path.clone())) aria-invalid=[invalid(form, "json_path")];
                (field_error(form, "json_path"))
            }
        }
        fieldset.kind.kind-dns { legend { "DNS check" }
            label { "Record type"
                select name="record_type" { @for rt in RECORD_TYPES { option value=(rt) selected[v("record_type", saved.record_type.clone()).eq_ignore_ascii_case(rt)] { (rt) } } }
            }
            label { "Expected answer (optional)"
                input name="expected" value=(v("expected", saved.expected.clone())) aria-invalid=[invalid(form, "expected")];
                (field_error(form, "expected"))
            }
        }
        fieldset.kind.kind-tls { legend { "TLS certificate check" }
            label { "Warn this many days before expiry"
                input type="number" min="0" max="3650" name="warn_days" value=(v("warn_days", if saved.warn_days.is_empty() { "14".into() } else { saved.warn_days.clone() })) aria-invalid=[invalid(form, "warn_days")];
                (field_error(form, "warn_days"))
            }
        }
        fieldset.kind.kind-heartbeat { legend { "Heartbeat" }
            label { "Grace after a missed ping (seconds)"
                input type="number" min="0" name="grace_seconds" value=(v("grace_seconds", m.map(|m| m.grace_seconds).unwrap_or(60).to_string())) aria-invalid=[invalid(form, "grace_seconds")];
                (field_error(form, "grace_seconds"))
            }
        }
        label { "Interval in seconds" input type="number" min="1" name="interval_seconds" value=(v("interval_seconds", m.and_then(|m| m.interval_seconds).map(|s| s.to_string()).unwrap_or_else(|| if m.is_none() { "60".into() } else { String::new() }))) aria-invalid=[invalid(form, "interval_seconds")]; (field_error(form, "interval_seconds")) }
        label { "…or a cron expression (5 or 6 fields, day names ok)" input name="cron" placeholder="*/5 * * * MON-FRI" value=(v("cron", schedule)) aria-invalid=[invalid(form, "cron")]; (field_error(form, "cron")) }
        label { "Timeout (ms)" input type="number" min="100" max="120000" name="timeout_ms" value=(v("timeout_ms", m.map(|m| m.timeout_ms).unwrap_or(10_000).to_string())) aria-invalid=[invalid(form, "timeout_ms")]; (field_error(form, "timeout_ms")) }
        label { "Failures before down" input type="number" min="1" max="100" name="failure_threshold" value=(v("failure_threshold", m.map(|m| m.failure_threshold).unwrap_or(3).to_string())) aria-invalid=[invalid(form, "failure_threshold")]; (field_error(form, "failure_threshold")) }
        label { "Successes before up" input type="number" min="1" max="100" name="recovery_threshold" value=(v("recovery_threshold", m.map(|m| m.recovery_threshold).unwrap_or(2).to_string())) aria-invalid=[invalid(form, "recovery_threshold")]; (field_error(form, "recovery_threshold")) }
        label { "Component it drives"
            select name="component_id" {
                option value="" { "none" }
                @for c in components { option value=(c.id) selected[component == c.id] { (c.name) } }
            }
        }
        label { "When down"
            select name="on_down" {
                @for (val, text) in [("status", "only set the component status"), ("draft", "open a draft incident for review"), ("publish", "open a published incident")] {
                    option value=(val) selected[on_down == val] { (text) }
                }
            }
        }
        label { "Component status when down"
            select name="down_status" { @for s in ComponentStatus::ALL { @if s != ComponentStatus::Operational {
                option value=(s.as_str()) selected[down_status == s.as_str()] { (s.label()) }
            } } }
        }
        label { "Incident severity"
            select name="severity" { @for i in Impact::ALL { option value=(i.as_str()) selected[severity == i.as_str()] { (i.as_str()) } } }
        }
    }
}

/// Monitor list, prober health and the create form.
pub fn monitors(
    nav: &Nav,
    rows: &[MonitorRow],
    components: &[Component],
    degraded: bool,
    form: &FormState,
) -> Markup {
    layout::admin(
        "Monitors",
        nav,
        html! {
            (flash(form.error.as_deref(), form.notice.as_deref()))
            @if degraded {
                p.flash.error role="alert" { "Prober degraded: most checks are failing or running late, so statusd blames itself and opens no incidents until this clears. Check this server's network and load." }
            }
            @if rows.is_empty() { p.empty { "No monitors yet." } }
            @else {
                table.list {
                    thead { tr { th { "Name" } th { "Kind" } th { "Target" } th { "Schedule" } th { "State" } th { "Latency" } th { "24 h" } } }
                    tbody {
                        @for r in rows {
                            tr data-monitor=(r.monitor.name) {
                                td { a href={"/admin/monitors/" (r.monitor.id)} { (r.monitor.name) } (badge(r.monitor.managed_by_config)) }
                                td { (r.monitor.kind.as_str()) }
                                td.target { (r.monitor.target) }
                                td { (schedule_text(r.monitor)) }
                                td { (state_badge(r.monitor, r.state)) }
                                td { (r.state.and_then(|s| s.last_latency_ms).map(|l| format!("{l} ms")).unwrap_or_else(|| "—".into())) }
                                td.pct { (pct(r.uptime_24h)) }
                            }
                        }
                    }
                }
            }
            p { a href="/admin/reports/sla" { "SLA report" } }
            @if editor(nav) {
                h2 { "New monitor" }
                form #new-monitor.stack method="post" action="/admin/monitors" {
                    (csrf(nav.csrf))
                    (monitor_fields(None, components, form))
                    button type="submit" { "Create monitor" }
                }
            }
        },
    )
}

/// A server-rendered response-time chart (SVG) of (time, latency, up) points.
pub fn latency_chart(
    points: &[(DateTime<Utc>, u32, bool)],
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Markup {
    let (w, h) = (800.0_f64, 160.0_f64);
    if points.is_empty() {
        return html! { p.empty { "No results in the last 24 hours." } };
    }
    let max = points.iter().map(|p| p.1).max().unwrap_or(1).max(1) as f64;
    // A monitor younger than the window is drawn from its first check, not squeezed
    // into the right edge of 24 hours.
    let first = points.iter().map(|p| p.0).min().unwrap_or(from);
    let window = if first > from {
        format!("since {} UTC", first.format("%Y-%m-%d %H:%M:%S"))
    } else {
        "last 24 hours".to_string()
    };
    let from = from.max(first - chrono::Duration::seconds(1));
    let span = (to - from).num_seconds().max(1) as f64;
    let x = |t: DateTime<Utc>| ((t - from).num_seconds() as f64 / span * w).clamp(0.0, w);
    let y = |l: u32| h - (l as f64 / max * (h - 10.0));
    let mut path = String::new();
    for (i, (t, l, _)) in points.iter().enumerate() {
        path.push_str(&format!(
            "{}{:.1},{:.1} ",
            if i == 0 { "M" } else { "L" },
            x(*t),
            y(*l)
        ));
    }
    let downs: String = points
        .iter()
        .filter(|p| !p.2)
        .map(|(t, _, _)| {
            format!(
                "<line x1=\"{0:.1}\" x2=\"{0:.1}\" y1=\"0\" y2=\"{h}\" class=\"down\"/>",
                x(*t)
            )
        })
        .collect();
    html! {
        figure.chart {
            svg viewBox={"0 0 " (w) " " (h)} role="img" aria-label="Response time, last 24 hours" preserveAspectRatio="none" {
                (PreEscaped(downs))
                path d=(path) class="line" {}
            }
            figcaption { "Response time, " (window) " (max " (max as u32) " ms; red lines are failed checks)" }
        }
    }
}

/// One monitor: state, chart, failures, actions and the edit form.
#[allow(clippy::too_many_arguments)]
pub fn monitor(
    nav: &Nav,
    m: &Monitor,
    state: Option<&MonitorState>,
    heartbeat_url: Option<&str>,
    uptime: [Option<f64>; 4],
    chart: Markup,
    failures: &[(DateTime<Utc>, CheckFailure)],
    components: &[Component],
    form: &FormState,
) -> Markup {
    layout::admin(
        &m.name,
        nav,
        html! {
            (flash(form.error.as_deref(), form.notice.as_deref()))
            (note(m.managed_by_config, "monitor"))
            p.lead {
                (state_badge(m, state)) " · " (m.kind.as_str()) " " code { (m.target) } " · " (schedule_text(m))
                @if let Some(e) = state.and_then(|s| s.last_error.as_deref()) { " · last error: " (e) }
            }
            @if let Some(url) = heartbeat_url {
                p { "Ping this URL from your job (GET or POST): " code.token { (url) } }
            }
            p { "Uptime: 24 h " strong { (pct(uptime[0])) } " · 7 d " strong { (pct(uptime[1])) } " · 30 d " strong { (pct(uptime[2])) } " · 90 d " strong { (pct(uptime[3])) } }
            (chart)
            @if editor(nav) {
                div.actions {
                    form.inline method="post" action={"/admin/monitors/" (m.id) "/check"} { (csrf(nav.csrf)) button type="submit" { "Check now" } }
                    form.inline method="post" action={"/admin/monitors/" (m.id) "/pause"} {
                        (csrf(nav.csrf))
                        button type="submit" { @if m.paused { "Resume" } @else { "Pause" } }
                    }
                }
            }
            h2 { "Recent failures" }
            @if failures.is_empty() { p.empty { "None in the last 24 hours." } }
            @else {
                table.list { thead { tr { th { "Time (UTC)" } th { "Error" } } }
                    tbody { @for (t, f) in failures { tr { td { (t.format("%Y-%m-%d %H:%M:%S")) } td { (f.error) } } } }
                }
            }
            @if editor(nav) {
                h2 { "Settings" }
                form.stack method="post" action={"/admin/monitors/" (m.id)} {
                    (csrf(nav.csrf))
                    (monitor_fields(Some(m), components, form))
                    button type="submit" { "Save monitor" }
                }
                p.danger { a.button.danger href={"/admin/monitors/" (m.id) "/delete"} { "Delete monitor…" } }
            }
        },
    )
}

/// The SLA report form and table.
pub fn sla(nav: &Nav, rows: &[SlaRow], from: &str, to: &str) -> Markup {
    layout::admin(
        "SLA report",
        nav,
        html! {
            form.inline method="get" action="/admin/reports/sla" {
                label { "From " input type="date" name="from" value=(from); }
                label { "To " input type="date" name="to" value=(to); }
                button type="submit" { "Show" }
                " " a href={"/api/v1/reports/sla?format=csv&from=" (from) "&to=" (to)} { "Download CSV (API token or session)" }
            }
            p.lead { "Uptime and downtime come from each component's published status: a major outage counts fully, a partial outage at 30 %, degraded performance and maintenance not at all. Measured uptime comes from its monitors." }
            table.list {
                thead { tr { th { "Component" } th { "Uptime" } th { "Downtime (min)" } th { "Partial outage (min)" } th { "Major outage (min)" } th { "Measured uptime" } th { "Checks" } th { "Incidents" } } }
                tbody {
                    @for r in rows {
                        tr data-component=(r.component) {
                            td { (r.component) } td.pct { (pct(r.uptime_percent)) } td { (r.downtime_minutes) }
                            td { (r.partial_outage_minutes) } td { (r.major_outage_minutes) }
                            td.pct { (pct(r.measured_uptime_percent)) } td { (r.checks) }
                            td { (r.incidents.join("; ")) }
                        }
                    }
                }
            }
        },
    )
}
