//! Probe kinds against real servers on 127.0.0.1: an HTTP server that misbehaves on
//! purpose (500, slow, 1 GB body, redirect loop, reset), a TCP listener, a DNS server
//! (hickory-server) and a TLS server with a short-lived certificate from a test CA (rcgen).
//! Each check asserts what a user would read: up or down, and the reason.

use statusd::probe::{
    self, BasicAuth, DnsCheck, HttpCheck, ProbeOutcome, StatusRange, Target, TlsCheck,
};
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream, UdpSocket};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};
use std::thread;
use std::time::{Duration, Instant};

const TIMEOUT: Duration = Duration::from_millis(1000);
/// Slack over the timeout that a probe may take to return (thread wake-ups, teardown).
const SLACK: Duration = Duration::from_millis(700);

/// Runs a probe and checks it returned within the timeout.
fn check(target: &Target, timeout: Duration) -> ProbeOutcome {
    let started = Instant::now();
    let out = probe::run(target, timeout);
    assert!(
        started.elapsed() < timeout + SLACK,
        "took {:?}: {out:?}",
        started.elapsed()
    );
    if let Some(e) = &out.error {
        assert!(e.chars().count() <= probe::MAX_TEXT, "{e}");
    }
    out
}

fn assert_up(out: &ProbeOutcome) {
    assert!(out.up, "expected up: {out:?}");
    assert_eq!(out.error, None);
}

/// Asserts down with an error containing `want`.
fn assert_down(out: &ProbeOutcome, want: &str) {
    assert!(!out.up, "expected down ({want}): {out:?}");
    let e = out.error.as_deref().unwrap_or("");
    assert!(e.contains(want), "error {e:?} should contain {want:?}");
}

// ---------------------------------------------------------------- HTTP server

/// Bytes the /huge handler managed to write, across all requests.
static HUGE_SENT: AtomicU64 = AtomicU64::new(0);

const JSON_BODY: &str = r#"{"status":"ok","data":{"items":[{"state":"green"}]}}"#;

/// One HTTP server for the whole file, answering by path.
fn http_base() -> String {
    static ADDR: OnceLock<SocketAddr> = OnceLock::new();
    let addr = ADDR.get_or_init(|| {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        thread::spawn(move || {
            for conn in listener.incoming().flatten() {
                thread::spawn(move || handle_http(conn));
            }
        });
        addr
    });
    format!("http://{addr}")
}

/// Reads one request: (head, body).
fn read_request(conn: &mut TcpStream) -> Option<(String, Vec<u8>)> {
    conn.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    let head_end = loop {
        let n = conn.read(&mut chunk).ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
        if let Some(p) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break p + 4;
        }
        if buf.len() > 64 * 1024 {
            return None;
        }
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).to_string();
    let len: usize = head
        .lines()
        .find_map(|l| {
            l.to_ascii_lowercase()
                .strip_prefix("content-length:")
                .map(|v| v.trim().to_string())
        })
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    let mut body = buf[head_end..].to_vec();
    while body.len() < len {
        let n = conn.read(&mut chunk).ok()?;
        if n == 0 {
            break;
        }
        body.extend_from_slice(&chunk[..n]);
    }
    Some((head, body))
}

fn respond(conn: &mut TcpStream, status: &str, extra: &str, body: &[u8]) {
    let head = format!(
        "HTTP/1.1 {status}\r\nContent-Length: {}\r\nConnection: close\r\n{extra}\r\n",
        body.len()
    );
    let _ = conn.write_all(head.as_bytes());
    let _ = conn.write_all(body);
}

fn handle_http(mut conn: TcpStream) {
    let Some((head, body)) = read_request(&mut conn) else {
        return;
    };
    let path = head.split_whitespace().nth(1).unwrap_or("/").to_string();
    match path.as_str() {
        "/ok" => respond(
            &mut conn,
            "200 OK",
            "Content-Type: text/plain\r\n",
            b"hello, all systems ok",
        ),
        "/json" => respond(
            &mut conn,
            "200 OK",
            "Content-Type: application/json\r\n",
            JSON_BODY.as_bytes(),
        ),
        "/500" => respond(&mut conn, "500 Internal Server Error", "", b"boom"),
        "/slow" => {
            thread::sleep(Duration::from_secs(3));
            respond(&mut conn, "200 OK", "", b"late");
        }
        "/sleep-300" => {
            thread::sleep(Duration::from_millis(300));
            respond(&mut conn, "200 OK", "", b"done");
        }
        "/stall-body" => {
            let _ = conn.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\npartial");
            thread::sleep(Duration::from_secs(3));
        }
        "/huge" => {
            // 1 GB announced and streamed lazily until the client goes away.
            let total: u64 = 1 << 30;
            let _ = conn.write_all(
                format!("HTTP/1.1 200 OK\r\nContent-Length: {total}\r\n\r\n").as_bytes(),
            );
            let chunk = vec![b'a'; 64 * 1024];
            let mut sent = 0;
            while sent < total && conn.write_all(&chunk).is_ok() {
                sent += chunk.len() as u64;
                HUGE_SENT.fetch_add(chunk.len() as u64, Ordering::Relaxed);
            }
        }
        "/loop" => respond(&mut conn, "302 Found", "Location: /loop\r\n", b""),
        "/to-ok" => respond(&mut conn, "302 Found", "Location: /ok\r\n", b""),
        "/reset" => {
            // Linger 0: closing sends RST instead of FIN.
            let _ = socket2::SockRef::from(&conn).set_linger(Some(Duration::ZERO));
            drop(conn);
        }
        "/echo" => {
            let mut out = head.into_bytes();
            out.extend_from_slice(&body);
            respond(&mut conn, "200 OK", "Content-Type: text/plain\r\n", &out);
        }
        _ => respond(&mut conn, "404 Not Found", "", b"no such path"),
    }
}

fn http(path: &str) -> HttpCheck {
    HttpCheck::get(&format!("{}{path}", http_base()))
}

fn run_http(c: HttpCheck) -> ProbeOutcome {
    check(&Target::Http(c), TIMEOUT)
}

/// A port on 127.0.0.1 with nothing listening.
fn closed_port() -> u16 {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    l.local_addr().unwrap().port()
}

#[test]
fn http_200_is_up_with_the_status_in_the_detail() {
    let out = run_http(http("/ok"));
    assert_up(&out);
    assert_eq!(out.detail.as_deref(), Some("HTTP 200"));
}

#[test]
fn http_status_outside_the_expected_ranges_is_down() {
    assert_down(&run_http(http("/500")), "HTTP 500 (expected 200-299)");
    let ranges = |v: &[&str]| {
        v.iter()
            .map(|s| s.parse::<StatusRange>().unwrap())
            .collect::<Vec<_>>()
    };
    assert_up(&run_http(HttpCheck {
        expected_status: ranges(&["5xx"]),
        ..http("/500")
    }));
    assert_up(&run_http(HttpCheck {
        expected_status: ranges(&["200", "500-503"]),
        ..http("/500")
    }));
    assert_down(
        &run_http(HttpCheck {
            expected_status: ranges(&["200", "502-503"]),
            ..http("/500")
        }),
        "HTTP 500 (expected 200, 502-503)",
    );
    assert_down(&run_http(http("/missing")), "HTTP 404");
}

#[test]
fn http_keyword_present_and_absent() {
    let kw = |k: &str, absent: bool| HttpCheck {
        keyword: Some(k.into()),
        keyword_absent: absent,
        ..http("/ok")
    };
    assert_up(&run_http(kw("all systems ok", false)));
    let out = run_http(kw("degraded", false));
    assert_down(&out, "keyword \"degraded\" not found");
    assert!(
        out.detail.unwrap().contains("hello, all systems ok"),
        "detail shows the body start"
    );
    assert_up(&run_http(kw("error", true)));
    assert_down(
        &run_http(kw("hello", true)),
        "keyword \"hello\" found (must be absent)",
    );
}

#[test]
fn http_json_path_equals() {
    let js = |path: &str, eq: Option<&str>| HttpCheck {
        json_path: Some(path.into()),
        json_equals: eq.map(Into::into),
        ..http("/json")
    };
    assert_up(&run_http(js("$.status", Some("ok"))));
    assert_up(&run_http(js("data.items[0].state", Some("green"))));
    assert_up(&run_http(js("$.data.items[0]", None)));
    assert_down(
        &run_http(js("$.status", Some("down"))),
        "JSON $.status is \"ok\" (expected \"down\")",
    );
    assert_down(
        &run_http(js("$.data.items[3].state", None)),
        "JSON path $.data.items[3].state not found",
    );
    let not_json = HttpCheck {
        json_path: Some("$.status".into()),
        ..http("/ok")
    };
    assert_down(&run_http(not_json), "response is not JSON");
}

#[test]
fn http_slow_answer_times_out_with_a_clear_reason() {
    let out = run_http(http("/slow"));
    assert_down(&out, "timeout after 1000 ms");
    assert!(out.latency_ms >= 900, "{out:?}");
}

#[test]
fn http_body_that_stalls_times_out_during_a_keyword_check() {
    let out = run_http(HttpCheck {
        keyword: Some("never".into()),
        ..http("/stall-body")
    });
    assert_down(&out, "timeout after 1000 ms");
}

#[test]
fn http_max_response_time_exceeded_is_down() {
    let out = run_http(HttpCheck {
        max_response_ms: Some(100),
        ..http("/sleep-300")
    });
    assert_down(&out, "(max 100 ms)");
    assert!(out.error.unwrap().starts_with("response took "));
    assert_up(&run_http(HttpCheck {
        max_response_ms: Some(900),
        ..http("/sleep-300")
    }));
}

#[test]
fn http_huge_body_is_never_read_past_the_limit() {
    // No content check: the body is not read at all.
    let started = Instant::now();
    assert_up(&run_http(http("/huge")));
    // A keyword check reads 1 MiB, then stops.
    let out = run_http(HttpCheck {
        keyword: Some("zzz".into()),
        ..http("/huge")
    });
    assert_down(&out, "keyword \"zzz\" not found in the first 1 MiB");
    let out = run_http(HttpCheck {
        json_path: Some("$.a".into()),
        ..http("/huge")
    });
    assert_down(&out, "response is over 1 MiB");
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "{:?}",
        started.elapsed()
    );
    // Give the server threads a moment to notice the closed sockets.
    thread::sleep(Duration::from_millis(200));
    let sent = HUGE_SENT.load(Ordering::Relaxed);
    assert!(
        sent < 64 << 20,
        "server wrote {sent} bytes: the probe kept reading"
    );
}

#[test]
fn http_redirects_are_judged_as_is_unless_followed() {
    let out = run_http(http("/loop"));
    assert_down(&out, "HTTP 302 (expected 200-299)");
    assert_eq!(out.detail.as_deref(), Some("redirects to /loop"));
    assert_down(
        &run_http(HttpCheck {
            follow_redirects: true,
            ..http("/loop")
        }),
        "too many redirects (more than 10)",
    );
    assert_up(&run_http(HttpCheck {
        follow_redirects: true,
        ..http("/to-ok")
    }));
}

#[test]
fn http_reset_and_refused_connections_are_down() {
    assert_down(&run_http(http("/reset")), "connection reset by peer");
    let out = run_http(HttpCheck::get(&format!(
        "http://127.0.0.1:{}/",
        closed_port()
    )));
    assert_down(&out, "connection refused");
}

#[test]
fn http_sends_method_headers_body_and_auth() {
    let echo = |c: HttpCheck, want: &str| {
        let out = run_http(HttpCheck {
            keyword: Some(want.into()),
            ..c
        });
        assert_up(&out);
    };
    let basic = HttpCheck {
        basic_auth: Some(BasicAuth {
            username: "user".into(),
            password: "pass".into(),
        }),
        ..http("/echo")
    };
    echo(basic, "Basic dXNlcjpwYXNz");
    echo(
        HttpCheck {
            bearer_token: Some("tok-123".into()),
            ..http("/echo")
        },
        "Bearer tok-123",
    );
    let mut custom = http("/echo");
    custom
        .headers
        .insert("X-Probe".into(), "statusd-test".into());
    echo(custom, "statusd-test");
    echo(http("/echo"), "statusd/");
    let post = HttpCheck {
        method: "post".into(),
        body: Some("ping-body".into()),
        ..http("/echo")
    };
    echo(post.clone(), "POST /echo");
    echo(post, "ping-body");
}

// ---------------------------------------------------------------- TCP

#[test]
fn tcp_open_port_is_up_and_closed_port_is_down() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let out = check(
        &Target::Tcp {
            host: "127.0.0.1".into(),
            port,
        },
        TIMEOUT,
    );
    assert_up(&out);
    assert_eq!(out.detail, Some(format!("connected to 127.0.0.1:{port}")));
    let out = check(
        &Target::Tcp {
            host: "127.0.0.1".into(),
            port: closed_port(),
        },
        TIMEOUT,
    );
    assert_down(&out, "connection refused");
    assert_eq!(
        Target::Tcp {
            host: "127.0.0.1".into(),
            port: 0
        }
        .validate()
        .unwrap_err()
        .0,
        "port"
    );
}

// ---------------------------------------------------------------- DNS

/// A hickory-server authoritative for `statusd.test.` on a random UDP port of 127.0.0.1.
fn dns_server() -> SocketAddr {
    use hickory_server::Server;
    use hickory_server::net::runtime::TokioRuntimeProvider;
    use hickory_server::proto::rr::rdata::{A, SOA, TXT};
    use hickory_server::proto::rr::{LowerName, Name, RData, Record};
    use hickory_server::store::in_memory::InMemoryZoneHandler;
    use hickory_server::zone_handler::{AxfrPolicy, Catalog, ZoneType};

    static ADDR: OnceLock<SocketAddr> = OnceLock::new();
    *ADDR.get_or_init(|| {
        let socket = UdpSocket::bind("127.0.0.1:0").unwrap();
        socket.set_nonblocking(true).unwrap();
        let addr = socket.local_addr().unwrap();
        thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            rt.block_on(async move {
                let name = |n: &str| Name::from_ascii(n).unwrap();
                let origin = name("statusd.test.");
                let mut zone = InMemoryZoneHandler::<TokioRuntimeProvider>::empty(
                    origin.clone(),
                    ZoneType::Primary,
                    AxfrPolicy::Deny,
                );
                let soa = SOA::new(
                    name("ns.statusd.test."),
                    name("admin.statusd.test."),
                    1,
                    3600,
                    600,
                    86400,
                    60,
                );
                let records = [
                    Record::from_rdata(origin.clone(), 60, RData::SOA(soa)),
                    Record::from_rdata(
                        name("www.statusd.test."),
                        60,
                        RData::A(A::new(127, 0, 0, 1)),
                    ),
                    Record::from_rdata(
                        name("www.statusd.test."),
                        60,
                        RData::A(A::new(127, 0, 0, 2)),
                    ),
                    Record::from_rdata(
                        name("statusd.test."),
                        60,
                        RData::TXT(TXT::new(vec!["v=statusd ok".into()])),
                    ),
                ];
                for r in records {
                    assert!(zone.upsert_mut(r, 1));
                }
                let mut catalog = Catalog::new();
                catalog.upsert(LowerName::new(&origin), vec![Arc::new(zone)]);
                let mut server = Server::new(catalog);
                server.register_socket(tokio::net::UdpSocket::from_std(socket).unwrap());
                let _ = server.block_until_done().await;
            });
        });
        addr
    })
}

fn dns(name: &str, record_type: &str, expected: Option<&str>) -> Target {
    Target::Dns(DnsCheck {
        name: name.into(),
        record_type: record_type.into(),
        expected: expected.map(Into::into),
        resolver: Some(dns_server()),
    })
}

#[test]
fn dns_expected_value_match_and_mismatch() {
    let out = check(&dns("www.statusd.test", "A", Some("127.0.0.2")), TIMEOUT);
    assert_up(&out);
    let detail = out.detail.unwrap();
    assert!(
        detail.starts_with("A ") && detail.contains("127.0.0.1") && detail.contains("127.0.0.2"),
        "{detail}"
    );
    assert_up(&check(&dns("www.statusd.test.", "a", None), TIMEOUT));
    let out = check(&dns("www.statusd.test", "A", Some("127.0.0.9")), TIMEOUT);
    assert_down(
        &out,
        "expected \"127.0.0.9\" not among the answers: 127.0.0.",
    );
    assert_up(&check(
        &dns("statusd.test", "TXT", Some("v=statusd ok")),
        TIMEOUT,
    ));
    assert_down(
        &check(&dns("statusd.test", "TXT", Some("v=other")), TIMEOUT),
        "not among the answers: v=statusd ok",
    );
}

#[test]
fn dns_missing_names_and_types_are_down() {
    assert_down(
        &check(&dns("nope.statusd.test", "A", None), TIMEOUT),
        "nope.statusd.test does not exist (NXDOMAIN)",
    );
    assert_down(
        &check(&dns("www.statusd.test", "AAAA", None), TIMEOUT),
        "no AAAA records for www.statusd.test",
    );
}

#[test]
fn dns_server_that_does_not_answer_is_down_within_the_timeout() {
    // A bound UDP socket that never replies.
    let silent = UdpSocket::bind("127.0.0.1:0").unwrap();
    let target = Target::Dns(DnsCheck {
        name: "www.statusd.test".into(),
        resolver: Some(silent.local_addr().unwrap()),
        ..Default::default()
    });
    assert_down(
        &check(&target, Duration::from_millis(500)),
        "timeout after 500 ms",
    );
}

#[test]
fn dns_probe_runs_on_the_blocking_pool_of_a_runtime() {
    // The scheduler calls probes from spawn_blocking; the DNS probe starts its own runtime.
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let target = dns("www.statusd.test", "A", Some("127.0.0.1"));
    let out = rt
        .block_on(async { tokio::task::spawn_blocking(move || probe::run(&target, TIMEOUT)).await })
        .unwrap();
    assert_up(&out);
}

// ---------------------------------------------------------------- TLS

struct TlsServer {
    addr: SocketAddr,
    ca_pem: String,
}

/// A TLS server on 127.0.0.1 whose leaf (for "localhost" and 127.0.0.1) became valid ten
/// days ago and ends in `days_left` days (negative: already expired), signed by a fresh
/// test CA. It answers one HTTP request per connection with "ok".
fn tls_server(days_left: i64) -> TlsServer {
    use rcgen::{
        BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair, KeyUsagePurpose,
    };
    use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
    use time::{Duration as Days, OffsetDateTime};

    let now = OffsetDateTime::now_utc();
    let mut ca = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca.distinguished_name
        .push(DnType::CommonName, "statusd test CA");
    ca.key_usages = vec![
        KeyUsagePurpose::KeyCertSign,
        KeyUsagePurpose::CrlSign,
        KeyUsagePurpose::DigitalSignature,
    ];
    ca.not_before = now - Days::days(30);
    ca.not_after = now + Days::days(365);
    let ca_key = KeyPair::generate().unwrap();
    let ca_cert = ca.self_signed(&ca_key).unwrap();
    let issuer = Issuer::new(ca, ca_key);

    let mut leaf =
        CertificateParams::new(vec!["localhost".to_string(), "127.0.0.1".to_string()]).unwrap();
    leaf.distinguished_name
        .push(DnType::CommonName, "localhost");
    leaf.not_before = now - Days::days(10);
    leaf.not_after = now + Days::days(days_left);
    let leaf_key = KeyPair::generate().unwrap();
    let leaf_cert = leaf.signed_by(&leaf_key, &issuer).unwrap();

    let chain = vec![
        CertificateDer::from(leaf_cert.der().to_vec()),
        CertificateDer::from(ca_cert.der().to_vec()),
    ];
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(leaf_key.serialize_der()));
    let config = rustls::ServerConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .unwrap()
    .with_no_client_auth()
    .with_single_cert(chain, key)
    .unwrap();
    let config = Arc::new(config);
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    thread::spawn(move || {
        for sock in listener.incoming().flatten() {
            let config = config.clone();
            thread::spawn(move || {
                let _ = sock.set_read_timeout(Some(Duration::from_secs(5)));
                let conn = rustls::ServerConnection::new(config).unwrap();
                let mut tls = rustls::StreamOwned::new(conn, sock);
                let mut buf = [0u8; 4096];
                if matches!(tls.read(&mut buf), Ok(n) if n > 0) {
                    let _ = tls.write_all(
                        b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok",
                    );
                    tls.conn.send_close_notify();
                    let _ = tls.flush();
                }
            });
        }
    });
    TlsServer {
        addr,
        ca_pem: ca_cert.pem(),
    }
}

fn tls_check(server: &TlsServer, warn_days: u32, trust: bool) -> TlsCheck {
    TlsCheck {
        host: "127.0.0.1".into(),
        port: server.addr.port(),
        warn_days,
        server_name: Some("localhost".into()),
        extra_roots_pem: trust.then(|| server.ca_pem.clone()),
    }
}

fn run_tls(c: TlsCheck) -> ProbeOutcome {
    check(&Target::Tls(c), TIMEOUT)
}

#[test]
fn tls_certificate_expiring_within_warn_days_is_down() {
    let server = tls_server(3);
    assert_down(
        &run_tls(tls_check(&server, 14, true)),
        "certificate expires in 2 days (",
    );
    let out = run_tls(tls_check(&server, 1, true));
    assert_up(&out);
    assert!(out.detail.unwrap().contains("(2 days left)"));
    // The IP address is in the certificate too.
    assert_up(&run_tls(TlsCheck {
        server_name: None,
        ..tls_check(&server, 1, true)
    }));
}

#[test]
fn tls_untrusted_chain_wrong_name_and_expired_are_down_with_the_reason() {
    let server = tls_server(3);
    assert_down(
        &run_tls(tls_check(&server, 1, false)),
        "certificate chain not trusted: unknown issuer",
    );
    let wrong_name = TlsCheck {
        server_name: Some("other.test".into()),
        ..tls_check(&server, 1, true)
    };
    assert_down(
        &run_tls(wrong_name),
        "certificate not valid for other.test (it is for localhost, 127.0.0.1)",
    );
    let expired = tls_server(-2);
    assert_down(
        &run_tls(tls_check(&expired, 1, true)),
        "certificate expired on ",
    );
    assert_down(&run_tls(tls_check(&expired, 1, true)), " (2 days ago)");
}

#[test]
fn tls_probe_of_a_plain_server_or_closed_port_is_down() {
    // A plain-text server that answers anything with an HTTP 400, as web servers do.
    let plain = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = plain.local_addr().unwrap().port();
    thread::spawn(move || {
        for mut conn in plain.incoming().flatten() {
            let mut buf = [0u8; 512];
            let _ = conn.read(&mut buf);
            let _ = conn.write_all(b"HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n");
        }
    });
    let local = |port| TlsCheck {
        host: "127.0.0.1".into(),
        port,
        ..Default::default()
    };
    assert_down(&run_tls(local(port)), "not a TLS server");
    assert_down(&run_tls(local(closed_port())), "connection refused");
}

#[test]
fn https_checks_verify_the_certificate_unless_told_not_to() {
    let server = tls_server(3);
    let url = format!("https://127.0.0.1:{}/", server.addr.port());
    assert_down(
        &run_http(HttpCheck::get(&url)),
        "certificate chain not trusted: unknown issuer",
    );
    assert_up(&run_http(HttpCheck {
        verify_tls: false,
        keyword: Some("ok".into()),
        ..HttpCheck::get(&url)
    }));
}
