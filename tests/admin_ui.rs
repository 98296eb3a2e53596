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
