//! Serves embedded files; hashed URLs are immutable for a year.

use super::cache;
use crate::assets;
use actix_web::{HttpRequest, HttpResponse, web};

pub async fn get_asset(req: HttpRequest, file: web::Path<String>) -> HttpResponse {
    let Some((asset, hashed)) = assets::lookup(&file) else {
        return HttpResponse::NotFound().finish();
    };
    let etag = format!("\"{}\"", asset.hash);
    let cache = if hashed {
        "public, max-age=31536000, immutable"
    } else {
        "public, max-age=300"
    };
    let not_modified = cache::etag_matches(&req, &etag);
    let mut res = if not_modified {
        HttpResponse::NotModified()
    } else {
        HttpResponse::Ok()
    };
    res.insert_header(("ETag", etag))
        .insert_header(("Cache-Control", cache))
        .insert_header(("Vary", "Accept-Encoding"));
    if not_modified {
        return res.finish();
    }
    res.content_type(asset.mime);
    let accepts = cache::accepts_gzip(
        req.headers()
            .get("accept-encoding")
            .and_then(|v| v.to_str().ok()),
    );
    match asset.gzip.as_ref().filter(|_| accepts) {
        Some(z) => res
            .insert_header(("Content-Encoding", "gzip"))
            .body(web::Bytes::from(z.clone())),
        None => res.body(match &asset.data {
            std::borrow::Cow::Borrowed(b) => web::Bytes::from_static(b),
            std::borrow::Cow::Owned(v) => web::Bytes::from(v.clone()),
        }),
    }
}
