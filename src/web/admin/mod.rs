//! Admin UI handlers, one area per file.

pub mod components;
pub mod incidents;
pub mod keys;
pub mod maintenance;
pub mod monitors;
pub mod oidc;
pub mod pages;
pub mod session;
pub mod subscribers;
pub mod templates;
pub mod users;

use crate::error::{AppError, AppResult};
use crate::views::admin::FormState;
use crate::views::layout::Nav;
use crate::web::auth::Actor;
use crate::web::auth::FLASH_COOKIE;
use actix_web::HttpResponse;
use actix_web::body::MessageBody;
use actix_web::cookie::{Cookie, SameSite, time::Duration as CookieDuration};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::{Method, StatusCode};
use actix_web::middleware::Next;
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

/// Clears the flash cookie once an admin page has been shown with it.
pub async fn clear_shown_flash(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let shown = req.method() == Method::GET
        && req.path().starts_with("/admin")
        && req.cookie(FLASH_COOKIE).is_some();
    let mut res = next.call(req).await?;
    if shown && res.status() == StatusCode::OK {
        let mut gone = Cookie::build(FLASH_COOKIE, "").path("/admin").finish();
        gone.make_removal();
        let _ = res.response_mut().add_cookie(&gone);
    }
    Ok(res)
}

/// Owned navigation data for an actor.
pub(crate) struct NavData {
    active: &'static str,
    who: String,
    role: &'static str,
    csrf: String,
    flash: Option<String>,
}

impl NavData {
    pub fn new(actor: &Actor, active: &'static str) -> Self {
        NavData {
            active,
            who: actor.name(),
            role: actor.role.as_str(),
            csrf: actor.csrf.clone().unwrap_or_default(),
            flash: actor.flash.clone(),
        }
    }
    pub fn nav(&self) -> Nav<'_> {
        Nav {
            active: self.active,
            who: &self.who,
            role: self.role,
            csrf: &self.csrf,
            flash: self.flash.as_deref(),
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
    again(FormState::error(e.to_string(), values(pairs)), status).await
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
