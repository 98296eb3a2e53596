//! Service levels: a monitor's uptime over rolling windows, and the SLA report of a
//! component over whole UTC days (from its published status timeline).

use super::timeline::Timeline;
use super::{Bucket, Component, Incident, validate};
use crate::error::{AppError, AppResult};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde::Serialize;

/// Uptime in percent over the last 24 h, 7, 30 and 90 days, from hourly rollups.
#[derive(Serialize, Default, Clone, Copy, Debug, PartialEq, utoipa::ToSchema)]
pub struct Uptime {
    pub h24: Option<f64>,
    pub d7: Option<f64>,
    pub d30: Option<f64>,
    pub d90: Option<f64>,
}

/// Uptime windows ending at `now`, from hourly buckets stamped with their hour's start.
/// A window also takes the hour it starts in, so 24 h always spans 25 buckets at most.
pub fn uptime_windows(hours: &[(DateTime<Utc>, Bucket)], now: DateTime<Utc>) -> Uptime {
    let window = |d: Duration| {
        let mut b = Bucket::default();
        for (t, h) in hours {
            if *t >= now - d - Duration::hours(1) {
                b.merge(h);
            }
        }
        b.uptime()
    };
    Uptime {
        h24: window(Duration::hours(24)),
        d7: window(Duration::days(7)),
        d30: window(Duration::days(30)),
        d90: window(Duration::days(90)),
    }
}

/// One component's service level over a date range: uptime and downtime from its
/// published status timeline; checks and measured uptime from its monitors.
#[derive(Serialize, Debug, Clone, PartialEq, utoipa::ToSchema)]
pub struct SlaRow {
    pub component_id: String,
    pub component: String,
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// Published uptime; `None` when the component did not exist in the range.
    pub uptime_percent: Option<f64>,
    /// Major outage minutes plus partial outage minutes × 0.3.
    pub downtime_minutes: f64,
    pub partial_outage_minutes: f64,
    pub major_outage_minutes: f64,
    pub checks: u64,
    /// Uptime measured by the component's monitors; `None` without checks.
    pub measured_uptime_percent: Option<f64>,
    pub incidents: Vec<String>,
}

/// The instants [start, end) that the whole UTC days `from..=to` cover.
pub fn sla_bounds(from: NaiveDate, to: NaiveDate) -> (DateTime<Utc>, DateTime<Utc>) {
    let start = from.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc();
    let end = to
        .succ_opt()
        .unwrap_or(to)
        .and_hms_opt(0, 0, 0)
        .unwrap_or_default()
        .and_utc();
    (start, end)
}

/// A component's SLA row up to `now`. `measured` merges the daily buckets of the monitors
/// that drive the component over the range; `incidents` are the published ones.
pub fn sla_row(
    c: &Component,
    timeline: &Timeline,
    measured: Bucket,
    incidents: &[Incident],
    (from, to): (NaiveDate, NaiveDate),
    now: DateTime<Utc>,
) -> SlaRow {
    let (start, end) = sla_bounds(from, to);
    let tally = timeline.tally(start, end.min(now));
    let hit = incidents
        .iter()
        .filter(|i| i.touched(&c.id, start, end))
        .map(|i| i.title.clone())
        .collect();
    let minutes = |ms: i64| (ms as f64 / 60_000.0 * 100.0).round() / 100.0;
    SlaRow {
        component_id: c.id.clone(),
        component: c.name.clone(),
        from,
        to,
        uptime_percent: tally.uptime(),
        downtime_minutes: (tally.downtime_minutes() * 100.0).round() / 100.0,
        partial_outage_minutes: minutes(tally.partial),
        major_outage_minutes: minutes(tally.major),
        checks: measured.count as u64,
        measured_uptime_percent: measured.uptime(),
        incidents: hit,
    }
}

/// The report range a client asked for: by default the 30 days up to `today`.
pub fn sla_range(
    from: Option<&str>,
    to: Option<&str>,
    today: NaiveDate,
) -> AppResult<(NaiveDate, NaiveDate)> {
    let d = |field: &str, v: Option<&str>, def: Option<NaiveDate>| match v
        .map(str::trim)
        .filter(|v| !v.is_empty())
    {
        None => def.ok_or_else(|| AppError::invalid(field, "is out of range")),
        Some(v) => NaiveDate::parse_from_str(v, "%Y-%m-%d")
            .map_err(|_| AppError::invalid(field, format!("{v:?} is not a date like 2026-11-01")))
            .and_then(|d| validate::day(d).map_err(|m| AppError::invalid(field, m))),
    };
    let to = d("to", to, Some(today))?;
    let from = d("from", from, to.checked_sub_signed(Duration::days(29)))?;
    if from > to {
        return Err(AppError::invalid("from", "must not be after to"));
    }
    if (to - from).num_days() > 3660 {
        return Err(AppError::invalid(
            "from",
            "the range is limited to 10 years",
        ));
    }
    Ok((from, to))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn sla_range_table() {
        let today = day(2026, 11, 30);
        // (from, to, the range or the field an error names)
        type Case = (
            Option<&'static str>,
            Option<&'static str>,
            Result<(NaiveDate, NaiveDate), &'static str>,
        );
        let cases: [Case; 7] = [
            (None, None, Ok((day(2026, 11, 1), today))),
            (
                Some("2026-11-01"),
                Some("2026-11-30"),
                Ok((day(2026, 11, 1), today)),
            ),
            (
                Some(" "),
                Some("2026-01-31"),
                Ok((day(2026, 1, 2), day(2026, 1, 31))),
            ),
            (Some("2026-12-01"), Some("2026-11-30"), Err("from")),
            (Some("yesterday"), None, Err("from")),
            (Some("2000-01-01"), None, Err("from")),
            (Some("1900-01-01"), Some("1900-01-02"), Err("to")),
        ];
        for (from, to, want) in cases {
            let got = sla_range(from, to, today);
            match want {
                Ok(range) => assert_eq!(got.unwrap(), range, "{from:?} {to:?}"),
                Err(field) => assert_eq!(got.unwrap_err().field(), Some(field), "{from:?} {to:?}"),
            }
        }
    }

    #[test]
    fn sla_bounds_survive_the_last_date() {
        let (start, end) = sla_bounds(NaiveDate::MAX, NaiveDate::MAX);
        assert!(start <= end);
        let (start, end) = sla_bounds(day(2026, 11, 1), day(2026, 11, 1));
        assert_eq!((end - start).num_hours(), 24);
    }

    #[test]
    fn uptime_windows_weigh_checks() {
        let now = day(2026, 11, 30).and_hms_opt(12, 30, 0).unwrap().and_utc();
        let bucket = |up: u32, count: u32| {
            let mut b = Bucket::default();
            for i in 0..count {
                b.add(i < up, 10);
            }
            b
        };
        let hours = [
            (now - Duration::days(60), bucket(0, 10)),
            (now - Duration::days(3), bucket(5, 10)),
            (now - Duration::hours(1), bucket(10, 10)),
        ];
        let u = uptime_windows(&hours, now);
        assert_eq!(u.h24, Some(100.0));
        assert_eq!(u.d7, Some(75.0));
        assert_eq!(u.d30, Some(75.0));
        assert_eq!(u.d90, Some(50.0));
        assert_eq!(uptime_windows(&[], now), Uptime::default());
    }
}
