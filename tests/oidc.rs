//! OpenID Connect single sign-on (issue 13) against a real provider started here
//! (`tests/support/oidc_provider.py`: discovery, RS256 JWKS, an authorization endpoint
//! that approves at once, a token endpoint that checks the secret and PKCE).

mod common;

use common::*;
use reqwest::StatusCode;
use reqwest::blocking::{Client, Response};
use serde_json::{Value, json};
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

const PROVIDER: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/support/oidc_provider.py"
);
/// Debian's Python, which sees python3-jwt and python3-cryptography.
const PYTHON: &str = "/usr/bin/python3";
const CLIENT_ID: &str = "statusd-test";
const CLIENT_SECRET: &str = "provider-shared-secret";
const OWNER: &str = "owner@example.com";
const OWNER_PW: &str = "violet staple orbit";

/// The provider process on 127.0.0.1.
struct Provider {
    base: String,
    child: Child,
}

impl Provider {
    fn start() -> Provider {
        let mut child = Command::new(PYTHON)
            .args([
                PROVIDER,
                "--client-id",
                CLIENT_ID,
                "--client-secret",
                CLIENT_SECRET,
            ])
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start the OIDC provider");
        let mut line = String::new();
        BufReader::new(child.stdout.take().expect("stdout"))
            .read_line(&mut line)
            .expect("provider prints its port");
        let port = line
            .trim()
            .strip_prefix("listening ")
            .unwrap_or_else(|| panic!("provider said {line:?}"));
        Provider {
            base: format!("http://127.0.0.1:{port}"),
            child,
        }
    }

    fn post(&self, path: &str, body: Value) {
        let resp = bare()
            .post(format!("{}{path}", self.base))
            .json(&body)
            .send()
            .unwrap();
        assert_eq!(resp.status(), StatusCode::OK, "{path}");
    }

    /// Who the next authorization signs in, and how the ID token is spoiled.
    fn next_user(&self, control: Value) {
        self.post("/_control", control);
    }

    fn token_requests(&self) -> Vec<Value> {
        let resp = bare()
            .get(format!("{}/_token_requests", self.base))
            .send()
            .unwrap();
        serde_json::from_str(&resp.text().unwrap()).unwrap()
    }
}

impl Drop for Provider {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn bare() -> Client {
    Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .no_proxy()
        .build()
        .unwrap()
}

/// statusd with SSO against `provider`, its owner set up; `extra` env on top.
fn start(provider: &Provider, extra: &[(&str, String)]) -> (tempfile::TempDir, Server, Client) {
    let (dir, data) = temp_data();
    let secret_file = dir.path().join("oidc-secret");
    std::fs::write(&secret_file, format!("{CLIENT_SECRET}\n")).unwrap();
    let mut env = vec![
        ("STATUSD_OIDC_ISSUER", provider.base.clone()),
        ("STATUSD_OIDC_CLIENT_ID", CLIENT_ID.to_string()),
        (
            "STATUSD_OIDC_CLIENT_SECRET_FILE",
            secret_file.display().to_string(),
        ),
        ("STATUSD_OIDC_ROLE_DOMAINS", "acme.test=editor".to_string()),
        ("STATUSD_OIDC_GROUPS_CLAIM", "groups".to_string()),
        (
            "STATUSD_OIDC_ROLE_GROUPS",
            "status-owners=owner".to_string(),
        ),
    ];
    env.extend(extra.iter().cloned());
    let server = Server::start_with_env(&data, &env);
    provider.post(
        "/_register",
        json!({"redirect_uri": server.url("/admin/oidc/callback")}),
    );
    let owner = server.setup_owner(OWNER, OWNER_PW);
    (dir, server, owner)
}

/// Presses "Sign in with SSO" in `browser` and follows the provider back; returns the
/// callback's answer.
fn sso_sign_in(server: &Server, browser: &Client) -> Response {
    let start = browser.get(server.url("/admin/oidc/start")).send().unwrap();
    assert_eq!(start.status(), StatusCode::SEE_OTHER, "start");
    let authorize = location(&start);
    assert!(authorize.contains("code_challenge="), "PKCE: {authorize}");
    assert!(authorize.contains("nonce="), "nonce: {authorize}");
    let approved = browser.get(&authorize).send().unwrap();
    assert_eq!(approved.status(), StatusCode::FOUND, "provider approves");
    let callback = location(&approved);
    assert!(callback.starts_with(&server.url("/admin/oidc/callback")));
    browser.get(&callback).send().unwrap()
}

/// The role the owner's user list shows for `email`, if the user exists.
fn role_of(server: &Server, owner: &Client, email: &str) -> Option<String> {
    let page = text(owner.get(server.url("/admin/users")).send().unwrap()).1;
    let row = page.split(&format!(r#"data-user="{email}""#)).nth(1)?;
    let row = row.split("</tr>").next()?;
    ["owner", "editor", "viewer"]
        .into_iter()
        .find(|r| row.contains(&format!(r#"value="{r}" selected"#)))
        .map(str::to_string)
}

#[test]
fn sso_sign_in_creates_users_with_their_mapped_roles() {
    let provider = Provider::start();
    let (_dir, server, owner) = start(&provider, &[]);
    let login = text(bare().get(server.url("/admin/login")).send().unwrap()).1;
    assert!(login.contains("Sign in with SSO"), "{login}");

    provider.next_user(json!({"email": "alice@acme.test"}));
    let alice = browser();
    let done = sso_sign_in(&server, &alice);
    assert_eq!(
        done.status(),
        StatusCode::SEE_OTHER,
        "{}",
        done.text().unwrap_or_default()
    );
    assert_eq!(location(&done), "/admin");
    let (status, page) = text(alice.get(server.url("/admin")).send().unwrap());
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("alice@acme.test"), "signed in as alice");
    assert_eq!(
        role_of(&server, &owner, "alice@acme.test").as_deref(),
        Some("editor")
    );
    let asked = provider.token_requests();
    let verifier = asked[0]["code_verifier"].as_str().unwrap_or("");
    assert!(
        verifier.len() >= 43,
        "the PKCE verifier went to the token endpoint: {asked:?}"
    );

    // A group mapping gives another domain the owner role.
    provider.next_user(json!({"email": "bob@other.test", "groups": ["staff", "status-owners"]}));
    let done = sso_sign_in(&server, &browser());
    assert_eq!(done.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        role_of(&server, &owner, "bob@other.test").as_deref(),
        Some("owner")
    );

    // An existing user signs in again as they are, even from an unmapped domain.
    let (status, _) = text(server.post_form(
        &owner,
        "/admin/users",
        &[
            ("email", "dan@elsewhere.test"),
            ("password", "quiet harbor lantern"),
            ("role", "viewer"),
        ],
    ));
    assert!(status.is_redirection() || status.is_success());
    provider.next_user(json!({"email": "dan@elsewhere.test"}));
    assert_eq!(
        sso_sign_in(&server, &browser()).status(),
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        role_of(&server, &owner, "dan@elsewhere.test").as_deref(),
        Some("viewer")
    );
}

#[test]
fn sso_refuses_spoiled_tokens_and_people_no_rule_admits() {
    let provider = Provider::start();
    let (_dir, server, owner) = start(&provider, &[]);
    let cases = [
        (
            json!({"spoil": "signature"}),
            "failed verification (Signature verification failed",
        ),
        (
            json!({"spoil": "nonce"}),
            "failed verification (Invalid nonce",
        ),
        (
            json!({"spoil": "audience"}),
            "failed verification (Invalid audiences",
        ),
        (
            json!({"spoil": "issuer"}),
            "failed verification (Invalid issuer",
        ),
        (json!({"spoil": "expired"}), "failed verification (Expired"),
        (
            json!({"email": "eve@acme.test", "email_verified": false}),
            "has not verified eve@acme.test",
        ),
        (
            json!({"email": "carol@elsewhere.test"}),
            "no single sign-on rule admits it",
        ),
        (json!({"email": null}), "did not share an email address"),
    ];
    for (control, says) in cases {
        provider.next_user(control.clone());
        let b = browser();
        let (status, page) = text(sso_sign_in(&server, &b));
        assert_eq!(status, StatusCode::FORBIDDEN, "{control}: {page}");
        assert!(
            page.contains(says),
            "{control}: expected {says:?} in {page}"
        );
        let after = b.get(server.url("/admin")).send().unwrap();
        assert_eq!(
            after.status(),
            StatusCode::SEE_OTHER,
            "{control}: not signed in"
        );
    }
    for email in [
        "alice@acme.test",
        "boss@acme.test",
        "eve@acme.test",
        "carol@elsewhere.test",
    ] {
        assert_eq!(
            role_of(&server, &owner, email),
            None,
            "{email} was not created"
        );
    }
}

#[test]
fn a_callback_works_once_and_only_in_the_browser_that_started_it() {
    let provider = Provider::start();
    let (_dir, server, _owner) = start(&provider, &[]);
    provider.next_user(json!({"email": "alice@acme.test"}));
    let victim = browser();
    let attacker = browser();
    let start = attacker
        .get(server.url("/admin/oidc/start"))
        .send()
        .unwrap();
    let approved = attacker.get(location(&start)).send().unwrap();
    let callback = location(&approved);
    // The attacker's callback link opened in someone else's browser signs nobody in.
    let (status, page) = text(victim.get(&callback).send().unwrap());
    assert_eq!(status, StatusCode::BAD_REQUEST, "{page}");
    assert!(page.contains("start it again"), "{page}");
    let (status, _) = text(attacker.get(&callback).send().unwrap());
    assert_eq!(
        status,
        StatusCode::SEE_OTHER,
        "the starting browser finishes"
    );
    let (status, _) = text(attacker.get(&callback).send().unwrap());
    assert_eq!(
        status,
        StatusCode::BAD_REQUEST,
        "a used callback does not work twice"
    );
}

#[test]
fn sso_only_keeps_passwords_for_owners() {
    let provider = Provider::start();
    let (_dir, server, owner) = start(&provider, &[("STATUSD_SSO_ONLY", "true".into())]);
    let (status, _) = text(server.post_form(
        &owner,
        "/admin/users",
        &[
            ("email", "ed@example.com"),
            ("password", "quiet harbor lantern"),
            ("role", "editor"),
        ],
    ));
    assert!(status.is_redirection() || status.is_success());
    let (resp, _) = server.try_login("ed@example.com", "quiet harbor lantern");
    let (status, page) = text(resp);
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(page.contains("use Sign in with SSO"), "{page}");
    let (resp, _) = server.try_login("ed@example.com", "wrong password here");
    assert_eq!(
        resp.status(),
        StatusCode::UNAUTHORIZED,
        "a wrong password says only that"
    );
    server.login(OWNER, OWNER_PW);
}

#[test]
fn sso_settings_are_checked_and_the_secret_never_prints() {
    let out = run_cli(
        &["check-config"],
        None,
        &[("STATUSD_SSO_ONLY", "true")],
        std::time::Duration::from_secs(20),
    );
    assert_eq!(out.code, Some(2), "{out:?}");
    assert!(out.stderr.contains("sso_only"), "{}", out.stderr);
    let out = run_cli(
        &["check-config"],
        None,
        &[
            ("STATUSD_OIDC_ISSUER", "https://id.example.com"),
            ("STATUSD_OIDC_CLIENT_ID", "statusd"),
            ("STATUSD_OIDC_CLIENT_SECRET", "very-secret-value"),
            ("STATUSD_OIDC_ROLE_DOMAINS", "acme.com=editor"),
        ],
        std::time::Duration::from_secs(20),
    );
    assert_eq!(out.code, Some(0), "{out:?}");
    assert!(out.stdout.contains("acme.com"), "{}", out.stdout);
    assert!(!out.stdout.contains("very-secret-value"), "{}", out.stdout);
    let out = run_cli(
        &["check-config"],
        None,
        &[
            ("STATUSD_OIDC_ISSUER", "https://id.example.com"),
            ("STATUSD_OIDC_CLIENT_ID", "statusd"),
            ("STATUSD_OIDC_ROLE_DOMAINS", "acme.com=admin"),
        ],
        std::time::Duration::from_secs(20),
    );
    assert_eq!(out.code, Some(2), "{out:?}");
    assert!(out.stderr.contains("oidc_role_domains"), "{}", out.stderr);
}

#[test]
fn an_unreachable_provider_is_named_and_no_sso_without_an_issuer() {
    let (_dir, data) = temp_data();
    let closed = format!("http://127.0.0.1:{}", free_port());
    let server = Server::start_with_env(
        &data,
        &[
            ("STATUSD_OIDC_ISSUER", closed.clone()),
            ("STATUSD_OIDC_CLIENT_ID", CLIENT_ID.to_string()),
        ],
    );
    let (status, page) = text(bare().get(server.url("/admin/oidc/start")).send().unwrap());
    assert_eq!(status, StatusCode::BAD_GATEWAY, "{page}");
    assert!(
        page.contains(&format!(
            "The identity provider at {closed} could not be used"
        )),
        "{page}"
    );
    drop(server);

    let (_dir2, data2) = temp_data();
    let plain = Server::start(&data2);
    let login = text(bare().get(plain.url("/admin/login")).send().unwrap()).1;
    assert!(
        !login.contains("Sign in with SSO"),
        "no SSO button without an issuer"
    );
    let (status, _) = text(bare().get(plain.url("/admin/oidc/start")).send().unwrap());
    assert_eq!(status, StatusCode::NOT_FOUND);
}

/// Presses "Sign in with SSO" on customer page `slug` and follows the provider back.
fn customer_sso(server: &Server, browser: &Client, slug: &str) -> Response {
    let start = browser
        .get(server.url(&format!("/p/{slug}/sso")))
        .send()
        .unwrap();
    assert_eq!(start.status(), StatusCode::SEE_OTHER, "start");
    let authorize = location(&start);
    assert!(authorize.contains("code_challenge=") && authorize.contains("nonce="));
    assert!(
        !authorize.contains(slug),
        "the page travels in the stored state, not in the URL: {authorize}"
    );
    let approved = browser.get(&authorize).send().unwrap();
    assert_eq!(approved.status(), StatusCode::FOUND, "provider approves");
    let callback = location(&approved);
    assert!(callback.starts_with(&server.url("/admin/oidc/callback")));
    browser.get(&callback).send().unwrap()
}

#[test]
fn customer_pages_admit_sso_sign_ins_from_their_allowlisted_domains_only() {
    let provider = Provider::start();
    let (_dir, server, owner) = start(&provider, &[]);
    let token = server.api_key(&owner, "owner");
    for (slug, domain) in [("acme", "acme.test"), ("globex", "globex.test")] {
        let (status, v) = server.api_send(
            reqwest::Method::POST,
            "/api/v1/pages",
            &token,
            &json!({"slug": slug, "title": format!("{slug} status"), "audience": "customer",
                    "allowed_domains": [domain]}),
        );
        assert!(status.is_success(), "{v}");
    }
    let signin = text(bare().get(server.url("/p/acme/signin")).send().unwrap()).1;
    assert!(
        signin.contains(r#"href="/p/acme/sso""#) && signin.contains("Sign in with SSO"),
        "{signin}"
    );

    // An allowlisted, verified address gets a session of this page only.
    provider.next_user(json!({"email": "carol@acme.test"}));
    let carol = browser();
    let done = customer_sso(&server, &carol, "acme");
    assert_eq!(done.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&done), "/p/acme");
    let (status, page) = text(carol.get(server.url("/p/acme")).send().unwrap());
    assert_eq!(status, StatusCode::OK, "{page}");
    assert!(page.contains("acme status"), "{page}");
    let other = carol.get(server.url("/p/globex")).send().unwrap();
    assert_eq!(location(&other), "/p/globex/signin");
    let (status, admin) = text(carol.get(server.url("/admin")).send().unwrap());
    assert!(
        status.is_redirection() || !admin.contains("carol@acme.test"),
        "a customer session is not a team session"
    );

    // Not on the allowlist, a flow started for another page, or an unverified address:
    // the same neutral refusal and no session.
    let cases = [
        (json!({"email": "mallory@other.test"}), "acme"),
        (json!({"email": "carol@acme.test"}), "globex"),
        (
            json!({"email": "dave@acme.test", "email_verified": false}),
            "acme",
        ),
        (json!({"email": "erin@acme.test", "spoil": "nonce"}), "acme"),
    ];
    let mut answers = Vec::new();
    for (user, slug) in cases {
        provider.next_user(user.clone());
        let b = browser();
        let resp = customer_sso(&server, &b, slug);
        let cookie = resp
            .headers()
            .get_all("set-cookie")
            .iter()
            .any(|c| c.to_str().unwrap_or("").starts_with("statusd_page_"));
        let (status, body) = text(resp);
        assert_eq!(status, StatusCode::FORBIDDEN, "{user} on {slug}: {body}");
        assert!(!cookie, "{user} on {slug} got a session");
        assert!(body.contains("does not open this page"), "{body}");
        let again = b.get(server.url(&format!("/p/{slug}"))).send().unwrap();
        assert_eq!(location(&again), format!("/p/{slug}/signin"));
        answers.push(body.replace("globex", "acme"));
    }
    assert!(answers.windows(2).all(|w| w[0] == w[1]), "{answers:#?}");
    // The team sees the refused address on the page's access screen.
    let (_, acme) = server.api_get("/api/v1/pages/acme", &token);
    let screen = text(
        owner
            .get(server.url(&format!(
                "/admin/pages/{}/access",
                acme["id"].as_str().unwrap()
            )))
            .send()
            .unwrap(),
    )
    .1;
    assert!(screen.contains("mallory@other.test"), "{screen}");
}
