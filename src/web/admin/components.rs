//! Overview and components: list, create, edit, quick status, reorder, delete.

use super::managed::hold;
use super::{NavData, done, form_error, html};
use crate::domain::attention::needs_attention;
use crate::domain::overall_status;
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use crate::store::{ComponentPatch, IncidentFilter, NewComponent};
use crate::views::admin::FormState;
use crate::views::admin::components as views;
use crate::views::admin::managed::Held;
use crate::views::admin::overview as overview_views;
use crate::web::auth::{Actor, CsrfForm, Editor, Viewer};
use actix_web::{HttpResponse, http::StatusCode, web};
use serde::Deserialize;

async fn overview(
    state: &AppState,
    actor: &Actor,
    form: FormState,
    status: StatusCode,
) -> AppResult<HttpResponse> {
    let (data, now) = state
        .store
        .run(|s| {
            let default = s.page_by_slug("default")?;
            Ok((
                overview_views::OverviewData {
                    components: s.list_components()?,
                    groups: s.list_groups()?,
                    incidents: s.list_incidents(&IncidentFilter::default())?,
                    monitors: s.list_monitors()?,
                    states: s.monitor_states()?,
                    maintenance: s.list_maintenance()?,
                    failed_notices: s.outbox_counts()?.failed,
                    default_page: default.as_ref().map(|p| p.id.clone()).unwrap_or_default(),
                    default_title: default.map(|p| p.title).unwrap_or_default(),
                },
                s.now(),
            ))
        })
        .await?;
    let overall = overall_status(
        data.components
            .iter()
            .filter(|c| c.page_ids.contains(&data.default_page))
            .map(|c| c.status),
    );
    let attention = needs_attention(
        &data.incidents,
        &data.monitors,
        &data.states,
        &data.maintenance,
        data.failed_notices,
        now,
    );
    let nav = NavData::new(actor, "/admin");
    Ok(html(
        status,
        overview_views::overview(&nav.nav(), overall.description, &attention, &data, &form),
    ))
}

pub async fn get_overview(
    state: web::Data<AppState>,
    Viewer(actor): Viewer,
) -> AppResult<HttpResponse> {
    overview(&state, &actor, FormState::default(), StatusCode::OK).await
}

async fn list(
    state: &AppState,
    actor: &Actor,
    form: FormState,
    status: StatusCode,
) -> AppResult<HttpResponse> {
    let (components, groups, pages) = state
        .store
        .run(|s| Ok((s.list_components()?, s.list_groups()?, s.list_pages()?)))
        .await?;
    let nav = NavData::new(actor, "/admin/components");
    Ok(html(
        status,
        views::components(&nav.nav(), &components, &groups, &pages, &form),
    ))
}

pub async fn get_components(
    state: web::Data<AppState>,
    Viewer(actor): Viewer,
) -> AppResult<HttpResponse> {
    list(&state, &actor, FormState::default(), StatusCode::OK).await
}

#[derive(Deserialize)]
pub struct ComponentForm {
    name: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    group_id: String,
    #[serde(default)]
    status: String,
    #[serde(default)]
    position: Option<String>,
    #[serde(default)]
    show_measured_uptime: Option<String>,
}

pub async fn post_component(
    state: web::Data<AppState>,
    Editor(actor): Editor,
    form: CsrfForm<ComponentForm>,
) -> AppResult<HttpResponse> {
    let f = &form.data;
    let input = NewComponent {
        name: f.name.clone(),
        description: f.description.clone(),
        group_id: Some(f.group_id.clone()).filter(|g| !g.is_empty()),
        page_ids: None,
        status: Some(f.status.clone()).filter(|s| !s.is_empty()),
        position: None,
        show_measured_uptime: f.show_measured_uptime.is_some(),
    };
    match state.store.run(move |s| s.create_component(input)).await {
        Ok(c) => {
            tracing::info!(by = %actor.name(), component = %c.name, "component created");
            Ok(done(
                "/admin/components",
                &format!("Component “{}” created.", c.name),
            ))
        }
        Err(e) => {
            form_error(e, &form.pairs, |form, status| {
                list(&state, &actor, form, status)
            })
            .await
        }
    }
}

async fn edit(
    state: &AppState,
    actor: &Actor,
    id: String,
    form: FormState,
    status: StatusCode,
) -> AppResult<HttpResponse> {
    let (c, groups, pages) = state
        .store
        .run(move |s| Ok((s.get_component(&id)?, s.list_groups()?, s.list_pages()?)))
        .await?;
    let nav = NavData::new(actor, "/admin/components");
    Ok(html(
        status,
        views::component_edit(&nav.nav(), &c, &groups, &pages, &form),
    ))
}

pub async fn get_component(
    state: web::Data<AppState>,
    Viewer(actor): Viewer,
    id: web::Path<String>,
) -> AppResult<HttpResponse> {
    edit(
        &state,
        &actor,
        id.into_inner(),
        FormState::default(),
        StatusCode::OK,
    )
    .await
}

pub async fn post_component_edit(
    state: web::Data<AppState>,
    Editor(actor): Editor,
    id: web::Path<String>,
    form: CsrfForm<ComponentForm>,
) -> AppResult<HttpResponse> {
    let id = id.into_inner();
    let cur = {
        let id = id.clone();
        state.store.run(move |s| s.get_component(&id)).await?
    };
    let action = format!("/admin/components/{id}");
    let held = Held {
        kind: "component",
        name: &cur.name,
        action: &action,
        pairs: &form.pairs,
        cancel: &action,
    };
    if let Some(warning) = hold(&actor, "/admin/components", cur.managed_by_config, held) {
        return Ok(warning);
    }
    let f = &form.data;
    let position = f
        .position
        .as_deref()
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(|p| {
            p.parse::<i64>()
                .map_err(|_| AppError::invalid("position", format!("{p:?} is not a whole number")))
        });
    let patch = position.transpose().map(|position| ComponentPatch {
        name: Some(f.name.clone()),
        description: Some(f.description.clone()),
        group_id: Some(Some(f.group_id.clone()).filter(|g| !g.is_empty())),
        page_ids: Some(form.all("page_ids")),
        status: Some(f.status.clone()),
        position,
        show_measured_uptime: Some(f.show_measured_uptime.is_some()),
    });
    let target = id.clone();
    let by = actor.name();
    let result = match patch {
        Ok(patch) => {
            state
                .store
                .run(move |s| s.update_component(&target, patch, &by))
                .await
        }
        Err(e) => Err(e),
    };
    match result {
        Ok(c) => Ok(done(
            "/admin/components",
            &format!("Component “{}” saved.", c.name),
        )),
        Err(e) => {
            form_error(e, &form.pairs, |form, status| {
                edit(&state, &actor, id, form, status)
            })
            .await
        }
    }
}

#[derive(Deserialize)]
pub struct StatusForm {
    status: String,
    #[serde(default)]
    back: String,
}

pub async fn post_component_status(
    state: web::Data<AppState>,
    Editor(actor): Editor,
    id: web::Path<String>,
    form: CsrfForm<StatusForm>,
) -> AppResult<HttpResponse> {
    let status = form.data.status.clone();
    let patch = ComponentPatch {
        status: Some(status),
        ..Default::default()
    };
    let id = id.into_inner();
    let back = if form.data.back == "/admin" {
        "/admin"
    } else {
        "/admin/components"
    };
    let by = actor.name();
    match state
        .store
        .run(move |s| s.update_component(&id, patch, &by))
        .await
    {
        Ok(c) => {
            tracing::info!(by = %actor.name(), component = %c.name, status = %c.status, "component status set");
            Ok(done(
                back,
                &format!("{} is now {}.", c.name, c.status.label()),
            ))
        }
        Err(e) if back == "/admin" => {
            form_error(e, &form.pairs, |form, status| {
                overview(&state, &actor, form, status)
            })
            .await
        }
        Err(e) => {
            form_error(e, &form.pairs, |form, status| {
                list(&state, &actor, form, status)
            })
            .await
        }
    }
}

#[derive(Deserialize)]
pub struct MoveForm {
    direction: String,
}

pub async fn post_component_move(
    state: web::Data<AppState>,
    Editor(actor): Editor,
    id: web::Path<String>,
    form: CsrfForm<MoveForm>,
) -> AppResult<HttpResponse> {
    let cur = {
        let id = id.clone();
        state.store.run(move |s| s.get_component(&id)).await?
    };
    // Positions are in the file too: a move is an edit the next apply undoes.
    let action = format!("/admin/components/{}/move", cur.id);
    let held = Held {
        kind: "component",
        name: &cur.name,
        action: &action,
        pairs: &form.pairs,
        cancel: "/admin/components",
    };
    if let Some(warning) = hold(&actor, "/admin/components", cur.managed_by_config, held) {
        return Ok(warning);
    }
    let delta = match form.data.direction.as_str() {
        "up" => -1,
        "down" => 1,
        other => {
            return Err(AppError::invalid(
                "direction",
                format!("{other:?}: expected up or down"),
            ));
        }
    };
    let id = id.into_inner();
    state
        .store
        .run(move |s| s.move_component(&id, delta))
        .await?;
    Ok(done("/admin/components", "Order saved."))
}

pub async fn post_component_delete(
    state: web::Data<AppState>,
    Editor(actor): Editor,
    id: web::Path<String>,
    _form: CsrfForm<super::NoFields>,
) -> AppResult<HttpResponse> {
    let id = id.into_inner();
    state.store.run(move |s| s.delete_component(&id)).await?;
    tracing::info!(by = %actor.name(), "component deleted");
    Ok(done("/admin/components", "Component deleted."))
}
