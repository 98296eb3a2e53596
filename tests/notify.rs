//! Subscribers and notifications (issue 6) with real parts: the real `statusd` binary, a
//! real SMTP server (Debian's aiosmtpd, `tests/support/smtp_sink.py`) capturing every
//! mail, a local HTTP receiver that checks webhook signatures, and `kill -9` in the
//! middle of a 2,000-recipient fan-out. Every wait is bounded.

mod common;

use common::{
    Server, browser, csrf_of, free_port, json, location, offline_key, run_cli, temp_data, text,
};
use hmac::{Hmac, Mac};
use reqwest::blocking::Client;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use sha2::Sha256;
use std::collections::{HashMap, HashSet};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU16, Ordering};
use std::sync::{Arc, Mutex, mpsc};
use std::time::{Duration, Instant};

const SINK: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/support/smtp_sink.py");
/// Debian's Python, which sees the python3-aiosmtpd package.
const PYTHON: &str = "/usr/bin/python3";
const WAIT: Duration = Duration::from_secs(30);

// ---------------------------------------------------------------- SMTP sink

/// A running aiosmtpd on 127.0.0.1 that records what it accepts.
struct Sink {
    port: u16,
    dir: tempfile::TempDir,
    log: Option<PathBuf>,
    child: Child,
}

impl Sink {
    /// `--dir` mode: one JSON file per message (headers, decoded parts).
    fn start(extra: &[&str]) -> Sink {
        Sink::spawn(extra, false)
    }

    /// `--log` mode: one line per recipient with the Message-ID (for thousands of mails).
    fn start_log(extra: &[&str]) -> Sink {
        Sink::spawn(extra, true)
    }

    fn spawn(extra: &[&str], log_mode: bool) -> Sink {
        let dir = tempfile::Builder::new()
            .prefix("statusd-smtp-")
            .tempdir()
            .expect("temp dir");
        let log = log_mode.then(|| dir.path().join("mail.log"));
        let mut last = String::new();
        for _ in 0..3 {
            let port = free_port();
            let mut cmd = Command::new(PYTHON);
            cmd.arg(SINK)
                .args(["--port", &port.to_string()])
                .args(extra);
            match &log {
                Some(l) => cmd.arg("--log").arg(l),
                None => cmd.arg("--dir").arg(dir.path()),
            };
            let mut child = cmd
                .stdin(Stdio::null())
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap_or_else(|e| {
                    panic!("start {PYTHON} {SINK} (is python3-aiosmtpd installed?): {e}")
                });
            let stdout = child.stdout.take().expect("stdout");
            let (tx, rx) = mpsc::channel();
            std::thread::spawn(move || {
                for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                    let _ = tx.send(line);
                }
            });
            if rx
                .recv_timeout(Duration::from_secs(15))
                .is_ok_and(|l| l == "ready")
            {
                return Sink {
                    port,
                    dir,
                    log,
                    child,
                };
            }
            let _ = child.kill();
            let mut err = String::new();
            if let Some(mut e) = child.stderr.take() {
                let _ = e.read_to_string(&mut err);
            }
            let _ = child.wait();
            last = err;
        }
        panic!("the SMTP sink did not start: {last}");
    }

    fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    /// Every captured message, in arrival order.
    fn messages(&self) -> Vec<Value> {
        let mut files: Vec<PathBuf> = std::fs::read_dir(self.dir.path())
            .expect("sink dir")
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "json"))
            .collect();
        files.sort();
        files
            .iter()
            .map(|p| {
                serde_json::from_str(&std::fs::read_to_string(p).expect("read mail"))
                    .expect("mail JSON")
            })
            .collect()
    }

    /// Messages to `rcpt`.
    fn to(&self, rcpt: &str) -> Vec<Value> {
        self.messages()
            .into_iter()
            .filter(|m| {
                m["rcpt_tos"]
                    .as_array()
                    .is_some_and(|r| r.iter().any(|x| x == rcpt))
            })
            .collect()
    }

    /// Waits until a message to `rcpt` whose subject contains `subject` arrived.
    fn wait_mail(&self, rcpt: &str, subject: &str) -> Value {
        let deadline = Instant::now() + WAIT;
        loop {
            if let Some(m) = self
                .to(rcpt)
                .into_iter()
                .find(|m| subj(m).contains(subject))
            {
                return m;
            }
            if Instant::now() > deadline {
                let got: Vec<String> = self
                    .messages()
                    .iter()
                    .map(|m| format!("{} → {}", subj(m), m["rcpt_tos"]))
                    .collect();
                panic!(
                    "no mail to {rcpt} with subject containing {subject:?} within {WAIT:?}; got: {got:#?}"
                );
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// `(recipient, Message-ID)` per delivered copy (`--log` mode).
    fn log_lines(&self) -> Vec<(String, String)> {
        let path = self.log.as_ref().expect("log mode");
        std::fs::read_to_string(path)
            .unwrap_or_default()
            .lines()
            .filter_map(|l| l.split_once('\t'))
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect()
    }
}

impl Drop for Sink {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn subj(m: &Value) -> String {
    m["headers"]["Subject"].as_str().unwrap_or("").to_string()
}

fn header<'a>(m: &'a Value, name: &str) -> &'a str {
    m["headers"][name].as_str().unwrap_or("")
}

// ---------------------------------------------------------------- statusd

/// An owner API key written into a fresh data file with the offline CLI.
fn owner_key(data: &Path) -> String {
    offline_key(data, "owner")
}

fn smtp_env(sink: &Sink) -> Vec<(&'static str, String)> {
    vec![
        ("STATUSD_SMTP_URL", sink.url()),
        ("STATUSD_SMTP_FROM", "status@example.com".to_string()),
    ]
}

/// A server with an SMTP sink and an owner key.
/// Waits until the outbox holds nothing pending or failed: every notice written so far
/// was delivered. The witness that a notice nobody received was never sent.
fn wait_drained(s: &Server, key: &str) {
    let deadline = Instant::now() + WAIT;
    loop {
        let (_, pending) = s.api_get("/api/v1/notices?state=pending", key);
        let (_, failed) = s.api_get("/api/v1/notices?state=failed", key);
        if pending["data"] == json!([]) && failed["data"] == json!([]) {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "outbox not drained: {pending} {failed}"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
}

fn setup(sink_args: &[&str]) -> (tempfile::TempDir, Sink, Server, String) {
    let (dir, data) = temp_data();
    let key = owner_key(&data);
    let sink = Sink::start(sink_args);
    let server = Server::start_with_env(&data, &smtp_env(&sink));
    (dir, sink, server, key)
}

fn component(s: &Server, key: &str, name: &str) -> String {
    let (st, c) = s.api_send(
        Method::POST,
        "/api/v1/components",
        key,
        &json!({"name": name}),
    );
    assert_eq!(st, StatusCode::CREATED, "{c}");
    c["id"].as_str().unwrap().to_string()
}

fn incident(s: &Server, key: &str, title: &str, message: &str, comps: &[&str]) -> Value {
    let body =
        json!({"title": title, "message": message, "impact": "major", "component_ids": comps});
    let (st, i) = s.api_send(Method::POST, "/api/v1/incidents", key, &body);
    assert_eq!(st, StatusCode::CREATED, "{i}");
    i
}

fn subscriber(s: &Server, key: &str, body: Value) -> Value {
    let (st, v) = s.api_send(Method::POST, "/api/v1/subscribers", key, &body);
    assert_eq!(st, StatusCode::CREATED, "{v}");
    v
}

/// A URL found in text, starting with `prefix`.
fn link_in(text: &str, prefix: &str) -> String {
    let start = text
        .find(prefix)
        .unwrap_or_else(|| panic!("no {prefix} link in:\n{text}"));
    text[start..]
        .split_whitespace()
        .next()
        .unwrap()
        .trim_end_matches(['>', '"', ')'])
        .to_string()
}

/// Posts an admin form that answers POST → redirect → GET, and reads the page it leads to.
fn form_then_page(s: &Server, client: &Client, url: &str, fields: &[(&str, &str)]) -> String {
    let resp = client.post(url).form(fields).send().unwrap();
    assert_eq!(resp.status(), StatusCode::SEE_OTHER, "POST {url}");
    let (st, page) = text(client.get(s.url(&location(&resp))).send().unwrap());
    assert_eq!(st, StatusCode::OK, "{page}");
    page
}

fn form(client: &Client, url: &str, fields: &[(&str, &str)]) -> (StatusCode, String) {
    text(
        client
            .post(url)
            .form(fields)
            .send()
            .unwrap_or_else(|e| panic!("POST {url}: {e}")),
    )
}

// ---------------------------------------------------------------- email

#[test]
fn email_double_opt_in_by_following_the_mailed_link() {
    let (_dir, sink, s, key) = setup(&[]);
    let api_c = component(&s, &key, "API");
    component(&s, &key, "Website");
    let visitor = browser();

    let (st, page) = text(visitor.get(s.url("/subscribe")).send().unwrap());
    assert_eq!(st, StatusCode::OK);
    assert!(
        page.contains("Get updates from") && page.contains("API") && page.contains("Website"),
        "{page}"
    );

    let signup = [
        ("email", "Alice@Example.com"),
        ("component_ids", api_c.as_str()),
    ];
    let (st, answer_new) = form(&visitor, &s.url("/subscribe"), &signup);
    assert_eq!(st, StatusCode::OK, "{answer_new}");
    assert!(answer_new.contains("Check your inbox"));

    let confirm = sink.wait_mail("alice@example.com", "Confirm your subscription");
    assert!(
        header(&confirm, "From").contains("status@example.com"),
        "{}",
        confirm["headers"]
    );
    assert_eq!(confirm["content_type"], "multipart/alternative");
    let link = link_in(
        confirm["text"].as_str().unwrap(),
        &s.url("/subscribe/confirm/"),
    );
    assert!(
        confirm["html"].as_str().unwrap().contains(&link),
        "the HTML part has the same link"
    );

    // Nothing but the confirmation until the address is confirmed. A confirmed witness
    // shows when this incident has been fanned out.
    subscriber(
        &s,
        &key,
        json!({"email": "witness@example.com", "skip_confirmation": true}),
    );
    incident(&s, &key, "Before confirming", "Not for alice.", &[&api_c]);
    sink.wait_mail("witness@example.com", "Before confirming");

    // A link scanner's GET changes nothing; the button confirms.
    let (st, button) = text(visitor.get(&link).send().unwrap());
    assert_eq!(st, StatusCode::OK);
    assert!(button.contains("Confirm subscription"), "{button}");
    let (_, subs) = s.api_get("/api/v1/subscribers?q=alice", &key);
    assert_eq!(subs["data"][0]["confirmed"], false, "{subs}");
    let (st, confirmed) = form(&visitor, &link, &[]);
    assert_eq!(st, StatusCode::OK, "{confirmed}");
    assert!(confirmed.contains("Subscription confirmed"), "{confirmed}");
    let (_, subs) = s.api_get("/api/v1/subscribers?q=alice", &key);
    assert_eq!(subs["data"][0]["confirmed"], true);
    assert_eq!(subs["data"][0]["component_ids"], json!([api_c]));

    let i = incident(
        &s,
        &key,
        "Checkout errors",
        "We are looking into it.",
        &[&api_c],
    );
    let first = sink.wait_mail("alice@example.com", "Checkout errors");
    let (st, _) = s.api_send(
        Method::POST,
        &format!("/api/v1/incidents/{}/updates", i["id"].as_str().unwrap()),
        &key,
        &json!({"status": "identified", "message": "Found the bad deploy."}),
    );
    assert_eq!(st, StatusCode::CREATED);
    let deadline = Instant::now() + WAIT;
    let second = loop {
        let got: Vec<Value> = sink
            .to("alice@example.com")
            .into_iter()
            .filter(|m| subj(m).contains("Checkout errors"))
            .collect();
        if got.len() >= 2 {
            break got
                .into_iter()
                .find(|m| m["text"].as_str().unwrap_or("").contains("bad deploy"))
                .expect("the update mail");
        }
        assert!(Instant::now() < deadline, "no second mail");
        std::thread::sleep(Duration::from_millis(100));
    };
    assert!(
        sink.to("alice@example.com")
            .iter()
            .all(|m| !subj(m).contains("Before confirming")),
        "nothing before confirmation"
    );

    // Branded multipart mails with manage and one-click unsubscribe, threaded per incident.
    for m in [&first, &second] {
        assert_eq!(m["content_type"], "multipart/alternative");
        assert!(
            header(m, "From").starts_with("Status"),
            "page title in From: {}",
            header(m, "From")
        );
        assert!(subj(m).starts_with("[Status] "), "{}", subj(m));
        assert!(header(m, "List-Unsubscribe").starts_with(&format!("<{}", s.url("/unsubscribe/"))));
        assert_eq!(
            header(m, "List-Unsubscribe-Post"),
            "List-Unsubscribe=One-Click"
        );
        assert!(
            m["text"]
                .as_str()
                .unwrap()
                .contains(&s.url("/subscriptions/")),
            "manage link"
        );
        assert!(m["html"].as_str().unwrap().contains("Unsubscribe"));
    }
    let root = header(&first, "Message-ID");
    assert!(root.starts_with("<incident."), "{root}");
    assert_eq!(header(&second, "In-Reply-To"), root);
    assert_eq!(header(&second, "References"), root);
    assert_ne!(header(&second, "Message-ID"), root);

    // The same answer for an address that is already subscribed; its owner gets a mail.
    let (st, answer_again) = form(&visitor, &s.url("/subscribe"), &signup);
    assert_eq!(
        (st, &answer_again),
        (StatusCode::OK, &answer_new),
        "no enumeration"
    );
    sink.wait_mail("alice@example.com", "Your subscription to Status");

    // Manage: switch to the whole page.
    let manage = link_in(second["text"].as_str().unwrap(), &s.url("/subscriptions/"));
    let (st, page) = text(visitor.get(&manage).send().unwrap());
    assert_eq!(st, StatusCode::OK);
    assert!(page.contains("alice@example.com"));
    let (st, saved) = form(&visitor, &manage, &[]);
    assert_eq!(st, StatusCode::OK, "{saved}");
    let (_, subs) = s.api_get("/api/v1/subscribers?q=alice", &key);
    assert_eq!(subs["data"][0]["component_ids"], json!([]));
}

#[test]
fn one_click_unsubscribe_and_component_filtering() {
    let (_dir, sink, s, key) = setup(&[]);
    let api_c = component(&s, &key, "API");
    let db = component(&s, &key, "Database");
    for (email, comps) in [
        ("all@example.com", json!([])),
        ("api@example.com", json!([api_c])),
        ("db@example.com", json!([db])),
    ] {
        let v = subscriber(
            &s,
            &key,
            json!({"email": email, "component_ids": comps, "skip_confirmation": true}),
        );
        assert_eq!(v["confirmed"], true);
        assert_eq!(v["kind"], "email");
    }

    incident(&s, &key, "API latency", "Slow responses.", &[&api_c]);
    sink.wait_mail("all@example.com", "API latency");
    sink.wait_mail("api@example.com", "API latency");
    incident(&s, &key, "Database failover", "Replica promoted.", &[&db]);
    sink.wait_mail("all@example.com", "Database failover");
    let db_mail = sink.wait_mail("db@example.com", "Database failover");
    // Both incidents' notices were written before the later one reached db@.
    wait_drained(&s, &key);
    assert!(
        sink.to("db@example.com")
            .iter()
            .all(|m| !subj(m).contains("API latency")),
        "db@ chose Database only"
    );
    assert!(
        sink.to("api@example.com")
            .iter()
            .all(|m| !subj(m).contains("Database")),
        "api@ chose API only"
    );

    // RFC 8058: the mail provider POSTs the List-Unsubscribe URL; no cookie, no CSRF.
    let url = header(&db_mail, "List-Unsubscribe")
        .trim_matches(['<', '>'])
        .to_string();
    let resp = Client::new()
        .post(&url)
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body("List-Unsubscribe=One-Click")
        .send()
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    let (_, subs) = s.api_get("/api/v1/subscribers", &key);
    let left: Vec<&str> = subs["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["email"].as_str().unwrap())
        .collect();
    assert!(!left.contains(&"db@example.com"), "{left:?}");
    let again = Client::new()
        .post(&url)
        .body("List-Unsubscribe=One-Click")
        .send()
        .unwrap();
    assert_eq!(
        again.status(),
        StatusCode::OK,
        "unsubscribing twice is fine"
    );

    incident(&s, &key, "Database again", "Second failover.", &[&db]);
    sink.wait_mail("all@example.com", "Database again");
    // The notices of this incident were written together; all@'s was delivered.
    wait_drained(&s, &key);
    assert!(
        sink.to("db@example.com")
            .iter()
            .all(|m| !subj(m).contains("Database again")),
        "unsubscribed gets nothing"
    );
}

#[test]
fn incident_text_is_escaped_in_mail() {
    let (_dir, sink, s, key) = setup(&[]);
    subscriber(
        &s,
        &key,
        json!({"email": "reader@example.com", "skip_confirmation": true}),
    );
    incident(
        &s,
        &key,
        "<script>alert('t')</script> Payments & <b>API</b>",
        "**Bold** words <img src=x onerror=alert(1)> and [a link](javascript:alert(2)).",
        &[],
    );
    let m = sink.wait_mail("reader@example.com", "Payments");
    let html = m["html"].as_str().unwrap();
    assert!(!html.contains("<script>"), "{html}");
    assert!(html.contains("&lt;script&gt;"), "{html}");
    assert!(html.contains("&lt;b&gt;API&lt;/b&gt;"), "{html}");
    assert!(
        !html.contains("onerror") && !html.contains("javascript:"),
        "{html}"
    );
    assert!(
        html.contains("<strong>Bold</strong>"),
        "Markdown is rendered: {html}"
    );
    assert!(
        subj(&m).contains("<script>alert('t')</script> Payments & <b>API</b>"),
        "the subject is plain text"
    );
}

/// Issue 11 item 12: headers built from the page title (From name, Subject, List-Id) are
/// encoded, so quotes, angle brackets and UTF-8 neither break nor forge a header.
#[test]
fn mail_headers_from_user_text_are_encoded() {
    let (_dir, sink, s, key) = setup(&[]);
    let title = "Acme \"Ops\" <Status> · Zürich";
    let (st, pages) = s.api_get("/api/v1/pages", &key);
    assert_eq!(st, StatusCode::OK, "{pages}");
    let page = pages["data"][0]["id"].as_str().unwrap().to_string();
    let (st, p) = s.api_send(
        Method::PATCH,
        &format!("/api/v1/pages/{page}"),
        &key,
        &json!({"title": title}),
    );
    assert_eq!(st, StatusCode::OK, "{p}");
    subscriber(
        &s,
        &key,
        json!({"email": "reader@example.com", "skip_confirmation": true}),
    );
    incident(&s, &key, "Login fails", "We are on it.", &[]);
    let m = sink.wait_mail("reader@example.com", "Login fails");
    let raw = m["raw"].as_str().unwrap();
    let head = &raw[..raw.find("\r\n\r\n").unwrap_or(raw.len())];
    assert!(head.is_ascii(), "raw headers carry 8-bit text:\n{head}");
    let list_id = header(&m, "List-Id");
    assert!(
        list_id.starts_with(title) && list_id.ends_with('>'),
        "List-Id decodes to the title: {list_id:?}\n{head}"
    );
    let raw_list_id = head
        .split("\r\n")
        .skip_while(|l| !l.starts_with("List-Id:"))
        .take_while(|l| l.starts_with("List-Id:") || l.starts_with([' ', '\t']))
        .collect::<String>();
    assert_eq!(
        raw_list_id.matches('<').count(),
        1,
        "only the list label is in angle brackets: {raw_list_id}"
    );
    assert!(!raw_list_id.contains('"'), "{raw_list_id}");
    assert!(subj(&m).contains(title), "{}", subj(&m));
    let from = header(&m, "From");
    assert!(
        from.contains("Zürich") && from.ends_with("<status@example.com>"),
        "{from}"
    );
    assert_eq!(m["mail_from"], "status@example.com");
}

#[test]
fn permanent_failures_show_in_admin_and_can_be_retried() {
    let (_dir, data) = temp_data();
    let key = owner_key(&data);
    let out = run_cli(
        &[
            "user",
            "add",
            "--email",
            "owner@example.com",
            "--role",
            "owner",
            "--password-stdin",
            "--data",
            data.to_str().unwrap(),
        ],
        Some("correct horse battery\n"),
        &[],
        Duration::from_secs(30),
    );
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    let sink = Sink::start(&["--reject", "bounce"]);
    let s = Server::start_with_env(&data, &smtp_env(&sink));

    subscriber(
        &s,
        &key,
        json!({"email": "bounce@example.com", "skip_confirmation": true}),
    );
    subscriber(
        &s,
        &key,
        json!({"email": "fine@example.com", "skip_confirmation": true}),
    );
    incident(&s, &key, "Queue backlog", "Delayed jobs.", &[]);
    sink.wait_mail("fine@example.com", "Queue backlog");
    let deadline = Instant::now() + WAIT;
    let failed = loop {
        let (_, n) = s.api_get("/api/v1/notices?state=failed", &key);
        if let Some(f) = n["data"].as_array().and_then(|d| d.first()).cloned() {
            break f;
        }
        assert!(Instant::now() < deadline, "no failed notice");
        std::thread::sleep(Duration::from_millis(200));
    };
    assert_eq!(failed["address"], "bounce@example.com");
    assert!(
        failed["last_error"].as_str().unwrap().contains("550"),
        "{failed}"
    );

    // The admin sees it and retries it with a button.
    let owner = browser();
    let (_, login) = text(owner.get(s.url("/admin/login")).send().unwrap());
    let csrf = csrf_of(&login);
    let resp = owner
        .post(s.url("/admin/login"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("email", "owner@example.com"),
            ("password", "correct horse battery"),
        ])
        .send()
        .unwrap();
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    let (st, page) = text(owner.get(s.url("/admin/outbox")).send().unwrap());
    assert_eq!(st, StatusCode::OK);
    assert!(
        page.contains("bounce@example.com") && page.contains("550"),
        "{page}"
    );
    let csrf = csrf_of(&page);
    let id = failed["id"].as_str().unwrap();
    let page = form_then_page(
        &s,
        &owner,
        &s.url(&format!("/admin/outbox/{id}/retry")),
        &[("csrf", &csrf)],
    );
    assert!(page.contains("Notice queued again"), "{page}");
    let deadline = Instant::now() + WAIT;
    loop {
        let (_, n) = s.api_get("/api/v1/notices?state=failed", &key);
        let attempts = n["data"]
            .as_array()
            .and_then(|d| d.first())
            .map(|f| f["attempts"].as_u64().unwrap_or(0));
        if attempts == Some(2) {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the retried notice was not tried again: {n}"
        );
        std::thread::sleep(Duration::from_millis(200));
    }

    // Subscribers screen: counts, add, import, export, test mail.
    let (st, page) = text(owner.get(s.url("/admin/subscribers")).send().unwrap());
    assert_eq!(st, StatusCode::OK);
    assert!(page.contains("fine@example.com"), "{page}");
    let csrf = csrf_of(&page);
    let page = form_then_page(
        &s,
        &owner,
        &s.url("/admin/subscribers/import"),
        &[
            ("csrf", &csrf),
            (
                "csv",
                "email\nimported1@example.com\nimported2@example.com\n",
            ),
            ("skip_confirmation", "true"),
        ],
    );
    assert!(page.contains("Imported 2 new subscribers"), "{page}");
    let (st, page) = form(
        &owner,
        &s.url("/admin/subscribers"),
        &[
            ("csrf", &csrf),
            ("kind", "email"),
            ("address", "new@example.com"),
        ],
    );
    assert_eq!(st, StatusCode::CREATED, "{page}");
    assert!(page.contains("confirmation mail is on its way"));
    sink.wait_mail("new@example.com", "Confirm your subscription");
    let page = form_then_page(
        &s,
        &owner,
        &s.url("/admin/subscribers/test-email"),
        &[("csrf", &csrf), ("address", "smtp-check@example.com")],
    );
    assert!(page.contains("Test mail sent"), "{page}");
    sink.wait_mail("smtp-check@example.com", "statusd test mail");
    let csv = owner
        .get(s.url("/admin/subscribers/export.csv"))
        .send()
        .unwrap()
        .text()
        .unwrap();
    assert!(csv.starts_with("id,kind,address"), "{csv}");
    assert!(
        csv.contains("imported2@example.com") && csv.contains("new@example.com"),
        "{csv}"
    );
}

#[test]
fn cli_send_test_email() {
    let sink = Sink::start(&[]);
    let (_dir, data) = temp_data();
    let env = [
        ("STATUSD_SMTP_URL", sink.url()),
        ("STATUSD_DATA", data.display().to_string()),
    ];
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let out = run_cli(
        &["send-test-email", "ops@example.com"],
        None,
        &env,
        Duration::from_secs(60),
    );
    assert_eq!(out.code, Some(0), "{} {}", out.stdout, out.stderr);
    assert!(
        out.stdout.contains("sent a test mail to ops@example.com"),
        "{}",
        out.stdout
    );
    let m = sink.wait_mail("ops@example.com", "statusd test mail");
    assert_eq!(m["content_type"], "multipart/alternative");

    let out = run_cli(
        &["send-test-email", "ops@example.com"],
        None,
        &[],
        Duration::from_secs(30),
    );
    assert_eq!(out.code, Some(2), "no smtp_url is a configuration error");
    assert!(out.stderr.contains("smtp_url"), "{}", out.stderr);

    let closed = format!("smtp://127.0.0.1:{}", free_port());
    let out = run_cli(
        &["send-test-email", "ops@example.com"],
        None,
        &[("STATUSD_SMTP_URL", &closed)],
        Duration::from_secs(60),
    );
    assert_eq!(out.code, Some(1));
    assert!(
        out.stderr.contains("127.0.0.1"),
        "names the server: {}",
        out.stderr
    );
}

#[test]
fn api_validates_subscribers() {
    let (_dir, _sink, s, key) = setup(&[]);
    let cases = [
        (
            json!({"email": "not-an-address"}),
            StatusCode::BAD_REQUEST,
            "email",
        ),
        (json!({"kind": "webhook"}), StatusCode::BAD_REQUEST, "url"),
        (
            json!({"kind": "webhook", "url": "ftp://x"}),
            StatusCode::BAD_REQUEST,
            "url",
        ),
        (
            json!({"kind": "pager", "email": "a@example.com"}),
            StatusCode::BAD_REQUEST,
            "kind",
        ),
        (
            json!({"email": "a@example.com", "component_ids": ["nope"]}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "component_ids",
        ),
        (
            json!({"email": "a@example.com", "bogus": 1}),
            StatusCode::BAD_REQUEST,
            "bogus",
        ),
    ];
    for (body, status, field) in cases {
        let (st, v) = s.api_send(Method::POST, "/api/v1/subscribers", &key, &body);
        assert_eq!(st, status, "{body} → {v}");
        assert!(
            v["error"]["message"].as_str().unwrap().contains(field) || v["error"]["field"] == field,
            "{body} → {v}"
        );
    }
    subscriber(&s, &key, json!({"email": "dup@example.com"}));
    let (st, v) = s.api_send(
        Method::POST,
        "/api/v1/subscribers",
        &key,
        &json!({"email": "DUP@example.com"}),
    );
    assert_eq!(st, StatusCode::CONFLICT, "{v}");
    // CSV import is all or nothing, and names the line.
    let resp = s
        .api(Method::POST, "/api/v1/subscribers/import", &key)
        .header("Content-Type", "text/csv")
        .body("email\nok@example.com\nbroken\n")
        .send()
        .unwrap();
    let (st, v) = json(resp);
    assert_eq!(st, StatusCode::BAD_REQUEST, "{v}");
    assert!(
        v["error"]["message"].as_str().unwrap().contains("line 3"),
        "{v}"
    );
    let (_, list) = s.api_get("/api/v1/subscribers?q=ok@", &key);
    assert_eq!(list["data"], json!([]), "nothing imported");
}

// ---------------------------------------------------------------- webhooks

/// One request the receiver got.
#[derive(Debug, Clone)]
struct Hit {
    path: String,
    headers: HashMap<String, String>,
    body: Vec<u8>,
}

/// A local HTTP receiver: records every request, answers 410 on `/gone` while
/// `gone_status` says so, else 200 (or 204).
struct Receiver {
    port: u16,
    hits: Arc<Mutex<Vec<Hit>>>,
    gone_status: Arc<AtomicU16>,
}

impl Receiver {
    fn start() -> Receiver {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let port = listener.local_addr().unwrap().port();
        let hits = Arc::new(Mutex::new(Vec::new()));
        let gone_status = Arc::new(AtomicU16::new(410));
        let (h, g) = (hits.clone(), gone_status.clone());
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { continue };
                let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
                let mut buf = Vec::new();
                let mut chunk = [0u8; 8192];
                let head_end = loop {
                    if let Some(p) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                        break Some(p);
                    }
                    match stream.read(&mut chunk) {
                        Ok(0) | Err(_) => break None,
                        Ok(n) => buf.extend_from_slice(&chunk[..n]),
                    }
                };
                let Some(head_end) = head_end else { continue };
                let head = String::from_utf8_lossy(&buf[..head_end]).to_string();
                let mut lines = head.split("\r\n");
                let path = lines
                    .next()
                    .unwrap_or("")
                    .split(' ')
                    .nth(1)
                    .unwrap_or("")
                    .to_string();
                let headers: HashMap<String, String> = lines
                    .filter_map(|l| l.split_once(':'))
                    .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
                    .collect();
                let len: usize = headers
                    .get("content-length")
                    .and_then(|v| v.parse().ok())
                    .unwrap_or(0);
                let mut body = buf[head_end + 4..].to_vec();
                while body.len() < len {
                    match stream.read(&mut chunk) {
                        Ok(0) | Err(_) => break,
                        Ok(n) => body.extend_from_slice(&chunk[..n]),
                    }
                }
                let status = if path == "/gone" {
                    g.load(Ordering::SeqCst)
                } else {
                    200
                };
                h.lock().unwrap().push(Hit {
                    path,
                    headers,
                    body,
                });
                let _ = write!(
                    stream,
                    "HTTP/1.1 {status} X\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                );
            }
        });
        Receiver {
            port,
            hits,
            gone_status,
        }
    }

    fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    fn wait(&self, what: &str, pred: impl Fn(&Hit) -> bool) -> Hit {
        let deadline = Instant::now() + WAIT;
        loop {
            if let Some(h) = self.hits.lock().unwrap().iter().find(|h| pred(h)).cloned() {
                return h;
            }
            assert!(
                Instant::now() < deadline,
                "no request {what} within {WAIT:?}: {:#?}",
                self.hits.lock().unwrap()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

fn body_json(h: &Hit) -> Value {
    serde_json::from_slice(&h.body).expect("JSON body")
}

/// Checks `X-Statusd-Signature: t=...,v1=...` the way the README tells receivers to.
fn signature_ok(secret: &str, h: &Hit) -> bool {
    let sig = h
        .headers
        .get("x-statusd-signature")
        .map(String::as_str)
        .unwrap_or("");
    let part = |k: &str| {
        sig.split(',')
            .find_map(|p| p.trim().strip_prefix(k))
            .unwrap_or("")
    };
    let (t, v1) = (part("t="), part("v1="));
    let Ok(expected) = hex::decode(v1) else {
        return false;
    };
    let fresh = t
        .parse::<i64>()
        .is_ok_and(|t| (chrono::Utc::now().timestamp() - t).abs() < 300);
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(t.as_bytes());
    mac.update(b".");
    mac.update(&h.body);
    fresh && mac.verify_slice(&expected).is_ok()
}

#[test]
fn webhooks_are_signed_and_shaped_like_statuspage() {
    let (_dir, _sink, s, key) = setup(&[]);
    let rx = Receiver::start();
    let api_c = component(&s, &key, "API");
    let hook = subscriber(
        &s,
        &key,
        json!({"kind": "webhook", "url": rx.url("/hook"), "secret": "whsec_test_secret"}),
    );
    assert_eq!(
        hook["secret"], "whsec_test_secret",
        "the secret is in the creating answer"
    );
    let (_, again) = s.api_get(
        &format!("/api/v1/subscribers/{}", hook["id"].as_str().unwrap()),
        &key,
    );
    assert!(again.get("secret").is_none(), "and nowhere else: {again}");
    let generated = subscriber(
        &s,
        &key,
        json!({"kind": "webhook", "url": rx.url("/generated")}),
    );
    let generated_secret = generated["secret"]
        .as_str()
        .expect("a secret is generated")
        .to_string();
    subscriber(&s, &key, json!({"kind": "slack", "url": rx.url("/slack")}));
    subscriber(
        &s,
        &key,
        json!({"kind": "discord", "url": rx.url("/discord")}),
    );
    let gone = subscriber(&s, &key, json!({"kind": "webhook", "url": rx.url("/gone")}));

    let i = incident(
        &s,
        &key,
        "Login failures",
        "Users cannot sign in.",
        &[&api_c],
    );
    let h = rx.wait("incident on /hook", |h| {
        h.path == "/hook" && body_json(h).get("incident").is_some()
    });
    assert!(
        signature_ok("whsec_test_secret", &h),
        "signature: {:?}",
        h.headers.get("x-statusd-signature")
    );
    assert!(!signature_ok("wrong", &h));
    assert_eq!(
        h.headers.get("content-type").map(String::as_str),
        Some("application/json")
    );
    assert_eq!(
        h.headers.get("x-statusd-event").map(String::as_str),
        Some("incident.published")
    );
    let b = body_json(&h);
    assert!(
        b["meta"]["unsubscribe"]
            .as_str()
            .unwrap()
            .starts_with(&s.url("/unsubscribe/")),
        "{b}"
    );
    assert!(
        b["meta"]["documentation"]
            .as_str()
            .unwrap()
            .contains("webhooks")
    );
    assert!(b["meta"]["generated_at"].as_str().unwrap().ends_with('Z'));
    assert_eq!(b["page"]["status_indicator"], "major", "{b}");
    assert_eq!(b["page"]["status_description"], "Partial System Outage");
    assert_eq!(b["incident"]["id"], i["id"]);
    assert_eq!(b["incident"]["name"], "Login failures");
    assert_eq!(b["incident"]["status"], "investigating");
    assert_eq!(b["incident"]["impact"], "major");
    assert_eq!(
        b["incident"]["incident_updates"][0]["body"],
        "Users cannot sign in."
    );

    let c = rx.wait("component change", |h| {
        h.path == "/hook" && body_json(h).get("component_update").is_some()
    });
    assert!(signature_ok("whsec_test_secret", &c));
    let b = body_json(&c);
    assert_eq!(b["component_update"]["component_id"], json!(api_c));
    assert_eq!(b["component_update"]["old_status"], "operational");
    assert_eq!(b["component_update"]["new_status"], "partial_outage");
    assert!(b["component_update"]["created_at"].is_string());
    assert_eq!(b["component"]["name"], "API");

    let g = rx.wait("generated-secret hook", |h| h.path == "/generated");
    assert!(signature_ok(&generated_secret, &g));
    let slack = body_json(&rx.wait("slack", |h| h.path == "/slack"));
    assert!(
        slack["text"].as_str().unwrap().contains("Login failures"),
        "{slack}"
    );
    assert!(
        rx.hits
            .lock()
            .unwrap()
            .iter()
            .filter(|h| h.path == "/slack")
            .all(|h| !body_json(h).to_string().contains("component_update")),
        "chat gets no component events"
    );
    let discord = body_json(&rx.wait("discord", |h| h.path == "/discord"));
    assert_eq!(discord["embeds"][0]["title"], "Login failures", "{discord}");

    // 410 Gone is permanent: marked failed, then retried by hand once the endpoint is back.
    let deadline = Instant::now() + WAIT;
    let failed = loop {
        let (_, n) = s.api_get("/api/v1/notices?state=failed", &key);
        let hit = n["data"]
            .as_array()
            .unwrap()
            .iter()
            .find(|x| x["subscriber_id"] == gone["id"])
            .cloned();
        if let Some(f) = hit {
            break f;
        }
        assert!(Instant::now() < deadline, "410 not marked failed: {n}");
        std::thread::sleep(Duration::from_millis(200));
    };
    assert!(
        failed["last_error"].as_str().unwrap().contains("410"),
        "{failed}"
    );
    let notice_id = failed["id"].as_str().unwrap().to_string();
    rx.wait("the 410", |h| {
        h.path == "/gone" && h.headers.get("x-statusd-delivery") == Some(&notice_id)
    });
    rx.gone_status.store(200, Ordering::SeqCst);
    let (st, v) = s.api_send(
        Method::POST,
        &format!("/api/v1/notices/{}/retry", failed["id"].as_str().unwrap()),
        &key,
        &json!({}),
    );
    assert_eq!(st, StatusCode::OK, "{v}");
    let deadline = Instant::now() + WAIT;
    loop {
        let (_, n) = s.api_get("/api/v1/notices?state=sent&limit=500", &key);
        if n["data"]
            .as_array()
            .unwrap()
            .iter()
            .any(|x| x["id"] == failed["id"])
        {
            break;
        }
        assert!(Instant::now() < deadline, "retry not delivered");
        std::thread::sleep(Duration::from_millis(200));
    }
    let tries = rx
        .hits
        .lock()
        .unwrap()
        .iter()
        .filter(|h| h.path == "/gone" && h.headers.get("x-statusd-delivery") == Some(&notice_id))
        .count();
    assert_eq!(
        tries, 2,
        "the retry carries the same delivery id (the notice id)"
    );

    // "Send test" through the API.
    let (st, v) = s.api_send(
        Method::POST,
        &format!("/api/v1/subscribers/{}/test", hook["id"].as_str().unwrap()),
        &key,
        &json!({}),
    );
    assert_eq!((st, &v["delivered"]), (StatusCode::OK, &json!(true)), "{v}");
    let t = rx.wait("test", |h| {
        h.headers
            .get("x-statusd-event")
            .is_some_and(|e| e == "test")
    });
    assert!(signature_ok("whsec_test_secret", &t));
}

// ---------------------------------------------------------------- crash

#[test]
fn kill_9_mid_fan_out_then_restart_delivers_every_notice() {
    const N: usize = 2000;
    let (_dir, data) = temp_data();
    let key = owner_key(&data);
    // A slow server (10 ms per mail) so the kill lands in the middle of delivery.
    let sink = Sink::start_log(&["--delay-ms", "10"]);
    let mut s = Server::start_with_env(&data, &smtp_env(&sink));
    let csv: String = std::iter::once("email".to_string())
        .chain((0..N).map(|i| format!("user{i:04}@example.com")))
        .collect::<Vec<_>>()
        .join("\n");
    let resp = s
        .api(
            Method::POST,
            "/api/v1/subscribers/import?skip_confirmation=true",
            &key,
        )
        .header("Content-Type", "text/csv")
        .body(csv)
        .send()
        .unwrap();
    let (st, report) = json(resp);
    assert_eq!(st, StatusCode::OK, "{report}");
    assert_eq!(report["created"], N);

    incident(
        &s,
        &key,
        "Fan-out under fire",
        "Everyone hears about this.",
        &[],
    );
    let deadline = Instant::now() + Duration::from_secs(60);
    while sink.log_lines().len() < 200 {
        assert!(
            Instant::now() < deadline,
            "delivery did not start: {}",
            s.stderr()
        );
        std::thread::sleep(Duration::from_millis(10));
    }
    s.kill9();
    let at_kill = sink.log_lines().len();
    assert!(
        at_kill < N,
        "the kill must land mid-way (delivered {at_kill} of {N})"
    );

    let s = Server::start_with_env(&data, &smtp_env(&sink));
    let deadline = Instant::now() + Duration::from_secs(180);
    let lines = loop {
        let lines = sink.log_lines();
        let people: HashSet<&str> = lines.iter().map(|(r, _)| r.as_str()).collect();
        if people.len() == N {
            break lines;
        }
        assert!(
            Instant::now() < deadline,
            "only {} of {N} recipients got the notice: {}",
            people.len(),
            s.stderr()
        );
        std::thread::sleep(Duration::from_millis(100));
    };
    // At least once; a copy sent twice carries the same Message-ID (dedupe by it).
    let mut ids: HashMap<&str, HashSet<&str>> = HashMap::new();
    for (rcpt, mid) in &lines {
        ids.entry(rcpt.as_str()).or_default().insert(mid.as_str());
    }
    assert!(
        ids.values().all(|m| m.len() == 1),
        "one Message-ID per recipient"
    );
    let distinct: HashSet<&str> = ids.values().flat_map(|m| m.iter().copied()).collect();
    assert_eq!(distinct.len(), N);
    let dups = lines.len() - N;
    eprintln!("kill -9 after {at_kill} of {N}; {dups} duplicates re-sent after restart");
    // The outbox agrees: everything sent, nothing pending or failed.
    wait_drained(&s, &key);
}

#[test]
fn graceful_stop_with_an_outbox() {
    let (_dir, sink, mut s, key) = setup(&[]);
    subscriber(
        &s,
        &key,
        json!({"email": "x@example.com", "skip_confirmation": true}),
    );
    incident(&s, &key, "Before stop", "Hello.", &[]);
    sink.wait_mail("x@example.com", "Before stop");
    s.stop();
}

// ---------------------------------------------------------------- who hears what

/// One component shown on a public, an internal and a customer page: an incident filed on
/// the internal or the customer page reaches only that page's subscribers, by mail and by
/// webhook, and never the public page's HTML, feeds, v2 JSON or bar tooltips.
#[test]
fn incidents_reach_only_the_subscribers_and_visitors_of_their_own_page() {
    let (_dir, sink, s, key) = setup(&[]);
    let rx = Receiver::start();
    let page = |slug: &str, audience: &str| {
        let body = json!({"slug": slug, "title": format!("{slug} status"), "audience": audience, "allowed_domains": ["acme.example"]});
        let (st, p) = s.api_send(Method::POST, "/api/v1/pages", &key, &body);
        assert_eq!(st, StatusCode::CREATED, "{p}");
        p["id"].as_str().unwrap().to_string()
    };
    let (_, pages) = s.api_get("/api/v1/pages", &key);
    let public = pages["data"][0]["id"].as_str().unwrap().to_string();
    let team = page("team", "internal");
    let acme = page("acme", "customer");
    let (st, db) = s.api_send(
        Method::POST,
        "/api/v1/components",
        &key,
        &json!({"name": "Database", "page_ids": [public, team, acme]}),
    );
    assert_eq!(st, StatusCode::CREATED, "{db}");
    let db = db["id"].as_str().unwrap().to_string();
    // A monitor gives the component its 90-day bars (whose tooltips list incidents).
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let (st, m) = s.api_send(
        Method::POST,
        "/api/v1/monitors",
        &key,
        &json!({"name": "db", "kind": "tcp", "target": listener.local_addr().unwrap().to_string(),
                "interval_seconds": 3600, "component_id": db, "on_down": "status"}),
    );
    assert_eq!(st, StatusCode::CREATED, "{m}");

    let sub = |email: &str, page: &str, comps: &[&str]| {
        subscriber(
            &s,
            &key,
            json!({"kind": "email", "email": email, "page": page, "component_ids": comps, "skip_confirmation": true}),
        );
    };
    sub("reader@public.example", &public, &[]);
    sub("picky@public.example", &public, &[&db]);
    sub("ops@team.example", &team, &[]);
    sub("cto@acme.example", &acme, &[]);
    subscriber(
        &s,
        &key,
        json!({"kind": "webhook", "url": rx.url("/public"), "page": public}),
    );

    let filed = |title: &str, page: &str| {
        let body = json!({"title": title, "message": format!("{title}: full details"), "impact": "major",
                          "component_ids": [db], "page": page});
        let (st, i) = s.api_send(Method::POST, "/api/v1/incidents", &key, &body);
        assert_eq!(st, StatusCode::CREATED, "{i}");
        assert_eq!(i["state"], "published", "{i}");
    };
    filed("Secret internal outage", &team);
    filed("Acme-only degradation", &acme);
    filed("Public database blip", &public);

    let secret = ["Secret internal outage", "Acme-only degradation"];
    // The public page's every channel: HTML (with bar tooltips), uptime, history,
    // feeds and v2 JSON.
    let anon = browser();
    for path in [
        "/",
        "/uptime",
        "/history",
        "/history.atom",
        "/history.rss",
        "/api/v2/summary.json",
        "/api/v2/incidents.json",
        "/api/v2/incidents/unresolved.json",
    ] {
        let (st, body) = text(anon.get(s.url(path)).send().unwrap());
        assert_eq!(st, StatusCode::OK, "{path}");
        assert!(
            body.contains("Public database blip"),
            "{path} shows the public incident"
        );
        for t in secret {
            assert!(!body.contains(t), "{path} shows {t:?}");
        }
    }

    // Each page's own subscribers hear about its incident…
    sink.wait_mail("ops@team.example", "Secret internal outage");
    sink.wait_mail("cto@acme.example", "Acme-only degradation");
    // …and the public one arrives after the other two were fanned out (events are
    // handled in order), so by now any leak would have been queued with it.
    for rcpt in ["reader@public.example", "picky@public.example"] {
        sink.wait_mail(rcpt, "Public database blip");
    }
    rx.wait("public incident on the public webhook", |h| {
        body_json(h)["incident"]["name"] == "Public database blip"
    });
    for rcpt in ["reader@public.example", "picky@public.example"] {
        for m in sink.to(rcpt) {
            let all = m.to_string();
            assert!(
                secret.iter().all(|t| !all.contains(t)),
                "{rcpt} got another page's incident: {}",
                subj(&m)
            );
        }
    }
    assert_eq!(
        sink.to("ops@team.example").len(),
        1,
        "the internal subscriber hears only about the internal incident"
    );
    for h in rx.hits.lock().unwrap().iter() {
        let body = String::from_utf8_lossy(&h.body);
        assert!(
            secret.iter().all(|t| !body.contains(t)),
            "public webhook got another page's incident: {body}"
        );
    }
    // The outbox agrees: no notice to a public recipient about another page's event.
    let (_, events) = s.api_get("/api/v1/events?limit=500", &key);
    let foreign: HashSet<&str> = events["data"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["page_id"] != public.as_str() && e["kind"] != "component.status_changed")
        .filter_map(|e| e["id"].as_str())
        .collect();
    assert!(
        !foreign.is_empty(),
        "the other pages' events exist: {events}"
    );
    let (_, notices) = s.api_get("/api/v1/notices?limit=500", &key);
    for n in notices["data"].as_array().unwrap() {
        let to_public = n["address"]
            .as_str()
            .is_some_and(|a| a.ends_with("public.example"))
            || n["address"]
                .as_str()
                .is_some_and(|a| a.ends_with("/public"));
        let about = n["event_id"].as_str().unwrap_or("");
        assert!(
            !(to_public && foreign.contains(about)),
            "leaked notice: {n}"
        );
    }
}

/// Issue 11.6: addresses typed by anonymous visitors reach the export as text, not formulas.
#[test]
fn export_defuses_formulas_typed_into_the_public_form() {
    let (_dir, _sink, s, key) = setup(&[]);
    let visitor = browser();
    let typed = [
        "-2+3+cmd|'/Ccalc'!A0@example.org",
        "=1+2@example.org",
        "+33@example.org",
    ];
    for email in typed {
        let (st, page) = form(&visitor, &s.url("/subscribe"), &[("email", email)]);
        assert_eq!(st, StatusCode::OK, "{email}: {page}");
        assert!(page.contains("Check your inbox"), "{email}: {page}");
    }
    let resp = s
        .api(Method::GET, "/api/v1/subscribers/export", &key)
        .send()
        .unwrap();
    let (st, csv) = text(resp);
    assert_eq!(st, StatusCode::OK, "{csv}");
    let addresses: Vec<String> = csv::Reader::from_reader(csv.as_bytes())
        .records()
        .map(|r| r.expect("CSV record")[2].to_string())
        .collect();
    for email in typed {
        let defused = format!("'{}", email.to_lowercase());
        assert!(addresses.contains(&defused), "{email} not defused: {csv}");
    }
    // The export imports back to the same subscribers, not to new quoted addresses.
    let resp = s
        .api(Method::POST, "/api/v1/subscribers/import", &key)
        .header("Content-Type", "text/csv")
        .body(csv.clone())
        .send()
        .unwrap();
    let (st, v) = json(resp);
    assert_eq!(st, StatusCode::OK, "{v}");
    assert_eq!(
        (&v["created"], &v["existing"]),
        (&json!(0), &json!(3)),
        "{v}"
    );
}
