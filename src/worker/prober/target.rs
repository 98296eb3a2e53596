//! A monitor's kind, target and settings turned into what `probe::run` checks.

use crate::domain::{Monitor, MonitorKind};
use crate::probe;

/// Builds the probe target of a monitor from its kind, target and settings.
pub fn probe_target(m: &Monitor) -> Result<probe::Target, String> {
    let mut settings = if m.check.is_object() {
        m.check.clone()
    } else {
        serde_json::json!({})
    };
    let (host, port) = match m.target.rsplit_once(':') {
        Some((h, p)) => (
            h.trim_start_matches('[').trim_end_matches(']').to_string(),
            p.parse::<u16>().unwrap_or(443),
        ),
        None => (m.target.clone(), 443),
    };
    let from = |v: serde_json::Value| v.to_string();
    match m.kind {
        MonitorKind::Http => {
            settings["url"] = serde_json::json!(m.target);
            serde_json::from_value(settings)
                .map(probe::Target::Http)
                .map_err(|e| format!("check: {e}"))
        }
        MonitorKind::Tcp => Ok(probe::Target::Tcp { host, port }),
        MonitorKind::Dns => {
            settings["name"] = serde_json::json!(m.target);
            serde_json::from_value(settings)
                .map(probe::Target::Dns)
                .map_err(|e| format!("check: {e}"))
        }
        MonitorKind::Tls => {
            settings["host"] = serde_json::json!(host);
            settings["port"] = serde_json::json!(port);
            serde_json::from_value(settings)
                .map(probe::Target::Tls)
                .map_err(|e| format!("check: {e}"))
        }
        MonitorKind::Heartbeat => Err(from(serde_json::json!(
            "heartbeat monitors are pushed, not probed"
        ))),
    }
}
