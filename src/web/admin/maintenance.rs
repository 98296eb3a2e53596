//! Scheduled maintenance in the admin UI.

use super::{NavData, NoFields, done, form_error, html};
use crate::domain::{MaintenanceStatus, validate};
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use crate::store::{MaintenancePatch, NewMaintenance};
use crate::views::admin::FormState;
use crate::views::admin::maintenance as views;
use crate::web::auth::{Actor, CsrfForm, Editor, Viewer};
use actix_web::{HttpResponse, http::StatusCode, web};
use chrono::{DateTime, Duration, NaiveDateTime, Utc};
use serde::Deserialize;

async fn list(
    state: &AppState,
    actor: &Actor,
    form: FormState,
    status: StatusCode,
) -> AppResult<HttpResponse> {
    let (list, components, pages) = state
        .store
        .run(|s| Ok((s.list_maintenance()?, s.list_components()?, s.list_pages()?)))
        .await?;
    let nav = NavData::new(actor, "/admin/maintenance");
    Ok(html(
        status,
        views::maintenance(&nav.nav(), &list, &components, &pages, &form),
    ))
}

pub async fn get_maintenance(
    state: web::Data<AppState>,
    Viewer(actor): Viewer,
) -> AppResult<HttpResponse> {
    list(&state, &actor, FormState::default(), StatusCode::OK).await
}

/// A `datetime-local` value, read as UTC.
fn parse_local(field: &str, v: &str) -> AppResult<DateTime<Utc>> {
    ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"]
        .iter()
        .find_map(|f| NaiveDateTime::parse_from_str(v.trim(), f).ok())
        .map(|n| n.and_utc())
        .ok_or_else(|| {
            AppError::invalid(
                field,
                format!("{v:?} is not a date and time like 2026-11-23T14:00"),
            )
        })
        .and_then(|t| validate::moment(t).map_err(|m| AppError::invalid(field, m)))
}

#[derive(Deserialize)]
pub struct MaintenanceForm {
    title: String,
    #[serde(default)]
    page: String,
    starts_at: String,
    ends_at: String,
    #[serde(default)]
    message: String,
    #[serde(default)]
    notify: Option<String>,
}

pub async fn post_maintenance(
    state: web::Data<AppState>,
    Editor(actor): Editor,
    form: CsrfForm<MaintenanceForm>,
) -> AppResult<HttpResponse> {
    let f = &form.data;
    let by = actor.name();
    let input = parse_local("starts_at", &f.starts_at)
        .and_then(|s| Ok((s, parse_local("ends_at", &f.ends_at)?)))
        .map(|(starts_at, ends_at)| NewMaintenance {
            page: Some(f.page.clone()).filter(|p| !p.is_empty()),
            title: f.title.clone(),
            message: f.message.clone(),
            component_ids: form.all("component_ids"),
            starts_at,
            ends_at,
            notify: f.notify.is_some(),
        });
    let result = match input {
        Ok(input) => {
            state
                .store
                .run(move |s| s.create_maintenance(input, &by))
                .await
        }
        Err(e) => Err(e),
    };
    match result {
        Ok(m) => Ok(done(
            "/admin/maintenance",
            &format!("Maintenance “{}” scheduled.", m.title),
        )),
        Err(e) => {
            form_error(e, &form.pairs, |form, status| {
                list(&state, &actor, form, status)
            })
            .await
        }
    }
}

async fn after(
    state: &AppState,
    actor: &Actor,
    result: AppResult<()>,
    message: &str,
) -> AppResult<HttpResponse> {
    match result {
        Ok(()) => Ok(done("/admin/maintenance", message)),
        Err(e) => form_error(e, &[], |form, status| list(state, actor, form, status)).await,
    }
}

pub async fn post_start(
    state: web::Data<AppState>,
    Editor(actor): Editor,
    id: web::Path<String>,
    _f: CsrfForm<NoFields>,
) -> AppResult<HttpResponse> {
    let by = actor.name();
    let r = state
        .store
        .run(move |s| s.start_maintenance(&id, None, &by).map(|_| ()))
        .await;
    after(&state, &actor, r, "Maintenance started.").await
}

pub async fn post_complete(
    state: web::Data<AppState>,
    Editor(actor): Editor,
    id: web::Path<String>,
    _f: CsrfForm<NoFields>,
) -> AppResult<HttpResponse> {
    let by = actor.name();
    let r = state
        .store
        .run(move |s| s.complete_maintenance(&id, None, &by).map(|_| ()))
        .await;
    after(&state, &actor, r, "Maintenance completed.").await
}

#[derive(Deserialize)]
pub struct ExtendForm {
    minutes: String,
}

pub async fn post_extend(
    state: web::Data<AppState>,
    Editor(actor): Editor,
    id: web::Path<String>,
    form: CsrfForm<ExtendForm>,
) -> AppResult<HttpResponse> {
    let id = id.into_inner();
    let by = actor.name();
    let minutes = form
        .data
        .minutes
        .trim()
        .parse::<i64>()
        .ok()
        .filter(|m| (1..=10_080).contains(m));
    let r = match minutes {
        None => Err(AppError::invalid(
            "minutes",
            "give a number of minutes between 1 and 10080",
        )),
        Some(m) => {
            let id = id.clone();
            state
                .store
                .run(move |s| {
                    let cur = s.get_maintenance(&id)?;
                    let ends_at = cur
                        .ends_at
                        .checked_add_signed(Duration::minutes(m))
                        .and_then(|e| validate::moment(e).ok())
                        .ok_or_else(|| {
                            AppError::invalid("minutes", "would end the window after 9999")
                        })?;
                    s.update_maintenance(
                        &id,
                        MaintenancePatch {
                            ends_at: Some(ends_at),
                            ..Default::default()
                        },
                        &by,
                    )
                    .map(|_| ())
                })
                .await
        }
    };
    match r {
        Ok(()) => Ok(done(
            &format!("/admin/maintenance/{id}"),
            &format!("Extended by {} minutes.", form.data.minutes.trim()),
        )),
        Err(e) => {
            form_error(e, &form.pairs, |form, status| {
                detail(&state, &actor, id, form, status)
            })
            .await
        }
    }
}

async fn detail(
    state: &AppState,
    actor: &Actor,
    id: String,
    form: FormState,
    status: StatusCode,
) -> AppResult<HttpResponse> {
    let (m, components) = state
        .store
        .run(move |s| Ok((s.get_maintenance(&id)?, s.list_components()?)))
        .await?;
    let nav = NavData::new(actor, "/admin/maintenance");
    Ok(html(
        status,
        views::maintenance_edit(&nav.nav(), &m, &components, &form),
    ))
}

pub async fn get_maintenance_item(
    state: web::Data<AppState>,
    Viewer(actor): Viewer,
    id: web::Path<String>,
) -> AppResult<HttpResponse> {
    detail(
        &state,
        &actor,
        id.into_inner(),
        FormState::default(),
        StatusCode::OK,
    )
    .await
}

#[derive(Deserialize)]
pub struct EditForm {
    title: String,
    #[serde(default)]
    starts_at: String,
    #[serde(default)]
    ends_at: String,
    #[serde(default)]
    message: String,
}

/// Saves title, message, times and components; a started window keeps its start.
pub async fn post_maintenance_edit(
    state: web::Data<AppState>,
    Editor(actor): Editor,
    id: web::Path<String>,
    form: CsrfForm<EditForm>,
) -> AppResult<HttpResponse> {
    let id = id.into_inner();
    let f = &form.data;
    let (by, target) = (actor.name(), id.clone());
    let times = parse_local("starts_at", &f.starts_at)
        .and_then(|s| Ok((s, parse_local("ends_at", &f.ends_at)?)));
    let (title, message, component_ids) = (
        f.title.clone(),
        f.message.clone(),
        form.all("component_ids"),
    );
    let result = match times {
        Ok((starts_at, ends_at)) => {
            state
                .store
                .run(move |s| {
                    let cur = s.get_maintenance(&target)?;
                    let patch = MaintenancePatch {
                        title: Some(title),
                        message: Some(message),
                        component_ids: Some(component_ids),
                        starts_at: (starts_at != cur.starts_at
                            && cur.status == MaintenanceStatus::Scheduled)
                            .then_some(starts_at),
                        ends_at: (ends_at != cur.ends_at).then_some(ends_at),
                        status: None,
                    };
                    s.update_maintenance(&target, patch, &by)
                })
                .await
        }
        Err(e) => Err(e),
    };
    match result {
        Ok(m) => Ok(done(
            &format!("/admin/maintenance/{id}"),
            &format!("Maintenance “{}” saved.", m.title),
        )),
        Err(e) => {
            form_error(e, &form.pairs, |form, status| {
                detail(&state, &actor, id, form, status)
            })
            .await
        }
    }
}

#[derive(Deserialize)]
pub struct UpdateForm {
    #[serde(default)]
    message: String,
    #[serde(default)]
    notify: Option<String>,
}

/// A note on the window's timeline, shown on its public entry and sent when ticked.
pub async fn post_maintenance_update(
    state: web::Data<AppState>,
    Editor(actor): Editor,
    id: web::Path<String>,
    form: CsrfForm<UpdateForm>,
) -> AppResult<HttpResponse> {
    let id = id.into_inner();
    let (by, target, message, notify) = (
        actor.name(),
        id.clone(),
        form.data.message.clone(),
        form.data.notify.is_some(),
    );
    let result = state
        .store
        .run(move |s| s.add_maintenance_update(&target, &message, notify, &by))
        .await;
    match result {
        Ok(_) => Ok(done(
            &format!("/admin/maintenance/{id}"),
            if notify {
                "Update posted; subscribers will be notified."
            } else {
                "Update posted."
            },
        )),
        Err(e) => {
            form_error(e, &form.pairs, |form, status| {
                detail(&state, &actor, id, form, status)
            })
            .await
        }
    }
}

pub async fn post_delete(
    state: web::Data<AppState>,
    Editor(actor): Editor,
    id: web::Path<String>,
    _f: CsrfForm<NoFields>,
) -> AppResult<HttpResponse> {
    let by = actor.name();
    let r = state
        .store
        .run(move |s| s.delete_maintenance(&id, &by))
        .await;
    after(&state, &actor, r, "Maintenance deleted.").await
}
