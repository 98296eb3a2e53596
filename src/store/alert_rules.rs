//! Alert mapping rules, per-source secret URLs, and the drafts inbox's writes (publish
//! an edited draft, discard with a reason, publish a proposed resolve).

use super::incidents::{
    AffectedInput, NewUpdate, add_update_in, affected, discard_in, load_incident, publish_in,
    put_incident,
};
use super::inputs::{check_components, message_text, title_text};
use super::{Store, all, get, new_id, tables};
use crate::domain::alert_lifecycle::{AlertSecret, DiscardedDraft, TrackState, TrackedAlert};
use crate::domain::as_code::new_slug;
use crate::domain::inbound::{AlertRule, AlertSource, Matcher, RuleMode, Tone};
use crate::domain::{HistoryEntry, Impact, Incident, IncidentState, IncidentStatus};
use crate::error::{AppError, AppResult};
use crate::secret::{random_token, sha256_hex};
use chrono::{DateTime, Utc};
use redb::{ReadableTable, ReadableTableMetadata, WriteTransaction};

/// A rule as a client sends it (create and replace).
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AlertRuleInput {
    pub name: String,
    #[serde(default)]
    pub position: Option<i64>,
    #[serde(default)]
    pub source: Option<AlertSource>,
    /// Alertmanager-style matchers: `service="api"`, `severity=~"critical|page"`, `team`.
    #[serde(default)]
    pub matchers: Vec<String>,
    #[serde(default)]
    pub payload_components: bool,
    #[serde(default)]
    pub page_id: Option<String>,
    #[serde(default)]
    pub component_ids: Vec<String>,
    #[serde(default)]
    pub impact: Option<Impact>,
    #[serde(default)]
    pub mode: RuleMode,
    #[serde(default)]
    pub auto_publish_minutes: Option<u32>,
    #[serde(default)]
    pub tone: Option<Tone>,
}

/// A new secret URL: the record and the secret, shown once.
pub struct NewSecret {
    pub secret: AlertSecret,
    pub token: String,
}

/// Edits made in the inbox before publishing a draft.
#[derive(Debug, Clone, Default)]
pub struct DraftEdit {
    pub title: String,
    pub message: String,
    pub impact: Option<Impact>,
    pub components: Vec<AffectedInput>,
}

fn checked_rule(txn: &WriteTransaction, input: &AlertRuleInput) -> AppResult<()> {
    if input.name.trim().is_empty() || input.name.chars().count() > 200 {
        return Err(AppError::invalid(
            "name",
            "give the rule a name of 1 to 200 characters",
        ));
    }
    for m in &input.matchers {
        Matcher::parse(m).map_err(|e| AppError::invalid("matchers", e))?;
    }
    if input.matchers.is_empty() && input.source.is_none() && !input.payload_components {
        return Err(AppError::invalid(
            "matchers",
            "a rule needs at least one matcher, a source, or payload_components",
        ));
    }
    if input
        .auto_publish_minutes
        .is_some_and(|m| !(1..=10_080).contains(&m))
    {
        return Err(AppError::invalid(
            "auto_publish_minutes",
            "between 1 and 10080 minutes (a week)",
        ));
    }
    check_components(txn, "component_ids", &input.component_ids)?;
    if let Some(p) = input.page_id.as_deref() {
        super::inputs::resolve_page_in(txn, Some(p)).map_err(|_| AppError::UnknownIds {
            field: "page_id".into(),
            message: format!("unknown page: {p}"),
        })?;
    }
    Ok(())
}

fn tracked_of(txn: &WriteTransaction, incident_id: &str) -> AppResult<Option<TrackedAlert>> {
    let all: Vec<TrackedAlert> = all(&txn.open_table(tables::ALERT_TRACKED)?)?;
    Ok(all
        .into_iter()
        .find(|t| t.incident_id.as_deref() == Some(incident_id)))
}

fn put_tracked(txn: &WriteTransaction, t: &TrackedAlert) -> AppResult<()> {
    txn.open_table(tables::ALERT_TRACKED)?
        .insert(t.id.as_str(), t)?;
    Ok(())
}

/// Creates a rule (`id` None, with a slug from its name) or replaces one, in `txn`.
pub(super) fn put_alert_rule_in(
    txn: &WriteTransaction,
    id: Option<&str>,
    input: &AlertRuleInput,
    now: DateTime<Utc>,
) -> AppResult<AlertRule> {
    checked_rule(txn, input)?;
    let mut table = txn.open_table(tables::ALERT_RULES)?;
    let old: Option<AlertRule> = match id {
        Some(id) => {
            Some(get(&table, id)?.ok_or_else(|| AppError::NotFound(format!("alert rule {id}")))?)
        }
        None => None,
    };
    let position = input.position.unwrap_or_else(|| {
        old.as_ref()
            .map_or_else(|| table.len().map_or(0, |n| n as i64), |o| o.position)
    });
    let name = input.name.trim().to_string();
    let slug = match &old {
        Some(o) => o.slug.clone(),
        None => {
            let rules: Vec<AlertRule> = all(&table)?;
            new_slug(
                rules
                    .iter()
                    .map(|r| (r.id.as_str(), r.slug.as_str(), r.name.as_str())),
                &name,
            )
        }
    };
    let rule = AlertRule {
        id: old.as_ref().map_or_else(new_id, |o| o.id.clone()),
        name,
        position,
        source: input.source,
        matchers: input
            .matchers
            .iter()
            .map(|m| m.trim().to_string())
            .collect(),
        payload_components: input.payload_components,
        page_id: input.page_id.clone().filter(|p| !p.trim().is_empty()),
        component_ids: input.component_ids.clone(),
        impact: input.impact,
        mode: input.mode,
        auto_publish_minutes: input.auto_publish_minutes,
        tone: input.tone,
        slug,
        managed_by_config: old.as_ref().is_some_and(|o| o.managed_by_config),
        created_at: old.as_ref().map_or(now, |o| o.created_at),
        updated_at: now,
    };
    table.insert(rule.id.as_str(), &rule)?;
    Ok(rule)
}

pub(super) fn delete_alert_rule_in(txn: &WriteTransaction, id: &str) -> AppResult<()> {
    txn.open_table(tables::ALERT_RULES)?
        .remove(id)?
        .ok_or_else(|| AppError::NotFound(format!("alert rule {id}")))?;
    Ok(())
}

impl Store {
    pub fn list_alert_rules(&self) -> AppResult<Vec<AlertRule>> {
        let mut out: Vec<AlertRule> = all(&self.read()?.open_table(tables::ALERT_RULES)?)?;
        out.sort_by(|a, b| a.position.cmp(&b.position).then(a.id.cmp(&b.id)));
        Ok(out)
    }

    pub fn get_alert_rule(&self, id: &str) -> AppResult<AlertRule> {
        get(&self.read()?.open_table(tables::ALERT_RULES)?, id)?
            .ok_or_else(|| AppError::NotFound(format!("alert rule {id}")))
    }

    /// Creates a rule (`id` None) or replaces one.
    pub fn put_alert_rule(&self, id: Option<&str>, input: AlertRuleInput) -> AppResult<AlertRule> {
        let now = self.now();
        self.write(|txn| put_alert_rule_in(txn, id, &input, now))
    }

    /// Moves a rule one place up or down (first match wins), renumbering all in one go.
    pub fn move_alert_rule(&self, id: &str, up: bool) -> AppResult<()> {
        self.write(|txn| {
            let mut table = txn.open_table(tables::ALERT_RULES)?;
            let mut rules: Vec<AlertRule> = all(&table)?;
            rules.sort_by(|a, b| a.position.cmp(&b.position).then(a.id.cmp(&b.id)));
            let at = rules
                .iter()
                .position(|r| r.id == id)
                .ok_or_else(|| AppError::NotFound(format!("alert rule {id}")))?;
            let to = if up { at.checked_sub(1) } else { Some(at + 1) };
            if let Some(to) = to.filter(|t| *t < rules.len()) {
                rules.swap(at, to);
            }
            for (n, mut r) in rules.into_iter().enumerate() {
                r.position = i64::try_from(n).unwrap_or(i64::MAX);
                table.insert(r.id.as_str(), &r)?;
            }
            Ok(())
        })
    }

    pub fn delete_alert_rule(&self, id: &str) -> AppResult<()> {
        self.write(|txn| delete_alert_rule_in(txn, id))
    }

    pub fn list_alert_secrets(&self) -> AppResult<Vec<AlertSecret>> {
        all(&self.read()?.open_table(tables::ALERT_SECRETS)?)
    }

    /// Creates a secret URL for a source; the secret is returned once.
    pub fn create_alert_secret(
        &self,
        name: &str,
        source: AlertSource,
        by: &str,
    ) -> AppResult<NewSecret> {
        let name = name.trim();
        if name.is_empty() || name.chars().count() > 100 {
            return Err(AppError::invalid(
                "name",
                "give the URL a name of 1 to 100 characters",
            ));
        }
        let token = format!("sa_{}", random_token());
        let secret = AlertSecret {
            id: new_id(),
            name: name.into(),
            source,
            secret_hash: sha256_hex(&token),
            prefix: token.chars().take(8).collect(),
            created_at: self.now(),
            created_by: by.into(),
            last_used_at: None,
        };
        self.write_quiet(|txn| {
            txn.open_table(tables::ALERT_SECRETS)?
                .insert(secret.id.as_str(), &secret)?;
            txn.open_table(tables::ALERT_SECRET_HASHES)?
                .insert(secret.secret_hash.as_str(), secret.id.as_str())?;
            Ok(())
        })?;
        Ok(NewSecret { secret, token })
    }

    /// Revokes (deletes) a secret URL; the tool using it gets 401 from then on.
    pub fn revoke_alert_secret(&self, id: &str) -> AppResult<()> {
        self.write_quiet(|txn| {
            let s: AlertSecret = txn
                .open_table(tables::ALERT_SECRETS)?
                .remove(id)?
                .map(|v| v.value())
                .ok_or_else(|| AppError::NotFound(format!("alert source URL {id}")))?;
            txn.open_table(tables::ALERT_SECRET_HASHES)?
                .remove(s.secret_hash.as_str())?;
            Ok(())
        })
    }

    /// The live secret URL of this source with this secret, noting its use.
    pub fn alert_secret(&self, source: AlertSource, token: &str) -> AppResult<Option<AlertSecret>> {
        let hash = sha256_hex(token);
        let now = self.now();
        self.write_quiet(|txn| {
            let id = txn
                .open_table(tables::ALERT_SECRET_HASHES)?
                .get(hash.as_str())?
                .map(|v| v.value().to_string());
            let Some(id) = id else { return Ok(None) };
            let mut t = txn.open_table(tables::ALERT_SECRETS)?;
            let Some(mut s) = get::<AlertSecret, _>(&t, &id)?.filter(|s| s.source == source) else {
                return Ok(None);
            };
            s.last_used_at = Some(now);
            t.insert(id.as_str(), &s)?;
            Ok(Some(s))
        })
    }

    /// The alert record that opened an incident, if an alert did.
    pub fn tracked_alert_of(&self, incident_id: &str) -> AppResult<Option<TrackedAlert>> {
        let all: Vec<TrackedAlert> = all(&self.read()?.open_table(tables::ALERT_TRACKED)?)?;
        Ok(all
            .into_iter()
            .find(|t| t.incident_id.as_deref() == Some(incident_id)))
    }

    /// Saves the inbox's edits of a draft and publishes it, in one transaction.
    pub fn publish_edited_draft(
        &self,
        id: &str,
        edit: DraftEdit,
        actor: &str,
    ) -> AppResult<Incident> {
        let title = title_text(&edit.title)?;
        let message = message_text(&edit.message, "message")?;
        if message.is_empty() {
            return Err(AppError::invalid(
                "message",
                "write the first update customers will read",
            ));
        }
        let now = self.now();
        self.write(|txn| {
            let mut i = load_incident(txn, id)?;
            if i.state != IncidentState::Draft {
                return Err(AppError::Conflict(
                    "this incident is already published".into(),
                ));
            }
            i.title = title;
            if let Some(impact) = edit.impact {
                i.impact = impact;
            }
            i.components = affected(txn, &edit.components, i.impact)?;
            if let Some(u) = i.updates.first_mut() {
                u.message = message;
            }
            i.history.push(HistoryEntry {
                at: now,
                by: actor.into(),
                action: "edited in the drafts inbox".into(),
            });
            put_incident(txn, &i)?;
            publish_in(txn, id, actor, now)
        })
    }

    /// Discards a draft with a reason; an alert's record keeps the reason.
    pub fn discard_draft_with_reason(&self, id: &str, reason: &str, actor: &str) -> AppResult<()> {
        let reason = reason.trim();
        if reason.is_empty() {
            return Err(AppError::invalid(
                "reason",
                "say why this draft is discarded (e.g. a false alarm)",
            ));
        }
        let now = self.now();
        self.write(|txn| {
            let i = load_incident(txn, id)?;
            discard_in(txn, id)?;
            if let Some(mut t) = tracked_of(txn, id)? {
                t.state = TrackState::Discarded;
                t.discard_reason = Some(format!("{reason} ({actor})"));
                t.closed_at = Some(now);
                put_tracked(txn, &t)?;
            } else {
                let d = DiscardedDraft {
                    id: i.id,
                    title: i.title,
                    opened_by: i.created_by,
                    reason: reason.into(),
                    by: actor.into(),
                    at: now,
                };
                txn.open_table(tables::DISCARDED_DRAFTS)?
                    .insert(d.id.as_str(), &d)?;
            }
            Ok(())
        })
    }

    /// Drafts no alert opened that a person discarded, newest first.
    pub fn list_discarded_drafts(&self) -> AppResult<Vec<DiscardedDraft>> {
        let mut out: Vec<DiscardedDraft> =
            all(&self.read()?.open_table(tables::DISCARDED_DRAFTS)?)?;
        out.sort_by_key(|d| std::cmp::Reverse(d.at));
        Ok(out)
    }

    /// Publishes the resolve update the source proposed for a published incident.
    pub fn publish_proposed_resolve(
        &self,
        incident_id: &str,
        message: &str,
        actor: &str,
    ) -> AppResult<Incident> {
        let now = self.now();
        let message = message_text(message, "message")?;
        self.write(|txn| {
            let mut t = tracked_of(txn, incident_id)?
                .filter(|t| t.resolve_proposed && t.state == TrackState::Open)
                .ok_or_else(|| {
                    AppError::NotFound(format!("proposed resolve for incident {incident_id}"))
                })?;
            let i = load_incident(txn, incident_id)?;
            let update = NewUpdate {
                status: Some(IncidentStatus::Resolved),
                message,
                notify: true,
                components: None,
            };
            let i = if i.status.is_open() {
                add_update_in(txn, incident_id, update, actor, now)?
            } else {
                i
            };
            t.state = TrackState::Resolved;
            t.resolve_proposed = false;
            t.closed_at = Some(now);
            put_tracked(txn, &t)?;
            Ok(i)
        })
    }
}
