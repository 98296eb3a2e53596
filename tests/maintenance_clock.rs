//! Maintenance transitions driven by an injected clock, against a real data file.

use chrono::{Duration, Utc};
use statusd::domain::{ComponentStatus, MaintenanceStatus, MaintenanceStep};
use statusd::store::{NewComponent, NewMaintenance, Store};

#[test]
fn windows_start_and_complete_on_the_clock() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("s.redb")).unwrap();
    let api = store
        .create_component(NewComponent {
            name: "API".into(),
            ..Default::default()
        })
        .unwrap();
    let t0 = Utc::now() + Duration::hours(1);
    let m = store
        .create_maintenance(
            NewMaintenance {
                title: "Upgrade".into(),
                component_ids: vec![api.id.clone()],
                starts_at: t0,
                ends_at: t0 + Duration::minutes(30),
                notify: true,
                ..Default::default()
            },
            "test",
        )
        .unwrap();
    let status = |s: &Store| {
        (
            s.get_maintenance(&m.id).unwrap().status,
            s.get_component(&api.id).unwrap().status,
        )
    };
    let steps = [
        (
            t0 - Duration::minutes(1),
            vec![],
            (MaintenanceStatus::Scheduled, ComponentStatus::Operational),
        ),
        (
            t0,
            vec![MaintenanceStep::Start],
            (
                MaintenanceStatus::InProgress,
                ComponentStatus::UnderMaintenance,
            ),
        ),
        (
            t0 + Duration::minutes(10),
            vec![],
            (
                MaintenanceStatus::InProgress,
                ComponentStatus::UnderMaintenance,
            ),
        ),
        (
            t0 + Duration::minutes(30),
            vec![MaintenanceStep::Complete],
            (MaintenanceStatus::Completed, ComponentStatus::Operational),
        ),
        (
            t0 + Duration::minutes(90),
            vec![],
            (MaintenanceStatus::Completed, ComponentStatus::Operational),
        ),
    ];
    for (now, want_steps, want) in steps {
        let done: Vec<MaintenanceStep> = store
            .tick_maintenance(now)
            .unwrap()
            .into_iter()
            .map(|(_, s)| s)
            .collect();
        assert_eq!(done, want_steps, "at {now}");
        assert_eq!(status(&store), want, "at {now}");
    }
    let m = store.get_maintenance(&m.id).unwrap();
    let posted: Vec<&str> = m.updates.iter().map(|u| u.status.as_str()).collect();
    assert_eq!(
        posted,
        ["scheduled", "in_progress", "completed"],
        "an update is posted at each step"
    );
    assert!(m.updates.iter().all(|u| u.by == "test" || u.by == "system"));
}

#[test]
fn a_window_missed_entirely_is_completed_without_holding_components() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("s.redb")).unwrap();
    let api = store
        .create_component(NewComponent {
            name: "API".into(),
            ..Default::default()
        })
        .unwrap();
    let t0 = Utc::now() + Duration::minutes(5);
    store
        .create_maintenance(
            NewMaintenance {
                title: "Short".into(),
                component_ids: vec![api.id.clone()],
                starts_at: t0,
                ends_at: t0 + Duration::minutes(1),
                ..Default::default()
            },
            "test",
        )
        .unwrap();
    // The server was down for the whole window: one tick after the end completes it.
    let done = store.tick_maintenance(t0 + Duration::hours(1)).unwrap();
    assert_eq!(done.len(), 1);
    assert_eq!(
        store.get_component(&api.id).unwrap().status,
        ComponentStatus::Operational
    );
}
