//! Components and component groups.

use super::events::{Change, set_status};
use super::{Store, all, get, new_id, tables};
use crate::domain::as_code::new_slug;
use crate::domain::{Component, ComponentStatus, Group, Page, sort_components, validate};
use crate::error::{AppError, AppResult};
use redb::{ReadableTable, WriteTransaction};
use serde::{Deserialize, Deserializer};

/// Distinguishes an absent field (`None`) from an explicit `null` (`Some(None)`).
pub(crate) fn double_option<'de, D, T>(d: D) -> Result<Option<Option<T>>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(d).map(Some)
}

/// Fields for a new component.
#[derive(Debug, Clone, Deserialize, Default, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewComponent {
    pub name: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub group_id: Option<String>,
    /// Omitted: the group's page, else the default page.
    #[serde(default)]
    pub page_ids: Option<Vec<String>>,
    #[serde(default)]
    pub status: Option<String>,
    #[serde(default)]
    pub position: Option<i64>,
    /// Also show the monitor-measured uptime on public pages.
    #[serde(default)]
    pub show_measured_uptime: bool,
}

/// Fields to change on a component; absent means unchanged, `group_id: null` ungroups.
#[derive(Debug, Clone, Deserialize, Default, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ComponentPatch {
    pub name: Option<String>,
    pub description: Option<String>,
    #[serde(default, deserialize_with = "double_option")]
    pub group_id: Option<Option<String>>,
    pub page_ids: Option<Vec<String>>,
    pub status: Option<String>,
    pub position: Option<i64>,
    pub show_measured_uptime: Option<bool>,
}

/// Fields for a new group.
#[derive(Debug, Clone, Deserialize, Default, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewGroup {
    /// Page id or slug; omitted: the default page.
    #[serde(default)]
    pub page_id: Option<String>,
    pub name: String,
    #[serde(default)]
    pub position: Option<i64>,
    #[serde(default)]
    pub collapsed: bool,
}

/// Fields to change on a group.
#[derive(Debug, Clone, Deserialize, Default, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct GroupPatch {
    pub name: Option<String>,
    pub position: Option<i64>,
    pub collapsed: Option<bool>,
}

fn parse_status(s: &str) -> AppResult<ComponentStatus> {
    s.parse()
        .map_err(|m: String| AppError::invalid("status", m))
}

/// Checks page ids exist; unknown ones are a 422 listing them.
fn check_pages(txn: &WriteTransaction, ids: &[String]) -> AppResult<Vec<String>> {
    let pages = txn.open_table(tables::PAGES)?;
    let mut out: Vec<String> = Vec::new();
    let mut unknown = Vec::new();
    for id in ids {
        if get::<Page, _>(&pages, id)?.is_some() {
            if !out.contains(id) {
                out.push(id.clone());
            }
        } else {
            unknown.push(id.clone());
        }
    }
    if !unknown.is_empty() {
        return Err(AppError::UnknownIds {
            field: "page_ids".into(),
            message: format!("unknown page ids: {}", unknown.join(", ")),
        });
    }
    Ok(out)
}

fn default_page_id(txn: &WriteTransaction) -> AppResult<String> {
    let slugs = txn.open_table(tables::PAGE_SLUGS)?;
    let id = slugs.get("default")?.map(|v| v.value().to_string());
    id.ok_or_else(|| AppError::Internal("the default page is missing from the data file".into()))
}

fn group_in(txn: &WriteTransaction, id: &str) -> AppResult<Group> {
    get(&txn.open_table(tables::GROUPS)?, id)?.ok_or_else(|| AppError::UnknownIds {
        field: "group_id".into(),
        message: format!("unknown group id: {id}"),
    })
}

impl Store {
    /// All components, in display order.
    pub fn list_components(&self) -> AppResult<Vec<Component>> {
        let txn = self.read()?;
        let mut cs: Vec<Component> = all(&txn.open_table(tables::COMPONENTS)?)?;
        let groups: Vec<Group> = all(&txn.open_table(tables::GROUPS)?)?;
        sort_components(&mut cs, &groups);
        Ok(cs)
    }

    pub fn get_component(&self, id: &str) -> AppResult<Component> {
        get(&self.read()?.open_table(tables::COMPONENTS)?, id)?
            .ok_or_else(|| AppError::NotFound(format!("component {id}")))
    }

    /// Groups of all pages, by position.
    pub fn list_groups(&self) -> AppResult<Vec<Group>> {
        let mut gs: Vec<Group> = all(&self.read()?.open_table(tables::GROUPS)?)?;
        gs.sort_by_key(|g| (g.page_id.clone(), g.position));
        Ok(gs)
    }

    pub fn get_group(&self, id: &str) -> AppResult<Group> {
        get(&self.read()?.open_table(tables::GROUPS)?, id)?
            .ok_or_else(|| AppError::NotFound(format!("group {id}")))
    }

    pub fn create_component(&self, input: NewComponent) -> AppResult<Component> {
        self.write(|txn| self.create_component_in(txn, input))
    }

    pub(crate) fn create_component_in(
        &self,
        txn: &WriteTransaction,
        input: NewComponent,
    ) -> AppResult<Component> {
        let name = validate::name(&input.name, 100).map_err(|m| AppError::invalid("name", m))?;
        let description = validate::text(&input.description, 1000)
            .map_err(|m| AppError::invalid("description", m))?;
        let status = input
            .status
            .as_deref()
            .filter(|s| !s.is_empty())
            .map(parse_status)
            .transpose()?
            .unwrap_or_default();
        let group_id = input.group_id.filter(|g| !g.is_empty());
        {
            let group = group_id.as_deref().map(|g| group_in(txn, g)).transpose()?;
            let page_ids = match input.page_ids {
                Some(ids) if !ids.is_empty() => check_pages(txn, &ids)?,
                _ => vec![match &group {
                    Some(g) => g.page_id.clone(),
                    None => default_page_id(txn)?,
                }],
            };
            let mut comps = txn.open_table(tables::COMPONENTS)?;
            let existing: Vec<Component> = all(&comps)?;
            let position = input.position.unwrap_or_else(|| {
                existing
                    .iter()
                    .filter(|c| c.group_id == group_id)
                    .map(|c| c.position + 1)
                    .max()
                    .unwrap_or(0)
            });
            let now = self.now();
            let c = Component {
                slug: new_slug(
                    existing
                        .iter()
                        .map(|x| (x.id.as_str(), x.slug.as_str(), x.name.as_str())),
                    &name,
                ),
                managed_by_config: false,
                id: new_id(),
                name,
                description,
                group_id,
                page_ids,
                status,
                position,
                created_at: now,
                updated_at: now,
                show_measured_uptime: input.show_measured_uptime,
            };
            comps.insert(c.id.as_str(), &c)?;
            Ok(c)
        }
    }

    /// Changes a component; a status change writes a `component.status_changed` event.
    pub fn update_component(
        &self,
        id: &str,
        patch: ComponentPatch,
        actor: &str,
    ) -> AppResult<Component> {
        self.write(|txn| self.update_component_in(txn, id, patch, actor))
    }

    pub(crate) fn update_component_in(
        &self,
        txn: &WriteTransaction,
        id: &str,
        patch: ComponentPatch,
        actor: &str,
    ) -> AppResult<Component> {
        {
            let now = self.now();
            let mut c: Component = get(&txn.open_table(tables::COMPONENTS)?, id)?
                .ok_or_else(|| AppError::NotFound(format!("component {id}")))?;
            if let Some(n) = patch.name {
                c.name = validate::name(&n, 100).map_err(|m| AppError::invalid("name", m))?;
            }
            if let Some(d) = patch.description {
                c.description =
                    validate::text(&d, 1000).map_err(|m| AppError::invalid("description", m))?;
            }
            if let Some(g) = patch.group_id {
                c.group_id = match g.filter(|g| !g.is_empty()) {
                    Some(g) => Some(group_in(txn, &g)?.id),
                    None => None,
                };
            }
            if let Some(ids) = patch.page_ids {
                if ids.is_empty() {
                    return Err(AppError::invalid(
                        "page_ids",
                        "a component must be on at least one page",
                    ));
                }
                c.page_ids = check_pages(txn, &ids)?;
            }
            let new_status = match patch.status {
                Some(s) => parse_status(&s)?,
                None => c.status,
            };
            if let Some(p) = patch.position {
                c.position = p;
            }
            if let Some(show) = patch.show_measured_uptime {
                c.show_measured_uptime = show;
            }
            c.updated_at = now;
            txn.open_table(tables::COMPONENTS)?.insert(id, &c)?;
            let ctx = Change::of_component(actor, &c, now);
            set_status(txn, &ctx, c.clone(), new_status)?;
            c.status = new_status;
            Ok(c)
        }
    }

    pub fn delete_component(&self, id: &str) -> AppResult<()> {
        self.write(|txn| self.delete_component_in(txn, id))
    }

    pub(crate) fn delete_component_in(&self, txn: &WriteTransaction, id: &str) -> AppResult<()> {
        {
            let removed = txn.open_table(tables::COMPONENTS)?.remove(id)?.is_some();
            if removed {
                Ok(())
            } else {
                Err(AppError::NotFound(format!("component {id}")))
            }
        }
    }

    /// Moves a component one place up (`-1`) or down (`+1`) among its group, renumbering
    /// positions so they stay dense.
    pub fn move_component(&self, id: &str, delta: i64) -> AppResult<()> {
        self.write(|txn| {
            let mut comps = txn.open_table(tables::COMPONENTS)?;
            let me: Component =
                get(&comps, id)?.ok_or_else(|| AppError::NotFound(format!("component {id}")))?;
            let mut siblings: Vec<Component> = all::<Component, _>(&comps)?
                .into_iter()
                .filter(|c| c.group_id == me.group_id)
                .collect();
            sort_components(&mut siblings, &[]);
            let Some(i) = siblings.iter().position(|c| c.id == id) else {
                return Ok(());
            };
            let j = i as i64 + delta;
            if j < 0 || j >= siblings.len() as i64 {
                return Ok(());
            }
            siblings.swap(i, j as usize);
            for (pos, mut c) in siblings.into_iter().enumerate() {
                if c.position != pos as i64 {
                    c.position = pos as i64;
                    comps.insert(c.id.as_str(), &c)?;
                }
            }
            Ok(())
        })
    }

    pub fn create_group(&self, input: NewGroup) -> AppResult<Group> {
        self.write(|txn| self.create_group_in(txn, input))
    }

    pub(crate) fn create_group_in(
        &self,
        txn: &WriteTransaction,
        input: NewGroup,
    ) -> AppResult<Group> {
        let name = validate::name(&input.name, 100).map_err(|m| AppError::invalid("name", m))?;
        let page_key = input.page_id.filter(|p| !p.is_empty());
        {
            let page_id = match page_key {
                Some(p) => super::inputs::resolve_page_in(txn, Some(&p)).map_err(|_| {
                    AppError::UnknownIds {
                        field: "page_id".into(),
                        message: format!("unknown page id: {p}"),
                    }
                })?,
                None => default_page_id(txn)?,
            };
            let mut groups = txn.open_table(tables::GROUPS)?;
            let position = input.position.unwrap_or_else(|| {
                all::<Group, _>(&groups)
                    .map(|gs| {
                        gs.iter()
                            .filter(|g| g.page_id == page_id)
                            .map(|g| g.position + 1)
                            .max()
                            .unwrap_or(0)
                    })
                    .unwrap_or(0)
            });
            let now = self.now();
            let g = Group {
                slug: new_slug(
                    all::<Group, _>(&groups)?
                        .iter()
                        .map(|x| (x.id.as_str(), x.slug.as_str(), x.name.as_str())),
                    &name,
                ),
                managed_by_config: false,
                id: new_id(),
                page_id,
                name,
                position,
                collapsed: input.collapsed,
                created_at: now,
                updated_at: now,
            };
            groups.insert(g.id.as_str(), &g)?;
            Ok(g)
        }
    }

    pub fn update_group(&self, id: &str, patch: GroupPatch) -> AppResult<Group> {
        self.write(|txn| self.update_group_in(txn, id, patch))
    }

    pub(crate) fn update_group_in(
        &self,
        txn: &WriteTransaction,
        id: &str,
        patch: GroupPatch,
    ) -> AppResult<Group> {
        {
            let mut groups = txn.open_table(tables::GROUPS)?;
            let mut g: Group =
                get(&groups, id)?.ok_or_else(|| AppError::NotFound(format!("group {id}")))?;
            if let Some(n) = patch.name {
                g.name = validate::name(&n, 100).map_err(|m| AppError::invalid("name", m))?;
            }
            if let Some(p) = patch.position {
                g.position = p;
            }
            if let Some(c) = patch.collapsed {
                g.collapsed = c;
            }
            g.updated_at = self.now();
            groups.insert(id, &g)?;
            Ok(g)
        }
    }

    /// Deletes a group; its components stay, ungrouped.
    pub fn delete_group(&self, id: &str) -> AppResult<()> {
        self.write(|txn| self.delete_group_in(txn, id))
    }

    pub(crate) fn delete_group_in(&self, txn: &WriteTransaction, id: &str) -> AppResult<()> {
        {
            if txn.open_table(tables::GROUPS)?.remove(id)?.is_none() {
                return Err(AppError::NotFound(format!("group {id}")));
            }
            let mut comps = txn.open_table(tables::COMPONENTS)?;
            for mut c in all::<Component, _>(&comps)? {
                if c.group_id.as_deref() == Some(id) {
                    c.group_id = None;
                    comps.insert(c.id.as_str(), &c)?;
                }
            }
            Ok(())
        }
    }
}
