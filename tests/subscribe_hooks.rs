//! Webhook and Slack subscriptions by anonymous visitors on the subscribe page: private
//! addresses are refused (literals and names that resolve to them), the subscription
//! starts only after a signed test delivery answered 2xx, and the sender checks the
//! address again at every delivery.

mod common;

use common::*;
use hmac::{Hmac, Mac};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use sha2::Sha256;
use std::io::{Read, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// One request the receiver got: its path, signature header and body.
#[derive(Debug, Clone)]
struct Hit {
    path: String,
    signature: String,
    body: Vec<u8>,
}

/// A local HTTP endpoint that records requests and answers 500 on `/broken`, else 200.
struct Receiver {
    port: u16,
    hits: Arc<Mutex<Vec<Hit>>>,
}

impl Receiver {
    fn start() -> Receiver {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let port = listener.local_addr().expect("addr").port();
        let hits = Arc::new(Mutex::new(Vec::new()));
        let h = hits.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { continue };
                let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
                let mut buf = Vec::new();
                let mut chunk = [0u8; 8192];
                let Some(end) = (loop {
                    if let Some(p) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                        break Some(p);
                    }
                    match stream.read(&mut chunk) {
                        Ok(0) | Err(_) => break None,
                        Ok(n) => buf.extend_from_slice(&chunk[..n]),
                    }
                }) else {
                    continue;
                };
                let head = String::from_utf8_lossy(&buf[..end]).to_string();
                let value = |name: &str| {
                    head.split("\r\n")
                        .filter_map(|l| l.split_once(':'))
                        .find(|(k, _)| k.trim().eq_ignore_ascii_case(name))
                        .map(|(_, v)| v.trim().to_string())
                        .unwrap_or_default()
                };
                let len: usize = value("content-length").parse().unwrap_or(0);
                let mut body = buf[end + 4..].to_vec();
                while body.len() < len {
                    match stream.read(&mut chunk) {
                        Ok(0) | Err(_) => break,
                        Ok(n) => body.extend_from_slice(&chunk[..n]),
                    }
                }
                let path = head.split(' ').nth(1).unwrap_or("").to_string();
                let status = if path == "/broken" { 500 } else { 200 };
                h.lock().expect("hits").push(Hit {
                    path,
                    signature: value("x-statusd-signature"),
                    body,
                });
                let _ = write!(
                    stream,
                    "HTTP/1.1 {status} X\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                );
            }
        });
        Receiver { port, hits }
    }

    fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    fn hits(&self) -> Vec<Hit> {
        self.hits.lock().expect("hits").clone()
    }
}

/// Checks `t=…,v1=…` the way the README tells receivers to.
fn signed_with(secret: &str, h: &Hit) -> bool {
    let part = |k: &str| {
        h.signature
            .split(',')
            .find_map(|p| p.trim().strip_prefix(k))
            .unwrap_or("")
            .to_string()
    };
    let (t, v1) = (part("t="), part("v1="));
    let Ok(expected) = hex::decode(v1) else {
        return false;
    };
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("hmac");
    mac.update(t.as_bytes());
    mac.update(b".");
    mac.update(&h.body);
    mac.verify_slice(&expected).is_ok()
}

fn sign_up(server: &Server, kind: &str, url: &str) -> (StatusCode, String) {
    text(
        browser()
            .post(server.url("/subscribe/webhook"))
            .form(&[("kind", kind), ("url", url)])
            .send()
            .expect("post the form"),
    )
}

fn subscribers(server: &Server, key: &str) -> Vec<Value> {
    let (status, v) = server.api_get("/api/v1/subscribers", key);
    assert_eq!(status, StatusCode::OK, "{v}");
    v["data"].as_array().cloned().unwrap_or_default()
}

#[test]
fn anonymous_endpoints_on_private_addresses_are_refused() {
    let (_dir, data) = temp_data();
    let key = offline_key(&data, "owner");
    let server = Server::start(&data);
    let receiver = Receiver::start();
    let cases = [
        (receiver.url("/hook"), "loopback"),
        (
            format!("http://localhost:{}/hook", receiver.port),
            "loopback",
        ),
        ("http://10.1.2.3/hook".to_string(), "private"),
        ("http://192.168.0.10/hook".to_string(), "private"),
        (
            "http://169.254.169.254/latest/meta-data/".to_string(),
            "cloud metadata",
        ),
        ("http://100.64.0.1/".to_string(), "carrier-grade NAT"),
        ("http://[::1]:9/".to_string(), "loopback"),
        ("http://[fd00:ec2::254]/".to_string(), "unique local"),
    ];
    for (url, why) in &cases {
        for kind in ["webhook", "slack"] {
            let (status, html) = sign_up(&server, kind, url);
            assert_eq!(status, StatusCode::BAD_REQUEST, "{kind} {url}");
            assert!(
                html.contains("Endpoint URL:"),
                "{url}: the error names the field"
            );
            assert!(
                html.contains(why),
                "{url}: the reason ({why}) is shown:\n{html}"
            );
            assert!(
                html.contains(&url.replace('&', "&amp;")),
                "{url}: kept in the form"
            );
        }
    }
    assert!(
        receiver.hits().is_empty(),
        "nothing was sent to a private address"
    );
    assert!(subscribers(&server, &key).is_empty(), "nothing was stored");
    // Editors keep adding any address they like.
    let (status, v) = server.api_send(
        Method::POST,
        "/api/v1/subscribers",
        &key,
        &json!({"kind": "webhook", "url": receiver.url("/team")}),
    );
    assert_eq!(status, StatusCode::CREATED, "{v}");
    assert_eq!(v["confirmed"], true);
}

#[test]
fn an_endpoint_starts_after_answering_a_signed_test_delivery_and_is_checked_at_every_send() {
    let (dir, data) = temp_data();
    let key = offline_key(&data, "owner");
    let allow = [("STATUSD_ALLOW_PRIVATE_WEBHOOK_TARGETS", "true".to_string())];
    let mut server = Server::start_with_env(&data, &allow);
    let receiver = Receiver::start();

    // An endpoint that does not answer 2xx is not subscribed.
    let (status, html) = sign_up(&server, "webhook", &receiver.url("/broken"));
    assert_eq!(status, StatusCode::BAD_REQUEST, "{html}");
    assert!(html.contains("signed test delivery failed"), "{html}");
    assert!(subscribers(&server, &key).is_empty());

    let (status, html) = sign_up(&server, "webhook", &receiver.url("/hook"));
    assert_eq!(status, StatusCode::OK, "{html}");
    assert!(html.contains("Endpoint subscribed"), "{html}");
    let secret = html
        .split("<code class=\"token\">")
        .nth(1)
        .and_then(|rest| rest.split('<').next())
        .expect("the secret is shown once")
        .to_string();
    let test = receiver
        .hits()
        .into_iter()
        .find(|h| h.path == "/hook")
        .expect("a test delivery");
    assert!(signed_with(&secret, &test), "signed with the shown secret");
    let body: Value = serde_json::from_slice(&test.body).expect("JSON");
    assert_eq!(body["meta"]["event"], "test");
    let subs = subscribers(&server, &key);
    assert_eq!(subs.len(), 1, "{subs:?}");
    assert_eq!(subs[0]["confirmed"], true);

    // The same endpoint again is a clear conflict, not a second subscription.
    let (status, html) = sign_up(&server, "webhook", &receiver.url("/hook"));
    assert_eq!(status, StatusCode::CONFLICT, "{html}");

    // Without the allowance, the sender refuses the private address at delivery time.
    server.stop();
    let server = Server::start(&data);
    let (status, comp) = server.api_send(
        Method::POST,
        "/api/v1/components",
        &key,
        &json!({"name": "API"}),
    );
    assert_eq!(status, StatusCode::CREATED, "{comp}");
    let (status, inc) = server.api_send(
        Method::POST,
        "/api/v1/incidents",
        &key,
        &json!({"title": "Down", "message": "Looking.", "impact": "major",
                "component_ids": [comp["id"]]}),
    );
    assert_eq!(status, StatusCode::CREATED, "{inc}");
    let deadline = Instant::now() + Duration::from_secs(20);
    let failed = loop {
        let (_, v) = server.api_get("/api/v1/notices?state=failed", &key);
        if let Some(n) = v["data"].as_array().and_then(|a| a.first()).cloned() {
            break n;
        }
        assert!(Instant::now() < deadline, "no failed notice: {v}");
        std::thread::sleep(Duration::from_millis(200));
    };
    let why = failed.to_string();
    assert!(why.contains("loopback"), "{why}");
    assert_eq!(
        receiver.hits().iter().filter(|h| h.path == "/hook").count(),
        1,
        "only the test delivery reached the endpoint"
    );
    drop(dir);
}
