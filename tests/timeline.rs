//! The published status timeline: which changes write it (published incidents,
//! maintenance, a component set by hand) and which never do (drafts).

mod common;

use chrono::{Duration, TimeZone, Utc};
use common::*;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use statusd::domain::ComponentStatus::{self, *};
use statusd::domain::{Impact, IncidentStatus};
use statusd::store::{
    AffectedInput, ComponentPatch, NewComponent, NewIncident, NewMaintenance, NewUpdate, Store,
    TestClock,
};
use std::sync::Arc;
use std::time::Instant;

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

/// The `<div class="bars" …>…</div>` of the component row named `name` in `html`.
fn strip<'a>(html: &'a str, name: &str) -> &'a str {
    let row = &html[html
        .find(&format!("data-component=\"{name}\""))
        .unwrap_or_else(|| panic!("no row {name} in {html}"))..];
    let s = &row[row.find("<div class=\"bars\"").expect("bars")..];
    &s[..s.find("</div>").unwrap()]
}

#[test]
fn a_monitor_draft_leaves_public_bars_and_uptime_at_100() {
    let env = Env::start();
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = closed.local_addr().unwrap().port();
    drop(closed);
    let post = |path: &str, body: Value| env.server.api_send(Method::POST, path, &env.token, &body);
    let (_, comp) = post("/api/v1/components", json!({ "name": "Web" }));
    post("/api/v1/components", json!({ "name": "Docs" }));
    let (status, m) = post(
        "/api/v1/monitors",
        json!({ "name": "Web", "kind": "tcp", "target": format!("127.0.0.1:{port}"), "interval_seconds": 1,
                "failure_threshold": 1, "recovery_threshold": 1, "component_id": comp["id"],
                "on_down": "draft", "down_status": "major_outage" }),
    );
    assert_eq!(status, StatusCode::CREATED, "{m}");
    let deadline = Instant::now() + std::time::Duration::from_secs(15);
    while env
        .server
        .api_get("/api/v1/incidents?state=draft", &env.token)
        .1["data"]
        .as_array()
        .unwrap()
        .is_empty()
    {
        assert!(
            Instant::now() < deadline,
            "no draft: {}",
            env.server.stderr()
        );
        std::thread::sleep(std::time::Duration::from_millis(200));
    }
    let (_, html) = text(env.server.get("/"));
    for name in ["Web", "Docs"] {
        let s = strip(&html, name);
        assert_eq!(s.matches("<i").count(), 90, "{name}: {s}");
        assert!(
            s.contains("aria-label=\"90-day uptime 100.00 %\""),
            "{name}: {s}"
        );
        assert!(
            !s.contains("class=\"m\"") && !s.contains("class=\"p\""),
            "{name}: {s}"
        );
    }
    assert!(html.contains("100.00 % uptime"), "the legend");
    assert!(
        !html.contains("Measured by monitoring"),
        "measured uptime is opt-in"
    );
    let (_, uptime) = text(env.server.get("/uptime"));
    let row = &uptime[uptime.find("<tr data-component=\"Web\">").expect("Web row")..];
    let row = &row[..row.find("</tr>").unwrap()];
    assert_eq!(row.matches("<td>100.00 %</td>").count(), 4, "{row}");
    assert!(
        uptime.contains("<tr data-component=\"Docs\">"),
        "every component has a row"
    );
    let (_, sla) = env.server.api_get(
        &format!(
            "/api/v1/reports/sla?component={}",
            comp["id"].as_str().unwrap()
        ),
        &env.token,
    );
    assert_eq!(sla["data"][0]["uptime_percent"], json!(100.0), "{sla}");
    assert_eq!(sla["data"][0]["downtime_minutes"], json!(0.0), "{sla}");
    assert!(
        sla["data"][0]["measured_uptime_percent"].as_f64().unwrap() < 100.0,
        "{sla}"
    );

    // An editor opts in: the measured figure shows beside the published one.
    let (status, c) = env.server.api_send(
        Method::PATCH,
        &format!("/api/v1/components/{}", comp["id"].as_str().unwrap()),
        &env.token,
        &json!({ "show_measured_uptime": true }),
    );
    assert_eq!(
        (status, &c["show_measured_uptime"]),
        (StatusCode::OK, &json!(true)),
        "{c}"
    );
    let (_, html) = text(env.server.get("/"));
    assert!(
        html.contains("Measured by monitoring: 0.00 % over 90 days"),
        "{html}"
    );
    assert!(strip(&html, "Web").contains("aria-label=\"90-day uptime 100.00 %\""));
}

#[test]
fn a_five_minute_partial_outage_shows_in_the_sla_report() {
    let (_dir, data) = temp_data();
    let t0 = Utc.with_ymd_and_hms(2026, 11, 10, 12, 0, 0).unwrap();
    let clock = Arc::new(TestClock::new(t0));
    let store = Store::open_with_clock(&data, clock.clone()).unwrap();
    let api = store
        .create_component(NewComponent {
            name: "API".into(),
            ..Default::default()
        })
        .unwrap();
    let set = |status: &str| {
        store
            .update_component(
                &api.id,
                ComponentPatch {
                    status: Some(status.into()),
                    ..Default::default()
                },
                "editor",
            )
            .unwrap();
    };
    clock.advance(Duration::hours(1));
    set("partial_outage");
    clock.advance(Duration::minutes(5));
    set("operational");
    clock.advance(Duration::hours(1));
    set("under_maintenance");
    clock.advance(Duration::hours(1));
    set("operational");
    drop(store);

    let token = offline_key(&data, "viewer");
    let server = Server::start(&data);
    let (status, sla) = server.api_get("/api/v1/reports/sla?from=2026-11-10&to=2026-11-10", &token);
    assert_eq!(status, StatusCode::OK, "{sla}");
    let row = &sla["data"][0];
    assert_eq!(row["component"], "API");
    assert_eq!(row["partial_outage_minutes"], json!(5.0), "{sla}");
    assert_eq!(row["major_outage_minutes"], json!(0.0), "{sla}");
    assert_eq!(
        row["downtime_minutes"],
        json!(1.5),
        "partial counts at 0.3: {sla}"
    );
    // 12 hours covered (the component began at noon); 90 s of downtime.
    let up = row["uptime_percent"].as_f64().unwrap();
    assert!((up - 100.0 * (1.0 - 90.0 / 43_200.0)).abs() < 1e-6, "{sla}");
    assert_eq!(row["checks"], json!(0), "no monitor, still a figure");
}

#[test]
fn a_deleted_published_incident_leaves_the_timeline() {
    let (_dir, store, api) = store_with_api();
    let outage = store
        .create_incident(
            NewIncident {
                title: "API down".into(),
                impact: Some(Impact::Critical),
                components: vec![AffectedInput {
                    id: api.id.clone(),
                    status: Some(MajorOutage),
                }],
                message: "Looking".into(),
                ..Default::default()
            },
            "editor",
        )
        .unwrap();
    assert_eq!(statuses(&store, &api.id), (Operational, vec![MajorOutage]));
    store.delete_incident(&outage.id, "owner").unwrap();
    assert_eq!(
        statuses(&store, &api.id),
        (Operational, vec![]),
        "neither the outage nor the recovery that deleting it caused"
    );
    let tl = store.status_timelines().unwrap().remove(&api.id).unwrap();
    let now = Utc::now();
    assert_eq!(
        tl.tally(now - Duration::days(1), now).downtime_minutes(),
        0.0
    );
    assert_eq!(store.get_component(&api.id).unwrap().status, Operational);
}
