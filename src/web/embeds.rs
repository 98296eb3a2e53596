//! Things other sites embed: `/badge.svg` (overall or one component), `/uptime.svg`
//! and `/embed.js`. Every answer goes through the page's visibility rule
//! (`public::allow`): a non-public page's badge needs a signed-in member or a key.

use crate::assets;
use crate::domain::timeline::{Timeline, daily, window_uptime};
use crate::domain::{Component, Page};
use crate::error::{AppError, AppResult};
use crate::snapshot::{Rendered, Snapshot, page_tz};
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

/// The component `key` names among those `page` shows: by slug, else id, else exact name.
fn find_component<'a>(comps: &[&'a Component], key: &str) -> Option<&'a Component> {
    comps
        .iter()
        .find(|c| c.slug == key)
        .or_else(|| comps.iter().find(|c| c.id == key))
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
    // The page's own policy: `cache_max_age_seconds`, stale-while-revalidate, stale-if-error.
    respond(req, &r, page, &[])
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

/// `?component=` and `?days=` (1–90, default 30) of `/uptime.svg`.
#[derive(Debug, Deserialize)]
pub struct UptimeQuery {
    #[serde(default)]
    component: Option<String>,
    #[serde(default)]
    days: Option<String>,
}

/// The window of an uptime badge: 1 to 90 days, 30 when not given.
fn days_of(q: &UptimeQuery) -> AppResult<u32> {
    match q.days.as_deref() {
        None | Some("") => Ok(30),
        Some(d) => d
            .parse::<u32>()
            .ok()
            .filter(|n| (1..=90).contains(n))
            .ok_or_else(|| AppError::invalid("days", "a whole number of days from 1 to 90")),
    }
}

async fn serve_uptime_badge(
    req: &HttpRequest,
    state: &AppState,
    slug: Option<&str>,
    q: &UptimeQuery,
) -> AppResult<HttpResponse> {
    let days = days_of(q)?;
    let Some(key) = q.component.as_deref().filter(|k| !k.is_empty()) else {
        return Err(AppError::invalid(
            "component",
            "name the component: ?component=SLUG",
        ));
    };
    let snap = state.page_cache.snapshot(&state.store).await?;
    let (page, Some(c)) = badge_subject(req, &snap, slug, Some(key)).await? else {
        return Err(AppError::invalid(
            "component",
            "name the component: ?component=SLUG",
        ));
    };
    // Public figures come from the published status timeline, in the page's time zone.
    let timeline = snap
        .timelines
        .get(&c.id)
        .cloned()
        .unwrap_or_else(|| Timeline::new(c.created_at, c.status, vec![]));
    let tally = daily(&timeline, page_tz(page), snap.now, days);
    let (message, colour) = badge::uptime_message(window_uptime(&tally, days as usize));
    let svg = badge::badge(&format!("uptime {days}d"), &message, colour).into_string();
    Ok(svg_response(req, &snap, page, svg))
}

/// `/uptime.svg?component=SLUG&days=30`: a component's published uptime.
pub async fn get_uptime_badge(
    req: HttpRequest,
    state: web::Data<AppState>,
    q: web::Query<UptimeQuery>,
) -> AppResult<HttpResponse> {
    serve_uptime_badge(&req, &state, None, &q).await
}

/// `/p/{slug}/uptime.svg`.
pub async fn get_page_uptime_badge(
    req: HttpRequest,
    state: web::Data<AppState>,
    slug: web::Path<String>,
    q: web::Query<UptimeQuery>,
) -> AppResult<HttpResponse> {
    serve_uptime_badge(&req, &state, Some(&slug), &q).await
}

/// `/embed.js`: the widget. Any origin may load it, also with SRI (which needs CORS).
pub async fn get_embed_js(req: HttpRequest) -> HttpResponse {
    let Some((asset, _)) = assets::lookup("embed.js") else {
        return HttpResponse::NotFound().finish();
    };
    let etag = format!("\"{}\"", asset.hash);
    let fresh = req
        .headers()
        .get("if-none-match")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == etag));
    let mut res = if fresh {
        HttpResponse::NotModified()
    } else {
        HttpResponse::Ok()
    };
    res.insert_header(("ETag", etag))
        .insert_header(("Cache-Control", "public, max-age=300"))
        .insert_header(("Access-Control-Allow-Origin", "*"));
    if fresh {
        return res.finish();
    }
    res.content_type(asset.mime).body(asset.data.to_vec())
}
