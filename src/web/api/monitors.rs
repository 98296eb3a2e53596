//! `/api/v1/monitors`, heartbeats, and the SLA report.

use super::managed::warn;
use super::responses::{ListErrors, NotFound, QueryErrors, ReadErrors, WriteErrors};
use super::{ListQuery, created, json};
use crate::domain::monitor_secrets::masked_check;
use crate::domain::{
    Monitor, MonitorKind, MonitorState, Role, SlaRow, Uptime, sla_range, validate,
};
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use crate::store::MonitorInput;
use crate::store::Paged;
use crate::web::auth::{Actor, Editor, Viewer};
use actix_web::{HttpResponse, web};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

/// A monitor as the API shows it: settings with secrets masked, live state, and the
/// heartbeat URL (itself a secret) for editors and owners only.
#[derive(Serialize, utoipa::ToSchema)]
#[schema(as = Monitor)]
pub struct MonitorOut {
    #[serde(flatten)]
    #[schema(value_type = Monitor)]
    pub monitor: serde_json::Value,
    pub state: MonitorState,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub heartbeat_url: Option<String>,
    /// In the answer of `GET /api/v1/monitors/{id}` only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub uptime: Option<Uptime>,
}

pub fn monitor_out(
    state: &AppState,
    m: &Monitor,
    st: Option<MonitorState>,
    actor: &Actor,
) -> MonitorOut {
    let mut monitor = serde_json::to_value(m).unwrap_or_default();
    if let Some(o) = monitor.as_object_mut() {
        o.remove("heartbeat_token");
        o.insert("check".into(), masked_check(&m.check));
    }
    MonitorOut {
        monitor,
        state: st.unwrap_or_default(),
        heartbeat_url: m
            .heartbeat_token
            .as_ref()
            .filter(|_| actor.can(Role::Editor))
            .map(|t| format!("{}/api/v1/heartbeat/{t}", state.config.public_url)),
        uptime: None,
    }
}

/// Lists monitors with their live state.
#[utoipa::path(
    get, path = "/api/v1/monitors", tag = "monitors", params(ListQuery),
    responses((status = 200, description = "A page of monitors with their live state", body = Paged<MonitorOut>), ListErrors),
)]
pub async fn list_monitors(
    state: web::Data<AppState>,
    Viewer(actor): Viewer,
    q: web::Query<ListQuery>,
) -> AppResult<HttpResponse> {
    let (list, states) = state
        .store
        .run(|s| Ok((s.list_monitors()?, s.monitor_states()?)))
        .await?;
    let page = q.page(list, |m| &m.id);
    let data: Vec<MonitorOut> = page
        .data
        .iter()
        .map(|m| monitor_out(&state, m, states.get(&m.id).cloned(), &actor))
        .collect();
    Ok(json(&Paged {
        data,
        next_cursor: page.next_cursor,
    }))
}

/// Creates a monitor.
#[utoipa::path(
    post, path = "/api/v1/monitors", tag = "monitors",
    request_body(content = MonitorInput, example = json!({
        "name": "Production API", "kind": "http", "target": "https://api.example.com/health",
        "interval_seconds": 60, "component_id": "comp_api", "on_down": "draft", "severity": "major"
    })),
    responses((status = 201, description = "Created", body = MonitorOut), WriteErrors),
)]
pub async fn post_monitor(
    state: web::Data<AppState>,
    Editor(actor): Editor,
    body: web::Json<MonitorInput>,
) -> AppResult<HttpResponse> {
    let input = body.into_inner();
    if let (Some(Ok(kind)), Some(target)) = (
        input
            .kind
            .as_deref()
            .map(str::parse::<crate::domain::MonitorKind>),
        input.target.as_deref(),
    ) {
        check_settings(kind, target, &input.check.clone().unwrap_or_default())?;
    }
    let m = state.store.run(move |s| s.create_monitor(input)).await?;
    state.prober.monitor_changed(&m.id);
    tracing::info!(by = %actor.name(), monitor = %m.name, "monitor created");
    Ok(created(&monitor_out(&state, &m, None, &actor)))
}

/// Settings a probe could never run are refused before saving, as `check.<field>`.
fn check_settings(
    kind: crate::domain::MonitorKind,
    target: &str,
    check: &serde_json::Value,
) -> AppResult<()> {
    crate::worker::prober::check_settings(kind, target, check)
        .map_err(|(field, m)| AppError::invalid(&format!("check.{field}"), m))
}

/// Gets a monitor, its state and uptime (24 h, 7, 30, 90 days).
#[utoipa::path(
    get, path = "/api/v1/monitors/{id}", tag = "monitors", params(("id" = String, Path, description = "monitor id")),
    responses((status = 200, description = "The monitor, its state and uptime", body = MonitorOut), ReadErrors),
)]
pub async fn get_monitor(
    state: web::Data<AppState>,
    Viewer(actor): Viewer,
    id: web::Path<String>,
) -> AppResult<HttpResponse> {
    let (m, st) = state
        .store
        .run(move |s| Ok((s.get_monitor(&id)?, s.monitor_states()?)))
        .await?;
    let now = Utc::now();
    let id = m.id.clone();
    let up = state.store.run(move |s| s.uptime(&id, now)).await?;
    let mut out = monitor_out(&state, &m, st.get(&m.id).cloned(), &actor);
    out.uptime = Some(up);
    Ok(json(&out))
}

/// Changes a monitor.
#[utoipa::path(
    patch, path = "/api/v1/monitors/{id}", tag = "monitors", params(("id" = String, Path, description = "monitor id")), request_body = MonitorInput,
    responses((status = 200, description = "Changed (`paused: true` pauses it)", body = MonitorOut), WriteErrors),
)]
pub async fn patch_monitor(
    state: web::Data<AppState>,
    Editor(actor): Editor,
    id: web::Path<String>,
    body: web::Json<MonitorInput>,
) -> AppResult<HttpResponse> {
    let input = body.into_inner();
    if input.kind.is_some() || input.target.is_some() || input.check.is_some() {
        let key = id.clone();
        let live = state.store.run(move |s| s.get_monitor(&key)).await?;
        let kind = match input.kind.as_deref().map(str::parse) {
            Some(Ok(k)) => k,
            _ => live.kind,
        };
        let target = input.target.as_deref().unwrap_or(&live.target);
        check_settings(kind, target, input.check.as_ref().unwrap_or(&live.check))?;
    }
    let m = state
        .store
        .run(move |s| s.update_monitor(&id, input))
        .await?;
    state.prober.monitor_changed(&m.id);
    let out = json(&monitor_out(&state, &m, None, &actor));
    Ok(warn(out, m.managed_by_config, "monitor"))
}

/// Deletes a monitor and its results.
#[utoipa::path(
    delete, path = "/api/v1/monitors/{id}", tag = "monitors", params(("id" = String, Path, description = "monitor id")),
    responses((status = 204, description = "Deleted with its results"), ReadErrors),
)]
pub async fn delete_monitor(
    state: web::Data<AppState>,
    _: Editor,
    id: web::Path<String>,
) -> AppResult<HttpResponse> {
    let key = id.clone();
    let managed = state
        .store
        .run(move |s| s.get_monitor(&key))
        .await
        .is_ok_and(|x| x.managed_by_config);
    let key = id.clone();
    state.store.run(move |s| s.delete_monitor(&key)).await?;
    state.prober.monitor_changed(&id);
    Ok(warn(HttpResponse::NoContent().finish(), managed, "monitor"))
}

/// Runs the check now.
#[utoipa::path(
    post, path = "/api/v1/monitors/{id}/check", tag = "monitors", params(("id" = String, Path, description = "monitor id")),
    responses((status = 202, description = "The check runs now", body = Queued), ReadErrors),
)]
pub async fn post_check(
    state: web::Data<AppState>,
    _: Editor,
    id: web::Path<String>,
) -> AppResult<HttpResponse> {
    let m = state.store.run(move |s| s.get_monitor(&id)).await?;
    state.prober.check_now(&m.id);
    Ok(HttpResponse::Accepted().json(Queued {
        id: m.id,
        queued: true,
    }))
}

/// The answer of `POST /api/v1/monitors/{id}/check`.
#[derive(Serialize, utoipa::ToSchema)]
pub struct Queued {
    id: String,
    queued: bool,
}

/// `?from=&to=`: dates (2026-11-23) or RFC 3339 times; default the last 24 hours.
#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RangeQuery {
    #[serde(default)]
    from: Option<String>,
    #[serde(default)]
    to: Option<String>,
}

/// Raw check results and failure details of a time range.
#[derive(Serialize, utoipa::ToSchema)]
pub struct Results {
    data: Vec<ResultPoint>,
    failures: Vec<FailurePoint>,
}

/// One check.
#[derive(Serialize, utoipa::ToSchema)]
pub struct ResultPoint {
    time: DateTime<Utc>,
    up: bool,
    latency_ms: u32,
}

/// One failed check and why.
#[derive(Serialize, utoipa::ToSchema)]
pub struct FailurePoint {
    time: DateTime<Utc>,
    error: String,
    latency_ms: u32,
}

fn parse_time(field: &str, v: Option<&str>, default: DateTime<Utc>) -> AppResult<DateTime<Utc>> {
    match v.map(str::trim).filter(|v| !v.is_empty()) {
        None => Ok(default),
        Some(v) => DateTime::parse_from_rfc3339(v)
            .map(|t| t.with_timezone(&Utc))
            .or_else(|_| {
                NaiveDate::parse_from_str(v, "%Y-%m-%d")
                    .map(|d| d.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc())
            })
            .map_err(|_| {
                AppError::invalid(
                    field,
                    format!("{v:?} is not a date (2026-11-23) or RFC 3339 time"),
                )
            })
            .and_then(|t| validate::moment(t).map_err(|m| AppError::invalid(field, m))),
    }
}

/// Raw results and failure details (default the last 24 hours).
#[utoipa::path(
    get, path = "/api/v1/monitors/{id}/results", tag = "monitors",
    params(("id" = String, Path, description = "monitor id"), RangeQuery),
    responses((status = 200, description = "Raw results and failure details", body = Results), QueryErrors),
)]
pub async fn get_results(
    state: web::Data<AppState>,
    _: Viewer,
    id: web::Path<String>,
    q: web::Query<RangeQuery>,
) -> AppResult<HttpResponse> {
    let now = Utc::now();
    let from = parse_time("from", q.from.as_deref(), now - Duration::hours(24))?;
    let to = parse_time("to", q.to.as_deref(), now + Duration::seconds(1))?;
    if to <= from || to - from > Duration::days(31) {
        return Err(AppError::invalid(
            "to",
            "must be after from, at most 31 days later",
        ));
    }
    let (results, failures) = state
        .store
        .run(move |s| {
            s.get_monitor(&id)?;
            Ok((
                s.monitor_results(&id, from, to)?,
                s.monitor_failures(&id, from, to, 500)?,
            ))
        })
        .await?;
    let data = results
        .iter()
        .map(|r| ResultPoint {
            time: crate::domain::at(r.at),
            up: r.up,
            latency_ms: r.latency_ms,
        })
        .collect();
    let failures = failures
        .into_iter()
        .map(|(time, f)| FailurePoint {
            time,
            error: f.error,
            latency_ms: f.latency_ms,
        })
        .collect();
    Ok(json(&Results { data, failures }))
}

/// `GET|POST /api/v1/heartbeat/{token}`: a cron job or backup script says it ran.
#[utoipa::path(
    method(get, post), path = "/api/v1/heartbeat/{token}", tag = "monitors", security(()),
    params(("token" = String, Path, description = "The secret of a heartbeat monitor (its `heartbeat_url`)")),
    responses((status = 200, description = "Recorded", body = HeartbeatAck), NotFound),
)]
pub async fn heartbeat(
    state: web::Data<AppState>,
    token: web::Path<String>,
) -> AppResult<HttpResponse> {
    let m = state
        .store
        .run(move |s| s.monitor_by_heartbeat(&token))
        .await?;
    let m = m
        .filter(|m| m.kind == MonitorKind::Heartbeat)
        .ok_or_else(|| AppError::NotFound("heartbeat".into()))?;
    state.prober.ping(&m.id);
    Ok(HttpResponse::Ok().json(HeartbeatAck {
        ok: true,
        monitor: m.name,
    }))
}

/// The answer to a heartbeat ping.
#[derive(Serialize, utoipa::ToSchema)]
pub struct HeartbeatAck {
    ok: bool,
    /// The monitor's name.
    monitor: String,
}

/// The report as CSV (one row per component), formula-safe for spreadsheets.
pub fn sla_csv(rows: &[SlaRow]) -> String {
    crate::domain::csv_io::write_safe(
        &[
            "component_id",
            "component",
            "from",
            "to",
            "uptime_percent",
            "downtime_minutes",
            "checks",
            "incidents",
            "partial_outage_minutes",
            "major_outage_minutes",
            "measured_uptime_percent",
        ],
        rows.iter().map(|r| {
            [
                r.component_id.clone(),
                r.component.clone(),
                r.from.to_string(),
                r.to.to_string(),
                r.uptime_percent
                    .map(|u| format!("{u:.4}"))
                    .unwrap_or_default(),
                r.downtime_minutes.to_string(),
                r.checks.to_string(),
                r.incidents.join("; "),
                r.partial_outage_minutes.to_string(),
                r.major_outage_minutes.to_string(),
                r.measured_uptime_percent
                    .map(|u| format!("{u:.4}"))
                    .unwrap_or_default(),
            ]
        }),
    )
}

/// `?component=&from=&to=&format=`: dates like 2026-11-01, default the last 30 days.
#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SlaQuery {
    /// Only this component (id).
    #[serde(default)]
    component: Option<String>,
    #[serde(default)]
    from: Option<String>,
    #[serde(default)]
    to: Option<String>,
    /// json (default) or csv.
    #[serde(default)]
    format: Option<String>,
}

/// The SLA report as JSON.
#[derive(Serialize, utoipa::ToSchema)]
pub struct SlaReport {
    data: Vec<SlaRow>,
}

/// SLA report per component.
#[utoipa::path(
    get, path = "/api/v1/reports/sla", tag = "monitors", params(SlaQuery),
    responses(
        (status = 200, description = "Service level per component (JSON, or CSV with `format=csv`)", content(
            (SlaReport = "application/json"),
            (String = "text/csv"),
        )),
        QueryErrors,
    ),
)]
pub async fn get_sla(
    state: web::Data<AppState>,
    _: Viewer,
    q: web::Query<SlaQuery>,
) -> AppResult<HttpResponse> {
    let (from, to) = sla_range(q.from.as_deref(), q.to.as_deref(), Utc::now().date_naive())?;
    let comp = q.component.clone();
    let rows = state
        .store
        .run(move |s| {
            if let Some(c) = &comp {
                s.get_component(c)?;
            }
            s.sla_report(comp.as_deref(), from, to)
        })
        .await?;
    match q.format.as_deref() {
        Some("csv") => Ok(HttpResponse::Ok()
            .content_type("text/csv; charset=utf-8")
            .insert_header((
                "Content-Disposition",
                format!("attachment; filename=\"sla-{from}-{to}.csv\""),
            ))
            .body(sla_csv(&rows))),
        None | Some("json") => Ok(json(&SlaReport { data: rows })),
        Some(other) => Err(AppError::invalid(
            "format",
            format!("{other:?}: expected json or csv"),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_quotes_names() {
        let d = NaiveDate::from_ymd_opt(2026, 11, 1).unwrap();
        let rows = vec![SlaRow {
            component_id: "c1".into(),
            component: "API \"v2\", EU".into(),
            from: d,
            to: d,
            uptime_percent: Some(99.5),
            downtime_minutes: 7.2,
            partial_outage_minutes: 24.0,
            major_outage_minutes: 0.0,
            checks: 1440,
            measured_uptime_percent: None,
            incidents: vec!["=Down".into(), "Slow".into()],
        }];
        let csv = sla_csv(&rows);
        assert_eq!(
            csv.lines().nth(1).unwrap(),
            "c1,\"API \"\"v2\"\", EU\",2026-11-01,2026-11-01,99.5000,7.2,1440,'=Down; Slow,24,0,"
        );
    }
}
