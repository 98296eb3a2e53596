//! Alert mapping rules in words: the list in the order they are tried, a form to create
//! or edit one, and the unmatched alerts with "Make a rule from this".

use super::managed::{badge, note};
use super::{FormState, component_name, csrf, editor, field_error, invalid, when};
use crate::domain::alert_lifecycle::AlertEvent;
use crate::domain::inbound::{AlertRule, AlertSource, RuleMode, Tone};
use crate::domain::{Component, Impact};
use crate::views::layout::{self, Nav, flash};
use maud::{Markup, html};

/// The values a rule form shows (a rule, an unmatched alert, or what was posted).
#[derive(Default, Clone)]
pub struct RuleValues {
    pub name: String,
    pub matchers: String,
    pub source: String,
    pub payload_components: bool,
    pub component_ids: Vec<String>,
    pub impact: String,
    pub mode: String,
    pub auto_publish_minutes: String,
    pub tone: String,
}

impl RuleValues {
    pub fn of_rule(r: &AlertRule) -> Self {
        RuleValues {
            name: r.name.clone(),
            matchers: r.matchers.join("\n"),
            source: r.source.map(|s| s.as_str().to_string()).unwrap_or_default(),
            payload_components: r.payload_components,
            component_ids: r.component_ids.clone(),
            impact: r.impact.map(|i| i.as_str().to_string()).unwrap_or_default(),
            mode: if r.mode == RuleMode::Publish {
                "publish"
            } else {
                "draft"
            }
            .into(),
            auto_publish_minutes: r
                .auto_publish_minutes
                .map(|m| m.to_string())
                .unwrap_or_default(),
            tone: r.tone.map(|t| t.as_str().to_string()).unwrap_or_default(),
        }
    }

    /// A rule proposed from an unmatched alert: its name (or labels) and its source.
    pub fn of_event(e: &AlertEvent, components: &[Component]) -> Self {
        let matchers: Vec<String> = match e.labels.get("alertname") {
            Some(n) => vec![format!("alertname={n:?}")],
            None => e.labels.iter().map(|(k, v)| format!("{k}={v:?}")).collect(),
        };
        let wanted = e
            .labels
            .get("statusd_component")
            .or(e.labels.get("service"));
        RuleValues {
            name: if e.title.is_empty() {
                format!("{} alerts", e.source.label())
            } else {
                e.title.clone()
            },
            matchers: matchers.join("\n"),
            source: e.source.as_str().into(),
            component_ids: wanted
                .and_then(|w| {
                    components
                        .iter()
                        .find(|c| c.id == *w || c.name.eq_ignore_ascii_case(w))
                })
                .map(|c| vec![c.id.clone()])
                .unwrap_or_default(),
            ..Default::default()
        }
    }
}

fn conditions(r: &AlertRule) -> String {
    let mut parts: Vec<String> = r.matchers.clone();
    if let Some(s) = r.source {
        parts.push(format!("from {}", s.label()));
    }
    if r.payload_components {
        parts.push("the components the payload names".into());
    }
    parts.join(" and ")
}

fn outcome(r: &AlertRule) -> String {
    let mut s = String::from(if r.mode == RuleMode::Publish {
        "publish at once"
    } else {
        "open a draft"
    });
    if let Some(i) = r.impact {
        s.push_str(&format!(", {} impact", i.as_str()));
    }
    if let Some(m) = r.auto_publish_minutes {
        s.push_str(&format!(", publish if still firing after {m} min"));
    }
    s
}

/// The rule form; `action` is where it posts.
pub fn rule_form(
    nav: &Nav,
    action: &str,
    v: &RuleValues,
    components: &[Component],
    form: &FormState,
    button: &str,
) -> Markup {
    html! {
        form #rule-form.stack method="post" action=(action) {
            (csrf(nav.csrf))
            label { "Name" input name="name" required maxlength="200" value=(v.name) aria-invalid=[invalid(form, "name")]; (field_error(form, "name")) }
            label { span { "Label matchers, one per line: " code { "service=\"api\"" } ", " code { "severity=~\"critical|page\"" } ", " code { "env!=\"staging\"" } " or a bare label name" }
                textarea name="matchers" rows="3" aria-invalid=[invalid(form, "matchers")] { (v.matchers) } (field_error(form, "matchers")) }
            label { "Only alerts from" select name="source" {
                option value="" { "any source" }
                @for s in AlertSource::ALL { option value=(s.as_str()) selected[v.source == s.as_str()] { (s.label()) } }
            } (field_error(form, "source")) }
            label.check { input type="checkbox" name="payload_components" value="on" checked[v.payload_components]; "Also use the component ids the alert itself names" }
            fieldset {
                legend { "Components it is about" }
                (field_error(form, "component_ids"))
                @for c in components {
                    label.check { input type="checkbox" name="component_ids" value=(c.id) checked[v.component_ids.contains(&c.id)]; (c.name) }
                }
            }
            label { "Impact" select name="impact" {
                option value="" { "from the alert's severity" }
                @for i in Impact::ALL { option value=(i.as_str()) selected[v.impact == i.as_str()] { (i.as_str()) } }
            } }
            label { "Then" select name="mode" {
                option value="draft" selected[v.mode != "publish"] { "open a draft for a person to publish" }
                option value="publish" selected[v.mode == "publish"] { "publish at once and notify subscribers" }
            } }
            label { "Publish a draft still firing after (minutes; empty: never)"
                input name="auto_publish_minutes" inputmode="numeric" value=(v.auto_publish_minutes) aria-invalid=[invalid(form, "auto_publish_minutes")];
                (field_error(form, "auto_publish_minutes")) }
            label { "Tone of the text" select name="tone" {
                option value="" { "professional (default)" }
                @for t in Tone::ALL { option value=(t.as_str()) selected[v.tone == t.as_str()] { (t.as_str()) } }
            } }
            button type="submit" { (button) }
        }
    }
}

/// Alerts whose latest notification matched nothing (one per source and key), newest
/// first: once a rule routes a later one, the alert leaves the list.
pub fn unmatched(events: &[AlertEvent]) -> Vec<&AlertEvent> {
    let mut seen: Vec<(&str, &str)> = Vec::new();
    let mut out: Vec<&AlertEvent> = Vec::new();
    for e in events.iter().filter(|e| e.outcome != "rejected") {
        let id = (e.source.as_str(), e.key.as_str());
        if seen.contains(&id) {
            continue;
        }
        seen.push(id);
        if e.outcome == "unmatched" {
            out.push(e);
        }
    }
    out
}

/// The rules page: unmatched alerts, the rules in order, and the new-rule form.
pub fn rules(
    nav: &Nav,
    rules: &[AlertRule],
    unmatched: &[&AlertEvent],
    components: &[Component],
    v: &RuleValues,
    form: &FormState,
) -> Markup {
    let last = rules.len().saturating_sub(1);
    layout::admin(
        "Alert rules",
        nav,
        html! {
            (flash(form.error.as_deref(), form.notice.as_deref()))
            p { "Rules are tried from the top; the first whose conditions all hold decides the components, impact and what happens. "
                "Without a matching rule, a " code { "statusd_component" } " label (component id or name) and a " code { "severity" } " label route the alert." }
            h2 #unmatched { "Unmatched alerts (" (unmatched.len()) ")" }
            @if unmatched.is_empty() { p.empty { "None: every alert received was routed." } }
            ul.unmatched {
                @for e in unmatched {
                    li data-unmatched=(e.key) {
                        strong { (e.title) } " · " (e.source.label()) " · " (when(e.at)) br;
                        code { (e.labels.iter().map(|(k, val)| format!("{k}={val:?}")).collect::<Vec<_>>().join(" ")) }
                        @if editor(nav) { " " a href={"/admin/alert-rules?from=" (e.id) "#new-rule"} { "Make a rule from this" } }
                    }
                }
            }
            h2 #rules { "Rules" }
            table.list.rules {
                thead { tr { th { "#" } th { "Rule" } th { "When" } th { "Components" } th { "Then" } @if editor(nav) { th { "Actions" } } } }
                tbody {
                    @for (n, r) in rules.iter().enumerate() {
                        tr data-rule=(r.name) {
                            td { (n + 1) }
                            td { (r.name) (badge(r.managed_by_config)) }
                            td { (conditions(r)) }
                            td { (r.component_ids.iter().map(|c| component_name(components, c)).collect::<Vec<_>>().join(", ")) }
                            td { (outcome(r)) }
                            @if editor(nav) {
                                td.actions {
                                    @if n > 0 { form.inline method="post" action={"/admin/alert-rules/" (r.id) "/move"} { (csrf(nav.csrf)) input type="hidden" name="direction" value="up"; button.link type="submit" aria-label={"Move " (r.name) " up"} { "↑" } } }
                                    @if n < last { form.inline method="post" action={"/admin/alert-rules/" (r.id) "/move"} { (csrf(nav.csrf)) input type="hidden" name="direction" value="down"; button.link type="submit" aria-label={"Move " (r.name) " down"} { "↓" } } }
                                    a href={"/admin/alert-rules/" (r.id)} { "Edit" }
                                    " " a.button.danger href={"/admin/alert-rules/" (r.id) "/delete"} { "Delete…" }
                                }
                            }
                        }
                    }
                    @if rules.is_empty() { tr { td colspan="6" { "No rules yet: labels route alerts." } } }
                }
            }
            @if editor(nav) {
                h2 #new-rule { "New rule" }
                (rule_form(nav, "/admin/alert-rules", v, components, form, "Add rule"))
            }
        },
    )
}

/// One rule's edit page.
pub fn edit(
    nav: &Nav,
    r: &AlertRule,
    v: &RuleValues,
    components: &[Component],
    form: &FormState,
) -> Markup {
    layout::admin(
        &format!("Rule: {}", r.name),
        nav,
        html! {
            (flash(form.error.as_deref(), form.notice.as_deref()))
            p { a href="/admin/alert-rules" { "← All rules" } }
            (note(r.managed_by_config, "alert rule"))
            @if editor(nav) {
                (rule_form(nav, &format!("/admin/alert-rules/{}", r.id), v, components, form, "Save rule"))
            } @else {
                p { (conditions(r)) " → " (outcome(r)) }
            }
        },
    )
}
