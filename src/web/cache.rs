//! HTTP caching of documents: who may keep a response (Cache-Control), strong ETags
//! answered with 304, and the gzip copy rendered once beside each document.

use crate::config::Config;
use crate::domain::{Audience, Page};
use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpRequest, web};
use std::cell::RefCell;

/// What no cache may keep: admin, sign-in, subscription pages, the management API, and
/// every page whose audience is not the public.
pub const PRIVATE: &str = "private, no-store";

/// How long a stale copy may be served while statusd cannot answer (a day).
const STALE_IF_ERROR_SECONDS: u32 = 86_400;

/// Cache-Control of a document anyone may see: fresh for `max_age` seconds, then served
/// stale for as long again while revalidating, and for a day while statusd is down.
pub fn public(max_age: u32) -> String {
    if max_age == 0 {
        return format!(
            "public, max-age=0, must-revalidate, stale-if-error={STALE_IF_ERROR_SECONDS}"
        );
    }
    format!(
        "public, max-age={max_age}, stale-while-revalidate={max_age}, stale-if-error={STALE_IF_ERROR_SECONDS}"
    )
}

/// Cache-Control of a page's documents: shared caches only for public pages.
pub fn for_page(config: &Config, page: &Page) -> HeaderValue {
    match page.audience {
        Audience::Public => public_header(config.cache_max_age_seconds),
        _ => HeaderValue::from_static(PRIVATE),
    }
}

/// [`public`] as a header value, built once per worker thread: every page view asks.
fn public_header(max_age: u32) -> HeaderValue {
    thread_local! {
        static LAST: RefCell<Option<(u32, HeaderValue)>> = const { RefCell::new(None) };
    }
    LAST.with(|last| {
        let mut last = last.borrow_mut();
        match last.as_ref() {
            Some((age, value)) if *age == max_age => value.clone(),
            _ => {
                let value = HeaderValue::from_str(&public(max_age))
                    .unwrap_or_else(|_| HeaderValue::from_static(PRIVATE));
                *last = Some((max_age, value.clone()));
                value
            }
        }
    })
}

/// Whether an `Accept-Encoding` header allows gzip (`gzip`, `x-gzip` or `*`, with q > 0).
pub fn accepts_gzip(accept_encoding: Option<&str>) -> bool {
    let Some(v) = accept_encoding else {
        return false;
    };
    let mut star = None;
    for item in v.split(',') {
        let mut parts = item.split(';');
        let coding = parts.next().unwrap_or("").trim();
        let q = || {
            parts
                .filter_map(|p| p.trim().strip_prefix("q=").or(p.trim().strip_prefix("Q=")))
                .filter_map(|q| q.trim().parse::<f32>().ok())
                .next()
                .unwrap_or(1.0)
        };
        if coding.eq_ignore_ascii_case("gzip") || coding.eq_ignore_ascii_case("x-gzip") {
            return q() > 0.0;
        }
        if coding == "*" {
            star = Some(q() > 0.0);
        }
    }
    star.unwrap_or(false)
}

/// Whether `If-None-Match` names `etag` (or `*`).
pub fn etag_matches(req: &HttpRequest, etag: &str) -> bool {
    req.headers()
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.split(',')
                .map(|t| t.trim().trim_start_matches("W/"))
                .any(|t| t == etag || t == "*")
        })
}

/// The configured policy for a page, read from the app state the request carries.
pub fn for_request(req: &HttpRequest, page: &Page) -> HeaderValue {
    match req.app_data::<web::Data<crate::state::AppState>>() {
        Some(state) => for_page(&state.config, page),
        None => HeaderValue::from_static(PRIVATE),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gzip_is_accepted_when_the_header_allows_it() {
        let cases = [
            (None, false),
            (Some(""), false),
            (Some("gzip"), true),
            (Some("gzip, deflate, br"), true),
            (Some("br;q=1.0, gzip;q=0.8, *;q=0.1"), true),
            (Some("deflate, br"), false),
            (Some("gzip;q=0"), false),
            (Some("gzip; q=0.000"), false),
            (Some("GZIP"), true),
            (Some("x-gzip"), true),
            (Some("*"), true),
            (Some("*;q=0"), false),
            (Some("identity"), false),
            (Some("gzip;q=0, *"), false),
        ];
        for (h, want) in cases {
            assert_eq!(accepts_gzip(h), want, "{h:?}");
        }
    }

    #[test]
    fn public_documents_may_be_kept_and_served_stale() {
        assert_eq!(
            public(30),
            "public, max-age=30, stale-while-revalidate=30, stale-if-error=86400"
        );
        assert_eq!(
            public(0),
            "public, max-age=0, must-revalidate, stale-if-error=86400"
        );
    }
}
