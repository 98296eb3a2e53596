//! Admin forms refuse bad input in words beside the field (create forms, monitor
//! settings a probe could not run), and sign-in returns to an internal page asked for.

mod common;

use common::*;
use reqwest::StatusCode;
use reqwest::blocking::Client;
use serde_json::json;

const OWNER: &str = "owner@example.com";
const PW: &str = "violet staple orbit";

/// A server, its owner's signed-in browser and an editor API key.
struct Admin {
    env: Env,
    owner: Client,
}

impl Admin {
    fn start() -> Admin {
        let env = Env::start();
        let owner = env.server.setup_owner(OWNER, PW);
        Admin { env, owner }
    }
    fn post(&self, path: &str, fields: &[(&str, &str)]) -> reqwest::blocking::Response {
        self.env.server.post_form(&self.owner, path, fields)
    }
}

#[test]
fn an_internal_page_sends_its_visitor_to_sign_in_and_back_to_it() {
    let a = Admin::start();
    let (status, page) = a.env.server.api_send(
        reqwest::Method::POST,
        "/api/v1/pages",
        &a.env.token,
        &serde_json::json!({"slug": "team", "title": "Team status", "audience": "internal"}),
    );
    assert_eq!(status, StatusCode::CREATED, "{page}");
    let fresh = browser();
    let resp = fresh
        .get(a.env.server.url("/p/team/history?month=2026-11"))
        .send()
        .unwrap();
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    let login = location(&resp);
    assert_eq!(
        login,
        "/admin/login?next=%2Fp%2Fteam%2Fhistory%3Fmonth%3D2026%2D11"
    );
    let (_, form) = text(fresh.get(a.env.server.url(&login)).send().unwrap());
    assert!(
        form.contains(r#"name="next" value="/p/team/history?month=2026-11""#),
        "{form}"
    );
    let resp = fresh
        .post(a.env.server.url("/admin/login"))
        .form(&[
            ("csrf", csrf_of(&form).as_str()),
            ("email", OWNER),
            ("password", PW),
            ("next", "/p/team/history?month=2026-11"),
        ])
        .send()
        .unwrap();
    assert_eq!(location(&resp), "/p/team/history?month=2026-11");
    let (status, html) = text(
        fresh
            .get(a.env.server.url("/p/team/history?month=2026-11"))
            .send()
            .unwrap(),
    );
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Team status"), "{html}");
}

#[test]
fn create_forms_show_their_errors_in_words_beside_the_field() {
    let a = Admin::start();
    type Case<'a> = (&'a str, &'a [(&'a str, &'a str)], &'a str, &'a str);
    let cases: [Case; 7] = [
        (
            "/admin/components",
            &[("name", "")],
            "name",
            "must not be empty",
        ),
        (
            "/admin/keys",
            &[("name", ""), ("role", "viewer")],
            "name",
            "must not be empty",
        ),
        (
            "/admin/templates",
            &[("name", ""), ("body", "x")],
            "name",
            "must not be empty",
        ),
        (
            "/admin/incidents",
            &[
                ("title", ""),
                ("impact", "major"),
                ("status", "investigating"),
            ],
            "title",
            "must not be empty",
        ),
        (
            "/admin/pages",
            &[("slug", "Bad Slug"), ("title", "EU")],
            "slug",
            "is not a valid slug",
        ),
        (
            "/admin/subscribers",
            &[("kind", "email"), ("address", "not-an-email"), ("page", "")],
            "address",
            "is not an email address",
        ),
        (
            "/admin/subscribers",
            &[("kind", "webhook"), ("address", "ftp://x"), ("page", "")],
            "address",
            "",
        ),
    ];
    for (path, fields, field, words) in cases {
        let (status, page) = text(a.post(path, fields));
        assert!(status.is_client_error(), "{path}: {status}");
        let input = page
            .find(&format!(r#"name="{field}""#))
            .unwrap_or_else(|| panic!("{path}: no {field} input"));
        let beside = page
            .find(&format!(r#"<span class="field-error" id="err-{field}">"#))
            .unwrap_or_else(|| panic!("{path}: no error beside {field}: {page}"));
        assert!(beside > input, "{path}: the error follows its input");
        let said = &page[beside..beside + page[beside..].find("</span>").unwrap()];
        assert!(said.contains(words), "{path}: {said}");
        let words_only = &said[said.find('>').unwrap() + 1..];
        assert!(
            !words_only.starts_with(&format!("{field}:")),
            "{path}: no field key in {said}"
        );
        assert!(
            page.contains(&format!(r#"aria-describedby="err-{field}""#)),
            "{path}: the input points at its error"
        );
    }
}

#[test]
fn monitor_settings_a_probe_cannot_run_are_refused_beside_their_field() {
    let a = Admin::start();
    let form = |expected: &str, json_path: &str| {
        vec![
            ("name", "Shop"),
            ("kind", "http"),
            ("target", "http://127.0.0.1:9/health"),
            ("method", "GET"),
            ("expected_status", expected),
            ("json_path", json_path),
            ("interval_seconds", "3600"),
            ("timeout_ms", "1000"),
            ("failure_threshold", "1"),
            ("recovery_threshold", "1"),
            ("on_down", "status"),
            ("down_status", "major_outage"),
            ("severity", "major"),
        ]
        .into_iter()
        .map(|(k, v)| (k, v.to_string()))
        .collect::<Vec<_>>()
    };
    for (expected, path, field) in [("abc", "", "expected_status"), ("200", "$[", "json_path")] {
        let f = form(expected, path);
        let pairs: Vec<(&str, &str)> = f.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let (status, page) = text(a.post("/admin/monitors", &pairs));
        assert_eq!(status, StatusCode::BAD_REQUEST, "{field}: {page}");
        assert!(
            page.contains(&format!(r#"<span class="field-error" id="err-{field}">"#)),
            "{field}: {page}"
        );
    }
    let (_, v) = a.env.server.api_get("/api/v1/monitors", &a.env.token);
    assert_eq!(
        v["data"].as_array().map(Vec::len),
        Some(0),
        "nothing was saved: {v}"
    );
    let (status, err) = a.env.server.api_send(
        reqwest::Method::POST,
        "/api/v1/monitors",
        &a.env.token,
        &json!({"name": "Shop", "kind": "http", "target": "http://127.0.0.1:9/",
                "check": {"expected_status": "abc"}}),
    );
    assert_eq!(status, StatusCode::BAD_REQUEST, "{err}");
    assert_eq!(err["error"]["field"], "check.expected_status", "{err}");
    let (status, m) = a.env.server.api_send(
        reqwest::Method::POST,
        "/api/v1/monitors",
        &a.env.token,
        &json!({"name": "Shop", "kind": "http", "target": "http://127.0.0.1:9/",
                "interval_seconds": 3600, "check": {"expected_status": "200-299"}}),
    );
    assert_eq!(status, StatusCode::CREATED, "{m}");
    let path = format!("/api/v1/monitors/{}", m["id"].as_str().unwrap());
    let (status, err) = a.env.server.api_send(
        reqwest::Method::PATCH,
        &path,
        &a.env.token,
        &json!({"check": {"expected_status": "2xx,oops"}}),
    );
    assert_eq!(status, StatusCode::BAD_REQUEST, "{err}");
    assert_eq!(err["error"]["field"], "check.expected_status", "{err}");
    let (_, after) = a.env.server.api_get(&path, &a.env.token);
    assert_eq!(
        after["check"]["expected_status"], "200-299",
        "unchanged: {after}"
    );
}

#[test]
fn a_published_postmortem_offers_no_second_publish() {
    let a = Admin::start();
    let send = |method: reqwest::Method, path: &str, body: serde_json::Value| {
        let (status, v) = a.env.server.api_send(method, path, &a.env.token, &body);
        assert!(status.is_success(), "{path}: {status} {v}");
        v
    };
    let inc = send(
        reqwest::Method::POST,
        "/api/v1/incidents",
        json!({"title": "Sessions expired", "status": "investigating", "message": "Looking."}),
    );
    let id = inc["id"].as_str().unwrap().to_string();
    send(
        reqwest::Method::PATCH,
        &format!("/api/v1/incidents/{id}"),
        json!({"status": "resolved"}),
    );
    send(
        reqwest::Method::PUT,
        &format!("/api/v1/incidents/{id}/postmortem"),
        json!({"summary": "Clock skew."}),
    );
    let page = |a: &Admin| {
        text(
            a.owner
                .get(a.env.server.url(&format!("/admin/incidents/{id}")))
                .send()
                .unwrap(),
        )
        .1
    };
    assert!(
        page(&a).contains("Publish postmortem"),
        "a saved draft can be published"
    );
    let resp = a.post(&format!("/admin/incidents/{id}/postmortem/publish"), &[]);
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    let after = page(&a);
    assert!(after.contains("Postmortem (published)"), "{after}");
    assert!(
        !after.contains("Publish postmortem"),
        "publishing again would mail subscribers a second time: {after}"
    );
}
