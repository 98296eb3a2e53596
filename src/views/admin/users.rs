//! Users (owners only): the team, invitations, and disabling an account.

use super::{FormState, csrf, field_error, invalid, when};
use crate::domain::team::Invite;
use crate::domain::{Role, User};
use crate::views::layout::{self, Nav, flash};
use maud::{Markup, html};

fn role_select(form: &FormState) -> Markup {
    html! {
        label { "Role" select name="role" { @for r in Role::ALL { option value=(r.as_str()) selected[form.v("role") == r.as_str() || (form.v("role").is_empty() && r == Role::Editor)] { (r.as_str()) } } } }
    }
}

/// Users, pending invitations and the invite form (owners act; others only see).
pub fn users(nav: &Nav, users: &[User], invites: &[Invite], form: &FormState) -> Markup {
    let owner = nav.role == Role::Owner.as_str();
    layout::admin(
        "Users",
        nav,
        html! {
            (flash(form.error.as_deref(), form.notice.as_deref()))
            table.list {
                thead { tr { th { "Email" } th { "Role" } th { "Last sign-in" } th { "State" } @if owner { th {} } } }
                tbody {
                    @for u in users {
                        tr data-user=(u.email) {
                            td { (u.email) }
                            td {
                                @if owner {
                                    form.inline method="post" action={"/admin/users/" (u.id) "/role"} {
                                        (csrf(nav.csrf))
                                        select name="role" aria-label={"Role of " (u.email)} { @for r in Role::ALL { option value=(r.as_str()) selected[r == u.role] { (r.as_str()) } } }
                                        button type="submit" { "Save role" }
                                    }
                                } @else { (u.role.as_str()) }
                            }
                            td { (u.last_login_at.map(when).unwrap_or_else(|| "never".into())) }
                            td { @if u.disabled { strong { "Disabled" } } @else { "Active" } }
                            @if owner {
                                td.actions {
                                    @if u.disabled {
                                        form.inline method="post" action={"/admin/users/" (u.id) "/enable"} {
                                            (csrf(nav.csrf))
                                            button type="submit" { "Enable" }
                                        }
                                    } @else {
                                        a.button href={"/admin/users/" (u.id) "/disable"} { "Disable…" }
                                    }
                                    " "
                                    a.button.danger href={"/admin/users/" (u.id) "/delete"} { "Remove…" }
                                }
                            }
                        }
                    }
                }
            }
            @if owner {
                h2 { "Invite someone" }
                p { "They get a mail with a link to choose their password; it works once, within 72 hours." }
                form #invite.stack method="post" action="/admin/invites" {
                    (csrf(nav.csrf))
                    label { "Email"
                        input type="email" name="email" required value=(form.v("email"))
                            aria-invalid=[invalid(form, "email")] aria-describedby=[invalid(form, "email").map(|_| "err-email")];
                        (field_error(form, "email"))
                    }
                    (role_select(form))
                    button type="submit" { "Send invitation" }
                }
                @if !invites.is_empty() {
                    h2 { "Pending invitations" }
                    table.list #invites {
                        thead { tr { th { "Email" } th { "Role" } th { "Expires" } th {} } }
                        tbody {
                            @for i in invites {
                                tr data-invite=(i.email) {
                                    td { (i.email) }
                                    td { (i.role.as_str()) }
                                    td { (when(i.expires_at)) }
                                    td.actions {
                                        form.inline method="post" action={"/admin/invites/" (i.id) "/resend"} {
                                            (csrf(nav.csrf))
                                            button type="submit" { "Resend" }
                                        }
                                        " "
                                        a.button.danger href={"/admin/invites/" (i.id) "/revoke"} { "Revoke…" }
                                    }
                                }
                            }
                        }
                    }
                }
                details {
                    summary { "Add a user with a password instead" }
                    form #new-user.stack method="post" action="/admin/users" {
                        (csrf(nav.csrf))
                        label { "Email" input type="email" name="email" required value=(form.v("email")); }
                        label { "Initial password (" (crate::domain::validate::PASSWORD_RULE) ")" input type="password" name="password" required minlength="10" autocomplete="new-password"; }
                        (role_select(form))
                        button type="submit" { "Add user" }
                    }
                }
            }
        },
    )
}
