//! Incidents, drafts, maintenance, postmortems, templates and events through the real
//! binary's API, using the product notes' payloads verbatim (ids substituted).

mod common;

use common::*;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use std::time::Duration;

impl Env {
    fn post(&self, path: &str, body: Value) -> (StatusCode, Value) {
        self.server.api_send(Method::POST, path, &self.token, &body)
    }
    fn patch(&self, path: &str, body: Value) -> (StatusCode, Value) {
        self.server
            .api_send(Method::PATCH, path, &self.token, &body)
    }
    fn get(&self, path: &str) -> Value {
        let (status, v) = self.server.api_get(path, &self.token);
        assert_eq!(status, StatusCode::OK, "GET {path}: {v}");
        v
    }
    fn component(&self, name: &str) -> String {
        let (status, c) = self.post("/api/v1/components", json!({ "name": name }));
        assert_eq!(status, StatusCode::CREATED, "{c}");
        c["id"].as_str().unwrap().to_string()
    }
    fn status_of(&self, id: &str) -> String {
        self.get(&format!("/api/v1/components/{id}"))["status"]
            .as_str()
            .unwrap()
            .to_string()
    }
    fn banner(&self) -> String {
        let (_, html) = text(self.server.get("/"));
        let start = html.find("class=\"banner").expect("banner on the page");
        let rest = &html[start..];
        let open = rest.find('>').unwrap() + 1;
        let close = rest[open..].find('<').unwrap();
        rest[open..open + close].to_string()
    }
    fn event_kinds(&self) -> Vec<(String, bool)> {
        self.get("/api/v1/events?limit=1000")["data"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| {
                (
                    e["kind"].as_str().unwrap().to_string(),
                    e["notify"].as_bool().unwrap(),
                )
            })
            .collect()
    }
}

#[test]
fn product_note_001_lifecycle_create_update_resolve() {
    let env = Env::start();
    let api = env.component("API");
    // Seed 001, "Create an incident" — verbatim but for the ids.
    let (status, inc) = env.post(
        "/api/v1/incidents",
        json!({
            "title": "API experiencing elevated error rates",
            "status": "investigating",
            "status_page_id": "default",
            "component_ids": [api],
            "severity": "major"
        }),
    );
    assert_eq!(status, StatusCode::CREATED, "{inc}");
    assert_eq!(
        (
            inc["state"].as_str(),
            inc["impact"].as_str(),
            inc["status"].as_str()
        ),
        (Some("published"), Some("major"), Some("investigating"))
    );
    assert_eq!(inc["component_ids"], json!([api]));
    assert_eq!(
        inc["components"],
        json!([{ "id": api, "status": "partial_outage" }])
    );
    assert!(
        inc["updates"][0]["message"].as_str().unwrap().len() > 5,
        "a default first update is written"
    );
    assert_eq!(env.status_of(&api), "partial_outage");
    assert_eq!(env.banner(), "Partial System Outage");
    let id = inc["id"].as_str().unwrap();

    // "Post an update"
    let (status, inc) = env.post(
        &format!("/api/v1/incidents/{id}/updates"),
        json!({ "status": "identified", "message": "Root cause identified. Fix in progress." }),
    );
    assert_eq!(status, StatusCode::CREATED, "{inc}");
    assert_eq!(inc["status"], "identified");
    assert_eq!(inc["updates"].as_array().unwrap().len(), 2);
    assert_eq!(
        inc["updates"][1]["message"],
        "Root cause identified. Fix in progress."
    );

    // "Resolve"
    let (status, inc) = env.patch(
        &format!("/api/v1/incidents/{id}"),
        json!({ "status": "resolved" }),
    );
    assert_eq!(status, StatusCode::OK, "{inc}");
    assert_eq!(inc["status"], "resolved");
    assert!(inc["resolved_at"].is_string());
    assert_eq!(env.status_of(&api), "operational");
    assert_eq!(env.banner(), "All Systems Operational");
    let changes = &inc["updates"][2]["component_changes"][0];
    assert_eq!(
        (
            changes["old_status"].as_str(),
            changes["new_status"].as_str()
        ),
        (Some("partial_outage"), Some("operational"))
    );

    // One event per change, in order, in the durable events table.
    let kinds: Vec<String> = env.event_kinds().into_iter().map(|(k, _)| k).collect();
    assert_eq!(
        kinds,
        [
            "component.status_changed",
            "incident.published",
            "incident.updated",
            "component.status_changed",
            "incident.resolved"
        ]
    );
}

#[test]
fn product_note_003_alert_payload_becomes_a_draft_then_one_click_publish() {
    let env = Env::start();
    let api = env.component("API");
    // Seed 003, the "smarter setup" webhook body, verbatim but for the ids.
    let (status, inc) = env.post(
        "/api/v1/incidents",
        json!({
            "title": "API health check failing",
            "status_page_id": "default",
            "severity": "major",
            "affected_component_ids": [api],
            "raw_input": "Monitor 'api-health' is DOWN. HTTP 503 on /api/health. Duration: 5 minutes.",
            "generate_ai_update": true
        }),
    );
    assert_eq!(status, StatusCode::CREATED, "{inc}");
    assert_eq!(inc["state"], "draft");
    let id = inc["id"].as_str().unwrap().to_string();
    // Drafts are invisible: no status change, not in the public summary or page.
    assert_eq!(env.status_of(&api), "operational");
    assert_eq!(env.banner(), "All Systems Operational");
    let (_, page) = text(env.server.get("/"));
    assert!(
        !page.contains("API health check failing"),
        "a draft leaked onto the public page"
    );
    assert!(env.event_kinds().is_empty(), "a draft emits no event");
    let drafts = env.get("/api/v1/incidents?state=draft");
    assert_eq!(drafts["data"].as_array().unwrap().len(), 1);
    // The raw alert for the team, and why no AI wrote the proposed text.
    let source = drafts["data"][0]["source_text"].as_str().unwrap();
    assert!(
        source.starts_with(
            "Monitor 'api-health' is DOWN. HTTP 503 on /api/health. Duration: 5 minutes."
        ),
        "{source}"
    );
    assert!(source.contains("no ai_url configured"), "{source}");

    // The minimal seed-003 body (title + page + severity) with draft: true, then discarded.
    let (status, other) = env.post("/api/v1/incidents", json!({ "title": "API health check failing", "status_page_id": "default", "severity": "major", "draft": true }));
    assert_eq!(status, StatusCode::CREATED);
    let discard = env
        .server
        .api(
            Method::POST,
            &format!(
                "/api/v1/incidents/{}/discard",
                other["id"].as_str().unwrap()
            ),
            &env.token,
        )
        .send()
        .unwrap();
    assert_eq!(discard.status(), StatusCode::NO_CONTENT);

    let (status, inc) = env.post(&format!("/api/v1/incidents/{id}/publish"), json!({}));
    assert_eq!(status, StatusCode::OK, "{inc}");
    assert_eq!(inc["state"], "published");
    assert_eq!(env.status_of(&api), "partial_outage");
    assert_eq!(env.banner(), "Partial System Outage");
    let (status, err) = json(
        env.server
            .api(
                Method::POST,
                &format!("/api/v1/incidents/{id}/discard"),
                &env.token,
            )
            .send()
            .unwrap(),
    );
    assert_eq!(
        status,
        StatusCode::CONFLICT,
        "a published incident cannot be discarded: {err}"
    );
    assert_eq!(
        env.get("/api/v1/incidents?state=draft")["data"]
            .as_array()
            .unwrap()
            .len(),
        0
    );
    let kinds: Vec<String> = env.event_kinds().into_iter().map(|(k, _)| k).collect();
    assert_eq!(kinds, ["component.status_changed", "incident.published"]);
}

#[test]
fn bad_input_names_the_field() {
    let env = Env::start();
    let api = env.component("API");
    let cases: Vec<(Value, StatusCode, &str)> = vec![
        (json!({ "title": "" }), StatusCode::BAD_REQUEST, "title"),
        (
            json!({ "title": "x".repeat(201) }),
            StatusCode::BAD_REQUEST,
            "title",
        ),
        (
            json!({ "title": "t", "severity": "apocalyptic" }),
            StatusCode::BAD_REQUEST,
            "severity",
        ),
        (
            json!({ "title": "t", "status": "panicking" }),
            StatusCode::BAD_REQUEST,
            "status",
        ),
        (
            json!({ "title": "t", "component_ids": [api, "comp_nope", "comp_gone"] }),
            StatusCode::UNPROCESSABLE_ENTITY,
            "component_ids",
        ),
        (
            json!({ "title": "t", "status_page_id": "sp_abc123" }),
            StatusCode::UNPROCESSABLE_ENTITY,
            "status_page_id",
        ),
        (
            json!({ "title": "t", "colour": "red" }),
            StatusCode::BAD_REQUEST,
            "colour",
        ),
        (
            json!({ "title": "t", "components": [{ "id": api, "status": "on_fire" }] }),
            StatusCode::BAD_REQUEST,
            "components.status",
        ),
    ];
    for (body, want, field) in cases {
        let (status, err) = env.post("/api/v1/incidents", body.clone());
        assert_eq!(status, want, "{body} → {err}");
        assert_eq!(err["error"]["field"], field, "{body} → {err}");
    }
    let (_, err) = env.post(
        "/api/v1/incidents",
        json!({ "title": "t", "component_ids": ["comp_nope", "comp_gone"] }),
    );
    let msg = err["error"]["message"].as_str().unwrap();
    assert!(
        msg.contains("comp_nope") && msg.contains("comp_gone"),
        "422 lists every unknown id: {msg}"
    );
    // Nothing half-written: no incident, no event, component untouched.
    assert!(
        env.get("/api/v1/incidents")["data"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    assert!(env.event_kinds().is_empty());
    assert_eq!(env.status_of(&api), "operational");
    // Capitalized severity and the `impact` synonym are accepted.
    for body in [
        json!({ "title": "a", "severity": "Critical", "component_ids": [api] }),
        json!({ "title": "b", "impact": "Minor" }),
    ] {
        let (status, inc) = env.post("/api/v1/incidents", body);
        assert_eq!(status, StatusCode::CREATED, "{inc}");
    }
    assert_eq!(env.status_of(&api), "major_outage");
}

#[test]
fn overlapping_incidents_and_maintenance_worst_wins_and_resolve_restores() {
    let env = Env::start();
    let api = env.component("API");
    let db = env.component("Database");
    let (_, a) = env.post(
        "/api/v1/incidents",
        json!({ "title": "Slow API", "severity": "minor", "component_ids": [api] }),
    );
    let (_, b) = env.post(
        "/api/v1/incidents",
        json!({ "title": "API down", "severity": "critical", "component_ids": [api, db] }),
    );
    assert_eq!(
        (env.status_of(&api), env.status_of(&db)),
        ("major_outage".into(), "major_outage".into())
    );
    // Editor override for one component.
    let (_, _) = env.post(&format!("/api/v1/incidents/{}/updates", b["id"].as_str().unwrap()), json!({ "status": "identified", "message": "DB is fine", "components": [{ "id": api }, { "id": db, "status": "degraded_performance" }] }));
    assert_eq!(env.status_of(&db), "degraded_performance");
    // Resolving the critical one leaves the minor one holding the API.
    env.patch(
        &format!("/api/v1/incidents/{}", b["id"].as_str().unwrap()),
        json!({ "status": "resolved" }),
    );
    assert_eq!(
        (env.status_of(&api), env.status_of(&db)),
        ("degraded_performance".into(), "operational".into())
    );
    // Maintenance on the API while the minor incident is open: the incident's status wins.
    let (status, m) = env.post(
        "/api/v1/maintenance",
        json!({ "title": "Deploy", "duration_minutes": 15, "component_ids": [api] }),
    );
    assert_eq!(status, StatusCode::CREATED, "{m}");
    assert_eq!(
        m["status"], "in_progress",
        "a window starting now is in progress at once"
    );
    assert_eq!(env.status_of(&api), "degraded_performance");
    env.patch(
        &format!("/api/v1/incidents/{}", a["id"].as_str().unwrap()),
        json!({ "status": "resolved", "message": "Fixed." }),
    );
    assert_eq!(
        env.status_of(&api),
        "under_maintenance",
        "resolved during maintenance: back to maintenance"
    );
    assert_eq!(env.banner(), "Service Under Maintenance");
    let (status, m) = env.post(
        &format!("/api/v1/maintenance/{}/complete", m["id"].as_str().unwrap()),
        json!({}),
    );
    assert_eq!(status, StatusCode::OK, "{m}");
    assert_eq!(m["status"], "completed");
    assert_eq!(env.status_of(&api), "operational");
    assert_eq!(env.banner(), "All Systems Operational");
}

#[test]
fn maintenance_for_a_deploy_pipeline_and_future_windows() {
    let env = Env::start();
    let api = env.component("API");
    let start_at = chrono::Utc::now() + chrono::Duration::hours(2);
    let (status, m) = env.post(
        "/api/v1/maintenance",
        json!({ "title": "DB upgrade", "message": "Expect a short blip.", "component_ids": [api], "starts_at": start_at.to_rfc3339(), "ends_at": (start_at + chrono::Duration::hours(1)).to_rfc3339() }),
    );
    assert_eq!(status, StatusCode::CREATED, "{m}");
    assert_eq!(m["status"], "scheduled");
    assert_eq!(env.status_of(&api), "operational");
    let id = m["id"].as_str().unwrap();
    // Extend, then start early, then complete early.
    let (status, m) = env.patch(
        &format!("/api/v1/maintenance/{id}"),
        json!({ "ends_at": (start_at + chrono::Duration::hours(3)).to_rfc3339() }),
    );
    assert_eq!(status, StatusCode::OK, "{m}");
    let (_, m) = env.post(&format!("/api/v1/maintenance/{id}/start"), json!({}));
    assert_eq!(m["status"], "in_progress");
    assert_eq!(env.status_of(&api), "under_maintenance");
    let (_, m) = env.post(
        &format!("/api/v1/maintenance/{id}/complete"),
        json!({ "message": "Done early." }),
    );
    assert_eq!(m["status"], "completed");
    assert_eq!(
        m["updates"].as_array().unwrap().len(),
        3,
        "posted, started, completed"
    );
    assert_eq!(m["updates"][2]["message"], "Done early.");
    let (status, err) = env.post(&format!("/api/v1/maintenance/{id}/start"), json!({}));
    assert_eq!(status, StatusCode::CONFLICT, "{err}");
    let cases = [
        (
            json!({ "title": "x", "duration_minutes": 0 }),
            "duration_minutes",
        ),
        (json!({ "title": "x" }), "ends_at"),
        (
            json!({ "title": "x", "starts_at": start_at.to_rfc3339(), "ends_at": (start_at - chrono::Duration::hours(1)).to_rfc3339() }),
            "ends_at",
        ),
        (
            json!({ "title": "x", "duration_minutes": 5, "component_ids": ["nope"] }),
            "component_ids",
        ),
    ];
    for (body, field) in cases {
        let (status, err) = env.post("/api/v1/maintenance", body.clone());
        assert!(status.is_client_error(), "{body} → {status}");
        assert_eq!(err["error"]["field"], field, "{body} → {err}");
    }
    let kinds: Vec<(String, bool)> = env
        .event_kinds()
        .into_iter()
        .filter(|(k, _)| k.starts_with("maintenance"))
        .collect();
    let names: Vec<&str> = kinds.iter().map(|(k, _)| k.as_str()).collect();
    assert_eq!(
        names,
        [
            "maintenance.posted",
            "maintenance.started",
            "maintenance.completed"
        ]
    );
}

#[test]
fn updates_are_edited_and_deleted_with_history_and_postmortem_published() {
    let env = Env::start();
    let api = env.component("API");
    let (_, inc) = env.post("/api/v1/incidents", json!({ "title": "Errors", "severity": "major", "component_ids": [api], "message": "We are lookng into it." }));
    let id = inc["id"].as_str().unwrap().to_string();
    let first = inc["updates"][0]["id"].as_str().unwrap().to_string();
    let (status, inc) = env.patch(
        &format!("/api/v1/incidents/{id}/updates/{first}"),
        json!({ "message": "We are looking into it." }),
    );
    assert_eq!(status, StatusCode::OK, "{inc}");
    assert_eq!(inc["updates"][0]["message"], "We are looking into it.");
    let (_, inc) = env.post(
        &format!("/api/v1/incidents/{id}/updates"),
        json!({ "status": "monitoring", "message": "oops wrong incident" }),
    );
    let second = inc["updates"][1]["id"].as_str().unwrap().to_string();
    let (status, inc) = env.server.api_send(
        Method::DELETE,
        &format!("/api/v1/incidents/{id}/updates/{second}"),
        &env.token,
        &json!({}),
    );
    assert_eq!(status, StatusCode::OK, "{inc}");
    assert_eq!(inc["updates"].as_array().unwrap().len(), 1);
    let history: Vec<String> = inc["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| {
            format!(
                "{} {}",
                h["by"].as_str().unwrap(),
                h["action"].as_str().unwrap()
            )
        })
        .collect();
    assert!(
        history
            .iter()
            .any(|h| h.starts_with("key:ci edited update")),
        "{history:?}"
    );
    assert!(
        history
            .iter()
            .any(|h| h.contains("deleted update") && h.contains("oops wrong incident")),
        "{history:?}"
    );

    let pm = json!({ "summary": "Pool exhausted", "root_cause": "Too few connections", "impact": "5% of requests failed", "resolution": "Raised the pool", "timeline": "10:00 alert", "action_items": [{ "text": "Alert on pool usage", "owner": "ana", "done": false }] });
    let (status, err) = env.server.api_send(
        Method::PUT,
        &format!("/api/v1/incidents/{id}/postmortem"),
        &env.token,
        &pm,
    );
    assert_eq!(
        status,
        StatusCode::CONFLICT,
        "postmortem needs a resolved incident: {err}"
    );
    env.patch(
        &format!("/api/v1/incidents/{id}"),
        json!({ "status": "resolved" }),
    );
    let (status, saved) = env.server.api_send(
        Method::PUT,
        &format!("/api/v1/incidents/{id}/postmortem"),
        &env.token,
        &pm,
    );
    assert_eq!(status, StatusCode::OK, "{saved}");
    assert_eq!(saved["action_items"][0]["owner"], "ana");
    assert!(saved["published_at"].is_null());
    let (status, inc) = env.post(
        &format!("/api/v1/incidents/{id}/postmortem/publish"),
        json!({}),
    );
    assert_eq!(status, StatusCode::OK, "{inc}");
    assert_eq!(inc["status"], "postmortem");
    assert!(
        env.event_kinds()
            .iter()
            .any(|(k, n)| k == "postmortem.published" && *n)
    );
}

#[test]
fn templates_fill_placeholders_and_editors_cannot_mint_keys() {
    let env = Env::start();
    let api = env.component("Payments API");
    let (status, t) = env.post(
        "/api/v1/templates",
        json!({ "name": "Degraded", "body": "{{component}} is {{status}} since {{start}}." }),
    );
    assert_eq!(status, StatusCode::CREATED, "{t}");
    let (status, dup) = env.post(
        "/api/v1/templates",
        json!({ "name": "degraded", "body": "x" }),
    );
    assert_eq!(
        (status, dup["error"]["field"].as_str()),
        (StatusCode::BAD_REQUEST, Some("name"))
    );
    let (_, inc) = env.post("/api/v1/incidents", json!({ "title": "Slow payments", "severity": "minor", "component_ids": [api], "template_id": t["id"] }));
    let msg = inc["updates"][0]["message"].as_str().unwrap();
    assert!(
        msg.starts_with("Payments API is investigating since 20"),
        "{msg}"
    );
    let (status, err) = env.post(
        "/api/v1/incidents",
        json!({ "title": "x", "template_id": "nope" }),
    );
    assert_eq!(
        (status, err["error"]["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("template_id"))
    );

    // A viewer key reads but cannot write anything here.
    let (status, key) = env.server.api_send(
        Method::POST,
        "/api/v1/keys",
        &env.token,
        &json!({ "name": "v", "role": "viewer" }),
    );
    assert_eq!(
        status,
        StatusCode::FORBIDDEN,
        "editors cannot mint keys: {key}"
    );
}

#[test]
fn cli_client_commands_drive_incidents_over_the_api() {
    let env = Env::start();
    let api = env.component("API");
    let url = env.server.url("");
    let envs = [
        ("STATUSD_URL", url.trim_end_matches('/')),
        ("STATUSD_TOKEN", env.token.as_str()),
    ];
    let t = Duration::from_secs(15);
    let out = run_cli(
        &[
            "incident",
            "create",
            "--title",
            "Checkout errors",
            "--severity",
            "critical",
            "--component",
            &api,
            "--message",
            "Looking.",
        ],
        None,
        &envs,
        t,
    );
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    let id = out.stdout.trim().to_string();
    assert_eq!(env.status_of(&api), "major_outage");
    let out = run_cli(
        &[
            "incident",
            "update",
            &id,
            "--status",
            "monitoring",
            "--message",
            "Fix deployed.",
        ],
        None,
        &envs,
        t,
    );
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    let out = run_cli(&["incident", "list"], None, &envs, t);
    assert!(
        out.stdout.contains("monitoring") && out.stdout.contains("Checkout errors"),
        "{}",
        out.stdout
    );
    let out = run_cli(&["incident", "resolve", &id], None, &envs, t);
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    assert_eq!(env.status_of(&api), "operational");
    let out = run_cli(
        &[
            "maintenance",
            "create",
            "--title",
            "Deploy",
            "--minutes",
            "15",
            "--component",
            &api,
        ],
        None,
        &envs,
        t,
    );
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    assert_eq!(env.status_of(&api), "under_maintenance");
    let out = run_cli(
        &["maintenance", "complete", out.stdout.trim()],
        None,
        &envs,
        t,
    );
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    let out = run_cli(
        &["component", "set-status", &api, "degraded_performance"],
        None,
        &envs,
        t,
    );
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    assert_eq!(env.status_of(&api), "degraded_performance");
    let out = run_cli(
        &["component", "set-status", &api, "sideways"],
        None,
        &envs,
        t,
    );
    assert_eq!(
        out.code,
        Some(2),
        "a rejected request is a usage error: {}",
        out.stderr
    );
    assert!(out.stderr.contains("sideways"), "{}", out.stderr);
}

#[test]
fn a_manual_status_change_is_one_event_with_old_and_new_status() {
    let env = Env::start();
    let api = env.component("API");
    let path = format!("/api/v1/components/{api}");
    let (status, c) = env.patch(&path, json!({ "name": "Public API" }));
    assert_eq!(status, StatusCode::OK, "{c}");
    assert!(
        env.event_kinds().is_empty(),
        "a rename is not a status change"
    );

    let (status, c) = env.patch(&path, json!({ "status": "major_outage" }));
    assert_eq!(status, StatusCode::OK, "{c}");
    assert_eq!(env.status_of(&api), "major_outage");
    let (status, _) = env.patch(&path, json!({ "status": "major_outage" }));
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        env.event_kinds(),
        [("component.status_changed".to_string(), true)],
        "setting the same status again writes nothing"
    );
    let ev = &env.get("/api/v1/events?limit=10")["data"][0];
    assert_eq!(ev["component_ids"], json!([api]));
    assert_eq!(ev["change"]["name"], "Public API");
    assert_eq!(
        (&ev["change"]["old_status"], &ev["change"]["new_status"]),
        (&json!("operational"), &json!("major_outage"))
    );
    assert!(env.banner().contains("Major"), "{}", env.banner());
}
