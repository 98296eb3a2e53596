//! The auth matrix: every route of `API_ROUTES` and `ADMIN_ROUTES` asked by every kind of
//! caller (anonymous, customer sessions of pages A and B, a page read token, viewer/editor/
//! owner API keys and browser sessions), against ONE table of what each route needs.
//! A route missing from the table fails the test, naming the route.
//!
//! One server; path parameters are ids of real objects. Writes carry a form with only
//! the CSRF token (admin) or a JSON string (API), so an allowed caller gets past the
//! guards and is stopped by validation (4xx) or does a harmless change; the routes that
//! delete or sign out run last.

mod common;

use common::smtp::{MailSink, link_in};
use common::*;
use reqwest::blocking::{Client, RequestBuilder};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use statusd::web::routes::{ADMIN_ROUTES, API_ROUTES};
use std::collections::HashMap;

/// What a route asks of its caller.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Need {
    /// Nobody is refused (public, or the path's own token decides and answers alike).
    Anyone,
    /// A team member with at least this role (0 viewer, 1 editor, 2 owner).
    Role(u8),
    /// Every caller gets the same answer (a secret in the path, no OIDC provider).
    Same,
    /// Sign-out: every browser ends up at the sign-in form.
    SignOut,
    /// One's own account: any team member's browser session, never an API key.
    Member,
}

const V: Need = Need::Role(0);
const E: Need = Need::Role(1);
const O: Need = Need::Role(2);

/// THE table: (method, route pattern) → what it needs. New routes go here.
const EXPECT: &[(&str, &str, Need)] = &[
    ("get", "/api/v1/pages", V),
    ("post", "/api/v1/pages", E),
    ("get", "/api/v1/pages/{id}", V),
    ("patch", "/api/v1/pages/{id}", E),
    ("delete", "/api/v1/pages/{id}", E),
    ("put", "/api/v1/pages/{id}/logo", E),
    ("delete", "/api/v1/pages/{id}/logo", E),
    ("get", "/api/v1/groups", V),
    ("post", "/api/v1/groups", E),
    ("get", "/api/v1/groups/{id}", V),
    ("patch", "/api/v1/groups/{id}", E),
    ("delete", "/api/v1/groups/{id}", E),
    ("get", "/api/v1/components", V),
    ("post", "/api/v1/components", E),
    ("get", "/api/v1/components/{id}", V),
    ("patch", "/api/v1/components/{id}", E),
    ("delete", "/api/v1/components/{id}", E),
    ("get", "/api/v1/incidents", V),
    ("post", "/api/v1/incidents", E),
    ("get", "/api/v1/incidents/{id}", V),
    ("patch", "/api/v1/incidents/{id}", E),
    // Deleting a published incident needs an owner.
    ("delete", "/api/v1/incidents/{id}", O),
    ("post", "/api/v1/incidents/{id}/updates", E),
    ("patch", "/api/v1/incidents/{id}/updates/{update_id}", E),
    ("delete", "/api/v1/incidents/{id}/updates/{update_id}", E),
    ("post", "/api/v1/incidents/{id}/publish", E),
    ("post", "/api/v1/incidents/{id}/discard", E),
    ("get", "/api/v1/incidents/{id}/postmortem", V),
    ("put", "/api/v1/incidents/{id}/postmortem", E),
    ("post", "/api/v1/incidents/{id}/postmortem/publish", E),
    ("get", "/api/v1/maintenance", V),
    ("post", "/api/v1/maintenance", E),
    ("get", "/api/v1/maintenance/{id}", V),
    ("patch", "/api/v1/maintenance/{id}", E),
    ("delete", "/api/v1/maintenance/{id}", E),
    ("post", "/api/v1/maintenance/{id}/start", E),
    ("post", "/api/v1/maintenance/{id}/complete", E),
    ("get", "/api/v1/templates", V),
    ("post", "/api/v1/templates", E),
    ("get", "/api/v1/templates/{id}", V),
    ("put", "/api/v1/templates/{id}", E),
    ("delete", "/api/v1/templates/{id}", E),
    ("get", "/api/v1/events", V),
    ("get", "/api/v1/audit", O),
    ("get", "/api/v1/monitors", V),
    ("post", "/api/v1/monitors", E),
    ("get", "/api/v1/monitors/{id}", V),
    ("patch", "/api/v1/monitors/{id}", E),
    ("delete", "/api/v1/monitors/{id}", E),
    ("post", "/api/v1/monitors/{id}/check", E),
    ("get", "/api/v1/monitors/{id}/results", V),
    ("get", "/api/v1/heartbeat/{token}", Need::Anyone),
    ("post", "/api/v1/heartbeat/{token}", Need::Anyone),
    ("get", "/api/v1/reports/sla", V),
    ("get", "/api/v1/subscribers", V),
    ("post", "/api/v1/subscribers", E),
    ("post", "/api/v1/subscribers/import", E),
    // Addresses in bulk: editors only.
    ("get", "/api/v1/subscribers/export", E),
    ("get", "/api/v1/subscribers/{id}", V),
    ("patch", "/api/v1/subscribers/{id}", E),
    ("delete", "/api/v1/subscribers/{id}", E),
    ("post", "/api/v1/subscribers/{id}/test", E),
    ("get", "/api/v1/notices", V),
    ("post", "/api/v1/notices/{id}/retry", E),
    ("get", "/api/v1/keys", O),
    ("post", "/api/v1/keys", O),
    ("delete", "/api/v1/keys/{id}", O),
    ("get", "/api/v1/backup", O),
    ("post", "/api/v1/config/plan", O),
    ("post", "/api/v1/config/apply", O),
    ("get", "/api/v1/config/export", O),
    ("post", "/api/v1/alerts/{source}", E),
    ("post", "/api/v1/alerts/{source}/{secret}", Need::Same),
    ("get", "/api/v1/alert-rules", V),
    ("post", "/api/v1/alert-rules", E),
    ("get", "/api/v1/alert-rules/{id}", V),
    ("put", "/api/v1/alert-rules/{id}", E),
    ("delete", "/api/v1/alert-rules/{id}", E),
    ("get", "/api/v1/alert-sources", V),
    ("post", "/api/v1/alert-sources", E),
    ("delete", "/api/v1/alert-sources/{id}", E),
    ("get", "/api/v1/alert-events", V),
    ("get", "/api/v1/openapi.json", Need::Anyone),
    // Setup is done: the same answer for everyone.
    ("get", "/admin/setup", Need::Same),
    ("post", "/admin/setup", Need::Anyone),
    ("get", "/admin/login", Need::Anyone),
    ("post", "/admin/login", Need::Anyone),
    ("post", "/admin/logout", Need::SignOut),
    // No OIDC provider configured here: not found for everyone.
    ("get", "/admin/oidc/start", Need::Same),
    ("get", "/admin/oidc/callback", Need::Same),
    ("get", "/admin", V),
    ("get", "/admin/components", V),
    ("post", "/admin/components", E),
    ("get", "/admin/components/{id}", V),
    ("post", "/admin/components/{id}", E),
    ("post", "/admin/components/{id}/status", E),
    ("post", "/admin/components/{id}/move", E),
    ("get", "/admin/components/{id}/delete", E),
    ("post", "/admin/components/{id}/delete", E),
    ("get", "/admin/pages", V),
    ("post", "/admin/pages", E),
    ("get", "/admin/pages/{id}", V),
    ("post", "/admin/pages/{id}", E),
    ("get", "/admin/pages/{id}/delete", E),
    ("post", "/admin/pages/{id}/delete", E),
    ("get", "/admin/pages/{id}/access", V),
    ("post", "/admin/pages/{id}/logo", E),
    ("get", "/admin/pages/{id}/logo/remove", E),
    ("post", "/admin/pages/{id}/logo/remove", E),
    ("get", "/admin/pages/{id}/sessions/{sid}/revoke", E),
    ("post", "/admin/pages/{id}/sessions/{sid}/revoke", E),
    ("post", "/admin/pages/{id}/tokens", E),
    ("get", "/admin/pages/{id}/tokens/{tid}/revoke", E),
    ("post", "/admin/pages/{id}/tokens/{tid}/revoke", E),
    ("post", "/admin/groups", E),
    ("post", "/admin/groups/{id}", E),
    ("get", "/admin/groups/{id}/delete", E),
    ("post", "/admin/groups/{id}/delete", E),
    ("get", "/admin/users", V),
    ("post", "/admin/users", O),
    ("post", "/admin/users/{id}/role", O),
    ("get", "/admin/users/{id}/delete", O),
    ("post", "/admin/users/{id}/delete", O),
    ("get", "/admin/keys", V),
    ("post", "/admin/keys", O),
    ("get", "/admin/keys/{id}/revoke", O),
    ("post", "/admin/keys/{id}/revoke", O),
    ("get", "/admin/incidents", V),
    ("post", "/admin/incidents", E),
    ("get", "/admin/incidents/{id}", V),
    ("post", "/admin/incidents/{id}", E),
    ("post", "/admin/incidents/{id}/updates", E),
    ("post", "/admin/incidents/{id}/updates/{uid}", E),
    ("get", "/admin/incidents/{id}/updates/{uid}/delete", E),
    ("post", "/admin/incidents/{id}/updates/{uid}/delete", E),
    ("post", "/admin/incidents/{id}/publish", E),
    ("get", "/admin/incidents/{id}/discard", E),
    ("post", "/admin/incidents/{id}/discard", E),
    ("get", "/admin/incidents/{id}/delete", O),
    ("post", "/admin/incidents/{id}/delete", O),
    ("post", "/admin/incidents/{id}/postmortem", E),
    ("post", "/admin/incidents/{id}/postmortem/publish", E),
    ("get", "/admin/maintenance", V),
    ("post", "/admin/maintenance", E),
    ("get", "/admin/maintenance/{id}", V),
    ("post", "/admin/maintenance/{id}", E),
    ("post", "/admin/maintenance/{id}/updates", E),
    ("post", "/admin/maintenance/{id}/start", E),
    ("post", "/admin/maintenance/{id}/complete", E),
    ("post", "/admin/maintenance/{id}/extend", E),
    ("get", "/admin/maintenance/{id}/delete", E),
    ("post", "/admin/maintenance/{id}/delete", E),
    ("get", "/admin/templates", V),
    ("post", "/admin/templates", E),
    ("post", "/admin/templates/{id}", E),
    ("get", "/admin/templates/{id}/delete", E),
    ("post", "/admin/templates/{id}/delete", E),
    ("get", "/admin/monitors", V),
    ("post", "/admin/monitors", E),
    ("get", "/admin/monitors/{id}", V),
    ("post", "/admin/monitors/{id}", E),
    ("post", "/admin/monitors/{id}/check", E),
    ("post", "/admin/monitors/{id}/pause", E),
    ("get", "/admin/monitors/{id}/delete", E),
    ("post", "/admin/monitors/{id}/delete", E),
    ("get", "/admin/reports/sla", V),
    ("get", "/admin/subscribers", V),
    ("post", "/admin/subscribers", E),
    ("post", "/admin/subscribers/import", E),
    ("get", "/admin/subscribers/export.csv", E),
    ("post", "/admin/subscribers/test-email", E),
    ("post", "/admin/subscribers/{id}/test", E),
    ("get", "/admin/subscribers/{id}/delete", E),
    ("post", "/admin/subscribers/{id}/delete", E),
    ("get", "/admin/audit", O),
    ("post", "/admin/users/{id}/enable", O),
    ("get", "/admin/users/{id}/disable", O),
    ("post", "/admin/users/{id}/disable", O),
    ("post", "/admin/invites", O),
    ("post", "/admin/invites/{id}/resend", O),
    ("get", "/admin/invites/{id}/revoke", O),
    ("post", "/admin/invites/{id}/revoke", O),
    // Mailed links: the token in the path decides.
    ("get", "/admin/invite/{token}", Need::Anyone),
    ("post", "/admin/invite/{token}", Need::Anyone),
    ("get", "/admin/reset", Need::Anyone),
    ("post", "/admin/reset", Need::Anyone),
    ("get", "/admin/reset/{token}", Need::Anyone),
    ("post", "/admin/reset/{token}", Need::Anyone),
    ("get", "/admin/account", Need::Member),
    ("post", "/admin/account/password", Need::Member),
    ("get", "/admin/account/sessions/others", Need::Member),
    ("post", "/admin/account/sessions/others", Need::Member),
    ("get", "/admin/account/sessions/{id}/revoke", Need::Member),
    ("post", "/admin/account/sessions/{id}/revoke", Need::Member),
    ("get", "/admin/drafts", V),
    ("get", "/admin/drafts/{id}", V),
    ("post", "/admin/drafts/{id}/publish", E),
    ("get", "/admin/drafts/{id}/discard", E),
    ("post", "/admin/drafts/{id}/discard", E),
    ("post", "/admin/drafts/{id}/resolve", E),
    ("get", "/admin/alerts", V),
    ("get", "/admin/alerts/events", V),
    ("get", "/admin/alerts/sources/{id}", V),
    ("post", "/admin/alerts/sources/{id}", O),
    ("post", "/admin/alerts/sources/{id}/test", E),
    ("get", "/admin/alerts/secrets/{id}/revoke", O),
    ("post", "/admin/alerts/secrets/{id}/revoke", O),
    ("get", "/admin/alert-rules", V),
    ("post", "/admin/alert-rules", E),
    ("get", "/admin/alert-rules/{id}", V),
    ("post", "/admin/alert-rules/{id}", E),
    ("post", "/admin/alert-rules/{id}/move", E),
    ("get", "/admin/alert-rules/{id}/delete", E),
    ("post", "/admin/alert-rules/{id}/delete", E),
    ("get", "/admin/outbox", V),
    ("post", "/admin/outbox/retry", E),
    ("post", "/admin/outbox/{id}/retry", E),
];

/// Who is asking.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Who {
    Anonymous,
    CustomerA,
    CustomerB,
    ReadToken,
    Key(u8),
    Session(u8),
}

const CALLERS: [Who; 10] = [
    Who::Anonymous,
    Who::CustomerA,
    Who::CustomerB,
    Who::ReadToken,
    Who::Key(0),
    Who::Session(0),
    Who::Key(1),
    Who::Session(1),
    Who::Key(2),
    Who::Session(2),
];

struct Caller {
    who: Who,
    client: Client,
    /// API key or read token.
    bearer: Option<String>,
    /// The session's CSRF token, or the pre-session one of a cookie-holding browser.
    csrf: Option<String>,
}

impl Caller {
    fn team_role(&self) -> Option<u8> {
        match self.who {
            Who::Key(r) | Who::Session(r) => Some(r),
            _ => None,
        }
    }
}

/// Whether the answer refuses the caller: 401, 403, or a redirect to a sign-in form.
fn refused(status: StatusCode, location: &str) -> bool {
    status == StatusCode::UNAUTHORIZED
        || status == StatusCode::FORBIDDEN
        || (status == StatusCode::SEE_OTHER
            && (location.starts_with("/admin/login") || location.ends_with("/signin")))
}

/// Writes that remove what later requests aim at, or end the session: asked last.
fn destructive(method: &str, path: &str) -> bool {
    method == "delete"
        || ["/delete", "/revoke", "/discard", "/logout"]
            .iter()
            .any(|end| path.ends_with(end))
}

/// Whether `who` should get past the guards of a route needing `need`.
fn allowed(need: Need, method: &str, path: &str, c: &Caller) -> bool {
    // A bearer token is no browser: it has no CSRF token for admin forms.
    if c.bearer.is_some() && method == "post" && path.starts_with("/admin") {
        return false;
    }
    match need {
        Need::Anyone | Need::Same => true,
        Need::SignOut => false,
        Need::Member => matches!(c.who, Who::Session(_)),
        Need::Role(r) => c.team_role().is_some_and(|role| role >= r),
    }
}

fn id_of(v: &Value) -> String {
    v["id"]
        .as_str()
        .unwrap_or_else(|| panic!("no id in {v}"))
        .to_string()
}

/// A customer session of `slug` for `email`, through the mailed link.
fn customer(server: &Server, sink: &MailSink, slug: &str, email: &str) -> Client {
    let b = browser();
    let (_, html) = text(
        b.get(server.url(&format!("/p/{slug}/signin")))
            .send()
            .unwrap(),
    );
    let resp = b
        .post(server.url(&format!("/p/{slug}/signin")))
        .form(&[("csrf", csrf_of(&html).as_str()), ("email", email)])
        .send()
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    let link = link_in(
        &sink.wait_nth(email, 1),
        &server.url(&format!("/p/{slug}/signin/")),
    );
    let (_, html) = text(b.get(&link).send().unwrap());
    let resp = b
        .post(&link)
        .form(&[("csrf", csrf_of(&html))])
        .send()
        .unwrap();
    assert_eq!(location(&resp), format!("/p/{slug}"), "customer sign-in");
    let resp = b.get(server.url(&format!("/p/{slug}"))).send().unwrap();
    assert_eq!(
        resp.status(),
        StatusCode::OK,
        "customer session opens {slug}"
    );
    b
}

#[test]
fn every_route_answers_each_caller_as_the_table_says() {
    // Every route of the tables has an entry, and every entry a route.
    let routes: Vec<(&str, &str)> = API_ROUTES.iter().chain(ADMIN_ROUTES).copied().collect();
    let table: HashMap<(&str, &str), Need> =
        EXPECT.iter().map(|(m, p, n)| ((*m, *p), *n)).collect();
    let missing: Vec<String> = routes
        .iter()
        .filter(|r| !table.contains_key(*r))
        .map(|(m, p)| format!("{} {p}", m.to_uppercase()))
        .collect();
    assert!(
        missing.is_empty(),
        "routes missing from EXPECT in tests/auth_matrix.rs (add what each needs): {missing:#?}"
    );
    let stale: Vec<_> = EXPECT
        .iter()
        .filter(|(m, p, _)| !routes.contains(&(*m, *p)))
        .collect();
    assert!(
        stale.is_empty(),
        "EXPECT lists routes that no longer exist: {stale:?}"
    );

    let (_dir, data) = temp_data();
    let sink = MailSink::start();
    let server = Server::start_with_env(&data, &sink.env());
    let owner = server.setup_owner("owner@example.com", "owner password 1");
    let owner_key = server.api_key(&owner, "owner");
    let post = |path: &str, body: Value| {
        let (status, v) = server.api_send(Method::POST, path, &owner_key, &body);
        assert!(status.is_success(), "{path}: {v}");
        v
    };
    for (email, role) in [
        ("viewer@example.com", "viewer"),
        ("editor@example.com", "editor"),
        ("gone@example.com", "viewer"),
    ] {
        let resp = server.post_form(
            &owner,
            "/admin/users",
            &[
                ("email", email),
                ("password", "team password 1"),
                ("role", role),
            ],
        );
        assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    }
    // Customer pages A and B, each with its own allowlist; a read token of A.
    let page_a = id_of(&post(
        "/api/v1/pages",
        json!({"slug": "page-a", "title": "A", "audience": "customer", "allowed_domains": ["a.example"]}),
    ));
    post(
        "/api/v1/pages",
        json!({"slug": "page-b", "title": "B", "audience": "customer", "allowed_domains": ["b.example"]}),
    );
    let (status, html) = text(server.post_form(
        &owner,
        &format!("/admin/pages/{page_a}/tokens"),
        &[("name", "A's robot")],
    ));
    assert_eq!(status, StatusCode::CREATED, "{html}");
    let read_token = token_of(&html);

    // The objects the path parameters name.
    let page = id_of(&post(
        "/api/v1/pages",
        json!({"slug": "matrix", "title": "Matrix"}),
    ));
    let group = id_of(&post("/api/v1/groups", json!({"name": "Core"})));
    let comp = id_of(&post(
        "/api/v1/components",
        json!({"name": "API", "group_id": group}),
    ));
    let incident = post(
        "/api/v1/incidents",
        json!({"title": "Slow API", "impact": "minor", "component_ids": [comp], "message": "Looking"}),
    );
    let update = id_of(&incident["updates"][0]);
    let incident = id_of(&incident);
    let maint = id_of(&post(
        "/api/v1/maintenance",
        json!({"title": "DB upgrade", "message": "Upgrading", "component_ids": [comp],
               "starts_at": "2099-01-01T00:00:00Z", "ends_at": "2099-01-01T01:00:00Z"}),
    ));
    let subscriber = id_of(&post(
        "/api/v1/subscribers",
        json!({"email": "sub@example.com"}),
    ));
    let (_, notices) = server.api_get("/api/v1/notices", &owner_key);
    let notice = id_of(&notices["data"][0]);
    let template = id_of(&post(
        "/api/v1/templates",
        json!({"name": "Inv", "body": "Looking."}),
    ));
    let monitor = id_of(&post(
        "/api/v1/monitors",
        json!({"name": "Site", "target": "http://127.0.0.1:9/", "paused": true}),
    ));
    let spare_key = id_of(&server.api_key_via_api(&owner_key, "spare", "viewer"));
    let (_, users) = text(owner.get(server.url("/admin/users")).send().unwrap());
    let gone_user = users
        .split(r#"data-user="gone@example.com""#)
        .nth(1)
        .and_then(|row| row.split("/admin/users/").nth(1))
        .and_then(|s| s.split('/').next())
        .expect("the spare user's id")
        .to_string();
    let id_for = |path: &str| -> String {
        let kind = path
            .trim_start_matches("/api/v1/")
            .trim_start_matches("/admin/");
        let kind = kind.split('/').next().unwrap_or("");
        match kind {
            "pages" => page.clone(),
            "groups" => group.clone(),
            "components" => comp.clone(),
            "incidents" => incident.clone(),
            "maintenance" => maint.clone(),
            "templates" => template.clone(),
            "monitors" => monitor.clone(),
            "subscribers" => subscriber.clone(),
            "notices" | "outbox" => notice.clone(),
            "keys" => spare_key.clone(),
            "users" => gone_user.clone(),
            // Alert rules and sources: none exist; the guard answers before the lookup.
            _ => "01JNOSUCHOBJECT0000000000".into(),
        }
    };
    let concrete = |path: &str| -> String {
        path.replace("{id}", &id_for(path))
            .replace("{update_id}", &update)
            .replace("{uid}", &update)
            .replace("{sid}", "no-such-session")
            .replace("{tid}", "no-such-token")
            .replace("{source}", "generic")
            .replace("{secret}", "not-the-secret")
            .replace("{token}", "no-such-heartbeat")
    };

    // The callers.
    let customer_a = customer(&server, &sink, "page-a", "ann@a.example");
    let customer_b = customer(&server, &sink, "page-b", "bob@b.example");
    let mut callers = Vec::new();
    for who in CALLERS {
        let (client, bearer, csrf) = match who {
            Who::Anonymous => (browser(), None, None),
            Who::CustomerA => (customer_a.clone(), None, None),
            Who::CustomerB => (customer_b.clone(), None, None),
            Who::ReadToken => (browser(), Some(read_token.clone()), None),
            Who::Key(r) => (
                browser(),
                Some(if r == 2 {
                    owner_key.clone()
                } else {
                    server.api_key(&owner, ["viewer", "editor"][r as usize])
                }),
                None,
            ),
            Who::Session(r) => {
                let client = match r {
                    0 => server.login("viewer@example.com", "team password 1"),
                    1 => server.login("editor@example.com", "team password 1"),
                    _ => server.login("owner@example.com", "owner password 1"),
                };
                let csrf = server.session_csrf(&client);
                (client, None, Some(csrf))
            }
        };
        // Browsers without a team session carry the sign-in form's CSRF cookie and token,
        // so their admin posts are judged on who they are, not on a missing token.
        let csrf = csrf.or_else(|| {
            (bearer.is_none()).then(|| {
                let (_, html) = text(client.get(server.url("/admin/login")).send().unwrap());
                csrf_of(&html)
            })
        });
        callers.push(Caller {
            who,
            client,
            bearer,
            csrf,
        });
    }

    let mut order: Vec<(&str, &str)> = routes.clone();
    order.sort_by_key(|(m, p)| (destructive(m, p), p.ends_with("/logout")));
    let mut wrong = Vec::new();
    let mut asked = 0;
    for (method, pattern) in order {
        let need = table[&(method, pattern)];
        let path = concrete(pattern);
        let mut answers = Vec::new();
        for c in &callers {
            let m = Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
            let mut rb: RequestBuilder = c.client.request(m, server.url(&path));
            if let Some(t) = &c.bearer {
                rb = rb.bearer_auth(t);
            }
            if method != "get" {
                if pattern.starts_with("/admin") {
                    let form: Vec<(&str, &str)> =
                        c.csrf.iter().map(|t| ("csrf", t.as_str())).collect();
                    rb = rb.form(&form);
                } else {
                    if let (Who::Session(_), Some(t)) = (c.who, &c.csrf) {
                        rb = rb.header("x-csrf-token", t);
                    }
                    rb = rb.json(&json!("matrix"));
                }
            }
            let resp = rb.send().unwrap_or_else(|e| panic!("{method} {path}: {e}"));
            asked += 1;
            let (status, loc) = (resp.status(), location(&resp));
            // Signing out sends every browser to the sign-in form: that is getting in here.
            let got_in = !refused(status, &loc)
                || (need == Need::SignOut
                    && status == StatusCode::SEE_OTHER
                    && loc == "/admin/login");
            let allowed =
                allowed(need, method, pattern, c) || (need == Need::SignOut && c.bearer.is_none());
            answers.push(status);
            if need != Need::Same && got_in != allowed {
                wrong.push(format!(
                    "{} {pattern} as {:?}: {status} {loc} (expected {})",
                    method.to_uppercase(),
                    c.who,
                    if allowed { "to get in" } else { "a refusal" }
                ));
            }
        }
        if need == Need::Same && answers.iter().any(|s| *s != answers[0]) {
            wrong.push(format!(
                "{} {pattern}: answers differ by caller: {answers:?}",
                method.to_uppercase()
            ));
        }
    }
    assert!(
        wrong.is_empty(),
        "{} of {asked} answers differ from EXPECT:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
}
