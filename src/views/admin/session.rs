//! The owner setup and sign-in forms.

use super::{FormState, csrf};
use crate::views::layout::{self, flash};
use maud::{Markup, html};

/// The one-time owner setup form.
pub fn setup(token: &str, csrf_token: &str, form: &FormState) -> Markup {
    layout::bare(
        "Set up statusd",
        html! {
            p { "Create the owner account. You can add more people later." }
            (flash(form.error.as_deref(), None))
            form method="post" action="/admin/setup" {
                input type="hidden" name="token" value=(token);
                (csrf(csrf_token))
                label { "Email" input type="email" name="email" required autocomplete="username" value=(form.v("email")); }
                label { "Password (" (crate::domain::validate::PASSWORD_RULE) ")" input type="password" name="password" required minlength="10" autocomplete="new-password"; }
                label { "Repeat password" input type="password" name="password_confirm" required minlength="10" autocomplete="new-password"; }
                button type="submit" { "Create owner account" }
            }
        },
    )
}

/// The sign-in form; `sso` adds the "Sign in with SSO" button.
pub fn login(csrf_token: &str, form: &FormState, sso: bool) -> Markup {
    layout::bare(
        "Sign in",
        html! {
            (flash(form.error.as_deref(), form.notice.as_deref()))
            form method="post" action="/admin/login" {
                (csrf(csrf_token))
                label { "Email" input type="email" name="email" required autocomplete="username" value=(form.v("email")); }
                label { "Password" input type="password" name="password" required autocomplete="current-password"; }
                button type="submit" { "Sign in" }
            }
            @if sso {
                p.sso { a.button href="/admin/oidc/start" { "Sign in with SSO" } }
            }
        },
    )
}
