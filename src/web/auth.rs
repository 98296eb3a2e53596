//! Who is asking: sessions, API keys, roles as extractor types, CSRF checks and the
//! client address.

use crate::domain::Role;
use crate::error::{AppError, AppResult};
use crate::secret::{same_token, sha256_hex};
use crate::state::AppState;
use actix_web::{FromRequest, HttpMessage, HttpRequest, dev::Payload, web};
use futures_util::future::LocalBoxFuture;
use serde::de::DeserializeOwned;
use std::net::IpAddr;

/// Name of the session cookie.
pub const SESSION_COOKIE: &str = "statusd_session";
/// Name of the pre-session CSRF cookie used by the sign-in and setup forms.
pub const CSRF_COOKIE: &str = "statusd_csrf";
/// Name of the one-shot cookie carrying the message shown after a redirect.
pub const FLASH_COOKIE: &str = "statusd_flash";

/// How the actor proved who they are.
#[derive(Debug, Clone)]
pub enum Principal {
    User { id: String, email: String },
    Key { id: String, name: String },
}

/// Whoever is making the request, after authentication.
#[derive(Debug, Clone)]
pub struct Actor {
    pub principal: Principal,
    pub role: Role,
    /// The session's CSRF token (browser sessions only).
    pub csrf: Option<String>,
    /// The message the last redirect left for this browser ("Component created.").
    pub flash: Option<String>,
    /// Drafts waiting for review, for the navigation badge (admin pages only).
    pub drafts: Option<usize>,
}

impl Actor {
    /// A short name for logs and history ("ops@example.com", "key:ci").
    pub fn name(&self) -> String {
        match &self.principal {
            Principal::User { email, .. } => email.clone(),
            Principal::Key { name, .. } => format!("key:{name}"),
        }
    }

    pub fn user_id(&self) -> Option<&str> {
        match &self.principal {
            Principal::User { id, .. } => Some(id),
            Principal::Key { .. } => None,
        }
    }

    pub fn can(&self, role: Role) -> bool {
        self.role >= role
    }
}

fn is_api(req: &HttpRequest) -> bool {
    req.path().starts_with("/api/")
}

/// Marks a request whose credentials were looked up and found wanting (see [`resolve_first`]).
#[derive(Clone, Copy)]
enum NoActor {
    Unauthorized,
    SignInRequired,
    Csrf,
}

/// Resolves the actor from a bearer token or the session cookie; cached per request.
async fn resolve(req: &HttpRequest) -> AppResult<Actor> {
    if let Some(actor) = req.extensions().get::<Actor>() {
        return Ok(actor.clone());
    }
    if let Some(no) = req.extensions().get::<NoActor>() {
        return Err(match no {
            NoActor::Unauthorized => AppError::Unauthorized,
            NoActor::SignInRequired => AppError::SignInRequired,
            NoActor::Csrf => AppError::Csrf,
        });
    }
    let state = req
        .app_data::<web::Data<AppState>>()
        .ok_or_else(|| AppError::Internal("app state missing".into()))?
        .clone();
    let missing = || {
        if is_api(req) {
            AppError::Unauthorized
        } else {
            AppError::SignInRequired
        }
    };
    let bearer = req
        .headers()
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            v.strip_prefix("Bearer ")
                .or_else(|| v.strip_prefix("bearer "))
        })
        .map(|t| t.trim().to_string());
    let actor = if let Some(token) = bearer {
        let hash = sha256_hex(&token);
        let key = state.store.run(move |s| s.key_by_hash(&hash)).await?;
        let key = key.ok_or(AppError::Unauthorized)?;
        Actor {
            principal: Principal::Key {
                id: key.id,
                name: key.name,
            },
            role: key.role,
            csrf: None,
            flash: None,
            drafts: None,
        }
    } else {
        let cookie = req.cookie(SESSION_COOKIE).ok_or_else(missing)?;
        let hash = sha256_hex(cookie.value());
        let page = !is_api(req) && req.method() == actix_web::http::Method::GET;
        let (found, drafts) = state
            .store
            .run(move |s| {
                let found = s.session(&hash)?;
                let drafts = match (&found, page) {
                    (Some(_), true) => Some(s.count_drafts()?),
                    _ => None,
                };
                Ok((found, drafts))
            })
            .await?;
        let (session, user) = found.ok_or_else(missing)?;
        // A browser session may change things through the API only with its CSRF token
        // in a header; SameSite alone does not stop same-site pages.
        let safe = matches!(req.method().as_str(), "GET" | "HEAD" | "OPTIONS");
        if is_api(req) && !safe {
            let sent = req
                .headers()
                .get("x-csrf-token")
                .and_then(|v| v.to_str().ok())
                .unwrap_or("");
            if sent.is_empty() || !same_token(sent, &session.csrf) {
                return Err(AppError::Csrf);
            }
        }
        Actor {
            principal: Principal::User {
                id: user.id,
                email: user.email,
            },
            role: user.role,
            csrf: Some(session.csrf),
            flash: req.cookie(FLASH_COOKIE).map(|c| {
                percent_encoding::percent_decode_str(c.value())
                    .decode_utf8_lossy()
                    .into_owned()
            }),
            drafts,
        }
    };
    req.extensions_mut().insert(actor.clone());
    Ok(actor)
}

macro_rules! role_extractor {
    ($name:ident, $role:expr, $doc:literal) => {
        #[doc = $doc]
        #[derive(Debug, Clone)]
        pub struct $name(pub Actor);

        impl FromRequest for $name {
            type Error = AppError;
            type Future = LocalBoxFuture<'static, Result<Self, AppError>>;

            fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
                let req = req.clone();
                Box::pin(async move {
                    let actor = resolve(&req).await?;
                    if !actor.can($role) {
                        return Err(AppError::Forbidden(format!(
                            "this needs the {} role; {} has the {} role",
                            $role,
                            actor.name(),
                            actor.role
                        )));
                    }
                    Ok($name(actor))
                })
            }
        }
    };
}

role_extractor!(
    Viewer,
    Role::Viewer,
    "Any signed-in user or API key (read access)."
);
role_extractor!(
    Editor,
    Role::Editor,
    "An editor or owner: may change pages, components and incidents."
);
role_extractor!(
    Owner,
    Role::Owner,
    "An owner: may manage users, API keys and backups."
);

/// A signed-in actor if there is one, without requiring it.
#[derive(Debug, Clone)]
pub struct MaybeActor(pub Option<Actor>);

impl FromRequest for MaybeActor {
    type Error = AppError;
    type Future = LocalBoxFuture<'static, Result<Self, AppError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move {
            match resolve(&req).await {
                Ok(a) => Ok(MaybeActor(Some(a))),
                Err(AppError::Unauthorized | AppError::SignInRequired) => Ok(MaybeActor(None)),
                Err(e) => Err(e),
            }
        })
    }
}

/// A URL-encoded form whose `csrf` field matched the session's token (or, before
/// sign-in, the `statusd_csrf` cookie). `pairs` keeps repeated fields (multi-selects).
#[derive(Debug)]
pub struct CsrfForm<T> {
    pub data: T,
    pub pairs: Vec<(String, String)>,
}

impl<T> CsrfForm<T> {
    /// Every value of a repeated field.
    pub fn all(&self, key: &str) -> Vec<String> {
        self.pairs
            .iter()
            .filter(|(k, _)| k == key)
            .map(|(_, v)| v.clone())
            .collect()
    }
}

const FORM_LIMIT: usize = 256 * 1024;

impl<T: DeserializeOwned + 'static> FromRequest for CsrfForm<T> {
    type Error = AppError;
    type Future = LocalBoxFuture<'static, Result<Self, AppError>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let req = req.clone();
        let body = web::Bytes::from_request(&req, payload);
        Box::pin(async move {
            let ct = req.content_type().to_string();
            if ct != "application/x-www-form-urlencoded" {
                return Err(AppError::UnsupportedMediaType(format!(
                    "expected a form (application/x-www-form-urlencoded), got {ct:?}"
                )));
            }
            let body = body
                .await
                .map_err(|_| AppError::PayloadTooLarge(FORM_LIMIT))?;
            if body.len() > FORM_LIMIT {
                return Err(AppError::PayloadTooLarge(FORM_LIMIT));
            }
            let pairs: Vec<(String, String)> = serde_urlencoded::from_bytes(&body)
                .map_err(|e| AppError::invalid("form", e.to_string()))?;
            let sent = pairs
                .iter()
                .find(|(k, _)| k == "csrf")
                .map(|(_, v)| v.as_str())
                .unwrap_or("");
            let expected = match resolve(&req).await {
                Ok(actor) => actor.csrf,
                Err(_) => req.cookie(CSRF_COOKIE).map(|c| c.value().to_string()),
            };
            match expected {
                Some(e) if !sent.is_empty() && same_token(&e, sent) => {}
                _ => return Err(AppError::Csrf),
            }
            let data = serde_urlencoded::from_bytes(&body).map_err(|e| {
                let msg = e.to_string();
                let field = msg.split('`').nth(1).unwrap_or("form").to_string();
                AppError::Invalid {
                    field,
                    message: msg,
                }
            })?;
            Ok(CsrfForm { data, pairs })
        })
    }
}

/// Counts one attempt of this client (see `client_ip`) and `key` against `limits`
/// (e.g. `&state.link_limits` keyed by the address a link goes to); `RateLimited` (429)
/// when over.
pub fn check_limit(
    req: &HttpRequest,
    state: &AppState,
    limits: &crate::limits::Limiters,
    key: &str,
) -> AppResult<()> {
    limits.check(client_ip(req, &state.config.trusted_proxies), key)
}

/// The client address: the peer, or the forwarded client when the peer is a trusted proxy.
pub fn client_ip(req: &HttpRequest, trusted: &[ipnet::IpNet]) -> IpAddr {
    let peer = req
        .peer_addr()
        .map(|a| a.ip())
        .unwrap_or(IpAddr::from([127, 0, 0, 1]));
    if !trusted.iter().any(|n| n.contains(&peer)) {
        return peer;
    }
    let forwarded = req
        .headers()
        .get("x-forwarded-for")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    forwarded
        .split(',')
        .rev()
        .filter_map(|s| s.trim().parse::<IpAddr>().ok())
        .find(|ip| !trusted.iter().any(|n| n.contains(ip)))
        .unwrap_or(peer)
}

/// Looks up who is asking before any handler runs (called first by the audit
/// middleware), so the role guard answers on its first poll and a caller without the
/// role gets 401/403, never a body validation error that would come first if the body
/// parsed before the credentials were looked up.
pub async fn resolve_first(req: &actix_web::dev::ServiceRequest) {
    let path = req.path();
    if path.starts_with("/api/v1/") || path.starts_with("/admin") {
        let no = match resolve(req.request()).await {
            Err(AppError::Unauthorized) => Some(NoActor::Unauthorized),
            Err(AppError::SignInRequired) => Some(NoActor::SignInRequired),
            Err(AppError::Csrf) => Some(NoActor::Csrf),
            // Anything else (a storage hiccup) is tried again by the guard itself.
            _ => None,
        };
        if let Some(no) = no {
            req.extensions_mut().insert(no);
        }
    }
}
