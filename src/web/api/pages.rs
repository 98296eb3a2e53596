//! `/api/v1/pages`.

use super::managed::warn;
use super::responses::{ListErrors, ReadErrors, WriteErrors};
use super::{ListQuery, created, json};
use crate::domain::Page;
use crate::domain::branding::MAX_LOGO_BYTES;
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use crate::store::Paged;
use crate::store::{NewPage, PagePatch};
use crate::web::auth::{Editor, Viewer};
use actix_web::{HttpRequest, HttpResponse, http::header, web};
use futures_util::StreamExt;

/// Lists pages.
#[utoipa::path(
    get, path = "/api/v1/pages", tag = "pages", params(ListQuery),
    responses((status = 200, description = "A page of pages", body = Paged<Page>), ListErrors),
)]
pub async fn list_pages(
    state: web::Data<AppState>,
    _: Viewer,
    q: web::Query<ListQuery>,
) -> AppResult<HttpResponse> {
    let pages = state.store.run(|s| s.list_pages()).await?;
    Ok(json(&q.page(pages, |p| &p.id)))
}

/// Creates a page.
#[utoipa::path(
    post, path = "/api/v1/pages", tag = "pages", request_body = NewPage,
    responses((status = 201, description = "Created", body = Page), WriteErrors),
)]
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

/// Gets a page by id or slug.
#[utoipa::path(
    get, path = "/api/v1/pages/{id}", tag = "pages", params(("id" = String, Path, description = "page (or slug) id")),
    responses((status = 200, description = "The page (or slug)", body = Page), ReadErrors),
)]
pub async fn get_page(
    state: web::Data<AppState>,
    _: Viewer,
    id: web::Path<String>,
) -> AppResult<HttpResponse> {
    Ok(json(&state.store.run(move |s| s.resolve_page(&id)).await?))
}

/// Changes a page.
#[utoipa::path(
    patch, path = "/api/v1/pages/{id}", tag = "pages", params(("id" = String, Path, description = "page (or slug) id")), request_body = PagePatch,
    responses((status = 200, description = "Changed", body = Page), WriteErrors),
)]
pub async fn patch_page(
    state: web::Data<AppState>,
    _: Editor,
    id: web::Path<String>,
    body: web::Json<PagePatch>,
) -> AppResult<HttpResponse> {
    let p = state
        .store
        .run(move |s| {
            let page = s.resolve_page(&id)?;
            s.update_page(&page.id, body.into_inner())
        })
        .await?;
    Ok(warn(json(&p), p.managed_by_config, "page"))
}

/// Deletes a page.
#[utoipa::path(
    delete, path = "/api/v1/pages/{id}", tag = "pages", params(("id" = String, Path, description = "page (or slug) id")),
    responses((status = 204, description = "Deleted"), ReadErrors),
)]
pub async fn delete_page(
    state: web::Data<AppState>,
    _: Editor,
    id: web::Path<String>,
) -> AppResult<HttpResponse> {
    let key = id.clone();
    let managed = state
        .store
        .run(move |s| s.get_page(&key))
        .await
        .is_ok_and(|x| x.managed_by_config);
    state.store.run(move |s| s.delete_page(&id)).await?;
    Ok(warn(HttpResponse::NoContent().finish(), managed, "page"))
}

/// Sets a page's logo: the image bytes as the body (PNG, JPEG or WebP, at most 256 KB;
/// the type is read from the bytes, SVG is refused). Answers the page with its `logo`.
#[utoipa::path(
    put, path = "/api/v1/pages/{id}/logo", tag = "pages", params(("id" = String, Path, description = "page (or slug) id")),
    request_body(content = Vec<u8>, content_type = "image/png", description = "The image (image/png, image/jpeg or image/webp)"),
    responses((status = 200, description = "Changed", body = Page), WriteErrors),
)]
pub async fn put_page_logo(
    state: web::Data<AppState>,
    _: Editor,
    id: web::Path<String>,
    req: HttpRequest,
    mut body: web::Payload,
) -> AppResult<HttpResponse> {
    let ct = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if !ct.starts_with("image/") {
        return Err(AppError::UnsupportedMediaType(format!(
            "send the logo as the body with its image Content-Type (image/png, image/jpeg or image/webp), got {ct:?}"
        )));
    }
    let mut bytes = Vec::new();
    while let Some(chunk) = body.next().await {
        let chunk = chunk.map_err(|e| AppError::invalid("logo", e.to_string()))?;
        if bytes.len().saturating_add(chunk.len()) > MAX_LOGO_BYTES {
            return Err(AppError::PayloadTooLarge(MAX_LOGO_BYTES));
        }
        bytes.extend_from_slice(&chunk);
    }
    let page = state
        .store
        .run(move |s| {
            let page = s.resolve_page(&id)?;
            s.set_page_logo(&page.id, bytes)
        })
        .await?;
    Ok(json(&page))
}

/// Removes a page's logo.
#[utoipa::path(
    delete, path = "/api/v1/pages/{id}/logo", tag = "pages", params(("id" = String, Path, description = "page (or slug) id")),
    responses((status = 200, description = "Changed", body = Page), ReadErrors),
)]
pub async fn delete_page_logo(
    state: web::Data<AppState>,
    _: Editor,
    id: web::Path<String>,
) -> AppResult<HttpResponse> {
    let page = state
        .store
        .run(move |s| {
            let page = s.resolve_page(&id)?;
            s.remove_page_logo(&page.id)
        })
        .await?;
    Ok(json(&page))
}
