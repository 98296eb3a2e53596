//! Admin UI handlers, one area per file.

pub mod components;
pub mod incidents;
pub mod keys;
pub mod maintenance;
pub mod monitors;
pub mod pages;
pub mod session;
pub mod subscribers;
pub mod templates;
pub mod users;

use crate::error::{AppError, AppResult};
use crate::views::admin::FormState;
use crate::views::layout::Nav;
use crate::web::auth::Actor;
use actix_web::HttpResponse;
use actix_web::http::StatusCode;
use maud::Markup;
use std::collections::HashMap;

/// An HTML answer with a status.
pub(crate) fn html(status: StatusCode, markup: Markup) -> HttpResponse {
    HttpResponse::build(status)
        .content_type("text/html; charset=utf-8")
        .insert_header(("Cache-Control", "no-store"))
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

/// Owned navigation data for an actor.
pub(crate) struct NavData {
    active: &'static str,
    who: String,
    role: &'static str,
    csrf: String,
}

impl NavData {
    pub fn new(actor: &Actor, active: &'static str) -> Self {
        NavData {
            active,
            who: actor.name(),
            role: actor.role.as_str(),
            csrf: actor.csrf.clone().unwrap_or_default(),
        }
    }
    pub fn nav(&self) -> Nav<'_> {
        Nav {
            active: self.active,
            who: &self.who,
            role: self.role,
            csrf: &self.csrf,
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
