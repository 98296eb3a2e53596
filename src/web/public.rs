//! Public status pages, incident detail and history, served from a snapshot of the
//! store kept in memory and reloaded only when the store's generation changes. The
//! status page, the feeds and the Statuspage v2 documents are rendered once per
//! generation and kept; `/healthz`.

use crate::auth::MaybeActor;
use crate::domain::{
    Audience, Component, Group, Incident, IncidentState, Indicator, Maintenance, MaintenanceStatus,
    Overall, Page, overall_status,
};
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use crate::store::{IncidentFilter, Store};
use crate::views;
use crate::views::public::DayBar;
use actix_web::{FromRequest, HttpRequest, HttpResponse, http::StatusCode, web};
use chrono::{DateTime, Datelike, NaiveDate, TimeZone, Utc};
use chrono_tz::Tz;
use serde::Deserialize;
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
    /// 90 daily uptime bars per component that a monitor drives.
    pub bars: HashMap<String, Vec<DayBar>>,
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

    pub fn page_by_id(&self, id: &str) -> Option<&Page> {
        self.pages.iter().find(|p| p.id == id)
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

    /// Everything one page shows: its parts, its incidents and maintenance, the banner.
    pub fn page_data<'a>(&'a self, page: &'a Page) -> PageData<'a> {
        let (groups, components) = self.page_parts(page);
        let incidents: Vec<&Incident> = self
            .incidents
            .iter()
            .filter(|i| i.page_id == page.id && i.state == IncidentState::Published)
            .collect();
        let maintenance: Vec<&Maintenance> = self
            .maintenance
            .iter()
            .filter(|m| m.page_id == page.id)
            .collect();
        let overall = page_overall(&components, &maintenance);
        let updated_at = components
            .iter()
            .map(|c| c.updated_at)
            .chain(incidents.iter().map(|i| i.updated_at))
            .chain(maintenance.iter().map(|m| m.updated_at))
            .chain([page.updated_at])
            .max()
            .unwrap_or(page.updated_at);
        PageData {
            page,
            groups,
            components,
            all_components: &self.components,
            incidents,
            maintenance,
            overall,
            tz: page_tz(page),
            updated_at,
        }
    }
}

/// The banner of a page: Statuspage's rule over its components, and the maintenance
/// indicator when a window is active while nothing is broken.
pub fn page_overall(components: &[&Component], maintenance: &[&Maintenance]) -> Overall {
    let overall = overall_status(components.iter().map(|c| c.status));
    if overall.indicator == Indicator::None && maintenance.iter().any(|m| m.status.is_active()) {
        return Overall {
            indicator: Indicator::Maintenance,
            description: "Service Under Maintenance",
        };
    }
    overall
}

/// The page's time zone; UTC when the stored name is unknown.
pub fn page_tz(page: &Page) -> Tz {
    page.time_zone.parse().unwrap_or(chrono_tz::UTC)
}

/// Path prefix of a page's public URLs: empty for the default page, `/p/{slug}` else.
pub fn base_path(page: &Page) -> String {
    if page.slug == "default" {
        String::new()
    } else {
        format!("/p/{}", page.slug)
    }
}

/// The absolute address of a page, for feeds and the v2 `page.url`.
pub fn page_url(public_url: &str, page: &Page) -> String {
    let public_url = public_url.trim_end_matches('/');
    match &page.custom_host {
        Some(host) => {
            let scheme = public_url.split("://").next().unwrap_or("https");
            format!("{scheme}://{host}")
        }
        None => format!("{public_url}{}", base_path(page)),
    }
}

/// One page's share of the snapshot.
pub struct PageData<'a> {
    pub page: &'a Page,
    pub groups: Vec<&'a Group>,
    pub components: Vec<&'a Component>,
    /// Every component, to name those an incident lists.
    pub all_components: &'a [Component],
    /// Published incidents of this page, newest first.
    pub incidents: Vec<&'a Incident>,
    /// Maintenance windows of this page, soonest start first.
    pub maintenance: Vec<&'a Maintenance>,
    pub overall: Overall,
    pub tz: Tz,
    /// The latest change to anything the page shows.
    pub updated_at: DateTime<Utc>,
}

impl<'a> PageData<'a> {
    pub fn active_incidents(&self) -> Vec<&'a Incident> {
        self.incidents
            .iter()
            .copied()
            .filter(|i| i.is_active())
            .collect()
    }

    /// In progress or verifying.
    pub fn active_maintenance(&self) -> Vec<&'a Maintenance> {
        self.maintenance
            .iter()
            .copied()
            .filter(|m| m.status.is_active())
            .collect()
    }

    /// Still scheduled, soonest first.
    pub fn upcoming_maintenance(&self) -> Vec<&'a Maintenance> {
        self.maintenance
            .iter()
            .copied()
            .filter(|m| m.status == MaintenanceStatus::Scheduled)
            .collect()
    }

    fn ctx(&self) -> views::incident::Ctx<'a> {
        views::incident::Ctx {
            tz: self.tz,
            components: self.all_components,
        }
    }
}

/// A rendered document (page, feed, JSON) with its ETag and content type.
pub struct Rendered {
    generation: u64,
    body: web::Bytes,
    etag: String,
    content_type: &'static str,
}

impl Rendered {
    pub fn new(generation: u64, body: impl Into<Vec<u8>>, content_type: &'static str) -> Self {
        let body = body.into();
        let etag = format!("\"{}\"", hex::encode(&Sha256::digest(&body)[..10]));
        Rendered {
            generation,
            body: web::Bytes::from(body),
            etag,
            content_type,
        }
    }
}

/// The in-memory copies of the snapshot and of each rendered document.
#[derive(Default)]
pub struct PageCache {
    snapshot: RwLock<Option<Arc<Snapshot>>>,
    /// Keyed by `{page id}/{document}`; only the current generation is kept.
    rendered: RwLock<HashMap<String, Arc<Rendered>>>,
}

impl PageCache {
    /// The current snapshot, reloaded from the store when anything changed.
    pub async fn snapshot(&self, state: &AppState) -> AppResult<Arc<Snapshot>> {
        // Uptime bars change with routine results, which do not bump the store's
        // generation; the snapshot is also rebuilt every five minutes to pick them up.
        let window = Utc::now().timestamp() / 300;
        let generation = (state.store.generation() << 24) | (window as u64 & 0xff_ffff);
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
                    bars: uptime_bars(s, Utc::now())?,
                })
            })
            .await?;
        let snap = Arc::new(snap);
        *self.snapshot.write().map_err(poisoned)? = Some(snap.clone());
        Ok(snap)
    }

    /// The document `key` of this generation, built by `build` the first time it is asked for.
    pub fn document(
        &self,
        key: &str,
        generation: u64,
        build: impl FnOnce() -> AppResult<Rendered>,
    ) -> AppResult<Arc<Rendered>> {
        if let Some(r) = self
            .rendered
            .read()
            .map_err(poisoned)?
            .get(key)
            .filter(|r| r.generation == generation)
        {
            return Ok(r.clone());
        }
        let r = Arc::new(build()?);
        let mut map = self.rendered.write().map_err(poisoned)?;
        // Older generations are never served again; dropping them bounds the map.
        map.retain(|_, old| old.generation >= generation);
        map.insert(key.to_string(), r.clone());
        Ok(r)
    }
}

fn poisoned<T>(_: T) -> AppError {
    AppError::Internal("page cache lock poisoned".into())
}

/// How a refused visitor is answered: a sign-in redirect for HTML, 401 for machines.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Client {
    Browser,
    Machine,
}

/// Lets everyone see public pages; internal and customer pages need a signed-in team
/// member (customer email-link sign-in is not built yet, so customers cannot see them).
pub async fn allow(req: &HttpRequest, page: &Page, client: Client) -> AppResult<()> {
    if page.audience == Audience::Public {
        return Ok(());
    }
    let actor = MaybeActor::extract(req).await?;
    match (actor.0, client) {
        (Some(_), _) => Ok(()),
        (None, Client::Browser) => Err(AppError::SignInRequired),
        (None, Client::Machine) => Err(AppError::Unauthorized),
    }
}

/// Cache-Control for a page's documents: shared caches only for public pages.
pub fn cache_control(page: &Page) -> &'static str {
    match page.audience {
        Audience::Public => "public, max-age=0, must-revalidate, stale-if-error=86400",
        _ => "private, no-store",
    }
}

/// Answers with a cached document, or 304 when the client holds the same ETag.
pub fn respond(
    req: &HttpRequest,
    r: &Rendered,
    page: &Page,
    extra: &[(&'static str, &'static str)],
) -> HttpResponse {
    let not_modified = req
        .headers()
        .get("if-none-match")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == r.etag));
    let mut res = if not_modified {
        HttpResponse::NotModified()
    } else {
        HttpResponse::Ok()
    };
    res.insert_header(("ETag", r.etag.clone()))
        .insert_header(("Cache-Control", cache_control(page)));
    for h in extra {
        res.insert_header(*h);
    }
    if not_modified {
        res.finish()
    } else {
        res.content_type(r.content_type).body(r.body.clone())
    }
}

/// The page a request means: `/p/{slug}` when given, else the page whose custom host
/// is the request's Host, else the default page.
pub fn resolve<'a>(req: &HttpRequest, snap: &'a Snapshot, slug: Option<&str>) -> Option<&'a Page> {
    match slug {
        Some(slug) => snap.page_by_slug(slug),
        None => {
            let host = req.connection_info().host().to_string();
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

/// The last 90 days of each monitored component: uptime from the daily rollups of the
/// monitors that drive it, and the titles of incidents that touched it that day.
fn uptime_bars(s: &Store, now: DateTime<Utc>) -> AppResult<HashMap<String, Vec<DayBar>>> {
    let monitors = s.list_monitors()?;
    let incidents = s.list_incidents(&IncidentFilter {
        state: Some(IncidentState::Published),
        ..Default::default()
    })?;
    let today = now.date_naive();
    let first = today - chrono::Duration::days(89);
    let from = first.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc();
    let mut out = HashMap::new();
    for c in s.list_components()? {
        let ids: Vec<String> = monitors
            .iter()
            .filter(|m| m.component_id.as_deref() == Some(c.id.as_str()))
            .map(|m| m.id.clone())
            .collect();
        if ids.is_empty() {
            continue;
        }
        let days = s.daily_buckets(&ids, from, now + chrono::Duration::days(1))?;
        let bars = (0..90)
            .map(|i| {
                let day = first + chrono::Duration::days(i);
                let start = day.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc();
                let end = start + chrono::Duration::days(1);
                let bucket = days.get(&start.timestamp());
                let titles = incidents
                    .iter()
                    .filter(|inc| {
                        inc.components.iter().any(|a| a.id == c.id)
                            && inc.started_at < end
                            && inc.resolved_at.is_none_or(|r| r >= start)
                    })
                    .map(|inc| inc.title.clone())
                    .collect();
                DayBar {
                    day,
                    uptime: bucket.and_then(|b| b.uptime()),
                    checks: bucket.map_or(0, |b| b.count as u64),
                    up: bucket.map_or(0, |b| b.up as u64),
                    incidents: titles,
                }
            })
            .collect();
        out.insert(c.id.clone(), bars);
    }
    Ok(out)
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
        bars: &snap.bars,
    })
    .into_string();
    Rendered::new(snap.generation, html, "text/html; charset=utf-8")
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
    let snap = state.page_cache.snapshot(&state).await?;
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
    let snap = state.page_cache.snapshot(&state).await?;
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
    let snap = state.page_cache.snapshot(&state).await?;
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
    let d = snap.page_data(page);
    let html = views::incident::detail(&views::incident::DetailView {
        page,
        base: base_path(page),
        ctx: d.ctx(),
        item,
    });
    Ok(HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .insert_header(("Cache-Control", cache_control(page)))
        .body(html.into_string()))
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
fn history_time(item: &views::incident::Item) -> DateTime<Utc> {
    match item {
        views::incident::Item::Incident(i) => i.started_at,
        views::incident::Item::Maintenance(m) => m.starts_at,
    }
}

async fn serve_history(
    req: &HttpRequest,
    state: &AppState,
    slug: Option<&str>,
    month: Option<&str>,
) -> AppResult<HttpResponse> {
    let snap = state.page_cache.snapshot(state).await?;
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
    let older_exists = items.iter().any(|i| history_time(i) < from);
    items.retain(|i| (from..to).contains(&history_time(i)));
    items.sort_by_key(|i| std::cmp::Reverse(history_time(i)));
    let base = base_path(page);
    let link = |m: NaiveDate| format!("{base}/history?month={}", m.format("%Y-%m"));
    let html = views::incident::history(&views::incident::HistoryView {
        page,
        base: base.clone(),
        ctx: d.ctx(),
        month: month.format("%B %Y").to_string(),
        items,
        newer: (month < this_month)
            .then(|| shift_month(month, 1).map(link))
            .flatten(),
        older: older_exists
            .then(|| shift_month(month, -1).map(link))
            .flatten(),
    });
    Ok(HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .insert_header(("Cache-Control", cache_control(page)))
        .body(html.into_string()))
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
    let snap = state.page_cache.snapshot(state).await?;
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
                bars: &snap.bars,
            });
            Ok(Rendered::new(
                snap.generation,
                html.into_string(),
                "text/html; charset=utf-8",
            ))
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
