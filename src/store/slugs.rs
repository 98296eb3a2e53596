//! Slug backfill: records written before slugs existed (or by a path that sets none)
//! get the slug `statusd export` would derive, stored once at start, so a later
//! rename or delete of another record never shifts which slug names which record.

use super::codec::Json;
use super::{Store, all, tables};
use crate::domain::as_code::{Live, Slugs};
use crate::error::{AppError, AppResult};
use redb::{TableDefinition, WriteTransaction};
use serde::{Serialize, de::DeserializeOwned};
use std::collections::HashMap;

/// Stores `slugs[id]` on every record of `table` whose slug is empty; returns how many.
fn fill<T: Serialize + DeserializeOwned + std::fmt::Debug + 'static>(
    txn: &WriteTransaction,
    table: TableDefinition<'static, &'static str, Json<T>>,
    slugs: &HashMap<String, String>,
) -> AppResult<usize> {
    let mut t = txn.open_table(table)?;
    let mut n = 0;
    for rec in all::<T, _>(&t)? {
        let mut v = serde_json::to_value(&rec).map_err(|e| AppError::Internal(e.to_string()))?;
        let id = v["id"].as_str().unwrap_or_default().to_string();
        let Some(slug) = slugs.get(&id) else { continue };
        if v["slug"].as_str().is_some_and(|s| !s.is_empty()) {
            continue;
        }
        v["slug"] = serde_json::json!(slug);
        let rec: T = serde_json::from_value(v).map_err(|e| AppError::Internal(e.to_string()))?;
        t.insert(id.as_str(), &rec)?;
        n += 1;
    }
    Ok(n)
}

impl Store {
    /// Gives every slug-less group, component, monitor, template, webhook subscriber
    /// and alert rule its derived slug, in one transaction (nothing to do: no write).
    pub(super) fn backfill_slugs(&self) -> AppResult<()> {
        let txn = self.read()?;
        let (pages, groups, components, monitors, templates, subscribers, alert_rules) = (
            all(&txn.open_table(tables::PAGES)?)?,
            all(&txn.open_table(tables::GROUPS)?)?,
            all(&txn.open_table(tables::COMPONENTS)?)?,
            all(&txn.open_table(tables::MONITORS)?)?,
            all(&txn.open_table(tables::TEMPLATES)?)?,
            all(&txn.open_table(tables::SUBSCRIBERS)?)?,
            all(&txn.open_table(tables::ALERT_RULES)?)?,
        );
        drop(txn);
        let live = Live {
            pages: &pages,
            groups: &groups,
            components: &components,
            monitors: &monitors,
            templates: &templates,
            subscribers: &subscribers,
            alert_rules: &alert_rules,
        };
        let missing = groups.iter().any(|r| r.slug.is_empty())
            || components.iter().any(|r| r.slug.is_empty())
            || monitors.iter().any(|r| r.slug.is_empty())
            || templates.iter().any(|r| r.slug.is_empty())
            || subscribers
                .iter()
                .any(|r| r.slug.is_empty() && r.kind.is_url())
            || alert_rules.iter().any(|r| r.slug.is_empty());
        if !missing {
            return Ok(());
        }
        let s = Slugs::of(&live);
        let n = self.write_quiet(|txn| {
            Ok(fill(txn, tables::GROUPS, &s.groups)?
                + fill(txn, tables::COMPONENTS, &s.components)?
                + fill(txn, tables::MONITORS, &s.monitors)?
                + fill(txn, tables::TEMPLATES, &s.templates)?
                + fill(txn, tables::SUBSCRIBERS, &s.subscribers)?
                + fill(txn, tables::ALERT_RULES, &s.alert_rules)?)
        })?;
        tracing::info!(records = n, "slugs backfilled");
        Ok(())
    }
}
