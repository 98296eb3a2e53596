//! Page logos: image bytes in the data file under their hashed name.

use super::{Store, all, get, tables};
use crate::domain::{Page, branding};
use crate::error::{AppError, AppResult};
use redb::WriteTransaction;

impl Store {
    /// Sets a page's logo from an uploaded image (sniffed, size-checked), in one
    /// transaction; the previous logo's bytes go unless another page still shows them.
    pub fn set_page_logo(&self, page_id: &str, bytes: Vec<u8>) -> AppResult<Page> {
        let kind = branding::sniff_logo(&bytes)?;
        let name = branding::logo_name(&bytes, kind);
        let now = self.now();
        self.write(|txn| {
            let mut page = load_page(txn, page_id)?;
            let old = page.logo.replace(name.clone());
            txn.open_table(tables::LOGOS)?
                .insert(name.as_str(), bytes.as_slice())?;
            page.updated_at = now;
            txn.open_table(tables::PAGES)?
                .insert(page.id.as_str(), &page)?;
            drop_unused(txn, old.as_deref().filter(|o| *o != name))?;
            Ok(page)
        })
    }

    /// Removes a page's logo (nothing when it has none).
    pub fn remove_page_logo(&self, page_id: &str) -> AppResult<Page> {
        let now = self.now();
        self.write(|txn| {
            let mut page = load_page(txn, page_id)?;
            let Some(old) = page.logo.take() else {
                return Ok(page);
            };
            page.updated_at = now;
            txn.open_table(tables::PAGES)?
                .insert(page.id.as_str(), &page)?;
            drop_unused(txn, Some(&old))?;
            Ok(page)
        })
    }

    /// The bytes of a logo by its served name.
    pub fn logo(&self, name: &str) -> AppResult<Option<Vec<u8>>> {
        let txn = self.read()?;
        let table = txn.open_table(tables::LOGOS)?;
        Ok(table.get(name)?.map(|v| v.value().to_vec()))
    }
}

fn load_page(txn: &WriteTransaction, id: &str) -> AppResult<Page> {
    get(&txn.open_table(tables::PAGES)?, id)?
        .ok_or_else(|| AppError::NotFound(format!("page {id}")))
}

/// Deletes a logo's bytes when no page shows it any more.
pub(super) fn drop_unused(txn: &WriteTransaction, name: Option<&str>) -> AppResult<()> {
    let Some(name) = name else { return Ok(()) };
    let pages: Vec<Page> = all(&txn.open_table(tables::PAGES)?)?;
    if !pages.iter().any(|p| p.logo.as_deref() == Some(name)) {
        txn.open_table(tables::LOGOS)?.remove(name)?;
    }
    Ok(())
}
