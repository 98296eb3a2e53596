//! The read model of the public side: what a visitor sees, loaded from the store once
//! per generation, and the documents (pages, feeds, v2 JSON) rendered from it.

use crate::domain::timeline::{Timeline, daily, day_bounds};
use crate::domain::{
    Bucket, Component, Group, Incident, IncidentState, Maintenance, MaintenanceStatus, Overall,
    Page, page_status, visibility,
};
use crate::error::{AppError, AppResult};
use crate::store::{IncidentFilter, Store};
use crate::views;
use crate::views::incident::Item;
use crate::views::public::DayBar;
use bytes::Bytes;
use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
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
    /// Each component's published status timeline: the source of public bars and uptime.
    pub timelines: HashMap<String, Timeline>,
    /// 90-day monitor-measured uptime of the components whose editors show it publicly.
    pub measured: HashMap<String, Option<f64>>,
    /// When the snapshot was loaded (the store's clock): bars are tallied up to here.
    pub now: DateTime<Utc>,
}

impl Snapshot {
    pub fn page_by_slug(&self, slug: &str) -> Option<&Page> {
        self.pages.iter().find(|p| p.slug == slug)
    }

    /// Whether any page answers on a host of its own.
    pub fn has_custom_hosts(&self) -> bool {
        self.pages.iter().any(|p| p.custom_host.is_some())
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
            .filter(|i| visibility::page_shows_incident(&page.id, i))
            .collect();
        let maintenance: Vec<&Maintenance> = self
            .maintenance
            .iter()
            .filter(|m| visibility::page_shows_maintenance(&page.id, m))
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
    page_status(
        components.iter().map(|c| c.status),
        maintenance.iter().any(|m| m.status.is_active()),
    )
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
    /// The page's 90-day bars: each component's published status per day in the page's
    /// time zone, and that day's incidents of this page only (the visibility rule chose
    /// `self.incidents`).
    pub fn bars(&self, snap: &Snapshot) -> HashMap<String, Vec<DayBar>> {
        self.components
            .iter()
            .map(|c| {
                let timeline = snap
                    .timelines
                    .get(&c.id)
                    .cloned()
                    .unwrap_or_else(|| Timeline::new(c.created_at, c.status, vec![]));
                let bars = daily(&timeline, self.tz, snap.now, 90)
                    .into_iter()
                    .map(|d| {
                        let (start, end) = day_bounds(d.day, self.tz);
                        DayBar {
                            day: d.day,
                            tally: d.tally,
                            incidents: self
                                .incidents
                                .iter()
                                .filter(|i| i.touched(&c.id, start, end))
                                .map(|i| i.title.clone())
                                .collect(),
                        }
                    })
                    .collect();
                (c.id.clone(), bars)
            })
            .collect()
    }

    /// The last `n` days in the page's zone, newest first, each with the incidents and
    /// completed maintenance that began that day (Statuspage's "Past incidents").
    pub fn past_days(&self, now: DateTime<Utc>, n: i64) -> Vec<(NaiveDate, Vec<Item<'a>>)> {
        let today = now.with_timezone(&self.tz).date_naive();
        let items: Vec<Item<'a>> = self
            .incidents
            .iter()
            .map(|i| Item::Incident(i))
            .chain(
                self.maintenance
                    .iter()
                    .filter(|m| m.status == MaintenanceStatus::Completed)
                    .map(|m| Item::Maintenance(m)),
            )
            .collect();
        (0..n)
            .filter_map(|back| today.checked_sub_signed(chrono::Duration::days(back)))
            .map(|day| {
                let mut those: Vec<Item<'a>> = items
                    .iter()
                    .copied()
                    .filter(|i| i.at().with_timezone(&self.tz).date_naive() == day)
                    .collect();
                those.sort_by_key(|i| std::cmp::Reverse(i.at()));
                (day, those)
            })
            .collect()
    }

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

    /// What the incident views need to name times and components.
    pub fn ctx(&self) -> views::incident::Ctx<'a> {
        views::incident::Ctx {
            tz: self.tz,
            components: self.all_components,
        }
    }
}

/// A rendered document (page, feed, JSON) with its ETag and content type.
pub struct Rendered {
    pub generation: u64,
    pub body: Bytes,
    /// The body gzip-compressed once when it is rendered; `None` when too small to gain.
    pub gzip: Option<Bytes>,
    pub etag: String,
    pub content_type: &'static str,
}

impl Rendered {
    pub fn new(generation: u64, body: impl Into<Vec<u8>>, content_type: &'static str) -> Self {
        let body = body.into();
        let etag = format!("\"{}\"", hex::encode(&Sha256::digest(&body)[..10]));
        Rendered {
            generation,
            gzip: crate::assets::gzip(&body).map(Bytes::from),
            body: Bytes::from(body),
            etag,
            content_type,
        }
    }
}

/// The in-memory copies of the snapshot and of each rendered document.
pub struct PageCache {
    /// Tells this cache apart from another server's in the same process.
    id: u64,
    snapshot: RwLock<Option<Arc<Snapshot>>>,
    /// Keyed by `{page id}/{document}`; only the current generation is kept.
    rendered: RwLock<HashMap<String, Arc<Rendered>>>,
}

impl Default for PageCache {
    fn default() -> Self {
        PageCache {
            id: rand::random(),
            snapshot: RwLock::default(),
            rendered: RwLock::default(),
        }
    }
}

impl PageCache {
    pub fn id(&self) -> u64 {
        self.id
    }

    /// The generation the snapshot has when it is current: the store's, and a new one
    /// every five minutes (uptime bars change with routine results, which do not bump
    /// the store's generation). Reads no lock.
    pub fn current_generation(store: &Store) -> u64 {
        let window = Utc::now().timestamp() / 300;
        (store.generation() << 24) | (window as u64 & 0xff_ffff)
    }

    /// The current snapshot, reloaded from the store when anything changed.
    pub async fn snapshot(&self, store: &Store) -> AppResult<Arc<Snapshot>> {
        let generation = Self::current_generation(store);
        if let Some(s) = self.snapshot.read().map_err(poisoned)?.as_ref()
            && s.generation == generation
        {
            return Ok(s.clone());
        }
        let snap = store
            .run(move |s| {
                let now = s.now();
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
                    timelines: s.status_timelines()?,
                    measured: measured_uptime(s, now)?,
                    now,
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

/// The 90-day measured uptime of each component whose editors show it publicly, from
/// the daily rollups of the monitors that drive it.
fn measured_uptime(s: &Store, now: DateTime<Utc>) -> AppResult<HashMap<String, Option<f64>>> {
    let monitors = s.list_monitors()?;
    let from = now - chrono::Duration::days(90);
    let mut out = HashMap::new();
    for c in s
        .list_components()?
        .iter()
        .filter(|c| c.show_measured_uptime)
    {
        let ids: Vec<String> = monitors
            .iter()
            .filter(|m| m.component_id.as_deref() == Some(c.id.as_str()))
            .map(|m| m.id.clone())
            .collect();
        let mut total = Bucket::default();
        for b in s
            .daily_buckets(&ids, from, now + chrono::Duration::days(1))?
            .values()
        {
            total.merge(b);
        }
        out.insert(c.id.clone(), total.uptime());
    }
    Ok(out)
}
