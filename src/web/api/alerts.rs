//! `/api/v1/alerts/{source}` (editor key) and `/api/v1/alerts/{source}/{secret}` (secret
//! URL): inbound alert webhooks; `/api/v1/alert-rules`, `/api/v1/alert-sources` and
//! `/api/v1/alert-events` manage and show them.

use super::managed::warn;
use super::responses::{ListErrors, ReadErrors, WriteErrors};
use super::{created, json};
use crate::alerts::{self, ai::AiEndpoint};
use crate::domain::alert_lifecycle::{AlertEvent, AlertSecret};
use crate::domain::inbound::{AlertRule, AlertSource};
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use crate::store::{AlertRuleInput, Received};
use crate::web::auth::{Editor, Viewer};
use actix_web::{HttpRequest, HttpResponse, web};
use futures_util::StreamExt;
use serde::{Deserialize, Serialize};

/// The largest alert body kept and parsed (larger ones are refused and recorded).
pub const ALERT_MAX_BODY: usize = 256 * 1024;

/// What became of each alert of the body.
#[derive(Serialize, utoipa::ToSchema)]
pub struct ReceivedOut {
    received: Vec<Received>,
}

fn source_of(s: &str) -> AppResult<AlertSource> {
    s.parse().map_err(|_| {
        AppError::NotFound(format!(
            "alert source {s:?} (generic, alertmanager, grafana, pagerduty or opsgenie)"
        ))
    })
}

/// Reads the body up to the limit; a larger one is recorded and refused with 413.
async fn read_body(
    state: &AppState,
    source: AlertSource,
    via: &str,
    mut payload: web::Payload,
) -> AppResult<Vec<u8>> {
    let mut body = Vec::new();
    while let Some(chunk) = payload.next().await {
        let chunk = chunk
            .map_err(|e| AppError::invalid("body", format!("could not read the body: {e}")))?;
        if body.len() + chunk.len() > ALERT_MAX_BODY {
            let e = AppError::PayloadTooLarge(ALERT_MAX_BODY);
            let (via, head) = (
                via.to_string(),
                String::from_utf8_lossy(&body[..body.len().min(4096)]).into_owned(),
            );
            state
                .store
                .run(move |s| s.record_alert_rejection(source, &head, &via, &e))
                .await?;
            return Err(AppError::PayloadTooLarge(ALERT_MAX_BODY));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// Checks PagerDuty's signature when a secret is configured; records a refusal.
async fn check_signature(
    state: &AppState,
    req: &HttpRequest,
    source: AlertSource,
    via: &str,
    body: &[u8],
) -> AppResult<()> {
    let Some(secret) = state
        .config
        .pagerduty_secret
        .as_ref()
        .filter(|_| source == AlertSource::Pagerduty)
    else {
        return Ok(());
    };
    let header = req
        .headers()
        .get("x-pagerduty-signature")
        .and_then(|v| v.to_str().ok());
    if alerts::pagerduty::signature_ok(&secret.0, body, header) {
        return Ok(());
    }
    let e = AppError::invalid(
        "X-PagerDuty-Signature",
        "missing or wrong; check the webhook's signing secret (pagerduty_secret)",
    );
    let (via, raw, e2) = (
        via.to_string(),
        String::from_utf8_lossy(body).into_owned(),
        AppError::invalid("X-PagerDuty-Signature", e.to_string()),
    );
    state
        .store
        .run(move |s| s.record_alert_rejection(source, &raw, &via, &e2))
        .await?;
    Err(AppError::Forbidden(e.to_string()))
}

async fn ingest(
    state: &AppState,
    req: &HttpRequest,
    source: AlertSource,
    via: String,
    payload: web::Payload,
) -> AppResult<HttpResponse> {
    let body = read_body(state, source, &via, payload).await?;
    check_signature(state, req, source, &via, &body).await?;
    let ai = AiEndpoint::from_config(&state.config);
    let received = state
        .store
        .run(move |s| alerts::ingest(s, ai.as_ref(), source, &body, &via))
        .await?;
    Ok(json(&ReceivedOut { received }))
}

/// Receives an alert webhook (API key with the editor role).
#[utoipa::path(
    post, path = "/api/v1/alerts/{source}", tag = "alerts",
    params(("source" = String, Path, description = "generic, alertmanager, grafana, pagerduty or opsgenie")),
    request_body(content = alerts::generic::Body, description = "The source's own webhook body: seed 003's payload for `generic`, \
        Alertmanager webhook v4, Grafana's webhook, PagerDuty v3 webhook events (signed with `X-PagerDuty-Signature` when \
        `pagerduty_secret` is set), Opsgenie's outgoing webhook"),
    responses((status = 200, description = "What became of each alert: drafted, published, refire, resolved_before_publishing, \
        resolved, resolve_proposed, nothing_open, noted or unmatched", body = ReceivedOut), WriteErrors),
)]
pub async fn post_alert(
    state: web::Data<AppState>,
    req: HttpRequest,
    Editor(actor): Editor,
    path: web::Path<String>,
    payload: web::Payload,
) -> AppResult<HttpResponse> {
    let source = source_of(&path)?;
    ingest(&state, &req, source, actor.name(), payload).await
}

/// Receives an alert webhook through a secret URL (for tools that cannot send headers).
#[utoipa::path(
    post, path = "/api/v1/alerts/{source}/{secret}", tag = "alerts", security(()),
    params(
        ("source" = String, Path, description = "generic, alertmanager, grafana, pagerduty or opsgenie"),
        ("secret" = String, Path, description = "The secret of a URL made in Alert sources (shown once)"),
    ),
    request_body(content = alerts::generic::Body, description = "The source's own webhook body (as `/api/v1/alerts/{source}`)"),
    responses((status = 200, description = "What became of each alert", body = ReceivedOut), WriteErrors),
)]
pub async fn post_alert_secret(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<(String, String)>,
    payload: web::Payload,
) -> AppResult<HttpResponse> {
    let (source, token) = path.into_inner();
    let source = source_of(&source)?;
    let found = state
        .store
        .run(move |s| s.alert_secret(source, &token))
        .await?;
    let Some(secret) = found else {
        let e = AppError::Unauthorized;
        state
            .store
            .run(move |s| {
                s.record_alert_rejection(
                    source,
                    "",
                    "secret URL",
                    &AppError::invalid("secret", "wrong or revoked secret URL"),
                )
            })
            .await?;
        return Err(e);
    };
    ingest(
        &state,
        &req,
        source,
        format!("url:{}", secret.name),
        payload,
    )
    .await
}

/// Lists the mapping rules in the order they are tried.
#[utoipa::path(
    get, path = "/api/v1/alert-rules", tag = "alerts",
    responses((status = 200, description = "Every rule, first tried first", body = Vec<AlertRule>), ListErrors),
)]
pub async fn list_alert_rules(state: web::Data<AppState>, _: Viewer) -> AppResult<HttpResponse> {
    Ok(json(&state.store.run(|s| s.list_alert_rules()).await?))
}

/// Creates a mapping rule.
#[utoipa::path(
    post, path = "/api/v1/alert-rules", tag = "alerts",
    request_body(content = AlertRuleInput, example = json!({
        "name": "API errors", "matchers": ["service=\"api\"", "severity=~\"critical|page\""],
        "component_ids": ["comp_api"], "impact": "major", "mode": "draft", "auto_publish_minutes": 15
    })),
    responses((status = 201, description = "Created", body = AlertRule), WriteErrors),
)]
pub async fn post_alert_rule(
    state: web::Data<AppState>,
    _: Editor,
    body: web::Json<AlertRuleInput>,
) -> AppResult<HttpResponse> {
    let r = state
        .store
        .run(move |s| s.put_alert_rule(None, body.into_inner()))
        .await?;
    Ok(created(&r))
}

/// One rule.
#[utoipa::path(
    get, path = "/api/v1/alert-rules/{id}", tag = "alerts", params(("id" = String, Path)),
    responses((status = 200, description = "The rule", body = AlertRule), ReadErrors),
)]
pub async fn get_alert_rule(
    state: web::Data<AppState>,
    _: Viewer,
    id: web::Path<String>,
) -> AppResult<HttpResponse> {
    Ok(json(
        &state.store.run(move |s| s.get_alert_rule(&id)).await?,
    ))
}

/// Replaces a rule.
#[utoipa::path(
    put, path = "/api/v1/alert-rules/{id}", tag = "alerts", params(("id" = String, Path)),
    request_body = AlertRuleInput,
    responses((status = 200, description = "The rule as stored", body = AlertRule), WriteErrors),
)]
pub async fn put_alert_rule(
    state: web::Data<AppState>,
    _: Editor,
    id: web::Path<String>,
    body: web::Json<AlertRuleInput>,
) -> AppResult<HttpResponse> {
    let r = state
        .store
        .run(move |s| s.put_alert_rule(Some(&id), body.into_inner()))
        .await?;
    Ok(warn(json(&r), r.managed_by_config, "alert rule"))
}

/// Deletes a rule.
#[utoipa::path(
    delete, path = "/api/v1/alert-rules/{id}", tag = "alerts", params(("id" = String, Path)),
    responses((status = 204, description = "Deleted"), ReadErrors),
)]
pub async fn delete_alert_rule(
    state: web::Data<AppState>,
    _: Editor,
    id: web::Path<String>,
) -> AppResult<HttpResponse> {
    let key = id.clone();
    let managed = state
        .store
        .run(move |s| s.get_alert_rule(&key))
        .await
        .is_ok_and(|x| x.managed_by_config);
    state.store.run(move |s| s.delete_alert_rule(&id)).await?;
    Ok(warn(
        HttpResponse::NoContent().finish(),
        managed,
        "alert rule",
    ))
}

/// A new secret URL.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewAlertSource {
    name: String,
    source: AlertSource,
}

/// A secret URL as the API shows it; `url` only in the 201 answer.
#[derive(Serialize, utoipa::ToSchema)]
pub struct AlertSourceOut {
    id: String,
    name: String,
    source: AlertSource,
    prefix: String,
    created_at: chrono::DateTime<chrono::Utc>,
    last_used_at: Option<chrono::DateTime<chrono::Utc>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    url: Option<String>,
}

fn source_out(s: AlertSecret, url: Option<String>) -> AlertSourceOut {
    AlertSourceOut {
        id: s.id,
        name: s.name,
        source: s.source,
        prefix: s.prefix,
        created_at: s.created_at,
        last_used_at: s.last_used_at,
        url,
    }
}

/// Lists the secret URLs (never their secrets).
#[utoipa::path(
    get, path = "/api/v1/alert-sources", tag = "alerts",
    responses((status = 200, description = "Every secret URL", body = Vec<AlertSourceOut>), ListErrors),
)]
pub async fn list_alert_sources(state: web::Data<AppState>, _: Viewer) -> AppResult<HttpResponse> {
    let list = state.store.run(|s| s.list_alert_secrets()).await?;
    Ok(json(
        &list
            .into_iter()
            .map(|s| source_out(s, None))
            .collect::<Vec<_>>(),
    ))
}

/// Creates a secret URL for a source; the URL is in this answer only.
#[utoipa::path(
    post, path = "/api/v1/alert-sources", tag = "alerts",
    request_body(content = NewAlertSource, example = json!({"name": "prod alertmanager", "source": "alertmanager"})),
    responses((status = 201, description = "Created; `url` is shown once", body = AlertSourceOut), WriteErrors),
)]
pub async fn post_alert_source(
    state: web::Data<AppState>,
    Editor(actor): Editor,
    body: web::Json<NewAlertSource>,
) -> AppResult<HttpResponse> {
    let b = body.into_inner();
    let by = actor.name();
    let n = state
        .store
        .run(move |s| s.create_alert_secret(&b.name, b.source, &by))
        .await?;
    let url = format!(
        "{}/api/v1/alerts/{}/{}",
        state.config.public_url,
        n.secret.source.as_str(),
        n.token
    );
    Ok(created(&source_out(n.secret, Some(url))))
}

/// Revokes a secret URL.
#[utoipa::path(
    delete, path = "/api/v1/alert-sources/{id}", tag = "alerts", params(("id" = String, Path)),
    responses((status = 204, description = "Revoked"), ReadErrors),
)]
pub async fn delete_alert_source(
    state: web::Data<AppState>,
    _: Editor,
    id: web::Path<String>,
) -> AppResult<HttpResponse> {
    state.store.run(move |s| s.revoke_alert_secret(&id)).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Alerts received and refused in the last 30 days, newest first (raw bodies included).
#[utoipa::path(
    get, path = "/api/v1/alert-events", tag = "alerts",
    responses((status = 200, description = "Newest first", body = Vec<AlertEvent>), ListErrors),
)]
pub async fn list_alert_events(state: web::Data<AppState>, _: Viewer) -> AppResult<HttpResponse> {
    Ok(json(&state.store.run(|s| s.list_alert_events()).await?))
}
