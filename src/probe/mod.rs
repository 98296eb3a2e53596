//! Probes: one blocking check per monitor kind (HTTP, TCP, DNS, TLS expiry).
//!
//! Each probe is a plain function bounded by the timeout it is given, whatever the
//! target does (hangs, endless redirects, huge bodies, resets); the scheduler runs
//! them on the blocking pool behind a semaphore. No async, no storage, no web here.

mod dns;
mod http;
mod tcp;
mod tls;

pub use dns::{DnsCheck, RECORD_TYPES};
pub use http::{BODY_LIMIT, BasicAuth, HttpCheck, JsonPath, StatusRange};
pub use tcp::validate_tcp;
pub use tls::TlsCheck;

use serde::{Deserialize, Serialize};
use std::io;
use std::net::{IpAddr, SocketAddr, TcpStream, ToSocketAddrs};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// Longest `error` or `detail` text an outcome carries, in characters.
pub const MAX_TEXT: usize = 200;

/// The result of one check.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProbeOutcome {
    pub up: bool,
    /// Time the check took (connect, handshake, response, body read as far as needed).
    pub latency_ms: u32,
    /// Why it is down: short and human, at most [`MAX_TEXT`] characters.
    pub error: Option<String>,
    /// What was seen, for the admin view (status line, answers, expiry date).
    pub detail: Option<String>,
}

impl ProbeOutcome {
    fn up(started: Instant, detail: String) -> Self {
        ProbeOutcome {
            up: true,
            latency_ms: elapsed_ms(started),
            error: None,
            detail: Some(clip(&detail)),
        }
    }

    fn down(started: Instant, error: String) -> Self {
        ProbeOutcome {
            up: false,
            latency_ms: elapsed_ms(started),
            error: Some(clip(&error)),
            detail: None,
        }
    }

    fn with_detail(mut self, detail: String) -> Self {
        self.detail = Some(clip(&detail));
        self
    }
}

/// What to check, by kind; stored in the monitor record.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum Target {
    Http(HttpCheck),
    Tcp { host: String, port: u16 },
    Dns(DnsCheck),
    Tls(TlsCheck),
}

impl Target {
    /// Checks the settings; the error names the field and says why.
    pub fn validate(&self) -> Result<(), (&'static str, String)> {
        match self {
            Target::Http(c) => c.validate(),
            Target::Tcp { host, port } => validate_tcp(host, *port),
            Target::Dns(c) => c.validate(),
            Target::Tls(c) => c.validate(),
        }
    }
}

/// Runs one check, returning within about `timeout` whatever the target does.
pub fn run(target: &Target, timeout: Duration) -> ProbeOutcome {
    let timeout = timeout.max(Duration::from_millis(1));
    match target {
        Target::Http(c) => http::run(c, timeout),
        Target::Tcp { host, port } => tcp::run(host, *port, timeout),
        Target::Dns(c) => dns::run(c, timeout),
        Target::Tls(c) => tls::run(c, timeout),
    }
}

fn elapsed_ms(started: Instant) -> u32 {
    u32::try_from(started.elapsed().as_millis()).unwrap_or(u32::MAX)
}

/// Cuts text to [`MAX_TEXT`] characters on a character boundary.
fn clip(s: &str) -> String {
    if s.chars().count() <= MAX_TEXT {
        return s.to_string();
    }
    let mut out: String = s.chars().take(MAX_TEXT - 1).collect();
    out.push('…');
    out
}

fn timeout_error(timeout: Duration) -> String {
    format!("timeout after {} ms", timeout.as_millis())
}

/// A host as given in a target: a DNS name or an IP address (IPv6 with or without brackets).
fn validate_host(host: &str) -> Result<(), String> {
    let h = host.trim();
    if h.is_empty() {
        return Err("must not be empty".into());
    }
    if parse_ip(h).is_some() {
        return Ok(());
    }
    crate::domain::validate::hostname(h).map(|_| ())
}

fn parse_ip(host: &str) -> Option<IpAddr> {
    host.trim_start_matches('[')
        .trim_end_matches(']')
        .parse()
        .ok()
}

/// Resolves `host` with the system resolver, giving up at `deadline`. The lookup runs on
/// its own thread because getaddrinfo has no timeout; a late answer is dropped.
fn resolve(
    host: &str,
    port: u16,
    deadline: Instant,
    timeout: Duration,
) -> Result<Vec<SocketAddr>, String> {
    if let Some(ip) = parse_ip(host) {
        return Ok(vec![SocketAddr::new(ip, port)]);
    }
    let (tx, rx) = mpsc::channel();
    let name = host.trim().to_string();
    std::thread::Builder::new()
        .name("probe-resolve".into())
        .spawn(move || {
            let _ = tx.send((name.as_str(), port).to_socket_addrs().map(Vec::from_iter));
        })
        .map_err(|e| format!("cannot start resolver thread: {e}"))?;
    match rx.recv_timeout(deadline.saturating_duration_since(Instant::now())) {
        Ok(Ok(addrs)) if !addrs.is_empty() => Ok(addrs),
        Ok(Ok(_)) => Err(format!("host {host} has no addresses")),
        Ok(Err(e)) => Err(format!(
            "cannot resolve host {host}: {}",
            resolve_reason(&e)
        )),
        Err(_) => Err(timeout_error(timeout)),
    }
}

fn resolve_reason(e: &io::Error) -> String {
    let s = e.to_string();
    // getaddrinfo messages come as "failed to lookup address information: Name or service not known".
    s.rsplit_once(": ").map(|(_, r)| r.to_string()).unwrap_or(s)
}

/// Connects to the first address that answers, giving up at `deadline`.
fn connect(
    addrs: &[SocketAddr],
    deadline: Instant,
    timeout: Duration,
) -> Result<TcpStream, String> {
    let mut last = None;
    for addr in addrs {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            break;
        }
        match TcpStream::connect_timeout(addr, left) {
            Ok(s) => return Ok(s),
            Err(e) => last = Some(e),
        }
    }
    Err(match last {
        Some(e) => io_error(&e, timeout),
        None => timeout_error(timeout),
    })
}

/// A short reason for a socket error; TLS failures arrive wrapped in one.
fn io_error(e: &io::Error, timeout: Duration) -> String {
    if let Some(tls) = e
        .get_ref()
        .and_then(|inner| inner.downcast_ref::<rustls::Error>())
    {
        return tls::describe(tls);
    }
    match e.kind() {
        io::ErrorKind::TimedOut | io::ErrorKind::WouldBlock => timeout_error(timeout),
        io::ErrorKind::ConnectionRefused => "connection refused".into(),
        io::ErrorKind::ConnectionReset => "connection reset by peer".into(),
        io::ErrorKind::ConnectionAborted => "connection aborted".into(),
        io::ErrorKind::UnexpectedEof => "connection closed before a complete answer".into(),
        io::ErrorKind::HostUnreachable => "host unreachable".into(),
        io::ErrorKind::NetworkUnreachable => "network unreachable".into(),
        io::ErrorKind::AddrNotAvailable => "address not available".into(),
        _ => e.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clip_keeps_short_text_and_cuts_long_text() {
        assert_eq!(clip("short"), "short");
        let long = "é".repeat(500);
        let c = clip(&long);
        assert_eq!(c.chars().count(), MAX_TEXT);
        assert!(c.ends_with('…'));
    }

    #[test]
    fn hosts_table() {
        for ok in [
            "example.com",
            "localhost",
            "127.0.0.1",
            "::1",
            "[::1]",
            "a-b.example.",
        ] {
            assert!(validate_host(ok).is_ok(), "{ok}");
        }
        for bad in ["", " ", "exa mple.com", "-x.com", "a..b", "http://x"] {
            assert!(validate_host(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn target_serializes_with_a_kind_tag() {
        let t = Target::Tcp {
            host: "db".into(),
            port: 5432,
        };
        let v = serde_json::to_value(&t).unwrap();
        assert_eq!(
            v,
            serde_json::json!({"kind": "tcp", "host": "db", "port": 5432})
        );
        assert_eq!(serde_json::from_value::<Target>(v).unwrap(), t);
    }
}
