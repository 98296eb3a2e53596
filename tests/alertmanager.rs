//! A real Prometheus Alertmanager (Debian's `prometheus-alertmanager`) with a webhook
//! receiver pointing at statusd's secret URL: an alert posted to Alertmanager's own API
//! becomes one draft with nothing internal in its text, a re-fire opens no second draft,
//! and ending the alert closes the draft as "resolved before publishing".

mod common;

use common::*;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

struct Alertmanager(Child);

impl Drop for Alertmanager {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn wait_for<T>(what: &str, mut f: impl FnMut() -> Option<T>) -> T {
    let start = Instant::now();
    loop {
        if let Some(v) = f() {
            return v;
        }
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "timed out waiting for {what}"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
}

fn post_alert(am: &str, ends_at: chrono::DateTime<chrono::Utc>) {
    let alert = json!([{
        "labels": {
            "alertname": "ApiErrorRate", "statusd_component": "API", "severity": "critical",
            "instance": "10.9.8.7:9100", "job": "payments-api-7", "pod": "api-7d9f-xk2"
        },
        "annotations": {"summary": "5xx above 5% on api-7.prod.internal", "runbook": "https://wiki.internal/runbooks/api"},
        "startsAt": (chrono::Utc::now() - chrono::Duration::minutes(1)).to_rfc3339(),
        "endsAt": ends_at.to_rfc3339(),
    }]);
    let resp = reqwest::blocking::Client::new()
        .post(format!("{am}/api/v2/alerts"))
        .json(&alert)
        .send()
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK, "{:?}", resp.text());
}

#[test]
fn alertmanager_alert_drafts_dedupes_and_closes() {
    let env = Env::start();
    let (s, t) = (&env.server, env.token.as_str());
    let (st, c) = s.api_send(
        Method::POST,
        "/api/v1/components",
        t,
        &json!({"name": "API"}),
    );
    assert_eq!(st, StatusCode::CREATED, "{c}");
    let (st, src) = s.api_send(
        Method::POST,
        "/api/v1/alert-sources",
        t,
        &json!({"name": "test alertmanager", "source": "alertmanager"}),
    );
    assert_eq!(st, StatusCode::CREATED, "{src}");
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("alertmanager.yml");
    std::fs::write(
        &config,
        format!(
            "global:\n  resolve_timeout: 5s\nroute:\n  receiver: statusd\n  group_by: ['alertname']\n  group_wait: 1s\n  group_interval: 1s\n  repeat_interval: 1h\nreceivers:\n- name: statusd\n  webhook_configs:\n  - url: '{}'\n    send_resolved: true\n",
            src["url"].as_str().unwrap()
        ),
    )
    .unwrap();
    let port = free_port();
    let am_url = format!("http://127.0.0.1:{port}");
    let _am = Alertmanager(
        Command::new("/usr/bin/prometheus-alertmanager")
            .arg(format!("--config.file={}", config.display()))
            .arg(format!(
                "--storage.path={}",
                dir.path().join("data").display()
            ))
            .arg(format!("--web.listen-address=127.0.0.1:{port}"))
            .arg("--cluster.listen-address=")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start prometheus-alertmanager"),
    );
    wait_for("alertmanager ready", || {
        reqwest::blocking::get(format!("{am_url}/-/ready"))
            .ok()
            .filter(|r| r.status().is_success())
    });

    post_alert(&am_url, chrono::Utc::now() + chrono::Duration::hours(1));
    let draft = wait_for("the draft", || {
        let (_, list) = s.api_get("/api/v1/incidents?state=draft", t);
        list["data"].as_array().and_then(|d| d.first().cloned())
    });
    assert_eq!(draft["impact"], "critical");
    assert_eq!(draft["components"][0]["status"], "major_outage");
    let text = format!("{} {}", draft["title"], draft["updates"][0]["message"]);
    assert!(text.contains("API"), "{text}");
    for leak in [
        "10.9.8.7",
        "9100",
        "payments-api-7",
        "api-7",
        "ApiErrorRate",
        "wiki.internal",
        "xk2",
    ] {
        assert!(!text.contains(leak), "{leak} leaked into {text}");
    }
    assert!(
        draft["source_text"]
            .as_str()
            .unwrap()
            .contains("10.9.8.7:9100"),
        "the team sees the raw alert"
    );

    // The same alert again (a re-fire): Alertmanager notifies, statusd keeps one draft.
    post_alert(&am_url, chrono::Utc::now() + chrono::Duration::hours(1));
    std::thread::sleep(Duration::from_secs(3));
    let (_, list) = s.api_get("/api/v1/incidents?state=draft", t);
    assert_eq!(list["data"].as_array().unwrap().len(), 1, "{list}");

    // Ended at the source: the draft closes as resolved before publishing.
    post_alert(&am_url, chrono::Utc::now() - chrono::Duration::seconds(5));
    let id = draft["id"].as_str().unwrap();
    wait_for("the draft to close", || {
        let (st, _) = s.api_get(&format!("/api/v1/incidents/{id}"), t);
        (st == StatusCode::NOT_FOUND).then_some(())
    });
    let (_, events) = s.api_get("/api/v1/alert-events", t);
    let events: Vec<Value> = events.as_array().unwrap().clone();
    assert_eq!(
        events[0]["outcome"], "resolved_before_publishing",
        "{events:?}"
    );
    assert!(
        events
            .iter()
            .all(|e| e["source"] == "alertmanager" && e["via"] == "url:test alertmanager")
    );
    assert_eq!(
        events.iter().filter(|e| e["outcome"] == "drafted").count(),
        1
    );
}
