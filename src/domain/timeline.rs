//! A component's published status over time, and the downtime and uptime figures taken
//! from it. Public bars, uptime and SLA come from here, never from monitor measurements:
//! a draft incident never changes a component, so it never shows as downtime.

use super::ComponentStatus;
use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use chrono_tz::Tz;

/// Share of a partial outage's time that counts as downtime (Statuspage's weight).
pub const PARTIAL_OUTAGE_WEIGHT: f64 = 0.3;

/// How much of the time in `status` counts as downtime: major outage fully, partial
/// outage by [`PARTIAL_OUTAGE_WEIGHT`], degraded performance and maintenance not at all.
pub fn downtime_weight(status: ComponentStatus) -> f64 {
    match status {
        ComponentStatus::MajorOutage => 1.0,
        ComponentStatus::PartialOutage => PARTIAL_OUTAGE_WEIGHT,
        _ => 0.0,
    }
}

/// One published change of a component's status (a `component.status_changed` event).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StatusChange {
    pub at: DateTime<Utc>,
    pub old: ComponentStatus,
    pub new: ComponentStatus,
}

/// A component's published status from its creation on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Timeline {
    /// When the component began; nothing is known (and nothing counted) before.
    pub since: DateTime<Utc>,
    /// Its status at `since`.
    pub initial: ComponentStatus,
    /// Later changes, oldest first: from each instant on, the status it names.
    pub changes: Vec<(DateTime<Utc>, ComponentStatus)>,
}

impl Timeline {
    /// The timeline of a component created at `since` that shows `current` now, from its
    /// published changes in any order. Its first status is the first change's old one.
    pub fn new(
        since: DateTime<Utc>,
        current: ComponentStatus,
        mut changes: Vec<StatusChange>,
    ) -> Self {
        changes.sort_by_key(|c| c.at);
        let initial = changes.first().map_or(current, |c| c.old);
        // A change stamped before the creation time (a clock step) still counts.
        let since = changes.first().map_or(since, |c| c.at.min(since));
        Timeline {
            since,
            initial,
            changes: changes.into_iter().map(|c| (c.at, c.new)).collect(),
        }
    }

    /// The spans of [start, end) the timeline covers, each with its status.
    pub fn spans(
        &self,
        start: DateTime<Utc>,
        end: DateTime<Utc>,
    ) -> Vec<(DateTime<Utc>, DateTime<Utc>, ComponentStatus)> {
        let mut out = Vec::new();
        let mut from = self.since;
        let mut status = self.initial;
        let bounds = self.changes.iter().map(|(t, s)| (Some(*t), *s));
        for (until, next) in bounds.chain([(None, status)]) {
            let to = until.unwrap_or(end).min(end);
            let (a, b) = (from.max(start), to);
            if a < b {
                out.push((a, b, status));
            }
            if until.is_none_or(|u| u >= end) {
                break;
            }
            if let Some(u) = until {
                from = u;
            }
            status = next;
        }
        out
    }

    /// Time in each status over [start, end).
    pub fn tally(&self, start: DateTime<Utc>, end: DateTime<Utc>) -> Tally {
        let mut t = Tally::default();
        for (a, b, s) in self.spans(start, end) {
            t.add(s, (b - a).num_milliseconds());
        }
        t
    }
}

/// Milliseconds a component spent in each status over some span it existed in.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Tally {
    /// Milliseconds the timeline covers (the component existed).
    pub covered: i64,
    pub degraded: i64,
    pub partial: i64,
    pub major: i64,
    pub maintenance: i64,
}

impl Tally {
    fn add(&mut self, status: ComponentStatus, ms: i64) {
        self.covered = self.covered.saturating_add(ms);
        let slot = match status {
            ComponentStatus::Operational => return,
            ComponentStatus::DegradedPerformance => &mut self.degraded,
            ComponentStatus::PartialOutage => &mut self.partial,
            ComponentStatus::MajorOutage => &mut self.major,
            ComponentStatus::UnderMaintenance => &mut self.maintenance,
        };
        *slot = slot.saturating_add(ms);
    }

    /// Adds another span's time.
    pub fn merge(&mut self, o: &Tally) {
        self.covered = self.covered.saturating_add(o.covered);
        self.degraded = self.degraded.saturating_add(o.degraded);
        self.partial = self.partial.saturating_add(o.partial);
        self.major = self.major.saturating_add(o.major);
        self.maintenance = self.maintenance.saturating_add(o.maintenance);
    }

    /// Downtime in minutes: major outage fully, partial outage weighted.
    pub fn downtime_minutes(&self) -> f64 {
        (self.major as f64 * downtime_weight(ComponentStatus::MajorOutage)
            + self.partial as f64 * downtime_weight(ComponentStatus::PartialOutage))
            / 60_000.0
    }

    /// Uptime in percent of the covered time; `None` when nothing is covered.
    pub fn uptime(&self) -> Option<f64> {
        (self.covered > 0).then(|| {
            let down = self.downtime_minutes() * 60_000.0;
            (100.0 * (1.0 - down / self.covered as f64)).clamp(0.0, 100.0)
        })
    }

    /// The worst status seen (maintenance below outages); `None` when nothing is covered.
    pub fn worst(&self) -> Option<ComponentStatus> {
        let seen = [
            (self.major, ComponentStatus::MajorOutage),
            (self.partial, ComponentStatus::PartialOutage),
            (self.degraded, ComponentStatus::DegradedPerformance),
            (self.maintenance, ComponentStatus::UnderMaintenance),
        ];
        (self.covered > 0).then(|| {
            seen.iter()
                .find(|(ms, _)| *ms > 0)
                .map_or(ComponentStatus::Operational, |(_, s)| *s)
        })
    }
}

/// One day of a component's timeline, in a page's time zone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Day {
    pub day: NaiveDate,
    pub tally: Tally,
}

/// The instants [start, end) of a whole day in `tz` (23 or 25 hours across DST changes).
pub fn day_bounds(day: NaiveDate, tz: Tz) -> (DateTime<Utc>, DateTime<Utc>) {
    (
        local_midnight(day, tz),
        local_midnight(day.succ_opt().unwrap_or(day), tz),
    )
}

/// The first instant of `day` in `tz`; where midnight is skipped, the first hour that exists.
fn local_midnight(day: NaiveDate, tz: Tz) -> DateTime<Utc> {
    let midnight = day.and_hms_opt(0, 0, 0).unwrap_or_default();
    (0..=3)
        .find_map(|h| {
            tz.from_local_datetime(&(midnight + Duration::hours(h)))
                .earliest()
        })
        .map_or_else(|| midnight.and_utc(), |t| t.with_timezone(&Utc))
}

/// The `n` days (in `tz`) that end with today, oldest first, each tallied up to `now`.
pub fn daily(timeline: &Timeline, tz: Tz, now: DateTime<Utc>, n: u32) -> Vec<Day> {
    let today = now.with_timezone(&tz).date_naive();
    (0..n)
        .rev()
        .filter_map(|back| today.checked_sub_signed(Duration::days(back.into())))
        .map(|day| {
            let (start, end) = day_bounds(day, tz);
            Day {
                day,
                tally: timeline.tally(start, end.min(now)),
            }
        })
        .collect()
}

/// Uptime over the last `n` of `days`, weighted by the time each covers.
pub fn window_uptime(days: &[Day], n: usize) -> Option<f64> {
    let mut t = Tally::default();
    for d in &days[days.len().saturating_sub(n)..] {
        t.merge(&d.tally);
    }
    t.uptime()
}

#[cfg(test)]
#[path = "timeline_tests.rs"]
mod tests;
