//! Client commands that talk to a running server over `/api/v1`: for engineers in a
//! terminal and for deploy pipelines. The server and token come from `--url`/`--token`,
//! `STATUSD_URL`/`STATUSD_TOKEN`, or the file `statusd login` writes.

mod commands;
mod more;
mod output;

pub use commands::{ComponentCommand, IncidentCommand, MaintenanceCommand};
pub use commands::{component, incident, maintenance};
pub use more::{DraftCommand, MonitorCommand, SubscriberCommand};
pub use more::{draft, monitor, subscriber};

use crate::error::{AppError, AppResult};
use clap::Args;
use serde_json::Value;
use std::io::IsTerminal;
use std::path::PathBuf;

/// Where to reach the server and how to print; shared by every client command.
#[derive(Debug, Args, Clone, Default)]
#[command(next_help_heading = "Server and output")]
pub struct ClientArgs {
    /// Base URL of the server [default: STATUSD_URL, else the URL saved by `statusd login`].
    #[arg(long, global = true, env = "STATUSD_URL")]
    pub url: Option<String>,
    /// API token [default: STATUSD_TOKEN, else the token saved by `statusd login`].
    #[arg(long, global = true, env = "STATUSD_TOKEN", hide_env_values = true)]
    pub token: Option<String>,
    /// Print the API's JSON instead of a table.
    #[arg(long, global = true, conflicts_with = "quiet")]
    pub json: bool,
    /// Print only ids.
    #[arg(long, short, global = true)]
    pub quiet: bool,
}

/// How a command prints what the server answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Output {
    Table,
    Json,
    Quiet,
}

/// The file `statusd login` writes: `url` and `token`.
#[derive(Debug, serde::Deserialize, serde::Serialize, Default)]
struct Saved {
    url: Option<String>,
    token: Option<String>,
}

/// `$XDG_CONFIG_HOME/statusd/cli.toml`, else `~/.config/statusd/cli.toml`.
fn saved_path() -> Option<PathBuf> {
    let base = std::env::var_os("XDG_CONFIG_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".config")))?;
    Some(base.join("statusd").join("cli.toml"))
}

fn read_saved() -> AppResult<Saved> {
    let Some(path) = saved_path().filter(|p| p.exists()) else {
        return Ok(Saved::default());
    };
    let text = std::fs::read_to_string(&path)
        .map_err(|e| AppError::invalid("cli.toml", format!("{}: {e}", path.display())))?;
    toml::from_str(&text)
        .map_err(|e| AppError::invalid("cli.toml", format!("{}: {}", path.display(), e.message())))
}

/// A configured API client.
pub struct Client {
    base: String,
    token: String,
    agent: ureq::Agent,
    pub out: Output,
}

fn check_url(url: &str) -> AppResult<String> {
    let url = url.trim().trim_end_matches('/');
    if !(url.starts_with("http://") || url.starts_with("https://")) {
        return Err(AppError::invalid(
            "--url",
            format!("{url:?} must start with http:// or https://, e.g. http://127.0.0.1:8080"),
        ));
    }
    Ok(url.to_string())
}

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .timeout_global(Some(std::time::Duration::from_secs(30)))
        .http_status_as_error(false)
        .max_redirects(0)
        .build()
        .into()
}

impl Client {
    /// Flags and env first, then the saved login.
    pub fn new(args: &ClientArgs) -> AppResult<Client> {
        let saved = match (&args.url, &args.token) {
            (Some(_), Some(_)) => Saved::default(),
            _ => read_saved()?,
        };
        let url = args
            .url
            .clone()
            .filter(|u| !u.is_empty())
            .or(saved.url)
            .ok_or_else(|| {
                AppError::invalid(
                    "--url",
                    "no server given: pass --url, set STATUSD_URL, or run `statusd login URL`",
                )
            })?;
        let token = args.token.clone().filter(|t| !t.is_empty()).or(saved.token).ok_or_else(|| {
            AppError::invalid(
                "--token",
                "no API token given: pass --token, set STATUSD_TOKEN, or run `statusd login URL` (tokens come from `statusd key create` or Admin → API keys)",
            )
        })?;
        let out = match (args.json, args.quiet) {
            (true, _) => Output::Json,
            (_, true) => Output::Quiet,
            _ => Output::Table,
        };
        Ok(Client {
            base: check_url(&url)?,
            token,
            agent: agent(),
            out,
        })
    }

    /// GETs every page of a list and returns `{"data": [...], "next_cursor": null}`.
    pub fn list(&self, path: &str) -> AppResult<Value> {
        let sep = if path.contains('?') { '&' } else { '?' };
        let mut all = Vec::new();
        let mut cursor: Option<String> = None;
        loop {
            let page = match &cursor {
                Some(c) => self.get(&format!("{path}{sep}limit=500&cursor={c}"))?,
                None => self.get(&format!("{path}{sep}limit=500"))?,
            };
            all.extend(page["data"].as_array().cloned().unwrap_or_default());
            match page["next_cursor"].as_str() {
                Some(c) if !c.is_empty() => cursor = Some(c.to_string()),
                _ => break,
            }
        }
        Ok(serde_json::json!({"data": all, "next_cursor": null}))
    }

    /// GETs a text document (not JSON).
    pub fn get_text(&self, path: &str) -> AppResult<String> {
        let url = format!("{}{path}", self.base);
        let mut resp = self
            .agent
            .get(&url)
            .header("Authorization", &format!("Bearer {}", self.token))
            .call()
            .map_err(|e| transport_error(&self.base, e))?;
        let status = resp.status().as_u16();
        let text = resp
            .body_mut()
            .with_config()
            .limit(64 << 20)
            .read_to_string()
            .map_err(|e| AppError::Internal(format!("GET {url}: reading the answer: {e}")))?;
        if status >= 400 {
            let v: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
            return Err(server_error(status, &v));
        }
        Ok(text)
    }

    pub fn get(&self, path: &str) -> AppResult<Value> {
        self.call("GET", path, None).map(|(v, _)| v)
    }

    /// Sends a request; returns the JSON answer and its raw text (for `--json`).
    pub fn call(
        &self,
        method: &str,
        path: &str,
        body: Option<&Value>,
    ) -> AppResult<(Value, String)> {
        let url = format!("{}{path}", self.base);
        let auth = format!("Bearer {}", self.token);
        let result = match (method, body) {
            ("GET", _) => self.agent.get(&url).header("Authorization", &auth).call(),
            ("DELETE", _) => self
                .agent
                .delete(&url)
                .header("Authorization", &auth)
                .call(),
            (m, Some(b)) => {
                let req = match m {
                    "PATCH" => self.agent.patch(&url),
                    "PUT" => self.agent.put(&url),
                    _ => self.agent.post(&url),
                };
                req.header("Authorization", &auth).send_json(b)
            }
            (_, None) => self
                .agent
                .post(&url)
                .header("Authorization", &auth)
                .send_empty(),
        };
        let mut resp = result.map_err(|e| transport_error(&self.base, e))?;
        let status = resp.status().as_u16();
        let text = resp
            .body_mut()
            .with_config()
            .limit(64 << 20)
            .read_to_string()
            .map_err(|e| AppError::Internal(format!("{method} {url}: reading the answer: {e}")))?;
        let parsed: Option<Value> = if text.is_empty() {
            Some(Value::Null)
        } else {
            serde_json::from_str(&text).ok()
        };
        let Some(value) = parsed else {
            return Err(AppError::invalid(
                "--url",
                format!(
                    "{} answered {method} {path} with {status} and no JSON; is it a statusd server? (check --url / STATUSD_URL)",
                    self.base
                ),
            ));
        };
        if status >= 400 {
            return Err(server_error(status, &value));
        }
        Ok((value, text))
    }
}

/// The server's own words, with the field it names.
fn server_error(status: u16, v: &Value) -> AppError {
    let msg = v["error"]["message"].as_str().unwrap_or("").to_string();
    let field = v["error"]["field"].as_str();
    match status {
        401 => AppError::invalid(
            "--token",
            format!(
                "the server did not accept the token (401): {msg}; check --token / STATUSD_TOKEN or run `statusd login URL`"
            ),
        ),
        403 => AppError::invalid(
            "--token",
            format!("the token's role may not do this (403): {msg}"),
        ),
        s if s < 500 => {
            let field = field.unwrap_or("request");
            let rest = msg.strip_prefix(&format!("{field}: ")).unwrap_or(&msg);
            AppError::invalid(field, format!("{rest} (the server answered {s})"))
        }
        s => AppError::Internal(format!("the server failed ({s}): {msg}")),
    }
}

fn transport_error(base: &str, e: ureq::Error) -> AppError {
    let refused = match &e {
        ureq::Error::ConnectionFailed => true,
        ureq::Error::Io(io) => io.kind() == std::io::ErrorKind::ConnectionRefused,
        _ => false,
    };
    let msg = match &e {
        _ if refused => format!(
            "cannot connect to {base}: connection refused; is statusd running there? (check --url / STATUSD_URL)"
        ),
        ureq::Error::HostNotFound => {
            format!("cannot connect to {base}: host not found (check --url / STATUSD_URL)")
        }
        ureq::Error::Timeout(_) => format!("{base} did not answer in time"),
        other => format!("cannot reach {base}: {other}"),
    };
    AppError::Internal(msg)
}

/// `statusd login URL`: asks for a token (without echo on a terminal, else one line of
/// stdin), checks it against the server, and saves both with mode 0600.
pub fn login(url: &str) -> AppResult<()> {
    let url = check_url(url)?;
    let token = if std::io::stdin().is_terminal() {
        rpassword::prompt_password(format!("API token for {url}: "))
            .map_err(|e| AppError::invalid("token", format!("cannot read the token: {e}")))?
    } else {
        let mut line = String::new();
        std::io::stdin()
            .read_line(&mut line)
            .map_err(|e| AppError::invalid("token", format!("cannot read stdin: {e}")))?;
        line
    };
    let token = token.trim().to_string();
    if token.is_empty() {
        return Err(AppError::invalid("token", "is empty"));
    }
    let client = Client {
        base: url.clone(),
        token: token.clone(),
        agent: agent(),
        out: Output::Table,
    };
    client.get("/api/v1/pages?limit=1")?;
    let path = saved_path()
        .ok_or_else(|| AppError::invalid("HOME", "is not set; cannot find ~/.config"))?;
    let text = toml::to_string(&Saved {
        url: Some(url.clone()),
        token: Some(token),
    })
    .map_err(|e| AppError::Internal(format!("encoding cli.toml: {e}")))?;
    write_private(&path, &text)?;
    println!("logged in to {url}; saved to {}", path.display());
    Ok(())
}

fn write_private(path: &std::path::Path, text: &str) -> AppResult<()> {
    use std::io::Write;
    let fail = |e: std::io::Error| AppError::Storage(format!("writing {}: {e}", path.display()));
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(fail)?;
    }
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut opts, 0o600);
    let mut f = opts.open(path).map_err(fail)?;
    f.write_all(text.as_bytes()).map_err(fail)
}
