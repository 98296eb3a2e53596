//! Who may see what: the one rule that every channel asks (public HTML, feeds, v2 JSON,
//! bar tooltips, mail, webhooks, Slack, Discord).
//!
//! An incident or a maintenance window belongs to the page it was filed on and is seen
//! only through that page, whatever components it touches: a component shown on a public
//! and an internal page does not carry the internal page's incidents to the public one.
//! A component's own status is seen wherever the component is shown. Drafts are seen by
//! the team only, never through a page.

use super::{Event, Incident, IncidentState, Maintenance};

/// Whether the page `page_id` shows this incident (to its visitors and subscribers).
pub fn page_shows_incident(page_id: &str, incident: &Incident) -> bool {
    incident.state == IncidentState::Published && incident.page_id == page_id
}

/// Whether the page `page_id` shows this maintenance window.
pub fn page_shows_maintenance(page_id: &str, maintenance: &Maintenance) -> bool {
    maintenance.page_id == page_id
}

/// Whether subscribers of the page `page_id` may be told about this event. `pages_of`
/// gives the pages a component is shown on. Incident and maintenance events carry the
/// page they were filed on; a component's status change is seen on every page showing it.
pub fn page_shows_event(page_id: &str, ev: &Event, pages_of: impl Fn(&str) -> Vec<String>) -> bool {
    if ev.kind == "component.status_changed" {
        ev.component_ids
            .iter()
            .any(|c| pages_of(c).iter().any(|p| p == page_id))
    } else {
        ev.page_id == page_id
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Impact, IncidentStatus};
    use chrono::{TimeZone, Utc};

    fn incident(page: &str, state: IncidentState) -> Incident {
        let t = Utc.with_ymd_and_hms(2026, 11, 1, 10, 0, 0).unwrap();
        Incident {
            id: "i".into(),
            page_id: page.into(),
            title: "t".into(),
            impact: Impact::Major,
            status: IncidentStatus::Investigating,
            state,
            components: vec![],
            started_at: t,
            identified_at: None,
            monitoring_at: None,
            resolved_at: None,
            published_at: None,
            created_at: t,
            updated_at: t,
            created_by: String::new(),
            source_text: None,
            updates: vec![],
            postmortem: None,
            history: vec![],
        }
    }

    fn event(kind: &str, page: &str, comps: &[&str]) -> Event {
        Event {
            id: "e".into(),
            at: Utc.with_ymd_and_hms(2026, 11, 1, 10, 0, 0).unwrap(),
            kind: kind.into(),
            actor: "t".into(),
            page_id: page.into(),
            incident_id: Some("i".into()),
            maintenance_id: None,
            update_id: None,
            component_ids: comps.iter().map(|c| c.to_string()).collect(),
            notify: true,
            change: None,
        }
    }

    /// One component `db` shown on the public, the internal and a customer page.
    fn pages_of(c: &str) -> Vec<String> {
        match c {
            "db" => vec!["public".into(), "internal".into(), "acme".into()],
            "web" => vec!["public".into()],
            _ => vec![],
        }
    }

    #[test]
    fn incidents_are_seen_only_on_their_own_page_once_published() {
        use IncidentState::*;
        let cases = [
            ("public", Published, "public", true),
            ("internal", Published, "public", false),
            ("acme", Published, "public", false),
            ("internal", Published, "internal", true),
            ("acme", Published, "acme", true),
            ("public", Published, "acme", false),
            ("acme", Published, "other-customer", false),
            ("public", Draft, "public", false),
            ("internal", Draft, "internal", false),
        ];
        for (filed, state, viewer, want) in cases {
            assert_eq!(
                page_shows_incident(viewer, &incident(filed, state)),
                want,
                "{state:?} incident of {filed} seen on {viewer}"
            );
        }
    }

    #[test]
    fn events_follow_the_page_they_were_filed_on() {
        let cases = [
            (
                "incident.published",
                "internal",
                &["db"][..],
                "public",
                false,
            ),
            (
                "incident.published",
                "internal",
                &["db"][..],
                "internal",
                true,
            ),
            ("incident.updated", "acme", &["db"][..], "public", false),
            ("incident.resolved", "acme", &["db"][..], "acme", true),
            (
                "maintenance.posted",
                "internal",
                &["db"][..],
                "public",
                false,
            ),
            (
                "incident.published",
                "public",
                &["db"][..],
                "internal",
                false,
            ),
            ("incident.published", "public", &["web"][..], "public", true),
            // A component's own status is seen wherever the component is shown.
            (
                "component.status_changed",
                "internal",
                &["db"][..],
                "public",
                true,
            ),
            (
                "component.status_changed",
                "internal",
                &["db"][..],
                "acme",
                true,
            ),
            (
                "component.status_changed",
                "public",
                &["web"][..],
                "internal",
                false,
            ),
        ];
        for (kind, filed, comps, viewer, want) in cases {
            assert_eq!(
                page_shows_event(viewer, &event(kind, filed, comps), pages_of),
                want,
                "{kind} filed on {filed} touching {comps:?}, subscriber of {viewer}"
            );
        }
    }
}
