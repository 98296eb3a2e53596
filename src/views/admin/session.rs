//! The owner setup and sign-in forms.

use super::{FormState, csrf, field_error, invalid};
use crate::views::layout;
use maud::{Markup, html};

/// The error summary of a bare form: announced, and focused so keyboard and screen
/// reader users land on it after a failed post.
fn error_summary(form: &FormState) -> Markup {
    html! {
        @if let Some(e) = &form.error {
            div.flash.error #form-error role="alert" tabindex="-1" autofocus { (e) }
        }
        @if let Some(n) = &form.notice { p.flash.notice role="status" { (n) } }
    }
}

/// The one-time owner setup form.
pub fn setup(token: &str, csrf_token: &str, form: &FormState) -> Markup {
    layout::bare(
        "Set up statusd",
        html! {
            p { "Create the owner account. You can add more people later." }
            (error_summary(form))
            form method="post" action="/admin/setup" {
                input type="hidden" name="token" value=(token);
                (csrf(csrf_token))
                label { "Email"
                    input type="email" name="email" required autocomplete="username" value=(form.v("email"))
                        aria-invalid=[invalid(form, "email")] aria-describedby=[invalid(form, "email").map(|_| "err-email")];
                    (field_error(form, "email"))
                }
                label { "Password (" (crate::domain::validate::PASSWORD_RULE) ")"
                    input type="password" name="password" required minlength="10" autocomplete="new-password"
                        aria-invalid=[invalid(form, "password")] aria-describedby=[invalid(form, "password").map(|_| "err-password")];
                    (field_error(form, "password"))
                }
                label { "Repeat password"
                    input type="password" name="password_confirm" required minlength="10" autocomplete="new-password"
                        aria-invalid=[invalid(form, "password_confirm")] aria-describedby=[invalid(form, "password_confirm").map(|_| "err-password_confirm")];
                    (field_error(form, "password_confirm"))
                }
                button type="submit" { "Create owner account" }
            }
        },
    )
}

/// The sign-in form; `next` is the admin page to return to, `sso` adds the "Sign in
/// with SSO" button.
pub fn login(csrf_token: &str, next: &str, form: &FormState, sso: bool) -> Markup {
    layout::bare(
        "Sign in",
        html! {
            (error_summary(form))
            form method="post" action="/admin/login" {
                (csrf(csrf_token))
                @if next != "/admin" { input type="hidden" name="next" value=(next); }
                label { "Email" input type="email" name="email" required autocomplete="username" value=(form.v("email")) aria-describedby=[form.error.as_ref().map(|_| "form-error")]; }
                label { "Password" input type="password" name="password" required autocomplete="current-password"; }
                button type="submit" { "Sign in" }
            }
            p { a href="/admin/reset" { "Forgot password?" } }
            @if sso {
                p.sso { a.button href="/admin/oidc/start" { "Sign in with SSO" } }
            }
        },
    )
}
