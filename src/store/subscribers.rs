//! Subscribers: sign-up (double opt-in for email), confirmation, preferences, removal,
//! imports. A sign-up and its confirmation mail are written in one transaction.
//! One file over 500 lines: sign-ups, imports and token actions share the page, component
//! and mail-queue helpers above, and every write here is one of those transactions.

use super::outbox::queue_notice;
use super::{Store, all, get, new_id, tables};
use crate::domain::{
    Component, CsvRow, Notice, NoticePurpose, NoticeState, Page, Subscriber, SubscriberKind,
    subscriber_key, validate, webhook_url,
};
use crate::error::{AppError, AppResult};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Utc};
use rand::RngCore;
use redb::{ReadableTable, WriteTransaction};
use serde::Deserialize;

/// Where a sign-up came from; the public form never reveals whether an address exists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SubscribeSource {
    /// The public subscribe form: always confirms, answers the same either way.
    #[default]
    Form,
    Api,
    Admin,
    Import,
}

impl SubscribeSource {
    fn as_str(self) -> &'static str {
        match self {
            SubscribeSource::Form => "form",
            SubscribeSource::Api => "api",
            SubscribeSource::Admin => "admin",
            SubscribeSource::Import => "import",
        }
    }
}

/// A new subscriber as the API, the admin form or the public form sends it.
#[derive(Debug, Clone, Deserialize, Default, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewSubscriber {
    /// Page id or slug; the page of the first chosen component, else the default page.
    #[serde(default, alias = "page_id", alias = "status_page_id")]
    pub page: Option<String>,
    /// Defaults to `email` when `email` is given, `webhook` when `url` is.
    #[serde(default)]
    pub kind: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub url: Option<String>,
    /// Webhook signing key; generated when absent.
    #[serde(default)]
    pub secret: Option<String>,
    /// Empty: the whole page.
    #[serde(default)]
    pub component_ids: Vec<String>,
    /// Editors importing a list whose people already agreed.
    #[serde(default)]
    pub skip_confirmation: bool,
}

/// Changes to a subscriber; absent means unchanged.
#[derive(Debug, Clone, Deserialize, Default, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SubscriberPatch {
    pub component_ids: Option<Vec<String>>,
    pub url: Option<String>,
    pub secret: Option<String>,
    /// `true` confirms an email subscriber (editors; e.g. confirmed by other means).
    pub confirmed: Option<bool>,
}

/// Filters of the subscriber list.
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SubscriberFilter {
    /// Part of the address.
    #[serde(default)]
    pub q: Option<String>,
    #[serde(default)]
    pub kind: Option<String>,
    #[serde(default)]
    pub component_id: Option<String>,
    #[serde(default)]
    pub page: Option<String>,
    #[serde(default, deserialize_with = "bool_from_query")]
    pub confirmed: Option<bool>,
}

/// Reads `true`/`false` that arrive as text (flattened query structs hand over strings).
fn bool_from_query<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<bool>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum BoolOrText {
        Bool(bool),
        Text(String),
    }
    match Option::<BoolOrText>::deserialize(d)? {
        None => Ok(None),
        Some(BoolOrText::Bool(b)) => Ok(Some(b)),
        Some(BoolOrText::Text(t)) => match t.as_str() {
            "" => Ok(None),
            "true" | "yes" | "1" => Ok(Some(true)),
            "false" | "no" | "0" => Ok(Some(false)),
            other => Err(serde::de::Error::custom(format!(
                "confirmed: {other:?} is not true or false"
            ))),
        },
    }
}

impl SubscriberFilter {
    pub fn matches(&self, s: &Subscriber) -> bool {
        let q = self
            .q
            .as_deref()
            .map(|q| q.trim().to_lowercase())
            .unwrap_or_default();
        (q.is_empty() || s.address().to_lowercase().contains(&q))
            && self
                .kind
                .as_deref()
                .filter(|k| !k.is_empty())
                .is_none_or(|k| s.kind.as_str() == k)
            && self
                .component_id
                .as_deref()
                .filter(|c| !c.is_empty())
                .is_none_or(|c| s.component_ids.iter().any(|x| x == c))
            && self
                .page
                .as_deref()
                .filter(|p| !p.is_empty())
                .is_none_or(|p| s.page_id == p)
            && self.confirmed.is_none_or(|c| s.confirmed == c)
    }
}

/// What a sign-up did.
#[derive(Debug, Clone)]
pub struct Subscribed {
    pub subscriber: Subscriber,
    /// False when the address was already subscribed to the page.
    pub created: bool,
}

/// What an import did.
#[derive(Debug, Clone, Default, serde::Serialize, utoipa::ToSchema)]
pub struct ImportReport {
    pub created: usize,
    /// Rows whose address was already subscribed (left unchanged).
    pub existing: usize,
}

/// A random URL-safe secret of 24 bytes.
fn random_secret() -> String {
    let mut b = [0u8; 24];
    rand::rng().fill_bytes(&mut b);
    URL_SAFE_NO_PAD.encode(b)
}

fn not_found(id: &str) -> AppError {
    AppError::NotFound(format!("subscriber {id}"))
}

/// Page id from an id or slug (default page when absent).
fn page_in(txn: &WriteTransaction, key: Option<&str>) -> AppResult<Page> {
    let key = key
        .map(str::trim)
        .filter(|k| !k.is_empty())
        .unwrap_or("default");
    let pages = txn.open_table(tables::PAGES)?;
    if let Some(p) = get::<Page, _>(&pages, key)? {
        return Ok(p);
    }
    let id = txn
        .open_table(tables::PAGE_SLUGS)?
        .get(key)?
        .map(|v| v.value().to_string());
    match id
        .map(|id| get::<Page, _>(&pages, &id))
        .transpose()?
        .flatten()
    {
        Some(p) => Ok(p),
        None => Err(AppError::UnknownIds {
            field: "page".into(),
            message: format!("unknown page: {key}"),
        }),
    }
}

/// Checks the chosen components exist; picks the page when none was named.
fn page_and_components(
    txn: &WriteTransaction,
    page: Option<&str>,
    ids: &[String],
) -> AppResult<(Page, Vec<String>)> {
    let comps = txn.open_table(tables::COMPONENTS)?;
    let mut found: Vec<Component> = Vec::new();
    let mut unknown = Vec::new();
    let mut clean: Vec<String> = Vec::new();
    for id in ids.iter().map(|s| s.trim()).filter(|s| !s.is_empty()) {
        if clean.iter().any(|c| c == id) {
            continue;
        }
        match get::<Component, _>(&comps, id)? {
            Some(c) => found.push(c),
            None => unknown.push(id.to_string()),
        }
        clean.push(id.to_string());
    }
    if !unknown.is_empty() {
        return Err(AppError::UnknownIds {
            field: "component_ids".into(),
            message: format!("unknown component ids: {}", unknown.join(", ")),
        });
    }
    let page_key = page
        .map(str::to_string)
        .filter(|p| !p.trim().is_empty())
        .or_else(|| found.first().and_then(|c| c.page_ids.first().cloned()));
    let page = page_in(txn, page_key.as_deref())?;
    if let Some(c) = found.iter().find(|c| !c.page_ids.contains(&page.id)) {
        return Err(AppError::invalid(
            "component_ids",
            format!(
                "component {:?} is not shown on page {:?}",
                c.name, page.title
            ),
        ));
    }
    Ok((page, clean))
}

fn put(txn: &WriteTransaction, s: &Subscriber) -> AppResult<()> {
    txn.open_table(tables::SUBSCRIBERS)?
        .insert(s.id.as_str(), s)?;
    txn.open_table(tables::SUBSCRIBER_KEYS)?.insert(
        subscriber_key(&s.page_id, s.kind, s.address()).as_str(),
        s.id.as_str(),
    )?;
    txn.open_table(tables::SUBSCRIBER_TOKENS)?
        .insert(s.token.as_str(), s.id.as_str())?;
    Ok(())
}

fn remove(txn: &WriteTransaction, s: &Subscriber) -> AppResult<()> {
    txn.open_table(tables::SUBSCRIBERS)?.remove(s.id.as_str())?;
    txn.open_table(tables::SUBSCRIBER_KEYS)?
        .remove(subscriber_key(&s.page_id, s.kind, s.address()).as_str())?;
    txn.open_table(tables::SUBSCRIBER_TOKENS)?
        .remove(s.token.as_str())?;
    Ok(())
}

/// Queues a mail to one subscriber that is not about an event (confirmation, manage link).
fn queue_mail(
    txn: &WriteTransaction,
    s: &Subscriber,
    purpose: NoticePurpose,
    now: DateTime<Utc>,
) -> AppResult<()> {
    let prefix = match purpose {
        NoticePurpose::Confirm => "confirm",
        _ => "manage",
    };
    queue_notice(
        txn,
        Notice {
            id: format!("{prefix}.{}.{}", s.id, new_id()),
            purpose,
            subscriber_id: s.id.clone(),
            kind: s.kind,
            address: s.address().to_string(),
            event_id: None,
            event_kind: String::new(),
            state: NoticeState::Pending,
            attempts: 0,
            next_attempt_at: now,
            last_error: None,
            created_at: now,
            queued_at: now,
            sent_at: None,
        },
    )?;
    Ok(())
}

/// Validated fields of a new subscriber.
struct Clean {
    kind: SubscriberKind,
    email: Option<String>,
    url: Option<String>,
}

fn clean_input(input: &NewSubscriber) -> AppResult<Clean> {
    let kind = match input
        .kind
        .as_deref()
        .map(str::trim)
        .filter(|k| !k.is_empty())
    {
        Some(k) => k.parse().map_err(|m| AppError::invalid("kind", m))?,
        None if input.url.is_some() && input.email.is_none() => SubscriberKind::Webhook,
        None => SubscriberKind::Email,
    };
    if kind == SubscriberKind::Email {
        let email = input.email.as_deref().ok_or_else(|| {
            AppError::invalid("email", "an email subscriber needs an email address")
        })?;
        let email = validate::email(email).map_err(|m| AppError::invalid("email", m))?;
        Ok(Clean {
            kind,
            email: Some(email),
            url: None,
        })
    } else {
        let url = input.url.as_deref().ok_or_else(|| {
            AppError::invalid("url", format!("a {} subscriber needs a url", kind.as_str()))
        })?;
        let url = webhook_url(url).map_err(|m| AppError::invalid("url", m))?;
        Ok(Clean {
            kind,
            email: None,
            url: Some(url),
        })
    }
}

/// Writes one sign-up inside a transaction (shared by single sign-ups and imports).
pub(crate) fn subscribe_in(
    txn: &WriteTransaction,
    input: &NewSubscriber,
    source: SubscribeSource,
    now: DateTime<Utc>,
) -> AppResult<Subscribed> {
    let c = clean_input(input)?;
    let (page, component_ids) =
        page_and_components(txn, input.page.as_deref(), &input.component_ids)?;
    let address = c.email.clone().or(c.url.clone()).unwrap_or_default();
    if !crate::domain::access::page_may_mail(&page, c.email.as_deref()) {
        if source == SubscribeSource::Form {
            // The visitor sees the usual "check your inbox"; nothing is kept or mailed.
            return Ok(Subscribed {
                subscriber: Subscriber {
                    id: String::new(),
                    kind: c.kind,
                    page_id: page.id.clone(),
                    email: c.email,
                    url: None,
                    secret: None,
                    component_ids,
                    confirmed: false,
                    confirmed_at: None,
                    token: String::new(),
                    source: source.as_str().into(),
                    slug: String::new(),
                    managed_by_config: false,
                    created_at: now,
                    updated_at: now,
                },
                created: false,
            });
        }
        return Err(AppError::invalid(
            "email",
            format!(
                "{address} is not at a domain this customer page admits (allowlist: {})",
                page.allowed_domains.join(", ")
            ),
        ));
    }
    let existing_id = txn
        .open_table(tables::SUBSCRIBER_KEYS)?
        .get(subscriber_key(&page.id, c.kind, &address).as_str())?
        .map(|v| v.value().to_string());
    if let Some(id) = existing_id {
        let mut s: Subscriber =
            get(&txn.open_table(tables::SUBSCRIBERS)?, &id)?.ok_or_else(|| not_found(&id))?;
        if source == SubscribeSource::Form && !s.kind.is_url() {
            if s.confirmed {
                // Tell the owner of the address, not the form, that it is subscribed.
                queue_mail(txn, &s, NoticePurpose::AlreadySubscribed, now)?;
            } else {
                // A new request replaces the unconfirmed one and restarts its clock.
                s.component_ids = component_ids;
                s.created_at = now;
                s.updated_at = now;
                put(txn, &s)?;
                queue_mail(txn, &s, NoticePurpose::Confirm, now)?;
            }
        }
        return Ok(Subscribed {
            subscriber: s,
            created: false,
        });
    }
    // Editors add URL kinds themselves, so there is nobody else to confirm them; a
    // visitor's URL is confirmed by its endpoint answering a signed test delivery.
    let from_form = source == SubscribeSource::Form;
    let confirmed = !from_form && (c.kind.is_url() || input.skip_confirmation);
    let secret = match c.kind {
        SubscriberKind::Webhook => Some(
            input
                .secret
                .clone()
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty())
                .unwrap_or_else(|| format!("whsec_{}", random_secret())),
        ),
        _ => None,
    };
    let s = Subscriber {
        slug: String::new(),
        managed_by_config: false,
        id: new_id(),
        kind: c.kind,
        page_id: page.id.clone(),
        email: c.email,
        url: c.url,
        secret,
        component_ids,
        confirmed,
        confirmed_at: confirmed.then_some(now),
        token: random_secret(),
        source: source.as_str().into(),
        created_at: now,
        updated_at: now,
    };
    put(txn, &s)?;
    if !confirmed && !s.kind.is_url() {
        queue_mail(txn, &s, NoticePurpose::Confirm, now)?;
    }
    Ok(Subscribed {
        subscriber: s,
        created: true,
    })
}

impl Store {
    /// Signs someone up. From the public form an existing address gets a mail instead
    /// of an answer; through the API or admin an existing address is a conflict.
    pub fn subscribe(
        &self,
        input: NewSubscriber,
        source: SubscribeSource,
    ) -> AppResult<Subscribed> {
        let now = self.now();
        let out = self.write_quiet(|txn| subscribe_in(txn, &input, source, now))?;
        if !out.created && matches!(source, SubscribeSource::Api | SubscribeSource::Admin) {
            return Err(AppError::Conflict(format!(
                "{} is already subscribed to this page (subscriber {})",
                out.subscriber.address(),
                out.subscriber.id
            )));
        }
        Ok(out)
    }

    /// Imports rows in one transaction: every row is valid or nothing is written.
    /// Errors name the line.
    pub fn import_subscribers(
        &self,
        rows: Vec<CsvRow>,
        page: Option<String>,
        skip_confirmation: bool,
    ) -> AppResult<ImportReport> {
        let now = self.now();
        self.write_quiet(|txn| {
            let mut report = ImportReport::default();
            for row in &rows {
                let kind = row.kind.clone();
                let is_url = kind.as_deref().is_some_and(|k| k.trim() != "email")
                    || (kind.is_none()
                        && (row.address.starts_with("http://")
                            || row.address.starts_with("https://")));
                let input = NewSubscriber {
                    page: page.clone(),
                    kind,
                    email: (!is_url).then(|| row.address.clone()),
                    url: is_url.then(|| row.address.clone()),
                    secret: None,
                    component_ids: row.component_ids.clone(),
                    skip_confirmation: row.confirmed.unwrap_or(skip_confirmation),
                };
                let done =
                    subscribe_in(txn, &input, SubscribeSource::Import, now).map_err(|e| {
                        AppError::invalid(
                            e.field().unwrap_or("csv"),
                            format!("line {}: {e}", row.line),
                        )
                    })?;
                if done.created {
                    report.created += 1;
                } else {
                    report.existing += 1;
                }
            }
            Ok(report)
        })
    }

    pub fn get_subscriber(&self, id: &str) -> AppResult<Subscriber> {
        get(&self.read()?.open_table(tables::SUBSCRIBERS)?, id)?.ok_or_else(|| not_found(id))
    }

    /// Every subscriber, oldest first.
    pub fn list_subscribers(&self) -> AppResult<Vec<Subscriber>> {
        all(&self.read()?.open_table(tables::SUBSCRIBERS)?)
    }

    /// The subscribers a filter matches (the export of the admin and the API).
    pub fn find_subscribers(&self, filter: &SubscriberFilter) -> AppResult<Vec<Subscriber>> {
        let mut list = self.list_subscribers()?;
        list.retain(|s| filter.matches(s));
        Ok(list)
    }

    pub fn patch_subscriber(&self, id: &str, patch: SubscriberPatch) -> AppResult<Subscriber> {
        self.write_quiet(|txn| self.patch_subscriber_in(txn, id, patch))
    }

    pub(crate) fn patch_subscriber_in(
        &self,
        txn: &WriteTransaction,
        id: &str,
        patch: SubscriberPatch,
    ) -> AppResult<Subscriber> {
        let now = self.now();
        {
            let mut s: Subscriber =
                get(&txn.open_table(tables::SUBSCRIBERS)?, id)?.ok_or_else(|| not_found(id))?;
            remove(txn, &s)?;
            if let Some(ids) = &patch.component_ids {
                let (_, ids) = page_and_components(txn, Some(&s.page_id), ids)?;
                s.component_ids = ids;
            }
            if let Some(url) = &patch.url {
                if !s.kind.is_url() {
                    return Err(AppError::invalid("url", "an email subscriber has no url"));
                }
                s.url = Some(webhook_url(url).map_err(|m| AppError::invalid("url", m))?);
            }
            if let Some(secret) = patch.secret.as_deref().map(str::trim) {
                if s.kind != SubscriberKind::Webhook || secret.is_empty() {
                    return Err(AppError::invalid(
                        "secret",
                        "only webhooks have a secret, and it must not be empty",
                    ));
                }
                s.secret = Some(secret.to_string());
            }
            if let Some(c) = patch.confirmed {
                if c && !s.confirmed {
                    s.confirmed_at = Some(now);
                }
                s.confirmed = c || s.kind.is_url();
            }
            let taken = txn
                .open_table(tables::SUBSCRIBER_KEYS)?
                .get(subscriber_key(&s.page_id, s.kind, s.address()).as_str())?
                .is_some();
            if taken {
                return Err(AppError::Conflict(format!(
                    "{} is already subscribed to this page",
                    s.address()
                )));
            }
            s.updated_at = now;
            put(txn, &s)?;
            Ok(s)
        }
    }

    pub fn delete_subscriber(&self, id: &str) -> AppResult<Subscriber> {
        self.write_quiet(|txn| self.delete_subscriber_in(txn, id))
    }

    pub(crate) fn delete_subscriber_in(
        &self,
        txn: &WriteTransaction,
        id: &str,
    ) -> AppResult<Subscriber> {
        {
            let s: Subscriber =
                get(&txn.open_table(tables::SUBSCRIBERS)?, id)?.ok_or_else(|| not_found(id))?;
            remove(txn, &s)?;
            Ok(s)
        }
    }

    /// The subscriber a link token belongs to.
    pub fn subscriber_by_token(&self, token: &str) -> AppResult<Option<Subscriber>> {
        let txn = self.read()?;
        let Some(id) = txn
            .open_table(tables::SUBSCRIBER_TOKENS)?
            .get(token)?
            .map(|v| v.value().to_string())
        else {
            return Ok(None);
        };
        get(&txn.open_table(tables::SUBSCRIBERS)?, &id)
    }

    /// Confirms a sign-up from its link; an expired one is removed.
    pub fn confirm_subscriber(&self, token: &str, now: DateTime<Utc>) -> AppResult<Subscriber> {
        let gone = || {
            AppError::NotFound(
                "subscription (the link is unknown or expired; sign up again)".into(),
            )
        };
        self.write_quiet(|txn| {
            let id = txn
                .open_table(tables::SUBSCRIBER_TOKENS)?
                .get(token)?
                .map(|v| v.value().to_string())
                .ok_or_else(gone)?;
            let mut s: Subscriber =
                get(&txn.open_table(tables::SUBSCRIBERS)?, &id)?.ok_or_else(gone)?;
            if s.is_expired(now) {
                remove(txn, &s)?;
                return Ok(Err(gone()));
            }
            if !s.confirmed {
                s.confirmed = true;
                s.confirmed_at = Some(now);
                s.updated_at = now;
                put(txn, &s)?;
            }
            Ok(Ok(s))
        })?
    }

    /// Sets the components of the subscriber a manage link belongs to.
    pub fn set_subscription_components(
        &self,
        token: &str,
        ids: Vec<String>,
    ) -> AppResult<Subscriber> {
        let s = self
            .subscriber_by_token(token)?
            .ok_or_else(|| AppError::NotFound("subscription".into()))?;
        self.patch_subscriber(
            &s.id,
            SubscriberPatch {
                component_ids: Some(ids),
                ..Default::default()
            },
        )
    }

    /// Removes the subscriber a link belongs to; `None` when it was already gone.
    pub fn unsubscribe(&self, token: &str) -> AppResult<Option<Subscriber>> {
        self.write_quiet(|txn| {
            let Some(id) = txn
                .open_table(tables::SUBSCRIBER_TOKENS)?
                .get(token)?
                .map(|v| v.value().to_string())
            else {
                return Ok(None);
            };
            let s: Option<Subscriber> = get(&txn.open_table(tables::SUBSCRIBERS)?, &id)?;
            if let Some(s) = &s {
                remove(txn, s)?;
            }
            Ok(s)
        })
    }

    /// Drops sign-ups that were never confirmed in time; returns how many.
    pub fn purge_unconfirmed(&self, now: DateTime<Utc>) -> AppResult<usize> {
        let expired: Vec<Subscriber> = self
            .list_subscribers()?
            .into_iter()
            .filter(|s| s.is_expired(now))
            .collect();
        if expired.is_empty() {
            return Ok(0);
        }
        self.write_quiet(|txn| {
            let subs = txn.open_table(tables::SUBSCRIBERS)?;
            let mut gone = Vec::new();
            for s in &expired {
                // Re-read: it may have been confirmed since the list was taken.
                if let Some(cur) = get::<Subscriber, _>(&subs, &s.id)?
                    && cur.is_expired(now)
                {
                    gone.push(cur);
                }
            }
            drop(subs);
            for s in &gone {
                remove(txn, s)?;
            }
            Ok(gone.len())
        })
    }
}
