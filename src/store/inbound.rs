//! Inbound alerts: each alert is routed, written up and decided, and the decision, the
//! key's record and the alert event are written in one transaction.

use super::alerts::execute;
use super::codec::Json;
use super::incidents::{load_incident, put_incident};
use super::{Store, all, get, new_id, tables};
use crate::domain::alert_lifecycle::{self, AlertEvent, Decision, Texts, TrackState, TrackedAlert};
use crate::domain::alert_writer::{self, DraftText};
use crate::domain::inbound::{self, Alert, AlertSource, AlertStatus, Route};
use crate::domain::{Component, Incident, IncidentState, Page};
use crate::error::{AppError, AppResult};
use chrono::{DateTime, Duration, Utc};
use redb::{ReadableTable, WriteTransaction};

/// Raw bodies are kept this long (the retention worker prunes older events).
pub const EVENT_RETENTION_DAYS: i64 = 30;
/// Raw bodies are stored up to this size.
const RAW_KEEP: usize = 64 * 1024;

/// What became of one alert.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct Received {
    pub key: String,
    pub outcome: String,
    pub incident_id: Option<String>,
    pub rule_id: Option<String>,
    pub event_id: String,
}

/// The routed alert's text and what must not leak from it.
#[derive(Debug, Clone)]
pub struct Prepared {
    pub route: Route,
    pub text: DraftText,
    pub names: Vec<String>,
    pub forbidden: Vec<String>,
}

/// Routes and writes up an alert from the rules, components and pages it is given.
fn prepare_from(
    a: &Alert,
    rules: &[inbound::AlertRule],
    comps: &[Component],
    page_of: impl Fn(Option<&str>) -> Option<String>,
) -> AppResult<Option<Prepared>> {
    let Some(route) = inbound::route(a, rules, comps) else {
        return Ok(None);
    };
    let unknown: Vec<&str> = route
        .components
        .iter()
        .map(|(id, _)| id.as_str())
        .filter(|id| !comps.iter().any(|c| c.id == *id))
        .collect();
    if !unknown.is_empty() {
        return Err(AppError::UnknownIds {
            field: "affected_component_ids".into(),
            message: format!("unknown component ids: {}", unknown.join(", ")),
        });
    }
    let page = match &route.page {
        Some(p) => Some(page_of(Some(p)).ok_or_else(|| AppError::UnknownIds {
            field: "status_page_id".into(),
            message: format!("unknown page: {p}"),
        })?),
        None => route
            .components
            .first()
            .and_then(|(id, _)| comps.iter().find(|c| c.id == *id))
            .and_then(|c| c.page_ids.first().cloned())
            .or_else(|| page_of(None)),
    };
    let on_page = |c: &Component| page.as_ref().is_some_and(|p| c.page_ids.contains(p));
    let names: Vec<String> = route
        .components
        .iter()
        .filter_map(|(id, _)| comps.iter().find(|c| c.id == *id && on_page(c)))
        .map(|c| c.name.clone())
        .collect();
    let hidden: Vec<String> = comps
        .iter()
        .filter(|c| !on_page(c))
        .map(|c| c.name.clone())
        .collect();
    let forbidden = alert_writer::forbidden_words(a, &names, &hidden);
    let effect = alert_writer::effect_of(a, route.impact);
    let text = alert_writer::write(effect, &names, route.tone);
    let mut route = route;
    route.page = page;
    Ok(Some(Prepared {
        route,
        text,
        names,
        forbidden,
    }))
}

/// The page id for a slug or id (the default page for `None`).
fn page_id<S, P>(slugs: &S, pages: &P, key: Option<&str>) -> Option<String>
where
    S: ReadableTable<&'static str, &'static str>,
    P: ReadableTable<&'static str, Json<Page>>,
{
    let key = key
        .map(str::trim)
        .filter(|k| !k.is_empty())
        .unwrap_or("default");
    if let Ok(Some(id)) = slugs.get(key) {
        return Some(id.value().to_string());
    }
    matches!(pages.get(key), Ok(Some(_))).then(|| key.to_string())
}

fn truncate(raw: &str) -> String {
    let mut end = raw.len().min(RAW_KEEP);
    while !raw.is_char_boundary(end) {
        end -= 1;
    }
    raw[..end].to_string()
}

/// The team-only text kept on the incident: the alert as received, and any AI note.
fn source_text(a: &Alert, note: Option<&str>) -> String {
    let mut s = format!(
        "{} alert {:?}",
        a.source.map_or("", AlertSource::as_str),
        a.title
    );
    for (k, v) in &a.labels {
        s.push_str(&format!("\n{k}={v}"));
    }
    for (k, v) in &a.annotations {
        s.push_str(&format!("\n{k}: {v}"));
    }
    if let Some(r) = &a.raw_input {
        s.push_str(&format!("\n\n{r}"));
    }
    if let Some(n) = note {
        s.push_str(&format!("\n\n{n}"));
    }
    s
}

/// Routes, decides and records one alert inside `txn` (see `Store::receive_alert`).
fn receive_in(
    txn: &WriteTransaction,
    a: &Alert,
    raw: &str,
    via: &str,
    ai: Option<Result<DraftText, String>>,
    now: DateTime<Utc>,
) -> AppResult<Received> {
    let source = a.source.unwrap_or(AlertSource::Generic);
    let status = a.status.unwrap_or(AlertStatus::Firing);
    let actor = format!("alert:{}", source.as_str());
    let rules = all(&txn.open_table(tables::ALERT_RULES)?)?;
    let comps: Vec<Component> = all(&txn.open_table(tables::COMPONENTS)?)?;
    let prepared = {
        let slugs = txn.open_table(tables::PAGE_SLUGS)?;
        let pages = txn.open_table(tables::PAGES)?;
        prepare_from(a, &rules, &comps, |k| page_id(&slugs, &pages, k))?
    };
    let mut event = AlertEvent {
        id: new_id(),
        at: now,
        source,
        key: a.key.clone(),
        status: Some(status),
        outcome: "unmatched".into(),
        rule_id: None,
        incident_id: None,
        title: a.title.clone(),
        labels: a.labels.clone(),
        error: None,
        field: None,
        via: via.into(),
        raw: truncate(raw),
    };
    let Some(p) = prepared else {
        put_event(txn, &event)?;
        return Ok(received(&event));
    };
    let (text, note) = match ai {
        Some(Ok(t)) => {
            match alert_writer::leak(&format!("{}\n{}", t.title, t.message), &p.forbidden) {
                None => (t, Some("Text rewritten by the AI endpoint.".to_string())),
                Some(why) => (
                    p.text.clone(),
                    Some(format!(
                        "AI text not used: {why}; the built-in text is proposed."
                    )),
                ),
            }
        }
        Some(Err(why)) => (
            p.text.clone(),
            Some(format!(
                "AI rewrite failed ({why}); the built-in text is proposed."
            )),
        ),
        None => (p.text.clone(), None),
    };
    let texts = Texts {
        title: text.title,
        message: text.message,
        resolved_message: alert_writer::write_resolved(&p.names, p.route.tone),
        source_text: source_text(a, note.as_deref()),
    };
    let id = format!("{}:{}", source.as_str(), a.key);
    let tracked: Option<TrackedAlert> = get(&txn.open_table(tables::ALERT_TRACKED)?, &id)?;
    let incident: Option<Incident> = match tracked.as_ref().and_then(|t| t.incident_id.as_deref()) {
        Some(iid) => get(&txn.open_table(tables::INCIDENTS)?, iid)?,
        None => None,
    };
    let Decision { actions, outcome } = alert_lifecycle::decide(
        status,
        tracked.as_ref(),
        incident.as_ref(),
        &p.route,
        &texts,
    );
    let opened = execute(txn, &actions, &actor, now)?;
    let mut t = match (tracked, &opened) {
        (Some(t), None) => t,
        _ => TrackedAlert {
            id: id.clone(),
            source,
            key: a.key.clone(),
            state: TrackState::Open,
            incident_id: opened.clone(),
            rule_id: p.route.rule_id.clone(),
            title: a.title.clone(),
            first_seen: now,
            last_seen: now,
            fires: 0,
            members: vec![],
            resolve_proposed: false,
            auto_publish_at: p
                .route
                .auto_publish_minutes
                .filter(|_| !p.route.publish)
                .and_then(|m| now.checked_add_signed(Duration::minutes(i64::from(m)))),
            discard_reason: None,
            closed_at: None,
        },
    };
    t.last_seen = now;
    for m in &a.members {
        if !t.members.contains(m) {
            t.members.push(m.clone());
        }
    }
    match outcome {
        "drafted" | "published" | "refire" => t.fires = t.fires.saturating_add(1),
        "resolved_before_publishing" => {
            t.state = TrackState::Filtered;
            t.closed_at = Some(now);
        }
        "resolved" => {
            t.state = TrackState::Resolved;
            t.closed_at = Some(now);
        }
        "resolve_proposed" => t.resolve_proposed = true,
        _ => {}
    }
    if outcome != "nothing_open" || t.incident_id.is_some() {
        txn.open_table(tables::ALERT_TRACKED)?
            .insert(id.as_str(), &t)?;
    }
    event.outcome = outcome.into();
    event.rule_id = p.route.rule_id.clone();
    event.incident_id = opened.or(t.incident_id.clone());
    put_event(txn, &event)?;
    Ok(received(&event))
}

fn put_event(txn: &WriteTransaction, e: &AlertEvent) -> AppResult<()> {
    txn.open_table(tables::ALERT_EVENTS)?
        .insert(e.id.as_str(), e)?;
    Ok(())
}

impl Store {
    /// Creates the alert tables (no schema change: they are new and start empty).
    pub(super) fn create_alert_tables(&self) -> AppResult<()> {
        self.write_quiet(|txn| {
            txn.open_table(tables::ALERT_RULES)?;
            txn.open_table(tables::ALERT_SECRETS)?;
            txn.open_table(tables::ALERT_SECRET_HASHES)?;
            txn.open_table(tables::ALERT_TRACKED)?;
            txn.open_table(tables::ALERT_EVENTS)?;
            txn.open_table(tables::DISCARDED_DRAFTS)?;
            Ok(())
        })
    }

    /// Routes and writes up an alert without changing anything (the AI rewrite starts
    /// from this). `None`: no rule or label routes it.
    pub fn prepare_alert(&self, a: &Alert) -> AppResult<Option<Prepared>> {
        let txn = self.read()?;
        let rules = all(&txn.open_table(tables::ALERT_RULES)?)?;
        let comps: Vec<Component> = all(&txn.open_table(tables::COMPONENTS)?)?;
        let slugs = txn.open_table(tables::PAGE_SLUGS)?;
        let pages = txn.open_table(tables::PAGES)?;
        prepare_from(a, &rules, &comps, |k| page_id(&slugs, &pages, k))
    }

    /// Receives one alert in one transaction: routes it, decides, carries the decision
    /// out and records the event. `ai` is a rewrite of the draft text (or why none).
    pub fn receive_alert(
        &self,
        a: &Alert,
        raw: &str,
        via: &str,
        ai: Option<Result<DraftText, String>>,
    ) -> AppResult<Received> {
        let now = self.now();
        self.write(|txn| receive_in(txn, a, raw, via, ai, now))
    }

    /// Receives a test alert from the admin: as `receive_alert`, and a draft it opens is
    /// titled "Test alert: …" in the same transaction so nobody mistakes it for real.
    pub fn receive_test_alert(&self, a: &Alert, raw: &str, via: &str) -> AppResult<Received> {
        let now = self.now();
        self.write(|txn| {
            let r = receive_in(txn, a, raw, via, None, now)?;
            if let (Some(id), "drafted") = (r.incident_id.as_deref(), r.outcome.as_str()) {
                let mut i = load_incident(txn, id)?;
                i.title = format!("Test alert: {}", i.title);
                put_incident(txn, &i)?;
            }
            Ok(r)
        })
    }

    /// Records a refused payload (bad JSON, wrong shape, bad secret or signature) with
    /// the error, so the team sees it in admin.
    pub fn record_alert_rejection(
        &self,
        source: AlertSource,
        raw: &str,
        via: &str,
        e: &AppError,
    ) -> AppResult<()> {
        let event = AlertEvent {
            id: new_id(),
            at: self.now(),
            source,
            key: String::new(),
            status: None,
            outcome: "rejected".into(),
            rule_id: None,
            incident_id: None,
            title: String::new(),
            labels: Default::default(),
            error: Some(e.to_string()),
            field: e.field().map(str::to_string),
            via: via.into(),
            raw: truncate(raw),
        };
        self.write_quiet(|txn| put_event(txn, &event))
    }

    /// Alert events newest first.
    pub fn list_alert_events(&self) -> AppResult<Vec<AlertEvent>> {
        let mut out: Vec<AlertEvent> = all(&self.read()?.open_table(tables::ALERT_EVENTS)?)?;
        out.reverse();
        Ok(out)
    }

    pub fn get_alert_event(&self, id: &str) -> AppResult<AlertEvent> {
        get(&self.read()?.open_table(tables::ALERT_EVENTS)?, id)?
            .ok_or_else(|| AppError::NotFound(format!("alert event {id}")))
    }

    /// Every deduplication key seen, newest first.
    pub fn list_tracked_alerts(&self) -> AppResult<Vec<TrackedAlert>> {
        let mut out: Vec<TrackedAlert> = all(&self.read()?.open_table(tables::ALERT_TRACKED)?)?;
        out.sort_by_key(|t| std::cmp::Reverse(t.last_seen));
        Ok(out)
    }

    /// Deletes alert events (and their raw bodies) older than the retention window.
    pub fn prune_alert_events(&self, now: DateTime<Utc>) -> AppResult<usize> {
        let cutoff = now - Duration::days(EVENT_RETENTION_DAYS);
        self.write_quiet(|txn| {
            let mut t = txn.open_table(tables::ALERT_EVENTS)?;
            let old: Vec<String> = t
                .iter()?
                .filter_map(Result::ok)
                .filter(|(_, v)| v.value().at < cutoff)
                .map(|(k, _)| k.value().to_string())
                .collect();
            for k in &old {
                t.remove(k.as_str())?;
            }
            Ok(old.len())
        })
    }

    /// Drafts waiting for a person: unpublished incidents and proposed resolves.
    pub fn count_drafts(&self) -> AppResult<usize> {
        let txn = self.read()?;
        let incidents: Vec<Incident> = all(&txn.open_table(tables::INCIDENTS)?)?;
        let tracked: Vec<TrackedAlert> = all(&txn.open_table(tables::ALERT_TRACKED)?)?;
        let drafts = incidents
            .iter()
            .filter(|i| i.state == IncidentState::Draft)
            .count();
        let resolves = tracked
            .iter()
            .filter(|t| t.state == TrackState::Open && t.resolve_proposed)
            .count();
        Ok(drafts + resolves)
    }

    /// Publishes drafts whose rule asked for it after N minutes and that still fire.
    pub fn auto_publish_alert_drafts(&self) -> AppResult<Vec<String>> {
        let now = self.now();
        let due: Vec<String> = {
            let txn = self.read()?;
            let tracked: Vec<TrackedAlert> = all(&txn.open_table(tables::ALERT_TRACKED)?)?;
            let incidents = txn.open_table(tables::INCIDENTS)?;
            let mut due = Vec::new();
            for t in tracked {
                let Some(iid) = t.incident_id.as_deref() else {
                    continue;
                };
                if let Some(i) = get::<Incident, _>(&incidents, iid)?
                    && alert_lifecycle::auto_publish_due(&t, &i, now)
                {
                    due.push(i.id);
                }
            }
            due
        };
        for id in &due {
            self.publish_incident(id, "alert:auto-publish")?;
        }
        Ok(due)
    }
}

fn received(e: &AlertEvent) -> Received {
    Received {
        key: e.key.clone(),
        outcome: e.outcome.clone(),
        incident_id: e.incident_id.clone(),
        rule_id: e.rule_id.clone(),
        event_id: e.id.clone(),
    }
}
