//! Status pages and their groups.

use super::managed::{badge, note};
use super::{FormState, csrf, field_error, invalid};
use crate::domain::branding::{DEFAULT_ACCENT, MAX_LOGO_BYTES};
use crate::domain::{Group, Page, Role};
use crate::views::layout::{self, Nav, flash};
use maud::{Markup, html};

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
                            td { (p.title) (badge(p.managed_by_config)) }
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
                    label { "Slug (address /p/slug)" input name="slug" required pattern="[a-z0-9-]{1,64}" value=(form.v("slug")) aria-invalid=[invalid(form, "slug")] aria-describedby=[invalid(form, "slug").map(|_| "err-slug")]; (field_error(form, "slug")) }
                    label { "Title" input name="title" required maxlength="100" value=(form.v("title")) aria-invalid=[invalid(form, "title")] aria-describedby=[invalid(form, "title").map(|_| "err-title")]; (field_error(form, "title")) }
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
            (note(p.managed_by_config, "page"))
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
                @let accent = p.accent_color.as_deref().unwrap_or("");
                div.accent-row {
                    label { "Accent colour (links, buttons, header; #rrggbb, empty for the default)"
                        input name="accent_color" value=(if form.error_for("accent_color").is_some() { form.v("accent_color") } else { accent }) placeholder=(DEFAULT_ACCENT) maxlength="7" aria-invalid=[invalid(form, "accent_color")] aria-describedby=[form.error_for("accent_color").map(|_| "err-accent_color")];
                    }
                    label { "or pick it" input type="color" name="accent_pick" value=(if accent.is_empty() { DEFAULT_ACCENT } else { accent }); }
                }
                (field_error(form, "accent_color"))
                @if editor { button type="submit" { "Save page" } }
            }
            h2 { "Logo" }
            @if let Some(logo) = &p.logo {
                p.logo-preview { img src={"/logo/" (logo)} alt=(p.title); }
            } @else {
                p.empty { "No logo: the header shows the title alone." }
            }
            @if editor {
                form.stack #logo-form method="post" action={"/admin/pages/" (p.id) "/logo"} enctype="multipart/form-data" {
                    (csrf(nav.csrf))
                    label { "Logo image (PNG, JPEG or WebP, up to " (MAX_LOGO_BYTES / 1024) " KB; SVG is refused)"
                        input type="file" name="logo" accept="image/png,image/jpeg,image/webp" required aria-invalid=[invalid(form, "logo")] aria-describedby=[form.error_for("logo").map(|_| "err-logo")];
                    }
                    (field_error(form, "logo"))
                    div.actions {
                        button type="submit" { @if p.logo.is_some() { "Replace logo" } @else { "Upload logo" } }
                        @if p.logo.is_some() { a.button.danger href={"/admin/pages/" (p.id) "/logo/remove"} { "Remove logo…" } }
                    }
                }
            }
            @if p.audience == crate::domain::Audience::Customer {
                p { a href={"/admin/pages/" (p.id) "/access"} { "Customer access: the address to send, who is signed in, read tokens →" } }
            }
            h2 { "Groups" }
            @if groups.is_empty() { p.empty { "No groups yet; components without a group show at the top." } }
            @else if editor {
                div.grouprows {
                    div.grouphead aria-hidden="true" { span { "Name" } span { "Position" } span { "Collapsed" } span {} span {} }
                    @for g in groups {
                        div.grouprow data-group=(g.name) {
                            form.groupform method="post" action={"/admin/groups/" (g.id)} {
                                (csrf(nav.csrf))
                                input name="name" value=(g.name) aria-label={"Name of group " (g.name)} required maxlength="100";
                                input type="number" name="position" value=(g.position) aria-label={"Position of " (g.name)};
                                label.check { input type="checkbox" name="collapsed" value="true" checked[g.collapsed]; "collapsed" }
                                button type="submit" { "Save group" }
                            }
                            span { a.button.danger href={"/admin/groups/" (g.id) "/delete"} { "Delete…" } (badge(g.managed_by_config)) }
                        }
                    }
                }
            } @else {
                table.list {
                    thead { tr { th { "Name" } th { "Position" } th { "Collapsed" } } }
                    tbody {
                        @for g in groups {
                            tr data-group=(g.name) { td { (g.name) (badge(g.managed_by_config)) } td { (g.position) } td { (g.collapsed) } }
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
                    p.danger { a.button.danger href={"/admin/pages/" (p.id) "/delete"} { "Delete page…" } }
                }
            }
        },
    )
}
