//! Setup of the first owner, sign-in and sign-out.

use super::{html, ok, see_other, values};
use crate::domain::{Role, validate};
use crate::error::{AppError, AppResult};
use crate::secret;
use crate::state::AppState;
use crate::views::admin::FormState;
use crate::views::admin::session as views;
use crate::web::auth::{CSRF_COOKIE, CsrfForm, MaybeActor, SESSION_COOKIE};
use actix_web::cookie::{Cookie, SameSite, time::Duration as CookieDuration};
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use serde::Deserialize;

/// The pre-session CSRF token: the cookie if present, else a new one to set.
pub(super) fn csrf_cookie(
    req: &HttpRequest,
    state: &AppState,
) -> (String, Option<Cookie<'static>>) {
    if let Some(c) = req.cookie(CSRF_COOKIE).filter(|c| c.value().len() >= 32) {
        return (c.value().to_string(), None);
    }
    let token = secret::random_token();
    let cookie = Cookie::build(CSRF_COOKIE, token.clone())
        .path("/admin")
        .http_only(true)
        .secure(state.config.secure_cookies())
        .same_site(SameSite::Strict)
        .finish();
    (token, Some(cookie))
}

pub(super) fn with_cookie(mut resp: HttpResponse, cookie: Option<Cookie<'static>>) -> HttpResponse {
    if let Some(c) = cookie {
        let _ = resp.add_cookie(&c);
    }
    resp
}

fn session_cookie(state: &AppState, value: String) -> Cookie<'static> {
    Cookie::build(SESSION_COOKIE, value)
        .path("/")
        .http_only(true)
        .secure(state.config.secure_cookies())
        .same_site(SameSite::Lax)
        .max_age(CookieDuration::days(secret::SESSION_DAYS))
        .finish()
}

/// Signs a user in with a fresh session id and sends them `to`; the session the browser
/// had before (if any) ends, so an id planted or seen before sign-in is worth nothing after it.
pub(crate) async fn start_session(
    req: &HttpRequest,
    state: &AppState,
    user_id: String,
    to: &str,
) -> AppResult<HttpResponse> {
    let (cookie_value, mut session) = secret::new_session(&user_id);
    session.client = crate::web::auth::client_ip(req, &state.config.trusted_proxies).to_string();
    session.user_agent = req
        .headers()
        .get("user-agent")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .chars()
        .take(300)
        .collect();
    let hash = secret::sha256_hex(&cookie_value);
    let previous = req
        .cookie(SESSION_COOKIE)
        .map(|c| secret::sha256_hex(c.value()));
    state
        .store
        .run(move |s| {
            if let Some(old) = previous {
                s.delete_session(&old)?;
            }
            s.create_session(&hash, &session)?;
            s.record_login(&user_id)
        })
        .await?;
    let mut resp = see_other(to);
    let _ = resp.add_cookie(&session_cookie(state, cookie_value));
    Ok(resp)
}

fn setup_token_valid(state: &AppState, token: &str) -> bool {
    let guard = state
        .setup_token_hash
        .lock()
        .unwrap_or_else(|e| e.into_inner());
    guard
        .as_deref()
        .is_some_and(|h| secret::same_token(h, &secret::sha256_hex(token)))
}

#[derive(Deserialize)]
pub struct SetupQuery {
    #[serde(default)]
    token: String,
}

pub async fn get_setup(
    req: HttpRequest,
    state: web::Data<AppState>,
    q: web::Query<SetupQuery>,
) -> HttpResponse {
    if !setup_token_valid(&state, &q.token) {
        return html(
            StatusCode::FORBIDDEN,
            crate::views::public::message(
                "Setup link not valid",
                "This setup link is wrong or already used. If statusd has no users yet, restart it to print a new link; otherwise sign in at /admin/login.",
            ),
        );
    }
    let (csrf, cookie) = csrf_cookie(&req, &state);
    with_cookie(
        ok(views::setup(&q.token, &csrf, &FormState::default())),
        cookie,
    )
}

#[derive(Deserialize)]
pub struct SetupForm {
    token: String,
    email: String,
    password: String,
    password_confirm: String,
}

pub async fn post_setup(
    req: HttpRequest,
    state: web::Data<AppState>,
    form: CsrfForm<SetupForm>,
) -> AppResult<HttpResponse> {
    let f = &form.data;
    if !setup_token_valid(&state, &f.token) {
        return Err(AppError::Forbidden(
            "this setup link is wrong or already used".into(),
        ));
    }
    state.limiters.check(
        crate::web::auth::client_ip(&req, &state.config.trusted_proxies),
        "setup",
    )?;
    let (csrf, _) = csrf_cookie(&req, &state);
    let rerender = |field: &str, msg: String| {
        html(
            StatusCode::BAD_REQUEST,
            views::setup(
                &f.token,
                &csrf,
                &FormState::field_error(field, msg, values(&form.pairs)),
            ),
        )
    };
    if let Err(m) = validate::email(&f.email) {
        return Ok(rerender("email", m));
    }
    if let Err(m) = validate::password(&f.password, &f.email) {
        return Ok(rerender("password", m));
    }
    if f.password != f.password_confirm {
        return Ok(rerender(
            "password_confirm",
            "Passwords differ; type the same password twice.".into(),
        ));
    }
    let (email, password) = (f.email.clone(), f.password.clone());
    let user = state
        .store
        .run(move |s| s.create_user(&email, secret::hash_password(&password)?, Role::Owner, true))
        .await?;
    *state
        .setup_token_hash
        .lock()
        .unwrap_or_else(|e| e.into_inner()) = None;
    tracing::info!(email = %user.email, "owner account created");
    start_session(&req, &state, user.id, "/admin").await
}

#[derive(Deserialize)]
pub struct LoginQuery {
    #[serde(default)]
    next: String,
}

/// The page to return to after sign-in: a local path (admin or internal page), else the overview.
fn next_page(next: &str) -> &str {
    validate::local_path(next).unwrap_or("/admin")
}

pub async fn get_login(
    req: HttpRequest,
    state: web::Data<AppState>,
    actor: MaybeActor,
    q: web::Query<LoginQuery>,
) -> HttpResponse {
    let next = next_page(&q.next);
    if actor.0.is_some() {
        return see_other(next);
    }
    login_page_to(&req, &state, StatusCode::OK, FormState::default(), next)
}

/// The sign-in page with a status and a message (its pre-session CSRF cookie set).
pub(crate) fn login_page(
    req: &HttpRequest,
    state: &AppState,
    status: StatusCode,
    form: FormState,
) -> HttpResponse {
    login_page_to(req, state, status, form, "/admin")
}

/// `login_page`, returning to `next` after sign-in.
fn login_page_to(
    req: &HttpRequest,
    state: &AppState,
    status: StatusCode,
    form: FormState,
    next: &str,
) -> HttpResponse {
    let (csrf, cookie) = csrf_cookie(req, state);
    let sso = state.sso.is_some();
    with_cookie(html(status, views::login(&csrf, next, &form, sso)), cookie)
}

#[derive(Deserialize)]
pub struct LoginForm {
    email: String,
    password: String,
    #[serde(default)]
    next: String,
}

pub async fn post_login(
    req: HttpRequest,
    state: web::Data<AppState>,
    form: CsrfForm<LoginForm>,
) -> AppResult<HttpResponse> {
    let (csrf, _) = csrf_cookie(&req, &state);
    let sso = state.sso.is_some();
    let vals = values(&form.pairs);
    let next = next_page(&form.data.next).to_string();
    let ip = crate::web::auth::client_ip(&req, &state.config.trusted_proxies);
    // One spelling of the account for the limit and the lookup alike.
    let email = form.data.email.trim().to_lowercase();
    if state.limiters.check(ip, &email).is_err() {
        return Ok(html(
            StatusCode::TOO_MANY_REQUESTS,
            views::login(
                &csrf,
                &next,
                &FormState::error(
                    "Too many sign-in attempts. Wait a minute and try again.",
                    vals,
                ),
                sso,
            ),
        ));
    }
    let password = form.data.password;
    let user = state
        .store
        .run(move |s| {
            let user = s.user_by_email(&email)?;
            // Verify against a dummy hash when the user is unknown so timing does not tell;
            // the check runs on both paths before its result is looked at.
            let hash = user
                .as_ref()
                .map(|u| u.password_hash.as_str())
                .unwrap_or(DUMMY_HASH);
            let matches = secret::verify_password(hash, &password);
            Ok(user.filter(|_| matches))
        })
        .await?;
    match user {
        Some(u) if u.disabled => Ok(html(
            StatusCode::FORBIDDEN,
            views::login(
                &csrf,
                &next,
                &FormState::error(
                    "This account is disabled. Ask an owner to enable it again.",
                    vals,
                ),
                sso,
            ),
        )),
        Some(u) if state.config.sso_only && u.role != Role::Owner => Ok(html(
            StatusCode::FORBIDDEN,
            views::login(
                &csrf,
                &next,
                &FormState::error(
                    "Password sign-in is turned off here except for owners; use Sign in with SSO.",
                    vals,
                ),
                sso,
            ),
        )),
        Some(u) => {
            tracing::info!(user = %u.email, "signed in");
            start_session(&req, &state, u.id, &next).await
        }
        None => Ok(html(
            StatusCode::UNAUTHORIZED,
            views::login(
                &csrf,
                &next,
                &FormState::error("Wrong email or password.", vals),
                sso,
            ),
        )),
    }
}

/// argon2id hash of a random string, used to spend the same time on unknown emails.
const DUMMY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c3RhdHVzZGR1bW15c2FsdA$5bqD0aJ7lbrnFvPiCrXvC0WlIqC1c1P4k5a1nnS4+2M";

pub async fn post_logout(
    req: HttpRequest,
    state: web::Data<AppState>,
    _form: CsrfForm<super::NoFields>,
) -> AppResult<HttpResponse> {
    if let Some(c) = req.cookie(SESSION_COOKIE) {
        let hash = secret::sha256_hex(c.value());
        state.store.run(move |s| s.delete_session(&hash)).await?;
    }
    let mut resp = see_other("/admin/login");
    let mut gone = session_cookie(&state, String::new());
    gone.make_removal();
    let _ = resp.add_cookie(&gone);
    Ok(resp)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dummy_hash_costs_what_a_real_one_does() {
        let real = secret::hash_password("violet staple orbit").unwrap();
        let params = |h: &str| h.split('$').nth(3).map(str::to_string);
        assert_eq!(params(DUMMY_HASH), params(&real), "same argon2 parameters");
        assert!(
            argon2::password_hash::PasswordHash::new(DUMMY_HASH).is_ok(),
            "the dummy hash parses, so verifying against it runs argon2"
        );
        assert!(!secret::verify_password(DUMMY_HASH, "anything"));
    }
}
