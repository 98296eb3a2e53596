//! Admin UI screens, one file per admin area (mirroring `web/admin/`). Forms post back
//! with a `csrf` field; failed posts re-render the same screen with the message and the
//! values the user typed.

pub mod components;
pub mod incidents;
pub mod keys;
pub mod maintenance;
pub mod monitors;
pub mod overview;
pub mod page_access;
pub mod pages;
pub mod session;
pub mod subscribers;
pub mod templates;
pub mod users;

use crate::domain::{Component, ComponentStatus, Role};
use crate::views::layout::Nav;
use chrono::{DateTime, Utc};
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
    pub(crate) fn v(&self, key: &str) -> &str {
        self.values.get(key).map(String::as_str).unwrap_or("")
    }
}

pub(super) fn csrf(token: &str) -> Markup {
    html! { input type="hidden" name="csrf" value=(token); }
}

pub(super) fn status_select(name: &str, current: ComponentStatus) -> Markup {
    html! {
        select name=(name) aria-label="Status" {
            @for s in ComponentStatus::ALL {
                option value=(s.as_str()) selected[s == current] { (s.label()) }
            }
        }
    }
}

pub(super) fn when(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%d %H:%M UTC").to_string()
}

pub(super) fn editor(nav: &Nav) -> bool {
    nav.role != Role::Viewer.as_str()
}

pub(super) fn component_name<'a>(components: &'a [Component], id: &'a str) -> &'a str {
    components
        .iter()
        .find(|c| c.id == id)
        .map(|c| c.name.as_str())
        .unwrap_or(id)
}
