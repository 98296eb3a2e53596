//! The cookie that binds an OpenID Connect sign-in to the browser that started it,
//! shared by the team's (`/admin/oidc`) and customer pages' (`/p/{slug}/sso`) flows.

use crate::state::AppState;
use actix_web::cookie::{Cookie, SameSite, time::Duration as CookieDuration};

/// Binds a sign-in to the browser that started it (stops login CSRF).
pub(crate) const FLOW_COOKIE: &str = "statusd_oidc";

pub(crate) fn flow_cookie(state: &AppState, value: String) -> Cookie<'static> {
    Cookie::build(FLOW_COOKIE, value)
        .path("/admin/oidc")
        .http_only(true)
        .secure(state.config.secure_cookies())
        // Lax: the provider's redirect back is a top-level cross-site GET.
        .same_site(SameSite::Lax)
        .max_age(CookieDuration::seconds(
            crate::sso::FLOW_TTL.as_secs() as i64
        ))
        .finish()
}
