//! Configuration: one struct, filled from flags > `STATUSD_*` env > TOML file > defaults.
//! Secrets may also come from `*_FILE` (a path whose contents are the secret).

mod oidc;

pub use oidc::OidcConfig;

use crate::error::{AppError, AppResult};
use clap::Args;
use ipnet::IpNet;
use serde::Deserialize;
use std::fmt;
use std::path::{Path, PathBuf};

/// A value that must never appear in logs or `check-config` output.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(pub String);

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("\"<redacted>\"")
    }
}

/// Log line format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    Text,
    Json,
}

/// The effective configuration.
#[derive(Debug, Clone)]
pub struct Config {
    pub listen: String,
    pub data: PathBuf,
    /// Base URL for links in mails, feeds and the setup link; derived from `listen` when unset.
    pub public_url: String,
    pub smtp_url: Option<Secret>,
    pub smtp_from: Option<String>,
    pub raw_retention_days: u32,
    pub trusted_proxies: Vec<IpNet>,
    pub metrics_token: Option<Secret>,
    pub log_level: String,
    pub log_format: LogFormat,
    /// HTTP worker threads; 0 means one per core.
    pub workers: usize,
    /// Largest request body accepted, in bytes.
    pub max_body_bytes: usize,
    /// Seconds a client has to send a whole request (head and body).
    pub request_timeout_seconds: u32,
    /// Hours a notice that fails for a passing reason keeps being retried.
    pub notify_retry_hours: u32,
    /// Minutes before a scheduled maintenance starts that subscribers are reminded; 0: never.
    pub maintenance_reminder_minutes: u32,
    /// Parallel SMTP connections (and webhook request lanes) of the outbox.
    pub notify_concurrency: usize,
    /// Probes that may run at the same time.
    pub probe_concurrency: usize,
    /// OpenID Connect single sign-on, when an issuer is configured.
    pub oidc: Option<OidcConfig>,
    /// Passwords work for owners only; everyone else signs in with SSO.
    pub sso_only: bool,
    /// Folder the public side is exported to as static files after every change.
    pub export_dir: Option<PathBuf>,
    /// Days a customer page session lasts.
    pub customer_session_days: u32,
    /// Mail providers refused as allowlist entries, beyond the shipped list.
    pub public_mail_domains: Vec<String>,
    /// Days audit log entries are kept; 0 keeps them forever.
    pub audit_retention_days: u32,
    /// `max-age` of public pages, feeds and v2 JSON for browsers and shared caches.
    pub cache_max_age_seconds: u32,
    /// Lets anonymous webhook/Slack sign-ups name private addresses (tests, labs).
    pub allow_private_webhook_targets: bool,
    /// OpenAI-compatible endpoint that rewrites alert drafts (off when unset).
    pub ai_url: Option<String>,
    pub ai_model: String,
    pub ai_key: Option<Secret>,
    /// Secret of PagerDuty's webhook signatures; when set, unsigned PagerDuty posts are refused.
    pub pagerduty_secret: Option<Secret>,
}

/// The server's options (`statusd serve`). Each is also `STATUSD_<NAME>` in the environment.
#[derive(Debug, Args, Default, Clone)]
pub struct ConfigArgs {
    /// TOML config file.
    #[arg(long, env = "STATUSD_CONFIG")]
    pub config: Option<PathBuf>,
    /// Address to listen on [default: 127.0.0.1:8080].
    #[arg(long, env = "STATUSD_LISTEN")]
    pub listen: Option<String>,
    /// Data file [default: ./statusd.redb].
    #[arg(long, env = "STATUSD_DATA")]
    pub data: Option<PathBuf>,
    /// Base URL of links in mails and feeds, e.g. https://status.example.com.
    #[arg(long, env = "STATUSD_PUBLIC_URL")]
    pub public_url: Option<String>,
    /// SMTP server, e.g. smtp://127.0.0.1:2525 or smtps://user:pass@host.
    #[arg(long, env = "STATUSD_SMTP_URL", hide_env_values = true)]
    pub smtp_url: Option<String>,
    /// File holding the SMTP URL (for secrets managers).
    #[arg(long, env = "STATUSD_SMTP_URL_FILE")]
    pub smtp_url_file: Option<PathBuf>,
    /// Sender address of mails.
    #[arg(long, env = "STATUSD_SMTP_FROM")]
    pub smtp_from: Option<String>,
    /// Days raw check results are kept [default: 7].
    #[arg(long, env = "STATUSD_RAW_RETENTION_DAYS")]
    pub raw_retention_days: Option<u32>,
    /// Comma-separated proxies (IPs or CIDRs) whose X-Forwarded-For is believed.
    #[arg(long, env = "STATUSD_TRUSTED_PROXIES", value_delimiter = ',')]
    pub trusted_proxies: Option<Vec<String>>,
    /// Bearer token accepted by /metrics.
    #[arg(long, env = "STATUSD_METRICS_TOKEN", hide_env_values = true)]
    pub metrics_token: Option<String>,
    /// File holding the metrics token.
    #[arg(long, env = "STATUSD_METRICS_TOKEN_FILE")]
    pub metrics_token_file: Option<PathBuf>,
    /// Log level filter (error, warn, info, debug, trace) [default: info].
    #[arg(long, env = "STATUSD_LOG_LEVEL")]
    pub log_level: Option<String>,
    /// Log format [default: text].
    #[arg(long, env = "STATUSD_LOG_FORMAT")]
    pub log_format: Option<LogFormat>,
    /// HTTP worker threads [default: one per core].
    #[arg(long, env = "STATUSD_WORKERS")]
    pub workers: Option<usize>,
    /// Largest request body in bytes [default: 1048576].
    #[arg(long, env = "STATUSD_MAX_BODY_BYTES")]
    pub max_body_bytes: Option<usize>,
    /// Seconds a client has to send a whole request, head and body [default: 30].
    #[arg(long, env = "STATUSD_REQUEST_TIMEOUT_SECONDS")]
    pub request_timeout_seconds: Option<u32>,
    /// Hours a failing notice is retried before it is marked failed [default: 24].
    #[arg(long, env = "STATUSD_NOTIFY_RETRY_HOURS")]
    pub notify_retry_hours: Option<u32>,
    /// Minutes before maintenance starts to remind subscribers; 0 turns it off [default: 60].
    #[arg(long, env = "STATUSD_MAINTENANCE_REMINDER_MINUTES")]
    pub maintenance_reminder_minutes: Option<u32>,
    /// Parallel SMTP connections of the outbox [default: 4].
    #[arg(long, env = "STATUSD_NOTIFY_CONCURRENCY")]
    pub notify_concurrency: Option<usize>,
    /// Probes that may run at the same time [default: 256].
    #[arg(long, env = "STATUSD_PROBE_CONCURRENCY")]
    pub probe_concurrency: Option<usize>,
    /// OpenID Connect issuer URL for single sign-on.
    #[arg(long, env = "STATUSD_OIDC_ISSUER")]
    pub oidc_issuer: Option<String>,
    /// Client id statusd has at the identity provider.
    #[arg(long, env = "STATUSD_OIDC_CLIENT_ID")]
    pub oidc_client_id: Option<String>,
    /// Client secret at the identity provider.
    #[arg(long, env = "STATUSD_OIDC_CLIENT_SECRET", hide_env_values = true)]
    pub oidc_client_secret: Option<String>,
    /// File holding the OIDC client secret.
    #[arg(long, env = "STATUSD_OIDC_CLIENT_SECRET_FILE")]
    pub oidc_client_secret_file: Option<PathBuf>,
    /// Comma-separated domain=role pairs for new SSO users, e.g. acme.com=editor.
    #[arg(long, env = "STATUSD_OIDC_ROLE_DOMAINS", value_delimiter = ',')]
    pub oidc_role_domains: Option<Vec<String>>,
    /// ID token claim listing the user's groups, e.g. groups.
    #[arg(long, env = "STATUSD_OIDC_GROUPS_CLAIM")]
    pub oidc_groups_claim: Option<String>,
    /// Comma-separated group=role pairs for new SSO users, e.g. sre=owner.
    #[arg(long, env = "STATUSD_OIDC_ROLE_GROUPS", value_delimiter = ',')]
    pub oidc_role_groups: Option<Vec<String>>,
    /// Passwords for owners only; everyone else signs in with SSO [default: false].
    #[arg(long, env = "STATUSD_SSO_ONLY")]
    pub sso_only: Option<bool>,
    /// Folder to keep a static export of the public side in (rewritten after every change).
    #[arg(long, env = "STATUSD_EXPORT_DIR")]
    pub export_dir: Option<PathBuf>,
    /// Days a customer page session lasts [default: 30].
    #[arg(long, env = "STATUSD_CUSTOMER_SESSION_DAYS")]
    pub customer_session_days: Option<u32>,
    /// Comma-separated mail providers refused as allowlist entries, beyond the shipped list.
    #[arg(long, env = "STATUSD_PUBLIC_MAIL_DOMAINS", value_delimiter = ',')]
    pub public_mail_domains: Option<Vec<String>>,
    /// Days audit log entries are kept, 0 for ever [default: 365].
    #[arg(long, env = "STATUSD_AUDIT_RETENTION_DAYS")]
    pub audit_retention_days: Option<u32>,
    /// Seconds browsers and CDNs may cache public pages, feeds and v2 JSON [default: 30].
    #[arg(long, env = "STATUSD_CACHE_MAX_AGE_SECONDS")]
    pub cache_max_age_seconds: Option<u32>,
    /// Let anonymous webhook sign-ups name private addresses (tests, labs) [default: false].
    #[arg(long, env = "STATUSD_ALLOW_PRIVATE_WEBHOOK_TARGETS")]
    pub allow_private_webhook_targets: Option<bool>,
    /// OpenAI-compatible chat-completions base URL that rewrites alert drafts.
    #[arg(long, env = "STATUSD_AI_URL")]
    pub ai_url: Option<String>,
    /// Model name sent to ai_url [default: gpt-4o-mini].
    #[arg(long, env = "STATUSD_AI_MODEL")]
    pub ai_model: Option<String>,
    /// File holding the API key of ai_url.
    #[arg(long, env = "STATUSD_AI_KEY_FILE")]
    pub ai_key_file: Option<PathBuf>,
    /// Secret of PagerDuty's webhook signatures (X-PagerDuty-Signature).
    #[arg(long, env = "STATUSD_PAGERDUTY_SECRET", hide_env_values = true)]
    pub pagerduty_secret: Option<String>,
    /// File holding the PagerDuty webhook secret.
    #[arg(long, env = "STATUSD_PAGERDUTY_SECRET_FILE")]
    pub pagerduty_secret_file: Option<PathBuf>,
}

/// The options of offline commands that open the data file: `--config` and `--data` only.
#[derive(Debug, Args, Default, Clone)]
pub struct FileArgs {
    /// TOML config file (its `data` key names the data file).
    #[arg(long, global = true, env = "STATUSD_CONFIG")]
    pub config: Option<PathBuf>,
    /// Data file [default: ./statusd.redb].
    #[arg(long, global = true, env = "STATUSD_DATA")]
    pub data: Option<PathBuf>,
}

impl From<FileArgs> for ConfigArgs {
    fn from(f: FileArgs) -> Self {
        ConfigArgs {
            config: f.config,
            data: f.data,
            ..Default::default()
        }
    }
}

/// The TOML file. Unknown keys are an error naming the key.
#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct FileConfig {
    listen: Option<String>,
    data: Option<PathBuf>,
    public_url: Option<String>,
    smtp_url: Option<String>,
    smtp_url_file: Option<PathBuf>,
    smtp_from: Option<String>,
    raw_retention_days: Option<u32>,
    trusted_proxies: Option<Vec<String>>,
    metrics_token: Option<String>,
    metrics_token_file: Option<PathBuf>,
    log_level: Option<String>,
    log_format: Option<LogFormat>,
    workers: Option<usize>,
    max_body_bytes: Option<usize>,
    request_timeout_seconds: Option<u32>,
    notify_retry_hours: Option<u32>,
    maintenance_reminder_minutes: Option<u32>,
    notify_concurrency: Option<usize>,
    probe_concurrency: Option<usize>,
    oidc_issuer: Option<String>,
    oidc_client_id: Option<String>,
    oidc_client_secret: Option<String>,
    oidc_client_secret_file: Option<PathBuf>,
    oidc_role_domains: Option<std::collections::BTreeMap<String, String>>,
    oidc_groups_claim: Option<String>,
    oidc_role_groups: Option<std::collections::BTreeMap<String, String>>,
    sso_only: Option<bool>,
    export_dir: Option<PathBuf>,
    customer_session_days: Option<u32>,
    cache_max_age_seconds: Option<u32>,
    allow_private_webhook_targets: Option<bool>,
    ai_url: Option<String>,
    ai_model: Option<String>,
    ai_key_file: Option<PathBuf>,
    pagerduty_secret: Option<String>,
    pagerduty_secret_file: Option<PathBuf>,
    public_mail_domains: Option<Vec<String>>,
    audit_retention_days: Option<u32>,
}

fn read_secret_file(key: &str, path: &Path) -> AppResult<Secret> {
    let s = std::fs::read_to_string(path)
        .map_err(|e| AppError::invalid(key, format!("cannot read {}: {e}", path.display())))?;
    Ok(Secret(s.trim().to_string()))
}

fn secret(key: &str, value: Option<String>, file: Option<PathBuf>) -> AppResult<Option<Secret>> {
    match (value, file) {
        (Some(v), _) if !v.is_empty() => Ok(Some(Secret(v))),
        (_, Some(p)) => read_secret_file(&format!("{key}_file"), &p).map(Some),
        _ => Ok(None),
    }
}

impl Config {
    /// Merges flags/env (already combined by clap) over the file over defaults.
    pub fn load(args: &ConfigArgs) -> AppResult<Config> {
        let file = match &args.config {
            Some(path) => {
                let text = std::fs::read_to_string(path).map_err(|e| {
                    AppError::invalid("config", format!("cannot read {}: {e}", path.display()))
                })?;
                toml::from_str::<FileConfig>(&text).map_err(|e| {
                    AppError::invalid("config", format!("{}: {}", path.display(), e.message()))
                })?
            }
            None => FileConfig::default(),
        };
        let a = args.clone();
        let listen = a
            .listen
            .or(file.listen)
            .unwrap_or_else(|| "127.0.0.1:8080".into());
        if listen.parse::<std::net::SocketAddr>().is_err() {
            return Err(AppError::invalid(
                "listen",
                format!("{listen:?} is not an address like 127.0.0.1:8080 or [::]:8080"),
            ));
        }
        let public_url = a
            .public_url
            .or(file.public_url)
            .unwrap_or_else(|| format!("http://{listen}"))
            .trim_end_matches('/')
            .to_string();
        if !(public_url.starts_with("http://") || public_url.starts_with("https://")) {
            return Err(AppError::invalid(
                "public_url",
                format!("{public_url:?} must start with http:// or https://"),
            ));
        }
        let smtp_url = match a.smtp_url.is_some() || a.smtp_url_file.is_some() {
            true => secret("smtp_url", a.smtp_url, a.smtp_url_file)?,
            false => secret("smtp_url", file.smtp_url, file.smtp_url_file)?,
        };
        if let Some(Secret(u)) = &smtp_url {
            let ok = ["smtp://", "smtps://", "smtp+starttls://"]
                .iter()
                .any(|p| u.starts_with(p));
            if !ok {
                return Err(AppError::invalid(
                    "smtp_url",
                    "must start with smtp://, smtps:// or smtp+starttls://",
                ));
            }
        }
        let metrics_token = match a.metrics_token.is_some() || a.metrics_token_file.is_some() {
            true => secret("metrics_token", a.metrics_token, a.metrics_token_file)?,
            false => secret("metrics_token", file.metrics_token, file.metrics_token_file)?,
        };
        let trusted_proxies = a
            .trusted_proxies
            .or(file.trusted_proxies)
            .unwrap_or_default()
            .into_iter()
            .map(|p| p.trim().to_string())
            .filter(|p| !p.is_empty())
            .map(|p| {
                p.parse::<IpNet>()
                    .or_else(|_| p.parse::<std::net::IpAddr>().map(IpNet::from))
                    .map_err(|_| {
                        AppError::invalid(
                            "trusted_proxies",
                            format!("{p:?} is not an IP address or CIDR"),
                        )
                    })
            })
            .collect::<AppResult<Vec<_>>>()?;
        let log_level = a
            .log_level
            .or(file.log_level)
            .unwrap_or_else(|| "info".into());
        if tracing_subscriber::EnvFilter::try_new(&log_level).is_err() {
            return Err(AppError::invalid(
                "log_level",
                format!("{log_level:?} is not a level (error, warn, info, debug, trace)"),
            ));
        }
        let raw_retention_days = a
            .raw_retention_days
            .or(file.raw_retention_days)
            .unwrap_or(7);
        if raw_retention_days == 0 {
            return Err(AppError::invalid(
                "raw_retention_days",
                "must be at least 1",
            ));
        }
        let max_body_bytes = a.max_body_bytes.or(file.max_body_bytes).unwrap_or(1 << 20);
        if max_body_bytes < 1024 {
            return Err(AppError::invalid("max_body_bytes", "must be at least 1024"));
        }
        let notify_retry_hours = a
            .notify_retry_hours
            .or(file.notify_retry_hours)
            .unwrap_or(24);
        if notify_retry_hours == 0 {
            return Err(AppError::invalid(
                "notify_retry_hours",
                "must be at least 1",
            ));
        }
        let notify_concurrency = a
            .notify_concurrency
            .or(file.notify_concurrency)
            .unwrap_or(4);
        if !(1..=64).contains(&notify_concurrency) {
            return Err(AppError::invalid(
                "notify_concurrency",
                "must be between 1 and 64",
            ));
        }
        let probe_concurrency = a
            .probe_concurrency
            .or(file.probe_concurrency)
            .unwrap_or(256);
        if !(1..=4096).contains(&probe_concurrency) {
            return Err(AppError::invalid(
                "probe_concurrency",
                "must be between 1 and 4096",
            ));
        }
        let from_secret_args =
            a.oidc_client_secret.is_some() || a.oidc_client_secret_file.is_some();
        let oidc = oidc::load(oidc::OidcInput {
            issuer: a.oidc_issuer.or(file.oidc_issuer),
            client_id: a.oidc_client_id.or(file.oidc_client_id),
            client_secret: if from_secret_args {
                a.oidc_client_secret
            } else {
                file.oidc_client_secret
            },
            client_secret_file: if from_secret_args {
                a.oidc_client_secret_file
            } else {
                file.oidc_client_secret_file
            },
            role_domains: match a.oidc_role_domains {
                Some(v) => Some(oidc::pairs("oidc_role_domains", v)?),
                None => file.oidc_role_domains,
            },
            groups_claim: a.oidc_groups_claim.or(file.oidc_groups_claim),
            role_groups: match a.oidc_role_groups {
                Some(v) => Some(oidc::pairs("oidc_role_groups", v)?),
                None => file.oidc_role_groups,
            },
        })?;
        let sso_only = a.sso_only.or(file.sso_only).unwrap_or(false);
        if sso_only && oidc.is_none() {
            return Err(AppError::invalid(
                "sso_only",
                "needs single sign-on: set oidc_issuer and oidc_client_id, or turn sso_only off",
            ));
        }
        let ai_url = a
            .ai_url
            .or(file.ai_url)
            .map(|u| u.trim().to_string())
            .filter(|u| !u.is_empty());
        if let Some(u) = &ai_url
            && !(u.starts_with("http://") || u.starts_with("https://"))
        {
            return Err(AppError::invalid(
                "ai_url",
                format!("{u:?} must start with http:// or https://"),
            ));
        }
        let ai_key = match a.ai_key_file.or(file.ai_key_file) {
            Some(p) => Some(read_secret_file("ai_key_file", &p)?),
            None => None,
        };
        let pagerduty_secret =
            match a.pagerduty_secret.is_some() || a.pagerduty_secret_file.is_some() {
                true => secret(
                    "pagerduty_secret",
                    a.pagerduty_secret,
                    a.pagerduty_secret_file,
                )?,
                false => secret(
                    "pagerduty_secret",
                    file.pagerduty_secret,
                    file.pagerduty_secret_file,
                )?,
            };
        let cache_max_age_seconds = a
            .cache_max_age_seconds
            .or(file.cache_max_age_seconds)
            .unwrap_or(30);
        if cache_max_age_seconds > 86_400 {
            return Err(AppError::invalid(
                "cache_max_age_seconds",
                "must be at most 86400 (a day)",
            ));
        }
        let customer_session_days = a
            .customer_session_days
            .or(file.customer_session_days)
            .unwrap_or(30);
        if !(1..=3650).contains(&customer_session_days) {
            return Err(AppError::invalid(
                "customer_session_days",
                "must be between 1 and 3650",
            ));
        }
        let audit_retention_days = a
            .audit_retention_days
            .or(file.audit_retention_days)
            .unwrap_or(365);
        let mut public_mail_domains = Vec::new();
        for d in a
            .public_mail_domains
            .or(file.public_mail_domains)
            .unwrap_or_default()
        {
            let d = d.trim().to_lowercase();
            if d.is_empty() {
                continue;
            }
            let host = d.strip_suffix(".*").unwrap_or(&d);
            crate::domain::validate::hostname(host)
                .map_err(|m| AppError::invalid("public_mail_domains", m))?;
            public_mail_domains.push(d);
        }
        Ok(Config {
            ai_url,
            ai_model: a
                .ai_model
                .or(file.ai_model)
                .unwrap_or_else(|| "gpt-4o-mini".into()),
            ai_key,
            pagerduty_secret,
            listen,
            data: a
                .data
                .or(file.data)
                .unwrap_or_else(|| PathBuf::from("statusd.redb")),
            public_url,
            smtp_url,
            smtp_from: a.smtp_from.or(file.smtp_from),
            raw_retention_days,
            trusted_proxies,
            metrics_token,
            log_level,
            log_format: a.log_format.or(file.log_format).unwrap_or(LogFormat::Text),
            workers: a.workers.or(file.workers).unwrap_or(0),
            max_body_bytes,
            request_timeout_seconds: a
                .request_timeout_seconds
                .or(file.request_timeout_seconds)
                .unwrap_or(30)
                .clamp(1, 3600),
            notify_retry_hours,
            maintenance_reminder_minutes: a
                .maintenance_reminder_minutes
                .or(file.maintenance_reminder_minutes)
                .unwrap_or(60),
            notify_concurrency,
            probe_concurrency,
            oidc,
            sso_only,
            export_dir: a.export_dir.or(file.export_dir),
            customer_session_days,
            cache_max_age_seconds,
            allow_private_webhook_targets: a
                .allow_private_webhook_targets
                .or(file.allow_private_webhook_targets)
                .unwrap_or(false),
            public_mail_domains,
            audit_retention_days,
        })
    }

    /// Whether cookies should carry the `Secure` attribute.
    pub fn secure_cookies(&self) -> bool {
        self.public_url.starts_with("https://")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(text: &str) -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("c.toml");
        std::fs::write(&p, text).unwrap();
        (dir, p)
    }

    #[test]
    fn precedence_flag_over_file_over_default() {
        let (_d, p) = write("listen = \"127.0.0.1:9000\"\nraw_retention_days = 3\n");
        let args = ConfigArgs {
            config: Some(p.clone()),
            ..Default::default()
        };
        let c = Config::load(&args).unwrap();
        assert_eq!(
            (c.listen.as_str(), c.raw_retention_days),
            ("127.0.0.1:9000", 3)
        );
        assert_eq!(c.public_url, "http://127.0.0.1:9000");
        let args = ConfigArgs {
            config: Some(p),
            listen: Some("127.0.0.1:9001".into()),
            ..Default::default()
        };
        assert_eq!(Config::load(&args).unwrap().listen, "127.0.0.1:9001");
        assert_eq!(
            Config::load(&ConfigArgs::default()).unwrap().data,
            PathBuf::from("statusd.redb")
        );
    }

    #[test]
    fn unknown_key_is_named() {
        let (_d, p) = write("listen = \"127.0.0.1:9000\"\nlisten_port = 3\n");
        let err = Config::load(&ConfigArgs {
            config: Some(p),
            ..Default::default()
        })
        .unwrap_err()
        .to_string();
        assert!(err.contains("listen_port"), "{err}");
    }

    #[test]
    fn secret_from_file_and_redacted() {
        let (_d, p) = write("s3cr3t-token\n");
        let args = ConfigArgs {
            metrics_token_file: Some(p),
            ..Default::default()
        };
        let c = Config::load(&args).unwrap();
        assert_eq!(c.metrics_token, Some(Secret("s3cr3t-token".into())));
        assert!(!format!("{c:?}").contains("s3cr3t"));
    }

    #[test]
    fn bad_values_name_the_key() {
        let cases = [
            (
                ConfigArgs {
                    listen: Some("nope".into()),
                    ..Default::default()
                },
                "listen",
            ),
            (
                ConfigArgs {
                    trusted_proxies: Some(vec!["x".into()]),
                    ..Default::default()
                },
                "trusted_proxies",
            ),
            (
                ConfigArgs {
                    smtp_url: Some("http://x".into()),
                    ..Default::default()
                },
                "smtp_url",
            ),
            (
                ConfigArgs {
                    public_url: Some("status.example".into()),
                    ..Default::default()
                },
                "public_url",
            ),
        ];
        for (args, key) in cases {
            let err = Config::load(&args).unwrap_err().to_string();
            assert!(err.starts_with(key), "{err}");
        }
    }
}
