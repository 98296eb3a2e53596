//! `/api/v1`: the management API. JSON in and out, `Authorization: Bearer`.

pub mod alerts;
pub mod audit;
pub mod backup;
pub mod components;
pub mod config;
pub mod events;
pub mod groups;
pub mod incidents;
pub mod keys;
pub mod maintenance;
pub mod managed;
pub mod monitors;
pub mod openapi;
pub mod pages;
pub mod postmortems;
pub mod responses;
pub mod subscribers;
pub mod templates;

use crate::store::{Paged, paginate};
use actix_web::HttpResponse;
use serde::{Deserialize, Serialize};

/// `?limit=&cursor=` on every list.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// Items per page (default 100; 1 to 500).
    #[serde(default, deserialize_with = "number_from_query")]
    #[param(minimum = 1, maximum = 500)]
    pub limit: Option<usize>,
    /// The `next_cursor` of the previous page.
    #[serde(default)]
    pub cursor: Option<String>,
}

impl ListQuery {
    /// Pages a list that is ordered by id (ULIDs sort by creation time).
    pub fn page<T>(&self, mut items: Vec<T>, id: impl Fn(&T) -> &str) -> Paged<T> {
        items.sort_by(|a, b| id(a).cmp(id(b)));
        paginate(items, id, self.cursor.as_deref(), self.limit.unwrap_or(100))
    }
}

pub(crate) fn created<T: Serialize>(v: &T) -> HttpResponse {
    HttpResponse::Created().json(v)
}

pub(crate) fn json<T: Serialize>(v: &T) -> HttpResponse {
    HttpResponse::Ok().json(v)
}

/// Reads a number that arrives as text: `#[serde(flatten)]` query structs hand every
/// value over as a string.
fn number_from_query<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<usize>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum NumOrText {
        Num(usize),
        Text(String),
    }
    match Option::<NumOrText>::deserialize(d)? {
        None => Ok(None),
        Some(NumOrText::Num(n)) => Ok(Some(n)),
        Some(NumOrText::Text(t)) if t.is_empty() => Ok(None),
        Some(NumOrText::Text(t)) => t
            .parse()
            .map(Some)
            .map_err(|_| serde::de::Error::custom(format!("limit: {t:?} is not a whole number"))),
    }
}

/// A time from a request body or query, refused (naming `field`) outside the years
/// statusd takes, so that later arithmetic on it cannot overflow.
pub fn moment(
    field: &str,
    t: Option<chrono::DateTime<chrono::Utc>>,
) -> crate::error::AppResult<Option<chrono::DateTime<chrono::Utc>>> {
    t.map(|t| {
        crate::domain::validate::moment(t).map_err(|m| crate::error::AppError::invalid(field, m))
    })
    .transpose()
}
