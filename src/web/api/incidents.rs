//! `/api/v1/incidents`: incidents, their updates and drafts (postmortems: `postmortems`). Accepts the
//! payloads of monitoring tools and the product notes verbatim (`severity` or `impact`,
//! `component_ids` or `affected_component_ids`, `status_page_id` or `page`).

use super::{ListQuery, created, json, moment};
use crate::domain::{
    ComponentStatus, Impact, Incident, IncidentState, IncidentStatus, render_template,
};
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use crate::store::{AffectedInput, IncidentFilter, IncidentPatch, NewIncident, NewUpdate, Store};
use crate::web::auth::{Editor, Viewer};
use actix_web::{HttpResponse, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// An incident as the API shows it: the record plus `component_ids`.
#[derive(Serialize)]
pub struct IncidentOut<'a> {
    #[serde(flatten)]
    incident: &'a Incident,
    component_ids: Vec<String>,
}

pub fn out(i: &Incident) -> IncidentOut<'_> {
    IncidentOut {
        incident: i,
        component_ids: i.component_ids(),
    }
}

/// `{"id": "...", "status": "major_outage"}`; status optional.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ComponentBody {
    id: String,
    #[serde(default)]
    status: Option<String>,
}

fn parse<T: std::str::FromStr<Err = String>>(field: &str, v: Option<&str>) -> AppResult<Option<T>> {
    v.map(|s| s.parse::<T>().map_err(|m| AppError::invalid(field, m)))
        .transpose()
}

/// Merges `component_ids` and `components` into affected-component inputs.
fn components_of(
    ids: Option<Vec<String>>,
    comps: Option<Vec<ComponentBody>>,
) -> AppResult<Option<Vec<AffectedInput>>> {
    if ids.is_none() && comps.is_none() {
        return Ok(None);
    }
    let mut out: Vec<AffectedInput> = Vec::new();
    for c in comps.unwrap_or_default() {
        let status = parse::<ComponentStatus>("components.status", c.status.as_deref())?;
        out.push(AffectedInput { id: c.id, status });
    }
    for id in ids.unwrap_or_default() {
        if !out.iter().any(|c| c.id == id) {
            out.push(AffectedInput { id, status: None });
        }
    }
    Ok(Some(out))
}

/// Fills a template's placeholders for an incident.
fn template_text(
    store: &Store,
    template_id: &str,
    title: &str,
    status: &str,
    component_ids: &[String],
    started: DateTime<Utc>,
) -> AppResult<String> {
    let t = store
        .get_template(template_id)
        .map_err(|_| AppError::UnknownIds {
            field: "template_id".into(),
            message: format!("unknown template id: {template_id}"),
        })?;
    let names: Vec<String> = component_ids
        .iter()
        .filter_map(|id| store.get_component(id).ok())
        .map(|c| c.name)
        .collect();
    let start = started.format("%Y-%m-%d %H:%M UTC").to_string();
    let now = Utc::now().format("%Y-%m-%d %H:%M UTC").to_string();
    Ok(render_template(
        &t.body,
        &[
            ("component", &names.join(", ")),
            ("components", &names.join(", ")),
            ("status", status),
            ("start", &start),
            ("title", title),
            ("now", &now),
        ],
    ))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IncidentBody {
    title: String,
    #[serde(default)]
    status: Option<String>,
    #[serde(default, alias = "impact")]
    severity: Option<String>,
    #[serde(default, alias = "affected_component_ids")]
    component_ids: Option<Vec<String>>,
    #[serde(default)]
    components: Option<Vec<ComponentBody>>,
    #[serde(default, alias = "page", alias = "page_id")]
    status_page_id: Option<String>,
    #[serde(default, alias = "body")]
    message: Option<String>,
    #[serde(default)]
    draft: Option<bool>,
    #[serde(default)]
    notify: Option<bool>,
    #[serde(default)]
    template_id: Option<String>,
    #[serde(default)]
    started_at: Option<DateTime<Utc>>,
    /// Alert text from an integration; kept for the editor, never shown publicly.
    #[serde(default)]
    raw_input: Option<String>,
    /// Accepted for compatibility with AI-drafting tools; statusd drafts no text itself.
    #[serde(default)]
    generate_ai_update: Option<bool>,
    #[serde(default)]
    tone: Option<String>,
}

pub async fn post_incident(
    state: web::Data<AppState>,
    Editor(actor): Editor,
    body: web::Json<IncidentBody>,
) -> AppResult<HttpResponse> {
    let mut b = body.into_inner();
    b.started_at = moment("started_at", b.started_at)?;
    let status = parse::<IncidentStatus>("status", b.status.as_deref())?;
    let impact = parse::<Impact>("severity", b.severity.as_deref())?;
    let components = components_of(b.component_ids, b.components)?.unwrap_or_default();
    // Alert-like payloads (with raw alert text) become drafts unless told otherwise.
    let draft = b.draft.unwrap_or(b.raw_input.is_some());
    let by = actor.name();
    let i = state
        .store
        .run(move |s| {
            let ids: Vec<String> = components.iter().map(|c| c.id.clone()).collect();
            let st = status.unwrap_or_default();
            let message = match &b.template_id {
                Some(t) => template_text(
                    s,
                    t,
                    &b.title,
                    st.as_str(),
                    &ids,
                    b.started_at.unwrap_or_else(Utc::now),
                )?,
                None => b.message.clone().unwrap_or_default(),
            };
            let _ = (b.generate_ai_update, &b.tone);
            s.create_incident(
                NewIncident {
                    page: b.status_page_id,
                    title: b.title,
                    status,
                    impact,
                    components,
                    message,
                    draft,
                    notify: b.notify.unwrap_or(true),
                    source_text: b.raw_input,
                    started_at: b.started_at,
                },
                &by,
            )
        })
        .await?;
    tracing::info!(by = %actor.name(), incident = %i.id, state = ?i.state, "incident created");
    Ok(created(&out(&i)))
}

#[derive(Debug, Deserialize)]
pub struct IncidentQuery {
    #[serde(flatten)]
    list: ListQuery,
    #[serde(default)]
    state: Option<String>,
    #[serde(default)]
    status: Option<String>,
    #[serde(default)]
    page: Option<String>,
    #[serde(default)]
    since: Option<String>,
}

pub async fn list_incidents(
    state: web::Data<AppState>,
    _: Viewer,
    q: web::Query<IncidentQuery>,
) -> AppResult<HttpResponse> {
    let st = match q.state.as_deref() {
        None | Some("") => None,
        Some("draft") => Some(IncidentState::Draft),
        Some("published") => Some(IncidentState::Published),
        Some(other) => {
            return Err(AppError::invalid(
                "state",
                format!("unknown state {other:?}; expected draft or published"),
            ));
        }
    };
    let status = match q.status.as_deref() {
        None | Some("") => None,
        Some("postmortem") => Some(IncidentStatus::Postmortem),
        Some(s) => Some(
            s.parse::<IncidentStatus>()
                .map_err(|m| AppError::invalid("status", m))?,
        ),
    };
    let since = q
        .since
        .as_deref()
        .map(|s| {
            DateTime::parse_from_rfc3339(s)
                .map(|t| t.with_timezone(&Utc))
                .map_err(|e| {
                    AppError::invalid("since", format!("{s:?} is not an RFC 3339 time: {e}"))
                })
        })
        .transpose()?;
    let since = moment("since", since)?;
    let page = q.page.clone();
    let list = state
        .store
        .run(move |s| {
            let page_id = page.map(|p| s.resolve_page(&p).map(|p| p.id)).transpose()?;
            s.list_incidents(&IncidentFilter {
                state: st,
                status,
                page_id,
                since,
                open_only: false,
            })
        })
        .await?;
    let paged = q.list.page(list, |i| &i.id);
    let data: Vec<IncidentOut> = paged.data.iter().map(out).collect();
    Ok(json(
        &serde_json::json!({"data": data, "next_cursor": paged.next_cursor}),
    ))
}

pub async fn get_incident(
    state: web::Data<AppState>,
    _: Viewer,
    id: web::Path<String>,
) -> AppResult<HttpResponse> {
    let i = state.store.run(move |s| s.get_incident(&id)).await?;
    Ok(json(&out(&i)))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PatchBody {
    #[serde(default)]
    title: Option<String>,
    #[serde(default)]
    status: Option<String>,
    #[serde(default, alias = "impact")]
    severity: Option<String>,
    #[serde(default, alias = "affected_component_ids")]
    component_ids: Option<Vec<String>>,
    #[serde(default)]
    components: Option<Vec<ComponentBody>>,
    #[serde(default, alias = "body")]
    message: Option<String>,
    #[serde(default)]
    notify: Option<bool>,
}

pub async fn patch_incident(
    state: web::Data<AppState>,
    Editor(actor): Editor,
    id: web::Path<String>,
    body: web::Json<PatchBody>,
) -> AppResult<HttpResponse> {
    let b = body.into_inner();
    let patch = IncidentPatch {
        title: b.title,
        impact: parse::<Impact>("severity", b.severity.as_deref())?,
        status: parse::<IncidentStatus>("status", b.status.as_deref())?,
        components: components_of(b.component_ids, b.components)?,
        message: b.message,
        notify: b.notify.unwrap_or(true),
    };
    let by = actor.name();
    let i = state
        .store
        .run(move |s| s.patch_incident(&id, patch, &by))
        .await?;
    Ok(json(&out(&i)))
}

pub async fn delete_incident(
    state: web::Data<AppState>,
    Editor(actor): Editor,
    id: web::Path<String>,
) -> AppResult<HttpResponse> {
    let by = actor.name();
    state
        .store
        .run(move |s| s.discard_incident(&id, &by))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UpdateBody {
    #[serde(default)]
    status: Option<String>,
    #[serde(default, alias = "body")]
    message: Option<String>,
    #[serde(default)]
    notify: Option<bool>,
    #[serde(default, alias = "affected_component_ids")]
    component_ids: Option<Vec<String>>,
    #[serde(default)]
    components: Option<Vec<ComponentBody>>,
    #[serde(default)]
    template_id: Option<String>,
}

pub async fn post_incident_update(
    state: web::Data<AppState>,
    Editor(actor): Editor,
    id: web::Path<String>,
    body: web::Json<UpdateBody>,
) -> AppResult<HttpResponse> {
    let b = body.into_inner();
    let status = parse::<IncidentStatus>("status", b.status.as_deref())?;
    let components = components_of(b.component_ids, b.components)?;
    let by = actor.name();
    let i = state
        .store
        .run(move |s| {
            let message = match &b.template_id {
                Some(t) => {
                    let i = s.get_incident(&id)?;
                    let st = status.unwrap_or(i.status);
                    template_text(
                        s,
                        t,
                        &i.title,
                        st.as_str(),
                        &i.component_ids(),
                        i.started_at,
                    )?
                }
                None => b.message.clone().unwrap_or_default(),
            };
            s.add_incident_update(
                &id,
                NewUpdate {
                    status,
                    message,
                    notify: b.notify.unwrap_or(true),
                    components,
                },
                &by,
            )
        })
        .await?;
    Ok(created(&out(&i)))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EditUpdateBody {
    #[serde(alias = "body")]
    message: String,
}

pub async fn patch_incident_update(
    state: web::Data<AppState>,
    Editor(actor): Editor,
    path: web::Path<(String, String)>,
    body: web::Json<EditUpdateBody>,
) -> AppResult<HttpResponse> {
    let (id, update_id) = path.into_inner();
    let by = actor.name();
    let i = state
        .store
        .run(move |s| s.edit_incident_update(&id, &update_id, &body.message, &by))
        .await?;
    Ok(json(&out(&i)))
}

pub async fn delete_incident_update(
    state: web::Data<AppState>,
    Editor(actor): Editor,
    path: web::Path<(String, String)>,
) -> AppResult<HttpResponse> {
    let (id, update_id) = path.into_inner();
    let by = actor.name();
    let i = state
        .store
        .run(move |s| s.delete_incident_update(&id, &update_id, &by))
        .await?;
    Ok(json(&out(&i)))
}

pub async fn post_publish(
    state: web::Data<AppState>,
    Editor(actor): Editor,
    id: web::Path<String>,
) -> AppResult<HttpResponse> {
    let by = actor.name();
    let i = state
        .store
        .run(move |s| s.publish_incident(&id, &by))
        .await?;
    tracing::info!(by = %actor.name(), incident = %i.id, "incident published");
    Ok(json(&out(&i)))
}

pub async fn post_discard(
    state: web::Data<AppState>,
    Editor(actor): Editor,
    id: web::Path<String>,
) -> AppResult<HttpResponse> {
    let by = actor.name();
    state
        .store
        .run(move |s| s.discard_incident(&id, &by))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
