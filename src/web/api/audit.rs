//! `/api/v1/audit`: the audit log, newest first, for owners.

use super::json;
use super::responses::ListErrors;
use crate::domain::audit::{AuditEntry, AuditFilter, parse_time};
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use crate::store::Paged;
use crate::web::auth::Owner;
use actix_web::{HttpResponse, web};
use serde::Deserialize;

/// The filters, shared by the API and `/admin/audit`; empty values are no filter.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuditQuery {
    /// Actor: a user or key id, or part of an email / key name.
    #[serde(default)]
    pub actor: Option<String>,
    /// Action prefix: `incident.` or `user.role`.
    #[serde(default)]
    pub action: Option<String>,
    /// Object id, or object kind (`incident`).
    #[serde(default)]
    pub object: Option<String>,
    /// At or after this time (RFC 3339, or a day `2026-11-30`).
    #[serde(default)]
    pub since: Option<String>,
    /// Before this time (RFC 3339, or a day).
    #[serde(default)]
    pub until: Option<String>,
    /// Entries per page (default 100; 1 to 500).
    #[serde(default)]
    pub limit: Option<String>,
    /// The `next_cursor` of the previous page.
    #[serde(default)]
    pub cursor: Option<String>,
}

fn given(v: &Option<String>) -> Option<String> {
    v.as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

impl AuditQuery {
    /// The filter, or a 400 naming the field that does not parse.
    pub fn filter(&self) -> AppResult<AuditFilter> {
        let time = |field: &str, v: &Option<String>| {
            given(v)
                .map(|s| parse_time(&s).map_err(|m| AppError::invalid(field, m)))
                .transpose()
        };
        Ok(AuditFilter {
            actor: given(&self.actor),
            action: given(&self.action),
            object: given(&self.object),
            since: time("since", &self.since)?,
            until: time("until", &self.until)?,
        })
    }

    pub fn limit(&self) -> AppResult<usize> {
        match given(&self.limit) {
            None => Ok(100),
            Some(s) => s
                .parse::<usize>()
                .ok()
                .filter(|n| (1..=500).contains(n))
                .ok_or_else(|| AppError::invalid("limit", "must be a number from 1 to 500")),
        }
    }

    pub fn cursor(&self) -> Option<String> {
        given(&self.cursor)
    }
}

/// Lists audit entries, newest first.
#[utoipa::path(
    get, path = "/api/v1/audit", tag = "audit", params(AuditQuery),
    responses((status = 200, description = "A page of audit entries, newest first", body = Paged<AuditEntry>), ListErrors),
)]
pub async fn list_audit(
    state: web::Data<AppState>,
    _: Owner,
    q: web::Query<AuditQuery>,
) -> AppResult<HttpResponse> {
    let (filter, limit, cursor) = (q.filter()?, q.limit()?, q.cursor());
    let page = state
        .store
        .run(move |s| s.list_audit(&filter, cursor.as_deref(), limit))
        .await?;
    Ok(json(&page))
}
