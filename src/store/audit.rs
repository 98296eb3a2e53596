//! The audit log table: appended after each change (see `web::audit`), read newest first,
//! pruned by the retention worker.

use super::{Paged, Store, tables};
use crate::domain::audit::{AuditEntry, AuditFilter, retention_cutoff};
use crate::error::AppResult;
use redb::ReadableTable;
use std::ops::Bound;

impl Store {
    pub(super) fn create_audit_table(&self) -> AppResult<()> {
        self.write_quiet(|txn| {
            txn.open_table(tables::AUDIT)?;
            Ok(())
        })
    }

    /// Appends one entry; no rendered page shows it, so caches stay.
    pub fn record_audit(&self, entry: &AuditEntry) -> AppResult<()> {
        self.write_quiet(|txn| {
            txn.open_table(tables::AUDIT)?
                .insert(entry.id.as_str(), entry)?;
            Ok(())
        })
    }

    /// Entries matching `filter`, newest first, older than `cursor` (the last id seen).
    pub fn list_audit(
        &self,
        filter: &AuditFilter,
        cursor: Option<&str>,
        limit: usize,
    ) -> AppResult<Paged<AuditEntry>> {
        let limit = limit.clamp(1, 500);
        let txn = self.read()?;
        let table = txn.open_table(tables::AUDIT)?;
        let upper = cursor.map_or(Bound::Unbounded, Bound::Excluded);
        let mut data = Vec::new();
        let mut more = false;
        for row in table.range::<&str>((Bound::Unbounded, upper))?.rev() {
            let e = row?.1.value();
            if !filter.matches(&e) {
                continue;
            }
            if data.len() == limit {
                more = true;
                break;
            }
            data.push(e);
        }
        let next_cursor = if more {
            data.last().map(|e: &AuditEntry| e.id.clone())
        } else {
            None
        };
        Ok(Paged { data, next_cursor })
    }

    /// Deletes entries older than `retention_days` (0 keeps everything); returns how many.
    pub fn prune_audit(
        &self,
        now: chrono::DateTime<chrono::Utc>,
        retention_days: u32,
    ) -> AppResult<usize> {
        let Some(cutoff) = retention_cutoff(now, retention_days) else {
            return Ok(0);
        };
        self.write_quiet(|txn| {
            let mut table = txn.open_table(tables::AUDIT)?;
            let mut old = Vec::new();
            // Ids are ULIDs, so the oldest come first and the scan stops at the first kept one.
            for row in table.iter()? {
                let (k, v) = row?;
                if v.value().at >= cutoff {
                    break;
                }
                old.push(k.value().to_string());
            }
            for id in &old {
                table.remove(id.as_str())?;
            }
            Ok(old.len())
        })
    }
}
