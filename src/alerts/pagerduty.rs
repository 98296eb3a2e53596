//! `POST /api/v1/alerts/pagerduty`: PagerDuty v3 webhook events (`incident.triggered`,
//! `incident.acknowledged`, `incident.resolved`, …), signed in `X-PagerDuty-Signature`.

use super::{clip, decode};
use crate::domain::inbound::{Alert, AlertSource, AlertStatus};
use crate::error::{AppError, AppResult};
use hmac::{Hmac, Mac};
use serde::Deserialize;
use sha2::Sha256;

#[derive(Debug, Deserialize)]
struct Named {
    #[serde(default)]
    summary: Option<String>,
}

#[derive(Debug, Deserialize)]
struct Data {
    id: String,
    #[serde(default)]
    title: Option<String>,
    #[serde(default)]
    urgency: Option<String>,
    #[serde(default)]
    priority: Option<Named>,
    #[serde(default)]
    service: Option<Named>,
}

#[derive(Debug, Deserialize)]
struct Event {
    event_type: String,
    data: Data,
}

/// The v3 webhook body: `{"event": {"event_type", "data": {…incident…}}}`.
#[derive(Debug, Deserialize)]
struct Body {
    event: Event,
}

/// Checks `v1=<hex HMAC-SHA256 of the body>` (several comma-separated while rotating).
pub fn signature_ok(secret: &str, body: &[u8], header: Option<&str>) -> bool {
    let Some(header) = header else { return false };
    header
        .split(',')
        .filter_map(|s| s.trim().strip_prefix("v1="))
        .any(|sig| {
            let Ok(want) = hex::decode(sig) else {
                return false;
            };
            let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(secret.as_bytes()) else {
                return false;
            };
            mac.update(body);
            mac.verify_slice(&want).is_ok()
        })
}

pub fn parse(body: &[u8]) -> AppResult<Alert> {
    let b: Body = decode(body, "PagerDuty v3 webhook")?;
    let e = b.event;
    let status = match e.event_type.as_str() {
        "incident.triggered" | "incident.reopened" => AlertStatus::Firing,
        "incident.resolved" => AlertStatus::Resolved,
        t if t.starts_with("incident.") => AlertStatus::Noted,
        other => {
            return Err(AppError::invalid(
                "event.event_type",
                format!("{other:?} is not an incident event"),
            ));
        }
    };
    let mut labels = std::collections::BTreeMap::new();
    let service = e.data.service.and_then(|s| s.summary);
    let priority = e.data.priority.and_then(|p| p.summary);
    if let Some(s) = &service {
        labels.insert("service".to_string(), s.clone());
    }
    if let Some(p) = &priority {
        labels.insert("priority".to_string(), p.clone());
    }
    if let Some(u) = &e.data.urgency {
        labels.insert("urgency".to_string(), u.clone());
    }
    let severity = match (priority.as_deref(), e.data.urgency.as_deref()) {
        (Some("P1"), _) => Some("critical"),
        (Some("P2"), _) | (_, Some("high")) => Some("major"),
        (_, Some("low")) => Some("minor"),
        _ => None,
    };
    let key = clip(&e.data.id, 200);
    if key.is_empty() {
        return Err(AppError::invalid("event.data.id", "must not be empty"));
    }
    Ok(Alert {
        source: Some(AlertSource::Pagerduty),
        key,
        status: Some(status),
        labels,
        title: clip(e.data.title.as_deref().unwrap_or("PagerDuty incident"), 200),
        severity: severity.map(str::to_string),
        ..Default::default()
    })
}
