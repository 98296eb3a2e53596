//! The audit log through the real binary: admin forms and API keys leave entries with
//! actor, action, object, summary and client address; secrets never reach it; only owners
//! read it. Retention and backups through the store with a test clock.

mod common;

use common::*;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

const OWNER: &str = "owner@example.com";
const OWNER_PW: &str = "owner password 1";

struct Ctx {
    _dir: tempfile::TempDir,
    server: Server,
    owner: reqwest::blocking::Client,
    owner_key: String,
}

fn start() -> Ctx {
    let (dir, data) = temp_data();
    let server = Server::start(&data);
    let owner = server.setup_owner(OWNER, OWNER_PW);
    let owner_key = server.api_key(&owner, "owner");
    Ctx {
        _dir: dir,
        server,
        owner,
        owner_key,
    }
}

/// Every entry matching `query`, newest first, as the raw JSON text and parsed.
fn audit(c: &Ctx, query: &str) -> (String, Vec<Value>) {
    let resp = c
        .server
        .api(Method::GET, &format!("/api/v1/audit?{query}"), &c.owner_key)
        .send()
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    let raw = resp.text().unwrap();
    let v: Value = serde_json::from_str(&raw).unwrap();
    (raw, v["data"].as_array().unwrap().clone())
}

/// The newest entry with this action; panics naming what the log holds otherwise.
fn entry(c: &Ctx, action: &str) -> Value {
    let (_, all) = audit(c, &format!("action={action}&limit=500"));
    all.into_iter()
        .find(|e| e["action"] == action)
        .unwrap_or_else(|| {
            let (_, all) = audit(c, "limit=500");
            let names: Vec<_> = all.iter().map(|e| e["action"].clone()).collect();
            panic!("no {action} entry; the log has {names:?}")
        })
}

fn assert_entry(e: &Value, actor: &str, kind: &str, object_id: &str, summary_has: &str) {
    assert_eq!(e["actor"], actor, "{e}");
    assert_eq!(e["actor_kind"], kind, "{e}");
    assert_eq!(e["object_id"], object_id, "{e}");
    assert_eq!(e["client"], "127.0.0.1", "{e}");
    assert!(
        e["summary"].as_str().unwrap().contains(summary_has),
        "summary has {summary_has:?}: {e}"
    );
    assert!(
        e["at"].as_str().is_some() && e["id"].as_str().is_some(),
        "{e}"
    );
}

#[test]
fn admin_form_changes_are_audited() {
    let c = start();
    let setup = entry(&c, "auth.setup");
    assert_eq!(setup["actor"], OWNER);
    assert!(!audit(&c, "limit=500").0.contains(OWNER_PW));

    let resp = c.server.post_form(
        &c.owner,
        "/admin/incidents",
        &[
            ("title", "Checkout errors"),
            ("status", "investigating"),
            ("impact", "major"),
            ("message", "Looking."),
        ],
    );
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    let id = location(&resp).rsplit('/').next().unwrap().to_string();
    let created = entry(&c, "incident.create");
    assert_entry(&created, OWNER, "user", &id, "title=Checkout errors");
    assert_eq!(created["object_kind"], "incident");
    assert_eq!(created["route"], "POST /admin/incidents");

    let resp = c.server.post_form(
        &c.owner,
        &format!("/admin/incidents/{id}"),
        &[("title", "Checkout errors in EU"), ("impact", "minor")],
    );
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    assert_entry(
        &entry(&c, "incident.update"),
        OWNER,
        "user",
        &id,
        "impact=minor",
    );

    let resp = c
        .server
        .post_form(&c.owner, &format!("/admin/incidents/{id}/delete"), &[]);
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    assert_entry(&entry(&c, "incident.delete"), OWNER, "user", &id, "");

    // A role change says before → after; the new user's password never shows.
    let pw = "viewer secret pass 9";
    let resp = c.server.post_form(
        &c.owner,
        "/admin/users",
        &[
            ("email", "vic@example.com"),
            ("password", pw),
            ("role", "viewer"),
        ],
    );
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    let (_, users) = text(c.owner.get(c.server.url("/admin/users")).send().unwrap());
    let vic = users
        .split(r#"data-user="vic@example.com""#)
        .nth(1)
        .and_then(|row| row.split("/admin/users/").nth(1))
        .and_then(|s| s.split('/').next())
        .expect("vic's id on the users page")
        .to_string();
    let resp = c.server.post_form(
        &c.owner,
        &format!("/admin/users/{vic}/role"),
        &[("role", "editor")],
    );
    let (status, body) = text(resp);
    assert_eq!(status, StatusCode::SEE_OTHER, "{body}");
    let role = entry(&c, "user.role");
    assert_entry(&role, OWNER, "user", &vic, "role viewer → editor");
    let (raw, _) = audit(&c, "limit=500");
    assert!(!raw.contains(pw), "a password reached the log");
    assert!(
        entry(&c, "user.create")["summary"]
            .as_str()
            .unwrap()
            .contains("password")
    );

    // Owners see it in admin, filtered; the page names each column's value.
    let (status, page) = text(
        c.owner
            .get(c.server.url("/admin/audit?action=user.role"))
            .send()
            .unwrap(),
    );
    assert_eq!(status, StatusCode::OK, "{page}");
    assert!(
        page.contains("user.role") && page.contains("role viewer → editor"),
        "{page}"
    );
    assert!(
        !page.contains("incident.create"),
        "the filter applies: {page}"
    );
    assert!(page.contains(r#"href="/admin/audit""#), "in the nav");
    let (status, page) = text(
        c.owner
            .get(c.server.url("/admin/audit?since=last+week"))
            .send()
            .unwrap(),
    );
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        page.contains("err-since") && page.contains("RFC 3339"),
        "{page}"
    );
}

#[test]
fn api_key_changes_are_audited_and_secrets_stay_out() {
    let c = start();
    let editor = c
        .server
        .api_key_via_api(&c.owner_key, "ci-editor", "editor");
    let editor_token = editor["token"].as_str().unwrap().to_string();
    let editor_id = editor["id"].as_str().unwrap().to_string();
    let made = entry(&c, "key.create");
    let owner_key_name = made["actor"].as_str().unwrap().to_string();
    assert!(owner_key_name.starts_with("test-owner"), "{made}");
    assert_entry(
        &made,
        &owner_key_name,
        "key",
        &editor_id,
        "name=ci-editor, role=editor",
    );

    let (status, inc) = c.server.api_send(
        Method::POST,
        "/api/v1/incidents",
        &editor_token,
        &json!({"title": "API down", "status": "investigating", "impact": "critical"}),
    );
    assert_eq!(status, StatusCode::CREATED, "{inc}");
    let id = inc["id"].as_str().unwrap().to_string();
    let created = entry(&c, "incident.create");
    assert_entry(&created, "ci-editor", "key", &id, "status=investigating");
    assert_eq!(created["actor_id"], editor_id.as_str());
    assert_eq!(created["object_name"], "API down");

    let (status, _) = c.server.api_send(
        Method::PATCH,
        &format!("/api/v1/incidents/{id}"),
        &editor_token,
        &json!({"title": "API down in EU"}),
    );
    assert!(status.is_success());
    assert_entry(
        &entry(&c, "incident.update"),
        "ci-editor",
        "key",
        &id,
        "title=API down in EU",
    );
    // Deleting a published incident needs an owner: the editor's try is refused, and logged.
    let (status, body) = c.server.api_send(
        Method::DELETE,
        &format!("/api/v1/incidents/{id}"),
        &editor_token,
        &json!({}),
    );
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    let refused = entry(&c, "auth.refused");
    assert_eq!(refused["route"], "DELETE /api/v1/incidents/{id}");
    assert_eq!(refused["object_id"], id.as_str());
    assert_eq!(refused["actor"], "ci-editor");
    let status = c
        .server
        .api(
            Method::DELETE,
            &format!("/api/v1/incidents/{id}"),
            &c.owner_key,
        )
        .send()
        .unwrap()
        .status();
    assert!(status.is_success(), "{status}");
    assert_entry(
        &entry(&c, "incident.delete"),
        &owner_key_name,
        "key",
        &id,
        "",
    );

    // Revoking a key; the token of none of them is in the log.
    let status = c
        .server
        .api(
            Method::DELETE,
            &format!("/api/v1/keys/{editor_id}"),
            &c.owner_key,
        )
        .send()
        .unwrap()
        .status();
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert_entry(
        &entry(&c, "key.revoke"),
        &owner_key_name,
        "key",
        &editor_id,
        "",
    );
    let (raw, _) = audit(&c, "limit=500");
    for secret in [&editor_token, &c.owner_key] {
        assert!(!raw.contains(secret.as_str()), "a token reached the log");
    }

    // Refusals: a revoked key, a viewer and an editor asking for the log.
    let status = c
        .server
        .api(Method::GET, "/api/v1/incidents", &editor_token)
        .send()
        .unwrap()
        .status();
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let viewer = c.server.api_key_via_api(&c.owner_key, "ro", "viewer");
    let editor2 = c.server.api_key_via_api(&c.owner_key, "rw", "editor");
    for k in [&viewer, &editor2] {
        let (status, body) = c
            .server
            .api_get("/api/v1/audit", k["token"].as_str().unwrap());
        assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    }
    let refused = entry(&c, "auth.refused");
    assert_eq!(refused["route"], "GET /api/v1/audit");
    assert_eq!(refused["actor"], "rw");
    assert_eq!(refused["status"], 403);

    // A failed sign-in names the address tried, never the password.
    let (resp, _) = c.server.try_login(OWNER, "wrong guess 12345");
    assert_eq!(resp.status(), StatusCode::UNAUTHORIZED);
    let failed = entry(&c, "auth.signin_failed");
    assert_eq!(failed["actor"], OWNER);
    assert!(!audit(&c, "limit=500").0.contains("wrong guess 12345"));
}

#[test]
fn filters_and_pages() {
    let c = start();
    for n in 0..5 {
        let (status, _) = c.server.api_send(
            Method::POST,
            "/api/v1/components",
            &c.owner_key,
            &json!({"name": format!("C{n}")}),
        );
        assert_eq!(status, StatusCode::CREATED);
    }
    let (_, first) = audit(&c, "action=component.&limit=2");
    assert_eq!(first.len(), 2);
    assert_eq!(first[0]["object_name"], "C4", "newest first");
    let v = c
        .server
        .api_get("/api/v1/audit?action=component.&limit=2", &c.owner_key)
        .1;
    let cursor = v["next_cursor"].as_str().expect("a next page").to_string();
    let (_, second) = audit(&c, &format!("action=component.&limit=2&cursor={cursor}"));
    assert_eq!(second[0]["object_name"], "C2");
    let (_, by_object) = audit(
        &c,
        &format!("object={}", first[1]["object_id"].as_str().unwrap()),
    );
    assert_eq!(by_object.len(), 1);
    let (_, by_actor) = audit(&c, "actor=owner@example");
    assert!(by_actor.iter().all(|e| e["actor"] == OWNER) && !by_actor.is_empty());
    let (_, none) = audit(&c, "until=2000-01-01");
    assert!(none.is_empty());
    let (status, body) = c.server.api_get("/api/v1/audit?since=soon", &c.owner_key);
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["error"]["field"], "since", "{body}");
    let (status, body) = c.server.api_get("/api/v1/audit?limit=0", &c.owner_key);
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["error"]["field"], "limit", "{body}");
}

#[test]
fn retention_prunes_old_entries_and_backups_keep_the_log() {
    use chrono::{Duration, TimeZone, Utc};
    use statusd::domain::audit::{AuditEntry, AuditFilter};
    use statusd::store::{Store, TestClock};
    use std::sync::Arc;

    let (dir, data) = temp_data();
    let t0 = Utc.with_ymd_and_hms(2025, 1, 1, 0, 0, 0).unwrap();
    let clock = Arc::new(TestClock::new(t0));
    let store = Store::open_with_clock(&data, clock.clone()).unwrap();
    let write = |action: &str| {
        store
            .record_audit(&AuditEntry {
                id: statusd::store::new_id(),
                at: store.now(),
                actor_kind: "system".into(),
                actor_id: String::new(),
                actor: "system".into(),
                action: action.into(),
                object_kind: "maintenance".into(),
                object_id: None,
                object_name: None,
                summary: String::new(),
                client: String::new(),
                route: String::new(),
                status: 200,
            })
            .unwrap()
    };
    write("old.one");
    clock.advance(Duration::days(300));
    write("recent.one");
    clock.advance(Duration::days(100));
    let actions = |s: &Store| -> Vec<String> {
        s.list_audit(&AuditFilter::default(), None, 100)
            .unwrap()
            .data
            .into_iter()
            .map(|e| e.action)
            .collect()
    };
    assert_eq!(store.prune_audit(store.now(), 0).unwrap(), 0, "0 keeps all");
    assert_eq!(store.prune_audit(store.now(), 365).unwrap(), 1);
    assert_eq!(actions(&store), ["recent.one"]);

    let copy = dir.path().join("backup.redb");
    store.backup_to(&copy).unwrap();
    drop(store);
    let restored = Store::open(&copy).unwrap();
    assert_eq!(
        actions(&restored),
        ["recent.one"],
        "the backup keeps the log"
    );
}

#[test]
fn the_scheduler_is_audited_as_system() {
    let c = start();
    let now = chrono::Utc::now();
    let (status, m) = c.server.api_send(
        Method::POST,
        "/api/v1/maintenance",
        &c.owner_key,
        &json!({"title": "Quick swap", "starts_at": now + chrono::Duration::seconds(1),
                "ends_at": now + chrono::Duration::hours(1)}),
    );
    assert_eq!(status, StatusCode::CREATED, "{m}");
    let id = m["id"].as_str().unwrap().to_string();
    // The maintenance worker looks every 5 s.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    let started = loop {
        let (_, all) = audit(&c, "action=maintenance.start");
        if let Some(e) = all.into_iter().find(|e| e["actor_kind"] == "system") {
            break e;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "no system maintenance.start entry"
        );
        std::thread::sleep(std::time::Duration::from_millis(250));
    };
    assert_eq!(started["actor"], "system");
    assert_eq!(started["object_id"], id.as_str());
    assert_eq!(started["object_kind"], "maintenance");
}
