//! DNS checks on hickory-resolver: ask the system's resolvers or a given server for one
//! record type, up when there are answers (and, if set, the expected value is among them).
//! hickory is async, so each check drives it on a small current-thread runtime.

use super::{ProbeOutcome, timeout_error};
use hickory_resolver::Resolver;
use hickory_resolver::config::{ConnectionConfig, NameServerConfig, ResolveHosts, ResolverConfig};
use hickory_resolver::net::runtime::TokioRuntimeProvider;
use hickory_resolver::net::{DnsError, NetError};
use hickory_resolver::proto::op::ResponseCode;
use hickory_resolver::proto::rr::{RData, RecordType};
use serde::de::Deserializer;
use serde::{Deserialize, Serialize};
use std::net::{IpAddr, SocketAddr};
use std::time::{Duration, Instant};

/// Record types a DNS check can ask for.
pub const RECORD_TYPES: [&str; 6] = ["A", "AAAA", "CNAME", "MX", "TXT", "NS"];

/// A DNS check.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct DnsCheck {
    /// The name to look up, taken as fully qualified (no search domains).
    pub name: String,
    /// A, AAAA, CNAME, MX, TXT or NS.
    #[serde(default = "default_record_type")]
    pub record_type: String,
    /// A value that must be among the answers: an address, a name, `10 mx.example.com`
    /// or just `mx.example.com` for MX, the full text for TXT.
    #[serde(default)]
    pub expected: Option<String>,
    /// The server to ask (`ip` or `ip:port`, port 53 by default); unset: the system's.
    #[serde(default, deserialize_with = "de_resolver")]
    pub resolver: Option<SocketAddr>,
}

fn default_record_type() -> String {
    "A".into()
}

impl Default for DnsCheck {
    fn default() -> Self {
        DnsCheck {
            name: String::new(),
            record_type: default_record_type(),
            expected: None,
            resolver: None,
        }
    }
}

fn de_resolver<'de, D: Deserializer<'de>>(d: D) -> Result<Option<SocketAddr>, D::Error> {
    match Option::<String>::deserialize(d)? {
        None => Ok(None),
        Some(s) if s.trim().is_empty() => Ok(None),
        Some(s) => parse_resolver(&s)
            .map(Some)
            .map_err(serde::de::Error::custom),
    }
}

fn parse_resolver(s: &str) -> Result<SocketAddr, String> {
    let t = s.trim();
    if let Ok(a) = t.parse::<SocketAddr>() {
        return Ok(a);
    }
    t.trim_start_matches('[')
        .trim_end_matches(']')
        .parse::<IpAddr>()
        .map(|ip| SocketAddr::new(ip, 53))
        .map_err(|_| format!("resolver: {t:?} is not an IP address or ip:port"))
}

impl DnsCheck {
    /// Checks the settings; the error names the field and says why.
    pub fn validate(&self) -> Result<(), (&'static str, String)> {
        dns_name(&self.name).map_err(|e| ("name", e))?;
        let rtype = record_type(&self.record_type).map_err(|e| ("record_type", e))?;
        if let Some(e) = &self.expected {
            let e = e.trim();
            if e.is_empty() {
                return Err((
                    "expected",
                    "must not be empty; leave it out to accept any answer".into(),
                ));
            }
            let ok = match rtype {
                RecordType::A => e.parse::<std::net::Ipv4Addr>().is_ok(),
                RecordType::AAAA => e.parse::<std::net::Ipv6Addr>().is_ok(),
                _ => true,
            };
            if !ok {
                return Err(("expected", format!("{e:?} is not an {rtype} address")));
            }
        }
        if self.resolver.is_some_and(|r| r.port() == 0) {
            return Err(("resolver", "port must be between 1 and 65535".into()));
        }
        Ok(())
    }
}

/// A DNS name: labels of letters, digits, `-` and `_` (for names like `_dmarc`).
fn dns_name(name: &str) -> Result<(), String> {
    let n = name.trim().trim_end_matches('.');
    let label_ok = |l: &str| {
        !l.is_empty()
            && l.len() <= 63
            && !l.starts_with('-')
            && !l.ends_with('-')
            && l.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    };
    if n.is_empty() || n.len() > 253 || !n.split('.').all(label_ok) {
        return Err(format!("{n:?} is not a valid DNS name"));
    }
    Ok(())
}

fn record_type(t: &str) -> Result<RecordType, String> {
    let up = t.trim().to_ascii_uppercase();
    match up.as_str() {
        "A" => Ok(RecordType::A),
        "AAAA" => Ok(RecordType::AAAA),
        "CNAME" => Ok(RecordType::CNAME),
        "MX" => Ok(RecordType::MX),
        "TXT" => Ok(RecordType::TXT),
        "NS" => Ok(RecordType::NS),
        _ => Err(format!(
            "{t:?} is not supported; use one of {}",
            RECORD_TYPES.join(", ")
        )),
    }
}

pub(super) fn run(check: &DnsCheck, timeout: Duration) -> ProbeOutcome {
    let started = Instant::now();
    let rtype = match record_type(&check.record_type) {
        Ok(t) => t,
        Err(e) => return ProbeOutcome::down(started, e),
    };
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => return ProbeOutcome::down(started, format!("cannot start the DNS runtime: {e}")),
    };
    let name = format!("{}.", check.name.trim().trim_end_matches('.'));
    let answers = runtime.block_on(async {
        tokio::time::timeout(timeout, lookup(&name, rtype, check.resolver, timeout))
            .await
            .unwrap_or_else(|_| Err(timeout_error(timeout)))
    });
    let answers = match answers {
        Ok(a) => a,
        Err(e) => return ProbeOutcome::down(started, e),
    };
    let shown = format!("{rtype} {}", answers.join(", "));
    if answers.is_empty() {
        return ProbeOutcome::down(
            started,
            format!("no {rtype} records for {}", check.name.trim()),
        );
    }
    if let Some(want) = &check.expected
        && !answers.iter().any(|a| matches(rtype, a, want.trim()))
    {
        return ProbeOutcome::down(
            started,
            format!(
                "expected {want:?} not among the answers: {}",
                answers.join(", ")
            ),
        )
        .with_detail(shown);
    }
    ProbeOutcome::up(started, shown)
}

async fn lookup(
    name: &str,
    rtype: RecordType,
    server: Option<SocketAddr>,
    timeout: Duration,
) -> Result<Vec<String>, String> {
    let provider = TokioRuntimeProvider::default();
    let mut builder = match server {
        Some(addr) => {
            let mut udp = ConnectionConfig::udp();
            udp.port = addr.port();
            let mut tcp = ConnectionConfig::tcp();
            tcp.port = addr.port();
            let ns = NameServerConfig::new(addr.ip(), true, vec![udp, tcp]);
            Resolver::builder_with_config(
                ResolverConfig::from_parts(None, vec![], vec![ns]),
                provider,
            )
        }
        None => Resolver::builder(provider)
            .map_err(|e| format!("cannot read the system DNS settings: {e}"))?,
    };
    let opts = builder.options_mut();
    opts.timeout = timeout;
    opts.attempts = 1;
    // A monitor asks DNS every time: no cache, no hosts file, no search domains.
    opts.cache_size = 0;
    opts.use_hosts_file = ResolveHosts::Never;
    opts.ndots = 0;
    let resolver = builder
        .build()
        .map_err(|e| format!("cannot set up the resolver: {e}"))?;
    let lookup = resolver
        .lookup(name, rtype)
        .await
        .map_err(|e| net_error(&e, name, rtype, timeout))?;
    Ok(lookup
        .answers()
        .iter()
        .filter(|r| r.record_type() == rtype)
        .map(|r| show(&r.data))
        .collect())
}

fn net_error(e: &NetError, name: &str, rtype: RecordType, timeout: Duration) -> String {
    let name = name.trim_end_matches('.');
    match e {
        NetError::Dns(DnsError::NoRecordsFound(nr))
            if nr.response_code == ResponseCode::NXDomain =>
        {
            format!("{name} does not exist (NXDOMAIN)")
        }
        NetError::Dns(DnsError::NoRecordsFound(_)) => format!("no {rtype} records for {name}"),
        NetError::Dns(DnsError::ResponseCode(code)) => format!("DNS server answered {code}"),
        NetError::Timeout => timeout_error(timeout),
        NetError::Io(io) => format!("DNS: {}", super::io_error(io, timeout)),
        other => format!("DNS: {other}"),
    }
}

fn show(data: &RData) -> String {
    let name =
        |n: &hickory_resolver::proto::rr::Name| n.to_string().trim_end_matches('.').to_string();
    match data {
        RData::A(a) => a.0.to_string(),
        RData::AAAA(a) => a.0.to_string(),
        RData::CNAME(c) => name(&c.0),
        RData::NS(n) => name(&n.0),
        RData::MX(mx) => format!("{} {}", mx.preference, name(&mx.exchange)),
        RData::TXT(t) => t
            .txt_data
            .iter()
            .map(|s| String::from_utf8_lossy(s))
            .collect(),
        other => other.to_string(),
    }
}

/// Whether one answer (as shown) is the expected value, compared the way the type reads.
fn matches(rtype: RecordType, answer: &str, want: &str) -> bool {
    let host = |s: &str| s.trim().trim_end_matches('.').to_ascii_lowercase();
    match rtype {
        RecordType::A | RecordType::AAAA => {
            matches!((answer.parse::<IpAddr>(), want.parse::<IpAddr>()), (Ok(a), Ok(w)) if a == w)
        }
        RecordType::CNAME | RecordType::NS => host(answer) == host(want),
        RecordType::MX => {
            let exchange = answer.split_once(' ').map_or(answer, |(_, e)| e);
            host(answer) == host(want) || host(exchange) == host(want)
        }
        _ => answer == want || answer == want.trim_matches('"'),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matching_table() {
        let cases = [
            (RecordType::A, "127.0.0.1", "127.0.0.1", true),
            (RecordType::A, "127.0.0.1", "127.0.0.2", false),
            (RecordType::AAAA, "::1", "0:0:0:0:0:0:0:1", true),
            (
                RecordType::CNAME,
                "www.example.com",
                "WWW.example.com.",
                true,
            ),
            (RecordType::MX, "10 mx.example.com", "mx.example.com", true),
            (
                RecordType::MX,
                "10 mx.example.com",
                "10 mx.example.com.",
                true,
            ),
            (
                RecordType::MX,
                "10 mx.example.com",
                "20 mx.example.com",
                false,
            ),
            (RecordType::TXT, "v=spf1 -all", "v=spf1 -all", true),
            (RecordType::TXT, "v=spf1 -all", "\"v=spf1 -all\"", true),
            (RecordType::TXT, "v=spf1 -all", "v=spf1", false),
        ];
        for (t, answer, want, ok) in cases {
            assert_eq!(matches(t, answer, want), ok, "{t} {answer} {want}");
        }
    }

    #[test]
    fn validation_names_the_field() {
        let ok = DnsCheck {
            name: "_dmarc.example.com".into(),
            record_type: "txt".into(),
            ..Default::default()
        };
        assert_eq!(ok.validate(), Ok(()));
        let field = |c: DnsCheck| c.validate().unwrap_err().0;
        assert_eq!(
            field(DnsCheck {
                name: "bad name".into(),
                ..ok.clone()
            }),
            "name"
        );
        assert_eq!(
            field(DnsCheck {
                record_type: "SRV".into(),
                ..ok.clone()
            }),
            "record_type"
        );
        let a = DnsCheck {
            name: "example.com".into(),
            expected: Some("not-an-ip".into()),
            ..Default::default()
        };
        assert_eq!(field(a), "expected");
        let r = DnsCheck {
            resolver: Some("127.0.0.1:0".parse().unwrap()),
            ..ok.clone()
        };
        assert_eq!(field(r), "resolver");
    }

    #[test]
    fn resolver_reads_ip_or_ip_and_port() {
        let read = |v: &str| {
            serde_json::from_value::<DnsCheck>(serde_json::json!({"name": "x.org", "resolver": v}))
                .map(|c| c.resolver)
                .map_err(|e| e.to_string())
        };
        assert_eq!(
            read("1.1.1.1").unwrap(),
            Some("1.1.1.1:53".parse().unwrap())
        );
        assert_eq!(
            read("127.0.0.1:5353").unwrap(),
            Some("127.0.0.1:5353".parse().unwrap())
        );
        assert_eq!(
            read("[::1]:5353").unwrap(),
            Some("[::1]:5353".parse().unwrap())
        );
        assert_eq!(read("::1").unwrap(), Some("[::1]:53".parse().unwrap()));
        assert_eq!(read("").unwrap(), None);
        assert!(read("dns.example").unwrap_err().contains("resolver"));
        let c: DnsCheck = serde_json::from_value(serde_json::json!({"name": "x.org"})).unwrap();
        assert_eq!((c.record_type.as_str(), c.resolver), ("A", None));
    }
}
