//! Carries out the alert policy's decisions (`domain::alert`): the facts are read, the
//! policy decides and every action is written in one transaction, or none is.

use super::events::{Change, set_status};
use super::incidents::{NewIncident, NewUpdate, add_update_in, create_incident_in, discard_in};
use super::{AffectedInput, Store, all, get, tables};
use crate::domain::alert::{self, Action, Direction, Facts};
use crate::domain::{
    Component, ComponentStatus, Incident, IncidentStatus, Maintenance, Monitor, MonitorState,
    held_status,
};
use crate::error::{AppError, AppResult};
use chrono::{DateTime, Utc};
use redb::WriteTransaction;

impl Store {
    /// Applies the alert policy to a monitor's transition and stores its new state, in
    /// one transaction. Returns the state and what was decided (for the log).
    pub fn apply_monitor_transition(
        &self,
        m: &Monitor,
        dir: Direction,
        state: MonitorState,
        detail: &str,
    ) -> AppResult<(MonitorState, Vec<Action>)> {
        let actor = format!("monitor:{}", m.name);
        let now = self.now();
        self.write(|txn| {
            let comps = txn.open_table(tables::COMPONENTS)?;
            let component = match m.component_id.as_deref() {
                Some(id) => get::<Component, _>(&comps, id)?,
                None => None,
            };
            drop(comps);
            let incident = match state.open_incident_id.as_deref() {
                Some(id) => get::<Incident, _>(&txn.open_table(tables::INCIDENTS)?, id)?,
                None => None,
            };
            let windows: Vec<Maintenance> = all(&txn.open_table(tables::MAINTENANCE)?)?;
            let in_maintenance = component.as_ref().is_some_and(|c| {
                c.status == ComponentStatus::UnderMaintenance
                    || windows
                        .iter()
                        .any(|w| w.status.is_active() && w.component_ids.contains(&c.id))
            });
            let facts = Facts {
                component: component.as_ref(),
                incident: incident.as_ref(),
                in_maintenance,
            };
            let actions = alert::decide(m, dir, &facts, detail);
            let opened = execute(txn, &actions, &actor, now)?;
            let mut st = state.clone();
            match dir {
                Direction::Down => {
                    if opened.is_some() {
                        st.open_incident_id = opened;
                    }
                }
                Direction::Up => st.open_incident_id = None,
            }
            txn.open_table(tables::MONITOR_STATE)?
                .insert(m.id.as_str(), &st)?;
            Ok((st, actions))
        })
    }

    /// Carries out decided actions in one transaction (inbound alerts use this too).
    /// Returns the id of the incident opened, if one was.
    pub fn apply_actions(&self, actions: &[Action], actor: &str) -> AppResult<Option<String>> {
        let now = self.now();
        self.write(|txn| execute(txn, actions, actor, now))
    }
}

/// Runs each action inside `txn`; the first error rolls the whole transaction back.
pub(super) fn execute(
    txn: &WriteTransaction,
    actions: &[Action],
    actor: &str,
    now: DateTime<Utc>,
) -> AppResult<Option<String>> {
    let mut opened = None;
    for action in actions {
        match action {
            Action::SetComponentStatus {
                component_id,
                status,
            } => set_component(txn, component_id, *status, actor, now)?,
            Action::RestoreComponent { component_id } => {
                let incidents: Vec<Incident> = all(&txn.open_table(tables::INCIDENTS)?)?;
                let windows: Vec<Maintenance> = all(&txn.open_table(tables::MAINTENANCE)?)?;
                let held = held_status(component_id, &incidents, &windows);
                set_component(txn, component_id, held, actor, now)?;
            }
            Action::OpenIncident(n) => {
                let input = NewIncident {
                    page: n.page_id.clone(),
                    title: n.title.clone(),
                    impact: Some(n.impact),
                    components: n
                        .components
                        .iter()
                        .map(|(id, status)| AffectedInput {
                            id: id.clone(),
                            status: Some(*status),
                        })
                        .collect(),
                    message: n.message.clone(),
                    draft: n.draft,
                    notify: true,
                    source_text: Some(n.source_text.clone()),
                    ..Default::default()
                };
                opened = Some(create_incident_in(txn, input, actor, now)?.id);
            }
            Action::ResolveIncident {
                incident_id,
                message,
            } => {
                let update = NewUpdate {
                    status: Some(IncidentStatus::Resolved),
                    message: message.clone(),
                    notify: true,
                    components: None,
                };
                add_update_in(txn, incident_id, update, actor, now)?;
            }
            Action::DiscardDraft { incident_id } => discard_in(txn, incident_id)?,
            // Recorded on the alert's key by the caller; the incident waits for a person.
            Action::ProposeResolve { .. } => {}
            Action::Skip { reason } => tracing::info!(actor, reason, "alert policy: no action"),
        }
    }
    Ok(opened)
}

/// Sets one component's status, with its `component.status_changed` event.
fn set_component(
    txn: &WriteTransaction,
    id: &str,
    status: ComponentStatus,
    actor: &str,
    now: DateTime<Utc>,
) -> AppResult<()> {
    let c: Component = get(&txn.open_table(tables::COMPONENTS)?, id)?
        .ok_or_else(|| AppError::NotFound(format!("component {id}")))?;
    let ctx = Change::of_component(actor, &c, now);
    set_status(txn, &ctx, c, status)?;
    Ok(())
}
