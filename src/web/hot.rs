//! Each HTTP worker's own copy of the public answers it serves most: the home page, a
//! page by slug and the v2 JSON a widget polls. During an outage these take the traffic
//! spike; a copy per worker answers them with no lock, reference count or map shared
//! with the other workers, and with its headers already built.
//!
//! A copy is only kept for a public page's answer that no credential, cookie, query or
//! Host header chose (these handlers read none of them for a public page), keyed by path,
//! and only for the generation of the snapshot it was rendered from.

use crate::snapshot::Rendered;
use actix_web::http::header::{self, HeaderName, HeaderValue};
use actix_web::{HttpMessage, HttpRequest, HttpResponse};
use bytes::Bytes;
use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

/// Answers a worker keeps; beyond this it keeps no more until the generation changes.
const MAX_KEPT: usize = 16;

/// A finished answer: the bodies and every header but those the request chooses.
pub struct Answer {
    generation: u64,
    etag: String,
    etag_value: HeaderValue,
    content_type: HeaderValue,
    headers: Vec<(HeaderName, HeaderValue)>,
    body: Bytes,
    gzip: Option<Bytes>,
}

impl Answer {
    /// The answer to a rendered document with these headers (Cache-Control, CSP, CORS…).
    pub fn new(r: &Rendered, headers: Vec<(HeaderName, HeaderValue)>) -> Answer {
        Answer {
            generation: r.generation,
            etag: r.etag.clone(),
            etag_value: HeaderValue::from_str(&r.etag)
                .unwrap_or_else(|_| HeaderValue::from_static("\"\"")),
            content_type: HeaderValue::from_static(r.content_type),
            headers,
            body: r.body.clone(),
            gzip: r.gzip.clone(),
        }
    }

    /// 304 when the client holds the ETag, else the body, gzip-compressed when the
    /// client accepts it and a compressed copy exists.
    pub fn respond(&self, req: &HttpRequest) -> HttpResponse {
        let not_modified = super::cache::etag_matches(req, &self.etag);
        let mut res = if not_modified {
            HttpResponse::NotModified()
        } else {
            HttpResponse::Ok()
        };
        res.insert_header((header::ETAG, self.etag_value.clone()))
            .insert_header((header::VARY, HeaderValue::from_static("Accept-Encoding")));
        for (name, value) in &self.headers {
            res.insert_header((name.clone(), value.clone()));
        }
        if not_modified {
            return res.finish();
        }
        res.insert_header((header::CONTENT_TYPE, self.content_type.clone()));
        let gzip = self.gzip.as_ref().filter(|_| {
            super::cache::accepts_gzip(
                req.headers()
                    .get(header::ACCEPT_ENCODING)
                    .and_then(|v| v.to_str().ok()),
            )
        });
        match gzip {
            Some(z) => res
                .insert_header((header::CONTENT_ENCODING, HeaderValue::from_static("gzip")))
                .body(z.clone()),
            None => res.body(self.body.clone()),
        }
    }

    /// A copy whose gzip body (what browsers ask for) shares nothing with other workers'
    /// copies; the larger plain body, rarely asked for, stays shared to save memory.
    fn own_copy(&self) -> Answer {
        Answer {
            generation: self.generation,
            etag: self.etag.clone(),
            etag_value: self.etag_value.clone(),
            content_type: self.content_type.clone(),
            headers: self.headers.clone(),
            body: self.body.clone(),
            gzip: self.gzip.as_deref().map(Bytes::copy_from_slice),
        }
    }
}

/// Marks a request whose handler looked for a kept answer and found none: its answer
/// may be kept (see [`keep`]).
#[derive(Clone, Copy)]
struct Missed {
    owner: u64,
}

/// Marks a request whose page was chosen by its Host header: its answer is not kept.
#[derive(Clone, Copy)]
pub struct ChosenByHost;

#[derive(Default)]
struct Kept {
    owner: u64,
    generation: u64,
    answers: HashMap<String, Rc<Answer>>,
}

thread_local! {
    static KEPT: RefCell<Kept> = RefCell::new(Kept::default());
}

/// The kept answer to this request's path, when the snapshot is still at
/// `generation`; otherwise marks the request so that its answer is kept.
pub fn lookup(req: &HttpRequest, owner: u64, generation: u64) -> Option<HttpResponse> {
    let key = req.path();
    let found = KEPT.with(|kept| {
        let kept = kept.borrow();
        (kept.owner == owner && kept.generation == generation)
            .then(|| kept.answers.get(key).cloned())
            .flatten()
    });
    match found {
        Some(answer) => Some(answer.respond(req)),
        None => {
            req.extensions_mut().insert(Missed { owner });
            None
        }
    }
}

/// Keeps this worker's own copy of `answer` for the request's path, when the handler
/// looked it up and no Host header chose the page.
pub fn keep(req: &HttpRequest, answer: &Answer) {
    let (Some(missed), false) = (
        req.extensions().get::<Missed>().copied(),
        req.extensions().get::<ChosenByHost>().is_some(),
    ) else {
        return;
    };
    let key = req.path();
    KEPT.with(|kept| {
        let mut kept = kept.borrow_mut();
        if kept.owner != missed.owner || kept.generation != answer.generation {
            *kept = Kept {
                owner: missed.owner,
                generation: answer.generation,
                answers: HashMap::new(),
            };
        }
        if kept.answers.len() < MAX_KEPT {
            kept.answers
                .insert(key.to_string(), Rc::new(answer.own_copy()));
        }
    });
}
