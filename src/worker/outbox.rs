//! The outbox loop: turns new events into notices (fan-out), writes maintenance
//! reminders, delivers due notices in rounds and records each round's outcomes in one
//! transaction; now and then drops expired sign-ups and old finished notices.

use super::Shutdown;
use crate::notify::{self, Settings, smtp::Mailer};
use crate::store::Store;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Notices per SMTP connection or webhook lane in one round.
const PER_LANE: usize = 50;
/// Events turned into notices per fan-out transaction.
const EVENTS_PER_FAN_OUT: usize = 50;
/// How long finished notices are kept for the admin.
const KEEP_DAYS: i64 = 30;

/// Delivers the outbox; wakes every `every` when idle.
pub struct OutboxWorker {
    pub store: Store,
    pub settings: Arc<Settings>,
    pub every: Duration,
}

impl OutboxWorker {
    pub async fn run(self, mut shutdown: Shutdown) {
        let mailer = self
            .settings
            .smtp
            .clone()
            .map(|c| Mailer::new(c, &self.settings.host));
        let agent = notify::webhook::agent();
        let mut last_reminders = Instant::now() - Duration::from_secs(3600);
        let mut last_cleanup = Instant::now() - Duration::from_secs(3600);
        loop {
            if *shutdown.borrow() {
                return;
            }
            if last_reminders.elapsed() >= Duration::from_secs(15) {
                last_reminders = Instant::now();
                let minutes = self.settings.reminder_minutes;
                match self
                    .store
                    .run(move |s| s.write_reminders(s.now(), minutes))
                    .await
                {
                    Ok(n) if n > 0 => tracing::info!(reminders = n, "maintenance reminders queued"),
                    Ok(_) => {}
                    Err(e) => tracing::error!(error = %e, "maintenance reminders"),
                }
            }
            if last_cleanup.elapsed() >= Duration::from_secs(600) {
                last_cleanup = Instant::now();
                let done = self
                    .store
                    .run(move |s| {
                        let now = s.now();
                        Ok((
                            s.purge_unconfirmed(now)?,
                            s.prune_notices(now - chrono::Duration::days(KEEP_DAYS))?,
                        ))
                    })
                    .await;
                match done {
                    Ok((0, 0)) => {}
                    Ok((expired, pruned)) => tracing::info!(expired, pruned, "outbox cleanup"),
                    Err(e) => tracing::error!(error = %e, "outbox cleanup"),
                }
            }
            let busy = match self.round(mailer.as_ref(), &agent).await {
                Ok(busy) => busy,
                Err(e) => {
                    tracing::error!(error = %e, "outbox round");
                    false
                }
            };
            if !busy {
                tokio::select! {
                    _ = tokio::time::sleep(self.every) => {}
                    _ = shutdown.changed() => return,
                }
            }
        }
    }

    /// Fans out new events, then delivers one batch. True when more work is waiting.
    async fn round(
        &self,
        mailer: Option<&Mailer>,
        agent: &ureq::Agent,
    ) -> crate::error::AppResult<bool> {
        loop {
            let (events, notices) = self.store.run(|s| s.fan_out(EVENTS_PER_FAN_OUT)).await?;
            if events > 0 {
                tracing::info!(events, notices, "fan-out");
            }
            if events < EVENTS_PER_FAN_OUT {
                break;
            }
        }
        let limit = self.settings.concurrency.max(1) * PER_LANE;
        let batch = self.store.run(move |s| s.due_batch(s.now(), limit)).await?;
        if batch.items.is_empty() {
            return Ok(false);
        }
        let full = batch.items.len() >= limit;
        let results = notify::outbox::deliver(batch, &self.settings, mailer, agent).await;
        for (id, o) in &results {
            if let crate::domain::Outcome::Permanent(e) = o {
                tracing::warn!(notice = %id, error = %e, "notice failed permanently");
            }
        }
        let horizon = self.settings.retry_horizon;
        self.store
            .run(move |s| s.settle_notices(results, s.now(), horizon))
            .await?;
        Ok(full)
    }
}
