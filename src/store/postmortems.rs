//! Postmortems of resolved incidents: saved as drafts, then published (with a notice).

use super::Store;
use super::events::Change;
use super::events::emit;
use super::incidents::{load_incident, put_incident};
use super::inputs::message_text;
use crate::domain::{HistoryEntry, Incident, IncidentState, IncidentStatus, Postmortem};
use crate::error::{AppError, AppResult};

impl Store {
    /// Saves the postmortem draft of a resolved incident.
    pub fn save_postmortem(
        &self,
        id: &str,
        mut pm: Postmortem,
        actor: &str,
    ) -> AppResult<Incident> {
        for (field, text) in [
            ("summary", &pm.summary),
            ("timeline", &pm.timeline),
            ("root_cause", &pm.root_cause),
            ("impact", &pm.impact),
            ("resolution", &pm.resolution),
        ] {
            message_text(text, field)?;
        }
        if pm.action_items.iter().any(|a| a.text.trim().is_empty()) {
            return Err(AppError::invalid(
                "action_items",
                "every action item needs a text",
            ));
        }
        self.write(|txn| {
            let mut i = load_incident(txn, id)?;
            if i.status.is_open() {
                return Err(AppError::Conflict(
                    "resolve the incident before writing its postmortem".into(),
                ));
            }
            let now = self.now();
            pm.published_at = i.postmortem.as_ref().and_then(|p| p.published_at);
            pm.updated_at = Some(now);
            i.postmortem = Some(pm);
            i.updated_at = now;
            i.history.push(HistoryEntry {
                at: now,
                by: actor.into(),
                action: "saved postmortem".into(),
            });
            put_incident(txn, &i)?;
            Ok(i)
        })
    }

    pub fn publish_postmortem(&self, id: &str, notify: bool, actor: &str) -> AppResult<Incident> {
        self.write(|txn| {
            let mut i = load_incident(txn, id)?;
            let ctx = Change::of_incident(actor, &i, self.now());
            let Some(pm) = i.postmortem.as_mut() else {
                return Err(AppError::Conflict(
                    "write the postmortem before publishing it".into(),
                ));
            };
            if i.state != IncidentState::Published {
                return Err(AppError::Conflict("publish the incident first".into()));
            }
            pm.published_at = Some(ctx.now);
            i.status = IncidentStatus::Postmortem;
            i.updated_at = ctx.now;
            i.history.push(HistoryEntry {
                at: ctx.now,
                by: actor.into(),
                action: "published postmortem".into(),
            });
            put_incident(txn, &i)?;
            emit(
                txn,
                &ctx,
                "postmortem.published",
                None,
                i.component_ids(),
                notify,
            )?;
            Ok(i)
        })
    }
}
