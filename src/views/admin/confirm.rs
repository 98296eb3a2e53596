//! The confirm step before anything destructive: a second page that says what will
//! happen, with the one button that does it and a way back.

use super::csrf;
use crate::views::layout::{self, Nav};
use maud::{Markup, html};

/// What a confirm page asks.
pub struct Confirm {
    /// "Delete component “API”?"
    pub title: String,
    /// What happens, one sentence per line.
    pub consequences: Vec<String>,
    /// Where the form posts.
    pub action: String,
    /// The button's words ("Delete component").
    pub button: String,
    /// Where "Cancel" goes.
    pub cancel: String,
}

/// The confirm page.
pub fn confirm(nav: &Nav, c: &Confirm) -> Markup {
    layout::admin(
        &c.title,
        nav,
        html! {
            div.confirm-text {
                @for line in &c.consequences { p { (line) } }
            }
            form.confirm method="post" action=(c.action) {
                (csrf(nav.csrf))
                button.danger type="submit" { (c.button) }
                a href=(c.cancel) { "Cancel" }
            }
        },
    )
}
