//! `statusd monitor|draft|subscriber …`.

use super::output::{component_ids, find, s, show_list, show_one};
use super::{Client, ClientArgs, Output};
use crate::error::{AppError, AppResult};
use clap::Subcommand;
use serde_json::{Value, json};

#[derive(Subcommand, Debug)]
pub enum MonitorCommand {
    /// List monitors with their last verdict.
    List,
    /// Show a monitor's settings and state (monitor by id or name).
    Show { monitor: String },
    /// Stop checking a monitor.
    Pause { monitor: String },
    /// Start checking a paused monitor again.
    Resume { monitor: String },
    /// Queue a check now.
    Check { monitor: String },
}

#[derive(Subcommand, Debug)]
pub enum DraftCommand {
    /// List draft incidents waiting for review.
    List,
    /// Publish a draft (subscribers are told).
    Publish { id: String },
    /// Discard a draft.
    Discard { id: String },
}

#[derive(Subcommand, Debug)]
pub enum SubscriberCommand {
    /// List subscribers.
    List,
    /// Add an email (confirmed by a mailed link unless --skip-confirmation) or webhook subscriber; prints its id.
    Add {
        #[arg(long, required_unless_present = "webhook", conflicts_with = "webhook")]
        email: Option<String>,
        /// Webhook URL (payloads signed with HMAC-SHA256; the secret is printed once).
        #[arg(long)]
        webhook: Option<String>,
        /// Only these components (id, slug or name, comma-separated) [default: the whole page].
        #[arg(long, value_name = "A,B")]
        components: Vec<String>,
        /// Page id or slug [default: the default page].
        #[arg(long)]
        page: Option<String>,
        /// The person already agreed (e.g. an imported list): no confirmation mail.
        #[arg(long)]
        skip_confirmation: bool,
    },
    /// Remove a subscriber (by id or email).
    Remove { subscriber: String },
}

fn state(m: &Value) -> String {
    if m["paused"].as_bool() == Some(true) {
        return "paused".into();
    }
    match m["state"]["up"].as_bool() {
        Some(true) => "up".into(),
        Some(false) => "down".into(),
        None => "pending".into(),
    }
}

fn monitor_id(c: &Client, key: &str) -> AppResult<String> {
    let list = c.list("/api/v1/monitors")?;
    let items = list["data"].as_array().cloned().unwrap_or_default();
    Ok(s(find(&items, key, "monitor", "MONITOR")?, "id"))
}

fn monitor_detail(m: &Value) -> String {
    let schedule = match s(m, "cron") {
        c if !c.is_empty() => format!("cron {c}"),
        _ => format!("every {}s", s(m, "interval_seconds")),
    };
    let st = &m["state"];
    format!(
        "{}\n  id:         {}\n  kind:       {}\n  target:     {}\n  schedule:   {schedule}\n  state:      {}\n  last check: {}\n  latency:    {} ms\n  error:      {}\n  component:  {}\n  on down:    {}",
        s(m, "name"),
        s(m, "id"),
        s(m, "kind"),
        s(m, "target"),
        state(m),
        s(st, "last_check_at"),
        s(st, "last_latency_ms"),
        s(st, "last_error"),
        s(m, "component_id"),
        s(m, "on_down"),
    )
}

fn monitor_line(m: &Value) -> String {
    format!("{}  {}  {}", s(m, "id"), state(m), s(m, "name"))
}

pub fn monitor(args: &ClientArgs, cmd: MonitorCommand) -> AppResult<()> {
    let c = Client::new(args)?;
    match cmd {
        MonitorCommand::List => {
            let list = c.list("/api/v1/monitors")?;
            show_list(
                &c,
                &list,
                &["ID", "KIND", "STATE", "LAST CHECK", "NAME", "TARGET"],
                |m| {
                    vec![
                        s(m, "id"),
                        s(m, "kind"),
                        state(m),
                        s(&m["state"], "last_check_at"),
                        s(m, "name"),
                        s(m, "target"),
                    ]
                },
            );
        }
        MonitorCommand::Show { monitor } => {
            let id = monitor_id(&c, &monitor)?;
            let (m, raw) = c.call("GET", &format!("/api/v1/monitors/{id}"), None)?;
            show_one(&c, &m, &raw, monitor_detail);
        }
        MonitorCommand::Pause { monitor } => pause(&c, &monitor, true)?,
        MonitorCommand::Resume { monitor } => pause(&c, &monitor, false)?,
        MonitorCommand::Check { monitor } => {
            let id = monitor_id(&c, &monitor)?;
            let (v, raw) = c.call("POST", &format!("/api/v1/monitors/{id}/check"), None)?;
            show_one(&c, &v, &raw, |v| format!("{}  check queued", s(v, "id")));
        }
    }
    Ok(())
}

fn pause(c: &Client, key: &str, paused: bool) -> AppResult<()> {
    let id = monitor_id(c, key)?;
    let body = json!({"paused": paused});
    let (m, raw) = c.call("PATCH", &format!("/api/v1/monitors/{id}"), Some(&body))?;
    show_one(c, &m, &raw, monitor_line);
    Ok(())
}

pub fn draft(args: &ClientArgs, cmd: DraftCommand) -> AppResult<()> {
    let c = Client::new(args)?;
    match cmd {
        DraftCommand::List => {
            let list = c.list("/api/v1/incidents?state=draft")?;
            show_list(
                &c,
                &list,
                &["ID", "STATUS", "IMPACT", "STARTED", "TITLE"],
                |i| {
                    vec![
                        s(i, "id"),
                        s(i, "status"),
                        s(i, "impact"),
                        s(i, "started_at"),
                        s(i, "title"),
                    ]
                },
            );
        }
        DraftCommand::Publish { id } => {
            let (i, raw) = c.call("POST", &format!("/api/v1/incidents/{id}/publish"), None)?;
            show_one(&c, &i, &raw, |i| {
                format!("{}  published  {}", s(i, "id"), s(i, "title"))
            });
        }
        DraftCommand::Discard { id } => {
            c.call("POST", &format!("/api/v1/incidents/{id}/discard"), None)?;
            match c.out {
                Output::Json => println!("{}", json!({"id": id, "discarded": true})),
                Output::Quiet => println!("{id}"),
                Output::Table => println!("{id}  discarded"),
            }
        }
    }
    Ok(())
}

fn address(v: &Value) -> String {
    match s(v, "email") {
        e if !e.is_empty() => e,
        _ => s(v, "url"),
    }
}

pub fn subscriber(args: &ClientArgs, cmd: SubscriberCommand) -> AppResult<()> {
    let c = Client::new(args)?;
    match cmd {
        SubscriberCommand::List => {
            let list = c.list("/api/v1/subscribers")?;
            show_list(
                &c,
                &list,
                &["ID", "KIND", "CONFIRMED", "COMPONENTS", "ADDRESS"],
                |v| {
                    let n = v["component_ids"].as_array().map_or(0, Vec::len);
                    let comps = if n == 0 {
                        "all".to_string()
                    } else {
                        n.to_string()
                    };
                    vec![
                        s(v, "id"),
                        s(v, "kind"),
                        s(v, "confirmed"),
                        comps,
                        address(v),
                    ]
                },
            );
        }
        SubscriberCommand::Add {
            email,
            webhook,
            components,
            page,
            skip_confirmation,
        } => {
            let ids = component_ids(&c, &components)?;
            let mut body = json!({"component_ids": ids, "skip_confirmation": skip_confirmation});
            match (email, webhook) {
                (Some(e), _) => body["email"] = json!(e),
                (None, Some(u)) => body["url"] = json!(u),
                (None, None) => {
                    return Err(AppError::invalid("--email", "give --email or --webhook"));
                }
            }
            if let Some(p) = page {
                body["page"] = json!(p);
            }
            let (v, raw) = c.call("POST", "/api/v1/subscribers", Some(&body))?;
            show_one(&c, &v, &raw, |v| match s(v, "secret") {
                sec if !sec.is_empty() => {
                    format!("{}\nsigning secret (shown once): {sec}", s(v, "id"))
                }
                _ => s(v, "id"),
            });
        }
        SubscriberCommand::Remove { subscriber } => {
            let list = c.list("/api/v1/subscribers")?;
            let items = list["data"].as_array().cloned().unwrap_or_default();
            let found = items
                .iter()
                .find(|v| s(v, "id") == subscriber || address(v).eq_ignore_ascii_case(&subscriber))
                .ok_or_else(|| {
                    AppError::invalid(
                        "SUBSCRIBER",
                        format!("no subscriber with id or address {subscriber:?}"),
                    )
                })?;
            let id = s(found, "id");
            c.call("DELETE", &format!("/api/v1/subscribers/{id}"), None)?;
            match c.out {
                Output::Json => println!("{}", json!({"id": id, "removed": true})),
                Output::Quiet => println!("{id}"),
                Output::Table => println!("{id}  removed  {}", address(found)),
            }
        }
    }
    Ok(())
}
