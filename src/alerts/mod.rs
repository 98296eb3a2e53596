//! Inbound alert adapters: one file per source, each turning that tool's webhook body
//! into `domain::inbound::Alert`s. Bad bodies are refused with the field at fault.

pub mod ai;
pub mod alertmanager;
pub mod generic;
pub mod opsgenie;
pub mod pagerduty;
pub mod sample;

use crate::domain::alert_writer::{DraftText, leak};
use crate::domain::inbound::{Alert, AlertSource};
use crate::error::{AppError, AppResult};
use crate::store::{Received, Store};
use serde::de::DeserializeOwned;

/// Parses, routes and stores one webhook body (blocking: run it on the blocking pool).
/// A refused body or alert is recorded as a rejection before the error is returned.
pub fn ingest(
    store: &Store,
    ai: Option<&ai::AiEndpoint>,
    source: AlertSource,
    body: &[u8],
    via: &str,
) -> AppResult<Vec<Received>> {
    let raw = String::from_utf8_lossy(body);
    let refuse = |e: AppError| {
        if let Err(w) = store.record_alert_rejection(source, &raw, via, &e) {
            tracing::error!(error = %w, "recording a refused alert");
        }
        e
    };
    let alerts = parse(source, body).map_err(refuse)?;
    let mut out = Vec::new();
    for a in alerts {
        let rewrite = match ai {
            Some(ep) if a.generate_ai && a.is_firing() => {
                match store.prepare_alert(&a).map_err(refuse)? {
                    Some(p) => Some(ai::rewrite(ep, &p.names, p.route.tone, &p.text, &a.texts())),
                    None => None,
                }
            }
            None if a.generate_ai && a.is_firing() => {
                Some(Err("no AI endpoint is configured (ai_url)".to_string()))
            }
            _ => None,
        };
        let r = store
            .receive_alert(&a, &raw, via, rewrite)
            .map_err(refuse)?;
        tracing::info!(source = source.as_str(), key = %r.key, outcome = %r.outcome, "alert received");
        out.push(r);
    }
    Ok(out)
}

/// The writer's (or the AI's, when asked and clean) text for an alert-like incident body,
/// with a note for the team when the AI was asked but not used. `None`: nothing routes it.
pub fn draft_text(
    store: &Store,
    ai: Option<&ai::AiEndpoint>,
    a: &Alert,
) -> AppResult<Option<(DraftText, Option<String>)>> {
    let Some(p) = store.prepare_alert(a)? else {
        return Ok(None);
    };
    if !a.generate_ai {
        return Ok(Some((p.text, None)));
    }
    let Some(ep) = ai else {
        return Ok(Some((
            p.text,
            Some(
                "AI rewrite not available (no ai_url configured); the built-in text is proposed."
                    .into(),
            ),
        )));
    };
    Ok(Some(
        match ai::rewrite(ep, &p.names, p.route.tone, &p.text, &a.texts()) {
            Ok(t) => match leak(&format!("{}\n{}", t.title, t.message), &p.forbidden) {
                None => (t, Some("Text rewritten by the AI endpoint.".into())),
                Some(why) => (
                    p.text,
                    Some(format!(
                        "AI text not used: {why}; the built-in text is proposed."
                    )),
                ),
            },
            Err(why) => (
                p.text,
                Some(format!(
                    "AI rewrite failed ({why}); the built-in text is proposed."
                )),
            ),
        },
    ))
}

/// Parses a source's body into its alerts (a PagerDuty/Opsgenie event is one).
pub fn parse(source: AlertSource, body: &[u8]) -> AppResult<Vec<Alert>> {
    match source {
        AlertSource::Generic => generic::parse(body).map(|a| vec![a]),
        AlertSource::Alertmanager | AlertSource::Grafana => {
            alertmanager::parse(source, body).map(|a| vec![a])
        }
        AlertSource::Pagerduty => pagerduty::parse(body).map(|a| vec![a]),
        AlertSource::Opsgenie => opsgenie::parse(body).map(|a| vec![a]),
    }
}

/// Decodes JSON into the source's shape; the error names the field at fault.
pub(crate) fn decode<T: DeserializeOwned>(body: &[u8], what: &str) -> AppResult<T> {
    let value: serde_json::Value = serde_json::from_slice(body).map_err(|e| {
        AppError::invalid(
            "body",
            format!("not valid JSON ({e}); send the {what} as JSON"),
        )
    })?;
    if !value.is_object() {
        return Err(AppError::invalid(
            "body",
            format!("expected a JSON object (the {what})"),
        ));
    }
    serde_json::from_value(value).map_err(|e| {
        let msg = e.to_string();
        let field = msg
            .split('`')
            .nth(1)
            .filter(|f| f.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or("body")
            .to_string();
        AppError::invalid(&field, format!("not the shape of a {what}: {msg}"))
    })
}

/// Keeps a field's text to a sane length (titles, keys).
pub(crate) fn clip(s: &str, max: usize) -> String {
    s.trim().chars().take(max).collect()
}
