//! A note on a resolved incident stays a note: through the API it neither reopens the
//! incident nor puts its components back into outage; an explicit status does.

mod common;

use common::*;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

#[test]
fn a_note_keeps_a_resolved_incident_resolved() {
    let env = Env::start();
    let post = |path: &str, body: Value| env.server.api_send(Method::POST, path, &env.token, &body);
    let status_of = |id: &str| {
        env.server
            .api_get(&format!("/api/v1/components/{id}"), &env.token)
            .1["status"]
            .clone()
    };
    let (_, api) = post("/api/v1/components", json!({ "name": "API" }));
    let api = api["id"].as_str().unwrap().to_string();
    let (_, inc) = post(
        "/api/v1/incidents",
        json!({ "title": "API down", "impact": "critical", "component_ids": [api], "message": "Looking" }),
    );
    let id = inc["id"].as_str().unwrap().to_string();
    let updates = format!("/api/v1/incidents/{id}/updates");
    let (status, inc) = post(
        &updates,
        json!({ "status": "resolved", "message": "Fixed" }),
    );
    assert_eq!(
        (status, &inc["status"]),
        (StatusCode::CREATED, &json!("resolved"))
    );
    assert_eq!(status_of(&api), "operational");

    let (status, inc) = post(&updates, json!({ "message": "Root cause: a full disk." }));
    assert_eq!(status, StatusCode::CREATED, "{inc}");
    assert_eq!(inc["status"], "resolved", "a note does not reopen: {inc}");
    assert_eq!(
        status_of(&api),
        "operational",
        "a note puts nothing back into outage"
    );

    let (status, err) = post(
        &updates,
        json!({ "message": "Also the DB", "components": [{ "id": api, "status": "major_outage" }] }),
    );
    assert!(status.is_client_error(), "{status} {err}");
    assert!(
        err["error"]["message"].as_str().unwrap().contains("reopen"),
        "{err}"
    );
    assert_eq!(status_of(&api), "operational", "nothing half-done");

    let (status, inc) = post(
        &updates,
        json!({ "status": "identified", "message": "It is back" }),
    );
    assert_eq!(
        (status, &inc["status"]),
        (StatusCode::CREATED, &json!("identified"))
    );
    assert_eq!(
        status_of(&api),
        "major_outage",
        "an explicit status reopens"
    );
}
