//! Security headers on every response: a CSP with no inline script or style, no
//! framing except for the badge and widget, nosniff, a referrer policy, and HSTS when
//! the site is served over https.

use crate::state::AppState;
use actix_web::Error;
use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::middleware::Next;
use actix_web::web;

/// The policy of every page: own scripts, styles and images only; forms post home.
const CSP_BASE: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'";

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
pub fn csp(path: &str) -> String {
    let ancestors = if frameable(path) { "*" } else { "'none'" };
    format!("{CSP_BASE}; frame-ancestors {ancestors}")
}

/// [`csp`] that also allows one inline style by its hash (a page's accent colour).
pub fn csp_with_style(path: &str, style_source: &str) -> String {
    csp(path).replacen(
        "style-src 'self'",
        &format!("style-src 'self' {style_source}"),
        1,
    )
}

/// Middleware: adds the headers a handler did not set itself (a stricter
/// `Referrer-Policy` from a handler wins).
pub async fn security_headers(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    let path = req.path().to_string();
    let https = req
        .app_data::<web::Data<AppState>>()
        .is_some_and(|s| s.config.secure_cookies());
    let mut res = next.call(req).await?;
    let frame = frameable(&path);
    let headers = res.headers_mut();
    let mut set = |name: &'static str, value: String| {
        let name = HeaderName::from_static(name);
        if !headers.contains_key(&name)
            && let Ok(v) = HeaderValue::from_str(&value)
        {
            headers.insert(name, v);
        }
    };
    set("content-security-policy", csp(&path));
    set("x-content-type-options", "nosniff".into());
    // Stricter than strict-origin-when-cross-origin: other sites learn nothing.
    set("referrer-policy", "same-origin".into());
    if !frame {
        set("x-frame-options", "DENY".into());
    }
    if https {
        set("strict-transport-security", HSTS.into());
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
