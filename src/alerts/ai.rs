//! The optional AI rewrite: an OpenAI-compatible chat-completions endpoint turns the
//! built-in draft into nicer customer language. Blocking (ureq); callers run it on the
//! blocking pool. Its output still passes the leak filter before anyone sees it.

use crate::domain::alert_writer::DraftText;
use crate::domain::inbound::Tone;
use serde_json::json;
use std::time::Duration;

/// How long the endpoint may take, all in.
pub const AI_TIMEOUT: Duration = Duration::from_secs(10);

/// Where the endpoint is (`ai_url`, `ai_model`, `ai_key_file`).
#[derive(Clone)]
pub struct AiEndpoint {
    pub url: String,
    pub model: String,
    pub key: Option<String>,
    pub timeout: Duration,
}

impl AiEndpoint {
    /// The endpoint of `ai_url`/`ai_model`/`ai_key_file`, if one is configured.
    pub fn from_config(c: &crate::config::Config) -> Option<AiEndpoint> {
        Some(AiEndpoint {
            url: c.ai_url.clone()?,
            model: c.ai_model.clone(),
            key: c.ai_key.as_ref().map(|k| k.0.clone()),
            timeout: AI_TIMEOUT,
        })
    }
}

/// Asks the endpoint to rewrite `draft`; any failure is a reason in words.
pub fn rewrite(
    ep: &AiEndpoint,
    names: &[String],
    tone: Tone,
    draft: &DraftText,
    alert_text: &str,
) -> Result<DraftText, String> {
    let url = if ep.url.trim_end_matches('/').ends_with("/chat/completions") {
        ep.url.clone()
    } else {
        format!("{}/chat/completions", ep.url.trim_end_matches('/'))
    };
    let system = format!(
        "You write status page updates for customers in a {} tone. Name only these services: {}. \
         Never mention host names, IP addresses, ports, URLs, label values, stack traces or internal tool names. \
         Answer with JSON: {{\"title\": \"...\", \"message\": \"...\"}}.",
        tone.as_str(),
        if names.is_empty() {
            "(none; say 'some of our services')".to_string()
        } else {
            names.join(", ")
        }
    );
    let user = format!(
        "Proposed title: {}\nProposed message: {}\nWhat the monitoring said (internal, do not quote): {}",
        draft.title, draft.message, alert_text
    );
    let body = json!({
        "model": ep.model,
        "temperature": 0,
        "messages": [{"role": "system", "content": system}, {"role": "user", "content": user}],
    });
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(ep.timeout))
        .http_status_as_error(false)
        .max_redirects(0)
        .build()
        .into();
    let mut req = agent.post(&url).header("Content-Type", "application/json");
    if let Some(k) = &ep.key {
        req = req.header("Authorization", &format!("Bearer {k}"));
    }
    let mut resp = req
        .send(body.to_string().as_bytes())
        .map_err(|e| format!("the AI endpoint did not answer: {e}"))?;
    let status = resp.status().as_u16();
    let text = resp
        .body_mut()
        .with_config()
        .limit(256 * 1024)
        .read_to_string()
        .map_err(|e| format!("reading the AI answer: {e}"))?;
    if status != 200 {
        return Err(format!("the AI endpoint answered HTTP {status}"));
    }
    let v: serde_json::Value =
        serde_json::from_str(&text).map_err(|_| "the AI answer is not JSON".to_string())?;
    let content = v
        .pointer("/choices/0/message/content")
        .and_then(|c| c.as_str())
        .ok_or("the AI answer has no choices[0].message.content")?;
    parse_content(content).ok_or_else(|| "the AI answer has no title and message".to_string())
}

/// `{"title","message"}` (possibly in a code fence), else the first line and the rest.
fn parse_content(content: &str) -> Option<DraftText> {
    let trimmed = content
        .trim()
        .trim_start_matches("```json")
        .trim_start_matches("```")
        .trim_end_matches("```")
        .trim();
    if let Ok(v) = serde_json::from_str::<serde_json::Value>(trimmed) {
        let title = v.get("title")?.as_str()?.trim().to_string();
        let message = v.get("message")?.as_str()?.trim().to_string();
        return (!title.is_empty() && !message.is_empty()).then_some(DraftText { title, message });
    }
    let (title, message) = trimmed.split_once('\n')?;
    let (title, message) = (title.trim().to_string(), message.trim().to_string());
    (!title.is_empty() && !message.is_empty() && title.chars().count() <= 200)
        .then_some(DraftText { title, message })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_shapes() {
        let d = parse_content(
            "```json\n{\"title\": \"API slow\", \"message\": \"We are on it.\"}\n```",
        )
        .unwrap();
        assert_eq!(
            (d.title.as_str(), d.message.as_str()),
            ("API slow", "We are on it.")
        );
        let d = parse_content("API slow\nWe are on it.").unwrap();
        assert_eq!(d.title, "API slow");
        assert!(parse_content("").is_none());
        assert!(parse_content("{\"title\": \"\"}").is_none());
    }
}
