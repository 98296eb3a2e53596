//! Admin UI handlers, one area per file.

pub mod account;
pub mod alert_rules;
pub mod alerts;
pub mod audit;
pub mod branding;
pub mod components;
pub mod confirm;
pub mod drafts;
pub mod incidents;
pub mod keys;
pub mod maintenance;
pub mod managed;
pub mod monitors;
pub mod oidc;
pub mod page_access;
pub mod pages;
pub mod postmortems;
pub mod session;
pub mod subscribers;
pub mod team;
pub mod templates;
pub mod users;

use crate::error::{AppError, AppResult};
use crate::views::admin::FormState;
use crate::views::layout::Nav;
use crate::web::auth::Actor;
use crate::web::auth::FLASH_COOKIE;
use actix_web::HttpResponse;
use actix_web::cookie::{Cookie, SameSite, time::Duration as CookieDuration};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{HeaderValue, LOCATION};
use actix_web::http::{Method, StatusCode};
use maud::Markup;
use std::collections::HashMap;

/// An HTML answer with a status.
pub(crate) fn html(status: StatusCode, markup: Markup) -> HttpResponse {
    HttpResponse::build(status)
        .content_type("text/html; charset=utf-8")
        .insert_header(("Cache-Control", crate::web::cache::PRIVATE))
        .body(markup.into_string())
}

pub(crate) fn ok(markup: Markup) -> HttpResponse {
    html(StatusCode::OK, markup)
}

/// A redirect after a successful post.
pub(crate) fn see_other(to: &str) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header(("Location", to))
        .finish()
}

/// A redirect after a successful post that leaves a message for the next page.
pub(crate) fn done(to: &str, message: &str) -> HttpResponse {
    with_flash(to, message)
}

/// A redirect after a post whose outcome was a failure (a test send that bounced).
pub(crate) fn failed(to: &str, message: &str) -> HttpResponse {
    with_flash(to, &format!("{FLASH_ERROR}{message}"))
}

/// Marks a flash message as an error.
const FLASH_ERROR: &str = "!";

fn with_flash(to: &str, message: &str) -> HttpResponse {
    let mut resp = see_other(to);
    let value = percent_encoding::utf8_percent_encode(message, percent_encoding::NON_ALPHANUMERIC)
        .to_string();
    let cookie = Cookie::build(FLASH_COOKIE, value)
        .path("/admin")
        .http_only(true)
        .same_site(SameSite::Lax)
        .max_age(CookieDuration::minutes(5))
        .finish();
    let _ = resp.add_cookie(&cookie);
    resp
}

/// What [`after_admin_page`] needs to know of an admin GET, read before it is answered.
pub struct AdminGet {
    /// The flash cookie was sent, so this page shows (and then clears) it.
    flash_shown: bool,
    /// The path and query asked for, to come back to after signing in.
    asked: Option<String>,
}

/// Reads an admin GET before it is answered; `None` for every other request.
pub fn before_admin_page(req: &ServiceRequest) -> Option<AdminGet> {
    if req.method() != Method::GET || !req.path().starts_with("/admin") {
        return None;
    }
    Some(AdminGet {
        flash_shown: req.cookie(FLASH_COOKIE).is_some(),
        asked: req.uri().path_and_query().map(|p| p.to_string()),
    })
}

/// Around every admin page: clears the flash cookie once a page has shown it, and
/// sends a browser that must sign in to the sign-in form with the page it asked for.
pub fn after_admin_page<B>(get: AdminGet, res: &mut ServiceResponse<B>) {
    if get.flash_shown && res.status() == StatusCode::OK {
        let mut gone = Cookie::build(FLASH_COOKIE, "").path("/admin").finish();
        gone.make_removal();
        let _ = res.response_mut().add_cookie(&gone);
    }
    let to_login = res.status() == StatusCode::SEE_OTHER
        && res
            .headers()
            .get(LOCATION)
            .is_some_and(|l| l.as_bytes() == b"/admin/login");
    if let (true, Some(asked)) = (to_login, get.asked)
        && crate::domain::validate::local_admin_path(&asked).is_some()
        && asked != "/admin"
    {
        let back =
            percent_encoding::utf8_percent_encode(&asked, percent_encoding::NON_ALPHANUMERIC);
        if let Ok(v) = HeaderValue::from_str(&format!("/admin/login?next={back}")) {
            res.headers_mut().insert(LOCATION, v);
        }
    }
}

/// Owned navigation data for an actor.
pub(crate) struct NavData {
    active: &'static str,
    who: String,
    role: &'static str,
    csrf: String,
    flash: Option<String>,
    drafts: Option<usize>,
}

impl NavData {
    pub fn new(actor: &Actor, active: &'static str) -> Self {
        NavData {
            active,
            who: actor.name(),
            role: actor.role.as_str(),
            csrf: actor.csrf.clone().unwrap_or_default(),
            flash: actor.flash.clone(),
            drafts: actor.drafts,
        }
    }
    pub fn nav(&self) -> Nav<'_> {
        Nav {
            active: self.active,
            who: &self.who,
            role: self.role,
            csrf: &self.csrf,
            flash: self
                .flash
                .as_deref()
                .map(|f| match f.strip_prefix(FLASH_ERROR) {
                    Some(e) => (e, true),
                    None => (f, false),
                }),
            drafts: self.drafts,
        }
    }
}

/// Answers a failed post: a validation error shows the form again through `again`, with
/// the message and the values sent; any other error becomes an error page.
pub(crate) async fn form_error<F, Fut>(
    e: AppError,
    pairs: &[(String, String)],
    again: F,
) -> AppResult<HttpResponse>
where
    F: FnOnce(FormState, StatusCode) -> Fut,
    Fut: Future<Output = AppResult<HttpResponse>>,
{
    if !is_form_error(&e) {
        return Err(e);
    }
    let status = form_status(&e);
    let form = match &e {
        AppError::Invalid { field, message } | AppError::UnknownIds { field, message } => {
            FormState::field_error(field, message.clone(), values(pairs))
        }
        _ => FormState::error(e.to_string(), values(pairs)),
    };
    again(form, status).await
}

/// Whether a failed post should re-render its form (validation) or fail as an error page.
fn is_form_error(e: &AppError) -> bool {
    matches!(
        e,
        AppError::Invalid { .. }
            | AppError::UnknownIds { .. }
            | AppError::Conflict(_)
            | AppError::NotFound(_)
    )
}

/// The status a re-rendered form carries.
fn form_status(e: &AppError) -> StatusCode {
    actix_web::ResponseError::status_code(e)
}

/// Submitted values, for re-rendering (passwords are never echoed).
pub(crate) fn values(pairs: &[(String, String)]) -> HashMap<String, String> {
    pairs
        .iter()
        .filter(|(k, _)| !k.contains("password") && k != "csrf")
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect()
}

/// A form with nothing but its CSRF token (buttons such as Delete or Publish).
#[derive(serde::Deserialize)]
pub struct NoFields {}
