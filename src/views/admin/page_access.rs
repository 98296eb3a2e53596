//! Who can open a customer page: its address to send, the allowlist, live customer
//! sessions (revocable), refused sign-in requests and read tokens for machines.

use super::{FormState, csrf};
use crate::domain::access::{CustomerSession, ReadToken, RefusedSignIn};
use crate::domain::{Page, Role};
use crate::views::layout::{self, Nav, flash};
use chrono::{DateTime, Utc};
use maud::{Markup, html};

/// What the access screen shows.
pub struct AccessView<'a> {
    pub page: &'a Page,
    /// The page's absolute address (`public_url` + `/p/slug`).
    pub url: String,
    pub sessions: &'a [CustomerSession],
    pub refused: &'a [RefusedSignIn],
    pub tokens: &'a [ReadToken],
    /// A token just created, shown this once.
    pub new_token: Option<&'a str>,
}

fn when(t: &DateTime<Utc>) -> String {
    t.format("%Y-%m-%d %H:%M UTC").to_string()
}

/// The access screen of one page.
pub fn page_access(nav: &Nav, v: &AccessView, form: &FormState) -> Markup {
    let editor = nav.role != Role::Viewer.as_str();
    let p = v.page;
    // An error of the token form is shown next to its field, not at the top.
    let token_error = form
        .error
        .as_deref()
        .filter(|_| form.values.contains_key("name"));
    layout::admin(
        &format!("Access: {}", p.title),
        nav,
        html! {
            p.back { a href={"/admin/pages/" (p.id)} { "← " (p.title) } }
            (flash(form.error.as_deref().filter(|_| token_error.is_none()), form.notice.as_deref()))
            @if let Some(t) = v.new_token {
                div.flash.notice role="status" {
                    p { "Read token created. Copy it now: it is not shown again." }
                    span #new-token { code.token { (t) } }
                    button.copy type="button" data-copy="new-token" { "Copy" }
                }
            }
            section {
                h2 { "Address to send" }
                p { "Not linked from any public page. Send it to the customer; they sign in with an address at an allowed domain." }
                div.inline-field {
                    input #page-url readonly value=(v.url) aria-label="Page address";
                    button.copy type="button" data-copy="page-url" { "Copy" }
                }
                p { "Allowed email domains: "
                    @if p.allowed_domains.is_empty() { em { "none yet — nobody can sign in" } }
                    @else { strong { (p.allowed_domains.join(", ")) } }
                    " · " a href={"/admin/pages/" (p.id)} { "change" }
                }
            }
            section {
                h2 { "Signed-in customers" }
                @if v.sessions.is_empty() { p.empty { "No one is signed in." } }
                @else {
                    table.list {
                        thead { tr { th { "Address" } th { "Since" } th { "Last seen" } @if editor { th {} } } }
                        tbody {
                            @for s in v.sessions {
                                tr data-session=(s.email) {
                                    td { (s.email) } td { (when(&s.created_at)) } td { (when(&s.last_seen_at)) }
                                    @if editor {
                                        td { a.button.danger href={"/admin/pages/" (p.id) "/sessions/" (s.id) "/revoke"} { "Sign out…" } }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            section {
                h2 { "Read tokens" }
                p { "For feed readers and scripts: send " code { "Authorization: Bearer TOKEN" } " or add " code { "?token=TOKEN" } " to the page's feeds and JSON." }
                @if v.tokens.is_empty() { p.empty { "No read tokens." } }
                @else {
                    table.list {
                        thead { tr { th { "Name" } th { "Starts with" } th { "Created" } @if editor { th {} } } }
                        tbody {
                            @for t in v.tokens {
                                tr data-token=(t.name) {
                                    td { (t.name) } td { code { (t.prefix) "…" } } td { (when(&t.created_at)) }
                                    @if editor {
                                        td { a.button.danger href={"/admin/pages/" (p.id) "/tokens/" (t.id) "/revoke"} { "Revoke…" } }
                                    }
                                }
                            }
                        }
                    }
                }
                @if editor {
                    form #new-token-form.inline method="post" action={"/admin/pages/" (p.id) "/tokens"} {
                        (csrf(nav.csrf))
                        label for="token-name" { "Name" }
                        input #token-name name="name" required maxlength="100" value=(form.v("name"))
                            aria-invalid=[token_error.map(|_| "true")];
                        @if let Some(e) = token_error { p.field-error role="alert" { (e) } }
                        button type="submit" { "Create read token" }
                    }
                }
            }
            section {
                h2 { "Refused sign-in requests" }
                p { "Addresses whose domain is not allowed. They were told the same as everyone, and got no mail." }
                @if v.refused.is_empty() { p.empty { "None." } }
                @else {
                    table.list {
                        thead { tr { th { "Address" } th { "When" } th { "From" } } }
                        tbody {
                            @for r in v.refused.iter().take(50) {
                                tr { td { (r.email) } td { (when(&r.at)) } td { (r.client) } }
                            }
                        }
                    }
                }
            }
            script src=(crate::assets::url("copy.js")) defer {}
        },
    )
}
