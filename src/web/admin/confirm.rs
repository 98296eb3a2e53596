//! The GET half of every destructive admin action: a page that says what will happen
//! and posts to the action itself (the POST routes stay where they were).

use super::{NavData, ok};
use crate::domain::{Incident, IncidentState};
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use crate::views::admin::confirm::{Confirm, confirm};
use crate::views::admin::managed::warning_text;
use crate::web::auth::{Actor, Editor, Owner};
use actix_web::{HttpResponse, web};

pub(super) fn page(actor: &Actor, active: &'static str, c: Confirm) -> HttpResponse {
    let nav = NavData::new(actor, active);
    ok(confirm(&nav.nav(), &c))
}

/// Consequences, led by the managed-by-config warning when a file manages the object.
fn managed(managed: bool, kind: &str, mut lines: Vec<String>) -> Vec<String> {
    if managed {
        lines.insert(0, warning_text(kind));
    }
    lines
}

fn lines(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| s.to_string()).collect()
}

pub async fn get_component_delete(
    state: web::Data<AppState>,
    Editor(actor): Editor,
    id: web::Path<String>,
) -> AppResult<HttpResponse> {
    let c = state.store.run(move |s| s.get_component(&id)).await?;
    Ok(page(
        &actor,
        "/admin/components",
        Confirm {
            title: format!("Delete component “{}”?", c.name),
            consequences: managed(
                c.managed_by_config,
                "component",
                lines(&[
                    "It disappears from every page that shows it, with its uptime bars.",
                    "This cannot be undone.",
                ]),
            ),
            action: format!("/admin/components/{}/delete", c.id),
            button: "Delete component".into(),
            cancel: format!("/admin/components/{}", c.id),
        },
    ))
}

pub async fn get_page_delete(
    state: web::Data<AppState>,
    Editor(actor): Editor,
    id: web::Path<String>,
) -> AppResult<HttpResponse> {
    let p = state.store.run(move |s| s.get_page(&id)).await?;
    Ok(page(
        &actor,
        "/admin/pages",
        Confirm {
            title: format!("Delete page “{}”?", p.title),
            consequences: managed(
                p.managed_by_config,
                "page",
                vec![
                    format!(
                        "The page at /p/{} stops answering, with its groups.",
                        p.slug
                    ),
                    "This cannot be undone.".into(),
                ],
            ),
            action: format!("/admin/pages/{}/delete", p.id),
            button: "Delete page".into(),
            cancel: format!("/admin/pages/{}", p.id),
        },
    ))
}

pub async fn get_page_logo_remove(
    state: web::Data<AppState>,
    Editor(actor): Editor,
    id: web::Path<String>,
) -> AppResult<HttpResponse> {
    let p = state.store.run(move |s| s.get_page(&id)).await?;
    Ok(page(
        &actor,
        "/admin/pages",
        Confirm {
            title: format!("Remove the logo of “{}”?", p.title),
            consequences: lines(&[
                "The page header shows the title alone.",
                "To show a logo again, upload it again.",
            ]),
            action: format!("/admin/pages/{}/logo/remove", p.id),
            button: "Remove logo".into(),
            cancel: format!("/admin/pages/{}", p.id),
        },
    ))
}

pub async fn get_group_delete(
    state: web::Data<AppState>,
    Editor(actor): Editor,
    id: web::Path<String>,
) -> AppResult<HttpResponse> {
    let g = state.store.run(move |s| s.get_group(&id)).await?;
    Ok(page(
        &actor,
        "/admin/pages",
        Confirm {
            title: format!("Delete group “{}”?", g.name),
            consequences: managed(
                g.managed_by_config,
                "group",
                lines(&["Its components stay and show without a group."]),
            ),
            action: format!("/admin/groups/{}/delete", g.id),
            button: "Delete group".into(),
            cancel: format!("/admin/pages/{}", g.page_id),
        },
    ))
}

pub async fn get_user_delete(
    state: web::Data<AppState>,
    Owner(actor): Owner,
    id: web::Path<String>,
) -> AppResult<HttpResponse> {
    let u = state.store.run(move |s| s.get_user(&id)).await?;
    Ok(page(
        &actor,
        "/admin/users",
        Confirm {
            title: format!("Remove {}?", u.email),
            consequences: lines(&["They can no longer sign in."]),
            action: format!("/admin/users/{}/delete", u.id),
            button: "Remove user".into(),
            cancel: "/admin/users".into(),
        },
    ))
}

pub async fn get_user_disable(
    state: web::Data<AppState>,
    Owner(actor): Owner,
    id: web::Path<String>,
) -> AppResult<HttpResponse> {
    let u = state.store.run(move |s| s.get_user(&id)).await?;
    Ok(page(
        &actor,
        "/admin/users",
        Confirm {
            title: format!("Disable {}?", u.email),
            consequences: lines(&[
                "They can no longer sign in, with a password or SSO.",
                "Their open sessions end now, and API keys they created stop working.",
                "You can enable the account again later.",
            ]),
            action: format!("/admin/users/{}/disable", u.id),
            button: "Disable user".into(),
            cancel: "/admin/users".into(),
        },
    ))
}

pub async fn get_invite_revoke(
    state: web::Data<AppState>,
    Owner(actor): Owner,
    id: web::Path<String>,
) -> AppResult<HttpResponse> {
    let i = state.store.run(move |s| s.get_invite(&id)).await?;
    Ok(page(
        &actor,
        "/admin/users",
        Confirm {
            title: format!("Revoke the invitation to {}?", i.email),
            consequences: lines(&["The link in their mail stops working; no account is created."]),
            action: format!("/admin/invites/{}/revoke", i.id),
            button: "Revoke invitation".into(),
            cancel: "/admin/users".into(),
        },
    ))
}

pub async fn get_key_revoke(
    state: web::Data<AppState>,
    Owner(actor): Owner,
    id: web::Path<String>,
) -> AppResult<HttpResponse> {
    let key_id = id.clone();
    let k = state
        .store
        .run(move |s| s.list_keys())
        .await?
        .into_iter()
        .find(|k| k.id == key_id)
        .ok_or_else(|| AppError::NotFound(format!("API key {id}")))?;
    Ok(page(
        &actor,
        "/admin/keys",
        Confirm {
            title: format!("Revoke API key “{}”?", k.name),
            consequences: lines(&[
                "Scripts and integrations using this token are refused from now on.",
                "This cannot be undone; create a new key to replace it.",
            ]),
            action: format!("/admin/keys/{}/revoke", k.id),
            button: "Revoke key".into(),
            cancel: "/admin/keys".into(),
        },
    ))
}

pub async fn get_subscriber_delete(
    state: web::Data<AppState>,
    Editor(actor): Editor,
    id: web::Path<String>,
) -> AppResult<HttpResponse> {
    let sub = state.store.run(move |s| s.get_subscriber(&id)).await?;
    Ok(page(
        &actor,
        "/admin/subscribers",
        Confirm {
            title: format!("Remove subscriber {}?", sub.address()),
            consequences: managed(
                sub.managed_by_config,
                "subscriber",
                lines(&["They get no more notices; notices waiting in the outbox are cancelled."]),
            ),
            action: format!("/admin/subscribers/{}/delete", sub.id),
            button: "Remove subscriber".into(),
            cancel: "/admin/subscribers".into(),
        },
    ))
}

pub async fn get_discard(
    state: web::Data<AppState>,
    Editor(actor): Editor,
    id: web::Path<String>,
) -> AppResult<HttpResponse> {
    let i = state.store.run(move |s| s.get_incident(&id)).await?;
    Ok(discard_page(&actor, &i))
}

fn discard_page(actor: &Actor, i: &Incident) -> HttpResponse {
    page(
        actor,
        "/admin/incidents",
        Confirm {
            title: format!("Discard draft “{}”?", i.title),
            consequences: lines(&["The draft was never public; nobody is notified."]),
            action: format!("/admin/incidents/{}/discard", i.id),
            button: "Discard draft".into(),
            cancel: format!("/admin/incidents/{}", i.id),
        },
    )
}

pub async fn get_incident_delete(
    state: web::Data<AppState>,
    Owner(actor): Owner,
    id: web::Path<String>,
) -> AppResult<HttpResponse> {
    let i = state.store.run(move |s| s.get_incident(&id)).await?;
    if i.state == IncidentState::Draft {
        return Ok(discard_page(&actor, &i));
    }
    Ok(page(
        &actor,
        "/admin/incidents",
        Confirm {
            title: format!("Delete incident “{}”?", i.title),
            consequences: lines(&[
                "It leaves the public history, the feeds and the v2 API (Statuspage-compatible JSON).",
                "Subscribers are not notified. Components it still holds return to what else holds them.",
                "This cannot be undone.",
            ]),
            action: format!("/admin/incidents/{}/delete", i.id),
            button: "Delete incident".into(),
            cancel: format!("/admin/incidents/{}", i.id),
        },
    ))
}

pub async fn get_update_delete(
    state: web::Data<AppState>,
    Editor(actor): Editor,
    path: web::Path<(String, String)>,
) -> AppResult<HttpResponse> {
    let (id, uid) = path.into_inner();
    let i = state.store.run(move |s| s.get_incident(&id)).await?;
    if !i.updates.iter().any(|u| u.id == uid) {
        return Err(AppError::NotFound(format!("update {uid}")));
    }
    Ok(page(
        &actor,
        "/admin/incidents",
        Confirm {
            title: format!("Delete this update of “{}”?", i.title),
            consequences: lines(&[
                "It leaves the incident's public timeline. Subscribers already notified are not told.",
            ]),
            action: format!("/admin/incidents/{}/updates/{uid}/delete", i.id),
            button: "Delete update".into(),
            cancel: format!("/admin/incidents/{}", i.id),
        },
    ))
}

pub async fn get_maintenance_delete(
    state: web::Data<AppState>,
    Editor(actor): Editor,
    id: web::Path<String>,
) -> AppResult<HttpResponse> {
    let m = state.store.run(move |s| s.get_maintenance(&id)).await?;
    Ok(page(
        &actor,
        "/admin/maintenance",
        Confirm {
            title: format!("Delete maintenance “{}”?", m.title),
            consequences: lines(&[
                "It leaves the public page and history; components it holds return to what else holds them.",
                "This cannot be undone.",
            ]),
            action: format!("/admin/maintenance/{}/delete", m.id),
            button: "Delete maintenance".into(),
            cancel: format!("/admin/maintenance/{}", m.id),
        },
    ))
}

pub async fn get_template_delete(
    state: web::Data<AppState>,
    Editor(actor): Editor,
    id: web::Path<String>,
) -> AppResult<HttpResponse> {
    let t = state.store.run(move |s| s.get_template(&id)).await?;
    Ok(page(
        &actor,
        "/admin/templates",
        Confirm {
            title: format!("Delete template “{}”?", t.name),
            consequences: managed(
                t.managed_by_config,
                "template",
                lines(&["Incidents written with it keep their text."]),
            ),
            action: format!("/admin/templates/{}/delete", t.id),
            button: "Delete template".into(),
            cancel: "/admin/templates".into(),
        },
    ))
}

pub async fn get_monitor_delete(
    state: web::Data<AppState>,
    Editor(actor): Editor,
    id: web::Path<String>,
) -> AppResult<HttpResponse> {
    let m = state.store.run(move |s| s.get_monitor(&id)).await?;
    Ok(page(
        &actor,
        "/admin/monitors",
        Confirm {
            title: format!("Delete monitor “{}”?", m.name),
            consequences: managed(
                m.managed_by_config,
                "monitor",
                lines(&[
                    "Its checks stop. This cannot be undone; Pause keeps the monitor instead.",
                ]),
            ),
            action: format!("/admin/monitors/{}/delete", m.id),
            button: "Delete monitor".into(),
            cancel: format!("/admin/monitors/{}", m.id),
        },
    ))
}
