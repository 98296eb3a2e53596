//! `/api/v1/keys` (owners only). A created key's token is in the 201 answer only.

use super::responses::{ListErrors, ReadErrors, WriteErrors};
use super::{ListQuery, created, json};
use crate::domain::{ApiKey, Role};
use crate::error::{AppError, AppResult};
use crate::secret;
use crate::state::AppState;
use crate::store::Paged;
use crate::web::auth::Owner;
use actix_web::{HttpResponse, web};
use serde::{Deserialize, Serialize};

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewKey {
    name: String,
    /// Default: editor.
    #[serde(default)]
    #[schema(value_type = Option<Role>)]
    role: Option<String>,
}

/// A key as the API shows it: never its hash.
#[derive(Serialize, utoipa::ToSchema)]
#[schema(as = ApiKey)]
pub struct KeyOut<'a> {
    id: &'a str,
    name: &'a str,
    role: Role,
    prefix: &'a str,
    created_at: chrono::DateTime<chrono::Utc>,
    created_by: Option<&'a str>,
    last_used_at: Option<chrono::DateTime<chrono::Utc>>,
    revoked_at: Option<chrono::DateTime<chrono::Utc>>,
    /// Only in the 201 answer of a create; only its hash is kept.
    #[serde(skip_serializing_if = "Option::is_none")]
    token: Option<&'a str>,
}

fn key_out<'a>(k: &'a ApiKey, token: Option<&'a str>) -> KeyOut<'a> {
    KeyOut {
        id: &k.id,
        name: &k.name,
        role: k.role,
        prefix: &k.prefix,
        created_at: k.created_at,
        created_by: k.created_by.as_deref(),
        last_used_at: k.last_used_at,
        revoked_at: k.revoked_at,
        token,
    }
}

/// Lists API keys.
#[utoipa::path(
    get, path = "/api/v1/keys", tag = "keys", params(ListQuery),
    responses((status = 200, description = "A page of API keys (owners only)", body = Paged<KeyOut>), ListErrors),
)]
pub async fn list_keys(
    state: web::Data<AppState>,
    _: Owner,
    q: web::Query<ListQuery>,
) -> AppResult<HttpResponse> {
    let keys = state.store.run(|s| s.list_keys()).await?;
    let page = q.page(keys, |k| &k.id);
    let data: Vec<KeyOut> = page.data.iter().map(|k| key_out(k, None)).collect();
    Ok(json(&Paged {
        data,
        next_cursor: page.next_cursor,
    }))
}

/// Creates an API key; its token is in this answer only.
#[utoipa::path(
    post, path = "/api/v1/keys", tag = "keys", request_body = NewKey,
    responses((status = 201, description = "Created; `token` is in this answer only", body = KeyOut), WriteErrors),
)]
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
    let (token, hash, prefix) = secret::new_api_token();
    let by = actor.name();
    let key = state
        .store
        .run(move |s| s.create_key(&name, role, hash, prefix, Some(by)))
        .await?;
    tracing::info!(by = %actor.name(), key = %key.name, "API key created");
    Ok(created(&key_out(&key, Some(&token))))
}

/// Revokes an API key.
#[utoipa::path(
    delete, path = "/api/v1/keys/{id}", tag = "keys", params(("id" = String, Path, description = "key id")),
    responses((status = 204, description = "Revoked"), ReadErrors),
)]
pub async fn delete_key(
    state: web::Data<AppState>,
    _: Owner,
    id: web::Path<String>,
) -> AppResult<HttpResponse> {
    state.store.run(move |s| s.revoke_key(&id)).await?;
    Ok(HttpResponse::NoContent().finish())
}
