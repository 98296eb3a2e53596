//! The published status timeline: which changes write it (published incidents,
//! maintenance, a component set by hand) and which never do (drafts).

mod common;

use chrono::{Duration, Utc};
use common::store_with_api;
use statusd::domain::ComponentStatus::{self, *};
use statusd::domain::{Impact, IncidentStatus};
use statusd::store::{AffectedInput, NewIncident, NewMaintenance, NewUpdate, Store};

fn statuses(store: &Store, id: &str) -> (ComponentStatus, Vec<ComponentStatus>) {
    let tl = store.status_timelines().unwrap().remove(id).unwrap();
    (tl.initial, tl.changes.iter().map(|(_, s)| *s).collect())
}

#[test]
fn drafts_never_reach_the_timeline_and_published_changes_do() {
    let (_dir, store, api) = store_with_api();
    let outage = |draft| NewIncident {
        title: "API down".into(),
        impact: Some(Impact::Critical),
        components: vec![AffectedInput {
            id: api.id.clone(),
            status: Some(MajorOutage),
        }],
        message: "Looking".into(),
        draft,
        ..Default::default()
    };
    let draft = store.create_incident(outage(true), "monitor").unwrap();
    assert_eq!(statuses(&store, &api.id), (Operational, vec![]), "a draft");
    store.discard_incident(&draft.id, "editor").unwrap();
    assert_eq!(
        statuses(&store, &api.id),
        (Operational, vec![]),
        "discarded"
    );

    let draft = store.create_incident(outage(true), "monitor").unwrap();
    store.publish_incident(&draft.id, "editor").unwrap();
    assert_eq!(statuses(&store, &api.id), (Operational, vec![MajorOutage]));
    store
        .add_incident_update(
            &draft.id,
            NewUpdate {
                status: Some(IncidentStatus::Resolved),
                message: "Fixed".into(),
                ..Default::default()
            },
            "editor",
        )
        .unwrap();
    assert_eq!(
        statuses(&store, &api.id),
        (Operational, vec![MajorOutage, Operational])
    );

    let m = store
        .create_maintenance(
            NewMaintenance {
                title: "Upgrade".into(),
                component_ids: vec![api.id.clone()],
                starts_at: Utc::now() + Duration::hours(1),
                ends_at: Utc::now() + Duration::hours(2),
                ..Default::default()
            },
            "editor",
        )
        .unwrap();
    store.start_maintenance(&m.id, None, "editor").unwrap();
    store.complete_maintenance(&m.id, None, "editor").unwrap();
    assert_eq!(
        statuses(&store, &api.id),
        (
            Operational,
            vec![MajorOutage, Operational, UnderMaintenance, Operational]
        )
    );
    let tl = store.status_timelines().unwrap().remove(&api.id).unwrap();
    assert!(
        tl.changes.windows(2).all(|w| w[0].0 <= w[1].0),
        "oldest first"
    );
    assert!(tl.since <= tl.changes[0].0);
}
