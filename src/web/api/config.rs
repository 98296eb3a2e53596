//! Status as code over HTTP (owners only): plan or apply a TOML file, export the live one.

use super::responses::{ReadErrors, WriteErrors};
use crate::domain::as_code::render;
use crate::error::AppResult;
use crate::state::AppState;
use crate::store::ConfigPlan;
use crate::web::auth::Owner;
use actix_web::{HttpResponse, web};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// A status-as-code file and how to use it.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ConfigBody {
    /// The file's text (TOML: pages, groups, components, monitors, templates, subscribers, alert_rules).
    toml: String,
    /// Name used in error messages [default: statusd.toml].
    #[serde(default)]
    file: Option<String>,
    /// Also delete live objects the file does not name.
    #[serde(default)]
    prune: bool,
    /// Values of the file's `env:NAME` references; the server's own environment is never read.
    #[serde(default)]
    env: HashMap<String, String>,
}

/// A plan: its steps, the same as text, and whether it was carried out.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct PlanOut {
    /// Number of steps; 0 means the live configuration matches the file.
    changes: usize,
    /// Steps: `{op: create|change|delete, kind, slug, fields | changes: [{field, old, new}]}`.
    #[schema(value_type = Vec<Object>)]
    actions: serde_json::Value,
    /// The plan as `statusd apply --dry-run` prints it.
    text: String,
    applied: bool,
    /// `env:` references without a value (their live secrets are kept).
    unset_env: Vec<String>,
}

fn out(p: ConfigPlan) -> PlanOut {
    PlanOut {
        changes: p.actions.len(),
        text: render(&p.actions),
        actions: serde_json::to_value(&p.actions).unwrap_or_default(),
        applied: p.applied,
        unset_env: p.unset_env,
    }
}

async fn run(state: web::Data<AppState>, body: ConfigBody, dry_run: bool) -> AppResult<PlanOut> {
    let plan = state
        .store
        .run(move |s| {
            let file = body.file.as_deref().unwrap_or("statusd.toml");
            let env = |name: &str| body.env.get(name).cloned();
            let check = crate::worker::prober::check_settings;
            s.config_apply(file, &body.toml, body.prune, dry_run, &env, &check)
        })
        .await?;
    Ok(out(plan))
}

/// Plans a file against the live configuration without changing anything.
#[utoipa::path(
    post, path = "/api/v1/config/plan", tag = "config", request_body = ConfigBody,
    responses((status = 200, description = "The plan", body = PlanOut), WriteErrors),
)]
pub async fn post_plan(
    state: web::Data<AppState>,
    _: Owner,
    body: web::Json<ConfigBody>,
) -> AppResult<HttpResponse> {
    Ok(HttpResponse::Ok().json(run(state, body.into_inner(), true).await?))
}

/// Applies a file in one transaction: every step or none.
#[utoipa::path(
    post, path = "/api/v1/config/apply", tag = "config", request_body = ConfigBody,
    responses((status = 200, description = "What was done", body = PlanOut), WriteErrors),
)]
pub async fn post_apply(
    state: web::Data<AppState>,
    Owner(actor): Owner,
    body: web::Json<ConfigBody>,
) -> AppResult<HttpResponse> {
    let done = run(state, body.into_inner(), false).await?;
    tracing::info!(by = %actor.name(), changes = done.changes, "configuration applied");
    Ok(HttpResponse::Ok().json(done))
}

/// The live configuration as a file; secrets as `env:NAME` references.
#[utoipa::path(
    get, path = "/api/v1/config/export", tag = "config",
    responses((status = 200, description = "TOML", content_type = "application/toml", body = String), ReadErrors),
)]
pub async fn get_export(state: web::Data<AppState>, _: Owner) -> AppResult<HttpResponse> {
    let text = state.store.run(|s| s.config_export()).await?;
    Ok(HttpResponse::Ok()
        .content_type("application/toml; charset=utf-8")
        .insert_header(("Cache-Control", "no-store"))
        .body(text))
}
