//! `/api/v1/subscribers`: email, webhook, Slack and Discord subscribers, CSV import and
//! export, test sends; `/api/v1/notices`: the outbox with retries of failed notices.

use super::managed::warn;
use super::responses::{ListErrors, ReadErrors, WriteErrors};
use super::{ListQuery, created, json};
use crate::domain::Notice;
use crate::domain::{NoticeState, Subscriber, SubscriberKind, parse_csv, to_csv};
use crate::error::{AppError, AppResult};
use crate::notify::Settings;
use crate::notify::outbox::send_test;
use crate::state::AppState;
use crate::store::{ImportReport, Paged};
use crate::store::{NewSubscriber, SubscribeSource, SubscriberFilter, SubscriberPatch};
use crate::web::auth::{Editor, Viewer};
use crate::web::csv_download;
use actix_web::{HttpResponse, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// A subscriber as the API shows it; the link token never leaves the server, the
/// webhook secret only in the answer that created it.
#[derive(Serialize, utoipa::ToSchema)]
#[schema(as = Subscriber)]
pub struct SubscriberOut<'a> {
    id: &'a str,
    kind: SubscriberKind,
    page_id: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    email: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    url: Option<&'a str>,
    component_ids: &'a [String],
    confirmed: bool,
    confirmed_at: Option<DateTime<Utc>>,
    source: &'a str,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
    /// Webhook signing key; only in the answer that created or changed it.
    #[serde(skip_serializing_if = "Option::is_none")]
    secret: Option<&'a str>,
}

pub fn out(s: &Subscriber, with_secret: bool) -> SubscriberOut<'_> {
    SubscriberOut {
        id: &s.id,
        kind: s.kind,
        page_id: &s.page_id,
        email: s.email.as_deref(),
        url: s.url.as_deref(),
        component_ids: &s.component_ids,
        confirmed: s.confirmed,
        confirmed_at: s.confirmed_at,
        source: &s.source,
        created_at: s.created_at,
        updated_at: s.updated_at,
        secret: if with_secret {
            s.secret.as_deref()
        } else {
            None
        },
    }
}

#[derive(Debug, Deserialize)]
pub struct SubscriberQuery {
    #[serde(flatten)]
    list: ListQuery,
    #[serde(flatten)]
    filter: SubscriberFilter,
}

/// Lists subscribers.
#[utoipa::path(
    get, path = "/api/v1/subscribers", tag = "subscribers", params(ListQuery, SubscriberFilter),
    responses((status = 200, description = "A page of subscribers", body = Paged<SubscriberOut>), ListErrors),
)]
pub async fn list_subscribers(
    state: web::Data<AppState>,
    _: Viewer,
    q: web::Query<SubscriberQuery>,
) -> AppResult<HttpResponse> {
    let q = q.into_inner();
    let mut list = state.store.run(|s| s.list_subscribers()).await?;
    list.retain(|s| q.filter.matches(s));
    let page = q.list.page(list, |s| &s.id);
    Ok(json(&Paged {
        data: page.data.iter().map(|s| out(s, false)).collect(),
        next_cursor: page.next_cursor,
    }))
}

/// Adds a subscriber.
#[utoipa::path(
    post, path = "/api/v1/subscribers", tag = "subscribers", request_body = NewSubscriber,
    responses((status = 201, description = "Added; email is confirmed by mail unless skip_confirmation; the webhook secret is in this answer only", body = SubscriberOut), WriteErrors),
)]
pub async fn post_subscriber(
    state: web::Data<AppState>,
    _: Editor,
    body: web::Json<NewSubscriber>,
) -> AppResult<HttpResponse> {
    let done = state
        .store
        .run(move |s| s.subscribe(body.into_inner(), SubscribeSource::Api))
        .await?;
    Ok(created(&out(&done.subscriber, true)))
}

/// Gets a subscriber.
#[utoipa::path(
    get, path = "/api/v1/subscribers/{id}", tag = "subscribers", params(("id" = String, Path, description = "subscriber id")),
    responses((status = 200, description = "The subscriber", body = SubscriberOut), ReadErrors),
)]
pub async fn get_subscriber(
    state: web::Data<AppState>,
    _: Viewer,
    id: web::Path<String>,
) -> AppResult<HttpResponse> {
    let s = state.store.run(move |s| s.get_subscriber(&id)).await?;
    Ok(json(&out(&s, false)))
}

/// Changes components, URL, secret or confirmation.
#[utoipa::path(
    patch, path = "/api/v1/subscribers/{id}", tag = "subscribers", params(("id" = String, Path, description = "subscriber id")), request_body = SubscriberPatch,
    responses((status = 200, description = "Changed", body = SubscriberOut), WriteErrors),
)]
pub async fn patch_subscriber(
    state: web::Data<AppState>,
    _: Editor,
    id: web::Path<String>,
    body: web::Json<SubscriberPatch>,
) -> AppResult<HttpResponse> {
    let show_secret = body.secret.is_some();
    let s = state
        .store
        .run(move |s| s.patch_subscriber(&id, body.into_inner()))
        .await?;
    Ok(warn(
        json(&out(&s, show_secret)),
        s.managed_by_config,
        "subscriber",
    ))
}

/// Removes a subscriber.
#[utoipa::path(
    delete, path = "/api/v1/subscribers/{id}", tag = "subscribers", params(("id" = String, Path, description = "subscriber id")),
    responses((status = 204, description = "Removed"), ReadErrors),
)]
pub async fn delete_subscriber(
    state: web::Data<AppState>,
    _: Editor,
    id: web::Path<String>,
) -> AppResult<HttpResponse> {
    let key = id.clone();
    let managed = state
        .store
        .run(move |s| s.get_subscriber(&key))
        .await
        .is_ok_and(|x| x.managed_by_config);
    state.store.run(move |s| s.delete_subscriber(&id)).await?;
    Ok(warn(
        HttpResponse::NoContent().finish(),
        managed,
        "subscriber",
    ))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ImportQuery {
    /// Page id or slug; default page when absent.
    #[serde(default)]
    page: Option<String>,
    /// `true`: the people on the list already agreed; no confirmation mail.
    #[serde(default)]
    skip_confirmation: Option<bool>,
}

/// `POST /api/v1/subscribers/import` with a CSV body: all rows or none.
#[utoipa::path(
    post, path = "/api/v1/subscribers/import", tag = "subscribers", params(ImportQuery),
    request_body(content = String, content_type = "text/csv", description = "A header row (email or url, kind, component_ids, confirmed) or one address per line"),
    responses((status = 200, description = "All rows imported (or none, with an error)", body = ImportReport), WriteErrors),
)]
pub async fn post_import(
    state: web::Data<AppState>,
    _: Editor,
    q: web::Query<ImportQuery>,
    body: web::Bytes,
) -> AppResult<HttpResponse> {
    let text = std::str::from_utf8(&body)
        .map_err(|_| AppError::invalid("body", "the CSV must be UTF-8 text"))?;
    let rows = parse_csv(text)
        .map_err(|(line, m)| AppError::invalid("csv", format!("line {line}: {m}")))?;
    let q = q.into_inner();
    let report = state
        .store
        .run(move |s| s.import_subscribers(rows, q.page, q.skip_confirmation.unwrap_or(false)))
        .await?;
    Ok(json(&report))
}

/// `GET /api/v1/subscribers/export`: every subscriber matching the filters, as CSV.
#[utoipa::path(
    get, path = "/api/v1/subscribers/export", tag = "subscribers", params(SubscriberFilter),
    responses((status = 200, description = "Every matching subscriber as CSV", content_type = "text/csv", body = String), ListErrors),
)]
pub async fn get_export(
    state: web::Data<AppState>,
    _: Editor,
    q: web::Query<SubscriberFilter>,
) -> AppResult<HttpResponse> {
    let q = q.into_inner();
    let list = state.store.run(move |s| s.find_subscribers(&q)).await?;
    Ok(csv_download("subscribers.csv", to_csv(&list)))
}

/// What a test send came to.
#[derive(Serialize, utoipa::ToSchema)]
pub struct TestResult {
    delivered: bool,
    address: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<String>,
}

/// `POST /api/v1/subscribers/{id}/test`.
#[utoipa::path(
    post, path = "/api/v1/subscribers/{id}/test", tag = "subscribers", params(("id" = String, Path, description = "subscriber id")),
    responses((status = 200, description = "Whether the test notice was delivered", body = TestResult), WriteErrors),
)]
pub async fn post_test(
    state: web::Data<AppState>,
    _: Editor,
    id: web::Path<String>,
) -> AppResult<HttpResponse> {
    let sub = state.store.run(move |s| s.get_subscriber(&id)).await?;
    let address = sub.address().to_string();
    let settings = Settings::from_config(&state.config)?;
    let error = send_test(&sub, &settings).await.err();
    Ok(json(&TestResult {
        delivered: error.is_none(),
        address,
        error,
    }))
}

#[derive(Debug, Deserialize)]
pub struct NoticeQuery {
    #[serde(flatten)]
    list: ListQuery,
    #[serde(default)]
    state: Option<String>,
}

/// `GET /api/v1/notices?state=failed`: the outbox, newest first.
#[utoipa::path(
    get, path = "/api/v1/notices", tag = "subscribers",
    params(ListQuery, ("state" = Option<NoticeState>, Query, description = "Only notices in this state")),
    responses((status = 200, description = "The outbox, newest first", body = Paged<Notice>), ListErrors),
)]
pub async fn list_notices(
    state: web::Data<AppState>,
    _: Viewer,
    q: web::Query<NoticeQuery>,
) -> AppResult<HttpResponse> {
    let q = q.into_inner();
    let filter = q
        .state
        .as_deref()
        .filter(|s| !s.is_empty())
        .map(|s| {
            s.parse::<NoticeState>()
                .map_err(|m| AppError::invalid("state", m))
        })
        .transpose()?;
    let list = state.store.run(move |s| s.list_notices(filter)).await?;
    let limit = q.list.limit.unwrap_or(100).clamp(1, 500);
    let start = match &q.list.cursor {
        Some(c) => list
            .iter()
            .position(|n| &n.id == c)
            .map(|i| i + 1)
            .unwrap_or(list.len()),
        None => 0,
    };
    let data: Vec<_> = list.iter().skip(start).take(limit).collect();
    let next = (start + limit < list.len())
        .then(|| data.last().map(|n| n.id.clone()))
        .flatten();
    Ok(json(&Paged {
        data,
        next_cursor: next,
    }))
}

/// `POST /api/v1/notices/{id}/retry`: a failed notice goes back in the queue.
#[utoipa::path(
    post, path = "/api/v1/notices/{id}/retry", tag = "subscribers", params(("id" = String, Path, description = "notice id")),
    responses((status = 200, description = "Queued again", body = Notice), WriteErrors),
)]
pub async fn post_notice_retry(
    state: web::Data<AppState>,
    _: Editor,
    id: web::Path<String>,
) -> AppResult<HttpResponse> {
    let id2 = id.clone();
    state
        .store
        .run(move |s| s.retry_notices(Some(&id2)))
        .await?;
    Ok(json(&state.store.run(move |s| s.get_notice(&id)).await?))
}
