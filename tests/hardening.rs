//! Hardening (issue 13): security headers, rate limits keyed by the real client
//! address, session ids rotated on sign-in and role change, server-side sign-out.

mod common;

use common::*;
use reqwest::StatusCode;
use reqwest::blocking::{Client, Response};
use reqwest::header::{COOKIE, SET_COOKIE};

const OWNER: &str = "owner@example.com";
const OWNER_PW: &str = "violet staple orbit";

fn header(resp: &Response, name: &str) -> String {
    resp.headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string()
}

/// The value a response sets for a cookie (empty when it sets none).
fn set_cookie(resp: &Response, name: &str) -> String {
    resp.headers()
        .get_all(SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .filter_map(|v| v.split(';').next()?.split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_string())
        .unwrap_or_default()
}

/// A client that keeps no cookies: each request carries exactly what the test sends.
fn bare() -> Client {
    Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .no_proxy()
        .build()
        .unwrap()
}

/// Signs in by hand, sending `session` (if any) as the browser's current session
/// cookie (the form's CSRF token is then that session's); returns the new session
/// cookie value.
fn sign_in_with(server: &Server, session: Option<&str>) -> String {
    let http = bare();
    let (cookies, csrf) = match session {
        None => {
            let page = http.get(server.url("/admin/login")).send().unwrap();
            let cookie = set_cookie(&page, "statusd_csrf");
            (
                format!("statusd_csrf={cookie}"),
                csrf_of(&page.text().unwrap()),
            )
        }
        Some(s) => {
            let cookies = format!("statusd_session={s}");
            let page = http
                .get(server.url("/admin"))
                .header(COOKIE, &cookies)
                .send()
                .unwrap();
            (cookies, csrf_of(&page.text().unwrap()))
        }
    };
    let resp = http
        .post(server.url("/admin/login"))
        .header(COOKIE, cookies)
        .form(&[
            ("csrf", csrf.as_str()),
            ("email", OWNER),
            ("password", OWNER_PW),
        ])
        .send()
        .unwrap();
    assert_eq!(resp.status(), StatusCode::SEE_OTHER, "sign-in");
    let value = set_cookie(&resp, "statusd_session");
    assert!(!value.is_empty(), "sign-in sets a session cookie");
    value
}

/// What `/admin` answers to a bare session cookie: 200 when it is live.
fn admin_with(server: &Server, session: &str) -> StatusCode {
    bare()
        .get(server.url("/admin"))
        .header(COOKIE, format!("statusd_session={session}"))
        .send()
        .unwrap()
        .status()
}

#[test]
fn every_html_response_carries_the_security_headers() {
    let (_dir, data) = temp_data();
    let server = Server::start(&data);
    let http = bare();
    let responses = [
        ("GET /", http.get(server.url("/")).send().unwrap()),
        (
            "GET /admin/login",
            http.get(server.url("/admin/login")).send().unwrap(),
        ),
        ("GET /admin", http.get(server.url("/admin")).send().unwrap()),
        (
            "404 page",
            http.get(server.url("/p/no-such-page")).send().unwrap(),
        ),
        (
            "403 page (no CSRF token)",
            http.post(server.url("/admin/login"))
                .form(&[("email", OWNER), ("password", "x")])
                .send()
                .unwrap(),
        ),
    ];
    for (what, resp) in &responses {
        let csp = header(resp, "content-security-policy");
        assert!(csp.contains("default-src 'self'"), "{what}: CSP {csp:?}");
        assert!(csp.contains("script-src 'self'"), "{what}: CSP {csp:?}");
        assert!(!csp.contains("unsafe-inline"), "{what}: CSP {csp:?}");
        assert!(
            csp.contains("frame-ancestors 'none'"),
            "{what}: CSP {csp:?}"
        );
        assert_eq!(header(resp, "x-content-type-options"), "nosniff", "{what}");
        assert_eq!(header(resp, "x-frame-options"), "DENY", "{what}");
        let referrer = header(resp, "referrer-policy");
        assert!(
            [
                "same-origin",
                "strict-origin-when-cross-origin",
                "no-referrer"
            ]
            .contains(&referrer.as_str()),
            "{what}: Referrer-Policy {referrer:?}"
        );
        assert_eq!(
            header(resp, "strict-transport-security"),
            "",
            "{what}: no HSTS over plain http"
        );
    }
    assert_eq!(responses[3].1.status(), StatusCode::NOT_FOUND);
    assert_eq!(responses[4].1.status(), StatusCode::FORBIDDEN);
}

#[test]
fn an_https_public_url_turns_on_hsts() {
    let (_dir, data) = temp_data();
    let server = Server::start_with_env(
        &data,
        &[("STATUSD_PUBLIC_URL", "https://status.example.test".into())],
    );
    for path in ["/", "/admin/login", "/api/v2/summary.json"] {
        let resp = bare().get(server.url(path)).send().unwrap();
        let hsts = header(&resp, "strict-transport-security");
        assert!(hsts.starts_with("max-age=31536000"), "{path}: {hsts:?}");
    }
}

/// Signs up `n` different addresses, each claiming its own forwarded address; returns
/// how many were refused with 429.
fn sign_ups_refused(server: &Server, n: usize) -> usize {
    let http = bare();
    (0..n)
        .filter(|i| {
            http.post(server.url("/subscribe"))
                .header("X-Forwarded-For", format!("198.51.100.{}", i + 1))
                .form(&[("email", format!("reader{i}@example.com"))])
                .send()
                .unwrap()
                .status()
                == StatusCode::TOO_MANY_REQUESTS
        })
        .count()
}

#[test]
fn limits_believe_forwarded_addresses_only_from_trusted_proxies() {
    let (_dir, data) = temp_data();
    let mut direct = Server::start(&data);
    // 30 sign-ups an hour per client: a forged X-Forwarded-For does not make new clients.
    let refused = sign_ups_refused(&direct, 34);
    assert_eq!(
        refused, 4,
        "the peer address counts when it is not a trusted proxy"
    );
    direct.stop();
    drop(direct);

    let (_dir2, data2) = temp_data();
    let proxied = Server::start_with_env(
        &data2,
        &[("STATUSD_TRUSTED_PROXIES", "127.0.0.1/32".into())],
    );
    assert_eq!(
        sign_ups_refused(&proxied, 34),
        0,
        "behind a trusted proxy each forwarded client has its own quota"
    );
}

#[test]
fn signing_in_rotates_the_session_id_and_signing_out_ends_it_on_the_server() {
    let (_dir, data) = temp_data();
    let server = Server::start(&data);
    server.setup_owner(OWNER, OWNER_PW);

    let first = sign_in_with(&server, None);
    assert_eq!(admin_with(&server, &first), StatusCode::OK);
    // Signing in again in the same browser: a new id, and the old one is dead.
    let second = sign_in_with(&server, Some(&first));
    assert_ne!(first, second, "a new session id on sign-in");
    assert_eq!(admin_with(&server, &second), StatusCode::OK);
    assert_eq!(
        admin_with(&server, &first),
        StatusCode::SEE_OTHER,
        "the session id from before sign-in no longer works"
    );

    // Sign-out ends the session on the server: a copy of the cookie is worth nothing.
    let page = bare()
        .get(server.url("/admin"))
        .header(COOKIE, format!("statusd_session={second}"))
        .send()
        .unwrap()
        .text()
        .unwrap();
    let csrf = csrf_of(&page);
    let out = bare()
        .post(server.url("/admin/logout"))
        .header(COOKIE, format!("statusd_session={second}"))
        .form(&[("csrf", csrf.as_str())])
        .send()
        .unwrap();
    assert_eq!(out.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&out), "/admin/login");
    assert_eq!(
        admin_with(&server, &second),
        StatusCode::SEE_OTHER,
        "a copied cookie replayed after sign-out"
    );
}

#[test]
fn a_role_change_ends_the_users_sessions() {
    let (_dir, data) = temp_data();
    let server = Server::start(&data);
    let owner = server.setup_owner(OWNER, OWNER_PW);
    let (status, page) = text(server.post_form(
        &owner,
        "/admin/users",
        &[
            ("email", "ed@example.com"),
            ("password", "quiet harbor lantern"),
            ("role", "editor"),
        ],
    ));
    assert!(status.is_redirection() || status.is_success(), "{page}");
    let editor = server.login("ed@example.com", "quiet harbor lantern");
    let before = editor.get(server.url("/admin")).send().unwrap();
    assert_eq!(before.status(), StatusCode::OK);

    let users = text(owner.get(server.url("/admin/users")).send().unwrap()).1;
    let row = users
        .split(r#"data-user="ed@example.com""#)
        .nth(1)
        .expect("the editor's row");
    let id = row
        .split("/admin/users/")
        .nth(1)
        .and_then(|s| s.split_once("/role"))
        .map(|(id, _)| id.to_string())
        .expect("the editor's role form");
    let resp = server.post_form(
        &owner,
        &format!("/admin/users/{id}/role"),
        &[("role", "viewer")],
    );
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);

    let after = editor.get(server.url("/admin")).send().unwrap();
    assert_eq!(
        after.status(),
        StatusCode::SEE_OTHER,
        "the editor's session ended with the role change"
    );
    assert!(location(&after).starts_with("/admin/login"));
    // Signing in again gives a session with the new role.
    let viewer = server.login("ed@example.com", "quiet harbor lantern");
    let denied = server.post_form(&viewer, "/admin/components", &[("name", "x")]);
    assert_eq!(denied.status(), StatusCode::FORBIDDEN);
}
