//! The admin screens as a person meets them: the overview's "needs attention" list,
//! navigation, flash messages after each action, confirm steps and errors beside fields.

mod common;

use common::*;
use reqwest::StatusCode;
use reqwest::blocking::Client;
use serde_json::{Value, json};

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
    fn page(&self, path: &str) -> String {
        let (status, page) = text(
            self.owner
                .get(self.env.server.url(path))
                .send()
                .expect("GET"),
        );
        assert_eq!(status, StatusCode::OK, "GET {path}: {page}");
        page
    }
    fn post(&self, path: &str, fields: &[(&str, &str)]) -> reqwest::blocking::Response {
        self.env.server.post_form(&self.owner, path, fields)
    }
    fn api(&self, path: &str, body: Value) -> Value {
        let (status, v) =
            self.env
                .server
                .api_send(reqwest::Method::POST, path, &self.env.token, &body);
        assert!(status.is_success(), "POST {path}: {status} {v}");
        v
    }
}

/// The text of the "Needs attention" part of the overview.
fn attention(page: &str) -> &str {
    let start = page
        .find("Needs attention")
        .expect("a Needs attention heading");
    let end = page[start..]
        .find("<h2>Components")
        .map_or(page.len(), |e| start + e);
    &page[start..end]
}

#[test]
fn overview_says_all_clear_then_lists_what_needs_attention() {
    let a = Admin::start();
    let page = a.page("/admin");
    assert!(attention(&page).contains("All clear"), "{page}");

    let api = a.api("/api/v1/components", json!({"name": "API"}));
    let api_id = api["id"].as_str().unwrap();
    a.api(
        "/api/v1/incidents",
        json!({"title": "Checkout errors", "status": "investigating", "impact": "major",
               "component_ids": [api_id], "message": "Looking."}),
    );
    let draft = a.api(
        "/api/v1/incidents",
        json!({"title": "Probe says DB slow", "status": "investigating", "impact": "minor",
               "message": "From an alert.", "draft": true}),
    );
    let soon = chrono::Utc::now() + chrono::Duration::hours(3);
    let later = chrono::Utc::now() + chrono::Duration::hours(30);
    a.api(
        "/api/v1/maintenance",
        json!({"title": "DB upgrade", "starts_at": soon, "ends_at": soon + chrono::Duration::hours(1),
               "component_ids": [api_id]}),
    );
    a.api(
        "/api/v1/maintenance",
        json!({"title": "Far away window", "starts_at": later, "ends_at": later + chrono::Duration::hours(1)}),
    );

    let page = a.page("/admin");
    let att = attention(&page);
    assert!(!att.contains("All clear"), "{att}");
    assert!(
        att.contains("Checkout errors"),
        "open incident listed: {att}"
    );
    assert!(att.contains("1 open incident"), "{att}");
    assert!(att.contains("DB upgrade"), "maintenance within 24 h: {att}");
    assert!(
        !att.contains("Far away window"),
        "a window 30 h away waits: {att}"
    );
    assert_eq!(draft["state"], "draft");
    assert!(att.contains("Probe says DB slow"), "draft listed: {att}");
    assert!(att.contains("1 draft waits for Publish"), "{att}");
    assert!(
        page.contains(r#"data-component="API""#),
        "then the component table: {page}"
    );
}

#[test]
fn a_down_monitor_shows_on_the_overview() {
    let a = Admin::start();
    let closed = free_port();
    let m = a.api(
        "/api/v1/monitors",
        json!({"name": "Closed port", "kind": "tcp", "target": format!("127.0.0.1:{closed}"),
               "interval_seconds": 1, "timeout_ms": 500, "failure_threshold": 1,
               "recovery_threshold": 1, "on_down": "status"}),
    );
    let id = m["id"].as_str().unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(15);
    loop {
        let page = a.page("/admin");
        if attention(&page).contains("1 monitor down") {
            assert!(
                attention(&page).contains(&format!("/admin/monitors/{id}")),
                "{page}"
            );
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the closed port never showed as down: {page}"
        );
        std::thread::sleep(std::time::Duration::from_millis(300));
    }
}

#[test]
fn navigation_has_a_skip_link_a_favicon_and_groups_the_rest_under_more() {
    let a = Admin::start();
    let page = a.page("/admin");
    assert!(
        page.contains(r##"<a class="skip" href="#main">Skip to content</a>"##),
        "{page}"
    );
    assert!(page.contains(r#"id="main""#), "{page}");
    assert!(page.contains(r#"rel="icon""#), "{page}");
    let more = page.find("<summary").expect("a More menu");
    for primary in ["Overview", "Incidents", "Monitors", "Maintenance"] {
        let at = page
            .find(&format!(">{primary}</a>"))
            .unwrap_or_else(|| panic!("{primary} in the nav"));
        assert!(at < more, "{primary} sits in the top row");
    }
    for secondary in ["Users", "API keys", "Templates"] {
        let at = page
            .find(&format!(">{secondary}</a>"))
            .unwrap_or_else(|| panic!("{secondary} in the nav"));
        assert!(at > more, "{secondary} sits under More");
    }
    let (status, login) = text(
        browser()
            .get(a.env.server.url("/admin/login"))
            .send()
            .unwrap(),
    );
    assert_eq!(status, StatusCode::OK);
    assert!(
        login.contains(r#"rel="icon""#),
        "sign-in has the favicon too"
    );
}

#[test]
fn no_admin_page_carries_an_inline_style() {
    let a = Admin::start();
    a.api("/api/v1/components", json!({"name": "API"}));
    let soon = chrono::Utc::now() + chrono::Duration::hours(3);
    a.api(
        "/api/v1/maintenance",
        json!({"title": "DB upgrade", "starts_at": soon, "ends_at": soon + chrono::Duration::hours(1)}),
    );
    for path in [
        "/admin",
        "/admin/incidents",
        "/admin/monitors",
        "/admin/maintenance",
        "/admin/components",
        "/admin/pages",
        "/admin/subscribers",
        "/admin/users",
        "/admin/keys",
        "/admin/templates",
        "/admin/outbox",
        "/admin/audit",
    ] {
        let page = a.page(path);
        assert!(!page.contains("style="), "{path} has an inline style");
    }
}

#[test]
fn a_create_leaves_a_flash_shown_once() {
    let a = Admin::start();
    let resp = a.post("/admin/components", &[("name", "Billing")]);
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    let page = a.page(&location(&resp));
    assert!(
        page.contains("Component “Billing” created."),
        "flash after create: {page}"
    );
    let again = a.page("/admin/components");
    assert!(
        !again.contains("Component “Billing” created."),
        "the flash shows once"
    );
}

#[test]
fn incident_impact_uses_the_css_class() {
    let a = Admin::start();
    a.api(
        "/api/v1/incidents",
        json!({"title": "Slow", "status": "investigating", "impact": "minor", "message": "m"}),
    );
    let page = a.page("/admin/incidents");
    assert!(page.contains(r#"class="impact impact-minor""#), "{page}");
    let css = text(a.env.server.get("/assets/style.css")).1;
    assert!(css.contains(".impact-minor"), "the stylesheet styles it");
}

/// Follows a 303 and reads the page it leads to.
fn follow(a: &Admin, resp: reqwest::blocking::Response) -> String {
    assert_eq!(resp.status(), StatusCode::SEE_OTHER, "expected a redirect");
    a.page(&location(&resp))
}

#[test]
fn every_destructive_action_asks_first_on_its_own_page() {
    let a = Admin::start();
    let c = a.api("/api/v1/components", json!({"name": "Billing"}));
    let id = c["id"].as_str().unwrap();
    let list = a.page("/admin/components");
    let edit = a.page(&format!("/admin/components/{id}"));
    for page in [&list, &edit] {
        assert!(
            !page.contains(&format!(r#"action="/admin/components/{id}/delete""#)),
            "no one-click delete form"
        );
    }
    assert!(edit.contains(&format!(r#"href="/admin/components/{id}/delete""#)));
    let confirm = a.page(&format!("/admin/components/{id}/delete"));
    assert!(confirm.contains("Delete component “Billing”?"), "{confirm}");
    assert!(confirm.contains("cannot be undone"), "{confirm}");
    assert!(
        confirm.contains(&format!(r#"action="/admin/components/{id}/delete""#)),
        "{confirm}"
    );
    assert!(!confirm.contains("<dialog"), "a page, not a dialog");
    assert_eq!(
        a.env
            .server
            .api_get(&format!("/api/v1/components/{id}"), &a.env.token)
            .0,
        StatusCode::OK,
        "looking at the confirm page deletes nothing"
    );
    let page = follow(&a, a.post(&format!("/admin/components/{id}/delete"), &[]));
    assert!(page.contains("Component deleted."), "{page}");
    assert_eq!(
        a.env
            .server
            .api_get(&format!("/api/v1/components/{id}"), &a.env.token)
            .0,
        StatusCode::NOT_FOUND
    );

    // The other confirm pages answer too, each naming what it removes.
    let m = a.api(
        "/api/v1/monitors",
        json!({"name": "Probe", "kind": "tcp",
        "target": "127.0.0.1:9", "interval_seconds": 3600}),
    );
    let t = a.api(
        "/api/v1/templates",
        json!({"name": "Outage text", "body": "b"}),
    );
    let soon = chrono::Utc::now() + chrono::Duration::hours(3);
    let w = a.api(
        "/api/v1/maintenance",
        json!({"title": "Window", "starts_at": soon,
        "ends_at": soon + chrono::Duration::hours(1)}),
    );
    let d = a.api(
        "/api/v1/incidents",
        json!({"title": "Maybe", "message": "m", "draft": true}),
    );
    for (path, says) in [
        (
            format!("/admin/monitors/{}/delete", m["id"].as_str().unwrap()),
            "Delete monitor “Probe”?",
        ),
        (
            format!("/admin/templates/{}/delete", t["id"].as_str().unwrap()),
            "Delete template “Outage text”?",
        ),
        (
            format!("/admin/maintenance/{}/delete", w["id"].as_str().unwrap()),
            "Delete maintenance “Window”?",
        ),
        (
            format!("/admin/incidents/{}/discard", d["id"].as_str().unwrap()),
            "Discard draft “Maybe”?",
        ),
    ] {
        let page = a.page(&path);
        assert!(page.contains(says), "{path}: {page}");
        assert!(page.contains(&format!(r#"action="{path}""#)), "{path}");
    }
}

#[test]
fn an_owner_deletes_a_published_incident_without_telling_subscribers() {
    let a = Admin::start();
    let c = a.api("/api/v1/components", json!({"name": "API"}));
    let cid = c["id"].as_str().unwrap();
    let i = a.api(
        "/api/v1/incidents",
        json!({"title": "Mistaken outage", "impact": "critical", "component_ids": [cid], "message": "oops"}),
    );
    let id = i["id"].as_str().unwrap();
    let (_, comp) = a
        .env
        .server
        .api_get(&format!("/api/v1/components/{cid}"), &a.env.token);
    assert_eq!(comp["status"], "major_outage");

    let detail = a.page(&format!("/admin/incidents/{id}"));
    assert!(
        detail.contains(&format!(r#"href="/admin/incidents/{id}/delete""#)),
        "{detail}"
    );
    let confirm = a.page(&format!("/admin/incidents/{id}/delete"));
    for says in ["public history", "v2 API", "Subscribers are not notified"] {
        assert!(confirm.contains(says), "confirm says {says}: {confirm}");
    }
    // An editor's key may not delete a published incident.
    let status = a
        .env
        .server
        .api(
            reqwest::Method::DELETE,
            &format!("/api/v1/incidents/{id}"),
            &a.env.token,
        )
        .send()
        .unwrap()
        .status();
    assert_eq!(status, StatusCode::FORBIDDEN);

    let page = follow(&a, a.post(&format!("/admin/incidents/{id}/delete"), &[]));
    assert!(
        page.contains("Incident “Mistaken outage” deleted."),
        "{page}"
    );
    let (status, _) = a
        .env
        .server
        .api_get(&format!("/api/v1/incidents/{id}"), &a.env.token);
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (_, v2) = json(a.env.server.get("/api/v2/incidents.json"));
    assert!(!v2.to_string().contains("Mistaken outage"), "{v2}");
    let (_, history) = text(a.env.server.get("/history"));
    assert!(!history.contains("Mistaken outage"), "{history}");
    let (_, comp) = a
        .env
        .server
        .api_get(&format!("/api/v1/components/{cid}"), &a.env.token);
    assert_eq!(comp["status"], "operational", "nothing else holds it");
    let (_, events) = a
        .env
        .server
        .api_get("/api/v1/events?limit=1000", &a.env.token);
    let data = events["data"].as_array().unwrap();
    let deleted: Vec<&Value> = data
        .iter()
        .filter(|e| e["kind"] == "incident.deleted")
        .collect();
    assert_eq!(deleted.len(), 1, "{events}");
    assert_eq!(deleted[0]["notify"], false, "no notice for the deletion");
    let back: Vec<&Value> = data
        .iter()
        .filter(|e| {
            e["kind"] == "component.status_changed" && e["change"]["new_status"] == "operational"
        })
        .collect();
    assert!(
        !back.is_empty() && back.iter().all(|e| e["notify"] == false),
        "the component's return notifies nobody: {back:?}"
    );

    // An owner's key deletes through the API too.
    let owner_key = a.env.server.api_key(&a.owner, "owner");
    let j = a.api(
        "/api/v1/incidents",
        json!({"title": "Second", "message": "m"}),
    );
    let status = a
        .env
        .server
        .api(
            reqwest::Method::DELETE,
            &format!("/api/v1/incidents/{}", j["id"].as_str().unwrap()),
            &owner_key,
        )
        .send()
        .unwrap()
        .status();
    assert_eq!(status, StatusCode::NO_CONTENT);
}

#[test]
fn setup_errors_are_words_beside_the_field() {
    let (_dir, data) = temp_data();
    let server = Server::start(&data);
    let setup = server.setup_url.clone().unwrap();
    let token = setup.split_once("token=").unwrap().1.to_string();
    let client = browser();
    let (_, page) = text(client.get(&setup).send().unwrap());
    let csrf = csrf_of(&page);
    let (status, page) = text(
        client
            .post(server.url("/admin/setup"))
            .form(&[
                ("token", token.as_str()),
                ("csrf", csrf.as_str()),
                ("email", OWNER),
                ("password", PW),
                ("password_confirm", "something else entirely"),
            ])
            .send()
            .unwrap(),
    );
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        !page.contains("password_confirm:"),
        "no field names: {page}"
    );
    let field = page.find(r#"name="password_confirm""#).unwrap();
    let error = page
        .find(r#"<span class="field-error" id="err-password_confirm">Passwords differ"#)
        .expect("the error beside the field");
    assert!(error > field, "after its input");
    assert!(page.contains(r#"aria-invalid="true""#), "{page}");
}

#[test]
fn sign_in_returns_to_the_page_asked_for_and_only_to_admin_pages() {
    let a = Admin::start();
    let fresh = browser();
    let resp = fresh
        .get(a.env.server.url("/admin/monitors"))
        .send()
        .unwrap();
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&resp), "/admin/login?next=%2Fadmin%2Fmonitors");
    let (_, login) = text(
        fresh
            .get(a.env.server.url(&location(&resp)))
            .send()
            .unwrap(),
    );
    assert!(
        login.contains(r#"name="next" value="/admin/monitors""#),
        "{login}"
    );
    let csrf = csrf_of(&login);
    let post = |next: &str, pw: &str| {
        fresh
            .post(a.env.server.url("/admin/login"))
            .form(&[
                ("csrf", csrf.as_str()),
                ("email", OWNER),
                ("password", pw),
                ("next", next),
            ])
            .send()
            .unwrap()
    };
    let (status, failed) = text(post("/admin/monitors", "wrong password here"));
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(
        failed.contains(r#"id="form-error""#) && failed.contains("autofocus"),
        "{failed}"
    );
    assert!(
        failed.contains(r#"name="next" value="/admin/monitors""#),
        "kept: {failed}"
    );
    for evil in [
        "//evil.example/admin",
        "https://evil.example/admin",
        "/admin/\\evil",
        "/adminx",
    ] {
        let c = browser();
        let (_, page) = text(c.get(a.env.server.url("/admin/login")).send().unwrap());
        let csrf = csrf_of(&page);
        let resp = c
            .post(a.env.server.url("/admin/login"))
            .form(&[
                ("csrf", csrf.as_str()),
                ("email", OWNER),
                ("password", PW),
                ("next", evil),
            ])
            .send()
            .unwrap();
        assert_eq!(location(&resp), "/admin", "{evil} refused");
    }
    let resp = post("/admin/monitors", PW);
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&resp), "/admin/monitors");
}

#[test]
fn maintenance_is_edited_and_takes_updates_that_reach_the_public_entry() {
    let a = Admin::start();
    let c = a.api("/api/v1/components", json!({"name": "DB"}));
    let cid = c["id"].as_str().unwrap();
    let soon = chrono::Utc::now() + chrono::Duration::hours(5);
    let w = a.api(
        "/api/v1/maintenance",
        json!({"title": "Upgrade", "message": "first",
        "starts_at": soon, "ends_at": soon + chrono::Duration::hours(1)}),
    );
    let id = w["id"].as_str().unwrap();
    let list = a.page("/admin/maintenance");
    assert!(
        list.contains("Start now") && !list.contains("Complete now"),
        "scheduled: no Complete now"
    );
    assert!(list.contains("Extend by"), "labelled extend control");

    let start = (soon + chrono::Duration::hours(1))
        .format("%Y-%m-%dT%H:%M")
        .to_string();
    let end = (soon + chrono::Duration::hours(3))
        .format("%Y-%m-%dT%H:%M")
        .to_string();
    let page = follow(
        &a,
        a.post(
            &format!("/admin/maintenance/{id}"),
            &[
                ("title", "DB upgrade to 17"),
                ("message", "Longer now."),
                ("starts_at", &start),
                ("ends_at", &end),
                ("component_ids", cid),
            ],
        ),
    );
    assert!(
        page.contains("Maintenance “DB upgrade to 17” saved."),
        "{page}"
    );
    let (_, m) = a
        .env
        .server
        .api_get(&format!("/api/v1/maintenance/{id}"), &a.env.token);
    assert_eq!(m["title"], "DB upgrade to 17");
    assert_eq!(m["component_ids"], json!([cid]));
    assert!(
        m["ends_at"].as_str().unwrap().starts_with(&end[..13]),
        "{m}"
    );

    let page = follow(
        &a,
        a.post(
            &format!("/admin/maintenance/{id}/updates"),
            &[
                ("message", "Backups verified, ready to go."),
                ("notify", "true"),
            ],
        ),
    );
    assert!(
        page.contains("Update posted; subscribers will be notified."),
        "{page}"
    );
    let (_, public) = text(a.env.server.get(&format!("/incidents/{id}")));
    assert!(
        public.contains("Backups verified, ready to go."),
        "{public}"
    );
    let (_, events) = a
        .env
        .server
        .api_get("/api/v1/events?limit=1000", &a.env.token);
    assert!(
        events["data"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["kind"] == "maintenance.updated" && e["notify"] == true),
        "sent like other notices: {events}"
    );

    let (status, page) = text(a.post(
        &format!("/admin/maintenance/{id}/extend"),
        &[("minutes", "0")],
    ));
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let field = page.find(r#"name="minutes""#).unwrap();
    let error = page
        .find(r#"id="err-minutes""#)
        .expect("error beside the field");
    assert!(error > field, "{page}");

    follow(&a, a.post(&format!("/admin/maintenance/{id}/start"), &[]));
    let list = a.page("/admin/maintenance");
    assert!(
        list.contains("Complete now"),
        "started: Complete now offered"
    );
}

#[test]
fn check_now_comes_back_with_the_outcome() {
    let a = Admin::start();
    let closed = free_port();
    let m = a.api(
        "/api/v1/monitors",
        json!({"name": "Closed", "kind": "tcp",
        "target": format!("127.0.0.1:{closed}"), "interval_seconds": 3600, "timeout_ms": 1000}),
    );
    let id = m["id"].as_str().unwrap();
    let page = follow(&a, a.post(&format!("/admin/monitors/{id}/check"), &[]));
    assert!(page.contains("Check now: failed"), "{page}");
}

#[test]
fn monitor_settings_are_a_form_per_kind() {
    let a = Admin::start();
    let page = a.page("/admin/monitors");
    assert!(!page.contains(r#"name="check""#), "no raw JSON box");
    for kind in ["kind-http", "kind-dns", "kind-tls", "kind-heartbeat"] {
        assert!(page.contains(kind), "{kind} fields");
    }
    let resp = a.post(
        "/admin/monitors",
        &[
            ("name", "Shop"),
            ("kind", "http"),
            ("target", "http://127.0.0.1:9/health"),
            ("interval_seconds", "3600"),
            ("method", "HEAD"),
            (
                "headers",
                "X-Api-Key: h3ader-s3cret-val\nAccept: text/plain",
            ),
            ("expected_status", "200-204"),
            ("keyword", "ok"),
            ("json_path", ""),
        ],
    );
    let page = follow(&a, resp);
    assert!(page.contains("Monitor “Shop” created."), "{page}");
    let (_, list) = a.env.server.api_get("/api/v1/monitors", &a.env.token);
    let m = list["data"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["name"] == "Shop")
        .unwrap()
        .clone();
    assert_eq!(m["check"]["method"], "HEAD");
    assert_eq!(
        m["check"]["headers"]["X-Api-Key"], "********",
        "secret stays write-only"
    );
    assert_eq!(m["check"]["headers"]["Accept"], "********");
    assert!(
        m["check"]["expected_status"]
            .to_string()
            .contains("200-204"),
        "{m}"
    );
    assert_eq!(m["check"]["keyword"], "ok");
    let id = m["id"].as_str().unwrap();
    let edit = a.page(&format!("/admin/monitors/{id}"));
    assert!(edit.contains("X-Api-Key: ********"), "{edit}");
    assert!(
        !edit.contains("h3ader-s3cret-val"),
        "saved header value never shown"
    );
    // Saving the form as shown keeps the secret and settings the form does not show.
    a.env.server.api_send(reqwest::Method::PATCH, &format!("/api/v1/monitors/{id}"), &a.env.token,
        &json!({"check": {"method": "HEAD", "headers": {"X-Api-Key": "********", "Accept": "********"},
                "expected_status": "200-204", "keyword": "ok", "follow_redirects": true}}));
    let page = follow(
        &a,
        a.post(
            &format!("/admin/monitors/{id}"),
            &[
                ("name", "Shop"),
                ("kind", "http"),
                ("target", "http://127.0.0.1:9/health"),
                ("interval_seconds", "3600"),
                ("method", "GET"),
                ("headers", "X-Api-Key: ********"),
                ("expected_status", "200"),
                ("keyword", ""),
            ],
        ),
    );
    assert!(page.contains("Monitor “Shop” saved."), "{page}");
    let (_, m) = a
        .env
        .server
        .api_get(&format!("/api/v1/monitors/{id}"), &a.env.token);
    assert_eq!(m["check"]["method"], "GET");
    assert_eq!(m["check"]["follow_redirects"], true, "kept: {m}");
    assert!(m["check"].get("keyword").is_none(), "cleared: {m}");
    assert_eq!(m["check"]["headers"]["X-Api-Key"], "********");

    let (status, page) = text(a.post(
        "/admin/monitors",
        &[
            ("name", "Bad"),
            ("kind", "http"),
            ("target", "http://127.0.0.1:9/"),
            ("headers", "no colon here"),
        ],
    ));
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(page.contains(r#"id="err-headers""#), "{page}");
}
