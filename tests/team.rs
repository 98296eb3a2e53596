//! Team accounts through the real binary and a real SMTP server: invitations, password
//! resets, changing one's password, one's own sessions, disabling a user and the rule
//! that keeps an enabled owner. Expiry and subscriber rules: tests/team_store.rs.

mod common;

use common::smtp::{MailSink, link_in};
use common::*;
use reqwest::StatusCode;
use reqwest::blocking::Client;

const OWNER_PW: &str = "owner password 1";

/// A server mailing to a real sink, with an owner signed in.
fn start() -> (tempfile::TempDir, MailSink, Server, Client) {
    let (dir, data) = temp_data();
    let sink = MailSink::start();
    let server = Server::start_with_env(&data, &sink.env());
    let owner = server.setup_owner("owner@example.com", OWNER_PW);
    (dir, sink, server, owner)
}

/// A form page's CSRF token and the POST of `fields` with it.
fn post_page_form(
    client: &Client,
    server: &Server,
    path: &str,
    fields: &[(&str, &str)],
) -> reqwest::blocking::Response {
    let (status, page) = text(client.get(server.url(path)).send().unwrap());
    assert_eq!(status, StatusCode::OK, "GET {path}: {page}");
    let csrf = csrf_of(&page);
    let mut form = fields.to_vec();
    form.push(("csrf", &csrf));
    client.post(server.url(path)).form(&form).send().unwrap()
}

/// Whether a browser is still signed in (its session opens /admin).
fn signed_in(server: &Server, client: &Client) -> bool {
    client.get(server.url("/admin")).send().unwrap().status() == StatusCode::OK
}

fn user_id(server: &Server, owner: &Client, email: &str) -> String {
    let (_, page) = text(owner.get(server.url("/admin/users")).send().unwrap());
    let row = page
        .split(&format!(r#"data-user="{email}""#))
        .nth(1)
        .unwrap_or_else(|| panic!("no row for {email}: {page}"));
    row.split("/admin/users/")
        .nth(1)
        .and_then(|s| s.split('/').next())
        .expect("a user id in the row")
        .to_string()
}

fn invite(server: &Server, owner: &Client, email: &str, role: &str) {
    let resp = server.post_form(owner, "/admin/invites", &[("email", email), ("role", role)]);
    assert_eq!(
        resp.status(),
        StatusCode::SEE_OTHER,
        "{}",
        resp.text().unwrap()
    );
}

#[test]
fn an_invited_person_chooses_a_password_and_is_signed_in_with_the_role() {
    let (_dir, sink, server, owner) = start();
    invite(&server, &owner, "Carol@Example.com", "editor");
    let (_, users) = text(owner.get(server.url("/admin/users")).send().unwrap());
    assert!(
        users.contains("Invitation sent to carol@example.com."),
        "{users}"
    );
    let pending = users.split(r#"id="invites""#).nth(1).expect("pending list");
    assert!(pending.contains("carol@example.com") && pending.contains("editor"));
    assert!(pending.contains(" UTC"), "shows when it expires");
    // Inviting the same address twice says so beside the field.
    let resp = server.post_form(
        &owner,
        "/admin/invites",
        &[("email", "carol@example.com"), ("role", "viewer")],
    );
    let (status, page) = text(resp);
    assert_eq!(status, StatusCode::BAD_REQUEST, "{page}");
    assert!(page.contains(r#"id="err-email""#) && page.contains("already invited"));

    let mail = sink.wait_nth("carol@example.com", 1);
    assert!(mail["text"].as_str().unwrap().contains("72 hours"));
    let link = link_in(&mail, &server.url("/admin/invite/"));
    let carol = browser();
    let (status, form) = text(carol.get(&link).send().unwrap());
    assert_eq!(status, StatusCode::OK, "{form}");
    assert!(
        form.contains("owner@example.com") && form.contains("editor"),
        "{form}"
    );
    let csrf = csrf_of(&form);
    let attempt = |pw: &str, confirm: &str| {
        carol
            .post(&link)
            .form(&[
                ("csrf", csrf.as_str()),
                ("password", pw),
                ("password_confirm", confirm),
            ])
            .send()
            .unwrap()
    };
    // A common password and a mistyped repeat are refused beside the field; nothing made.
    let (status, page) = text(attempt("password123", "password123"));
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        page.contains(r#"id="err-password""#) && page.contains("common"),
        "{page}"
    );
    let (status, page) = text(attempt("carol likes tea", "carol likes coffee"));
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(page.contains(r#"id="err-password_confirm""#), "{page}");
    // The good one creates the account and signs in.
    let resp = attempt("carol likes tea", "carol likes tea");
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&resp), "/admin");
    let (status, home) = text(carol.get(server.url("/admin")).send().unwrap());
    assert_eq!(status, StatusCode::OK);
    assert!(home.contains("carol@example.com (editor)"), "{home}");
    // The link works once; the account signs in with its password.
    let (status, page) = text(browser().get(&link).send().unwrap());
    assert_eq!(status, StatusCode::GONE);
    assert!(page.contains("Invitation not valid"), "{page}");
    server.login("carol@example.com", "carol likes tea");
    let (_, users) = text(owner.get(server.url("/admin/users")).send().unwrap());
    assert!(
        !users.contains(r#"id="invites""#),
        "no longer pending: {users}"
    );

    // Resend gives a new link and kills the old one; revoke kills the new one.
    invite(&server, &owner, "dan@example.com", "viewer");
    let first = link_in(
        &sink.wait_nth("dan@example.com", 1),
        &server.url("/admin/invite/"),
    );
    let (_, users) = text(owner.get(server.url("/admin/users")).send().unwrap());
    let id = users
        .split("/admin/invites/")
        .nth(1)
        .and_then(|s| s.split('/').next())
        .unwrap()
        .to_string();
    let resp = server.post_form(&owner, &format!("/admin/invites/{id}/resend"), &[]);
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    let second = link_in(
        &sink.wait_nth("dan@example.com", 2),
        &server.url("/admin/invite/"),
    );
    assert_ne!(first, second);
    assert_eq!(
        browser().get(&first).send().unwrap().status(),
        StatusCode::GONE
    );
    assert_eq!(
        browser().get(&second).send().unwrap().status(),
        StatusCode::OK
    );
    let (status, confirm) = text(
        owner
            .get(server.url(&format!("/admin/invites/{id}/revoke")))
            .send()
            .unwrap(),
    );
    assert_eq!(status, StatusCode::OK);
    assert!(confirm.contains("Revoke the invitation to dan@example.com?"));
    let resp = server.post_form(&owner, &format!("/admin/invites/{id}/revoke"), &[]);
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    let dan = browser();
    let (status, page) = text(dan.get(&second).send().unwrap());
    assert_eq!(status, StatusCode::GONE, "{page}");
    let (resp, _) = server.try_login("dan@example.com", "whatever it is");
    assert_eq!(
        resp.status(),
        StatusCode::UNAUTHORIZED,
        "no account was made"
    );
}

#[test]
fn a_forgotten_password_is_reset_by_mail_without_telling_who_exists() {
    let (_dir, sink, server, owner) = start();
    let (_, login) = text(browser().get(server.url("/admin/login")).send().unwrap());
    assert!(login.contains(r#"href="/admin/reset""#) && login.contains("Forgot password?"));
    let ask = |email: &str| {
        let (status, page) = text(post_page_form(
            &browser(),
            &server,
            "/admin/reset",
            &[("email", email)],
        ));
        assert_eq!(status, StatusCode::OK, "{page}");
        page
    };
    // Unknown address first: the same words, and no mail (checked once the known one lands).
    let unknown = ask("nobody@example.com");
    let known = ask("owner@example.com");
    assert_eq!(unknown, known);
    assert!(known.contains("a reset link is on its way"), "{known}");
    let mail = sink.wait_nth("owner@example.com", 1);
    assert!(
        sink.to("nobody@example.com").is_empty(),
        "no mail to an unknown address"
    );

    let link = link_in(&mail, &server.url("/admin/reset/"));
    let me = browser();
    let (status, form) = text(me.get(&link).send().unwrap());
    assert_eq!(status, StatusCode::OK, "{form}");
    let csrf = csrf_of(&form);
    let set = |pw: &str| {
        me.post(&link)
            .form(&[
                ("csrf", csrf.as_str()),
                ("password", pw),
                ("password_confirm", pw),
            ])
            .send()
            .unwrap()
    };
    let (status, page) = text(set("owner@example.com"));
    assert_eq!(status, StatusCode::BAD_REQUEST, "the email is no password");
    assert!(page.contains(r#"id="err-password""#), "{page}");
    let resp = set("brand new secret 2");
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    assert!(signed_in(&server, &me), "the reset signs this browser in");
    assert!(!signed_in(&server, &owner), "every other session ended");
    let (status, page) = text(browser().get(&link).send().unwrap());
    assert_eq!(status, StatusCode::GONE, "works once");
    assert!(page.contains("Reset link not valid"), "{page}");
    let (resp, _) = server.try_login("owner@example.com", OWNER_PW);
    assert_eq!(resp.status(), StatusCode::UNAUTHORIZED, "old password gone");
    server.login("owner@example.com", "brand new secret 2");
}

#[test]
fn changing_the_password_ends_other_sessions_and_one_session_can_be_signed_out() {
    let (_dir, _sink, server, owner) = start();
    let laptop = server.login("owner@example.com", OWNER_PW);
    let phone = server.login("owner@example.com", OWNER_PW);
    let (status, page) = text(owner.get(server.url("/admin/account")).send().unwrap());
    assert_eq!(status, StatusCode::OK, "{page}");
    let rows = page.matches("data-session=").count();
    assert_eq!(rows, 3, "{page}");
    assert_eq!(page.matches("This session").count(), 1);
    assert!(page.contains("127.0.0.1"), "client address shown");
    // Revoke one other session after a confirm step.
    let sid = page
        .split("/admin/account/sessions/")
        .nth(1)
        .and_then(|s| s.split('/').next())
        .unwrap()
        .to_string();
    let path = format!("/admin/account/sessions/{sid}/revoke");
    let (status, confirm) = text(owner.get(server.url(&path)).send().unwrap());
    assert_eq!(status, StatusCode::OK);
    assert!(confirm.contains("Sign out that session"), "{confirm}");
    assert_eq!(
        server.post_form(&owner, &path, &[]).status(),
        StatusCode::SEE_OTHER
    );
    let still: Vec<bool> = [&laptop, &phone]
        .iter()
        .map(|c| signed_in(&server, c))
        .collect();
    assert_eq!(
        still.iter().filter(|s| **s).count(),
        1,
        "one of the two ended"
    );
    assert!(signed_in(&server, &owner));

    // A wrong current password is said beside its field; nothing changes.
    let resp = server.post_form(
        &owner,
        "/admin/account/password",
        &[
            ("current_password", "not my password"),
            ("password", "fresh password 22"),
            ("password_confirm", "fresh password 22"),
        ],
    );
    let (status, page) = text(resp);
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(page.contains(r#"id="err-current_password""#), "{page}");
    let resp = server.post_form(
        &owner,
        "/admin/account/password",
        &[
            ("current_password", OWNER_PW),
            ("password", "fresh password 22"),
            ("password_confirm", "fresh password 22"),
        ],
    );
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    assert!(signed_in(&server, &owner), "this session stays");
    assert!(!signed_in(&server, &laptop) && !signed_in(&server, &phone));
    server.login("owner@example.com", "fresh password 22");
    // "Sign out everywhere else" ends the one just made.
    let other = server.login("owner@example.com", "fresh password 22");
    // It asks first, saying how many sessions end; asking ends none.
    let ask = owner
        .get(server.url("/admin/account/sessions/others"))
        .send()
        .unwrap()
        .text()
        .unwrap();
    assert!(ask.contains("Sign out everywhere else?"), "{ask}");
    assert!(ask.contains("Your other sessions (2) end now"), "{ask}");
    assert!(signed_in(&server, &other));
    let resp = server.post_form(&owner, "/admin/account/sessions/others", &[]);
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    assert!(!signed_in(&server, &other) && signed_in(&server, &owner));
}

#[test]
fn a_disabled_user_cannot_sign_in_and_their_session_and_keys_stop_at_once() {
    let (_dir, _sink, server, owner) = start();
    let resp = server.post_form(
        &owner,
        "/admin/users",
        &[
            ("email", "second@example.com"),
            ("password", "second owner pw"),
            ("role", "owner"),
        ],
    );
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    let second = server.login("second@example.com", "second owner pw");
    let key = server.api_key(&second, "editor");
    assert_eq!(server.api_get("/api/v1/components", &key).0, StatusCode::OK);

    let id = user_id(&server, &owner, "second@example.com");
    let path = format!("/admin/users/{id}/disable");
    let (status, confirm) = text(owner.get(server.url(&path)).send().unwrap());
    assert_eq!(status, StatusCode::OK);
    assert!(confirm.contains("Disable second@example.com?"), "{confirm}");
    assert_eq!(
        server.post_form(&owner, &path, &[]).status(),
        StatusCode::SEE_OTHER
    );
    let (_, users) = text(owner.get(server.url("/admin/users")).send().unwrap());
    assert!(users.contains("Disabled"), "{users}");

    assert!(!signed_in(&server, &second), "their session ended");
    assert_eq!(
        server.api_get("/api/v1/components", &key).0,
        StatusCode::UNAUTHORIZED,
        "their key stopped"
    );
    let (resp, _) = server.try_login("second@example.com", "second owner pw");
    let (status, page) = text(resp);
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(page.contains("This account is disabled"), "{page}");

    let resp = server.post_form(&owner, &format!("/admin/users/{id}/enable"), &[]);
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    server.login("second@example.com", "second owner pw");
    assert_eq!(server.api_get("/api/v1/components", &key).0, StatusCode::OK);
}

#[test]
fn the_last_enabled_owner_cannot_be_disabled_demoted_or_removed() {
    let (_dir, _sink, server, owner) = start();
    let me = user_id(&server, &owner, "owner@example.com");
    let refused = |path: String, fields: &[(&str, &str)]| {
        let (status, page) = text(server.post_form(&owner, &path, fields));
        assert_eq!(status, StatusCode::CONFLICT, "{path}: {page}");
        assert!(page.contains("last enabled owner"), "{path}: {page}");
    };
    refused(format!("/admin/users/{me}/disable"), &[]);
    refused(format!("/admin/users/{me}/role"), &[("role", "editor")]);
    refused(format!("/admin/users/{me}/delete"), &[]);
    // A second owner who is disabled does not count.
    server.post_form(
        &owner,
        "/admin/users",
        &[
            ("email", "off@example.com"),
            ("password", "off owner pw 1"),
            ("role", "owner"),
        ],
    );
    let off = user_id(&server, &owner, "off@example.com");
    let resp = server.post_form(&owner, &format!("/admin/users/{off}/disable"), &[]);
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    refused(format!("/admin/users/{me}/disable"), &[]);
    // Once enabled, the other owner lets this one step down.
    server.post_form(&owner, &format!("/admin/users/{off}/enable"), &[]);
    let resp = server.post_form(&owner, &format!("/admin/users/{me}/disable"), &[]);
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    assert!(!signed_in(&server, &owner));
}

#[test]
fn editors_and_viewers_are_refused_the_owner_routes_but_have_an_account_page() {
    let (_dir, _sink, server, owner) = start();
    for (email, role) in [("ed@example.com", "editor"), ("vi@example.com", "viewer")] {
        server.post_form(
            &owner,
            "/admin/users",
            &[
                ("email", email),
                ("password", "a decent password"),
                ("role", role),
            ],
        );
    }
    let me = user_id(&server, &owner, "owner@example.com");
    for email in ["ed@example.com", "vi@example.com"] {
        let who = server.login(email, "a decent password");
        for (path, fields) in [
            (
                "/admin/invites".to_string(),
                vec![("email", "x@example.com"), ("role", "owner")],
            ),
            ("/admin/invites/any/resend".into(), vec![]),
            ("/admin/invites/any/revoke".into(), vec![]),
            (format!("/admin/users/{me}/disable"), vec![]),
            (format!("/admin/users/{me}/enable"), vec![]),
        ] {
            let (status, body) = text(server.post_form(&who, &path, &fields));
            assert_eq!(status, StatusCode::FORBIDDEN, "{email} POST {path}: {body}");
        }
        for path in [
            format!("/admin/users/{me}/disable"),
            "/admin/invites/any/revoke".into(),
        ] {
            let status = who.get(server.url(&path)).send().unwrap().status();
            assert_eq!(status, StatusCode::FORBIDDEN, "{email} GET {path}");
        }
        let (status, page) = text(who.get(server.url("/admin/account")).send().unwrap());
        assert_eq!(status, StatusCode::OK);
        assert!(page.contains(email), "{page}");
    }
    // An API key has no account page.
    let key = server.api_key(&owner, "owner");
    let status = server
        .api(reqwest::Method::GET, "/admin/account", &key)
        .send()
        .unwrap()
        .status();
    assert_eq!(status, StatusCode::FORBIDDEN);
}

#[test]
fn resets_are_limited_per_address_and_refused_to_non_owners_under_sso_only() {
    let (dir, data) = temp_data();
    let sink = MailSink::start();
    let secret = dir.path().join("oidc-secret");
    std::fs::write(&secret, "s3cret").unwrap();
    let mut env = sink.env();
    // The provider is never asked: nobody signs in with SSO here.
    env.extend([
        ("STATUSD_OIDC_ISSUER", "http://127.0.0.1:9".to_string()),
        ("STATUSD_OIDC_CLIENT_ID", "statusd".to_string()),
        (
            "STATUSD_OIDC_CLIENT_SECRET_FILE",
            secret.to_str().unwrap().to_string(),
        ),
        ("STATUSD_SSO_ONLY", "true".to_string()),
    ]);
    let server = Server::start_with_env(&data, &env);
    let owner = server.setup_owner("owner@example.com", OWNER_PW);
    server.post_form(
        &owner,
        "/admin/users",
        &[
            ("email", "ed@example.com"),
            ("password", "a decent password"),
            ("role", "editor"),
        ],
    );
    let ask = |email: &str| {
        post_page_form(&browser(), &server, "/admin/reset", &[("email", email)]).status()
    };
    assert_eq!(ask("ed@example.com"), StatusCode::OK);
    assert_eq!(ask("owner@example.com"), StatusCode::OK);
    sink.wait_nth("owner@example.com", 1);
    assert!(
        sink.to("ed@example.com").is_empty(),
        "no reset for a non-owner under sso_only"
    );
    // Five links an hour per address: the sixth request is refused.
    for _ in 0..3 {
        assert_eq!(ask("owner@example.com"), StatusCode::OK);
    }
    assert_eq!(ask("Owner@Example.com "), StatusCode::OK);
    assert_eq!(ask("owner@example.com"), StatusCode::TOO_MANY_REQUESTS);
}
