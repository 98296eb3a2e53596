//! Pages: create, edit, delete, look up by id, slug or host.

use super::{Store, all, get, new_id, tables};
use crate::domain::{Audience, Page, branding, validate};
use crate::error::{AppError, AppResult};
use redb::{ReadableTable, WriteTransaction};
use serde::Deserialize;

/// Fields for a new page.
#[derive(Debug, Clone, Deserialize, Default, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewPage {
    pub slug: String,
    pub title: String,
    #[serde(default)]
    pub audience: Option<String>,
    #[serde(default)]
    pub time_zone: Option<String>,
    #[serde(default)]
    pub custom_host: Option<String>,
    #[serde(default)]
    pub allowed_domains: Vec<String>,
}

/// Fields to change on a page; absent means unchanged.
#[derive(Debug, Clone, Deserialize, Default, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PagePatch {
    pub slug: Option<String>,
    pub title: Option<String>,
    pub audience: Option<String>,
    pub time_zone: Option<String>,
    #[serde(default, deserialize_with = "crate::store::components::double_option")]
    pub custom_host: Option<Option<String>>,
    pub allowed_domains: Option<Vec<String>>,
    /// `#rrggbb`; an empty string restores the default accent.
    pub accent_color: Option<String>,
}

fn clean_host(h: Option<String>) -> AppResult<Option<String>> {
    match h.as_deref().map(str::trim) {
        None | Some("") => Ok(None),
        Some(h) => validate::hostname(h)
            .map(Some)
            .map_err(|m| AppError::invalid("custom_host", m)),
    }
}

fn clean_domains(ds: Vec<String>, extra_public: &[String]) -> AppResult<Vec<String>> {
    let mut out = Vec::new();
    for d in ds.iter().map(|d| d.trim()).filter(|d| !d.is_empty()) {
        let d = crate::domain::access::allowlist_entry(d, extra_public)
            .map_err(|m| AppError::invalid("allowed_domains", m))?;
        if !out.contains(&d) {
            out.push(d);
        }
    }
    Ok(out)
}

impl Store {
    pub fn list_pages(&self) -> AppResult<Vec<Page>> {
        all(&self.read()?.open_table(tables::PAGES)?)
    }

    pub fn get_page(&self, id: &str) -> AppResult<Page> {
        get(&self.read()?.open_table(tables::PAGES)?, id)?
            .ok_or_else(|| AppError::NotFound(format!("page {id}")))
    }

    pub fn page_by_slug(&self, slug: &str) -> AppResult<Option<Page>> {
        let txn = self.read()?;
        let Some(id) = txn
            .open_table(tables::PAGE_SLUGS)?
            .get(slug)?
            .map(|v| v.value().to_string())
        else {
            return Ok(None);
        };
        get(&txn.open_table(tables::PAGES)?, &id)
    }

    /// Finds a page by id or slug (the API accepts either as `page`).
    pub fn resolve_page(&self, key: &str) -> AppResult<Page> {
        if let Some(p) = self.page_by_slug(key)? {
            return Ok(p);
        }
        self.get_page(key)
    }

    pub fn create_page(&self, input: NewPage) -> AppResult<Page> {
        self.write(|txn| self.create_page_in(txn, input))
    }

    pub(crate) fn create_page_in(&self, txn: &WriteTransaction, input: NewPage) -> AppResult<Page> {
        let now = self.now();
        let page = Page {
            managed_by_config: false,
            id: new_id(),
            slug: validate::slug(&input.slug).map_err(|m| AppError::invalid("slug", m))?,
            title: validate::name(&input.title, 100).map_err(|m| AppError::invalid("title", m))?,
            audience: match input.audience.as_deref() {
                None | Some("") => Audience::Public,
                Some(a) => a
                    .parse()
                    .map_err(|m: String| AppError::invalid("audience", m))?,
            },
            time_zone: validate::time_zone(input.time_zone.as_deref().unwrap_or("UTC"))
                .map_err(|m| AppError::invalid("time_zone", m))?,
            custom_host: clean_host(input.custom_host)?,
            allowed_domains: clean_domains(input.allowed_domains, &self.public_mail_domains())?,
            theme: String::new(),
            accent_color: None,
            logo: None,
            created_at: now,
            updated_at: now,
        };
        let mut slugs = txn.open_table(tables::PAGE_SLUGS)?;
        if slugs.get(page.slug.as_str())?.is_some() {
            return Err(AppError::invalid(
                "slug",
                format!("a page with slug {:?} already exists", page.slug),
            ));
        }
        check_host_free(txn, page.custom_host.as_deref(), &page.id)?;
        slugs.insert(page.slug.as_str(), page.id.as_str())?;
        txn.open_table(tables::PAGES)?
            .insert(page.id.as_str(), &page)?;
        Ok(page)
    }

    pub fn update_page(&self, id: &str, patch: PagePatch) -> AppResult<Page> {
        self.write(|txn| self.update_page_in(txn, id, patch))
    }

    pub(crate) fn update_page_in(
        &self,
        txn: &WriteTransaction,
        id: &str,
        patch: PagePatch,
    ) -> AppResult<Page> {
        {
            let mut pages = txn.open_table(tables::PAGES)?;
            let mut page: Page =
                get(&pages, id)?.ok_or_else(|| AppError::NotFound(format!("page {id}")))?;
            let old_slug = page.slug.clone();
            if let Some(s) = patch.slug {
                page.slug = validate::slug(&s).map_err(|m| AppError::invalid("slug", m))?;
            }
            if old_slug == "default" && page.slug != "default" {
                return Err(AppError::invalid(
                    "slug",
                    "the default page keeps slug \"default\" (it is the page shown at /)",
                ));
            }
            if let Some(t) = patch.title {
                page.title = validate::name(&t, 100).map_err(|m| AppError::invalid("title", m))?;
            }
            if let Some(a) = patch.audience {
                page.audience = a
                    .parse()
                    .map_err(|m: String| AppError::invalid("audience", m))?;
            }
            if let Some(tz) = patch.time_zone {
                page.time_zone =
                    validate::time_zone(&tz).map_err(|m| AppError::invalid("time_zone", m))?;
            }
            if let Some(h) = patch.custom_host {
                page.custom_host = clean_host(h)?;
            }
            if let Some(d) = patch.allowed_domains {
                page.allowed_domains = clean_domains(d, &self.public_mail_domains())?;
            }
            if let Some(a) = patch.accent_color {
                page.accent_color = branding::accent(&a)?.map(|a| a.light.hex());
            }
            check_host_free(txn, page.custom_host.as_deref(), &page.id)?;
            if page.slug != old_slug {
                let mut slugs = txn.open_table(tables::PAGE_SLUGS)?;
                if slugs.get(page.slug.as_str())?.is_some() {
                    return Err(AppError::invalid(
                        "slug",
                        format!("a page with slug {:?} already exists", page.slug),
                    ));
                }
                slugs.remove(old_slug.as_str())?;
                slugs.insert(page.slug.as_str(), page.id.as_str())?;
            }
            page.updated_at = self.now();
            pages.insert(id, &page)?;
            Ok(page)
        }
    }

    /// Deletes a page with its groups and everything that opens it (customer sessions,
    /// sign-in links, read tokens); components stay and lose the page.
    pub fn delete_page(&self, id: &str) -> AppResult<()> {
        self.write(|txn| self.delete_page_in(txn, id))
    }

    pub(crate) fn delete_page_in(&self, txn: &WriteTransaction, id: &str) -> AppResult<()> {
        {
            let mut pages = txn.open_table(tables::PAGES)?;
            let page: Page =
                get(&pages, id)?.ok_or_else(|| AppError::NotFound(format!("page {id}")))?;
            if page.slug == "default" {
                return Err(AppError::Conflict(
                    "the default page cannot be deleted (it is the page shown at /)".into(),
                ));
            }
            pages.remove(id)?;
            drop(pages);
            super::logos::drop_unused(txn, page.logo.as_deref())?;
            super::access::drop_page_access(txn, id)?;
            txn.open_table(tables::PAGE_SLUGS)?
                .remove(page.slug.as_str())?;
            let mut groups = txn.open_table(tables::GROUPS)?;
            let doomed: Vec<String> = all::<crate::domain::Group, _>(&groups)?
                .into_iter()
                .filter(|g| g.page_id == id)
                .map(|g| g.id)
                .collect();
            for g in &doomed {
                groups.remove(g.as_str())?;
            }
            let mut comps = txn.open_table(tables::COMPONENTS)?;
            for mut c in all::<crate::domain::Component, _>(&comps)? {
                let before = (c.page_ids.len(), c.group_id.clone());
                c.page_ids.retain(|p| p != id);
                if c.group_id.as_ref().is_some_and(|g| doomed.contains(g)) {
                    c.group_id = None;
                }
                if before != (c.page_ids.len(), c.group_id.clone()) {
                    comps.insert(c.id.as_str(), &c)?;
                }
            }
            Ok(())
        }
    }
}

fn check_host_free(
    txn: &redb::WriteTransaction,
    host: Option<&str>,
    own_id: &str,
) -> AppResult<()> {
    let Some(host) = host else { return Ok(()) };
    let pages = txn.open_table(tables::PAGES)?;
    if all::<Page, _>(&pages)?
        .iter()
        .any(|p| p.id != own_id && p.custom_host.as_deref() == Some(host))
    {
        return Err(AppError::invalid(
            "custom_host",
            format!("host {host:?} is already used by another page"),
        ));
    }
    Ok(())
}
