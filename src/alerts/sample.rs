//! The sample bodies behind the admin's "Send test alert": each shaped like its tool's
//! own webhook, naming a component by the `statusd_component` label so it routes.

use crate::domain::inbound::AlertSource;
use serde_json::{Value, json};

/// The title every test alert carries, so it is recognisable in history and drafts.
pub const TEST_TITLE: &str = "Test alert from statusd";

/// A firing test alert for `source` about component `component` (its id); `stamp`
/// makes its fingerprint new, so each test opens its own draft.
pub fn firing(source: AlertSource, component: &str, stamp: &str) -> Value {
    let key = format!("statusd-test-{stamp}");
    let labels = json!({
        "alertname": TEST_TITLE,
        "statusd_component": component,
        "severity": "minor",
    });
    match source {
        AlertSource::Generic => json!({
            "title": TEST_TITLE,
            "fingerprint": key,
            "severity": "minor",
            "status": "firing",
            "affected_component_ids": [component],
            "raw_input": "A test alert sent from the admin's alert source page.",
        }),
        AlertSource::Alertmanager | AlertSource::Grafana => json!({
            "version": "4",
            "status": "firing",
            "receiver": "statusd",
            "groupKey": key,
            "groupLabels": {"alertname": TEST_TITLE},
            "commonLabels": labels,
            "commonAnnotations": {"summary": "A test alert sent from the admin"},
            "alerts": [{
                "status": "firing",
                "labels": labels,
                "annotations": {"summary": "A test alert sent from the admin"},
                "startsAt": "2026-01-01T00:00:00Z",
                "endsAt": "0001-01-01T00:00:00Z",
                "fingerprint": key,
            }],
        }),
        AlertSource::Pagerduty => json!({
            "event": {
                "id": key,
                "event_type": "incident.triggered",
                "resource_type": "incident",
                "data": {
                    "id": key,
                    "type": "incident",
                    "title": TEST_TITLE,
                    "urgency": "low",
                    "service": {"summary": component},
                },
            },
        }),
        AlertSource::Opsgenie => json!({
            "action": "Create",
            "alert": {
                "alertId": key,
                "alias": key,
                "message": TEST_TITLE,
                "priority": "P4",
                "details": labels,
            },
        }),
    }
}
