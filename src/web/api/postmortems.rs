//! `/api/v1/incidents/{id}/postmortem`: the postmortem of a resolved incident.

use super::incidents::{IncidentOut, out};
use super::json;
use super::responses::{ReadErrors, WriteErrors};
use crate::domain::{ActionItem, Postmortem};
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use crate::web::auth::{Editor, Viewer};
use actix_web::{HttpResponse, web};
use serde::Deserialize;

/// A postmortem draft (Markdown texts).
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = PostmortemInput)]
pub struct PostmortemBody {
    #[serde(default)]
    summary: String,
    #[serde(default)]
    timeline: String,
    #[serde(default)]
    root_cause: String,
    #[serde(default)]
    impact: String,
    #[serde(default)]
    resolution: String,
    #[serde(default)]
    action_items: Vec<ActionItem>,
}

/// Gets the postmortem of an incident.
#[utoipa::path(
    get, path = "/api/v1/incidents/{id}/postmortem", tag = "incidents", params(("id" = String, Path, description = "incident id")),
    responses((status = 200, description = "The postmortem", body = Postmortem), ReadErrors),
)]
pub async fn get_postmortem(
    state: web::Data<AppState>,
    _: Viewer,
    id: web::Path<String>,
) -> AppResult<HttpResponse> {
    let i = state.store.run(move |s| s.get_incident(&id)).await?;
    let pm = i
        .postmortem
        .ok_or_else(|| AppError::NotFound(format!("postmortem of incident {}", i.id)))?;
    Ok(json(&pm))
}

/// Saves the postmortem draft of a resolved incident.
#[utoipa::path(
    put, path = "/api/v1/incidents/{id}/postmortem", tag = "incidents", params(("id" = String, Path, description = "incident id")),
    request_body = PostmortemBody,
    responses((status = 200, description = "Saved as a draft (resolved incidents)", body = Postmortem), WriteErrors),
)]
pub async fn put_postmortem(
    state: web::Data<AppState>,
    Editor(actor): Editor,
    id: web::Path<String>,
    body: web::Json<PostmortemBody>,
) -> AppResult<HttpResponse> {
    let b = body.into_inner();
    let pm = Postmortem {
        summary: b.summary,
        timeline: b.timeline,
        root_cause: b.root_cause,
        impact: b.impact,
        resolution: b.resolution,
        action_items: b.action_items,
        published_at: None,
        updated_at: None,
    };
    let by = actor.name();
    let i = state
        .store
        .run(move |s| s.save_postmortem(&id, pm, &by))
        .await?;
    Ok(json(&i.postmortem))
}

/// Options of publishing a postmortem.
#[derive(Debug, Deserialize, Default, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = PublishPostmortem)]
pub struct PublishBody {
    #[serde(default)]
    notify: Option<bool>,
}

/// Publishes the postmortem; the incident status becomes postmortem.
#[utoipa::path(
    post, path = "/api/v1/incidents/{id}/postmortem/publish", tag = "incidents", params(("id" = String, Path, description = "incident id")),
    request_body(content = Option<PublishBody>, description = "`notify: false` tells no subscriber"),
    responses((status = 200, description = "Published; the status becomes postmortem", body = IncidentOut), WriteErrors),
)]
pub async fn post_postmortem_publish(
    state: web::Data<AppState>,
    Editor(actor): Editor,
    id: web::Path<String>,
    body: Option<web::Json<PublishBody>>,
) -> AppResult<HttpResponse> {
    let notify = body.and_then(|b| b.notify).unwrap_or(true);
    let by = actor.name();
    let i = state
        .store
        .run(move |s| s.publish_postmortem(&id, notify, &by))
        .await?;
    Ok(json(&out(&i)))
}
