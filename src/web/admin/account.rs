//! `/admin/account`: the signed-in person changes their password and sees and ends their
//! own sessions. API keys have no account.

use super::confirm::page as confirm_page;
use super::{NavData, done, html, values};
use crate::error::{AppError, AppResult};
use crate::secret;
use crate::state::AppState;
use crate::views::admin::FormState;
use crate::views::admin::account as views;
use crate::views::admin::confirm::Confirm;
use crate::web::auth::{Actor, CsrfForm, SESSION_COOKIE, Viewer};
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use serde::Deserialize;

/// The signed-in user's id and email, and the hash of this browser's session cookie.
fn me(req: &HttpRequest, actor: &Actor) -> AppResult<(String, String, String)> {
    let id = actor.user_id().ok_or_else(|| {
        AppError::Forbidden("an API key has no account; sign in as a person".into())
    })?;
    let current = req
        .cookie(SESSION_COOKIE)
        .map(|c| secret::sha256_hex(c.value()))
        .unwrap_or_default();
    Ok((id.to_string(), actor.name(), current))
}

async fn show(
    req: &HttpRequest,
    state: &AppState,
    actor: &Actor,
    form: FormState,
    status: StatusCode,
) -> AppResult<HttpResponse> {
    let (id, email, current) = me(req, actor)?;
    let sessions = state
        .store
        .run(move |s| s.user_sessions(&id, &current))
        .await?;
    let nav = NavData::new(actor, "/admin/account");
    Ok(html(
        status,
        views::account(&nav.nav(), &email, &sessions, &form),
    ))
}

pub async fn get_account(
    req: HttpRequest,
    state: web::Data<AppState>,
    Viewer(actor): Viewer,
) -> AppResult<HttpResponse> {
    show(&req, &state, &actor, FormState::default(), StatusCode::OK).await
}

#[derive(Deserialize)]
pub struct PasswordChange {
    current_password: String,
    password: String,
    password_confirm: String,
}

/// `POST /admin/account/password`: needs the current password; ends the other sessions.
pub async fn post_password(
    req: HttpRequest,
    state: web::Data<AppState>,
    Viewer(actor): Viewer,
    form: CsrfForm<PasswordChange>,
) -> AppResult<HttpResponse> {
    let (id, email, current) = me(&req, &actor)?;
    crate::web::auth::check_limit(&req, &state, &state.limiters, &email)?;
    let f = &form.data;
    let again = |field: &str, msg: String| {
        show(
            &req,
            &state,
            &actor,
            FormState::field_error(field, msg, values(&form.pairs)),
            StatusCode::BAD_REQUEST,
        )
    };
    let (uid, typed) = (id.clone(), f.current_password.clone());
    let right = state
        .store
        .run(move |s| {
            let u = s.get_user(&uid)?;
            Ok(secret::verify_password(&u.password_hash, &typed))
        })
        .await?;
    if !right {
        return again(
            "current_password",
            "This is not your current password.".into(),
        )
        .await;
    }
    if let Err(m) = crate::domain::validate::password(&f.password, &email) {
        return again("password", m).await;
    }
    if f.password != f.password_confirm {
        return again(
            "password_confirm",
            "Passwords differ; type the same password twice.".into(),
        )
        .await;
    }
    let hash = secret::hash_password(&f.password)?;
    let ended = state
        .store
        .run(move |s| s.change_password(&id, hash, &current))
        .await?;
    tracing::info!(user = %email, ended, "password changed");
    Ok(done(
        "/admin/account",
        &format!("Password changed. Other sessions ended: {ended}."),
    ))
}

/// `GET /admin/account/sessions/{sid}/revoke`: the confirm step.
pub async fn get_session_revoke(
    req: HttpRequest,
    state: web::Data<AppState>,
    Viewer(actor): Viewer,
    sid: web::Path<String>,
) -> AppResult<HttpResponse> {
    let (id, _, current) = me(&req, &actor)?;
    let sid = sid.into_inner();
    let wanted = sid.clone();
    let (session, _) = state
        .store
        .run(move |s| s.user_sessions(&id, &current))
        .await?
        .into_iter()
        .find(|(s, _)| s.id == wanted)
        .ok_or_else(|| AppError::NotFound(format!("session {sid}")))?;
    let ua = crate::domain::team::short_user_agent(&session.user_agent);
    Ok(confirm_page(
        &actor,
        "/admin/account",
        Confirm {
            title: format!("Sign out {ua}?"),
            consequences: vec![format!(
                "The session signed in {} from {} ends now; that browser has to sign in again.",
                session.created_at.format("%Y-%m-%d %H:%M UTC"),
                if session.client.is_empty() {
                    "an unknown address"
                } else {
                    &session.client
                }
            )],
            action: format!("/admin/account/sessions/{}/revoke", session.id),
            button: "Sign out that session".into(),
            cancel: "/admin/account".into(),
        },
    ))
}

/// `POST /admin/account/sessions/{sid}/revoke`: ends one of one's own sessions.
pub async fn post_session_revoke(
    req: HttpRequest,
    state: web::Data<AppState>,
    Viewer(actor): Viewer,
    sid: web::Path<String>,
    _f: CsrfForm<super::NoFields>,
) -> AppResult<HttpResponse> {
    let (id, _, _) = me(&req, &actor)?;
    let sid = sid.into_inner();
    state
        .store
        .run(move |s| s.revoke_user_session(&id, &sid))
        .await?;
    Ok(done("/admin/account", "That session is signed out."))
}

/// `GET /admin/account/sessions/others`: the confirm step of "sign out everywhere else".
pub async fn get_other_sessions(
    req: HttpRequest,
    state: web::Data<AppState>,
    Viewer(actor): Viewer,
) -> AppResult<HttpResponse> {
    let (id, _, current) = me(&req, &actor)?;
    let others = state
        .store
        .run(move |s| s.user_sessions(&id, &current))
        .await?
        .into_iter()
        .filter(|(_, this)| !this)
        .count();
    Ok(confirm_page(
        &actor,
        "/admin/account",
        Confirm {
            title: "Sign out everywhere else?".into(),
            consequences: vec![format!(
                "Your other sessions ({others}) end now; those browsers have to sign in again. This one stays signed in."
            )],
            action: "/admin/account/sessions/others".into(),
            button: "Sign out everywhere else".into(),
            cancel: "/admin/account".into(),
        },
    ))
}

/// `POST /admin/account/sessions/others`: "sign out everywhere else".
pub async fn post_other_sessions(
    req: HttpRequest,
    state: web::Data<AppState>,
    Viewer(actor): Viewer,
    _f: CsrfForm<super::NoFields>,
) -> AppResult<HttpResponse> {
    let (id, _, current) = me(&req, &actor)?;
    let ended = state
        .store
        .run(move |s| s.end_other_sessions(&id, &current))
        .await?;
    Ok(done(
        "/admin/account",
        &format!("Signed out everywhere else ({ended} sessions)."),
    ))
}
