//! `POST /api/v1/alerts/alertmanager` (Prometheus Alertmanager webhook, version 4) and
//! `/grafana` (Grafana's unified-alerting webhook, the same shape plus `state`/`title`).
//! A notification is one group: one draft for the group key, listing its alerts.

use super::{clip, decode};
use crate::domain::inbound::{Alert, AlertSource, AlertStatus};
use crate::error::{AppError, AppResult};
use chrono::{DateTime, Utc};
use serde::Deserialize;
use std::collections::BTreeMap;

type Labels = BTreeMap<String, String>;

/// One alert of a notification.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = AlertmanagerAlert)]
pub struct One {
    pub status: String,
    #[serde(default)]
    pub labels: Labels,
    #[serde(default)]
    pub annotations: Labels,
    #[serde(default)]
    pub starts_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub ends_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub fingerprint: Option<String>,
}

/// The webhook body (version 4).
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = AlertmanagerWebhook)]
pub struct Body {
    /// firing or resolved (the whole group).
    pub status: String,
    #[serde(default)]
    pub group_key: Option<String>,
    #[serde(default)]
    pub common_labels: Labels,
    #[serde(default)]
    pub common_annotations: Labels,
    pub alerts: Vec<One>,
    /// Grafana: the notification's title.
    #[serde(default)]
    pub title: Option<String>,
}

fn status_of(s: &str, field: &str) -> AppResult<AlertStatus> {
    match s.trim().to_ascii_lowercase().as_str() {
        "firing" | "alerting" => Ok(AlertStatus::Firing),
        "resolved" | "ok" => Ok(AlertStatus::Resolved),
        other => Err(AppError::invalid(
            field,
            format!("unknown status {other:?}; expected firing or resolved"),
        )),
    }
}

pub fn parse(source: AlertSource, body: &[u8]) -> AppResult<Alert> {
    let what = if source == AlertSource::Grafana {
        "Grafana webhook"
    } else {
        "Alertmanager webhook (version 4)"
    };
    let b: Body = decode(body, what)?;
    let status = status_of(&b.status, "status")?;
    let Some(first) = b.alerts.first() else {
        return Err(AppError::invalid("alerts", "holds no alert"));
    };
    for a in &b.alerts {
        status_of(&a.status, "alerts.status")?;
    }
    let key = b
        .group_key
        .as_deref()
        .or(first.fingerprint.as_deref())
        .map(|k| clip(k, 500))
        .filter(|k| !k.is_empty())
        .ok_or_else(|| {
            AppError::invalid(
                "groupKey",
                "missing (and the first alert has no fingerprint)",
            )
        })?;
    let mut labels = b.common_labels.clone();
    let mut other_values = Vec::new();
    for a in &b.alerts {
        for (k, v) in &a.labels {
            if !labels.contains_key(k) {
                labels.insert(k.clone(), v.clone());
            } else if labels.get(k) != Some(v) {
                other_values.push(v.clone());
            }
        }
    }
    let annotations = if b.common_annotations.is_empty() {
        first.annotations.clone()
    } else {
        b.common_annotations.clone()
    };
    let title = labels
        .get("alertname")
        .cloned()
        .or(b.title.clone())
        .unwrap_or_else(|| "alert".into());
    let members = b
        .alerts
        .iter()
        .filter_map(|a| a.fingerprint.clone())
        .collect();
    Ok(Alert {
        source: Some(source),
        key,
        status: Some(status),
        severity: labels.get("severity").cloned(),
        labels,
        annotations,
        title: clip(&title, 200),
        starts_at: b.alerts.iter().filter_map(|a| a.starts_at).min(),
        ends_at: b.alerts.iter().filter_map(|a| a.ends_at).max(),
        members,
        other_values,
        ..Default::default()
    })
}
