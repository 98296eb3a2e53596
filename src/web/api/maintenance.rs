//! `/api/v1/maintenance`: scheduled maintenance. A deploy pipeline can open a window
//! for "now, 15 minutes" (`{"title": "Deploy", "duration_minutes": 15}`) and complete it.

use super::responses::{ListErrors, ReadErrors, WriteErrors};
use super::{ListQuery, created, json, moment};
use crate::domain::{Maintenance, MaintenanceStatus, validate};
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use crate::store::Paged;
use crate::store::{MaintenancePatch, NewMaintenance};
use crate::web::auth::{Editor, Viewer};
use actix_web::{HttpResponse, web};
use chrono::{DateTime, Duration, Utc};
use serde::Deserialize;

/// A new window: "now, for 15 minutes" or `starts_at`..`ends_at`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = NewMaintenance)]
pub struct MaintenanceBody {
    title: String,
    #[serde(default, alias = "body")]
    message: String,
    #[serde(default, alias = "affected_component_ids")]
    component_ids: Vec<String>,
    /// Default: now.
    #[serde(default, alias = "scheduled_for")]
    starts_at: Option<DateTime<Utc>>,
    #[serde(default, alias = "scheduled_until")]
    ends_at: Option<DateTime<Utc>>,
    /// Alternative to `ends_at`.
    #[serde(default)]
    #[schema(minimum = 1, maximum = 44640)]
    duration_minutes: Option<i64>,
    /// Page id or slug; default page when absent.
    #[serde(default, alias = "page", alias = "page_id")]
    status_page_id: Option<String>,
    #[serde(default)]
    notify: Option<bool>,
}

/// Schedules maintenance (`starts_at` defaults to now; `ends_at` or `duration_minutes`).
#[utoipa::path(
    post, path = "/api/v1/maintenance", tag = "maintenance", request_body(
        content = MaintenanceBody,
        example = json!({"title": "Deploy", "duration_minutes": 15}),
    ),
    responses((status = 201, description = "Scheduled", body = Maintenance), WriteErrors),
)]
pub async fn post_maintenance(
    state: web::Data<AppState>,
    Editor(actor): Editor,
    body: web::Json<MaintenanceBody>,
) -> AppResult<HttpResponse> {
    let b = body.into_inner();
    let starts_at = moment("starts_at", b.starts_at)?.unwrap_or_else(Utc::now);
    let ends_at = match (moment("ends_at", b.ends_at)?, b.duration_minutes) {
        (Some(e), None) => e,
        (None, Some(m)) if (1..=60 * 24 * 31).contains(&m) => Duration::try_minutes(m)
            .and_then(|d| starts_at.checked_add_signed(d))
            .and_then(|e| validate::moment(e).ok())
            .ok_or_else(|| {
                AppError::invalid("duration_minutes", "would end the window after 9999")
            })?,
        (None, Some(_)) => {
            return Err(AppError::invalid(
                "duration_minutes",
                "must be between 1 and 44640 (31 days)",
            ));
        }
        (Some(_), Some(_)) => {
            return Err(AppError::invalid(
                "duration_minutes",
                "give ends_at or duration_minutes, not both",
            ));
        }
        (None, None) => {
            return Err(AppError::invalid(
                "ends_at",
                "give ends_at or duration_minutes",
            ));
        }
    };
    let by = actor.name();
    let input = NewMaintenance {
        page: b.status_page_id,
        title: b.title,
        message: b.message,
        component_ids: b.component_ids,
        starts_at,
        ends_at,
        notify: b.notify.unwrap_or(true),
    };
    let m = state
        .store
        .run(move |s| s.create_maintenance(input, &by))
        .await?;
    Ok(created(&m))
}

#[derive(Debug, Deserialize)]
pub struct MaintenanceQuery {
    #[serde(flatten)]
    list: ListQuery,
    #[serde(default)]
    status: Option<String>,
}

/// Lists maintenance windows.
#[utoipa::path(
    get, path = "/api/v1/maintenance", tag = "maintenance",
    params(ListQuery, ("status" = Option<MaintenanceStatus>, Query, description = "Only windows in this status")),
    responses((status = 200, description = "A page of maintenance windows", body = Paged<Maintenance>), ListErrors),
)]
pub async fn list_maintenance(
    state: web::Data<AppState>,
    _: Viewer,
    q: web::Query<MaintenanceQuery>,
) -> AppResult<HttpResponse> {
    let status = q
        .status
        .as_deref()
        .filter(|s| !s.is_empty())
        .map(|s| {
            s.parse::<MaintenanceStatus>()
                .map_err(|m| AppError::invalid("status", m))
        })
        .transpose()?;
    let mut list = state.store.run(|s| s.list_maintenance()).await?;
    list.retain(|m| status.is_none_or(|s| m.status == s));
    Ok(json(&q.list.page(list, |m| &m.id)))
}

/// Gets a maintenance window.
#[utoipa::path(
    get, path = "/api/v1/maintenance/{id}", tag = "maintenance", params(("id" = String, Path, description = "maintenance id")),
    responses((status = 200, description = "The window", body = Maintenance), ReadErrors),
)]
pub async fn get_maintenance(
    state: web::Data<AppState>,
    _: Viewer,
    id: web::Path<String>,
) -> AppResult<HttpResponse> {
    Ok(json(
        &state.store.run(move |s| s.get_maintenance(&id)).await?,
    ))
}

/// Changes to a window; absent means unchanged.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = MaintenancePatch)]
pub struct MaintenancePatchBody {
    #[serde(default)]
    title: Option<String>,
    #[serde(default, alias = "body")]
    message: Option<String>,
    #[serde(default, alias = "affected_component_ids")]
    component_ids: Option<Vec<String>>,
    #[serde(default, alias = "scheduled_for")]
    starts_at: Option<DateTime<Utc>>,
    #[serde(default, alias = "scheduled_until")]
    ends_at: Option<DateTime<Utc>>,
    /// in_progress, verifying or completed (never back to scheduled).
    #[serde(default)]
    #[schema(value_type = Option<MaintenanceStatus>)]
    status: Option<String>,
}

/// Changes, extends or verifies a window.
#[utoipa::path(
    patch, path = "/api/v1/maintenance/{id}", tag = "maintenance", params(("id" = String, Path, description = "maintenance id")),
    request_body = MaintenancePatchBody,
    responses((status = 200, description = "Changed, extended or verified", body = Maintenance), WriteErrors),
)]
pub async fn patch_maintenance(
    state: web::Data<AppState>,
    Editor(actor): Editor,
    id: web::Path<String>,
    body: web::Json<MaintenancePatchBody>,
) -> AppResult<HttpResponse> {
    let b = body.into_inner();
    let status = b
        .status
        .as_deref()
        .map(|s| {
            s.parse::<MaintenanceStatus>()
                .map_err(|m| AppError::invalid("status", m))
        })
        .transpose()?;
    if status == Some(MaintenanceStatus::Scheduled) {
        return Err(AppError::invalid(
            "status",
            "a window cannot go back to scheduled",
        ));
    }
    let patch = MaintenancePatch {
        title: b.title,
        message: b.message,
        component_ids: b.component_ids,
        starts_at: moment("starts_at", b.starts_at)?,
        ends_at: moment("ends_at", b.ends_at)?,
        status,
    };
    let by = actor.name();
    Ok(json(
        &state
            .store
            .run(move |s| s.update_maintenance(&id, patch, &by))
            .await?,
    ))
}

/// Deletes a window.
#[utoipa::path(
    delete, path = "/api/v1/maintenance/{id}", tag = "maintenance", params(("id" = String, Path, description = "maintenance id")),
    responses((status = 204, description = "Deleted"), ReadErrors),
)]
pub async fn delete_maintenance(
    state: web::Data<AppState>,
    Editor(actor): Editor,
    id: web::Path<String>,
) -> AppResult<HttpResponse> {
    let by = actor.name();
    state
        .store
        .run(move |s| s.delete_maintenance(&id, &by))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// An optional update text posted with a start or completion.
#[derive(Debug, Deserialize, Default, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = MaintenanceTransition)]
pub struct TransitionBody {
    #[serde(default, alias = "body")]
    message: Option<String>,
}

/// Starts a window now.
#[utoipa::path(
    post, path = "/api/v1/maintenance/{id}/start", tag = "maintenance", params(("id" = String, Path, description = "maintenance id")),
    request_body(content = Option<TransitionBody>, description = "Optional update text"),
    responses((status = 200, description = "Started", body = Maintenance), WriteErrors),
)]
pub async fn post_start(
    state: web::Data<AppState>,
    Editor(actor): Editor,
    id: web::Path<String>,
    body: Option<web::Json<TransitionBody>>,
) -> AppResult<HttpResponse> {
    let message = body.and_then(|b| b.into_inner().message);
    let by = actor.name();
    Ok(json(
        &state
            .store
            .run(move |s| s.start_maintenance(&id, message, &by))
            .await?,
    ))
}

/// Completes a window now.
#[utoipa::path(
    post, path = "/api/v1/maintenance/{id}/complete", tag = "maintenance", params(("id" = String, Path, description = "maintenance id")),
    request_body(content = Option<TransitionBody>, description = "Optional update text"),
    responses((status = 200, description = "Completed", body = Maintenance), WriteErrors),
)]
pub async fn post_complete(
    state: web::Data<AppState>,
    Editor(actor): Editor,
    id: web::Path<String>,
    body: Option<web::Json<TransitionBody>>,
) -> AppResult<HttpResponse> {
    let message = body.and_then(|b| b.into_inner().message);
    let by = actor.name();
    Ok(json(
        &state
            .store
            .run(move |s| s.complete_maintenance(&id, message, &by))
            .await?,
    ))
}
