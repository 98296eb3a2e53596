//! TLS certificate checks: a full handshake with rustls against the public roots (plus
//! any private CA given), then the leaf certificate's notAfter against `warn_days`.

use super::{ProbeOutcome, connect, io_error, resolve, timeout_error, validate_host};
use chrono::{DateTime, Utc};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{ClientConfig, ClientConnection, RootCertStore};
use serde::{Deserialize, Serialize};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

/// A TLS certificate expiry check.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct TlsCheck {
    /// Host name or IP to connect to.
    pub host: String,
    #[serde(default = "default_port")]
    pub port: u16,
    /// Down when the certificate expires within this many days (0: only when invalid).
    #[serde(default = "default_warn_days")]
    pub warn_days: u32,
    /// Name to send (SNI) and verify, when it differs from `host`.
    #[serde(default)]
    pub server_name: Option<String>,
    /// PEM certificates trusted besides the public web roots, for services signed by a
    /// private CA (internal hosts, test servers).
    #[serde(default)]
    pub extra_roots_pem: Option<String>,
}

fn default_port() -> u16 {
    443
}

fn default_warn_days() -> u32 {
    14
}

impl Default for TlsCheck {
    fn default() -> Self {
        TlsCheck {
            host: String::new(),
            port: default_port(),
            warn_days: default_warn_days(),
            server_name: None,
            extra_roots_pem: None,
        }
    }
}

impl TlsCheck {
    /// Checks the settings; the error names the field and says why.
    pub fn validate(&self) -> Result<(), (&'static str, String)> {
        validate_host(&self.host).map_err(|e| ("host", e))?;
        if self.port == 0 {
            return Err(("port", "must be between 1 and 65535".into()));
        }
        if self.warn_days > 3650 {
            return Err(("warn_days", "must be at most 3650 days".into()));
        }
        if let Some(n) = &self.server_name {
            server_name(n).map_err(|e| ("server_name", e))?;
        }
        if let Some(pem) = &self.extra_roots_pem {
            let mut roots = RootCertStore::empty();
            add_pem_roots(&mut roots, pem).map_err(|e| ("extra_roots_pem", e))?;
        }
        Ok(())
    }
}

fn server_name(name: &str) -> Result<ServerName<'static>, String> {
    let n = name.trim().trim_start_matches('[').trim_end_matches(']');
    ServerName::try_from(n.to_string()).map_err(|_| format!("{n:?} is not a valid server name"))
}

fn add_pem_roots(roots: &mut RootCertStore, pem: &str) -> Result<(), String> {
    let mut added = 0;
    for cert in CertificateDer::pem_slice_iter(pem.as_bytes()) {
        let cert = cert.map_err(|e| format!("cannot read PEM: {e}"))?;
        roots
            .add(cert)
            .map_err(|e| format!("not a usable CA certificate: {e}"))?;
        added += 1;
    }
    if added == 0 {
        return Err("holds no -----BEGIN CERTIFICATE----- block".into());
    }
    Ok(())
}

/// A client config that verifies against the web roots plus `extra_pem`. Resumption is
/// off so every check sees the certificate the server presents now.
fn client_config(extra_pem: Option<&str>) -> Result<Arc<ClientConfig>, String> {
    static PUBLIC: OnceLock<Arc<ClientConfig>> = OnceLock::new();
    let build = |roots: RootCertStore| -> Result<Arc<ClientConfig>, String> {
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let mut config = ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(|e| e.to_string())?
            .with_root_certificates(roots)
            .with_no_client_auth();
        config.resumption = rustls::client::Resumption::disabled();
        Ok(Arc::new(config))
    };
    let public_roots = || RootCertStore {
        roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
    };
    match extra_pem {
        None => {
            if let Some(c) = PUBLIC.get() {
                return Ok(c.clone());
            }
            let c = build(public_roots())?;
            Ok(PUBLIC.get_or_init(|| c).clone())
        }
        Some(pem) => {
            let mut roots = public_roots();
            add_pem_roots(&mut roots, pem).map_err(|e| format!("extra_roots_pem: {e}"))?;
            build(roots)
        }
    }
}

pub(super) fn run(check: &TlsCheck, timeout: Duration) -> ProbeOutcome {
    let started = Instant::now();
    let leaf = match handshake(check, started, timeout) {
        Ok(der) => der,
        Err(e) => return ProbeOutcome::down(started, e),
    };
    let Some(expires) = not_after(&leaf) else {
        return ProbeOutcome::down(
            started,
            "cannot read the certificate's validity dates".into(),
        );
    };
    let left = expires - Utc::now();
    let date = expires.format("%Y-%m-%d");
    if left < chrono::Duration::days(i64::from(check.warn_days)) {
        let when = match left.num_days() {
            0 => "in less than a day".to_string(),
            n => format!("in {}", days(n)),
        };
        return ProbeOutcome::down(started, format!("certificate expires {when} ({date})"));
    }
    ProbeOutcome::up(
        started,
        format!(
            "certificate valid until {date} ({} left)",
            days(left.num_days())
        ),
    )
}

fn days(n: i64) -> String {
    if n == 1 {
        "1 day".into()
    } else {
        format!("{n} days")
    }
}

/// Connects and completes a verified handshake; returns the leaf certificate.
fn handshake(check: &TlsCheck, started: Instant, timeout: Duration) -> Result<Vec<u8>, String> {
    let deadline = started + timeout;
    let name = server_name(check.server_name.as_deref().unwrap_or(&check.host))?;
    let config = client_config(check.extra_roots_pem.as_deref())?;
    let addrs = resolve(&check.host, check.port, deadline, timeout)?;
    let mut sock = connect(&addrs, deadline, timeout)?;
    let mut conn = ClientConnection::new(config, name).map_err(|e| describe(&e))?;
    while conn.is_handshaking() {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err(timeout_error(timeout));
        }
        let set = sock
            .set_read_timeout(Some(left))
            .and(sock.set_write_timeout(Some(left)));
        set.and_then(|_| conn.complete_io(&mut sock))
            .map_err(|e| io_error(&e, timeout))?;
    }
    let leaf = conn
        .peer_certificates()
        .and_then(|chain| chain.first())
        .ok_or("server sent no certificate")?
        .to_vec();
    conn.send_close_notify();
    let _ = conn.write_tls(&mut sock);
    Ok(leaf)
}

/// A short reason for a TLS failure.
pub(super) fn describe(e: &rustls::Error) -> String {
    use rustls::CertificateError as C;
    use rustls::Error as E;
    match e {
        E::InvalidCertificate(c) => match c {
            C::Expired => "certificate expired".into(),
            C::ExpiredContext { time, not_after } => {
                let ago = time.as_secs().saturating_sub(not_after.as_secs()) / 86_400;
                format!("certificate expired on {} ({} ago)", unix_date(not_after), days(i64::try_from(ago).unwrap_or(i64::MAX)))
            }
            C::NotValidYet => "certificate not valid yet".into(),
            C::NotValidYetContext { not_before, .. } => {
                format!("certificate not valid before {}", unix_date(not_before))
            }
            C::UnknownIssuer => "certificate chain not trusted: unknown issuer (self-signed or missing intermediate)".into(),
            C::NotValidForName => "certificate not valid for this host name".into(),
            C::NotValidForNameContext { expected, presented } => format!(
                "certificate not valid for {} (it is for {})",
                expected.to_str(),
                if presented.is_empty() { "no names".into() } else { presented.iter().map(|p| bare_name(p)).collect::<Vec<_>>().join(", ") }
            ),
            C::BadSignature => "certificate signature is invalid".into(),
            C::Revoked => "certificate revoked".into(),
            C::InvalidPurpose | C::InvalidPurposeContext { .. } => "certificate not issued for TLS servers".into(),
            C::BadEncoding => "certificate is malformed".into(),
            other => format!("invalid certificate: {other:?}"),
        },
        E::AlertReceived(a) => format!("server refused the TLS handshake (alert {a:?})"),
        E::NoCertificatesPresented => "server sent no certificate".into(),
        E::PeerIncompatible(p) => format!("no TLS version or cipher suite in common ({p:?})"),
        E::InvalidMessage(_) => "not a TLS server (invalid TLS message)".into(),
        other => format!("TLS handshake failed: {other}"),
    }
}

/// rustls lists names as `DnsName("a.example")` or `IpAddress(127.0.0.1)`; keep the name.
fn bare_name(presented: &str) -> &str {
    match (presented.find('('), presented.rfind(')')) {
        (Some(open), Some(close)) if open < close => presented[open + 1..close].trim_matches('"'),
        _ => presented,
    }
}

fn unix_date(t: &UnixTime) -> String {
    i64::try_from(t.as_secs())
        .ok()
        .and_then(|s| DateTime::from_timestamp(s, 0))
        .map(|d| d.format("%Y-%m-%d").to_string())
        .unwrap_or_else(|| "an unknown date".into())
}

/// The certificate's notAfter, read with x509-parser.
fn not_after(der: &[u8]) -> Option<DateTime<Utc>> {
    let (_, cert) = x509_parser::parse_x509_certificate(der).ok()?;
    DateTime::from_timestamp(cert.validity().not_after.timestamp(), 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn not_after_reads_utc_and_generalized_times() {
        // X.509 writes years up to 2049 as UTCTime and from 2050 as GeneralizedTime.
        for (y, m, d) in [(2049, 12, 31), (2050, 1, 1), (1999, 6, 30)] {
            let mut params = rcgen::CertificateParams::new(vec!["localhost".into()]).unwrap();
            params.not_after = rcgen::date_time_ymd(y, m, d);
            let key = rcgen::KeyPair::generate().unwrap();
            let cert = params.self_signed(&key).unwrap();
            assert_eq!(
                not_after(cert.der()).map(|t| t.format("%Y-%m-%d").to_string()),
                Some(format!("{y}-{m:02}-{d:02}"))
            );
        }
        assert_eq!(not_after(&[0x30, 0x00]), None);
        assert_eq!(not_after(b"not DER"), None);
    }

    #[test]
    fn presented_names_lose_their_wrapping() {
        assert_eq!(bare_name("DnsName(\"localhost\")"), "localhost");
        assert_eq!(bare_name("IpAddress(127.0.0.1)"), "127.0.0.1");
        assert_eq!(bare_name("plain.example"), "plain.example");
    }

    #[test]
    fn validation_names_the_field() {
        let ok = TlsCheck {
            host: "example.com".into(),
            ..Default::default()
        };
        assert_eq!(ok.validate(), Ok(()));
        let field = |c: TlsCheck| c.validate().unwrap_err().0;
        assert_eq!(
            field(TlsCheck {
                host: "".into(),
                ..ok.clone()
            }),
            "host"
        );
        assert_eq!(
            field(TlsCheck {
                port: 0,
                ..ok.clone()
            }),
            "port"
        );
        assert_eq!(
            field(TlsCheck {
                warn_days: 5000,
                ..ok.clone()
            }),
            "warn_days"
        );
        assert_eq!(
            field(TlsCheck {
                server_name: Some("bad name".into()),
                ..ok.clone()
            }),
            "server_name"
        );
        assert_eq!(
            field(TlsCheck {
                extra_roots_pem: Some("nope".into()),
                ..ok.clone()
            }),
            "extra_roots_pem"
        );
        let c: TlsCheck =
            serde_json::from_value(serde_json::json!({"host": "example.com"})).unwrap();
        assert_eq!(c, ok);
    }
}
