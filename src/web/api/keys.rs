//! `/api/v1/keys` (owners only). A created key's token is in the 201 answer only.

use super::{ListQuery, created, json};
use crate::auth::{self, Owner};
use crate::domain::Role;
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use actix_web::{HttpResponse, web};
use serde::{Deserialize, Serialize};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewKey {
    name: String,
    #[serde(default)]
    role: Option<String>,
}

#[derive(Serialize)]
struct CreatedKey {
    #[serde(flatten)]
    key: crate::domain::ApiKey,
    /// Shown once; only its hash is kept.
    token: String,
}

pub async fn list_keys(
    state: web::Data<AppState>,
    _: Owner,
    q: web::Query<ListQuery>,
) -> AppResult<HttpResponse> {
    let keys = state.store.run(|s| s.list_keys()).await?;
    Ok(json(&q.page(keys, |k| &k.id)))
}

pub async fn post_key(
    state: web::Data<AppState>,
    Owner(actor): Owner,
    body: web::Json<NewKey>,
) -> AppResult<HttpResponse> {
    let NewKey { name, role } = body.into_inner();
    let role: Role = role
        .as_deref()
        .unwrap_or("editor")
        .parse()
        .map_err(|m: String| AppError::invalid("role", m))?;
    let (token, hash, prefix) = auth::new_api_token();
    let by = actor.name();
    let key = state
        .store
        .run(move |s| s.create_key(&name, role, hash, prefix, Some(by)))
        .await?;
    tracing::info!(by = %actor.name(), key = %key.name, "API key created");
    Ok(created(&CreatedKey { key, token }))
}

pub async fn delete_key(
    state: web::Data<AppState>,
    _: Owner,
    id: web::Path<String>,
) -> AppResult<HttpResponse> {
    state.store.run(move |s| s.revoke_key(&id)).await?;
    Ok(HttpResponse::NoContent().finish())
}
