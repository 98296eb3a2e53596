//! Public status pages, served from a rendered copy kept in memory and rebuilt only
//! when the store's generation changes; `/healthz`.

use crate::auth::MaybeActor;
use crate::domain::{
    Audience, Component, Group, Incident, IncidentState, Maintenance, Page, overall_status,
};
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use crate::store::IncidentFilter;
use crate::views;
use actix_web::{HttpRequest, HttpResponse, web};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::sync::{Arc, RwLock};

/// What the public side reads, loaded once per store generation.
pub struct Snapshot {
    pub generation: u64,
    pub pages: Vec<Page>,
    pub groups: Vec<Group>,
    pub components: Vec<Component>,
    /// Published incidents only (drafts never reach the public side), newest first.
    pub incidents: Vec<Incident>,
    /// All maintenance windows, soonest start first.
    pub maintenance: Vec<Maintenance>,
}

impl Snapshot {
    pub fn page_by_slug(&self, slug: &str) -> Option<&Page> {
        self.pages.iter().find(|p| p.slug == slug)
    }

    pub fn page_by_host(&self, host: &str) -> Option<&Page> {
        let host = host.split(':').next().unwrap_or(host).to_ascii_lowercase();
        self.pages
            .iter()
            .find(|p| p.custom_host.as_deref() == Some(host.as_str()))
    }

    /// Components of a page in display order, and the page's groups.
    pub fn page_parts(&self, page: &Page) -> (Vec<&Group>, Vec<&Component>) {
        let groups = self
            .groups
            .iter()
            .filter(|g| g.page_id == page.id)
            .collect();
        let comps = self
            .components
            .iter()
            .filter(|c| c.page_ids.contains(&page.id))
            .collect();
        (groups, comps)
    }
}

/// A rendered page body with its ETag.
pub struct Rendered {
    generation: u64,
    body: web::Bytes,
    etag: String,
}

/// The in-memory copies of the snapshot and of each rendered page.
#[derive(Default)]
pub struct PageCache {
    snapshot: RwLock<Option<Arc<Snapshot>>>,
    rendered: RwLock<HashMap<String, Arc<Rendered>>>,
}

impl PageCache {
    /// The current snapshot, reloaded from the store when anything changed.
    pub async fn snapshot(&self, state: &AppState) -> AppResult<Arc<Snapshot>> {
        let generation = state.store.generation();
        if let Some(s) = self.snapshot.read().map_err(poisoned)?.as_ref()
            && s.generation == generation
        {
            return Ok(s.clone());
        }
        let snap = state
            .store
            .run(move |s| {
                Ok(Snapshot {
                    generation,
                    pages: s.list_pages()?,
                    groups: s.list_groups()?,
                    components: s.list_components()?,
                    incidents: s.list_incidents(&IncidentFilter {
                        state: Some(IncidentState::Published),
                        ..Default::default()
                    })?,
                    maintenance: s.list_maintenance()?,
                })
            })
            .await?;
        let snap = Arc::new(snap);
        *self.snapshot.write().map_err(poisoned)? = Some(snap.clone());
        Ok(snap)
    }

    fn rendered(&self, page_id: &str, generation: u64) -> Option<Arc<Rendered>> {
        let map = self.rendered.read().ok()?;
        map.get(page_id)
            .filter(|r| r.generation == generation)
            .cloned()
    }
}

fn poisoned<T>(_: T) -> AppError {
    AppError::Internal("page cache lock poisoned".into())
}

fn render(snap: &Snapshot, page: &Page) -> Rendered {
    let (groups, components) = snap.page_parts(page);
    let overall = overall_status(components.iter().map(|c| c.status));
    let last = components
        .iter()
        .map(|c| c.updated_at)
        .chain([page.updated_at])
        .max()
        .unwrap_or(page.updated_at);
    let tz: chrono_tz::Tz = page.time_zone.parse().unwrap_or(chrono_tz::UTC);
    let updated = last
        .with_timezone(&tz)
        .format("%Y-%m-%d %H:%M %Z")
        .to_string();
    let html = views::public::page(&views::public::PageView {
        page,
        groups,
        components,
        overall,
        updated,
    })
    .into_string();
    let etag = format!(
        "\"{}\"",
        hex::encode(&Sha256::digest(html.as_bytes())[..10])
    );
    Rendered {
        generation: snap.generation,
        body: web::Bytes::from(html),
        etag,
    }
}

async fn serve_page(
    req: &HttpRequest,
    state: &AppState,
    snap: &Snapshot,
    page: &Page,
) -> AppResult<HttpResponse> {
    if page.audience != Audience::Public {
        // Internal and customer pages need a signed-in team member; customer email-link
        // sign-in is not built yet, so customers cannot see them either.
        let actor = MaybeActor::extract(req).await?;
        if actor.0.is_none() {
            return Err(AppError::SignInRequired);
        }
    }
    let cached = state.page_cache.rendered(&page.id, snap.generation);
    let r = match cached {
        Some(r) => r,
        None => {
            let r = Arc::new(render(snap, page));
            state
                .page_cache
                .rendered
                .write()
                .map_err(poisoned)?
                .insert(page.id.clone(), r.clone());
            r
        }
    };
    let cache_control = match page.audience {
        Audience::Public => "public, max-age=0, must-revalidate, stale-if-error=86400",
        _ => "private, no-store",
    };
    let not_modified = req
        .headers()
        .get("if-none-match")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == r.etag));
    if not_modified {
        return Ok(HttpResponse::NotModified()
            .insert_header(("ETag", r.etag.clone()))
            .insert_header(("Cache-Control", cache_control))
            .finish());
    }
    Ok(HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .insert_header(("ETag", r.etag.clone()))
        .insert_header(("Cache-Control", cache_control))
        .body(r.body.clone()))
}

use actix_web::FromRequest;

/// `/`: the page whose custom host is the request's Host, else the default page.
pub async fn get_default_page(
    req: HttpRequest,
    state: web::Data<AppState>,
) -> AppResult<HttpResponse> {
    let snap = state.page_cache.snapshot(&state).await?;
    let host = req.connection_info().host().to_string();
    let page = snap
        .page_by_host(&host)
        .or_else(|| snap.page_by_slug("default"))
        .ok_or_else(|| AppError::NotFound("default page".into()))?;
    serve_page(&req, &state, &snap, page).await
}

/// `/p/{slug}`.
pub async fn get_page(
    req: HttpRequest,
    state: web::Data<AppState>,
    slug: web::Path<String>,
) -> AppResult<HttpResponse> {
    let snap = state.page_cache.snapshot(&state).await?;
    let Some(page) = snap.page_by_slug(&slug) else {
        return Ok(HttpResponse::NotFound()
            .content_type("text/html; charset=utf-8")
            .body(
                views::public::message("Page not found", "No status page has this address.")
                    .into_string(),
            ));
    };
    serve_page(&req, &state, &snap, page).await
}

/// `/healthz`: 200 when the data file accepts a write.
pub async fn get_healthz(state: web::Data<AppState>) -> HttpResponse {
    match state.store.run(|s| s.check_writable()).await {
        Ok(()) => HttpResponse::Ok().content_type("text/plain").body("ok"),
        Err(e) => {
            tracing::error!(error = %e, "health check failed");
            HttpResponse::ServiceUnavailable()
                .content_type("text/plain")
                .body("data file not writable")
        }
    }
}
