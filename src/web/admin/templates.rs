//! Incident update templates in the admin UI.

use super::managed::hold;
use super::{NavData, NoFields, done, form_error, html};
use crate::error::AppResult;
use crate::state::AppState;
use crate::store::TemplateInput;
use crate::views::admin::FormState;
use crate::views::admin::managed::Held;
use crate::views::admin::templates as views;
use crate::web::auth::{Actor, CsrfForm, Editor, Viewer};
use actix_web::{HttpResponse, http::StatusCode, web};
use serde::Deserialize;

async fn list(
    state: &AppState,
    actor: &Actor,
    form: FormState,
    status: StatusCode,
) -> AppResult<HttpResponse> {
    let list = state.store.run(|s| s.list_templates()).await?;
    let nav = NavData::new(actor, "/admin/templates");
    Ok(html(status, views::templates(&nav.nav(), &list, &form)))
}

pub async fn get_templates(
    state: web::Data<AppState>,
    Viewer(actor): Viewer,
) -> AppResult<HttpResponse> {
    list(&state, &actor, FormState::default(), StatusCode::OK).await
}

#[derive(Deserialize)]
pub struct TemplateForm {
    name: String,
    body: String,
}

async fn save(
    state: &AppState,
    actor: &Actor,
    id: Option<String>,
    form: &CsrfForm<TemplateForm>,
) -> AppResult<HttpResponse> {
    let input = TemplateInput {
        name: form.data.name.clone(),
        title: String::new(),
        status: None,
        body: form.data.body.clone(),
    };
    match state
        .store
        .run(move |s| s.save_template(id.as_deref(), input))
        .await
    {
        Ok(t) => Ok(done(
            "/admin/templates",
            &format!("Template “{}” saved.", t.name),
        )),
        Err(e) => {
            form_error(e, &form.pairs, |form, status| {
                list(state, actor, form, status)
            })
            .await
        }
    }
}

pub async fn post_template(
    state: web::Data<AppState>,
    Editor(actor): Editor,
    form: CsrfForm<TemplateForm>,
) -> AppResult<HttpResponse> {
    save(&state, &actor, None, &form).await
}

pub async fn post_template_edit(
    state: web::Data<AppState>,
    Editor(actor): Editor,
    id: web::Path<String>,
    form: CsrfForm<TemplateForm>,
) -> AppResult<HttpResponse> {
    let cur = {
        let id = id.clone();
        state.store.run(move |s| s.get_template(&id)).await?
    };
    let action = format!("/admin/templates/{}", cur.id);
    let held = Held {
        kind: "template",
        name: &cur.name,
        action: &action,
        pairs: &form.pairs,
        cancel: "/admin/templates",
    };
    if let Some(warning) = hold(&actor, "/admin/templates", cur.managed_by_config, held) {
        return Ok(warning);
    }
    save(&state, &actor, Some(id.into_inner()), &form).await
}

pub async fn post_template_delete(
    state: web::Data<AppState>,
    Editor(_): Editor,
    id: web::Path<String>,
    _f: CsrfForm<NoFields>,
) -> AppResult<HttpResponse> {
    state.store.run(move |s| s.delete_template(&id)).await?;
    Ok(done("/admin/templates", "Template deleted."))
}
