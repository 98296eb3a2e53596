//! Per-IP and per-key attempt limits: sign-in and setup (per account), the public
//! subscribe form (per email address), mailed links (per address they go to) and token
//! acceptance (invites, resets). No web framework, so the shared state holds them.

use crate::error::{AppError, AppResult};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use std::net::IpAddr;
use std::num::NonZeroU32;

/// Attempts counted per client address and per key (an account or an email address).
pub struct Limiters {
    by_ip: DefaultKeyedRateLimiter<IpAddr>,
    by_key: DefaultKeyedRateLimiter<String>,
}

impl Default for Limiters {
    fn default() -> Self {
        Limiters::sign_in()
    }
}

impl Limiters {
    fn new(per_ip: Quota, per_key: Quota) -> Self {
        Limiters {
            by_ip: RateLimiter::keyed(per_ip),
            by_key: RateLimiter::keyed(per_key),
        }
    }

    /// Sign-in and setup: 20 a minute per client, 10 a minute per account.
    pub fn sign_in() -> Self {
        let per_minute = |n| Quota::per_minute(NonZeroU32::new(n).expect("nonzero"));
        Limiters::new(per_minute(20), per_minute(10))
    }

    /// The public subscribe form: 30 an hour per client, 3 an hour per address, so
    /// nobody can flood an inbox with confirmation mails or the outbox with sign-ups.
    pub fn subscribe() -> Self {
        let per_hour = |n| Quota::per_hour(NonZeroU32::new(n).expect("nonzero"));
        Limiters::new(per_hour(30), per_hour(3))
    }

    /// Requests that mail a link (customer sign-in links, password resets): 30 an hour
    /// per client, 5 an hour per address the link would go to.
    pub fn links() -> Self {
        let per_hour = |n| Quota::per_hour(NonZeroU32::new(n).expect("nonzero"));
        Limiters::new(per_hour(30), per_hour(5))
    }

    /// Redeeming a mailed token (invite acceptance, password reset, sign-in link):
    /// 20 a minute per client, 10 a minute per token.
    pub fn accept() -> Self {
        let per_minute = |n| Quota::per_minute(NonZeroU32::new(n).expect("nonzero"));
        Limiters::new(per_minute(20), per_minute(10))
    }

    /// Counts one attempt; an error when over the limit for this client or key (keys
    /// compare trimmed and case-insensitively).
    pub fn check(&self, ip: IpAddr, key: &str) -> AppResult<()> {
        if self.by_ip.check_key(&ip).is_err()
            || self.by_key.check_key(&key.trim().to_lowercase()).is_err()
        {
            return Err(AppError::RateLimited);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limiter_stops_after_quota() {
        let l = Limiters::default();
        let ip: IpAddr = "192.0.2.1".parse().unwrap();
        let results: Vec<bool> = (0..12)
            .map(|_| l.check(ip, "a@example.com").is_ok())
            .collect();
        assert_eq!(results.iter().filter(|ok| **ok).count(), 10);
    }

    #[test]
    fn subscribe_limits_per_address() {
        let l = Limiters::subscribe();
        let ip: IpAddr = "192.0.2.7".parse().unwrap();
        let ok = (0..5)
            .filter(|_| l.check(ip, "A@example.com").is_ok())
            .count();
        assert_eq!(ok, 3);
        assert!(
            l.check(ip, "b@example.com").is_ok(),
            "another address still works"
        );
    }

    #[test]
    fn links_are_limited_per_address_and_per_client() {
        let l = Limiters::links();
        let ip: IpAddr = "192.0.2.8".parse().unwrap();
        let ok = (0..8).filter(|_| l.check(ip, "c@acme.com").is_ok()).count();
        assert_eq!(ok, 5, "five links an hour to one address");
        let others = (0..40)
            .filter(|i| l.check(ip, &format!("u{i}@acme.com")).is_ok())
            .count();
        assert_eq!(
            others,
            30 - 8,
            "thirty attempts an hour from one client, refused ones included"
        );
        let elsewhere: IpAddr = "192.0.2.9".parse().unwrap();
        assert!(l.check(elsewhere, "d@acme.com").is_ok());
    }
}
