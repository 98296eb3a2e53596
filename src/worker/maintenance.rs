//! Moves maintenance windows to in progress at their start and to completed at their end.

use super::Shutdown;
use crate::domain::MaintenanceStep;
use crate::domain::audit::AuditEntry;
use crate::store::{Store, new_id};
use std::time::Duration;

/// Checks due transitions every `every`.
pub struct MaintenanceWorker {
    pub store: Store,
    pub every: Duration,
}

impl MaintenanceWorker {
    pub async fn run(self, mut shutdown: Shutdown) {
        let mut tick = tokio::time::interval(self.every);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tokio::select! {
                _ = tick.tick() => {}
                _ = shutdown.changed() => return,
            }
            match self.store.run(|s| s.tick_maintenance(s.now())).await {
                Ok(done) => {
                    for (id, step) in done {
                        tracing::info!(maintenance = %id, ?step, "maintenance transition");
                        let action = match step {
                            MaintenanceStep::Start => "maintenance.start",
                            MaintenanceStep::Complete => "maintenance.complete",
                        };
                        let logged = self
                            .store
                            .run(move |s| {
                                let e = AuditEntry::system(
                                    new_id(),
                                    s.now(),
                                    action,
                                    "maintenance",
                                    &id,
                                );
                                s.record_audit(&e)
                            })
                            .await;
                        if let Err(e) = logged {
                            tracing::error!(error = %e, "writing the audit log");
                        }
                    }
                }
                Err(e) => tracing::error!(error = %e, "maintenance worker"),
            }
        }
    }
}
