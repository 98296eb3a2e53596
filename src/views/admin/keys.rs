//! API keys.

use super::{FormState, csrf, field_error, invalid};
use crate::domain::{ApiKey, Role};
use crate::views::layout::{self, Nav, flash};
use maud::{Markup, html};

/// API keys; a freshly created token is shown once.
pub fn keys(nav: &Nav, keys: &[ApiKey], new_token: Option<&str>, form: &FormState) -> Markup {
    let owner = nav.role == Role::Owner.as_str();
    let fmt = |t: Option<chrono::DateTime<chrono::Utc>>| {
        t.map(|t| t.format("%Y-%m-%d %H:%M UTC").to_string())
            .unwrap_or_else(|| "never".into())
    };
    layout::admin(
        "API keys",
        nav,
        html! {
            (flash(form.error.as_deref(), form.notice.as_deref()))
            @if let Some(t) = new_token {
                div.flash.notice role="status" {
                    p { "Copy this token now; it will not be shown again:" }
                    code.token { (t) }
                }
            }
            table.list {
                thead { tr { th { "Name" } th { "Role" } th { "Token starts" } th { "Created" } th { "Last used" } th { "State" } @if owner { th {} } } }
                tbody {
                    @for k in keys {
                        tr data-key=(k.name) {
                            td { (k.name) } td { (k.role.as_str()) } td { code { (k.prefix) "…" } }
                            td { (fmt(Some(k.created_at))) } td { (fmt(k.last_used_at)) }
                            td { @if k.revoked_at.is_some() { "revoked" } @else { "active" } }
                            @if owner {
                                td { @if k.revoked_at.is_none() {
                                    a.button.danger href={"/admin/keys/" (k.id) "/revoke"} { "Revoke…" }
                                } }
                            }
                        }
                    }
                }
            }
            @if owner {
                h2 { "New API key" }
                form #new-key.stack method="post" action="/admin/keys" {
                    (csrf(nav.csrf))
                    label { "Name" input name="name" required maxlength="100" value=(form.v("name")) aria-invalid=[invalid(form, "name")] aria-describedby=[invalid(form, "name").map(|_| "err-name")]; (field_error(form, "name")) }
                    label { "Role" select name="role" { @for r in Role::ALL { option value=(r.as_str()) selected[r == Role::Editor] { (r.as_str()) } } } }
                    button type="submit" { "Create key" }
                }
            }
        },
    )
}
