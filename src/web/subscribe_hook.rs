//! Webhook and Slack sign-ups by anonymous visitors (`POST /subscribe/webhook`,
//! `/p/{slug}/subscribe/webhook`): the URL must be on the public internet (checked
//! after DNS here and again at every send), and the subscription starts only when the
//! endpoint answers a signed test delivery with 2xx.

use super::subscribe::{
    chosen, field, form_pairs, no_page, page_doc, render_forms, subscribable_page,
};
use crate::error::{AppError, AppResult};
use crate::notify::{Settings, outbox::send_test, webhook};
use crate::state::AppState;
use crate::store::{NewSubscriber, SubscribeSource, SubscriberPatch};
use crate::views::subscribe::{HookForm, hook_active};
use crate::web::auth::client_ip;
use actix_web::{HttpRequest, HttpResponse, http::StatusCode, web};

async fn sign_up(
    state: &AppState,
    req: &HttpRequest,
    slug: Option<String>,
    body: &[u8],
) -> AppResult<HttpResponse> {
    let Some(parts) = subscribable_page(state, req, slug).await? else {
        return Ok(no_page());
    };
    let pairs = form_pairs(req, body)?;
    let kind = field(&pairs, "kind").trim().to_string();
    let url = field(&pairs, "url").trim().to_string();
    let comps = chosen(&pairs);
    let refuse = |status: StatusCode, message: &str| {
        let hook = HookForm {
            kind: &kind,
            url: &url,
            error: Some(message),
        };
        Ok(page_doc(
            status,
            &parts.page,
            render_forms(&parts, None, "", &comps, hook),
        ))
    };
    if !field(&pairs, "website").is_empty() {
        return refuse(StatusCode::BAD_REQUEST, "This form is for people.");
    }
    if !matches!(kind.as_str(), "webhook" | "slack") {
        return refuse(StatusCode::BAD_REQUEST, "Kind: choose Webhook or Slack.");
    }
    if !(url.starts_with("https://") || url.starts_with("http://")) {
        return refuse(
            StatusCode::BAD_REQUEST,
            "Endpoint URL: it must start with https:// or http://.",
        );
    }
    let ip = client_ip(req, &state.config.trusted_proxies);
    if state.subscribe_limits.check(ip, &url).is_err() {
        return refuse(
            StatusCode::TOO_MANY_REQUESTS,
            "Too many sign-ups from here or for this endpoint; try again in an hour.",
        );
    }
    if !state.config.allow_private_webhook_targets {
        let u = url.clone();
        let checked = web::block(move || webhook::check_public_url(&u))
            .await
            .map_err(|e| AppError::Internal(format!("address check: {e}")))?;
        if let Err(m) = checked {
            return refuse(StatusCode::BAD_REQUEST, &format!("Endpoint URL: {m}."));
        }
    }
    let input = NewSubscriber {
        page: Some(parts.page.id.clone()),
        kind: Some(kind.clone()),
        url: Some(url.clone()),
        component_ids: comps.clone(),
        ..Default::default()
    };
    let sub = match state
        .store
        .run(move |s| s.subscribe(input, SubscribeSource::Form))
        .await
    {
        Ok(out) => out.subscriber,
        Err(e @ (AppError::Invalid { .. } | AppError::UnknownIds { .. })) => {
            return refuse(StatusCode::BAD_REQUEST, &e.words());
        }
        Err(e) => return Err(e),
    };
    if sub.confirmed {
        return refuse(
            StatusCode::CONFLICT,
            "This endpoint is already subscribed to this page.",
        );
    }
    let settings = Settings::from_config(&state.config)?;
    if let Err(why) = send_test(&sub, &settings).await {
        // Nothing is kept for an endpoint that did not answer: sending again starts over.
        let id = sub.id.clone();
        state.store.run(move |s| s.delete_subscriber(&id)).await?;
        return refuse(
            StatusCode::BAD_REQUEST,
            &format!(
                "Endpoint URL: the signed test delivery failed ({why}); the endpoint must answer it with a 2xx status."
            ),
        );
    }
    let id = sub.id.clone();
    let patch = SubscriberPatch {
        confirmed: Some(true),
        ..Default::default()
    };
    let sub = state
        .store
        .run(move |s| s.patch_subscriber(&id, patch))
        .await?;
    tracing::info!(subscriber = %sub.id, kind = %kind, "endpoint subscribed after its test delivery");
    Ok(page_doc(
        StatusCode::OK,
        &parts.page,
        hook_active(
            &parts.page,
            &url,
            sub.secret.as_deref().filter(|_| kind == "webhook"),
            &sub.token,
        ),
    ))
}

/// `POST /subscribe/webhook`.
pub async fn post_subscribe_hook(
    req: HttpRequest,
    state: web::Data<AppState>,
    body: web::Bytes,
) -> AppResult<HttpResponse> {
    sign_up(&state, &req, None, &body).await
}

/// `POST /p/{slug}/subscribe/webhook`.
pub async fn post_page_subscribe_hook(
    req: HttpRequest,
    state: web::Data<AppState>,
    slug: web::Path<String>,
    body: web::Bytes,
) -> AppResult<HttpResponse> {
    sign_up(&state, &req, Some(slug.into_inner()), &body).await
}
