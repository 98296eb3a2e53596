//! Alert sources: per tool the exact URL, a copy-paste snippet, secret URLs (shown once)
//! and a test button; the history of every alert received or refused.

use super::{FormState, csrf, editor, field_error, when};
use crate::domain::Role;
use crate::domain::alert_lifecycle::{
    AlertEvent, AlertSecret, DiscardedDraft, TrackState, TrackedAlert,
};
use crate::domain::inbound::{AlertRule, AlertSource};
use crate::views::layout::{self, Nav, flash};
use maud::{Markup, html};

/// The outcome of an alert event in words.
pub fn outcome_words(o: &str) -> &'static str {
    match o {
        "drafted" => "draft opened",
        "published" => "incident published",
        "refire" => "re-fire of an open draft or incident",
        "resolved_before_publishing" => "resolved before publishing (filtered false alarm)",
        "resolved" => "incident resolved",
        "resolve_proposed" => "resolve proposed in Drafts",
        "nothing_open" => "resolved; nothing was open",
        "noted" => "noted (acknowledged or a note)",
        "unmatched" => "unmatched: no rule or label routes it",
        "rejected" => "refused",
        _ => "other",
    }
}

/// Every outcome, for the history filter.
pub const OUTCOMES: [&str; 11] = [
    "drafted",
    "published",
    "refire",
    "resolved_before_publishing",
    "resolved",
    "resolve_proposed",
    "nothing_open",
    "noted",
    "unmatched",
    "rejected",
    "discarded",
];

/// What the tool needs to be told, in its own words.
pub fn snippet(source: AlertSource, url: &str) -> String {
    match source {
        AlertSource::Alertmanager => format!(
            "receivers:\n  - name: statusd\n    webhook_configs:\n      - url: {url}\n        send_resolved: true\n        http_config:\n          authorization:\n            type: Bearer\n            credentials: <editor API key>\n"
        ),
        AlertSource::Grafana => format!(
            "Alerting → Contact points → + Add contact point\n  Name: statusd\n  Integration: Webhook\n  URL: {url}\n  HTTP Method: POST\n  Authorization Header - Scheme: Bearer\n  Authorization Header - Credentials: <editor API key>\n"
        ),
        AlertSource::Pagerduty => format!(
            "Integrations → Generic Webhooks (v3) → + New Webhook\n  Webhook URL: {url}\n    (a secret URL below, or add the custom header\n     Authorization: Bearer <editor API key>)\n  Scope type: Service or Team\n  Event subscription: incident.triggered, incident.acknowledged, incident.resolved\nThen set pagerduty_secret in statusd's config (or STATUSD_PAGERDUTY_SECRET_FILE)\nto the webhook's signing secret.\n"
        ),
        AlertSource::Opsgenie => format!(
            "Settings → Integrations → Add integration → Webhook\n  Webhook URL: {url}\n    (use a secret URL below: Opsgenie cannot send a bearer token)\n  Add Alert Description to Payload: on\n  Add Alert Details to Payload: on\n  Alert actions: Create, Close, AddNote\nPut statusd_component=<component name> in the alert's details.\n"
        ),
        AlertSource::Generic => format!(
            "curl -X POST {url} \\\n  -H 'Authorization: Bearer <editor API key>' \\\n  -H 'Content-Type: application/json' \\\n  -d '{{\"title\": \"API health check failing\", \"severity\": \"major\",\n       \"affected_component_ids\": [\"<component id>\"], \"status\": \"firing\",\n       \"fingerprint\": \"api-health\", \"tone\": \"professional\"}}'\n"
        ),
    }
}

/// The alert sources overview.
pub fn index(nav: &Nav, base: &str, secrets: &[AlertSecret], filtered: usize) -> Markup {
    layout::admin(
        "Alert sources",
        nav,
        html! {
            p { "Alerting tools post here; each alert becomes a draft in " a href="/admin/drafts" { "Drafts" } " for a person to publish. "
                a href="/admin/alert-rules" { "Rules" } " decide which components an alert is about; without a rule, a "
                code { "statusd_component" } " label (component id or name) and a " code { "severity" } " label do." }
            table.list.sources {
                thead { tr { th { "Tool" } th { "URL" } th { "Secret URLs" } } }
                tbody {
                    @for s in AlertSource::ALL {
                        tr data-source=(s.as_str()) {
                            td { a href={"/admin/alerts/sources/" (s.as_str())} { (s.label()) } }
                            td { code.url { (base) "/api/v1/alerts/" (s.as_str()) } }
                            td { (secrets.iter().filter(|x| x.source == s).count()) }
                        }
                    }
                }
            }
            p { a href="/admin/alerts/events" { "Alert history" } ": every alert received or refused, kept 30 days. "
                strong #filtered-count { (filtered) } " filtered false alarms (resolved before anyone published them)." }
        },
    )
}

/// One source's setup page. `new_url` is a secret URL just created (shown once).
pub fn source(
    nav: &Nav,
    source: AlertSource,
    base: &str,
    secrets: &[AlertSecret],
    new_url: Option<&str>,
    form: &FormState,
) -> Markup {
    let owner = nav.role == Role::Owner.as_str();
    let url = format!("{base}/api/v1/alerts/{}", source.as_str());
    let mine: Vec<&AlertSecret> = secrets.iter().filter(|s| s.source == source).collect();
    layout::admin(
        &format!("Alert source: {}", source.label()),
        nav,
        html! {
            (flash(form.error.as_deref(), form.notice.as_deref()))
            p { a href="/admin/alerts" { "← All alert sources" } }
            h2 { "URL" }
            p { "With an API key that has the editor role (" a href="/admin/keys" { "API keys" } "):" }
            p { code #source-url { (url) } }
            h2 { "Setup in " (source.label()) }
            pre.snippet #snippet { (snippet(source, &url)) }
            h2 { "Secret URLs" }
            p { "For tools that cannot send an Authorization header: the secret is part of the URL, shown once, stored hashed." }
            @if let Some(u) = new_url {
                div.flash.notice role="status" {
                    p { "Copy this URL now; its secret will not be shown again:" }
                    code.token #new-url { (u) }
                }
            }
            table.list.secrets {
                thead { tr { th { "Name" } th { "Secret starts" } th { "Created" } th { "Last used" } @if owner { th {} } } }
                tbody {
                    @for s in &mine {
                        tr data-secret=(s.name) {
                            td { (s.name) } td { code { (s.prefix) "…" } }
                            td { (when(s.created_at)) " by " (s.created_by) }
                            td { (s.last_used_at.map(when).unwrap_or_else(|| "never".into())) }
                            @if owner { td { a.button.danger href={"/admin/alerts/secrets/" (s.id) "/revoke"} { "Revoke…" } } }
                        }
                    }
                    @if mine.is_empty() { tr { td colspan="5" { "No secret URLs for " (source.label()) "." } } }
                }
            }
            @if owner {
                h3 { "New secret URL" }
                form #new-secret.stack method="post" action={"/admin/alerts/sources/" (source.as_str())} {
                    (csrf(nav.csrf))
                    label { "Name" input name="name" required maxlength="100" placeholder={"prod " (source.as_str())} value=(form.v("name")); (field_error(form, "name")) }
                    button type="submit" { "Create secret URL" }
                }
            } @else {
                p.hint { "Owners create and revoke secret URLs." }
            }
            @if editor(nav) {
                h2 { "Try it" }
                form #test-alert.inline method="post" action={"/admin/alerts/sources/" (source.as_str()) "/test"} {
                    (csrf(nav.csrf))
                    button type="submit" { "Send test alert" }
                    " A sample " (source.label()) " alert about your first component, titled “Test alert”; discard its draft afterwards."
                }
            }
        },
    )
}

/// Filters of the history page.
#[derive(Default)]
pub struct EventFilter {
    pub source: String,
    pub outcome: String,
}

/// Every alert received (and refused), newest first, and the drafts closed without
/// publishing: filtered false alarms and discards with their reasons.
pub fn events(
    nav: &Nav,
    events: &[&AlertEvent],
    tracked: &[TrackedAlert],
    discarded: &[DiscardedDraft],
    rules: &[AlertRule],
    f: &EventFilter,
) -> Markup {
    // Drafts no alert opened have no source: shown only when no source is picked.
    let discarded: &[DiscardedDraft] = if f.source.is_empty() { discarded } else { &[] };
    let filtered = tracked
        .iter()
        .filter(|t| t.state == TrackState::Filtered)
        .count();
    let closed: Vec<&TrackedAlert> = tracked
        .iter()
        .filter(|t| matches!(t.state, TrackState::Filtered | TrackState::Discarded))
        .filter(|t| f.source.is_empty() || t.source.as_str() == f.source)
        .collect();
    let rule_name = |id: &str| {
        rules
            .iter()
            .find(|r| r.id == id)
            .map_or("(deleted rule)".to_string(), |r| r.name.clone())
    };
    layout::admin(
        "Alert history",
        nav,
        html! {
            p { strong #filtered-count { (filtered) } " filtered false alarms: drafts resolved at the source before anyone published them. Alert bodies are kept 30 days." }
            form.inline.filters method="get" action="/admin/alerts/events" {
                label { "Source " select name="source" {
                    option value="" { "any" }
                    @for s in AlertSource::ALL { option value=(s.as_str()) selected[f.source == s.as_str()] { (s.label()) } }
                } }
                label { "Outcome " select name="outcome" {
                    option value="" { "any" }
                    @for o in OUTCOMES { option value=(o) selected[f.outcome == o] { (outcome_label(o)) } }
                } }
                button type="submit" { "Filter" }
            }
            @if f.outcome.is_empty() || f.outcome == "discarded" || f.outcome == "resolved_before_publishing" {
                h2 { "Drafts closed without publishing" }
                table.list.closed {
                    thead { tr { th { "Closed" } th { "Source" } th { "Alert" } th { "Why" } } }
                    tbody {
                        @for t in &closed {
                            tr data-closed=(t.key) {
                                td { (t.closed_at.map(when).unwrap_or_default()) }
                                td { (t.source.label()) }
                                td { (t.title) }
                                td { @match (&t.state, &t.discard_reason) {
                                    (TrackState::Discarded, Some(r)) => { "Discarded: " span.reason { (r) } },
                                    (TrackState::Discarded, None) => "Discarded",
                                    _ => "Resolved before publishing (filtered false alarm)",
                                } }
                            }
                        }
                        @for d in discarded {
                            tr data-closed=(d.id) {
                                td { (when(d.at)) }
                                td { "opened by " (d.opened_by) }
                                td { (d.title) }
                                td { "Discarded: " span.reason { (d.reason) " (" (d.by) ")" } }
                            }
                        }
                        @if closed.is_empty() && discarded.is_empty() { tr { td colspan="4" { "None." } } }
                    }
                }
            }
            h2 { "Alerts received" }
            table.list.history {
                thead { tr { th { "When" } th { "Source" } th { "Alert" } th { "Rule" } th { "Outcome" } } }
                tbody {
                    @for e in events {
                        tr data-outcome=(e.outcome) {
                            td { (when(e.at)) }
                            td { (e.source.label()) br; small { "via " (e.via) } }
                            td { (e.title)
                                @if !e.raw.is_empty() { details { summary { "Body as received" } pre.raw { (e.raw) } } } }
                            td { @match (&e.rule_id, e.outcome.as_str()) {
                                (Some(r), _) => (rule_name(r)),
                                (None, "unmatched" | "rejected") => "—",
                                (None, _) => "labels",
                            } }
                            td { (outcome_words(&e.outcome))
                                @if let Some(err) = &e.error { br; span.error { @if let Some(fl) = &e.field { code { (fl) } ": " } (err) } }
                                @if let Some(i) = &e.incident_id { br; a href={"/admin/drafts/" (i)} { "its draft or incident" } }
                                @if e.outcome == "unmatched" { br; a href={"/admin/alert-rules?from=" (e.id) "#new-rule"} { "Make a rule from this" } } }
                        }
                    }
                    @if events.is_empty() { tr { td colspan="5" { "No alerts match." } } }
                }
            }
        },
    )
}

fn outcome_label(o: &str) -> &'static str {
    match o {
        "discarded" => "discarded by a person",
        _ => outcome_words(o),
    }
}
