//! Public status pages, incident detail, history and uptime, served from the snapshot
//! read model (`crate::snapshot`); `/healthz`.

use crate::domain::{Audience, IncidentState, MaintenanceStatus, Page};
use crate::error::AppResult;
use crate::snapshot::{Rendered, Snapshot, base_path};
use crate::state::AppState;
use crate::views;
use crate::web::{cache, hot};
use actix_web::http::header::{self, HeaderName, HeaderValue};
use actix_web::{HttpMessage, HttpRequest, HttpResponse, http::StatusCode, web};
use chrono::{DateTime, Datelike, NaiveDate, TimeZone, Utc};
use chrono_tz::Tz;
use serde::Deserialize;

pub use super::access::{Client, allow};

/// Answers with a cached document of `page` (304 for a held ETag, gzip when accepted),
/// kept by shared caches only when the page is public. A public page's answer is also
/// kept by the worker when the handler looked for it first (see `web::hot`).
pub fn respond(
    req: &HttpRequest,
    r: &Rendered,
    page: &Page,
    extra: &[(&'static str, &'static str)],
) -> HttpResponse {
    let mut headers = vec![(header::CACHE_CONTROL, cache::for_request(req, page))];
    if let Some(a) = crate::domain::branding::page_accent(page)
        && let Ok(v) =
            HeaderValue::from_str(&super::headers::csp_with_style(req.path(), &a.csp_source()))
    {
        headers.push((header::CONTENT_SECURITY_POLICY, v));
    }
    for (name, value) in extra {
        if let Ok(name) = HeaderName::from_bytes(name.as_bytes()) {
            headers.push((name, HeaderValue::from_static(value)));
        }
    }
    let answer = hot::Answer::new(r, headers);
    if page.audience == Audience::Public {
        hot::keep(req, &answer);
    }
    answer.respond(req)
}

/// The answer this worker kept for a public document at the current generation.
pub fn kept(req: &HttpRequest, state: &AppState) -> Option<HttpResponse> {
    let generation = crate::snapshot::PageCache::current_generation(&state.store);
    hot::lookup(req, state.page_cache.id(), generation)
}

/// The page a request means: `/p/{slug}` when given, else the page whose custom host
/// is the request's Host, else the default page.
pub fn resolve<'a>(req: &HttpRequest, snap: &'a Snapshot, slug: Option<&str>) -> Option<&'a Page> {
    match slug {
        Some(slug) => snap.page_by_slug(slug),
        // Most installs have no custom hosts: then the Host header need not be read.
        None if !snap.has_custom_hosts() => snap.page_by_slug("default"),
        None => {
            req.extensions_mut().insert(hot::ChosenByHost);
            let state = req.app_data::<web::Data<AppState>>();
            let trusted = state.map_or(&[][..], |s| s.config.trusted_proxies.as_slice());
            let host = super::host::request_host(req, trusted);
            snap.page_by_host(&host)
                .or_else(|| snap.page_by_slug("default"))
        }
    }
}

/// An HTML message page with a status code.
pub fn html_message(status: StatusCode, title: &str, text: &str) -> HttpResponse {
    HttpResponse::build(status)
        .content_type("text/html; charset=utf-8")
        .body(views::public::message(title, text).into_string())
}

fn page_not_found() -> HttpResponse {
    html_message(
        StatusCode::NOT_FOUND,
        "Page not found",
        "No status page has this address.",
    )
}

fn render_page(snap: &Snapshot, page: &Page) -> Rendered {
    let d = snap.page_data(page);
    let html = views::public::page(&views::public::PageView {
        page,
        groups: d.groups.clone(),
        components: d.components.clone(),
        overall: d.overall,
        updated: d.updated_at,
        base: base_path(page),
        ctx: d.ctx(),
        active_incidents: d.active_incidents(),
        active_maintenance: d.active_maintenance(),
        upcoming_maintenance: d.upcoming_maintenance(),
        bars: &d.bars(snap),
        measured: &snap.measured,
        past: d.past_days(snap.now, 15),
    });
    html_document(snap.generation, html)
}

async fn serve_page(
    req: &HttpRequest,
    state: &AppState,
    snap: &Snapshot,
    page: &Page,
) -> AppResult<HttpResponse> {
    allow(req, page, Client::Browser).await?;
    let r = state
        .page_cache
        .document(&format!("{}/page", page.id), snap.generation, || {
            Ok(render_page(snap, page))
        })?;
    Ok(respond(req, &r, page, &[]))
}

/// `/`: the page whose custom host is the request's Host, else the default page.
pub async fn get_default_page(
    req: HttpRequest,
    state: web::Data<AppState>,
) -> AppResult<HttpResponse> {
    if let Some(res) = kept(&req, &state) {
        return Ok(res);
    }
    let snap = state.page_cache.snapshot(&state.store).await?;
    let Some(page) = resolve(&req, &snap, None) else {
        return Ok(page_not_found());
    };
    serve_page(&req, &state, &snap, page).await
}

/// `/p/{slug}`.
pub async fn get_page(
    req: HttpRequest,
    state: web::Data<AppState>,
    slug: web::Path<String>,
) -> AppResult<HttpResponse> {
    if let Some(res) = kept(&req, &state) {
        return Ok(res);
    }
    let snap = state.page_cache.snapshot(&state.store).await?;
    let Some(page) = resolve(&req, &snap, Some(&slug)) else {
        return Ok(page_not_found());
    };
    serve_page(&req, &state, &snap, page).await
}

/// `/incidents/{id}`: an incident (or, as Statuspage's shortlinks do, a maintenance
/// window) with its full timeline and published postmortem.
pub async fn get_incident(
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> AppResult<HttpResponse> {
    let snap = state.page_cache.snapshot(&state.store).await?;
    let found = snap
        .incidents
        .iter()
        .find(|i| i.id == *id && i.state == IncidentState::Published)
        .map(|i| (i.page_id.as_str(), views::incident::Item::Incident(i)))
        .or_else(|| {
            snap.maintenance
                .iter()
                .find(|m| m.id == *id)
                .map(|m| (m.page_id.as_str(), views::incident::Item::Maintenance(m)))
        });
    let Some((page, item)) = found.and_then(|(p, item)| Some((snap.page_by_id(p)?, item))) else {
        return Ok(html_message(
            StatusCode::NOT_FOUND,
            "Incident not found",
            "There is no published incident with this address.",
        ));
    };
    allow(&req, page, Client::Browser).await?;
    let key = format!("{}/incident/{}", page.id, id);
    let r = state.page_cache.document(&key, snap.generation, || {
        let d = snap.page_data(page);
        let html = views::incident::detail(&views::incident::DetailView {
            page,
            base: base_path(page),
            ctx: d.ctx(),
            item,
        });
        Ok(html_document(snap.generation, html))
    })?;
    Ok(respond(&req, &r, page, &[]))
}

fn html_document(generation: u64, html: maud::Markup) -> Rendered {
    Rendered::new(generation, html.into_string(), "text/html; charset=utf-8")
}

/// `?month=YYYY-MM` of the history pages.
#[derive(Debug, Deserialize)]
pub struct HistoryQuery {
    #[serde(default)]
    month: Option<String>,
}

/// The first day of a `YYYY-MM` month.
fn parse_month(s: &str) -> Option<NaiveDate> {
    let (y, m) = s.trim().split_once('-')?;
    if y.len() != 4 || m.len() != 2 {
        return None;
    }
    NaiveDate::from_ymd_opt(y.parse().ok()?, m.parse().ok()?, 1)
}

fn shift_month(d: NaiveDate, by: i32) -> Option<NaiveDate> {
    let months = d.year() * 12 + d.month0() as i32 + by;
    NaiveDate::from_ymd_opt(months.div_euclid(12), months.rem_euclid(12) as u32 + 1, 1)
}

/// The UTC instant a local calendar day starts at in `tz`.
fn local_start(tz: Tz, d: NaiveDate) -> DateTime<Utc> {
    let naive = d.and_hms_opt(0, 0, 0).unwrap_or_default();
    tz.from_local_datetime(&naive)
        .earliest()
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or_else(|| naive.and_utc())
}

/// When an item belongs in history: incidents by start, maintenance by scheduled start.
async fn serve_history(
    req: &HttpRequest,
    state: &AppState,
    slug: Option<&str>,
    month: Option<&str>,
) -> AppResult<HttpResponse> {
    let snap = state.page_cache.snapshot(&state.store).await?;
    let Some(page) = resolve(req, &snap, slug) else {
        return Ok(page_not_found());
    };
    allow(req, page, Client::Browser).await?;
    let d = snap.page_data(page);
    let this_month = {
        let today = Utc::now().with_timezone(&d.tz).date_naive();
        NaiveDate::from_ymd_opt(today.year(), today.month(), 1).unwrap_or(today)
    };
    let month = match month.filter(|m| !m.trim().is_empty()) {
        None => this_month,
        Some(m) => match parse_month(m) {
            Some(d) => d,
            None => {
                return Ok(html_message(
                    StatusCode::BAD_REQUEST,
                    "Unknown month",
                    "The month must look like 2026-11.",
                ));
            }
        },
    };
    let next = shift_month(month, 1).unwrap_or(month);
    let (from, to) = (local_start(d.tz, month), local_start(d.tz, next));
    let mut items: Vec<views::incident::Item> = d
        .incidents
        .iter()
        .map(|i| views::incident::Item::Incident(i))
        .chain(
            d.maintenance
                .iter()
                .filter(|m| m.status == MaintenanceStatus::Completed)
                .map(|m| views::incident::Item::Maintenance(m)),
        )
        .collect();
    let older_exists = items.iter().any(|i| i.at() < from);
    items.retain(|i| (from..to).contains(&i.at()));
    items.sort_by_key(|i| std::cmp::Reverse(i.at()));
    let base = base_path(page);
    let link = |m: NaiveDate| format!("{base}/history?month={}", m.format("%Y-%m"));
    let older = older_exists
        .then(|| shift_month(month, -1).map(link))
        .flatten();
    let newer = (month < this_month)
        .then(|| shift_month(month, 1).map(link))
        .flatten();
    let build = || {
        let html = views::incident::history(&views::incident::HistoryView {
            page,
            base: base.clone(),
            ctx: d.ctx(),
            month: month.format("%B %Y").to_string(),
            items,
            newer,
            older,
        });
        Ok(html_document(snap.generation, html))
    };
    // Months with nothing before them and future months are rendered per request, so
    // a crawler walking every month cannot fill the cache.
    let r = if month <= this_month && (older_exists || month == this_month) {
        let key = format!("{}/history/{}", page.id, month.format("%Y-%m"));
        state.page_cache.document(&key, snap.generation, build)?
    } else {
        std::sync::Arc::new(build()?)
    };
    Ok(respond(req, &r, page, &[]))
}

/// `/history?month=YYYY-MM`.
pub async fn get_history(
    req: HttpRequest,
    state: web::Data<AppState>,
    q: web::Query<HistoryQuery>,
) -> AppResult<HttpResponse> {
    serve_history(&req, &state, None, q.month.as_deref()).await
}

/// `/p/{slug}/history?month=YYYY-MM`.
pub async fn get_page_history(
    req: HttpRequest,
    state: web::Data<AppState>,
    slug: web::Path<String>,
    q: web::Query<HistoryQuery>,
) -> AppResult<HttpResponse> {
    serve_history(&req, &state, Some(&slug), q.month.as_deref()).await
}

async fn serve_uptime(
    req: &HttpRequest,
    state: &AppState,
    slug: Option<&str>,
) -> AppResult<HttpResponse> {
    let snap = state.page_cache.snapshot(&state.store).await?;
    let Some(page) = resolve(req, &snap, slug) else {
        return Ok(page_not_found());
    };
    allow(req, page, Client::Browser).await?;
    let r = state
        .page_cache
        .document(&format!("{}/uptime", page.id), snap.generation, || {
            let d = snap.page_data(page);
            let html = views::public::uptime(&views::public::UptimeView {
                page,
                base: base_path(page),
                components: d.components.clone(),
                bars: &d.bars(&snap),
                measured: &snap.measured,
            });
            Ok(html_document(snap.generation, html))
        })?;
    Ok(respond(req, &r, page, &[]))
}

/// `/uptime`: uptime of the monitored components of the default page.
pub async fn get_uptime(req: HttpRequest, state: web::Data<AppState>) -> AppResult<HttpResponse> {
    serve_uptime(&req, &state, None).await
}

/// `/p/{slug}/uptime`.
pub async fn get_page_uptime(
    req: HttpRequest,
    state: web::Data<AppState>,
    slug: web::Path<String>,
) -> AppResult<HttpResponse> {
    serve_uptime(&req, &state, Some(&slug)).await
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

/// A page logo by its hashed name: the name changes with the bytes, so it is kept forever.
pub async fn get_logo(
    state: web::Data<AppState>,
    name: web::Path<String>,
) -> AppResult<HttpResponse> {
    let name = name.into_inner();
    let kind = name
        .rsplit_once('.')
        .and_then(|(_, ext)| crate::domain::branding::LogoKind::from_ext(ext));
    let key = name.clone();
    let bytes = match kind {
        Some(_) => state.store.run(move |s| s.logo(&key)).await?,
        None => None,
    };
    let (Some(kind), Some(bytes)) = (kind, bytes) else {
        return Err(crate::error::AppError::NotFound(format!("logo {name}")));
    };
    Ok(HttpResponse::Ok()
        .content_type(kind.content_type())
        .insert_header((header::CACHE_CONTROL, "public, max-age=31536000, immutable"))
        .body(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_parse_and_shift() {
        let d = |y, m| NaiveDate::from_ymd_opt(y, m, 1).unwrap();
        let cases = [
            ("2026-11", Some(d(2026, 11))),
            ("2026-1", None),
            ("2026-13", None),
            ("26-11", None),
            ("nope", None),
        ];
        for (s, want) in cases {
            assert_eq!(parse_month(s), want, "{s}");
        }
        assert_eq!(shift_month(d(2026, 12), 1), Some(d(2027, 1)));
        assert_eq!(shift_month(d(2026, 1), -1), Some(d(2025, 12)));
    }

    #[test]
    fn month_starts_in_page_time_zone() {
        let d = NaiveDate::from_ymd_opt(2026, 11, 1).unwrap();
        let berlin: Tz = "Europe/Berlin".parse().unwrap();
        assert_eq!(
            local_start(berlin, d).to_rfc3339(),
            "2026-10-31T23:00:00+00:00"
        );
        assert_eq!(
            local_start(chrono_tz::UTC, d).to_rfc3339(),
            "2026-11-01T00:00:00+00:00"
        );
    }
}
