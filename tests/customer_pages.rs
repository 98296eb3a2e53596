//! Customer pages through the real binary: every channel of the page refuses visitors
//! without access (browsers are sent to the page's sign-in form, machines get 401), says
//! `noindex`, and opens to the team; the mailed sign-in link through a real SMTP server;
//! read tokens; links that expire and work once; subscribing from a customer page.

mod common;

use common::smtp::{MailSink, link_in};
use common::*;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

fn post(env: &Env, path: &str, body: Value) -> Value {
    let (status, v) = env.server.api_send(Method::POST, path, &env.token, &body);
    assert!(status.is_success(), "POST {path} → {status}: {v}");
    v
}

fn id(v: &Value) -> String {
    v["id"].as_str().expect("id").to_string()
}

/// A customer page `acme` (allowlist acme.com) with a component and a published incident.
fn acme(env: &Env) -> String {
    let page = post(
        env,
        "/api/v1/pages",
        json!({"slug": "acme", "title": "Acme status", "audience": "customer",
               "allowed_domains": ["acme.com"]}),
    );
    let comp = id(&post(
        env,
        "/api/v1/components",
        json!({"name": "Acme cluster", "page_ids": [id(&page)]}),
    ));
    id(&post(
        env,
        "/api/v1/incidents",
        json!({"title": "Acme cluster slow", "status": "investigating", "severity": "minor",
               "component_ids": [comp], "page": "acme", "message": "Looking."}),
    ))
}

#[test]
fn a_customer_page_answers_only_with_access_and_is_never_indexed() {
    let env = Env::start();
    let inc = acme(&env);
    let cases = [
        ("/p/acme", StatusCode::SEE_OTHER),
        ("/p/acme/history", StatusCode::SEE_OTHER),
        ("/p/acme/uptime", StatusCode::SEE_OTHER),
        (&*format!("/incidents/{inc}"), StatusCode::SEE_OTHER),
        ("/p/acme/history.atom", StatusCode::UNAUTHORIZED),
        ("/p/acme/history.rss", StatusCode::UNAUTHORIZED),
        ("/p/acme/api/v2/summary.json", StatusCode::UNAUTHORIZED),
        ("/p/acme/api/v2/incidents.json", StatusCode::UNAUTHORIZED),
    ];
    for (path, want) in cases {
        let resp = env.server.get(path);
        let status = resp.status();
        assert_eq!(
            resp.headers().get("x-robots-tag").map(|v| v.as_bytes()),
            Some(&b"noindex"[..]),
            "{path} lacks X-Robots-Tag"
        );
        if want == StatusCode::SEE_OTHER {
            assert_eq!(location(&resp), "/p/acme/signin", "{path}");
        }
        let body = resp.text().unwrap_or_default();
        assert_eq!(status, want, "{path}: {body}");
        assert!(!body.contains("Acme cluster"), "{path} leaks the page");
    }
    // A made-up token opens nothing.
    let resp = env
        .server
        .api(Method::GET, "/p/acme/api/v2/summary.json", "sd_madeup")
        .send()
        .unwrap();
    assert_eq!(resp.status(), StatusCode::UNAUTHORIZED);
    let resp = env.server.get("/p/acme/history.atom?token=madeup").status();
    assert_eq!(resp, StatusCode::UNAUTHORIZED);
    // Nothing of it on the public page, and the public page stays indexable.
    let resp = env.server.get("/");
    assert!(resp.headers().get("x-robots-tag").is_none());
    assert!(!resp.text().unwrap().contains("Acme"));
    // The team (an API key here) sees it, still marked noindex.
    let resp = env
        .server
        .api(Method::GET, "/p/acme/api/v2/incidents.json", &env.token)
        .send()
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    assert_eq!(resp.headers()["x-robots-tag"], "noindex");
    let (_, v) = json(resp);
    assert_eq!(v["incidents"][0]["name"], "Acme cluster slow");
}

/// A server that mails to a real SMTP sink, with an editor key; no users yet.
fn start_with_mail() -> (tempfile::TempDir, MailSink, Server, String) {
    let (dir, data) = temp_data();
    let token = offline_key(&data, "editor");
    let sink = MailSink::start();
    let server = Server::start_with_env(&data, &sink.env());
    (dir, sink, server, token)
}

fn signin_page(server: &Server, browser: &reqwest::blocking::Client) -> String {
    let (status, html) = text(browser.get(server.url("/p/acme/signin")).send().unwrap());
    assert_eq!(status, StatusCode::OK, "{html}");
    assert!(html.contains(r#"<meta name="robots" content="noindex">"#));
    html
}

fn ask_for_link(server: &Server, browser: &reqwest::blocking::Client, email: &str) -> String {
    let csrf = csrf_of(&signin_page(server, browser));
    let (status, html) = text(
        browser
            .post(server.url("/p/acme/signin"))
            .form(&[("csrf", csrf.as_str()), ("email", email)])
            .send()
            .unwrap(),
    );
    assert_eq!(status, StatusCode::OK, "{html}");
    html
}

/// Opens a mailed link and presses Continue; returns the answer to the POST.
fn press_continue(browser: &reqwest::blocking::Client, link: &str) -> reqwest::blocking::Response {
    let (status, html) = text(browser.get(link).send().unwrap());
    assert_eq!(status, StatusCode::OK, "{html}");
    assert!(html.contains("Continue"));
    browser
        .post(link)
        .form(&[("csrf", csrf_of(&html))])
        .send()
        .unwrap()
}

#[test]
fn a_customer_signs_in_with_the_mailed_link_until_the_domain_is_removed() {
    let (_dir, sink, server, token) = start_with_mail();
    let env = Env {
        _dir: tempfile::tempdir().unwrap(),
        server,
        token,
    };
    acme(&env);
    let server = &env.server;
    let ann = browser();
    let resp = ann.get(server.url("/p/acme")).send().unwrap();
    assert_eq!(location(&resp), "/p/acme/signin");

    let answer = ask_for_link(server, &ann, "Ann@Acme.com");
    assert!(answer.contains("a sign-in link is on its way"), "{answer}");
    let mail = sink.wait_nth("ann@acme.com", 1);
    let link = link_in(&mail, &server.url("/p/acme/signin/"));
    // Following the link (a mail scanner) uses nothing up; Continue does.
    assert_eq!(ann.get(&link).send().unwrap().status(), StatusCode::OK);
    let resp = press_continue(&ann, &link);
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&resp), "/p/acme");
    let cookie = resp
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.starts_with("statusd_page_"))
        .expect("a page session cookie")
        .to_string();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"),
        "{cookie}"
    );
    assert!(cookie.contains("Max-Age=2592000"), "30 days: {cookie}");
    let (status, html) = text(ann.get(server.url("/p/acme")).send().unwrap());
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Acme cluster slow"));
    assert!(html.contains(r#"<meta name="robots" content="noindex">"#));
    // The session opens this page only: not the v2 JSON of another customer page.
    post(
        &env,
        "/api/v1/pages",
        json!({"slug": "globex", "title": "Globex", "audience": "customer",
               "allowed_domains": ["acme.com"]}),
    );
    let resp = ann.get(server.url("/p/globex")).send().unwrap();
    assert_eq!(location(&resp), "/p/globex/signin");

    // The link works once.
    let other = browser();
    let (status, html) = text(other.get(&link).send().unwrap());
    assert_eq!(status, StatusCode::GONE, "{html}");
    assert!(html.contains("no longer works"));

    // An address the allowlist does not admit gets the same answer and no mail.
    let eve = browser();
    let refused = ask_for_link(server, &eve, "eve@evil.example");
    assert_eq!(
        refused.replace("eve@evil.example", "X"),
        answer.replace("ann@acme.com", "X")
    );
    std::thread::sleep(std::time::Duration::from_millis(1500));
    assert!(sink.to("eve@evil.example").is_empty());
    // The team sees the refused request on the page's access screen, and Ann's session.
    let page_id = id(&env.server.api_get("/api/v1/pages/acme", &env.token).1);
    let (status, screen) = text(
        server
            .api(
                Method::GET,
                &format!("/admin/pages/{page_id}/access"),
                &env.token,
            )
            .send()
            .unwrap(),
    );
    assert_eq!(status, StatusCode::OK, "{screen}");
    assert!(screen.contains("eve@evil.example"));
    assert!(screen.contains("ann@acme.com"));
    assert!(screen.contains(&server.url("/p/acme")));

    // Removing the domain ends Ann's session at her next request.
    let (status, v) = server.api_send(
        Method::PATCH,
        &format!("/api/v1/pages/{page_id}"),
        &env.token,
        &json!({"allowed_domains": ["globex.example"]}),
    );
    assert_eq!(status, StatusCode::OK, "{v}");
    let resp = ann.get(server.url("/p/acme")).send().unwrap();
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&resp), "/p/acme/signin");
    let resp = ann
        .get(server.url("/p/acme/api/v2/summary.json"))
        .send()
        .unwrap();
    assert_eq!(resp.status(), StatusCode::UNAUTHORIZED);

    // Public mail providers and malformed domains are refused as entries, with the reason.
    for (entry, reason) in [
        ("gmail.com", "public mail provider"),
        ("gmx.de", "public mail provider"),
        ("acme..com", "not a domain"),
    ] {
        let (status, v) = server.api_send(
            Method::PATCH,
            &format!("/api/v1/pages/{page_id}"),
            &env.token,
            &json!({"allowed_domains": [entry]}),
        );
        assert_eq!(status, StatusCode::BAD_REQUEST, "{entry}: {v}");
        assert_eq!(v["error"]["field"], "allowed_domains");
        assert!(
            v["error"]["message"].as_str().unwrap().contains(reason),
            "{entry}: {v}"
        );
    }
}

#[test]
fn a_read_token_opens_the_pages_feeds_and_json_until_revoked() {
    let (_dir, _sink, server, token) = start_with_mail();
    let owner = server.setup_owner("owner@example.com", "correct horse battery");
    let env = Env {
        _dir: tempfile::tempdir().unwrap(),
        server,
        token,
    };
    acme(&env);
    let server = &env.server;
    let page_id = id(&server.api_get("/api/v1/pages/acme", &env.token).1);
    let summary = "/p/acme/api/v2/summary.json";
    assert_eq!(server.get(summary).status(), StatusCode::UNAUTHORIZED);
    let (status, html) = text(server.post_form(
        &owner,
        &format!("/admin/pages/{page_id}/tokens"),
        &[("name", "Acme's monitoring")],
    ));
    assert_eq!(status, StatusCode::CREATED, "{html}");
    let read = token_of(&html);
    assert!(read.starts_with("sdr_"));
    let (status, v) = server.api_get(summary, &read);
    assert_eq!(status, StatusCode::OK, "{v}");
    assert_eq!(v["incidents"][0]["name"], "Acme cluster slow");
    let feed = server.get(&format!("/p/acme/history.atom?token={read}"));
    assert_eq!(feed.status(), StatusCode::OK);
    assert!(feed.text().unwrap().contains("Acme cluster slow"));
    // A read token is no API key, and opens no other page.
    let (status, _) = server.api_get("/api/v1/incidents", &read);
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    post(
        &env,
        "/api/v1/pages",
        json!({"slug": "globex", "title": "Globex", "audience": "customer",
               "allowed_domains": ["globex.example"]}),
    );
    let (status, _) = server.api_get("/p/globex/api/v2/summary.json", &read);
    assert_eq!(status, StatusCode::UNAUTHORIZED);

    // Revoked, it opens nothing.
    let (_, screen) = text(
        owner
            .get(server.url(&format!("/admin/pages/{page_id}/access")))
            .send()
            .unwrap(),
    );
    let marker = format!("/admin/pages/{page_id}/tokens/");
    let start = screen.find(&marker).expect("revoke form") + marker.len();
    let tid = &screen[start..start + screen[start..].find('/').unwrap()];
    // Revoking asks first, on its own page, naming the token and what stops working.
    let revoke = format!("/admin/pages/{page_id}/tokens/{tid}/revoke");
    assert!(
        screen.contains(&format!(
            r#"<a class="button danger" href="{revoke}">Revoke…</a>"#
        )),
        "{screen}"
    );
    let (status, ask) = text(owner.get(server.url(&revoke)).send().unwrap());
    assert_eq!(status, StatusCode::OK);
    assert!(
        ask.contains("Revoke read token “Acme's monitoring”?"),
        "{ask}"
    );
    assert!(ask.contains("lose access to “Acme"), "{ask}");
    assert!(ask.contains(&format!(r#"action="{revoke}""#)), "{ask}");
    let (_, still) = server.api_get(summary, &read);
    assert_eq!(
        still["incidents"][0]["name"], "Acme cluster slow",
        "asking revokes nothing"
    );
    let resp = server.post_form(
        &owner,
        &format!("/admin/pages/{page_id}/tokens/{tid}/revoke"),
        &[],
    );
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    let (status, _) = server.api_get(summary, &read);
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

#[test]
fn sign_in_links_expire_after_15_minutes_and_work_once() {
    use chrono::{Duration, Utc};
    use statusd::store::{LinkRefusal, NewPage, Store, TestClock};
    use std::sync::Arc;
    let (_dir, data) = temp_data();
    let clock = Arc::new(TestClock::new(Utc::now()));
    let store = Store::open_with_clock(&data, clock.clone()).unwrap();
    let page = store
        .create_page(NewPage {
            slug: "acme".into(),
            title: "Acme".into(),
            audience: Some("customer".into()),
            allowed_domains: vec!["acme.com".into()],
            ..Default::default()
        })
        .unwrap();
    let ttl = Duration::minutes(15);
    store
        .create_signin_link("fresh", &page.id, "ann@acme.com", ttl)
        .unwrap();
    store
        .create_signin_link("stale", &page.id, "ann@acme.com", ttl)
        .unwrap();
    clock.advance(Duration::minutes(14));
    let s = store
        .redeem_signin_link("fresh", "s1", 30)
        .unwrap()
        .unwrap();
    assert_eq!(s.email, "ann@acme.com");
    assert_eq!(s.expires_at, store.now() + Duration::days(30));
    assert_eq!(
        store.redeem_signin_link("fresh", "s2", 30).unwrap(),
        Err(LinkRefusal::Spent)
    );
    clock.advance(Duration::minutes(2));
    assert_eq!(store.peek_signin_link("stale").unwrap(), None);
    assert_eq!(
        store.redeem_signin_link("stale", "s3", 30).unwrap(),
        Err(LinkRefusal::Spent)
    );
    // Sessions end with their days, and with the page.
    assert!(store.customer_session("s1").unwrap().is_some());
    clock.advance(Duration::days(31));
    assert!(store.customer_session("s1").unwrap().is_none());
    store
        .create_signin_link("late", &page.id, "ann@acme.com", ttl)
        .unwrap();
    store.redeem_signin_link("late", "s4", 30).unwrap().unwrap();
    store.delete_page(&page.id).unwrap();
    assert!(store.customer_session("s4").unwrap().is_none());
}

#[test]
fn a_customer_subscribes_from_the_page_and_only_allowlisted_addresses_get_mail() {
    let (_dir, sink, server, token) = start_with_mail();
    let env = Env {
        _dir: tempfile::tempdir().unwrap(),
        server,
        token,
    };
    acme(&env);
    let server = &env.server;
    // Without access, the subscribe page and both forms go to the page's sign-in.
    let ann = browser();
    for (method, path) in [
        (Method::GET, "/p/acme/subscribe"),
        (Method::POST, "/p/acme/subscribe"),
        (Method::POST, "/p/acme/subscribe/webhook"),
    ] {
        let resp = ann
            .request(method.clone(), server.url(path))
            .form(&[
                ("email", "ann@acme.com"),
                ("kind", "webhook"),
                ("url", "https://acme.com/hook"),
            ])
            .send()
            .unwrap();
        assert_eq!(resp.status(), StatusCode::SEE_OTHER, "{method} {path}");
        assert_eq!(location(&resp), "/p/acme/signin", "{method} {path}");
        assert_eq!(resp.headers()["x-robots-tag"], "noindex");
    }
    ask_for_link(server, &ann, "ann@acme.com");
    let link = link_in(
        &sink.wait_nth("ann@acme.com", 1),
        &server.url("/p/acme/signin/"),
    );
    assert_eq!(press_continue(&ann, &link).status(), StatusCode::SEE_OTHER);

    // The page's Subscribe button leads to its own subscribe page, never the public one.
    let (status, html) = text(ann.get(server.url("/p/acme")).send().unwrap());
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains(r#"href="/p/acme/subscribe""#), "{html}");
    assert!(!html.contains(r#"href="/subscribe""#), "{html}");
    assert!(!html.contains(r#"action="/subscribe""#), "{html}");
    let (status, form) = text(ann.get(server.url("/p/acme/subscribe")).send().unwrap());
    assert_eq!(status, StatusCode::OK, "{form}");
    assert!(form.contains("Acme cluster"), "lists the page's components");
    assert!(form.contains(r#"action="/p/acme/subscribe""#), "{form}");
    assert!(form.contains(r#"<meta name="robots" content="noindex">"#));

    // An allowlisted address gets the confirmation mail for this page.
    let (status, answer) = text(
        ann.post(server.url("/p/acme/subscribe"))
            .form(&[("email", "ann@acme.com")])
            .send()
            .unwrap(),
    );
    assert_eq!(status, StatusCode::OK, "{answer}");
    assert!(answer.contains("Check your inbox"), "{answer}");
    let mail = sink.wait_nth("ann@acme.com", 2);
    let confirm = link_in(&mail, &server.url("/subscribe/confirm/"));
    let (status, html) = text(ann.get(&confirm).send().unwrap());
    assert_eq!(status, StatusCode::OK, "{html}");
    assert!(html.contains("Acme status"), "{html}");

    // Any other address gets the same answer, and nothing is mailed or kept.
    let (status, refused) = text(
        ann.post(server.url("/p/acme/subscribe"))
            .form(&[("email", "eve@evil.example")])
            .send()
            .unwrap(),
    );
    assert_eq!(status, StatusCode::OK);
    assert_eq!(refused, answer);
    std::thread::sleep(std::time::Duration::from_millis(1500));
    assert!(sink.to("eve@evil.example").is_empty());
    let (_, subs) = server.api_get("/api/v1/subscribers", &env.token);
    let text_of = subs.to_string();
    assert!(text_of.contains("ann@acme.com"), "{text_of}");
    assert!(!text_of.contains("eve@evil.example"), "{text_of}");

    // An internal page's subscribe page needs a team sign-in and opens to the team.
    post(
        &env,
        "/api/v1/pages",
        json!({"slug": "ops", "title": "Ops", "audience": "internal"}),
    );
    let resp = browser()
        .get(server.url("/p/ops/subscribe"))
        .send()
        .unwrap();
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    assert!(location(&resp).starts_with("/admin"), "{}", location(&resp));
    let resp = ann.get(server.url("/p/ops/subscribe")).send().unwrap();
    assert_eq!(
        resp.status(),
        StatusCode::SEE_OTHER,
        "a customer is not the team"
    );
    let (status, html) = text(
        server
            .api(Method::GET, "/p/ops/subscribe", &env.token)
            .send()
            .unwrap(),
    );
    assert_eq!(status, StatusCode::OK, "{html}");
    assert!(html.contains(r#"action="/p/ops/subscribe""#), "{html}");
}
