//! `POST /api/v1/alerts/opsgenie`: Opsgenie's outgoing webhook (actions `Create`,
//! `Close`, `AddNote`, …); deduplicated by the alert's alias.

use super::{clip, decode};
use crate::domain::inbound::{Alert, AlertSource, AlertStatus};
use crate::error::{AppError, AppResult};
use serde::Deserialize;
use std::collections::BTreeMap;

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct OgAlert {
    #[serde(default)]
    alert_id: Option<String>,
    #[serde(default)]
    alias: Option<String>,
    #[serde(default)]
    message: Option<String>,
    #[serde(default)]
    tags: Vec<String>,
    #[serde(default)]
    entity: Option<String>,
    #[serde(default)]
    priority: Option<String>,
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    details: BTreeMap<String, String>,
}

#[derive(Debug, Deserialize)]
struct Body {
    action: String,
    alert: OgAlert,
}

pub fn parse(body: &[u8]) -> AppResult<Alert> {
    let b: Body = decode(body, "Opsgenie webhook")?;
    let status = match b.action.as_str() {
        "Create" | "UnAcknowledge" => AlertStatus::Firing,
        "Close" | "Delete" => AlertStatus::Resolved,
        _ => AlertStatus::Noted,
    };
    let a = b.alert;
    let key = a
        .alias
        .as_deref()
        .or(a.alert_id.as_deref())
        .map(|k| clip(k, 500))
        .filter(|k| !k.is_empty())
        .ok_or_else(|| AppError::invalid("alert.alias", "missing (and no alert.alertId)"))?;
    let mut labels = a.details;
    if let Some(p) = &a.priority {
        labels.insert("priority".into(), p.clone());
    }
    if let Some(e) = &a.entity {
        labels.insert("entity".into(), e.clone());
    }
    if !a.tags.is_empty() {
        labels.insert("tags".into(), a.tags.join(","));
    }
    let mut annotations = BTreeMap::new();
    if let Some(d) = &a.description {
        annotations.insert("description".into(), d.clone());
    }
    let severity = labels.get("severity").cloned().or(a.priority.clone());
    Ok(Alert {
        source: Some(AlertSource::Opsgenie),
        key,
        status: Some(status),
        labels,
        annotations,
        title: clip(a.message.as_deref().unwrap_or("Opsgenie alert"), 200),
        severity,
        ..Default::default()
    })
}
