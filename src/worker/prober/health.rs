//! How the prober judges itself: when most checks fail or start late, the fault is
//! likely statusd's (its network, its load), so it reports itself degraded.

use super::ProberHandle;
use std::collections::{HashMap, VecDeque};
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

/// Failures and lateness of the last minute.
pub(super) struct Health {
    handle: Arc<ProberHandle>,
    /// Each monitor's latest result of the last minute, and how many of them failed:
    /// kept incrementally so judging the prober costs O(1) per check.
    latest: HashMap<String, (Instant, bool)>,
    failing: usize,
    lags: VecDeque<u64>,
    lag_p99_ms: u64,
}

impl Health {
    pub(super) fn new(handle: Arc<ProberHandle>) -> Self {
        Health {
            handle,
            latest: HashMap::new(),
            failing: 0,
            lags: VecDeque::new(),
            lag_p99_ms: 0,
        }
    }

    /// Tracks failures and lateness over the last minute to judge the prober itself.
    pub(super) fn note(&mut self, id: &str, up: bool, lag_ms: u64) {
        if let Some((_, false)) = self.latest.insert(id.to_string(), (Instant::now(), up)) {
            self.failing -= 1;
        }
        if !up {
            self.failing += 1;
        }
        self.lags.push_back(lag_ms);
        if self.lags.len() > 1000 {
            self.lags.pop_front();
        }
        self.judge();
    }

    /// Once a second: forgets results older than a minute and recomputes the lag p99.
    pub(super) fn expire(&mut self) {
        let now = Instant::now();
        let mut failing = 0;
        self.latest.retain(|_, (t, up)| {
            let keep = now.duration_since(*t) <= Duration::from_secs(60);
            failing += usize::from(keep && !*up);
            keep
        });
        self.failing = failing;
        let mut sorted: Vec<u64> = self.lags.iter().copied().collect();
        sorted.sort_unstable();
        self.lag_p99_ms = sorted
            .get(sorted.len().saturating_sub(1) * 99 / 100)
            .copied()
            .unwrap_or(0);
        self.handle
            .lag_p99_ms
            .store(self.lag_p99_ms, Ordering::Relaxed);
        self.judge();
    }

    /// Degraded when at least 10 monitors ran in the last minute and 80 % of them
    /// failed, or when checks start more than 10 s late (p99).
    fn judge(&mut self) {
        let checked = self.latest.len();
        let degraded =
            (checked >= 10 && self.failing * 10 >= checked * 8) || self.lag_p99_ms > 10_000;
        let was = self.handle.degraded.swap(degraded, Ordering::Relaxed);
        if was != degraded {
            if degraded {
                tracing::warn!(
                    failing = self.failing,
                    checked,
                    lag_p99_ms = self.lag_p99_ms,
                    "prober degraded: most checks fail or run late; opening no incidents"
                );
            } else {
                tracing::info!("prober recovered");
            }
        }
    }
}
