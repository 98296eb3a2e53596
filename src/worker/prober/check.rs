//! Running one check: a probe on the blocking pool behind the semaphore, or a
//! heartbeat's verdict on the silence since its last ping.

use super::target::probe_target;
use crate::domain::Monitor;
use crate::probe::{self, ProbeOutcome};
use chrono::{DateTime, Duration as ChronoDuration, Utc};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{Semaphore, mpsc};

/// One finished check.
pub(super) struct Done {
    pub id: String,
    pub at: DateTime<Utc>,
    pub lag_ms: u64,
    pub outcome: ProbeOutcome,
}

/// A heartbeat has no probe: it is up while pinged within its period plus grace.
pub(super) fn heartbeat(
    m: &Monitor,
    last_ping_at: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> ProbeOutcome {
    let period = m.schedule().period_ms(now) as i64;
    let deadline = last_ping_at.unwrap_or(m.created_at)
        + ChronoDuration::milliseconds(period)
        + ChronoDuration::seconds(m.grace_seconds as i64);
    let pinged_recently = last_ping_at.is_some_and(|p| now - p <= ChronoDuration::seconds(2));
    if pinged_recently || now <= deadline {
        ProbeOutcome {
            up: last_ping_at.is_some() || now <= deadline,
            latency_ms: 0,
            error: None,
            detail: None,
        }
    } else {
        let since = last_ping_at
            .map(|p| format!("last ping {}", p.format("%Y-%m-%d %H:%M:%S UTC")))
            .unwrap_or_else(|| "never pinged".into());
        ProbeOutcome {
            up: false,
            latency_ms: 0,
            error: Some(format!(
                "no ping within the period + {} s grace ({since})",
                m.grace_seconds
            )),
            detail: None,
        }
    }
}

/// Probes `m` once a permit is free and sends the result; lateness is measured from `due`.
pub(super) fn spawn_probe(
    m: Monitor,
    due: DateTime<Utc>,
    sem: &Arc<Semaphore>,
    done_tx: &mpsc::UnboundedSender<Done>,
) {
    let sem = sem.clone();
    let tx = done_tx.clone();
    tokio::spawn(async move {
        let Ok(_permit) = sem.acquire_owned().await else {
            return;
        };
        let started = Utc::now();
        let lag_ms = (started - due).num_milliseconds().max(0) as u64;
        let timeout = Duration::from_millis(m.timeout_ms as u64);
        let outcome = match probe_target(&m) {
            Ok(target) => tokio::task::spawn_blocking(move || probe::run(&target, timeout))
                .await
                .unwrap_or_else(|e| ProbeOutcome {
                    up: false,
                    latency_ms: 0,
                    error: Some(format!("probe crashed: {e}")),
                    detail: None,
                }),
            Err(e) => ProbeOutcome {
                up: false,
                latency_ms: 0,
                error: Some(e),
                detail: None,
            },
        };
        let _ = tx.send(Done {
            id: m.id.clone(),
            at: started,
            lag_ms,
            outcome,
        });
    });
}
