//! Incident update templates.

use super::managed::badge;
use super::{FormState, csrf, editor, field_error, invalid};
use crate::domain::Template;
use crate::views::layout::{self, Nav, flash};
use maud::{Markup, html};

/// Templates list and form.
pub fn templates(nav: &Nav, list: &[Template], form: &FormState) -> Markup {
    layout::admin(
        "Templates",
        nav,
        html! {
            (flash(form.error.as_deref(), form.notice.as_deref()))
            p { "Placeholders: " code { "{{component}}" } ", " code { "{{status}}" } ", " code { "{{start}}" } ", " code { "{{title}}" } ", " code { "{{now}}" } }
            @for t in list {
                details.template data-template=(t.name) {
                    summary { (t.name) (badge(t.managed_by_config)) }
                    @if editor(nav) {
                        form.stack method="post" action={"/admin/templates/" (t.id)} {
                            (csrf(nav.csrf))
                            label { "Name" input name="name" value=(t.name) required; }
                            label { "Body" textarea name="body" rows="3" required { (t.body) } }
                            button type="submit" { "Save template" }
                        }
                        a.button.danger href={"/admin/templates/" (t.id) "/delete"} { "Delete…" }
                    } @else { pre { (t.body) } }
                }
            }
            @if editor(nav) {
                h2 { "New template" }
                form #new-template.stack method="post" action="/admin/templates" {
                    (csrf(nav.csrf))
                    label { "Name" input name="name" required maxlength="100" value=(form.values.get("name").map(String::as_str).unwrap_or("")) aria-invalid=[invalid(form, "name")] aria-describedby=[invalid(form, "name").map(|_| "err-name")]; (field_error(form, "name")) }
                    label { "Body" textarea name="body" rows="3" required aria-invalid=[invalid(form, "body")] aria-describedby=[invalid(form, "body").map(|_| "err-body")] { (form.values.get("body").map(String::as_str).unwrap_or("")) } (field_error(form, "body")) }
                    button type="submit" { "Create template" }
                }
            }
        },
    )
}
