//! Customer sign-in to a customer page: `/p/{slug}/signin` asks for an address and mails a
//! 15-minute single-use link when the page's allowlist admits it (the answer is the same
//! either way); the link opens a Continue page whose button starts a page-scoped session.

use crate::domain::access::email_allowed;
use crate::domain::{Audience, Page, validate};
use crate::error::{AppError, AppResult};
use crate::secret::{random_token, sha256_hex};
use crate::state::AppState;
use crate::store::LinkRefusal;
use crate::views::customer as views;
use crate::web::access::{NoIndex, customer_cookie};
use crate::web::auth::{CSRF_COOKIE, CsrfForm, MaybeActor, check_limit, client_ip};
use actix_web::cookie::{Cookie, SameSite, time::Duration as CookieDuration};
use actix_web::http::StatusCode;
use actix_web::{FromRequest, HttpMessage, HttpRequest, HttpResponse, web};
use maud::Markup;
use serde::Deserialize;

/// How long a mailed sign-in link works.
const LINK_MINUTES: i64 = 15;

/// A sign-in document of `page`, in its accent colour.
pub(super) fn html(status: StatusCode, page: &Page, m: Markup) -> HttpResponse {
    let res = HttpResponse::build(status)
        .content_type("text/html; charset=utf-8")
        .insert_header(("Cache-Control", "no-store"))
        .insert_header(("Referrer-Policy", "no-referrer"))
        .body(m.into_string());
    super::subscribe::with_accent(res, page)
}

/// The customer page with this slug, marking the answer `noindex`; 404 for any other page.
pub(super) async fn customer_page(
    req: &HttpRequest,
    state: &AppState,
    slug: &str,
) -> AppResult<Page> {
    req.extensions_mut().insert(NoIndex);
    let snap = state.page_cache.snapshot(&state.store).await?;
    snap.page_by_slug(slug)
        .filter(|p| p.audience == Audience::Customer)
        .cloned()
        .ok_or_else(|| AppError::NotFound(format!("customer page {slug:?}")))
}

/// The CSRF token for the page's forms: a signed-in team member's, else a cookie scoped
/// to the page (set when missing).
async fn csrf_for(
    req: &HttpRequest,
    state: &AppState,
    page: &Page,
) -> AppResult<(String, Option<Cookie<'static>>)> {
    if let Some(csrf) = MaybeActor::extract(req).await?.0.and_then(|a| a.csrf) {
        return Ok((csrf, None));
    }
    if let Some(c) = req.cookie(CSRF_COOKIE).filter(|c| c.value().len() >= 32) {
        return Ok((c.value().to_string(), None));
    }
    let token = random_token();
    let cookie = Cookie::build(CSRF_COOKIE, token.clone())
        .path(format!("/p/{}", page.slug))
        .http_only(true)
        .secure(state.config.secure_cookies())
        .same_site(SameSite::Strict)
        .finish();
    Ok((token, Some(cookie)))
}

fn with_cookie(mut resp: HttpResponse, cookie: Option<Cookie<'static>>) -> HttpResponse {
    if let Some(c) = cookie {
        let _ = resp.add_cookie(&c);
    }
    resp
}

/// `GET /p/{slug}/signin`.
pub async fn get_signin(
    req: HttpRequest,
    state: web::Data<AppState>,
    slug: web::Path<String>,
) -> AppResult<HttpResponse> {
    let page = customer_page(&req, &state, &slug).await?;
    let (csrf, cookie) = csrf_for(&req, &state, &page).await?;
    Ok(with_cookie(
        html(
            StatusCode::OK,
            &page,
            views::signin_form(&page, &csrf, "", None, state.sso.is_some()),
        ),
        cookie,
    ))
}

#[derive(Deserialize)]
pub struct SignInForm {
    email: String,
}

/// `POST /p/{slug}/signin`: mails a link only to an address the allowlist admits; the
/// answer does not say which.
pub async fn post_signin(
    req: HttpRequest,
    state: web::Data<AppState>,
    slug: web::Path<String>,
    form: CsrfForm<SignInForm>,
) -> AppResult<HttpResponse> {
    let page = customer_page(&req, &state, &slug).await?;
    let email = match validate::email(&form.data.email) {
        Ok(e) => e,
        Err(m) => {
            let (csrf, _) = csrf_for(&req, &state, &page).await?;
            let view = views::signin_form(
                &page,
                &csrf,
                &form.data.email,
                Some(&m),
                state.sso.is_some(),
            );
            return Ok(html(StatusCode::BAD_REQUEST, &page, view));
        }
    };
    check_limit(&req, &state, &state.link_limits, &email)?;
    if email_allowed(&page.allowed_domains, &email) {
        let token = random_token();
        let (hash, page_id, to) = (sha256_hex(&token), page.id.clone(), email.clone());
        state
            .store
            .run(move |s| {
                s.create_signin_link(
                    &hash,
                    &page_id,
                    &to,
                    chrono::Duration::minutes(LINK_MINUTES),
                )
            })
            .await?;
        let settings = crate::notify::Settings::from_config(&state.config)?;
        let url = format!("{}/p/{}/signin/{token}", settings.public_url, page.slug);
        let mail = crate::notify::access_mail::signin_mail(
            &email,
            &page.title,
            &url,
            LINK_MINUTES,
            &settings,
        );
        crate::notify::access_mail::send_in_background(mail, "signin", &settings);
    } else {
        let client = client_ip(&req, &state.config.trusted_proxies).to_string();
        let (page_id, to) = (page.id.clone(), email.clone());
        state
            .store
            .run(move |s| s.record_refused_signin(&page_id, &to, &client))
            .await?;
    }
    Ok(html(
        StatusCode::OK,
        &page,
        views::link_sent(&page, &email, LINK_MINUTES),
    ))
}

/// `GET /p/{slug}/signin/{token}`: the Continue page; following the link uses nothing up.
pub async fn get_signin_link(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
) -> AppResult<HttpResponse> {
    let (slug, token) = path.into_inner();
    let page = customer_page(&req, &state, &slug).await?;
    let hash = sha256_hex(&token);
    let link = state.store.run(move |s| s.peek_signin_link(&hash)).await?;
    let Some(link) = link.filter(|l| l.page_id == page.id) else {
        return Ok(html(StatusCode::GONE, &page, views::link_spent(&page)));
    };
    let (csrf, cookie) = csrf_for(&req, &state, &page).await?;
    Ok(with_cookie(
        html(
            StatusCode::OK,
            &page,
            views::continue_page(&page, &csrf, &token, &link.email),
        ),
        cookie,
    ))
}

#[derive(Deserialize)]
pub struct ContinueForm {}

/// `POST /p/{slug}/signin/{token}`: uses the link up and starts the page's session.
pub async fn post_signin_link(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
    _form: CsrfForm<ContinueForm>,
) -> AppResult<HttpResponse> {
    let (slug, token) = path.into_inner();
    let page = customer_page(&req, &state, &slug).await?;
    let hash = sha256_hex(&token);
    check_limit(&req, &state, &state.accept_limits, &hash)?;
    let session_token = random_token();
    let session_hash = sha256_hex(&session_token);
    let days = state.config.customer_session_days;
    let page_id = page.id.clone();
    let redeemed = state
        .store
        .run(move |s| {
            // A link of another page is not used up by this one.
            match s.peek_signin_link(&hash)? {
                Some(l) if l.page_id == page_id => s.redeem_signin_link(&hash, &session_hash, days),
                _ => Ok(Err(LinkRefusal::Spent)),
            }
        })
        .await?;
    if redeemed.is_err() {
        return Ok(html(StatusCode::GONE, &page, views::link_spent(&page)));
    }
    let cookie = Cookie::build(customer_cookie(&page.id), session_token)
        .path("/")
        .http_only(true)
        .secure(state.config.secure_cookies())
        .same_site(SameSite::Lax)
        .max_age(CookieDuration::days(i64::from(days)))
        .finish();
    let mut resp = HttpResponse::SeeOther()
        .insert_header(("Location", format!("/p/{}", page.slug)))
        .finish();
    let _ = resp.add_cookie(&cookie);
    Ok(resp)
}
