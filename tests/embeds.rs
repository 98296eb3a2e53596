//! What other sites embed: badges (overall, per component, per page) with their
//! caching and access rules.

mod common;

use common::*;
use reqwest::blocking::Response;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

fn send(env: &Env, method: Method, path: &str, body: Value) -> Value {
    let (status, v) = env.server.api_send(method.clone(), path, &env.token, &body);
    assert!(status.is_success(), "{method} {path} → {status}: {v}");
    v
}

fn header(r: &Response, name: &str) -> String {
    r.headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string()
}

/// The badge's accessible text (`label: message`) and its body.
fn badge(env: &Env, path: &str) -> (String, String) {
    let r = env.server.get(path);
    assert_eq!(r.status(), StatusCode::OK, "{path}");
    assert!(
        header(&r, "content-type").starts_with("image/svg+xml"),
        "{path}"
    );
    let svg = r.text().unwrap();
    let title = svg
        .split("<title>")
        .nth(1)
        .and_then(|t| t.split("</title>").next())
        .unwrap_or("")
        .to_string();
    (title, svg)
}

#[test]
fn badges_follow_status_and_cache_for_thirty_seconds() {
    let env = Env::start();
    let api = send(
        &env,
        Method::POST,
        "/api/v1/components",
        json!({ "name": "API" }),
    );
    let api_id = api["id"].as_str().unwrap().to_string();
    send(
        &env,
        Method::POST,
        "/api/v1/components",
        json!({ "name": "Web" }),
    );

    let (title, _) = badge(&env, "/badge.svg");
    assert_eq!(title, "status: operational");
    let first = env.server.get("/badge.svg");
    let etag = header(&first, "etag");
    assert!(etag.starts_with('"'), "strong ETag: {etag:?}");
    let cc = header(&first, "cache-control");
    assert_eq!(
        cc, "public, max-age=30, stale-while-revalidate=30, stale-if-error=86400",
        "the same policy as the page, for a CDN"
    );
    let again = env
        .server
        .request(Method::GET, "/badge.svg")
        .header("If-None-Match", &etag)
        .send()
        .unwrap();
    assert_eq!(again.status(), StatusCode::NOT_MODIFIED);

    send(
        &env,
        Method::PATCH,
        &format!("/api/v1/components/{api_id}"),
        json!({ "status": "major_outage" }),
    );
    let (title, svg) = badge(&env, "/badge.svg?component=API");
    assert_eq!(title, "API: major outage");
    assert!(svg.contains("#b42318"), "red: {svg}");
    assert_eq!(
        badge(&env, &format!("/badge.svg?component={api_id}")).0,
        "API: major outage"
    );
    assert_eq!(
        badge(&env, "/badge.svg?component=api").0,
        "API: major outage",
        "by slug"
    );
    assert_eq!(
        badge(&env, "/badge.svg?component=Web").0,
        "Web: operational"
    );
    let (title, _) = badge(&env, "/badge.svg");
    assert_ne!(title, "status: operational");
    let changed = env
        .server
        .request(Method::GET, "/badge.svg")
        .header("If-None-Match", &etag)
        .send()
        .unwrap();
    assert_eq!(
        changed.status(),
        StatusCode::OK,
        "a new status is a new ETag"
    );
    assert_eq!(
        badge(&env, "/badge.svg?component=Web&label=web%20app").0,
        "web app: operational"
    );

    let r = env.server.get("/badge.svg?component=Nope");
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let long = "x".repeat(41);
    let r = env.server.get(&format!("/badge.svg?label={long}"));
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert!(r.text().unwrap().contains("label"));
}

#[test]
fn a_non_public_pages_badge_needs_access() {
    let env = Env::start();
    let team = send(
        &env,
        Method::POST,
        "/api/v1/pages",
        json!({ "slug": "team", "title": "Team", "audience": "internal" }),
    );
    send(
        &env,
        Method::POST,
        "/api/v1/components",
        json!({ "name": "Secret DB", "page_ids": [team["id"]], "status": "partial_outage" }),
    );
    let r = env.server.get("/p/team/badge.svg");
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    assert!(!r.text().unwrap().contains("Secret"));
    // Its component is not on the public page, so the public badge does not know it.
    assert_eq!(
        env.server.get("/badge.svg?component=Secret%20DB").status(),
        StatusCode::NOT_FOUND
    );
    let r = env
        .server
        .api(
            Method::GET,
            "/p/team/badge.svg?component=Secret%20DB",
            &env.token,
        )
        .send()
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(header(&r, "cache-control"), "private, no-store");
    assert!(r.text().unwrap().contains("Secret DB: partial outage"));
    assert_eq!(
        env.server.get("/p/nope/badge.svg").status(),
        StatusCode::NOT_FOUND
    );
}

#[test]
fn uptime_badges_come_from_the_published_status() {
    let env = Env::start();
    let api = send(
        &env,
        Method::POST,
        "/api/v1/components",
        json!({ "name": "API" }),
    );
    let id = api["id"].as_str().unwrap().to_string();
    let (title, _) = badge(&env, "/uptime.svg?component=API");
    assert_eq!(title, "uptime 30d: 100%");
    let r = env.server.get("/uptime.svg?component=api");
    assert!(header(&r, "cache-control").contains("max-age=30"));
    assert!(header(&r, "etag").starts_with('"'));

    // A draft incident publishes nothing: the uptime stays 100 %.
    send(
        &env,
        Method::POST,
        "/api/v1/incidents",
        json!({ "title": "Maybe down", "status": "investigating", "severity": "critical",
                "component_ids": [id], "message": "checking", "draft": true }),
    );
    std::thread::sleep(std::time::Duration::from_millis(1100));
    assert_eq!(
        badge(&env, "/uptime.svg?component=API&days=7").0,
        "uptime 7d: 100%"
    );

    // A published major outage counts fully.
    send(
        &env,
        Method::PATCH,
        &format!("/api/v1/components/{id}"),
        json!({ "status": "major_outage" }),
    );
    std::thread::sleep(std::time::Duration::from_millis(1500));
    let (title, svg) = badge(&env, &format!("/uptime.svg?component={id}&days=90"));
    let pct: f64 = title
        .strip_prefix("uptime 90d: ")
        .and_then(|t| t.strip_suffix('%'))
        .and_then(|t| t.parse().ok())
        .unwrap_or_else(|| panic!("{title}"));
    assert!(pct < 95.0, "{title}");
    assert!(svg.contains("#b42318"), "red below 95 %: {svg}");

    for (query, field, status) in [
        ("component=API&days=0", "days", StatusCode::BAD_REQUEST),
        ("component=API&days=91", "days", StatusCode::BAD_REQUEST),
        ("component=API&days=x", "days", StatusCode::BAD_REQUEST),
        ("days=30", "component", StatusCode::BAD_REQUEST),
        ("component=Nope", "Nope", StatusCode::NOT_FOUND),
    ] {
        let r = env.server.get(&format!("/uptime.svg?{query}"));
        assert_eq!(r.status(), status, "{query}");
        assert!(r.text().unwrap().contains(field), "{query}");
    }
}

#[test]
fn the_widget_script_is_small_loadable_from_anywhere_and_its_hash_is_documented() {
    use base64::Engine;
    use sha2::Digest;
    use std::io::Write;
    let env = Env::start();
    let r = env.server.get("/embed.js");
    assert_eq!(r.status(), StatusCode::OK);
    assert!(header(&r, "content-type").contains("javascript"));
    assert_eq!(
        header(&r, "access-control-allow-origin"),
        "*",
        "SRI needs CORS"
    );
    let body = r.bytes().unwrap();
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    gz.write_all(&body).unwrap();
    let gzipped = gz.finish().unwrap().len();
    assert!(gzipped < 5 * 1024, "embed.js is {gzipped} bytes gzipped");
    let hash = format!(
        "sha384-{}",
        base64::engine::general_purpose::STANDARD.encode(sha2::Sha384::digest(&body))
    );
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    assert!(
        readme.contains(&hash),
        "README must document the current hash {hash}"
    );
}
