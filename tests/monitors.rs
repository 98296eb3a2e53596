//! Built-in monitoring through the real binary: a local HTTP server that we break and
//! fix, heartbeats, the alert policy, the prober blaming itself, bars and metrics.

mod common;

use common::*;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use std::io::{Read, Write};
use std::net::TcpListener;
use std::sync::Arc;
use std::sync::atomic::{AtomicU16, Ordering};
use std::time::{Duration, Instant};

/// A tiny HTTP server on 127.0.0.1 answering every request with the current status code.
struct Target {
    port: u16,
    status: Arc<AtomicU16>,
}

impl Target {
    fn start() -> Target {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let status = Arc::new(AtomicU16::new(200));
        let s = status.clone();
        std::thread::spawn(move || {
            for conn in listener.incoming() {
                let Ok(mut conn) = conn else { continue };
                let s = s.clone();
                std::thread::spawn(move || {
                    let _ = conn.set_read_timeout(Some(Duration::from_secs(2)));
                    let mut buf = [0u8; 4096];
                    let _ = conn.read(&mut buf);
                    let code = s.load(Ordering::SeqCst);
                    let body = if code == 200 { "all good" } else { "broken" };
                    let _ = write!(
                        conn,
                        "HTTP/1.1 {code} X\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                        body.len()
                    );
                });
            }
        });
        Target { port, status }
    }
    fn url(&self) -> String {
        format!("http://127.0.0.1:{}/health", self.port)
    }
    fn set(&self, code: u16) {
        self.status.store(code, Ordering::SeqCst);
    }
}

impl Env {
    fn post(&self, path: &str, body: Value) -> (StatusCode, Value) {
        self.server.api_send(Method::POST, path, &self.token, &body)
    }
    fn get(&self, path: &str) -> Value {
        let (status, v) = self.server.api_get(path, &self.token);
        assert_eq!(status, StatusCode::OK, "GET {path}: {v}");
        v
    }
    /// Polls `f` every 200 ms until it returns Some, for at most `secs`.
    fn wait<T>(&self, secs: u64, what: &str, mut f: impl FnMut(&Env) -> Option<T>) -> T {
        let deadline = Instant::now() + Duration::from_secs(secs);
        loop {
            if let Some(v) = f(self) {
                return v;
            }
            assert!(
                Instant::now() < deadline,
                "timed out after {secs} s waiting for {what}\n{}",
                self.server.stderr()
            );
            std::thread::sleep(Duration::from_millis(200));
        }
    }
}

fn header_has(r: &reqwest::blocking::Response, name: &str, want: &str) -> bool {
    r.headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains(want))
}

#[test]
fn http_monitor_opens_and_resolves_an_incident() {
    let env = Env::start();
    let target = Target::start();
    let (_, comp) = env.post("/api/v1/components", json!({ "name": "API" }));
    let comp = comp["id"].as_str().unwrap().to_string();
    // The seed's alert_policy shape is accepted as is.
    let (status, m) = env.post(
        "/api/v1/monitors",
        json!({
            "name": "Production API", "kind": "http", "target": target.url(), "interval_seconds": 1,
            "timeout_ms": 2000, "failure_threshold": 2, "recovery_threshold": 2, "check": { "keyword": "good" },
            "alert_policy": { "create_status_page_incident": true, "affected_component": comp, "incident_severity": "major" }
        }),
    );
    assert_eq!(status, StatusCode::CREATED, "{m}");
    assert_eq!(
        (
            m["on_down"].as_str(),
            m["severity"].as_str(),
            m["component_id"].as_str()
        ),
        (Some("publish"), Some("major"), Some(comp.as_str()))
    );
    let id = m["id"].as_str().unwrap().to_string();
    env.wait(10, "first success", |e| {
        (e.get(&format!("/api/v1/monitors/{id}"))["state"]["up"] == json!(true)).then_some(())
    });

    target.set(500);
    let incident = env.wait(15, "an incident opened by the monitor", |e| {
        let list = e.get("/api/v1/incidents");
        list["data"].as_array().unwrap().first().cloned()
    });
    assert_eq!(incident["state"], "published");
    assert_eq!(incident["impact"], "major");
    assert!(
        incident["source_text"].as_str().unwrap().contains("500"),
        "{incident}"
    );
    let comp_now = env.get(&format!("/api/v1/components/{comp}"));
    assert_eq!(comp_now["status"], "major_outage");
    let mon = env.get(&format!("/api/v1/monitors/{id}"));
    assert_eq!(mon["state"]["up"], false);
    assert!(
        mon["state"]["last_error"].as_str().unwrap().contains("500"),
        "{mon}"
    );

    target.set(200);
    env.wait(15, "the incident resolved on recovery", |e| {
        let i = e.get(&format!(
            "/api/v1/incidents/{}",
            incident["id"].as_str().unwrap()
        ));
        (i["status"] == "resolved").then_some(())
    });
    assert_eq!(
        env.get(&format!("/api/v1/components/{comp}"))["status"],
        "operational"
    );
    assert_eq!(
        env.get("/api/v1/incidents")["data"]
            .as_array()
            .unwrap()
            .len(),
        1,
        "one incident per outage"
    );

    // Results and failures are queryable; uptime is computed from rollups.
    let results = env.get(&format!("/api/v1/monitors/{id}/results"));
    let data = results["data"].as_array().unwrap();
    assert!(
        data.iter().any(|r| r["up"] == false) && data.iter().any(|r| r["up"] == true),
        "{results}"
    );
    assert!(!results["failures"].as_array().unwrap().is_empty());
    let up = env.get(&format!("/api/v1/monitors/{id}"))["uptime"]["h24"]
        .as_f64()
        .unwrap();
    assert!(up > 0.0 && up < 100.0, "uptime {up}");

    // The SLA report for today tells uptime, downtime and the incident, as JSON and CSV.
    let sla = env.get(&format!("/api/v1/reports/sla?component={comp}"));
    let row = &sla["data"][0];
    assert_eq!(row["component"], "API", "{sla}");
    let sla_up = row["uptime_percent"].as_f64().unwrap();
    assert!(sla_up > 0.0 && sla_up < 100.0, "{sla}");
    let down = row["downtime_minutes"].as_f64().unwrap();
    // At least two failed one-second checks, and far less than the day.
    assert!(down > 0.0 && down < 5.0, "{sla}");
    assert_eq!(row["incidents"], json!([incident["title"]]), "{sla}");
    let csv = env
        .server
        .api(
            Method::GET,
            &format!("/api/v1/reports/sla?component={comp}&format=csv"),
            &env.token,
        )
        .send()
        .unwrap();
    assert!(header_has(&csv, "content-type", "text/csv"));
    let csv = csv.text().unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(
        lines[0],
        "component_id,component,from,to,uptime_percent,downtime_minutes,checks,incidents,partial_outage_minutes,major_outage_minutes,measured_uptime_percent"
    );
    assert!(lines[1].starts_with(&format!("{comp},API,")), "{csv}");
    let bad = env
        .server
        .api(
            Method::GET,
            "/api/v1/reports/sla?from=yesterday",
            &env.token,
        )
        .send()
        .unwrap();
    assert_eq!(bad.status(), StatusCode::BAD_REQUEST);
    let bad = bad.text().unwrap();
    assert!(bad.contains("from") && bad.contains("yesterday"), "{bad}");

    // The public page shows 90 bars for the component; today's names the published outage.
    let (_, page) = text(env.server.get("/"));
    let strip = &page[page.find("<div class=\"bars\"").expect("bars")..];
    let strip = &strip[..strip.find("</div>").unwrap()];
    assert_eq!(strip.matches("<i").count(), 90, "{strip}");
    assert!(
        strip.contains("Major outage") && strip.contains(incident["title"].as_str().unwrap()),
        "{strip}"
    );
    // The uptime page lists the component with partial uptime over every window.
    let (status, uptime) = text(env.server.get("/uptime"));
    assert_eq!(status, StatusCode::OK);
    let row_start = uptime
        .find("<tr data-component=\"API\">")
        .expect("API row on /uptime");
    let row = &uptime[row_start..row_start + uptime[row_start..].find("</tr>").unwrap()];
    let cells: Vec<f64> = row
        .split("<td>")
        .skip(1)
        .map(|c| c.split(" %").next().unwrap().parse().unwrap_or(-1.0))
        .collect();
    assert_eq!(cells.len(), 4, "{row}");
    assert!(cells.iter().all(|u| *u > 0.0 && *u < 100.0), "{row}");
    let metrics = env
        .server
        .api(Method::GET, "/metrics", &env.token)
        .send()
        .unwrap()
        .text()
        .unwrap();
    assert!(
        metrics.lines().any(|l| l
            .starts_with("statusd_monitor_up{monitor=\"Production API\",kind=\"http\",id=")
            && l.ends_with("} 1")),
        "{metrics}"
    );
    assert!(metrics.contains("statusd_prober_degraded 0"), "{metrics}");
    assert_eq!(
        env.server.get("/metrics").status(),
        StatusCode::UNAUTHORIZED
    );
}

#[test]
fn draft_policy_opens_a_draft_and_closes_it_silently() {
    let env = Env::start();
    let target = Target::start();
    let (_, comp) = env.post("/api/v1/components", json!({ "name": "Web" }));
    let (status, m) = env.post(
        "/api/v1/monitors",
        json!({ "name": "Web", "target": target.url(), "interval_seconds": 1, "failure_threshold": 1, "recovery_threshold": 1,
                "component_id": comp["id"], "on_down": "draft", "down_status": "partial_outage" }),
    );
    assert_eq!(status, StatusCode::CREATED, "{m}");
    let id = m["id"].as_str().unwrap().to_string();
    env.wait(10, "first success", |e| {
        (e.get(&format!("/api/v1/monitors/{id}"))["state"]["up"] == json!(true)).then_some(())
    });
    target.set(503);
    let draft = env.wait(10, "a draft", |e| {
        e.get("/api/v1/incidents?state=draft")["data"]
            .as_array()
            .unwrap()
            .first()
            .cloned()
    });
    assert_eq!(
        env.get(&format!(
            "/api/v1/components/{}",
            comp["id"].as_str().unwrap()
        ))["status"],
        "operational",
        "a draft changes nothing public"
    );
    target.set(200);
    env.wait(10, "the draft discarded", |e| {
        let (status, _) = e.server.api_get(
            &format!("/api/v1/incidents/{}", draft["id"].as_str().unwrap()),
            &e.token,
        );
        (status == StatusCode::NOT_FOUND).then_some(())
    });
}

#[test]
fn heartbeat_goes_down_without_pings_and_up_with_one() {
    let env = Env::start();
    let (status, m) = env.post("/api/v1/monitors", json!({ "name": "Nightly backup", "kind": "heartbeat", "interval_seconds": 1, "grace_seconds": 1, "failure_threshold": 1, "recovery_threshold": 1 }));
    assert_eq!(status, StatusCode::CREATED, "{m}");
    let id = m["id"].as_str().unwrap().to_string();
    let url = m["heartbeat_url"].as_str().unwrap().to_string();
    let path = url
        .split_once("/api/")
        .map(|(_, p)| format!("/api/{p}"))
        .unwrap();
    let resp = env.server.request(Method::POST, &path).send().unwrap();
    assert_eq!(resp.status(), StatusCode::OK, "pinging needs no token");
    env.wait(10, "up after a ping", |e| {
        (e.get(&format!("/api/v1/monitors/{id}"))["state"]["up"] == json!(true)).then_some(())
    });
    let mon = env.wait(15, "down after silence", |e| {
        let m = e.get(&format!("/api/v1/monitors/{id}"));
        (m["state"]["up"] == json!(false)).then_some(m)
    });
    assert!(
        mon["state"]["last_error"]
            .as_str()
            .unwrap()
            .contains("no ping"),
        "{mon}"
    );
    env.server.request(Method::GET, &path).send().unwrap();
    env.wait(10, "up again", |e| {
        (e.get(&format!("/api/v1/monitors/{id}"))["state"]["up"] == json!(true)).then_some(())
    });
    assert_eq!(
        env.server
            .request(Method::POST, "/api/v1/heartbeat/not-a-token")
            .send()
            .unwrap()
            .status(),
        StatusCode::NOT_FOUND
    );
}

#[test]
fn most_monitors_failing_at_once_blames_the_prober_not_the_services() {
    let env = Env::start();
    // A port nothing listens on: every check fails at once, as when this host loses its network.
    let closed = free_port();
    let (_, comp) = env.post("/api/v1/components", json!({ "name": "Everything" }));
    for i in 0..12 {
        let (status, m) = env.post(
            "/api/v1/monitors",
            json!({ "name": format!("svc {i}"), "kind": "tcp", "target": format!("127.0.0.1:{closed}"), "interval_seconds": 1, "timeout_ms": 500,
                    "failure_threshold": 3, "component_id": comp["id"], "on_down": "publish" }),
        );
        assert_eq!(status, StatusCode::CREATED, "{m}");
    }
    let metric = |e: &Env, name: &str| -> u64 {
        let metrics = e
            .server
            .api(Method::GET, "/metrics", &e.token)
            .send()
            .unwrap()
            .text()
            .unwrap();
        metrics
            .lines()
            .find_map(|l| l.strip_prefix(name)?.strip_prefix(' ')?.parse().ok())
            .unwrap_or(0)
    };
    env.wait(15, "prober degraded", |e| {
        (metric(e, "statusd_prober_degraded") == 1).then_some(())
    });
    // Witness: every monitor was judged past its failure threshold again since.
    let seen = metric(&env, "statusd_checks_total");
    env.wait(20, "12 × 3 more checks", |e| {
        (metric(e, "statusd_checks_total") > seen + 12 * 3).then_some(())
    });
    assert!(
        env.get("/api/v1/incidents")["data"]
            .as_array()
            .unwrap()
            .is_empty(),
        "no incidents while the prober blames itself"
    );
    assert_eq!(
        env.get(&format!(
            "/api/v1/components/{}",
            comp["id"].as_str().unwrap()
        ))["status"],
        "operational"
    );
}

#[test]
fn bad_monitor_input_names_the_field_and_why() {
    let env = Env::start();
    let cases = [
        (
            json!({ "name": "x", "target": "ftp://example.com" }),
            "target",
            "http://",
        ),
        (
            json!({ "name": "x", "target": "http://127.0.0.1/", "cron": "every minute" }),
            "cron",
            "every minute",
        ),
        (
            json!({ "name": "x", "target": "http://127.0.0.1/", "cron": "*/5 * * * *", "interval_seconds": 5 }),
            "cron",
            "not both",
        ),
        (
            json!({ "name": "x", "kind": "tcp", "target": "127.0.0.1:70000" }),
            "target",
            "65535",
        ),
        (
            json!({ "name": "x", "kind": "tcp", "target": "127.0.0.1" }),
            "target",
            "port",
        ),
        (
            json!({ "name": "x", "target": "http://127.0.0.1/", "failure_threshold": 0 }),
            "failure_threshold",
            "between",
        ),
        (
            json!({ "name": "x", "target": "http://127.0.0.1/", "interval_seconds": 0 }),
            "interval_seconds",
            "at least 1",
        ),
        (
            json!({ "name": "x", "target": "http://127.0.0.1/", "timeout_ms": 5 }),
            "timeout_ms",
            "between",
        ),
        (
            json!({ "name": "x", "kind": "smtp", "target": "x" }),
            "kind",
            "heartbeat",
        ),
        (
            json!({ "name": "x", "target": "http://127.0.0.1/", "component_id": "nope" }),
            "component_id",
            "nope",
        ),
        (
            json!({ "name": "x", "target": "http://127.0.0.1/", "on_down": "page" }),
            "on_down",
            "draft",
        ),
        (
            json!({ "name": "", "target": "http://127.0.0.1/" }),
            "name",
            "empty",
        ),
    ];
    for (body, field, why) in cases {
        let (status, err) = env.post("/api/v1/monitors", body.clone());
        assert!(status.is_client_error(), "{body} → {status}");
        assert_eq!(err["error"]["field"], field, "{body} → {err}");
        assert!(
            err["error"]["message"].as_str().unwrap().contains(why),
            "{body} → {err}"
        );
    }
    assert!(
        env.get("/api/v1/monitors")["data"]
            .as_array()
            .unwrap()
            .is_empty(),
        "nothing half-written"
    );
    // A 5-field cron with day names is accepted (seconds are added).
    let (status, m) = env.post("/api/v1/monitors", json!({ "name": "weekdays", "target": "http://127.0.0.1:9/", "cron": "*/5 * * * MON-FRI", "paused": true }));
    assert_eq!(status, StatusCode::CREATED, "{m}");
}

#[test]
fn check_now_failure_is_rechecked_at_once_without_waiting_for_the_schedule() {
    let env = Env::start();
    let target = Target::start();
    target.set(503);
    // Hourly: only "check now" and the immediate re-check can run in this test.
    let (status, m) = env.post(
        "/api/v1/monitors",
        json!({ "name": "Hourly", "target": target.url(), "interval_seconds": 3600,
                "failure_threshold": 2, "recovery_threshold": 1 }),
    );
    assert_eq!(status, StatusCode::CREATED, "{m}");
    let id = m["id"].as_str().unwrap().to_string();
    let (status, _) = env.post(&format!("/api/v1/monitors/{id}/check"), json!({}));
    assert_eq!(status, StatusCode::ACCEPTED);
    let mon = env.wait(15, "down after check now and one re-check", |e| {
        let m = e.get(&format!("/api/v1/monitors/{id}"));
        (m["state"]["up"] == json!(false)).then_some(m)
    });
    assert!(
        mon["state"]["last_error"].as_str().unwrap().contains("503"),
        "{mon}"
    );
    let results = env.get(&format!("/api/v1/monitors/{id}/results"));
    assert_eq!(results["data"].as_array().unwrap().len(), 2, "{results}");
}

#[test]
fn admin_sla_report_lists_components_escaped_and_downloads_csv_with_a_session() {
    let env = Env::start();
    let (status, comp) = env.post("/api/v1/components", json!({ "name": "Billing <API>" }));
    assert_eq!(status, StatusCode::CREATED, "{comp}");
    let owner = env
        .server
        .setup_owner("owner@example.com", "correct horse battery staple");
    let (status, html) = text(
        owner
            .get(
                env.server
                    .url("/admin/reports/sla?from=2026-11-01&to=2026-11-23"),
            )
            .send()
            .unwrap(),
    );
    assert_eq!(status, StatusCode::OK, "{html}");
    assert!(html.contains("<td>Billing &lt;API&gt;</td>"), "{html}");
    assert!(!html.contains("<API>"), "component names are escaped");
    // No monitor drives it: no uptime figure rather than a made-up 100 %.
    assert!(html.contains(r#"<td class="pct">—</td>"#), "{html}");
    let (status, html) = text(
        owner
            .get(env.server.url("/admin/reports/sla?from=November"))
            .send()
            .unwrap(),
    );
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(html.contains("November"), "{html}");
    let csv = owner
        .get(
            env.server
                .url("/api/v1/reports/sla?format=csv&from=2026-11-01&to=2026-11-23"),
        )
        .send()
        .unwrap();
    assert_eq!(csv.status(), StatusCode::OK);
    let csv = csv.text().unwrap();
    assert!(
        csv.lines()
            .nth(1)
            .is_some_and(|l| l.ends_with(",Billing <API>,2026-11-01,2026-11-23,,0,0,,0,0,")),
        "{csv}"
    );
}

#[test]
fn status_policy_recovery_keeps_what_an_open_incident_still_holds() {
    let env = Env::start();
    let target = Target::start();
    let (_, comp) = env.post("/api/v1/components", json!({ "name": "Search" }));
    let comp = comp["id"].as_str().unwrap().to_string();
    // A person is already handling a minor problem on the same component.
    let (status, inc) = env.post(
        "/api/v1/incidents",
        json!({ "title": "Slow search", "status": "identified", "impact": "minor",
                "component_ids": [comp] }),
    );
    assert_eq!(status, StatusCode::CREATED, "{inc}");
    let comp_status = |e: &Env| e.get(&format!("/api/v1/components/{comp}"))["status"].clone();
    assert_eq!(comp_status(&env), "degraded_performance");
    target.set(500);
    let (status, m) = env.post(
        "/api/v1/monitors",
        json!({ "name": "Search", "target": target.url(), "interval_seconds": 1,
                "failure_threshold": 1, "recovery_threshold": 1, "component_id": comp,
                "on_down": "status", "down_status": "major_outage" }),
    );
    assert_eq!(status, StatusCode::CREATED, "{m}");
    env.wait(15, "the monitor sets major outage", |e| {
        (comp_status(e) == "major_outage").then_some(())
    });
    target.set(200);
    env.wait(15, "back to what the open incident holds", |e| {
        (comp_status(e) == "degraded_performance").then_some(())
    });
    // And it stays there: recovery does not go on to "operational". Witness: two more
    // successful checks were stored after the recovery.
    let results = |e: &Env| -> usize {
        e.get(&format!(
            "/api/v1/monitors/{}/results",
            m["id"].as_str().unwrap()
        ))["data"]
            .as_array()
            .map_or(0, Vec::len)
    };
    let seen = results(&env);
    env.wait(15, "two more checks after recovery", |e| {
        (results(e) >= seen + 2).then_some(())
    });
    assert_eq!(comp_status(&env), "degraded_performance");
}
