//! A page's logo in the admin: upload (multipart, size-limited while reading) and removal.

use super::{done, pages::edit};
use crate::domain::branding::MAX_LOGO_BYTES;
use crate::error::{AppError, AppResult};
use crate::secret::same_token;
use crate::state::AppState;
use crate::views::admin::FormState;
use crate::web::auth::{CsrfForm, Editor};
use actix_multipart::Multipart;
use actix_web::{HttpResponse, http::StatusCode, web};
use futures_util::StreamExt;

/// The upload form's fields: its CSRF token and the logo's bytes.
#[derive(Default)]
struct Upload {
    csrf: String,
    logo: Vec<u8>,
}

/// Reads the form, refusing a logo past the limit as soon as it is passed.
async fn read_upload(mut parts: Multipart) -> AppResult<Upload> {
    let bad_form = |e: actix_multipart::MultipartError| {
        AppError::invalid(
            "logo",
            format!("The upload could not be read ({e}); try again."),
        )
    };
    let mut up = Upload::default();
    while let Some(field) = parts.next().await {
        let mut field = field.map_err(bad_form)?;
        let name = field.name().unwrap_or("").to_string();
        let mut buf = Vec::new();
        while let Some(chunk) = field.next().await {
            let chunk = chunk.map_err(bad_form)?;
            if buf.len().saturating_add(chunk.len()) > MAX_LOGO_BYTES {
                return Err(AppError::PayloadTooLarge(MAX_LOGO_BYTES));
            }
            buf.extend_from_slice(&chunk);
        }
        match name.as_str() {
            "csrf" => up.csrf = String::from_utf8_lossy(&buf).into_owned(),
            "logo" => up.logo = buf,
            _ => {}
        }
    }
    Ok(up)
}

pub async fn post_page_logo(
    state: web::Data<AppState>,
    Editor(actor): Editor,
    id: web::Path<String>,
    parts: Multipart,
) -> AppResult<HttpResponse> {
    let id = id.into_inner();
    // An API key has no session, so no CSRF token: refused before the body is read.
    let Some(expected) = actor.csrf.clone() else {
        return Err(AppError::Csrf);
    };
    let result = match read_upload(parts).await {
        Ok(up) => {
            if up.csrf.is_empty() || !same_token(&expected, &up.csrf) {
                return Err(AppError::Csrf);
            }
            let target = id.clone();
            state
                .store
                .run(move |s| s.set_page_logo(&target, up.logo))
                .await
        }
        Err(e) => Err(e),
    };
    let (status, message) = match result {
        Ok(_) => return Ok(done(&format!("/admin/pages/{id}"), "Logo saved.")),
        Err(AppError::PayloadTooLarge(limit)) => (
            StatusCode::PAYLOAD_TOO_LARGE,
            format!(
                "The logo is larger than {} KB; make it smaller and upload it again.",
                limit / 1024
            ),
        ),
        Err(AppError::Invalid { message, .. }) => (StatusCode::BAD_REQUEST, message),
        Err(e) => return Err(e),
    };
    let form = FormState::field_error("logo", message, Default::default());
    edit(&state, &actor, id, form, status).await
}

pub async fn post_page_logo_remove(
    state: web::Data<AppState>,
    Editor(_actor): Editor,
    id: web::Path<String>,
    _f: CsrfForm<super::NoFields>,
) -> AppResult<HttpResponse> {
    let id = id.into_inner();
    let target = id.clone();
    state
        .store
        .run(move |s| s.remove_page_logo(&target))
        .await?;
    Ok(done(&format!("/admin/pages/{id}"), "Logo removed."))
}
