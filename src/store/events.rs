//! The event log: what changed, by whom, for the outbox and feeds; and the recompute of
//! component statuses that every incident and maintenance change runs.

use super::{Store, all, get, new_id, tables};
use crate::domain::timeline::{StatusChange, Timeline};
use crate::domain::{
    Component, ComponentChange, ComponentStatus, Event, Incident, Maintenance, held_status,
};
use crate::error::AppResult;
use chrono::{DateTime, Utc};
use redb::{ReadableTable, WriteTransaction};
use std::collections::HashMap;

/// The event kind of a published change of a component's status.
pub const STATUS_CHANGED: &str = "component.status_changed";

/// Context of one change, for events.
pub(super) struct Change<'a> {
    pub actor: &'a str,
    pub now: DateTime<Utc>,
    pub page_id: String,
    pub incident_id: Option<String>,
    pub maintenance_id: Option<String>,
}

impl<'a> Change<'a> {
    /// A change to an incident, filed under its page.
    pub fn of_incident(actor: &'a str, i: &Incident, now: DateTime<Utc>) -> Change<'a> {
        Change {
            actor,
            now,
            page_id: i.page_id.clone(),
            incident_id: Some(i.id.clone()),
            maintenance_id: None,
        }
    }

    /// A change to a maintenance window, filed under its page.
    pub fn of_maintenance(actor: &'a str, m: &Maintenance, now: DateTime<Utc>) -> Change<'a> {
        Change {
            actor,
            now,
            page_id: m.page_id.clone(),
            incident_id: None,
            maintenance_id: Some(m.id.clone()),
        }
    }

    /// A change to a component itself (by hand or by a monitor), filed under its first page.
    pub fn of_component(actor: &'a str, c: &Component, now: DateTime<Utc>) -> Change<'a> {
        Change {
            actor,
            now,
            page_id: c.page_ids.first().cloned().unwrap_or_default(),
            incident_id: None,
            maintenance_id: None,
        }
    }
}

pub(super) fn emit(
    txn: &WriteTransaction,
    ctx: &Change,
    kind: &str,
    update_id: Option<&str>,
    component_ids: Vec<String>,
    notify: bool,
) -> AppResult<()> {
    insert_event(txn, ctx, kind, update_id, component_ids, notify, None)
}

fn insert_event(
    txn: &WriteTransaction,
    ctx: &Change,
    kind: &str,
    update_id: Option<&str>,
    component_ids: Vec<String>,
    notify: bool,
    change: Option<ComponentChange>,
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
        change,
    };
    txn.open_table(tables::EVENTS)?
        .insert(ev.id.as_str(), &ev)?;
    Ok(())
}

/// Sets each component to what still holds it (worst wins, operational when nothing
/// does) and writes a `component.status_changed` event per change.
pub(super) fn recompute(
    txn: &WriteTransaction,
    ctx: &Change,
    ids: &[String],
) -> AppResult<Vec<ComponentChange>> {
    recompute_with(txn, ctx, ids, true)
}

/// `recompute`, saying whether the status changes may notify subscribers.
pub(super) fn recompute_with(
    txn: &WriteTransaction,
    ctx: &Change,
    ids: &[String],
    notify: bool,
) -> AppResult<Vec<ComponentChange>> {
    let incidents: Vec<Incident> = all(&txn.open_table(tables::INCIDENTS)?)?;
    let maints: Vec<Maintenance> = all(&txn.open_table(tables::MAINTENANCE)?)?;
    let mut changes = Vec::new();
    let mut seen = Vec::new();
    for id in ids {
        if seen.contains(id) {
            continue;
        }
        seen.push(id.clone());
        let Some(c) = get::<Component, _>(&txn.open_table(tables::COMPONENTS)?, id)? else {
            continue;
        };
        let new = held_status(id, &incidents, &maints);
        changes.extend(set_status_with(txn, ctx, c, new, notify)?);
    }
    Ok(changes)
}

/// Sets one component's status and writes its `component.status_changed` event;
/// nothing when it already has that status.
pub(super) fn set_status(
    txn: &WriteTransaction,
    ctx: &Change,
    c: Component,
    new: ComponentStatus,
) -> AppResult<Option<ComponentChange>> {
    set_status_with(txn, ctx, c, new, true)
}

fn set_status_with(
    txn: &WriteTransaction,
    ctx: &Change,
    mut c: Component,
    new: ComponentStatus,
    notify: bool,
) -> AppResult<Option<ComponentChange>> {
    if new == c.status {
        return Ok(None);
    }
    let change = ComponentChange {
        id: c.id.clone(),
        name: c.name.clone(),
        old_status: c.status,
        new_status: new,
    };
    c.status = new;
    c.updated_at = ctx.now;
    txn.open_table(tables::COMPONENTS)?
        .insert(c.id.as_str(), &c)?;
    insert_event(
        txn,
        ctx,
        STATUS_CHANGED,
        None,
        vec![c.id],
        notify,
        Some(change.clone()),
    )?;
    Ok(Some(change))
}

impl Store {
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

    /// Every component's published status timeline, by component id, from the
    /// `component.status_changed` events (only published changes write them). Changes made
    /// by an incident that was since deleted are left out: it left public history.
    pub fn status_timelines(&self) -> AppResult<HashMap<String, Timeline>> {
        let txn = self.read()?;
        let components: Vec<Component> = all(&txn.open_table(tables::COMPONENTS)?)?;
        let incidents = txn.open_table(tables::INCIDENTS)?;
        let mut changes: HashMap<String, Vec<StatusChange>> = HashMap::new();
        for row in txn.open_table(tables::EVENTS)?.iter()? {
            let ev = row?.1.value();
            if let Some(id) = &ev.incident_id
                && incidents.get(id.as_str())?.is_none()
            {
                continue;
            }
            if let Some(c) = ev.change.filter(|_| ev.kind == STATUS_CHANGED) {
                changes.entry(c.id).or_default().push(StatusChange {
                    at: ev.at,
                    old: c.old_status,
                    new: c.new_status,
                });
            }
        }
        Ok(components
            .into_iter()
            .map(|c| {
                let tl = Timeline::new(
                    c.created_at,
                    c.status,
                    changes.remove(&c.id).unwrap_or_default(),
                );
                (c.id, tl)
            })
            .collect())
    }
}
