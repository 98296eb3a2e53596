//! The page-access guard: every channel of a page (HTML, incidents, history, uptime,
//! feeds, v2 JSON, badge, widget) calls [`allow`] before answering. It finds out who is
//! asking and lets `domain::access::page_access` decide.

use crate::domain::access::{Access, Visitor, page_access};
use crate::domain::{Audience, Page};
use crate::error::{AppError, AppResult};
use crate::secret::sha256_hex;
use crate::state::AppState;
use crate::web::auth::MaybeActor;
use actix_web::{FromRequest, HttpMessage, HttpRequest, web};

/// How a refused visitor is answered: a sign-in redirect for HTML, 401 for machines.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Client {
    Browser,
    Machine,
}

/// The customer session cookie of a page: one per page, so a browser may hold several.
pub fn customer_cookie(page_id: &str) -> String {
    format!("statusd_page_{page_id}")
}

/// Marks a response as not for search engines (`X-Robots-Tag: noindex`).
#[derive(Clone, Copy)]
pub struct NoIndex;

/// Answers `Ok` when the request may see `page`, else the refusal for this kind of client:
/// browsers go to the team sign-in (internal pages) or the page's customer sign-in form.
/// Team members (any role, session or API key) see every page; a customer page also opens
/// to its read token (`Authorization: Bearer` or `?token=`) and to its customer sessions
/// whose address the page's allowlist admits at this moment.
pub async fn allow(req: &HttpRequest, page: &Page, client: Client) -> AppResult<()> {
    if page.audience == Audience::Public {
        return Ok(());
    }
    req.extensions_mut().insert(NoIndex);
    let decision = decide(req, page).await?;
    match (decision, client) {
        (Access::Granted, _) => Ok(()),
        (_, Client::Machine) => Err(AppError::Unauthorized),
        (Access::TeamSignIn, Client::Browser) => {
            Err(AppError::PageSignInRequired(team_sign_in(req)))
        }
        (Access::CustomerSignIn, Client::Browser) => Err(AppError::PageSignInRequired(format!(
            "/p/{}/signin",
            page.slug
        ))),
    }
}

/// The team sign-in form, returning to the internal page asked for.
fn team_sign_in(req: &HttpRequest) -> String {
    let asked = req.uri().path_and_query().map_or("/", |p| p.as_str());
    match crate::domain::validate::local_path(asked) {
        Some(p) => format!(
            "/admin/login?next={}",
            percent_encoding::utf8_percent_encode(p, percent_encoding::NON_ALPHANUMERIC)
        ),
        None => "/admin/login".into(),
    }
}

async fn decide(req: &HttpRequest, page: &Page) -> AppResult<Access> {
    if MaybeActor::extract(req).await?.0.is_some() {
        return Ok(page_access(page, Visitor::Team));
    }
    if page.audience != Audience::Customer {
        return Ok(page_access(page, Visitor::Anonymous));
    }
    let state = req
        .app_data::<web::Data<AppState>>()
        .ok_or_else(|| AppError::Internal("app state missing".into()))?;
    if let Some(token) = read_token(req) {
        let hash = sha256_hex(&token);
        let page_id = state.store.run(move |s| s.read_token_page(&hash)).await?;
        if let Some(page_id) = page_id {
            return Ok(page_access(page, Visitor::ReadToken { page_id: &page_id }));
        }
    }
    if let Some(cookie) = req.cookie(&customer_cookie(&page.id)) {
        let hash = sha256_hex(cookie.value());
        let session = state.store.run(move |s| s.customer_session(&hash)).await?;
        if let Some(s) = session {
            return Ok(page_access(
                page,
                Visitor::Customer {
                    page_id: &s.page_id,
                    email: &s.email,
                },
            ));
        }
    }
    Ok(page_access(page, Visitor::Anonymous))
}

/// A read token from `Authorization: Bearer` or the `token` query parameter (feed readers
/// cannot send headers).
fn read_token(req: &HttpRequest) -> Option<String> {
    let header = req
        .headers()
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            v.strip_prefix("Bearer ")
                .or_else(|| v.strip_prefix("bearer "))
        })
        .map(|t| t.trim().to_string());
    header.or_else(|| {
        url::form_urlencoded::parse(req.query_string().as_bytes())
            .find(|(k, _)| k == "token")
            .map(|(_, v)| v.into_owned())
    })
}
