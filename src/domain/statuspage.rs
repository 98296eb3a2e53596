//! Statuspage's JSON shapes, written once: the v2 read API (`web/compat.rs`) and the
//! webhook payloads (`notify/webhook.rs`) serialize these structs, built by the pure
//! conversions below, so both speak the same field names, enums and timestamps.

use super::{Component, ComponentStatus, Group, Incident, Indicator, Maintenance, Update, worst};
use chrono::{DateTime, Utc};
use serde::{Serialize, Serializer};

/// A timestamp as Statuspage writes it: `2026-11-23T10:15:00.000Z`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ts(pub DateTime<Utc>);

impl Serialize for Ts {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(&self.0.format("%Y-%m-%dT%H:%M:%S%.3fZ"))
    }
}

/// The `page` object of every v2 document.
#[derive(Debug, Serialize)]
pub struct Page<'a> {
    pub id: &'a str,
    pub name: &'a str,
    pub url: String,
    pub time_zone: &'a str,
    pub updated_at: Ts,
}

/// The `status` object: indicator and its description.
#[derive(Debug, Serialize)]
pub struct Status {
    pub indicator: Indicator,
    pub description: &'static str,
}

/// A component, or a group shown as a component with `group: true`.
#[derive(Debug, Serialize)]
pub struct V2Component<'a> {
    pub id: &'a str,
    pub name: &'a str,
    pub status: ComponentStatus,
    pub created_at: Ts,
    pub updated_at: Ts,
    pub position: i64,
    pub description: Option<&'a str>,
    pub showcase: bool,
    pub start_date: Option<String>,
    pub group_id: Option<&'a str>,
    pub page_id: &'a str,
    pub group: bool,
    pub only_show_if_degraded: bool,
    /// Groups only: the ids of their members.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub components: Option<Vec<&'a str>>,
}

#[derive(Debug, Serialize)]
pub struct Affected<'a> {
    pub code: &'a str,
    pub name: &'a str,
    pub old_status: ComponentStatus,
    pub new_status: ComponentStatus,
}

#[derive(Debug, Serialize)]
pub struct V2Update<'a> {
    pub id: &'a str,
    pub status: &'a str,
    pub body: &'a str,
    pub incident_id: &'a str,
    pub created_at: Ts,
    pub updated_at: Ts,
    pub display_at: Ts,
    pub affected_components: Vec<Affected<'a>>,
    pub deliver_notifications: bool,
    pub custom_tweet: Option<&'a str>,
    pub tweet_id: Option<&'a str>,
}

/// An incident, or a scheduled maintenance (which adds `scheduled_for`/`scheduled_until`).
#[derive(Debug, Serialize)]
pub struct V2Incident<'a> {
    pub id: &'a str,
    pub name: &'a str,
    pub status: &'static str,
    pub created_at: Ts,
    pub updated_at: Ts,
    pub monitoring_at: Option<Ts>,
    pub resolved_at: Option<Ts>,
    pub impact: &'static str,
    pub shortlink: String,
    pub started_at: Ts,
    pub page_id: &'a str,
    pub incident_updates: Vec<V2Update<'a>>,
    pub components: Vec<V2Component<'a>>,
    /// Absent on v2 incidents, `null` on webhook incidents, a time on maintenance.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scheduled_for: Option<Option<Ts>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scheduled_until: Option<Option<Ts>>,
}

/// A component as a page shows it; `group_id` only when that group is on the page.
pub fn component<'a>(
    c: &'a Component,
    group_id: Option<&'a str>,
    page_id: &'a str,
) -> V2Component<'a> {
    V2Component {
        id: &c.id,
        name: &c.name,
        status: c.status,
        created_at: Ts(c.created_at),
        updated_at: Ts(c.updated_at),
        position: c.position,
        description: Some(&c.description),
        showcase: true,
        start_date: Some(c.created_at.format("%Y-%m-%d").to_string()),
        group_id,
        page_id,
        group: false,
        only_show_if_degraded: false,
        components: None,
    }
}

/// A group as Statuspage lists it: a component with the worst status of its members.
pub fn group<'a>(g: &'a Group, members: &[&'a Component], page_id: &'a str) -> V2Component<'a> {
    V2Component {
        id: &g.id,
        name: &g.name,
        status: worst(members.iter().map(|c| c.status)),
        created_at: Ts(g.created_at),
        updated_at: Ts(members
            .iter()
            .map(|c| c.updated_at)
            .chain([g.updated_at])
            .max()
            .unwrap_or(g.updated_at)),
        position: g.position,
        description: None,
        showcase: false,
        start_date: None,
        group_id: None,
        page_id,
        group: true,
        only_show_if_degraded: false,
        components: Some(members.iter().map(|c| c.id.as_str()).collect()),
    }
}

/// The timeline, newest first.
pub fn updates<'a>(parent_id: &'a str, updates: &'a [Update]) -> Vec<V2Update<'a>> {
    let mut list: Vec<&'a Update> = updates.iter().collect();
    list.sort_by_key(|u| std::cmp::Reverse(u.created_at));
    list.into_iter()
        .map(|u| V2Update {
            id: &u.id,
            status: &u.status,
            body: &u.message,
            incident_id: parent_id,
            created_at: Ts(u.created_at),
            updated_at: Ts(u.updated_at.unwrap_or(u.created_at)),
            display_at: Ts(u.created_at),
            affected_components: u
                .component_changes
                .iter()
                .map(|c| Affected {
                    code: &c.id,
                    name: &c.name,
                    old_status: c.old_status,
                    new_status: c.new_status,
                })
                .collect(),
            deliver_notifications: u.notify,
            custom_tweet: None,
            tweet_id: None,
        })
        .collect()
}

/// The public link of an incident or maintenance.
pub fn shortlink(public_url: &str, id: &str) -> String {
    format!("{}/incidents/{id}", public_url.trim_end_matches('/'))
}

/// An incident with the components it affects (as the caller shows them).
pub fn incident<'a>(
    i: &'a Incident,
    public_url: &str,
    components: Vec<V2Component<'a>>,
) -> V2Incident<'a> {
    V2Incident {
        id: &i.id,
        name: &i.title,
        status: i.status.as_str(),
        created_at: Ts(i.created_at),
        updated_at: Ts(i.updated_at),
        monitoring_at: i.monitoring_at.map(Ts),
        resolved_at: i.resolved_at.map(Ts),
        impact: i.impact.as_str(),
        shortlink: shortlink(public_url, &i.id),
        started_at: Ts(i.started_at),
        page_id: &i.page_id,
        incident_updates: updates(&i.id, &i.updates),
        components,
        scheduled_for: None,
        scheduled_until: None,
    }
}

/// A maintenance window in the incident shape, with impact `maintenance`.
pub fn maintenance<'a>(
    m: &'a Maintenance,
    public_url: &str,
    components: Vec<V2Component<'a>>,
) -> V2Incident<'a> {
    V2Incident {
        id: &m.id,
        name: &m.title,
        status: m.status.as_str(),
        created_at: Ts(m.created_at),
        updated_at: Ts(m.updated_at),
        monitoring_at: None,
        resolved_at: m.completed_at.map(Ts),
        impact: "maintenance",
        shortlink: shortlink(public_url, &m.id),
        started_at: Ts(m.started_at.unwrap_or(m.created_at)),
        page_id: &m.page_id,
        incident_updates: updates(&m.id, &m.updates),
        components,
        scheduled_for: Some(Some(Ts(m.starts_at))),
        scheduled_until: Some(Some(Ts(m.ends_at))),
    }
}

/// The `meta` object of a webhook body.
#[derive(Debug, Serialize)]
pub struct WebhookMeta<'a> {
    pub unsubscribe: String,
    pub documentation: String,
    pub generated_at: Ts,
    pub event: &'a str,
    pub delivery_id: &'a str,
}

/// The `page` object of a webhook body.
#[derive(Debug, Serialize)]
pub struct WebhookPage<'a> {
    pub id: &'a str,
    pub status_indicator: Indicator,
    pub status_description: &'static str,
}

/// A webhook incident: the v2 incident plus its published postmortem.
#[derive(Debug, Serialize)]
pub struct WebhookIncident<'a> {
    #[serde(flatten)]
    pub incident: V2Incident<'a>,
    pub postmortem_body: Option<&'a str>,
    pub postmortem_published_at: Option<Ts>,
}

impl<'a> WebhookIncident<'a> {
    /// An incident as webhooks carry it: scheduling fields present, `null`.
    pub fn incident(i: &'a Incident, public_url: &str, components: Vec<V2Component<'a>>) -> Self {
        let pm = i.postmortem.as_ref().filter(|p| p.published_at.is_some());
        WebhookIncident {
            incident: V2Incident {
                scheduled_for: Some(None),
                scheduled_until: Some(None),
                ..incident(i, public_url, components)
            },
            postmortem_body: pm.map(|p| p.summary.as_str()),
            postmortem_published_at: pm.and_then(|p| p.published_at).map(Ts),
        }
    }

    pub fn maintenance(
        m: &'a Maintenance,
        public_url: &str,
        components: Vec<V2Component<'a>>,
    ) -> Self {
        WebhookIncident {
            incident: maintenance(m, public_url, components),
            postmortem_body: None,
            postmortem_published_at: None,
        }
    }
}

/// The `component_update` object of a component webhook.
#[derive(Debug, Serialize)]
pub struct ComponentUpdate<'a> {
    pub id: &'a str,
    pub created_at: Ts,
    pub old_status: ComponentStatus,
    pub new_status: ComponentStatus,
    pub component_id: &'a str,
}

/// A changed component: in full, or what the event kept once it is deleted.
#[derive(Debug, Serialize)]
#[serde(untagged)]
pub enum WebhookComponent<'a> {
    Known(V2Component<'a>),
    Gone {
        id: &'a str,
        name: &'a str,
        status: ComponentStatus,
    },
}

/// A webhook body: `meta`, `page`, then an incident or a component change.
#[derive(Debug, Serialize)]
pub struct WebhookBody<'a> {
    pub meta: WebhookMeta<'a>,
    pub page: WebhookPage<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub incident: Option<WebhookIncident<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub component_update: Option<ComponentUpdate<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub component: Option<WebhookComponent<'a>>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Postmortem;
    use serde_json::{Value, json};

    fn incident_record() -> Incident {
        serde_json::from_value(json!({
            "id": "I1", "page_id": "P1", "title": "Down", "impact": "major",
            "status": "resolved", "state": "published", "components": [],
            "started_at": "2026-11-23T10:00:00Z", "resolved_at": "2026-11-23T11:00:00Z",
            "created_at": "2026-11-23T10:00:00Z", "updated_at": "2026-11-23T11:00:00Z",
            "updates": [],
        }))
        .expect("incident JSON")
    }

    #[test]
    fn webhook_incident_is_the_v2_incident_plus_its_extras() {
        let mut i = incident_record();
        i.postmortem = Some(Postmortem {
            summary: "What happened".into(),
            published_at: Some(i.updated_at),
            ..Default::default()
        });
        let v2 = serde_json::to_value(incident(&i, "https://status.example/", vec![])).unwrap();
        let hook = serde_json::to_value(WebhookIncident::incident(
            &i,
            "https://status.example/",
            vec![],
        ))
        .unwrap();
        let (Value::Object(v2), Value::Object(hook)) = (v2, hook) else {
            panic!("objects expected");
        };
        for (k, v) in &v2 {
            assert_eq!(hook.get(k), Some(v), "{k}");
        }
        assert_eq!(v2["shortlink"], "https://status.example/incidents/I1");
        assert_eq!(v2["resolved_at"], "2026-11-23T11:00:00.000Z");
        assert!(!v2.contains_key("scheduled_for"));
        assert_eq!(hook["scheduled_for"], Value::Null);
        assert_eq!(hook["postmortem_body"], "What happened");
        assert_eq!(hook["postmortem_published_at"], "2026-11-23T11:00:00.000Z");
    }
}
