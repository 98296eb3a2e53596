//! Publishes alert drafts whose rule asked for it after N minutes, while still firing.

use super::Shutdown;
use crate::store::Store;
use std::time::Duration;

/// Checks for drafts due to publish themselves every `every`.
pub struct AlertDraftWorker {
    pub store: Store,
    pub every: Duration,
}

impl AlertDraftWorker {
    pub async fn run(self, mut shutdown: Shutdown) {
        let mut tick = tokio::time::interval(self.every);
        loop {
            tokio::select! {
                _ = tick.tick() => {}
                _ = shutdown.changed() => return,
            }
            match self.store.run(|s| s.auto_publish_alert_drafts()).await {
                Ok(ids) => {
                    for id in ids {
                        tracing::info!(incident = %id, "alert draft published after its rule's wait");
                    }
                }
                Err(e) => tracing::error!(error = %e, "auto-publishing alert drafts"),
            }
        }
    }
}
