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

use crate::error::AppError;
use crate::views::layout::Nav;
use crate::web::auth::Actor;
use actix_web::HttpResponse;
use maud::Markup;
use std::collections::HashMap;

/// An HTML answer with a status.
pub(crate) fn html(status: actix_web::http::StatusCode, markup: Markup) -> HttpResponse {
    HttpResponse::build(status)
        .content_type("text/html; charset=utf-8")
        .insert_header(("Cache-Control", "no-store"))
        .body(markup.into_string())
}

pub(crate) fn ok(markup: Markup) -> HttpResponse {
    html(actix_web::http::StatusCode::OK, markup)
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

/// Whether a failed post should re-render its form (validation) or fail as an error page.
pub(crate) fn is_form_error(e: &AppError) -> bool {
    matches!(
        e,
        AppError::Invalid { .. }
            | AppError::UnknownIds { .. }
            | AppError::Conflict(_)
            | AppError::NotFound(_)
    )
}

/// The status a re-rendered form carries.
pub(crate) fn form_status(e: &AppError) -> actix_web::http::StatusCode {
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
