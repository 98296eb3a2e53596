//! Caching as a browser, a CDN or nginx meets it: Cache-Control by audience, strong
//! ETags with 304 on every public document, gzip copies that decode to the same bytes,
//! and the README's nginx `proxy_cache` snippet run for real in front of statusd.

mod common;

use common::*;
use reqwest::StatusCode;
use reqwest::blocking::Response;
use serde_json::{Value, json};
use std::io::Read;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

fn header(resp: &Response, name: &str) -> String {
    resp.headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string()
}

fn id(v: &Value) -> String {
    v["id"].as_str().expect("id").to_string()
}

fn gunzip(bytes: &[u8]) -> String {
    let mut out = String::new();
    flate2::read::GzDecoder::new(bytes)
        .read_to_string(&mut out)
        .expect("valid gzip");
    out
}

/// A server with a component, a published incident and an internal page, caching 30 s.
fn seeded() -> (Env, String) {
    let env = Env::start();
    let (status, comp) = env.server.api_send(
        reqwest::Method::POST,
        "/api/v1/components",
        &env.token,
        &json!({"name": "API"}),
    );
    assert_eq!(status, StatusCode::CREATED, "{comp}");
    let (status, inc) = env.server.api_send(
        reqwest::Method::POST,
        "/api/v1/incidents",
        &env.token,
        &json!({"title": "Slow logins", "status": "investigating", "severity": "minor",
                "component_ids": [id(&comp)], "message": "Looking into it."}),
    );
    assert_eq!(status, StatusCode::CREATED, "{inc}");
    (env, id(&inc))
}

#[test]
fn public_documents_are_cacheable_with_etags_and_gzip() {
    let (env, incident) = seeded();
    let public = "public, max-age=30, stale-while-revalidate=30, stale-if-error=86400";
    let paths = [
        "/".to_string(),
        format!("/incidents/{incident}"),
        "/history".into(),
        "/uptime".into(),
        "/history.atom".into(),
        "/history.rss".into(),
        "/api/v2/summary.json".into(),
        "/api/v2/incidents.json".into(),
    ];
    for path in &paths {
        let plain = env.server.get(path);
        assert_eq!(plain.status(), StatusCode::OK, "{path}");
        assert_eq!(header(&plain, "cache-control"), public, "{path}");
        assert_eq!(header(&plain, "vary"), "Accept-Encoding", "{path}");
        assert_eq!(
            header(&plain, "content-encoding"),
            "",
            "{path}: asked for none"
        );
        let etag = header(&plain, "etag");
        assert!(
            etag.starts_with('"') && etag.len() > 10,
            "{path}: strong ETag {etag:?}"
        );
        let text = plain.text().expect("body");

        let zipped = env
            .server
            .request(reqwest::Method::GET, path)
            .header("Accept-Encoding", "gzip, deflate, br")
            .send()
            .expect("gzip request");
        assert_eq!(header(&zipped, "content-encoding"), "gzip", "{path}");
        assert_eq!(header(&zipped, "etag"), etag, "{path}: same document");
        let bytes = zipped.bytes().expect("body");
        assert!(bytes.len() < text.len(), "{path}: gzip is smaller");
        assert_eq!(gunzip(&bytes), text, "{path}: gzip decodes to the page");

        let again = env
            .server
            .request(reqwest::Method::GET, path)
            .header("If-None-Match", &etag)
            .send()
            .expect("revalidation");
        assert_eq!(again.status(), StatusCode::NOT_MODIFIED, "{path}");
        assert_eq!(header(&again, "cache-control"), public, "{path}");
    }
    // The stylesheet is compressed too, and kept for a year at its hashed URL.
    let html = env.server.get("/").text().expect("page");
    let css = html
        .split('"')
        .find(|s| s.starts_with("/assets/style.") && s.ends_with(".css"))
        .expect("stylesheet link")
        .to_string();
    let resp = env
        .server
        .request(reqwest::Method::GET, &css)
        .header("Accept-Encoding", "gzip")
        .send()
        .expect("css");
    assert_eq!(header(&resp, "content-encoding"), "gzip");
    assert!(header(&resp, "cache-control").contains("immutable"));
    assert!(gunzip(&resp.bytes().expect("css body")).contains("--"));
}

#[test]
fn private_pages_are_kept_by_no_cache() {
    let (env, _) = seeded();
    let (status, page) = env.server.api_send(
        reqwest::Method::POST,
        "/api/v1/pages",
        &env.token,
        &json!({"slug": "team", "title": "Team status", "audience": "internal"}),
    );
    assert_eq!(status, StatusCode::CREATED, "{page}");
    for path in [
        "/admin/login",
        "/admin",
        "/subscribe",
        "/p/team",
        "/p/team/api/v2/summary.json",
        "/nowhere",
    ] {
        let resp = env.server.get(path);
        assert_eq!(
            header(&resp, "cache-control"),
            "private, no-store",
            "{path} ({})",
            resp.status()
        );
    }
    // A team member reading the internal page's documents gets them uncacheable too.
    let resp = env
        .server
        .api(
            reqwest::Method::GET,
            "/p/team/api/v2/summary.json",
            &env.token,
        )
        .send()
        .expect("internal summary");
    assert_eq!(resp.status(), StatusCode::OK);
    assert_eq!(header(&resp, "cache-control"), "private, no-store");
    let resp = env
        .server
        .api(reqwest::Method::GET, "/api/v1/components", &env.token)
        .send()
        .expect("management API");
    assert_eq!(header(&resp, "cache-control"), "private, no-store");
}

#[test]
fn history_of_any_month_has_an_etag_and_bad_months_are_400() {
    let (env, _) = seeded();
    for path in ["/history?month=2020-01", "/history?month=2999-12"] {
        let resp = env.server.get(path);
        assert_eq!(resp.status(), StatusCode::OK, "{path}");
        let etag = header(&resp, "etag");
        assert!(!etag.is_empty(), "{path}");
        let again = env
            .server
            .request(reqwest::Method::GET, path)
            .header("If-None-Match", &etag)
            .send()
            .expect("revalidation");
        assert_eq!(again.status(), StatusCode::NOT_MODIFIED, "{path}");
    }
    assert_eq!(
        env.server.get("/history?month=13").status(),
        StatusCode::BAD_REQUEST
    );
}

/// The fenced `nginx` block of README's "Behind a CDN" section.
fn readme_nginx_snippet() -> String {
    let readme = include_str!("../README.md");
    let section = readme
        .split("## Behind a CDN")
        .nth(1)
        .expect("README has a \"Behind a CDN\" section");
    let start = section.find("```nginx\n").expect("an nginx block") + "```nginx\n".len();
    let end = section[start..].find("```").expect("the block ends") + start;
    section[start..end].to_string()
}

/// nginx as a foreground process with the README snippet, listening on `port`.
struct Nginx {
    child: Child,
}

impl Nginx {
    fn start(dir: &Path, port: u16, upstream: &str) -> Nginx {
        let snippet = readme_nginx_snippet()
            .replace(
                "/var/cache/nginx/statusd",
                &dir.join("cache").display().to_string(),
            )
            .replace("listen 80;", &format!("listen 127.0.0.1:{port};"))
            .replace("http://127.0.0.1:8080", &format!("http://{upstream}"));
        assert!(snippet.contains(&format!("listen 127.0.0.1:{port};")));
        let d = dir.display();
        let conf = format!(
            "worker_processes 1;\ndaemon off;\nuser root;\npid {d}/nginx.pid;\n\
             error_log {d}/error.log warn;\nevents {{ worker_connections 64; }}\n\
             http {{\n access_log off;\n client_body_temp_path {d}/body;\n\
             proxy_temp_path {d}/proxy;\n fastcgi_temp_path {d}/fastcgi;\n\
             uwsgi_temp_path {d}/uwsgi;\n scgi_temp_path {d}/scgi;\n{snippet}\n}}\n"
        );
        let path = dir.join("nginx.conf");
        std::fs::write(&path, conf).expect("write nginx.conf");
        let child = Command::new("nginx")
            .arg("-p")
            .arg(dir)
            .arg("-e")
            .arg(dir.join("error.log"))
            .arg("-c")
            .arg(&path)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start nginx (apt-get install nginx)");
        let mut nginx = Nginx { child };
        let deadline = Instant::now() + START_TIMEOUT;
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            if let Ok(Some(status)) = nginx.child.try_wait() {
                let log = std::fs::read_to_string(dir.join("error.log")).unwrap_or_default();
                panic!("nginx exited with {status}: {log}");
            }
            assert!(Instant::now() < deadline, "nginx did not start");
            std::thread::sleep(Duration::from_millis(20));
        }
        nginx
    }
}

impl Drop for Nginx {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn readme_nginx_snippet_caches_and_serves_stale_while_statusd_is_down() {
    let (dir, data) = temp_data();
    let token = offline_key(&data, "editor");
    let mut server =
        Server::start_with_env(&data, &[("STATUSD_CACHE_MAX_AGE_SECONDS", "1".into())]);
    let (status, v) = server.api_send(
        reqwest::Method::POST,
        "/api/v1/components",
        &token,
        &json!({"name": "Checkout"}),
    );
    assert_eq!(status, StatusCode::CREATED, "{v}");
    let port = free_port();
    let nginx_dir = dir.path().join("nginx");
    std::fs::create_dir_all(&nginx_dir).expect("nginx dir");
    let _nginx = Nginx::start(&nginx_dir, port, &server.listen);
    let client = browser();
    let get = |path: &str| {
        let resp = client
            .get(format!("http://127.0.0.1:{port}{path}"))
            .send()
            .expect("request through nginx");
        let cache = header(&resp, "x-cache-status");
        (resp.status(), cache, resp.text().unwrap_or_default())
    };
    for path in ["/", "/api/v2/summary.json", "/history.atom"] {
        let (status, first, body) = get(path);
        assert_eq!(status, StatusCode::OK, "{path}: {body}");
        assert_eq!(first, "MISS", "{path}");
        let (_, second, _) = get(path);
        assert_eq!(second, "HIT", "{path}: served from nginx's cache");
    }
    // Private pages pass through every time.
    for _ in 0..2 {
        let (status, cache, _) = get("/admin/login");
        assert_eq!(status, StatusCode::OK);
        assert_ne!(cache, "HIT", "the sign-in page is never cached");
    }
    server.stop();
    std::thread::sleep(Duration::from_millis(2500));
    let (status, cache, body) = get("/");
    assert_eq!(
        status,
        StatusCode::OK,
        "the page survives statusd being down"
    );
    assert_eq!(cache, "STALE");
    assert!(body.contains("Checkout"), "the last good copy: {body}");
    let (status, cache, _) = get("/api/v2/summary.json");
    assert_eq!((status, cache.as_str()), (StatusCode::OK, "STALE"));
}
