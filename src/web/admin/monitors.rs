//! Monitors in the admin UI, and the SLA report.

use super::{NavData, NoFields, done, form_error, html, see_other};
use crate::domain::{Role, sla_range};
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use crate::store::MonitorInput;
use crate::views::admin::FormState;
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
    check: String,
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

fn input_of(f: &MonitorForm) -> AppResult<MonitorInput> {
    let check = match f.check.trim() {
        "" => serde_json::Value::Null,
        t => serde_json::from_str(t)
            .map_err(|e| AppError::invalid("check", format!("not JSON: {e}")))?,
    };
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
    let result = match input_of(&form.data) {
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
    let result = match input_of(&form.data) {
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
    let m = state.store.run(move |s| s.get_monitor(&id)).await?;
    state.prober.check_now(&m.id);
    Ok(see_other(&format!("/admin/monitors/{}", m.id)))
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
