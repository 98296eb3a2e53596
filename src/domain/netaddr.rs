//! Which addresses an anonymous visitor's webhook may reach: only the public internet,
//! never this machine, its private networks or a cloud metadata service.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// Why an address is not on the public internet, or `None` when it is.
pub fn non_public_reason(ip: IpAddr) -> Option<&'static str> {
    match ip {
        IpAddr::V4(v4) => v4_reason(v4),
        IpAddr::V6(v6) => {
            // An IPv4-mapped or -compatible address reaches the IPv4 host it names.
            if let Some(v4) = v6.to_ipv4_mapped() {
                return v4_reason(v4);
            }
            v6_reason(v6)
        }
    }
}

fn v4_reason(ip: Ipv4Addr) -> Option<&'static str> {
    let [a, b, c, _] = ip.octets();
    Some(match (a, b, c) {
        _ if ip.is_loopback() => "loopback",
        _ if ip.is_unspecified() || a == 0 => "unspecified (this host)",
        (169, 254, _) => "link-local or cloud metadata",
        (10, _, _) | (192, 168, _) => "private",
        (172, b, _) if (16..=31).contains(&b) => "private",
        (100, b, _) if (64..=127).contains(&b) => "carrier-grade NAT (shared)",
        (192, 0, 0) => "IETF protocol assignments",
        (192, 0, 2) | (198, 51, 100) | (203, 0, 113) => "documentation",
        (198, 18..=19, _) => "benchmarking",
        _ if a >= 224 => "multicast or reserved",
        _ => return None,
    })
}

fn v6_reason(ip: Ipv6Addr) -> Option<&'static str> {
    let seg = ip.segments();
    Some(match seg[0] {
        _ if ip.is_loopback() => "loopback",
        _ if ip.is_unspecified() => "unspecified (this host)",
        // fd00:ec2::254 is AWS's IPv6 metadata service; it is inside fc00::/7 too.
        s if s & 0xfe00 == 0xfc00 => "unique local (private)",
        s if s & 0xffc0 == 0xfe80 => "link-local",
        s if s & 0xff00 == 0xff00 => "multicast",
        0x2001 if seg[1] == 0x0db8 => "documentation",
        // 64:ff9b::/96 NAT64 reaches whatever IPv4 address it embeds.
        0x0064 if seg[1] == 0xff9b => {
            let [.., hi, lo] = seg;
            let v4 = Ipv4Addr::new((hi >> 8) as u8, hi as u8, (lo >> 8) as u8, lo as u8);
            return v4_reason(v4);
        }
        0 if seg[..6] == [0; 6] => "IPv4-compatible (deprecated)",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_public_addresses_pass() {
        let cases = [
            ("127.0.0.1", Some("loopback")),
            ("127.8.9.1", Some("loopback")),
            ("0.0.0.0", Some("unspecified (this host)")),
            ("10.1.2.3", Some("private")),
            ("172.16.0.1", Some("private")),
            ("172.31.255.255", Some("private")),
            ("172.32.0.1", None),
            ("192.168.1.1", Some("private")),
            ("169.254.169.254", Some("link-local or cloud metadata")),
            ("100.64.0.1", Some("carrier-grade NAT (shared)")),
            ("100.127.255.254", Some("carrier-grade NAT (shared)")),
            ("100.128.0.1", None),
            ("192.0.2.10", Some("documentation")),
            ("224.0.0.1", Some("multicast or reserved")),
            ("255.255.255.255", Some("multicast or reserved")),
            ("8.8.8.8", None),
            ("93.184.216.34", None),
            ("::1", Some("loopback")),
            ("::", Some("unspecified (this host)")),
            ("::ffff:127.0.0.1", Some("loopback")),
            (
                "::ffff:169.254.169.254",
                Some("link-local or cloud metadata"),
            ),
            ("::ffff:8.8.8.8", None),
            ("fd00:ec2::254", Some("unique local (private)")),
            ("fc00::1", Some("unique local (private)")),
            ("fe80::1", Some("link-local")),
            ("ff02::1", Some("multicast")),
            ("2001:db8::1", Some("documentation")),
            ("64:ff9b::a9fe:a9fe", Some("link-local or cloud metadata")),
            ("64:ff9b::808:808", None),
            ("::7f00:1", Some("IPv4-compatible (deprecated)")),
            ("2606:4700:4700::1111", None),
        ];
        for (ip, want) in cases {
            let ip: IpAddr = ip.parse().unwrap();
            assert_eq!(non_public_reason(ip), want, "{ip}");
        }
    }
}
