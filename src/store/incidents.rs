//! Incidents: create, publish, discard, timeline updates and edits. Every change that
//! moves component statuses recomputes them (see `events`) in the same transaction.
//! Just over 500 lines: create, update, publish and edit share the in-transaction helpers
//! that postmortems and alerts also call.

use super::events::{Change, emit, recompute, recompute_with};
use super::inputs::{check_components, message_text, not_found, resolve_page_in, title_text};
use super::{Store, all, get, new_id, tables};
use crate::domain::incident_update::update_status;
use crate::domain::{
    AffectedComponent, ComponentStatus, HistoryEntry, Impact, Incident, IncidentState,
    IncidentStatus, Update,
};
use crate::error::{AppError, AppResult};
use chrono::{DateTime, Utc};
use redb::WriteTransaction;
use serde::Deserialize;

/// An affected component as given by a client: the status is optional (default from impact).
#[derive(Debug, Clone, Deserialize)]
pub struct AffectedInput {
    pub id: String,
    #[serde(default)]
    pub status: Option<ComponentStatus>,
}

/// A new incident (API, admin form, alert webhook or monitor).
#[derive(Debug, Clone, Default)]
pub struct NewIncident {
    /// Page id or slug; default page when absent.
    pub page: Option<String>,
    pub title: String,
    pub status: Option<IncidentStatus>,
    pub impact: Option<Impact>,
    pub components: Vec<AffectedInput>,
    pub message: String,
    pub draft: bool,
    pub notify: bool,
    pub source_text: Option<String>,
    pub started_at: Option<DateTime<Utc>>,
}

/// A timeline update.
#[derive(Debug, Clone, Default)]
pub struct NewUpdate {
    pub status: Option<IncidentStatus>,
    pub message: String,
    pub notify: bool,
    /// Replaces the affected components when given.
    pub components: Option<Vec<AffectedInput>>,
}

/// Changes to an incident's fields; a status change posts an update.
#[derive(Debug, Clone, Default)]
pub struct IncidentPatch {
    pub title: Option<String>,
    pub impact: Option<Impact>,
    pub status: Option<IncidentStatus>,
    pub components: Option<Vec<AffectedInput>>,
    pub message: Option<String>,
    pub notify: bool,
}

/// Filter for listing incidents.
#[derive(Debug, Clone, Default)]
pub struct IncidentFilter {
    pub state: Option<IncidentState>,
    pub status: Option<IncidentStatus>,
    pub page_id: Option<String>,
    pub since: Option<DateTime<Utc>>,
    pub open_only: bool,
}

fn default_message(status: IncidentStatus) -> &'static str {
    match status {
        IncidentStatus::Investigating => "We are investigating this issue.",
        IncidentStatus::Identified => {
            "The issue has been identified and a fix is being implemented."
        }
        IncidentStatus::Monitoring => {
            "A fix has been implemented and we are monitoring the results."
        }
        IncidentStatus::Resolved | IncidentStatus::Postmortem => "This incident has been resolved.",
    }
}

pub(super) fn affected(
    txn: &WriteTransaction,
    inputs: &[AffectedInput],
    impact: Impact,
) -> AppResult<Vec<AffectedComponent>> {
    let ids: Vec<String> = inputs.iter().map(|c| c.id.clone()).collect();
    check_components(txn, "component_ids", &ids)?;
    let mut out: Vec<AffectedComponent> = Vec::new();
    for c in inputs {
        if !out.iter().any(|o| o.id == c.id) {
            out.push(AffectedComponent {
                id: c.id.clone(),
                status: c.status.unwrap_or(impact.default_component_status()),
            });
        }
    }
    Ok(out)
}

pub(super) fn put_incident(txn: &WriteTransaction, i: &Incident) -> AppResult<()> {
    txn.open_table(tables::INCIDENTS)?
        .insert(i.id.as_str(), i)?;
    Ok(())
}

pub(super) fn load_incident(txn: &WriteTransaction, id: &str) -> AppResult<Incident> {
    get(&txn.open_table(tables::INCIDENTS)?, id)?.ok_or_else(|| not_found("incident", id))
}

/// Writes the incident, recomputes component statuses and records the changes on the
/// newest update.
fn apply(
    txn: &WriteTransaction,
    ctx: &Change,
    i: &mut Incident,
    touched: &[String],
) -> AppResult<()> {
    put_incident(txn, i)?;
    let changes = recompute(txn, ctx, touched)?;
    if !changes.is_empty() {
        if let Some(u) = i.updates.last_mut() {
            u.component_changes.extend(changes);
        }
        put_incident(txn, i)?;
    }
    Ok(())
}

/// Creates an incident inside `txn` (API, admin, and the alert policy's actions).
pub(super) fn create_incident_in(
    txn: &WriteTransaction,
    input: NewIncident,
    actor: &str,
    now: DateTime<Utc>,
) -> AppResult<Incident> {
    let title = title_text(&input.title)?;
    let status = input.status.unwrap_or_default();
    let impact = input.impact.unwrap_or_default();
    let message = message_text(&input.message, "message")?;
    let message = if message.is_empty() {
        default_message(status).to_string()
    } else {
        message
    };
    let page_id = resolve_page_in(txn, input.page.as_deref())?;
    let components = affected(txn, &input.components, impact)?;
    let state = if input.draft {
        IncidentState::Draft
    } else {
        IncidentState::Published
    };
    let mut i = Incident {
        id: new_id(),
        page_id,
        title,
        impact,
        status: IncidentStatus::Investigating,
        state,
        components,
        started_at: input.started_at.unwrap_or(now),
        identified_at: None,
        monitoring_at: None,
        resolved_at: None,
        published_at: (state == IncidentState::Published).then_some(now),
        created_at: now,
        updated_at: now,
        created_by: actor.into(),
        source_text: input.source_text.clone().filter(|s| !s.trim().is_empty()),
        updates: vec![Update {
            id: new_id(),
            status: status.as_str().into(),
            message,
            created_at: now,
            updated_at: None,
            by: actor.into(),
            notify: input.notify,
            component_changes: vec![],
        }],
        postmortem: None,
        history: vec![HistoryEntry {
            at: now,
            by: actor.into(),
            action: format!(
                "created as {}",
                if input.draft { "draft" } else { "published" }
            ),
        }],
    };
    i.set_status(status, now);
    let ctx = Change::of_incident(actor, &i, now);
    if state == IncidentState::Published {
        let ids = i.component_ids();
        apply(txn, &ctx, &mut i, &ids)?;
        emit(
            txn,
            &ctx,
            "incident.published",
            Some(&i.updates[0].id),
            i.component_ids(),
            input.notify,
        )?;
    } else {
        put_incident(txn, &i)?;
    }
    Ok(i)
}

/// Posts a timeline update inside `txn` (API, admin, and the alert policy's actions).
pub(super) fn add_update_in(
    txn: &WriteTransaction,
    id: &str,
    input: NewUpdate,
    actor: &str,
    now: DateTime<Utc>,
) -> AppResult<Incident> {
    let message = message_text(&input.message, "message")?;
    let mut i = load_incident(txn, id)?;
    let ctx = Change::of_incident(actor, &i, now);
    let status = update_status(i.status, input.status, input.components.is_some())
        .map_err(|(field, m)| AppError::invalid(field, m))?;
    let mut touched = i.component_ids();
    if let Some(comps) = &input.components {
        i.components = affected(txn, comps, i.impact)?;
        touched.extend(i.component_ids());
    }
    let was_open = i.status.is_open();
    i.set_status(status, ctx.now);
    if i.postmortem
        .as_ref()
        .is_some_and(|p| p.published_at.is_some())
        && !status.is_open()
    {
        i.status = IncidentStatus::Postmortem;
    }
    let message = if message.is_empty() {
        default_message(status).to_string()
    } else {
        message.clone()
    };
    let update = Update {
        id: new_id(),
        status: status.as_str().into(),
        message,
        created_at: ctx.now,
        updated_at: None,
        by: actor.into(),
        notify: input.notify,
        component_changes: vec![],
    };
    let update_id = update.id.clone();
    i.updates.push(update);
    i.updated_at = ctx.now;
    i.history.push(HistoryEntry {
        at: ctx.now,
        by: actor.into(),
        action: format!("posted update ({})", status.as_str()),
    });
    if i.state == IncidentState::Published {
        apply(txn, &ctx, &mut i, &touched)?;
        let kind = if was_open && !status.is_open() {
            "incident.resolved"
        } else {
            "incident.updated"
        };
        emit(
            txn,
            &ctx,
            kind,
            Some(&update_id),
            i.component_ids(),
            input.notify,
        )?;
    } else {
        put_incident(txn, &i)?;
    }
    Ok(i)
}

/// Publishes a draft inside `txn`: components take their statuses, subscribers are told.
pub(super) fn publish_in(
    txn: &WriteTransaction,
    id: &str,
    actor: &str,
    now: DateTime<Utc>,
) -> AppResult<Incident> {
    let mut i = load_incident(txn, id)?;
    if i.state == IncidentState::Published {
        return Err(AppError::Conflict(
            "this incident is already published".into(),
        ));
    }
    let ctx = Change::of_incident(actor, &i, now);
    i.state = IncidentState::Published;
    i.published_at = Some(ctx.now);
    i.updated_at = ctx.now;
    i.history.push(HistoryEntry {
        at: ctx.now,
        by: actor.into(),
        action: "published".into(),
    });
    let notify = i.updates.last().is_none_or(|u| u.notify);
    let ids = i.component_ids();
    apply(txn, &ctx, &mut i, &ids)?;
    let kind = if i.status.is_open() {
        "incident.published"
    } else {
        "incident.resolved"
    };
    emit(
        txn,
        &ctx,
        kind,
        i.updates.last().map(|u| u.id.as_str()),
        i.component_ids(),
        notify,
    )?;
    Ok(i)
}

/// Deletes a draft that was never published, inside `txn`.
pub(super) fn discard_in(txn: &WriteTransaction, id: &str) -> AppResult<()> {
    let i = load_incident(txn, id)?;
    if i.state != IncidentState::Draft {
        return Err(AppError::Conflict(
            "only drafts can be discarded; resolve a published incident instead".into(),
        ));
    }
    txn.open_table(tables::INCIDENTS)?.remove(id)?;
    Ok(())
}

impl Store {
    pub fn create_incident(&self, input: NewIncident, actor: &str) -> AppResult<Incident> {
        let now = self.now();
        self.write(|txn| create_incident_in(txn, input, actor, now))
    }

    pub fn get_incident(&self, id: &str) -> AppResult<Incident> {
        get(&self.read()?.open_table(tables::INCIDENTS)?, id)?
            .ok_or_else(|| not_found("incident", id))
    }

    /// Incidents newest first.
    pub fn list_incidents(&self, f: &IncidentFilter) -> AppResult<Vec<Incident>> {
        let mut out: Vec<Incident> = all(&self.read()?.open_table(tables::INCIDENTS)?)?;
        out.retain(|i| {
            f.state.is_none_or(|s| i.state == s)
                && f.status.is_none_or(|s| i.status == s)
                && f.page_id.as_ref().is_none_or(|p| &i.page_id == p)
                && f.since.is_none_or(|t| i.updated_at >= t)
                && (!f.open_only || i.status.is_open())
        });
        out.sort_by(|a, b| b.started_at.cmp(&a.started_at).then(b.id.cmp(&a.id)));
        Ok(out)
    }

    pub fn publish_incident(&self, id: &str, actor: &str) -> AppResult<Incident> {
        let now = self.now();
        self.write(|txn| publish_in(txn, id, actor, now))
    }

    /// Deletes a draft that was never published.
    pub fn discard_incident(&self, id: &str, _actor: &str) -> AppResult<()> {
        self.write(|txn| discard_in(txn, id))
    }

    /// Removes a published incident from history (an owner's call). Components it still
    /// held fall back to what else holds them, without notifying subscribers.
    pub fn delete_incident(&self, id: &str, actor: &str) -> AppResult<Incident> {
        let now = self.now();
        self.write(|txn| {
            let i = load_incident(txn, id)?;
            txn.open_table(tables::INCIDENTS)?.remove(id)?;
            let ctx = Change::of_incident(actor, &i, now);
            let touched: Vec<String> = i.components.iter().map(|c| c.id.clone()).collect();
            recompute_with(txn, &ctx, &touched, false)?;
            emit(txn, &ctx, "incident.deleted", None, touched, false)?;
            Ok(i)
        })
    }

    pub fn add_incident_update(
        &self,
        id: &str,
        input: NewUpdate,
        actor: &str,
    ) -> AppResult<Incident> {
        let now = self.now();
        self.write(|txn| add_update_in(txn, id, input, actor, now))
    }

    pub fn patch_incident(
        &self,
        id: &str,
        patch: IncidentPatch,
        actor: &str,
    ) -> AppResult<Incident> {
        let title = patch.title.as_deref().map(title_text).transpose()?;
        let needs_update =
            patch.status.is_some() || patch.components.is_some() || patch.impact.is_some();
        let mut i = self.write(|txn| {
            let mut i = load_incident(txn, id)?;
            let now = self.now();
            if let Some(t) = &title
                && *t != i.title
            {
                i.history.push(HistoryEntry {
                    at: now,
                    by: actor.into(),
                    action: format!("renamed from {:?}", i.title),
                });
                i.title = t.clone();
            }
            if let Some(impact) = patch.impact
                && impact != i.impact
            {
                // Components still at the old default follow the new impact.
                let old_default = i.impact.default_component_status();
                for c in i.components.iter_mut().filter(|c| c.status == old_default) {
                    c.status = impact.default_component_status();
                }
                i.history.push(HistoryEntry {
                    at: now,
                    by: actor.into(),
                    action: format!("impact {} → {}", i.impact.as_str(), impact.as_str()),
                });
                i.impact = impact;
            }
            i.updated_at = now;
            put_incident(txn, &i)?;
            Ok(i)
        })?;
        if needs_update {
            let status_changed = patch.status.is_some_and(|s| s != i.status);
            if status_changed
                || patch.components.is_some()
                || patch.message.is_some()
                || patch.impact.is_some()
            {
                i = self.add_incident_update(
                    id,
                    NewUpdate {
                        status: patch.status,
                        message: patch.message.unwrap_or_default(),
                        notify: patch.notify,
                        components: patch.components,
                    },
                    actor,
                )?;
            }
        }
        Ok(i)
    }

    /// Fixes the text of an update (typos); the history records who and when.
    pub fn edit_incident_update(
        &self,
        id: &str,
        update_id: &str,
        message: &str,
        actor: &str,
    ) -> AppResult<Incident> {
        let message = message_text(message, "message")?;
        if message.is_empty() {
            return Err(AppError::invalid("message", "must not be empty"));
        }
        self.write(|txn| {
            let mut i = load_incident(txn, id)?;
            let now = self.now();
            let u = i
                .updates
                .iter_mut()
                .find(|u| u.id == update_id)
                .ok_or_else(|| not_found("update", update_id))?;
            u.message = message;
            u.updated_at = Some(now);
            i.updated_at = now;
            i.history.push(HistoryEntry {
                at: now,
                by: actor.into(),
                action: format!("edited update {update_id}"),
            });
            put_incident(txn, &i)?;
            Ok(i)
        })
    }

    pub fn delete_incident_update(
        &self,
        id: &str,
        update_id: &str,
        actor: &str,
    ) -> AppResult<Incident> {
        self.write(|txn| {
            let mut i = load_incident(txn, id)?;
            let before = i.updates.len();
            let removed: Vec<Update> = i
                .updates
                .iter()
                .filter(|u| u.id == update_id)
                .cloned()
                .collect();
            i.updates.retain(|u| u.id != update_id);
            if i.updates.len() == before {
                return Err(not_found("update", update_id));
            }
            if i.updates.is_empty() {
                return Err(AppError::Conflict(
                    "an incident keeps at least one update; edit it instead".into(),
                ));
            }
            let now = self.now();
            let text: String = removed
                .first()
                .map(|u| u.message.chars().take(80).collect())
                .unwrap_or_default();
            i.history.push(HistoryEntry {
                at: now,
                by: actor.into(),
                action: format!("deleted update {update_id}: {text:?}"),
            });
            i.updated_at = now;
            put_incident(txn, &i)?;
            Ok(i)
        })
    }
}
