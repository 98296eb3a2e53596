//! `/admin/audit`: the audit log for owners, with the filters of `GET /api/v1/audit`.

use crate::error::{AppError, AppResult};
use crate::state::AppState;
use crate::views::admin::FormState;
use crate::views::admin::audit as views;
use crate::web::admin::{NavData, html};
use crate::web::api::audit::AuditQuery;
use crate::web::auth::Owner;
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};

pub async fn get_audit(
    state: web::Data<AppState>,
    Owner(actor): Owner,
    q: web::Query<AuditQuery>,
) -> AppResult<HttpResponse> {
    let nav = NavData::new(&actor, "/admin/audit");
    let values = values_of(&q)
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    let parsed = q.filter().and_then(|f| Ok((f, q.limit()?)));
    let (filter, limit) = match parsed {
        Ok(p) => p,
        Err(AppError::Invalid { field, message }) => {
            let form = FormState::field_error(&field, message, values);
            return Ok(html(
                StatusCode::BAD_REQUEST,
                views::audit(&nav.nav(), &[], &form, None),
            ));
        }
        Err(e) => return Err(e),
    };
    let cursor = q.cursor();
    let page = state
        .store
        .run(move |s| s.list_audit(&filter, cursor.as_deref(), limit))
        .await?;
    let next = page.next_cursor.as_deref().map(|c| {
        let mut pairs: Vec<(&str, &str)> = values_of(&q);
        pairs.push(("cursor", c));
        serde_urlencoded::to_string(pairs).unwrap_or_default()
    });
    let form = FormState {
        values,
        ..Default::default()
    };
    Ok(html(
        StatusCode::OK,
        views::audit(&nav.nav(), &page.data, &form, next.as_deref()),
    ))
}

/// The filters given, to carry them into the next page's link.
fn values_of(q: &AuditQuery) -> Vec<(&'static str, &str)> {
    [
        ("actor", &q.actor),
        ("action", &q.action),
        ("object", &q.object),
        ("since", &q.since),
        ("until", &q.until),
        ("limit", &q.limit),
    ]
    .into_iter()
    .filter_map(|(k, v)| v.as_deref().filter(|s| !s.is_empty()).map(|v| (k, v)))
    .collect()
}
