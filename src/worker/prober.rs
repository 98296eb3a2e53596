//! The prober: one scheduler loop owns every monitor's next run and live state. Probes
//! run on the blocking pool behind a semaphore; routine results are buffered and written
//! in one transaction a second; transitions are written at once and drive the alert
//! policy (component status, draft or published incident, resolve on recovery).

use super::Shutdown;
use crate::domain::alert::Direction;
use crate::domain::{Monitor, MonitorKind, MonitorState, Transition};
use crate::probe::{self, ProbeOutcome};
use crate::store::{ResultRow, Store};
use chrono::{DateTime, Duration as ChronoDuration, Utc};
use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap, VecDeque};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};
use tokio::sync::{Semaphore, mpsc};

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

/// Builds the probe target of a monitor from its kind, target and settings.
pub fn probe_target(m: &Monitor) -> Result<probe::Target, String> {
    let mut settings = if m.check.is_object() {
        m.check.clone()
    } else {
        serde_json::json!({})
    };
    let (host, port) = match m.target.rsplit_once(':') {
        Some((h, p)) => (
            h.trim_start_matches('[').trim_end_matches(']').to_string(),
            p.parse::<u16>().unwrap_or(443),
        ),
        None => (m.target.clone(), 443),
    };
    let from = |v: serde_json::Value| v.to_string();
    match m.kind {
        MonitorKind::Http => {
            settings["url"] = serde_json::json!(m.target);
            serde_json::from_value(settings)
                .map(probe::Target::Http)
                .map_err(|e| format!("check: {e}"))
        }
        MonitorKind::Tcp => Ok(probe::Target::Tcp { host, port }),
        MonitorKind::Dns => {
            settings["name"] = serde_json::json!(m.target);
            serde_json::from_value(settings)
                .map(probe::Target::Dns)
                .map_err(|e| format!("check: {e}"))
        }
        MonitorKind::Tls => {
            settings["host"] = serde_json::json!(host);
            settings["port"] = serde_json::json!(port);
            serde_json::from_value(settings)
                .map(probe::Target::Tls)
                .map_err(|e| format!("check: {e}"))
        }
        MonitorKind::Heartbeat => Err(from(serde_json::json!(
            "heartbeat monitors are pushed, not probed"
        ))),
    }
}

/// One finished check.
struct Done {
    id: String,
    at: DateTime<Utc>,
    lag_ms: u64,
    outcome: ProbeOutcome,
}

/// The prober loop.
pub struct Prober {
    pub store: Store,
    pub handle: Arc<ProberHandle>,
    pub inbox: ProberInbox,
    /// Probes in flight at most.
    pub concurrency: usize,
}

struct Loop {
    store: Store,
    handle: Arc<ProberHandle>,
    monitors: HashMap<String, Monitor>,
    states: HashMap<String, MonitorState>,
    due: BinaryHeap<Reverse<(DateTime<Utc>, String)>>,
    /// The time each monitor is next due; heap entries that disagree are stale.
    next: HashMap<String, DateTime<Utc>>,
    buffer: Vec<ResultRow>,
    dirty: Vec<String>,
    /// Each monitor's latest result of the last minute, and how many of them failed:
    /// kept incrementally so judging the prober costs O(1) per check.
    latest: HashMap<String, (Instant, bool)>,
    failing: usize,
    lags: VecDeque<u64>,
    lag_p99_ms: u64,
}

impl Prober {
    pub async fn run(mut self, mut shutdown: Shutdown) {
        let sem = Arc::new(Semaphore::new(self.concurrency.max(1)));
        let (done_tx, mut done_rx) = mpsc::unbounded_channel::<Done>();
        let mut l = Loop {
            store: self.store.clone(),
            handle: self.handle.clone(),
            monitors: HashMap::new(),
            states: self
                .store
                .run(|s| s.monitor_states())
                .await
                .unwrap_or_default(),
            due: BinaryHeap::new(),
            next: HashMap::new(),
            buffer: Vec::new(),
            dirty: Vec::new(),
            latest: HashMap::new(),
            failing: 0,
            lags: VecDeque::new(),
            lag_p99_ms: 0,
        };
        l.reload().await;
        let mut flush = tokio::time::interval(Duration::from_secs(1));
        flush.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            let sleep_for = l
                .due
                .peek()
                .map(|Reverse((t, _))| (*t - Utc::now()).to_std().unwrap_or(Duration::ZERO))
                .unwrap_or(Duration::from_secs(3600));
            tokio::select! {
                _ = tokio::time::sleep(sleep_for) => {
                    let now = Utc::now();
                    while let Some(Reverse((t, id))) = l.due.peek().cloned() {
                        if t > now { break; }
                        l.due.pop();
                        if l.next.get(&id) != Some(&t) { continue; }
                        l.next.remove(&id);
                        l.launch(&id, t, &sem, &done_tx);
                    }
                }
                Some(done) = done_rx.recv() => l.finish(done).await,
                Some(id) = self.inbox.check_now.recv() => {
                    // A monitor created a moment ago may not be loaded yet.
                    if !l.monitors.contains_key(&id) {
                        l.reload().await;
                    }
                    l.launch(&id, Utc::now(), &sem, &done_tx);
                }
                Some(id) = self.inbox.pings.recv() => {
                    if !l.monitors.contains_key(&id) {
                        l.reload().await;
                    }
                    if l.monitors.contains_key(&id) {
                        l.states.entry(id.clone()).or_default().last_ping_at = Some(Utc::now());
                        l.launch(&id, Utc::now(), &sem, &done_tx);
                    }
                }
                Some(id) = self.inbox.changes.recv() => l.reload_one(id).await,
                _ = flush.tick() => {
                    l.expire();
                    l.flush().await;
                }
                _ = shutdown.changed() => {
                    l.flush().await;
                    return;
                }
            }
        }
    }
}

impl Loop {
    /// Loads every monitor (at start).
    async fn reload(&mut self) {
        let monitors = match self.store.run(|s| s.list_monitors()).await {
            Ok(m) => m,
            Err(e) => {
                tracing::error!(error = %e, "prober: loading monitors");
                return;
            }
        };
        let keep: std::collections::HashSet<String> =
            monitors.iter().map(|m| m.id.clone()).collect();
        self.monitors.retain(|id, _| keep.contains(id));
        self.next.retain(|id, _| keep.contains(id));
        self.states.retain(|id, _| keep.contains(id));
        let now = Utc::now();
        for m in monitors {
            self.upsert(m, now);
        }
        self.count_states();
    }

    /// Loads one monitor that was created, changed or deleted.
    async fn reload_one(&mut self, id: String) {
        let key = id.clone();
        match self.store.run(move |s| s.get_monitor(&key)).await {
            Ok(m) => self.upsert(m, Utc::now()),
            Err(crate::error::AppError::NotFound(_)) => {
                self.monitors.remove(&id);
                self.next.remove(&id);
                self.states.remove(&id);
            }
            Err(e) => tracing::error!(error = %e, "prober: loading a monitor"),
        }
        self.count_states();
    }

    /// Takes a monitor's current settings; a new or changed one is scheduled afresh
    /// (jittered within its period), a paused one not at all.
    fn upsert(&mut self, m: Monitor, now: DateTime<Utc>) {
        let changed = self
            .monitors
            .get(&m.id)
            .is_none_or(|old| old.updated_at != m.updated_at);
        if m.paused {
            self.next.remove(&m.id);
        } else if changed || !self.next.contains_key(&m.id) {
            let first = match m.kind {
                MonitorKind::Heartbeat => now + ChronoDuration::seconds(5),
                _ => {
                    now + ChronoDuration::milliseconds(
                        m.jitter_ms(m.schedule().period_ms(now)) as i64
                    )
                }
            };
            self.schedule(&m.id, first);
        }
        self.monitors.insert(m.id.clone(), m);
    }

    fn schedule(&mut self, id: &str, at: DateTime<Utc>) {
        self.next.insert(id.to_string(), at);
        self.due.push(Reverse((at, id.to_string())));
    }

    fn launch(
        &mut self,
        id: &str,
        due: DateTime<Utc>,
        sem: &Arc<Semaphore>,
        done_tx: &mpsc::UnboundedSender<Done>,
    ) {
        let Some(m) = self.monitors.get(id).cloned() else {
            return;
        };
        if m.kind == MonitorKind::Heartbeat {
            // No probe: judge the silence since the last ping.
            let state = self.states.entry(m.id.clone()).or_default();
            let now = Utc::now();
            let period = m.schedule().period_ms(now) as i64;
            let deadline = state.last_ping_at.unwrap_or(m.created_at)
                + ChronoDuration::milliseconds(period)
                + ChronoDuration::seconds(m.grace_seconds as i64);
            let pinged_recently = state
                .last_ping_at
                .is_some_and(|p| now - p <= ChronoDuration::seconds(2));
            let outcome = if pinged_recently || now <= deadline {
                ProbeOutcome {
                    up: state.last_ping_at.is_some() || now <= deadline,
                    latency_ms: 0,
                    error: None,
                    detail: None,
                }
            } else {
                let since = state
                    .last_ping_at
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
            };
            let _ = done_tx.send(Done {
                id: m.id.clone(),
                at: now,
                lag_ms: 0,
                outcome,
            });
            return;
        }
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

    /// Counts a result, schedules the next run, and acts on a transition.
    async fn finish(&mut self, d: Done) {
        let Some(m) = self.monitors.get(&d.id).cloned() else {
            return;
        };
        self.handle.checks_total.fetch_add(1, Ordering::Relaxed);
        if !d.outcome.up {
            self.handle.checks_failed.fetch_add(1, Ordering::Relaxed);
        }
        self.note(&d);
        let degraded = self.handle.degraded.load(Ordering::Relaxed);
        let state = self.states.entry(m.id.clone()).or_default();
        state.last_latency_ms = Some(d.outcome.latency_ms);
        state.last_error = d.outcome.error.clone();
        // While statusd blames itself, results are kept but drive no verdict.
        let transition = if degraded {
            state.last_check_at = Some(d.at);
            Transition::None
        } else {
            state.record(
                d.outcome.up,
                m.failure_threshold,
                m.recovery_threshold,
                d.at,
            )
        };
        let first_failure = !d.outcome.up
            && state.consecutive_failures == 1
            && m.failure_threshold > 1
            && state.up != Some(false);
        self.buffer.push(ResultRow {
            monitor_id: m.id.clone(),
            at: d.at,
            up: d.outcome.up,
            latency_ms: d.outcome.latency_ms,
            error: d.outcome.error.clone(),
        });
        self.dirty.push(m.id.clone());
        if !m.paused && first_failure {
            // Re-check at once before believing a single failure, also when the failure
            // came from "check now" and a regular run is already queued.
            self.schedule(&m.id, Utc::now() + ChronoDuration::seconds(2));
        } else if !m.paused && !self.next.contains_key(&m.id) {
            let next = m
                .schedule()
                .next_after(d.at.max(Utc::now() - ChronoDuration::seconds(1)));
            self.schedule(&m.id, next);
        }
        if transition != Transition::None {
            self.flush().await;
            self.act(&m, transition, d.outcome.error.clone()).await;
            self.count_states();
        }
    }

    /// Tracks failures and lateness over the last minute to judge the prober itself.
    fn note(&mut self, d: &Done) {
        if let Some((_, false)) = self
            .latest
            .insert(d.id.clone(), (Instant::now(), d.outcome.up))
        {
            self.failing -= 1;
        }
        if !d.outcome.up {
            self.failing += 1;
        }
        self.lags.push_back(d.lag_ms);
        if self.lags.len() > 1000 {
            self.lags.pop_front();
        }
        self.judge();
    }

    /// Once a second: forgets results older than a minute and recomputes the lag p99.
    fn expire(&mut self) {
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

    async fn flush(&mut self) {
        if self.buffer.is_empty() {
            return;
        }
        let rows = std::mem::take(&mut self.buffer);
        let mut ids = std::mem::take(&mut self.dirty);
        ids.sort();
        ids.dedup();
        let states: Vec<(String, MonitorState)> = ids
            .into_iter()
            .filter_map(|id| self.states.get(&id).map(|s| (id, s.clone())))
            .collect();
        if let Err(e) = self
            .store
            .run(move |s| s.record_results(&rows, &states))
            .await
        {
            tracing::error!(error = %e, "prober: storing results");
        }
    }

    fn count_states(&self) {
        let up = self.states.values().filter(|s| s.up == Some(true)).count() as u64;
        let down = self.states.values().filter(|s| s.up == Some(false)).count() as u64;
        self.handle.monitors_up.store(up, Ordering::Relaxed);
        self.handle.monitors_down.store(down, Ordering::Relaxed);
    }

    /// Applies the alert policy to a transition: the decision, its actions and the new
    /// state are written in one transaction; an error is logged, never dropped.
    async fn act(&mut self, m: &Monitor, t: Transition, error: Option<String>) {
        let dir = match t {
            Transition::WentDown => Direction::Down,
            Transition::WentUp => Direction::Up,
            Transition::None => return,
        };
        let state = self.states.get(&m.id).cloned().unwrap_or_default();
        let (mon, detail) = (m.clone(), error.unwrap_or_default());
        let result = self
            .store
            .run(move |s| s.apply_monitor_transition(&mon, dir, state, &detail))
            .await;
        match result {
            Ok((st, actions)) => {
                tracing::info!(monitor = %m.name, transition = ?t, ?actions, "monitor state changed");
                self.states.insert(m.id.clone(), st);
            }
            Err(e) => tracing::error!(monitor = %m.name, error = %e, "applying the alert policy"),
        }
    }
}
