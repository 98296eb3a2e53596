//! API keys: owners create (token shown once) and revoke; everyone sees the list.

use super::{NavData, done, form_error, html};
use crate::domain::Role;
use crate::error::{AppError, AppResult};
use crate::secret;
use crate::state::AppState;
use crate::views::admin::FormState;
use crate::views::admin::keys as views;
use crate::web::auth::{Actor, CsrfForm, Owner, Viewer};
use actix_web::{HttpResponse, http::StatusCode, web};
use serde::Deserialize;

async fn list(
    state: &AppState,
    actor: &Actor,
    token: Option<&str>,
    form: FormState,
    status: StatusCode,
) -> AppResult<HttpResponse> {
    let keys = state.store.run(|s| s.list_keys()).await?;
    let nav = NavData::new(actor, "/admin/keys");
    Ok(html(status, views::keys(&nav.nav(), &keys, token, &form)))
}

pub async fn get_keys(
    state: web::Data<AppState>,
    Viewer(actor): Viewer,
) -> AppResult<HttpResponse> {
    list(&state, &actor, None, FormState::default(), StatusCode::OK).await
}

#[derive(Deserialize)]
pub struct KeyForm {
    name: String,
    role: String,
}

pub async fn post_key(
    state: web::Data<AppState>,
    Owner(actor): Owner,
    form: CsrfForm<KeyForm>,
) -> AppResult<HttpResponse> {
    let (name, role, by) = (form.data.name.clone(), form.data.role.clone(), actor.name());
    let (token, hash, prefix) = secret::new_api_token();
    let result = state
        .store
        .run(move |s| {
            let role: Role = role
                .parse()
                .map_err(|m: String| AppError::invalid("role", m))?;
            s.create_key(&name, role, hash, prefix, Some(by))
        })
        .await;
    match result {
        Ok(k) => {
            tracing::info!(by = %actor.name(), key = %k.name, role = %k.role, "API key created");
            list(
                &state,
                &actor,
                Some(&token),
                FormState::default(),
                StatusCode::CREATED,
            )
            .await
        }
        Err(e) => {
            form_error(e, &form.pairs, |form, status| {
                list(&state, &actor, None, form, status)
            })
            .await
        }
    }
}

pub async fn post_key_revoke(
    state: web::Data<AppState>,
    Owner(actor): Owner,
    id: web::Path<String>,
    _f: CsrfForm<super::NoFields>,
) -> AppResult<HttpResponse> {
    let id = id.into_inner();
    let k = state.store.run(move |s| s.revoke_key(&id)).await?;
    tracing::info!(by = %actor.name(), key = %k.name, "API key revoked");
    Ok(done(
        "/admin/keys",
        &format!("API key “{}” revoked.", k.name),
    ))
}
