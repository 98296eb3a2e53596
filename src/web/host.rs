//! The host name a request was sent to, for choosing a custom-host page. Forwarded
//! host headers are believed only from a trusted proxy: anyone else could name any
//! page's host in them.

use actix_web::HttpRequest;

/// The request's host name, lowercased, without a port.
pub fn request_host(req: &HttpRequest, trusted: &[ipnet::IpNet]) -> String {
    let from_proxy = req
        .peer_addr()
        .is_some_and(|a| trusted.iter().any(|n| n.contains(&a.ip())));
    let header = |name: &str| {
        req.headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    };
    let forwarded = || {
        header("forwarded").and_then(|v| {
            v.split([';', ','])
                .filter_map(|pair| pair.split_once('='))
                .find(|(k, _)| k.trim().eq_ignore_ascii_case("host"))
                .map(|(_, h)| h.trim().trim_matches('"').to_string())
        })
    };
    let host = from_proxy
        .then(|| {
            forwarded().or_else(|| {
                header("x-forwarded-host")
                    .map(|h| h.split(',').next().unwrap_or("").trim().to_string())
            })
        })
        .flatten()
        .or_else(|| header("host"))
        .or_else(|| req.uri().host().map(str::to_string))
        .unwrap_or_default();
    strip_port(&host).to_ascii_lowercase()
}

/// `example.com:8080` → `example.com`; `[::1]:8080` → `[::1]`.
fn strip_port(host: &str) -> &str {
    match host.rfind(':') {
        Some(i) if !host[i..].contains(']') && !host[..i].contains(':') => &host[..i],
        Some(i) if host.starts_with('[') && host[..i].ends_with(']') => &host[..i],
        _ => host,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::test::TestRequest;

    #[test]
    fn forwarded_host_only_from_trusted_peers() {
        let trusted: Vec<ipnet::IpNet> = vec!["10.0.0.0/8".parse().unwrap()];
        let req = |peer: &str, headers: &[(&str, &str)]| {
            let mut r = TestRequest::default()
                .peer_addr(peer.parse().unwrap())
                .insert_header(("Host", "origin.example.com:8080"));
            for h in headers {
                r = r.insert_header(*h);
            }
            r.to_http_request()
        };
        let cases = [
            ("192.0.2.1:1", vec![], "origin.example.com"),
            (
                "192.0.2.1:1",
                vec![("X-Forwarded-Host", "evil.test")],
                "origin.example.com",
            ),
            (
                "192.0.2.1:1",
                vec![("Forwarded", "host=evil.test")],
                "origin.example.com",
            ),
            (
                "10.1.2.3:1",
                vec![("X-Forwarded-Host", "Status.Acme.test, b")],
                "status.acme.test",
            ),
            (
                "10.1.2.3:1",
                vec![("Forwarded", "for=1.2.3.4;host=\"acme.test:443\"")],
                "acme.test",
            ),
            ("10.1.2.3:1", vec![], "origin.example.com"),
        ];
        for (peer, headers, want) in cases {
            assert_eq!(
                request_host(&req(peer, &headers), &trusted),
                want,
                "{peer} {headers:?}"
            );
        }
        assert_eq!(strip_port("[::1]:80"), "[::1]");
        assert_eq!(strip_port("::1"), "::1");
    }
}
