//! Monitors, their live state, raw results (packed per hour), failure details and the
//! hourly/daily rollups. Routine results arrive in batches (one transaction a second).

use super::{Store, all, get, new_id, tables};
use crate::domain::{
    Bucket, CheckFailure, Component, ComponentStatus, Impact, Monitor, MonitorKind, MonitorState,
    OnDown, at, day_start, hour_start, parse_cron, validate,
};
use crate::error::{AppError, AppResult};
use chrono::{DateTime, Duration, Utc};
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

/// One check result on its way to the store.
#[derive(Debug, Clone)]
pub struct ResultRow {
    pub monitor_id: String,
    pub at: DateTime<Utc>,
    pub up: bool,
    pub latency_ms: u32,
    pub error: Option<String>,
}

/// One stored routine result.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct StoredResult {
    pub at: i64,
    pub up: bool,
    pub latency_ms: u32,
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

/// One routine result in 4 bytes (little endian u32): offset in the hour (12 bits,
/// 0–3599 s), up (1 bit), latency in ms (19 bits, saturating at 524,287).
fn pack(offset_s: u16, latency_ms: u32, up: bool) -> [u8; 4] {
    let v =
        (offset_s.min(3599) as u32) | (u32::from(up) << 12) | (latency_ms.min(LATENCY_MAX) << 13);
    v.to_le_bytes()
}

const LATENCY_MAX: u32 = (1 << 19) - 1;

fn unpack(hour: i64, bytes: &[u8]) -> impl Iterator<Item = StoredResult> + '_ {
    bytes.chunks_exact(4).map(move |c| {
        let v = u32::from_le_bytes([c[0], c[1], c[2], c[3]]);
        StoredResult {
            at: hour + (v & 0xfff) as i64,
            up: v & (1 << 12) != 0,
            latency_ms: v >> 13,
        }
    })
}

/// The 5-byte packing of schema 3–4 (offset u16, latency u16, up u8), for the migration.
pub(super) fn repack_v4_results(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes.len() / 5 * 4);
    for c in bytes.chunks_exact(5) {
        let offset = u16::from_le_bytes([c[0], c[1]]);
        let latency = u16::from_le_bytes([c[2], c[3]]) as u32;
        out.extend_from_slice(&pack(offset, latency, c[4] == 1));
    }
    out
}

fn put_varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

fn take_varint(buf: &mut &[u8]) -> Option<u64> {
    let mut v = 0u64;
    for shift in (0..64).step_by(7) {
        let (&b, rest) = buf.split_first()?;
        *buf = rest;
        v |= ((b & 0x7f) as u64) << shift;
        if b < 0x80 {
            return Some(v);
        }
    }
    None
}

/// A rollup bucket as varints: count, up, min, max, sum, then the non-zero histogram
/// bins as (index, count). About 12 bytes for an hour of 30 s checks, against ~130 as JSON.
pub(super) fn encode_bucket(b: &Bucket, out: &mut Vec<u8>) {
    for v in [
        b.count as u64,
        b.up as u64,
        b.latency_min as u64,
        b.latency_max as u64,
        b.latency_sum,
    ] {
        put_varint(out, v);
    }
    let bins: Vec<(usize, u32)> = b
        .histogram
        .iter()
        .copied()
        .enumerate()
        .filter(|(_, n)| *n > 0)
        .collect();
    out.push(bins.len() as u8);
    for (i, n) in bins {
        out.push(i as u8);
        put_varint(out, n as u64);
    }
}

pub(super) fn decode_bucket(buf: &mut &[u8]) -> Option<Bucket> {
    let mut b = Bucket {
        count: take_varint(buf)? as u32,
        up: take_varint(buf)? as u32,
        latency_min: take_varint(buf)? as u32,
        latency_max: take_varint(buf)? as u32,
        latency_sum: take_varint(buf)?,
        histogram: Vec::new(),
    };
    let (&bins, rest) = buf.split_first()?;
    *buf = rest;
    if b.count > 0 || bins > 0 {
        b.histogram = vec![0; crate::domain::LATENCY_BOUNDS.len()];
    }
    for _ in 0..bins {
        let (&i, rest) = buf.split_first()?;
        *buf = rest;
        let n = take_varint(buf)? as u32;
        *b.histogram.get_mut(i as usize)? = n;
    }
    Some(b)
}

/// One UTC day of hourly buckets: (hour of day, bucket) pairs, hours ascending.
pub(super) fn encode_hours(hours: &[(u8, Bucket)]) -> Vec<u8> {
    let mut out = Vec::with_capacity(hours.len() * 14);
    for (h, b) in hours {
        out.push(*h);
        encode_bucket(b, &mut out);
    }
    out
}

pub(super) fn decode_hours(mut buf: &[u8]) -> Vec<(u8, Bucket)> {
    let mut out = Vec::new();
    while let Some((&h, rest)) = buf.split_first() {
        buf = rest;
        match decode_bucket(&mut buf) {
            Some(b) => out.push((h, b)),
            None => break,
        }
    }
    out
}

/// One monitor-day being updated: its hourly buckets and its daily bucket.
type DayRollup = (Vec<(u8, Bucket)>, Bucket);

fn encoded(b: &Bucket) -> Vec<u8> {
    let mut out = Vec::with_capacity(16);
    encode_bucket(b, &mut out);
    out
}

fn decoded(bytes: &[u8]) -> Bucket {
    decode_bucket(&mut &bytes[..]).unwrap_or_default()
}

impl Store {
    pub fn create_monitor(&self, input: MonitorInput) -> AppResult<Monitor> {
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
        self.write(|txn| {
            let now = Utc::now();
            let mut m = Monitor {
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
            if m.kind == MonitorKind::Heartbeat {
                let token = crate::secret::random_token();
                txn.open_table(tables::HEARTBEATS)?
                    .insert(token.as_str(), m.id.as_str())?;
                m.heartbeat_token = Some(token);
            }
            txn.open_table(tables::MONITORS)?
                .insert(m.id.as_str(), &m)?;
            Ok(m)
        })
    }

    pub fn update_monitor(&self, id: &str, input: MonitorInput) -> AppResult<Monitor> {
        self.write(|txn| {
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
            m.updated_at = Utc::now();
            txn.open_table(tables::MONITORS)?.insert(id, &m)?;
            Ok(m)
        })
    }

    /// Deletes a monitor with its state, results and rollups.
    pub fn delete_monitor(&self, id: &str) -> AppResult<()> {
        self.write(|txn| {
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
        })
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

    /// Stores a batch of results and the states they produced in one transaction: packed
    /// raw entries, failure details, and the hourly and daily rollups.
    pub fn record_results(
        &self,
        rows: &[ResultRow],
        states: &[(String, MonitorState)],
    ) -> AppResult<()> {
        if rows.is_empty() && states.is_empty() {
            return Ok(());
        }
        self.write_quiet(|txn| {
            let mut raw = txn.open_table(tables::RESULTS)?;
            let mut failures = txn.open_table(tables::FAILURES)?;
            let mut hourly = txn.open_table(tables::HOURLY_DAYS)?;
            let mut daily = txn.open_table(tables::DAILY_PACKED)?;
            let mut raws: HashMap<(&str, i64), Vec<u8>> = HashMap::new();
            // Per (monitor, day): that day's hourly buckets and its daily bucket.
            let mut days: HashMap<(&str, i64), DayRollup> = HashMap::new();
            for r in rows {
                let id = r.monitor_id.as_str();
                let h = hour_start(r.at);
                let d = day_start(r.at);
                let bytes = match raws.entry((id, h)) {
                    std::collections::hash_map::Entry::Occupied(e) => e.into_mut(),
                    std::collections::hash_map::Entry::Vacant(e) => {
                        let old = raw.get((id, h))?.map(|v| v.value().to_vec());
                        e.insert(old.unwrap_or_default())
                    }
                };
                bytes.extend_from_slice(&pack(
                    (r.at.timestamp() - h).clamp(0, 3599) as u16,
                    r.latency_ms,
                    r.up,
                ));
                let (hours, day) = match days.entry((id, d)) {
                    std::collections::hash_map::Entry::Occupied(e) => e.into_mut(),
                    std::collections::hash_map::Entry::Vacant(e) => {
                        let hours = hourly
                            .get((id, d))?
                            .map(|v| decode_hours(v.value()))
                            .unwrap_or_default();
                        let day = daily
                            .get((id, d))?
                            .map(|v| decoded(v.value()))
                            .unwrap_or_default();
                        e.insert((hours, day))
                    }
                };
                let hour_of_day = ((h - d) / 3600) as u8;
                match hours.binary_search_by_key(&hour_of_day, |(x, _)| *x) {
                    Ok(i) => hours[i].1.add(r.up, r.latency_ms),
                    Err(i) => {
                        let mut b = Bucket::default();
                        b.add(r.up, r.latency_ms);
                        hours.insert(i, (hour_of_day, b));
                    }
                }
                day.add(r.up, r.latency_ms);
                if let Some(err) = &r.error {
                    let detail = CheckFailure {
                        error: err.chars().take(300).collect(),
                        latency_ms: r.latency_ms,
                    };
                    failures.insert((id, r.at.timestamp_millis()), &detail)?;
                }
            }
            for ((id, h), bytes) in &raws {
                raw.insert((*id, *h), bytes.as_slice())?;
            }
            for ((id, d), (hours, day)) in &days {
                hourly.insert((*id, *d), encode_hours(hours).as_slice())?;
                daily.insert((*id, *d), encoded(day).as_slice())?;
            }
            let mut st = txn.open_table(tables::MONITOR_STATE)?;
            for (id, s) in states {
                st.insert(id.as_str(), s)?;
            }
            Ok(())
        })
    }

    /// Raw results of a monitor in [from, to), oldest first.
    pub fn monitor_results(
        &self,
        id: &str,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> AppResult<Vec<StoredResult>> {
        let txn = self.read()?;
        let raw = txn.open_table(tables::RESULTS)?;
        // Results are kept to the whole second: one stamped S ran during [S, S + 1), so an
        // end of S.4 must include it.
        let f = from.timestamp();
        let t = to.timestamp() + i64::from(to.timestamp_subsec_nanos() > 0);
        let mut out = Vec::new();
        for row in raw.range((id, hour_start(from))..(id, t + 1))? {
            let (k, v) = row?;
            let hour = k.value().1;
            out.extend(unpack(hour, v.value()).filter(|r| r.at >= f && r.at < t));
        }
        Ok(out)
    }

    /// Failure details of a monitor in [from, to), newest first.
    pub fn monitor_failures(
        &self,
        id: &str,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        limit: usize,
    ) -> AppResult<Vec<(DateTime<Utc>, CheckFailure)>> {
        let txn = self.read()?;
        let table = txn.open_table(tables::FAILURES)?;
        let mut out = Vec::new();
        for row in table
            .range((id, from.timestamp_millis())..(id, to.timestamp_millis()))?
            .rev()
            .take(limit)
        {
            let (k, v) = row?;
            out.push((
                DateTime::from_timestamp_millis(k.value().1).unwrap_or_default(),
                v.value(),
            ));
        }
        Ok(out)
    }

    /// Daily buckets of several monitors merged per day, for days in [from, to).
    pub fn daily_buckets(
        &self,
        monitor_ids: &[String],
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> AppResult<HashMap<i64, Bucket>> {
        let txn = self.read()?;
        let table = txn.open_table(tables::DAILY_PACKED)?;
        let mut out: HashMap<i64, Bucket> = HashMap::new();
        for id in monitor_ids {
            for row in table.range((id.as_str(), day_start(from))..(id.as_str(), to.timestamp()))? {
                let (k, v) = row?;
                out.entry(k.value().1)
                    .or_default()
                    .merge(&decoded(v.value()));
            }
        }
        Ok(out)
    }

    /// Hourly buckets of one monitor in [from, to).
    pub fn hourly_buckets(
        &self,
        id: &str,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> AppResult<Vec<(DateTime<Utc>, Bucket)>> {
        let txn = self.read()?;
        let table = txn.open_table(tables::HOURLY_DAYS)?;
        let (from, to) = (hour_start(from), to.timestamp());
        let mut out = Vec::new();
        for row in table.range((id, day_start(at(from)))..(id, to))? {
            let (k, v) = row?;
            let day = k.value().1;
            for (h, b) in decode_hours(v.value()) {
                let t = day + h as i64 * 3600;
                if (from..to).contains(&t) {
                    out.push((at(t), b));
                }
            }
        }
        Ok(out)
    }

    /// Drops raw results and failure details older than the retention window, and hourly
    /// rollups older than 90 days. Daily rollups are kept.
    pub fn prune_results(&self, now: DateTime<Utc>, raw_retention_days: u32) -> AppResult<()> {
        let raw_cut = hour_start(now - Duration::days(raw_retention_days as i64));
        let hourly_cut = day_start(now - Duration::days(90));
        let monitors: Vec<String> = self.list_monitors()?.into_iter().map(|m| m.id).collect();
        self.write_quiet(|txn| {
            let mut raw = txn.open_table(tables::RESULTS)?;
            let mut failures = txn.open_table(tables::FAILURES)?;
            let mut hourly = txn.open_table(tables::HOURLY_DAYS)?;
            for id in &monitors {
                raw.retain_in((id.as_str(), i64::MIN)..(id.as_str(), raw_cut), |_, _| {
                    false
                })?;
                failures.retain_in(
                    (id.as_str(), i64::MIN)..(id.as_str(), raw_cut * 1000),
                    |_, _| false,
                )?;
                hourly.retain_in(
                    (id.as_str(), i64::MIN)..(id.as_str(), hourly_cut),
                    |_, _| false,
                )?;
            }
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

    #[test]
    fn packing_round_trips() {
        let h = 1_800_000_000 / 3600 * 3600;
        let mut bytes = Vec::new();
        let cases = [
            (0u16, 5u32, true, 5u32),
            (3599, 70_000, false, 70_000),
            (30, 123, true, 123),
            (1, 10_000_000, false, LATENCY_MAX),
        ];
        for (o, l, u, _) in cases {
            bytes.extend_from_slice(&pack(o, l, u));
        }
        assert_eq!(bytes.len(), 4 * cases.len(), "4 bytes a result");
        let got: Vec<StoredResult> = unpack(h, &bytes).collect();
        let want: Vec<StoredResult> = cases
            .iter()
            .map(|&(o, _, up, latency_ms)| StoredResult {
                at: h + o as i64,
                up,
                latency_ms,
            })
            .collect();
        assert_eq!(got, want);
        // The schema-4 packing converts to the same results.
        let mut old = Vec::new();
        for (o, l, u) in [(7u16, 300u16, true), (3599, 65535, false)] {
            old.extend_from_slice(&o.to_le_bytes());
            old.extend_from_slice(&l.to_le_bytes());
            old.push(u as u8);
        }
        let got: Vec<StoredResult> = unpack(h, &repack_v4_results(&old)).collect();
        assert_eq!(
            got,
            vec![
                StoredResult {
                    at: h + 7,
                    up: true,
                    latency_ms: 300
                },
                StoredResult {
                    at: h + 3599,
                    up: false,
                    latency_ms: 65535
                },
            ]
        );
    }

    proptest::proptest! {
        #[test]
        fn buckets_and_hour_days_round_trip(
            checks in proptest::collection::vec((proptest::bool::ANY, 0u32..200_000), 0..300),
            hours in proptest::collection::btree_set(0u8..24, 0..24),
        ) {
            let mut b = Bucket::default();
            for (up, l) in &checks {
                b.add(*up, *l);
            }
            let mut bytes = Vec::new();
            encode_bucket(&b, &mut bytes);
            proptest::prop_assert_eq!(decode_bucket(&mut &bytes[..]), Some(b.clone()));
            let day: Vec<(u8, Bucket)> = hours.iter().map(|h| (*h, b.clone())).collect();
            proptest::prop_assert_eq!(decode_hours(&encode_hours(&day)), day);
        }
    }

    #[test]
    fn retention_drops_raw_after_the_window_and_keeps_daily_rollups() {
        let dir = tempfile::tempdir().unwrap();
        let s = Store::open(&dir.path().join("t.redb")).unwrap();
        let m = s
            .create_monitor(MonitorInput {
                name: Some("api".into()),
                kind: Some("tcp".into()),
                target: Some("127.0.0.1:9".into()),
                interval_seconds: Some(60),
                ..Default::default()
            })
            .unwrap();
        let now = Utc::now();
        // Two recent results in one hour, whatever the time of day.
        let recent = crate::domain::at(hour_start(now - Duration::hours(2)));
        let row = |ago: Duration, up: bool| ResultRow {
            monitor_id: m.id.clone(),
            at: recent - ago,
            up,
            latency_ms: 7,
            error: (!up).then(|| "connection refused".to_string()),
        };
        let rows = [
            row(Duration::days(100), false),
            row(Duration::days(10), true),
            row(Duration::seconds(-10), false),
            row(Duration::seconds(-40), true),
        ];
        s.record_results(&rows, &[]).unwrap();
        let far = now - Duration::days(400);
        let later = now + Duration::hours(1);
        assert_eq!(s.monitor_results(&m.id, far, later).unwrap().len(), 4);

        s.prune_results(now, 7).unwrap();
        let raw = s.monitor_results(&m.id, far, later).unwrap();
        assert_eq!(raw.len(), 2, "only the recent results stay: {raw:?}");
        let failures = s.monitor_failures(&m.id, far, later, 10).unwrap();
        assert_eq!(failures.len(), 1, "{failures:?}");
        let hourly = s.hourly_buckets(&m.id, far, later).unwrap();
        assert_eq!(hourly.len(), 2, "hourly rollups of the last 90 days stay");
        let daily = s
            .daily_buckets(std::slice::from_ref(&m.id), far, later)
            .unwrap();
        let counted: u32 = daily.values().map(|b| b.count).sum();
        let up: u32 = daily.values().map(|b| b.up).sum();
        assert_eq!((counted, up), (4, 2), "daily rollups keep every check");
    }
}
