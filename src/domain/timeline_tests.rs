use super::*;
use ComponentStatus::*;

fn t(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

fn change(at: &str, old: ComponentStatus, new: ComponentStatus) -> StatusChange {
    StatusChange {
        at: t(at),
        old,
        new,
    }
}

fn date(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

#[test]
fn weights_are_statuspages() {
    let cases = [
        (Operational, 0.0),
        (DegradedPerformance, 0.0),
        (UnderMaintenance, 0.0),
        (PartialOutage, 0.3),
        (MajorOutage, 1.0),
    ];
    for (s, w) in cases {
        assert_eq!(downtime_weight(s), w, "{s}");
    }
}

#[test]
fn tally_table() {
    let created = "2026-11-01T00:00:00Z";
    // (case, current status, changes, window, want: covered seconds, downtime minutes, uptime, worst)
    type Case = (
        &'static str,
        ComponentStatus,
        Vec<StatusChange>,
        (&'static str, &'static str),
        (i64, f64, Option<f64>, Option<ComponentStatus>),
    );
    let day = ("2026-11-10T00:00:00Z", "2026-11-11T00:00:00Z");
    let cases: Vec<Case> = vec![
        (
            "no change: operational all day",
            Operational,
            vec![],
            day,
            (86_400, 0.0, Some(100.0), Some(Operational)),
        ),
        (
            "a major outage of one hour counts fully",
            Operational,
            vec![
                change("2026-11-10T10:00:00Z", Operational, MajorOutage),
                change("2026-11-10T11:00:00Z", MajorOutage, Operational),
            ],
            day,
            (
                86_400,
                60.0,
                Some(100.0 * (1.0 - 3600.0 / 86_400.0)),
                Some(MajorOutage),
            ),
        ),
        (
            "a 5-minute partial outage counts at 0.3",
            Operational,
            vec![
                change("2026-11-10T10:00:00Z", Operational, PartialOutage),
                change("2026-11-10T10:05:00Z", PartialOutage, Operational),
            ],
            day,
            (
                86_400,
                1.5,
                Some(100.0 * (1.0 - 90.0 / 86_400.0)),
                Some(PartialOutage),
            ),
        ),
        (
            "overlapping incidents: partial, then major while both are open, then partial",
            Operational,
            vec![
                change("2026-11-10T10:00:00Z", Operational, PartialOutage),
                change("2026-11-10T10:30:00Z", PartialOutage, MajorOutage),
                change("2026-11-10T11:00:00Z", MajorOutage, PartialOutage),
                change("2026-11-10T12:00:00Z", PartialOutage, Operational),
            ],
            day,
            (
                86_400,
                30.0 + 0.3 * 90.0,
                Some(100.0 * (1.0 - 3420.0 / 86_400.0)),
                Some(MajorOutage),
            ),
        ),
        (
            "maintenance and degraded performance are not downtime",
            Operational,
            vec![
                change("2026-11-10T01:00:00Z", Operational, UnderMaintenance),
                change(
                    "2026-11-10T03:00:00Z",
                    UnderMaintenance,
                    DegradedPerformance,
                ),
                change("2026-11-10T04:00:00Z", DegradedPerformance, Operational),
            ],
            day,
            (86_400, 0.0, Some(100.0), Some(DegradedPerformance)),
        ),
        (
            "an outage across midnight is split between the days",
            Operational,
            vec![change("2026-11-10T23:00:00Z", Operational, MajorOutage)],
            day,
            (
                86_400,
                60.0,
                Some(100.0 * (1.0 - 3600.0 / 86_400.0)),
                Some(MajorOutage),
            ),
        ),
        (
            "the status before the window comes from the first change's old status",
            Operational,
            vec![change("2026-11-10T12:00:00Z", MajorOutage, Operational)],
            day,
            (86_400, 720.0, Some(50.0), Some(MajorOutage)),
        ),
        (
            "changes in any order",
            Operational,
            vec![
                change("2026-11-10T11:00:00Z", MajorOutage, Operational),
                change("2026-11-10T10:00:00Z", Operational, MajorOutage),
            ],
            day,
            (
                86_400,
                60.0,
                Some(100.0 * (1.0 - 3600.0 / 86_400.0)),
                Some(MajorOutage),
            ),
        ),
        (
            "before the component existed nothing is counted",
            Operational,
            vec![],
            ("2026-10-01T00:00:00Z", "2026-10-02T00:00:00Z"),
            (0, 0.0, None, None),
        ),
        (
            "the creation day counts from the creation on",
            PartialOutage,
            vec![],
            ("2026-10-31T12:00:00Z", "2026-11-01T12:00:00Z"),
            (43_200, 0.3 * 720.0, Some(70.0), Some(PartialOutage)),
        ),
    ];
    for (name, current, changes, (a, b), (covered, down, uptime, worst)) in cases {
        let tl = Timeline::new(t(created), current, changes);
        let got = tl.tally(t(a), t(b));
        assert_eq!(got.covered, covered * 1000, "{name}");
        assert!(
            (got.downtime_minutes() - down).abs() < 1e-9,
            "{name}: {got:?}"
        );
        match (got.uptime(), uptime) {
            (Some(g), Some(w)) => assert!((g - w).abs() < 1e-9, "{name}: {g} vs {w}"),
            (g, w) => assert_eq!(g, w, "{name}"),
        }
        assert_eq!(got.worst(), worst, "{name}");
    }
}

#[test]
fn days_follow_the_page_time_zone() {
    let tz: Tz = "Europe/Berlin".parse().unwrap();
    // 23:30 UTC on the 9th is 00:30 on the 10th in Berlin (UTC+1 in November).
    let tl = Timeline::new(
        t("2026-11-01T00:00:00Z"),
        Operational,
        vec![
            change("2026-11-09T23:30:00Z", Operational, MajorOutage),
            change("2026-11-10T00:30:00Z", MajorOutage, Operational),
        ],
    );
    let days = daily(&tl, tz, t("2026-11-10T12:00:00Z"), 3);
    let got: Vec<(NaiveDate, i64, i64)> = days
        .iter()
        .map(|d| (d.day, d.tally.covered, d.tally.major))
        .collect();
    assert_eq!(
        got,
        vec![
            (date("2026-11-08"), 86_400_000, 0),
            (date("2026-11-09"), 86_400_000, 0),
            // Today: from Berlin's midnight (23:00 UTC) up to now, 13 hours.
            (date("2026-11-10"), 13 * 3_600_000, 3_600_000),
        ]
    );
    let utc = daily(&tl, chrono_tz::UTC, t("2026-11-10T12:00:00Z"), 2);
    assert_eq!(
        (utc[0].tally.major, utc[1].tally.major),
        (1_800_000, 1_800_000)
    );
}

#[test]
fn dst_days_are_23_and_25_hours() {
    let tz: Tz = "Europe/Berlin".parse().unwrap();
    let cases = [
        ("2026-03-29", 23 * 3600),
        ("2026-10-25", 25 * 3600),
        ("2026-11-10", 24 * 3600),
    ];
    for (d, secs) in cases {
        let (a, b) = day_bounds(date(d), tz);
        assert_eq!((b - a).num_seconds(), secs, "{d}");
    }
    // A zone that skipped midnight itself (Santiago, 2022-09-11 00:00 → 01:00).
    let tz: Tz = "America/Santiago".parse().unwrap();
    let (a, b) = day_bounds(date("2022-09-11"), tz);
    assert_eq!((b - a).num_hours(), 23);
    // A whole 25-hour day in major outage is 25 hours of downtime and 0 % uptime.
    let tz: Tz = "Europe/Berlin".parse().unwrap();
    let tl = Timeline::new(t("2026-10-01T00:00:00Z"), MajorOutage, vec![]);
    let days = daily(&tl, tz, t("2026-10-26T12:00:00Z"), 2);
    assert_eq!(days[0].day, date("2026-10-25"));
    assert_eq!(days[0].tally.downtime_minutes(), 25.0 * 60.0);
    assert_eq!(days[0].tally.uptime(), Some(0.0));
}

#[test]
fn window_uptime_weighs_time() {
    let tl = Timeline::new(
        t("2026-11-01T00:00:00Z"),
        Operational,
        vec![
            change("2026-11-09T00:00:00Z", Operational, MajorOutage),
            change("2026-11-09T12:00:00Z", MajorOutage, Operational),
        ],
    );
    let days = daily(&tl, chrono_tz::UTC, t("2026-11-10T00:00:00Z"), 90);
    assert_eq!(days.len(), 90);
    assert_eq!(days[89].tally.covered, 0, "today has not begun");
    assert_eq!(window_uptime(&days, 2), Some(50.0));
    assert_eq!(window_uptime(&days, 3), Some(75.0));
    // Days before the creation hold nothing and do not dilute the figure.
    assert_eq!(days[0].tally.uptime(), None);
    let nine = 100.0 * (1.0 - 0.5 / 9.0);
    assert!((window_uptime(&days, 90).unwrap() - nine).abs() < 1e-9);
}
