//! Users (owners only).

use super::{FormState, csrf};
use crate::domain::{Role, User};
use crate::views::layout::{self, Nav, flash};
use maud::{Markup, html};

/// Users and the add-user form (owners only).
pub fn users(nav: &Nav, users: &[User], form: &FormState) -> Markup {
    let owner = nav.role == Role::Owner.as_str();
    layout::admin(
        "Users",
        nav,
        html! {
            (flash(form.error.as_deref(), form.notice.as_deref()))
            table.list {
                thead { tr { th { "Email" } th { "Role" } th { "Last sign-in" } @if owner { th {} } } }
                tbody {
                    @for u in users {
                        tr data-user=(u.email) {
                            td { (u.email) }
                            td {
                                @if owner {
                                    form.inline method="post" action={"/admin/users/" (u.id) "/role"} {
                                        (csrf(nav.csrf))
                                        select name="role" aria-label="Role" { @for r in Role::ALL { option value=(r.as_str()) selected[r == u.role] { (r.as_str()) } } }
                                        button type="submit" { "Save role" }
                                    }
                                } @else { (u.role.as_str()) }
                            }
                            td { (u.last_login_at.map(|t| t.format("%Y-%m-%d %H:%M UTC").to_string()).unwrap_or_else(|| "never".into())) }
                            @if owner {
                                td { a.button.danger href={"/admin/users/" (u.id) "/delete"} { "Remove…" } }
                            }
                        }
                    }
                }
            }
            @if owner {
                h2 { "Add user" }
                form #new-user.stack method="post" action="/admin/users" {
                    (csrf(nav.csrf))
                    label { "Email" input type="email" name="email" required value=(form.v("email")); }
                    label { "Initial password (" (crate::domain::validate::PASSWORD_RULE) ")" input type="password" name="password" required minlength="10" autocomplete="new-password"; }
                    label { "Role" select name="role" { @for r in Role::ALL { option value=(r.as_str()) selected[form.v("role") == r.as_str() || (form.v("role").is_empty() && r == Role::Editor)] { (r.as_str()) } } } }
                    button type="submit" { "Add user" }
                }
            }
        },
    )
}
