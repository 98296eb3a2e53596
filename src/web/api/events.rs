//! `/api/v1/events`: the durable notification events, oldest first, for auditing and
//! for delivery workers outside statusd.

use super::json;
use crate::error::AppResult;
use crate::state::AppState;
use crate::web::auth::Viewer;
use actix_web::{HttpResponse, web};
use serde::Deserialize;

#[derive(Deserialize)]
pub struct EventQuery {
    /// Return events after this event id.
    #[serde(default)]
    after: Option<String>,
    #[serde(default)]
    limit: Option<usize>,
}

pub async fn list_events(
    state: web::Data<AppState>,
    _: Viewer,
    q: web::Query<EventQuery>,
) -> AppResult<HttpResponse> {
    let limit = q.limit.unwrap_or(100).clamp(1, 1000);
    let after = q.after.clone();
    let events = state
        .store
        .run(move |s| s.list_events(after.as_deref(), limit + 1))
        .await?;
    let more = events.len() > limit;
    let data: Vec<_> = events.into_iter().take(limit).collect();
    let next_cursor = if more {
        data.last().map(|e| e.id.clone())
    } else {
        None
    };
    Ok(json(
        &serde_json::json!({"data": data, "next_cursor": next_cursor}),
    ))
}
