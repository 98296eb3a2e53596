//! Mailed links before sign-in: accepting an invitation (`/admin/invite/{token}`) and
//! resetting a forgotten password (`/admin/reset`, `/admin/reset/{token}`).

use super::session::{csrf_cookie, start_session, with_cookie};
use super::{html, ok, values};
use crate::domain::team::RESET_MINUTES;
use crate::domain::{Role, validate};
use crate::error::AppResult;
use crate::secret;
use crate::state::AppState;
use crate::views::admin::FormState;
use crate::views::admin::team as views;
use crate::web::auth::{CsrfForm, MaybeActor, check_limit};
use actix_web::http::StatusCode;
use actix_web::{FromRequest, HttpRequest, HttpResponse, web};
use serde::Deserialize;

/// The CSRF token for these forms: a signed-in browser's session token, else the
/// pre-session cookie (set when missing).
async fn form_csrf(
    req: &HttpRequest,
    state: &AppState,
) -> AppResult<(String, Option<actix_web::cookie::Cookie<'static>>)> {
    if let Some(csrf) = MaybeActor::extract(req).await?.0.and_then(|a| a.csrf) {
        return Ok((csrf, None));
    }
    Ok(csrf_cookie(req, state))
}

fn invite_gone() -> HttpResponse {
    html(
        StatusCode::GONE,
        views::link_gone(
            "Invitation not valid",
            "This invitation link was already used, has expired (links work for 72 hours) or was withdrawn. Ask an owner to send a new one.",
        ),
    )
}

fn reset_gone() -> HttpResponse {
    html(
        StatusCode::GONE,
        views::link_gone(
            "Reset link not valid",
            "This reset link was already used or has expired (links work for one hour). Ask for a new one from the sign-in page.",
        ),
    )
}

/// The new password and its repetition, checked as at setup; the field and the words.
fn check_new_password(
    password: &str,
    confirm: &str,
    email: &str,
) -> Result<(), (&'static str, String)> {
    validate::password(password, email).map_err(|m| ("password", m))?;
    if password != confirm {
        return Err((
            "password_confirm",
            "Passwords differ; type the same password twice.".into(),
        ));
    }
    Ok(())
}

/// `GET /admin/invite/{token}`: the password form; opening it uses nothing up.
pub async fn get_invite(
    req: HttpRequest,
    state: web::Data<AppState>,
    token: web::Path<String>,
) -> AppResult<HttpResponse> {
    let hash = secret::sha256_hex(&token);
    let Some(invite) = state.store.run(move |s| s.peek_invite(&hash)).await? else {
        return Ok(invite_gone());
    };
    let (csrf, cookie) = form_csrf(&req, &state).await?;
    let action = format!("/admin/invite/{token}");
    Ok(with_cookie(
        ok(views::invite_accept(
            &invite,
            &action,
            &csrf,
            &FormState::default(),
        )),
        cookie,
    ))
}

#[derive(Deserialize)]
pub struct PasswordForm {
    password: String,
    password_confirm: String,
}

/// `POST /admin/invite/{token}`: creates the account with the invited role and signs in.
pub async fn post_invite(
    req: HttpRequest,
    state: web::Data<AppState>,
    token: web::Path<String>,
    form: CsrfForm<PasswordForm>,
) -> AppResult<HttpResponse> {
    let hash = secret::sha256_hex(&token);
    check_limit(&req, &state, &state.accept_limits, &hash)?;
    let peek = hash.clone();
    let Some(invite) = state.store.run(move |s| s.peek_invite(&peek)).await? else {
        return Ok(invite_gone());
    };
    let f = &form.data;
    if let Err((field, msg)) = check_new_password(&f.password, &f.password_confirm, &invite.email) {
        let (csrf, _) = form_csrf(&req, &state).await?;
        let action = format!("/admin/invite/{token}");
        let again = FormState::field_error(field, msg, values(&form.pairs));
        return Ok(html(
            StatusCode::BAD_REQUEST,
            views::invite_accept(&invite, &action, &csrf, &again),
        ));
    }
    let password_hash = secret::hash_password(&f.password)?;
    let Some(user) = state
        .store
        .run(move |s| s.accept_invite(&hash, password_hash))
        .await?
    else {
        return Ok(invite_gone());
    };
    tracing::info!(email = %user.email, role = %user.role, "invitation accepted");
    start_session(&req, &state, user.id, "/admin").await
}

/// `GET /admin/reset`: the "Forgot password?" form.
pub async fn get_reset(req: HttpRequest, state: web::Data<AppState>) -> AppResult<HttpResponse> {
    let (csrf, cookie) = form_csrf(&req, &state).await?;
    Ok(with_cookie(
        ok(views::reset_request(&csrf, &FormState::default())),
        cookie,
    ))
}

#[derive(Deserialize)]
pub struct ResetRequest {
    email: String,
}

/// `POST /admin/reset`: the same answer for every address; a link is mailed only to an
/// enabled user with a password (under `sso_only`, only to owners).
pub async fn post_reset(
    req: HttpRequest,
    state: web::Data<AppState>,
    form: CsrfForm<ResetRequest>,
) -> AppResult<HttpResponse> {
    let email = match validate::email(&form.data.email) {
        Ok(e) => e,
        Err(m) => {
            let (csrf, _) = form_csrf(&req, &state).await?;
            let again = FormState::field_error("email", m, values(&form.pairs));
            return Ok(html(
                StatusCode::BAD_REQUEST,
                views::reset_request(&csrf, &again),
            ));
        }
    };
    check_limit(&req, &state, &state.link_limits, &email)?;
    let lookup = email.clone();
    let user = state.store.run(move |s| s.user_by_email(&lookup)).await?;
    let sso_only = state.config.sso_only;
    let eligible = user.filter(|u| {
        !u.disabled && !u.password_hash.is_empty() && (!sso_only || u.role == Role::Owner)
    });
    if let Some(u) = eligible {
        let token = secret::random_token();
        let hash = secret::sha256_hex(&token);
        let id = u.id.clone();
        state.store.run(move |s| s.create_reset(&hash, &id)).await?;
        let settings = crate::notify::Settings::from_config(&state.config)?;
        let url = format!("{}/admin/reset/{token}", settings.public_url);
        let mail = crate::notify::access_mail::reset_mail(&u.email, &url, RESET_MINUTES, &settings);
        crate::notify::access_mail::send_in_background(mail, "reset", &settings);
        tracing::info!(user = %u.email, "password reset link sent");
    }
    Ok(ok(views::reset_sent(RESET_MINUTES)))
}

/// The user a live reset link is for (their email), or `None`.
async fn reset_user(state: &AppState, hash: String) -> AppResult<Option<String>> {
    state
        .store
        .run(move |s| {
            let Some(r) = s.peek_reset(&hash)? else {
                return Ok(None);
            };
            Ok(Some(s.get_user(&r.user_id)?)
                .filter(|u| !u.disabled)
                .map(|u| u.email))
        })
        .await
}

/// `GET /admin/reset/{token}`: the new-password form; opening it uses nothing up.
pub async fn get_reset_link(
    req: HttpRequest,
    state: web::Data<AppState>,
    token: web::Path<String>,
) -> AppResult<HttpResponse> {
    let Some(email) = reset_user(&state, secret::sha256_hex(&token)).await? else {
        return Ok(reset_gone());
    };
    let (csrf, cookie) = form_csrf(&req, &state).await?;
    let action = format!("/admin/reset/{token}");
    Ok(with_cookie(
        ok(views::reset_form(
            &email,
            &action,
            &csrf,
            &FormState::default(),
        )),
        cookie,
    ))
}

/// `POST /admin/reset/{token}`: sets the password, ends every session of the account and
/// signs this browser in.
pub async fn post_reset_link(
    req: HttpRequest,
    state: web::Data<AppState>,
    token: web::Path<String>,
    form: CsrfForm<PasswordForm>,
) -> AppResult<HttpResponse> {
    let hash = secret::sha256_hex(&token);
    check_limit(&req, &state, &state.accept_limits, &hash)?;
    let Some(email) = reset_user(&state, hash.clone()).await? else {
        return Ok(reset_gone());
    };
    let f = &form.data;
    if let Err((field, msg)) = check_new_password(&f.password, &f.password_confirm, &email) {
        let (csrf, _) = form_csrf(&req, &state).await?;
        let action = format!("/admin/reset/{token}");
        let again = FormState::field_error(field, msg, values(&form.pairs));
        return Ok(html(
            StatusCode::BAD_REQUEST,
            views::reset_form(&email, &action, &csrf, &again),
        ));
    }
    let password_hash = secret::hash_password(&f.password)?;
    let Some(user) = state
        .store
        .run(move |s| s.redeem_reset(&hash, password_hash))
        .await?
    else {
        return Ok(reset_gone());
    };
    tracing::info!(user = %user.email, "password reset");
    start_session(&req, &state, user.id, "/admin").await
}
