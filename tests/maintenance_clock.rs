//! Maintenance transitions driven by an injected clock, against a real data file.

mod common;

use chrono::{Duration, TimeZone, Utc};
use common::store_with_api;
use statusd::domain::{ComponentStatus, MaintenanceStatus, MaintenanceStep};
use statusd::store::{Clock, NewComponent, NewMaintenance, Store};

#[test]
fn windows_start_and_complete_on_the_clock() {
    let (_dir, store, api) = store_with_api();
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
    let (_dir, store, api) = store_with_api();
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

#[test]
fn the_store_dates_everything_by_its_clock() {
    use statusd::domain::IncidentStatus;
    use statusd::store::{MonitorInput, NewIncident, NewUpdate, TestClock};
    use std::sync::Arc;
    let dir = tempfile::tempdir().unwrap();
    let t0 = Utc.with_ymd_and_hms(2031, 3, 1, 9, 0, 0).unwrap();
    let clock = Arc::new(TestClock::new(t0));
    let store = Store::open_with_clock(&dir.path().join("s.redb"), clock.clone()).unwrap();
    let page = store
        .page_by_slug("default")
        .unwrap()
        .expect("the default page");
    assert_eq!(
        page.created_at, t0,
        "the first migration dates the default page"
    );
    let api = store
        .create_component(NewComponent {
            name: "API".into(),
            ..Default::default()
        })
        .unwrap();
    let m = store
        .create_maintenance(
            NewMaintenance {
                title: "Upgrade".into(),
                component_ids: vec![api.id.clone()],
                starts_at: t0 + Duration::hours(1),
                ends_at: t0 + Duration::hours(2),
                ..Default::default()
            },
            "test",
        )
        .unwrap();
    assert_eq!(m.created_at, t0);
    // Nothing is due until the clock reaches the start; then it is dated by the clock.
    clock.advance(Duration::minutes(59));
    assert!(store.tick_maintenance(store.now()).unwrap().is_empty());
    clock.advance(Duration::minutes(1));
    assert_eq!(store.tick_maintenance(store.now()).unwrap().len(), 1);
    let m = store.get_maintenance(&m.id).unwrap();
    assert_eq!(m.started_at, Some(t0 + Duration::hours(1)));
    assert_eq!(
        store.get_component(&api.id).unwrap().status,
        ComponentStatus::UnderMaintenance
    );
    clock.set(t0 + Duration::hours(2));
    store.tick_maintenance(store.now()).unwrap();
    let m = store.get_maintenance(&m.id).unwrap();
    assert_eq!(m.completed_at, Some(t0 + Duration::hours(2)));

    let i = store
        .create_incident(
            NewIncident {
                title: "Slow".into(),
                components: vec![],
                ..Default::default()
            },
            "test",
        )
        .unwrap();
    assert_eq!((i.started_at, i.created_at), (clock.now(), clock.now()));
    clock.advance(Duration::minutes(42));
    let i = store
        .add_incident_update(
            &i.id,
            NewUpdate {
                status: Some(IncidentStatus::Resolved),
                message: "Fixed.".into(),
                ..Default::default()
            },
            "test",
        )
        .unwrap();
    assert_eq!(i.resolved_at, Some(t0 + Duration::minutes(162)));
    assert_eq!(
        i.updates.last().map(|u| u.created_at),
        Some(t0 + Duration::minutes(162))
    );
    let monitor = || MonitorInput {
        name: Some("api".into()),
        kind: Some("tcp".into()),
        target: Some("127.0.0.1:9".into()),
        ..Default::default()
    };
    let m = store.create_monitor(monitor()).unwrap();
    assert_eq!((m.created_at, m.updated_at), (clock.now(), clock.now()));
    clock.advance(Duration::minutes(5));
    let m = store.update_monitor(&m.id, monitor()).unwrap();
    assert_eq!(m.updated_at, t0 + Duration::minutes(167));
}
