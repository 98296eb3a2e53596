//! Telling subscribers: rendering notices (mail, webhook, Slack, Discord), sending them
//! over SMTP (mail-send) and HTTP (ureq), and delivering a batch from the outbox.

pub mod access_mail;
pub mod outbox;
pub mod render;
pub mod smtp;
pub mod webhook;

use crate::config::Config;
use crate::error::{AppError, AppResult};
use smtp::SmtpConfig;

/// What delivery needs from the configuration.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Base of every link in a notice, without a trailing slash.
    pub public_url: String,
    pub smtp: Option<SmtpConfig>,
    /// Envelope and header sender address.
    pub from: String,
    /// Host name in Message-IDs and the SMTP greeting.
    pub host: String,
    /// Parallel SMTP connections and webhook requests.
    pub concurrency: usize,
    /// How long a retryable notice keeps being retried.
    pub retry_horizon: chrono::Duration,
    /// Lead time of maintenance reminders; 0 turns them off.
    pub reminder_minutes: i64,
    /// Lets anonymous visitors' webhooks reach private addresses (tests, closed labs).
    pub allow_private_targets: bool,
}

impl Settings {
    pub fn from_config(c: &Config) -> AppResult<Settings> {
        let host = host_of(&c.public_url);
        let smtp = match &c.smtp_url {
            Some(u) => Some(SmtpConfig::parse(&u.0).map_err(|m| AppError::invalid("smtp_url", m))?),
            None => None,
        };
        Ok(Settings {
            public_url: c.public_url.trim_end_matches('/').to_string(),
            smtp,
            from: c
                .smtp_from
                .clone()
                .filter(|f| !f.trim().is_empty())
                .unwrap_or_else(|| format!("statusd@{host}")),
            host,
            concurrency: c.notify_concurrency.max(1),
            retry_horizon: chrono::Duration::hours(i64::from(c.notify_retry_hours)),
            reminder_minutes: i64::from(c.maintenance_reminder_minutes),
            allow_private_targets: c.allow_private_webhook_targets,
        })
    }

    /// The page where a subscriber confirms a sign-up.
    pub fn confirm_url(&self, token: &str) -> String {
        format!("{}/subscribe/confirm/{token}", self.public_url)
    }

    /// The page where a subscriber chooses components or leaves.
    pub fn manage_url(&self, token: &str) -> String {
        format!("{}/subscriptions/{token}", self.public_url)
    }

    /// The one-click unsubscribe address (RFC 8058: POST to it unsubscribes).
    pub fn unsubscribe_url(&self, token: &str) -> String {
        format!("{}/unsubscribe/{token}", self.public_url)
    }
}

/// The host part of a URL (`https://status.example.com:8443/x` → `status.example.com`).
pub fn host_of(url: &str) -> String {
    url::Url::parse(url)
        .ok()
        .as_ref()
        .and_then(bare_host)
        .map(|h| h.to_ascii_lowercase())
        .unwrap_or_else(|| "localhost".into())
}

/// A URL's host without IPv6 brackets; `None` when it has none.
pub fn bare_host(u: &url::Url) -> Option<String> {
    match u.host()? {
        url::Host::Ipv6(ip) => Some(ip.to_string()),
        h => Some(h.to_string()).filter(|h| !h.is_empty()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts() {
        let cases = [
            ("https://status.example.com", "status.example.com"),
            ("http://127.0.0.1:8080", "127.0.0.1"),
            ("https://Status.Example.com:8443/p/x", "status.example.com"),
            ("http://[::1]:8080/", "::1"),
        ];
        for (url, want) in cases {
            assert_eq!(host_of(url), want, "{url}");
        }
    }
}
