//! The audit log: who changed what, when and from where. Pure rules: the action name of
//! a route, the summary of a request body (never a secret), filters and retention.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

/// One recorded change or refused request.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct AuditEntry {
    /// ULID: time-ordered.
    pub id: String,
    pub at: DateTime<Utc>,
    /// `user`, `key`, `source` (alert source), `system`, `customer` or `anonymous`.
    pub actor_kind: String,
    /// User id, key id, source name or page slug; empty for anonymous and system.
    #[serde(default)]
    pub actor_id: String,
    /// User email, key name, source name, "system" or "anonymous".
    pub actor: String,
    /// e.g. `incident.create`, `user.role`, `key.revoke`, `auth.signin_failed`.
    pub action: String,
    /// e.g. `incident`, `user`, `key`, `page`, `auth`.
    pub object_kind: String,
    #[serde(default)]
    pub object_id: Option<String>,
    #[serde(default)]
    pub object_name: Option<String>,
    /// The fields sent, with values of plain fields; never a secret.
    #[serde(default)]
    pub summary: String,
    /// The client address (the forwarded one only from `trusted_proxies`).
    pub client: String,
    /// Method and route pattern (`POST /admin/incidents/{id}`): never the raw path,
    /// whose tokens may be secrets.
    pub route: String,
    /// The HTTP status answered.
    pub status: u16,
}

impl AuditEntry {
    /// A change the scheduler made on its own (a maintenance window starting on time).
    pub fn system(
        id: String,
        at: DateTime<Utc>,
        action: &str,
        object_kind: &str,
        object_id: &str,
    ) -> AuditEntry {
        AuditEntry {
            id,
            at,
            actor_kind: "system".into(),
            actor_id: String::new(),
            actor: "system".into(),
            action: action.into(),
            object_kind: object_kind.into(),
            object_id: Some(object_id.into()),
            object_name: None,
            summary: String::new(),
            client: String::new(),
            route: String::new(),
            status: 200,
        }
    }
}

/// Filters of `GET /api/v1/audit` and `/admin/audit`.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    /// Matches the actor's name or id exactly, or a part of the name.
    pub actor: Option<String>,
    /// Prefix of the action (`incident.` or `incident.create`).
    pub action: Option<String>,
    /// Object id or kind.
    pub object: Option<String>,
    pub since: Option<DateTime<Utc>>,
    pub until: Option<DateTime<Utc>>,
}

impl AuditFilter {
    pub fn matches(&self, e: &AuditEntry) -> bool {
        let actor = self
            .actor
            .as_deref()
            .is_none_or(|a| e.actor_id == a || e.actor.to_lowercase().contains(&a.to_lowercase()));
        let action = self
            .action
            .as_deref()
            .is_none_or(|p| e.action.starts_with(p));
        let object = self
            .object
            .as_deref()
            .is_none_or(|o| e.object_id.as_deref() == Some(o) || e.object_kind == o);
        actor
            && action
            && object
            && self.since.is_none_or(|s| e.at >= s)
            && self.until.is_none_or(|u| e.at < u)
    }
}

/// A filter time: RFC 3339, or a day (`2026-11-30`, its UTC midnight).
pub fn parse_time(s: &str) -> Result<DateTime<Utc>, String> {
    let s = s.trim();
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Ok(t.with_timezone(&Utc));
    }
    chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .ok()
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|t| t.and_utc())
        .ok_or_else(|| {
            format!(
                "{s:?} is not a time; give RFC 3339 (2026-11-30T12:00:00Z) or a day (2026-11-30)"
            )
        })
}

/// Entries older than this are deleted; `None` when `retention_days` is 0 (keep forever).
pub fn retention_cutoff(now: DateTime<Utc>, retention_days: u32) -> Option<DateTime<Utc>> {
    if retention_days == 0 {
        return None;
    }
    now.checked_sub_signed(Duration::days(i64::from(retention_days)))
}

/// Whether an entry written at `at` is past retention.
pub fn expired(at: DateTime<Utc>, now: DateTime<Utc>, retention_days: u32) -> bool {
    retention_cutoff(now, retention_days).is_some_and(|c| at < c)
}

/// Whether a request of this method to this route pattern is audited when it succeeds:
/// every write, except heartbeats (a monitor's ping every minute changes nothing anyone did).
pub fn is_audited_write(method: &str, pattern: &str) -> bool {
    matches!(method, "POST" | "PUT" | "PATCH" | "DELETE")
        && !pattern.starts_with("/api/v1/heartbeat/")
}

/// The action and object kind of a successful write, from its route pattern:
/// `POST /admin/incidents` → (`incident.create`, `incident`),
/// `POST /admin/users/{id}/role` → (`user.role`, `user`),
/// `DELETE /api/v1/incidents/{id}/updates/{update_id}` → (`incident.update_delete`, `incident`).
pub fn action_of(method: &str, pattern: &str) -> (String, String) {
    if let Some(named) = named_action(pattern) {
        let kind = named.split('.').next().unwrap_or(named);
        return (named.to_string(), kind.to_string());
    }
    let rest = pattern
        .strip_prefix("/api/v1/")
        .or_else(|| pattern.strip_prefix("/admin/"))
        .unwrap_or(pattern.trim_start_matches('/'));
    let segments: Vec<&str> = rest.split('/').filter(|s| !s.is_empty()).collect();
    let Some((first, tail)) = segments.split_first() else {
        return ("request".into(), "request".into());
    };
    let kind = singular(first).replace('-', "_");
    let is_param = |s: &str| s.starts_with('{');
    let words: Vec<String> = tail
        .iter()
        .filter(|s| !is_param(s))
        .map(|s| singular(s).replace('-', "_"))
        .collect();
    let has_id = tail.first().is_some_and(|s| is_param(s));
    let last_is_param = tail.last().is_some_and(|s| is_param(s)) && !words.is_empty();
    let verb = if words.is_empty() {
        match (method, has_id) {
            ("DELETE", _) => "delete".to_string(),
            ("POST", false) => "create".to_string(),
            _ => "update".to_string(),
        }
    } else {
        let joined = words.join("_");
        let collection = tail
            .last()
            .is_some_and(|s| !is_param(s) && s.ends_with('s'));
        if last_is_param {
            if method == "DELETE" {
                format!("{joined}_delete")
            } else {
                format!("{joined}_edit")
            }
        } else if collection && method == "POST" && joined != "status" {
            format!("{joined}_add")
        } else {
            joined
        }
    };
    // Deleting an API key revokes it (the record stays, marked revoked).
    let verb = if kind == "key" && verb == "delete" {
        "revoke".to_string()
    } else {
        verb
    };
    (format!("{kind}.{verb}"), kind)
}

/// Routes whose action does not follow from their path.
fn named_action(pattern: &str) -> Option<&'static str> {
    Some(match pattern {
        "/admin/setup" => "auth.setup",
        "/admin/login" => "auth.signin",
        "/admin/logout" => "auth.signout",
        "/api/v1/alerts/{source}" | "/api/v1/alerts/{source}/{secret}" => "alert.receive",
        "/p/{slug}/signin" => "customer.link_request",
        "/p/{slug}/signin/{token}" => "customer.signin",
        "/subscribe"
        | "/p/{slug}/subscribe"
        | "/subscribe/webhook"
        | "/p/{slug}/subscribe/webhook" => "subscriber.subscribe",
        "/subscribe/confirm/{token}" => "subscriber.confirm",
        "/subscriptions/{token}" => "subscriber.manage",
        "/unsubscribe/{token}" => "subscriber.unsubscribe",
        _ => return None,
    })
}

fn singular(word: &str) -> String {
    match word {
        "maintenance" | "status" | "access" | "postmortem" => word.to_string(),
        w if w.ends_with("ies") => format!("{}y", &w[..w.len() - 3]),
        w if w.ends_with('s') => w[..w.len() - 1].to_string(),
        w => w.to_string(),
    }
}

/// Whether a field may hold a secret: its value is never written to the log.
pub fn is_secret_field(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    [
        "password",
        "token",
        "secret",
        "hash",
        "csrf",
        "key",
        "auth",
        "credential",
        "cookie",
    ]
    .iter()
    .any(|s| n.contains(s))
}

/// Fields whose values are short and plain enough to show in the summary.
const SHOWN: &[&str] = &[
    "status",
    "role",
    "impact",
    "name",
    "title",
    "state",
    "audience",
    "slug",
    "email",
    "kind",
    "address",
    "domain",
    "domains",
    "allowed_domains",
    "minutes",
    "position",
    "direction",
    "paused",
    "enabled",
    "page_id",
    "group_id",
    "draft",
];

/// Longest value shown for a field, in characters.
const VALUE_CHARS: usize = 60;

/// A one-line summary of the non-empty fields a request sent: `role=owner,
/// status=major_outage; also body, components`. Secrets appear by name only, never by value.
pub fn summarize(fields: &[(String, String)]) -> String {
    let mut shown: Vec<String> = Vec::new();
    let mut named: Vec<String> = Vec::new();
    for (k, v) in fields {
        // Empty fields are the form's blanks, not changes.
        if k == "csrf" || k == "next" || v.trim().is_empty() {
            continue;
        }
        if !is_secret_field(k) && SHOWN.contains(&k.as_str()) {
            let mut value: String = v.chars().take(VALUE_CHARS).collect();
            if v.chars().count() > VALUE_CHARS {
                value.push('…');
            }
            let entry = format!("{k}={value}");
            if !shown.contains(&entry) {
                shown.push(entry);
            }
        } else if !named.contains(k) {
            named.push(k.clone());
        }
    }
    let mut out = shown.join(", ");
    if !named.is_empty() {
        if !out.is_empty() {
            out.push_str("; ");
        }
        out.push_str("also ");
        out.push_str(&named.join(", "));
    }
    out
}

/// Flattens a JSON body's top-level fields into (name, value) pairs for [`summarize`]:
/// strings and scalars keep their value, arrays and objects their name only.
pub fn json_fields(v: &serde_json::Value) -> Vec<(String, String)> {
    let Some(map) = v.as_object() else {
        return Vec::new();
    };
    map.iter()
        .map(|(k, v)| {
            let value = match v {
                serde_json::Value::String(s) => s.clone(),
                serde_json::Value::Bool(_) | serde_json::Value::Number(_) => v.to_string(),
                serde_json::Value::Null => "null".into(),
                _ => "…".into(),
            };
            (k.clone(), value)
        })
        .collect()
}

#[cfg(test)]
#[path = "audit_tests.rs"]
mod tests;
