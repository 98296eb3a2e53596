//! Admin UI screens, one file per admin area (mirroring `web/admin/`). Forms post back
//! with a `csrf` field; failed posts re-render the same screen with the message and the
//! values the user typed.

pub mod account;
pub mod alert_rules;
pub mod alerts;
pub mod audit;
pub mod components;
pub mod confirm;
pub mod drafts;
pub mod incidents;
pub mod keys;
pub mod maintenance;
pub mod managed;
pub mod monitors;
pub mod overview;
pub mod page_access;
pub mod pages;
pub mod session;
pub mod subscribers;
pub mod team;
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
    /// The field the error is about, and the error in words, shown beside that field.
    pub field: Option<(String, String)>,
}

impl FormState {
    pub fn error(msg: impl Into<String>, values: HashMap<String, String>) -> Self {
        FormState {
            error: Some(msg.into()),
            values,
            ..Default::default()
        }
    }
    /// An error about one field: said at the top (with the field's name in words) and
    /// beside the field.
    pub fn field_error(
        field: &str,
        msg: impl Into<String>,
        values: HashMap<String, String>,
    ) -> Self {
        let msg = msg.into();
        FormState {
            error: Some(format!("{}: {msg}", field_label(field))),
            notice: None,
            values,
            field: Some((field.to_string(), msg)),
        }
    }
    /// The error beside `name`, if the error is about that field.
    pub(crate) fn error_for(&self, name: &str) -> Option<&str> {
        self.field
            .as_ref()
            .filter(|(f, _)| f == name)
            .map(|(_, m)| m.as_str())
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

/// A form field's name in words ("starts_at" → "Starts at"; a few read better by hand).
pub fn field_label(field: &str) -> String {
    match field {
        "password_confirm" => "Repeat password".into(),
        "component_ids" => "Components".into(),
        "interval_seconds" => "Interval (seconds)".into(),
        "timeout_ms" => "Timeout (ms)".into(),
        "expected_status" => "Expected status".into(),
        "json_path" => "JSON path".into(),
        "group_id" => "Group".into(),
        "page_ids" => "Pages".into(),
        "accent_color" => "Accent colour".into(),
        _ => {
            let words = field.replace('_', " ");
            let mut c = words.chars();
            c.next()
                .map(|f| f.to_uppercase().chain(c).collect())
                .unwrap_or_default()
        }
    }
}

/// The error in words beside a field (empty when the error is about another field).
pub(super) fn field_error(form: &FormState, name: &str) -> Markup {
    html! {
        @if let Some(m) = form.error_for(name) {
            span.field-error id={"err-" (name)} { (m) }
        }
    }
}

/// `aria-invalid` for a field the error is about.
pub(super) fn invalid(form: &FormState, name: &str) -> Option<&'static str> {
    form.error_for(name).map(|_| "true")
}
