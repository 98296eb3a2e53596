//! Shared state every handler and worker gets through `web::Data<AppState>`.

use crate::auth::Limiters;
use crate::config::Config;
use crate::store::Store;
use std::sync::{Arc, Mutex};

/// Everything a request handler needs.
pub struct AppState {
    pub store: Store,
    pub config: Arc<Config>,
    /// SHA-256 of the one-time setup token, while no user exists.
    pub setup_token_hash: Mutex<Option<String>>,
    pub limiters: Limiters,
    /// Per-client and per-address limits of the public subscribe form.
    pub subscribe_limits: crate::notify::SubscribeLimits,
    pub page_cache: crate::web::public::PageCache,
    pub prober: std::sync::Arc<crate::worker::prober::ProberHandle>,
    /// Taken once by `serve` to start the prober loop.
    pub prober_inbox: Mutex<Option<crate::worker::prober::ProberInbox>>,
    pub started_at: std::time::Instant,
}

impl AppState {
    pub fn new(store: Store, config: Config) -> AppState {
        let (prober, inbox) = crate::worker::prober::handle();
        AppState {
            prober,
            prober_inbox: Mutex::new(Some(inbox)),
            store,
            config: Arc::new(config),
            setup_token_hash: Mutex::new(None),
            limiters: Limiters::default(),
            subscribe_limits: Default::default(),
            page_cache: Default::default(),
            started_at: std::time::Instant::now(),
        }
    }
}
