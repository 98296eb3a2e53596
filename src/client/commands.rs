//! `statusd incident|maintenance|component …`.

use super::output::{component_ids, minutes, s, show_list, show_one, table};
use super::{Client, ClientArgs};
use crate::error::{AppError, AppResult};
use clap::Subcommand;
use serde_json::{Value, json};

/// Components by id, slug or exact name: `--components api,web` and/or `--component api`.
#[derive(Debug, clap::Args, Clone, Default)]
pub struct Components {
    /// Affected components by id, slug or exact name, comma-separated.
    #[arg(long, value_name = "A,B")]
    components: Vec<String>,
    /// One affected component (repeatable).
    #[arg(long)]
    component: Vec<String>,
}

impl Components {
    fn ids(&self, c: &Client) -> AppResult<Vec<String>> {
        let all: Vec<String> = self
            .components
            .iter()
            .chain(&self.component)
            .cloned()
            .collect();
        component_ids(c, &all)
    }
}

#[derive(Subcommand, Debug)]
pub enum IncidentCommand {
    /// Open an incident; prints its id.
    Create {
        /// What users see, e.g. "Checkout errors".
        #[arg(long)]
        title: String,
        /// investigating|identified|monitoring|resolved
        #[arg(long, default_value = "investigating")]
        status: String,
        /// none|minor|major|critical (sets the affected components' status).
        #[arg(long, alias = "severity")]
        impact: Option<String>,
        #[command(flatten)]
        components: Components,
        /// The first update (Markdown).
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
        /// investigating|identified|monitoring|resolved
        #[arg(long)]
        status: Option<String>,
        #[arg(long)]
        message: String,
        #[arg(long)]
        no_notify: bool,
    },
    /// Resolve an incident (its components return to operational).
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
    /// Show an incident and its updates.
    Show { id: String },
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
        #[arg(long, conflicts_with_all = ["minutes", "for_"])]
        ends: Option<String>,
        /// Length in minutes (instead of --ends).
        #[arg(long, conflicts_with = "for_")]
        minutes: Option<i64>,
        /// Length such as 15m or 1h30m (instead of --ends).
        #[arg(long = "for", id = "for_", value_name = "DURATION")]
        for_: Option<String>,
        #[command(flatten)]
        components: Components,
        #[arg(long)]
        message: Option<String>,
    },
    /// Start maintenance now: a new window (--title, --for) or the scheduled window ID; prints its id.
    Start {
        /// A scheduled window to start early; without it a new window starts now.
        id: Option<String>,
        #[arg(long, required_unless_present = "id")]
        title: Option<String>,
        /// How long, such as 15m or 1h30m.
        #[arg(long = "for", value_name = "DURATION", required_unless_present = "id")]
        for_: Option<String>,
        #[command(flatten)]
        components: Components,
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
    /// Set a component's status (component by id, slug or name).
    SetStatus {
        component: String,
        /// operational|degraded_performance|partial_outage|major_outage|under_maintenance
        status: String,
    },
    /// List components.
    List,
}

fn incident_line(i: &Value) -> String {
    format!(
        "{}  {}  {}  {}",
        s(i, "id"),
        s(i, "state"),
        s(i, "status"),
        s(i, "title")
    )
}

fn incident_detail(i: &Value) -> String {
    let mut out = format!(
        "{}\n  id:         {}\n  state:      {}\n  status:     {}\n  impact:     {}\n  started:    {}\n",
        s(i, "title"),
        s(i, "id"),
        s(i, "state"),
        s(i, "status"),
        s(i, "impact"),
        s(i, "started_at"),
    );
    if !s(i, "resolved_at").is_empty() {
        out.push_str(&format!("  resolved:   {}\n", s(i, "resolved_at")));
    }
    for c in i["components"].as_array().into_iter().flatten() {
        out.push_str(&format!(
            "  component:  {} → {}\n",
            s(c, "id"),
            s(c, "status")
        ));
    }
    let rows: Vec<Vec<String>> = i["updates"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|u| vec![s(u, "created_at"), s(u, "status"), s(u, "message")])
        .collect();
    out.push('\n');
    out.push_str(&table(&["TIME", "STATUS", "MESSAGE"], &rows));
    out
}

pub fn incident(args: &ClientArgs, cmd: IncidentCommand) -> AppResult<()> {
    let c = Client::new(args)?;
    match cmd {
        IncidentCommand::Create {
            title,
            status,
            impact,
            components,
            message,
            page,
            draft,
            no_notify,
        } => {
            let ids = components.ids(&c)?;
            let mut body = json!({"title": title, "status": status, "component_ids": ids, "draft": draft, "notify": !no_notify});
            if let Some(sev) = impact {
                body["impact"] = json!(sev);
            }
            if let Some(m) = message {
                body["message"] = json!(m);
            }
            if let Some(p) = page {
                body["page"] = json!(p);
            }
            let (i, raw) = c.call("POST", "/api/v1/incidents", Some(&body))?;
            show_one(&c, &i, &raw, |i| s(i, "id"));
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
            let path = format!("/api/v1/incidents/{id}/updates");
            let (i, raw) = c.call("POST", &path, Some(&body))?;
            show_one(&c, &i, &raw, incident_line);
        }
        IncidentCommand::Resolve { id, message } => {
            let mut body = json!({"status": "resolved"});
            if let Some(m) = message {
                body["message"] = json!(m);
            }
            let (i, raw) = c.call("PATCH", &format!("/api/v1/incidents/{id}"), Some(&body))?;
            show_one(&c, &i, &raw, incident_line);
        }
        IncidentCommand::List { state } => {
            let q = state.map(|st| format!("?state={st}")).unwrap_or_default();
            let list = c.list(&format!("/api/v1/incidents{q}"))?;
            show_list(
                &c,
                &list,
                &["ID", "STATE", "STATUS", "IMPACT", "STARTED", "TITLE"],
                |i| {
                    vec![
                        s(i, "id"),
                        s(i, "state"),
                        s(i, "status"),
                        s(i, "impact"),
                        s(i, "started_at"),
                        s(i, "title"),
                    ]
                },
            );
        }
        IncidentCommand::Show { id } => {
            let (i, raw) = c.call("GET", &format!("/api/v1/incidents/{id}"), None)?;
            show_one(&c, &i, &raw, incident_detail);
        }
    }
    Ok(())
}

fn maintenance_line(m: &Value) -> String {
    format!(
        "{}  {}  {} → {}  {}",
        s(m, "id"),
        s(m, "status"),
        s(m, "starts_at"),
        s(m, "ends_at"),
        s(m, "title")
    )
}

fn duration(for_: Option<String>) -> AppResult<Option<i64>> {
    for_.map(|f| minutes(&f).map_err(|m| AppError::invalid("--for", m)))
        .transpose()
}

pub fn maintenance(args: &ClientArgs, cmd: MaintenanceCommand) -> AppResult<()> {
    let c = Client::new(args)?;
    match cmd {
        MaintenanceCommand::Create {
            title,
            starts,
            ends,
            minutes,
            for_,
            components,
            message,
        } => {
            let minutes = match duration(for_)? {
                Some(m) => Some(m),
                None => minutes,
            };
            let ids = components.ids(&c)?;
            let mut body = json!({"title": title, "component_ids": ids, "message": message.unwrap_or_default()});
            if let Some(st) = starts {
                body["starts_at"] = json!(st);
            }
            match (ends, minutes) {
                (Some(e), _) => body["ends_at"] = json!(e),
                (None, Some(m)) => body["duration_minutes"] = json!(m),
                (None, None) => {
                    return Err(AppError::invalid(
                        "--ends",
                        "give --ends, --for or --minutes",
                    ));
                }
            }
            let (m, raw) = c.call("POST", "/api/v1/maintenance", Some(&body))?;
            show_one(&c, &m, &raw, |m| s(m, "id"));
        }
        MaintenanceCommand::Start {
            id: Some(id),
            message,
            ..
        } => {
            let body = message.map(|m| json!({"message": m}));
            let (m, raw) = c.call(
                "POST",
                &format!("/api/v1/maintenance/{id}/start"),
                body.as_ref(),
            )?;
            show_one(&c, &m, &raw, |m| s(m, "id"));
        }
        MaintenanceCommand::Start {
            id: None,
            title,
            for_,
            components,
            message,
        } => {
            let minutes = duration(for_)?
                .ok_or_else(|| AppError::invalid("--for", "give a length such as 15m"))?;
            let ids = components.ids(&c)?;
            let body = json!({
                "title": title.unwrap_or_default(),
                "component_ids": ids,
                "message": message.unwrap_or_default(),
                "duration_minutes": minutes,
            });
            let (m, raw) = c.call("POST", "/api/v1/maintenance", Some(&body))?;
            show_one(&c, &m, &raw, |m| s(m, "id"));
        }
        MaintenanceCommand::Complete { id } => {
            let (m, raw) = c.call("POST", &format!("/api/v1/maintenance/{id}/complete"), None)?;
            show_one(&c, &m, &raw, maintenance_line);
        }
        MaintenanceCommand::List => {
            let list = c.list("/api/v1/maintenance")?;
            show_list(
                &c,
                &list,
                &["ID", "STATUS", "STARTS", "ENDS", "TITLE"],
                |m| {
                    vec![
                        s(m, "id"),
                        s(m, "status"),
                        s(m, "starts_at"),
                        s(m, "ends_at"),
                        s(m, "title"),
                    ]
                },
            );
        }
    }
    Ok(())
}

pub fn component(args: &ClientArgs, cmd: ComponentCommand) -> AppResult<()> {
    let c = Client::new(args)?;
    match cmd {
        ComponentCommand::SetStatus { component, status } => {
            let id = component_ids(&c, std::slice::from_ref(&component))?.remove(0);
            let body = json!({"status": status});
            let (comp, raw) = c.call("PATCH", &format!("/api/v1/components/{id}"), Some(&body))?;
            show_one(&c, &comp, &raw, |v| {
                format!("{}  {}", s(v, "name"), s(v, "status"))
            });
        }
        ComponentCommand::List => {
            let list = c.list("/api/v1/components")?;
            show_list(&c, &list, &["ID", "SLUG", "STATUS", "NAME"], |v| {
                vec![s(v, "id"), s(v, "slug"), s(v, "status"), s(v, "name")]
            });
        }
    }
    Ok(())
}
