//! `/api/v1/pages`.

use super::{ListQuery, created, json};
use crate::error::AppResult;
use crate::state::AppState;
use crate::store::{NewPage, PagePatch};
use crate::web::auth::{Editor, Viewer};
use actix_web::{HttpResponse, web};

pub async fn list_pages(
    state: web::Data<AppState>,
    _: Viewer,
    q: web::Query<ListQuery>,
) -> AppResult<HttpResponse> {
    let pages = state.store.run(|s| s.list_pages()).await?;
    Ok(json(&q.page(pages, |p| &p.id)))
}

pub async fn post_page(
    state: web::Data<AppState>,
    _: Editor,
    body: web::Json<NewPage>,
) -> AppResult<HttpResponse> {
    let page = state
        .store
        .run(move |s| s.create_page(body.into_inner()))
        .await?;
    Ok(created(&page))
}

pub async fn get_page(
    state: web::Data<AppState>,
    _: Viewer,
    id: web::Path<String>,
) -> AppResult<HttpResponse> {
    Ok(json(&state.store.run(move |s| s.resolve_page(&id)).await?))
}

pub async fn patch_page(
    state: web::Data<AppState>,
    _: Editor,
    id: web::Path<String>,
    body: web::Json<PagePatch>,
) -> AppResult<HttpResponse> {
    Ok(json(
        &state
            .store
            .run(move |s| s.update_page(&id, body.into_inner()))
            .await?,
    ))
}

pub async fn delete_page(
    state: web::Data<AppState>,
    _: Editor,
    id: web::Path<String>,
) -> AppResult<HttpResponse> {
    state.store.run(move |s| s.delete_page(&id)).await?;
    Ok(HttpResponse::NoContent().finish())
}
