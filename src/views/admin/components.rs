//! The overview and the component screens.

use super::managed::{badge, note};
use super::{FormState, csrf, field_error, invalid, status_select};
use crate::domain::{Component, Group, Page, Role};
use crate::views::layout::{self, Nav, flash};
use maud::{Markup, html};

pub(super) fn group_name<'a>(groups: &'a [Group], id: Option<&str>) -> &'a str {
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

pub(super) fn status_form(nav: &Nav, c: &Component, back: &str) -> Markup {
    html! {
        form.inline method="post" action={"/admin/components/" (c.id) "/status"} {
            (csrf(nav.csrf))
            input type="hidden" name="back" value=(back);
            (status_select("status", c.status))
            button type="submit" { "Save status" }
        }
    }
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
                            td { (c.name) (badge(c.managed_by_config)) }
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
                    label { "Name" input name="name" required maxlength="100" value=(form.v("name")) aria-invalid=[invalid(form, "name")] aria-describedby=[invalid(form, "name").map(|_| "err-name")]; (field_error(form, "name")) }
                    label { "Description" input name="description" maxlength="1000" value=(form.v("description")) aria-invalid=[invalid(form, "description")] aria-describedby=[invalid(form, "description").map(|_| "err-description")]; (field_error(form, "description")) }
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
            (note(c.managed_by_config, "component"))
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
                label.check { input type="checkbox" name="show_measured_uptime" value="true" checked[c.show_measured_uptime]; "Show measured uptime on public pages (from monitors; published uptime always shows)" }
                label { "Status" (status_select("status", c.status)) }
                button type="submit" { "Save component" }
            }
            p.danger { a.button.danger href={"/admin/components/" (c.id) "/delete"} { "Delete component…" } }
        },
    )
}
