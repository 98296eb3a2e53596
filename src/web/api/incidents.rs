//! `/api/v1/incidents`: incidents, their updates and drafts (postmortems: `postmortems`). Accepts the
//! payloads of monitoring tools and the product notes verbatim (`severity` or `impact`,
//! `component_ids` or `affected_component_ids`, `status_page_id` or `page`).
//! Just over 500 lines: the Statuspage-compatible request shapes (aliases, seeds 001/003)
//! sit beside the handlers that accept them.

use super::responses::{ListErrors, ReadErrors, WriteErrors};
use super::{ListQuery, created, json, moment};
use crate::alerts::{self, ai::AiEndpoint};
use crate::domain::inbound::{Alert, AlertSource, AlertStatus, Tone};
use crate::domain::{ComponentStatus, Impact, Incident, IncidentState, IncidentStatus, Role};
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use crate::store::Paged;
use crate::store::{AffectedInput, IncidentFilter, IncidentPatch, NewIncident, NewUpdate};
use crate::web::auth::{Editor, Viewer};
use actix_web::{HttpResponse, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// An incident as the API shows it: the record plus `component_ids`.
#[derive(Serialize, utoipa::ToSchema)]
#[schema(as = Incident)]
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
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = AffectedComponentInput)]
pub struct ComponentBody {
    id: String,
    /// Default: from the impact (minor → degraded_performance, ...).
    #[serde(default)]
    #[schema(value_type = Option<ComponentStatus>)]
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

/// A new incident, as people, deploy pipelines and monitoring webhooks send it.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = NewIncident)]
pub struct IncidentBody {
    title: String,
    /// investigating (default), identified, monitoring or resolved.
    #[serde(default)]
    status: Option<String>,
    /// none, minor, major or critical, in any case.
    #[serde(default, alias = "impact")]
    severity: Option<String>,
    #[serde(default, alias = "affected_component_ids")]
    component_ids: Option<Vec<String>>,
    #[serde(default)]
    components: Option<Vec<ComponentBody>>,
    /// Page id or slug; default page when absent.
    #[serde(default, alias = "page", alias = "page_id")]
    status_page_id: Option<String>,
    /// The first update (Markdown).
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
    /// With `raw_input` and no `message`: the AI endpoint (`ai_url`) rewrites the
    /// built-in customer-language text; any failure falls back to it.
    #[serde(default)]
    generate_ai_update: Option<bool>,
    /// Tone of the written first update: professional (default), friendly or minimal.
    #[serde(default)]
    tone: Option<String>,
}

/// Opens an incident or a draft.
#[utoipa::path(
    post, path = "/api/v1/incidents", tag = "incidents",
    request_body(
        content = IncidentBody,
        description = "Published, or a draft with `draft: true` (default when `raw_input` is given)",
        examples(
            ("create" = (summary = "Create an incident (product notes)", value = json!({
                "title": "API experiencing elevated error rates",
                "status": "investigating",
                "status_page_id": "sp_abc123",
                "component_ids": ["comp_api"],
                "severity": "major"
            }))),
            ("webhook_minimal" = (summary = "Monitoring webhook, minimal", value = json!({
                "title": "API health check failing",
                "status_page_id": "your-page-id",
                "severity": "major"
            }))),
            ("webhook_draft" = (summary = "Monitoring webhook with alert text: a draft", value = json!({
                "title": "API health check failing",
                "status_page_id": "your-page-id",
                "severity": "major",
                "affected_component_ids": ["your-api-component-id"],
                "raw_input": "Monitor 'api-health' is DOWN. HTTP 503 on /api/health. Duration: 5 minutes.",
                "generate_ai_update": true
            }))),
            ("with_message" = (summary = "Impact and a first update", value = json!({
                "title": "Login failures",
                "impact": "minor",
                "affected_component_ids": ["comp_auth"],
                "page": "default",
                "message": "Some sign-ins fail; we are investigating."
            }))),
        ),
    ),
    responses((status = 201, description = "Opened", body = IncidentOut), WriteErrors),
)]
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
    let tone = parse::<Tone>("tone", b.tone.as_deref())?;
    // Alert text without a message: the customer-language writer drafts the first update.
    if b.raw_input.is_some() && b.message.is_none() && b.template_id.is_none() {
        let alert = Alert {
            source: Some(AlertSource::Generic),
            status: Some(AlertStatus::Firing),
            title: b.title.clone(),
            component_ids: components.iter().map(|c| c.id.clone()).collect(),
            page: b.status_page_id.clone(),
            severity: b.severity.clone(),
            raw_input: b.raw_input.clone(),
            tone,
            generate_ai: b.generate_ai_update.unwrap_or(false),
            ..Default::default()
        };
        let ai = AiEndpoint::from_config(&state.config);
        let written = state
            .store
            .run(move |s| alerts::draft_text(s, ai.as_ref(), &alert))
            .await?;
        if let Some((text, note)) = written {
            b.message = Some(text.message);
            if let (Some(raw), Some(note)) = (b.raw_input.as_mut(), note) {
                raw.push_str(&format!("\n\n{note}"));
            }
        }
    }
    let i = state
        .store
        .run(move |s| {
            let ids: Vec<String> = components.iter().map(|c| c.id.clone()).collect();
            let st = status.unwrap_or_default();
            let message = match &b.template_id {
                Some(t) => s.template_text(
                    t,
                    &b.title,
                    st.as_str(),
                    &ids,
                    b.started_at.unwrap_or_else(Utc::now),
                )?,
                None => b.message.clone().unwrap_or_default(),
            };
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

/// Lists incidents, newest first.
#[utoipa::path(
    get, path = "/api/v1/incidents", tag = "incidents",
    params(
        ListQuery,
        ("state" = Option<IncidentState>, Query, description = "draft or published"),
        ("status" = Option<IncidentStatus>, Query, description = "Only incidents in this status"),
        ("page" = Option<String>, Query, description = "Only incidents of this page (id or slug)"),
        ("since" = Option<DateTime<Utc>>, Query, description = "Only incidents started at or after this time"),
    ),
    responses((status = 200, description = "A page of incidents, newest first", body = Paged<IncidentOut>), ListErrors),
)]
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
    Ok(json(&Paged {
        data: paged.data.iter().map(out).collect::<Vec<_>>(),
        next_cursor: paged.next_cursor,
    }))
}

/// Gets an incident with its timeline.
#[utoipa::path(
    get, path = "/api/v1/incidents/{id}", tag = "incidents", params(("id" = String, Path, description = "incident id")),
    responses((status = 200, description = "The incident", body = IncidentOut), ReadErrors),
)]
pub async fn get_incident(
    state: web::Data<AppState>,
    _: Viewer,
    id: web::Path<String>,
) -> AppResult<HttpResponse> {
    let i = state.store.run(move |s| s.get_incident(&id)).await?;
    Ok(json(&out(&i)))
}

/// Changes to an incident; absent means unchanged.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = IncidentPatch)]
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

/// Changes an incident; a status change posts an update.
#[utoipa::path(
    patch, path = "/api/v1/incidents/{id}", tag = "incidents", params(("id" = String, Path, description = "incident id")),
    request_body(content = PatchBody, example = json!({"status": "resolved"})),
    responses((status = 200, description = "Changed; a status change posts an update, `resolved` resolves it", body = IncidentOut), WriteErrors),
)]
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

/// Discards a draft; an owner may delete a published incident (it leaves the public
/// history and the v2 API; subscribers are not notified).
#[utoipa::path(
    delete, path = "/api/v1/incidents/{id}", tag = "incidents", params(("id" = String, Path, description = "incident id")),
    responses((status = 204, description = "Discarded (a draft) or deleted (published; owner only)"), WriteErrors),
)]
pub async fn delete_incident(
    state: web::Data<AppState>,
    Editor(actor): Editor,
    id: web::Path<String>,
) -> AppResult<HttpResponse> {
    let by = actor.name();
    let owner = actor.can(Role::Owner);
    state
        .store
        .run(move |s| {
            if s.get_incident(&id)?.state == IncidentState::Draft {
                return s.discard_incident(&id, &by);
            }
            if !owner {
                return Err(AppError::Forbidden(
                    "deleting a published incident needs the owner role".into(),
                ));
            }
            s.delete_incident(&id, &by).map(|_| ())
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// A timeline update; a template fills the message from `template_id`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = NewIncidentUpdate)]
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

/// Posts a timeline update.
#[utoipa::path(
    post, path = "/api/v1/incidents/{id}/updates", tag = "incidents", params(("id" = String, Path, description = "incident id")),
    request_body(content = UpdateBody, example = json!({"status": "identified", "message": "Root cause identified. Fix in progress."})),
    responses((status = 201, description = "Posted; the incident with its timeline", body = IncidentOut), WriteErrors),
)]
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
                    s.template_text(t, &i.title, st.as_str(), &i.component_ids(), i.started_at)?
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

/// The fixed text of an update.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = EditIncidentUpdate)]
pub struct EditUpdateBody {
    #[serde(alias = "body")]
    message: String,
}

/// Fixes the text of an update.
#[utoipa::path(
    patch, path = "/api/v1/incidents/{id}/updates/{update_id}", tag = "incidents", params(("id" = String, Path, description = "incident id"), ("update_id" = String, Path, description = "update id")),
    request_body = EditUpdateBody,
    responses((status = 200, description = "The text is fixed", body = IncidentOut), WriteErrors),
)]
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

/// Deletes an update (kept in history).
#[utoipa::path(
    delete, path = "/api/v1/incidents/{id}/updates/{update_id}", tag = "incidents", params(("id" = String, Path, description = "incident id"), ("update_id" = String, Path, description = "update id")),
    responses((status = 200, description = "Deleted (kept in history)", body = IncidentOut), WriteErrors),
)]
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

/// Publishes a draft.
#[utoipa::path(
    post, path = "/api/v1/incidents/{id}/publish", tag = "incidents", params(("id" = String, Path, description = "incident id")),
    responses((status = 200, description = "Published", body = IncidentOut), WriteErrors),
)]
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

/// Discards a draft.
#[utoipa::path(
    post, path = "/api/v1/incidents/{id}/discard", tag = "incidents", params(("id" = String, Path, description = "incident id")),
    responses((status = 204, description = "Discarded"), WriteErrors),
)]
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
