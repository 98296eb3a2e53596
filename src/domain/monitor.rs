//! Monitors: schedules, the up/down state machine with thresholds, and the rollup
//! buckets that uptime, the 90-day bars and SLA reports are computed from.
//! Longer than 500 lines only through its table tests (the code is 397 lines).

use super::incident::Impact;
use super::status::ComponentStatus;
use chrono::{DateTime, TimeZone, Utc};
use serde::{Deserialize, Serialize};
use std::str::FromStr;

/// What a monitor checks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum MonitorKind {
    Http,
    Tcp,
    Dns,
    Tls,
    Heartbeat,
}

impl MonitorKind {
    pub const ALL: [MonitorKind; 5] = [
        MonitorKind::Http,
        MonitorKind::Tcp,
        MonitorKind::Dns,
        MonitorKind::Tls,
        MonitorKind::Heartbeat,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            MonitorKind::Http => "http",
            MonitorKind::Tcp => "tcp",
            MonitorKind::Dns => "dns",
            MonitorKind::Tls => "tls",
            MonitorKind::Heartbeat => "heartbeat",
        }
    }
}

impl FromStr for MonitorKind {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let l = s.trim().to_ascii_lowercase();
        let l = if l == "keyword" || l == "https" {
            "http".to_string()
        } else {
            l
        };
        MonitorKind::ALL
            .into_iter()
            .find(|k| k.as_str() == l)
            .ok_or_else(|| format!("unknown kind {s:?}; expected http, tcp, dns, tls or heartbeat"))
    }
}

/// What happens when a monitor goes down.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum OnDown {
    /// Only set the component's status.
    #[default]
    Status,
    /// Open a draft incident for review.
    Draft,
    /// Open a published incident.
    Publish,
}

impl FromStr for OnDown {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s.trim() {
            "status" => Ok(OnDown::Status),
            "draft" => Ok(OnDown::Draft),
            "publish" => Ok(OnDown::Publish),
            other => Err(format!(
                "unknown on_down {other:?}; expected status, draft or publish"
            )),
        }
    }
}

/// A check and its schedule, thresholds and alert policy.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[schema(as = MonitorRecord)]
pub struct Monitor {
    pub id: String,
    pub name: String,
    pub kind: MonitorKind,
    /// URL, host:port, DNS name or host (heartbeat: empty).
    pub target: String,
    /// Kind-specific settings (headers, keyword, record type...), as given.
    #[serde(default)]
    pub check: serde_json::Value,
    #[serde(default)]
    pub interval_seconds: Option<u32>,
    #[serde(default)]
    pub cron: Option<String>,
    pub timeout_ms: u32,
    pub failure_threshold: u32,
    pub recovery_threshold: u32,
    #[serde(default)]
    pub component_id: Option<String>,
    #[serde(default)]
    pub on_down: OnDown,
    #[serde(default = "default_down_status")]
    pub down_status: ComponentStatus,
    #[serde(default = "default_severity")]
    pub severity: Impact,
    #[serde(default)]
    pub paused: bool,
    /// Heartbeat: seconds of silence tolerated after the period.
    #[serde(default)]
    pub grace_seconds: u32,
    /// Heartbeat: the secret in `/api/v1/heartbeat/{token}`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub heartbeat_token: Option<String>,
    /// Stable name in status-as-code files (`statusd apply`); derived from the name when empty.
    #[serde(default)]
    pub slug: String,
    /// Written by `statusd apply`: the admin warns before changing it by hand.
    #[serde(default)]
    pub managed_by_config: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

fn default_down_status() -> ComponentStatus {
    ComponentStatus::MajorOutage
}

fn default_severity() -> Impact {
    Impact::Major
}

impl Monitor {
    /// The parsed schedule; records are validated on write, so this holds.
    pub fn schedule(&self) -> Schedule {
        match (&self.cron, self.interval_seconds) {
            (Some(c), _) => parse_cron(c)
                .map(|s| Schedule::Cron(Box::new(s)))
                .unwrap_or(Schedule::Interval(60)),
            (None, Some(s)) => Schedule::Interval(s.max(1)),
            (None, None) => Schedule::Interval(60),
        }
    }

    /// A stable offset in [0, period) so monitors on the same schedule spread out.
    pub fn jitter_ms(&self, period_ms: u64) -> u64 {
        let h = self.id.bytes().fold(0xcbf29ce484222325u64, |h, b| {
            (h ^ b as u64).wrapping_mul(0x100000001b3)
        });
        if period_ms == 0 {
            0
        } else {
            h % period_ms.min(30_000)
        }
    }
}

/// When a monitor runs.
#[derive(Debug, Clone)]
pub enum Schedule {
    Interval(u32),
    Cron(Box<cron::Schedule>),
}

impl Schedule {
    /// The first run strictly after `t`.
    pub fn next_after(&self, t: DateTime<Utc>) -> DateTime<Utc> {
        match self {
            Schedule::Interval(s) => t + chrono::Duration::seconds(*s as i64),
            Schedule::Cron(c) => c
                .after(&t)
                .next()
                .unwrap_or(t + chrono::Duration::days(365)),
        }
    }

    /// Typical period in milliseconds (for jitter and lag).
    pub fn period_ms(&self, now: DateTime<Utc>) -> u64 {
        let a = self.next_after(now);
        (self.next_after(a) - a).num_milliseconds().max(1000) as u64
    }
}

/// Parses a cron expression: 6–7 fields (seconds first), or the common 5-field form
/// (seconds are added as `0`). Day names (`MON-FRI`) work; the parser's message is kept.
pub fn parse_cron(expr: &str) -> Result<cron::Schedule, String> {
    let e = expr.trim();
    let fields = e.split_whitespace().count();
    let full = if fields == 5 {
        format!("0 {e}")
    } else {
        e.to_string()
    };
    cron::Schedule::from_str(&full).map_err(|err| format!("{e:?} is not a cron expression: {err}"))
}

/// What one check result did to a monitor's state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transition {
    None,
    /// Crossed the failure threshold.
    WentDown,
    /// Crossed the recovery threshold after being down.
    WentUp,
}

/// Live state of a monitor, persisted at every transition.
#[derive(Debug, Clone, Serialize, Deserialize, Default, utoipa::ToSchema)]
pub struct MonitorState {
    /// `None` until the first verdict.
    pub up: Option<bool>,
    pub consecutive_failures: u32,
    pub consecutive_successes: u32,
    pub last_check_at: Option<DateTime<Utc>>,
    pub last_latency_ms: Option<u32>,
    pub last_error: Option<String>,
    pub changed_at: Option<DateTime<Utc>>,
    /// The incident this monitor opened and has not yet resolved.
    pub open_incident_id: Option<String>,
    pub last_ping_at: Option<DateTime<Utc>>,
}

impl MonitorState {
    /// Counts a result and reports a threshold crossing. A monitor with no verdict yet
    /// becomes up on its first success and down after `failure_threshold` failures.
    pub fn record(
        &mut self,
        up: bool,
        failure_threshold: u32,
        recovery_threshold: u32,
        at: DateTime<Utc>,
    ) -> Transition {
        if up {
            self.consecutive_successes += 1;
            self.consecutive_failures = 0;
        } else {
            self.consecutive_failures += 1;
            self.consecutive_successes = 0;
        }
        self.last_check_at = Some(at);
        match (self.up, up) {
            (Some(false), true) if self.consecutive_successes >= recovery_threshold.max(1) => {
                self.up = Some(true);
                self.changed_at = Some(at);
                Transition::WentUp
            }
            (None, true) => {
                self.up = Some(true);
                self.changed_at = Some(at);
                Transition::None
            }
            (Some(true) | None, false) if self.consecutive_failures >= failure_threshold.max(1) => {
                self.up = Some(false);
                self.changed_at = Some(at);
                Transition::WentDown
            }
            _ => Transition::None,
        }
    }
}

/// The detail kept for a failed check.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct CheckFailure {
    pub error: String,
    pub latency_ms: u32,
}

/// Latency histogram bounds (ms): bucket i holds values ≤ BOUNDS[i]; the last is open.
pub const LATENCY_BOUNDS: [u32; 24] = [
    1,
    2,
    3,
    5,
    7,
    10,
    15,
    20,
    30,
    50,
    75,
    100,
    150,
    200,
    300,
    500,
    750,
    1000,
    1500,
    2000,
    3000,
    5000,
    10000,
    u32::MAX,
];

/// Counts and latency summary of the checks in one hour or day; mergeable.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
pub struct Bucket {
    pub count: u32,
    pub up: u32,
    pub latency_min: u32,
    pub latency_max: u32,
    pub latency_sum: u64,
    pub histogram: Vec<u32>,
}

impl Bucket {
    pub fn add(&mut self, up: bool, latency_ms: u32) {
        if self.histogram.len() != LATENCY_BOUNDS.len() {
            self.histogram = vec![0; LATENCY_BOUNDS.len()];
        }
        self.latency_min = if self.count == 0 {
            latency_ms
        } else {
            self.latency_min.min(latency_ms)
        };
        self.latency_max = self.latency_max.max(latency_ms);
        self.count += 1;
        self.up += up as u32;
        self.latency_sum += latency_ms as u64;
        let i = LATENCY_BOUNDS
            .iter()
            .position(|b| latency_ms <= *b)
            .unwrap_or(LATENCY_BOUNDS.len() - 1);
        self.histogram[i] += 1;
    }

    pub fn merge(&mut self, other: &Bucket) {
        if other.count == 0 {
            return;
        }
        if self.histogram.len() != LATENCY_BOUNDS.len() {
            self.histogram = vec![0; LATENCY_BOUNDS.len()];
        }
        self.latency_min = if self.count == 0 {
            other.latency_min
        } else {
            self.latency_min.min(other.latency_min)
        };
        self.latency_max = self.latency_max.max(other.latency_max);
        self.count += other.count;
        self.up += other.up;
        self.latency_sum += other.latency_sum;
        for (a, b) in self.histogram.iter_mut().zip(&other.histogram) {
            *a += b;
        }
    }

    pub fn latency_avg(&self) -> Option<f64> {
        (self.count > 0).then(|| self.latency_sum as f64 / self.count as f64)
    }

    /// The upper bound of the histogram bucket holding the 95th percentile, capped by max.
    pub fn latency_p95(&self) -> Option<u32> {
        if self.count == 0 {
            return None;
        }
        let rank = (self.count as f64 * 0.95).ceil() as u32;
        let mut seen = 0;
        for (i, n) in self.histogram.iter().enumerate() {
            seen += n;
            if seen >= rank {
                return Some(LATENCY_BOUNDS[i].min(self.latency_max));
            }
        }
        Some(self.latency_max)
    }

    /// Uptime in percent, `None` without data.
    pub fn uptime(&self) -> Option<f64> {
        (self.count > 0).then(|| self.up as f64 * 100.0 / self.count as f64)
    }
}

/// Start of the hour holding `t`, as a UNIX timestamp.
pub fn hour_start(t: DateTime<Utc>) -> i64 {
    t.timestamp().div_euclid(3600) * 3600
}

/// Start of the UTC day holding `t`, as a UNIX timestamp.
pub fn day_start(t: DateTime<Utc>) -> i64 {
    t.timestamp().div_euclid(86400) * 86400
}

/// A UNIX timestamp as a time.
pub fn at(ts: i64) -> DateTime<Utc> {
    Utc.timestamp_opt(ts, 0).single().unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: i64) -> DateTime<Utc> {
        at(1_800_000_000 + s)
    }

    #[test]
    fn threshold_table() {
        // (failure threshold, recovery threshold, results, transitions expected per result)
        use Transition::*;
        let cases: Vec<(u32, u32, &str, Vec<Transition>)> = vec![
            (1, 1, "+-+", vec![None, WentDown, WentUp]),
            (3, 1, "+--+", vec![None, None, None, None]),
            (3, 1, "+---", vec![None, None, None, WentDown]),
            (
                2,
                2,
                "+--+-++",
                vec![None, None, WentDown, None, None, None, WentUp],
            ),
            (
                1,
                3,
                "-++-+++",
                vec![WentDown, None, None, None, None, None, WentUp],
            ),
            (2, 1, "--", vec![None, WentDown]),
            (3, 2, "+-+-+-+-", vec![None; 8]),
        ];
        for (ft, rt, results, want) in cases {
            let mut s = MonitorState::default();
            let got: Vec<Transition> = results
                .chars()
                .enumerate()
                .map(|(i, c)| s.record(c == '+', ft, rt, t(i as i64)))
                .collect();
            assert_eq!(got, want, "thresholds {ft}/{rt} results {results}");
        }
    }

    #[test]
    fn cron_accepts_five_fields_and_day_names() {
        let s = parse_cron("*/5 * * * MON-FRI").unwrap();
        let monday = Utc.with_ymd_and_hms(2026, 11, 23, 10, 2, 0).unwrap();
        assert_eq!(
            s.after(&monday).next().unwrap(),
            Utc.with_ymd_and_hms(2026, 11, 23, 10, 5, 0).unwrap()
        );
        let saturday = Utc.with_ymd_and_hms(2026, 11, 28, 10, 2, 0).unwrap();
        assert_eq!(
            s.after(&saturday).next().unwrap(),
            Utc.with_ymd_and_hms(2026, 11, 30, 0, 0, 0).unwrap()
        );
        assert!(parse_cron("0/30 * * * * *").is_ok());
        let err = parse_cron("every minute").unwrap_err();
        assert!(err.contains("every minute"), "{err}");
    }

    #[test]
    fn jitter_spreads_monitors() {
        let base = Monitor {
            slug: String::new(),
            managed_by_config: false,
            id: String::new(),
            name: "m".into(),
            kind: MonitorKind::Http,
            target: String::new(),
            check: serde_json::Value::Null,
            interval_seconds: Some(30),
            cron: None,
            timeout_ms: 1000,
            failure_threshold: 1,
            recovery_threshold: 1,
            component_id: None,
            on_down: OnDown::Status,
            down_status: ComponentStatus::MajorOutage,
            severity: Impact::Major,
            paused: false,
            grace_seconds: 0,
            heartbeat_token: None,
            created_at: t(0),
            updated_at: t(0),
        };
        let offsets: std::collections::HashSet<u64> = (0..1000)
            .map(|i| {
                Monitor {
                    id: format!("01M{i:023}"),
                    ..base.clone()
                }
                .jitter_ms(30_000)
                    / 100
            })
            .collect();
        assert!(
            offsets.len() > 250,
            "1000 monitors land in {} of 300 100-ms slots",
            offsets.len()
        );
    }

    proptest::proptest! {
        #[test]
        fn rollups_match_brute_force(samples in proptest::collection::vec((proptest::bool::ANY, 0u32..20_000), 1..400), split in 0usize..400) {
            let mut whole = Bucket::default();
            for (up, l) in &samples { whole.add(*up, *l); }
            // Merging two partial buckets equals adding everything to one.
            let k = split.min(samples.len());
            let (mut a, mut b) = (Bucket::default(), Bucket::default());
            for (up, l) in &samples[..k] { a.add(*up, *l); }
            for (up, l) in &samples[k..] { b.add(*up, *l); }
            a.merge(&b);
            proptest::prop_assert_eq!(&a, &whole);
            let lat: Vec<u32> = samples.iter().map(|s| s.1).collect();
            proptest::prop_assert_eq!(whole.count as usize, samples.len());
            proptest::prop_assert_eq!(whole.up as usize, samples.iter().filter(|s| s.0).count());
            proptest::prop_assert_eq!(whole.latency_min, *lat.iter().min().unwrap());
            proptest::prop_assert_eq!(whole.latency_max, *lat.iter().max().unwrap());
            let avg = lat.iter().map(|l| *l as f64).sum::<f64>() / lat.len() as f64;
            proptest::prop_assert!((whole.latency_avg().unwrap() - avg).abs() < 1e-6);
            // p95 is the bound of the histogram bucket holding the true p95.
            let mut sorted = lat.clone();
            sorted.sort();
            let rank = (sorted.len() as f64 * 0.95).ceil() as usize;
            let true_p95 = sorted[rank - 1];
            let got = whole.latency_p95().unwrap();
            let bucket = LATENCY_BOUNDS.iter().position(|b| true_p95 <= *b).unwrap();
            proptest::prop_assert!(got >= true_p95 && got == LATENCY_BOUNDS[bucket].min(whole.latency_max), "p95 {} vs true {}", got, true_p95);
        }
    }
}
