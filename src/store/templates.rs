//! Named incident update templates.

use super::inputs::{message_text, not_found};
use super::{Store, all, get, new_id, tables};
use crate::domain::as_code::new_slug;
use crate::domain::{IncidentStatus, Template, fill_incident_template, validate};
use crate::error::{AppError, AppResult};
use chrono::{DateTime, Utc};
use redb::WriteTransaction;
use serde::Deserialize;

/// A template as written by an editor.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TemplateInput {
    pub name: String,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub status: Option<IncidentStatus>,
    pub body: String,
}

impl Store {
    pub fn list_templates(&self) -> AppResult<Vec<Template>> {
        let mut out: Vec<Template> = all(&self.read()?.open_table(tables::TEMPLATES)?)?;
        out.sort_by_key(|t| t.name.to_lowercase());
        Ok(out)
    }

    pub fn get_template(&self, id: &str) -> AppResult<Template> {
        get(&self.read()?.open_table(tables::TEMPLATES)?, id)?
            .ok_or_else(|| not_found("template", id))
    }

    pub fn save_template(&self, id: Option<&str>, input: TemplateInput) -> AppResult<Template> {
        self.write(|txn| self.save_template_in(txn, id, input))
    }

    pub(crate) fn save_template_in(
        &self,
        txn: &WriteTransaction,
        id: Option<&str>,
        input: TemplateInput,
    ) -> AppResult<Template> {
        let name = validate::name(&input.name, 100).map_err(|m| AppError::invalid("name", m))?;
        let title = validate::text(&input.title, 200).map_err(|m| AppError::invalid("title", m))?;
        let body = message_text(&input.body, "body")?;
        if body.is_empty() {
            return Err(AppError::invalid("body", "must not be empty"));
        }
        {
            let mut table = txn.open_table(tables::TEMPLATES)?;
            let now = self.now();
            let existing: Vec<Template> = all(&table)?;
            if existing
                .iter()
                .any(|t| t.name.eq_ignore_ascii_case(&name) && Some(t.id.as_str()) != id)
            {
                return Err(AppError::invalid(
                    "name",
                    format!("a template named {name:?} already exists"),
                ));
            }
            let t = match id {
                Some(id) => {
                    let mut t: Template =
                        get(&table, id)?.ok_or_else(|| not_found("template", id))?;
                    (t.name, t.title, t.status, t.body, t.updated_at) =
                        (name, title, input.status, body, now);
                    t
                }
                None => Template {
                    slug: new_slug(
                        existing
                            .iter()
                            .map(|x| (x.id.as_str(), x.slug.as_str(), x.name.as_str())),
                        &name,
                    ),
                    managed_by_config: false,
                    id: new_id(),
                    name,
                    title,
                    status: input.status,
                    body,
                    created_at: now,
                    updated_at: now,
                },
            };
            table.insert(t.id.as_str(), &t)?;
            Ok(t)
        }
    }

    pub fn delete_template(&self, id: &str) -> AppResult<()> {
        self.write(|txn| self.delete_template_in(txn, id))
    }

    pub(crate) fn delete_template_in(&self, txn: &WriteTransaction, id: &str) -> AppResult<()> {
        match txn.open_table(tables::TEMPLATES)?.remove(id)? {
            Some(_) => Ok(()),
            None => Err(not_found("template", id)),
        }
    }

    /// The text of template `template_id` filled for an incident; an unknown template is
    /// an `UnknownIds` error on `template_id`.
    pub fn template_text(
        &self,
        template_id: &str,
        title: &str,
        status: &str,
        component_ids: &[String],
        started: DateTime<Utc>,
    ) -> AppResult<String> {
        let t = self
            .get_template(template_id)
            .map_err(|_| AppError::UnknownIds {
                field: "template_id".into(),
                message: format!("unknown template id: {template_id}"),
            })?;
        let names: Vec<String> = component_ids
            .iter()
            .filter_map(|id| self.get_component(id).ok())
            .map(|c| c.name)
            .collect();
        Ok(fill_incident_template(
            &t.body,
            title,
            status,
            &names,
            started,
            self.now(),
        ))
    }
}
