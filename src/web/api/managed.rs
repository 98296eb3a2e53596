//! API changes to objects a status-as-code file manages succeed, with a warning header:
//! the next `statusd apply` undoes them.

use actix_web::HttpResponse;
use actix_web::http::header::{HeaderName, HeaderValue};

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
