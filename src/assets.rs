//! Embedded static files (CSS, icons, scripts), their content-hashed URLs, and the gzip
//! compression that they and rendered documents share.

use rust_embed::RustEmbed;
use sha2::{Digest, Sha256};
use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::OnceLock;

#[derive(RustEmbed)]
#[folder = "assets/"]
struct Files;

/// One embedded file with its hash.
pub struct Asset {
    pub data: Cow<'static, [u8]>,
    pub hash: String,
    pub mime: &'static str,
    /// The gzip form, compressed once at first use; `None` for binary or tiny files.
    pub gzip: Option<Vec<u8>>,
}

fn table() -> &'static HashMap<String, Asset> {
    static TABLE: OnceLock<HashMap<String, Asset>> = OnceLock::new();
    TABLE.get_or_init(|| {
        Files::iter()
            .filter_map(|name| {
                let file = Files::get(&name)?;
                let hash = hex::encode(&Sha256::digest(&file.data)[..6]);
                let mime = mime_for(&name);
                let gzip = (mime.starts_with("text/") || mime.starts_with("image/svg"))
                    .then(|| gzip(&file.data))
                    .flatten();
                Some((
                    name.to_string(),
                    Asset {
                        data: file.data,
                        hash,
                        mime,
                        gzip,
                    },
                ))
            })
            .collect()
    })
}

fn mime_for(name: &str) -> &'static str {
    match name.rsplit('.').next() {
        Some("css") => "text/css; charset=utf-8",
        Some("js") => "text/javascript; charset=utf-8",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("ico") => "image/x-icon",
        _ => "application/octet-stream",
    }
}

/// The hashed URL of an embedded file: `style.css` → `/assets/style.3f2a9c1b7d4e.css`.
pub fn url(name: &str) -> String {
    match (table().get(name), name.rsplit_once('.')) {
        (Some(a), Some((stem, ext))) => format!("/assets/{stem}.{}.{ext}", a.hash),
        _ => format!("/assets/{name}"),
    }
}

/// Looks up a request path segment (`style.<hash>.css` or `style.css`); the bool says
/// whether the hash matched, so the answer may be cached for a year.
pub fn lookup(file: &str) -> Option<(&'static Asset, bool)> {
    let t = table();
    if let Some(a) = t.get(file) {
        return Some((a, false));
    }
    let (rest, ext) = file.rsplit_once('.')?;
    let (stem, hash) = rest.rsplit_once('.')?;
    let a = t.get(&format!("{stem}.{ext}"))?;
    Some((a, a.hash == hash))
}

/// Below this size gzip's header and a round trip's worth of CPU buy nothing.
const GZIP_MIN_BYTES: usize = 256;

/// The gzip form of `body`, when it is big enough to be worth it and actually shrinks.
pub fn gzip(body: &[u8]) -> Option<Vec<u8>> {
    use std::io::Write;
    if body.len() < GZIP_MIN_BYTES {
        return None;
    }
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    enc.write_all(body).ok()?;
    enc.finish().ok().filter(|z| z.len() < body.len())
}
