//! Subscription pages (public pages, and customer or internal pages for those who may see them): sign up (`/subscribe`, `/p/{slug}/subscribe`), confirm
//! (`/subscribe/confirm/{token}`), manage (`/subscriptions/{token}`) and unsubscribe
//! (`/unsubscribe/{token}`, which also takes RFC 8058 one-click POSTs from mail
//! providers). The token in the link is the only credential; confirming and
//! unsubscribing need a POST, so link scanners change nothing.

use crate::domain::{Component, Group, Page, sort_components};
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use crate::store::{NewSubscriber, SubscribeSource};
use crate::views::subscribe as views;
use crate::web::access::{Client, allow};
use crate::web::auth::client_ip;
use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpMessage, HttpRequest, HttpResponse, http::StatusCode, web};
use maud::Markup;

pub(super) fn page_html(status: StatusCode, m: Markup) -> HttpResponse {
    HttpResponse::build(status)
        .content_type("text/html; charset=utf-8")
        .insert_header(("Cache-Control", crate::web::cache::PRIVATE))
        .insert_header(("Referrer-Policy", "no-referrer"))
        .body(m.into_string())
}

/// Lets a page's accent `<style>` through the CSP by its hash (none of these documents
/// may be framed, so the policy of any such path serves).
pub(super) fn with_accent(mut res: HttpResponse, page: &Page) -> HttpResponse {
    if let Some(a) = crate::domain::branding::page_accent(page)
        && let Ok(v) = HeaderValue::from_str(&crate::web::headers::csp_with_style(
            "/subscribe",
            &a.csp_source(),
        ))
    {
        res.headers_mut().insert(header::CONTENT_SECURITY_POLICY, v);
    }
    res
}

/// [`page_html`] of one page's document, in its accent colour.
pub(super) fn page_doc(status: StatusCode, page: &Page, m: Markup) -> HttpResponse {
    with_accent(page_html(status, m), page)
}

fn message(status: StatusCode, title: &str, text: &str) -> HttpResponse {
    page_html(status, crate::views::public::message(title, text))
}

/// A page and its groups and components in display order.
pub(super) struct PageParts {
    pub(super) page: Page,
    groups: Vec<Group>,
    components: Vec<Component>,
}

impl PageParts {
    fn load(s: &crate::store::Store, page: Page) -> AppResult<PageParts> {
        let mut groups: Vec<Group> = s
            .list_groups()?
            .into_iter()
            .filter(|g| g.page_id == page.id)
            .collect();
        groups.sort_by_key(|g| g.position);
        let mut components: Vec<Component> = s
            .list_components()?
            .into_iter()
            .filter(|c| c.page_ids.contains(&page.id))
            .collect();
        sort_components(&mut components, &groups);
        Ok(PageParts {
            page,
            groups,
            components,
        })
    }
}

/// The page a request means (the slug, else the custom host, else the default), once the
/// visitor may see it: a customer or internal page checks access like the page itself does
/// and sends a visitor without it to that page's sign-in.
pub(super) async fn subscribable_page(
    state: &AppState,
    req: &HttpRequest,
    slug: Option<String>,
) -> AppResult<Option<PageParts>> {
    let host = super::host::request_host(req, &state.config.trusted_proxies);
    let parts = state
        .store
        .run(move |s| {
            let page = match slug {
                Some(slug) => s.page_by_slug(&slug)?,
                None => {
                    let pages = s.list_pages()?;
                    pages
                        .iter()
                        .find(|p| p.custom_host.as_deref() == Some(host.as_str()))
                        .or_else(|| pages.iter().find(|p| p.slug == "default"))
                        .cloned()
                }
            };
            match page {
                Some(p) => Ok(Some(PageParts::load(s, p)?)),
                None => Ok(None),
            }
        })
        .await?;
    if let Some(parts) = &parts {
        allow(req, &parts.page, Client::Browser).await?;
    }
    Ok(parts)
}

pub(super) fn no_page() -> HttpResponse {
    message(
        StatusCode::NOT_FOUND,
        "Page not found",
        "No status page has this address.",
    )
}

fn render_form(parts: &PageParts, error: Option<&str>, email: &str, chosen: &[String]) -> Markup {
    render_forms(parts, error, email, chosen, views::HookForm::default())
}

/// The subscribe page with both forms' values and errors.
pub(super) fn render_forms(
    parts: &PageParts,
    error: Option<&str>,
    email: &str,
    chosen: &[String],
    hook: views::HookForm,
) -> Markup {
    views::subscribe_page(&views::SubscribeView {
        page: &parts.page,
        groups: parts.groups.iter().collect(),
        components: parts.components.iter().collect(),
        error,
        email,
        chosen,
        hook,
    })
}

/// `GET /subscribe`, `GET /p/{slug}/subscribe`.
async fn show_form(
    state: &AppState,
    req: &HttpRequest,
    slug: Option<String>,
) -> AppResult<HttpResponse> {
    let Some(parts) = subscribable_page(state, req, slug).await? else {
        return Ok(no_page());
    };
    Ok(page_doc(
        StatusCode::OK,
        &parts.page,
        render_form(&parts, None, "", &[]),
    ))
}

pub async fn get_subscribe(
    req: HttpRequest,
    state: web::Data<AppState>,
) -> AppResult<HttpResponse> {
    show_form(&state, &req, None).await
}

pub async fn get_page_subscribe(
    req: HttpRequest,
    state: web::Data<AppState>,
    slug: web::Path<String>,
) -> AppResult<HttpResponse> {
    show_form(&state, &req, Some(slug.into_inner())).await
}

/// The fields of a posted form, repeated ones included.
pub(super) fn form_pairs(req: &HttpRequest, body: &[u8]) -> AppResult<Vec<(String, String)>> {
    let ct = req.content_type().to_string();
    if ct != "application/x-www-form-urlencoded" {
        return Err(AppError::UnsupportedMediaType(format!(
            "expected a form (application/x-www-form-urlencoded), got {ct:?}"
        )));
    }
    serde_urlencoded::from_bytes(body).map_err(|e| AppError::invalid("form", e.to_string()))
}

pub(super) fn field<'a>(pairs: &'a [(String, String)], key: &str) -> &'a str {
    pairs
        .iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.as_str())
        .unwrap_or("")
}

/// The ticked components; none means the whole page.
pub(super) fn chosen(pairs: &[(String, String)]) -> Vec<String> {
    pairs
        .iter()
        .filter(|(k, _)| k == "component_ids")
        .map(|(_, v)| v.clone())
        .collect()
}

/// `POST /subscribe`: the same answer whether or not the address is already subscribed.
async fn sign_up(
    state: &AppState,
    req: &HttpRequest,
    slug: Option<String>,
    body: &[u8],
) -> AppResult<HttpResponse> {
    let Some(parts) = subscribable_page(state, req, slug).await? else {
        return Ok(no_page());
    };
    let pairs = form_pairs(req, body)?;
    let email = field(&pairs, "email").trim().to_string();
    let comps = chosen(&pairs);
    if !field(&pairs, "website").is_empty() {
        return Ok(page_doc(
            StatusCode::OK,
            &parts.page,
            views::check_inbox(&parts.page),
        ));
    }
    if let Err(m) = crate::domain::validate::email(&email) {
        return Ok(page_doc(
            StatusCode::BAD_REQUEST,
            &parts.page,
            render_form(&parts, Some(&m), &email, &comps),
        ));
    }
    let ip = client_ip(req, &state.config.trusted_proxies);
    if state.subscribe_limits.check(ip, &email).is_err() {
        let msg = "Too many sign-ups from here or for this address; try again in an hour.";
        return Ok(page_doc(
            StatusCode::TOO_MANY_REQUESTS,
            &parts.page,
            render_form(&parts, Some(msg), &email, &comps),
        ));
    }
    let input = NewSubscriber {
        page: Some(parts.page.id.clone()),
        email: Some(email.clone()),
        component_ids: comps.clone(),
        ..Default::default()
    };
    match state
        .store
        .run(move |s| s.subscribe(input, SubscribeSource::Form))
        .await
    {
        Ok(_) => Ok(page_doc(
            StatusCode::OK,
            &parts.page,
            views::check_inbox(&parts.page),
        )),
        Err(e @ (AppError::Invalid { .. } | AppError::UnknownIds { .. })) => {
            let msg = e.words();
            Ok(page_doc(
                StatusCode::BAD_REQUEST,
                &parts.page,
                render_form(&parts, Some(&msg), &email, &comps),
            ))
        }
        Err(e) => Err(e),
    }
}

pub async fn post_subscribe(
    req: HttpRequest,
    state: web::Data<AppState>,
    body: web::Bytes,
) -> AppResult<HttpResponse> {
    sign_up(&state, &req, None, &body).await
}

pub async fn post_page_subscribe(
    req: HttpRequest,
    state: web::Data<AppState>,
    slug: web::Path<String>,
    body: web::Bytes,
) -> AppResult<HttpResponse> {
    sign_up(&state, &req, Some(slug.into_inner()), &body).await
}

fn link_gone() -> HttpResponse {
    message(
        StatusCode::NOT_FOUND,
        "Link expired",
        "This link is unknown or has expired. Sign up again on the status page if you still want updates.",
    )
}

/// The subscriber a link's token names, with its page.
async fn subscriber_and_page(
    state: &AppState,
    token: &str,
) -> AppResult<Option<(crate::domain::Subscriber, Page)>> {
    let t = token.to_string();
    state
        .store
        .run(move |s| {
            let Some(sub) = s.subscriber_by_token(&t)? else {
                return Ok(None);
            };
            let page = s.get_page(&sub.page_id)?;
            Ok(Some((sub, page)))
        })
        .await
}

/// `GET /subscribe/confirm/{token}`: a button, so mail scanners do not confirm.
pub async fn get_confirm(
    state: web::Data<AppState>,
    token: web::Path<String>,
) -> AppResult<HttpResponse> {
    let Some((sub, page)) = subscriber_and_page(&state, &token).await? else {
        return Ok(link_gone());
    };
    if sub.is_expired(chrono::Utc::now()) {
        return Ok(link_gone());
    }
    Ok(page_doc(
        StatusCode::OK,
        &page,
        views::one_button(
            &page,
            "Confirm your subscription",
            &format!(
                "Confirm that {} should get status updates from {}.",
                sub.address(),
                page.title
            ),
            &format!("/subscribe/confirm/{token}"),
            "Confirm subscription",
        ),
    ))
}

/// `POST /subscribe/confirm/{token}`: confirms and shows the preferences.
pub async fn post_confirm(
    state: web::Data<AppState>,
    token: web::Path<String>,
) -> AppResult<HttpResponse> {
    let t = token.clone();
    match state
        .store
        .run(move |s| s.confirm_subscriber(&t, chrono::Utc::now()))
        .await
    {
        Ok(_) => {
            manage(
                &state,
                &token,
                Some("Subscription confirmed. You will get updates from now on."),
            )
            .await
        }
        Err(AppError::NotFound(_)) => Ok(link_gone()),
        Err(e) => Err(e),
    }
}

async fn manage(state: &AppState, token: &str, notice: Option<&str>) -> AppResult<HttpResponse> {
    let t = token.to_string();
    let found = state
        .store
        .run(move |s| {
            let Some(sub) = s.subscriber_by_token(&t)? else {
                return Ok(None);
            };
            let page = s.get_page(&sub.page_id)?;
            Ok(Some((sub, PageParts::load(s, page)?)))
        })
        .await?;
    let Some((sub, parts)) = found else {
        return Ok(link_gone());
    };
    if !sub.confirmed {
        return Ok(link_gone());
    }
    Ok(page_doc(
        StatusCode::OK,
        &parts.page,
        views::manage_page(&views::ManageView {
            page: &parts.page,
            groups: parts.groups.iter().collect(),
            components: parts.components.iter().collect(),
            address: sub.address(),
            chosen: &sub.component_ids,
            token,
            notice,
        }),
    ))
}

/// `GET /subscriptions/{token}`.
pub async fn get_manage(
    state: web::Data<AppState>,
    token: web::Path<String>,
) -> AppResult<HttpResponse> {
    manage(&state, &token, None).await
}

/// `POST /subscriptions/{token}`: saves the chosen components.
pub async fn post_manage(
    req: HttpRequest,
    state: web::Data<AppState>,
    token: web::Path<String>,
    body: web::Bytes,
) -> AppResult<HttpResponse> {
    let pairs = form_pairs(&req, &body)?;
    let ids = chosen(&pairs);
    let t = token.clone();
    let current = state.store.run(move |s| s.subscriber_by_token(&t)).await?;
    if !current.is_some_and(|s| s.confirmed) {
        return Ok(link_gone());
    }
    let t = token.clone();
    match state
        .store
        .run(move |s| s.set_subscription_components(&t, ids))
        .await
    {
        Ok(_) => manage(&state, &token, Some("Saved.")).await,
        Err(e @ (AppError::Invalid { .. } | AppError::UnknownIds { .. })) => {
            Ok(message(StatusCode::BAD_REQUEST, "Not saved", &e.words()))
        }
        Err(AppError::NotFound(_)) => Ok(link_gone()),
        Err(e) => Err(e),
    }
}

/// `GET /unsubscribe/{token}`: a button (one-click clients POST directly).
pub async fn get_unsubscribe(
    state: web::Data<AppState>,
    token: web::Path<String>,
) -> AppResult<HttpResponse> {
    let Some((sub, page)) = subscriber_and_page(&state, &token).await? else {
        return Ok(page_html(StatusCode::OK, views::unsubscribed(None, None)));
    };
    Ok(page_doc(
        StatusCode::OK,
        &page,
        views::one_button(
            &page,
            "Unsubscribe",
            &format!("Stop sending status updates to {}?", sub.address()),
            &format!("/unsubscribe/{token}"),
            "Unsubscribe",
        ),
    ))
}

/// `POST /unsubscribe/{token}`: RFC 8058 one-click (`List-Unsubscribe=One-Click`) or the
/// button. Idempotent: an unknown token answers the same page.
pub async fn post_unsubscribe(
    state: web::Data<AppState>,
    token: web::Path<String>,
) -> AppResult<HttpResponse> {
    let t = token.into_inner();
    let gone = state
        .store
        .run(move |s| {
            let Some(sub) = s.unsubscribe(&t)? else {
                return Ok(None);
            };
            let page = s.get_page(&sub.page_id).ok();
            Ok(Some((sub, page)))
        })
        .await?;
    if let Some((s, _)) = &gone {
        tracing::info!(subscriber = %s.id, "unsubscribed");
    }
    let page = gone.as_ref().and_then(|(_, p)| p.as_ref());
    let res = page_html(
        StatusCode::OK,
        views::unsubscribed(page, gone.as_ref().map(|(s, _)| s.address())),
    );
    Ok(match page {
        Some(p) => with_accent(res, p),
        None => res,
    })
}
