//! The alert policy's actions carried out by the store against a real data file: all in
//! one transaction, or nothing when one fails.

mod common;

use common::store_with_api;
use statusd::domain::alert::{Action, Direction};
use statusd::domain::{ComponentStatus, IncidentState, Monitor, MonitorState, OnDown};

fn monitor(component: &str, on_down: OnDown) -> Monitor {
    serde_json::from_value(serde_json::json!({
        "id": "m1", "name": "api-check", "kind": "http", "target": "http://127.0.0.1:9/",
        "check": null, "interval_seconds": 60, "cron": null, "timeout_ms": 1000,
        "failure_threshold": 1, "recovery_threshold": 1, "component_id": component,
        "on_down": on_down, "down_status": "partial_outage", "severity": "major",
        "paused": false, "grace_seconds": 0, "heartbeat_token": null,
        "created_at": "2026-11-23T10:00:00Z", "updated_at": "2026-11-23T10:00:00Z",
    }))
    .unwrap()
}

#[test]
fn a_failing_action_rolls_back_the_ones_before_it() {
    let (_dir, store, api) = store_with_api();
    let err = store
        .apply_actions(
            &[
                Action::SetComponentStatus {
                    component_id: api.id.clone(),
                    status: ComponentStatus::MajorOutage,
                },
                Action::ResolveIncident {
                    incident_id: "no-such-incident".into(),
                    message: "Recovered.".into(),
                },
            ],
            "test",
        )
        .unwrap_err();
    assert!(err.to_string().contains("no-such-incident"), "{err}");
    assert_eq!(
        store.get_component(&api.id).unwrap().status,
        ComponentStatus::Operational,
        "the first action was rolled back with the second"
    );
}

#[test]
fn a_draft_opened_on_down_is_discarded_on_recovery() {
    let (_dir, store, api) = store_with_api();
    let m = monitor(&api.id, OnDown::Draft);
    let (st, _) = store
        .apply_monitor_transition(&m, Direction::Down, MonitorState::default(), "timeout")
        .unwrap();
    let id = st.open_incident_id.clone().expect("a draft was opened");
    let draft = store.get_incident(&id).unwrap();
    assert_eq!(draft.state, IncidentState::Draft);
    assert_eq!(draft.title, "API is not responding");
    // A draft holds nothing on the public side.
    assert_eq!(
        store.get_component(&api.id).unwrap().status,
        ComponentStatus::Operational
    );
    // Down again while the draft is open: no second incident.
    let (st, actions) = store
        .apply_monitor_transition(&m, Direction::Down, st, "timeout")
        .unwrap();
    assert!(
        matches!(actions.as_slice(), [Action::Skip { .. }]),
        "{actions:?}"
    );
    assert_eq!(st.open_incident_id.as_deref(), Some(id.as_str()));
    let (st, _) = store
        .apply_monitor_transition(&m, Direction::Up, st, "")
        .unwrap();
    assert_eq!(st.open_incident_id, None);
    assert!(store.get_incident(&id).is_err(), "the draft is gone");
    assert_eq!(
        store
            .monitor_states()
            .unwrap()
            .get("m1")
            .map(|s| s.open_incident_id.clone()),
        Some(None)
    );
}
