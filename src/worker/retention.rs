//! Retention: raw check results older than the window are pruned hourly; the hourly and
//! daily rollups they were folded into stay. Alert events (raw bodies) go after 30 days.

use super::Shutdown;
use crate::store::Store;
use std::time::Duration;

/// Prunes raw results past the retention window, hourly.
pub struct RetentionWorker {
    pub store: Store,
    pub raw_retention_days: u32,
}

impl RetentionWorker {
    pub async fn run(self, mut shutdown: Shutdown) {
        let mut tick = tokio::time::interval(Duration::from_secs(3600));
        loop {
            tokio::select! {
                _ = tick.tick() => {}
                _ = shutdown.changed() => return,
            }
            let days = self.raw_retention_days;
            if let Err(e) = self
                .store
                .run(move |s| s.prune_results(s.now(), days))
                .await
            {
                tracing::error!(error = %e, "pruning results");
            }
            if let Err(e) = self.store.run(|s| s.prune_alert_events(s.now())).await {
                tracing::error!(error = %e, "pruning alert events");
            }
        }
    }
}
