//! The audit middleware: every successful write (admin, API, public forms) and every
//! refused request (401/403) leaves one audit entry, so no handler can forget to.
//! Handlers may add a before → after note with [`note`].

use crate::domain::audit::{AuditEntry, action_of, is_audited_write, json_fields, summarize};
use crate::state::AppState;
use crate::web::auth::{Actor, Principal, client_ip};
use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::{Error, HttpMessage, HttpRequest, web};

/// Bodies up to this size are read for the summary; larger ones (imports) are named only.
const SUMMARY_BODY_LIMIT: u64 = 64 * 1024;

/// What a handler knows that the request does not show: the state before the change.
#[derive(Clone, Debug)]
pub struct AuditNote(pub String);

/// Adds a before → after note ("role: editor → owner") to this request's audit entry.
pub fn note(req: &HttpRequest, text: impl Into<String>) {
    req.extensions_mut().insert(AuditNote(text.into()));
}

fn content_length(req: &ServiceRequest) -> Option<u64> {
    req.headers()
        .get("content-length")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok())
}

/// Reads a small form or JSON body for the summary and puts it back for the handler.
async fn body_fields(req: &mut ServiceRequest) -> Vec<(String, String)> {
    let ct = req.content_type().to_string();
    let form = ct == "application/x-www-form-urlencoded";
    let json = ct == "application/json";
    let small = content_length(req).is_some_and(|n| n > 0 && n <= SUMMARY_BODY_LIMIT);
    if !(form || json) || !small {
        return Vec::new();
    }
    let Ok(bytes) = req.extract::<web::Bytes>().await else {
        return Vec::new();
    };
    req.set_payload(Payload::from(bytes.clone()));
    if form {
        serde_urlencoded::from_bytes(&bytes).unwrap_or_default()
    } else {
        serde_json::from_slice(&bytes)
            .map(|v| json_fields(&v))
            .unwrap_or_default()
    }
}

fn field<'a>(fields: &'a [(String, String)], name: &str) -> Option<&'a str> {
    fields
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

/// Who made the request: the signed-in user or key, else what the route says.
fn actor_of(
    req: &HttpRequest,
    pattern: &str,
    fields: &[(String, String)],
) -> (String, String, String) {
    if let Some(actor) = req.extensions().get::<Actor>() {
        return match &actor.principal {
            Principal::User { id, email } => ("user".into(), id.clone(), email.clone()),
            Principal::Key { id, name } => ("key".into(), id.clone(), name.clone()),
        };
    }
    let param = |name: &str| req.match_info().get(name).unwrap_or("").to_string();
    if pattern.starts_with("/api/v1/alerts/") {
        let source = param("source");
        return ("source".into(), source.clone(), source);
    }
    if pattern.starts_with("/p/{slug}/signin") {
        return ("customer".into(), param("slug"), "customer".into());
    }
    // Sign-in and setup: the address typed is who tried.
    if let Some(email) = field(fields, "email").filter(|_| pattern.starts_with("/admin/")) {
        return (
            "anonymous".into(),
            String::new(),
            email.trim().to_lowercase(),
        );
    }
    ("anonymous".into(), String::new(), "anonymous".into())
}

/// The created object's id and name, from a JSON answer (`{"id", "name"|"title"|"email"}`).
fn created_of(body: &[u8]) -> (Option<String>, Option<String>) {
    let Ok(v) = serde_json::from_slice::<serde_json::Value>(body) else {
        return (None, None);
    };
    let text = |k: &str| v.get(k).and_then(|x| x.as_str()).map(str::to_string);
    let name = text("name")
        .or_else(|| text("title"))
        .or_else(|| text("email"));
    (text("id"), name)
}

/// Records the request after it was answered (see the module comment); called by
/// `headers::frame`, the one middleware.
pub async fn record(
    mut req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    crate::web::auth::resolve_first(&req).await;
    let writes = matches!(req.method().as_str(), "POST" | "PUT" | "PATCH" | "DELETE");
    let fields = if writes {
        body_fields(&mut req).await
    } else {
        Vec::new()
    };
    let res = next.call(req).await?;
    let status = res.status();
    let refused = status.as_u16() == 401 || status.as_u16() == 403;
    // Reads that were answered are not audited: they return before any work.
    if !refused && !writes {
        return Ok(res.map_into_boxed_body());
    }
    let method = res.request().method().as_str().to_string();
    let pattern = res.request().match_pattern().unwrap_or_default();
    let changed = (status.is_success() || status.is_redirection())
        && !pattern.is_empty()
        && is_audited_write(&method, &pattern);
    if !refused && !changed {
        return Ok(res.map_into_boxed_body());
    }
    let Some(state) = res.request().app_data::<web::Data<AppState>>().cloned() else {
        return Ok(res.map_into_boxed_body());
    };
    let (action, object_kind) = if refused && pattern == "/admin/login" {
        ("auth.signin_failed".to_string(), "auth".to_string())
    } else if refused {
        ("auth.refused".to_string(), "auth".to_string())
    } else {
        action_of(&method, &pattern)
    };
    let mut object_id = res.request().match_info().get("id").map(str::to_string);
    let mut object_name = field(&fields, "name")
        .or_else(|| field(&fields, "title"))
        .map(str::to_string);
    // A create's id is in its answer: a JSON body (API) or the redirect to it (admin).
    let res = if changed && object_id.is_none() && status.as_u16() == 201 {
        let (http_req, response) = res.into_parts();
        let (head, body) = response.into_parts();
        let bytes = actix_web::body::to_bytes(body)
            .await
            .map_err(|e| actix_web::error::ErrorInternalServerError(e.into().to_string()))?;
        let (id, name) = created_of(&bytes);
        object_id = id;
        object_name = object_name.or(name);
        ServiceResponse::new(http_req, head.set_body(bytes)).map_into_boxed_body()
    } else {
        if changed && object_id.is_none() {
            object_id = res
                .headers()
                .get("location")
                .and_then(|v| v.to_str().ok())
                .and_then(|l| l.strip_prefix(&format!("{}/", res.request().path())))
                .map(|rest| rest.split(['/', '?']).next().unwrap_or("").to_string())
                .filter(|id| !id.is_empty());
        }
        res.map_into_boxed_body()
    };
    let req = res.request();
    let (actor_kind, actor_id, actor) = actor_of(req, &pattern, &fields);
    let mut summary = summarize(&fields);
    if let Some(AuditNote(n)) = req.extensions().get::<AuditNote>() {
        summary = if summary.is_empty() {
            n.clone()
        } else {
            format!("{n}; {summary}")
        };
    }
    let route = if pattern.is_empty() {
        // Unrouted: the path may carry anything, so only its first segment is kept.
        format!("{method} /{}", req.path().split('/').nth(1).unwrap_or(""))
    } else {
        format!("{method} {pattern}")
    };
    let entry = AuditEntry {
        id: crate::store::new_id(),
        at: state.store.now(),
        actor_kind,
        actor_id,
        actor,
        action,
        object_kind,
        object_id,
        object_name,
        summary,
        client: client_ip(req, &state.config.trusted_proxies).to_string(),
        route,
        status: status.as_u16(),
    };
    if let Err(e) = state.store.run(move |s| s.record_audit(&entry)).await {
        tracing::error!(error = %e, "writing the audit log");
    }
    Ok(res)
}
