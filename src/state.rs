//! Shared state every handler gets: the store, the configuration, limits, the page
//! snapshot and the handle that tells the prober about monitor changes.

use crate::config::Config;
use crate::limits::Limiters;
use crate::snapshot::PageCache;
use crate::store::Store;
use crate::worker::prober::ProberHandle;
use std::sync::{Arc, Mutex};

/// Everything a request handler needs.
pub struct AppState {
    pub store: Store,
    pub config: Arc<Config>,
    /// SHA-256 of the one-time setup token, while no user exists.
    pub setup_token_hash: Mutex<Option<String>>,
    pub limiters: Limiters,
    /// Per-client and per-address limits of the public subscribe form.
    pub subscribe_limits: Limiters,
    /// Requests that mail a link: per client and per address the link goes to.
    pub link_limits: Limiters,
    /// Redeeming mailed tokens (invites, resets): per client and per token.
    pub accept_limits: Limiters,
    pub page_cache: PageCache,
    /// OpenID Connect sign-in, when configured.
    pub sso: Option<Arc<crate::sso::Sso>>,
    /// OIDC sign-ins started and not yet finished.
    pub sso_flows: crate::sso::Flows,
    /// Tells the running prober that a monitor changed or should be checked now.
    pub prober: Arc<ProberHandle>,
    pub started_at: std::time::Instant,
}

impl AppState {
    /// `prober` is the handle whose inbox the `serve` wiring gave to the prober loop.
    pub fn new(store: Store, config: Config, prober: Arc<ProberHandle>) -> AppState {
        let sso = config
            .oidc
            .clone()
            .map(|o| Arc::new(crate::sso::Sso::new(o, &config.public_url)));
        AppState {
            sso,
            sso_flows: Default::default(),
            prober,
            store,
            config: Arc::new(config),
            setup_token_hash: Mutex::new(None),
            limiters: Limiters::sign_in(),
            subscribe_limits: Limiters::subscribe(),
            link_limits: Limiters::links(),
            accept_limits: Limiters::accept(),
            page_cache: Default::default(),
            started_at: std::time::Instant::now(),
        }
    }
}
