//! What every answer passes through, in one middleware ([`frame`]): security headers (a
//! CSP with no inline script or style, no framing except for the badge and widget,
//! nosniff, a referrer policy, HSTS when the site is served over https), the default
//! Cache-Control, noindex, the request counter, upload limits and the audit entry.

use crate::state::AppState;
use crate::web::access::NoIndex;
use crate::web::admin::{after_admin_page, before_admin_page};
use crate::web::audit;
use crate::web::cache::PRIVATE;
use crate::web::connections::upload_limits;
use crate::web::metrics::WorkerMetrics;
use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderMap, HeaderName, HeaderValue};
use actix_web::middleware::Next;
use actix_web::web;
use actix_web::{Error, HttpMessage};
use std::time::Instant;

/// The policy of every page: own scripts, styles and images only; forms post home.
macro_rules! csp_base {
    () => {
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'"
    };
}

/// [`csp`] of pages that must not be framed, and of the badge and widget.
const CSP_UNFRAMED: &str = concat!(csp_base!(), "; frame-ancestors 'none'");
const CSP_FRAMEABLE: &str = concat!(csp_base!(), "; frame-ancestors *");

/// HSTS for a year; only sent when `public_url` is https.
const HSTS: &str = "max-age=31536000; includeSubDomains";

/// Whether other sites may frame this path: the badge and the embeddable widget only.
pub fn frameable(path: &str) -> bool {
    let tail = match path.strip_prefix("/p/") {
        Some(rest) => rest.split_once('/').map_or("", |(_, t)| t),
        None => path.trim_start_matches('/'),
    };
    tail == "badge.svg" || tail == "embed.js" || tail == "embed" || tail.starts_with("embed/")
}

/// The Content-Security-Policy for a path.
pub fn csp(path: &str) -> &'static str {
    if frameable(path) {
        CSP_FRAMEABLE
    } else {
        CSP_UNFRAMED
    }
}

/// [`csp`] that also allows one inline style by its hash (a page's accent colour).
pub fn csp_with_style(path: &str, style_source: &str) -> String {
    csp(path).replacen(
        "style-src 'self'",
        &format!("style-src 'self' {style_source}"),
        1,
    )
}

/// Adds the security headers a handler did not set itself (a stricter
/// `Referrer-Policy` from a handler wins). Static values: this runs on every answer.
pub fn add_security_headers(headers: &mut HeaderMap, frame: bool, https: bool) {
    let mut set = |name: HeaderName, value: &'static str| {
        if !headers.contains_key(&name) {
            headers.insert(name, HeaderValue::from_static(value));
        }
    };
    set(
        header::CONTENT_SECURITY_POLICY,
        if frame { CSP_FRAMEABLE } else { CSP_UNFRAMED },
    );
    set(header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    // Stricter than strict-origin-when-cross-origin: other sites learn nothing.
    set(header::REFERRER_POLICY, "same-origin");
    if !frame {
        set(header::X_FRAME_OPTIONS, "DENY");
    }
    if https {
        set(header::STRICT_TRANSPORT_SECURITY, HSTS);
    }
}

/// Middleware, outermost: what every answer carries (security headers, a private
/// Cache-Control unless the handler opted in to caching, noindex for non-public pages),
/// the request counter, the admin pages' flash and sign-in return, upload limits, and
/// the audit entry. One layer, since each layer costs a boxed future on every request.
pub async fn frame(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse, Error> {
    let started = Instant::now();
    let frame = frameable(req.path());
    let https = req
        .app_data::<web::Data<AppState>>()
        .is_some_and(|s| s.config.secure_cookies());
    let method = req.method().clone();
    let metrics = req.app_data::<WorkerMetrics>().cloned();
    let admin_get = before_admin_page(&req);
    // Upload limits outside, so the deadline covers reading the body for the audit.
    let res = upload_limits(req, |req| audit::record(req, next)).await;
    if let Some(m) = metrics {
        m.record_answer(&res, &method, started);
    }
    let mut res = res?;
    if let Some(get) = admin_get {
        after_admin_page(get, &mut res);
    }
    let noindex = res.request().extensions().get::<NoIndex>().is_some();
    let headers = res.headers_mut();
    add_security_headers(headers, frame, https);
    if !headers.contains_key(header::CACHE_CONTROL) {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(PRIVATE));
    }
    if noindex {
        headers.insert(
            HeaderName::from_static("x-robots-tag"),
            HeaderValue::from_static("noindex"),
        );
    }
    Ok(res)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_badge_and_widget_may_be_framed() {
        for (path, ok) in [
            ("/badge.svg", true),
            ("/embed.js", true),
            ("/embed", true),
            ("/p/acme/badge.svg", true),
            ("/p/acme/embed.js", true),
            ("/p/acme/embed/frame", true),
            ("/", false),
            ("/p/acme", false),
            ("/p/badge.svg", false),
            ("/admin/login", false),
            ("/admin/badge.svg", false),
            ("/p/acme/history", false),
            ("/embedded", false),
        ] {
            assert_eq!(frameable(path), ok, "{path}");
            let policy = csp(path);
            assert!(!policy.contains("unsafe-inline"), "{path}");
            assert_eq!(policy.contains("frame-ancestors 'none'"), !ok, "{path}");
        }
    }
}
