//! Checks of client input that incidents, maintenance and templates share: texts,
//! titles, the page a change belongs to and the components it names.

use super::{get, tables};
use crate::domain::{Component, Page, validate};
use crate::error::{AppError, AppResult};
use redb::{ReadableTable, WriteTransaction};

pub(super) fn not_found(what: &str, id: &str) -> AppError {
    AppError::NotFound(format!("{what} {id}"))
}

pub(super) fn resolve_page_in(txn: &WriteTransaction, key: Option<&str>) -> AppResult<String> {
    let slugs = txn.open_table(tables::PAGE_SLUGS)?;
    let key = key
        .map(str::trim)
        .filter(|k| !k.is_empty())
        .unwrap_or("default");
    if let Some(id) = slugs.get(key)?.map(|v| v.value().to_string()) {
        return Ok(id);
    }
    if get::<Page, _>(&txn.open_table(tables::PAGES)?, key)?.is_some() {
        return Ok(key.to_string());
    }
    Err(AppError::UnknownIds {
        field: "status_page_id".into(),
        message: format!("unknown page: {key}"),
    })
}

/// Checks component ids exist; all unknown ones are listed in one 422.
pub(super) fn check_components(
    txn: &WriteTransaction,
    field: &str,
    ids: &[String],
) -> AppResult<()> {
    let comps = txn.open_table(tables::COMPONENTS)?;
    let mut unknown = Vec::new();
    for id in ids {
        if get::<Component, _>(&comps, id)?.is_none() {
            unknown.push(id.clone());
        }
    }
    if unknown.is_empty() {
        Ok(())
    } else {
        Err(AppError::UnknownIds {
            field: field.into(),
            message: format!("unknown component ids: {}", unknown.join(", ")),
        })
    }
}

pub(super) fn message_text(message: &str, field: &str) -> AppResult<String> {
    validate::text(message, 20_000).map_err(|m| AppError::invalid(field, m))
}

pub(super) fn title_text(title: &str) -> AppResult<String> {
    validate::name(title, 200).map_err(|m| AppError::invalid("title", m))
}
