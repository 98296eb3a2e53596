//! The one helper for records stored under the hash of a mailed or cookie token
//! (sessions, sign-in links, invitations, resets): sweep the expired, use one up.

use super::codec::Json;
use crate::domain::team::Expiring;
use crate::error::AppResult;
use chrono::{DateTime, Utc};
use redb::{ReadableTable, Table};
use serde::{Serialize, de::DeserializeOwned};
use std::fmt::Debug;

/// Removes every record whose time is up.
pub(super) fn sweep_expired<T>(
    table: &mut Table<&str, Json<T>>,
    now: DateTime<Utc>,
) -> AppResult<()>
where
    T: Expiring + Serialize + DeserializeOwned + Debug + 'static,
{
    let expired: Vec<String> = table
        .iter()?
        .filter_map(|r| r.ok())
        .filter(|(_, v)| v.value().expires_at() < now)
        .map(|(k, _)| k.value().to_string())
        .collect();
    for k in expired {
        table.remove(k.as_str())?;
    }
    Ok(())
}

/// Removes the record stored under `token_hash` and returns it if it was still live:
/// a token works once, and an expired one is gone too.
pub(super) fn take_live<T>(
    table: &mut Table<&str, Json<T>>,
    token_hash: &str,
    now: DateTime<Utc>,
) -> AppResult<Option<T>>
where
    T: Expiring + Serialize + DeserializeOwned + Debug + 'static,
{
    Ok(table
        .remove(token_hash)?
        .map(|v| v.value())
        .filter(|r| r.expires_at() >= now))
}
