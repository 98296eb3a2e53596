//! `/api/v1/groups`.

use super::{ListQuery, created, json};
use crate::error::AppResult;
use crate::state::AppState;
use crate::store::{GroupPatch, NewGroup};
use crate::web::auth::{Editor, Viewer};
use actix_web::{HttpResponse, web};

pub async fn list_groups(
    state: web::Data<AppState>,
    _: Viewer,
    q: web::Query<ListQuery>,
) -> AppResult<HttpResponse> {
    let groups = state.store.run(|s| s.list_groups()).await?;
    Ok(json(&q.page(groups, |g| &g.id)))
}

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

pub async fn get_group(
    state: web::Data<AppState>,
    _: Viewer,
    id: web::Path<String>,
) -> AppResult<HttpResponse> {
    Ok(json(&state.store.run(move |s| s.get_group(&id)).await?))
}

pub async fn patch_group(
    state: web::Data<AppState>,
    _: Editor,
    id: web::Path<String>,
    body: web::Json<GroupPatch>,
) -> AppResult<HttpResponse> {
    Ok(json(
        &state
            .store
            .run(move |s| s.update_group(&id, body.into_inner()))
            .await?,
    ))
}

pub async fn delete_group(
    state: web::Data<AppState>,
    _: Editor,
    id: web::Path<String>,
) -> AppResult<HttpResponse> {
    state.store.run(move |s| s.delete_group(&id)).await?;
    Ok(HttpResponse::NoContent().finish())
}
