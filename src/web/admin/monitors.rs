//! Monitors in the admin UI, and the SLA report.

use super::managed::hold;
use super::{NavData, NoFields, done, form_error, html};
use crate::domain::monitor_form::{KindFields, check_from};
use crate::domain::{MonitorKind, Role, sla_range};
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use crate::store::MonitorInput;
use crate::views::admin::FormState;
use crate::views::admin::managed::Held;
use crate::views::admin::monitors::{self as views, MonitorRow};
use crate::web::auth::{Actor, CsrfForm, Editor, Viewer};
use actix_web::{HttpResponse, http::StatusCode, web};
use chrono::{Duration, Utc};
use serde::Deserialize;
use std::sync::atomic::Ordering;

async fn list(
    state: &AppState,
    actor: &Actor,
    form: FormState,
    status: StatusCode,
) -> AppResult<HttpResponse> {
    let now = Utc::now();
    let (monitors, states, components, uptimes) = state
        .store
        .run(move |s| {
            let monitors = s.list_monitors()?;
            let uptimes: Vec<Option<f64>> = monitors
                .iter()
                .map(|m| s.uptime(&m.id, now).map(|u| u.h24))
                .collect::<AppResult<_>>()?;
            Ok((monitors, s.monitor_states()?, s.list_components()?, uptimes))
        })
        .await?;
    let rows: Vec<MonitorRow> = monitors
        .iter()
        .zip(uptimes)
        .map(|(m, u)| MonitorRow {
            monitor: m,
            state: states.get(&m.id),
            uptime_24h: u,
        })
        .collect();
    let nav = NavData::new(actor, "/admin/monitors");
    let degraded = state.prober.degraded.load(Ordering::Relaxed);
    Ok(html(
        status,
        views::monitors(&nav.nav(), &rows, &components, degraded, &form),
    ))
}

pub async fn get_monitors(
    state: web::Data<AppState>,
    Viewer(actor): Viewer,
) -> AppResult<HttpResponse> {
    list(&state, &actor, FormState::default(), StatusCode::OK).await
}

#[derive(Deserialize)]
pub struct MonitorForm {
    name: String,
    kind: String,
    #[serde(default)]
    target: String,
    #[serde(default)]
    interval_seconds: String,
    #[serde(default)]
    cron: String,
    #[serde(default)]
    timeout_ms: String,
    #[serde(default)]
    failure_threshold: String,
    #[serde(default)]
    recovery_threshold: String,
    #[serde(default)]
    grace_seconds: String,
    #[serde(default)]
    component_id: String,
    #[serde(default)]
    on_down: String,
    #[serde(default)]
    down_status: String,
    #[serde(default)]
    severity: String,
    #[serde(default)]
    method: String,
    #[serde(default)]
    headers: String,
    #[serde(default)]
    expected_status: String,
    #[serde(default)]
    keyword: String,
    #[serde(default)]
    json_path: String,
    #[serde(default)]
    record_type: String,
    #[serde(default)]
    expected: String,
    #[serde(default)]
    warn_days: String,
}

fn num(field: &str, v: &str) -> AppResult<Option<u32>> {
    match v.trim() {
        "" => Ok(None),
        t => t
            .parse()
            .map(Some)
            .map_err(|_| AppError::invalid(field, format!("{t:?} is not a whole number"))),
    }
}

/// The monitor input from the form; the kind's settings go on top of `saved` (the
/// stored check), so settings the form does not show are kept.
fn input_of(f: &MonitorForm, saved: &serde_json::Value) -> AppResult<MonitorInput> {
    let kind: MonitorKind = f
        .kind
        .parse()
        .map_err(|e: String| AppError::invalid("kind", e))?;
    let fields = KindFields {
        method: f.method.clone(),
        headers: f.headers.clone(),
        expected_status: f.expected_status.clone(),
        keyword: f.keyword.clone(),
        json_path: f.json_path.clone(),
        record_type: f.record_type.clone(),
        expected: f.expected.clone(),
        warn_days: f.warn_days.clone(),
    };
    let check =
        check_from(kind, &fields, saved).map_err(|(field, m)| AppError::invalid(field, m))?;
    crate::worker::prober::check_settings(kind, &f.target, &check)
        .map_err(|(field, m)| AppError::invalid(&field, m))?;
    let cron = Some(f.cron.trim().to_string()).filter(|c| !c.is_empty());
    Ok(MonitorInput {
        name: Some(f.name.clone()),
        kind: Some(f.kind.clone()),
        target: Some(f.target.clone()),
        check: Some(check),
        interval_seconds: if cron.is_some() {
            None
        } else {
            num("interval_seconds", &f.interval_seconds)?
        },
        cron,
        timeout_ms: num("timeout_ms", &f.timeout_ms)?,
        failure_threshold: num("failure_threshold", &f.failure_threshold)?,
        recovery_threshold: num("recovery_threshold", &f.recovery_threshold)?,
        grace_seconds: num("grace_seconds", &f.grace_seconds)?,
        component_id: Some(Some(f.component_id.clone()).filter(|c| !c.is_empty())),
        on_down: Some(f.on_down.clone()).filter(|s| !s.is_empty()),
        down_status: Some(f.down_status.clone()).filter(|s| !s.is_empty()),
        severity: Some(f.severity.clone()).filter(|s| !s.is_empty()),
        paused: None,
        alert_policy: None,
    })
}

pub async fn post_monitor(
    state: web::Data<AppState>,
    Editor(actor): Editor,
    form: CsrfForm<MonitorForm>,
) -> AppResult<HttpResponse> {
    let result = match input_of(&form.data, &serde_json::Value::Null) {
        Ok(input) => state.store.run(move |s| s.create_monitor(input)).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(m) => {
            state.prober.monitor_changed(&m.id);
            Ok(done(
                &format!("/admin/monitors/{}", m.id),
                &format!("Monitor “{}” created.", m.name),
            ))
        }
        Err(e) => {
            form_error(e, &form.pairs, |form, status| {
                list(&state, &actor, form, status)
            })
            .await
        }
    }
}

async fn detail(
    state: &AppState,
    actor: &Actor,
    id: String,
    form: FormState,
    status: StatusCode,
) -> AppResult<HttpResponse> {
    let now = Utc::now();
    let from = now - Duration::hours(24);
    let (m, st, up, results, failures, components) = state
        .store
        .run(move |s| {
            let m = s.get_monitor(&id)?;
            let st = s.monitor_states()?.remove(&id);
            let up = s.uptime(&id, now)?;
            Ok((
                m,
                st,
                up,
                s.monitor_results(&id, from, now)?,
                s.monitor_failures(&id, from, now, 20)?,
                s.list_components()?,
            ))
        })
        .await?;
    let points: Vec<_> = results
        .iter()
        .map(|r| (crate::domain::at(r.at), r.latency_ms, r.up))
        .collect();
    let chart = views::latency_chart(&points, from, now);
    let hb = m
        .heartbeat_token
        .as_ref()
        .filter(|_| actor.can(Role::Editor))
        .map(|t| format!("{}/api/v1/heartbeat/{t}", state.config.public_url));
    let nav = NavData::new(actor, "/admin/monitors");
    Ok(html(
        status,
        views::monitor(
            &nav.nav(),
            &m,
            st.as_ref(),
            hb.as_deref(),
            [up.h24, up.d7, up.d30, up.d90],
            chart,
            &failures,
            &components,
            &form,
        ),
    ))
}

pub async fn get_monitor(
    state: web::Data<AppState>,
    Viewer(actor): Viewer,
    id: web::Path<String>,
) -> AppResult<HttpResponse> {
    detail(
        &state,
        &actor,
        id.into_inner(),
        FormState::default(),
        StatusCode::OK,
    )
    .await
}

pub async fn post_monitor_edit(
    state: web::Data<AppState>,
    Editor(actor): Editor,
    id: web::Path<String>,
    form: CsrfForm<MonitorForm>,
) -> AppResult<HttpResponse> {
    let id = id.into_inner();
    let target = id.clone();
    let cur = state.store.run(move |s| s.get_monitor(&target)).await?;
    let action = format!("/admin/monitors/{id}");
    let held = Held {
        kind: "monitor",
        name: &cur.name,
        action: &action,
        pairs: &form.pairs,
        cancel: &action,
    };
    if let Some(warning) = hold(&actor, "/admin/monitors", cur.managed_by_config, held) {
        return Ok(warning);
    }
    let saved = cur.check;
    let target = id.clone();
    let result = match input_of(&form.data, &saved) {
        Ok(input) => {
            state
                .store
                .run(move |s| s.update_monitor(&target, input))
                .await
        }
        Err(e) => Err(e),
    };
    match result {
        Ok(m) => {
            state.prober.monitor_changed(&id);
            Ok(done(
                &format!("/admin/monitors/{id}"),
                &format!("Monitor “{}” saved.", m.name),
            ))
        }
        Err(e @ AppError::NotFound(_)) => Err(e),
        Err(e) => {
            form_error(e, &form.pairs, |form, status| {
                detail(&state, &actor, id, form, status)
            })
            .await
        }
    }
}

pub async fn post_check(
    state: web::Data<AppState>,
    Editor(_): Editor,
    id: web::Path<String>,
    _f: CsrfForm<NoFields>,
) -> AppResult<HttpResponse> {
    let key = id.clone();
    let (m, before) = state
        .store
        .run(move |s| {
            let before = s.monitor_states()?.remove(&key);
            Ok((s.get_monitor(&key)?, before.and_then(|b| b.last_check_at)))
        })
        .await?;
    state.prober.check_now(&m.id);
    let back = format!("/admin/monitors/{}", m.id);
    // Waits a bounded while for the result so the page it lands on shows it.
    let deadline = tokio::time::Instant::now()
        + std::time::Duration::from_millis(u64::from(m.timeout_ms).clamp(1_000, 8_000) + 1_500);
    while tokio::time::Instant::now() < deadline {
        tokio::time::sleep(std::time::Duration::from_millis(150)).await;
        let key = m.id.clone();
        let now = state
            .store
            .run(move |s| Ok(s.monitor_states()?.remove(&key)))
            .await?;
        if let Some(st) = now.filter(|st| st.last_check_at.is_some() && st.last_check_at != before)
        {
            let msg = match (st.consecutive_failures, st.last_latency_ms) {
                (0, Some(ms)) => format!("Check now: up, answered in {ms} ms."),
                (0, None) => "Check now: up.".to_string(),
                _ => format!(
                    "Check now: failed — {}.",
                    st.last_error.as_deref().unwrap_or("no answer")
                ),
            };
            return Ok(done(&back, &msg));
        }
    }
    Ok(done(
        &back,
        "Check now: no result yet; it will show here when it arrives.",
    ))
}

pub async fn post_pause(
    state: web::Data<AppState>,
    Editor(_): Editor,
    id: web::Path<String>,
    _f: CsrfForm<NoFields>,
) -> AppResult<HttpResponse> {
    let m = state
        .store
        .run(move |s| {
            let m = s.get_monitor(&id)?;
            s.update_monitor(
                &id,
                MonitorInput {
                    paused: Some(!m.paused),
                    ..Default::default()
                },
            )
        })
        .await?;
    state.prober.monitor_changed(&m.id);
    let what = if m.paused { "paused" } else { "resumed" };
    Ok(done(
        &format!("/admin/monitors/{}", m.id),
        &format!("Monitor “{}” {what}.", m.name),
    ))
}

pub async fn post_delete(
    state: web::Data<AppState>,
    Editor(_): Editor,
    id: web::Path<String>,
    _f: CsrfForm<NoFields>,
) -> AppResult<HttpResponse> {
    let key = id.clone();
    state.store.run(move |s| s.delete_monitor(&key)).await?;
    state.prober.monitor_changed(&id);
    Ok(done("/admin/monitors", "Monitor deleted."))
}

#[derive(Deserialize)]
pub struct SlaForm {
    #[serde(default)]
    from: Option<String>,
    #[serde(default)]
    to: Option<String>,
}

pub async fn get_sla(
    state: web::Data<AppState>,
    Viewer(actor): Viewer,
    q: web::Query<SlaForm>,
) -> AppResult<HttpResponse> {
    let (from, to) = sla_range(q.from.as_deref(), q.to.as_deref(), Utc::now().date_naive())?;
    let rows = state
        .store
        .run(move |s| s.sla_report(None, from, to))
        .await?;
    let nav = NavData::new(&actor, "/admin/monitors");
    Ok(html(
        StatusCode::OK,
        views::sla(&nav.nav(), &rows, &from.to_string(), &to.to_string()),
    ))
}
