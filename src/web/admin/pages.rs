//! Pages and their component groups.

use super::managed::hold;
use super::{NavData, done, form_error, html};
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use crate::store::{GroupPatch, NewGroup, NewPage, PagePatch};
use crate::views::admin::FormState;
use crate::views::admin::managed::Held;
use crate::views::admin::pages as views;
use crate::web::auth::{Actor, CsrfForm, Editor, Viewer};
use actix_web::{HttpResponse, http::StatusCode, web};
use serde::Deserialize;

async fn list(
    state: &AppState,
    actor: &Actor,
    form: FormState,
    status: StatusCode,
) -> AppResult<HttpResponse> {
    let pages = state.store.run(|s| s.list_pages()).await?;
    let nav = NavData::new(actor, "/admin/pages");
    Ok(html(status, views::pages(&nav.nav(), &pages, &form)))
}

pub async fn get_pages(
    state: web::Data<AppState>,
    Viewer(actor): Viewer,
) -> AppResult<HttpResponse> {
    list(&state, &actor, FormState::default(), StatusCode::OK).await
}

#[derive(Deserialize)]
pub struct PageForm {
    slug: String,
    title: String,
    #[serde(default)]
    time_zone: String,
    #[serde(default)]
    audience: String,
    #[serde(default)]
    custom_host: String,
    #[serde(default)]
    allowed_domains: String,
    #[serde(default)]
    accent_color: String,
    /// The colour picker beside `accent_color` (it always sends a value).
    #[serde(default)]
    accent_pick: String,
}

fn split_list(s: &str) -> Vec<String> {
    s.split([',', ' ', '\n'])
        .map(str::trim)
        .filter(|x| !x.is_empty())
        .map(str::to_string)
        .collect()
}

pub async fn post_page(
    state: web::Data<AppState>,
    Editor(actor): Editor,
    form: CsrfForm<PageForm>,
) -> AppResult<HttpResponse> {
    let f = &form.data;
    let input = NewPage {
        slug: f.slug.clone(),
        title: f.title.clone(),
        audience: Some(f.audience.clone()),
        time_zone: Some(f.time_zone.clone()).filter(|t| !t.trim().is_empty()),
        custom_host: Some(f.custom_host.clone()),
        allowed_domains: split_list(&f.allowed_domains),
    };
    match state.store.run(move |s| s.create_page(input)).await {
        Ok(p) => Ok(done(
            &format!("/admin/pages/{}", p.id),
            &format!("Page “{}” created.", p.title),
        )),
        Err(e) => {
            form_error(e, &form.pairs, |form, status| {
                list(&state, &actor, form, status)
            })
            .await
        }
    }
}

pub(super) async fn edit(
    state: &AppState,
    actor: &Actor,
    id: String,
    form: FormState,
    status: StatusCode,
) -> AppResult<HttpResponse> {
    let (page, groups) = state
        .store
        .run(move |s| {
            let page = s.get_page(&id)?;
            let groups = s
                .list_groups()?
                .into_iter()
                .filter(|g| g.page_id == page.id)
                .collect::<Vec<_>>();
            Ok((page, groups))
        })
        .await?;
    let nav = NavData::new(actor, "/admin/pages");
    Ok(html(
        status,
        views::page_edit(&nav.nav(), &page, &groups, &form),
    ))
}

pub async fn get_page(
    state: web::Data<AppState>,
    Viewer(actor): Viewer,
    id: web::Path<String>,
) -> AppResult<HttpResponse> {
    edit(
        &state,
        &actor,
        id.into_inner(),
        FormState::default(),
        StatusCode::OK,
    )
    .await
}

pub async fn post_page_edit(
    state: web::Data<AppState>,
    Editor(actor): Editor,
    id: web::Path<String>,
    form: CsrfForm<PageForm>,
) -> AppResult<HttpResponse> {
    let cur = {
        let id = id.clone();
        state.store.run(move |s| s.get_page(&id)).await?
    };
    let action = format!("/admin/pages/{}", cur.id);
    let held = Held {
        kind: "page",
        name: &cur.title,
        action: &action,
        pairs: &form.pairs,
        cancel: &action,
    };
    if let Some(warning) = hold(&actor, "/admin/pages", cur.managed_by_config, held) {
        return Ok(warning);
    }
    let f = &form.data;
    let patch = PagePatch {
        slug: Some(f.slug.clone()),
        title: Some(f.title.clone()),
        audience: Some(f.audience.clone()).filter(|a| !a.is_empty()),
        time_zone: Some(f.time_zone.clone()),
        custom_host: Some(Some(f.custom_host.clone())),
        allowed_domains: Some(split_list(&f.allowed_domains)),
        accent_color: None,
    };
    let (text, pick) = (f.accent_color.clone(), f.accent_pick.clone());
    let id = id.into_inner();
    let target = id.clone();
    match state
        .store
        .run(move |s| {
            let current = s.get_page(&target)?.accent_color.unwrap_or_default();
            let accent = crate::domain::branding::chosen_accent(&current, &text, &pick);
            s.update_page(
                &target,
                PagePatch {
                    accent_color: Some(accent),
                    ..patch
                },
            )
        })
        .await
    {
        Ok(_) => {
            edit(
                &state,
                &actor,
                id,
                FormState::notice("Page saved."),
                StatusCode::OK,
            )
            .await
        }
        Err(e) => {
            form_error(e, &form.pairs, |form, status| {
                edit(&state, &actor, id, form, status)
            })
            .await
        }
    }
}

pub async fn post_page_delete(
    state: web::Data<AppState>,
    Editor(actor): Editor,
    id: web::Path<String>,
    _f: CsrfForm<super::NoFields>,
) -> AppResult<HttpResponse> {
    let id = id.into_inner();
    let target = id.clone();
    match state.store.run(move |s| s.delete_page(&target)).await {
        Ok(()) => Ok(done("/admin/pages", "Page deleted.")),
        Err(e @ AppError::Conflict(_)) => {
            edit(
                &state,
                &actor,
                id,
                FormState::error(e.to_string(), Default::default()),
                StatusCode::CONFLICT,
            )
            .await
        }
        Err(e) => Err(e),
    }
}

#[derive(Deserialize)]
pub struct GroupForm {
    #[serde(default)]
    page_id: String,
    name: String,
    #[serde(default)]
    position: Option<String>,
    #[serde(default)]
    collapsed: Option<String>,
}

fn parse_position(p: Option<&str>) -> AppResult<Option<i64>> {
    match p.map(str::trim).filter(|p| !p.is_empty()) {
        Some(p) => p
            .parse()
            .map(Some)
            .map_err(|_| AppError::invalid("position", format!("{p:?} is not a whole number"))),
        None => Ok(None),
    }
}

pub async fn post_group(
    state: web::Data<AppState>,
    Editor(actor): Editor,
    form: CsrfForm<GroupForm>,
) -> AppResult<HttpResponse> {
    let f = &form.data;
    let page_id = f.page_id.clone();
    let input = NewGroup {
        page_id: Some(page_id.clone()),
        name: f.name.clone(),
        position: None,
        collapsed: false,
    };
    match state.store.run(move |s| s.create_group(input)).await {
        Ok(g) => Ok(done(
            &format!("/admin/pages/{}", g.page_id),
            &format!("Group “{}” created.", g.name),
        )),
        Err(e) if page_id.is_empty() => Err(e),
        Err(e) => {
            form_error(e, &form.pairs, |form, status| {
                edit(&state, &actor, page_id, form, status)
            })
            .await
        }
    }
}

pub async fn post_group_edit(
    state: web::Data<AppState>,
    Editor(actor): Editor,
    id: web::Path<String>,
    form: CsrfForm<GroupForm>,
) -> AppResult<HttpResponse> {
    let f = &form.data;
    let id = id.into_inner();
    let group = {
        let id = id.clone();
        state.store.run(move |s| s.get_group(&id)).await?
    };
    let action = format!("/admin/groups/{id}");
    let back = format!("/admin/pages/{}", group.page_id);
    let held = Held {
        kind: "group",
        name: &group.name,
        action: &action,
        pairs: &form.pairs,
        cancel: &back,
    };
    if let Some(warning) = hold(&actor, "/admin/pages", group.managed_by_config, held) {
        return Ok(warning);
    }
    let patch = parse_position(f.position.as_deref()).map(|position| GroupPatch {
        name: Some(f.name.clone()),
        position,
        collapsed: Some(f.collapsed.is_some()),
    });
    let result = match patch {
        Ok(patch) => state.store.run(move |s| s.update_group(&id, patch)).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(g) => Ok(done(
            &format!("/admin/pages/{}", g.page_id),
            &format!("Group “{}” saved.", g.name),
        )),
        Err(e) => {
            form_error(e, &form.pairs, |form, status| {
                edit(&state, &actor, group.page_id, form, status)
            })
            .await
        }
    }
}

pub async fn post_group_delete(
    state: web::Data<AppState>,
    Editor(_): Editor,
    id: web::Path<String>,
    _f: CsrfForm<super::NoFields>,
) -> AppResult<HttpResponse> {
    let id = id.into_inner();
    let page_id = state
        .store
        .run(move |s| {
            let g = s.get_group(&id)?;
            s.delete_group(&id)?;
            Ok(g.page_id)
        })
        .await?;
    Ok(done(&format!("/admin/pages/{page_id}"), "Group deleted."))
}
