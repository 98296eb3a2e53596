//! Single sign-on with OpenID Connect: `/admin/oidc/start` sends the browser to the
//! provider, `/admin/oidc/callback` checks what comes back and signs the person in.

use super::session::{login_page, start_session};
use crate::domain::sso::{self, Decision};
use crate::error::{AppError, AppResult};
use crate::secret;
use crate::sso::SsoError;
use crate::state::AppState;
use crate::views::admin::FormState;
use crate::web::auth::{check_limit, client_ip};
use crate::web::sso_flow::{FLOW_COOKIE, flow_cookie};
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use serde::Deserialize;
use std::collections::HashMap;

fn refused(req: &HttpRequest, state: &AppState, status: StatusCode, msg: String) -> HttpResponse {
    login_page(req, state, status, FormState::error(msg, HashMap::new()))
}

fn sso_error(req: &HttpRequest, state: &AppState, e: SsoError) -> HttpResponse {
    match e {
        SsoError::Provider(m) => refused(req, state, StatusCode::BAD_GATEWAY, m),
        SsoError::Refused(m) => refused(req, state, StatusCode::FORBIDDEN, m),
    }
}

fn not_configured() -> AppError {
    AppError::NotFound("single sign-on (no oidc_issuer is configured)".into())
}

/// `GET /admin/oidc/start`: off to the identity provider.
pub async fn get_oidc_start(
    req: HttpRequest,
    state: web::Data<AppState>,
) -> AppResult<HttpResponse> {
    let sso = state.sso.clone().ok_or_else(not_configured)?;
    let ip = client_ip(&req, &state.config.trusted_proxies);
    if check_limit(&req, &state, &state.limiters, &format!("oidc {ip}")).is_err() {
        let msg = "Too many sign-in attempts. Wait a minute and try again.".to_string();
        return Ok(refused(&req, &state, StatusCode::TOO_MANY_REQUESTS, msg));
    }
    let st = state.clone();
    let begun = tokio::task::spawn_blocking(move || sso.begin(&st.sso_flows, None))
        .await
        .map_err(|e| AppError::Internal(format!("sign-in task: {e}")))?;
    let (url, flow) = match begun {
        Ok(v) => v,
        Err(e) => return Ok(sso_error(&req, &state, e)),
    };
    let mut resp = super::see_other(&url);
    let _ = resp.add_cookie(&flow_cookie(&state, flow));
    Ok(resp)
}

#[derive(Deserialize)]
pub struct CallbackQuery {
    #[serde(default)]
    code: String,
    #[serde(default)]
    state: String,
    #[serde(default)]
    error: Option<String>,
    #[serde(default)]
    error_description: Option<String>,
}

/// `GET /admin/oidc/callback`: the provider sends the browser back with a code.
pub async fn get_oidc_callback(
    req: HttpRequest,
    state: web::Data<AppState>,
    q: web::Query<CallbackQuery>,
) -> AppResult<HttpResponse> {
    let sso = state.sso.clone().ok_or_else(not_configured)?;
    let map = sso.role_map().clone();
    let q = q.into_inner();
    if let Some(err) = q.error {
        let why = q.error_description.unwrap_or_default();
        let msg = format!("The identity provider did not sign you in ({err}) {why}");
        return Ok(refused(
            &req,
            &state,
            StatusCode::FORBIDDEN,
            msg.trim().into(),
        ));
    }
    let mine = req
        .cookie(FLOW_COOKIE)
        .is_some_and(|c| !q.state.is_empty() && secret::same_token(c.value(), &q.state));
    let pending = mine.then(|| state.sso_flows.take(&q.state)).flatten();
    let Some(pending) = pending else {
        let msg = "This sign-in was started in another browser or took longer than 10 minutes; start it again.";
        return Ok(refused(&req, &state, StatusCode::BAD_REQUEST, msg.into()));
    };
    let code = q.code;
    if pending.page().is_some() {
        return crate::web::customer_sso::finish(&req, &state, sso, pending, code).await;
    }
    let finished = tokio::task::spawn_blocking(move || sso.finish(pending, &code))
        .await
        .map_err(|e| AppError::Internal(format!("sign-in task: {e}")))?;
    let identity = match finished {
        Ok(id) => id,
        Err(e) => {
            tracing::warn!(error = ?e, "SSO sign-in refused");
            return Ok(sso_error(&req, &state, e));
        }
    };
    let email = identity.email.clone().unwrap_or_default();
    let lookup = email.clone();
    let existing = state.store.run(move |s| s.user_by_email(&lookup)).await?;
    let decision = sso::decide(&identity, &map, existing.is_some());
    let user = match (decision, existing) {
        (Err(refusal), _) => {
            tracing::info!(email = %email, reason = %refusal, "SSO sign-in refused");
            return Ok(refused(
                &req,
                &state,
                StatusCode::FORBIDDEN,
                refusal.to_string(),
            ));
        }
        (Ok(_), Some(user)) if user.disabled => {
            tracing::info!(email = %user.email, "SSO sign-in refused: account disabled");
            let msg = "This account is disabled. Ask an owner to enable it again.";
            return Ok(refused(&req, &state, StatusCode::FORBIDDEN, msg.into()));
        }
        (Ok(_), Some(user)) => user,
        (Ok(Decision::Create(role)), None) => {
            let user = state
                .store
                .run(move |s| {
                    // No password (an empty hash never verifies), so no reset mail either.
                    s.create_user(&email, String::new(), role, false)
                })
                .await?;
            tracing::info!(email = %user.email, role = %user.role, "user created by SSO sign-in");
            user
        }
        (Ok(Decision::SignIn), None) => {
            return Err(AppError::Internal(
                "SSO: sign-in decided for no user".into(),
            ));
        }
    };
    tracing::info!(user = %user.email, "signed in with SSO");
    let mut resp = start_session(&req, &state, user.id, "/admin").await?;
    let mut gone = flow_cookie(&state, String::new());
    gone.make_removal();
    let _ = resp.add_cookie(&gone);
    Ok(resp)
}
