//! `statusd export-site`: the public side as static files. The export is served by a
//! real nginx on 127.0.0.1 and crawled like a visitor would: every relative link of
//! every page answers 200; private pages stay out; `--data` exports a stopped server's
//! file; `--watch` rewrites after a change.

mod common;

use common::*;
use regex::Regex;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use std::collections::{BTreeSet, VecDeque};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

fn send(env: &Env, method: Method, path: &str, body: Value) -> Value {
    let (status, v) = env.server.api_send(method.clone(), path, &env.token, &body);
    assert!(status.is_success(), "{method} {path} → {status}: {v}");
    v
}

/// nginx serving `root` on a free 127.0.0.1 port, with its pid and temp files in `work`.
struct Nginx {
    child: Child,
    port: u16,
}

impl Nginx {
    fn start(root: &Path, work: &Path) -> Nginx {
        let port = free_port();
        let conf = work.join("nginx.conf");
        let w = work.display();
        std::fs::write(
            &conf,
            format!(
                "daemon off;\nworker_processes 1;\npid {w}/nginx.pid;\nerror_log {w}/error.log;\n\
                 events {{ worker_connections 64; }}\n\
                 http {{\n  include /etc/nginx/mime.types;\n  types {{ application/atom+xml atom; application/rss+xml rss; }}\n\
                 access_log off;\n  client_body_temp_path {w}/body;\n  proxy_temp_path {w}/proxy;\n\
                 fastcgi_temp_path {w}/fastcgi;\n  uwsgi_temp_path {w}/uwsgi;\n  scgi_temp_path {w}/scgi;\n\
                 server {{ listen 127.0.0.1:{port}; root {root}; index index.html; }}\n}}\n",
                root = root.display()
            ),
        )
        .unwrap();
        let child = Command::new("/usr/sbin/nginx")
            .args(["-c", conf.to_str().unwrap(), "-p", work.to_str().unwrap()])
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("nginx (Debian package nginx) must be installed");
        let deadline = Instant::now() + Duration::from_secs(10);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(Instant::now() < deadline, "nginx did not start");
            std::thread::sleep(Duration::from_millis(50));
        }
        Nginx { child, port }
    }
}

impl Drop for Nginx {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Follows every relative `href`/`src` from `/` (and the given starts) on nginx;
/// returns the paths visited. Panics naming the page of any link that is not 200.
fn crawl(port: u16, starts: &[&str]) -> BTreeSet<String> {
    let re = Regex::new(r#"(?:href|src)="([^"]*)""#).unwrap();
    let client = reqwest::blocking::Client::builder()
        .no_proxy()
        .build()
        .unwrap();
    let base = reqwest::Url::parse(&format!("http://127.0.0.1:{port}/")).unwrap();
    let mut seen = BTreeSet::new();
    let mut queue: VecDeque<(reqwest::Url, String)> = starts
        .iter()
        .map(|s| (base.join(s).unwrap(), "start".to_string()))
        .collect();
    while let Some((mut url, from)) = queue.pop_front() {
        url.set_fragment(None);
        if url.origin() != base.origin() || !seen.insert(url.path().to_string()) {
            continue;
        }
        let resp = client.get(url.clone()).send().unwrap();
        assert_eq!(resp.status(), StatusCode::OK, "{url} (linked from {from})");
        let html = resp
            .headers()
            .get("content-type")
            .is_some_and(|t| t.to_str().unwrap_or("").starts_with("text/html"));
        let body = resp.text().unwrap();
        if html {
            for cap in re.captures_iter(&body) {
                let link = cap[1].replace("&amp;", "&");
                assert!(
                    !link.starts_with('/') || link.starts_with("//"),
                    "{url}: a root-relative link {link:?} breaks under a sub-path"
                );
                queue.push_back((url.join(&link).unwrap(), url.to_string()));
            }
        }
    }
    seen
}

#[test]
fn the_exported_site_is_served_by_nginx_with_every_link_working() {
    let env = Env::start();
    let api = send(
        &env,
        Method::POST,
        "/api/v1/components",
        json!({ "name": "API" }),
    );
    let incident = send(
        &env,
        Method::POST,
        "/api/v1/incidents",
        json!({ "title": "Slow API", "status": "investigating", "severity": "minor",
                "component_ids": [api["id"]], "message": "Looking into it." }),
    );
    let acme = send(
        &env,
        Method::POST,
        "/api/v1/pages",
        json!({ "slug": "acme", "title": "Acme", "audience": "public" }),
    );
    send(
        &env,
        Method::POST,
        "/api/v1/components",
        json!({ "name": "Acme shop", "page_ids": [acme["id"]] }),
    );
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
        json!({ "name": "Secret DB", "page_ids": [team["id"]] }),
    );

    let work = tempfile::tempdir().unwrap();
    let out = work.path().join("site");
    let run = run_cli(
        &[
            "export-site",
            out.to_str().unwrap(),
            "--url",
            &env.server.url("/"),
            "--page",
            "acme",
            "--page",
            "team",
        ],
        None,
        &[],
        Duration::from_secs(60),
    );
    assert_eq!(run.code, Some(0), "{run:?}");
    let id = incident["id"].as_str().unwrap();
    for file in [
        "index.html",
        "history/index.html",
        "uptime/index.html",
        "history.atom",
        "history.rss",
        "badge.svg",
        "api/v2/summary.json",
        "api/v2/incidents/unresolved.json",
        "p/acme/index.html",
        "p/acme/api/v2/summary.json",
    ] {
        assert!(out.join(file).is_file(), "{file} missing; wrote {run:?}");
    }
    assert!(out.join(format!("incidents/{id}/index.html")).is_file());
    assert!(
        !out.join("p/team").exists(),
        "an internal page is never exported"
    );

    let nginx = Nginx::start(&out, work.path());
    let seen = crawl(nginx.port, &["/", "/p/acme/"]);
    assert!(seen.contains(&format!("/incidents/{id}/")), "{seen:?}");
    assert!(seen.iter().any(|p| p.starts_with("/assets/")), "{seen:?}");
    assert!(seen.contains("/history/"), "{seen:?}");
    let client = reqwest::blocking::Client::builder()
        .no_proxy()
        .build()
        .unwrap();
    let summary: Value = client
        .get(format!(
            "http://127.0.0.1:{}/api/v2/summary.json",
            nginx.port
        ))
        .send()
        .unwrap()
        .json()
        .unwrap();
    assert_eq!(summary["incidents"][0]["name"], "Slow API");
    let page = client
        .get(format!("http://127.0.0.1:{}/", nginx.port))
        .send()
        .unwrap()
        .text()
        .unwrap();
    assert!(page.contains("Slow API"));
    assert!(!page.contains("Secret DB"));

    // A folder with someone else's files is refused, untouched.
    let other = work.path().join("other");
    std::fs::create_dir(&other).unwrap();
    std::fs::write(other.join("keep.txt"), "mine").unwrap();
    let run = run_cli(
        &[
            "export-site",
            other.to_str().unwrap(),
            "--url",
            &env.server.url("/"),
        ],
        None,
        &[],
        Duration::from_secs(60),
    );
    assert_eq!(run.code, Some(2), "{run:?}");
    assert!(run.stderr.contains("did not write"), "{}", run.stderr);
    assert_eq!(
        std::fs::read_to_string(other.join("keep.txt")).unwrap(),
        "mine"
    );
}

#[test]
fn a_stopped_servers_data_file_exports_and_watch_rewrites_after_changes() {
    let (dir, data) = temp_data();
    let token = offline_key(&data, "editor");
    let out = dir.path().join("site");
    {
        let server = Server::start(&data);
        let (status, _) = server.api_send(
            Method::POST,
            "/api/v1/components",
            &token,
            &json!({ "name": "Billing" }),
        );
        assert_eq!(status, StatusCode::CREATED);
    }
    let run = run_cli(
        &[
            "export-site",
            out.to_str().unwrap(),
            "--data",
            data.to_str().unwrap(),
            "--public-url",
            "https://status.example.com",
        ],
        None,
        &[],
        Duration::from_secs(60),
    );
    assert_eq!(run.code, Some(0), "{run:?}");
    let page = std::fs::read_to_string(out.join("index.html")).unwrap();
    assert!(page.contains("Billing"), "{page}");
    let feed = std::fs::read_to_string(out.join("history.atom")).unwrap();
    assert!(feed.contains("https://status.example.com"), "{feed}");

    // --watch on a running server: a new component appears in the export by itself.
    let server = Server::start(&data);
    let mut watch = statusd_command()
        .args([
            "export-site",
            out.to_str().unwrap(),
            "--url",
            &server.url("/"),
            "--watch",
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let (status, _) = server.api_send(
        Method::POST,
        "/api/v1/components",
        &token,
        &json!({ "name": "Search" }),
    );
    assert_eq!(status, StatusCode::CREATED);
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let page = std::fs::read_to_string(out.join("index.html")).unwrap_or_default();
        if page.contains("Search") {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "--watch did not rewrite the export"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
    let _ = watch.kill();
    let _ = watch.wait();
}

#[test]
fn export_dir_keeps_a_static_copy_current() {
    let (dir, data) = temp_data();
    let token = offline_key(&data, "editor");
    let out = dir.path().join("public");
    let server =
        Server::start_with_env(&data, &[("STATUSD_EXPORT_DIR", out.display().to_string())]);
    let wait_for = |what: &str| {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let page = std::fs::read_to_string(out.join("index.html")).unwrap_or_default();
            if page.contains(what) {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "export_dir never showed {what:?}\n{}",
                server.stderr()
            );
            std::thread::sleep(Duration::from_millis(200));
        }
    };
    wait_for("All Systems Operational");
    let (status, _) = server.api_send(
        Method::POST,
        "/api/v1/components",
        &token,
        &json!({ "name": "Payments" }),
    );
    assert_eq!(status, StatusCode::CREATED);
    wait_for("Payments");
    assert!(out.join("api/v2/summary.json").is_file());
    assert!(out.join(".statusd-export").is_file());
}
