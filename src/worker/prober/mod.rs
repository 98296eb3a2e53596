//! The prober: one scheduler loop owns every monitor's next run and live state. Probes
//! run on the blocking pool behind a semaphore; routine results are buffered and written
//! in one transaction a second; transitions are written at once and drive the alert
//! policy (component status, draft or published incident, resolve on recovery).
//! Here: the loop and its schedule; `check` runs one check, `health` judges the prober
//! itself, `handle` is what the server sees, `target` builds a probe's target.

mod check;
mod handle;
mod health;
mod target;

pub use handle::{ProberHandle, ProberInbox, handle};
pub use target::{check_settings, probe_target};

use super::Shutdown;
use crate::domain::alert::Direction;
use crate::domain::{Monitor, MonitorKind, MonitorState, Transition};
use crate::store::{ResultRow, Store};
use check::Done;
use chrono::{DateTime, Duration as ChronoDuration, Utc};
use health::Health;
use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap};
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;
use tokio::sync::{Semaphore, mpsc};

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
    health: Health,
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
            health: Health::new(self.handle.clone()),
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
                    l.health.expire();
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

    /// Starts a check: a heartbeat is judged at once, anything else probed on the pool.
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
            let now = Utc::now();
            let last_ping_at = self.states.entry(m.id.clone()).or_default().last_ping_at;
            let _ = done_tx.send(Done {
                id: m.id.clone(),
                at: now,
                lag_ms: 0,
                outcome: check::heartbeat(&m, last_ping_at, now),
            });
            return;
        }
        check::spawn_probe(m, due, sem, done_tx);
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
        self.health.note(&d.id, d.outcome.up, d.lag_ms);
        let measured =
            (m.kind != MonitorKind::Heartbeat).then_some(u64::from(d.outcome.latency_ms));
        self.handle.observe(m.kind.as_str(), measured, d.lag_ms);
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
