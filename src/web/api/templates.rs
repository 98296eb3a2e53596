//! `/api/v1/templates`: named incident update texts with `{{placeholders}}`.

use super::{ListQuery, created, json};
use crate::error::AppResult;
use crate::state::AppState;
use crate::store::TemplateInput;
use crate::web::auth::{Editor, Viewer};
use actix_web::{HttpResponse, web};

pub async fn list_templates(
    state: web::Data<AppState>,
    _: Viewer,
    q: web::Query<ListQuery>,
) -> AppResult<HttpResponse> {
    let list = state.store.run(|s| s.list_templates()).await?;
    Ok(json(&q.page(list, |t| &t.id)))
}

pub async fn post_template(
    state: web::Data<AppState>,
    _: Editor,
    body: web::Json<TemplateInput>,
) -> AppResult<HttpResponse> {
    Ok(created(
        &state
            .store
            .run(move |s| s.save_template(None, body.into_inner()))
            .await?,
    ))
}

pub async fn get_template(
    state: web::Data<AppState>,
    _: Viewer,
    id: web::Path<String>,
) -> AppResult<HttpResponse> {
    Ok(json(&state.store.run(move |s| s.get_template(&id)).await?))
}

pub async fn put_template(
    state: web::Data<AppState>,
    _: Editor,
    id: web::Path<String>,
    body: web::Json<TemplateInput>,
) -> AppResult<HttpResponse> {
    Ok(json(
        &state
            .store
            .run(move |s| s.save_template(Some(&id), body.into_inner()))
            .await?,
    ))
}

pub async fn delete_template(
    state: web::Data<AppState>,
    _: Editor,
    id: web::Path<String>,
) -> AppResult<HttpResponse> {
    state.store.run(move |s| s.delete_template(&id)).await?;
    Ok(HttpResponse::NoContent().finish())
}
