//! The signed-in person's own account: change password, see and end their sessions.

use super::team::{current_password_field, new_password_fields};
use super::{FormState, csrf, when};
use crate::domain::Session;
use crate::domain::team::short_user_agent;
use crate::views::layout::{self, Nav, flash};
use maud::{Markup, html};

/// `/admin/account`: `sessions` newest first, each marked whether it is this browser's.
pub fn account(nav: &Nav, email: &str, sessions: &[(Session, bool)], form: &FormState) -> Markup {
    layout::admin(
        "Your account",
        nav,
        html! {
            (flash(form.error.as_deref(), form.notice.as_deref()))
            p { "Signed in as " strong { (email) } "." }
            h2 { "Change password" }
            form #change-password.stack method="post" action="/admin/account/password" {
                (csrf(nav.csrf))
                input type="hidden" name="email" value=(email) autocomplete="username";
                (current_password_field(form))
                (new_password_fields(form))
                button type="submit" { "Change password" }
            }
            h2 { "Your sessions" }
            p { "Each browser signed in to this account. Changing the password ends all but this one." }
            table.list #sessions {
                thead { tr { th { "Signed in" } th { "Last seen" } th { "Address" } th { "Browser" } th {} } }
                tbody {
                    @for (s, current) in sessions {
                        tr data-session=(s.id) {
                            td { (when(s.created_at)) }
                            td { (s.last_seen_at.map(when).unwrap_or_else(|| "—".into())) }
                            td { (if s.client.is_empty() { "—" } else { s.client.as_str() }) }
                            td { (short_user_agent(&s.user_agent)) }
                            td {
                                @if *current { strong { "This session" } }
                                @else if !s.id.is_empty() {
                                    a.button.danger href={"/admin/account/sessions/" (s.id) "/revoke"} { "Sign out…" }
                                }
                            }
                        }
                    }
                }
            }
            @if sessions.len() > 1 {
                div.actions {
                    a.button.danger href="/admin/account/sessions/others" { "Sign out everywhere else…" }
                }
            }
        },
    )
}
