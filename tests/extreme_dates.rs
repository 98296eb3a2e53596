//! Extreme dates and durations posted to every endpoint and admin form that takes one:
//! each answers a 4xx naming the field (never a dropped connection or a 500), and the
//! server still answers `/healthz` afterwards.

mod common;

use chrono::{Duration, Utc};
use common::*;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use statusd::store::{NewComponent, NewMaintenance, Store};

/// Instants at and past the edges of what chrono holds and of four-digit years, and
/// whether the server must refuse them (statusd takes times from 1970 to 9999).
const DATES: &[(&str, bool)] = &[
    ("+262142-12-31T23:00:00Z", true),
    ("+262143-12-31T23:59:59Z", true),
    ("+262144-01-01T00:00:00Z", true),
    ("-262143-01-01T00:00:00Z", true),
    ("-262144-01-01T00:00:00Z", true),
    ("+10000-01-01T00:00:00Z", true),
    ("0000-01-01T00:00:00Z", true),
    ("1969-12-31T23:59:59Z", true),
    ("9999-12-31T23:59:59Z", false),
    ("1970-01-01T00:00:00Z", false),
];

/// Durations in minutes: negative, zero, and the extremes of i64.
const MINUTES: &[i64] = &[-1, 0, 44_641, i64::MAX, i64::MIN, -44_640];

/// The date part of an instant, as a `from`/`to` day would be typed.
fn day(d: &str) -> &str {
    d.split_once('T').map_or(d, |(day, _)| day)
}

/// `datetime-local` form value (no zone, no seconds).
fn local(d: &str) -> String {
    d.trim_end_matches('Z')
        .rsplit_once(':')
        .map_or(d.to_string(), |(hm, _)| hm.to_string())
}

struct Probe<'a> {
    env: &'a Env,
    owner: reqwest::blocking::Client,
}

impl Probe<'_> {
    /// The server answered (no dropped connection, no 5xx), with a client error when
    /// `refuse`; a refused value is named in the JSON error's `field`.
    fn api(&self, refuse: bool, method: Method, path: &str, body: Option<Value>, fields: &[&str]) {
        let mut req = self.env.server.api(method.clone(), path, &self.env.token);
        if let Some(b) = &body {
            req = req.json(b);
        }
        let resp = req
            .send()
            .unwrap_or_else(|e| panic!("{method} {path} {body:?}: connection failed: {e}"));
        let status = resp.status();
        let text = resp.text().unwrap_or_default();
        assert!(
            status.is_client_error() || (!refuse && status.is_success()),
            "{method} {path} {body:?}: {status} {text}"
        );
        if refuse && status == StatusCode::BAD_REQUEST {
            // Past chrono's range the JSON parser itself refuses the body, at a column.
            let unparsable = text.contains("\"field\":\"body\"") && text.contains("column");
            assert!(
                unparsable
                    || fields
                        .iter()
                        .any(|f| text.contains(&format!("\"field\":\"{f}\""))),
                "{method} {path} {body:?}: error does not name {fields:?}: {text}"
            );
        }
        self.alive();
    }

    /// An admin form or page answered (a client error naming the field when `refuse`).
    fn admin(&self, refuse: bool, resp: reqwest::blocking::Response, what: &str, field: &str) {
        let status = resp.status();
        let text = resp.text().unwrap_or_default();
        if refuse || status.is_client_error() {
            assert!(status.is_client_error(), "{what}: {status} {text}");
            assert!(text.contains(field), "{what}: page does not name {field}");
        } else {
            assert!(
                status.is_success() || status.is_redirection(),
                "{what}: {status} {text}"
            );
        }
        self.alive();
    }

    fn alive(&self) {
        let resp = self.env.server.get("/healthz");
        assert_eq!(
            resp.status(),
            StatusCode::OK,
            "/healthz after an extreme date"
        );
    }
}

#[test]
fn extreme_dates_answer_4xx_everywhere() {
    let (dir, data) = temp_data();
    // A window that already ends near the largest date (older files may hold one).
    let far = {
        let store = Store::open(&data).unwrap();
        let c = store
            .create_component(NewComponent {
                name: "API".into(),
                ..Default::default()
            })
            .unwrap();
        let ends = "+262142-12-31T23:00:00Z".parse().unwrap();
        store
            .create_maintenance(
                NewMaintenance {
                    title: "Long".into(),
                    component_ids: vec![c.id],
                    starts_at: Utc::now() + Duration::days(1),
                    ends_at: ends,
                    ..Default::default()
                },
                "test",
            )
            .unwrap()
            .id
    };
    let token = offline_key(&data, "editor");
    let server = Server::start(&data);
    let owner = server.setup_owner("owner@example.com", "correct horse battery");
    let env = Env {
        _dir: dir,
        server,
        token,
    };
    let p = Probe { env: &env, owner };

    let soon = (Utc::now() + Duration::hours(1)).to_rfc3339();
    let (status, m) = env.server.api_send(
        Method::POST,
        "/api/v1/maintenance",
        &env.token,
        &json!({"title": "Normal", "starts_at": soon, "duration_minutes": 30}),
    );
    assert_eq!(status, StatusCode::CREATED, "{m}");
    let mid = m["id"].as_str().unwrap().to_string();
    let (status, mon) = env.server.api_send(
        Method::POST,
        "/api/v1/monitors",
        &env.token,
        &json!({"name": "hb", "kind": "heartbeat", "target": "hb", "interval_seconds": 60}),
    );
    assert_eq!(status, StatusCode::CREATED, "{mon}");
    let mon = mon["id"].as_str().unwrap().to_string();

    for &(d, refuse) in DATES {
        for m in MINUTES.iter().chain([1, 44_640].iter()) {
            p.api(
                refuse || MINUTES.contains(m) || d.starts_with("9999"),
                Method::POST,
                "/api/v1/maintenance",
                Some(json!({"title": "X", "starts_at": d, "duration_minutes": m})),
                &["starts_at", "duration_minutes"],
            );
        }
        p.api(
            refuse,
            Method::POST,
            "/api/v1/maintenance",
            Some(json!({"title": "X", "starts_at": d, "ends_at": d})),
            &["starts_at"],
        );
        p.api(
            refuse,
            Method::POST,
            "/api/v1/maintenance",
            Some(json!({"title": "X", "starts_at": soon, "ends_at": d})),
            &["ends_at"],
        );
        let path = format!("/api/v1/maintenance/{mid}");
        p.api(
            refuse,
            Method::PATCH,
            &path,
            Some(json!({"starts_at": d})),
            &["starts_at"],
        );
        p.api(
            refuse,
            Method::PATCH,
            &path,
            Some(json!({"ends_at": d})),
            &["ends_at"],
        );
        p.api(
            refuse,
            Method::POST,
            "/api/v1/incidents",
            Some(json!({"title": "X", "started_at": d})),
            &["started_at"],
        );
        let q = |k: &str, v: &str| format!("{k}={}", v.replace('+', "%2B"));
        p.api(
            refuse,
            Method::GET,
            &format!("/api/v1/incidents?{}", q("since", d)),
            None,
            &["since"],
        );
        for (k, v) in [("from", d), ("to", d), ("from", day(d)), ("to", day(d))] {
            p.api(
                refuse,
                Method::GET,
                &format!("/api/v1/monitors/{mon}/results?{}", q(k, v)),
                None,
                &[k],
            );
            p.api(
                refuse,
                Method::GET,
                &format!("/api/v1/reports/sla?{}", q(k, day(v))),
                None,
                &[k],
            );
            let resp = p
                .owner
                .get(
                    env.server
                        .url(&format!("/admin/reports/sla?{}", q(k, day(v)))),
                )
                .send()
                .unwrap_or_else(|e| panic!("admin SLA {k}={v}: {e}"));
            p.admin(refuse, resp, &format!("admin SLA {k}={v}"), k);
        }
        for (field, starts, ends) in [
            ("starts_at", local(d), local(&soon)),
            ("ends_at", local(&soon), local(d)),
        ] {
            let resp = env.server.post_form(
                &p.owner,
                "/admin/maintenance",
                &[("title", "X"), ("starts_at", &starts), ("ends_at", &ends)],
            );
            p.admin(
                refuse,
                resp,
                &format!("admin maintenance {field}={d}"),
                field,
            );
        }
    }
    let (status, normal) = env.server.api_send(
        Method::POST,
        "/api/v1/maintenance",
        &env.token,
        &json!({"title": "Normal", "starts_at": soon, "duration_minutes": 30}),
    );
    assert_eq!(status, StatusCode::CREATED, "{normal}");
    let normal = normal["id"].as_str().unwrap().to_string();
    let resp = env.server.post_form(
        &p.owner,
        &format!("/admin/maintenance/{normal}/extend"),
        &[("minutes", "10080")],
    );
    assert_eq!(resp.status(), StatusCode::SEE_OTHER, "a normal extend");
    for m in [
        "10080",
        "-1",
        "0",
        &i64::MAX.to_string(),
        &i64::MIN.to_string(),
    ] {
        for id in [&far, &normal] {
            if id == &normal && m == "10080" {
                continue;
            }
            let resp = env.server.post_form(
                &p.owner,
                &format!("/admin/maintenance/{id}/extend"),
                &[("minutes", m)],
            );
            p.admin(true, resp, &format!("extend {id} by {m}"), "minutes");
        }
    }
}
