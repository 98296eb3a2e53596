//! Table tests of the audit rules (split from `audit.rs` to keep it short).
use super::*;
use chrono::TimeZone;

#[test]
fn actions_follow_routes() {
    for (method, pattern, action, kind) in [
        ("POST", "/admin/incidents", "incident.create", "incident"),
        ("POST", "/api/v1/incidents", "incident.create", "incident"),
        (
            "POST",
            "/admin/incidents/{id}",
            "incident.update",
            "incident",
        ),
        (
            "PATCH",
            "/api/v1/incidents/{id}",
            "incident.update",
            "incident",
        ),
        (
            "DELETE",
            "/api/v1/incidents/{id}",
            "incident.delete",
            "incident",
        ),
        (
            "POST",
            "/admin/incidents/{id}/delete",
            "incident.delete",
            "incident",
        ),
        (
            "POST",
            "/admin/incidents/{id}/updates",
            "incident.update_add",
            "incident",
        ),
        (
            "POST",
            "/api/v1/incidents/{id}/updates",
            "incident.update_add",
            "incident",
        ),
        (
            "POST",
            "/admin/incidents/{id}/updates/{uid}",
            "incident.update_edit",
            "incident",
        ),
        (
            "PATCH",
            "/api/v1/incidents/{id}/updates/{update_id}",
            "incident.update_edit",
            "incident",
        ),
        (
            "DELETE",
            "/api/v1/incidents/{id}/updates/{update_id}",
            "incident.update_delete",
            "incident",
        ),
        (
            "POST",
            "/admin/incidents/{id}/updates/{uid}/delete",
            "incident.update_delete",
            "incident",
        ),
        (
            "POST",
            "/admin/components/{id}/status",
            "component.status",
            "component",
        ),
        ("POST", "/admin/users/{id}/role", "user.role", "user"),
        ("POST", "/admin/keys/{id}/revoke", "key.revoke", "key"),
        ("DELETE", "/api/v1/keys/{id}", "key.revoke", "key"),
        ("POST", "/admin/pages/{id}/tokens", "page.token_add", "page"),
        (
            "POST",
            "/admin/pages/{id}/sessions/{sid}/revoke",
            "page.session_revoke",
            "page",
        ),
        (
            "POST",
            "/api/v1/alert-rules",
            "alert_rule.create",
            "alert_rule",
        ),
        ("POST", "/api/v1/config/apply", "config.apply", "config"),
        ("POST", "/admin/login", "auth.signin", "auth"),
        (
            "POST",
            "/api/v1/alerts/{source}/{secret}",
            "alert.receive",
            "alert",
        ),
        (
            "POST",
            "/p/{slug}/signin/{token}",
            "customer.signin",
            "customer",
        ),
    ] {
        assert_eq!(
            action_of(method, pattern),
            (action.to_string(), kind.to_string()),
            "{method} {pattern}"
        );
    }
}

#[test]
fn heartbeats_and_reads_are_not_audited() {
    assert!(!is_audited_write("GET", "/admin/incidents"));
    assert!(!is_audited_write("POST", "/api/v1/heartbeat/{token}"));
    assert!(is_audited_write("DELETE", "/api/v1/keys/{id}"));
}

#[test]
fn summaries_never_show_secrets() {
    let fields: Vec<(String, String)> = [
        ("csrf", "c5rf"),
        ("email", "a@example.com"),
        ("password", "hunter2 hunter2"),
        ("new_password", "swordfish"),
        ("role", "editor"),
        ("token", "tok"),
        ("body", "We are investigating."),
        ("group_id", ""),
    ]
    .iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    let s = summarize(&fields);
    assert_eq!(
        s,
        "email=a@example.com, role=editor; also password, new_password, token, body"
    );
    for secret in ["hunter2", "swordfish", "tok;", "c5rf"] {
        assert!(!s.contains(secret), "{s}");
    }
}

#[test]
fn long_values_are_cut() {
    let long = "x".repeat(200);
    let s = summarize(&[("title".into(), long)]);
    assert_eq!(s.chars().count(), "title=".len() + VALUE_CHARS + 1);
}

#[test]
fn json_bodies_flatten() {
    let v = serde_json::json!({"name": "API", "status": "degraded", "page_ids": ["a"], "n": 3});
    let s = summarize(&json_fields(&v));
    assert_eq!(s, "name=API, status=degraded; also n, page_ids");
}

#[test]
fn retention_keeps_recent_and_zero_keeps_all() {
    let now = Utc.with_ymd_and_hms(2026, 11, 30, 12, 0, 0).unwrap();
    let old = now - Duration::days(366);
    let recent = now - Duration::days(364);
    assert!(expired(old, now, 365));
    assert!(!expired(recent, now, 365));
    assert!(!expired(old, now, 0));
    assert_eq!(retention_cutoff(now, 0), None);
    assert_eq!(retention_cutoff(now, 1), Some(now - Duration::days(1)));
    // Far past the calendar's start, nothing overflows.
    assert!(!expired(old, DateTime::<Utc>::MIN_UTC, u32::MAX));
}

#[test]
fn filter_times_parse() {
    let day = Utc.with_ymd_and_hms(2026, 11, 30, 0, 0, 0).unwrap();
    assert_eq!(parse_time("2026-11-30"), Ok(day));
    assert_eq!(parse_time("2026-11-30T01:00:00+01:00"), Ok(day));
    assert!(parse_time("yesterday").unwrap_err().contains("RFC 3339"));
}

#[test]
fn filters_combine() {
    let at = Utc.with_ymd_and_hms(2026, 1, 2, 3, 4, 5).unwrap();
    let e = AuditEntry {
        id: "01J".into(),
        at,
        actor_kind: "user".into(),
        actor_id: "u1".into(),
        actor: "Ops@Example.com".into(),
        action: "incident.create".into(),
        object_kind: "incident".into(),
        object_id: Some("i1".into()),
        object_name: None,
        summary: String::new(),
        client: "127.0.0.1".into(),
        route: "POST /admin/incidents".into(),
        status: 303,
    };
    let f = |actor: Option<&str>, action: Option<&str>, object: Option<&str>| AuditFilter {
        actor: actor.map(Into::into),
        action: action.map(Into::into),
        object: object.map(Into::into),
        since: None,
        until: None,
    };
    assert!(f(None, None, None).matches(&e));
    assert!(f(Some("ops@example"), Some("incident."), Some("i1")).matches(&e));
    assert!(f(Some("u1"), Some("incident.create"), Some("incident")).matches(&e));
    assert!(!f(Some("u2"), None, None).matches(&e));
    assert!(!f(None, Some("user."), None).matches(&e));
    assert!(!f(None, None, Some("i2")).matches(&e));
    let window = |since, until| AuditFilter {
        since,
        until,
        ..Default::default()
    };
    assert!(window(Some(at), None).matches(&e));
    assert!(!window(None, Some(at)).matches(&e));
}
