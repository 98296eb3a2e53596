//! TLS certificate checks: a full handshake with rustls against the public roots (plus
//! any private CA given), then the leaf certificate's notAfter against `warn_days`.

use super::{ProbeOutcome, connect, io_error, resolve, timeout_error, validate_host};
use chrono::{DateTime, NaiveDateTime, Utc};
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
    let Some((_, not_after)) = validity(&leaf) else {
        return ProbeOutcome::down(
            started,
            "cannot read the certificate's validity dates".into(),
        );
    };
    let left = not_after - Utc::now();
    let date = not_after.format("%Y-%m-%d");
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

/// One DER element: (tag, contents, rest).
fn tlv(b: &[u8]) -> Option<(u8, &[u8], &[u8])> {
    let tag = *b.first()?;
    let first = *b.get(1)?;
    let (len, header) = if first < 0x80 {
        (usize::from(first), 2)
    } else {
        let n = usize::from(first & 0x7f);
        if n == 0 || n > 4 {
            return None;
        }
        let len = b
            .get(2..2 + n)?
            .iter()
            .fold(0usize, |acc, &x| acc << 8 | usize::from(x));
        (len, 2 + n)
    };
    let end = header.checked_add(len)?;
    Some((tag, b.get(header..end)?, &b[end..]))
}

/// notBefore and notAfter of an X.509 certificate (RFC 5280 4.1): Certificate ->
/// tbsCertificate -> [version], serial, signature, issuer, validity.
fn validity(der: &[u8]) -> Option<(DateTime<Utc>, DateTime<Utc>)> {
    const SEQUENCE: u8 = 0x30;
    let (SEQUENCE, cert, _) = tlv(der)? else {
        return None;
    };
    let (SEQUENCE, tbs, _) = tlv(cert)? else {
        return None;
    };
    let (mut tag, _, mut rest) = tlv(tbs)?;
    if tag == 0xa0 {
        (tag, _, rest) = tlv(rest)?;
    }
    if tag != 0x02 {
        return None;
    }
    let (SEQUENCE, _, rest) = tlv(rest)? else {
        return None;
    };
    let (SEQUENCE, _, rest) = tlv(rest)? else {
        return None;
    };
    let (SEQUENCE, dates, _) = tlv(rest)? else {
        return None;
    };
    let (t1, nb, rest) = tlv(dates)?;
    let (t2, na, _) = tlv(rest)?;
    Some((der_time(t1, nb)?, der_time(t2, na)?))
}

/// UTCTime (`YYMMDDHHMMSSZ`, years 1950-2049) or GeneralizedTime (`YYYYMMDDHHMMSSZ`).
fn der_time(tag: u8, bytes: &[u8]) -> Option<DateTime<Utc>> {
    let s = std::str::from_utf8(bytes).ok()?;
    let full = match tag {
        0x17 => {
            let yy: u32 = s.get(..2)?.parse().ok()?;
            format!("{}{s}", if yy < 50 { "20" } else { "19" })
        }
        0x18 => s.to_string(),
        _ => return None,
    };
    NaiveDateTime::parse_from_str(&full, "%Y%m%d%H%M%SZ")
        .ok()
        .map(|d| d.and_utc())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn der_times_table() {
        let cases = [
            (0x17, "491231235959Z", Some("2049-12-31T23:59:59+00:00")),
            (0x17, "500101000000Z", Some("1950-01-01T00:00:00+00:00")),
            (0x18, "20501231120000Z", Some("2050-12-31T12:00:00+00:00")),
            (0x17, "4912312359Z", None),
            (0x04, "491231235959Z", None),
        ];
        for (tag, s, want) in cases {
            assert_eq!(
                der_time(tag, s.as_bytes())
                    .map(|d| d.to_rfc3339())
                    .as_deref(),
                want,
                "{s}"
            );
        }
    }

    #[test]
    fn presented_names_lose_their_wrapping() {
        assert_eq!(bare_name("DnsName(\"localhost\")"), "localhost");
        assert_eq!(bare_name("IpAddress(127.0.0.1)"), "127.0.0.1");
        assert_eq!(bare_name("plain.example"), "plain.example");
    }

    #[test]
    fn tlv_rejects_truncated_input() {
        assert_eq!(
            tlv(&[0x30, 0x03, 1, 2, 3]),
            Some((0x30, &[1u8, 2, 3][..], &[][..]))
        );
        assert_eq!(tlv(&[0x30, 0x82, 0x01, 0x00, 1]), None);
        assert_eq!(tlv(&[0x30]), None);
        assert_eq!(tlv(&[0x30, 0x85, 1, 1, 1, 1, 1]), None);
        assert_eq!(validity(&[0x30, 0x00]), None);
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
