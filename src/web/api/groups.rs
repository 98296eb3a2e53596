//! `/api/v1/groups`.

use super::managed::warn;
use super::responses::{ListErrors, ReadErrors, WriteErrors};
use super::{ListQuery, created, json};
use crate::domain::Group;
use crate::error::AppResult;
use crate::state::AppState;
use crate::store::Paged;
use crate::store::{GroupPatch, NewGroup};
use crate::web::auth::{Editor, Viewer};
use actix_web::{HttpResponse, web};

/// Lists component groups.
#[utoipa::path(
    get, path = "/api/v1/groups", tag = "groups", params(ListQuery),
    responses((status = 200, description = "A page of groups", body = Paged<Group>), ListErrors),
)]
pub async fn list_groups(
    state: web::Data<AppState>,
    _: Viewer,
    q: web::Query<ListQuery>,
) -> AppResult<HttpResponse> {
    let groups = state.store.run(|s| s.list_groups()).await?;
    Ok(json(&q.page(groups, |g| &g.id)))
}

/// Creates a group.
#[utoipa::path(
    post, path = "/api/v1/groups", tag = "groups", request_body = NewGroup,
    responses((status = 201, description = "Created", body = Group), WriteErrors),
)]
pub async fn post_group(
    state: web::Data<AppState>,
    _: Editor,
    body: web::Json<NewGroup>,
) -> AppResult<HttpResponse> {
    Ok(created(
        &state
            .store
            .run(move |s| s.create_group(body.into_inner()))
            .await?,
    ))
}

/// Gets a group.
#[utoipa::path(
    get, path = "/api/v1/groups/{id}", tag = "groups", params(("id" = String, Path, description = "group id")),
    responses((status = 200, description = "The group", body = Group), ReadErrors),
)]
pub async fn get_group(
    state: web::Data<AppState>,
    _: Viewer,
    id: web::Path<String>,
) -> AppResult<HttpResponse> {
    Ok(json(&state.store.run(move |s| s.get_group(&id)).await?))
}

/// Changes a group.
#[utoipa::path(
    patch, path = "/api/v1/groups/{id}", tag = "groups", params(("id" = String, Path, description = "group id")), request_body = GroupPatch,
    responses((status = 200, description = "Changed", body = Group), WriteErrors),
)]
pub async fn patch_group(
    state: web::Data<AppState>,
    _: Editor,
    id: web::Path<String>,
    body: web::Json<GroupPatch>,
) -> AppResult<HttpResponse> {
    let g = state
        .store
        .run(move |s| s.update_group(&id, body.into_inner()))
        .await?;
    Ok(warn(json(&g), g.managed_by_config, "group"))
}

/// Deletes a group.
#[utoipa::path(
    delete, path = "/api/v1/groups/{id}", tag = "groups", params(("id" = String, Path, description = "group id")),
    responses((status = 204, description = "Deleted"), ReadErrors),
)]
pub async fn delete_group(
    state: web::Data<AppState>,
    _: Editor,
    id: web::Path<String>,
) -> AppResult<HttpResponse> {
    let key = id.clone();
    let managed = state
        .store
        .run(move |s| s.get_group(&key))
        .await
        .is_ok_and(|x| x.managed_by_config);
    state.store.run(move |s| s.delete_group(&id)).await?;
    Ok(warn(HttpResponse::NoContent().finish(), managed, "group"))
}
