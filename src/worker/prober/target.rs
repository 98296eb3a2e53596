//! A monitor's kind, target and settings turned into what `probe::run` checks.

use crate::domain::{Monitor, MonitorKind};
use crate::probe;

/// Builds the probe target of a monitor from its kind, target and settings.
pub fn probe_target(m: &Monitor) -> Result<probe::Target, String> {
    target_of(m.kind, &m.target, &m.check)
}

/// Refuses settings a probe could never run with (a status range like "abc", a bad JSON
/// path…) before they are saved: the field they belong to and why. The target itself is
/// checked by the store.
pub fn check_settings(
    kind: MonitorKind,
    target: &str,
    check: &serde_json::Value,
) -> Result<(), (String, String)> {
    if matches!(kind, MonitorKind::Tcp | MonitorKind::Heartbeat)
        || crate::store::validate_target(kind, target).is_err()
    {
        return Ok(());
    }
    let t = target_of(kind, target.trim(), check).map_err(|e| {
        let e = e.trim_start_matches("check: ").to_string();
        // Serde names the setting first ("expected_status: …") when it can.
        match e.split_once(": ") {
            Some((field, why)) if check.get(field).is_some() => (field.into(), why.into()),
            _ => ("check".into(), e),
        }
    })?;
    t.validate().map_err(|(f, m)| (f.to_string(), m))
}

fn target_of(
    kind: MonitorKind,
    target: &str,
    check: &serde_json::Value,
) -> Result<probe::Target, String> {
    let mut settings = if check.is_object() {
        check.clone()
    } else {
        serde_json::json!({})
    };
    let (host, port) = match target.rsplit_once(':') {
        Some((h, p)) => (
            h.trim_start_matches('[').trim_end_matches(']').to_string(),
            p.parse::<u16>().unwrap_or(443),
        ),
        None => (target.to_string(), 443),
    };
    let from = |v: serde_json::Value| v.to_string();
    match kind {
        MonitorKind::Http => {
            settings["url"] = serde_json::json!(target);
            serde_json::from_value(settings)
                .map(probe::Target::Http)
                .map_err(|e| format!("check: {e}"))
        }
        MonitorKind::Tcp => Ok(probe::Target::Tcp { host, port }),
        MonitorKind::Dns => {
            settings["name"] = serde_json::json!(target);
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
