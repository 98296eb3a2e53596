//! The drafts inbox (`/admin/drafts`): one page per draft, Publish of the edited text in
//! one click, Discard with a reason (after a confirm step), resolves a source proposed.

use super::{NavData, done, form_error, html, values};
use crate::domain::alert_lifecycle::{AlertEvent, TrackState, TrackedAlert};
use crate::domain::alert_writer::write_resolved;
use crate::domain::{Component, Impact, Incident, IncidentState};
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use crate::store::{AffectedInput, DraftEdit, IncidentFilter};
use crate::views::admin::FormState;
use crate::views::admin::drafts::{self as views, DraftRow, ResolveRow};
use crate::web::auth::{Actor, CsrfForm, Editor, Viewer};
use actix_web::{HttpResponse, http::StatusCode, web};
use serde::Deserialize;

/// The longest discard reason kept.
const REASON_MAX: usize = 300;

type InboxData = (
    Vec<Incident>,
    Vec<TrackedAlert>,
    Vec<Incident>,
    Vec<Component>,
);

async fn inbox(
    state: &AppState,
    actor: &Actor,
    form: FormState,
    status: StatusCode,
) -> AppResult<HttpResponse> {
    let (mut drafts, tracked, published, components): InboxData = state
        .store
        .run(|s| {
            let of = |st| IncidentFilter {
                state: Some(st),
                ..Default::default()
            };
            Ok((
                s.list_incidents(&of(IncidentState::Draft))?,
                s.list_tracked_alerts()?,
                s.list_incidents(&of(IncidentState::Published))?,
                s.list_components()?,
            ))
        })
        .await?;
    drafts.sort_by_key(|i| std::cmp::Reverse(i.created_at));
    let rows: Vec<DraftRow> = drafts
        .iter()
        .map(|i| DraftRow {
            incident: i,
            alert: tracked
                .iter()
                .find(|t| t.incident_id.as_deref() == Some(i.id.as_str())),
        })
        .collect();
    let resolves: Vec<ResolveRow> = tracked
        .iter()
        .filter(|t| t.resolve_proposed && t.state == TrackState::Open)
        .filter_map(|t| {
            let i = published
                .iter()
                .find(|i| Some(i.id.as_str()) == t.incident_id.as_deref())?;
            let names: Vec<String> = i
                .components
                .iter()
                .filter_map(|a| components.iter().find(|c| c.id == a.id))
                .map(|c| c.name.clone())
                .collect();
            Some(ResolveRow {
                incident: i,
                alert: t,
                message: write_resolved(&names, Default::default()),
            })
        })
        .collect();
    let nav = NavData::new(actor, "/admin/drafts");
    Ok(html(
        status,
        views::inbox(&nav.nav(), &rows, &resolves, &form),
    ))
}

pub async fn get_drafts(
    state: web::Data<AppState>,
    Viewer(actor): Viewer,
) -> AppResult<HttpResponse> {
    inbox(&state, &actor, FormState::default(), StatusCode::OK).await
}

type DraftData = (
    Incident,
    Option<TrackedAlert>,
    Vec<AlertEvent>,
    Vec<Component>,
);

async fn draft_page(
    state: &AppState,
    actor: &Actor,
    id: String,
    form: FormState,
    status: StatusCode,
) -> AppResult<HttpResponse> {
    let (i, alert, events, components): DraftData = state
        .store
        .run(move |s| {
            let i = s.get_incident(&id)?;
            let events = s
                .list_alert_events()?
                .into_iter()
                .filter(|e| e.incident_id.as_deref() == Some(id.as_str()))
                .collect();
            Ok((i, s.tracked_alert_of(&id)?, events, s.list_components()?))
        })
        .await?;
    if i.state != IncidentState::Draft {
        return Ok(super::see_other(&format!("/admin/incidents/{}", i.id)));
    }
    let row = DraftRow {
        incident: &i,
        alert: alert.as_ref(),
    };
    let nav = NavData::new(actor, "/admin/drafts");
    Ok(html(
        status,
        views::draft(&nav.nav(), &row, &events, &components, &form),
    ))
}

pub async fn get_draft(
    state: web::Data<AppState>,
    Viewer(actor): Viewer,
    id: web::Path<String>,
) -> AppResult<HttpResponse> {
    draft_page(
        &state,
        &actor,
        id.into_inner(),
        FormState::default(),
        StatusCode::OK,
    )
    .await
}

#[derive(Deserialize)]
pub struct PublishForm {
    title: String,
    message: String,
    impact: String,
}

/// The edit the form describes; a bad severity or status names its field.
fn edit_of(form: &CsrfForm<PublishForm>) -> AppResult<DraftEdit> {
    let impact: Impact = form
        .data
        .impact
        .parse()
        .map_err(|m: String| AppError::invalid("impact", m))?;
    let mut components = Vec::new();
    for cid in form.all("component") {
        let key = format!("status_{cid}");
        let status = match form.pairs.iter().find(|(k, _)| *k == key) {
            Some((_, v)) => Some(
                v.parse()
                    .map_err(|m: String| AppError::invalid("components", m))?,
            ),
            None => None,
        };
        components.push(AffectedInput { id: cid, status });
    }
    Ok(DraftEdit {
        title: form.data.title.clone(),
        message: form.data.message.clone(),
        impact: Some(impact),
        components,
    })
}

pub async fn post_draft_publish(
    state: web::Data<AppState>,
    Editor(actor): Editor,
    id: web::Path<String>,
    form: CsrfForm<PublishForm>,
) -> AppResult<HttpResponse> {
    let (id, by) = (id.into_inner(), actor.name());
    let id2 = id.clone();
    let result = match edit_of(&form) {
        Ok(edit) => {
            state
                .store
                .run(move |s| s.publish_edited_draft(&id2, edit, &by))
                .await
        }
        Err(e) => Err(e),
    };
    match result {
        Ok(i) => {
            tracing::info!(by = %actor.name(), incident = %i.id, "draft published from the inbox");
            Ok(done(
                &format!("/admin/incidents/{}", i.id),
                &format!("Published “{}”; subscribers are notified.", i.title),
            ))
        }
        Err(e) => form_error(e, &form.pairs, |f, s| draft_page(&state, &actor, id, f, s)).await,
    }
}

async fn discard_page(
    state: &AppState,
    actor: &Actor,
    id: String,
    form: FormState,
    status: StatusCode,
) -> AppResult<HttpResponse> {
    let i = state.store.run(move |s| s.get_incident(&id)).await?;
    if i.state != IncidentState::Draft {
        return Err(AppError::Conflict(
            "only drafts can be discarded; resolve a published incident instead".into(),
        ));
    }
    let nav = NavData::new(actor, "/admin/drafts");
    Ok(html(status, views::discard(&nav.nav(), &i, &form)))
}

pub async fn get_draft_discard(
    state: web::Data<AppState>,
    Editor(actor): Editor,
    id: web::Path<String>,
) -> AppResult<HttpResponse> {
    discard_page(
        &state,
        &actor,
        id.into_inner(),
        FormState::default(),
        StatusCode::OK,
    )
    .await
}

#[derive(Deserialize)]
pub struct DiscardForm {
    reason: String,
}

pub async fn post_draft_discard(
    state: web::Data<AppState>,
    Editor(actor): Editor,
    id: web::Path<String>,
    form: CsrfForm<DiscardForm>,
) -> AppResult<HttpResponse> {
    let (id, reason, by) = (id.into_inner(), form.data.reason.clone(), actor.name());
    let id2 = id.clone();
    let result = if reason.chars().count() > REASON_MAX {
        Err(AppError::invalid(
            "reason",
            format!("at most {REASON_MAX} characters"),
        ))
    } else {
        state
            .store
            .run(move |s| s.discard_draft_with_reason(&id2, &reason, &by))
            .await
    };
    match result {
        Ok(()) => {
            tracing::info!(by = %actor.name(), incident = %id, "draft discarded");
            Ok(done(
                "/admin/drafts",
                "Draft discarded; the reason is kept in the alert history.",
            ))
        }
        Err(e @ (AppError::Invalid { .. } | AppError::UnknownIds { .. })) => {
            let f = match &e {
                AppError::Invalid { field, message } => {
                    FormState::field_error(field, message.clone(), values(&form.pairs))
                }
                _ => FormState::error(e.to_string(), values(&form.pairs)),
            };
            discard_page(&state, &actor, id, f, StatusCode::BAD_REQUEST).await
        }
        Err(e) => Err(e),
    }
}

#[derive(Deserialize)]
pub struct ResolveForm {
    message: String,
}

pub async fn post_draft_resolve(
    state: web::Data<AppState>,
    Editor(actor): Editor,
    id: web::Path<String>,
    form: CsrfForm<ResolveForm>,
) -> AppResult<HttpResponse> {
    let (id, message, by) = (id.into_inner(), form.data.message.clone(), actor.name());
    match state
        .store
        .run(move |s| s.publish_proposed_resolve(&id, &message, &by))
        .await
    {
        Ok(i) => Ok(done(
            "/admin/drafts",
            &format!("Resolved “{}”; subscribers are notified.", i.title),
        )),
        Err(e) => form_error(e, &form.pairs, |f, s| inbox(&state, &actor, f, s)).await,
    }
}
