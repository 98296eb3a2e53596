//! Incidents, maintenance, templates and the events they emit. Every change that moves
//! component statuses recomputes them from what still holds each component (worst
//! wins) and writes its events in the same transaction.

use super::{Store, all, get, new_id, tables};
use crate::domain::{
    AffectedComponent, Component, ComponentChange, ComponentStatus, Event, HistoryEntry, Impact,
    Incident, IncidentState, IncidentStatus, Maintenance, MaintenanceStatus, MaintenanceStep, Page,
    Postmortem, Template, Update, held_status, maintenance_step, validate,
};
use crate::error::{AppError, AppResult};
use chrono::{DateTime, Utc};
use redb::{ReadableTable, WriteTransaction};
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

/// A new maintenance window.
#[derive(Debug, Clone, Default)]
pub struct NewMaintenance {
    pub page: Option<String>,
    pub title: String,
    pub message: String,
    pub component_ids: Vec<String>,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub notify: bool,
}

/// Changes to a maintenance window (extend, reschedule, verify).
#[derive(Debug, Clone, Default)]
pub struct MaintenancePatch {
    pub title: Option<String>,
    pub message: Option<String>,
    pub component_ids: Option<Vec<String>>,
    pub starts_at: Option<DateTime<Utc>>,
    pub ends_at: Option<DateTime<Utc>>,
    pub status: Option<MaintenanceStatus>,
}

/// A template as written by an editor.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TemplateInput {
    pub name: String,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub status: Option<IncidentStatus>,
    pub body: String,
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

fn not_found(what: &str, id: &str) -> AppError {
    AppError::NotFound(format!("{what} {id}"))
}

fn resolve_page_in(txn: &WriteTransaction, key: Option<&str>) -> AppResult<String> {
    let slugs = txn.open_table(tables::PAGE_SLUGS)?;
    let key = key
        .map(str::trim)
        .filter(|k| !k.is_empty())
        .unwrap_or("default");
    if let Some(id) = slugs.get(key)?.map(|v| v.value().to_string()) {
        return Ok(id);
    }
    if get::<Page, _>(&txn.open_table(tables::PAGES)?, key)?.is_some() {
        return Ok(key.to_string());
    }
    Err(AppError::UnknownIds {
        field: "status_page_id".into(),
        message: format!("unknown page: {key}"),
    })
}

/// Checks component ids exist; all unknown ones are listed in one 422.
fn check_components(txn: &WriteTransaction, field: &str, ids: &[String]) -> AppResult<()> {
    let comps = txn.open_table(tables::COMPONENTS)?;
    let mut unknown = Vec::new();
    for id in ids {
        if get::<Component, _>(&comps, id)?.is_none() {
            unknown.push(id.clone());
        }
    }
    if unknown.is_empty() {
        Ok(())
    } else {
        Err(AppError::UnknownIds {
            field: field.into(),
            message: format!("unknown component ids: {}", unknown.join(", ")),
        })
    }
}

fn affected(
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

fn message_text(message: &str, field: &str) -> AppResult<String> {
    validate::text(message, 20_000).map_err(|m| AppError::invalid(field, m))
}

fn title_text(title: &str) -> AppResult<String> {
    validate::name(title, 200).map_err(|m| AppError::invalid("title", m))
}

/// Context of one change, for events.
struct Change<'a> {
    actor: &'a str,
    now: DateTime<Utc>,
    page_id: String,
    incident_id: Option<String>,
    maintenance_id: Option<String>,
}

fn emit(
    txn: &WriteTransaction,
    ctx: &Change,
    kind: &str,
    update_id: Option<&str>,
    component_ids: Vec<String>,
    notify: bool,
) -> AppResult<()> {
    let ev = Event {
        id: new_id(),
        at: ctx.now,
        kind: kind.into(),
        actor: ctx.actor.into(),
        page_id: ctx.page_id.clone(),
        incident_id: ctx.incident_id.clone(),
        maintenance_id: ctx.maintenance_id.clone(),
        update_id: update_id.map(str::to_string),
        component_ids,
        notify,
        change: None,
    };
    txn.open_table(tables::EVENTS)?
        .insert(ev.id.as_str(), &ev)?;
    Ok(())
}

/// Sets each component to what still holds it (worst wins, operational when nothing
/// does) and writes a `component.status_changed` event per change.
fn recompute(
    txn: &WriteTransaction,
    ctx: &Change,
    ids: &[String],
) -> AppResult<Vec<ComponentChange>> {
    let incidents: Vec<Incident> = all(&txn.open_table(tables::INCIDENTS)?)?;
    let maints: Vec<Maintenance> = all(&txn.open_table(tables::MAINTENANCE)?)?;
    let mut comps = txn.open_table(tables::COMPONENTS)?;
    let mut events = txn.open_table(tables::EVENTS)?;
    let mut changes = Vec::new();
    let mut seen = Vec::new();
    for id in ids {
        if seen.contains(id) {
            continue;
        }
        seen.push(id.clone());
        let Some(mut c) = get::<Component, _>(&comps, id)? else {
            continue;
        };
        let new = held_status(id, &incidents, &maints);
        if new == c.status {
            continue;
        }
        let change = ComponentChange {
            id: c.id.clone(),
            name: c.name.clone(),
            old_status: c.status,
            new_status: new,
        };
        c.status = new;
        c.updated_at = ctx.now;
        comps.insert(id.as_str(), &c)?;
        let ev = Event {
            id: new_id(),
            at: ctx.now,
            kind: "component.status_changed".into(),
            actor: ctx.actor.into(),
            page_id: ctx.page_id.clone(),
            incident_id: ctx.incident_id.clone(),
            maintenance_id: ctx.maintenance_id.clone(),
            update_id: None,
            component_ids: vec![c.id.clone()],
            notify: true,
            change: Some(change.clone()),
        };
        events.insert(ev.id.as_str(), &ev)?;
        changes.push(change);
    }
    Ok(changes)
}

fn put_incident(txn: &WriteTransaction, i: &Incident) -> AppResult<()> {
    txn.open_table(tables::INCIDENTS)?
        .insert(i.id.as_str(), i)?;
    Ok(())
}

fn load_incident(txn: &WriteTransaction, id: &str) -> AppResult<Incident> {
    get(&txn.open_table(tables::INCIDENTS)?, id)?.ok_or_else(|| not_found("incident", id))
}

fn ctx_for<'a>(actor: &'a str, i: &Incident) -> Change<'a> {
    Change {
        actor,
        now: Utc::now(),
        page_id: i.page_id.clone(),
        incident_id: Some(i.id.clone()),
        maintenance_id: None,
    }
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

impl Store {
    pub fn create_incident(&self, input: NewIncident, actor: &str) -> AppResult<Incident> {
        let title = title_text(&input.title)?;
        let status = input.status.unwrap_or_default();
        let impact = input.impact.unwrap_or_default();
        let message = message_text(&input.message, "message")?;
        let message = if message.is_empty() {
            default_message(status).to_string()
        } else {
            message
        };
        self.write(|txn| {
            let page_id = resolve_page_in(txn, input.page.as_deref())?;
            let components = affected(txn, &input.components, impact)?;
            let now = Utc::now();
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
            let ctx = ctx_for(actor, &i);
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
        })
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
        self.write(|txn| {
            let mut i = load_incident(txn, id)?;
            if i.state == IncidentState::Published {
                return Err(AppError::Conflict(
                    "this incident is already published".into(),
                ));
            }
            let ctx = ctx_for(actor, &i);
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
        })
    }

    /// Deletes a draft that was never published.
    pub fn discard_incident(&self, id: &str, _actor: &str) -> AppResult<()> {
        self.write(|txn| {
            let i = load_incident(txn, id)?;
            if i.state != IncidentState::Draft {
                return Err(AppError::Conflict(
                    "only drafts can be discarded; resolve a published incident instead".into(),
                ));
            }
            txn.open_table(tables::INCIDENTS)?.remove(id)?;
            Ok(())
        })
    }

    pub fn add_incident_update(
        &self,
        id: &str,
        input: NewUpdate,
        actor: &str,
    ) -> AppResult<Incident> {
        let message = message_text(&input.message, "message")?;
        self.write(|txn| {
            let mut i = load_incident(txn, id)?;
            let ctx = ctx_for(actor, &i);
            let status = input
                .status
                .unwrap_or(if i.status == IncidentStatus::Postmortem {
                    IncidentStatus::Resolved
                } else {
                    i.status
                });
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
        })
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
            let now = Utc::now();
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
            let now = Utc::now();
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
            let now = Utc::now();
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

    /// Saves the postmortem draft of a resolved incident.
    pub fn save_postmortem(
        &self,
        id: &str,
        mut pm: Postmortem,
        actor: &str,
    ) -> AppResult<Incident> {
        for (field, text) in [
            ("summary", &pm.summary),
            ("timeline", &pm.timeline),
            ("root_cause", &pm.root_cause),
            ("impact", &pm.impact),
            ("resolution", &pm.resolution),
        ] {
            message_text(text, field)?;
        }
        if pm.action_items.iter().any(|a| a.text.trim().is_empty()) {
            return Err(AppError::invalid(
                "action_items",
                "every action item needs a text",
            ));
        }
        self.write(|txn| {
            let mut i = load_incident(txn, id)?;
            if i.status.is_open() {
                return Err(AppError::Conflict(
                    "resolve the incident before writing its postmortem".into(),
                ));
            }
            let now = Utc::now();
            pm.published_at = i.postmortem.as_ref().and_then(|p| p.published_at);
            pm.updated_at = Some(now);
            i.postmortem = Some(pm);
            i.updated_at = now;
            i.history.push(HistoryEntry {
                at: now,
                by: actor.into(),
                action: "saved postmortem".into(),
            });
            put_incident(txn, &i)?;
            Ok(i)
        })
    }

    pub fn publish_postmortem(&self, id: &str, notify: bool, actor: &str) -> AppResult<Incident> {
        self.write(|txn| {
            let mut i = load_incident(txn, id)?;
            let ctx = ctx_for(actor, &i);
            let Some(pm) = i.postmortem.as_mut() else {
                return Err(AppError::Conflict(
                    "write the postmortem before publishing it".into(),
                ));
            };
            if i.state != IncidentState::Published {
                return Err(AppError::Conflict("publish the incident first".into()));
            }
            pm.published_at = Some(ctx.now);
            i.status = IncidentStatus::Postmortem;
            i.updated_at = ctx.now;
            i.history.push(HistoryEntry {
                at: ctx.now,
                by: actor.into(),
                action: "published postmortem".into(),
            });
            put_incident(txn, &i)?;
            emit(
                txn,
                &ctx,
                "postmortem.published",
                None,
                i.component_ids(),
                notify,
            )?;
            Ok(i)
        })
    }

    pub fn create_maintenance(&self, input: NewMaintenance, actor: &str) -> AppResult<Maintenance> {
        let title = title_text(&input.title)?;
        let message = message_text(&input.message, "message")?;
        if input.ends_at <= input.starts_at {
            return Err(AppError::invalid("ends_at", "must be after starts_at"));
        }
        let now = Utc::now();
        if input.ends_at <= now {
            return Err(AppError::invalid("ends_at", "is in the past"));
        }
        let m = self.write(|txn| {
            let page_id = resolve_page_in(txn, input.page.as_deref())?;
            check_components(txn, "component_ids", &input.component_ids)?;
            let mut ids = input.component_ids.clone();
            ids.dedup();
            let m = Maintenance {
                id: new_id(),
                page_id,
                title,
                message: message.clone(),
                component_ids: ids,
                starts_at: input.starts_at,
                ends_at: input.ends_at,
                status: MaintenanceStatus::Scheduled,
                started_at: None,
                completed_at: None,
                created_at: now,
                updated_at: now,
                created_by: actor.into(),
                updates: vec![Update {
                    id: new_id(),
                    status: "scheduled".into(),
                    message: if message.is_empty() {
                        "Maintenance has been scheduled.".into()
                    } else {
                        message.clone()
                    },
                    created_at: now,
                    updated_at: None,
                    by: actor.into(),
                    notify: input.notify,
                    component_changes: vec![],
                }],
            };
            txn.open_table(tables::MAINTENANCE)?
                .insert(m.id.as_str(), &m)?;
            let ctx = Change {
                actor,
                now,
                page_id: m.page_id.clone(),
                incident_id: None,
                maintenance_id: Some(m.id.clone()),
            };
            emit(
                txn,
                &ctx,
                "maintenance.posted",
                Some(&m.updates[0].id),
                m.component_ids.clone(),
                input.notify,
            )?;
            Ok(m)
        })?;
        if m.starts_at <= now {
            return self.start_maintenance(&m.id, None, actor);
        }
        Ok(m)
    }

    pub fn get_maintenance(&self, id: &str) -> AppResult<Maintenance> {
        get(&self.read()?.open_table(tables::MAINTENANCE)?, id)?
            .ok_or_else(|| not_found("maintenance", id))
    }

    /// Maintenance windows, soonest start first.
    pub fn list_maintenance(&self) -> AppResult<Vec<Maintenance>> {
        let mut out: Vec<Maintenance> = all(&self.read()?.open_table(tables::MAINTENANCE)?)?;
        out.sort_by(|a, b| a.starts_at.cmp(&b.starts_at).then(a.id.cmp(&b.id)));
        Ok(out)
    }

    fn maintenance_transition(
        &self,
        id: &str,
        to: MaintenanceStatus,
        message: Option<String>,
        actor: &str,
    ) -> AppResult<Maintenance> {
        let message = message.map(|m| message_text(&m, "message")).transpose()?;
        self.write(|txn| {
            let mut table = txn.open_table(tables::MAINTENANCE)?;
            let mut m: Maintenance =
                get(&table, id)?.ok_or_else(|| not_found("maintenance", id))?;
            drop(table);
            let now = Utc::now();
            let (kind, default_text) = match (m.status, to) {
                (MaintenanceStatus::Completed, _) => {
                    return Err(AppError::Conflict(
                        "this maintenance is already completed".into(),
                    ));
                }
                (MaintenanceStatus::Scheduled, MaintenanceStatus::InProgress) => (
                    "maintenance.started",
                    "Scheduled maintenance is in progress.",
                ),
                (s, MaintenanceStatus::Verifying) if s.is_active() => (
                    "maintenance.updated",
                    "Maintenance work is done; we are verifying that everything works.",
                ),
                (_, MaintenanceStatus::Completed) => (
                    "maintenance.completed",
                    "Scheduled maintenance has been completed.",
                ),
                (from, to) => {
                    return Err(AppError::Conflict(format!(
                        "cannot move maintenance from {} to {}",
                        from.as_str(),
                        to.as_str()
                    )));
                }
            };
            m.status = to;
            match to {
                MaintenanceStatus::InProgress => m.started_at = Some(now),
                MaintenanceStatus::Completed => {
                    m.completed_at = Some(now);
                    if m.ends_at > now {
                        m.ends_at = now;
                    }
                    if m.starts_at > now {
                        m.starts_at = now;
                    }
                }
                _ => {}
            }
            m.updated_at = now;
            m.updates.push(Update {
                id: new_id(),
                status: to.as_str().into(),
                message: message
                    .clone()
                    .filter(|t| !t.is_empty())
                    .unwrap_or_else(|| default_text.into()),
                created_at: now,
                updated_at: None,
                by: actor.into(),
                notify: true,
                component_changes: vec![],
            });
            table = txn.open_table(tables::MAINTENANCE)?;
            table.insert(id, &m)?;
            drop(table);
            let ctx = Change {
                actor,
                now,
                page_id: m.page_id.clone(),
                incident_id: None,
                maintenance_id: Some(m.id.clone()),
            };
            let changes = recompute(txn, &ctx, &m.component_ids)?;
            if let Some(u) = m.updates.last_mut() {
                u.component_changes = changes;
            }
            txn.open_table(tables::MAINTENANCE)?.insert(id, &m)?;
            let update_id = m.updates.last().map(|u| u.id.clone());
            emit(
                txn,
                &ctx,
                kind,
                update_id.as_deref(),
                m.component_ids.clone(),
                kind != "maintenance.updated",
            )?;
            Ok(m)
        })
    }

    /// Starts a window now (on schedule or early).
    pub fn start_maintenance(
        &self,
        id: &str,
        message: Option<String>,
        actor: &str,
    ) -> AppResult<Maintenance> {
        self.maintenance_transition(id, MaintenanceStatus::InProgress, message, actor)
    }

    /// Completes a window now (on schedule or early).
    pub fn complete_maintenance(
        &self,
        id: &str,
        message: Option<String>,
        actor: &str,
    ) -> AppResult<Maintenance> {
        self.maintenance_transition(id, MaintenanceStatus::Completed, message, actor)
    }

    pub fn update_maintenance(
        &self,
        id: &str,
        patch: MaintenancePatch,
        actor: &str,
    ) -> AppResult<Maintenance> {
        if let Some(
            MaintenanceStatus::Verifying
            | MaintenanceStatus::InProgress
            | MaintenanceStatus::Completed,
        ) = patch.status
        {
            let to = patch.status.unwrap_or_default();
            let current = self.get_maintenance(id)?;
            if current.status != to {
                self.maintenance_transition(id, to, patch.message.clone(), actor)?;
            }
        }
        let title = patch.title.as_deref().map(title_text).transpose()?;
        let message = patch
            .message
            .as_deref()
            .map(|m| message_text(m, "message"))
            .transpose()?;
        self.write(|txn| {
            let mut m: Maintenance = get(&txn.open_table(tables::MAINTENANCE)?, id)?
                .ok_or_else(|| not_found("maintenance", id))?;
            let now = Utc::now();
            if let Some(t) = title {
                m.title = t;
            }
            if let (Some(msg), None) = (message, patch.status) {
                m.message = msg;
            }
            if let Some(s) = patch.starts_at {
                if m.status != MaintenanceStatus::Scheduled {
                    return Err(AppError::invalid(
                        "starts_at",
                        "the window has already started",
                    ));
                }
                m.starts_at = s;
            }
            if let Some(e) = patch.ends_at {
                if m.status == MaintenanceStatus::Completed {
                    return Err(AppError::invalid(
                        "ends_at",
                        "the window is already completed",
                    ));
                }
                m.ends_at = e;
            }
            if m.ends_at <= m.starts_at {
                return Err(AppError::invalid("ends_at", "must be after starts_at"));
            }
            let mut touched = m.component_ids.clone();
            if let Some(ids) = &patch.component_ids {
                check_components(txn, "component_ids", ids)?;
                m.component_ids = ids.clone();
                touched.extend(ids.iter().cloned());
            }
            m.updated_at = now;
            txn.open_table(tables::MAINTENANCE)?.insert(id, &m)?;
            let ctx = Change {
                actor,
                now,
                page_id: m.page_id.clone(),
                incident_id: None,
                maintenance_id: Some(m.id.clone()),
            };
            recompute(txn, &ctx, &touched)?;
            Ok(m)
        })
    }

    pub fn delete_maintenance(&self, id: &str, actor: &str) -> AppResult<()> {
        self.write(|txn| {
            let m: Maintenance = get(&txn.open_table(tables::MAINTENANCE)?, id)?
                .ok_or_else(|| not_found("maintenance", id))?;
            txn.open_table(tables::MAINTENANCE)?.remove(id)?;
            let ctx = Change {
                actor,
                now: Utc::now(),
                page_id: m.page_id.clone(),
                incident_id: None,
                maintenance_id: Some(m.id.clone()),
            };
            recompute(txn, &ctx, &m.component_ids)?;
            Ok(())
        })
    }

    /// Runs the transitions due at `now` (the worker passes the clock; tests pass any time).
    pub fn tick_maintenance(
        &self,
        now: DateTime<Utc>,
    ) -> AppResult<Vec<(String, MaintenanceStep)>> {
        let due: Vec<(String, MaintenanceStep)> = self
            .list_maintenance()?
            .iter()
            .filter_map(|m| maintenance_step(m, now).map(|s| (m.id.clone(), s)))
            .collect();
        for (id, step) in &due {
            match step {
                MaintenanceStep::Start => self.start_maintenance(id, None, "system")?,
                MaintenanceStep::Complete => self.complete_maintenance(id, None, "system")?,
            };
        }
        Ok(due)
    }

    pub fn list_templates(&self) -> AppResult<Vec<Template>> {
        let mut out: Vec<Template> = all(&self.read()?.open_table(tables::TEMPLATES)?)?;
        out.sort_by_key(|t| t.name.to_lowercase());
        Ok(out)
    }

    pub fn get_template(&self, id: &str) -> AppResult<Template> {
        get(&self.read()?.open_table(tables::TEMPLATES)?, id)?
            .ok_or_else(|| not_found("template", id))
    }

    pub fn save_template(&self, id: Option<&str>, input: TemplateInput) -> AppResult<Template> {
        let name = validate::name(&input.name, 100).map_err(|m| AppError::invalid("name", m))?;
        let title = validate::text(&input.title, 200).map_err(|m| AppError::invalid("title", m))?;
        let body = message_text(&input.body, "body")?;
        if body.is_empty() {
            return Err(AppError::invalid("body", "must not be empty"));
        }
        self.write(|txn| {
            let mut table = txn.open_table(tables::TEMPLATES)?;
            let now = Utc::now();
            let existing: Vec<Template> = all(&table)?;
            if existing
                .iter()
                .any(|t| t.name.eq_ignore_ascii_case(&name) && Some(t.id.as_str()) != id)
            {
                return Err(AppError::invalid(
                    "name",
                    format!("a template named {name:?} already exists"),
                ));
            }
            let t = match id {
                Some(id) => {
                    let mut t: Template =
                        get(&table, id)?.ok_or_else(|| not_found("template", id))?;
                    (t.name, t.title, t.status, t.body, t.updated_at) =
                        (name, title, input.status, body, now);
                    t
                }
                None => Template {
                    id: new_id(),
                    name,
                    title,
                    status: input.status,
                    body,
                    created_at: now,
                    updated_at: now,
                },
            };
            table.insert(t.id.as_str(), &t)?;
            Ok(t)
        })
    }

    pub fn delete_template(&self, id: &str) -> AppResult<()> {
        self.write(|txn| match txn.open_table(tables::TEMPLATES)?.remove(id)? {
            Some(_) => Ok(()),
            None => Err(not_found("template", id)),
        })
    }

    /// Events after `after` (an event id), oldest first.
    pub fn list_events(&self, after: Option<&str>, limit: usize) -> AppResult<Vec<Event>> {
        let txn = self.read()?;
        let table = txn.open_table(tables::EVENTS)?;
        let mut out = Vec::new();
        let iter = match after {
            Some(a) => {
                table.range::<&str>((std::ops::Bound::Excluded(a), std::ops::Bound::Unbounded))?
            }
            None => table.range::<&str>(..)?,
        };
        for row in iter.take(limit) {
            out.push(row?.1.value());
        }
        Ok(out)
    }
}
