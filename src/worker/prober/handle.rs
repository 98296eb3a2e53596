//! The prober's face to the rest of the server: counters it publishes and channels
//! that poke it (check now, a heartbeat ping, a monitor changed).

use crate::domain::histogram::{Histogram, LATENCY_BOUNDS};
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, AtomicU64};
use std::sync::{Arc, Mutex};
use tokio::sync::mpsc;

/// What the rest of the server sees of the prober: counters and ways to poke it.
pub struct ProberHandle {
    check_now: mpsc::UnboundedSender<String>,
    pings: mpsc::UnboundedSender<String>,
    changes: mpsc::UnboundedSender<String>,
    /// statusd is failing most checks or running late: it blames itself, opens nothing.
    pub degraded: AtomicBool,
    pub checks_total: AtomicU64,
    pub checks_failed: AtomicU64,
    /// p99 of how late checks started, over the last 1,000 checks.
    pub lag_p99_ms: AtomicU64,
    pub monitors_up: AtomicU64,
    pub monitors_down: AtomicU64,
    /// Probe latency per monitor kind (heartbeats have none).
    pub latency: Mutex<BTreeMap<&'static str, Histogram>>,
    /// How late checks started against their schedule.
    pub lag: Mutex<Histogram>,
}

impl ProberHandle {
    /// Runs a monitor now (admin "check now").
    pub fn check_now(&self, id: &str) {
        let _ = self.check_now.send(id.to_string());
    }

    /// A monitor was created, changed or deleted: reload just that one.
    pub fn monitor_changed(&self, id: &str) {
        let _ = self.changes.send(id.to_string());
    }

    /// Counts one finished check's latency (under its kind) and lateness.
    pub fn observe(&self, kind: &'static str, latency_ms: Option<u64>, lag_ms: u64) {
        if let (Some(ms), Ok(mut by_kind)) = (latency_ms, self.latency.lock()) {
            by_kind
                .entry(kind)
                .or_insert_with(|| Histogram::new(LATENCY_BOUNDS))
                .observe_ms(ms);
        }
        if let Ok(mut lag) = self.lag.lock() {
            lag.observe_ms(lag_ms);
        }
    }

    /// A heartbeat monitor was pinged.
    pub fn ping(&self, id: &str) {
        let _ = self.pings.send(id.to_string());
    }
}

/// The receiving ends the prober loop consumes.
pub struct ProberInbox {
    pub check_now: mpsc::UnboundedReceiver<String>,
    pub pings: mpsc::UnboundedReceiver<String>,
    pub changes: mpsc::UnboundedReceiver<String>,
}

/// Builds the handle and the receiving ends the prober loop consumes.
pub fn handle() -> (Arc<ProberHandle>, ProberInbox) {
    let (tx, rx) = mpsc::unbounded_channel();
    let (ptx, prx) = mpsc::unbounded_channel();
    let (ctx, crx) = mpsc::unbounded_channel();
    let h = ProberHandle {
        check_now: tx,
        pings: ptx,
        changes: ctx,
        degraded: AtomicBool::new(false),
        checks_total: AtomicU64::new(0),
        checks_failed: AtomicU64::new(0),
        lag_p99_ms: AtomicU64::new(0),
        monitors_up: AtomicU64::new(0),
        monitors_down: AtomicU64::new(0),
        latency: Mutex::new(BTreeMap::new()),
        lag: Mutex::new(Histogram::new(LATENCY_BOUNDS)),
    };
    (
        Arc::new(h),
        ProberInbox {
            check_now: rx,
            pings: prx,
            changes: crx,
        },
    )
}
