//! What needs a person's attention on the admin overview: the rule, with its table test.

use super::{Incident, IncidentState, Maintenance, MaintenanceStatus, Monitor, MonitorState};
use chrono::{DateTime, Duration, Utc};
use std::collections::HashMap;

/// How far ahead a scheduled window counts as "starting soon".
pub const MAINTENANCE_LOOKAHEAD_HOURS: i64 = 24;

/// The overview's "needs attention" list, each part newest or soonest first.
#[derive(Debug, Default)]
pub struct Attention<'a> {
    /// Drafts waiting for Publish or Discard.
    pub drafts: Vec<&'a Incident>,
    /// Published incidents not yet resolved.
    pub open: Vec<&'a Incident>,
    /// Unpaused monitors whose last verdict is down, with their state.
    pub down: Vec<(&'a Monitor, &'a MonitorState)>,
    /// Windows in progress or verifying, then those starting within the lookahead.
    pub maintenance: Vec<&'a Maintenance>,
    /// Notices that gave up; an editor may retry them.
    pub failed_notices: usize,
}

impl Attention<'_> {
    /// Nothing to do: the overview says "All clear".
    pub fn is_clear(&self) -> bool {
        self.drafts.is_empty()
            && self.open.is_empty()
            && self.down.is_empty()
            && self.maintenance.is_empty()
            && self.failed_notices == 0
    }
}

/// Sorts what the team should look at out of everything stored.
pub fn needs_attention<'a>(
    incidents: &'a [Incident],
    monitors: &'a [Monitor],
    states: &'a HashMap<String, MonitorState>,
    maintenance: &'a [Maintenance],
    failed_notices: usize,
    now: DateTime<Utc>,
) -> Attention<'a> {
    let mut drafts: Vec<&Incident> = incidents
        .iter()
        .filter(|i| i.state == IncidentState::Draft)
        .collect();
    drafts.sort_by_key(|i| std::cmp::Reverse(i.created_at));
    let mut open: Vec<&Incident> = incidents.iter().filter(|i| i.is_active()).collect();
    open.sort_by_key(|i| std::cmp::Reverse(i.started_at));
    let down = monitors
        .iter()
        .filter(|m| !m.paused)
        .filter_map(|m| states.get(&m.id).map(|s| (m, s)))
        .filter(|(_, s)| s.up == Some(false))
        .collect();
    let horizon = now
        .checked_add_signed(Duration::hours(MAINTENANCE_LOOKAHEAD_HOURS))
        .unwrap_or(now);
    let mut maint: Vec<&Maintenance> = maintenance
        .iter()
        .filter(|m| {
            m.status.is_active()
                || (m.status == MaintenanceStatus::Scheduled && m.starts_at <= horizon)
        })
        .collect();
    maint.sort_by_key(|m| (!m.status.is_active(), m.starts_at));
    Attention {
        drafts,
        open,
        down,
        maintenance: maint,
        failed_notices,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Impact, IncidentStatus, MonitorKind};
    use chrono::TimeZone;

    fn t(h: i64) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 30, 0, 0, 0).unwrap() + Duration::hours(h)
    }

    fn incident(id: &str, state: IncidentState, status: IncidentStatus) -> Incident {
        serde_json::from_value(serde_json::json!({
            "id": id, "page_id": "p", "title": id, "impact": "major",
            "status": status.as_str(), "state": if state == IncidentState::Draft { "draft" } else { "published" },
            "components": [], "started_at": t(0), "created_at": t(0), "updated_at": t(0), "updates": []
        }))
        .unwrap()
    }

    fn window(id: &str, status: MaintenanceStatus, starts_in_hours: i64) -> Maintenance {
        serde_json::from_value(serde_json::json!({
            "id": id, "page_id": "p", "title": id, "message": "", "component_ids": [],
            "starts_at": t(starts_in_hours), "ends_at": t(starts_in_hours + 2),
            "status": status.as_str(), "created_at": t(0), "updated_at": t(0)
        }))
        .unwrap()
    }

    fn monitor(id: &str, paused: bool) -> Monitor {
        serde_json::from_value(serde_json::json!({
            "id": id, "name": id, "kind": MonitorKind::Tcp.as_str(), "target": "127.0.0.1:1",
            "timeout_ms": 1000, "failure_threshold": 1, "recovery_threshold": 1,
            "on_down": "status", "severity": Impact::Major.as_str(),
            "paused": paused, "created_at": t(0), "updated_at": t(0)
        }))
        .unwrap()
    }

    fn state(up: Option<bool>) -> MonitorState {
        MonitorState {
            up,
            ..Default::default()
        }
    }

    #[test]
    fn sorts_what_needs_a_person() {
        use IncidentState::{Draft, Published};
        use IncidentStatus::{Investigating, Resolved};
        let incidents = vec![
            incident("draft", Draft, Investigating),
            incident("open", Published, Investigating),
            incident("resolved", Published, Resolved),
        ];
        let monitors = vec![
            monitor("down", false),
            monitor("up", false),
            monitor("paused-down", true),
            monitor("unknown", false),
            monitor("no-state", false),
        ];
        let states: HashMap<String, MonitorState> = [
            ("down", state(Some(false))),
            ("up", state(Some(true))),
            ("paused-down", state(Some(false))),
            ("unknown", state(None)),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect();
        let windows = vec![
            window("soon", MaintenanceStatus::Scheduled, 23),
            window("later", MaintenanceStatus::Scheduled, 25),
            window("running", MaintenanceStatus::InProgress, -1),
            window("verifying", MaintenanceStatus::Verifying, -2),
            window("done", MaintenanceStatus::Completed, -5),
        ];
        let a = needs_attention(&incidents, &monitors, &states, &windows, 0, t(0));
        let ids = |v: &[&Incident]| v.iter().map(|i| i.id.clone()).collect::<Vec<_>>();
        assert_eq!(ids(&a.drafts), ["draft"]);
        assert_eq!(ids(&a.open), ["open"]);
        assert_eq!(
            a.down
                .iter()
                .map(|(m, _)| m.id.as_str())
                .collect::<Vec<_>>(),
            ["down"]
        );
        assert_eq!(
            a.maintenance
                .iter()
                .map(|m| m.id.as_str())
                .collect::<Vec<_>>(),
            ["verifying", "running", "soon"],
            "active windows first, then the ones starting within 24 h"
        );
        assert!(!a.is_clear());
    }

    #[test]
    fn nothing_stored_is_all_clear() {
        let states = HashMap::new();
        let resolved = vec![incident(
            "old",
            IncidentState::Published,
            IncidentStatus::Resolved,
        )];
        let a = needs_attention(&resolved, &[], &states, &[], 0, t(0));
        assert!(a.is_clear());
    }
}
