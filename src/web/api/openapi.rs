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
    let id = json!({"type": "string"});
    json!({
        "openapi": "3.1.0",
        "info": {"title": "statusd management API", "version": env!("CARGO_PKG_VERSION"),
                 "description": "Manage status pages, groups, components and API keys. Errors are {\"error\": {\"code\", \"message\", \"field\"?}}."},
        "servers": [{"url": "/"}],
        "paths": {
            "/api/v1/pages": pages, "/api/v1/pages/{id}": page,
            "/api/v1/groups": groups, "/api/v1/groups/{id}": group,
            "/api/v1/components": components, "/api/v1/components/{id}": component,
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
                "CreatedKey": {"allOf": [{"$ref": "#/components/schemas/ApiKey"}, {"type": "object", "properties": {"token": {"type": "string"}}}]},
            }
        }
    })
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
