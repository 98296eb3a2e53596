//! Foundation integration tests (issue 3): each test starts the real `statusd` binary
//! on a free 127.0.0.1 port with its own temp data file and checks what a user sees.

mod common;

use common::*;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use std::collections::HashSet;
use std::time::Duration;

const OWNER: &str = "owner@example.com";
const OWNER_PW: &str = "correct horse battery";

/// A fresh server with an owner (signed in) and an owner API key.
fn server_with_owner() -> (tempfile::TempDir, Server, reqwest::blocking::Client, String) {
    let (dir, data) = temp_data();
    let server = Server::start(&data);
    let owner = server.setup_owner(OWNER, OWNER_PW);
    let owner_key = server.api_key(&owner, "owner");
    (dir, server, owner, owner_key)
}

fn id_of(v: &Value) -> String {
    v["id"]
        .as_str()
        .unwrap_or_else(|| panic!("no id in {v}"))
        .to_string()
}

fn assert_fields(what: &str, v: &Value, fields: &[&str]) {
    let obj = v
        .as_object()
        .unwrap_or_else(|| panic!("{what} is not an object: {v}"));
    for f in fields {
        assert!(obj.contains_key(*f), "{what} lacks field {f:?}: {v}");
    }
}

/// Asserts `{"error": {"code": "...", "message": "..."}}` and returns the message.
fn error_message(body: &Value) -> String {
    let code = body["error"]["code"].as_str();
    let message = body["error"]["message"].as_str();
    assert!(
        code.is_some_and(|c| !c.is_empty()) && message.is_some_and(|m| !m.is_empty()),
        "not an error body: {body}"
    );
    message.unwrap_or_default().to_string()
}

fn component_ids(server: &Server, token: &str) -> Vec<String> {
    let (status, list) = server.api_get("/api/v1/components", token);
    assert_eq!(status, StatusCode::OK, "{list}");
    list["data"]
        .as_array()
        .expect("data array")
        .iter()
        .map(id_of)
        .collect()
}

/// (1) Setup link → owner account → session; the link dies; sign-in checks the password.
#[test]
fn setup_flow_creates_owner_and_sign_in_checks_password() {
    let (_dir, data) = temp_data();
    let mut server = Server::start(&data);
    let setup = server
        .setup_url
        .clone()
        .expect("a fresh server prints a setup URL");
    assert!(
        setup.starts_with(&format!("{}/admin/setup?token=", server.base)),
        "{setup}"
    );
    let token = setup.split_once("token=").unwrap().1.to_string();

    // No session: /admin sends the visitor to sign-in.
    let browser = browser();
    let resp = browser.get(server.url("/admin")).send().unwrap();
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&resp), "/admin/login");

    // Mismatched passwords: the form comes back with the message and the typed email.
    let (status, page) = text(browser.get(&setup).send().unwrap());
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Create the owner account"), "{page}");
    let csrf = csrf_of(&page);
    let post = |pw2: &str| {
        browser
            .post(server.url("/admin/setup"))
            .form(&[
                ("token", token.as_str()),
                ("csrf", csrf.as_str()),
                ("email", OWNER),
                ("password", OWNER_PW),
                ("password_confirm", pw2),
            ])
            .send()
            .unwrap()
    };
    let (status, page) = text(post("something else entirely"));
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(page.contains("Passwords differ"), "{page}");
    assert!(
        page.contains(r#"name="password_confirm""#),
        "form re-rendered: {page}"
    );
    assert!(page.contains(OWNER), "typed email kept: {page}");
    assert!(!page.contains(OWNER_PW), "password never echoed: {page}");

    // Valid setup: signed in straight away.
    let resp = post(OWNER_PW);
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&resp), "/admin");
    let (status, page) = text(browser.get(server.url("/admin")).send().unwrap());
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Overview"), "{page}");

    // The setup link is dead now, for GET and POST.
    let (status, page) = text(browser.get(&setup).send().unwrap());
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(page.contains("Setup link not valid"), "{page}");
    assert_eq!(post(OWNER_PW).status(), StatusCode::FORBIDDEN);

    // Sign-in works with the password and fails (401, a clear message) without it.
    server.login(OWNER, OWNER_PW);
    for (email, pw) in [
        (OWNER, "wrong password!!"),
        ("nobody@example.com", OWNER_PW),
    ] {
        let (resp, _) = server.try_login(email, pw);
        let (status, page) = text(resp);
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{email}");
        assert!(page.contains("Wrong email or password"), "{page}");
    }

    // On disk the password is an argon2id hash, and the password itself is nowhere.
    server.stop();
    let mut hashes = Vec::new();
    {
        let db = redb::Database::create(&data).expect("open data file after stop");
        let txn = redb::ReadableDatabase::begin_read(&db).unwrap();
        let users = txn.open_table(statusd::store::tables::USERS).unwrap();
        for row in redb::ReadableTable::iter(&users).unwrap() {
            let user = row.unwrap().1.value();
            assert_eq!(user.email, OWNER);
            hashes.push(user.password_hash);
        }
    }
    assert_eq!(hashes.len(), 1);
    assert!(hashes[0].starts_with("$argon2id$"), "{}", hashes[0]);
    let raw = std::fs::read(&data).unwrap();
    assert!(
        !raw.windows(OWNER_PW.len())
            .any(|w| w == OWNER_PW.as_bytes()),
        "plain password found in the data file"
    );
}

/// (2) Admin forms refuse a post without the session's CSRF token.
#[test]
fn csrf_token_is_required_on_admin_posts() {
    let (_dir, server, owner, owner_key) = server_with_owner();
    let real = server.session_csrf(&owner);
    let wrong = "A".repeat(real.len());
    for (what, fields) in [
        ("no csrf", vec![("name", "Sneaky")]),
        ("empty csrf", vec![("name", "Sneaky"), ("csrf", "")]),
        (
            "wrong csrf",
            vec![("name", "Sneaky"), ("csrf", wrong.as_str())],
        ),
    ] {
        let resp = owner
            .post(server.url("/admin/components"))
            .form(&fields)
            .send()
            .unwrap();
        // Browsers get the refusal as a page, not JSON.
        let (status, page) = text(resp);
        assert_eq!(status, StatusCode::FORBIDDEN, "{what}");
        assert!(
            page.contains("<html") && page.contains("CSRF"),
            "{what}: {page}"
        );
    }
    assert!(
        component_ids(&server, &owner_key).is_empty(),
        "nothing was created"
    );

    // The same form with the session's token works (so the 403s were about CSRF).
    let resp = server.post_form(&owner, "/admin/components", &[("name", "Legit")]);
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    assert_eq!(component_ids(&server, &owner_key).len(), 1);
}

/// `POST /admin/...` paths in the route table, so a new admin route without a row in the
/// role table below fails the test.
fn admin_post_routes() -> HashSet<String> {
    statusd::web::routes::ADMIN_ROUTES
        .iter()
        .filter(|(method, _)| *method == "post")
        .map(|(_, path)| path.to_string())
        .collect()
}

/// (3) Viewers (by session and by key) get 403 on every mutating route; editors cannot
/// manage keys or download backups; owners can.
#[test]
fn viewer_gets_403_on_every_mutating_route() {
    let (_dir, server, owner, owner_key) = server_with_owner();

    // Owner adds a viewer and makes a viewer key and an editor key.
    let viewer_pw = "viewer password 1";
    let resp = server.post_form(
        &owner,
        "/admin/users",
        &[
            ("email", "viewer@example.com"),
            ("password", viewer_pw),
            ("role", "viewer"),
        ],
    );
    assert_eq!(
        resp.status(),
        StatusCode::SEE_OTHER,
        "{}",
        resp.text().unwrap_or_default()
    );
    let viewer_key = server.api_key(&owner, "viewer");
    let editor_key = server.api_key(&owner, "editor");

    // Real objects to aim at, so each refusal is about the role and nothing else.
    let post = |path: &str, body: Value| {
        let (status, v) = server.api_send(Method::POST, path, &owner_key, &body);
        assert_eq!(status, StatusCode::CREATED, "{path}: {v}");
        v
    };
    let page = id_of(&post(
        "/api/v1/pages",
        json!({"slug": "team", "title": "Team"}),
    ));
    let group = id_of(&post("/api/v1/groups", json!({"name": "Core"})));
    let comp = id_of(&post(
        "/api/v1/components",
        json!({"name": "API", "group_id": group}),
    ));
    let incident = post(
        "/api/v1/incidents",
        json!({"title": "Slow API", "impact": "minor", "component_ids": [comp], "message": "Looking into it"}),
    );
    let update = id_of(&incident["updates"][0]);
    let incident = id_of(&incident);
    let maint = id_of(&post(
        "/api/v1/maintenance",
        json!({"title": "DB upgrade", "message": "Upgrading", "component_ids": [comp],
               "starts_at": "2099-01-01T00:00:00Z", "ends_at": "2099-01-01T01:00:00Z"}),
    ));
    // Unconfirmed, so its confirmation mail waits in the outbox as a notice.
    let subscriber = id_of(&post(
        "/api/v1/subscribers",
        json!({"email": "sub@example.com"}),
    ));
    let (_, notices) = server.api_get("/api/v1/notices", &owner_key);
    let notice = id_of(&notices["data"][0]);
    let template = id_of(&post(
        "/api/v1/templates",
        json!({"name": "Investigating", "body": "We are looking at {{component}}."}),
    ));
    // Paused, so the prober never touches it during the test.
    let monitor = id_of(&post(
        "/api/v1/monitors",
        json!({"name": "Site", "target": "http://127.0.0.1:9/", "paused": true}),
    ));
    let (_, keys) = server.api_get("/api/v1/keys", &owner_key);
    let key_count = keys["data"].as_array().unwrap().len();
    let some_key = id_of(&keys["data"][0]);
    let (_, users_page) = text(owner.get(server.url("/admin/users")).send().unwrap());
    let some_user = users_page
        .split("/admin/users/")
        .nth(1)
        .and_then(|s| s.split('/').next())
        .expect("a user id on the users page")
        .to_string();

    let objects = [
        format!("/api/v1/subscribers/{subscriber}"),
        format!("/api/v1/pages/{page}"),
        format!("/api/v1/groups/{group}"),
        format!("/api/v1/components/{comp}"),
        format!("/api/v1/incidents/{incident}"),
        format!("/api/v1/maintenance/{maint}"),
        format!("/api/v1/templates/{template}"),
        format!("/api/v1/monitors/{monitor}"),
    ];
    let snapshot = || -> Vec<Value> {
        objects
            .iter()
            .map(|path| {
                let (status, v) = server.api_get(path, &owner_key);
                assert_eq!(status, StatusCode::OK, "{path}: {v}");
                v
            })
            .collect()
    };
    let before = snapshot();

    // Admin forms: every POST /admin/* except setup, login and logout.
    let admin_table: &[(&str, &[(&str, &str)])] = &[
        ("/admin/components", &[("name", "Viewer made")]),
        (
            "/admin/components/{id}",
            &[("name", "Renamed"), ("status", "major_outage")],
        ),
        (
            "/admin/components/{id}/status",
            &[("status", "major_outage")],
        ),
        ("/admin/components/{id}/move", &[("direction", "up")]),
        ("/admin/components/{id}/delete", &[]),
        (
            "/admin/pages",
            &[
                ("slug", "viewer-page"),
                ("title", "Viewer page"),
                ("time_zone", "UTC"),
            ],
        ),
        (
            "/admin/pages/{id}",
            &[("slug", "team"), ("title", "Renamed"), ("time_zone", "UTC")],
        ),
        ("/admin/pages/{id}/delete", &[]),
        ("/admin/pages/{id}/logo", &[]),
        ("/admin/pages/{id}/logo/remove", &[]),
        ("/admin/pages/{id}/tokens", &[("name", "Viewer token")]),
        ("/admin/pages/{id}/tokens/{tid}/revoke", &[]),
        ("/admin/pages/{id}/sessions/{sid}/revoke", &[]),
        ("/admin/groups", &[("name", "Viewer group")]),
        ("/admin/groups/{id}", &[("name", "Renamed")]),
        ("/admin/groups/{id}/delete", &[]),
        (
            "/admin/users",
            &[
                ("email", "evil@example.com"),
                ("password", "evil password 1"),
                ("role", "owner"),
            ],
        ),
        ("/admin/users/{id}/role", &[("role", "owner")]),
        ("/admin/users/{id}/delete", &[]),
        ("/admin/users/{id}/disable", &[]),
        ("/admin/users/{id}/enable", &[]),
        (
            "/admin/invites",
            &[("email", "invited@example.com"), ("role", "owner")],
        ),
        ("/admin/invites/{id}/resend", &[]),
        ("/admin/invites/{id}/revoke", &[]),
        ("/admin/keys", &[("name", "viewer key"), ("role", "owner")]),
        ("/admin/keys/{id}/revoke", &[]),
        (
            "/admin/subscribers",
            &[("kind", "email"), ("address", "viewer-made@example.com")],
        ),
        (
            "/admin/subscribers/import",
            &[("csv", "email\nimported@example.com")],
        ),
        (
            "/admin/subscribers/test-email",
            &[("address", "check@example.com")],
        ),
        ("/admin/subscribers/{id}/test", &[]),
        ("/admin/subscribers/{id}/delete", &[]),
        ("/admin/outbox/retry", &[]),
        ("/admin/outbox/{id}/retry", &[]),
        (
            "/admin/incidents",
            &[
                ("title", "Viewer incident"),
                ("impact", "minor"),
                ("status", "investigating"),
                ("message", "fake"),
            ],
        ),
        (
            "/admin/incidents/{id}",
            &[("title", "Renamed"), ("impact", "critical")],
        ),
        (
            "/admin/incidents/{id}/updates",
            &[("status", "resolved"), ("message", "fake")],
        ),
        (
            "/admin/incidents/{id}/updates/{uid}",
            &[("message", "edited")],
        ),
        ("/admin/incidents/{id}/updates/{uid}/delete", &[]),
        ("/admin/incidents/{id}/publish", &[]),
        ("/admin/incidents/{id}/discard", &[]),
        ("/admin/incidents/{id}/delete", &[]),
        ("/admin/incidents/{id}/postmortem", &[("summary", "fake")]),
        ("/admin/incidents/{id}/postmortem/publish", &[]),
        (
            "/admin/maintenance",
            &[
                ("title", "Viewer window"),
                ("starts_at", "2099-03-01T00:00"),
                ("ends_at", "2099-03-01T01:00"),
                ("message", "fake"),
            ],
        ),
        (
            "/admin/maintenance/{id}",
            &[
                ("title", "Viewer edit"),
                ("starts_at", "2099-03-01T00:00"),
                ("ends_at", "2099-03-01T01:00"),
            ],
        ),
        ("/admin/maintenance/{id}/updates", &[("message", "fake")]),
        ("/admin/maintenance/{id}/start", &[]),
        ("/admin/maintenance/{id}/complete", &[]),
        ("/admin/maintenance/{id}/extend", &[("minutes", "30")]),
        ("/admin/maintenance/{id}/delete", &[]),
        (
            "/admin/templates",
            &[("name", "Viewer template"), ("body", "fake")],
        ),
        (
            "/admin/templates/{id}",
            &[("name", "Renamed"), ("body", "fake")],
        ),
        ("/admin/templates/{id}/delete", &[]),
        (
            "/admin/monitors",
            &[
                ("name", "Viewer made"),
                ("kind", "http"),
                ("target", "http://127.0.0.1:9/"),
            ],
        ),
        (
            "/admin/monitors/{id}",
            &[
                ("name", "Renamed"),
                ("kind", "http"),
                ("target", "http://127.0.0.1:9/"),
            ],
        ),
        ("/admin/monitors/{id}/check", &[]),
        ("/admin/monitors/{id}/pause", &[]),
        ("/admin/monitors/{id}/delete", &[]),
        (
            "/admin/drafts/{id}/publish",
            &[("title", "Viewer"), ("message", "m"), ("impact", "minor")],
        ),
        ("/admin/drafts/{id}/discard", &[("reason", "viewer")]),
        ("/admin/drafts/{id}/resolve", &[("message", "viewer")]),
        ("/admin/alerts/sources/{id}", &[("name", "viewer url")]),
        ("/admin/alerts/sources/{id}/test", &[]),
        ("/admin/alerts/secrets/{id}/revoke", &[]),
        (
            "/admin/alert-rules",
            &[("name", "Viewer rule"), ("source", "generic")],
        ),
        (
            "/admin/alert-rules/{id}",
            &[("name", "Renamed"), ("source", "generic")],
        ),
        ("/admin/alert-rules/{id}/move", &[("direction", "up")]),
        ("/admin/alert-rules/{id}/delete", &[]),
    ];
    let mut expected = admin_post_routes();
    // Before sign-in (mailed links), or one's own account (any role).
    for exempt in [
        "/admin/setup",
        "/admin/login",
        "/admin/logout",
        "/admin/invite/{token}",
        "/admin/reset",
        "/admin/reset/{token}",
        "/admin/account/password",
        "/admin/account/sessions/others",
        "/admin/account/sessions/{id}/revoke",
    ] {
        assert!(
            expected.remove(exempt),
            "{exempt} missing from ADMIN_ROUTES"
        );
    }
    let tested: HashSet<String> = admin_table.iter().map(|(p, _)| p.to_string()).collect();
    assert_eq!(
        tested, expected,
        "the admin role table must list every admin POST route in ADMIN_ROUTES"
    );

    let viewer = server.login("viewer@example.com", viewer_pw);
    let viewer_csrf = server.session_csrf(&viewer);
    for (pattern, fields) in admin_table {
        let id = match pattern.split('/').nth(2) {
            Some("components") => &comp,
            Some("pages") => &page,
            Some("groups") => &group,
            Some("users") => &some_user,
            Some("invites") => "no-such-invite",
            Some("keys") => &some_key,
            Some("subscribers") => &subscriber,
            Some("outbox") => &notice,
            Some("incidents") => &incident,
            Some("maintenance") => &maint,
            Some("templates") => &template,
            Some("monitors") => &monitor,
            // The role is checked before the id is looked at.
            Some("drafts" | "alerts" | "alert-rules") => &incident,
            other => panic!("no id for {other:?}"),
        };
        let path = pattern.replace("{id}", id).replace("{uid}", &update);
        let mut form = fields.to_vec();
        form.push(("csrf", &viewer_csrf));
        let (status, body) = text(viewer.post(server.url(&path)).form(&form).send().unwrap());
        assert_eq!(
            status,
            StatusCode::FORBIDDEN,
            "viewer session POST {path}: {body}"
        );
        assert!(
            body.contains("role") && !body.contains("CSRF"),
            "refused for the role: {body}"
        );
    }

    // API: every POST/PUT/PATCH/DELETE under /api/v1, with a body an editor could send.
    let api_table: &[(&str, &str, Value)] = &[
        (
            "post",
            "/api/v1/pages",
            json!({"slug": "viewer-page", "title": "Viewer page"}),
        ),
        ("patch", "/api/v1/pages/{id}", json!({"title": "Renamed"})),
        ("delete", "/api/v1/pages/{id}", json!(null)),
        ("put", "/api/v1/pages/{id}/logo", json!(null)),
        ("delete", "/api/v1/pages/{id}/logo", json!(null)),
        ("post", "/api/v1/groups", json!({"name": "Viewer group"})),
        ("patch", "/api/v1/groups/{id}", json!({"name": "Renamed"})),
        ("delete", "/api/v1/groups/{id}", json!(null)),
        ("post", "/api/v1/components", json!({"name": "Viewer made"})),
        (
            "patch",
            "/api/v1/components/{id}",
            json!({"status": "major_outage"}),
        ),
        ("delete", "/api/v1/components/{id}", json!(null)),
        (
            "post",
            "/api/v1/incidents",
            json!({"title": "Fake", "message": "fake"}),
        ),
        (
            "patch",
            "/api/v1/incidents/{id}",
            json!({"status": "resolved"}),
        ),
        ("delete", "/api/v1/incidents/{id}", json!(null)),
        (
            "post",
            "/api/v1/incidents/{id}/updates",
            json!({"status": "identified", "message": "fake"}),
        ),
        (
            "patch",
            "/api/v1/incidents/{id}/updates/{update_id}",
            json!({"message": "edited"}),
        ),
        (
            "delete",
            "/api/v1/incidents/{id}/updates/{update_id}",
            json!(null),
        ),
        ("post", "/api/v1/incidents/{id}/publish", json!({})),
        ("post", "/api/v1/incidents/{id}/discard", json!({})),
        (
            "put",
            "/api/v1/incidents/{id}/postmortem",
            json!({"summary": "fake"}),
        ),
        (
            "post",
            "/api/v1/incidents/{id}/postmortem/publish",
            json!({}),
        ),
        (
            "post",
            "/api/v1/maintenance",
            json!({"title": "Fake", "starts_at": "2099-02-01T00:00:00Z", "ends_at": "2099-02-01T01:00:00Z"}),
        ),
        (
            "patch",
            "/api/v1/maintenance/{id}",
            json!({"title": "Renamed"}),
        ),
        ("delete", "/api/v1/maintenance/{id}", json!(null)),
        ("post", "/api/v1/maintenance/{id}/start", json!({})),
        ("post", "/api/v1/maintenance/{id}/complete", json!({})),
        (
            "post",
            "/api/v1/templates",
            json!({"name": "Fake", "body": "fake"}),
        ),
        (
            "put",
            "/api/v1/templates/{id}",
            json!({"name": "Renamed", "body": "fake"}),
        ),
        ("delete", "/api/v1/templates/{id}", json!(null)),
        (
            "post",
            "/api/v1/subscribers",
            json!({"email": "viewer-made@example.com", "skip_confirmation": true}),
        ),
        ("post", "/api/v1/subscribers/import", json!(null)),
        (
            "patch",
            "/api/v1/subscribers/{id}",
            json!({"component_ids": []}),
        ),
        ("delete", "/api/v1/subscribers/{id}", json!(null)),
        ("post", "/api/v1/subscribers/{id}/test", json!({})),
        ("post", "/api/v1/notices/{id}/retry", json!({})),
        (
            "post",
            "/api/v1/keys",
            json!({"name": "viewer key", "role": "owner"}),
        ),
        ("delete", "/api/v1/keys/{id}", json!(null)),
        (
            "post",
            "/api/v1/monitors",
            json!({"name": "Viewer made", "target": "http://127.0.0.1:9/"}),
        ),
        ("patch", "/api/v1/monitors/{id}", json!({"name": "Renamed"})),
        ("delete", "/api/v1/monitors/{id}", json!(null)),
        ("post", "/api/v1/monitors/{id}/check", json!({})),
        ("post", "/api/v1/alerts/{source}", json!({"title": "x"})),
        (
            "post",
            "/api/v1/alert-rules",
            json!({"name": "r", "matchers": ["a=\"b\""]}),
        ),
        (
            "put",
            "/api/v1/alert-rules/{id}",
            json!({"name": "r", "matchers": ["a=\"b\""]}),
        ),
        ("delete", "/api/v1/alert-rules/{id}", json!(null)),
        (
            "post",
            "/api/v1/alert-sources",
            json!({"name": "s", "source": "generic"}),
        ),
        ("delete", "/api/v1/alert-sources/{id}", json!(null)),
        ("post", "/api/v1/config/plan", json!({"toml": ""})),
        ("post", "/api/v1/config/apply", json!({"toml": ""})),
    ];
    let registered: HashSet<(String, String)> = statusd::web::routes::API_ROUTES
        .iter()
        // Heartbeat pings and alert secret URLs are public by design: the secret is in the path.
        .filter(|(m, p)| {
            *m != "get"
                && !p.starts_with("/api/v1/heartbeat/")
                && *p != "/api/v1/alerts/{source}/{secret}"
        })
        .map(|(m, p)| (m.to_string(), p.to_string()))
        .collect();
    let tested: HashSet<(String, String)> = api_table
        .iter()
        .map(|(m, p, _)| (m.to_string(), p.to_string()))
        .collect();
    assert_eq!(
        tested, registered,
        "the API role table must list every mutating /api/v1 route"
    );

    for (method, pattern, body) in api_table {
        let id = match pattern.split('/').nth(3) {
            Some("subscribers") => &subscriber,
            Some("notices") => &notice,
            Some("pages") => &page,
            Some("groups") => &group,
            Some("components") => &comp,
            Some("incidents") => &incident,
            Some("maintenance") => &maint,
            Some("templates") => &template,
            Some("keys") => &some_key,
            Some("monitors") => &monitor,
            // The role is checked before the id is looked up.
            Some("alerts" | "alert-rules" | "alert-sources" | "config") => "none",
            other => panic!("no id for {other:?}"),
        };
        let path = pattern
            .replace("{id}", id)
            .replace("{update_id}", &update)
            .replace("{source}", "generic");
        let method: Method = method.to_uppercase().parse().unwrap();
        let with_body = |rb: reqwest::blocking::RequestBuilder| {
            if body.is_null() { rb } else { rb.json(body) }
        };
        let (status, v) = json(
            with_body(server.api(method.clone(), &path, &viewer_key))
                .send()
                .unwrap(),
        );
        assert_eq!(
            status,
            StatusCode::FORBIDDEN,
            "viewer key {method} {path}: {v}"
        );
        assert!(error_message(&v).contains("viewer"), "says why: {v}");
        // A viewer's browser session is no way around it either.
        let (status, v) = json(
            with_body(viewer.request(method.clone(), server.url(&path)))
                .send()
                .unwrap(),
        );
        assert_eq!(
            status,
            StatusCode::FORBIDDEN,
            "viewer session {method} {path}: {v}"
        );
    }

    // Nothing changed, and nothing was added.
    assert_eq!(snapshot(), before, "a viewer changed something");
    assert_eq!(component_ids(&server, &owner_key), vec![comp.clone()]);
    for (list, n) in [
        ("/api/v1/pages", 2),
        ("/api/v1/groups", 1),
        ("/api/v1/incidents", 1),
        ("/api/v1/maintenance", 1),
        ("/api/v1/templates", 1),
        ("/api/v1/monitors", 1),
    ] {
        let (status, v) = server.api_get(list, &owner_key);
        assert_eq!(status, StatusCode::OK, "{list}: {v}");
        assert_eq!(v["data"].as_array().map(Vec::len), Some(n), "{list}: {v}");
    }
    let (_, keys) = server.api_get("/api/v1/keys", &owner_key);
    let keys = keys["data"].as_array().unwrap().clone();
    assert_eq!(keys.len(), key_count);
    assert!(
        keys.iter().all(|k| k["revoked_at"].is_null()),
        "no key revoked: {keys:?}"
    );
    let (_, users_page) = text(owner.get(server.url("/admin/users")).send().unwrap());
    assert!(!users_page.contains("evil@example.com"), "no user added");
    assert!(users_page.contains("viewer@example.com"));

    // Editors manage content but not keys or backups; owners do.
    for (method, path) in [
        ("GET", "/api/v1/keys"),
        ("POST", "/api/v1/keys"),
        ("GET", "/api/v1/backup"),
    ] {
        let method: Method = method.parse().unwrap();
        let send = |token: &str| {
            let rb = server.api(method.clone(), path, token);
            let rb = if method == Method::POST {
                rb.json(&json!({"name": "k", "role": "viewer"}))
            } else {
                rb
            };
            rb.send().unwrap().status()
        };
        assert_eq!(
            send(&editor_key),
            StatusCode::FORBIDDEN,
            "editor {method} {path}"
        );
        let owner_status = send(&owner_key);
        let want = if method == Method::POST {
            StatusCode::CREATED
        } else {
            StatusCode::OK
        };
        assert_eq!(owner_status, want, "owner {method} {path}");
    }
    let (status, v) = server.api_send(
        Method::POST,
        "/api/v1/components",
        &editor_key,
        &json!({"name": "By editor"}),
    );
    assert_eq!(
        status,
        StatusCode::CREATED,
        "editor creates components: {v}"
    );
}

/// (4) Pages, groups and components through the API; status changes reach `/`; bad
/// input answers a 4xx naming the field; lists paginate.
#[test]
fn components_api_contract_and_public_page() {
    let (_dir, server, owner, _owner_key) = server_with_owner();
    let editor = server.api_key(&owner, "editor");

    let (status, default_page) = server.api_get("/api/v1/pages/default", &editor);
    assert_eq!(status, StatusCode::OK, "{default_page}");
    let default_id = id_of(&default_page);

    let (status, page) = server.api_send(
        Method::POST,
        "/api/v1/pages",
        &editor,
        &json!({"slug": "shop", "title": "Shop", "time_zone": "Europe/Berlin"}),
    );
    assert_eq!(status, StatusCode::CREATED, "{page}");
    assert_fields(
        "page",
        &page,
        &[
            "id",
            "slug",
            "title",
            "audience",
            "time_zone",
            "custom_host",
            "allowed_domains",
        ],
    );
    assert_eq!(page["audience"], "public");
    assert_eq!(page["time_zone"], "Europe/Berlin");
    let shop_id = id_of(&page);

    let (status, group) = server.api_send(
        Method::POST,
        "/api/v1/groups",
        &editor,
        &json!({"name": "Backend"}),
    );
    assert_eq!(status, StatusCode::CREATED, "{group}");
    assert_fields(
        "group",
        &group,
        &["id", "page_id", "name", "position", "collapsed"],
    );
    assert_eq!(
        group["page_id"],
        default_id.as_str(),
        "group defaults to the default page"
    );
    let group_id = id_of(&group);

    let (status, comp) = server.api_send(
        Method::POST,
        "/api/v1/components",
        &editor,
        &json!({"name": "Checkout API", "description": "Takes the money", "group_id": group_id}),
    );
    assert_eq!(status, StatusCode::CREATED, "{comp}");
    assert_fields(
        "component",
        &comp,
        &[
            "id",
            "name",
            "description",
            "group_id",
            "page_ids",
            "status",
            "position",
        ],
    );
    assert_eq!(comp["status"], "operational");
    assert_eq!(comp["page_ids"], json!([default_id]));
    let comp_id = id_of(&comp);

    // The public page follows the component's status, with a fresh ETag.
    let resp = server.get("/");
    let etag1 = resp.headers()["etag"].to_str().unwrap().to_string();
    let (status, html) = text(resp);
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains("All Systems Operational") && html.contains("Checkout API"),
        "{html}"
    );

    let (status, c) = server.api_send(
        Method::PATCH,
        &format!("/api/v1/components/{comp_id}"),
        &editor,
        &json!({"status": "major_outage"}),
    );
    assert_eq!(status, StatusCode::OK, "{c}");
    assert_eq!(c["status"], "major_outage");
    let resp = server.get("/");
    let etag2 = resp.headers()["etag"].to_str().unwrap().to_string();
    let (status, html) = text(resp);
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Major Service Outage"), "{html}");
    assert_ne!(etag1, etag2, "the ETag changes with the page");
    let resp = server
        .request(Method::GET, "/")
        .header("If-None-Match", &etag2)
        .send()
        .unwrap();
    assert_eq!(resp.status(), StatusCode::NOT_MODIFIED);
    let resp = server
        .request(Method::GET, "/")
        .header("If-None-Match", &etag1)
        .send()
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK, "a stale ETag gets the page");

    // Bad input: (case, method, path, content type, body, status, words the message must contain).
    let long = "x".repeat(101);
    let huge = format!(
        r#"{{"name":"big","description":"{}"}}"#,
        "a".repeat((1 << 20) + 16)
    );
    let j = |v: Value| v.to_string();
    type Case<'a> = (
        &'a str,
        Method,
        String,
        &'a str,
        String,
        &'a [StatusCode],
        &'a [&'a str],
    );
    let cases: Vec<Case> = vec![
        (
            "empty name",
            Method::POST,
            "/api/v1/components".into(),
            "application/json",
            j(json!({"name": ""})),
            &[StatusCode::BAD_REQUEST],
            &["name"],
        ),
        (
            "101-char name",
            Method::POST,
            "/api/v1/components".into(),
            "application/json",
            j(json!({"name": long})),
            &[StatusCode::BAD_REQUEST],
            &["name", "100"],
        ),
        (
            "unknown status",
            Method::POST,
            "/api/v1/components".into(),
            "application/json",
            j(json!({"name": "ok", "status": "sideways"})),
            &[StatusCode::BAD_REQUEST],
            &["status", "sideways"],
        ),
        (
            "unknown status on patch",
            Method::PATCH,
            format!("/api/v1/components/{comp_id}"),
            "application/json",
            j(json!({"status": "on_fire"})),
            &[StatusCode::BAD_REQUEST],
            &["status", "on_fire"],
        ),
        (
            "duplicate slug",
            Method::POST,
            "/api/v1/pages".into(),
            "application/json",
            j(json!({"slug": "shop", "title": "Again"})),
            &[StatusCode::BAD_REQUEST, StatusCode::CONFLICT],
            &["slug", "shop"],
        ),
        (
            "bad time zone",
            Method::POST,
            "/api/v1/pages".into(),
            "application/json",
            j(json!({"slug": "mars", "title": "Mars", "time_zone": "Mars/Olympus"})),
            &[StatusCode::BAD_REQUEST],
            &["time_zone", "Mars/Olympus"],
        ),
        (
            "unknown page id",
            Method::POST,
            "/api/v1/components".into(),
            "application/json",
            j(json!({"name": "ok", "page_ids": [shop_id, "NOPAGE1"]})),
            &[StatusCode::UNPROCESSABLE_ENTITY],
            &["NOPAGE1"],
        ),
        (
            "unknown group id",
            Method::POST,
            "/api/v1/components".into(),
            "application/json",
            j(json!({"name": "ok", "group_id": "NOGROUP1"})),
            &[StatusCode::UNPROCESSABLE_ENTITY],
            &["group", "NOGROUP1"],
        ),
        (
            "malformed JSON",
            Method::POST,
            "/api/v1/components".into(),
            "application/json",
            r#"{"name": "#.into(),
            &[StatusCode::BAD_REQUEST],
            &["JSON"],
        ),
        (
            "wrong content type",
            Method::POST,
            "/api/v1/components".into(),
            "text/plain",
            j(json!({"name": "ok"})),
            &[StatusCode::UNSUPPORTED_MEDIA_TYPE],
            &["Content-Type"],
        ),
        (
            "oversized body",
            Method::POST,
            "/api/v1/components".into(),
            "application/json",
            huge,
            &[StatusCode::PAYLOAD_TOO_LARGE],
            &["too large"],
        ),
        (
            "unknown field",
            Method::POST,
            "/api/v1/components".into(),
            "application/json",
            j(json!({"name": "ok", "colour": "red"})),
            &[StatusCode::BAD_REQUEST],
            &["colour"],
        ),
    ];
    for (case, method, path, ct, body, statuses, words) in cases {
        let resp = server
            .api(method.clone(), &path, &editor)
            .header("Content-Type", ct)
            .body(body)
            .send()
            .unwrap_or_else(|e| panic!("{case}: {e}"));
        let (status, v) = json(resp);
        assert!(
            statuses.contains(&status),
            "{case}: got {status}, want {statuses:?}: {v}"
        );
        let message = error_message(&v);
        for w in words {
            assert!(
                message.contains(w),
                "{case}: message {message:?} should name {w:?}"
            );
        }
    }
    // Nothing half-written: still one component (unchanged) and two pages.
    assert_eq!(component_ids(&server, &editor), vec![comp_id.clone()]);
    let (_, c) = server.api_get(&format!("/api/v1/components/{comp_id}"), &editor);
    assert_eq!(c["status"], "major_outage");
    let (_, pages) = server.api_get("/api/v1/pages", &editor);
    assert_eq!(pages["data"].as_array().unwrap().len(), 2, "{pages}");

    // Pagination: five more pages, two at a time (7 in all: default, shop and these).
    let mut created: HashSet<String> = [default_id.clone(), shop_id.clone()].into();
    for i in 0..5 {
        let (status, p) = server.api_send(
            Method::POST,
            "/api/v1/pages",
            &editor,
            &json!({"slug": format!("region-{i}"), "title": format!("Region {i}")}),
        );
        assert_eq!(status, StatusCode::CREATED, "{p}");
        created.insert(id_of(&p));
    }
    let (seen, sizes) = walk_pages(&server, &editor, "/api/v1/pages?limit=2");
    assert_eq!(sizes, vec![2, 2, 2, 1]);
    assert_eq!(seen.len(), 7, "each exactly once: {seen:?}");
    assert_eq!(seen.into_iter().collect::<HashSet<_>>(), created);
}

/// Follows `next_cursor` from `first` (a list URL with `?limit=`) to the end; returns
/// every id in order and the size of each page.
fn walk_pages(server: &Server, token: &str, first: &str) -> (Vec<String>, Vec<usize>) {
    let mut seen = Vec::new();
    let mut sizes = Vec::new();
    let mut path = first.to_string();
    for _ in 0..20 {
        let (status, list) = server.api_get(&path, token);
        assert_eq!(status, StatusCode::OK, "{path}: {list}");
        let data = list["data"].as_array().expect("data array");
        sizes.push(data.len());
        seen.extend(data.iter().map(id_of));
        match list["next_cursor"].as_str() {
            Some(c) => path = format!("{first}&cursor={c}"),
            None => {
                assert!(list["next_cursor"].is_null(), "{list}");
                return (seen, sizes);
            }
        }
    }
    panic!("{first}: no end after 20 pages");
}

/// (4b) Components (and the other filtered lists) paginate with `?limit=`.
#[test]
fn component_list_paginates() {
    let (_dir, server, owner, _owner_key) = server_with_owner();
    let editor = server.api_key(&owner, "editor");
    let mut created = HashSet::new();
    for i in 0..5 {
        let (status, c) = server.api_send(
            Method::POST,
            "/api/v1/components",
            &editor,
            &json!({"name": format!("Part {i}")}),
        );
        assert_eq!(status, StatusCode::CREATED, "{c}");
        created.insert(id_of(&c));
    }
    let (seen, sizes) = walk_pages(&server, &editor, "/api/v1/components?limit=2");
    assert_eq!(sizes, vec![2, 2, 1]);
    assert_eq!(seen.len(), 5, "each exactly once: {seen:?}");
    assert_eq!(seen.into_iter().collect::<HashSet<_>>(), created);
    let (seen, _) = walk_pages(&server, &editor, "/api/v1/components?page=default&limit=4");
    assert_eq!(seen.len(), 5);
    for list in ["/api/v1/incidents?limit=1", "/api/v1/maintenance?limit=1"] {
        let (status, v) = server.api_get(list, &editor);
        assert_eq!(status, StatusCode::OK, "{list}: {v}");
    }
}

/// (4c) A bad query string is answered like every other API error: JSON naming the field.
#[test]
fn api_query_errors_are_json() {
    let (_dir, server, _owner, owner_key) = server_with_owner();
    let (status, v) = server.api_get("/api/v1/pages?limit=many", &owner_key);
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(error_message(&v).contains("limit"), "{v}");
}

/// (5) An API key's token is shown once, works, records its last use, and dies on revoke.
#[test]
fn api_key_lifecycle() {
    let (_dir, server, owner, owner_key) = server_with_owner();
    let created = server.api_key_via_api(&owner_key, "deploy", "editor");
    assert_fields(
        "key",
        &created,
        &["id", "name", "role", "token", "created_at"],
    );
    assert_eq!(
        (created["name"].as_str(), created["role"].as_str()),
        (Some("deploy"), Some("editor"))
    );
    assert!(created["last_used_at"].is_null());
    let token = created["token"].as_str().unwrap().to_string();
    let key_id = id_of(&created);
    assert!(token.starts_with("sd_") && token.len() > 40, "{token}");

    let (status, v) = server.api_send(
        Method::POST,
        "/api/v1/components",
        &token,
        &json!({"name": "Deployed"}),
    );
    assert_eq!(status, StatusCode::CREATED, "{v}");
    let (status, _) = server.api_get("/api/v1/components", &token);
    assert_eq!(status, StatusCode::OK);

    // The list shows the last use and never the token.
    let resp = server
        .api(Method::GET, "/api/v1/keys", &owner_key)
        .send()
        .unwrap();
    let (status, raw) = text(resp);
    assert_eq!(status, StatusCode::OK);
    assert!(!raw.contains(&token), "token appears in the list: {raw}");
    let list: Value = serde_json::from_str(&raw).unwrap();
    let key = list["data"]
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["id"] == key_id.as_str())
        .expect("the key is listed")
        .clone();
    assert!(key["last_used_at"].is_string(), "last_used_at set: {key}");
    assert!(key.get("token").is_none(), "no token in the list: {key}");
    let (_, keys_page) = text(owner.get(server.url("/admin/keys")).send().unwrap());
    assert!(keys_page.contains("deploy") && !keys_page.contains(&token));

    // Revoke; the token stops working at once.
    let resp = server
        .api(
            Method::DELETE,
            &format!("/api/v1/keys/{key_id}"),
            &owner_key,
        )
        .send()
        .unwrap();
    assert_eq!(resp.status(), StatusCode::NO_CONTENT);
    let (status, v) = server.api_get("/api/v1/components", &token);
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{v}");
    error_message(&v);
    let (status, v) = json(server.get("/api/v1/components"));
    assert_eq!(status, StatusCode::UNAUTHORIZED, "no token: {v}");
    assert!(error_message(&v).contains("Bearer"));
    let (_, list) = server.api_get("/api/v1/keys", &owner_key);
    let key = list["data"]
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["id"] == key_id.as_str())
        .cloned();
    if let Some(k) = key {
        assert!(k["revoked_at"].is_string(), "listed as revoked: {k}");
    }
}

/// (5b) The key list carries no token hash either (DESIGN: the token is shown once, only a
/// hash is kept — and the hash is not handed out).
#[test]
fn api_key_list_has_no_token_hash() {
    let (_dir, server, _owner, owner_key) = server_with_owner();
    let (status, list) = server.api_get("/api/v1/keys", &owner_key);
    assert_eq!(status, StatusCode::OK);
    for k in list["data"].as_array().unwrap() {
        let fields: Vec<&String> = k.as_object().unwrap().keys().collect();
        assert!(
            fields
                .iter()
                .all(|f| !f.contains("hash") && f.as_str() != "token"),
            "key list exposes {fields:?}"
        );
    }
}

/// (6) Everything survives a graceful restart on the same file.
#[test]
fn data_survives_restart() {
    let (_dir, data) = temp_data();
    let mut server = Server::start(&data);
    let owner = server.setup_owner(OWNER, OWNER_PW);
    let key = server.api_key(&owner, "owner");
    let (status, c) = server.api_send(
        Method::POST,
        "/api/v1/components",
        &key,
        &json!({"name": "Survivor", "status": "partial_outage"}),
    );
    assert_eq!(status, StatusCode::CREATED, "{c}");
    let comp_id = id_of(&c);
    drop(owner);
    server.stop();

    let server = Server::start(&data);
    assert_eq!(server.setup_url, None, "no setup link once an owner exists");
    let (status, c) = server.api_get(&format!("/api/v1/components/{comp_id}"), &key);
    assert_eq!(status, StatusCode::OK, "{c}");
    assert_eq!(
        (c["name"].as_str(), c["status"].as_str()),
        (Some("Survivor"), Some("partial_outage"))
    );
    let (_, html) = text(server.get("/"));
    assert!(
        html.contains("Survivor") && html.contains("Partial System Outage"),
        "{html}"
    );
    let owner = server.login(OWNER, OWNER_PW);
    let (status, page) = text(owner.get(server.url("/admin")).send().unwrap());
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Survivor"));
}

/// (7) Offline commands refuse, quickly and clearly, a data file a server holds.
#[test]
fn second_process_on_same_file_gets_clear_error() {
    let (_dir, data) = temp_data();
    let server = Server::start(&data);
    let file = data.to_str().unwrap();
    let commands: &[(&[&str], Option<&str>)] = &[
        (&["user", "list", "--data", file], None),
        (
            &[
                "key", "create", "--name", "x", "--role", "editor", "--data", file,
            ],
            None,
        ),
        (
            &[
                "user",
                "add",
                "--email",
                "late@example.com",
                "--role",
                "viewer",
                "--password-stdin",
                "--data",
                file,
            ],
            Some("late password 1\n"),
        ),
        (
            &[
                "user",
                "reset-password",
                "--email",
                "late@example.com",
                "--password-stdin",
                "--data",
                file,
            ],
            Some("late password 2\n"),
        ),
    ];
    for (args, stdin) in commands {
        let out = run_cli(args, *stdin, &[], Duration::from_secs(5));
        assert_eq!(out.code, Some(1), "{args:?}: {out:?}");
        assert!(
            out.stderr.contains(file),
            "{args:?} names the file: {}",
            out.stderr
        );
        assert!(
            out.stderr.to_lowercase().contains("stop the server"),
            "{args:?} says to stop the server: {}",
            out.stderr
        );
        assert!(
            !out.stdout.contains("sd_"),
            "{args:?} printed a token: {}",
            out.stdout
        );
    }
    // The server is unharmed and still has no users (its setup link still works).
    assert_eq!(server.get("/healthz").status(), StatusCode::OK);
    let setup = server.setup_url.clone().unwrap();
    assert_eq!(
        browser().get(&setup).send().unwrap().status(),
        StatusCode::OK
    );
}

/// (8) A data file written by a newer schema is refused, with a message.
#[test]
fn newer_schema_is_refused() {
    let (_dir, data) = temp_data();
    let mut server = Server::start(&data);
    server.stop();
    {
        let db = redb::Database::create(&data).expect("open data file");
        let txn = db.begin_write().unwrap();
        txn.open_table(statusd::store::tables::META)
            .unwrap()
            .insert("schema_version", "999")
            .unwrap();
        txn.commit().unwrap();
    }
    let listen = format!("127.0.0.1:{}", free_port());
    let out = run_cli(
        &[
            "serve",
            "--listen",
            &listen,
            "--data",
            data.to_str().unwrap(),
        ],
        None,
        &[],
        Duration::from_secs(10),
    );
    assert!(out.code.is_some_and(|c| c != 0), "{out:?}");
    assert!(
        out.elapsed < Duration::from_secs(5),
        "took {:?}",
        out.elapsed
    );
    assert!(out.stderr.contains("newer statusd"), "{}", out.stderr);
    assert!(out.stderr.contains("999"), "{}", out.stderr);
    assert!(!out.stdout.contains("listening"), "{}", out.stdout);
}

/// (9) Offline key and user commands, then the server honours what they wrote.
#[test]
fn offline_cli_creates_keys_and_users() {
    let (_dir, data) = temp_data();
    let file = data.to_str().unwrap();
    let t = Duration::from_secs(10);

    let out = run_cli(
        &[
            "key", "create", "--name", "ci", "--role", "editor", "--data", file,
        ],
        None,
        &[],
        t,
    );
    assert_eq!(out.code, Some(0), "{out:?}");
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert_eq!(lines.len(), 1, "prints only the token: {:?}", out.stdout);
    let ci_token = lines[0].to_string();
    assert!(
        ci_token.starts_with("sd_") && ci_token.len() > 40,
        "{ci_token}"
    );

    let out = run_cli(
        &[
            "user",
            "add",
            "--email",
            "x@example.com",
            "--role",
            "viewer",
            "--password-stdin",
            "--data",
            file,
        ],
        Some("first password 1\n"),
        &[],
        t,
    );
    assert_eq!(out.code, Some(0), "{out:?}");
    assert!(!out.stdout.contains("first password"), "{}", out.stdout);
    let out = run_cli(
        &[
            "user",
            "reset-password",
            "--email",
            "x@example.com",
            "--password-stdin",
            "--data",
            file,
        ],
        Some("second password 2\n"),
        &[],
        t,
    );
    assert_eq!(out.code, Some(0), "{out:?}");
    let out = run_cli(&["user", "list", "--data", file], None, &[], t);
    assert_eq!(out.code, Some(0), "{out:?}");
    assert!(
        out.stdout.contains("x@example.com") && out.stdout.contains("viewer"),
        "{}",
        out.stdout
    );

    // Usage errors: exit 2 and say what is wrong.
    for args in [
        &[
            "key", "create", "--name", "bad", "--role", "admin", "--data", file,
        ][..],
        &[
            "user",
            "add",
            "--email",
            "y@example.com",
            "--role",
            "root",
            "--password-stdin",
            "--data",
            file,
        ][..],
    ] {
        let out = run_cli(args, Some("some password 3\n"), &[], t);
        assert_eq!(out.code, Some(2), "{args:?}: {out:?}");
        assert!(out.stderr.contains("role"), "{}", out.stderr);
        assert!(
            out.stderr.contains("owner, editor or viewer"),
            "{}",
            out.stderr
        );
    }
    let out = run_cli(
        &[
            "user",
            "add",
            "--email",
            "z@example.com",
            "--role",
            "viewer",
            "--password-stdin",
            "--data",
            file,
        ],
        Some("short\n"),
        &[],
        t,
    );
    assert_eq!(out.code, Some(2), "too short a password: {out:?}");
    assert!(out.stderr.contains("password"), "{}", out.stderr);

    let server = Server::start(&data);
    assert_eq!(server.setup_url, None, "a user exists, so no setup link");
    let (status, c) = server.api_send(
        Method::POST,
        "/api/v1/components",
        &ci_token,
        &json!({"name": "From CI"}),
    );
    assert_eq!(status, StatusCode::CREATED, "{c}");
    let viewer = server.login("x@example.com", "second password 2");
    let (status, page) = text(viewer.get(server.url("/admin")).send().unwrap());
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("From CI"));
    let (resp, _) = server.try_login("x@example.com", "first password 1");
    assert_eq!(
        resp.status(),
        StatusCode::UNAUTHORIZED,
        "the old password no longer works"
    );
}

/// (10) Health, the OpenAPI document, backup through the server and restore.
#[test]
fn healthz_openapi_backup_and_restore() {
    let (dir, server, _owner, owner_key) = server_with_owner();
    let (status, body) = text(server.get("/healthz"));
    assert_eq!((status, body.as_str()), (StatusCode::OK, "ok"));
    let out = run_cli(
        &["healthcheck", "--url", &server.base],
        None,
        &[],
        Duration::from_secs(10),
    );
    assert_eq!(out.code, Some(0), "{out:?}");

    // OpenAPI 3.1 covers every API route (and so every path these tests use).
    let (status, doc) = json(server.get("/api/v1/openapi.json"));
    assert_eq!(status, StatusCode::OK);
    assert_eq!(doc["openapi"], "3.1.0");
    let paths = doc["paths"].as_object().expect("paths");
    for path in [
        "/api/v1/pages",
        "/api/v1/pages/{id}",
        "/api/v1/groups",
        "/api/v1/groups/{id}",
        "/api/v1/components",
        "/api/v1/components/{id}",
        "/api/v1/keys",
        "/api/v1/keys/{id}",
        "/api/v1/backup",
        "/api/v1/openapi.json",
    ] {
        assert!(paths.contains_key(path), "OpenAPI lacks {path}");
    }
    for (method, path) in statusd::web::routes::API_ROUTES {
        assert!(
            paths.get(*path).and_then(|p| p.get(*method)).is_some(),
            "OpenAPI lacks {method} {path}"
        );
    }

    // Some content to carry over.
    let (_, group) = server.api_send(
        Method::POST,
        "/api/v1/groups",
        &owner_key,
        &json!({"name": "Edge"}),
    );
    for (name, status) in [("CDN", "degraded_performance"), ("DNS", "operational")] {
        let (s, v) = server.api_send(
            Method::POST,
            "/api/v1/components",
            &owner_key,
            &json!({"name": name, "status": status, "group_id": group["id"]}),
        );
        assert_eq!(s, StatusCode::CREATED, "{v}");
    }
    let (_, before) = server.api_get("/api/v1/components", &owner_key);

    let backup = dir.path().join("backup.redb");
    let out = run_cli(
        &["backup", backup.to_str().unwrap()],
        None,
        &[
            ("STATUSD_URL", server.base.as_str()),
            ("STATUSD_TOKEN", owner_key.as_str()),
        ],
        Duration::from_secs(20),
    );
    assert_eq!(out.code, Some(0), "{out:?}");
    assert!(
        backup.metadata().is_ok_and(|m| m.len() > 0),
        "backup written"
    );

    let restored = dir.path().join("restored.redb");
    let out = run_cli(
        &[
            "restore",
            backup.to_str().unwrap(),
            "--data",
            restored.to_str().unwrap(),
        ],
        None,
        &[],
        Duration::from_secs(20),
    );
    assert_eq!(out.code, Some(0), "{out:?}");

    let second = Server::start(&restored);
    assert_eq!(second.setup_url, None, "the owner came along");
    let (status, after) = second.api_get("/api/v1/components", &owner_key);
    assert_eq!(status, StatusCode::OK, "{after}");
    assert_eq!(after, before, "same components after restore");
    let (_, html) = text(second.get("/"));
    assert!(
        html.contains("CDN") && html.contains("Partially Degraded Service"),
        "{html}"
    );
    second.login(OWNER, OWNER_PW);

    // An editor token cannot take a backup through the server.
    let editor = server.api_key(&server.login(OWNER, OWNER_PW), "editor");
    let out = run_cli(
        &["backup", dir.path().join("nope.redb").to_str().unwrap()],
        None,
        &[
            ("STATUSD_URL", server.base.as_str()),
            ("STATUSD_TOKEN", editor.as_str()),
        ],
        Duration::from_secs(20),
    );
    assert_eq!(out.code, Some(1), "{out:?}");
    assert!(out.stderr.contains("403"), "{}", out.stderr);
}

/// (11) Guessing passwords is slowed down with a clear message.
#[test]
fn sign_in_is_rate_limited() {
    let (_dir, data) = temp_data();
    let server = Server::start(&data);
    server.setup_owner(OWNER, OWNER_PW);
    let browser = browser();
    let (_, page) = text(browser.get(server.url("/admin/login")).send().unwrap());
    let csrf = csrf_of(&page);
    // All at once: the limit is checked before the slow password hash, so a loaded
    // machine cannot space the attempts out past the quota's refill (one every 6 s).
    let login = server.url("/admin/login");
    let pages: Vec<(StatusCode, String)> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..25)
            .map(|i| {
                let (browser, login, csrf) = (&browser, &login, &csrf);
                scope.spawn(move || {
                    text(
                        browser
                            .post(login)
                            .timeout(std::time::Duration::from_secs(90))
                            .form(&[
                                ("csrf", csrf.as_str()),
                                ("email", OWNER),
                                ("password", &format!("guess number {i}")),
                            ])
                            .send()
                            .unwrap(),
                    )
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let statuses: Vec<StatusCode> = pages.iter().map(|(s, _)| *s).collect();
    let limited_page = pages
        .iter()
        .find(|(s, _)| *s == StatusCode::TOO_MANY_REQUESTS)
        .map(|(_, p)| p.clone());
    assert!(statuses.contains(&StatusCode::UNAUTHORIZED), "{statuses:?}");
    assert!(
        statuses
            .iter()
            .all(|s| *s == StatusCode::UNAUTHORIZED || *s == StatusCode::TOO_MANY_REQUESTS),
        "{statuses:?}"
    );
    let page = limited_page.unwrap_or_else(|| panic!("no 429 in 25 attempts: {statuses:?}"));
    assert!(page.contains("Too many sign-in attempts"), "{page}");
    assert!(
        page.contains(r#"name="password""#),
        "the form is still there: {page}"
    );
}
