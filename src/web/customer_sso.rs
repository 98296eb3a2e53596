//! Single sign-on for customer pages: `/p/{slug}/sso` starts the OpenID Connect flow
//! with the page's id kept beside its `state` on the server; the shared callback
//! (`/admin/oidc/callback`) gives a page-scoped customer session when the verified
//! address is on that page's allowlist, else one neutral refusal page.

use crate::error::{AppError, AppResult};
use crate::secret::{random_token, sha256_hex};
use crate::sso::{Pending, Sso};
use crate::state::AppState;
use crate::views::customer as views;
use crate::web::access::customer_cookie;
use crate::web::auth::{check_limit, client_ip};
use crate::web::customer::{customer_page, html};
use crate::web::sso_flow::flow_cookie;
use actix_web::cookie::{Cookie, SameSite, time::Duration as CookieDuration};
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use std::sync::Arc;

/// `GET /p/{slug}/sso`: off to the identity provider, for this page.
pub async fn get_page_sso(
    req: HttpRequest,
    state: web::Data<AppState>,
    slug: web::Path<String>,
) -> AppResult<HttpResponse> {
    let page = customer_page(&req, &state, &slug).await?;
    let sso = state.sso.clone().ok_or_else(|| {
        AppError::NotFound("single sign-on (no oidc_issuer is configured)".into())
    })?;
    let ip = client_ip(&req, &state.config.trusted_proxies);
    check_limit(&req, &state, &state.limiters, &format!("oidc {ip}"))?;
    let st = state.clone();
    let page_id = page.id.clone();
    let begun = tokio::task::spawn_blocking(move || sso.begin(&st.sso_flows, Some(page_id)))
        .await
        .map_err(|e| AppError::Internal(format!("sign-in task: {e}")))?;
    let Ok((url, flow)) = begun else {
        return Ok(html(
            StatusCode::BAD_GATEWAY,
            &page,
            views::sso_refused(&page),
        ));
    };
    let mut resp = HttpResponse::SeeOther()
        .insert_header(("Location", url))
        .finish();
    let _ = resp.add_cookie(&flow_cookie(&state, flow));
    Ok(resp)
}

/// The callback's end for a customer page's sign-in (`pending` names the page).
pub async fn finish(
    req: &HttpRequest,
    state: &AppState,
    sso: Arc<Sso>,
    pending: Pending,
    code: String,
) -> AppResult<HttpResponse> {
    let page_id = pending.page().unwrap_or_default().to_string();
    let page = {
        let id = page_id.clone();
        state.store.run(move |s| s.get_page(&id)).await?
    };
    let finished = tokio::task::spawn_blocking(move || sso.finish(pending, &code))
        .await
        .map_err(|e| AppError::Internal(format!("sign-in task: {e}")))?;
    let email = match finished {
        Ok(id) if id.email_verified => id.email.map(|e| e.trim().to_lowercase()),
        Ok(_) => None,
        Err(e) => {
            tracing::warn!(error = ?e, page = %page.slug, "customer SSO sign-in refused");
            None
        }
    };
    let refused = || html(StatusCode::FORBIDDEN, &page, views::sso_refused(&page));
    let Some(email) = email else {
        return Ok(refused());
    };
    let session_token = random_token();
    let days = state.config.customer_session_days;
    let (id, to, hash) = (page_id.clone(), email.clone(), sha256_hex(&session_token));
    let started = state
        .store
        .run(move |s| s.start_customer_session(&id, &to, &hash, days))
        .await?;
    if started.is_err() {
        let client = client_ip(req, &state.config.trusted_proxies).to_string();
        state
            .store
            .run(move |s| s.record_refused_signin(&page_id, &email, &client))
            .await?;
        return Ok(refused());
    }
    tracing::info!(page = %page.slug, email = %email, "customer signed in with SSO");
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
    let mut gone = flow_cookie(state, String::new());
    gone.make_removal();
    let _ = resp.add_cookie(&gone);
    Ok(resp)
}
