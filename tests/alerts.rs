//! Inbound alerts against the real binary: seed 003's generic payload, Grafana, PagerDuty
//! (signed in the test) and Opsgenie fixtures, secret URLs, the AI rewrite against a local
//! chat-completions server, and a table of bad input.

mod common;

use common::*;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;

fn fixture(name: &str) -> String {
    std::fs::read_to_string(format!(
        "{}/tests/fixtures/alerts/{name}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap()
}

fn component(s: &Server, token: &str, name: &str) -> String {
    let (st, c) = s.api_send(
        Method::POST,
        "/api/v1/components",
        token,
        &json!({"name": name}),
    );
    assert_eq!(st, StatusCode::CREATED, "{c}");
    c["id"].as_str().unwrap().to_string()
}

fn post_raw(
    s: &Server,
    path: &str,
    token: Option<&str>,
    body: &str,
    headers: &[(&str, String)],
) -> (StatusCode, Value) {
    let mut req = s
        .request(Method::POST, path)
        .header("Content-Type", "application/json")
        .body(body.to_string());
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    for (k, v) in headers {
        req = req.header(*k, v);
    }
    json(req.send().unwrap())
}

fn drafts(s: &Server, token: &str) -> Vec<Value> {
    let (st, list) = s.api_get("/api/v1/incidents?state=draft", token);
    assert_eq!(st, StatusCode::OK, "{list}");
    list["data"].as_array().unwrap().clone()
}

fn events(s: &Server, token: &str) -> Vec<Value> {
    let (st, list) = s.api_get("/api/v1/alert-events", token);
    assert_eq!(st, StatusCode::OK, "{list}");
    list.as_array().unwrap().clone()
}

/// The public text of an incident: title and every update.
fn public_text(i: &Value) -> String {
    let mut s = i["title"].as_str().unwrap_or("").to_string();
    for u in i["updates"].as_array().into_iter().flatten() {
        s.push('\n');
        s.push_str(u["message"].as_str().unwrap_or(""));
    }
    s
}

#[test]
fn seed_003_payload_drafts_customer_language_dedupes_and_closes_as_filtered() {
    let env = Env::start();
    let (s, t) = (&env.server, env.token.as_str());
    let api = component(s, t, "API");
    // Seed 003's payload as the product notes show it, with this install's ids.
    let body = json!({
        "title": "API health check failing",
        "status_page_id": "default",
        "severity": "major",
        "affected_component_ids": [api],
        "raw_input": "Monitor 'api-health' is DOWN. HTTP 503 on /api/health. Duration: 5 minutes.",
        "generate_ai_update": true
    })
    .to_string();
    let (st, r) = post_raw(s, "/api/v1/alerts/generic", Some(t), &body, &[]);
    assert_eq!(st, StatusCode::OK, "{r}");
    assert_eq!(r["received"][0]["outcome"], "drafted", "{r}");
    let id = r["received"][0]["incident_id"]
        .as_str()
        .unwrap()
        .to_string();
    let (_, i) = s.api_get(&format!("/api/v1/incidents/{id}"), t);
    assert_eq!(i["state"], "draft");
    assert_eq!(i["impact"], "major");
    assert_eq!(i["components"][0]["status"], "partial_outage");
    let text = public_text(&i);
    assert!(text.contains("API"), "{text}");
    for leak in [
        "api-health",
        "/api/health",
        "503",
        "DOWN",
        "We are investigating this issue.",
    ] {
        assert!(!text.contains(leak), "{leak} in {text}");
    }
    // The team sees the raw alert and why the AI did not write it.
    let raw = i["source_text"].as_str().unwrap();
    assert!(raw.contains("HTTP 503 on /api/health"), "{raw}");
    assert!(raw.contains("no AI endpoint is configured"), "{raw}");

    // The same payload again is the same draft.
    let (st, r) = post_raw(s, "/api/v1/alerts/generic", Some(t), &body, &[]);
    assert_eq!(
        (st, r["received"][0]["outcome"].as_str()),
        (StatusCode::OK, Some("refire")),
        "{r}"
    );
    assert_eq!(drafts(s, t).len(), 1);

    // Resolved at the source before anyone published: closed as a filtered false alarm.
    let mut resolved: Value = serde_json::from_str(&body).unwrap();
    resolved["status"] = json!("resolved");
    let (st, r) = post_raw(
        s,
        "/api/v1/alerts/generic",
        Some(t),
        &resolved.to_string(),
        &[],
    );
    assert_eq!(
        (st, r["received"][0]["outcome"].as_str()),
        (StatusCode::OK, Some("resolved_before_publishing")),
        "{r}"
    );
    assert!(drafts(s, t).is_empty());
    let (st, _) = s.api_get(&format!("/api/v1/incidents/{id}"), t);
    assert_eq!(st, StatusCode::NOT_FOUND);
    let outcomes: Vec<String> = events(s, t)
        .iter()
        .map(|e| e["outcome"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(
        outcomes,
        ["resolved_before_publishing", "refire", "drafted"]
    );
}

#[test]
fn post_incident_with_raw_input_goes_through_the_writer_in_its_tone() {
    let env = Env::start();
    let (s, t) = (&env.server, env.token.as_str());
    let api = component(s, t, "API");
    let (st, i) = s.api_send(
        Method::POST,
        "/api/v1/incidents",
        t,
        &json!({
            "title": "API health check failing", "status_page_id": "default", "severity": "major",
            "affected_component_ids": [api], "tone": "minimal",
            "raw_input": "HTTP 503 errors on /api/v2/users, connection pool exhausted"
        }),
    );
    assert_eq!(st, StatusCode::CREATED, "{i}");
    assert_eq!(i["state"], "draft");
    assert_eq!(
        i["updates"][0]["message"],
        "Some requests fail. Investigating."
    );
    let (st, e) = s.api_send(
        Method::POST,
        "/api/v1/incidents",
        t,
        &json!({"title": "x", "raw_input": "y", "tone": "sarcastic"}),
    );
    assert_eq!(
        (st, e["error"]["field"].as_str()),
        (StatusCode::BAD_REQUEST, Some("tone")),
        "{e}"
    );
}

#[test]
fn grafana_opsgenie_and_signed_pagerduty_payloads() {
    let (dir, data) = temp_data();
    let t = offline_key(&data, "editor");
    let pd_secret = "pd-webhook-secret";
    let s = Server::start_with_env(&data, &[("STATUSD_PAGERDUTY_SECRET", pd_secret.into())]);
    let api = component(&s, &t, "API");
    component(&s, &t, "Sign-in");
    let checkout = component(&s, &t, "Checkout");
    let internal = component(&s, &t, "Internal admin");
    let (st, page) = s.api_send(
        Method::POST,
        "/api/v1/pages",
        &t,
        &json!({"slug": "ops", "title": "Ops", "audience": "internal"}),
    );
    assert_eq!(st, StatusCode::CREATED, "{page}");
    let (st, _) = s.api_send(
        Method::PATCH,
        &format!("/api/v1/components/{internal}"),
        &t,
        &json!({"page_ids": [page["id"]]}),
    );
    assert_eq!(st, StatusCode::OK);

    // Grafana: routed by the statusd_component label, nothing internal in the text.
    let (st, r) = post_raw(
        &s,
        "/api/v1/alerts/grafana",
        Some(&t),
        &fixture("grafana.json"),
        &[],
    );
    assert_eq!(
        (st, r["received"][0]["outcome"].as_str()),
        (StatusCode::OK, Some("drafted")),
        "{r}"
    );
    let (_, i) = s.api_get(
        &format!(
            "/api/v1/incidents/{}",
            r["received"][0]["incident_id"].as_str().unwrap()
        ),
        &t,
    );
    assert_eq!(i["components"][0]["id"], api.as_str());
    let text = public_text(&i);
    for leak in [
        "grafana-db-3",
        "5432",
        "10.20.30.40",
        "api-7",
        "blue",
        "High error rate",
        "Internal admin",
    ] {
        assert!(!text.contains(leak), "{leak} in {text}");
    }

    // PagerDuty: a rule by source routes it; the signature is checked.
    let (st, rule) = s.api_send(
        Method::POST,
        "/api/v1/alert-rules",
        &t,
        &json!({"name": "PagerDuty checkout", "source": "pagerduty", "matchers": ["service=\"Checkout\""], "component_ids": [checkout], "mode": "publish"}),
    );
    assert_eq!(st, StatusCode::CREATED, "{rule}");
    let body = fixture("pagerduty-triggered.json");
    let sign = |b: &str| {
        use hmac::{Hmac, Mac};
        let mut mac = Hmac::<sha2::Sha256>::new_from_slice(pd_secret.as_bytes()).unwrap();
        mac.update(b.as_bytes());
        format!(
            "v1=deadbeef,v1={}",
            hex::encode(mac.finalize().into_bytes())
        )
    };
    let (st, e) = post_raw(
        &s,
        "/api/v1/alerts/pagerduty",
        Some(&t),
        &body,
        &[("X-PagerDuty-Signature", "v1=00ff".into())],
    );
    assert_eq!(st, StatusCode::FORBIDDEN, "{e}");
    assert!(
        e["error"]["message"]
            .as_str()
            .unwrap()
            .contains("X-PagerDuty-Signature"),
        "{e}"
    );
    let (st, r) = post_raw(
        &s,
        "/api/v1/alerts/pagerduty",
        Some(&t),
        &body,
        &[("X-PagerDuty-Signature", sign(&body))],
    );
    assert_eq!(
        (st, r["received"][0]["outcome"].as_str()),
        (StatusCode::OK, Some("published")),
        "{r}"
    );
    assert_eq!(r["received"][0]["rule_id"], rule["id"]);
    let pd_incident = r["received"][0]["incident_id"]
        .as_str()
        .unwrap()
        .to_string();
    let (_, i) = s.api_get(&format!("/api/v1/incidents/{pd_incident}"), &t);
    assert_eq!(
        (i["state"].as_str(), i["impact"].as_str()),
        (Some("published"), Some("critical"))
    );
    assert_eq!(i["title"], "Checkout responding slowly");
    assert!(!public_text(&i).contains("pay-worker"), "{i}");
    let (_, c) = s.api_get(&format!("/api/v1/components/{checkout}"), &t);
    assert_eq!(c["status"], "major_outage");
    let resolved = fixture("pagerduty-resolved.json");
    let (st, r) = post_raw(
        &s,
        "/api/v1/alerts/pagerduty",
        Some(&t),
        &resolved,
        &[("X-PagerDuty-Signature", sign(&resolved))],
    );
    assert_eq!(
        (st, r["received"][0]["outcome"].as_str()),
        (StatusCode::OK, Some("resolved")),
        "{r}"
    );
    let (_, i) = s.api_get(&format!("/api/v1/incidents/{pd_incident}"), &t);
    assert_eq!(i["status"], "resolved");
    let (_, c) = s.api_get(&format!("/api/v1/components/{checkout}"), &t);
    assert_eq!(c["status"], "operational");

    // Opsgenie: Create drafts, AddNote changes nothing, Close closes the draft.
    let (st, r) = post_raw(
        &s,
        "/api/v1/alerts/opsgenie",
        Some(&t),
        &fixture("opsgenie-create.json"),
        &[],
    );
    assert_eq!(
        (st, r["received"][0]["outcome"].as_str()),
        (StatusCode::OK, Some("drafted")),
        "{r}"
    );
    let (_, i) = s.api_get(
        &format!(
            "/api/v1/incidents/{}",
            r["received"][0]["incident_id"].as_str().unwrap()
        ),
        &t,
    );
    assert_eq!(i["impact"], "minor");
    let text = public_text(&i);
    assert!(text.contains("Sign-in"), "{text}");
    for leak in ["auth-2", "10.1.1.9", "auth-7d9f-xk2"] {
        assert!(!text.contains(leak), "{leak} in {text}");
    }
    let (_, r) = post_raw(
        &s,
        "/api/v1/alerts/opsgenie",
        Some(&t),
        &fixture("opsgenie-addnote.json"),
        &[],
    );
    assert_eq!(r["received"][0]["outcome"], "noted", "{r}");
    let (_, r) = post_raw(
        &s,
        "/api/v1/alerts/opsgenie",
        Some(&t),
        &fixture("opsgenie-close.json"),
        &[],
    );
    assert_eq!(
        r["received"][0]["outcome"], "resolved_before_publishing",
        "{r}"
    );
    drop(dir);
}

#[test]
fn secret_urls_are_shown_once_and_revocable() {
    let env = Env::start();
    let (s, t) = (&env.server, env.token.as_str());
    component(s, t, "API");
    let (st, src) = s.api_send(
        Method::POST,
        "/api/v1/alert-sources",
        t,
        &json!({"name": "prod", "source": "generic"}),
    );
    assert_eq!(st, StatusCode::CREATED, "{src}");
    let url = src["url"].as_str().unwrap().to_string();
    let path = url.trim_start_matches(&s.base).to_string();
    let body = json!({"title": "API errors", "labels": {"statusd_component": "API"}}).to_string();
    let (st, r) = post_raw(s, &path, None, &body, &[]);
    assert_eq!(
        (st, r["received"][0]["outcome"].as_str()),
        (StatusCode::OK, Some("drafted")),
        "{r}"
    );
    let (_, list) = s.api_get("/api/v1/alert-sources", t);
    assert!(
        list[0].get("url").is_none()
            && !list.to_string().contains(path.rsplit('/').next().unwrap()),
        "{list}"
    );
    // The secret of one source does not open another.
    let (st, _) = post_raw(
        s,
        &path.replace("/generic/", "/opsgenie/"),
        None,
        &body,
        &[],
    );
    assert_eq!(st, StatusCode::UNAUTHORIZED);
    let resp = s
        .api(
            Method::DELETE,
            &format!("/api/v1/alert-sources/{}", src["id"].as_str().unwrap()),
            t,
        )
        .send()
        .unwrap();
    assert_eq!(resp.status(), StatusCode::NO_CONTENT);
    let (st, _) = post_raw(s, &path, None, &body, &[]);
    assert_eq!(st, StatusCode::UNAUTHORIZED);
    let rejected = events(s, t)
        .into_iter()
        .filter(|e| e["outcome"] == "rejected")
        .count();
    assert_eq!(rejected, 2);
}

#[test]
fn bad_input_is_refused_naming_the_field_and_nothing_is_created() {
    let env = Env::start();
    let (s, t) = (&env.server, env.token.as_str());
    let api = component(s, t, "API");
    let big = format!("{{\"title\": \"{}\"}}", "x".repeat(300 * 1024));
    let cases: Vec<(&str, String, StatusCode, &str)> = vec![
        (
            "generic",
            "{not json".into(),
            StatusCode::BAD_REQUEST,
            "body",
        ),
        ("generic", "[1, 2]".into(), StatusCode::BAD_REQUEST, "body"),
        (
            "generic",
            json!({"severity": "major"}).to_string(),
            StatusCode::BAD_REQUEST,
            "title",
        ),
        (
            "generic",
            json!({"title": "x", "severity": "apocalyptic"}).to_string(),
            StatusCode::BAD_REQUEST,
            "severity",
        ),
        (
            "generic",
            json!({"title": "x", "status": "maybe"}).to_string(),
            StatusCode::BAD_REQUEST,
            "status",
        ),
        (
            "generic",
            json!({"title": "x", "affected_component_ids": ["nope"]}).to_string(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "affected_component_ids",
        ),
        (
            "generic",
            json!({"title": "x", "status_page_id": "nope", "affected_component_ids": [api]})
                .to_string(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "status_page_id",
        ),
        (
            "alertmanager",
            json!({"status": "firing"}).to_string(),
            StatusCode::BAD_REQUEST,
            "alerts",
        ),
        (
            "alertmanager",
            json!({"status": "firing", "alerts": []}).to_string(),
            StatusCode::BAD_REQUEST,
            "alerts",
        ),
        (
            "alertmanager",
            json!({"status": "burning", "alerts": [{"status": "firing"}]}).to_string(),
            StatusCode::BAD_REQUEST,
            "status",
        ),
        (
            "grafana",
            json!({"title": "seed 003 shape"}).to_string(),
            StatusCode::BAD_REQUEST,
            "status",
        ),
        (
            "pagerduty",
            json!({"event": {"event_type": "incident.triggered"}}).to_string(),
            StatusCode::BAD_REQUEST,
            "data",
        ),
        (
            "pagerduty",
            json!({"event": {"event_type": "service.created", "data": {"id": "P1"}}}).to_string(),
            StatusCode::BAD_REQUEST,
            "event.event_type",
        ),
        (
            "opsgenie",
            json!({"action": "Create", "alert": {"message": "x"}}).to_string(),
            StatusCode::BAD_REQUEST,
            "alert.alias",
        ),
        ("generic", big, StatusCode::PAYLOAD_TOO_LARGE, ""),
    ];
    for (source, body, status, field) in &cases {
        let (st, e) = post_raw(s, &format!("/api/v1/alerts/{source}"), Some(t), body, &[]);
        assert_eq!(st, *status, "{source} {}: {e}", &body[..body.len().min(80)]);
        if !field.is_empty() {
            assert_eq!(e["error"]["field"], *field, "{source}: {e}");
        }
    }
    let (st, _) = post_raw(s, "/api/v1/alerts/nagios", Some(t), "{}", &[]);
    assert_eq!(st, StatusCode::NOT_FOUND);
    let (st, _) = post_raw(s, "/api/v1/alerts/generic", None, "{}", &[]);
    assert_eq!(st, StatusCode::UNAUTHORIZED);
    assert!(drafts(s, t).is_empty());
    let (_, all) = s.api_get("/api/v1/incidents", t);
    assert_eq!(all["data"].as_array().unwrap().len(), 0, "{all}");
    let rejected: Vec<Value> = events(s, t)
        .into_iter()
        .filter(|e| e["outcome"] == "rejected")
        .collect();
    assert_eq!(rejected.len(), cases.len(), "every refusal is recorded");
    assert!(
        rejected
            .iter()
            .any(|e| e["field"] == "affected_component_ids")
    );
    // An alert no rule or label routes is kept as unmatched, not dropped.
    let (st, r) = post_raw(
        s,
        "/api/v1/alerts/generic",
        Some(t),
        &json!({"title": "Disk full", "labels": {"host": "db-1"}}).to_string(),
        &[],
    );
    assert_eq!(
        (st, r["received"][0]["outcome"].as_str()),
        (StatusCode::OK, Some("unmatched")),
        "{r}"
    );
}

/// A one-thread chat-completions server: answers each request with `reply(n)` (or
/// sleeps past the timeout when it is `None`). Returns its base URL.
fn ai_server(replies: Vec<Option<(u16, String)>>) -> String {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/v1", l.local_addr().unwrap());
    std::thread::spawn(move || {
        for reply in replies {
            let Ok((mut c, _)) = l.accept() else { return };
            let mut r = BufReader::new(c.try_clone().unwrap());
            let mut len = 0;
            loop {
                let mut line = String::new();
                if r.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                    break;
                }
                if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                    len = v.trim().parse().unwrap_or(0);
                }
            }
            let mut body = vec![0; len];
            let _ = r.read_exact(&mut body);
            match reply {
                None => std::thread::sleep(std::time::Duration::from_secs(12)),
                Some((status, content)) => {
                    let answer = json!({"choices": [{"message": {"role": "assistant", "content": content}}]}).to_string();
                    let _ = write!(
                        c,
                        "HTTP/1.1 {status} X\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{answer}",
                        answer.len()
                    );
                }
            }
        }
    });
    url
}

#[test]
fn ai_rewrite_is_used_when_clean_and_falls_back_on_leaks_errors_and_timeouts() {
    let url = ai_server(vec![
        Some((200, json!({"title": "API trouble", "message": "Some of you cannot reach the API. We're on it."}).to_string())),
        Some((200, json!({"title": "API down", "message": "Host db-7.prod.internal at 10.0.0.7 died."}).to_string())),
        Some((500, "boom".into())),
        None,
    ]);
    let (dir, data) = temp_data();
    let t = offline_key(&data, "editor");
    let s = Server::start_with_env(
        &data,
        &[("STATUSD_AI_URL", url), ("STATUSD_AI_MODEL", "test".into())],
    );
    let api = component(&s, &t, "API");
    let post = |fp: &str| {
        let body = json!({"title": "API errors", "fingerprint": fp, "affected_component_ids": [api], "severity": "major",
            "raw_input": "HTTP 503 from db-7.prod.internal", "generate_ai_update": true});
        let (st, r) = post_raw(
            &s,
            "/api/v1/alerts/generic",
            Some(&t),
            &body.to_string(),
            &[],
        );
        assert_eq!(st, StatusCode::OK, "{r}");
        let (_, i) = s.api_get(
            &format!(
                "/api/v1/incidents/{}",
                r["received"][0]["incident_id"].as_str().unwrap()
            ),
            &t,
        );
        i
    };
    let i = post("a");
    assert_eq!(
        (i["title"].as_str(), i["updates"][0]["message"].as_str()),
        (
            Some("API trouble"),
            Some("Some of you cannot reach the API. We're on it.")
        )
    );
    assert!(
        i["source_text"]
            .as_str()
            .unwrap()
            .contains("rewritten by the AI"),
        "{i}"
    );
    for (fp, note) in [
        ("b", "AI text not used"),
        ("c", "HTTP 500"),
        ("d", "did not answer"),
    ] {
        let started = std::time::Instant::now();
        let i = post(fp);
        assert_eq!(i["title"], "Errors affecting API", "{fp}");
        assert!(!public_text(&i).contains("db-7"), "{i}");
        assert!(
            i["source_text"].as_str().unwrap().contains(note),
            "{fp}: {}",
            i["source_text"]
        );
        assert!(
            started.elapsed() < std::time::Duration::from_secs(12),
            "{fp} took {:?}",
            started.elapsed()
        );
    }
    drop(dir);
}
