//! Things other sites embed: `/badge.svg` (overall or one component), `/uptime.svg`
//! and `/embed.js`. Every answer goes through the page's visibility rule
//! (`public::allow`): a non-public page's badge needs a signed-in member or a key.

use crate::domain::{Audience, Component, Page};
use crate::error::{AppError, AppResult};
use crate::snapshot::{Rendered, Snapshot};
use crate::state::AppState;
use crate::views::badge;
use crate::web::public::{Client, allow, resolve, respond};
use actix_web::{HttpRequest, HttpResponse, web};
use serde::Deserialize;

const SVG: &str = "image/svg+xml; charset=utf-8";
/// Longest custom badge label, in characters.
const MAX_LABEL: usize = 40;

/// `?component=` (slug, id or exact name) and an optional `?label=`.
#[derive(Debug, Deserialize)]
pub struct BadgeQuery {
    #[serde(default)]
    component: Option<String>,
    #[serde(default)]
    label: Option<String>,
}

/// Badges are cached briefly by anyone for public pages, by no one otherwise.
fn badge_cache_control(page: &Page) -> &'static str {
    match page.audience {
        Audience::Public => "public, max-age=30, stale-if-error=86400",
        _ => "private, no-store",
    }
}

/// The component `key` names among those `page` shows: by id, else exact name.
fn find_component<'a>(comps: &[&'a Component], key: &str) -> Option<&'a Component> {
    comps
        .iter()
        .find(|c| c.id == key)
        .or_else(|| comps.iter().find(|c| c.name == key))
        .copied()
}

/// The page and (when asked for) the component a badge is about, access checked.
async fn badge_subject<'a>(
    req: &HttpRequest,
    snap: &'a Snapshot,
    slug: Option<&str>,
    component: Option<&str>,
) -> AppResult<(&'a Page, Option<&'a Component>)> {
    let page = resolve(req, snap, slug).ok_or_else(|| AppError::NotFound("status page".into()))?;
    allow(req, page, Client::Machine).await?;
    let Some(key) = component.filter(|k| !k.is_empty()) else {
        return Ok((page, None));
    };
    let (_, comps) = snap.page_parts(page);
    let c = find_component(&comps, key)
        .ok_or_else(|| AppError::NotFound(format!("component {key:?} on page {:?}", page.slug)))?;
    Ok((page, Some(c)))
}

fn label_of(q: &BadgeQuery, default: &str) -> AppResult<String> {
    match q.label.as_deref() {
        None | Some("") => Ok(default.to_string()),
        Some(l) if l.chars().count() > MAX_LABEL => Err(AppError::invalid(
            "label",
            format!("at most {MAX_LABEL} characters"),
        )),
        Some(l) => Ok(l.to_string()),
    }
}

fn svg_response(req: &HttpRequest, snap: &Snapshot, page: &Page, svg: String) -> HttpResponse {
    let r = Rendered::new(snap.generation, svg, SVG);
    respond(
        req,
        &r,
        page,
        &[("Cache-Control", badge_cache_control(page))],
    )
}

async fn serve_badge(
    req: &HttpRequest,
    state: &AppState,
    slug: Option<&str>,
    q: &BadgeQuery,
) -> AppResult<HttpResponse> {
    let snap = state.page_cache.snapshot(&state.store).await?;
    let (page, component) = badge_subject(req, &snap, slug, q.component.as_deref()).await?;
    let (label, (message, colour)) = match component {
        Some(c) => (label_of(q, &c.name)?, badge::status_message(c.status)),
        None => (
            label_of(q, "status")?,
            badge::overall_message(snap.page_data(page).overall.indicator),
        ),
    };
    let svg = badge::badge(&label, message, colour).into_string();
    Ok(svg_response(req, &snap, page, svg))
}

/// `/badge.svg`: the default (or custom-host) page's overall status, or `?component=`.
pub async fn get_badge(
    req: HttpRequest,
    state: web::Data<AppState>,
    q: web::Query<BadgeQuery>,
) -> AppResult<HttpResponse> {
    serve_badge(&req, &state, None, &q).await
}

/// `/p/{slug}/badge.svg`.
pub async fn get_page_badge(
    req: HttpRequest,
    state: web::Data<AppState>,
    slug: web::Path<String>,
    q: web::Query<BadgeQuery>,
) -> AppResult<HttpResponse> {
    serve_badge(&req, &state, Some(&slug), &q).await
}
