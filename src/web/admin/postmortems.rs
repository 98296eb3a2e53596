//! Postmortems in the admin UI: save the draft text, publish it.

use super::incidents::after_with;
use crate::domain::{ActionItem, Postmortem};
use crate::error::AppResult;
use crate::state::AppState;
use crate::web::admin::NoFields;
use crate::web::auth::{CsrfForm, Editor};
use actix_web::{HttpResponse, web};
use serde::Deserialize;

#[derive(Deserialize)]
pub struct PostmortemForm {
    #[serde(default)]
    summary: String,
    #[serde(default)]
    timeline: String,
    #[serde(default)]
    root_cause: String,
    #[serde(default)]
    impact: String,
    #[serde(default)]
    resolution: String,
    #[serde(default)]
    action_items: String,
}

/// `text | owner | done` per line.
fn parse_action_items(text: &str) -> Vec<ActionItem> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(|l| {
            let mut parts = l.split('|').map(str::trim);
            let text = parts.next().unwrap_or("").to_string();
            let owner = parts.next().unwrap_or("").to_string();
            let done = parts.next().is_some_and(|d| {
                matches!(d.to_lowercase().as_str(), "done" | "yes" | "x" | "true")
            });
            ActionItem { text, owner, done }
        })
        .collect()
}

pub async fn post_postmortem(
    state: web::Data<AppState>,
    Editor(actor): Editor,
    id: web::Path<String>,
    form: CsrfForm<PostmortemForm>,
) -> AppResult<HttpResponse> {
    let id = id.into_inner();
    let f = &form.data;
    let pm = Postmortem {
        summary: f.summary.clone(),
        timeline: f.timeline.clone(),
        root_cause: f.root_cause.clone(),
        impact: f.impact.clone(),
        resolution: f.resolution.clone(),
        action_items: parse_action_items(&f.action_items),
        published_at: None,
        updated_at: None,
    };
    let (by, target) = (actor.name(), id.clone());
    let result = state
        .store
        .run(move |s| s.save_postmortem(&target, pm, &by).map(|_| ()))
        .await;
    after_with(&state, &actor, id, result, &form.pairs, "Postmortem saved.").await
}

pub async fn post_postmortem_publish(
    state: web::Data<AppState>,
    Editor(actor): Editor,
    id: web::Path<String>,
    form: CsrfForm<NoFields>,
) -> AppResult<HttpResponse> {
    let id = id.into_inner();
    let (by, target) = (actor.name(), id.clone());
    let result = state
        .store
        .run(move |s| s.publish_postmortem(&target, true, &by).map(|_| ()))
        .await;
    after_with(
        &state,
        &actor,
        id,
        result,
        &form.pairs,
        "Postmortem published.",
    )
    .await
}

#[cfg(test)]
mod tests {
    use super::parse_action_items;

    #[test]
    fn action_items_table() {
        let items =
            parse_action_items("Add alert | ana | done\n\nRaise pool size|bo\nWrite runbook");
        let got: Vec<(&str, &str, bool)> = items
            .iter()
            .map(|a| (a.text.as_str(), a.owner.as_str(), a.done))
            .collect();
        assert_eq!(
            got,
            vec![
                ("Add alert", "ana", true),
                ("Raise pool size", "bo", false),
                ("Write runbook", "", false)
            ]
        );
    }
}
