//! Client commands that talk to a running server over `/api/v1`, using `STATUSD_URL`
//! and `STATUSD_TOKEN`: for scripts and deploy pipelines.

use crate::error::{AppError, AppResult};
use clap::Subcommand;
use serde_json::{Value, json};

#[derive(Subcommand, Debug)]
pub enum IncidentCommand {
    /// Open an incident; prints its id.
    Create {
        #[arg(long)]
        title: String,
        /// investigating|identified|monitoring|resolved
        #[arg(long, default_value = "investigating")]
        status: String,
        /// none|minor|major|critical
        #[arg(long)]
        severity: Option<String>,
        /// Affected component id (repeatable).
        #[arg(long = "component")]
        components: Vec<String>,
        #[arg(long)]
        message: Option<String>,
        /// Page id or slug.
        #[arg(long)]
        page: Option<String>,
        /// Save as a draft for review instead of publishing.
        #[arg(long)]
        draft: bool,
        /// Do not notify subscribers.
        #[arg(long)]
        no_notify: bool,
    },
    /// Post an update.
    Update {
        id: String,
        #[arg(long)]
        status: Option<String>,
        #[arg(long)]
        message: String,
        #[arg(long)]
        no_notify: bool,
    },
    /// Resolve an incident.
    Resolve {
        id: String,
        #[arg(long)]
        message: Option<String>,
    },
    /// List incidents (newest first).
    List {
        /// draft|published
        #[arg(long)]
        state: Option<String>,
    },
}

#[derive(Subcommand, Debug)]
pub enum MaintenanceCommand {
    /// Schedule maintenance; prints its id. Without --starts it starts now.
    Create {
        #[arg(long)]
        title: String,
        /// RFC 3339 start, e.g. 2026-12-01T02:00:00Z [default: now].
        #[arg(long)]
        starts: Option<String>,
        /// RFC 3339 end.
        #[arg(long, conflicts_with = "minutes")]
        ends: Option<String>,
        /// Length in minutes (instead of --ends).
        #[arg(long)]
        minutes: Option<i64>,
        #[arg(long = "component")]
        components: Vec<String>,
        #[arg(long)]
        message: Option<String>,
    },
    /// Complete a maintenance window now.
    Complete { id: String },
    /// List maintenance windows.
    List,
}

#[derive(Subcommand, Debug)]
pub enum ComponentCommand {
    /// Set a component's status.
    SetStatus {
        id: String,
        /// operational|degraded_performance|partial_outage|major_outage|under_maintenance
        status: String,
    },
    /// List components.
    List,
}

/// A configured API client.
struct Client {
    base: String,
    token: String,
    agent: ureq::Agent,
}

impl Client {
    fn from_env() -> AppResult<Client> {
        let base = std::env::var("STATUSD_URL").map_err(|_| {
            AppError::invalid(
                "STATUSD_URL",
                "set it to the server's base URL, e.g. http://127.0.0.1:8080",
            )
        })?;
        let token = std::env::var("STATUSD_TOKEN").map_err(|_| {
            AppError::invalid(
                "STATUSD_TOKEN",
                "set it to an API token (statusd key create)",
            )
        })?;
        let agent = ureq::Agent::config_builder()
            .timeout_global(Some(std::time::Duration::from_secs(30)))
            .http_status_as_error(false)
            .max_redirects(0)
            .build()
            .into();
        Ok(Client {
            base: base.trim_end_matches('/').to_string(),
            token,
            agent,
        })
    }

    fn call(&self, method: &str, path: &str, body: Option<Value>) -> AppResult<Value> {
        let url = format!("{}{path}", self.base);
        let auth = format!("Bearer {}", self.token);
        let result = match (method, body) {
            ("GET", _) => self.agent.get(&url).header("Authorization", &auth).call(),
            (m, Some(b)) => {
                let req = match m {
                    "PATCH" => self.agent.patch(&url),
                    _ => self.agent.post(&url),
                };
                req.header("Authorization", &auth).send_json(&b)
            }
            (_, None) => self
                .agent
                .post(&url)
                .header("Authorization", &auth)
                .send_empty(),
        };
        let mut resp = result.map_err(|e| AppError::Internal(format!("{method} {url}: {e}")))?;
        let status = resp.status().as_u16();
        let text = resp.body_mut().read_to_string().unwrap_or_default();
        let value: Value = if text.is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&text).unwrap_or(Value::String(text.clone()))
        };
        if status >= 400 {
            let msg = value["error"]["message"]
                .as_str()
                .map(str::to_string)
                .unwrap_or(text);
            return Err(if status < 500 {
                AppError::invalid("request", format!("{status}: {msg}"))
            } else {
                AppError::Internal(format!("{status}: {msg}"))
            });
        }
        Ok(value)
    }
}

fn s(v: &Value, k: &str) -> String {
    v[k].as_str().unwrap_or("").to_string()
}

pub fn incident(cmd: IncidentCommand) -> AppResult<()> {
    let c = Client::from_env()?;
    match cmd {
        IncidentCommand::Create {
            title,
            status,
            severity,
            components,
            message,
            page,
            draft,
            no_notify,
        } => {
            let mut body = json!({"title": title, "status": status, "component_ids": components, "draft": draft, "notify": !no_notify});
            if let Some(sev) = severity {
                body["severity"] = json!(sev);
            }
            if let Some(m) = message {
                body["message"] = json!(m);
            }
            if let Some(p) = page {
                body["page"] = json!(p);
            }
            let i = c.call("POST", "/api/v1/incidents", Some(body))?;
            println!("{}", s(&i, "id"));
        }
        IncidentCommand::Update {
            id,
            status,
            message,
            no_notify,
        } => {
            let mut body = json!({"message": message, "notify": !no_notify});
            if let Some(st) = status {
                body["status"] = json!(st);
            }
            let i = c.call(
                "POST",
                &format!("/api/v1/incidents/{id}/updates"),
                Some(body),
            )?;
            println!("{} {}", s(&i, "id"), s(&i, "status"));
        }
        IncidentCommand::Resolve { id, message } => {
            let mut body = json!({"status": "resolved"});
            if let Some(m) = message {
                body["message"] = json!(m);
            }
            let i = c.call("PATCH", &format!("/api/v1/incidents/{id}"), Some(body))?;
            println!("{} {}", s(&i, "id"), s(&i, "status"));
        }
        IncidentCommand::List { state } => {
            let q = state.map(|st| format!("?state={st}")).unwrap_or_default();
            let list = c.call("GET", &format!("/api/v1/incidents{q}"), None)?;
            for i in list["data"].as_array().into_iter().flatten() {
                println!(
                    "{}\t{}\t{}\t{}\t{}",
                    s(i, "id"),
                    s(i, "state"),
                    s(i, "status"),
                    s(i, "impact"),
                    s(i, "title")
                );
            }
        }
    }
    Ok(())
}

pub fn maintenance(cmd: MaintenanceCommand) -> AppResult<()> {
    let c = Client::from_env()?;
    match cmd {
        MaintenanceCommand::Create {
            title,
            starts,
            ends,
            minutes,
            components,
            message,
        } => {
            let mut body = json!({"title": title, "component_ids": components, "message": message.unwrap_or_default()});
            if let Some(st) = starts {
                body["starts_at"] = json!(st);
            }
            match (ends, minutes) {
                (Some(e), _) => body["ends_at"] = json!(e),
                (None, Some(m)) => body["duration_minutes"] = json!(m),
                (None, None) => {
                    return Err(AppError::invalid("--ends", "give --ends or --minutes"));
                }
            }
            let m = c.call("POST", "/api/v1/maintenance", Some(body))?;
            println!("{}", s(&m, "id"));
        }
        MaintenanceCommand::Complete { id } => {
            let m = c.call("POST", &format!("/api/v1/maintenance/{id}/complete"), None)?;
            println!("{} {}", s(&m, "id"), s(&m, "status"));
        }
        MaintenanceCommand::List => {
            let list = c.call("GET", "/api/v1/maintenance", None)?;
            for m in list["data"].as_array().into_iter().flatten() {
                println!(
                    "{}\t{}\t{}\t{}\t{}",
                    s(m, "id"),
                    s(m, "status"),
                    s(m, "starts_at"),
                    s(m, "ends_at"),
                    s(m, "title")
                );
            }
        }
    }
    Ok(())
}

pub fn component(cmd: ComponentCommand) -> AppResult<()> {
    let c = Client::from_env()?;
    match cmd {
        ComponentCommand::SetStatus { id, status } => {
            let comp = c.call(
                "PATCH",
                &format!("/api/v1/components/{id}"),
                Some(json!({"status": status})),
            )?;
            println!("{} {}", s(&comp, "name"), s(&comp, "status"));
        }
        ComponentCommand::List => {
            let list = c.call("GET", "/api/v1/components?limit=500", None)?;
            for comp in list["data"].as_array().into_iter().flatten() {
                println!(
                    "{}\t{}\t{}",
                    s(comp, "id"),
                    s(comp, "status"),
                    s(comp, "name")
                );
            }
        }
    }
    Ok(())
}
