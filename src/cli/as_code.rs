//! `statusd apply FILE` and `statusd export`: through the API when a server URL is
//! given, else on the data file (server stopped).

use crate::client::{Client, ClientArgs};
use crate::config::Config;
use crate::domain::as_code::render;
use crate::error::{AppError, AppResult};
use crate::store::Store;
use serde_json::{Value, json};
use std::path::Path;

/// Where apply and export work: a running server, or the data file.
pub enum Target {
    Server { url: String, token: Option<String> },
    File(Box<Config>),
}

fn client(url: &str, token: Option<String>) -> AppResult<Client> {
    Client::new(&ClientArgs {
        url: Some(url.to_string()),
        token,
        json: false,
        quiet: false,
    })
}

/// The `env:NAME` references of a file whose variables are set here.
fn env_values(text: &str) -> serde_json::Map<String, Value> {
    let re = regex::Regex::new(r"env:([A-Za-z_][A-Za-z0-9_]*)").expect("a valid pattern");
    re.captures_iter(text)
        .filter_map(|c| {
            let name = c[1].to_string();
            std::env::var(&name).ok().map(|v| (name, json!(v)))
        })
        .collect()
}

/// Prints the plan; the exit code is 2 for a dry run with changes pending, else 0.
pub fn apply(
    target: Target,
    file: &Path,
    dry_run: bool,
    prune: bool,
    as_json: bool,
) -> AppResult<i32> {
    let text = std::fs::read_to_string(file)
        .map_err(|e| AppError::invalid("FILE", format!("cannot read {}: {e}", file.display())))?;
    let name = file.display().to_string();
    let plan: Value = match target {
        Target::Server { url, token } => {
            let c = client(&url, token)?;
            let path = if dry_run {
                "/api/v1/config/plan"
            } else {
                "/api/v1/config/apply"
            };
            let body =
                json!({"toml": text, "file": name, "prune": prune, "env": env_values(&text)});
            c.call("POST", path, Some(&body))?.0
        }
        Target::File(config) => {
            let store = Store::open(&config.data)?;
            let check = crate::worker::prober::check_settings;
            let env = |n: &str| std::env::var(n).ok();
            let p = store.config_apply(&name, &text, prune, dry_run, &env, &check)?;
            json!({
                "changes": p.actions.len(),
                "text": render(&p.actions),
                "actions": p.actions,
                "applied": p.applied,
                "unset_env": p.unset_env,
            })
        }
    };
    let changes = plan["changes"].as_u64().unwrap_or(0);
    if as_json {
        println!("{plan}");
    } else {
        print!("{}", plan["text"].as_str().unwrap_or(""));
        if !dry_run && changes > 0 {
            println!("applied {changes} change(s) in one transaction");
        }
    }
    for name in plan["unset_env"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
    {
        eprintln!("statusd: note: {name} is not set; the live secret is kept");
    }
    Ok(if dry_run && changes > 0 { 2 } else { 0 })
}

/// Prints the live configuration as a file.
pub fn export(target: Target) -> AppResult<()> {
    let text = match target {
        Target::Server { url, token } => client(&url, token)?.get_text("/api/v1/config/export")?,
        Target::File(config) => Store::open(&config.data)?.config_export()?,
    };
    print!("{text}");
    Ok(())
}
