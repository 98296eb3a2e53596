//! Subscribers and the outbox in the admin UI: list, search, counts per component,
//! add, remove, import and export CSV, test sends; failed notices with retry.

use super::{NavData, NoFields, done, failed, form_error, html};
use crate::domain::{NoticeState, parse_csv, sort_components, to_csv};
use crate::error::{AppError, AppResult};
use crate::notify::Settings;
use crate::notify::outbox::send_test;
use crate::state::AppState;
use crate::store::{NewSubscriber, SubscribeSource, SubscriberFilter};
use crate::views::admin::FormState;
use crate::views::admin::subscribers as views;
use crate::web::auth::{Actor, CsrfForm, Editor, Viewer};
use crate::web::csv_download;
use actix_web::{HttpResponse, http::StatusCode, web};
use serde::Deserialize;

/// Rows shown at once; the rest is reached by searching or exporting.
const SHOWN: usize = 500;

#[derive(Debug, Default, Deserialize)]
pub struct ListQuery {
    #[serde(default)]
    q: String,
    #[serde(default)]
    kind: String,
}

async fn list(
    state: &AppState,
    actor: &Actor,
    q: &ListQuery,
    new_secret: Option<(String, String)>,
    form: FormState,
    status: StatusCode,
) -> AppResult<HttpResponse> {
    let (subs, pages, comps) = state
        .store
        .run(|s| {
            let groups = s.list_groups()?;
            let mut comps = s.list_components()?;
            sort_components(&mut comps, &groups);
            Ok((s.list_subscribers()?, s.list_pages()?, comps))
        })
        .await?;
    let filter = SubscriberFilter {
        q: Some(q.q.clone()),
        kind: Some(q.kind.clone()),
        ..Default::default()
    };
    let matching: Vec<_> = subs.iter().rev().filter(|s| filter.matches(s)).collect();
    let nav = NavData::new(actor, "/admin/subscribers");
    let view = views::SubscribersView {
        all: &subs,
        shown: matching.iter().take(SHOWN).copied().collect(),
        matching: matching.len(),
        pages: &pages,
        components: &comps,
        query: &q.q,
        kind: &q.kind,
        new_secret: new_secret.as_ref().map(|(a, s)| (a.as_str(), s.as_str())),
    };
    Ok(html(status, views::subscribers(&nav.nav(), &view, &form)))
}

pub async fn get_subscribers(
    state: web::Data<AppState>,
    Viewer(actor): Viewer,
    q: web::Query<ListQuery>,
) -> AppResult<HttpResponse> {
    list(
        &state,
        &actor,
        &q,
        None,
        FormState::default(),
        StatusCode::OK,
    )
    .await
}

#[derive(Deserialize)]
pub struct AddForm {
    kind: String,
    address: String,
    #[serde(default)]
    page: String,
    #[serde(default)]
    secret: String,
    #[serde(default)]
    skip_confirmation: Option<String>,
}

pub async fn post_subscriber(
    state: web::Data<AppState>,
    Editor(actor): Editor,
    form: CsrfForm<AddForm>,
) -> AppResult<HttpResponse> {
    let d = &form.data;
    let is_email = d.kind == "email";
    let input = NewSubscriber {
        page: Some(d.page.clone()).filter(|p| !p.is_empty()),
        kind: Some(d.kind.clone()),
        email: is_email.then(|| d.address.clone()),
        url: (!is_email).then(|| d.address.clone()),
        secret: Some(d.secret.clone()).filter(|s| !s.trim().is_empty()),
        component_ids: form.all("component_ids"),
        skip_confirmation: d.skip_confirmation.is_some(),
    };
    match state
        .store
        .run(move |s| s.subscribe(input, SubscribeSource::Admin))
        .await
    {
        Ok(done) => {
            let s = done.subscriber;
            tracing::info!(by = %actor.name(), subscriber = %s.id, kind = s.kind.as_str(), "subscriber added");
            let notice = if s.confirmed {
                format!("Added {}.", s.address())
            } else {
                format!("Added {}; a confirmation mail is on its way.", s.address())
            };
            let secret = s.secret.clone().map(|sec| (s.address().to_string(), sec));
            list(
                &state,
                &actor,
                &ListQuery::default(),
                secret,
                FormState::notice(notice),
                StatusCode::CREATED,
            )
            .await
        }
        Err(e) => {
            let q = ListQuery::default();
            // The form has one "address" field for both kinds.
            let e = match e {
                AppError::Invalid { field, message } if field == "email" || field == "url" => {
                    AppError::invalid("address", message)
                }
                e => e,
            };
            form_error(e, &form.pairs, |form, status| {
                list(&state, &actor, &q, None, form, status)
            })
            .await
        }
    }
}

#[derive(Deserialize)]
pub struct ImportForm {
    csv: String,
    #[serde(default)]
    page: String,
    #[serde(default)]
    skip_confirmation: Option<String>,
}

pub async fn post_import(
    state: web::Data<AppState>,
    Editor(actor): Editor,
    form: CsrfForm<ImportForm>,
) -> AppResult<HttpResponse> {
    let d = &form.data;
    let (page, skip) = (
        Some(d.page.clone()).filter(|p| !p.is_empty()),
        d.skip_confirmation.is_some(),
    );
    let result = match parse_csv(&d.csv) {
        Ok(rows) => {
            state
                .store
                .run(move |s| s.import_subscribers(rows, page, skip))
                .await
        }
        Err((line, m)) => Err(AppError::invalid("csv", format!("line {line}: {m}"))),
    };
    match result {
        Ok(r) => {
            tracing::info!(by = %actor.name(), created = r.created, existing = r.existing, "subscribers imported");
            let notice = format!(
                "Imported {} new subscribers; {} were already subscribed.",
                r.created, r.existing
            );
            Ok(done("/admin/subscribers", &notice))
        }
        Err(e) => {
            let q = ListQuery::default();
            form_error(e, &form.pairs, |form, status| {
                list(&state, &actor, &q, None, form, status)
            })
            .await
        }
    }
}

pub async fn get_export(
    state: web::Data<AppState>,
    Editor(_): Editor,
    q: web::Query<ListQuery>,
) -> AppResult<HttpResponse> {
    let filter = SubscriberFilter {
        q: Some(q.q.clone()),
        kind: Some(q.kind.clone()),
        ..Default::default()
    };
    let subs = state
        .store
        .run(move |s| s.find_subscribers(&filter))
        .await?;
    Ok(csv_download("subscribers.csv", to_csv(&subs)))
}

pub async fn post_delete(
    state: web::Data<AppState>,
    Editor(actor): Editor,
    id: web::Path<String>,
    _f: CsrfForm<NoFields>,
) -> AppResult<HttpResponse> {
    let s = state.store.run(move |s| s.delete_subscriber(&id)).await?;
    tracing::info!(by = %actor.name(), subscriber = %s.id, "subscriber removed");
    Ok(done("/admin/subscribers", "Subscriber removed."))
}

/// "Send test" on one subscriber: the answer says whether it arrived.
pub async fn post_test(
    state: web::Data<AppState>,
    Editor(_): Editor,
    id: web::Path<String>,
    _f: CsrfForm<NoFields>,
) -> AppResult<HttpResponse> {
    let sub = state.store.run(move |s| s.get_subscriber(&id)).await?;
    let address = sub.address().to_string();
    let settings = Settings::from_config(&state.config)?;
    Ok(match send_test(&sub, &settings).await {
        Ok(()) => done("/admin/subscribers", &format!("Test sent to {address}.")),
        Err(e) => failed(
            "/admin/subscribers",
            &format!("Test to {address} failed: {e}"),
        ),
    })
}

#[derive(Deserialize)]
pub struct TestEmailForm {
    address: String,
}

/// "Send test mail": checks the SMTP settings with a mail to any address.
pub async fn post_test_email(
    state: web::Data<AppState>,
    Editor(_): Editor,
    form: CsrfForm<TestEmailForm>,
) -> AppResult<HttpResponse> {
    let address = crate::domain::validate::email(&form.data.address)
        .map_err(|m| AppError::invalid("address", m));
    let result = match address {
        Ok(a) => {
            let settings = crate::notify::Settings::from_config(&state.config)?;
            let to = a.clone();
            let sent = match settings.smtp.clone() {
                None => Err("smtp_url is not set; configure it to send mail".to_string()),
                Some(smtp) => {
                    let mail = crate::notify::render::test_mail(&to, &settings);
                    let out = crate::notify::render::encode(&mail, "test", &settings);
                    crate::notify::smtp::Mailer::new(smtp, &settings.host)
                        .send_now(out)
                        .await
                }
            };
            sent.map(|_| a)
        }
        Err(e) => Err(e.words()),
    };
    Ok(match result {
        Ok(a) => done("/admin/subscribers", &format!("Test mail sent to {a}.")),
        Err(e) => failed("/admin/subscribers", &format!("Test mail failed: {e}")),
    })
}

async fn outbox_page(state: &AppState, actor: &Actor, form: FormState) -> AppResult<HttpResponse> {
    let (counts, failed, pending) = state
        .store
        .run(|s| {
            let mut pending = s.list_notices(Some(NoticeState::Pending))?;
            pending.sort_by_key(|n| n.next_attempt_at);
            pending.truncate(100);
            let mut failed = s.list_notices(Some(NoticeState::Failed))?;
            failed.truncate(SHOWN);
            Ok((s.outbox_counts()?, failed, pending))
        })
        .await?;
    let nav = NavData::new(actor, "/admin/outbox");
    Ok(html(
        StatusCode::OK,
        views::outbox(&nav.nav(), &counts, &failed, &pending, &form),
    ))
}

pub async fn get_outbox(
    state: web::Data<AppState>,
    Viewer(actor): Viewer,
) -> AppResult<HttpResponse> {
    outbox_page(&state, &actor, FormState::default()).await
}

pub async fn post_retry_all(
    state: web::Data<AppState>,
    Editor(actor): Editor,
    _f: CsrfForm<NoFields>,
) -> AppResult<HttpResponse> {
    let n = state.store.run(|s| s.retry_notices(None)).await?;
    tracing::info!(by = %actor.name(), notices = n, "failed notices queued again");
    Ok(done("/admin/outbox", &format!("{n} notices queued again.")))
}

pub async fn post_retry(
    state: web::Data<AppState>,
    Editor(actor): Editor,
    id: web::Path<String>,
    _f: CsrfForm<NoFields>,
) -> AppResult<HttpResponse> {
    match state.store.run(move |s| s.retry_notices(Some(&id))).await {
        Ok(_) => Ok(done("/admin/outbox", "Notice queued again.")),
        Err(e) => form_error(e, &[], |form, _| outbox_page(&state, &actor, form)).await,
    }
}
