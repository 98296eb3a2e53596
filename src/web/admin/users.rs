//! Users: owners invite, add, re-role, disable and remove people; everyone can see the list.

use super::{NavData, done, form_error, html};
use crate::domain::team::INVITE_HOURS;
use crate::domain::{Role, validate};
use crate::error::{AppError, AppResult};
use crate::secret;
use crate::state::AppState;
use crate::views::admin::FormState;
use crate::views::admin::users as views;
use crate::web::auth::{Actor, CsrfForm, Owner, Viewer};
use actix_web::{HttpRequest, HttpResponse, http::StatusCode, web};
use serde::Deserialize;

async fn list(
    state: &AppState,
    actor: &Actor,
    form: FormState,
    status: StatusCode,
) -> AppResult<HttpResponse> {
    let (users, invites) = state
        .store
        .run(|s| Ok((s.list_users()?, s.list_invites()?)))
        .await?;
    let nav = NavData::new(actor, "/admin/users");
    Ok(html(
        status,
        views::users(&nav.nav(), &users, &invites, &form),
    ))
}

pub async fn get_users(
    state: web::Data<AppState>,
    Viewer(actor): Viewer,
) -> AppResult<HttpResponse> {
    list(&state, &actor, FormState::default(), StatusCode::OK).await
}

fn parse_role(s: &str) -> AppResult<Role> {
    s.parse().map_err(|m: String| AppError::invalid("role", m))
}

#[derive(Deserialize)]
pub struct UserForm {
    email: String,
    password: String,
    role: String,
}

pub async fn post_user(
    state: web::Data<AppState>,
    Owner(actor): Owner,
    form: CsrfForm<UserForm>,
) -> AppResult<HttpResponse> {
    let f = &form.data;
    let (email, password, role) = (f.email.clone(), f.password.clone(), f.role.clone());
    let result = state
        .store
        .run(move |s| {
            let role = parse_role(&role)?;
            validate::password(&password, &email).map_err(|m| AppError::invalid("password", m))?;
            s.create_user(&email, secret::hash_password(&password)?, role, false)
        })
        .await;
    match result {
        Ok(u) => {
            tracing::info!(by = %actor.name(), user = %u.email, role = %u.role, "user added");
            Ok(done("/admin/users", &format!("User {} added.", u.email)))
        }
        Err(e) => {
            form_error(e, &form.pairs, |form, status| {
                list(&state, &actor, form, status)
            })
            .await
        }
    }
}

#[derive(Deserialize)]
pub struct RoleForm {
    role: String,
}

pub async fn post_user_role(
    req: HttpRequest,
    state: web::Data<AppState>,
    Owner(actor): Owner,
    id: web::Path<String>,
    form: CsrfForm<RoleForm>,
) -> AppResult<HttpResponse> {
    let (id, role) = (id.into_inner(), form.data.role.clone());
    match state
        .store
        .run(move |s| {
            let before = s.get_user(&id)?.role;
            Ok((before, s.set_user_role(&id, parse_role(&role)?)?))
        })
        .await
    {
        Ok((before, u)) => {
            crate::web::audit::note(&req, format!("{}: role {before} → {}", u.email, u.role));
            Ok(done(
                "/admin/users",
                &format!("{} is now {}.", u.email, u.role),
            ))
        }
        Err(e) => form_error(e, &[], |form, status| list(&state, &actor, form, status)).await,
    }
}

pub async fn post_user_delete(
    state: web::Data<AppState>,
    Owner(actor): Owner,
    id: web::Path<String>,
    _f: CsrfForm<super::NoFields>,
) -> AppResult<HttpResponse> {
    let id = id.into_inner();
    match state.store.run(move |s| s.delete_user(&id)).await {
        Ok(()) => Ok(done("/admin/users", "User removed.")),
        Err(e) => form_error(e, &[], |form, status| list(&state, &actor, form, status)).await,
    }
}

pub async fn post_user_disable(
    state: web::Data<AppState>,
    Owner(actor): Owner,
    id: web::Path<String>,
    _f: CsrfForm<super::NoFields>,
) -> AppResult<HttpResponse> {
    let id = id.into_inner();
    match state
        .store
        .run(move |s| s.set_user_disabled(&id, true))
        .await
    {
        Ok(u) => {
            tracing::info!(by = %actor.name(), user = %u.email, "user disabled");
            Ok(done(
                "/admin/users",
                &format!(
                    "{} is disabled; their sessions and API keys stopped working.",
                    u.email
                ),
            ))
        }
        Err(e) => form_error(e, &[], |form, status| list(&state, &actor, form, status)).await,
    }
}

pub async fn post_user_enable(
    state: web::Data<AppState>,
    Owner(actor): Owner,
    id: web::Path<String>,
    _f: CsrfForm<super::NoFields>,
) -> AppResult<HttpResponse> {
    let id = id.into_inner();
    let u = state
        .store
        .run(move |s| s.set_user_disabled(&id, false))
        .await?;
    tracing::info!(by = %actor.name(), user = %u.email, "user enabled");
    Ok(done(
        "/admin/users",
        &format!("{} can sign in again.", u.email),
    ))
}

#[derive(Deserialize)]
pub struct InviteForm {
    email: String,
    role: String,
}

/// Mails an invitation link for a token just stored.
fn mail_invite(
    state: &AppState,
    invite: &crate::domain::team::Invite,
    token: &str,
) -> AppResult<()> {
    let settings = crate::notify::Settings::from_config(&state.config)?;
    let url = format!("{}/admin/invite/{token}", settings.public_url);
    let mail = crate::notify::access_mail::invite_mail(
        &invite.email,
        &invite.invited_by,
        invite.role.as_str(),
        &url,
        INVITE_HOURS,
        &settings,
    );
    crate::notify::access_mail::send_in_background(mail, "invite", &settings);
    Ok(())
}

pub async fn post_invite(
    state: web::Data<AppState>,
    Owner(actor): Owner,
    form: CsrfForm<InviteForm>,
) -> AppResult<HttpResponse> {
    let (email, role, by) = (
        form.data.email.clone(),
        form.data.role.clone(),
        actor.name(),
    );
    let token = secret::random_token();
    let hash = secret::sha256_hex(&token);
    let result = state
        .store
        .run(move |s| s.create_invite(&hash, &email, parse_role(&role)?, &by))
        .await;
    match result {
        Ok(invite) => {
            mail_invite(&state, &invite, &token)?;
            tracing::info!(by = %actor.name(), email = %invite.email, role = %invite.role, "invitation sent");
            Ok(done(
                "/admin/users",
                &format!("Invitation sent to {}.", invite.email),
            ))
        }
        Err(e) => {
            form_error(e, &form.pairs, |form, status| {
                list(&state, &actor, form, status)
            })
            .await
        }
    }
}

pub async fn post_invite_resend(
    state: web::Data<AppState>,
    Owner(_actor): Owner,
    id: web::Path<String>,
    _f: CsrfForm<super::NoFields>,
) -> AppResult<HttpResponse> {
    let id = id.into_inner();
    let token = secret::random_token();
    let hash = secret::sha256_hex(&token);
    let invite = state
        .store
        .run(move |s| s.resend_invite(&id, &hash))
        .await?;
    mail_invite(&state, &invite, &token)?;
    Ok(done(
        "/admin/users",
        &format!(
            "Invitation sent to {} again; the earlier link no longer works.",
            invite.email
        ),
    ))
}

pub async fn post_invite_revoke(
    state: web::Data<AppState>,
    Owner(actor): Owner,
    id: web::Path<String>,
    _f: CsrfForm<super::NoFields>,
) -> AppResult<HttpResponse> {
    let id = id.into_inner();
    let invite = state.store.run(move |s| s.revoke_invite(&id)).await?;
    tracing::info!(by = %actor.name(), email = %invite.email, "invitation revoked");
    Ok(done(
        "/admin/users",
        &format!("Invitation to {} revoked.", invite.email),
    ))
}
