//! SMTP delivery with mail-send: `smtp://` (plain), `smtps://` (TLS from the first byte)
//! and `smtp+starttls://`, optional `user:pass@`. One connection carries a whole chunk
//! of mails; every step has a timeout; TLS trusts the compiled-in webpki roots.

use crate::domain::{Outcome, smtp_outcome};
use mail_send::smtp::message::Parameters;
use mail_send::{Credentials, SmtpClient, SmtpClientBuilder};
use std::fmt;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpStream;
use tokio_rustls::TlsConnector;
use tokio_rustls::client::TlsStream;

/// How long one SMTP step (connect, greeting, command, DATA) may take.
pub const SMTP_TIMEOUT: Duration = Duration::from_secs(30);

/// How the connection is secured.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TlsMode {
    /// `smtp://`: no TLS (a relay on localhost).
    Plain,
    /// `smtps://`: TLS from the first byte (port 465).
    Implicit,
    /// `smtp+starttls://`: upgrade with STARTTLS, refuse a server without it (port 587).
    StartTls,
}

/// A parsed `smtp_url`.
#[derive(Clone, PartialEq, Eq)]
pub struct SmtpConfig {
    pub mode: TlsMode,
    pub host: String,
    pub port: u16,
    pub user: Option<String>,
    pub password: Option<String>,
}

impl fmt::Debug for SmtpConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SmtpConfig")
            .field("mode", &self.mode)
            .field("host", &self.host)
            .field("port", &self.port)
            .field("user", &self.user)
            .field("password", &self.password.as_ref().map(|_| "<redacted>"))
            .finish()
    }
}

impl fmt::Display for SmtpConfig {
    /// The URL without the password, for messages.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let scheme = match self.mode {
            TlsMode::Plain => "smtp",
            TlsMode::Implicit => "smtps",
            TlsMode::StartTls => "smtp+starttls",
        };
        let user = self
            .user
            .as_deref()
            .map(|u| format!("{u}@"))
            .unwrap_or_default();
        write!(f, "{scheme}://{user}{}:{}", self.host, self.port)
    }
}

/// Decodes `%XX` escapes (user names and passwords with `@` or `:` in them).
fn percent_decode(s: &str) -> Result<String, String> {
    percent_encoding::percent_decode_str(s)
        .decode_utf8()
        .map(|d| d.into_owned())
        .map_err(|_| "a % escape is not UTF-8".into())
}

impl SmtpConfig {
    /// Parses `smtp://`, `smtps://` or `smtp+starttls://[user[:pass]@]host[:port]`.
    pub fn parse(url: &str) -> Result<SmtpConfig, String> {
        let u = url::Url::parse(url.trim()).map_err(|e| format!("not a URL: {e}"))?;
        let (mode, default_port) = match u.scheme() {
            "smtp+starttls" => (TlsMode::StartTls, 587),
            "smtps" => (TlsMode::Implicit, 465),
            "smtp" => (TlsMode::Plain, 25),
            _ => return Err("must start with smtp://, smtps:// or smtp+starttls://".into()),
        };
        let host = super::bare_host(&u)
            .filter(|_| matches!(u.path(), "" | "/") && u.query().is_none())
            .ok_or("is not smtp://[user[:password]@]host[:port]")?;
        let user = percent_decode(u.username())?;
        let password = u.password().map(percent_decode).transpose()?;
        Ok(SmtpConfig {
            mode,
            host,
            port: u.port().unwrap_or(default_port),
            user: Some(user).filter(|u| !u.is_empty()),
            password,
        })
    }
}

/// A TLS connector trusting the Mozilla roots shipped in the binary, so TLS works on
/// hosts without a system CA store.
pub fn tls_connector() -> TlsConnector {
    let mut roots = rustls::RootCertStore::empty();
    roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
    let config = rustls::ClientConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .expect("ring supports the default TLS versions")
    .with_root_certificates(roots)
    .with_no_client_auth();
    TlsConnector::from(Arc::new(config))
}

/// One mail ready to go: envelope and the whole message.
#[derive(Debug, Clone)]
pub struct OutMail {
    /// Notice id the outcome belongs to.
    pub id: String,
    pub from: String,
    pub to: String,
    pub bytes: Vec<u8>,
}

/// An open SMTP connection, plain or TLS.
enum Conn {
    Plain(SmtpClient<TcpStream>),
    Tls(Box<SmtpClient<TlsStream<TcpStream>>>),
}

macro_rules! with_conn {
    ($conn:expr, $c:ident => $body:expr) => {
        match $conn {
            Conn::Plain($c) => $body,
            Conn::Tls($c) => $body,
        }
    };
}

/// Sends mails through one SMTP server.
#[derive(Clone)]
pub struct Mailer {
    pub config: SmtpConfig,
    /// Name in EHLO.
    pub helo: String,
    connector: TlsConnector,
}

/// A problem with the connection itself (not a reply about one mail).
struct Broken(String);

impl Mailer {
    pub fn new(config: SmtpConfig, helo: &str) -> Mailer {
        Mailer {
            config,
            helo: helo.to_string(),
            connector: tls_connector(),
        }
    }

    async fn connect(&self) -> Result<Conn, String> {
        let c = &self.config;
        let mut b = SmtpClientBuilder::new_with_tls_connector(
            c.host.clone(),
            c.port,
            self.connector.clone(),
        )
        .timeout(SMTP_TIMEOUT)
        .helo_host(self.helo.clone())
        .implicit_tls(c.mode == TlsMode::Implicit);
        if let Some(user) = &c.user {
            b = b.credentials(Credentials::new(
                user.clone(),
                c.password.clone().unwrap_or_default(),
            ));
        }
        let conn = match c.mode {
            TlsMode::Plain => b.connect_plain().await.map(Conn::Plain),
            TlsMode::Implicit | TlsMode::StartTls => {
                b.connect().await.map(|c| Conn::Tls(Box::new(c)))
            }
        };
        let conn = conn.map_err(|e| format!("connecting to {}: {e}", self.config))?;
        // A mail goes out in several small writes; without this, Nagle's algorithm and
        // the server's delayed ACK stall every mail for ~40 ms.
        let _ = match &conn {
            Conn::Plain(c) => c.stream.set_nodelay(true),
            Conn::Tls(c) => c.stream.get_ref().0.set_nodelay(true),
        };
        Ok(conn)
    }

    /// One mail over an open connection. A reply about the mail is an outcome; a broken
    /// connection is an error (the caller reconnects).
    async fn send_one(conn: &mut Conn, m: &OutMail) -> Result<Outcome, Broken> {
        let sent = with_conn!(conn, c => async {
            c.mail_from(&m.from, &Parameters::default()).await?;
            c.rcpt_to(&m.to, &Parameters::default()).await?;
            c.data(&m.bytes).await
        }
        .await);
        match sent {
            Ok(_) => Ok(Outcome::Sent),
            Err(mail_send::Error::UnexpectedReply(r)) => {
                let outcome = smtp_outcome(r.code, r.message.trim());
                // A refused transaction must be reset before the next mail.
                with_conn!(conn, c => c.rset().await).map_err(|e| Broken(e.to_string()))?;
                Ok(outcome)
            }
            Err(e) => Err(Broken(e.to_string())),
        }
    }

    /// Sends every mail over one connection (reconnecting once if it breaks) and
    /// returns an outcome per mail. Mails that could not be tried are retried later.
    pub async fn send_all(&self, mails: Vec<OutMail>) -> Vec<(String, Outcome)> {
        let mut out = Vec::with_capacity(mails.len());
        let mut conn: Option<Conn> = None;
        let mut reconnects = 0;
        let mut iter = mails.into_iter();
        while let Some(m) = iter.next() {
            if conn.is_none() {
                match self.connect().await {
                    Ok(c) => conn = Some(c),
                    Err(e) => {
                        tracing::warn!(error = %e, "SMTP connection failed");
                        out.push((m.id, Outcome::Retry(e.clone())));
                        out.extend(iter.map(|m| (m.id, Outcome::Retry(e.clone()))));
                        return out;
                    }
                }
            }
            let Some(c) = conn.as_mut() else { break };
            match Self::send_one(c, &m).await {
                Ok(o) => out.push((m.id, o)),
                Err(Broken(e)) => {
                    out.push((m.id, Outcome::Retry(format!("SMTP connection: {e}"))));
                    conn = None;
                    reconnects += 1;
                    if reconnects > 2 {
                        let e = format!("SMTP connection keeps breaking: {e}");
                        out.extend(iter.map(|m| (m.id, Outcome::Retry(e.clone()))));
                        return out;
                    }
                }
            }
        }
        if let Some(c) = conn {
            let _ = with_conn!(c, c => c.quit().await);
        }
        out
    }

    /// Sends one mail now and says what happened (test mails from the CLI and admin).
    pub async fn send_now(&self, mail: OutMail) -> Result<(), String> {
        match self.send_all(vec![mail]).await.pop() {
            Some((_, Outcome::Sent)) => Ok(()),
            Some((_, Outcome::Retry(e) | Outcome::Permanent(e))) => Err(e),
            _ => Err("nothing was sent".into()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn smtp_urls() {
        let cases = [
            (
                "smtp://127.0.0.1:2525",
                TlsMode::Plain,
                "127.0.0.1",
                2525,
                None,
                None,
            ),
            ("smtp://relay", TlsMode::Plain, "relay", 25, None, None),
            (
                "smtps://user:pa%40ss@mail.example.com",
                TlsMode::Implicit,
                "mail.example.com",
                465,
                Some("user"),
                Some("pa@ss"),
            ),
            (
                "smtp+starttls://me%40example.com:p:w@smtp.example.com:2587/",
                TlsMode::StartTls,
                "smtp.example.com",
                2587,
                Some("me@example.com"),
                Some("p:w"),
            ),
            ("smtp://[::1]:25", TlsMode::Plain, "::1", 25, None, None),
        ];
        for (url, mode, host, port, user, pw) in cases {
            let c = SmtpConfig::parse(url).unwrap_or_else(|e| panic!("{url}: {e}"));
            assert_eq!(
                (c.mode, c.host.as_str(), c.port),
                (mode, host, port),
                "{url}"
            );
            assert_eq!(
                (c.user.as_deref(), c.password.as_deref()),
                (user, pw),
                "{url}"
            );
        }
        for bad in [
            "http://x",
            "smtp://",
            "smtp://host:port",
            "smtp://h:1%ff@x",
            "smtp://h/path",
            "smtp://h?x=1",
        ] {
            assert!(SmtpConfig::parse(bad).is_err(), "{bad}");
        }
        let c = SmtpConfig::parse("smtps://u:secret@h").unwrap();
        assert!(
            !format!("{c:?} {c}").contains("secret"),
            "passwords never print"
        );
    }

    #[test]
    fn tls_connector_builds_without_a_system_store() {
        let _ = tls_connector();
    }
}
