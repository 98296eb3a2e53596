//! `/api/v1/templates`: named incident update texts with `{{placeholders}}`.

use super::managed::warn;
use super::responses::{ListErrors, ReadErrors, WriteErrors};
use super::{ListQuery, created, json};
use crate::domain::Template;
use crate::error::AppResult;
use crate::state::AppState;
use crate::store::Paged;
use crate::store::TemplateInput;
use crate::web::auth::{Editor, Viewer};
use actix_web::{HttpResponse, web};

/// Lists update templates.
#[utoipa::path(
    get, path = "/api/v1/templates", tag = "templates", params(ListQuery),
    responses((status = 200, description = "A page of templates", body = Paged<Template>), ListErrors),
)]
pub async fn list_templates(
    state: web::Data<AppState>,
    _: Viewer,
    q: web::Query<ListQuery>,
) -> AppResult<HttpResponse> {
    let list = state.store.run(|s| s.list_templates()).await?;
    Ok(json(&q.page(list, |t| &t.id)))
}

/// Creates a template.
#[utoipa::path(
    post, path = "/api/v1/templates", tag = "templates", request_body = TemplateInput,
    responses((status = 201, description = "Created", body = Template), WriteErrors),
)]
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

/// Gets a template.
#[utoipa::path(
    get, path = "/api/v1/templates/{id}", tag = "templates", params(("id" = String, Path, description = "template id")),
    responses((status = 200, description = "The template", body = Template), ReadErrors),
)]
pub async fn get_template(
    state: web::Data<AppState>,
    _: Viewer,
    id: web::Path<String>,
) -> AppResult<HttpResponse> {
    Ok(json(&state.store.run(move |s| s.get_template(&id)).await?))
}

/// Replaces a template.
#[utoipa::path(
    put, path = "/api/v1/templates/{id}", tag = "templates", params(("id" = String, Path, description = "template id")), request_body = TemplateInput,
    responses((status = 200, description = "Replaced", body = Template), WriteErrors),
)]
pub async fn put_template(
    state: web::Data<AppState>,
    _: Editor,
    id: web::Path<String>,
    body: web::Json<TemplateInput>,
) -> AppResult<HttpResponse> {
    let t = state
        .store
        .run(move |s| s.save_template(Some(&id), body.into_inner()))
        .await?;
    Ok(warn(json(&t), t.managed_by_config, "template"))
}

/// Deletes a template.
#[utoipa::path(
    delete, path = "/api/v1/templates/{id}", tag = "templates", params(("id" = String, Path, description = "template id")),
    responses((status = 204, description = "Deleted"), ReadErrors),
)]
pub async fn delete_template(
    state: web::Data<AppState>,
    _: Editor,
    id: web::Path<String>,
) -> AppResult<HttpResponse> {
    let key = id.clone();
    let managed = state
        .store
        .run(move |s| s.get_template(&key))
        .await
        .is_ok_and(|x| x.managed_by_config);
    state.store.run(move |s| s.delete_template(&id)).await?;
    Ok(warn(
        HttpResponse::NoContent().finish(),
        managed,
        "template",
    ))
}
