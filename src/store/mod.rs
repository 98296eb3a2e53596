//! The data file. The only module that names redb. Methods here are blocking; async
//! code calls them through [`Store::run`], which moves the work to the blocking pool.

mod access;
mod alert_rules;
mod alerts;
mod as_code;
mod audit;
mod clock;
pub mod codec;
mod components;
mod events;
mod history_codec;
mod inbound;
mod incidents;
mod inputs;
mod logos;
mod maintenance;
mod migrate;
mod monitors;
mod outbox;
mod pages;
mod postmortems;
mod restore;
mod results;
mod slugs;
mod subscribers;
pub mod tables;
mod team;
mod templates;
mod tokens;
mod users;

pub use access::LinkRefusal;
pub use alert_rules::{AlertRuleInput, DraftEdit, NewSecret};
pub use as_code::ConfigPlan;
pub use clock::{Clock, SystemClock, TestClock};
pub use components::{ComponentPatch, GroupPatch, NewComponent, NewGroup};
pub use inbound::{EVENT_RETENTION_DAYS, Prepared, Received};
pub use incidents::{AffectedInput, IncidentFilter, IncidentPatch, NewIncident, NewUpdate};
pub use maintenance::{MaintenancePatch, NewMaintenance};
pub use migrate::SCHEMA_VERSION;
pub use monitors::{AlertPolicy, MonitorInput, validate_target};
pub use outbox::{Batch, BatchCtx, Delivery};
pub use pages::{NewPage, PagePatch};
pub use restore::checked_copy;
pub use results::{ResultRow, StoredResult};
pub use subscribers::{
    ImportReport, NewSubscriber, SubscribeSource, Subscribed, SubscriberFilter, SubscriberPatch,
};
pub use templates::TemplateInput;

use crate::error::{AppError, AppResult};
use codec::Json;
use redb::{
    Database, DatabaseError, Durability, ReadTransaction, ReadableDatabase, ReadableTable,
    WriteTransaction,
};
use serde::{Serialize, de::DeserializeOwned};
use std::fmt::Debug;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

/// Handle to the open data file. Cheap to clone.
#[derive(Clone)]
pub struct Store {
    inner: Arc<Inner>,
}

struct Inner {
    db: Database,
    path: PathBuf,
    /// Bumped after every committed write, so caches of rendered pages know to refresh.
    generation: AtomicU64,
    clock: Arc<dyn Clock>,
    /// Config `public_mail_domains`: more providers refused as allowlist entries.
    public_mail_domains: std::sync::RwLock<Vec<String>>,
}

/// Page cache of the data file. redb's default (1 GiB) would let a big history file
/// grow the process far past what a small VPS has; the hot pages (current hour's
/// results, monitors, pages) fit in much less.
const CACHE_BYTES: usize = 8 << 20;

impl Store {
    /// Opens (or creates) the data file, takes its lock and runs migrations.
    pub fn open(path: &Path) -> AppResult<Store> {
        Store::open_with_clock(path, Arc::new(SystemClock))
    }

    /// Opens the data file with the store reading the time from `clock` (tests).
    pub fn open_with_clock(path: &Path, clock: Arc<dyn Clock>) -> AppResult<Store> {
        let db = redb::Builder::new()
            .set_cache_size(CACHE_BYTES)
            .create(path)
            .map_err(|e| match e {
            DatabaseError::DatabaseAlreadyOpen => AppError::Locked(format!(
                "data file {} is in use by another statusd process (a running server?). \
                 Stop the server first, or use the client commands with STATUSD_URL and STATUSD_TOKEN.",
                path.display()
            )),
            other => AppError::Storage(format!("cannot open data file {}: {other}", path.display())),
        })?;
        let store = Store {
            inner: Arc::new(Inner {
                db,
                path: path.to_path_buf(),
                generation: AtomicU64::new(1),
                clock,
                public_mail_domains: Default::default(),
            }),
        };
        migrate::run(&store)?;
        store.create_alert_tables()?;
        store.create_audit_table()?;
        store.backfill_slugs()?;
        Ok(store)
    }

    /// The current time, from the store's clock: every timestamp the store writes.
    pub fn now(&self) -> chrono::DateTime<chrono::Utc> {
        self.inner.clock.now()
    }

    /// Sets the mail providers (beyond the shipped list) refused as allowlist entries.
    pub fn set_public_mail_domains(&self, domains: Vec<String>) {
        *self
            .inner
            .public_mail_domains
            .write()
            .unwrap_or_else(|e| e.into_inner()) = domains;
    }

    pub(crate) fn public_mail_domains(&self) -> Vec<String> {
        self.inner
            .public_mail_domains
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// The path of the data file.
    pub fn path(&self) -> &Path {
        &self.inner.path
    }

    /// A number that changes whenever anything was written.
    pub fn generation(&self) -> u64 {
        self.inner.generation.load(Ordering::Acquire)
    }

    /// Runs blocking store work on the blocking pool.
    pub async fn run<T, F>(&self, f: F) -> AppResult<T>
    where
        F: FnOnce(&Store) -> AppResult<T> + Send + 'static,
        T: Send + 'static,
    {
        let store = self.clone();
        tokio::task::spawn_blocking(move || f(&store)).await?
    }

    /// One read transaction.
    pub(crate) fn read(&self) -> AppResult<ReadTransaction> {
        Ok(self.inner.db.begin_read()?)
    }

    /// One durable write transaction: committed with `Durability::Immediate` when `f`
    /// succeeds, rolled back (nothing half-written) when it fails.
    pub(crate) fn write<T>(
        &self,
        f: impl FnOnce(&WriteTransaction) -> AppResult<T>,
    ) -> AppResult<T> {
        let out = self.write_quiet(f)?;
        self.inner.generation.fetch_add(1, Ordering::AcqRel);
        Ok(out)
    }

    /// A durable write that does not invalidate rendered pages: routine check results
    /// (pages pick up new rollups on their own schedule), subscribers and the outbox
    /// (no public page shows them).
    pub(crate) fn write_quiet<T>(
        &self,
        f: impl FnOnce(&WriteTransaction) -> AppResult<T>,
    ) -> AppResult<T> {
        let mut txn = self.inner.db.begin_write()?;
        txn.set_durability(Durability::Immediate)?;
        let out = f(&txn)?;
        txn.commit()?;
        Ok(out)
    }

    /// Checks that the file accepts a write (for `/healthz`).
    /// Does not bump the generation: nothing anyone sees changed.
    pub fn check_writable(&self) -> AppResult<()> {
        let mut txn = self.inner.db.begin_write()?;
        txn.set_durability(Durability::Immediate)?;
        txn.open_table(tables::META)?
            .insert("last_health_check", self.now().to_rfc3339().as_str())?;
        txn.commit()?;
        Ok(())
    }

    /// Copies every table into a fresh data file at `dest` from one read transaction
    /// (a consistent snapshot while the server runs).
    pub fn backup_to(&self, dest: &Path) -> AppResult<()> {
        if dest.exists() {
            return Err(AppError::invalid(
                "FILE",
                format!("{} already exists; choose a new file name", dest.display()),
            ));
        }
        create_private(dest)?;
        let src = self.read()?;
        let target = Database::create(dest)
            .map_err(|e| AppError::Storage(format!("cannot create {}: {e}", dest.display())))?;
        let out = target.begin_write()?;
        copy(&src, &out, tables::META)?;
        copy(&src, &out, tables::USER_EMAILS)?;
        copy(&src, &out, tables::API_KEY_HASHES)?;
        copy(&src, &out, tables::PAGE_SLUGS)?;
        copy(&src, &out, tables::USERS)?;
        copy(&src, &out, tables::SESSIONS)?;
        copy(&src, &out, tables::API_KEYS)?;
        copy(&src, &out, tables::PAGES)?;
        copy(&src, &out, tables::GROUPS)?;
        copy(&src, &out, tables::COMPONENTS)?;
        copy(&src, &out, tables::INCIDENTS)?;
        copy(&src, &out, tables::MAINTENANCE)?;
        copy(&src, &out, tables::TEMPLATES)?;
        copy(&src, &out, tables::EVENTS)?;
        copy(&src, &out, tables::MONITORS)?;
        copy(&src, &out, tables::MONITOR_STATE)?;
        copy(&src, &out, tables::RESULTS)?;
        copy(&src, &out, tables::FAILURES)?;
        copy(&src, &out, tables::HOURLY_DAYS)?;
        copy(&src, &out, tables::DAILY_PACKED)?;
        copy(&src, &out, tables::HEARTBEATS)?;
        copy(&src, &out, tables::SUBSCRIBERS)?;
        copy(&src, &out, tables::SUBSCRIBER_KEYS)?;
        copy(&src, &out, tables::SUBSCRIBER_TOKENS)?;
        copy(&src, &out, tables::NOTICES)?;
        copy(&src, &out, tables::NOTICE_QUEUE)?;
        copy(&src, &out, tables::REMINDERS)?;
        copy(&src, &out, tables::SIGNIN_LINKS)?;
        copy(&src, &out, tables::CUSTOMER_SESSIONS)?;
        copy(&src, &out, tables::READ_TOKENS)?;
        copy(&src, &out, tables::READ_TOKEN_HASHES)?;
        copy(&src, &out, tables::REFUSED_SIGNINS)?;
        copy(&src, &out, tables::INVITES)?;
        copy(&src, &out, tables::PASSWORD_RESETS)?;
        copy(&src, &out, tables::ALERT_RULES)?;
        copy(&src, &out, tables::ALERT_SECRETS)?;
        copy(&src, &out, tables::ALERT_SECRET_HASHES)?;
        copy(&src, &out, tables::ALERT_TRACKED)?;
        copy(&src, &out, tables::ALERT_EVENTS)?;
        copy(&src, &out, tables::AUDIT)?;
        copy(&src, &out, tables::DISCARDED_DRAFTS)?;
        copy(&src, &out, tables::LOGOS)?;
        out.commit()?;
        Ok(())
    }
}

/// Creates an empty file only its owner may read: backups hold password hashes and tokens.
pub fn create_private(path: &Path) -> AppResult<std::fs::File> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options
        .open(path)
        .map_err(|e| AppError::Storage(format!("cannot create {}: {e}", path.display())))
}

/// Copies one table row by row (backups; every table is listed in `backup_to`).
fn copy<K: redb::Key + 'static, V: redb::Value + 'static>(
    src: &ReadTransaction,
    out: &WriteTransaction,
    def: redb::TableDefinition<K, V>,
) -> AppResult<()> {
    let from = src.open_table(def)?;
    let mut to = out.open_table(def)?;
    for row in from.iter()? {
        let (k, v) = row?;
        to.insert(k.value(), v.value())?;
    }
    Ok(())
}

/// Reads one record by id.
pub(crate) fn get<T, Tb>(table: &Tb, id: &str) -> AppResult<Option<T>>
where
    T: Serialize + DeserializeOwned + Debug + 'static,
    Tb: ReadableTable<&'static str, Json<T>>,
{
    Ok(table.get(id)?.map(|g| g.value()))
}

/// Reads every record of a table in key (creation) order.
pub(crate) fn all<T, Tb>(table: &Tb) -> AppResult<Vec<T>>
where
    T: Serialize + DeserializeOwned + Debug + 'static,
    Tb: ReadableTable<&'static str, Json<T>>,
{
    let mut out = Vec::new();
    for row in table.iter()? {
        out.push(row?.1.value());
    }
    Ok(out)
}

/// A new sortable id (ULID), strictly increasing within the process so that events
/// written in the same millisecond keep their order.
pub fn new_id() -> String {
    // Process-wide on purpose: ordering must hold across every caller.
    static GENERATOR: std::sync::Mutex<Option<ulid::Generator>> = std::sync::Mutex::new(None);
    let mut g = GENERATOR.lock().unwrap_or_else(|e| e.into_inner());
    let id = g
        .get_or_insert_with(ulid::Generator::new)
        .generate()
        .unwrap_or_else(|_| ulid::Ulid::new());
    id.to_string()
}

/// One page of a list answer.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Paged<T> {
    pub data: Vec<T>,
    pub next_cursor: Option<String>,
}

/// Cuts a list ordered by id into a page after `cursor` (the last id seen).
pub fn paginate<T>(
    items: Vec<T>,
    id: impl Fn(&T) -> &str,
    cursor: Option<&str>,
    limit: usize,
) -> Paged<T> {
    let mut data: Vec<T> = items
        .into_iter()
        .filter(|x| cursor.is_none_or(|c| id(x) > c))
        .collect();
    let limit = limit.clamp(1, 500);
    let next_cursor = if data.len() > limit {
        data.truncate(limit);
        data.last().map(|x| id(x).to_string())
    } else {
        None
    };
    Paged { data, next_cursor }
}
