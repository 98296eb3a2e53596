//! Schema versions. Each step runs once, in order, in its own transaction; a file
//! written by a newer statusd is refused rather than misread.

use super::{Store, tables};
use crate::error::{AppError, AppResult};
use chrono::{DateTime, Utc};
use redb::{ReadableDatabase, ReadableTable, WriteTransaction};

/// The schema this binary writes.
pub const SCHEMA_VERSION: u64 = 5;

/// A step gets the store's clock reading for the records it writes.
type Step = fn(&WriteTransaction, DateTime<Utc>) -> AppResult<()>;

/// Steps by target version: `STEPS[i]` upgrades to version `i + 1`.
const STEPS: [Step; SCHEMA_VERSION as usize] = [
    v1_initial,
    v2_incidents,
    v3_monitors,
    v4_notify,
    v5_compact_results,
];

pub(super) fn run(store: &Store) -> AppResult<()> {
    let current = read_version(store)?;
    if current > SCHEMA_VERSION {
        return Err(AppError::Storage(format!(
            "data file {} was written by a newer statusd (schema {current}; this binary knows up to {SCHEMA_VERSION}). \
             Run the newer statusd, or restore a backup made by this version.",
            store.path().display()
        )));
    }
    for (i, step) in STEPS.iter().enumerate().skip(current as usize) {
        let version = i as u64 + 1;
        store.write(|txn| {
            step(txn, store.now())?;
            let mut meta = txn.open_table(tables::META)?;
            meta.insert("schema_version", version.to_string().as_str())?;
            Ok(())
        })?;
        tracing::info!(version, "data file migrated");
    }
    store.write_quiet(unversioned_tables)
}

/// Tables added without a schema step (nothing to rewrite): created when missing, so
/// reads may open them on any file.
fn unversioned_tables(txn: &WriteTransaction) -> AppResult<()> {
    txn.open_table(tables::SIGNIN_LINKS)?;
    txn.open_table(tables::CUSTOMER_SESSIONS)?;
    txn.open_table(tables::READ_TOKENS)?;
    txn.open_table(tables::READ_TOKEN_HASHES)?;
    txn.open_table(tables::REFUSED_SIGNINS)?;
    txn.open_table(tables::INVITES)?;
    txn.open_table(tables::PASSWORD_RESETS)?;
    txn.open_table(tables::LOGOS)?;
    Ok(())
}

fn read_version(store: &Store) -> AppResult<u64> {
    let txn = store.inner.db.begin_read()?;
    let meta = match txn.open_table(tables::META) {
        Ok(t) => t,
        Err(redb::TableError::TableDoesNotExist(_)) => return Ok(0),
        Err(e) => return Err(e.into()),
    };
    let Some(v) = meta.get("schema_version")? else {
        return Ok(0);
    };
    v.value().parse().map_err(|_| {
        AppError::Storage(format!(
            "data file {} has an unreadable schema version",
            store.path().display()
        ))
    })
}

/// Creates every table and the default public page shown at `/`.
fn v1_initial(txn: &WriteTransaction, now: DateTime<Utc>) -> AppResult<()> {
    txn.open_table(tables::META)?;
    txn.open_table(tables::USERS)?;
    txn.open_table(tables::USER_EMAILS)?;
    txn.open_table(tables::SESSIONS)?;
    txn.open_table(tables::API_KEYS)?;
    txn.open_table(tables::API_KEY_HASHES)?;
    txn.open_table(tables::GROUPS)?;
    txn.open_table(tables::COMPONENTS)?;
    let mut pages = txn.open_table(tables::PAGES)?;
    let mut slugs = txn.open_table(tables::PAGE_SLUGS)?;
    if slugs.get("default")?.is_none() {
        let page = crate::domain::Page {
            managed_by_config: false,
            id: super::new_id(),
            slug: "default".into(),
            title: "Status".into(),
            audience: Default::default(),
            time_zone: "UTC".into(),
            custom_host: None,
            allowed_domains: vec![],
            theme: String::new(),
            accent_color: None,
            logo: None,
            created_at: now,
            updated_at: now,
        };
        pages.insert(page.id.as_str(), &page)?;
        slugs.insert("default", page.id.as_str())?;
    }
    Ok(())
}

/// Incidents, maintenance, templates and the events table.
fn v2_incidents(txn: &WriteTransaction, _: DateTime<Utc>) -> AppResult<()> {
    txn.open_table(tables::INCIDENTS)?;
    txn.open_table(tables::MAINTENANCE)?;
    txn.open_table(tables::TEMPLATES)?;
    txn.open_table(tables::EVENTS)?;
    Ok(())
}

/// Monitors, their state, raw results, failures, rollups and heartbeat tokens.
fn v3_monitors(txn: &WriteTransaction, _: DateTime<Utc>) -> AppResult<()> {
    txn.open_table(tables::MONITORS)?;
    txn.open_table(tables::MONITOR_STATE)?;
    txn.open_table(tables::RESULTS)?;
    txn.open_table(tables::FAILURES)?;
    txn.open_table(tables::HOURLY)?;
    txn.open_table(tables::DAILY)?;
    txn.open_table(tables::HEARTBEATS)?;
    Ok(())
}

/// Subscribers and the outbox. The fan-out starts after the newest existing event, so an
/// upgraded file does not announce its past.
fn v4_notify(txn: &WriteTransaction, _: DateTime<Utc>) -> AppResult<()> {
    txn.open_table(tables::SUBSCRIBERS)?;
    txn.open_table(tables::SUBSCRIBER_KEYS)?;
    txn.open_table(tables::SUBSCRIBER_TOKENS)?;
    txn.open_table(tables::NOTICES)?;
    txn.open_table(tables::NOTICE_QUEUE)?;
    txn.open_table(tables::REMINDERS)?;
    let last = txn
        .open_table(tables::EVENTS)?
        .last()?
        .map(|(k, _)| k.value().to_string());
    if let Some(last) = last {
        txn.open_table(tables::META)?
            .insert(super::outbox::CURSOR_KEY, last.as_str())?;
    }
    Ok(())
}

/// Compact check history: raw results from 5 to 4 bytes, and the JSON rollups moved to
/// packed records (hourly buckets grouped per monitor-day), about a tenth of the size.
fn v5_compact_results(txn: &WriteTransaction, _: DateTime<Utc>) -> AppResult<()> {
    use super::history_codec::{encode_bucket, encode_hours, repack_v4_results};
    use crate::domain::{Bucket, at, day_start};
    {
        let mut raw = txn.open_table(tables::RESULTS)?;
        let mut rows: Vec<((String, i64), Vec<u8>)> = Vec::new();
        for row in raw.iter()? {
            let (k, v) = row?;
            let (id, h) = k.value();
            rows.push(((id.to_string(), h), repack_v4_results(v.value())));
        }
        for ((id, h), bytes) in rows {
            raw.insert((id.as_str(), h), bytes.as_slice())?;
        }
    }
    {
        let old = txn.open_table(tables::HOURLY)?;
        let mut days: std::collections::BTreeMap<(String, i64), Vec<(u8, Bucket)>> =
            Default::default();
        for row in old.iter()? {
            let (k, v) = row?;
            let (id, h) = k.value();
            let d = day_start(at(h));
            days.entry((id.to_string(), d))
                .or_default()
                .push((((h - d) / 3600) as u8, v.value()));
        }
        let mut new = txn.open_table(tables::HOURLY_DAYS)?;
        for ((id, d), mut hours) in days {
            hours.sort_by_key(|(h, _)| *h);
            new.insert((id.as_str(), d), encode_hours(&hours).as_slice())?;
        }
    }
    {
        let old = txn.open_table(tables::DAILY)?;
        let mut new = txn.open_table(tables::DAILY_PACKED)?;
        for row in old.iter()? {
            let (k, v) = row?;
            let (id, d) = k.value();
            let mut bytes = Vec::new();
            encode_bucket(&v.value(), &mut bytes);
            new.insert((id, d), bytes.as_slice())?;
        }
    }
    txn.delete_table(tables::HOURLY)?;
    txn.delete_table(tables::DAILY)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Bucket, at};
    use crate::store::MonitorInput;

    /// A schema-4 file (5-byte results, JSON rollups) opens as schema 5 with the same
    /// history.
    #[test]
    fn v5_keeps_the_history_of_a_v4_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("v4.redb");
        let h = 1_800_000_000 / 86_400 * 86_400 + 5 * 3600; // 05:00 UTC of some day
        let id = {
            let s = Store::open(&path).unwrap();
            let m = s
                .create_monitor(MonitorInput {
                    name: Some("api".into()),
                    kind: Some("tcp".into()),
                    target: Some("127.0.0.1:9".into()),
                    interval_seconds: Some(30),
                    ..Default::default()
                })
                .unwrap();
            // Turn the file back into schema 4 as it would have been written.
            let mut bucket = Bucket::default();
            bucket.add(true, 40);
            bucket.add(false, 900);
            s.write(|txn| {
                txn.delete_table(tables::HOURLY_DAYS)?;
                txn.delete_table(tables::DAILY_PACKED)?;
                let mut old = Vec::new();
                for (o, l, u) in [(10u16, 40u16, 1u8), (40, 900, 0)] {
                    old.extend_from_slice(&o.to_le_bytes());
                    old.extend_from_slice(&l.to_le_bytes());
                    old.push(u);
                }
                txn.open_table(tables::RESULTS)?
                    .insert((m.id.as_str(), h), old.as_slice())?;
                txn.open_table(tables::HOURLY)?
                    .insert((m.id.as_str(), h), &bucket)?;
                txn.open_table(tables::DAILY)?
                    .insert((m.id.as_str(), h - 5 * 3600), &bucket)?;
                txn.open_table(tables::META)?
                    .insert("schema_version", "4")?;
                Ok(())
            })
            .unwrap();
            m.id
        };
        let s = Store::open(&path).unwrap();
        let results = s.monitor_results(&id, at(h), at(h + 3600)).unwrap();
        let got: Vec<(i64, bool, u32)> =
            results.iter().map(|r| (r.at, r.up, r.latency_ms)).collect();
        assert_eq!(got, vec![(h + 10, true, 40), (h + 40, false, 900)]);
        let hourly = s.hourly_buckets(&id, at(h - 7200), at(h + 7200)).unwrap();
        assert_eq!(hourly.len(), 1);
        assert_eq!(
            (hourly[0].0, hourly[0].1.count, hourly[0].1.up),
            (at(h), 2, 1)
        );
        assert_eq!(hourly[0].1.latency_max, 900);
        let daily = s
            .daily_buckets(std::slice::from_ref(&id), at(h - 86_400), at(h + 86_400))
            .unwrap();
        assert_eq!(
            daily.get(&(h - 5 * 3600)).map(|b| (b.count, b.up)),
            Some((2, 1))
        );
        // New results land in the new format next to the migrated ones.
        s.record_results(
            &[crate::store::ResultRow {
                monitor_id: id.clone(),
                at: at(h + 100),
                up: true,
                latency_ms: 12,
                error: None,
            }],
            &[],
        )
        .unwrap();
        assert_eq!(
            s.monitor_results(&id, at(h), at(h + 3600)).unwrap().len(),
            3
        );
        assert_eq!(
            s.hourly_buckets(&id, at(h), at(h + 3600)).unwrap()[0]
                .1
                .count,
            3
        );
    }
}
