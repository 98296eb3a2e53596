//! `/metrics` in Prometheus text format: prober health, monitor and component states.
//! Answers to the `metrics_token` or any API key.

use crate::error::{AppError, AppResult};
use crate::secret::same_token;
use crate::state::AppState;
use crate::web::auth::MaybeActor;
use actix_web::{HttpRequest, HttpResponse, web};
use std::fmt::Write;
use std::sync::atomic::Ordering;

fn label(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', " ")
}

pub async fn get_metrics(
    req: HttpRequest,
    state: web::Data<AppState>,
    actor: MaybeActor,
) -> AppResult<HttpResponse> {
    let bearer = req
        .headers()
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or("");
    let token_ok = state
        .config
        .metrics_token
        .as_ref()
        .is_some_and(|t| !bearer.is_empty() && same_token(&t.0, bearer));
    if !token_ok && actor.0.is_none() {
        return Err(AppError::Unauthorized);
    }
    let (monitors, states, components) = state
        .store
        .run(|s| {
            Ok((
                s.list_monitors()?,
                s.monitor_states()?,
                s.list_components()?,
            ))
        })
        .await?;
    let p = &state.prober;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "# HELP statusd_prober_degraded 1 when most checks fail or run late and statusd blames itself.\n# TYPE statusd_prober_degraded gauge\nstatusd_prober_degraded {}",
        p.degraded.load(Ordering::Relaxed) as u8
    );
    let _ = writeln!(
        out,
        "# HELP statusd_checks_total Checks run since start.\n# TYPE statusd_checks_total counter\nstatusd_checks_total {}",
        p.checks_total.load(Ordering::Relaxed)
    );
    let _ = writeln!(
        out,
        "# HELP statusd_checks_failed_total Failed checks since start.\n# TYPE statusd_checks_failed_total counter\nstatusd_checks_failed_total {}",
        p.checks_failed.load(Ordering::Relaxed)
    );
    let _ = writeln!(
        out,
        "# HELP statusd_schedule_lag_p99_seconds How late checks start (p99 of the last 1000).\n# TYPE statusd_schedule_lag_p99_seconds gauge\nstatusd_schedule_lag_p99_seconds {}",
        p.lag_p99_ms.load(Ordering::Relaxed) as f64 / 1000.0
    );
    let _ = writeln!(
        out,
        "# HELP statusd_monitor_up 1 up, 0 down, -1 no verdict yet.\n# TYPE statusd_monitor_up gauge"
    );
    for m in &monitors {
        let v = match states.get(&m.id).and_then(|s| s.up) {
            Some(true) => 1,
            Some(false) => 0,
            None => -1,
        };
        let _ = writeln!(
            out,
            "statusd_monitor_up{{monitor=\"{}\",kind=\"{}\"}} {v}",
            label(&m.name),
            m.kind.as_str()
        );
    }
    let _ = writeln!(
        out,
        "# HELP statusd_monitor_latency_seconds Latency of the last check.\n# TYPE statusd_monitor_latency_seconds gauge"
    );
    for m in &monitors {
        if let Some(l) = states.get(&m.id).and_then(|s| s.last_latency_ms) {
            let _ = writeln!(
                out,
                "statusd_monitor_latency_seconds{{monitor=\"{}\"}} {}",
                label(&m.name),
                l as f64 / 1000.0
            );
        }
    }
    let _ = writeln!(
        out,
        "# HELP statusd_component_status 0 operational, 1 under maintenance, 2 degraded, 3 partial outage, 4 major outage.\n# TYPE statusd_component_status gauge"
    );
    for c in &components {
        let _ = writeln!(
            out,
            "statusd_component_status{{component=\"{}\",status=\"{}\"}} {}",
            label(&c.name),
            c.status.as_str(),
            c.status.severity()
        );
    }
    Ok(HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4; charset=utf-8")
        .body(out))
}
