//! `POST /api/v1/alerts/generic`: the product notes' webhook payload (seed 003) plus
//! `status: firing|resolved` and an optional `fingerprint`.

use super::{clip, decode};
use crate::domain::inbound::{Alert, AlertSource, AlertStatus, Tone};
use crate::error::{AppError, AppResult};
use crate::secret::sha256_hex;
use serde::Deserialize;

/// The generic webhook body.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[schema(as = GenericAlert)]
pub struct Body {
    pub title: String,
    #[serde(default, alias = "page", alias = "page_id")]
    pub status_page_id: Option<String>,
    /// minor, major or critical (also warning, info).
    #[serde(default)]
    pub severity: Option<String>,
    #[serde(default, alias = "component_ids")]
    pub affected_component_ids: Vec<String>,
    /// The alert text; kept for the team, never shown publicly.
    #[serde(default)]
    pub raw_input: Option<String>,
    #[serde(default)]
    pub generate_ai_update: bool,
    /// professional (default), friendly or minimal.
    #[serde(default)]
    pub tone: Option<String>,
    /// firing (default) or resolved.
    #[serde(default)]
    pub status: Option<String>,
    /// Deduplication key; by default the title, page and components.
    #[serde(default)]
    pub fingerprint: Option<String>,
    #[serde(default)]
    pub labels: std::collections::BTreeMap<String, String>,
}

pub fn parse(body: &[u8]) -> AppResult<Alert> {
    let b: Body = decode(body, "generic alert")?;
    from_body(b)
}

/// The generic body as an alert (also used by `POST /api/v1/incidents` with `raw_input`).
pub fn from_body(b: Body) -> AppResult<Alert> {
    let title = clip(&b.title, 200);
    if title.is_empty() {
        return Err(AppError::invalid("title", "must not be empty"));
    }
    let status = match b.status.as_deref().map(|s| s.trim().to_ascii_lowercase()) {
        None => AlertStatus::Firing,
        Some(s) if s == "firing" || s == "triggered" || s == "open" => AlertStatus::Firing,
        Some(s) if s == "resolved" || s == "ok" || s == "closed" => AlertStatus::Resolved,
        Some(s) => {
            return Err(AppError::invalid(
                "status",
                format!("unknown status {s:?}; expected firing or resolved"),
            ));
        }
    };
    let tone = b
        .tone
        .as_deref()
        .map(str::parse::<Tone>)
        .transpose()
        .map_err(|m| AppError::invalid("tone", m))?;
    if let Some(s) = b.severity.as_deref()
        && crate::domain::inbound::impact_of_severity(s).is_none()
    {
        return Err(AppError::invalid(
            "severity",
            format!("unknown severity {s:?}; expected minor, major or critical"),
        ));
    }
    let key = match b
        .fingerprint
        .as_deref()
        .map(str::trim)
        .filter(|f| !f.is_empty())
    {
        Some(f) => clip(f, 200),
        None => sha256_hex(&format!(
            "{}\n{}\n{}",
            title,
            b.status_page_id.as_deref().unwrap_or(""),
            b.affected_component_ids.join(",")
        ))[..16]
            .to_string(),
    };
    Ok(Alert {
        source: Some(AlertSource::Generic),
        key,
        status: Some(status),
        labels: b.labels,
        title,
        component_ids: b.affected_component_ids,
        page: b.status_page_id,
        severity: b.severity,
        raw_input: b.raw_input.map(|r| clip(&r, 20_000)),
        tone,
        generate_ai: b.generate_ai_update,
        ..Default::default()
    })
}
