//! Inbound alerts: the common shape every source adapter produces, the mapping rules that
//! route an alert to a page, components and severity, and the no-rule default.

use super::{Component, ComponentStatus, Impact};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Where an alert came from; each has its own endpoint and adapter.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum AlertSource {
    Generic,
    Alertmanager,
    Grafana,
    Pagerduty,
    Opsgenie,
}

impl AlertSource {
    pub const ALL: [AlertSource; 5] = [
        AlertSource::Generic,
        AlertSource::Alertmanager,
        AlertSource::Grafana,
        AlertSource::Pagerduty,
        AlertSource::Opsgenie,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            AlertSource::Generic => "generic",
            AlertSource::Alertmanager => "alertmanager",
            AlertSource::Grafana => "grafana",
            AlertSource::Pagerduty => "pagerduty",
            AlertSource::Opsgenie => "opsgenie",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            AlertSource::Generic => "Generic webhook",
            AlertSource::Alertmanager => "Prometheus Alertmanager",
            AlertSource::Grafana => "Grafana",
            AlertSource::Pagerduty => "PagerDuty",
            AlertSource::Opsgenie => "Opsgenie",
        }
    }
}

impl std::str::FromStr for AlertSource {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        AlertSource::ALL
            .into_iter()
            .find(|x| x.as_str() == s.trim().to_ascii_lowercase())
            .ok_or_else(|| {
                format!("unknown source {s:?}; expected generic, alertmanager, grafana, pagerduty or opsgenie")
            })
    }
}

/// What the source says about the alert.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AlertStatus {
    Firing,
    Resolved,
    /// Acknowledged, a note added: recorded, changes nothing.
    Noted,
}

/// The writing style of the draft text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Tone {
    #[default]
    Professional,
    Friendly,
    Minimal,
}

impl Tone {
    pub const ALL: [Tone; 3] = [Tone::Professional, Tone::Friendly, Tone::Minimal];
    pub fn as_str(self) -> &'static str {
        match self {
            Tone::Professional => "professional",
            Tone::Friendly => "friendly",
            Tone::Minimal => "minimal",
        }
    }
}

impl std::str::FromStr for Tone {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Tone::ALL
            .into_iter()
            .find(|t| t.as_str() == s.trim().to_ascii_lowercase())
            .ok_or_else(|| {
                format!("unknown tone {s:?}; expected professional, friendly or minimal")
            })
    }
}

/// One alert as any source's adapter hands it over.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Alert {
    pub source: Option<AlertSource>,
    /// The deduplication key: fingerprint, group key, PagerDuty incident id or Opsgenie alias.
    pub key: String,
    pub status: Option<AlertStatus>,
    pub labels: BTreeMap<String, String>,
    pub annotations: BTreeMap<String, String>,
    /// The team's own name for the alert (never shown publicly as is).
    pub title: String,
    pub starts_at: Option<DateTime<Utc>>,
    pub ends_at: Option<DateTime<Utc>>,
    /// Component ids the payload names itself (generic payloads).
    pub component_ids: Vec<String>,
    /// Page id or slug the payload names.
    pub page: Option<String>,
    pub severity: Option<String>,
    /// Free alert text (generic `raw_input`).
    pub raw_input: Option<String>,
    pub tone: Option<Tone>,
    pub generate_ai: bool,
    /// Keys of the single alerts of a group (Alertmanager/Grafana fingerprints).
    pub members: Vec<String>,
    /// Label values of the group's other alerts (never shown publicly either).
    pub other_values: Vec<String>,
}

impl Alert {
    pub fn is_firing(&self) -> bool {
        self.status == Some(AlertStatus::Firing)
    }

    /// Every text the source sent, for the effect guess.
    pub fn texts(&self) -> String {
        let mut s = self.title.clone();
        for v in self
            .annotations
            .values()
            .chain(self.labels.get("alertname"))
        {
            s.push(' ');
            s.push_str(v);
        }
        if let Some(r) = &self.raw_input {
            s.push(' ');
            s.push_str(r);
        }
        s
    }
}

/// One condition of a rule on a label, in Alertmanager's matcher syntax:
/// `name="value"`, `name!="value"`, `name=~"regex"`, `name!~"regex"`, or `name` (present).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Matcher {
    pub label: String,
    pub op: MatchOp,
    pub value: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MatchOp {
    Eq,
    NotEq,
    Regex,
    NotRegex,
    Present,
}

impl Matcher {
    /// Parses one matcher; the regex is anchored like Alertmanager's.
    pub fn parse(s: &str) -> Result<Matcher, String> {
        let s = s.trim();
        let name_end = s
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(s.len());
        let label = &s[..name_end];
        if label.is_empty() {
            return Err(format!(
                "{s:?}: a matcher starts with a label name, e.g. severity=\"critical\""
            ));
        }
        let rest = s[name_end..].trim_start();
        if rest.is_empty() {
            return Ok(Matcher {
                label: label.into(),
                op: MatchOp::Present,
                value: String::new(),
            });
        }
        let (op, v) = [
            ("!~", MatchOp::NotRegex),
            ("=~", MatchOp::Regex),
            ("!=", MatchOp::NotEq),
            ("=", MatchOp::Eq),
        ]
        .into_iter()
        .find_map(|(p, op)| rest.strip_prefix(p).map(|v| (op, v.trim())))
        .ok_or_else(|| format!("{s:?}: expected =, !=, =~ or !~ after {label}"))?;
        let value = v
            .strip_prefix('"')
            .and_then(|v| v.strip_suffix('"'))
            .unwrap_or(v)
            .replace("\\\"", "\"");
        let m = Matcher {
            label: label.into(),
            op,
            value,
        };
        if matches!(op, MatchOp::Regex | MatchOp::NotRegex) {
            m.regex()
                .map_err(|e| format!("{s:?}: bad regular expression: {e}"))?;
        }
        Ok(m)
    }

    fn regex(&self) -> Result<regex::Regex, regex::Error> {
        regex::RegexBuilder::new(&format!("^(?:{})$", self.value))
            .size_limit(1 << 20)
            .build()
    }

    pub fn matches(&self, labels: &BTreeMap<String, String>) -> bool {
        let v = labels.get(&self.label);
        match self.op {
            MatchOp::Present => v.is_some(),
            MatchOp::Eq => v.is_some_and(|v| *v == self.value),
            MatchOp::NotEq => v.is_none_or(|v| *v != self.value),
            MatchOp::Regex => v.is_some_and(|v| self.regex().is_ok_and(|r| r.is_match(v))),
            MatchOp::NotRegex => !v.is_some_and(|v| self.regex().is_ok_and(|r| r.is_match(v))),
        }
    }
}

impl std::fmt::Display for Matcher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let op = match self.op {
            MatchOp::Present => return f.write_str(&self.label),
            MatchOp::Eq => "=",
            MatchOp::NotEq => "!=",
            MatchOp::Regex => "=~",
            MatchOp::NotRegex => "!~",
        };
        write!(
            f,
            "{}{op}\"{}\"",
            self.label,
            self.value.replace('"', "\\\"")
        )
    }
}

/// Draft for review (default) or published at once.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RuleMode {
    #[default]
    Draft,
    Publish,
}

/// A mapping rule: which alerts it takes (all conditions hold) and where they go.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, utoipa::ToSchema)]
pub struct AlertRule {
    pub id: String,
    pub name: String,
    /// Rules are tried by position, then by creation; the first match wins.
    #[serde(default)]
    pub position: i64,
    /// Only alerts from this source (any source when absent).
    #[serde(default)]
    pub source: Option<AlertSource>,
    /// Label matchers, e.g. `statusd_component="api"`, `severity=~"critical|page"`.
    #[serde(default)]
    pub matchers: Vec<String>,
    /// Matches only alerts that name component ids themselves, and uses those ids.
    #[serde(default)]
    pub payload_components: bool,
    /// Page id or slug (the components' first page when absent).
    #[serde(default)]
    pub page_id: Option<String>,
    #[serde(default)]
    pub component_ids: Vec<String>,
    /// Severity of the incident (from the alert's `severity` when absent).
    #[serde(default)]
    pub impact: Option<Impact>,
    #[serde(default)]
    pub mode: RuleMode,
    /// Publishes a draft still firing after this many minutes (off when absent).
    #[serde(default)]
    pub auto_publish_minutes: Option<u32>,
    #[serde(default)]
    pub tone: Option<Tone>,
    /// Stable name in status-as-code files (`statusd apply`); backfilled from the name.
    #[serde(default)]
    pub slug: String,
    /// Written by `statusd apply`: the admin warns before changing it by hand.
    #[serde(default)]
    pub managed_by_config: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl AlertRule {
    /// Whether the rule takes this alert (matchers that fail to parse never match).
    pub fn takes(&self, a: &Alert) -> bool {
        self.source.is_none_or(|s| a.source == Some(s))
            && (!self.payload_components || !a.component_ids.is_empty())
            && self
                .matchers
                .iter()
                .all(|m| Matcher::parse(m).is_ok_and(|m| m.matches(&a.labels)))
    }
}

/// Where an alert goes.
#[derive(Debug, Clone, PartialEq)]
pub struct Route {
    pub rule_id: Option<String>,
    pub page: Option<String>,
    pub components: Vec<(String, ComponentStatus)>,
    pub impact: Impact,
    pub publish: bool,
    pub auto_publish_minutes: Option<u32>,
    pub tone: Tone,
}

/// An alert severity word as an impact: `critical|major|minor|warning|info` and friends.
pub fn impact_of_severity(s: &str) -> Option<Impact> {
    match s.trim().to_ascii_lowercase().as_str() {
        "critical" | "crit" | "p1" | "fatal" | "emergency" => Some(Impact::Critical),
        "major" | "high" | "error" | "page" | "p2" => Some(Impact::Major),
        "minor" | "warning" | "warn" | "medium" | "low" | "p3" | "p4" => Some(Impact::Minor),
        "info" | "none" | "p5" => Some(Impact::None),
        _ => None,
    }
}

/// Routes an alert: the first rule that takes it, else the `statusd_component` label
/// (id or name) or the payload's own component ids. `None`: unmatched.
pub fn route(a: &Alert, rules: &[AlertRule], components: &[Component]) -> Option<Route> {
    let mut ordered: Vec<&AlertRule> = rules.iter().collect();
    ordered.sort_by(|x, y| x.position.cmp(&y.position).then(x.id.cmp(&y.id)));
    let severity = a
        .severity
        .as_deref()
        .or(a.labels.get("severity").map(String::as_str))
        .and_then(impact_of_severity);
    let tone = a.tone.unwrap_or_default();
    if let Some(r) = ordered.into_iter().find(|r| r.takes(a)) {
        let impact = r.impact.or(severity).unwrap_or(Impact::Minor);
        let mut ids = r.component_ids.clone();
        if r.payload_components {
            ids.extend(a.component_ids.iter().cloned());
        }
        ids.dedup();
        return Some(Route {
            rule_id: Some(r.id.clone()),
            page: r.page_id.clone().or_else(|| a.page.clone()),
            components: with_status(ids, impact),
            impact,
            publish: r.mode == RuleMode::Publish,
            auto_publish_minutes: r.auto_publish_minutes,
            tone: a.tone.or(r.tone).unwrap_or_default(),
        });
    }
    let impact = severity.unwrap_or(Impact::Minor);
    let ids: Vec<String> = match a.labels.get("statusd_component") {
        Some(want) => {
            let w = want.trim();
            let c = components
                .iter()
                .find(|c| c.id == w)
                .or_else(|| components.iter().find(|c| c.name.eq_ignore_ascii_case(w)))?;
            vec![c.id.clone()]
        }
        None if !a.component_ids.is_empty() => a.component_ids.clone(),
        None => return None,
    };
    Some(Route {
        rule_id: None,
        page: a.page.clone(),
        components: with_status(ids, impact),
        impact,
        publish: false,
        auto_publish_minutes: None,
        tone,
    })
}

fn with_status(ids: Vec<String>, impact: Impact) -> Vec<(String, ComponentStatus)> {
    let status = impact.default_component_status();
    let mut out: Vec<(String, ComponentStatus)> = Vec::new();
    for id in ids {
        if !out.iter().any(|(x, _)| *x == id) {
            out.push((id, status));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    type Pairs = &'static [(&'static str, &'static str)];

    fn labels(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    fn alert(pairs: &[(&str, &str)]) -> Alert {
        Alert {
            source: Some(AlertSource::Alertmanager),
            key: "k".into(),
            status: Some(AlertStatus::Firing),
            labels: labels(pairs),
            ..Default::default()
        }
    }

    fn rule(id: &str, pos: i64, matchers: &[&str], comps: &[&str]) -> AlertRule {
        let t = chrono::DateTime::UNIX_EPOCH;
        AlertRule {
            id: id.into(),
            name: id.into(),
            position: pos,
            source: None,
            matchers: matchers.iter().map(|s| s.to_string()).collect(),
            payload_components: false,
            page_id: None,
            component_ids: comps.iter().map(|s| s.to_string()).collect(),
            impact: None,
            mode: RuleMode::Draft,
            auto_publish_minutes: None,
            tone: None,
            slug: id.into(),
            managed_by_config: false,
            created_at: t,
            updated_at: t,
        }
    }

    fn component(id: &str, name: &str) -> Component {
        serde_json::from_value(serde_json::json!({
            "id": id, "name": name, "page_ids": ["p"], "status": "operational",
            "position": 0, "created_at": "2026-11-23T10:00:00Z", "updated_at": "2026-11-23T10:00:00Z",
        }))
        .unwrap()
    }

    #[test]
    fn matchers_parse_and_match_like_alertmanager() {
        let l = labels(&[("severity", "page"), ("service", "api"), ("env", "prod")]);
        let cases: &[(&str, bool)] = &[
            ("service=\"api\"", true),
            ("service = \"api\"", true),
            ("service=api", true),
            ("service=\"ap\"", false),
            ("service!=\"api\"", false),
            ("severity=~\"critical|page\"", true),
            ("severity=~\"pag\"", false),
            ("severity!~\"critical\"", true),
            ("service", true),
            ("team", false),
            ("team!=\"x\"", true),
        ];
        for (m, want) in cases {
            let parsed = Matcher::parse(m).unwrap();
            assert_eq!(parsed.matches(&l), *want, "{m}");
            assert_eq!(
                Matcher::parse(&parsed.to_string()).unwrap(),
                parsed,
                "{m} round trip"
            );
        }
        for bad in ["", "=\"x\"", "a~x", "a=~\"(\""] {
            assert!(Matcher::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn first_matching_rule_by_position_wins() {
        let rules = vec![
            rule("r2", 2, &["service=\"api\""], &["c2"]),
            rule("r1", 1, &["severity=~\"critical|page\""], &["c1"]),
            rule("r0", 0, &["service=\"db\""], &["c0"]),
        ];
        let cases: &[(Pairs, Option<&str>)] = &[
            (&[("service", "api"), ("severity", "page")], Some("r1")),
            (&[("service", "api")], Some("r2")),
            (&[("service", "db"), ("severity", "critical")], Some("r0")),
            (&[("service", "web")], None),
        ];
        for (l, want) in cases {
            let r = route(&alert(l), &rules, &[]);
            assert_eq!(r.and_then(|r| r.rule_id).as_deref(), *want, "{l:?}");
        }
    }

    #[test]
    fn source_and_payload_component_rules() {
        let mut by_source = rule("src", 0, &[], &["c1"]);
        by_source.source = Some(AlertSource::Pagerduty);
        by_source.mode = RuleMode::Publish;
        let mut payload = rule("pay", 1, &[], &[]);
        payload.payload_components = true;
        let rules = vec![by_source, payload];
        let mut a = alert(&[]);
        assert_eq!(route(&a, &rules, &[]), None);
        a.component_ids = vec!["x".into()];
        let r = route(&a, &rules, &[]).unwrap();
        assert_eq!(r.rule_id.as_deref(), Some("pay"));
        assert_eq!(
            r.components,
            vec![("x".into(), ComponentStatus::DegradedPerformance)]
        );
        a.source = Some(AlertSource::Pagerduty);
        let r = route(&a, &rules, &[]).unwrap();
        assert_eq!((r.rule_id.as_deref(), r.publish), (Some("src"), true));
    }

    #[test]
    fn without_a_rule_the_statusd_component_and_severity_labels_route() {
        let comps = vec![component("c1", "API"), component("c2", "Sign-in")];
        let cases: &[(Pairs, Option<(&str, Impact)>)] = &[
            (
                &[("statusd_component", "c1"), ("severity", "critical")],
                Some(("c1", Impact::Critical)),
            ),
            (
                &[("statusd_component", "sign-in"), ("severity", "warning")],
                Some(("c2", Impact::Minor)),
            ),
            (
                &[("statusd_component", "API"), ("severity", "info")],
                Some(("c1", Impact::None)),
            ),
            (
                &[("statusd_component", "API"), ("severity", "major")],
                Some(("c1", Impact::Major)),
            ),
            (&[("statusd_component", "API")], Some(("c1", Impact::Minor))),
            (&[("statusd_component", "billing")], None),
            (&[("severity", "critical")], None),
        ];
        for (l, want) in cases {
            let got = route(&alert(l), &[], &comps).map(|r| (r.components[0].0.clone(), r.impact));
            assert_eq!(got, want.map(|(c, i)| (c.to_string(), i)), "{l:?}");
        }
    }
}
