//! Serves embedded files; hashed URLs are immutable for a year.

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
    let matches = req
        .headers()
        .get("if-none-match")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == etag));
    if matches {
        return HttpResponse::NotModified()
            .insert_header(("ETag", etag))
            .insert_header(("Cache-Control", cache))
            .finish();
    }
    HttpResponse::Ok()
        .content_type(asset.mime)
        .insert_header(("ETag", etag))
        .insert_header(("Cache-Control", cache))
        .body(match &asset.data {
            std::borrow::Cow::Borrowed(b) => web::Bytes::from_static(b),
            std::borrow::Cow::Owned(v) => web::Bytes::from(v.clone()),
        })
}
