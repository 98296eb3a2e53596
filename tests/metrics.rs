//! `/metrics` as Prometheus sees it: `promtool check metrics` accepts it, requests are
//! counted by route pattern, probes by kind; the example alert rules load and pass
//! their unit tests.

mod common;

use common::*;
use reqwest::{Method, StatusCode};
use serde_json::json;
use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn scrape(env: &Env) -> String {
    let resp = env
        .server
        .api(Method::GET, "/metrics", &env.token)
        .send()
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    resp.text().unwrap()
}

/// Runs `promtool check metrics` on `text`; returns (success, what it printed).
fn promtool_check(text: &str) -> (bool, String) {
    let mut child = Command::new("promtool")
        .args(["check", "metrics"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("promtool (Debian package prometheus) must be installed");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(text.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), said)
}

#[test]
fn metrics_pass_promtool_and_count_routes_and_probes() {
    let env = Env::start();
    let port = env
        .server
        .url("/")
        .split(':')
        .nth(2)
        .unwrap()
        .trim_end_matches('/')
        .to_string();
    let (status, comp) = env.server.api_send(
        Method::POST,
        "/api/v1/components",
        &env.token,
        &json!({ "name": "API \"edge\"" }),
    );
    assert_eq!(status, StatusCode::CREATED, "{comp}");
    for (name, kind, target) in [
        ("self http", "http", env.server.url("/healthz")),
        ("self tcp", "tcp", format!("127.0.0.1:{port}")),
    ] {
        let (status, m) = env.server.api_send(
            Method::POST,
            "/api/v1/monitors",
            &env.token,
            &json!({ "name": name, "kind": kind, "target": target, "interval_seconds": 1, "timeout_ms": 2000 }),
        );
        assert_eq!(status, StatusCode::CREATED, "{m}");
    }
    // A 404 on a parameterised route is counted under its pattern, not the raw id.
    assert_eq!(
        env.server
            .api(
                Method::GET,
                "/api/v1/incidents/no-such-incident",
                &env.token
            )
            .send()
            .unwrap()
            .status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        env.server.get("/no/such/page").status(),
        StatusCode::NOT_FOUND
    );

    let deadline = Instant::now() + Duration::from_secs(20);
    let text = loop {
        let text = scrape(&env);
        let probed = |kind: &str| {
            text.lines().any(|l| {
                l.starts_with(&format!(
                    "statusd_probe_duration_seconds_count{{kind=\"{kind}\"}}"
                )) && !l.ends_with(" 0")
            })
        };
        if probed("http") && probed("tcp") {
            break text;
        }
        assert!(
            Instant::now() < deadline,
            "no probe histograms after 20 s:\n{text}"
        );
        std::thread::sleep(Duration::from_millis(300));
    };

    let (ok, said) = promtool_check(&text);
    assert!(ok, "promtool check metrics: {said}\n{text}");
    assert!(said.trim().is_empty(), "promtool lint findings: {said}");

    for want in [
        "statusd_build_info{version=\"",
        "statusd_http_requests_total{route=\"/api/v1/incidents/{id}\",method=\"GET\",status=\"404\"} 1",
        "statusd_http_requests_total{route=\"unmatched\",method=\"GET\",status=\"404\"} 1",
        "statusd_http_request_duration_seconds_bucket{route=\"/healthz\",le=\"+Inf\"}",
        "statusd_probe_duration_seconds_bucket{kind=\"http\",le=\"0.005\"}",
        "statusd_check_lag_seconds_count ",
        "statusd_outbox_queue_depth 0",
        "statusd_outbox_failed_notices 0",
        "statusd_component_status{component=\"API \\\"edge\\\"\",status=\"operational\"",
    ] {
        assert!(text.contains(want), "missing {want:?} in:\n{text}");
    }
    assert!(
        !text.contains("no-such-incident"),
        "a raw path leaked into a label:\n{text}"
    );

    // promtool is not a rubber stamp: a counter without `_total` is flagged.
    let (ok, said) =
        promtool_check("# HELP x_requests Requests.\n# TYPE x_requests counter\nx_requests 1\n");
    assert!(!ok && said.contains("_total"), "{said}");
}

#[test]
fn the_example_alert_rules_load_and_pass_their_unit_tests() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("packaging");
    for args in [
        ["check", "rules", "statusd-alerts.yml"],
        ["test", "rules", "statusd-alerts.test.yml"],
    ] {
        let out = Command::new("promtool")
            .args(args)
            .current_dir(&dir)
            .output()
            .expect("promtool (Debian package prometheus) must be installed");
        assert!(
            out.status.success(),
            "promtool {args:?}: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

/// Each HTTP worker counts in its own shard; a scrape adds them up.
#[test]
fn requests_answered_by_every_worker_are_counted_once() {
    let env = Env::start();
    let fresh = reqwest::blocking::Client::builder()
        .pool_max_idle_per_host(0)
        .build()
        .unwrap();
    for _ in 0..9 {
        let resp = fresh.get(env.server.url("/history")).send().unwrap();
        assert_eq!(resp.status(), StatusCode::OK);
    }
    let text = scrape(&env);
    let line = "statusd_http_requests_total{route=\"/history\",method=\"GET\",status=\"200\"} 9";
    assert!(text.contains(line), "missing {line:?} in:\n{text}");
    let count = "statusd_http_request_duration_seconds_count{route=\"/history\"} 9";
    assert!(text.contains(count), "missing {count:?} in:\n{text}");
    assert_eq!(
        text.matches("statusd_http_requests_total{route=\"/history\"")
            .count(),
        1,
        "one series per route, method and status:\n{text}"
    );
}
