//! API changes to objects a status-as-code file manages succeed, with a warning header:
//! the next `statusd apply` undoes them.

use actix_web::HttpResponse;
use actix_web::http::header::{HeaderName, HeaderValue};
use utoipa::Modify;
use utoipa::openapi::RefOr;
use utoipa::openapi::header::Header;

/// The header's name (documented in README, "Status as code").
pub const WARNING_HEADER: &str = "statusd-warning";

/// Adds the warning header to `r` when the changed object is managed.
pub fn warn(mut r: HttpResponse, managed: bool, kind: &str) -> HttpResponse {
    if managed {
        let text = format!(
            "managed by config: this {kind} is managed by statusd.toml; the next apply undoes this change"
        );
        if let Ok(v) = HeaderValue::from_str(&text) {
            r.headers_mut()
                .insert(HeaderName::from_static(WARNING_HEADER), v);
        }
    }
    r
}

/// The operations that may answer with [`WARNING_HEADER`] (those calling [`warn`]), as
/// (method, path) of the OpenAPI document.
pub const WARNING_OPERATIONS: &[(&str, &str)] = &[
    ("put", "/api/v1/alert-rules/{id}"),
    ("delete", "/api/v1/alert-rules/{id}"),
    ("patch", "/api/v1/components/{id}"),
    ("delete", "/api/v1/components/{id}"),
    ("patch", "/api/v1/groups/{id}"),
    ("delete", "/api/v1/groups/{id}"),
    ("patch", "/api/v1/monitors/{id}"),
    ("delete", "/api/v1/monitors/{id}"),
    ("patch", "/api/v1/pages/{id}"),
    ("delete", "/api/v1/pages/{id}"),
    ("patch", "/api/v1/subscribers/{id}"),
    ("delete", "/api/v1/subscribers/{id}"),
    ("put", "/api/v1/templates/{id}"),
    ("delete", "/api/v1/templates/{id}"),
];

/// Declares [`WARNING_HEADER`] on the success responses of [`WARNING_OPERATIONS`]; utoipa
/// would need the same long description repeated in fourteen `#[utoipa::path]`s.
pub struct WarningHeader;

impl Modify for WarningHeader {
    fn modify(&self, doc: &mut utoipa::openapi::OpenApi) {
        for (method, path) in WARNING_OPERATIONS {
            let Some(item) = doc.paths.paths.get_mut(*path) else {
                continue;
            };
            let op = match *method {
                "put" => item.put.as_mut(),
                "patch" => item.patch.as_mut(),
                "delete" => item.delete.as_mut(),
                _ => None,
            };
            let Some(op) = op else { continue };
            for (status, response) in op.responses.responses.iter_mut() {
                if let (true, RefOr::T(r)) = (status.starts_with('2'), response) {
                    r.headers.insert(WARNING_HEADER.into(), header());
                }
            }
        }
    }
}

fn header() -> Header {
    let mut h = Header::default();
    h.description = Some(
        "Present when the changed object is managed by a status-as-code file (`statusd apply`): \
         the change is made, and the next apply undoes it."
            .into(),
    );
    h
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

    #[test]
    fn the_document_declares_the_warning_header_exactly_where_it_can_be_sent() {
        let doc: Value = serde_json::from_str(crate::web::api::openapi::document_json()).unwrap();
        let mut declared = Vec::new();
        for (path, item) in doc["paths"].as_object().unwrap() {
            for (method, op) in item.as_object().unwrap() {
                for (status, r) in op["responses"].as_object().into_iter().flatten() {
                    if r["headers"].get(WARNING_HEADER).is_some() {
                        assert!(status.starts_with('2'), "{method} {path} {status}");
                        declared.push((method.clone(), path.clone()));
                    }
                }
            }
        }
        let mut want: Vec<(String, String)> = WARNING_OPERATIONS
            .iter()
            .map(|(m, p)| (m.to_string(), p.to_string()))
            .collect();
        declared.sort();
        want.sort();
        assert_eq!(declared, want);
        let h = &doc["paths"]["/api/v1/components/{id}"]["patch"]["responses"]["200"]["headers"]
            [WARNING_HEADER];
        assert_eq!(h["schema"]["type"], "string");
        assert!(h["description"].as_str().unwrap().contains("statusd apply"));
    }
}
