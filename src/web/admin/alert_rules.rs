//! `/admin/alert-rules`: the mapping rules (list, create, edit, reorder, delete after a
//! confirm step) and the unmatched alerts a rule can be made from.

use super::managed::hold;
use super::{NavData, done, form_error, html, ok};
use crate::domain::inbound::RuleMode;
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use crate::store::AlertRuleInput;
use crate::views::admin::FormState;
use crate::views::admin::alert_rules::{self as views, RuleValues};
use crate::views::admin::confirm::{Confirm, confirm};
use crate::views::admin::managed::{Held, warning_text};
use crate::web::auth::{Actor, CsrfForm, Editor, Viewer};
use actix_web::{HttpResponse, http::StatusCode, web};
use serde::Deserialize;

const ACTIVE: &str = "/admin/alert-rules";

/// A delete's consequences, led by the managed-by-config warning when a file manages the rule.
fn managed_first(managed: bool, mut lines: Vec<String>) -> Vec<String> {
    if managed {
        lines.insert(0, warning_text("alert rule"));
    }
    lines
}

async fn list(
    state: &AppState,
    actor: &Actor,
    from: Option<String>,
    posted: Option<RuleValues>,
    form: FormState,
    status: StatusCode,
) -> AppResult<HttpResponse> {
    let (rules, events, components) = state
        .store
        .run(|s| {
            Ok((
                s.list_alert_rules()?,
                s.list_alert_events()?,
                s.list_components()?,
            ))
        })
        .await?;
    let v = match (posted, from) {
        (Some(v), _) => v,
        (None, Some(id)) => events
            .iter()
            .find(|e| e.id == id)
            .map(|e| RuleValues::of_event(e, &components))
            .unwrap_or_default(),
        (None, None) => RuleValues::default(),
    };
    let unmatched = views::unmatched(&events);
    let nav = NavData::new(actor, "/admin/alert-rules");
    Ok(html(
        status,
        views::rules(&nav.nav(), &rules, &unmatched, &components, &v, &form),
    ))
}

#[derive(Deserialize)]
pub struct RulesQuery {
    #[serde(default)]
    from: Option<String>,
}

pub async fn get_rules(
    state: web::Data<AppState>,
    Viewer(actor): Viewer,
    q: web::Query<RulesQuery>,
) -> AppResult<HttpResponse> {
    let from = q.into_inner().from;
    list(
        &state,
        &actor,
        from,
        None,
        FormState::default(),
        StatusCode::OK,
    )
    .await
}

#[derive(Deserialize)]
pub struct RuleForm {
    name: String,
    #[serde(default)]
    matchers: String,
    #[serde(default)]
    source: String,
    #[serde(default)]
    impact: String,
    #[serde(default)]
    mode: String,
    #[serde(default)]
    auto_publish_minutes: String,
    #[serde(default)]
    tone: String,
}

/// What was posted, to show again beside an error.
fn posted(f: &CsrfForm<RuleForm>) -> RuleValues {
    let d = &f.data;
    RuleValues {
        name: d.name.clone(),
        matchers: d.matchers.clone(),
        source: d.source.clone(),
        payload_components: !f.all("payload_components").is_empty(),
        component_ids: f.all("component_ids"),
        impact: d.impact.clone(),
        mode: d.mode.clone(),
        auto_publish_minutes: d.auto_publish_minutes.clone(),
        tone: d.tone.clone(),
    }
}

/// The store's input for the posted form; each bad value names its field.
fn rule_input(f: &CsrfForm<RuleForm>, page_id: Option<String>) -> AppResult<AlertRuleInput> {
    let d = &f.data;
    let opt = |s: &str| Some(s.trim().to_string()).filter(|s| !s.is_empty());
    Ok(AlertRuleInput {
        name: d.name.clone(),
        position: None,
        source: opt(&d.source)
            .map(|s| s.parse())
            .transpose()
            .map_err(|m: String| AppError::invalid("source", m))?,
        matchers: d
            .matchers
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(str::to_string)
            .collect(),
        payload_components: !f.all("payload_components").is_empty(),
        page_id,
        component_ids: f.all("component_ids"),
        impact: opt(&d.impact)
            .map(|s| s.parse())
            .transpose()
            .map_err(|m: String| AppError::invalid("impact", m))?,
        mode: match d.mode.as_str() {
            "publish" => RuleMode::Publish,
            "" | "draft" => RuleMode::Draft,
            _ => return Err(AppError::invalid("mode", "draft or publish")),
        },
        auto_publish_minutes: opt(&d.auto_publish_minutes)
            .map(|s| s.parse::<u32>())
            .transpose()
            .map_err(|_| {
                AppError::invalid(
                    "auto_publish_minutes",
                    "a whole number of minutes, or empty for never",
                )
            })?,
        tone: opt(&d.tone)
            .map(|s| s.parse())
            .transpose()
            .map_err(|m: String| AppError::invalid("tone", m))?,
    })
}

pub async fn post_rule(
    state: web::Data<AppState>,
    Editor(actor): Editor,
    form: CsrfForm<RuleForm>,
) -> AppResult<HttpResponse> {
    let result = match rule_input(&form, None) {
        Ok(input) => {
            state
                .store
                .run(move |s| s.put_alert_rule(None, input))
                .await
        }
        Err(e) => Err(e),
    };
    match result {
        Ok(r) => {
            tracing::info!(by = %actor.name(), rule = %r.name, "alert rule created");
            Ok(done(
                "/admin/alert-rules#rules",
                &format!(
                    "Rule “{}” added; it applies to the next alerts received.",
                    r.name
                ),
            ))
        }
        Err(e) => {
            let v = posted(&form);
            form_error(e, &form.pairs, |f, s| {
                list(&state, &actor, None, Some(v), f, s)
            })
            .await
        }
    }
}

async fn edit_page(
    state: &AppState,
    actor: &Actor,
    id: String,
    posted: Option<RuleValues>,
    form: FormState,
    status: StatusCode,
) -> AppResult<HttpResponse> {
    let (r, components) = state
        .store
        .run(move |s| Ok((s.get_alert_rule(&id)?, s.list_components()?)))
        .await?;
    let v = posted.unwrap_or_else(|| RuleValues::of_rule(&r));
    let nav = NavData::new(actor, "/admin/alert-rules");
    Ok(html(
        status,
        views::edit(&nav.nav(), &r, &v, &components, &form),
    ))
}

pub async fn get_rule(
    state: web::Data<AppState>,
    Viewer(actor): Viewer,
    id: web::Path<String>,
) -> AppResult<HttpResponse> {
    edit_page(
        &state,
        &actor,
        id.into_inner(),
        None,
        FormState::default(),
        StatusCode::OK,
    )
    .await
}

pub async fn post_rule_edit(
    state: web::Data<AppState>,
    Editor(actor): Editor,
    id: web::Path<String>,
    form: CsrfForm<RuleForm>,
) -> AppResult<HttpResponse> {
    let id = id.into_inner();
    let old = {
        let id = id.clone();
        state.store.run(move |s| s.get_alert_rule(&id)).await?
    };
    let action = format!("/admin/alert-rules/{id}");
    let held = Held {
        kind: "alert rule",
        name: &old.name,
        action: &action,
        pairs: &form.pairs,
        cancel: &action,
    };
    if let Some(warning) = hold(&actor, ACTIVE, old.managed_by_config, held) {
        return Ok(warning);
    }
    // The page is not on the form (the API and status-as-code set it): keep it.
    let result = match rule_input(&form, old.page_id.clone()) {
        Ok(input) => {
            let id = id.clone();
            state
                .store
                .run(move |s| s.put_alert_rule(Some(&id), input))
                .await
        }
        Err(e) => Err(e),
    };
    match result {
        Ok(r) => {
            tracing::info!(by = %actor.name(), rule = %r.name, "alert rule saved");
            Ok(done(
                "/admin/alert-rules#rules",
                &format!("Rule “{}” saved.", r.name),
            ))
        }
        Err(e) => {
            let v = posted(&form);
            form_error(e, &form.pairs, |f, s| {
                edit_page(&state, &actor, id, Some(v), f, s)
            })
            .await
        }
    }
}

#[derive(Deserialize)]
pub struct MoveForm {
    direction: String,
}

pub async fn post_rule_move(
    state: web::Data<AppState>,
    Editor(actor): Editor,
    id: web::Path<String>,
    form: CsrfForm<MoveForm>,
) -> AppResult<HttpResponse> {
    let up = match form.data.direction.as_str() {
        "up" => true,
        "down" => false,
        _ => return Err(AppError::invalid("direction", "up or down")),
    };
    let id = id.into_inner();
    let cur = {
        let id = id.clone();
        state.store.run(move |s| s.get_alert_rule(&id)).await?
    };
    // Order is in the file too: a move is an edit the next apply undoes.
    let action = format!("/admin/alert-rules/{id}/move");
    let held = Held {
        kind: "alert rule",
        name: &cur.name,
        action: &action,
        pairs: &form.pairs,
        cancel: "/admin/alert-rules",
    };
    if let Some(warning) = hold(&actor, ACTIVE, cur.managed_by_config, held) {
        return Ok(warning);
    }
    state.store.run(move |s| s.move_alert_rule(&id, up)).await?;
    tracing::info!(by = %actor.name(), "alert rule moved");
    Ok(done("/admin/alert-rules#rules", "Rule order saved."))
}

pub async fn get_rule_delete(
    state: web::Data<AppState>,
    Editor(actor): Editor,
    id: web::Path<String>,
) -> AppResult<HttpResponse> {
    let id = id.into_inner();
    let r = state.store.run(move |s| s.get_alert_rule(&id)).await?;
    let nav = NavData::new(&actor, "/admin/alert-rules");
    Ok(ok(confirm(
        &nav.nav(),
        &Confirm {
            title: format!("Delete rule “{}”?", r.name),
            consequences: managed_first(r.managed_by_config, vec![
                "Alerts it routed go to the next rule that matches, or the labels decide, or they are kept as unmatched.".into(),
                "Drafts it already opened stay.".into(),
            ]),
            action: format!("/admin/alert-rules/{}/delete", r.id),
            button: "Delete rule".into(),
            cancel: "/admin/alert-rules".into(),
        },
    )))
}

pub async fn post_rule_delete(
    state: web::Data<AppState>,
    Editor(actor): Editor,
    id: web::Path<String>,
    _f: CsrfForm<super::NoFields>,
) -> AppResult<HttpResponse> {
    let id = id.into_inner();
    state.store.run(move |s| s.delete_alert_rule(&id)).await?;
    tracing::info!(by = %actor.name(), "alert rule deleted");
    Ok(done("/admin/alert-rules#rules", "Rule deleted."))
}
