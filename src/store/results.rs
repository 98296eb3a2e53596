//! Check results: raw results (packed per hour), failure details, and the hourly and
//! daily rollups. Routine results arrive in batches (one transaction a second).

use super::history_codec::{decode_hours, decoded, encode_hours, encoded, pack, unpack};
use super::{IncidentFilter, Store, tables};
use crate::domain::{
    Bucket, CheckFailure, IncidentState, MonitorState, SlaRow, Uptime, at, day_start, hour_start,
    sla_bounds, sla_row, uptime_windows,
};
use crate::error::AppResult;
use chrono::{DateTime, Duration, NaiveDate, Utc};
use redb::ReadableTable;
use std::collections::HashMap;

pub use super::history_codec::StoredResult;

/// One check result on its way to the store.
#[derive(Debug, Clone)]
pub struct ResultRow {
    pub monitor_id: String,
    pub at: DateTime<Utc>,
    pub up: bool,
    pub latency_ms: u32,
    pub error: Option<String>,
}

/// One monitor-day being updated: its hourly buckets and its daily bucket.
type DayRollup = (Vec<(u8, Bucket)>, Bucket);

impl Store {
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

    /// A monitor's uptime over the last 24 h, 7, 30 and 90 days.
    pub fn uptime(&self, id: &str, now: DateTime<Utc>) -> AppResult<Uptime> {
        let hours = self.hourly_buckets(id, now - Duration::days(90), now + Duration::hours(1))?;
        Ok(uptime_windows(&hours, now))
    }

    /// The SLA report of every component (or one) for the whole UTC days [from, to].
    pub fn sla_report(
        &self,
        component: Option<&str>,
        from: NaiveDate,
        to: NaiveDate,
    ) -> AppResult<Vec<SlaRow>> {
        let (start, end) = sla_bounds(from, to);
        let now = self.now();
        let mut timelines = self.status_timelines()?;
        let monitors = self.list_monitors()?;
        let incidents = self.list_incidents(&IncidentFilter {
            state: Some(IncidentState::Published),
            ..Default::default()
        })?;
        let mut rows = Vec::new();
        for c in self.list_components()? {
            if component.is_some_and(|id| id != c.id) {
                continue;
            }
            let mut measured = Bucket::default();
            for m in monitors
                .iter()
                .filter(|m| m.component_id.as_deref() == Some(c.id.as_str()))
            {
                for day in self
                    .daily_buckets(std::slice::from_ref(&m.id), start, end)?
                    .values()
                {
                    measured.merge(day);
                }
            }
            let timeline = timelines.remove(&c.id).unwrap_or_else(|| {
                crate::domain::timeline::Timeline::new(c.created_at, c.status, vec![])
            });
            rows.push(sla_row(
                &c,
                &timeline,
                measured,
                &incidents,
                (from, to),
                now,
            ));
        }
        Ok(rows)
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
    use crate::store::MonitorInput;

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
