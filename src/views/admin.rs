//! Admin UI screens. Forms post back with a `csrf` field; failed posts re-render the
//! same screen with the message and the values the user typed.

use super::layout::{self, Nav, flash};
use crate::domain::{ApiKey, Component, ComponentStatus, Group, Page, Role, User};
use maud::{Markup, html};
use std::collections::HashMap;

/// The state of a form being re-rendered: an error and the submitted values.
#[derive(Default)]
pub struct FormState {
    pub error: Option<String>,
    pub notice: Option<String>,
    pub values: HashMap<String, String>,
}

impl FormState {
    pub fn error(msg: impl Into<String>, values: HashMap<String, String>) -> Self {
        FormState {
            error: Some(msg.into()),
            notice: None,
            values,
        }
    }
    pub fn notice(msg: impl Into<String>) -> Self {
        FormState {
            notice: Some(msg.into()),
            ..Default::default()
        }
    }
    fn v(&self, key: &str) -> &str {
        self.values.get(key).map(String::as_str).unwrap_or("")
    }
}

fn csrf(token: &str) -> Markup {
    html! { input type="hidden" name="csrf" value=(token); }
}

fn status_select(name: &str, current: ComponentStatus) -> Markup {
    html! {
        select name=(name) aria-label="Status" {
            @for s in ComponentStatus::ALL {
                option value=(s.as_str()) selected[s == current] { (s.label()) }
            }
        }
    }
}

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

/// The sign-in form.
pub fn login(csrf_token: &str, form: &FormState) -> Markup {
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
        },
    )
}

fn group_name<'a>(groups: &'a [Group], id: Option<&str>) -> &'a str {
    id.and_then(|id| groups.iter().find(|g| g.id == id))
        .map(|g| g.name.as_str())
        .unwrap_or("—")
}

fn page_title<'a>(pages: &'a [Page], id: &'a str) -> &'a str {
    pages
        .iter()
        .find(|p| p.id == id)
        .map(|p| p.title.as_str())
        .unwrap_or(id)
}

fn status_form(nav: &Nav, c: &Component, back: &str) -> Markup {
    html! {
        form.inline method="post" action={"/admin/components/" (c.id) "/status"} {
            (csrf(nav.csrf))
            input type="hidden" name="back" value=(back);
            (status_select("status", c.status))
            button type="submit" { "Save status" }
        }
    }
}

/// The overview: overall status and quick status changes.
pub fn overview(
    nav: &Nav,
    overall: &str,
    components: &[Component],
    groups: &[Group],
    form: &FormState,
) -> Markup {
    let editor = nav.role != Role::Viewer.as_str();
    layout::admin(
        "Overview",
        nav,
        html! {
            (flash(form.error.as_deref(), form.notice.as_deref()))
            p.lead { "Default page: " strong { (overall) } }
            @if components.is_empty() {
                p { "No components yet. " a href="/admin/components" { "Add the services your users depend on." } }
            }
            table.list {
                thead { tr { th { "Component" } th { "Group" } th { "Status" } } }
                tbody {
                    @for c in components {
                        tr data-component=(c.name) {
                            td { (c.name) }
                            td { (group_name(groups, c.group_id.as_deref())) }
                            td {
                                @if editor { (status_form(nav, c, "/admin")) }
                                @else { span class={"status " (c.status.as_str())} { (c.status.label()) } }
                            }
                        }
                    }
                }
            }
        },
    )
}

/// Component list with create form, quick status, reorder and edit links.
pub fn components(
    nav: &Nav,
    components: &[Component],
    groups: &[Group],
    pages: &[Page],
    form: &FormState,
) -> Markup {
    let editor = nav.role != Role::Viewer.as_str();
    layout::admin(
        "Components",
        nav,
        html! {
            (flash(form.error.as_deref(), form.notice.as_deref()))
            table.list {
                thead { tr { th { "Name" } th { "Group" } th { "Pages" } th { "Status" } @if editor { th { "Order" } th {} } } }
                tbody {
                    @for c in components {
                        tr data-component=(c.name) {
                            td { (c.name) }
                            td { (group_name(groups, c.group_id.as_deref())) }
                            td { @for (i, p) in c.page_ids.iter().enumerate() { @if i > 0 { ", " } (page_title(pages, p)) } }
                            td {
                                @if editor { (status_form(nav, c, "/admin/components")) }
                                @else { span class={"status " (c.status.as_str())} { (c.status.label()) } }
                            }
                            @if editor {
                                td.order {
                                    form.inline method="post" action={"/admin/components/" (c.id) "/move"} {
                                        (csrf(nav.csrf))
                                        button name="direction" value="up" title="Move up" aria-label={"Move " (c.name) " up"} { "↑" }
                                        button name="direction" value="down" title="Move down" aria-label={"Move " (c.name) " down"} { "↓" }
                                    }
                                }
                                td { a href={"/admin/components/" (c.id)} { "Edit" } }
                            }
                        }
                    }
                }
            }
            @if editor {
                h2 { "New component" }
                form #new-component.stack method="post" action="/admin/components" {
                    (csrf(nav.csrf))
                    label { "Name" input name="name" required maxlength="100" value=(form.v("name")); }
                    label { "Description" input name="description" maxlength="1000" value=(form.v("description")); }
                    label { "Group"
                        select name="group_id" {
                            option value="" { "No group" }
                            @for g in groups { option value=(g.id) selected[form.v("group_id") == g.id] { (g.name) " (" (page_title(pages, &g.page_id)) ")" } }
                        }
                    }
                    label { "Status" (status_select("status", form.v("status").parse().unwrap_or_default())) }
                    button type="submit" { "Create component" }
                }
            }
        },
    )
}

/// Edit one component.
pub fn component_edit(
    nav: &Nav,
    c: &Component,
    groups: &[Group],
    pages: &[Page],
    form: &FormState,
) -> Markup {
    layout::admin(
        &format!("Component: {}", c.name),
        nav,
        html! {
            (flash(form.error.as_deref(), form.notice.as_deref()))
            form.stack method="post" action={"/admin/components/" (c.id)} {
                (csrf(nav.csrf))
                label { "Name" input name="name" required maxlength="100" value=(c.name); }
                label { "Description" input name="description" maxlength="1000" value=(c.description); }
                label { "Group"
                    select name="group_id" {
                        option value="" { "No group" }
                        @for g in groups { option value=(g.id) selected[c.group_id.as_deref() == Some(g.id.as_str())] { (g.name) " (" (page_title(pages, &g.page_id)) ")" } }
                    }
                }
                fieldset { legend { "Shown on pages" }
                    @for p in pages {
                        label.check { input type="checkbox" name="page_ids" value=(p.id) checked[c.page_ids.contains(&p.id)]; (p.title) " (/" (p.slug) ")" }
                    }
                }
                label { "Position" input type="number" name="position" value=(c.position); }
                label { "Status" (status_select("status", c.status)) }
                button type="submit" { "Save component" }
            }
            form.danger method="post" action={"/admin/components/" (c.id) "/delete"} {
                (csrf(nav.csrf))
                button.danger type="submit" { "Delete component" }
            }
        },
    )
}

/// Page list with create form.
pub fn pages(nav: &Nav, pages: &[Page], form: &FormState) -> Markup {
    let editor = nav.role != Role::Viewer.as_str();
    layout::admin(
        "Pages",
        nav,
        html! {
            (flash(form.error.as_deref(), form.notice.as_deref()))
            table.list {
                thead { tr { th { "Title" } th { "Address" } th { "Audience" } th { "Time zone" } th {} } }
                tbody {
                    @for p in pages {
                        tr data-page=(p.slug) {
                            td { (p.title) }
                            td { @if p.slug == "default" { a href="/" { "/" } } @else { a href={"/p/" (p.slug)} { "/p/" (p.slug) } } }
                            td { (p.audience.as_str()) }
                            td { (p.time_zone) }
                            td { a href={"/admin/pages/" (p.id)} { @if editor { "Edit" } @else { "View" } } }
                        }
                    }
                }
            }
            @if editor {
                h2 { "New page" }
                form #new-page.stack method="post" action="/admin/pages" {
                    (csrf(nav.csrf))
                    label { "Slug (address /p/slug)" input name="slug" required pattern="[a-z0-9-]{1,64}" value=(form.v("slug")); }
                    label { "Title" input name="title" required maxlength="100" value=(form.v("title")); }
                    label { "Time zone" input name="time_zone" value=(if form.v("time_zone").is_empty() { "UTC" } else { form.v("time_zone") }); }
                    label { "Audience"
                        select name="audience" {
                            option value="public" { "Public" }
                            option value="internal" selected[form.v("audience") == "internal"] { "Internal (team only)" }
                            option value="customer" selected[form.v("audience") == "customer"] { "Customer (allowlisted email domains)" }
                        }
                    }
                    button type="submit" { "Create page" }
                }
            }
        },
    )
}

/// Edit one page and its groups.
pub fn page_edit(nav: &Nav, p: &Page, groups: &[Group], form: &FormState) -> Markup {
    let editor = nav.role != Role::Viewer.as_str();
    layout::admin(
        &format!("Page: {}", p.title),
        nav,
        html! {
            (flash(form.error.as_deref(), form.notice.as_deref()))
            form.stack method="post" action={"/admin/pages/" (p.id)} {
                (csrf(nav.csrf))
                label { "Slug" input name="slug" required value=(p.slug) readonly[p.slug == "default"]; }
                label { "Title" input name="title" required maxlength="100" value=(p.title); }
                label { "Time zone" input name="time_zone" value=(p.time_zone); }
                label { "Audience"
                    select name="audience" {
                        @for a in crate::domain::Audience::ALL { option value=(a.as_str()) selected[a == p.audience] { (a.as_str()) } }
                    }
                }
                label { "Custom host (optional)" input name="custom_host" value=(p.custom_host.as_deref().unwrap_or("")); }
                label { "Allowed email domains (customer pages; comma-separated)" input name="allowed_domains" value=(p.allowed_domains.join(", ")); }
                @if editor { button type="submit" { "Save page" } }
            }
            h2 { "Groups" }
            table.list {
                thead { tr { th { "Name" } th { "Position" } th { "Collapsed" } @if editor { th {} } } }
                tbody {
                    @for g in groups {
                        tr data-group=(g.name) {
                            @if editor {
                                td colspan="3" {
                                    form.inline method="post" action={"/admin/groups/" (g.id)} {
                                        (csrf(nav.csrf))
                                        input name="name" value=(g.name) aria-label="Group name" required;
                                        input type="number" name="position" value=(g.position) aria-label="Position";
                                        label.check { input type="checkbox" name="collapsed" value="true" checked[g.collapsed]; "collapsed" }
                                        button type="submit" { "Save group" }
                                    }
                                }
                                td {
                                    form.inline method="post" action={"/admin/groups/" (g.id) "/delete"} {
                                        (csrf(nav.csrf))
                                        button.danger type="submit" { "Delete" }
                                    }
                                }
                            } @else {
                                td { (g.name) } td { (g.position) } td { (g.collapsed) }
                            }
                        }
                    }
                }
            }
            @if editor {
                form #new-group.inline method="post" action="/admin/groups" {
                    (csrf(nav.csrf))
                    input type="hidden" name="page_id" value=(p.id);
                    input name="name" placeholder="New group name" required maxlength="100" aria-label="New group name";
                    button type="submit" { "Add group" }
                }
                @if p.slug != "default" {
                    form.danger method="post" action={"/admin/pages/" (p.id) "/delete"} {
                        (csrf(nav.csrf))
                        button.danger type="submit" { "Delete page" }
                    }
                }
            }
        },
    )
}

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
                                td { form.inline method="post" action={"/admin/users/" (u.id) "/delete"} { (csrf(nav.csrf)) button.danger type="submit" { "Remove" } } }
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
                                    form.inline method="post" action={"/admin/keys/" (k.id) "/revoke"} { (csrf(nav.csrf)) button.danger type="submit" { "Revoke" } }
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
                    label { "Name" input name="name" required maxlength="100" value=(form.v("name")); }
                    label { "Role" select name="role" { @for r in Role::ALL { option value=(r.as_str()) selected[r == Role::Editor] { (r.as_str()) } } } }
                    button type="submit" { "Create key" }
                }
            }
        },
    )
}
