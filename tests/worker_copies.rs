//! Each HTTP worker keeps its own copy of the home page, a page by slug and the v2 JSON
//! (web::hot). These tests ask over fresh connections, so every worker answers in turn,
//! and check that no worker serves a copy after a change, to another Host, or to
//! someone a non-public page must refuse.

mod common;

use common::*;
use reqwest::StatusCode;
use reqwest::blocking::{Client, Response};
use serde_json::{Value, json};
use std::io::Read;

/// Asks enough times, one new connection each, for every worker to answer several times.
const ROUNDS: usize = 8;

/// A client that opens a new connection for every request.
fn fresh() -> Client {
    Client::builder()
        .pool_max_idle_per_host(0)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client")
}

fn get(server: &Server, path: &str, headers: &[(&str, &str)]) -> Response {
    let mut req = fresh().get(server.url(path));
    for (name, value) in headers {
        req = req.header(*name, *value);
    }
    req.send().expect("GET")
}

fn body(resp: Response) -> String {
    let gzip = resp
        .headers()
        .get("content-encoding")
        .is_some_and(|v| v == "gzip");
    let bytes = resp.bytes().expect("body");
    if !gzip {
        return String::from_utf8_lossy(&bytes).into_owned();
    }
    let mut out = String::new();
    flate2::read::GzDecoder::new(&bytes[..])
        .read_to_string(&mut out)
        .expect("gzip");
    out
}

fn id(v: &Value) -> String {
    v["id"].as_str().expect("id").to_string()
}

#[test]
fn a_change_reaches_every_worker_at_once() {
    let env = Env::start();
    let (status, comp) = env.server.api_send(
        reqwest::Method::POST,
        "/api/v1/components",
        &env.token,
        &json!({"name": "Checkout"}),
    );
    assert_eq!(status, StatusCode::CREATED, "{comp}");
    let paths = ["/", "/p/default", "/api/v2/summary.json"];
    for _ in 0..ROUNDS {
        for path in paths {
            let text = body(get(&env.server, path, &[("Accept-Encoding", "gzip")]));
            assert!(!text.contains("Major Outage") && !text.contains("major_outage"));
        }
    }
    let (status, out) = env.server.api_send(
        reqwest::Method::PATCH,
        &format!("/api/v1/components/{}", id(&comp)),
        &env.token,
        &json!({"status": "major_outage"}),
    );
    assert_eq!(status, StatusCode::OK, "{out}");
    for round in 0..ROUNDS {
        for (path, gzip) in [
            ("/", true),
            ("/", false),
            ("/p/default", true),
            ("/api/v2/summary.json", false),
        ] {
            let headers: &[(&str, &str)] = if gzip {
                &[("Accept-Encoding", "gzip")]
            } else {
                &[]
            };
            let resp = get(&env.server, path, headers);
            assert_eq!(resp.status(), StatusCode::OK);
            assert_eq!(
                resp.headers().contains_key("content-encoding"),
                gzip,
                "{path} round {round}: encoding as asked"
            );
            let text = body(resp);
            assert!(
                text.contains("Major Outage") || text.contains("major_outage"),
                "{path} round {round}: a worker served the page from before the change"
            );
        }
    }
}

#[test]
fn etags_from_kept_answers_revalidate_and_change_with_the_page() {
    let env = Env::start();
    let first = get(&env.server, "/", &[]);
    let etag = first.headers()["etag"].to_str().unwrap().to_string();
    for _ in 0..ROUNDS {
        let again = get(&env.server, "/", &[("If-None-Match", &etag)]);
        assert_eq!(again.status(), StatusCode::NOT_MODIFIED);
        assert!(
            again.headers()["cache-control"]
                .to_str()
                .unwrap()
                .starts_with("public")
        );
        assert!(again.headers().contains_key("content-security-policy"));
    }
    let (status, out) = env.server.api_send(
        reqwest::Method::POST,
        "/api/v1/components",
        &env.token,
        &json!({"name": "Search"}),
    );
    assert_eq!(status, StatusCode::CREATED, "{out}");
    for _ in 0..ROUNDS {
        let after = get(&env.server, "/", &[("If-None-Match", &etag)]);
        assert_eq!(after.status(), StatusCode::OK, "the page changed");
        assert!(body(after).contains("Search"));
    }
}

#[test]
fn a_page_chosen_by_host_is_never_served_to_another_host() {
    let env = Env::start();
    let (status, page) = env.server.api_send(
        reqwest::Method::POST,
        "/api/v1/pages",
        &env.token,
        &json!({"slug": "acme", "title": "Acme Brand Status", "audience": "public",
                "custom_host": "status.acme.test"}),
    );
    assert_eq!(status, StatusCode::CREATED, "{page}");
    let port = env.server.base.rsplit(':').next().unwrap().to_string();
    let own = format!("127.0.0.1:{port}");
    // An odd number of requests per round, so each worker is asked by both hosts.
    for round in 0..ROUNDS {
        let acme = body(get(&env.server, "/", &[("Host", "status.acme.test")]));
        assert!(acme.contains("Acme Brand Status"), "round {round}");
        for _ in 0..2 {
            let default = body(get(&env.server, "/", &[("Host", &own)]));
            assert!(
                !default.contains("Acme Brand Status"),
                "round {round}: the custom host's page was served to another host"
            );
        }
    }
}

#[test]
fn a_page_made_private_is_refused_by_every_worker() {
    let env = Env::start();
    let (status, page) = env.server.api_send(
        reqwest::Method::POST,
        "/api/v1/pages",
        &env.token,
        &json!({"slug": "partners", "title": "Partner Status", "audience": "public"}),
    );
    assert_eq!(status, StatusCode::CREATED, "{page}");
    for _ in 0..ROUNDS {
        assert_eq!(
            get(&env.server, "/p/partners", &[]).status(),
            StatusCode::OK
        );
        assert_eq!(
            get(&env.server, "/p/partners/api/v2/summary.json", &[]).status(),
            StatusCode::OK
        );
    }
    let (status, out) = env.server.api_send(
        reqwest::Method::PATCH,
        &format!("/api/v1/pages/{}", id(&page)),
        &env.token,
        &json!({"audience": "customer", "allowed_domains": ["partner.test"]}),
    );
    assert_eq!(status, StatusCode::OK, "{out}");
    // The team sees the page; what they were shown must not be kept for anyone else.
    let bearer = format!("Bearer {}", env.token);
    for _ in 0..ROUNDS {
        for path in ["/p/partners", "/p/partners/api/v2/summary.json"] {
            let seen = get(&env.server, path, &[("Authorization", &bearer)]);
            assert_eq!(seen.status(), StatusCode::OK, "{path}");
        }
    }
    for round in 0..ROUNDS {
        let html = get(&env.server, "/p/partners", &[]);
        assert_ne!(html.status(), StatusCode::OK, "round {round}");
        assert!(!body(html).contains("All Systems Operational"));
        let api = get(&env.server, "/p/partners/api/v2/summary.json", &[]);
        assert_eq!(api.status(), StatusCode::UNAUTHORIZED, "round {round}");
    }
}
