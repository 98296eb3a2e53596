//! Per-IP and per-account limits on sign-in and setup attempts (no web framework, so
//! the shared state can hold them).

use crate::error::{AppError, AppResult};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use std::net::IpAddr;
use std::num::NonZeroU32;

/// Per-IP and per-account limits on sign-in and setup attempts.
pub struct Limiters {
    by_ip: DefaultKeyedRateLimiter<IpAddr>,
    by_account: DefaultKeyedRateLimiter<String>,
}

impl Default for Limiters {
    fn default() -> Self {
        let per_minute = |n| Quota::per_minute(NonZeroU32::new(n).expect("nonzero"));
        Limiters {
            by_ip: RateLimiter::keyed(per_minute(20)),
            by_account: RateLimiter::keyed(per_minute(10)),
        }
    }
}

impl Limiters {
    /// Counts one attempt; an error when over the limit for this IP or account.
    pub fn check(&self, ip: IpAddr, account: &str) -> AppResult<()> {
        if self.by_ip.check_key(&ip).is_err()
            || self.by_account.check_key(&account.to_lowercase()).is_err()
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
}
