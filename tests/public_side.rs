//! The public side through the real binary: the status page with incidents and
//! maintenance, incident detail, history by month, Atom and RSS feeds, the Statuspage
//! v2 read API (shapes compared with the fixture, CORS), and drafts and non-public
//! pages kept out of all of it.

mod common;

use chrono::Datelike;
use common::*;
use reqwest::blocking::Response;
use reqwest::header::HeaderMap;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use std::time::Duration;

const FIXTURE: &str = include_str!("fixtures/statuspage-v2-summary.example.json");

/// Every v2 document, with the keys it carries besides `page`.
const V2_DOCS: [(&str, &[&str]); 8] = [
    (
        "summary.json",
        &[
            "components",
            "incidents",
            "scheduled_maintenances",
            "status",
        ],
    ),
    ("status.json", &["status"]),
    ("components.json", &["components"]),
    ("incidents.json", &["incidents"]),
    ("incidents/unresolved.json", &["incidents"]),
    ("scheduled-maintenances.json", &["scheduled_maintenances"]),
    (
        "scheduled-maintenances/upcoming.json",
        &["scheduled_maintenances"],
    ),
    (
        "scheduled-maintenances/active.json",
        &["scheduled_maintenances"],
    ),
];

impl Env {
    fn send(&self, method: Method, path: &str, body: Value) -> Value {
        let (status, v) = self
            .server
            .api_send(method.clone(), path, &self.token, &body);
        assert!(status.is_success(), "{method} {path} → {status}: {v}");
        v
    }

    fn post(&self, path: &str, body: Value) -> Value {
        self.send(Method::POST, path, body)
    }

    fn component(&self, body: Value) -> String {
        id(&self.post("/api/v1/components", body))
    }

    fn incident(&self, title: &str, components: &[&str], message: &str) -> String {
        id(&self.post(
            "/api/v1/incidents",
            json!({
                "title": title,
                "status": "investigating",
                "component_ids": components,
                "severity": "major",
                "message": message,
            }),
        ))
    }

    fn update(&self, incident: &str, status: &str, message: &str) {
        self.post(
            &format!("/api/v1/incidents/{incident}/updates"),
            json!({"status": status, "message": message}),
        );
    }

    fn resolve(&self, incident: &str) {
        self.send(
            Method::PATCH,
            &format!("/api/v1/incidents/{incident}"),
            json!({"status": "resolved"}),
        );
    }

    /// A maintenance window starting `start_min` minutes from now, `len_min` long.
    fn maintenance(
        &self,
        title: &str,
        components: &[&str],
        start_min: i64,
        len_min: i64,
    ) -> String {
        let now = chrono::Utc::now();
        let starts = now + chrono::Duration::minutes(start_min);
        let ends = starts + chrono::Duration::minutes(len_min);
        id(&self.post(
            "/api/v1/maintenance",
            json!({
                "title": title,
                "message": format!("{title}: expect *short* interruptions."),
                "component_ids": components,
                "starts_at": starts.to_rfc3339(),
                "ends_at": ends.to_rfc3339(),
            }),
        ))
    }

    fn html(&self, path: &str) -> String {
        let (status, body) = text(self.server.get(path));
        assert_eq!(status, StatusCode::OK, "GET {path}: {body}");
        body
    }

    fn status(&self, path: &str) -> StatusCode {
        self.server.get(path).status()
    }

    /// A v2 document with its response headers; asserts the ETag is stable.
    fn v2(&self, path: &str) -> (HeaderMap, Value) {
        let resp = self.server.get(path);
        assert_eq!(resp.status(), StatusCode::OK, "GET {path}");
        let headers = resp.headers().clone();
        let (_, v) = json(resp);
        let again = self.server.get(path);
        assert_eq!(
            again.headers().get("etag"),
            headers.get("etag"),
            "{path}: cached document"
        );
        (headers, v)
    }

    fn feed(&self, path: &str, content_type: &str) -> feed_rs::model::Feed {
        let resp = self.server.get(path);
        assert_eq!(resp.status(), StatusCode::OK, "GET {path}");
        let ct = header(&resp, "content-type");
        assert_eq!(ct, content_type, "{path}");
        let body = resp.bytes().expect("feed body");
        feed_rs::parser::parse(&body[..]).unwrap_or_else(|e| {
            panic!(
                "{path} does not parse: {e}\n{}",
                String::from_utf8_lossy(&body)
            )
        })
    }
}

fn id(v: &Value) -> String {
    v["id"]
        .as_str()
        .unwrap_or_else(|| panic!("no id in {v}"))
        .to_string()
}

fn header(resp: &Response, name: &str) -> String {
    header_of(resp.headers(), name)
}

fn header_of(headers: &HeaderMap, name: &str) -> String {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string()
}

/// The `<main>` of a page: what a visitor reads.
fn main_of(html: &str) -> &str {
    let start = html.find("<main").unwrap_or(0);
    &html[start..]
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "bool",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// Every field of the fixture's `want` is in `got` with the same JSON type (a null
/// on either side matches: the field is nullable). Each array element of `got` is
/// compared with the fixture element of the same kind (`group` true or false).
fn same_shape(want: &Value, got: &Value, path: &str, errs: &mut Vec<String>) {
    match (want, got) {
        (Value::Null, _) | (_, Value::Null) => {}
        (Value::Object(w), Value::Object(g)) => {
            for (k, wv) in w {
                match g.get(k) {
                    Some(gv) => same_shape(wv, gv, &format!("{path}.{k}"), errs),
                    None => errs.push(format!("{path}.{k} missing")),
                }
            }
        }
        (Value::Array(w), Value::Array(g)) => {
            for (n, gv) in g.iter().enumerate() {
                let model = w
                    .iter()
                    .find(|wv| wv.get("group").is_some() && wv.get("group") == gv.get("group"))
                    .or(w.first());
                if let Some(wv) = model {
                    same_shape(wv, gv, &format!("{path}[{n}]"), errs);
                }
            }
        }
        (w, g) if kind(w) == kind(g) => {}
        (w, g) => errs.push(format!("{path}: want {}, got {}", kind(w), kind(g))),
    }
}

/// Every `*_at`, `scheduled_*` and `display_at` string looks like `2026-11-23T10:15:00.000Z`.
fn check_timestamps(v: &Value, path: &str, errs: &mut Vec<String>) {
    match v {
        Value::Object(m) => {
            for (k, x) in m {
                let is_time = k.ends_with("_at") || k.starts_with("scheduled_");
                if let (true, Value::String(s)) = (is_time, x) {
                    let ok = s.len() == 24
                        && chrono::DateTime::parse_from_rfc3339(s).is_ok()
                        && s.ends_with('Z')
                        && s.as_bytes()[19] == b'.';
                    if !ok {
                        errs.push(format!("{path}.{k} = {s:?}"));
                    }
                }
                check_timestamps(x, &format!("{path}.{k}"), errs);
            }
        }
        Value::Array(a) => {
            for (n, x) in a.iter().enumerate() {
                check_timestamps(x, &format!("{path}[{n}]"), errs);
            }
        }
        _ => {}
    }
}

#[test]
fn status_page_shows_incidents_maintenance_and_safe_markdown() {
    let env = Env::start();
    let (status, page) = env.server.api_get("/api/v1/pages/default", &env.token);
    assert_eq!(status, StatusCode::OK, "{page}");
    env.send(
        Method::PATCH,
        &format!("/api/v1/pages/{}", id(&page)),
        json!({"time_zone": "Europe/Berlin"}),
    );
    let api = env.component(json!({"name": "API"}));
    env.component(json!({"name": "Web"}));
    let inc = env.incident(
        "Elevated API errors",
        &[&api],
        "We are **investigating** <script>alert('x')</script> errors.",
    );
    env.update(&inc, "identified", "A faulty _replica_ was found.");
    env.maintenance("Database upgrade", &[&api], 24 * 60, 60);

    let html = env.html("/");
    let main = main_of(&html);
    assert!(
        main.contains(r#"<div class="banner major" role="status">Partial System Outage</div>"#),
        "{main}"
    );
    assert!(main.contains(&format!(
        r#"href="/incidents/{inc}">Elevated API errors</a>"#
    )));
    assert!(main.contains("impact-major"), "impact class");
    assert!(main.contains("Identified"), "current status");
    assert!(
        main.contains("A faulty <em>replica</em> was found."),
        "latest update as markdown"
    );
    assert!(main.contains("<details class=\"timeline\">"), "timeline");
    assert!(
        main.contains("We are <strong>investigating</strong>"),
        "older update in timeline"
    );
    assert!(
        !html.contains("<script>alert"),
        "script must not reach the page"
    );
    assert!(main.contains("Affected: API"));
    assert!(main.contains("Scheduled maintenance") && main.contains("Database upgrade"));
    assert!(main.contains("expect <em>short</em> interruptions"));
    // Times in the page's zone, UTC in the tooltip.
    assert!(
        main.contains(r#"<time datetime=""#) && main.contains(r#" UTC">"#),
        "{main}"
    );
    assert!(
        main.contains(" CET</time>") || main.contains(" CEST</time>"),
        "{main}"
    );
    for link in ["/history", "/history.atom", "/api/v2/summary.json"] {
        assert!(
            main.contains(&format!("href=\"{link}\"")),
            "footer link {link}"
        );
    }
    // Component rows keep their shape.
    assert!(main.contains(r#"<li class="component" data-component="API">"#));
    assert!(main.contains(r#"<span class="status partial_outage">"#));
    // No inline JavaScript; the one deferred same-origin script only enhances the bars.
    assert_eq!(html.matches("<script").count(), 1, "{html}");
    assert!(
        html.contains(r#"<script src="/assets/bars."#) && html.contains(r#".js" defer></script>"#),
        "{html}"
    );

    // Resolving empties the incidents section and brings the banner back.
    env.resolve(&inc);
    let main = env.html("/");
    assert!(main.contains(r#"<div class="banner ok" role="status">All Systems Operational</div>"#));
    // A resolved incident leaves the active ones and is listed under today's past incidents.
    let past = main
        .find("Past incidents")
        .expect("a past incidents section");
    assert!(
        !main[..past].contains(r#"<section class="incidents""#),
        "resolved incidents leave the active list"
    );
    assert!(main[past..].contains("Elevated API errors"), "{main}");
    assert!(
        main[past..].contains("No incidents reported."),
        "quiet days say so"
    );

    // The page is cached per generation: same ETag, 304 on revalidation.
    let first = env.server.get("/");
    let etag = header(&first, "etag");
    let again = env
        .server
        .request(Method::GET, "/")
        .header("If-None-Match", &etag)
        .send()
        .unwrap();
    assert_eq!(again.status(), StatusCode::NOT_MODIFIED);
}

#[test]
fn incident_detail_page_with_timeline_and_postmortem() {
    let env = Env::start();
    let api = env.component(json!({"name": "API"}));
    let inc = env.incident("Login failures", &[&api], "First update text.");
    env.update(&inc, "monitoring", "Second update text.");
    env.resolve(&inc);

    let html = env.html(&format!("/incidents/{inc}"));
    let main = main_of(&html);
    assert!(main.contains("<h1>Login failures</h1>"), "{main}");
    assert!(main.contains("Major") && main.contains("Resolved"));
    assert!(main.contains("Started") && main.contains("Resolved"));
    let (second, first) = (
        main.find("Second update text.").expect("second"),
        main.find("First update text.").expect("first"),
    );
    assert!(second < first, "newest first");
    assert!(
        main.contains("API: <span class=\"status operational\">Operational</span> → <span class=\"status partial_outage\">Partial outage</span>"),
        "component change shown: {main}"
    );
    assert!(
        !main.contains("Postmortem"),
        "no postmortem before publishing"
    );

    env.send(
        Method::PUT,
        &format!("/api/v1/incidents/{inc}/postmortem"),
        json!({
            "summary": "Sessions **expired** early.",
            "timeline": "10:00 alert",
            "root_cause": "Clock skew on one node.",
            "impact": "Some users were signed out.",
            "resolution": "Node replaced.",
            "action_items": [
                {"text": "Alert on clock skew", "owner": "ops", "done": true},
                {"text": "Document NTP setup", "owner": "sre", "done": false}
            ]
        }),
    );
    let main = env.html(&format!("/incidents/{inc}"));
    assert!(
        !main.contains("Clock skew on one node."),
        "draft postmortem stays hidden"
    );
    env.post(
        &format!("/api/v1/incidents/{inc}/postmortem/publish"),
        json!({}),
    );
    let main = env.html(&format!("/incidents/{inc}"));
    for want in [
        "Postmortem",
        "Sessions <strong>expired</strong> early.",
        "Root cause",
        "Clock skew on one node.",
        "Some users were signed out.",
        "Node replaced.",
        "Alert on clock skew",
        "(ops)",
        "Document NTP setup",
        "(sre)",
        "done",
    ] {
        assert!(main.contains(want), "postmortem shows {want:?}");
    }

    let (status, body) = text(env.server.get("/incidents/01NOSUCHINCIDENT0000000000"));
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(body.contains("Incident not found"));
}

#[test]
fn history_pages_by_month() {
    let env = Env::start();
    let api = env.component(json!({"name": "API"}));
    let inc = env.incident("Queue backlog", &[&api], "Backlog growing.");
    env.resolve(&inc);
    let m = env.maintenance("Kernel patching", &[&api], 0, 30);
    env.post(&format!("/api/v1/maintenance/{m}/complete"), json!({}));
    let upcoming = env.maintenance("Future window", &[&api], 60, 30);

    let now = chrono::Utc::now();
    let this_month = now.format("%Y-%m").to_string();
    let main = env.html("/history");
    assert!(main.contains("Queue backlog"), "{main}");
    assert!(
        main.contains("Kernel patching"),
        "completed maintenance in history"
    );
    assert!(
        !main.contains("Future window"),
        "upcoming maintenance is not history"
    );
    assert!(main.contains(&format!("href=\"/incidents/{inc}\"")));
    assert!(!main.contains(&upcoming));
    assert_eq!(env.html(&format!("/history?month={this_month}")), main);
    assert!(
        env.html(&format!("/p/default/history?month={this_month}"))
            .contains("Queue backlog")
    );

    // The month before: empty, with a link forward to this month.
    let prev = (now.date_naive().with_day(1).unwrap() - chrono::Duration::days(1))
        .format("%Y-%m")
        .to_string();
    let main = env.html(&format!("/history?month={prev}"));
    assert!(!main.contains("Queue backlog"));
    assert!(
        main.contains(&format!("href=\"/history?month={this_month}\"")),
        "{main}"
    );
    assert_eq!(
        env.status("/history?month=2026-13"),
        StatusCode::BAD_REQUEST
    );
    assert_eq!(env.status("/p/nope/history"), StatusCode::NOT_FOUND);
}

#[test]
fn feeds_parse_with_one_entry_per_incident_and_maintenance() {
    let env = Env::start();
    let api = env.component(json!({"name": "API"}));
    let a = env.incident(
        "First outage",
        &[&api],
        "A **bold** start <script>x()</script>.",
    );
    let b = env.incident("Second outage", &[&api], "Second.");
    let m = env.maintenance("Planned work", &[&api], 120, 30);
    let draft = id(&env.post(
        "/api/v1/incidents",
        json!({"title": "Secret draft", "status": "investigating", "severity": "minor", "draft": true}),
    ));

    for (path, ct) in [
        ("/history.atom", "application/atom+xml; charset=utf-8"),
        ("/history.rss", "application/rss+xml; charset=utf-8"),
        (
            "/p/default/history.atom",
            "application/atom+xml; charset=utf-8",
        ),
        (
            "/p/default/history.rss",
            "application/rss+xml; charset=utf-8",
        ),
    ] {
        let feed = env.feed(path, ct);
        let mut ids: Vec<String> = feed.entries.iter().map(|e| e.id.clone()).collect();
        ids.sort();
        let mut want = vec![
            format!("urn:statusd:incident:{a}"),
            format!("urn:statusd:incident:{b}"),
            format!("urn:statusd:maintenance:{m}"),
        ];
        want.sort();
        assert_eq!(
            ids, want,
            "{path}: one entry per incident and maintenance, no draft"
        );
        for e in &feed.entries {
            let link = &e.links.first().expect("entry link").href;
            assert!(
                link.starts_with(&env.server.base),
                "{path}: absolute link {link}"
            );
            assert!(!e.id.contains(&draft));
        }
        let first = feed.entries.iter().find(|e| e.id.ends_with(&a)).unwrap();
        let html = first
            .content
            .as_ref()
            .and_then(|c| c.body.clone())
            .or_else(|| first.summary.as_ref().map(|s| s.content.clone()))
            .expect("entry content");
        assert!(html.contains("<strong>bold</strong>"), "{path}: {html}");
        assert!(!html.contains("<script"), "{path}: {html}");
    }

    // An update changes the entry's `updated`, keeping its id.
    let before = env.feed("/history.atom", "application/atom+xml; charset=utf-8");
    let updated_of = |f: &feed_rs::model::Feed| {
        f.entries
            .iter()
            .find(|e| e.id.ends_with(&a))
            .and_then(|e| e.updated)
            .unwrap()
    };
    // Feeds carry whole seconds: post the update once the clock has passed that second.
    let was = updated_of(&before);
    while chrono::Utc::now().timestamp() <= was.timestamp() {
        std::thread::sleep(Duration::from_millis(20));
    }
    env.update(&a, "identified", "Found it.");
    let after = env.feed("/history.atom", "application/atom+xml; charset=utf-8");
    assert!(updated_of(&after) > updated_of(&before));
    assert_eq!(after.entries.len(), 3);
}

#[test]
fn v2_documents_have_statuspage_shapes_and_cors() {
    let env = Env::start();
    let fixture: Value = serde_json::from_str(FIXTURE).unwrap();
    let group = id(&env.post("/api/v1/groups", json!({"name": "Core platform"})));
    let api =
        env.component(json!({"name": "API", "description": "Public REST API", "group_id": group}));
    let web = env.component(json!({"name": "Web"}));
    let open = env.incident("Elevated API error rates", &[&api], "Investigating.");
    env.update(&open, "identified", "Failing over.");
    let done = env.incident("Old incident", &[&web], "Old.");
    env.resolve(&done);
    env.maintenance("Database upgrade", &[&web], 24 * 60, 60);
    env.maintenance("Deploy", &[], 0, 15);

    for prefix in ["", "/p/default"] {
        for (doc, keys) in V2_DOCS {
            let path = format!("{prefix}/api/v2/{doc}");
            let (headers, v) = env.v2(&path);
            assert_eq!(
                header_of(&headers, "access-control-allow-origin"),
                "*",
                "{path}"
            );
            assert!(
                header_of(&headers, "content-type").starts_with("application/json"),
                "{path}"
            );
            let obj = v.as_object().expect("object");
            let mut have: Vec<&str> = obj.keys().map(String::as_str).collect();
            have.sort();
            let mut want: Vec<&str> = keys.iter().copied().chain(["page"]).collect();
            want.sort();
            assert_eq!(have, want, "{path}");
            let mut errs = vec![];
            for k in &want {
                same_shape(&fixture[k], &v[k], k, &mut errs);
                if let Value::Array(a) = &v[k] {
                    assert!(!a.is_empty(), "{path}: {k} should not be empty here");
                }
            }
            check_timestamps(&v, "", &mut errs);
            assert!(errs.is_empty(), "{path}: {errs:#?}\n{v:#}");
        }
    }

    let (_, summary) = env.v2("/api/v2/summary.json");
    assert_eq!(summary["page"]["url"], env.server.base);
    assert_eq!(summary["status"]["indicator"], "major");
    assert_eq!(summary["status"]["description"], "Partial System Outage");
    let comps = summary["components"].as_array().unwrap();
    let g = comps
        .iter()
        .find(|c| c["id"] == group.as_str())
        .expect("group as component");
    assert_eq!(g["group"], true);
    assert_eq!(g["components"], json!([api]));
    let a = comps.iter().find(|c| c["id"] == api.as_str()).unwrap();
    assert_eq!(
        (a["group"].clone(), a["group_id"].clone()),
        (json!(false), json!(group))
    );
    let incidents = summary["incidents"].as_array().unwrap();
    assert_eq!(
        incidents.len(),
        1,
        "summary carries unresolved incidents only"
    );
    let i = &incidents[0];
    assert_eq!(
        i["shortlink"],
        format!("{}/incidents/{open}", env.server.base)
    );
    assert_eq!(
        i["incident_updates"][0]["body"], "Failing over.",
        "newest update first"
    );
    assert_eq!(
        i["incident_updates"][1]["affected_components"][0]["new_status"],
        "partial_outage"
    );
    let (_, all) = env.v2("/api/v2/incidents.json");
    assert_eq!(all["incidents"].as_array().unwrap().len(), 2);
    let (_, active) = env.v2("/api/v2/scheduled-maintenances/active.json");
    let active = &active["scheduled_maintenances"][0];
    assert_eq!(
        (
            active["name"].clone(),
            active["impact"].clone(),
            active["status"].clone()
        ),
        (json!("Deploy"), json!("maintenance"), json!("in_progress"))
    );
    let (_, upcoming) = env.v2("/api/v2/scheduled-maintenances/upcoming.json");
    assert_eq!(upcoming["scheduled_maintenances"][0]["status"], "scheduled");

    // Preflight, revalidation, unknown documents and pages.
    let pre = env
        .server
        .request(Method::OPTIONS, "/api/v2/summary.json")
        .header("Origin", "https://widget.example")
        .header("Access-Control-Request-Method", "GET")
        .send()
        .unwrap();
    assert!(pre.status().is_success(), "preflight {}", pre.status());
    assert_eq!(header(&pre, "access-control-allow-origin"), "*");
    assert!(header(&pre, "access-control-allow-methods").contains("GET"));
    let etag = header(&env.server.get("/api/v2/status.json"), "etag");
    let again = env
        .server
        .request(Method::GET, "/api/v2/status.json")
        .header("If-None-Match", &etag)
        .send()
        .unwrap();
    assert_eq!(again.status(), StatusCode::NOT_MODIFIED);
    assert_eq!(header(&again, "access-control-allow-origin"), "*");
    assert_eq!(env.status("/api/v2/nope.json"), StatusCode::NOT_FOUND);
    let missing = env.server.get("/p/nope/api/v2/summary.json");
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
    assert_eq!(header(&missing, "access-control-allow-origin"), "*");
}

#[test]
fn drafts_never_appear_anywhere_public() {
    let env = Env::start();
    let api = env.component(json!({"name": "API"}));
    let draft = id(&env.post(
        "/api/v1/incidents",
        json!({
            "title": "Confidential draft title",
            "status": "investigating",
            "component_ids": [api],
            "severity": "critical",
            "message": "Draft body text",
            "draft": true,
        }),
    ));
    env.maintenance("Visible window", &[], 60, 30);
    let mut paths: Vec<String> = vec![
        "/".into(),
        "/p/default".into(),
        "/history".into(),
        "/history.atom".into(),
        "/history.rss".into(),
    ];
    for prefix in ["", "/p/default"] {
        paths.extend(V2_DOCS.iter().map(|(d, _)| format!("{prefix}/api/v2/{d}")));
    }
    for path in &paths {
        let body = env.html(path);
        for secret in [
            "Confidential draft title",
            "Draft body text",
            draft.as_str(),
        ] {
            assert!(!body.contains(secret), "{path} shows the draft ({secret})");
        }
    }
    assert_eq!(
        env.status(&format!("/incidents/{draft}")),
        StatusCode::NOT_FOUND
    );
    // A draft does not move the banner either.
    assert!(env.html("/").contains("All Systems Operational"));

    // Published, it shows; the id is the same.
    env.post(&format!("/api/v1/incidents/{draft}/publish"), json!({}));
    assert!(env.html("/").contains("Confidential draft title"));
    assert_eq!(env.status(&format!("/incidents/{draft}")), StatusCode::OK);
}

#[test]
fn non_public_pages_need_sign_in_everywhere() {
    let env = Env::start();
    let page = env.post(
        "/api/v1/pages",
        json!({"slug": "team", "title": "Team status", "audience": "internal"}),
    );
    let comp = env.component(json!({"name": "Build farm", "page_ids": [id(&page)]}));
    let inc = id(&env.post(
        "/api/v1/incidents",
        json!({"title": "Builds stuck", "status": "investigating", "severity": "minor",
               "component_ids": [comp], "page": "team", "message": "Internal only."}),
    ));
    let cases = [
        ("/p/team", StatusCode::SEE_OTHER),
        ("/p/team/history", StatusCode::SEE_OTHER),
        (&*format!("/incidents/{inc}"), StatusCode::SEE_OTHER),
        ("/p/team/history.atom", StatusCode::UNAUTHORIZED),
        ("/p/team/history.rss", StatusCode::UNAUTHORIZED),
        ("/p/team/api/v2/summary.json", StatusCode::UNAUTHORIZED),
        ("/p/team/api/v2/incidents.json", StatusCode::UNAUTHORIZED),
    ];
    for (path, want) in cases {
        let resp = env.server.get(path);
        let status = resp.status();
        let body = resp.text().unwrap_or_default();
        assert_eq!(status, want, "{path}: {body}");
        assert!(!body.contains("Builds stuck"), "{path} leaks the incident");
    }
    // Nothing of the internal page shows on the public one.
    for path in [
        "/",
        "/history",
        "/history.atom",
        "/api/v2/summary.json",
        "/api/v2/incidents.json",
    ] {
        assert!(!env.html(path).contains("Builds stuck"), "{path}");
    }
    // An API key is a team member: it may read the internal documents.
    let (status, v) = env
        .server
        .api_get("/p/team/api/v2/incidents.json", &env.token);
    assert_eq!(status, StatusCode::OK);
    assert_eq!(v["incidents"][0]["name"], "Builds stuck");
}

#[test]
fn a_refused_subscription_says_why_in_words_without_field_keys() {
    let env = Env::start();
    let s = &env.server;
    let (status, eu) = s.api_send(
        Method::POST,
        "/api/v1/pages",
        &env.token,
        &json!({"slug": "eu", "title": "Acme EU"}),
    );
    assert_eq!(status, StatusCode::CREATED, "{eu}");
    let (status, c) = s.api_send(
        Method::POST,
        "/api/v1/components",
        &env.token,
        &json!({"name": "EU API", "page_ids": [id(&eu)]}),
    );
    assert_eq!(status, StatusCode::CREATED, "{c}");
    let visitor = reqwest::blocking::Client::new();
    let cid = id(&c);
    let resp = s.post_form(
        &visitor,
        "/subscribe",
        &[
            ("email", "ann@example.com"),
            ("component_ids", cid.as_str()),
        ],
    );
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
    let html = resp.text().unwrap();
    assert!(
        html.contains("component &quot;EU API&quot; is not shown on page &quot;Status&quot;"),
        "{html}"
    );
    assert!(!html.contains("component_ids:"), "no field keys: {html}");
}
