//! Incidents in the admin UI: list with drafts to review, create, update, edit and
//! delete updates, publish/discard drafts, postmortems.

use super::{NavData, NoFields, done, form_error, html};
use crate::domain::{ComponentStatus, Impact, Incident, IncidentStatus};
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use crate::store::{AffectedInput, IncidentFilter, IncidentPatch, NewIncident, NewUpdate};
use crate::views::admin::FormState;
use crate::views::admin::incidents as views;
use crate::web::auth::{Actor, CsrfForm, Editor, Owner, Viewer};
use actix_web::{HttpResponse, http::StatusCode, web};
use chrono::Utc;
use serde::Deserialize;

async fn list(
    state: &AppState,
    actor: &Actor,
    form: FormState,
    status: StatusCode,
) -> AppResult<HttpResponse> {
    let (all, components, pages, templates) = state
        .store
        .run(|s| {
            Ok((
                s.list_incidents(&IncidentFilter::default())?,
                s.list_components()?,
                s.list_pages()?,
                s.list_templates()?,
            ))
        })
        .await?;
    let nav = NavData::new(actor, "/admin/incidents");
    Ok(html(
        status,
        views::incidents(&nav.nav(), &all, &components, &pages, &templates, &form),
    ))
}

pub async fn get_incidents(
    state: web::Data<AppState>,
    Viewer(actor): Viewer,
) -> AppResult<HttpResponse> {
    list(&state, &actor, FormState::default(), StatusCode::OK).await
}

/// Affected components from the picker: checked ids with their optional status.
fn picked(form: &CsrfForm<impl Sized>) -> AppResult<Vec<AffectedInput>> {
    let mut out = Vec::new();
    for id in form.all("component_ids") {
        let status = form
            .all(&format!("status_{id}"))
            .into_iter()
            .find(|s| !s.is_empty())
            .map(|s| {
                s.parse::<ComponentStatus>()
                    .map_err(|m| AppError::invalid("components", m))
            })
            .transpose()?;
        out.push(AffectedInput { id, status });
    }
    Ok(out)
}

/// The component changes ticked on an update form: each id with its new status.
fn changed(form: &CsrfForm<impl Sized>) -> AppResult<Vec<(String, ComponentStatus)>> {
    form.all("change")
        .into_iter()
        .map(|id| {
            let status = form
                .all(&format!("status_{id}"))
                .into_iter()
                .find(|s| !s.is_empty())
                .unwrap_or_default()
                .parse::<ComponentStatus>()
                .map_err(|m| AppError::invalid("components", m))?;
            Ok((id, status))
        })
        .collect()
}

/// The incident's components after `changes` (none ticked: unchanged); "operational"
/// takes a component off the incident.
fn apply_changes(
    i: &Incident,
    changes: Vec<(String, ComponentStatus)>,
) -> Option<Vec<AffectedInput>> {
    if changes.is_empty() {
        return None;
    }
    let mut out: Vec<AffectedInput> = i
        .components
        .iter()
        .map(|a| AffectedInput {
            id: a.id.clone(),
            status: Some(a.status),
        })
        .collect();
    for (id, status) in changes {
        out.retain(|a| a.id != id);
        if status != ComponentStatus::Operational {
            out.push(AffectedInput {
                id,
                status: Some(status),
            });
        }
    }
    Some(out)
}

#[derive(Deserialize)]
pub struct IncidentForm {
    title: String,
    #[serde(default)]
    page: String,
    #[serde(default)]
    impact: String,
    #[serde(default)]
    status: String,
    #[serde(default)]
    message: String,
    #[serde(default)]
    template_id: String,
    #[serde(default)]
    notify: Option<String>,
    #[serde(default)]
    draft: Option<String>,
}

pub async fn post_incident(
    state: web::Data<AppState>,
    Editor(actor): Editor,
    form: CsrfForm<IncidentForm>,
) -> AppResult<HttpResponse> {
    let f = &form.data;
    let prepared = (|| {
        let impact = Some(f.impact.as_str())
            .filter(|s| !s.is_empty())
            .map(|s| {
                s.parse::<Impact>()
                    .map_err(|m| AppError::invalid("impact", m))
            })
            .transpose()?;
        let status = Some(f.status.as_str())
            .filter(|s| !s.is_empty())
            .map(|s| {
                s.parse::<IncidentStatus>()
                    .map_err(|m| AppError::invalid("status", m))
            })
            .transpose()?;
        Ok::<_, AppError>((impact, status, picked(&form)?))
    })();
    let by = actor.name();
    let (title, page, message, template_id) = (
        f.title.clone(),
        f.page.clone(),
        f.message.clone(),
        f.template_id.clone(),
    );
    let (notify, draft) = (f.notify.is_some(), f.draft.is_some());
    let result = match prepared {
        Ok((impact, status, components)) => {
            state
                .store
                .run(move |s| {
                    let ids: Vec<String> = components.iter().map(|c| c.id.clone()).collect();
                    let message = if message.trim().is_empty() && !template_id.is_empty() {
                        s.template_text(
                            &template_id,
                            &title,
                            status.unwrap_or_default().as_str(),
                            &ids,
                            Utc::now(),
                        )?
                    } else {
                        message
                    };
                    let input = NewIncident {
                        page: Some(page).filter(|p| !p.is_empty()),
                        title,
                        status,
                        impact,
                        components,
                        message,
                        draft,
                        notify,
                        source_text: None,
                        started_at: None,
                    };
                    s.create_incident(input, &by)
                })
                .await
        }
        Err(e) => Err(e),
    };
    match result {
        Ok(i) => Ok(done(
            &format!("/admin/incidents/{}", i.id),
            &format!("Incident “{}” created.", i.title),
        )),
        Err(e) => {
            form_error(e, &form.pairs, |form, status| {
                list(&state, &actor, form, status)
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
    let (i, components, templates) = state
        .store
        .run(move |s| {
            Ok((
                s.get_incident(&id)?,
                s.list_components()?,
                s.list_templates()?,
            ))
        })
        .await?;
    let nav = NavData::new(actor, "/admin/incidents");
    Ok(html(
        status,
        views::incident(&nav.nav(), &i, &components, &templates, &form),
    ))
}

pub async fn get_incident(
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

/// Answers a post on one incident: back to it, or re-rendered with the error.
async fn after(
    state: &AppState,
    actor: &Actor,
    id: String,
    result: AppResult<()>,
    pairs: &[(String, String)],
) -> AppResult<HttpResponse> {
    after_with(state, actor, id, result, pairs, "Incident saved.").await
}

/// `after`, with the message shown once back on the incident.
pub(super) async fn after_with(
    state: &AppState,
    actor: &Actor,
    id: String,
    result: AppResult<()>,
    pairs: &[(String, String)],
    message: &str,
) -> AppResult<HttpResponse> {
    match result {
        Ok(()) => Ok(done(&format!("/admin/incidents/{id}"), message)),
        Err(e @ AppError::NotFound(_)) => Err(e),
        Err(e) => {
            form_error(e, pairs, |form, status| {
                detail(state, actor, id, form, status)
            })
            .await
        }
    }
}

#[derive(Deserialize)]
pub struct DetailsForm {
    title: String,
    impact: String,
}

pub async fn post_incident_edit(
    state: web::Data<AppState>,
    Editor(actor): Editor,
    id: web::Path<String>,
    form: CsrfForm<DetailsForm>,
) -> AppResult<HttpResponse> {
    let id = id.into_inner();
    let (title, impact, by, target) = (
        form.data.title.clone(),
        form.data.impact.clone(),
        actor.name(),
        id.clone(),
    );
    let result = state
        .store
        .run(move |s| {
            let impact = impact
                .parse::<Impact>()
                .map_err(|m| AppError::invalid("impact", m))?;
            s.patch_incident(
                &target,
                IncidentPatch {
                    title: Some(title),
                    impact: Some(impact),
                    notify: false,
                    ..Default::default()
                },
                &by,
            )
            .map(|_| ())
        })
        .await;
    after_with(&state, &actor, id, result, &form.pairs, "Details saved.").await
}

#[derive(Deserialize)]
pub struct UpdateForm {
    /// Empty for a note: the incident keeps its status.
    #[serde(default)]
    status: String,
    #[serde(default)]
    message: String,
    #[serde(default)]
    template_id: String,
    #[serde(default)]
    notify: Option<String>,
}

pub async fn post_incident_update(
    state: web::Data<AppState>,
    Editor(actor): Editor,
    id: web::Path<String>,
    form: CsrfForm<UpdateForm>,
) -> AppResult<HttpResponse> {
    let id = id.into_inner();
    let f = &form.data;
    let (status, message, template_id, notify, by, target) = (
        f.status.clone(),
        f.message.clone(),
        f.template_id.clone(),
        f.notify.is_some(),
        actor.name(),
        id.clone(),
    );
    let changes = changed(&form);
    let result = state
        .store
        .run(move |s| {
            let status = Some(status.trim())
                .filter(|s| !s.is_empty())
                .map(|s| s.parse::<IncidentStatus>())
                .transpose()
                .map_err(|m| AppError::invalid("status", m))?;
            let i = s.get_incident(&target)?;
            let components = apply_changes(&i, changes?);
            let message = if message.trim().is_empty() && !template_id.is_empty() {
                let ids = components.as_ref().map_or_else(
                    || i.component_ids(),
                    |cs| cs.iter().map(|c| c.id.clone()).collect(),
                );
                let shown = status.unwrap_or(i.status);
                s.template_text(&template_id, &i.title, shown.as_str(), &ids, i.started_at)?
            } else {
                message
            };
            s.add_incident_update(
                &target,
                NewUpdate {
                    status,
                    message,
                    notify,
                    components,
                },
                &by,
            )
            .map(|_| ())
        })
        .await;
    let flash = if f.status.trim().is_empty() {
        "Note added."
    } else {
        "Update posted."
    };
    after_with(&state, &actor, id, result, &form.pairs, flash).await
}

#[derive(Deserialize)]
pub struct EditForm {
    message: String,
}

pub async fn post_update_edit(
    state: web::Data<AppState>,
    Editor(actor): Editor,
    path: web::Path<(String, String)>,
    form: CsrfForm<EditForm>,
) -> AppResult<HttpResponse> {
    let (id, uid) = path.into_inner();
    let (message, by, target) = (form.data.message.clone(), actor.name(), id.clone());
    let result = state
        .store
        .run(move |s| {
            s.edit_incident_update(&target, &uid, &message, &by)
                .map(|_| ())
        })
        .await;
    after_with(&state, &actor, id, result, &form.pairs, "Update edited.").await
}

pub async fn post_update_delete(
    state: web::Data<AppState>,
    Editor(actor): Editor,
    path: web::Path<(String, String)>,
    form: CsrfForm<NoFields>,
) -> AppResult<HttpResponse> {
    let (id, uid) = path.into_inner();
    let (by, target) = (actor.name(), id.clone());
    let result = state
        .store
        .run(move |s| s.delete_incident_update(&target, &uid, &by).map(|_| ()))
        .await;
    after_with(&state, &actor, id, result, &form.pairs, "Update deleted.").await
}

pub async fn post_publish(
    state: web::Data<AppState>,
    Editor(actor): Editor,
    id: web::Path<String>,
    form: CsrfForm<NoFields>,
) -> AppResult<HttpResponse> {
    let id = id.into_inner();
    let (by, target) = (actor.name(), id.clone());
    let result = state
        .store
        .run(move |s| s.publish_incident(&target, &by).map(|_| ()))
        .await;
    if result.is_ok() {
        tracing::info!(by = %actor.name(), incident = %id, "incident published");
    }
    after_with(
        &state,
        &actor,
        id,
        result,
        &form.pairs,
        "Incident published.",
    )
    .await
}

pub async fn post_discard(
    state: web::Data<AppState>,
    Editor(actor): Editor,
    id: web::Path<String>,
    form: CsrfForm<NoFields>,
) -> AppResult<HttpResponse> {
    let id = id.into_inner();
    let (by, target) = (actor.name(), id.clone());
    match state
        .store
        .run(move |s| s.discard_incident(&target, &by))
        .await
    {
        Ok(()) => Ok(done("/admin/incidents", "Draft discarded.")),
        Err(e) => after(&state, &actor, id, Err(e), &form.pairs).await,
    }
}

/// An owner removes a published incident from history; subscribers are not told.
pub async fn post_incident_delete(
    state: web::Data<AppState>,
    Owner(actor): Owner,
    id: web::Path<String>,
    _form: CsrfForm<NoFields>,
) -> AppResult<HttpResponse> {
    let by = actor.name();
    let i = state
        .store
        .run(move |s| s.delete_incident(&id, &by))
        .await?;
    tracing::info!(by = %actor.name(), incident = %i.id, "incident deleted");
    Ok(done(
        "/admin/incidents",
        &format!("Incident “{}” deleted.", i.title),
    ))
}
