//! The outbox: notices fanned out from the `events` table, one durable row per
//! recipient written before any attempt, and the queue the delivery worker drains.
//! The fan-out writes its notices and the id of the last event it handled in one
//! transaction, so a crash either loses the whole batch (done again) or none of it.
//! Longer than 500 lines only through its table tests (the code is 377 lines).
//! Longer than 500 lines only through its tests (the code is 378 lines).

use super::{Store, all, get, new_id, tables};
use crate::domain::access::page_may_mail;
use crate::domain::{
    Component, Event, Incident, Maintenance, MaintenanceStatus, Notice, NoticePurpose, NoticeState,
    OutboxCounts, Outcome, Page, Subscriber, settle, wants,
};
use crate::error::{AppError, AppResult};
use chrono::{DateTime, Duration, Utc};
use redb::{ReadableTable, WriteTransaction};
use std::collections::HashMap;
use std::ops::Bound;
use std::sync::Arc;

/// `META` key holding the id of the last event the fan-out handled.
pub const CURSOR_KEY: &str = "notify_cursor";

/// Everything a batch of notices needs to be rendered, read in one transaction.
#[derive(Debug, Default)]
pub struct BatchCtx {
    pub pages: Vec<Page>,
    pub components: Vec<Component>,
    pub maintenance: Vec<Maintenance>,
    pub incidents: HashMap<String, Incident>,
    pub events: HashMap<String, Event>,
}

/// One due notice and its recipient (`None` once the subscriber is gone).
#[derive(Debug, Clone)]
pub struct Delivery {
    pub notice: Notice,
    pub subscriber: Option<Subscriber>,
}

/// Due notices with their context.
#[derive(Debug, Default)]
pub struct Batch {
    pub ctx: Arc<BatchCtx>,
    pub items: Vec<Delivery>,
}

fn due_ms(t: DateTime<Utc>) -> i64 {
    t.timestamp_millis()
}

/// Writes a notice and its queue entry unless a notice with that id exists.
pub(super) fn queue_notice(txn: &WriteTransaction, n: Notice) -> AppResult<bool> {
    let mut notices = txn.open_table(tables::NOTICES)?;
    if notices.get(n.id.as_str())?.is_some() {
        return Ok(false);
    }
    notices.insert(n.id.as_str(), &n)?;
    txn.open_table(tables::NOTICE_QUEUE)?
        .insert((due_ms(n.next_attempt_at), n.id.as_str()), ())?;
    Ok(true)
}

/// The notices one event owes, one per subscriber who wants it.
fn notices_for(
    ev: &Event,
    subs: &[Subscriber],
    comps: &[Component],
    now: DateTime<Utc>,
) -> Vec<Notice> {
    let pages_of = |id: &str| {
        comps
            .iter()
            .find(|c| c.id == id)
            .map(|c| c.page_ids.clone())
            .unwrap_or_default()
    };
    subs.iter()
        .filter(|s| wants(s, ev, pages_of))
        .map(|s| Notice {
            id: format!("{}.{}", ev.id, s.id),
            purpose: NoticePurpose::Event,
            subscriber_id: s.id.clone(),
            kind: s.kind,
            address: s.address().to_string(),
            event_id: Some(ev.id.clone()),
            event_kind: ev.kind.clone(),
            state: NoticeState::Pending,
            attempts: 0,
            next_attempt_at: now,
            last_error: None,
            created_at: now,
            queued_at: now,
            sent_at: None,
        })
        .collect()
}

impl Store {
    /// Id of the last event the fan-out handled.
    pub fn notify_cursor(&self) -> AppResult<Option<String>> {
        Ok(self
            .read()?
            .open_table(tables::META)?
            .get(CURSOR_KEY)?
            .map(|v| v.value().to_string()))
    }

    /// Turns up to `max_events` new events into notices, and moves the cursor past them,
    /// in one transaction. Returns (events handled, notices written).
    pub fn fan_out(&self, max_events: usize) -> AppResult<(usize, usize)> {
        let cursor = self.notify_cursor()?;
        if self.list_events(cursor.as_deref(), 1)?.is_empty() {
            return Ok((0, 0));
        }
        let now = self.now();
        self.write_quiet(|txn| {
            let mut meta = txn.open_table(tables::META)?;
            let cursor = meta.get(CURSOR_KEY)?.map(|v| v.value().to_string());
            let events = txn.open_table(tables::EVENTS)?;
            let range = match cursor.as_deref() {
                Some(c) => events.range::<&str>((Bound::Excluded(c), Bound::Unbounded))?,
                None => events.range::<&str>(..)?,
            };
            let mut batch = Vec::new();
            for row in range.take(max_events) {
                batch.push(row?.1.value());
            }
            drop(events);
            let Some(last) = batch.last().map(|e| e.id.clone()) else {
                return Ok((0, 0));
            };
            let subs: Vec<Subscriber> = all(&txn.open_table(tables::SUBSCRIBERS)?)?;
            let pages: HashMap<String, Page> = all::<Page, _>(&txn.open_table(tables::PAGES)?)?
                .into_iter()
                .map(|p| (p.id.clone(), p))
                .collect();
            // A customer page's allowlist is asked again now: a removed domain hears nothing.
            let subs: Vec<Subscriber> = subs
                .into_iter()
                .filter(|s| {
                    s.confirmed
                        && pages
                            .get(&s.page_id)
                            .is_none_or(|p| page_may_mail(p, s.email.as_deref()))
                })
                .collect();
            let comps: Vec<Component> = all(&txn.open_table(tables::COMPONENTS)?)?;
            let mut written = 0;
            for ev in &batch {
                for n in notices_for(ev, &subs, &comps, now) {
                    written += usize::from(queue_notice(txn, n)?);
                }
            }
            meta.insert(CURSOR_KEY, last.as_str())?;
            Ok((batch.len(), written))
        })
    }

    /// Writes a `maintenance.reminder` event for each announced window that starts within
    /// `minutes` and has not been reminded of yet. Returns how many.
    pub fn write_reminders(&self, now: DateTime<Utc>, minutes: i64) -> AppResult<usize> {
        if minutes <= 0 {
            return Ok(0);
        }
        // A lead too long to be a duration reminds of nothing (config, not a crash).
        let lead = Duration::try_minutes(minutes);
        let soon: Vec<Maintenance> = self
            .list_maintenance()?
            .into_iter()
            .filter(|m| {
                m.status == MaintenanceStatus::Scheduled
                    && m.starts_at > now
                    && lead.is_some_and(|lead| {
                        m.starts_at.checked_sub_signed(lead).is_none_or(|t| t <= now)
                    })
                    && m.updates.first().is_some_and(|u| u.notify)
                    // Scheduled less than the reminder lead ahead: the announcement suffices.
                    && lead.is_some_and(|lead| m.starts_at - m.created_at > lead)
            })
            .collect();
        if soon.is_empty() {
            return Ok(0);
        }
        self.write_quiet(|txn| {
            let mut reminded = txn.open_table(tables::REMINDERS)?;
            let mut events = txn.open_table(tables::EVENTS)?;
            let mut n = 0;
            for m in &soon {
                if reminded.get(m.id.as_str())?.is_some() {
                    continue;
                }
                let ev = Event {
                    id: new_id(),
                    at: now,
                    kind: "maintenance.reminder".into(),
                    actor: "system".into(),
                    page_id: m.page_id.clone(),
                    incident_id: None,
                    maintenance_id: Some(m.id.clone()),
                    update_id: None,
                    component_ids: m.component_ids.clone(),
                    notify: true,
                    change: None,
                };
                events.insert(ev.id.as_str(), &ev)?;
                reminded.insert(m.id.as_str(), now.to_rfc3339().as_str())?;
                n += 1;
            }
            Ok(n)
        })
    }

    /// Up to `limit` notices due at `now`, oldest due first, with what rendering needs.
    pub fn due_batch(&self, now: DateTime<Utc>, limit: usize) -> AppResult<Batch> {
        let txn = self.read()?;
        let queue = txn.open_table(tables::NOTICE_QUEUE)?;
        let notices = txn.open_table(tables::NOTICES)?;
        let subs = txn.open_table(tables::SUBSCRIBERS)?;
        let mut items = Vec::new();
        for row in queue
            .range((i64::MIN, "")..(due_ms(now) + 1, ""))?
            .take(limit)
        {
            let (k, _) = row?;
            let (_, id) = k.value();
            let Some(notice) = get::<Notice, _>(&notices, id)? else {
                continue;
            };
            let subscriber = get(&subs, &notice.subscriber_id)?;
            items.push(Delivery { notice, subscriber });
        }
        if items.is_empty() {
            return Ok(Batch::default());
        }
        let event_table = txn.open_table(tables::EVENTS)?;
        let incident_table = txn.open_table(tables::INCIDENTS)?;
        let mut ctx = BatchCtx {
            pages: all(&txn.open_table(tables::PAGES)?)?,
            components: all(&txn.open_table(tables::COMPONENTS)?)?,
            maintenance: all(&txn.open_table(tables::MAINTENANCE)?)?,
            ..Default::default()
        };
        for d in &items {
            let Some(eid) = &d.notice.event_id else {
                continue;
            };
            if ctx.events.contains_key(eid) {
                continue;
            }
            let Some(ev) = get::<Event, _>(&event_table, eid)? else {
                continue;
            };
            if let Some(iid) = &ev.incident_id
                && !ctx.incidents.contains_key(iid)
                && let Some(i) = get::<Incident, _>(&incident_table, iid)?
            {
                ctx.incidents.insert(iid.clone(), i);
            }
            ctx.events.insert(eid.clone(), ev);
        }
        Ok(Batch {
            ctx: Arc::new(ctx),
            items,
        })
    }

    /// The earliest time a pending notice is due, if any.
    pub fn next_due(&self) -> AppResult<Option<DateTime<Utc>>> {
        let txn = self.read()?;
        let queue = txn.open_table(tables::NOTICE_QUEUE)?;
        Ok(queue
            .first()?
            .and_then(|(k, _)| DateTime::from_timestamp_millis(k.value().0)))
    }

    /// Records the outcomes of one round of deliveries in one transaction.
    pub fn settle_notices(
        &self,
        results: Vec<(String, Outcome)>,
        now: DateTime<Utc>,
        horizon: Duration,
    ) -> AppResult<()> {
        if results.is_empty() {
            return Ok(());
        }
        self.write_quiet(|txn| {
            let mut notices = txn.open_table(tables::NOTICES)?;
            let mut queue = txn.open_table(tables::NOTICE_QUEUE)?;
            for (id, outcome) in results {
                let Some(mut n) = get::<Notice, _>(&notices, &id)? else {
                    continue;
                };
                if n.state != NoticeState::Pending {
                    continue;
                }
                queue.remove((due_ms(n.next_attempt_at), n.id.as_str()))?;
                settle(&mut n, outcome, now, horizon);
                if n.state == NoticeState::Pending {
                    queue.insert((due_ms(n.next_attempt_at), n.id.as_str()), ())?;
                }
                notices.insert(n.id.as_str(), &n)?;
            }
            Ok(())
        })
    }

    /// Puts failed notices back in the queue, due now: one id, or every failed one.
    /// Returns how many.
    pub fn retry_notices(&self, id: Option<&str>) -> AppResult<usize> {
        let now = self.now();
        self.write_quiet(|txn| {
            let mut notices = txn.open_table(tables::NOTICES)?;
            let ids: Vec<String> = match id {
                Some(id) => {
                    let n: Notice = get(&notices, id)?
                        .ok_or_else(|| AppError::NotFound(format!("notice {id}")))?;
                    if n.state != NoticeState::Failed {
                        return Err(AppError::Conflict(format!(
                            "notice {id} is {}, not failed",
                            n.state.as_str()
                        )));
                    }
                    vec![id.to_string()]
                }
                None => all::<Notice, _>(&notices)?
                    .into_iter()
                    .filter(|n| n.state == NoticeState::Failed)
                    .map(|n| n.id)
                    .collect(),
            };
            let mut queue = txn.open_table(tables::NOTICE_QUEUE)?;
            for id in &ids {
                let Some(mut n) = get::<Notice, _>(&notices, id)? else {
                    continue;
                };
                n.state = NoticeState::Pending;
                n.next_attempt_at = now;
                n.queued_at = now;
                queue.insert((due_ms(now), n.id.as_str()), ())?;
                notices.insert(n.id.as_str(), &n)?;
            }
            Ok(ids.len())
        })
    }

    /// Notices, newest first, optionally of one state.
    pub fn list_notices(&self, state: Option<NoticeState>) -> AppResult<Vec<Notice>> {
        let mut out: Vec<Notice> = all(&self.read()?.open_table(tables::NOTICES)?)?;
        out.retain(|n| state.is_none_or(|s| n.state == s));
        out.sort_by(|a, b| b.created_at.cmp(&a.created_at).then(b.id.cmp(&a.id)));
        Ok(out)
    }

    pub fn get_notice(&self, id: &str) -> AppResult<Notice> {
        get(&self.read()?.open_table(tables::NOTICES)?, id)?
            .ok_or_else(|| AppError::NotFound(format!("notice {id}")))
    }

    pub fn outbox_counts(&self) -> AppResult<OutboxCounts> {
        let mut c = OutboxCounts::default();
        for row in self.read()?.open_table(tables::NOTICES)?.iter()? {
            match row?.1.value().state {
                NoticeState::Pending => c.pending += 1,
                NoticeState::Sent => c.sent += 1,
                NoticeState::Failed => c.failed += 1,
                NoticeState::Cancelled => c.cancelled += 1,
            }
        }
        Ok(c)
    }

    /// Forgets finished notices written before `before`; returns how many.
    pub fn prune_notices(&self, before: DateTime<Utc>) -> AppResult<usize> {
        let old: Vec<String> = self
            .list_notices(None)?
            .into_iter()
            .filter(|n| n.state != NoticeState::Pending && n.created_at < before)
            .map(|n| n.id)
            .collect();
        if old.is_empty() {
            return Ok(0);
        }
        self.write_quiet(|txn| {
            let mut notices = txn.open_table(tables::NOTICES)?;
            for id in &old {
                notices.remove(id.as_str())?;
            }
            Ok(old.len())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::{NewIncident, NewSubscriber, SubscribeSource};

    fn store() -> (tempfile::TempDir, Store) {
        let dir = tempfile::tempdir().unwrap();
        let s = Store::open(&dir.path().join("t.redb")).unwrap();
        (dir, s)
    }

    fn add(s: &Store, email: &str) -> Subscriber {
        s.subscribe(
            NewSubscriber {
                email: Some(email.into()),
                skip_confirmation: true,
                ..Default::default()
            },
            SubscribeSource::Api,
        )
        .unwrap()
        .subscriber
    }

    #[test]
    fn fan_out_is_once_per_event_and_moves_the_cursor() {
        let (_d, s) = store();
        add(&s, "a@example.com");
        add(&s, "b@example.com");
        let incident = NewIncident {
            title: "API down".into(),
            notify: true,
            ..Default::default()
        };
        s.create_incident(incident.clone(), "t").unwrap();
        assert_eq!(s.fan_out(100).unwrap(), (1, 2));
        assert_eq!(s.fan_out(100).unwrap(), (0, 0), "nothing new");
        let silent = NewIncident {
            notify: false,
            ..incident
        };
        s.create_incident(silent, "t").unwrap();
        assert_eq!(
            s.fan_out(100).unwrap(),
            (1, 0),
            "notify off: handled, nobody told"
        );
        let batch = s.due_batch(Utc::now(), 10).unwrap();
        assert_eq!(batch.items.len(), 2);
        assert!(batch.items.iter().all(|d| d.subscriber.is_some()));
        assert_eq!(batch.ctx.incidents.len(), 1);
    }

    #[test]
    fn settle_retries_then_fails_and_retry_requeues() {
        let (_d, s) = store();
        add(&s, "a@example.com");
        s.create_incident(
            NewIncident {
                title: "x".into(),
                notify: true,
                ..Default::default()
            },
            "t",
        )
        .unwrap();
        s.fan_out(10).unwrap();
        let now = Utc::now();
        let id = s.due_batch(now, 10).unwrap().items[0].notice.id.clone();
        s.settle_notices(
            vec![(id.clone(), Outcome::Retry("busy".into()))],
            now,
            Duration::hours(24),
        )
        .unwrap();
        assert!(s.due_batch(now, 10).unwrap().items.is_empty(), "backed off");
        assert!(s.next_due().unwrap().unwrap() > now);
        let later = now + Duration::minutes(1);
        assert_eq!(s.due_batch(later, 10).unwrap().items.len(), 1);
        s.settle_notices(
            vec![(id.clone(), Outcome::Permanent("SMTP 550 no".into()))],
            later,
            Duration::hours(24),
        )
        .unwrap();
        assert_eq!(s.get_notice(&id).unwrap().state, NoticeState::Failed);
        assert!(s.next_due().unwrap().is_none());
        assert_eq!(s.retry_notices(None).unwrap(), 1);
        assert_eq!(s.due_batch(Utc::now(), 10).unwrap().items.len(), 1);
        s.settle_notices(
            vec![(id.clone(), Outcome::Sent)],
            Utc::now(),
            Duration::hours(24),
        )
        .unwrap();
        let c = s.outbox_counts().unwrap();
        assert_eq!((c.sent, c.pending, c.failed), (1, 0, 0));
    }

    #[test]
    fn form_sign_up_confirms_and_never_reveals() {
        let (_d, s) = store();
        let form = |email: &str| {
            s.subscribe(
                NewSubscriber {
                    email: Some(email.into()),
                    skip_confirmation: true,
                    ..Default::default()
                },
                SubscribeSource::Form,
            )
            .unwrap()
        };
        let first = form("A@Example.com");
        assert!(
            first.created && !first.subscriber.confirmed,
            "the form cannot skip confirmation"
        );
        assert_eq!(first.subscriber.email.as_deref(), Some("a@example.com"));
        let again = form("a@example.com");
        assert!(!again.created);
        let mails: Vec<Notice> = s.list_notices(None).unwrap();
        assert_eq!(
            mails
                .iter()
                .filter(|n| n.purpose == NoticePurpose::Confirm)
                .count(),
            2,
            "resent"
        );
        let confirmed = s
            .confirm_subscriber(&first.subscriber.token, Utc::now())
            .unwrap();
        assert!(confirmed.confirmed);
        form("a@example.com");
        let mails = s.list_notices(None).unwrap();
        assert_eq!(
            mails
                .iter()
                .filter(|n| n.purpose == NoticePurpose::AlreadySubscribed)
                .count(),
            1
        );
        assert!(s.unsubscribe(&first.subscriber.token).unwrap().is_some());
        assert!(s.unsubscribe(&first.subscriber.token).unwrap().is_none());
    }

    #[test]
    fn maintenance_reminder_is_written_once() {
        let (_d, s) = store();
        add(&s, "a@example.com");
        let now = Utc::now();
        let m = s
            .create_maintenance(
                crate::store::NewMaintenance {
                    title: "DB upgrade".into(),
                    starts_at: now + Duration::minutes(90),
                    ends_at: now + Duration::minutes(120),
                    notify: true,
                    ..Default::default()
                },
                "t",
            )
            .unwrap();
        assert_eq!(
            s.write_reminders(now, 60).unwrap(),
            0,
            "not yet within the lead time"
        );
        assert_eq!(
            s.write_reminders(now + Duration::minutes(31), 60).unwrap(),
            1
        );
        assert_eq!(
            s.write_reminders(now + Duration::minutes(40), 60).unwrap(),
            0,
            "once"
        );
        assert_eq!(
            s.write_reminders(now + Duration::minutes(40), 0).unwrap(),
            0,
            "0 turns reminders off"
        );
        let events = s.list_events(None, 10).unwrap();
        let kinds: Vec<&str> = events.iter().map(|e| e.kind.as_str()).collect();
        assert_eq!(kinds, ["maintenance.posted", "maintenance.reminder"]);
        assert_eq!(events[1].maintenance_id.as_deref(), Some(m.id.as_str()));
        assert_eq!(
            s.fan_out(10).unwrap(),
            (2, 2),
            "announcement and reminder reach the subscriber"
        );
    }

    #[test]
    fn unconfirmed_expire() {
        let (_d, s) = store();
        let sub = s
            .subscribe(
                NewSubscriber {
                    email: Some("late@example.com".into()),
                    ..Default::default()
                },
                SubscribeSource::Form,
            )
            .unwrap()
            .subscriber;
        let later = Utc::now() + Duration::hours(49);
        assert!(matches!(
            s.confirm_subscriber(&sub.token, later),
            Err(AppError::NotFound(_))
        ));
        assert!(
            s.list_subscribers().unwrap().is_empty(),
            "an expired link removes the sign-up"
        );
        s.subscribe(
            NewSubscriber {
                email: Some("late@example.com".into()),
                ..Default::default()
            },
            SubscribeSource::Form,
        )
        .unwrap();
        assert_eq!(s.purge_unconfirmed(later).unwrap(), 1);
    }
}
