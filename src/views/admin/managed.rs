//! Objects applied from a status-as-code file: the "managed by config" badge, and the
//! warning a hand edit passes first (the next `statusd apply` undoes it).

use super::csrf;
use crate::views::layout::{self, Nav};
use maud::{Markup, html};

/// The form field that says the editor saw the warning and edits anyway.
pub const CONFIRM_FIELD: &str = "confirm_managed";

/// The warning's sentence, also on delete confirm pages.
pub fn warning_text(kind: &str) -> String {
    format!("This {kind} is managed by statusd.toml; your change will be undone by the next apply.")
}

/// A small badge beside an object's name, when a file manages it.
pub fn badge(managed: bool) -> Markup {
    html! {
        @if managed {
            " "
            span.managed title="Applied from a status-as-code file (statusd apply); edit the file instead" {
                "managed by config"
            }
        }
    }
}

/// What the warning page needs: the object and the edit it holds back.
pub struct Held<'a> {
    /// "component"
    pub kind: &'a str,
    pub name: &'a str,
    /// Where the edit posts (the same action again, confirmed).
    pub action: &'a str,
    /// Every field of the held-back form, re-sent as it was.
    pub pairs: &'a [(String, String)],
    pub cancel: &'a str,
}

/// The warning before a hand edit of a managed object; "Edit anyway" re-posts the form.
pub fn warning(nav: &Nav, h: &Held) -> Markup {
    layout::admin(
        &format!("Edit {} “{}” by hand?", h.kind, h.name),
        nav,
        html! {
            div.confirm-text {
                p { (warning_text(h.kind)) " Edit anyway?" }
                p { "To keep the change, also make it in the file (or run " code { "statusd export" } ")." }
            }
            form.confirm method="post" action=(h.action) {
                @for (k, v) in h.pairs.iter().filter(|(k, _)| k != "csrf" && k != CONFIRM_FIELD) {
                    input type="hidden" name=(k) value=(v);
                }
                (csrf(nav.csrf))
                input type="hidden" name=(CONFIRM_FIELD) value="yes";
                button type="submit" { "Edit anyway" }
                a href=(h.cancel) { "Cancel" }
            }
        },
    )
}

/// The badge and what it means, at the top of an edit page.
pub fn note(managed: bool, kind: &str) -> Markup {
    html! {
        @if managed {
            p.managed-note { (badge(true)) " " (warning_text(kind)) }
        }
    }
}
