//! Customer pages through the real binary: every channel of the page refuses visitors
//! without access (browsers are sent to the page's sign-in form, machines get 401), says
//! `noindex`, and opens to the team.

mod common;

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
