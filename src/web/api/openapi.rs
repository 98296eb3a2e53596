//! The OpenAPI 3.1 document for `/api/v1`. A unit test checks it lists exactly the
//! routes registered in `routes.rs`.

use actix_web::HttpResponse;
use serde_json::{Value, json};
use std::sync::OnceLock;

fn op(
    summary: &str,
    tag: &str,
    request: Option<&str>,
    response: Option<(&str, &str)>,
    params: &[&str],
) -> Value {
    let mut o = json!({
        "summary": summary,
        "tags": [tag],
        "security": [{"bearer": []}],
        "responses": {
            "400": {"$ref": "#/components/responses/Error"},
            "401": {"$ref": "#/components/responses/Error"},
            "403": {"$ref": "#/components/responses/Error"},
            "404": {"$ref": "#/components/responses/Error"},
        }
    });
    if let Some(schema) = request {
        o["requestBody"] = json!({"required": true, "content": {"application/json": {"schema": {"$ref": format!("#/components/schemas/{schema}")}}}});
    }
    match response {
        Some((code, schema)) if schema.starts_with("List:") => {
            o["responses"][code] = json!({"description": "OK", "content": {"application/json": {"schema": {
                "type": "object",
                "properties": {
                    "data": {"type": "array", "items": {"$ref": format!("#/components/schemas/{}", &schema[5..])}},
                    "next_cursor": {"type": ["string", "null"]}
                }
            }}}});
            o["parameters"] = json!([
                {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 500}},
                {"name": "cursor", "in": "query", "schema": {"type": "string"}}
            ]);
        }
        Some((code, "binary")) => {
            o["responses"][code] = json!({"description": "OK", "content": {"application/octet-stream": {"schema": {"type": "string", "contentEncoding": "binary"}}}});
        }
        Some((code, schema)) => {
            o["responses"][code] = json!({"description": "OK", "content": {"application/json": {"schema": {"$ref": format!("#/components/schemas/{schema}")}}}});
        }
        None => {
            o["responses"]["204"] = json!({"description": "Done"});
        }
    }
    if !params.is_empty() {
        let mut ps = o["parameters"].as_array().cloned().unwrap_or_default();
        for p in params {
            ps.push(
                json!({"name": p, "in": "path", "required": true, "schema": {"type": "string"}}),
            );
        }
        o["parameters"] = Value::Array(ps);
    }
    o
}

fn crud(tag: &str, schema: &str, new: &str, patch: &str) -> (Value, Value) {
    let list = json!({
        "get": op(&format!("List {tag}"), tag, None, Some(("200", &format!("List:{schema}"))), &[]),
        "post": op(&format!("Create a {schema}"), tag, Some(new), Some(("201", schema)), &[]),
    });
    let one = json!({
        "get": op(&format!("Get a {schema}"), tag, None, Some(("200", schema)), &["id"]),
        "patch": op(&format!("Change a {schema}"), tag, Some(patch), Some(("200", schema)), &["id"]),
        "delete": op(&format!("Delete a {schema}"), tag, None, None, &["id"]),
    });
    (list, one)
}

const STATUS_ENUM: [&str; 5] = [
    "operational",
    "degraded_performance",
    "partial_outage",
    "major_outage",
    "under_maintenance",
];

/// Builds the document.
pub fn document() -> Value {
    let (pages, page) = crud("pages", "Page", "NewPage", "PagePatch");
    let (groups, group) = crud("groups", "Group", "NewGroup", "GroupPatch");
    let (components, component) = crud("components", "Component", "NewComponent", "ComponentPatch");
    let time = json!({"type": "string", "format": "date-time"});
    let heartbeat = json!({
        "summary": "Ping a heartbeat monitor (no API key: the token is the secret)",
        "tags": ["monitors"],
        "parameters": [{"name": "token", "in": "path", "required": true, "schema": {"type": "string"}}],
        "responses": {"200": {"description": "Recorded"}, "404": {"$ref": "#/components/responses/Error"}}
    });
    let mut incident_list = op(
        "List incidents, newest first (filters: state=draft|published, status, page, since)",
        "incidents",
        None,
        Some(("200", "List:Incident")),
        &[],
    );
    if let Some(params) = incident_list["parameters"].as_array_mut() {
        for q in ["state", "status", "page", "since"] {
            params.push(json!({"name": q, "in": "query", "schema": {"type": "string"}}));
        }
    }
    let id = json!({"type": "string"});
    let mut doc = json!({
        "openapi": "3.1.0",
        "info": {"title": "statusd management API", "version": env!("CARGO_PKG_VERSION"),
                 "description": "Manage status pages, groups, components and API keys. Errors are {\"error\": {\"code\", \"message\", \"field\"?}}."},
        "servers": [{"url": "/"}],
        "paths": {
            "/api/v1/pages": pages, "/api/v1/pages/{id}": page,
            "/api/v1/groups": groups, "/api/v1/groups/{id}": group,
            "/api/v1/components": components, "/api/v1/components/{id}": component,
            "/api/v1/incidents": {
                "get": incident_list,
                "post": op("Open an incident (published, or a draft with draft: true or raw_input)", "incidents", Some("NewIncident"), Some(("201", "Incident")), &[]),
            },
            "/api/v1/incidents/{id}": {
                "get": op("Get an incident", "incidents", None, Some(("200", "Incident")), &["id"]),
                "patch": op("Change an incident; status resolved resolves it", "incidents", Some("IncidentPatch"), Some(("200", "Incident")), &["id"]),
                "delete": op("Discard a draft", "incidents", None, None, &["id"]),
            },
            "/api/v1/incidents/{id}/updates": {
                "post": op("Post a timeline update", "incidents", Some("NewUpdate"), Some(("201", "Incident")), &["id"]),
            },
            "/api/v1/incidents/{id}/updates/{update_id}": {
                "patch": op("Fix the text of an update", "incidents", Some("EditUpdate"), Some(("200", "Incident")), &["id", "update_id"]),
                "delete": op("Delete an update (kept in history)", "incidents", None, Some(("200", "Incident")), &["id", "update_id"]),
            },
            "/api/v1/incidents/{id}/publish": { "post": op("Publish a draft", "incidents", None, Some(("200", "Incident")), &["id"]) },
            "/api/v1/incidents/{id}/discard": { "post": op("Discard a draft", "incidents", None, None, &["id"]) },
            "/api/v1/incidents/{id}/postmortem": {
                "get": op("Get the postmortem", "incidents", None, Some(("200", "Postmortem")), &["id"]),
                "put": op("Save the postmortem draft (resolved incidents)", "incidents", Some("Postmortem"), Some(("200", "Postmortem")), &["id"]),
            },
            "/api/v1/incidents/{id}/postmortem/publish": {
                "post": op("Publish the postmortem; status becomes postmortem", "incidents", None, Some(("200", "Incident")), &["id"]),
            },
            "/api/v1/maintenance": {
                "get": op("List maintenance windows", "maintenance", None, Some(("200", "List:Maintenance")), &[]),
                "post": op("Schedule maintenance (starts_at defaults to now; ends_at or duration_minutes)", "maintenance", Some("NewMaintenance"), Some(("201", "Maintenance")), &[]),
            },
            "/api/v1/maintenance/{id}": {
                "get": op("Get a maintenance window", "maintenance", None, Some(("200", "Maintenance")), &["id"]),
                "patch": op("Change, extend or verify a window", "maintenance", Some("MaintenancePatch"), Some(("200", "Maintenance")), &["id"]),
                "delete": op("Delete a window", "maintenance", None, None, &["id"]),
            },
            "/api/v1/maintenance/{id}/start": { "post": op("Start now", "maintenance", None, Some(("200", "Maintenance")), &["id"]) },
            "/api/v1/maintenance/{id}/complete": { "post": op("Complete now", "maintenance", None, Some(("200", "Maintenance")), &["id"]) },
            "/api/v1/templates": {
                "get": op("List templates", "templates", None, Some(("200", "List:Template")), &[]),
                "post": op("Create a template", "templates", Some("TemplateInput"), Some(("201", "Template")), &[]),
            },
            "/api/v1/templates/{id}": {
                "get": op("Get a template", "templates", None, Some(("200", "Template")), &["id"]),
                "put": op("Replace a template", "templates", Some("TemplateInput"), Some(("200", "Template")), &["id"]),
                "delete": op("Delete a template", "templates", None, None, &["id"]),
            },
            "/api/v1/events": { "get": op("Notification events, oldest first (?after=event id)", "events", None, Some(("200", "List:Event")), &[]) },
            "/api/v1/monitors": {
                "get": op("List monitors with their live state", "monitors", None, Some(("200", "List:Monitor")), &[]),
                "post": op("Create a monitor", "monitors", Some("MonitorInput"), Some(("201", "Monitor")), &[]),
            },
            "/api/v1/monitors/{id}": {
                "get": op("Get a monitor, its state and uptime (24h, 7d, 30d, 90d)", "monitors", None, Some(("200", "Monitor")), &["id"]),
                "patch": op("Change a monitor (paused: true pauses it)", "monitors", Some("MonitorInput"), Some(("200", "Monitor")), &["id"]),
                "delete": op("Delete a monitor and its results", "monitors", None, None, &["id"]),
            },
            "/api/v1/monitors/{id}/check": { "post": op("Run the check now", "monitors", None, Some(("202", "Queued")), &["id"]) },
            "/api/v1/monitors/{id}/results": {
                "get": op("Raw results and failure details (?from, ?to; default the last 24 h)", "monitors", None, Some(("200", "Results")), &["id"]),
            },
            "/api/v1/heartbeat/{token}": {
                "get": heartbeat.clone(),
                "post": heartbeat,
            },
            "/api/v1/reports/sla": {
                "get": op("SLA report per component (?component, ?from, ?to as dates; ?format=csv)", "monitors", None, Some(("200", "SlaReport")), &[]),
            },
            "/api/v1/keys": {
                "get": op("List API keys", "keys", None, Some(("200", "List:ApiKey")), &[]),
                "post": op("Create an API key (token in the answer only)", "keys", Some("NewKey"), Some(("201", "CreatedKey")), &[]),
            },
            "/api/v1/keys/{id}": { "delete": op("Revoke an API key", "keys", None, None, &["id"]) },
            "/api/v1/backup": { "get": op("Download a consistent copy of the data file (owner)", "backup", None, Some(("200", "binary")), &[]) },
            "/api/v1/openapi.json": { "get": {"summary": "This document", "tags": ["meta"], "responses": {"200": {"description": "OpenAPI 3.1"}}} },
        },
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "responses": {"Error": {"description": "Error", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}},
            "schemas": {
                "Error": {"type": "object", "required": ["error"], "properties": {"error": {"type": "object", "required": ["code", "message"],
                    "properties": {"code": {"type": "string"}, "message": {"type": "string"}, "field": {"type": "string"}}}}},
                "Page": {"type": "object", "properties": {
                    "id": id, "slug": {"type": "string"}, "title": {"type": "string"},
                    "audience": {"enum": ["public", "internal", "customer"]}, "time_zone": {"type": "string"},
                    "custom_host": {"type": ["string", "null"]}, "allowed_domains": {"type": "array", "items": {"type": "string"}},
                    "created_at": time, "updated_at": time}},
                "NewPage": {"type": "object", "required": ["slug", "title"], "additionalProperties": false, "properties": {
                    "slug": {"type": "string", "pattern": "^[a-z0-9]([a-z0-9-]{0,62}[a-z0-9])?$"}, "title": {"type": "string", "maxLength": 100},
                    "audience": {"enum": ["public", "internal", "customer"]}, "time_zone": {"type": "string"},
                    "custom_host": {"type": ["string", "null"]}, "allowed_domains": {"type": "array", "items": {"type": "string"}}}},
                "PagePatch": {"type": "object", "additionalProperties": false, "properties": {
                    "slug": {"type": "string"}, "title": {"type": "string"}, "audience": {"enum": ["public", "internal", "customer"]},
                    "time_zone": {"type": "string"}, "custom_host": {"type": ["string", "null"]}, "allowed_domains": {"type": "array", "items": {"type": "string"}}}},
                "Group": {"type": "object", "properties": {"id": id, "page_id": id, "name": {"type": "string"}, "position": {"type": "integer"},
                    "collapsed": {"type": "boolean"}, "created_at": time, "updated_at": time}},
                "NewGroup": {"type": "object", "required": ["name"], "additionalProperties": false, "properties": {
                    "page_id": {"type": "string", "description": "page id or slug; default page when omitted"}, "name": {"type": "string"},
                    "position": {"type": "integer"}, "collapsed": {"type": "boolean"}}},
                "GroupPatch": {"type": "object", "additionalProperties": false, "properties": {
                    "name": {"type": "string"}, "position": {"type": "integer"}, "collapsed": {"type": "boolean"}}},
                "Component": {"type": "object", "properties": {"id": id, "name": {"type": "string"}, "description": {"type": "string"},
                    "group_id": {"type": ["string", "null"]}, "page_ids": {"type": "array", "items": {"type": "string"}},
                    "status": {"enum": STATUS_ENUM}, "position": {"type": "integer"}, "created_at": time, "updated_at": time}},
                "NewComponent": {"type": "object", "required": ["name"], "additionalProperties": false, "properties": {
                    "name": {"type": "string", "maxLength": 100}, "description": {"type": "string", "maxLength": 1000},
                    "group_id": {"type": ["string", "null"]}, "page_ids": {"type": "array", "items": {"type": "string"}},
                    "status": {"enum": STATUS_ENUM}, "position": {"type": "integer"}}},
                "ComponentPatch": {"type": "object", "additionalProperties": false, "properties": {
                    "name": {"type": "string"}, "description": {"type": "string"}, "group_id": {"type": ["string", "null"]},
                    "page_ids": {"type": "array", "items": {"type": "string"}}, "status": {"enum": STATUS_ENUM}, "position": {"type": "integer"}}},
                "ApiKey": {"type": "object", "properties": {"id": id, "name": {"type": "string"}, "role": {"enum": ["owner", "editor", "viewer"]},
                    "prefix": {"type": "string"}, "created_at": time, "last_used_at": {"type": ["string", "null"], "format": "date-time"},
                    "revoked_at": {"type": ["string", "null"], "format": "date-time"}}},
                "NewKey": {"type": "object", "required": ["name"], "additionalProperties": false, "properties": {
                    "name": {"type": "string"}, "role": {"enum": ["owner", "editor", "viewer"]}}},
                "Incident": {"type": "object", "properties": {
                    "id": id, "page_id": id, "title": {"type": "string"}, "impact": {"enum": ["none", "minor", "major", "critical"]},
                    "status": {"enum": ["investigating", "identified", "monitoring", "resolved", "postmortem"]},
                    "state": {"enum": ["draft", "published"]}, "component_ids": {"type": "array", "items": {"type": "string"}},
                    "components": {"type": "array", "items": {"type": "object", "properties": {"id": id, "status": {"enum": STATUS_ENUM}}}},
                    "started_at": time, "resolved_at": {"type": ["string", "null"], "format": "date-time"},
                    "updates": {"type": "array", "items": {"$ref": "#/components/schemas/Update"}},
                    "postmortem": {"oneOf": [{"$ref": "#/components/schemas/Postmortem"}, {"type": "null"}]},
                    "history": {"type": "array", "items": {"type": "object", "properties": {"at": time, "by": {"type": "string"}, "action": {"type": "string"}}}}}},
                "Update": {"type": "object", "properties": {"id": id, "status": {"type": "string"}, "message": {"type": "string", "description": "Markdown"},
                    "created_at": time, "by": {"type": "string"}, "notify": {"type": "boolean"},
                    "component_changes": {"type": "array", "items": {"type": "object", "properties": {"id": id, "name": {"type": "string"}, "old_status": {"enum": STATUS_ENUM}, "new_status": {"enum": STATUS_ENUM}}}}}},
                "AffectedComponent": {"type": "object", "required": ["id"], "properties": {"id": id, "status": {"enum": STATUS_ENUM}}},
                "NewIncident": {"type": "object", "required": ["title"], "additionalProperties": false, "properties": {
                    "title": {"type": "string", "maxLength": 200}, "status": {"enum": ["investigating", "identified", "monitoring", "resolved"]},
                    "severity": {"type": "string", "description": "none|minor|major|critical, any case; synonym: impact"},
                    "impact": {"type": "string"}, "component_ids": {"type": "array", "items": {"type": "string"}},
                    "affected_component_ids": {"type": "array", "items": {"type": "string"}},
                    "components": {"type": "array", "items": {"$ref": "#/components/schemas/AffectedComponent"}},
                    "status_page_id": {"type": "string", "description": "page id or slug; synonyms page, page_id"}, "page": {"type": "string"},
                    "message": {"type": "string"}, "draft": {"type": "boolean"}, "notify": {"type": "boolean"}, "template_id": {"type": "string"},
                    "started_at": time, "raw_input": {"type": "string"}, "generate_ai_update": {"type": "boolean"}, "tone": {"type": "string"}}},
                "IncidentPatch": {"type": "object", "additionalProperties": false, "properties": {
                    "title": {"type": "string"}, "status": {"type": "string"}, "severity": {"type": "string"}, "impact": {"type": "string"},
                    "component_ids": {"type": "array", "items": {"type": "string"}}, "components": {"type": "array", "items": {"$ref": "#/components/schemas/AffectedComponent"}},
                    "message": {"type": "string"}, "notify": {"type": "boolean"}}},
                "NewUpdate": {"type": "object", "additionalProperties": false, "properties": {
                    "status": {"enum": ["investigating", "identified", "monitoring", "resolved"]}, "message": {"type": "string"}, "notify": {"type": "boolean"},
                    "component_ids": {"type": "array", "items": {"type": "string"}}, "components": {"type": "array", "items": {"$ref": "#/components/schemas/AffectedComponent"}},
                    "template_id": {"type": "string"}}},
                "EditUpdate": {"type": "object", "required": ["message"], "properties": {"message": {"type": "string"}}},
                "Postmortem": {"type": "object", "properties": {"summary": {"type": "string"}, "timeline": {"type": "string"}, "root_cause": {"type": "string"},
                    "impact": {"type": "string"}, "resolution": {"type": "string"},
                    "action_items": {"type": "array", "items": {"type": "object", "required": ["text"], "properties": {"text": {"type": "string"}, "owner": {"type": "string"}, "done": {"type": "boolean"}}}},
                    "published_at": {"type": ["string", "null"], "format": "date-time"}}},
                "Maintenance": {"type": "object", "properties": {"id": id, "page_id": id, "title": {"type": "string"}, "message": {"type": "string"},
                    "component_ids": {"type": "array", "items": {"type": "string"}}, "starts_at": time, "ends_at": time,
                    "status": {"enum": ["scheduled", "in_progress", "verifying", "completed"]}, "updates": {"type": "array", "items": {"$ref": "#/components/schemas/Update"}}}},
                "NewMaintenance": {"type": "object", "required": ["title"], "additionalProperties": false, "properties": {
                    "title": {"type": "string"}, "message": {"type": "string"}, "component_ids": {"type": "array", "items": {"type": "string"}},
                    "starts_at": time, "ends_at": time, "duration_minutes": {"type": "integer", "minimum": 1}, "status_page_id": {"type": "string"}, "notify": {"type": "boolean"}}},
                "MaintenancePatch": {"type": "object", "additionalProperties": false, "properties": {
                    "title": {"type": "string"}, "message": {"type": "string"}, "component_ids": {"type": "array", "items": {"type": "string"}},
                    "starts_at": time, "ends_at": time, "status": {"enum": ["in_progress", "verifying", "completed"]}}},
                "Template": {"type": "object", "properties": {"id": id, "name": {"type": "string"}, "title": {"type": "string"}, "status": {"type": ["string", "null"]}, "body": {"type": "string"}}},
                "TemplateInput": {"type": "object", "required": ["name", "body"], "additionalProperties": false, "properties": {
                    "name": {"type": "string"}, "title": {"type": "string"}, "status": {"enum": ["investigating", "identified", "monitoring", "resolved"]},
                    "body": {"type": "string", "description": "placeholders: {{component}}, {{status}}, {{start}}, {{title}}, {{now}}"}}},
                "Event": {"type": "object", "properties": {"id": id, "at": time, "kind": {"type": "string"}, "actor": {"type": "string"}, "page_id": id,
                    "incident_id": {"type": ["string", "null"]}, "maintenance_id": {"type": ["string", "null"]}, "component_ids": {"type": "array", "items": {"type": "string"}},
                    "notify": {"type": "boolean"}}},
                "Monitor": {"type": "object", "properties": {
                    "id": id, "name": {"type": "string"}, "kind": {"enum": ["http", "tcp", "dns", "tls", "heartbeat"]}, "target": {"type": "string"},
                    "check": {"type": "object"}, "interval_seconds": {"type": ["integer", "null"], "minimum": 1}, "cron": {"type": ["string", "null"]},
                    "timeout_ms": {"type": "integer"}, "failure_threshold": {"type": "integer"}, "recovery_threshold": {"type": "integer"},
                    "component_id": {"type": ["string", "null"]}, "on_down": {"enum": ["status", "draft", "publish"]}, "down_status": {"enum": STATUS_ENUM},
                    "severity": {"enum": ["none", "minor", "major", "critical"]}, "paused": {"type": "boolean"}, "grace_seconds": {"type": "integer"},
                    "heartbeat_url": {"type": "string"}, "state": {"type": "object"}, "uptime": {"type": "object"}}},
                "MonitorInput": {"type": "object", "additionalProperties": false, "properties": {
                    "name": {"type": "string"}, "kind": {"enum": ["http", "tcp", "dns", "tls", "heartbeat", "keyword"]}, "target": {"type": "string"},
                    "check": {"type": "object", "description": "http: method, headers, body, expected_status, keyword, keyword_absent, json_path, json_equals, max_response_ms, follow_redirects, verify_tls, basic_auth, bearer_token; dns: record_type, expected, resolver; tls: warn_days"},
                    "interval_seconds": {"type": "integer", "minimum": 1}, "cron": {"type": "string", "description": "5-7 fields; seconds first when 6-7"},
                    "timeout_ms": {"type": "integer"}, "failure_threshold": {"type": "integer"}, "recovery_threshold": {"type": "integer"},
                    "component_id": {"type": ["string", "null"]}, "on_down": {"enum": ["status", "draft", "publish"]}, "down_status": {"enum": STATUS_ENUM},
                    "severity": {"type": "string"}, "paused": {"type": "boolean"}, "grace_seconds": {"type": "integer"},
                    "alert_policy": {"type": "object", "properties": {"create_status_page_incident": {"type": "boolean"}, "status_page_id": {"type": "string"},
                        "affected_component": {"type": "string"}, "incident_severity": {"type": "string"}, "draft": {"type": "boolean"}}}}},
                "Queued": {"type": "object", "properties": {"id": id, "queued": {"type": "boolean"}}},
                "Results": {"type": "object", "properties": {
                    "data": {"type": "array", "items": {"type": "object", "properties": {"time": time, "up": {"type": "boolean"}, "latency_ms": {"type": "integer"}}}},
                    "failures": {"type": "array", "items": {"type": "object", "properties": {"time": time, "error": {"type": "string"}, "latency_ms": {"type": "integer"}}}}}},
                "SlaReport": {"type": "object", "properties": {"data": {"type": "array", "items": {"type": "object", "properties": {
                    "component_id": id, "component": {"type": "string"}, "from": {"type": "string", "format": "date"}, "to": {"type": "string", "format": "date"},
                    "uptime_percent": {"type": ["number", "null"]}, "downtime_minutes": {"type": "number"}, "checks": {"type": "integer"},
                    "incidents": {"type": "array", "items": {"type": "string"}}}}}}},
                "CreatedKey": {"allOf": [{"$ref": "#/components/schemas/ApiKey"}, {"type": "object", "properties": {"token": {"type": "string"}}}]},
            }
        }
    });
    subscriber_paths(&mut doc);
    doc
}

/// Subscribers and the outbox (`api/subscribers.rs`).
fn subscriber_paths(doc: &mut Value) {
    let time = json!({"type": "string", "format": "date-time"});
    let ids = json!({"type": "array", "items": {"type": "string"}});
    let kind = json!({"enum": ["email", "webhook", "slack", "discord"]});
    let mut list = op(
        "List subscribers (filters: q, kind, component_id, page, confirmed)",
        "subscribers",
        None,
        Some(("200", "List:Subscriber")),
        &[],
    );
    if let Some(params) = list["parameters"].as_array_mut() {
        for q in ["q", "kind", "component_id", "page", "confirmed"] {
            params.push(json!({"name": q, "in": "query", "schema": {"type": "string"}}));
        }
    }
    let mut import = op(
        "Import subscribers from CSV (all rows or none; ?page, ?skip_confirmation=true)",
        "subscribers",
        None,
        Some(("200", "ImportReport")),
        &[],
    );
    import["requestBody"] =
        json!({"required": true, "content": {"text/csv": {"schema": {"type": "string"}}}});
    let mut export = op(
        "Export subscribers as CSV (same filters as the list)",
        "subscribers",
        None,
        None,
        &[],
    );
    export["responses"]["200"] =
        json!({"description": "CSV", "content": {"text/csv": {"schema": {"type": "string"}}}});
    let mut notices = op(
        "The outbox, newest first (?state=pending|sent|failed|cancelled)",
        "subscribers",
        None,
        Some(("200", "List:Notice")),
        &[],
    );
    if let Some(params) = notices["parameters"].as_array_mut() {
        params.push(json!({"name": "state", "in": "query", "schema": {"enum": ["pending", "sent", "failed", "cancelled"]}}));
    }
    let paths = json!({
        "/api/v1/subscribers": {
            "get": list,
            "post": op("Add a subscriber (email is confirmed by mail unless skip_confirmation; the webhook secret is in this answer only)", "subscribers", Some("NewSubscriber"), Some(("201", "Subscriber")), &[]),
        },
        "/api/v1/subscribers/import": { "post": import },
        "/api/v1/subscribers/export": { "get": export },
        "/api/v1/subscribers/{id}": {
            "get": op("Get a subscriber", "subscribers", None, Some(("200", "Subscriber")), &["id"]),
            "patch": op("Change components, URL, secret or confirmation", "subscribers", Some("SubscriberPatch"), Some(("200", "Subscriber")), &["id"]),
            "delete": op("Remove a subscriber", "subscribers", None, None, &["id"]),
        },
        "/api/v1/subscribers/{id}/test": { "post": op("Send a test notice now", "subscribers", None, Some(("200", "TestResult")), &["id"]) },
        "/api/v1/notices": { "get": notices },
        "/api/v1/notices/{id}/retry": { "post": op("Queue a failed notice again", "subscribers", None, Some(("200", "Notice")), &["id"]) },
    });
    let schemas = json!({
        "Subscriber": {"type": "object", "properties": {
            "id": {"type": "string"}, "kind": kind, "page_id": {"type": "string"}, "email": {"type": "string"}, "url": {"type": "string"},
            "component_ids": ids, "confirmed": {"type": "boolean"}, "confirmed_at": {"type": ["string", "null"], "format": "date-time"},
            "source": {"type": "string"}, "created_at": time, "updated_at": time,
            "secret": {"type": "string", "description": "webhook signing key; only in the answer that created it"}}},
        "NewSubscriber": {"type": "object", "additionalProperties": false, "properties": {
            "kind": kind, "email": {"type": "string"}, "url": {"type": "string"}, "secret": {"type": "string"},
            "component_ids": ids, "page": {"type": "string", "description": "page id or slug; synonyms page_id, status_page_id"},
            "skip_confirmation": {"type": "boolean"}}},
        "SubscriberPatch": {"type": "object", "additionalProperties": false, "properties": {
            "component_ids": ids, "url": {"type": "string"}, "secret": {"type": "string"}, "confirmed": {"type": "boolean"}}},
        "ImportReport": {"type": "object", "properties": {"created": {"type": "integer"}, "existing": {"type": "integer"}}},
        "TestResult": {"type": "object", "properties": {"delivered": {"type": "boolean"}, "address": {"type": "string"}, "error": {"type": "string"}}},
        "Notice": {"type": "object", "properties": {
            "id": {"type": "string"}, "purpose": {"enum": ["event", "confirm", "already_subscribed"]}, "subscriber_id": {"type": "string"},
            "kind": kind, "address": {"type": "string"}, "event_id": {"type": ["string", "null"]}, "event_kind": {"type": "string"},
            "state": {"enum": ["pending", "sent", "failed", "cancelled"]}, "attempts": {"type": "integer"}, "next_attempt_at": time,
            "last_error": {"type": ["string", "null"]}, "created_at": time, "sent_at": {"type": ["string", "null"], "format": "date-time"}}},
    });
    for (target, add) in [
        ("paths", paths),
        ("components", json!({"schemas": schemas})),
    ] {
        let (Some(into), Value::Object(add)) = (doc[target].as_object_mut(), add) else {
            continue;
        };
        for (k, v) in add {
            match (into.get_mut(&k), v) {
                (Some(Value::Object(existing)), Value::Object(more)) => existing.extend(more),
                (_, v) => {
                    into.insert(k, v);
                }
            }
        }
    }
}

pub async fn get_openapi() -> HttpResponse {
    static DOC: OnceLock<String> = OnceLock::new();
    let body = DOC.get_or_init(|| document().to_string());
    HttpResponse::Ok()
        .content_type("application/json")
        .body(body.as_str())
}

#[cfg(test)]
mod tests {
    use crate::web::routes::API_ROUTES;
    use std::collections::BTreeSet;

    #[test]
    fn openapi_lists_exactly_the_registered_routes() {
        let doc = super::document();
        let mut documented = BTreeSet::new();
        for (path, ops) in doc["paths"].as_object().unwrap() {
            for method in ops.as_object().unwrap().keys() {
                documented.insert((method.clone(), path.clone()));
            }
        }
        let registered: BTreeSet<(String, String)> = API_ROUTES
            .iter()
            .map(|(m, p)| (m.to_string(), p.to_string()))
            .collect();
        assert_eq!(
            documented, registered,
            "OpenAPI paths differ from routes.rs"
        );
        assert_eq!(doc["openapi"], "3.1.0");
    }
}
