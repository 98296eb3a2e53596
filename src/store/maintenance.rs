//! Scheduled maintenance windows: posting, transitions (by hand or on the clock),
//! edits and deletion; each recomputes the statuses of the components it holds.

use super::events::{Change, emit, recompute};
use super::inputs::{check_components, message_text, not_found, resolve_page_in, title_text};
use super::{Store, all, get, new_id, tables};
use crate::domain::{Maintenance, MaintenanceStatus, MaintenanceStep, Update, maintenance_step};
use crate::error::{AppError, AppResult};
use chrono::{DateTime, Utc};

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

impl Store {
    pub fn create_maintenance(&self, input: NewMaintenance, actor: &str) -> AppResult<Maintenance> {
        let title = title_text(&input.title)?;
        let message = message_text(&input.message, "message")?;
        if input.ends_at <= input.starts_at {
            return Err(AppError::invalid("ends_at", "must be after the start"));
        }
        let now = self.now();
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
            let ctx = Change::of_maintenance(actor, &m, now);
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
            return self.maintenance_transition(
                &m.id,
                MaintenanceStatus::InProgress,
                None,
                actor,
                now,
            );
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
        now: DateTime<Utc>,
    ) -> AppResult<Maintenance> {
        let message = message.map(|m| message_text(&m, "message")).transpose()?;
        self.write(|txn| {
            let mut table = txn.open_table(tables::MAINTENANCE)?;
            let mut m: Maintenance =
                get(&table, id)?.ok_or_else(|| not_found("maintenance", id))?;
            drop(table);
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
            let ctx = Change::of_maintenance(actor, &m, now);
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
        self.maintenance_transition(
            id,
            MaintenanceStatus::InProgress,
            message,
            actor,
            self.now(),
        )
    }

    /// Completes a window now (on schedule or early).
    pub fn complete_maintenance(
        &self,
        id: &str,
        message: Option<String>,
        actor: &str,
    ) -> AppResult<Maintenance> {
        self.maintenance_transition(id, MaintenanceStatus::Completed, message, actor, self.now())
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
                self.maintenance_transition(id, to, patch.message.clone(), actor, self.now())?;
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
            let now = self.now();
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
                return Err(AppError::invalid("ends_at", "must be after the start"));
            }
            let mut touched = m.component_ids.clone();
            if let Some(ids) = &patch.component_ids {
                check_components(txn, "component_ids", ids)?;
                m.component_ids = ids.clone();
                touched.extend(ids.iter().cloned());
            }
            m.updated_at = now;
            txn.open_table(tables::MAINTENANCE)?.insert(id, &m)?;
            let ctx = Change::of_maintenance(actor, &m, now);
            recompute(txn, &ctx, &touched)?;
            Ok(m)
        })
    }

    /// Posts a note on a window's timeline without changing its status; subscribers
    /// are told when `notify` is set (a `maintenance.updated` event).
    pub fn add_maintenance_update(
        &self,
        id: &str,
        message: &str,
        notify: bool,
        actor: &str,
    ) -> AppResult<Maintenance> {
        let message = message_text(message, "message")?;
        if message.trim().is_empty() {
            return Err(AppError::invalid("message", "write what changed"));
        }
        let now = self.now();
        self.write(|txn| {
            let mut m: Maintenance = get(&txn.open_table(tables::MAINTENANCE)?, id)?
                .ok_or_else(|| not_found("maintenance", id))?;
            let update = Update {
                id: new_id(),
                status: m.status.as_str().into(),
                message: message.clone(),
                created_at: now,
                updated_at: None,
                by: actor.into(),
                notify,
                component_changes: vec![],
            };
            let update_id = update.id.clone();
            m.updates.push(update);
            m.updated_at = now;
            txn.open_table(tables::MAINTENANCE)?.insert(id, &m)?;
            let ctx = Change::of_maintenance(actor, &m, now);
            emit(
                txn,
                &ctx,
                "maintenance.updated",
                Some(&update_id),
                m.component_ids.clone(),
                notify,
            )?;
            Ok(m)
        })
    }

    pub fn delete_maintenance(&self, id: &str, actor: &str) -> AppResult<()> {
        self.write(|txn| {
            let m: Maintenance = get(&txn.open_table(tables::MAINTENANCE)?, id)?
                .ok_or_else(|| not_found("maintenance", id))?;
            txn.open_table(tables::MAINTENANCE)?.remove(id)?;
            let ctx = Change::of_maintenance(actor, &m, self.now());
            recompute(txn, &ctx, &m.component_ids)?;
            Ok(())
        })
    }

    /// Runs the transitions due at `now`, dated `now` (the worker passes the store's clock).
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
                MaintenanceStep::Start => self.maintenance_transition(
                    id,
                    MaintenanceStatus::InProgress,
                    None,
                    "system",
                    now,
                )?,
                MaintenanceStep::Complete => self.maintenance_transition(
                    id,
                    MaintenanceStatus::Completed,
                    None,
                    "system",
                    now,
                )?,
            };
        }
        Ok(due)
    }
}
