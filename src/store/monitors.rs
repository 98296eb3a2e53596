//! Monitors and their live state; results and rollups are in `results.rs`.

use super::{Store, all, get, new_id, tables};
use crate::domain::as_code::new_slug;
use crate::domain::{
    Component, ComponentStatus, Impact, Monitor, MonitorKind, MonitorState, OnDown, parse_cron,
    validate,
};
use crate::error::{AppError, AppResult};
use redb::{ReadableTable, WriteTransaction};
use serde::Deserialize;
use std::collections::HashMap;

/// Seed-style alert policy (`create_status_page_incident`, `affected_component`,
/// `incident_severity`), accepted as an alternative to the flat fields.
#[derive(Debug, Clone, Deserialize, Default, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AlertPolicy {
    #[serde(default)]
    pub create_status_page_incident: Option<bool>,
    #[serde(default)]
    pub status_page_id: Option<String>,
    #[serde(default)]
    pub affected_component: Option<String>,
    #[serde(default)]
    pub incident_severity: Option<String>,
    /// `true`: open drafts for review instead of published incidents.
    #[serde(default)]
    pub draft: Option<bool>,
}

/// Fields of a monitor as clients send them; on update, absent means unchanged.
#[derive(Debug, Clone, Deserialize, Default, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MonitorInput {
    pub name: Option<String>,
    pub kind: Option<String>,
    pub target: Option<String>,
    /// Kind-specific settings (method, headers, expected_status, keyword, json_path...).
    pub check: Option<serde_json::Value>,
    pub interval_seconds: Option<u32>,
    pub cron: Option<String>,
    pub timeout_ms: Option<u32>,
    pub failure_threshold: Option<u32>,
    pub recovery_threshold: Option<u32>,
    #[serde(default, deserialize_with = "super::components::double_option")]
    pub component_id: Option<Option<String>>,
    pub on_down: Option<String>,
    pub down_status: Option<String>,
    pub severity: Option<String>,
    pub paused: Option<bool>,
    pub grace_seconds: Option<u32>,
    pub alert_policy: Option<AlertPolicy>,
}

fn invalid(field: &str, m: impl Into<String>) -> AppError {
    AppError::invalid(field, m)
}

/// Checks a target for its kind; deeper checks of `check` settings live with the probes.
pub fn validate_target(kind: MonitorKind, target: &str) -> Result<String, String> {
    let t = target.trim();
    let host_port = |t: &str, default_port: Option<u16>| -> Result<String, String> {
        let (host, port) = match t.rsplit_once(':') {
            Some((h, p)) if !h.ends_with(':') || h.starts_with('[') => (h, Some(p)),
            _ => (t, None),
        };
        let port = match (port, default_port) {
            (Some(p), _) => p
                .parse::<u16>()
                .ok()
                .filter(|p| *p > 0)
                .ok_or_else(|| format!("port {p:?} must be 1-65535"))?,
            (None, Some(d)) => d,
            (None, None) => return Err(format!("{t:?} needs a port, like db.example.com:5432")),
        };
        let h = host.trim_start_matches('[').trim_end_matches(']');
        if h.parse::<std::net::IpAddr>().is_err() {
            validate::hostname(h)?;
        }
        Ok(format!("{host}:{port}"))
    };
    match kind {
        MonitorKind::Http => {
            let rest = t
                .strip_prefix("https://")
                .or_else(|| t.strip_prefix("http://"))
                .ok_or_else(|| format!("{t:?} must start with http:// or https://"))?;
            let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
            let host = authority
                .rsplit_once('@')
                .map(|(_, h)| h)
                .unwrap_or(authority);
            if host.is_empty() || host.contains(' ') {
                return Err(format!("{t:?} has no host"));
            }
            Ok(t.to_string())
        }
        MonitorKind::Tcp => host_port(t, None),
        MonitorKind::Tls => host_port(t, Some(443)),
        MonitorKind::Dns => validate::hostname(t),
        MonitorKind::Heartbeat => Ok(String::new()),
    }
}

fn apply_input(m: &mut Monitor, input: MonitorInput, txn: &WriteTransaction) -> AppResult<()> {
    if let Some(n) = input.name {
        m.name = validate::name(&n, 100).map_err(|e| invalid("name", e))?;
    }
    if let Some(k) = input.kind {
        m.kind = k.parse().map_err(|e: String| invalid("kind", e))?;
    }
    if let Some(t) = input.target {
        m.target = t;
    }
    m.target = validate_target(m.kind, &m.target).map_err(|e| invalid("target", e))?;
    if let Some(mut c) = input.check {
        if !(c.is_object() || c.is_null()) {
            return Err(invalid(
                "check",
                "must be an object of settings for the kind",
            ));
        }
        crate::domain::monitor_secrets::keep_secrets(&mut c, &m.check);
        m.check = c;
    }
    match (input.interval_seconds, input.cron) {
        (Some(_), Some(_)) => {
            return Err(invalid("cron", "give interval_seconds or cron, not both"));
        }
        (Some(0), None) => return Err(invalid("interval_seconds", "must be at least 1")),
        (Some(s), None) => {
            if s > 31 * 86400 {
                return Err(invalid(
                    "interval_seconds",
                    "must be at most 2678400 (31 days)",
                ));
            }
            (m.interval_seconds, m.cron) = (Some(s), None);
        }
        (None, Some(c)) if c.trim().is_empty() => m.cron = None,
        (None, Some(c)) => {
            parse_cron(&c).map_err(|e| invalid("cron", e))?;
            (m.cron, m.interval_seconds) = (Some(c.trim().to_string()), None);
        }
        (None, None) => {}
    }
    if m.interval_seconds.is_none() && m.cron.is_none() {
        m.interval_seconds = Some(60);
    }
    if let Some(t) = input.timeout_ms {
        if !(100..=120_000).contains(&t) {
            return Err(invalid("timeout_ms", "must be between 100 and 120000"));
        }
        m.timeout_ms = t;
    }
    if let Some(f) = input.failure_threshold {
        if !(1..=100).contains(&f) {
            return Err(invalid("failure_threshold", "must be between 1 and 100"));
        }
        m.failure_threshold = f;
    }
    if let Some(r) = input.recovery_threshold {
        if !(1..=100).contains(&r) {
            return Err(invalid("recovery_threshold", "must be between 1 and 100"));
        }
        m.recovery_threshold = r;
    }
    if let Some(p) = input.alert_policy {
        if let Some(c) = p.affected_component {
            m.component_id = Some(c);
        }
        if let Some(s) = p.incident_severity {
            m.severity = s
                .parse()
                .map_err(|e: String| invalid("alert_policy.incident_severity", e))?;
        }
        if let Some(create) = p.create_status_page_incident {
            m.on_down = match (create, p.draft.unwrap_or(false)) {
                (false, _) => OnDown::Status,
                (true, true) => OnDown::Draft,
                (true, false) => OnDown::Publish,
            };
        }
    }
    if let Some(c) = input.component_id {
        m.component_id = c.filter(|c| !c.is_empty());
    }
    if let Some(c) = &m.component_id
        && get::<Component, _>(&txn.open_table(tables::COMPONENTS)?, c)?.is_none()
    {
        return Err(AppError::UnknownIds {
            field: "component_id".into(),
            message: format!("unknown component id: {c}"),
        });
    }
    if let Some(o) = input.on_down {
        m.on_down = o.parse().map_err(|e: String| invalid("on_down", e))?;
    }
    if m.on_down != OnDown::Status && m.component_id.is_none() && m.on_down != OnDown::Draft {
        // A published incident without a component would change nothing on the page.
        return Err(invalid(
            "component_id",
            "a monitor that publishes incidents needs the component it drives",
        ));
    }
    if let Some(s) = input.down_status {
        m.down_status = s
            .parse::<ComponentStatus>()
            .map_err(|e| invalid("down_status", e))?;
    }
    if let Some(s) = input.severity {
        m.severity = s.parse::<Impact>().map_err(|e| invalid("severity", e))?;
    }
    if let Some(p) = input.paused {
        m.paused = p;
    }
    if let Some(g) = input.grace_seconds {
        m.grace_seconds = g.min(31 * 86400);
    }
    Ok(())
}

impl Store {
    pub fn create_monitor(&self, input: MonitorInput) -> AppResult<Monitor> {
        self.write(|txn| self.create_monitor_in(txn, input))
    }

    pub(crate) fn create_monitor_in(
        &self,
        txn: &WriteTransaction,
        input: MonitorInput,
    ) -> AppResult<Monitor> {
        if input.name.as_deref().is_none_or(|n| n.trim().is_empty()) {
            return Err(invalid("name", "must not be empty"));
        }
        let kind: MonitorKind = input
            .kind
            .as_deref()
            .unwrap_or("http")
            .parse()
            .map_err(|e: String| invalid("kind", e))?;
        if kind != MonitorKind::Heartbeat
            && input.target.as_deref().is_none_or(|t| t.trim().is_empty())
        {
            return Err(invalid("target", "must not be empty"));
        }
        {
            let now = self.now();
            let mut m = Monitor {
                slug: String::new(),
                managed_by_config: false,
                id: new_id(),
                name: String::new(),
                kind,
                target: String::new(),
                check: serde_json::Value::Null,
                interval_seconds: None,
                cron: None,
                timeout_ms: 10_000,
                failure_threshold: 3,
                recovery_threshold: 2,
                component_id: None,
                on_down: OnDown::Status,
                down_status: ComponentStatus::MajorOutage,
                severity: Impact::Major,
                paused: false,
                grace_seconds: 60,
                heartbeat_token: None,
                created_at: now,
                updated_at: now,
            };
            apply_input(&mut m, input, txn)?;
            let others: Vec<Monitor> = super::all(&txn.open_table(tables::MONITORS)?)?;
            m.slug = new_slug(
                others
                    .iter()
                    .map(|x| (x.id.as_str(), x.slug.as_str(), x.name.as_str())),
                &m.name,
            );
            if m.kind == MonitorKind::Heartbeat {
                let token = crate::secret::random_token();
                txn.open_table(tables::HEARTBEATS)?
                    .insert(token.as_str(), m.id.as_str())?;
                m.heartbeat_token = Some(token);
            }
            txn.open_table(tables::MONITORS)?
                .insert(m.id.as_str(), &m)?;
            Ok(m)
        }
    }

    pub fn update_monitor(&self, id: &str, input: MonitorInput) -> AppResult<Monitor> {
        self.write(|txn| self.update_monitor_in(txn, id, input))
    }

    pub(crate) fn update_monitor_in(
        &self,
        txn: &WriteTransaction,
        id: &str,
        input: MonitorInput,
    ) -> AppResult<Monitor> {
        {
            let mut m: Monitor = get(&txn.open_table(tables::MONITORS)?, id)?
                .ok_or_else(|| AppError::NotFound(format!("monitor {id}")))?;
            let was = m.kind;
            apply_input(&mut m, input, txn)?;
            if was != m.kind && m.kind == MonitorKind::Heartbeat && m.heartbeat_token.is_none() {
                let token = crate::secret::random_token();
                txn.open_table(tables::HEARTBEATS)?
                    .insert(token.as_str(), m.id.as_str())?;
                m.heartbeat_token = Some(token);
            }
            m.updated_at = self.now();
            txn.open_table(tables::MONITORS)?.insert(id, &m)?;
            Ok(m)
        }
    }

    /// Deletes a monitor with its state, results and rollups.
    pub fn delete_monitor(&self, id: &str) -> AppResult<()> {
        self.write(|txn| self.delete_monitor_in(txn, id))
    }

    pub(crate) fn delete_monitor_in(&self, txn: &WriteTransaction, id: &str) -> AppResult<()> {
        {
            let m: Monitor = get(&txn.open_table(tables::MONITORS)?, id)?
                .ok_or_else(|| AppError::NotFound(format!("monitor {id}")))?;
            txn.open_table(tables::MONITORS)?.remove(id)?;
            txn.open_table(tables::MONITOR_STATE)?.remove(id)?;
            if let Some(t) = &m.heartbeat_token {
                txn.open_table(tables::HEARTBEATS)?.remove(t.as_str())?;
            }
            txn.open_table(tables::RESULTS)?
                .retain_in((id, i64::MIN)..=(id, i64::MAX), |_, _| false)?;
            txn.open_table(tables::FAILURES)?
                .retain_in((id, i64::MIN)..=(id, i64::MAX), |_, _| false)?;
            txn.open_table(tables::HOURLY_DAYS)?
                .retain_in((id, i64::MIN)..=(id, i64::MAX), |_, _| false)?;
            txn.open_table(tables::DAILY_PACKED)?
                .retain_in((id, i64::MIN)..=(id, i64::MAX), |_, _| false)?;
            Ok(())
        }
    }

    pub fn list_monitors(&self) -> AppResult<Vec<Monitor>> {
        all(&self.read()?.open_table(tables::MONITORS)?)
    }

    pub fn get_monitor(&self, id: &str) -> AppResult<Monitor> {
        get(&self.read()?.open_table(tables::MONITORS)?, id)?
            .ok_or_else(|| AppError::NotFound(format!("monitor {id}")))
    }

    pub fn monitor_by_heartbeat(&self, token: &str) -> AppResult<Option<Monitor>> {
        let txn = self.read()?;
        let Some(id) = txn
            .open_table(tables::HEARTBEATS)?
            .get(token)?
            .map(|v| v.value().to_string())
        else {
            return Ok(None);
        };
        get(&txn.open_table(tables::MONITORS)?, &id)
    }

    pub fn monitor_states(&self) -> AppResult<HashMap<String, MonitorState>> {
        let txn = self.read()?;
        let table = txn.open_table(tables::MONITOR_STATE)?;
        let mut out = HashMap::new();
        for row in table.iter()? {
            let (k, v) = row?;
            out.insert(k.value().to_string(), v.value());
        }
        Ok(out)
    }

    /// Writes a state at once (transitions must survive a crash).
    pub fn put_monitor_state(&self, id: &str, state: &MonitorState) -> AppResult<()> {
        self.write_quiet(|txn| {
            txn.open_table(tables::MONITOR_STATE)?.insert(id, state)?;
            Ok(())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn target_table() {
        let ok = [
            (MonitorKind::Http, "https://example.com/health"),
            (MonitorKind::Http, "http://127.0.0.1:8080"),
            (MonitorKind::Tcp, "db.example.com:5432"),
            (MonitorKind::Tcp, "127.0.0.1:22"),
            (MonitorKind::Tls, "example.com"),
            (MonitorKind::Dns, "example.com"),
        ];
        for (k, t) in ok {
            assert!(validate_target(k, t).is_ok(), "{k:?} {t}");
        }
        let bad = [
            (MonitorKind::Http, "ftp://x", "http://"),
            (MonitorKind::Http, "https://", "no host"),
            (MonitorKind::Tcp, "db.example.com", "needs a port"),
            (MonitorKind::Tcp, "db:70000", "1-65535"),
            (MonitorKind::Tcp, "db:0", "1-65535"),
            (MonitorKind::Dns, "bad host", "not a valid host"),
        ];
        for (k, t, why) in bad {
            let e = validate_target(k, t).unwrap_err();
            assert!(e.contains(why), "{k:?} {t}: {e}");
        }
    }
}
