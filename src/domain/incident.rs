//! Incidents, scheduled maintenance, postmortems, templates and notification events,
//! with the status rules that tie them to component statuses.
//! Longer than 500 lines only through its table tests (the code is 466 lines).

use super::status::{ComponentStatus, worst};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Deserializer, Serialize};
use std::str::FromStr;

/// How bad an incident is; maps to a default component status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Default, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Impact {
    #[default]
    None,
    Minor,
    Major,
    Critical,
}

impl Impact {
    pub const ALL: [Impact; 4] = [Impact::None, Impact::Minor, Impact::Major, Impact::Critical];

    pub fn as_str(self) -> &'static str {
        match self {
            Impact::None => "none",
            Impact::Minor => "minor",
            Impact::Major => "major",
            Impact::Critical => "critical",
        }
    }

    /// The status an affected component gets unless the editor chose another.
    pub fn default_component_status(self) -> ComponentStatus {
        match self {
            Impact::None => ComponentStatus::Operational,
            Impact::Minor => ComponentStatus::DegradedPerformance,
            Impact::Major => ComponentStatus::PartialOutage,
            Impact::Critical => ComponentStatus::MajorOutage,
        }
    }
}

impl FromStr for Impact {
    type Err = String;
    /// Accepts any case (`Major`, `MAJOR`), as monitoring tools send it.
    fn from_str(s: &str) -> Result<Self, String> {
        let l = s.trim().to_ascii_lowercase();
        Impact::ALL
            .into_iter()
            .find(|i| i.as_str() == l)
            .ok_or_else(|| {
                format!("unknown severity {s:?}; expected none, minor, major or critical")
            })
    }
}

impl<'de> Deserialize<'de> for Impact {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// Where an incident is in its lifecycle.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum IncidentStatus {
    #[default]
    Investigating,
    Identified,
    Monitoring,
    Resolved,
    /// Resolved and its postmortem published.
    Postmortem,
}

impl IncidentStatus {
    pub const UPDATABLE: [IncidentStatus; 4] = [
        IncidentStatus::Investigating,
        IncidentStatus::Identified,
        IncidentStatus::Monitoring,
        IncidentStatus::Resolved,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            IncidentStatus::Investigating => "investigating",
            IncidentStatus::Identified => "identified",
            IncidentStatus::Monitoring => "monitoring",
            IncidentStatus::Resolved => "resolved",
            IncidentStatus::Postmortem => "postmortem",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            IncidentStatus::Investigating => "Investigating",
            IncidentStatus::Identified => "Identified",
            IncidentStatus::Monitoring => "Monitoring",
            IncidentStatus::Resolved => "Resolved",
            IncidentStatus::Postmortem => "Postmortem",
        }
    }

    pub fn is_open(self) -> bool {
        !matches!(self, IncidentStatus::Resolved | IncidentStatus::Postmortem)
    }
}

impl FromStr for IncidentStatus {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let l = s.trim().to_ascii_lowercase();
        IncidentStatus::UPDATABLE
            .into_iter()
            .find(|i| i.as_str() == l)
            .ok_or_else(|| format!("unknown status {s:?}; expected investigating, identified, monitoring or resolved"))
    }
}

/// Draft incidents are invisible to the public until published.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum IncidentState {
    Draft,
    #[default]
    Published,
}

/// A component an incident affects, with the status it gives it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct AffectedComponent {
    pub id: String,
    pub status: ComponentStatus,
}

/// A component status change caused by an update.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ComponentChange {
    pub id: String,
    pub name: String,
    pub old_status: ComponentStatus,
    pub new_status: ComponentStatus,
}

/// One entry of an incident's or maintenance's timeline.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Update {
    pub id: String,
    /// `investigating|identified|monitoring|resolved` for incidents,
    /// `scheduled|in_progress|verifying|completed` for maintenance.
    pub status: String,
    /// Markdown.
    pub message: String,
    pub created_at: DateTime<Utc>,
    #[serde(default)]
    pub updated_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub by: String,
    #[serde(default)]
    pub notify: bool,
    #[serde(default)]
    pub component_changes: Vec<ComponentChange>,
}

/// Who did what to an incident, kept even when updates are edited or deleted.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct HistoryEntry {
    pub at: DateTime<Utc>,
    pub by: String,
    pub action: String,
}

/// An action item of a postmortem.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default, utoipa::ToSchema)]
pub struct ActionItem {
    pub text: String,
    #[serde(default)]
    pub owner: String,
    #[serde(default)]
    pub done: bool,
}

/// The write-up of a resolved incident.
#[derive(Debug, Clone, Serialize, Deserialize, Default, utoipa::ToSchema)]
pub struct Postmortem {
    #[serde(default)]
    pub summary: String,
    #[serde(default)]
    pub timeline: String,
    #[serde(default)]
    pub root_cause: String,
    #[serde(default)]
    pub impact: String,
    #[serde(default)]
    pub resolution: String,
    #[serde(default)]
    pub action_items: Vec<ActionItem>,
    #[serde(default)]
    pub published_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub updated_at: Option<DateTime<Utc>>,
}

/// An incident.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[schema(as = IncidentRecord)]
pub struct Incident {
    pub id: String,
    pub page_id: String,
    pub title: String,
    pub impact: Impact,
    pub status: IncidentStatus,
    pub state: IncidentState,
    pub components: Vec<AffectedComponent>,
    pub started_at: DateTime<Utc>,
    #[serde(default)]
    pub identified_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub monitoring_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub resolved_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub published_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    #[serde(default)]
    pub created_by: String,
    /// Raw alert text an integration sent (shown to editors, never to the public).
    #[serde(default)]
    pub source_text: Option<String>,
    pub updates: Vec<Update>,
    #[serde(default)]
    pub postmortem: Option<Postmortem>,
    #[serde(default)]
    pub history: Vec<HistoryEntry>,
}

impl Incident {
    /// Open and published: it holds its components' statuses.
    pub fn is_active(&self) -> bool {
        self.state == IncidentState::Published && self.status.is_open()
    }

    /// Whether it touched the component at some time in [start, end).
    pub fn touched(&self, component_id: &str, start: DateTime<Utc>, end: DateTime<Utc>) -> bool {
        self.components.iter().any(|a| a.id == component_id)
            && self.started_at < end
            && self.resolved_at.is_none_or(|r| r >= start)
    }

    pub fn component_ids(&self) -> Vec<String> {
        self.components.iter().map(|c| c.id.clone()).collect()
    }

    /// Records a status change and its timestamps.
    pub fn set_status(&mut self, status: IncidentStatus, at: DateTime<Utc>) {
        match status {
            IncidentStatus::Identified => self.identified_at = self.identified_at.or(Some(at)),
            IncidentStatus::Monitoring => self.monitoring_at = self.monitoring_at.or(Some(at)),
            IncidentStatus::Resolved => self.resolved_at = Some(at),
            _ => {}
        }
        if status.is_open() {
            self.resolved_at = None;
        }
        self.status = status;
    }
}

/// Where a maintenance window is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum MaintenanceStatus {
    #[default]
    Scheduled,
    InProgress,
    Verifying,
    Completed,
}

impl MaintenanceStatus {
    pub const ALL: [MaintenanceStatus; 4] = [
        MaintenanceStatus::Scheduled,
        MaintenanceStatus::InProgress,
        MaintenanceStatus::Verifying,
        MaintenanceStatus::Completed,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            MaintenanceStatus::Scheduled => "scheduled",
            MaintenanceStatus::InProgress => "in_progress",
            MaintenanceStatus::Verifying => "verifying",
            MaintenanceStatus::Completed => "completed",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            MaintenanceStatus::Scheduled => "Scheduled",
            MaintenanceStatus::InProgress => "In progress",
            MaintenanceStatus::Verifying => "Verifying",
            MaintenanceStatus::Completed => "Completed",
        }
    }

    /// In progress or verifying: components are under maintenance.
    pub fn is_active(self) -> bool {
        matches!(
            self,
            MaintenanceStatus::InProgress | MaintenanceStatus::Verifying
        )
    }
}

impl FromStr for MaintenanceStatus {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        MaintenanceStatus::ALL
            .into_iter()
            .find(|m| m.as_str() == s.trim())
            .ok_or_else(|| {
                format!(
                    "unknown status {s:?}; expected scheduled, in_progress, verifying or completed"
                )
            })
    }
}

/// A scheduled maintenance window.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Maintenance {
    pub id: String,
    pub page_id: String,
    pub title: String,
    pub message: String,
    pub component_ids: Vec<String>,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub status: MaintenanceStatus,
    #[serde(default)]
    pub started_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub completed_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    #[serde(default)]
    pub created_by: String,
    #[serde(default)]
    pub updates: Vec<Update>,
}

/// What the maintenance worker should do with a window at `now`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MaintenanceStep {
    Start,
    Complete,
}

/// The automatic transition due at `now`, if any.
pub fn maintenance_step(m: &Maintenance, now: DateTime<Utc>) -> Option<MaintenanceStep> {
    match m.status {
        MaintenanceStatus::Scheduled if now >= m.ends_at => Some(MaintenanceStep::Complete),
        MaintenanceStatus::Scheduled if now >= m.starts_at => Some(MaintenanceStep::Start),
        s if s.is_active() && now >= m.ends_at => Some(MaintenanceStep::Complete),
        _ => None,
    }
}

/// A named update text with `{{placeholders}}`.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Template {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub status: Option<IncidentStatus>,
    pub body: String,
    /// Stable name in status-as-code files (`statusd apply`); derived from the name when empty.
    #[serde(default)]
    pub slug: String,
    /// Written by `statusd apply`: the admin warns before changing it by hand.
    #[serde(default)]
    pub managed_by_config: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// Fills `{{name}}` placeholders; unknown ones are left as written so an editor sees them.
pub fn render_template(body: &str, values: &[(&str, &str)]) -> String {
    let mut out = body.to_string();
    for (k, v) in values {
        out = out
            .replace(&format!("{{{{{k}}}}}"), v)
            .replace(&format!("{{{{ {k} }}}}"), v);
    }
    out
}

/// An incident template filled for one incident: `{{component}}`/`{{components}}` (names,
/// comma-separated), `{{status}}`, `{{start}}`, `{{title}}` and `{{now}}`.
pub fn fill_incident_template(
    body: &str,
    title: &str,
    status: &str,
    component_names: &[String],
    started: DateTime<Utc>,
    now: DateTime<Utc>,
) -> String {
    let names = component_names.join(", ");
    let start = started.format("%Y-%m-%d %H:%M UTC").to_string();
    let now = now.format("%Y-%m-%d %H:%M UTC").to_string();
    render_template(
        body,
        &[
            ("component", &names),
            ("components", &names),
            ("status", status),
            ("start", &start),
            ("title", title),
            ("now", &now),
        ],
    )
}

/// One row of the durable `events` table: something subscribers may be told about.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Event {
    pub id: String,
    pub at: DateTime<Utc>,
    /// `incident.published`, `incident.updated`, `incident.resolved`, `postmortem.published`,
    /// `maintenance.posted`, `maintenance.started`, `maintenance.completed`,
    /// `component.status_changed`.
    pub kind: String,
    pub actor: String,
    pub page_id: String,
    #[serde(default)]
    pub incident_id: Option<String>,
    #[serde(default)]
    pub maintenance_id: Option<String>,
    #[serde(default)]
    pub update_id: Option<String>,
    pub component_ids: Vec<String>,
    pub notify: bool,
    /// For `component.status_changed`: the change.
    #[serde(default)]
    pub change: Option<ComponentChange>,
}

/// The statuses that open published incidents and active maintenance impose on a component.
pub fn component_holds(
    component_id: &str,
    incidents: &[Incident],
    maintenances: &[Maintenance],
) -> Vec<ComponentStatus> {
    let from_incidents = incidents.iter().filter(|i| i.is_active()).flat_map(|i| {
        i.components
            .iter()
            .filter(|c| c.id == component_id)
            .map(|c| c.status)
    });
    let from_maint = maintenances
        .iter()
        .filter(|m| m.status.is_active() && m.component_ids.iter().any(|c| c == component_id))
        .map(|_| ComponentStatus::UnderMaintenance);
    from_incidents.chain(from_maint).collect()
}

/// The status a component should show given what holds it: the worst hold, or
/// operational when nothing holds it any more.
pub fn held_status(
    component_id: &str,
    incidents: &[Incident],
    maintenances: &[Maintenance],
) -> ComponentStatus {
    worst(component_holds(component_id, incidents, maintenances))
}

#[cfg(test)]
mod tests {
    use super::ComponentStatus::*;
    use super::*;
    use chrono::{Duration, TimeZone};

    fn t0() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 23, 10, 0, 0).unwrap()
    }

    fn incident(
        id: &str,
        comps: &[(&str, ComponentStatus)],
        status: IncidentStatus,
        state: IncidentState,
    ) -> Incident {
        Incident {
            id: id.into(),
            page_id: "p".into(),
            title: id.into(),
            impact: Impact::Major,
            status,
            state,
            components: comps
                .iter()
                .map(|(c, s)| AffectedComponent {
                    id: c.to_string(),
                    status: *s,
                })
                .collect(),
            started_at: t0(),
            identified_at: None,
            monitoring_at: None,
            resolved_at: None,
            published_at: None,
            created_at: t0(),
            updated_at: t0(),
            created_by: String::new(),
            source_text: None,
            updates: vec![],
            postmortem: None,
            history: vec![],
        }
    }

    fn maint(comps: &[&str], status: MaintenanceStatus) -> Maintenance {
        Maintenance {
            id: "m".into(),
            page_id: "p".into(),
            title: "m".into(),
            message: String::new(),
            component_ids: comps.iter().map(|c| c.to_string()).collect(),
            starts_at: t0(),
            ends_at: t0() + Duration::hours(1),
            status,
            started_at: None,
            completed_at: None,
            created_at: t0(),
            updated_at: t0(),
            created_by: String::new(),
            updates: vec![],
        }
    }

    use IncidentState::*;
    use IncidentStatus::*;
    use MaintenanceStatus as M;

    #[test]
    fn held_status_table() {
        let cases: Vec<(&str, Vec<Incident>, Vec<Maintenance>, ComponentStatus)> = vec![
            ("nothing holds → operational", vec![], vec![], Operational),
            (
                "one open incident",
                vec![incident(
                    "a",
                    &[("api", PartialOutage)],
                    Investigating,
                    Published,
                )],
                vec![],
                PartialOutage,
            ),
            (
                "draft holds nothing",
                vec![incident("a", &[("api", MajorOutage)], Investigating, Draft)],
                vec![],
                Operational,
            ),
            (
                "resolved holds nothing",
                vec![incident("a", &[("api", MajorOutage)], Resolved, Published)],
                vec![],
                Operational,
            ),
            (
                "worst of overlapping incidents",
                vec![
                    incident("a", &[("api", DegradedPerformance)], Monitoring, Published),
                    incident("b", &[("api", MajorOutage)], Identified, Published),
                ],
                vec![],
                MajorOutage,
            ),
            (
                "one resolved, the other still holds",
                vec![
                    incident("a", &[("api", MajorOutage)], Resolved, Published),
                    incident("b", &[("api", DegradedPerformance)], Identified, Published),
                ],
                vec![],
                DegradedPerformance,
            ),
            (
                "active maintenance",
                vec![],
                vec![maint(&["api"], M::InProgress)],
                UnderMaintenance,
            ),
            (
                "verifying still holds",
                vec![],
                vec![maint(&["api"], M::Verifying)],
                UnderMaintenance,
            ),
            (
                "scheduled does not hold",
                vec![],
                vec![maint(&["api"], M::Scheduled)],
                Operational,
            ),
            (
                "incident inside maintenance: outage wins",
                vec![incident(
                    "a",
                    &[("api", PartialOutage)],
                    Investigating,
                    Published,
                )],
                vec![maint(&["api"], M::InProgress)],
                PartialOutage,
            ),
            (
                "incident resolved during maintenance: back to maintenance",
                vec![incident(
                    "a",
                    &[("api", PartialOutage)],
                    Resolved,
                    Published,
                )],
                vec![maint(&["api"], M::InProgress)],
                UnderMaintenance,
            ),
            (
                "other component untouched",
                vec![incident(
                    "a",
                    &[("db", MajorOutage)],
                    Investigating,
                    Published,
                )],
                vec![],
                Operational,
            ),
        ];
        for (name, incs, maints, want) in cases {
            assert_eq!(held_status("api", &incs, &maints), want, "{name}");
        }
    }

    #[test]
    fn impact_parses_any_case_and_maps_to_status() {
        let cases = [
            ("minor", DegradedPerformance),
            ("Major", PartialOutage),
            ("CRITICAL", MajorOutage),
            ("none", Operational),
        ];
        for (s, want) in cases {
            assert_eq!(
                s.parse::<Impact>().unwrap().default_component_status(),
                want,
                "{s}"
            );
        }
        assert!("severe".parse::<Impact>().unwrap_err().contains("severe"));
    }

    #[test]
    fn maintenance_steps_by_clock() {
        let m = maint(&["api"], M::Scheduled);
        let cases = [
            (M::Scheduled, -10, None),
            (M::Scheduled, 0, Some(MaintenanceStep::Start)),
            (M::Scheduled, 61, Some(MaintenanceStep::Complete)),
            (M::InProgress, 30, None),
            (M::InProgress, 60, Some(MaintenanceStep::Complete)),
            (M::Verifying, 90, Some(MaintenanceStep::Complete)),
            (M::Completed, 90, None),
        ];
        for (status, minutes, want) in cases {
            let m = Maintenance {
                status,
                ..m.clone()
            };
            assert_eq!(
                maintenance_step(&m, t0() + Duration::minutes(minutes)),
                want,
                "{status:?} at +{minutes}m"
            );
        }
    }

    #[test]
    fn status_timestamps() {
        let mut i = incident("a", &[], Investigating, Published);
        i.set_status(Monitoring, t0());
        i.set_status(Resolved, t0() + Duration::minutes(5));
        assert_eq!(
            (i.monitoring_at, i.resolved_at),
            (Some(t0()), Some(t0() + Duration::minutes(5)))
        );
        i.set_status(Investigating, t0() + Duration::minutes(9));
        assert_eq!(i.resolved_at, None, "reopening clears resolved_at");
    }

    #[test]
    fn template_placeholders() {
        let out = render_template(
            "{{component}} is {{ status }} since {{start}}; {{unknown}}",
            &[("component", "API"), ("status", "down"), ("start", "10:00")],
        );
        assert_eq!(out, "API is down since 10:00; {{unknown}}");
    }
}
