//! `/api/v1/components`.

use super::managed::warn;
use super::responses::{ListErrors, ReadErrors, WriteErrors};
use super::{ListQuery, created, json};
use crate::domain::Component;
use crate::error::AppResult;
use crate::state::AppState;
use crate::store::Paged;
use crate::store::{ComponentPatch, NewComponent};
use crate::web::auth::{Editor, Viewer};
use actix_web::{HttpResponse, web};
use serde::Deserialize;

#[derive(Deserialize)]
pub struct ComponentQuery {
    #[serde(flatten)]
    list: ListQuery,
    /// Only components on this page (id or slug).
    #[serde(default)]
    page: Option<String>,
}

/// Lists components.
#[utoipa::path(
    get, path = "/api/v1/components", tag = "components", params(ListQuery, ("page" = Option<String>, Query, description = "Only components on this page (id or slug)")),
    responses((status = 200, description = "A page of components", body = Paged<Component>), ListErrors),
)]
pub async fn list_components(
    state: web::Data<AppState>,
    _: Viewer,
    q: web::Query<ComponentQuery>,
) -> AppResult<HttpResponse> {
    let page = q.page.clone();
    let comps = state
        .store
        .run(move |s| {
            let all = s.list_components()?;
            Ok(match page {
                Some(p) => {
                    let page = s.resolve_page(&p)?;
                    all.into_iter()
                        .filter(|c| c.page_ids.contains(&page.id))
                        .collect()
                }
                None => all,
            })
        })
        .await?;
    Ok(json(&q.list.page(comps, |c| &c.id)))
}

/// Creates a component (`page_ids` omitted: the default page).
#[utoipa::path(
    post, path = "/api/v1/components", tag = "components", request_body = NewComponent,
    responses((status = 201, description = "Created", body = Component), WriteErrors),
)]
pub async fn post_component(
    state: web::Data<AppState>,
    Editor(actor): Editor,
    body: web::Json<NewComponent>,
) -> AppResult<HttpResponse> {
    let c = state
        .store
        .run(move |s| s.create_component(body.into_inner()))
        .await?;
    tracing::info!(by = %actor.name(), component = %c.name, "component created");
    Ok(created(&c))
}

/// Gets a component.
#[utoipa::path(
    get, path = "/api/v1/components/{id}", tag = "components", params(("id" = String, Path, description = "component id")),
    responses((status = 200, description = "The component", body = Component), ReadErrors),
)]
pub async fn get_component(
    state: web::Data<AppState>,
    _: Viewer,
    id: web::Path<String>,
) -> AppResult<HttpResponse> {
    Ok(json(&state.store.run(move |s| s.get_component(&id)).await?))
}

/// Changes a component, e.g. its status.
#[utoipa::path(
    patch, path = "/api/v1/components/{id}", tag = "components", params(("id" = String, Path, description = "component id")), request_body = ComponentPatch,
    responses((status = 200, description = "Changed", body = Component), WriteErrors),
)]
pub async fn patch_component(
    state: web::Data<AppState>,
    Editor(actor): Editor,
    id: web::Path<String>,
    body: web::Json<ComponentPatch>,
) -> AppResult<HttpResponse> {
    let patch = body.into_inner();
    // A status change is the everyday operation; only the file's own fields warn.
    let config = patch.name.is_some()
        || patch.description.is_some()
        || patch.group_id.is_some()
        || patch.page_ids.is_some()
        || patch.position.is_some();
    let by = actor.name();
    let c = state
        .store
        .run(move |s| s.update_component(&id, patch, &by))
        .await?;
    tracing::info!(by = %actor.name(), component = %c.name, status = %c.status, "component updated");
    Ok(warn(json(&c), c.managed_by_config && config, "component"))
}

/// Deletes a component.
#[utoipa::path(
    delete, path = "/api/v1/components/{id}", tag = "components", params(("id" = String, Path, description = "component id")),
    responses((status = 204, description = "Deleted"), ReadErrors),
)]
pub async fn delete_component(
    state: web::Data<AppState>,
    _: Editor,
    id: web::Path<String>,
) -> AppResult<HttpResponse> {
    let key = id.clone();
    let managed = state
        .store
        .run(move |s| s.get_component(&key))
        .await
        .is_ok_and(|x| x.managed_by_config);
    state.store.run(move |s| s.delete_component(&id)).await?;
    Ok(warn(
        HttpResponse::NoContent().finish(),
        managed,
        "component",
    ))
}
