//! What an inbound alert does to the incident its key opened earlier: open a draft (or a
//! published incident), leave a re-fire on the same one, close a never-published draft
//! as a filtered false alarm, resolve or propose resolving a published one. Pure; the
//! store carries out the `domain::alert` actions in one transaction.

use super::alert::{Action, NewAlertIncident};
use super::inbound::{AlertSource, AlertStatus, Route};
use super::{Incident, IncidentState};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// Where the incident of one deduplication key stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum TrackState {
    /// Firing; its draft or incident is open.
    Open,
    /// Resolved at the source before anyone published the draft: a filtered false alarm.
    Filtered,
    /// Its published incident was resolved.
    Resolved,
    /// A person discarded the draft.
    Discarded,
}

/// One deduplication key (source + fingerprint/group key/incident id/alias) and its incident.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct TrackedAlert {
    /// `{source}:{key}`.
    pub id: String,
    pub source: AlertSource,
    pub key: String,
    pub state: TrackState,
    #[serde(default)]
    pub incident_id: Option<String>,
    #[serde(default)]
    pub rule_id: Option<String>,
    /// The alert's own (internal) title.
    #[serde(default)]
    pub title: String,
    pub first_seen: DateTime<Utc>,
    pub last_seen: DateTime<Utc>,
    /// Notifications received while open.
    #[serde(default)]
    pub fires: u32,
    /// Keys of the single alerts of a group seen so far.
    #[serde(default)]
    pub members: Vec<String>,
    /// The source resolved a published incident; a person publishes the resolve update.
    #[serde(default)]
    pub resolve_proposed: bool,
    /// A draft still firing at this time is published by itself.
    #[serde(default)]
    pub auto_publish_at: Option<DateTime<Utc>>,
    /// Why a person discarded the draft.
    #[serde(default)]
    pub discard_reason: Option<String>,
    #[serde(default)]
    pub closed_at: Option<DateTime<Utc>>,
}

/// One alert received (or refused): kept 30 days with its raw body, shown in admin.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct AlertEvent {
    pub id: String,
    pub at: DateTime<Utc>,
    pub source: AlertSource,
    /// The deduplication key (empty for refused payloads).
    #[serde(default)]
    pub key: String,
    #[serde(default)]
    pub status: Option<AlertStatus>,
    /// drafted, published, refire, resolved_before_publishing, resolved, resolve_proposed,
    /// nothing_open, noted, unmatched or rejected.
    pub outcome: String,
    #[serde(default)]
    pub rule_id: Option<String>,
    #[serde(default)]
    pub incident_id: Option<String>,
    /// The alert's own title (team only).
    #[serde(default)]
    pub title: String,
    /// Its labels, for "make a rule from this".
    #[serde(default)]
    pub labels: std::collections::BTreeMap<String, String>,
    /// Why it was refused, and the field at fault.
    #[serde(default)]
    pub error: Option<String>,
    #[serde(default)]
    pub field: Option<String>,
    /// The API key or secret URL it came through.
    #[serde(default)]
    pub via: String,
    /// The body as received (truncated to 64 KiB).
    #[serde(default)]
    pub raw: String,
}

/// A draft that no alert opened (a person's or a monitor's), discarded with a reason; alert
/// drafts keep theirs on `TrackedAlert::discard_reason`.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct DiscardedDraft {
    /// The incident id the draft had.
    pub id: String,
    pub title: String,
    /// Who opened it ("monitor:API health", a user's email, "key:ci").
    #[serde(default)]
    pub opened_by: String,
    pub reason: String,
    pub by: String,
    pub at: DateTime<Utc>,
}

/// A secret URL for one source, for tools that cannot send an Authorization header.
/// Only the SHA-256 of the secret is kept; it is shown once.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct AlertSecret {
    pub id: String,
    pub name: String,
    pub source: AlertSource,
    /// Hex SHA-256 of the secret (never shown; the API answers leave it out).
    pub secret_hash: String,
    /// First characters of the secret, to recognise it in lists.
    pub prefix: String,
    pub created_at: DateTime<Utc>,
    #[serde(default)]
    pub created_by: String,
    #[serde(default)]
    pub last_used_at: Option<DateTime<Utc>>,
}

/// The text the decision needs: a proposed draft and, for a resolve, its update.
#[derive(Debug, Clone)]
pub struct Texts {
    pub title: String,
    pub message: String,
    pub resolved_message: String,
    pub source_text: String,
}

/// The decision and its outcome word (recorded on the alert event).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decision {
    pub actions: Vec<Action>,
    pub outcome: &'static str,
}

/// Decides what an alert of a routed key does, given the key's record and its incident.
pub fn decide(
    status: AlertStatus,
    tracked: Option<&TrackedAlert>,
    incident: Option<&Incident>,
    route: &Route,
    texts: &Texts,
) -> Decision {
    let open = tracked
        .filter(|t| t.state == TrackState::Open)
        .and(incident)
        .filter(|i| i.status.is_open());
    let d = |actions, outcome| Decision { actions, outcome };
    match (status, open) {
        (AlertStatus::Noted, _) => d(vec![Action::Skip { reason: "noted" }], "noted"),
        (AlertStatus::Firing, Some(_)) => d(
            vec![Action::Skip {
                reason: "re-fire of an open incident",
            }],
            "refire",
        ),
        (AlertStatus::Firing, None) => d(
            vec![Action::OpenIncident(NewAlertIncident {
                draft: !route.publish,
                page_id: route.page.clone(),
                title: texts.title.clone(),
                message: texts.message.clone(),
                impact: route.impact,
                components: route.components.clone(),
                source_text: texts.source_text.clone(),
            })],
            if route.publish {
                "published"
            } else {
                "drafted"
            },
        ),
        (AlertStatus::Resolved, Some(i)) if i.state == IncidentState::Draft => d(
            vec![Action::DiscardDraft {
                incident_id: i.id.clone(),
            }],
            "resolved_before_publishing",
        ),
        (AlertStatus::Resolved, Some(i)) if route.publish => d(
            vec![Action::ResolveIncident {
                incident_id: i.id.clone(),
                message: texts.resolved_message.clone(),
            }],
            "resolved",
        ),
        (AlertStatus::Resolved, Some(i)) => d(
            vec![Action::ProposeResolve {
                incident_id: i.id.clone(),
            }],
            "resolve_proposed",
        ),
        (AlertStatus::Resolved, None) => d(
            vec![Action::Skip {
                reason: "nothing open for this alert",
            }],
            "nothing_open",
        ),
    }
}

/// Whether a draft opened by an alert is due to publish itself.
pub fn auto_publish_due(t: &TrackedAlert, incident: &Incident, now: DateTime<Utc>) -> bool {
    t.state == TrackState::Open
        && incident.state == IncidentState::Draft
        && incident.status.is_open()
        && t.auto_publish_at.is_some_and(|at| at <= now)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{ComponentStatus, Impact, IncidentStatus};

    fn route(publish: bool) -> Route {
        Route {
            rule_id: None,
            page: None,
            components: vec![("c".into(), ComponentStatus::PartialOutage)],
            impact: Impact::Major,
            publish,
            auto_publish_minutes: None,
            tone: Default::default(),
        }
    }

    fn tracked(state: TrackState) -> TrackedAlert {
        let t = DateTime::UNIX_EPOCH;
        TrackedAlert {
            id: "alertmanager:k".into(),
            source: AlertSource::Alertmanager,
            key: "k".into(),
            state,
            incident_id: Some("i".into()),
            rule_id: None,
            title: "x".into(),
            first_seen: t,
            last_seen: t,
            fires: 1,
            members: vec![],
            resolve_proposed: false,
            auto_publish_at: None,
            discard_reason: None,
            closed_at: None,
        }
    }

    fn incident(state: IncidentState, status: IncidentStatus) -> Incident {
        serde_json::from_value(serde_json::json!({
            "id": "i", "page_id": "p", "title": "t", "impact": "major", "status": status,
            "state": state, "components": [], "started_at": "2026-11-23T10:00:00Z",
            "created_at": "2026-11-23T10:00:00Z", "updated_at": "2026-11-23T10:00:00Z",
            "updates": [],
        }))
        .unwrap()
    }

    #[test]
    fn lifecycle_table() {
        use AlertStatus::{Firing, Noted, Resolved};
        use IncidentState::{Draft, Published};
        use IncidentStatus::{Investigating, Resolved as Done};
        let texts = Texts {
            title: "T".into(),
            message: "M".into(),
            resolved_message: "R".into(),
            source_text: "S".into(),
        };
        type Case = (
            AlertStatus,
            Option<TrackState>,
            Option<(IncidentState, IncidentStatus)>,
            bool,
            &'static str,
        );
        let cases: &[Case] = &[
            (Firing, None, None, false, "drafted"),
            (Firing, None, None, true, "published"),
            (
                Firing,
                Some(TrackState::Open),
                Some((Draft, Investigating)),
                false,
                "refire",
            ),
            (
                Firing,
                Some(TrackState::Open),
                Some((Published, Investigating)),
                false,
                "refire",
            ),
            // The incident was deleted or resolved by hand: a new episode.
            (Firing, Some(TrackState::Open), None, false, "drafted"),
            (
                Firing,
                Some(TrackState::Open),
                Some((Published, Done)),
                false,
                "drafted",
            ),
            (
                Firing,
                Some(TrackState::Filtered),
                Some((Draft, Investigating)),
                false,
                "drafted",
            ),
            (
                Resolved,
                Some(TrackState::Open),
                Some((Draft, Investigating)),
                false,
                "resolved_before_publishing",
            ),
            (
                Resolved,
                Some(TrackState::Open),
                Some((Published, Investigating)),
                true,
                "resolved",
            ),
            (
                Resolved,
                Some(TrackState::Open),
                Some((Published, Investigating)),
                false,
                "resolve_proposed",
            ),
            (
                Resolved,
                Some(TrackState::Filtered),
                None,
                false,
                "nothing_open",
            ),
            (Resolved, None, None, false, "nothing_open"),
            (
                Noted,
                Some(TrackState::Open),
                Some((Draft, Investigating)),
                false,
                "noted",
            ),
        ];
        for (status, t, i, publish, want) in cases {
            let t = t.map(tracked);
            let i = i.map(|(s, st)| incident(s, st));
            let d = decide(*status, t.as_ref(), i.as_ref(), &route(*publish), &texts);
            assert_eq!(d.outcome, *want, "{status:?} {t:?} {publish}");
            if *want == "drafted" {
                assert!(
                    matches!(&d.actions[..], [Action::OpenIncident(n)] if n.draft && n.title == "T")
                );
            }
        }
    }

    #[test]
    fn auto_publish_only_open_drafts_past_their_time() {
        let now = DateTime::UNIX_EPOCH + chrono::Duration::minutes(10);
        let mut t = tracked(TrackState::Open);
        let draft = incident(IncidentState::Draft, IncidentStatus::Investigating);
        assert!(!auto_publish_due(&t, &draft, now), "off by default");
        t.auto_publish_at = Some(now);
        assert!(auto_publish_due(&t, &draft, now));
        t.auto_publish_at = Some(now + chrono::Duration::seconds(1));
        assert!(!auto_publish_due(&t, &draft, now));
        t.auto_publish_at = Some(now);
        let published = incident(IncidentState::Published, IncidentStatus::Investigating);
        assert!(!auto_publish_due(&t, &published, now));
        t.state = TrackState::Filtered;
        assert!(!auto_publish_due(&t, &draft, now));
    }
}
