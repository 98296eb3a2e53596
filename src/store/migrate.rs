//! Schema versions. Each step runs once, in order, in its own transaction; a file
//! written by a newer statusd is refused rather than misread.

use super::{Store, tables};
use crate::error::{AppError, AppResult};
use chrono::Utc;
use redb::{ReadableDatabase, ReadableTable, WriteTransaction};

/// The schema this binary writes.
pub const SCHEMA_VERSION: u64 = 4;

type Step = fn(&WriteTransaction) -> AppResult<()>;

/// Steps by target version: `STEPS[i]` upgrades to version `i + 1`.
const STEPS: [Step; SCHEMA_VERSION as usize] = [v1_initial, v2_incidents, v3_monitors, v4_notify];

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
            step(txn)?;
            let mut meta = txn.open_table(tables::META)?;
            meta.insert("schema_version", version.to_string().as_str())?;
            Ok(())
        })?;
        tracing::info!(version, "data file migrated");
    }
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
fn v1_initial(txn: &WriteTransaction) -> AppResult<()> {
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
        let now = Utc::now();
        let page = crate::domain::Page {
            id: super::new_id(),
            slug: "default".into(),
            title: "Status".into(),
            audience: Default::default(),
            time_zone: "UTC".into(),
            custom_host: None,
            allowed_domains: vec![],
            theme: String::new(),
            created_at: now,
            updated_at: now,
        };
        pages.insert(page.id.as_str(), &page)?;
        slugs.insert("default", page.id.as_str())?;
    }
    Ok(())
}

/// Incidents, maintenance, templates and the events table.
fn v2_incidents(txn: &WriteTransaction) -> AppResult<()> {
    txn.open_table(tables::INCIDENTS)?;
    txn.open_table(tables::MAINTENANCE)?;
    txn.open_table(tables::TEMPLATES)?;
    txn.open_table(tables::EVENTS)?;
    Ok(())
}

/// Monitors, their state, raw results, failures, rollups and heartbeat tokens.
fn v3_monitors(txn: &WriteTransaction) -> AppResult<()> {
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
fn v4_notify(txn: &WriteTransaction) -> AppResult<()> {
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
