//! The alert policy: what a signal going down or coming back up does to components and
//! incidents. A pure function from the facts to a list of actions; the store carries
//! them out in one transaction. Monitors use it today; inbound alerts reuse the actions.

use super::{Component, ComponentStatus, Impact, Incident, IncidentState, Monitor, OnDown};

/// Which way a signal moved.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    Down,
    Up,
}

/// What the policy knows when a signal moves.
#[derive(Debug, Clone, Copy)]
pub struct Facts<'a> {
    /// The component the signal drives, if any.
    pub component: Option<&'a Component>,
    /// The incident this signal opened earlier (draft or published), if it still exists.
    pub incident: Option<&'a Incident>,
    /// An active maintenance window holds the component: an outage is expected.
    pub in_maintenance: bool,
}

/// One decision, carried out by the store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// Sets a component's status directly (status-only policy).
    SetComponentStatus {
        component_id: String,
        status: ComponentStatus,
    },
    /// Sets a component back to what open incidents and maintenance still hold it at
    /// (operational when nothing does).
    RestoreComponent { component_id: String },
    /// Opens an incident, as a draft for review or published at once.
    OpenIncident(NewAlertIncident),
    /// Posts a resolving update on an open published incident.
    ResolveIncident {
        incident_id: String,
        message: String,
    },
    /// Deletes a draft nobody published: the problem went away before review.
    DiscardDraft { incident_id: String },
    /// The source resolved a published incident; a person publishes the resolve update
    /// from the drafts inbox (changes no incident by itself).
    ProposeResolve { incident_id: String },
    /// Nothing to do; the reason is logged.
    Skip { reason: &'static str },
}

/// An incident the policy opens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAlertIncident {
    pub draft: bool,
    /// The page of the component (the default page when none).
    pub page_id: Option<String>,
    pub title: String,
    pub message: String,
    pub impact: Impact,
    pub components: Vec<(String, ComponentStatus)>,
    /// The raw signal, kept on the incident for the team.
    pub source_text: String,
}

/// Decides what a monitor's transition does. `detail` is the last error, for the team.
pub fn decide(m: &Monitor, dir: Direction, facts: &Facts, detail: &str) -> Vec<Action> {
    let comp = facts.component;
    match (dir, m.on_down) {
        (Direction::Down, _) if facts.in_maintenance => vec![Action::Skip {
            reason: "down during maintenance",
        }],
        (Direction::Down, OnDown::Status) => match comp {
            None => vec![Action::Skip {
                reason: "drives no component",
            }],
            Some(c) if c.status.severity() >= m.down_status.severity() => vec![Action::Skip {
                reason: "component already at this status or worse",
            }],
            Some(c) => vec![Action::SetComponentStatus {
                component_id: c.id.clone(),
                status: m.down_status,
            }],
        },
        (Direction::Down, on_down) => {
            if facts.incident.is_some_and(|i| i.status.is_open()) {
                return vec![Action::Skip {
                    reason: "its incident is still open",
                }];
            }
            let what = comp.map_or(m.name.as_str(), |c| c.name.as_str());
            vec![Action::OpenIncident(NewAlertIncident {
                draft: on_down == OnDown::Draft,
                page_id: comp.and_then(|c| c.page_ids.first().cloned()),
                title: format!("{what} is not responding"),
                message: format!(
                    "Our monitoring detected a problem with {what}. We are investigating."
                ),
                impact: m.severity,
                components: comp
                    .map(|c| vec![(c.id.clone(), m.down_status)])
                    .unwrap_or_default(),
                source_text: format!("Monitor {:?} ({}) is down: {detail}", m.name, m.target),
            })]
        }
        (Direction::Up, OnDown::Status) => match comp {
            // Changed by hand (or by an incident) since: leave it to whoever did that.
            Some(c) if c.status == m.down_status => vec![Action::RestoreComponent {
                component_id: c.id.clone(),
            }],
            Some(_) => vec![Action::Skip {
                reason: "component no longer at the down status",
            }],
            None => vec![Action::Skip {
                reason: "drives no component",
            }],
        },
        (Direction::Up, _) => match facts.incident {
            Some(i) if i.state == IncidentState::Draft => vec![Action::DiscardDraft {
                incident_id: i.id.clone(),
            }],
            Some(i) if i.status.is_open() => vec![Action::ResolveIncident {
                incident_id: i.id.clone(),
                message: format!("Monitoring shows {} has recovered.", m.name),
            }],
            Some(_) => vec![Action::Skip {
                reason: "its incident was already resolved",
            }],
            None => vec![Action::Skip {
                reason: "no incident to resolve",
            }],
        },
    }
}

#[cfg(test)]
mod tests {
    use super::Direction::{Down, Up};
    use super::*;
    use crate::domain::{IncidentStatus, MonitorKind};
    use chrono::{TimeZone, Utc};

    fn monitor(on_down: OnDown) -> Monitor {
        let t = Utc.with_ymd_and_hms(2026, 11, 23, 10, 0, 0).unwrap();
        Monitor {
            slug: String::new(),
            managed_by_config: false,
            id: "m".into(),
            name: "api-check".into(),
            kind: MonitorKind::Http,
            target: "http://127.0.0.1/".into(),
            check: serde_json::Value::Null,
            interval_seconds: Some(60),
            cron: None,
            timeout_ms: 1000,
            failure_threshold: 1,
            recovery_threshold: 1,
            component_id: Some("c".into()),
            on_down,
            down_status: ComponentStatus::PartialOutage,
            severity: Impact::Major,
            paused: false,
            grace_seconds: 0,
            heartbeat_token: None,
            created_at: t,
            updated_at: t,
        }
    }

    fn component(status: ComponentStatus) -> Component {
        serde_json::from_value(serde_json::json!({
            "id": "c", "name": "API", "page_ids": ["p"], "status": status,
            "position": 0, "created_at": "2026-11-23T10:00:00Z", "updated_at": "2026-11-23T10:00:00Z",
        }))
        .unwrap()
    }

    fn incident(state: IncidentState, status: IncidentStatus) -> Incident {
        serde_json::from_value(serde_json::json!({
            "id": "i", "page_id": "p", "title": "t", "impact": "major", "status": status,
            "state": state, "components": [], "started_at": "2026-11-23T10:00:00Z",
            "created_at": "2026-11-23T10:00:00Z", "updated_at": "2026-11-23T10:00:00Z",
            "created_by": "monitor:api-check", "updates": [], "history": [],
        }))
        .unwrap()
    }

    /// The component as the signal finds it.
    #[derive(Clone, Copy, Debug)]
    enum Comp {
        /// Operational, nothing holds it.
        Free,
        /// At this monitor's down status (it set it).
        AtDown,
        /// Held worse by another open incident.
        Held,
    }

    /// Short names of the decisions, so the table reads in one look.
    fn short(actions: &[Action]) -> Vec<&'static str> {
        actions
            .iter()
            .map(|a| match a {
                Action::SetComponentStatus { status, .. } => {
                    assert_eq!(*status, ComponentStatus::PartialOutage);
                    "set"
                }
                Action::RestoreComponent { component_id } => {
                    assert_eq!(component_id, "c");
                    "restore"
                }
                Action::OpenIncident(n) if n.draft => "open-draft",
                Action::OpenIncident(_) => "open-published",
                Action::ResolveIncident { incident_id, .. } => {
                    assert_eq!(incident_id, "i");
                    "resolve"
                }
                Action::DiscardDraft { incident_id } => {
                    assert_eq!(incident_id, "i");
                    "discard"
                }
                Action::ProposeResolve { .. } => "propose-resolve",
                Action::Skip { .. } => "skip",
            })
            .collect()
    }

    #[test]
    fn every_policy_direction_maintenance_incident_and_component() {
        use Comp::*;
        use OnDown::{Draft, Publish, Status};
        // (policy, direction, maintenance active, its incident open, component, decision)
        let table: &[(OnDown, Direction, bool, bool, Comp, &str)] = &[
            (Status, Down, false, false, Free, "set"),
            (Status, Down, false, false, Held, "skip"),
            (Status, Down, false, true, Free, "set"),
            (Status, Down, false, true, Held, "skip"),
            (Status, Down, true, false, Free, "skip"),
            (Status, Down, true, false, Held, "skip"),
            (Status, Down, true, true, Free, "skip"),
            (Status, Down, true, true, Held, "skip"),
            (Status, Up, false, false, AtDown, "restore"),
            (Status, Up, false, false, Held, "skip"),
            (Status, Up, false, true, AtDown, "restore"),
            (Status, Up, false, true, Held, "skip"),
            (Status, Up, true, false, AtDown, "restore"),
            (Status, Up, true, false, Held, "skip"),
            (Status, Up, true, true, AtDown, "restore"),
            (Status, Up, true, true, Held, "skip"),
            (Draft, Down, false, false, Free, "open-draft"),
            (Draft, Down, false, false, Held, "open-draft"),
            (Draft, Down, false, true, Free, "skip"),
            (Draft, Down, false, true, Held, "skip"),
            (Draft, Down, true, false, Free, "skip"),
            (Draft, Down, true, false, Held, "skip"),
            (Draft, Down, true, true, Free, "skip"),
            (Draft, Down, true, true, Held, "skip"),
            (Draft, Up, false, false, AtDown, "skip"),
            (Draft, Up, false, false, Held, "skip"),
            (Draft, Up, false, true, AtDown, "discard"),
            (Draft, Up, false, true, Held, "discard"),
            (Draft, Up, true, false, AtDown, "skip"),
            (Draft, Up, true, false, Held, "skip"),
            (Draft, Up, true, true, AtDown, "discard"),
            (Draft, Up, true, true, Held, "discard"),
            (Publish, Down, false, false, Free, "open-published"),
            (Publish, Down, false, false, Held, "open-published"),
            (Publish, Down, false, true, Free, "skip"),
            (Publish, Down, false, true, Held, "skip"),
            (Publish, Down, true, false, Free, "skip"),
            (Publish, Down, true, false, Held, "skip"),
            (Publish, Down, true, true, Free, "skip"),
            (Publish, Down, true, true, Held, "skip"),
            (Publish, Up, false, false, AtDown, "skip"),
            (Publish, Up, false, false, Held, "skip"),
            (Publish, Up, false, true, AtDown, "resolve"),
            (Publish, Up, false, true, Held, "resolve"),
            (Publish, Up, true, false, AtDown, "skip"),
            (Publish, Up, true, false, Held, "skip"),
            (Publish, Up, true, true, AtDown, "resolve"),
            (Publish, Up, true, true, Held, "resolve"),
        ];
        for &(on_down, dir, maint, open, comp, want) in table {
            let m = monitor(on_down);
            let c = component(match comp {
                Free => ComponentStatus::Operational,
                AtDown => ComponentStatus::PartialOutage,
                Held => ComponentStatus::MajorOutage,
            });
            let state = if on_down == Draft {
                IncidentState::Draft
            } else {
                IncidentState::Published
            };
            let i = incident(state, IncidentStatus::Investigating);
            let facts = Facts {
                component: Some(&c),
                incident: open.then_some(&i),
                in_maintenance: maint,
            };
            let got = short(&decide(&m, dir, &facts, "timeout"));
            assert_eq!(
                got,
                vec![want],
                "{on_down:?} {dir:?} maintenance={maint} open={open} {comp:?}"
            );
        }
    }

    #[test]
    fn opened_incidents_carry_the_component_page_and_signal() {
        let c = component(ComponentStatus::Operational);
        let facts = Facts {
            component: Some(&c),
            incident: None,
            in_maintenance: false,
        };
        let got = decide(&monitor(OnDown::Publish), Down, &facts, "timeout");
        let [Action::OpenIncident(n)] = got.as_slice() else {
            panic!("{got:?}");
        };
        assert_eq!(n.title, "API is not responding");
        assert_eq!(n.page_id.as_deref(), Some("p"));
        assert_eq!(n.impact, Impact::Major);
        assert_eq!(
            n.components,
            vec![("c".to_string(), ComponentStatus::PartialOutage)]
        );
        assert!(n.source_text.contains("timeout"), "{}", n.source_text);
    }

    #[test]
    fn without_a_component_or_with_a_resolved_incident() {
        let none = Facts {
            component: None,
            incident: None,
            in_maintenance: false,
        };
        let status = monitor(OnDown::Status);
        assert_eq!(short(&decide(&status, Down, &none, "")), ["skip"]);
        assert_eq!(short(&decide(&status, Up, &none, "")), ["skip"]);
        let got = decide(&monitor(OnDown::Draft), Down, &none, "");
        let [Action::OpenIncident(n)] = got.as_slice() else {
            panic!("{got:?}");
        };
        assert_eq!(
            (n.title.as_str(), n.page_id.as_deref()),
            ("api-check is not responding", None)
        );
        assert!(n.components.is_empty());
        let resolved = incident(IncidentState::Published, IncidentStatus::Resolved);
        let facts = Facts {
            incident: Some(&resolved),
            ..none
        };
        let publish = monitor(OnDown::Publish);
        assert_eq!(short(&decide(&publish, Up, &facts, "")), ["skip"]);
        assert_eq!(
            short(&decide(&publish, Down, &facts, "")),
            ["open-published"]
        );
    }
}
