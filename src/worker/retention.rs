//! Retention: raw check results older than the window are pruned hourly; the hourly and
//! daily rollups they were folded into stay. Alert events (raw bodies) go after 30 days;
//! audit entries after `audit_retention_days`, checked daily.

use super::Shutdown;
use crate::store::Store;
use std::time::Duration;

/// Prunes raw results past the retention window, hourly.
pub struct RetentionWorker {
    pub store: Store,
    pub raw_retention_days: u32,
    /// 0 keeps the audit log forever.
    pub audit_retention_days: u32,
}

/// Audit entries are pruned every this many hourly ticks (daily).
const AUDIT_EVERY_TICKS: u32 = 24;

impl RetentionWorker {
    pub async fn run(self, mut shutdown: Shutdown) {
        let mut tick = tokio::time::interval(Duration::from_secs(3600));
        // The first tick fires at once, so a restart prunes the audit log straight away.
        let mut ticks: u32 = 0;
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
            if ticks.is_multiple_of(AUDIT_EVERY_TICKS) {
                let days = self.audit_retention_days;
                match self.store.run(move |s| s.prune_audit(s.now(), days)).await {
                    Ok(0) => {}
                    Ok(n) => tracing::info!(deleted = n, "pruned the audit log"),
                    Err(e) => tracing::error!(error = %e, "pruning the audit log"),
                }
            }
            ticks = ticks.wrapping_add(1);
        }
    }
}
