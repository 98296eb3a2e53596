//! The screens a person reaches from a mailed link (accepting an invitation, resetting a
//! password) and the reset request form: bare pages, before any sign-in.

use super::{FormState, csrf, field_error, invalid};
use crate::domain::team::Invite;
use crate::views::layout;
use maud::{Markup, html};

/// A password input with its label, the error beside it, and `aria-*` tying them.
fn password_input(form: &FormState, name: &str, label: &str, autocomplete: &str) -> Markup {
    let err = invalid(form, name).map(|_| format!("err-{name}"));
    html! {
        label { (label)
            input type="password" name=(name) required minlength="10" autocomplete=(autocomplete)
                aria-invalid=[invalid(form, name)] aria-describedby=[err];
            (field_error(form, name))
        }
    }
}

/// New password and its repetition, with the password rules in the label.
pub(super) fn new_password_fields(form: &FormState) -> Markup {
    html! {
        (password_input(form, "password", &format!("New password ({})", crate::domain::validate::PASSWORD_RULE), "new-password"))
        (password_input(form, "password_confirm", "Repeat new password", "new-password"))
    }
}

/// The current password field of the change-password form.
pub(super) fn current_password_field(form: &FormState) -> Markup {
    password_input(
        form,
        "current_password",
        "Current password",
        "current-password",
    )
}

fn summary(form: &FormState) -> Markup {
    html! {
        @if let Some(e) = &form.error {
            div.flash.error #form-error role="alert" tabindex="-1" { (e) }
        }
    }
}

/// The page an invitation link opens: choose a password to create the account.
pub fn invite_accept(invite: &Invite, action: &str, csrf_token: &str, form: &FormState) -> Markup {
    layout::bare(
        "Join the team",
        html! {
            p { (invite.invited_by) " invited " strong { (invite.email) } " as " strong { (invite.role.as_str()) } ". Choose a password to finish." }
            (summary(form))
            form method="post" action=(action) {
                (csrf(csrf_token))
                label { "Email" input type="email" name="email" value=(invite.email) readonly autocomplete="username"; }
                (new_password_fields(form))
                button type="submit" { "Create account" }
            }
        },
    )
}

/// A link that no longer works (used, expired, revoked): says so, creates nothing.
pub fn link_gone(title: &str, text: &str) -> Markup {
    layout::bare(
        title,
        html! {
            p { (text) }
            p { a href="/admin/login" { "Go to sign-in" } }
        },
    )
}

/// "Forgot password?": the address to send a reset link to.
pub fn reset_request(csrf_token: &str, form: &FormState) -> Markup {
    layout::bare(
        "Reset your password",
        html! {
            p { "Type the email address of your account. If it has a password here, a link to choose a new one is mailed to it." }
            (summary(form))
            form method="post" action="/admin/reset" {
                (csrf(csrf_token))
                label { "Email"
                    input type="email" name="email" required autocomplete="username" value=(form.v("email"))
                        aria-invalid=[invalid(form, "email")] aria-describedby=[invalid(form, "email").map(|_| "err-email")];
                    (field_error(form, "email"))
                }
                button type="submit" { "Send reset link" }
            }
            p { a href="/admin/login" { "Back to sign-in" } }
        },
    )
}

/// The same answer for every address, known or not.
pub fn reset_sent(minutes: i64) -> Markup {
    layout::bare(
        "Check your inbox",
        html! {
            p { "If this address belongs to an account with a password, a reset link is on its way. It works once, within " (minutes) " minutes." }
            p { a href="/admin/login" { "Back to sign-in" } }
        },
    )
}

/// The page a reset link opens: the new password.
pub fn reset_form(email: &str, action: &str, csrf_token: &str, form: &FormState) -> Markup {
    layout::bare(
        "Choose a new password",
        html! {
            p { "For " strong { (email) } ". Every session of this account ends when the new password is set." }
            (summary(form))
            form method="post" action=(action) {
                (csrf(csrf_token))
                input type="hidden" name="email" value=(email) autocomplete="username";
                (new_password_fields(form))
                button type="submit" { "Set new password" }
            }
        },
    )
}
