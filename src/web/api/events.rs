//! `/api/v1/events`: the durable notification events, oldest first, for auditing and
//! for delivery workers outside statusd.

use super::json;
use super::responses::ListErrors;
use crate::domain::Event;
use crate::error::AppResult;
use crate::state::AppState;
use crate::store::Paged;
use crate::web::auth::Viewer;
use actix_web::{HttpResponse, web};
use serde::Deserialize;

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct EventQuery {
    /// Return events after this event id.
    #[serde(default)]
    after: Option<String>,
    /// At most this many (default 100, up to 1000).
    #[serde(default)]
    limit: Option<usize>,
}

/// Lists notification events, oldest first.
#[utoipa::path(
    get, path = "/api/v1/events", tag = "events", params(EventQuery),
    responses((status = 200, description = "Events after `after`, oldest first", body = Paged<Event>), ListErrors),
)]
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
    Ok(json(&Paged { data, next_cursor }))
}
