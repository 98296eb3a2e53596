//! Component statuses and the overall page status computed from them.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// The status of one component, with Statuspage's names.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default, utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum ComponentStatus {
    #[default]
    Operational,
    DegradedPerformance,
    PartialOutage,
    MajorOutage,
    UnderMaintenance,
}

impl ComponentStatus {
    pub const ALL: [ComponentStatus; 5] = [
        ComponentStatus::Operational,
        ComponentStatus::DegradedPerformance,
        ComponentStatus::PartialOutage,
        ComponentStatus::MajorOutage,
        ComponentStatus::UnderMaintenance,
    ];

    /// The wire name (`major_outage`).
    pub fn as_str(self) -> &'static str {
        match self {
            ComponentStatus::Operational => "operational",
            ComponentStatus::DegradedPerformance => "degraded_performance",
            ComponentStatus::PartialOutage => "partial_outage",
            ComponentStatus::MajorOutage => "major_outage",
            ComponentStatus::UnderMaintenance => "under_maintenance",
        }
    }

    /// The label people read on a page.
    pub fn label(self) -> &'static str {
        match self {
            ComponentStatus::Operational => "Operational",
            ComponentStatus::DegradedPerformance => "Degraded performance",
            ComponentStatus::PartialOutage => "Partial outage",
            ComponentStatus::MajorOutage => "Major outage",
            ComponentStatus::UnderMaintenance => "Under maintenance",
        }
    }

    /// How bad a status is, for "worst wins" rules; maintenance sits below outages.
    pub fn severity(self) -> u8 {
        match self {
            ComponentStatus::Operational => 0,
            ComponentStatus::UnderMaintenance => 1,
            ComponentStatus::DegradedPerformance => 2,
            ComponentStatus::PartialOutage => 3,
            ComponentStatus::MajorOutage => 4,
        }
    }
}

impl fmt::Display for ComponentStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for ComponentStatus {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        ComponentStatus::ALL
            .into_iter()
            .find(|c| c.as_str() == s)
            .ok_or_else(|| {
                format!(
                    "unknown status {s:?}; expected one of operational, degraded_performance, partial_outage, major_outage, under_maintenance"
                )
            })
    }
}

/// Statuspage's `status.indicator`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Indicator {
    None,
    Minor,
    Major,
    Critical,
    Maintenance,
}

/// The overall status of a page: indicator plus the banner text Statuspage shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Overall {
    pub indicator: Indicator,
    pub description: &'static str,
}

impl Overall {
    /// CSS class for the banner.
    pub fn class(self) -> &'static str {
        match self.indicator {
            Indicator::None => "ok",
            Indicator::Minor => "minor",
            Indicator::Major => "major",
            Indicator::Critical => "critical",
            Indicator::Maintenance => "maintenance",
        }
    }
}

/// Computes the banner from component statuses, as Statuspage does: the worst
/// outage wins; maintenance shows only when nothing is broken.
pub fn overall_status(statuses: impl IntoIterator<Item = ComponentStatus>) -> Overall {
    let (mut degraded, mut partial, mut major, mut maintenance) = (false, false, false, false);
    for s in statuses {
        match s {
            ComponentStatus::Operational => {}
            ComponentStatus::DegradedPerformance => degraded = true,
            ComponentStatus::PartialOutage => partial = true,
            ComponentStatus::MajorOutage => major = true,
            ComponentStatus::UnderMaintenance => maintenance = true,
        }
    }
    let (indicator, description) = if major {
        (Indicator::Critical, "Major Service Outage")
    } else if partial {
        (Indicator::Major, "Partial System Outage")
    } else if degraded {
        (Indicator::Minor, "Partially Degraded Service")
    } else if maintenance {
        (Indicator::Maintenance, "Service Under Maintenance")
    } else {
        (Indicator::None, "All Systems Operational")
    };
    Overall {
        indicator,
        description,
    }
}

/// A page's banner: [`overall_status`], or `maintenance` while a window is active and
/// nothing is broken.
pub fn page_status(
    statuses: impl IntoIterator<Item = ComponentStatus>,
    maintenance_active: bool,
) -> Overall {
    let overall = overall_status(statuses);
    if overall.indicator == Indicator::None && maintenance_active {
        return Overall {
            indicator: Indicator::Maintenance,
            description: "Service Under Maintenance",
        };
    }
    overall
}

/// The worst of several statuses (used for groups and overlapping holds).
pub fn worst(statuses: impl IntoIterator<Item = ComponentStatus>) -> ComponentStatus {
    statuses
        .into_iter()
        .max_by_key(|s| s.severity())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::ComponentStatus::*;
    use super::*;

    #[test]
    fn overall_status_table() {
        let cases: &[(&[ComponentStatus], Indicator, &str)] = &[
            (&[], Indicator::None, "All Systems Operational"),
            (
                &[Operational, Operational],
                Indicator::None,
                "All Systems Operational",
            ),
            (
                &[Operational, DegradedPerformance],
                Indicator::Minor,
                "Partially Degraded Service",
            ),
            (
                &[DegradedPerformance, PartialOutage],
                Indicator::Major,
                "Partial System Outage",
            ),
            (
                &[PartialOutage, MajorOutage, Operational],
                Indicator::Critical,
                "Major Service Outage",
            ),
            (
                &[UnderMaintenance, Operational],
                Indicator::Maintenance,
                "Service Under Maintenance",
            ),
            (
                &[UnderMaintenance, DegradedPerformance],
                Indicator::Minor,
                "Partially Degraded Service",
            ),
            (
                &[UnderMaintenance, MajorOutage],
                Indicator::Critical,
                "Major Service Outage",
            ),
        ];
        for (input, indicator, text) in cases {
            let o = overall_status(input.iter().copied());
            assert_eq!(
                (o.indicator, o.description),
                (*indicator, *text),
                "input {input:?}"
            );
        }
    }

    #[test]
    fn status_round_trips_and_rejects_unknown() {
        for s in ComponentStatus::ALL {
            assert_eq!(s.as_str().parse::<ComponentStatus>().unwrap(), s);
        }
        let err = "broken".parse::<ComponentStatus>().unwrap_err();
        assert!(
            err.contains("broken") && err.contains("major_outage"),
            "{err}"
        );
    }

    #[test]
    fn worst_table() {
        let cases: &[(&[ComponentStatus], ComponentStatus)] = &[
            (&[], Operational),
            (&[Operational, UnderMaintenance], UnderMaintenance),
            (
                &[UnderMaintenance, DegradedPerformance],
                DegradedPerformance,
            ),
            (&[MajorOutage, PartialOutage], MajorOutage),
        ];
        for (input, want) in cases {
            assert_eq!(worst(input.iter().copied()), *want, "input {input:?}");
        }
    }
}
