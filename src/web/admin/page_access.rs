//! A customer page's access screen: address, sessions (revoke), read tokens (create,
//! revoke) and refused sign-in requests.

use super::{NavData, done, form_error, html};
use crate::error::{AppError, AppResult};
use crate::secret::{random_token, sha256_hex};
use crate::state::AppState;
use crate::views::admin::FormState;
use crate::views::admin::confirm::Confirm;
use crate::views::admin::page_access as views;
use crate::web::auth::{Actor, CsrfForm, Editor, Viewer};
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use serde::Deserialize;

async fn screen(
    state: &AppState,
    actor: &Actor,
    id: String,
    new_token: Option<String>,
    form: FormState,
    status: StatusCode,
) -> AppResult<HttpResponse> {
    let (page, sessions, refused, tokens) = state
        .store
        .run(move |s| {
            let page = s.get_page(&id)?;
            Ok((
                s.list_customer_sessions(&page.id)?,
                s.list_refused_signins(&page.id)?,
                s.list_read_tokens(&page.id)?,
                page,
            ))
        })
        .await
        .map(|(a, b, c, p)| (p, a, b, c))?;
    let url = format!(
        "{}/p/{}",
        state.config.public_url.trim_end_matches('/'),
        page.slug
    );
    let nav = NavData::new(actor, "/admin/pages");
    let view = views::AccessView {
        page: &page,
        url,
        sessions: &sessions,
        refused: &refused,
        tokens: &tokens,
        new_token: new_token.as_deref(),
    };
    Ok(html(status, views::page_access(&nav.nav(), &view, &form)))
}

/// `GET /admin/pages/{id}/access`.
pub async fn get_page_access(
    state: web::Data<AppState>,
    Viewer(actor): Viewer,
    id: web::Path<String>,
) -> AppResult<HttpResponse> {
    screen(
        &state,
        &actor,
        id.into_inner(),
        None,
        FormState::default(),
        StatusCode::OK,
    )
    .await
}

/// `GET /admin/pages/{id}/sessions/{sid}/revoke`: what signing a customer out does.
pub async fn get_session_revoke(
    state: web::Data<AppState>,
    Editor(actor): Editor,
    path: web::Path<(String, String)>,
) -> AppResult<HttpResponse> {
    let (id, sid) = path.into_inner();
    let (page, session) = state
        .store
        .run(move |s| {
            let page = s.get_page(&id)?;
            let found = s
                .list_customer_sessions(&page.id)?
                .into_iter()
                .find(|x| x.id == sid)
                .ok_or_else(|| AppError::NotFound(format!("session {sid}")))?;
            Ok((page, found))
        })
        .await?;
    Ok(super::confirm::page(
        &actor,
        "/admin/pages",
        Confirm {
            title: format!("Sign {} out of “{}”?", session.email, page.title),
            consequences: vec![
                "Their session ends now; the page asks them to sign in again.".into(),
                "They can ask for a new sign-in link while the page's allowlist admits them."
                    .into(),
            ],
            action: format!("/admin/pages/{}/sessions/{}/revoke", page.id, session.id),
            button: "Sign out".into(),
            cancel: format!("/admin/pages/{}/access", page.id),
        },
    ))
}

/// `POST /admin/pages/{id}/sessions/{sid}/revoke`: signs one customer out.
pub async fn post_session_revoke(
    state: web::Data<AppState>,
    Editor(_): Editor,
    path: web::Path<(String, String)>,
    _form: CsrfForm<NoFields>,
) -> AppResult<HttpResponse> {
    let (id, sid) = path.into_inner();
    let page = id.clone();
    let s = state
        .store
        .run(move |s| s.revoke_customer_session(&page, &sid))
        .await?;
    Ok(done(
        &format!("/admin/pages/{id}/access"),
        &format!("{} is signed out.", s.email),
    ))
}

#[derive(Deserialize)]
pub struct NoFields {}

#[derive(Deserialize)]
pub struct TokenForm {
    name: String,
}

/// `POST /admin/pages/{id}/tokens`: creates a read token and shows it once (201).
pub async fn post_read_token(
    state: web::Data<AppState>,
    Editor(actor): Editor,
    id: web::Path<String>,
    form: CsrfForm<TokenForm>,
) -> AppResult<HttpResponse> {
    let id = id.into_inner();
    let token = format!("sdr_{}", random_token());
    let (hash, prefix) = (sha256_hex(&token), token.chars().take(9).collect());
    let (page, name, by) = (id.clone(), form.data.name.clone(), actor.name());
    match state
        .store
        .run(move |s| s.create_read_token(&page, &name, hash, prefix, Some(by)))
        .await
    {
        Ok(_) => {
            screen(
                &state,
                &actor,
                id,
                Some(token),
                FormState::default(),
                StatusCode::CREATED,
            )
            .await
        }
        Err(e) => {
            form_error(e, &form.pairs, |f, status| {
                screen(&state, &actor, id.clone(), None, f, status)
            })
            .await
        }
    }
}

/// `GET /admin/pages/{id}/tokens/{tid}/revoke`: what revoking a read token does.
pub async fn get_read_token_revoke(
    state: web::Data<AppState>,
    Editor(actor): Editor,
    path: web::Path<(String, String)>,
) -> AppResult<HttpResponse> {
    let (id, tid) = path.into_inner();
    let (page, token) = state
        .store
        .run(move |s| {
            let page = s.get_page(&id)?;
            let found = s
                .list_read_tokens(&page.id)?
                .into_iter()
                .find(|x| x.id == tid)
                .ok_or_else(|| AppError::NotFound(format!("read token {tid}")))?;
            Ok((page, found))
        })
        .await?;
    Ok(super::confirm::page(
        &actor,
        "/admin/pages",
        Confirm {
            title: format!("Revoke read token “{}”?", token.name),
            consequences: vec![
                format!(
                    "Feed readers and scripts using the token that starts with {}… lose access to “{}” now.",
                    token.prefix, page.title
                ),
                "This cannot be undone; make a new token to give access again.".into(),
            ],
            action: format!("/admin/pages/{}/tokens/{}/revoke", page.id, token.id),
            button: "Revoke token".into(),
            cancel: format!("/admin/pages/{}/access", page.id),
        },
    ))
}

/// `POST /admin/pages/{id}/tokens/{tid}/revoke`.
pub async fn post_read_token_revoke(
    state: web::Data<AppState>,
    Editor(_): Editor,
    path: web::Path<(String, String)>,
    _form: CsrfForm<NoFields>,
) -> AppResult<HttpResponse> {
    let (id, tid) = path.into_inner();
    let page = id.clone();
    let t = state
        .store
        .run(move |s| s.revoke_read_token(&page, &tid))
        .await?;
    Ok(done(
        &format!("/admin/pages/{id}/access"),
        &format!("Read token “{}” revoked.", t.name),
    ))
}
