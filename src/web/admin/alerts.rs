//! `/admin/alerts`: per source the URL, a snippet, secret URLs (owners) and a test alert
//! sent through the source's own adapter and the writer; `/admin/alerts/events`: history.

use super::{NavData, done, failed, form_error, html, ok};
use crate::alerts::{self, sample};
use crate::domain::inbound::AlertSource;
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use crate::views::admin::FormState;
use crate::views::admin::alerts::{self as views, EventFilter, outcome_words};
use crate::views::admin::confirm::{Confirm, confirm};
use crate::web::auth::{Actor, CsrfForm, Editor, Owner, Viewer};
use actix_web::{HttpResponse, http::StatusCode, web};
use serde::Deserialize;

fn source_of(s: &str) -> AppResult<AlertSource> {
    s.parse()
        .map_err(|_| AppError::NotFound(format!("alert source {s:?}")))
}

pub async fn get_alerts(
    state: web::Data<AppState>,
    Viewer(actor): Viewer,
) -> AppResult<HttpResponse> {
    let (secrets, filtered) = state
        .store
        .run(|s| {
            let filtered = s
                .list_tracked_alerts()?
                .iter()
                .filter(|t| t.state == crate::domain::alert_lifecycle::TrackState::Filtered)
                .count();
            Ok((s.list_alert_secrets()?, filtered))
        })
        .await?;
    let nav = NavData::new(&actor, "/admin/alerts");
    Ok(ok(views::index(
        &nav.nav(),
        &state.config.public_url,
        &secrets,
        filtered,
    )))
}

async fn source_page(
    state: &AppState,
    actor: &Actor,
    source: AlertSource,
    new_url: Option<&str>,
    form: FormState,
    status: StatusCode,
) -> AppResult<HttpResponse> {
    let secrets = state.store.run(|s| s.list_alert_secrets()).await?;
    let nav = NavData::new(actor, "/admin/alerts");
    Ok(html(
        status,
        views::source(
            &nav.nav(),
            source,
            &state.config.public_url,
            &secrets,
            new_url,
            &form,
        ),
    ))
}

pub async fn get_source(
    state: web::Data<AppState>,
    Viewer(actor): Viewer,
    source: web::Path<String>,
) -> AppResult<HttpResponse> {
    let source = source_of(&source)?;
    source_page(
        &state,
        &actor,
        source,
        None,
        FormState::default(),
        StatusCode::OK,
    )
    .await
}

#[derive(Deserialize)]
pub struct SecretForm {
    name: String,
}

pub async fn post_secret(
    state: web::Data<AppState>,
    Owner(actor): Owner,
    source: web::Path<String>,
    form: CsrfForm<SecretForm>,
) -> AppResult<HttpResponse> {
    let source = source_of(&source)?;
    let (name, by) = (form.data.name.clone(), actor.name());
    match state
        .store
        .run(move |s| s.create_alert_secret(&name, source, &by))
        .await
    {
        Ok(n) => {
            let url = format!(
                "{}/api/v1/alerts/{}/{}",
                state.config.public_url,
                source.as_str(),
                n.token
            );
            tracing::info!(by = %actor.name(), name = %n.secret.name, "alert secret URL created");
            let notice = FormState::notice(format!("Secret URL “{}” created.", n.secret.name));
            source_page(
                &state,
                &actor,
                source,
                Some(&url),
                notice,
                StatusCode::CREATED,
            )
            .await
        }
        Err(e) => {
            form_error(e, &form.pairs, |f, s| {
                source_page(&state, &actor, source, None, f, s)
            })
            .await
        }
    }
}

pub async fn get_secret_revoke(
    state: web::Data<AppState>,
    Owner(actor): Owner,
    id: web::Path<String>,
) -> AppResult<HttpResponse> {
    let id = id.into_inner();
    let s = state
        .store
        .run(move |s| {
            s.list_alert_secrets()?
                .into_iter()
                .find(|x| x.id == id)
                .ok_or_else(|| AppError::NotFound(format!("alert source URL {id}")))
        })
        .await?;
    let nav = NavData::new(&actor, "/admin/alerts");
    Ok(ok(confirm(
        &nav.nav(),
        &Confirm {
            title: format!("Revoke secret URL “{}”?", s.name),
            consequences: vec![
                format!("{} posting to it get 401 from now on.", s.source.label()),
                "This cannot be undone; create a new one if needed.".into(),
            ],
            action: format!("/admin/alerts/secrets/{}/revoke", s.id),
            button: "Revoke secret URL".into(),
            cancel: format!("/admin/alerts/sources/{}", s.source.as_str()),
        },
    )))
}

pub async fn post_secret_revoke(
    state: web::Data<AppState>,
    Owner(actor): Owner,
    id: web::Path<String>,
    _f: CsrfForm<super::NoFields>,
) -> AppResult<HttpResponse> {
    let id = id.into_inner();
    let source = state
        .store
        .run(move |s| {
            let found = s.list_alert_secrets()?.into_iter().find(|x| x.id == id);
            s.revoke_alert_secret(&id)?;
            Ok(found.map(|x| x.source))
        })
        .await?;
    tracing::info!(by = %actor.name(), "alert secret URL revoked");
    let back = source.map_or("/admin/alerts".to_string(), |s| {
        format!("/admin/alerts/sources/{}", s.as_str())
    });
    Ok(done(
        &back,
        "Secret URL revoked; tools using it now get 401.",
    ))
}

/// Posts a sample alert of this source through its adapter and the writer.
pub async fn post_test(
    state: web::Data<AppState>,
    Editor(actor): Editor,
    source: web::Path<String>,
    _f: CsrfForm<super::NoFields>,
) -> AppResult<HttpResponse> {
    let source = source_of(&source)?;
    let via = format!("test from the admin ({})", actor.name());
    let back = format!("/admin/alerts/sources/{}", source.as_str());
    let received = state
        .store
        .run(move |s| {
            let Some(c) = s.list_components()?.into_iter().next() else {
                return Ok(None);
            };
            let stamp = s.now().timestamp_millis().to_string();
            let body = sample::firing(source, &c.id, &stamp).to_string();
            let mut out = Vec::new();
            for a in alerts::parse(source, body.as_bytes())? {
                out.push(s.receive_test_alert(&a, &body, &via)?);
            }
            Ok(Some(out))
        })
        .await?;
    let Some(received) = received else {
        return Ok(failed(
            &back,
            "No test alert sent: create a component first; a test alert names one.",
        ));
    };
    let Some(r) = received.first() else {
        return Ok(failed(&back, "The sample body held no alert."));
    };
    tracing::info!(by = %actor.name(), source = source.as_str(), outcome = %r.outcome, "test alert sent");
    Ok(match (&r.incident_id, r.outcome.as_str()) {
        (Some(id), "drafted") => done(
            &format!("/admin/drafts/{id}"),
            "Test alert received: a draft opened (this one). Discard it when you have seen enough.",
        ),
        (_, "unmatched") => failed(
            &format!("/admin/alert-rules?from={}#new-rule", r.event_id),
            &format!(
                "Test alert received but unmatched: no rule routes {} alerts yet. Make one here.",
                source.label()
            ),
        ),
        (_, o) => done(
            &back,
            &format!("Test alert received: {}.", outcome_words(o)),
        ),
    })
}

#[derive(Deserialize)]
pub struct EventsQuery {
    #[serde(default)]
    source: String,
    #[serde(default)]
    outcome: String,
}

pub async fn get_events(
    state: web::Data<AppState>,
    Viewer(actor): Viewer,
    q: web::Query<EventsQuery>,
) -> AppResult<HttpResponse> {
    let q = q.into_inner();
    let (events, tracked, discarded, rules) = state
        .store
        .run(|s| {
            Ok((
                s.list_alert_events()?,
                s.list_tracked_alerts()?,
                s.list_discarded_drafts()?,
                s.list_alert_rules()?,
            ))
        })
        .await?;
    let shown: Vec<_> = events
        .iter()
        .filter(|e| q.source.is_empty() || e.source.as_str() == q.source)
        .filter(|e| q.outcome.is_empty() || e.outcome == q.outcome)
        .take(500)
        .collect();
    let nav = NavData::new(&actor, "/admin/alerts/events");
    let f = EventFilter {
        source: q.source,
        outcome: q.outcome,
    };
    Ok(ok(views::events(
        &nav.nav(),
        &shown,
        &tracked,
        &discarded,
        &rules,
        &f,
    )))
}
