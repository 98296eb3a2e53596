//! `/metrics` in Prometheus text format: build, HTTP requests by route, prober health
//! and latency, the outbox, monitor and component states. Answers to the
//! `metrics_token` or any API key; `promtool check metrics` accepts the output.

use crate::domain::histogram::{Histogram, LATENCY_BOUNDS};
use crate::error::{AppError, AppResult};
use crate::secret::same_token;
use crate::state::AppState;
use crate::web::auth::MaybeActor;
use actix_web::dev::ServiceResponse;
use actix_web::http::Method;
use actix_web::{Error, HttpRequest, HttpResponse, web};
use std::collections::{BTreeMap, HashMap};
use std::fmt::Write;
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex};
use std::time::Instant;

/// Route label of requests that matched no route, so stray paths add no series.
const UNMATCHED: &str = "unmatched";

/// Requests answered by (route pattern, method, status).
type RequestCounts = BTreeMap<(String, String, u16), u64>;

/// HTTP requests counted by route pattern (never the raw path), method and status, in
/// one shard per HTTP worker: a request locks only its own worker's counters.
#[derive(Default)]
pub struct RequestMetrics {
    shards: Mutex<Vec<Arc<Mutex<Shard>>>>,
}

/// One worker's counters by route pattern.
type Shard = HashMap<String, RouteMetrics>;

/// One route's answers: counts by method and status, and the time taken.
struct RouteMetrics {
    counts: Vec<(Method, u16, u64)>,
    durations: Histogram,
}

/// A worker's own shard of [`RequestMetrics`] (app data of that worker's App).
#[derive(Clone)]
pub struct WorkerMetrics(Arc<Mutex<Shard>>);

impl WorkerMetrics {
    /// Counts an answered request (or a failed one) under its route pattern.
    pub fn record_answer<B>(
        &self,
        res: &Result<ServiceResponse<B>, Error>,
        method: &Method,
        started: Instant,
    ) {
        // Read after routing: the matched resource names its pattern without a second
        // walk of every route (which cost more than serving a cached page).
        let (status, route) = match res {
            Ok(r) => (r.status(), r.request().match_pattern()),
            Err(e) => (e.as_response_error().status_code(), None),
        };
        let route = route.as_deref().unwrap_or(UNMATCHED);
        let ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
        self.record(route, method, status.as_u16(), ms);
    }

    fn record(&self, route: &str, method: &Method, status: u16, ms: u64) {
        let Ok(mut routes) = self.0.lock() else {
            return;
        };
        // Looked up by &str: a route seen before costs no allocation.
        if !routes.contains_key(route) {
            routes.insert(
                route.to_string(),
                RouteMetrics {
                    counts: Vec::new(),
                    durations: Histogram::new(LATENCY_BOUNDS),
                },
            );
        }
        let Some(r) = routes.get_mut(route) else {
            return;
        };
        r.durations.observe_ms(ms);
        match r
            .counts
            .iter_mut()
            .find(|(m, s, _)| m == method && *s == status)
        {
            Some((_, _, n)) => *n = n.saturating_add(1),
            None => r.counts.push((method.clone(), status, 1)),
        }
    }
}

impl RequestMetrics {
    /// A new worker's shard.
    pub fn worker(&self) -> WorkerMetrics {
        let shard = Arc::new(Mutex::new(Shard::new()));
        if let Ok(mut shards) = self.shards.lock() {
            shards.push(shard.clone());
        }
        WorkerMetrics(shard)
    }

    /// Counts by (route, method, status) and durations by route, summed over the
    /// workers and sorted for stable output.
    fn sorted(&self) -> (RequestCounts, BTreeMap<String, Histogram>) {
        let mut counts = RequestCounts::new();
        let mut durations: BTreeMap<String, Histogram> = BTreeMap::new();
        let shards = self.shards.lock().map(|s| s.clone()).unwrap_or_default();
        for shard in shards {
            let Ok(routes) = shard.lock() else {
                continue;
            };
            for (route, r) in routes.iter() {
                for (m, s, n) in &r.counts {
                    let total = counts
                        .entry((route.clone(), m.as_str().to_string(), *s))
                        .or_default();
                    *total = total.saturating_add(*n);
                }
                durations
                    .entry(route.clone())
                    .and_modify(|h| h.merge(&r.durations))
                    .or_insert_with(|| r.durations.clone());
            }
        }
        (counts, durations)
    }
}

fn label(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

fn header(out: &mut String, name: &str, kind: &str, help: &str) {
    let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} {kind}");
}

/// One histogram's `_bucket`, `_sum` and `_count` lines; `labels` is `k="v",` or empty.
fn histogram(out: &mut String, name: &str, labels: &str, h: &Histogram) {
    for (le, n) in h.cumulative() {
        let _ = writeln!(out, "{name}_bucket{{{labels}le=\"{le}\"}} {n}");
    }
    let braces = match labels.trim_end_matches(',') {
        "" => String::new(),
        l => format!("{{{l}}}"),
    };
    let _ = writeln!(out, "{name}_sum{braces} {}", h.sum_seconds());
    let _ = writeln!(out, "{name}_count{braces} {}", h.count());
}

pub async fn get_metrics(
    req: HttpRequest,
    state: web::Data<AppState>,
    requests: Option<web::Data<RequestMetrics>>,
    actor: MaybeActor,
) -> AppResult<HttpResponse> {
    let bearer = req
        .headers()
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or("");
    let token_ok = state
        .config
        .metrics_token
        .as_ref()
        .is_some_and(|t| !bearer.is_empty() && same_token(&t.0, bearer));
    if !token_ok && actor.0.is_none() {
        return Err(AppError::Unauthorized);
    }
    let (monitors, states, components, outbox) = state
        .store
        .run(|s| {
            Ok((
                s.list_monitors()?,
                s.monitor_states()?,
                s.list_components()?,
                s.outbox_counts()?,
            ))
        })
        .await?;
    let mut out = String::new();
    header(
        &mut out,
        "statusd_build_info",
        "gauge",
        "Version of the running statusd; always 1.",
    );
    let _ = writeln!(
        out,
        "statusd_build_info{{version=\"{}\"}} 1",
        env!("CARGO_PKG_VERSION")
    );
    header(
        &mut out,
        "statusd_start_time_seconds",
        "gauge",
        "When the server started, in seconds since the Unix epoch.",
    );
    let started = chrono::Utc::now()
        - chrono::Duration::from_std(state.started_at.elapsed()).unwrap_or_default();
    let _ = writeln!(out, "statusd_start_time_seconds {}", started.timestamp());

    if let Some(requests) = requests {
        header(
            &mut out,
            "statusd_http_requests_total",
            "counter",
            "HTTP requests answered, by route pattern, method and status.",
        );
        let (counts, durations) = requests.sorted();
        for ((route, method, status), n) in &counts {
            let _ = writeln!(
                out,
                "statusd_http_requests_total{{route=\"{}\",method=\"{}\",status=\"{status}\"}} {n}",
                label(route),
                label(method)
            );
        }
        header(
            &mut out,
            "statusd_http_request_duration_seconds",
            "histogram",
            "Time to answer an HTTP request, by route pattern.",
        );
        for (route, h) in &durations {
            let labels = format!("route=\"{}\",", label(route));
            histogram(
                &mut out,
                "statusd_http_request_duration_seconds",
                &labels,
                h,
            );
        }
    }

    let p = &state.prober;
    header(
        &mut out,
        "statusd_prober_degraded",
        "gauge",
        "1 when most checks fail or run late and statusd blames itself.",
    );
    let _ = writeln!(
        out,
        "statusd_prober_degraded {}",
        u8::from(p.degraded.load(Ordering::Relaxed))
    );
    header(
        &mut out,
        "statusd_checks_total",
        "counter",
        "Checks run since start.",
    );
    let _ = writeln!(
        out,
        "statusd_checks_total {}",
        p.checks_total.load(Ordering::Relaxed)
    );
    header(
        &mut out,
        "statusd_checks_failed_total",
        "counter",
        "Failed checks since start.",
    );
    let _ = writeln!(
        out,
        "statusd_checks_failed_total {}",
        p.checks_failed.load(Ordering::Relaxed)
    );
    header(
        &mut out,
        "statusd_schedule_lag_p99_seconds",
        "gauge",
        "How late checks start (p99 of the last 1000).",
    );
    let _ = writeln!(
        out,
        "statusd_schedule_lag_p99_seconds {}",
        p.lag_p99_ms.load(Ordering::Relaxed) as f64 / 1000.0
    );
    header(
        &mut out,
        "statusd_check_lag_seconds",
        "histogram",
        "How late checks started against their schedule.",
    );
    if let Ok(lag) = p.lag.lock() {
        histogram(&mut out, "statusd_check_lag_seconds", "", &lag);
    }
    header(
        &mut out,
        "statusd_probe_duration_seconds",
        "histogram",
        "Probe latency by monitor kind (heartbeats have none).",
    );
    if let Ok(by_kind) = p.latency.lock() {
        for (kind, h) in by_kind.iter() {
            histogram(
                &mut out,
                "statusd_probe_duration_seconds",
                &format!("kind=\"{kind}\","),
                h,
            );
        }
    }

    header(
        &mut out,
        "statusd_outbox_queue_depth",
        "gauge",
        "Notices (mail, webhooks) waiting to be delivered or retried.",
    );
    let _ = writeln!(out, "statusd_outbox_queue_depth {}", outbox.pending);
    header(
        &mut out,
        "statusd_outbox_failed_notices",
        "gauge",
        "Notices given up on after their retries; retry them in the admin's Outbox.",
    );
    let _ = writeln!(out, "statusd_outbox_failed_notices {}", outbox.failed);

    header(
        &mut out,
        "statusd_monitor_up",
        "gauge",
        "1 up, 0 down, -1 no verdict yet.",
    );
    for m in &monitors {
        let v = match states.get(&m.id).and_then(|s| s.up) {
            Some(true) => 1,
            Some(false) => 0,
            None => -1,
        };
        let _ = writeln!(
            out,
            "statusd_monitor_up{{monitor=\"{}\",kind=\"{}\",id=\"{}\"}} {v}",
            label(&m.name),
            m.kind.as_str(),
            label(&m.id)
        );
    }
    header(
        &mut out,
        "statusd_monitor_latency_seconds",
        "gauge",
        "Latency of the last check.",
    );
    for m in &monitors {
        if let Some(l) = states.get(&m.id).and_then(|s| s.last_latency_ms) {
            let _ = writeln!(
                out,
                "statusd_monitor_latency_seconds{{monitor=\"{}\",id=\"{}\"}} {}",
                label(&m.name),
                label(&m.id),
                l as f64 / 1000.0
            );
        }
    }
    header(
        &mut out,
        "statusd_component_status",
        "gauge",
        "0 operational, 1 under maintenance, 2 degraded, 3 partial outage, 4 major outage.",
    );
    for c in &components {
        let _ = writeln!(
            out,
            "statusd_component_status{{component=\"{}\",status=\"{}\",id=\"{}\"}} {}",
            label(&c.name),
            c.status.as_str(),
            label(&c.id),
            c.status.severity()
        );
    }
    Ok(HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4; charset=utf-8")
        .insert_header(("Cache-Control", "no-store"))
        .body(out))
}
