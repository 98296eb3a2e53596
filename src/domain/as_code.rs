//! Status as code: objects as slug-keyed field maps, the live configuration in that
//! shape, and the plan that turns one into the other. Pure: the store carries plans out.

use super::inbound::AlertRule;
use super::monitor_secrets::{SECRET_MASK, masked_check};
use super::{Component, Group, Monitor, Page, Subscriber, SubscriberKind, Template, validate};
use serde::Serialize;
use serde_json::{Map, Value, json};
use std::collections::{HashMap, HashSet};

/// The kinds of object a file describes, in the order they are created (deleted in reverse).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    Page,
    Group,
    Component,
    Monitor,
    Template,
    Subscriber,
    AlertRule,
}

/// The type a key's value must have.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Type {
    Str,
    Int,
    Bool,
    StrList,
    Table,
}

impl Kind {
    pub const ALL: [Kind; 7] = [
        Kind::Page,
        Kind::Group,
        Kind::Component,
        Kind::Monitor,
        Kind::Template,
        Kind::Subscriber,
        Kind::AlertRule,
    ];

    /// The array's name in the file.
    pub fn table(self) -> &'static str {
        match self {
            Kind::Page => "pages",
            Kind::Group => "groups",
            Kind::Component => "components",
            Kind::Monitor => "monitors",
            Kind::Template => "templates",
            Kind::Subscriber => "subscribers",
            Kind::AlertRule => "alert_rules",
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Kind::Page => "page",
            Kind::Group => "group",
            Kind::Component => "component",
            Kind::Monitor => "monitor",
            Kind::Template => "template",
            Kind::Subscriber => "subscriber",
            Kind::AlertRule => "alert rule",
        }
    }

    /// The keys an object may have besides `slug`, and their types.
    pub fn fields(self) -> &'static [(&'static str, Type)] {
        use Type::*;
        match self {
            Kind::Page => &[
                ("title", Str),
                ("audience", Str),
                ("time_zone", Str),
                ("custom_host", Str),
                ("allowed_domains", StrList),
                ("accent_color", Str),
            ],
            Kind::Group => &[
                ("name", Str),
                ("page", Str),
                ("position", Int),
                ("collapsed", Bool),
            ],
            Kind::Component => &[
                ("name", Str),
                ("description", Str),
                ("group", Str),
                ("pages", StrList),
                ("position", Int),
            ],
            Kind::Monitor => &[
                ("name", Str),
                ("kind", Str),
                ("target", Str),
                ("check", Table),
                ("interval_seconds", Int),
                ("cron", Str),
                ("timeout_ms", Int),
                ("failure_threshold", Int),
                ("recovery_threshold", Int),
                ("component", Str),
                ("on_down", Str),
                ("down_status", Str),
                ("severity", Str),
                ("paused", Bool),
                ("grace_seconds", Int),
            ],
            Kind::Template => &[
                ("name", Str),
                ("title", Str),
                ("status", Str),
                ("body", Str),
            ],
            Kind::Subscriber => &[
                ("kind", Str),
                ("url", Str),
                ("secret", Str),
                ("page", Str),
                ("components", StrList),
            ],
            Kind::AlertRule => &[
                ("name", Str),
                ("position", Int),
                ("source", Str),
                ("matchers", StrList),
                ("payload_components", Bool),
                ("page", Str),
                ("components", StrList),
                ("impact", Str),
                ("mode", Str),
                ("auto_publish_minutes", Int),
                ("tone", Str),
            ],
        }
    }

    /// Keys a new object needs.
    pub fn required(self) -> &'static [&'static str] {
        match self {
            Kind::Page => &["title"],
            Kind::Group | Kind::Component | Kind::AlertRule => &["name"],
            Kind::Monitor => &["name", "kind"],
            Kind::Template => &["name", "body"],
            Kind::Subscriber => &["url"],
        }
    }

    /// The words a key accepts, when it takes one of a fixed set (checked with the file's line).
    pub fn choices(self, key: &str) -> Option<Vec<String>> {
        fn words<T: Serialize>(all: &[T]) -> Option<Vec<String>> {
            let w = all.iter().filter_map(|v| match serde_json::to_value(v) {
                Ok(Value::String(s)) => Some(s),
                _ => None,
            });
            Some(w.collect())
        }
        let fixed = |w: &[&str]| Some(w.iter().map(|s| s.to_string()).collect());
        match (self, key) {
            (Kind::Page, "audience") => words(&super::Audience::ALL),
            (Kind::Monitor, "kind") => words(&super::monitor::MonitorKind::ALL),
            (Kind::Monitor, "on_down") => fixed(&["status", "draft", "publish"]),
            (Kind::Monitor, "down_status") => words(&super::ComponentStatus::ALL),
            (Kind::Monitor, "severity") | (Kind::AlertRule, "impact") => words(&super::Impact::ALL),
            (Kind::Subscriber, "kind") => words(&SubscriberKind::ALL[1..]),
            (Kind::AlertRule, "source") => words(&super::inbound::AlertSource::ALL),
            (Kind::AlertRule, "mode") => fixed(&["draft", "publish"]),
            (Kind::AlertRule, "tone") => words(&super::inbound::Tone::ALL),
            _ => None,
        }
    }

    /// Keys whose values are secrets: written as `env:NAME`, never shown in a plan.
    pub fn is_secret(self, key: &str) -> bool {
        matches!((self, key), (Kind::Subscriber, "secret"))
    }
}

/// One object: its kind, slug and fields (other objects named by slug).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Item {
    pub kind: Kind,
    pub slug: String,
    pub fields: Map<String, Value>,
}

impl Item {
    pub fn new(kind: Kind, slug: &str, fields: Value) -> Item {
        Item {
            kind,
            slug: slug.to_string(),
            fields: match fields {
                Value::Object(m) => m,
                _ => Map::new(),
            },
        }
    }
}

/// One field's change.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FieldChange {
    pub field: String,
    pub old: Value,
    pub new: Value,
}

/// One step of a plan.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum Action {
    Create {
        kind: Kind,
        slug: String,
        fields: Map<String, Value>,
    },
    Change {
        kind: Kind,
        slug: String,
        changes: Vec<FieldChange>,
    },
    Delete {
        kind: Kind,
        slug: String,
    },
}

impl Action {
    pub fn kind(&self) -> Kind {
        match self {
            Action::Create { kind, .. }
            | Action::Change { kind, .. }
            | Action::Delete { kind, .. } => *kind,
        }
    }

    pub fn slug(&self) -> &str {
        match self {
            Action::Create { slug, .. }
            | Action::Change { slug, .. }
            | Action::Delete { slug, .. } => slug,
        }
    }
}

/// Whether a desired value matches the live one; a masked secret matches anything.
fn same(desired: &Value, live: &Value) -> bool {
    match (desired, live) {
        (Value::String(s), _) if s == SECRET_MASK => true,
        (Value::Object(d), Value::Object(l)) => {
            d.len() == l.len()
                && d.iter()
                    .all(|(k, v)| l.get(k).is_some_and(|lv| same(v, lv)))
        }
        (Value::Array(d), Value::Array(l)) => {
            d.len() == l.len() && d.iter().zip(l).all(|(a, b)| same(a, b))
        }
        (Value::Null, Value::String(s)) | (Value::String(s), Value::Null) => s.is_empty(),
        _ => desired == live,
    }
}

/// The steps from `live` to `desired`: creates and changes in kind order, then (with
/// `prune`) deletes of live objects the file does not name, in reverse kind order. A key
/// the file leaves out keeps its live value.
pub fn plan(desired: &[Item], live: &[Item], prune: bool) -> Vec<Action> {
    let live_by: HashMap<(Kind, &str), &Item> = live
        .iter()
        .map(|i| ((i.kind, i.slug.as_str()), i))
        .collect();
    let mut actions = Vec::new();
    for kind in Kind::ALL {
        for d in desired.iter().filter(|d| d.kind == kind) {
            match live_by.get(&(kind, d.slug.as_str())) {
                None => actions.push(Action::Create {
                    kind,
                    slug: d.slug.clone(),
                    fields: d.fields.clone(),
                }),
                Some(l) => {
                    let changes: Vec<FieldChange> = d
                        .fields
                        .iter()
                        .filter_map(|(k, new)| {
                            let old = l.fields.get(k).cloned().unwrap_or(Value::Null);
                            (!same(new, &old)).then(|| FieldChange {
                                field: k.clone(),
                                old,
                                new: new.clone(),
                            })
                        })
                        .collect();
                    if !changes.is_empty() {
                        actions.push(Action::Change {
                            kind,
                            slug: d.slug.clone(),
                            changes,
                        });
                    }
                }
            }
        }
    }
    if prune {
        let wanted: HashSet<(Kind, &str)> =
            desired.iter().map(|d| (d.kind, d.slug.as_str())).collect();
        for kind in Kind::ALL.iter().rev() {
            for l in live.iter().filter(|l| l.kind == *kind) {
                // The default page is the one shown at `/`: it is never pruned.
                let default_page = l.kind == Kind::Page && l.slug == "default";
                if !default_page && !wanted.contains(&(l.kind, l.slug.as_str())) {
                    actions.push(Action::Delete {
                        kind: l.kind,
                        slug: l.slug.clone(),
                    });
                }
            }
        }
    }
    actions
}

fn shown(kind: Kind, key: &str, v: &Value) -> String {
    match v {
        _ if kind.is_secret(key) => "(secret)".into(),
        Value::Null => "(none)".into(),
        Value::Object(_) if key == "check" => masked_check(v).to_string(),
        other => other.to_string(),
    }
}

/// The plan as people read it: `+ create`, `~ change` with `field: old → new`, `- delete`.
pub fn render(actions: &[Action]) -> String {
    if actions.is_empty() {
        return "no changes: the live configuration matches the file\n".into();
    }
    let mut out = String::new();
    for a in actions {
        match a {
            Action::Create { kind, slug, fields } => {
                out.push_str(&format!("+ create {} {slug:?}\n", kind.name()));
                for (k, v) in fields {
                    out.push_str(&format!("    {k} = {}\n", shown(*kind, k, v)));
                }
            }
            Action::Change {
                kind,
                slug,
                changes,
            } => {
                out.push_str(&format!("~ change {} {slug:?}\n", kind.name()));
                for c in changes {
                    out.push_str(&format!(
                        "    {}: {} → {}\n",
                        c.field,
                        shown(*kind, &c.field, &c.old),
                        shown(*kind, &c.field, &c.new)
                    ));
                }
            }
            Action::Delete { kind, slug } => {
                out.push_str(&format!("- delete {} {slug:?}\n", kind.name()))
            }
        }
    }
    let n = |f: fn(&Action) -> bool| actions.iter().filter(|a| f(a)).count();
    out.push_str(&format!(
        "{} to create, {} to change, {} to delete\n",
        n(|a| matches!(a, Action::Create { .. })),
        n(|a| matches!(a, Action::Change { .. })),
        n(|a| matches!(a, Action::Delete { .. })),
    ));
    out
}

/// Slugs for records: the stored one, else one derived from the name, unique per kind
/// (records in id order, so the same data always gets the same slugs).
pub fn slugs<'a>(
    records: impl Iterator<Item = (&'a str, &'a str, &'a str)>,
) -> HashMap<String, String> {
    let mut recs: Vec<(&str, &str, &str)> = records.collect();
    recs.sort_by_key(|r| r.0);
    let mut used: HashSet<String> = recs
        .iter()
        .filter(|r| !r.1.is_empty())
        .map(|r| r.1.to_string())
        .collect();
    let mut out = HashMap::new();
    for (id, slug, name) in recs {
        let s = if slug.is_empty() {
            let base = validate::slugify(name);
            let mut s = base.clone();
            let mut n = 2;
            while used.contains(&s) {
                s = format!("{base}-{n}");
                n += 1;
            }
            used.insert(s.clone());
            s
        } else {
            slug.to_string()
        };
        out.insert(id.to_string(), s);
    }
    out
}

/// A slug for a new record named `name`, unique among `existing` (id, slug, name).
pub fn new_slug<'a>(
    existing: impl Iterator<Item = (&'a str, &'a str, &'a str)>,
    name: &str,
) -> String {
    let taken: HashSet<String> = slugs(existing).into_values().collect();
    let base = validate::slugify(name);
    let mut s = base.clone();
    let mut n = 2;
    while taken.contains(&s) {
        s = format!("{base}-{n}");
        n += 1;
    }
    s
}

/// The live records, as they would be written in a file.
pub struct Live<'a> {
    pub pages: &'a [Page],
    pub groups: &'a [Group],
    pub components: &'a [Component],
    pub monitors: &'a [Monitor],
    pub templates: &'a [Template],
    pub subscribers: &'a [Subscriber],
    pub alert_rules: &'a [AlertRule],
}

/// Drops nulls and empty strings/lists, which a file leaves out.
fn fields(v: Value) -> Value {
    match v {
        Value::Object(m) => Value::Object(
            m.into_iter()
                .filter(|(_, v)| {
                    !(v.is_null()
                        || v.as_str() == Some("")
                        || v.as_array().is_some_and(Vec::is_empty))
                })
                .collect(),
        ),
        other => other,
    }
}

/// Slugs of every referable record by id, for turning ids into slugs.
pub struct Slugs {
    pub pages: HashMap<String, String>,
    pub groups: HashMap<String, String>,
    pub components: HashMap<String, String>,
    pub monitors: HashMap<String, String>,
    pub templates: HashMap<String, String>,
    pub subscribers: HashMap<String, String>,
    pub alert_rules: HashMap<String, String>,
}

impl Slugs {
    pub fn of(l: &Live) -> Slugs {
        Slugs {
            pages: l
                .pages
                .iter()
                .map(|p| (p.id.clone(), p.slug.clone()))
                .collect(),
            groups: slugs(
                l.groups
                    .iter()
                    .map(|g| (g.id.as_str(), g.slug.as_str(), g.name.as_str())),
            ),
            components: slugs(
                l.components
                    .iter()
                    .map(|c| (c.id.as_str(), c.slug.as_str(), c.name.as_str())),
            ),
            monitors: slugs(
                l.monitors
                    .iter()
                    .map(|m| (m.id.as_str(), m.slug.as_str(), m.name.as_str())),
            ),
            templates: slugs(
                l.templates
                    .iter()
                    .map(|t| (t.id.as_str(), t.slug.as_str(), t.name.as_str())),
            ),
            subscribers: slugs(
                l.subscribers
                    .iter()
                    .filter(|s| s.kind != SubscriberKind::Email)
                    .map(|s| {
                        (
                            s.id.as_str(),
                            s.slug.as_str(),
                            s.url.as_deref().unwrap_or("hook"),
                        )
                    }),
            ),
            alert_rules: slugs(
                l.alert_rules
                    .iter()
                    .map(|r| (r.id.as_str(), r.slug.as_str(), r.name.as_str())),
            ),
        }
    }
}

fn slug_of(map: &HashMap<String, String>, id: &str) -> String {
    map.get(id).cloned().unwrap_or_else(|| id.to_string())
}

/// The live configuration as items; secrets stay in (the caller masks or references them).
pub fn live_items(l: &Live) -> Vec<Item> {
    let s = Slugs::of(l);
    let mut out = Vec::new();
    for p in l.pages {
        let v = json!({"title": p.title, "audience": p.audience, "time_zone": p.time_zone,
            "custom_host": p.custom_host, "allowed_domains": p.allowed_domains,
            "accent_color": p.accent_color});
        out.push(Item::new(Kind::Page, &p.slug, fields(v)));
    }
    for g in l.groups {
        let v = json!({"name": g.name, "page": slug_of(&s.pages, &g.page_id), "position": g.position, "collapsed": g.collapsed});
        out.push(Item::new(
            Kind::Group,
            &slug_of(&s.groups, &g.id),
            fields(v),
        ));
    }
    for c in l.components {
        let pages: Vec<String> = c.page_ids.iter().map(|p| slug_of(&s.pages, p)).collect();
        let v = json!({"name": c.name, "description": c.description,
            "group": c.group_id.as_ref().map(|g| slug_of(&s.groups, g)), "pages": pages, "position": c.position});
        out.push(Item::new(
            Kind::Component,
            &slug_of(&s.components, &c.id),
            fields(v),
        ));
    }
    for m in l.monitors {
        let check = match &m.check {
            Value::Object(o) if !o.is_empty() => m.check.clone(),
            _ => Value::Null,
        };
        let v = json!({"name": m.name, "kind": m.kind, "target": m.target, "check": check,
            "interval_seconds": m.interval_seconds, "cron": m.cron, "timeout_ms": m.timeout_ms,
            "failure_threshold": m.failure_threshold, "recovery_threshold": m.recovery_threshold,
            "component": m.component_id.as_ref().map(|c| slug_of(&s.components, c)),
            "on_down": m.on_down, "down_status": m.down_status, "severity": m.severity,
            "paused": m.paused, "grace_seconds": m.grace_seconds});
        out.push(Item::new(
            Kind::Monitor,
            &slug_of(&s.monitors, &m.id),
            fields(v),
        ));
    }
    for t in l.templates {
        let v = json!({"name": t.name, "title": t.title, "status": t.status, "body": t.body});
        out.push(Item::new(
            Kind::Template,
            &slug_of(&s.templates, &t.id),
            fields(v),
        ));
    }
    for sub in l
        .subscribers
        .iter()
        .filter(|s| s.kind != SubscriberKind::Email)
    {
        let comps: Vec<String> = sub
            .component_ids
            .iter()
            .map(|c| slug_of(&s.components, c))
            .collect();
        let v = json!({"kind": sub.kind, "url": sub.url, "secret": sub.secret,
            "page": slug_of(&s.pages, &sub.page_id), "components": comps});
        out.push(Item::new(
            Kind::Subscriber,
            &slug_of(&s.subscribers, &sub.id),
            fields(v),
        ));
    }
    for r in l.alert_rules {
        let comps: Vec<String> = r
            .component_ids
            .iter()
            .map(|c| slug_of(&s.components, c))
            .collect();
        let v = json!({"name": r.name, "position": r.position, "source": r.source,
            "matchers": r.matchers, "payload_components": r.payload_components,
            "page": r.page_id.as_ref().map(|p| slug_of(&s.pages, p)), "components": comps,
            "impact": r.impact, "mode": r.mode, "auto_publish_minutes": r.auto_publish_minutes,
            "tone": r.tone});
        out.push(Item::new(
            Kind::AlertRule,
            &slug_of(&s.alert_rules, &r.id),
            fields(v),
        ));
    }
    out
}

/// The environment variable an exported secret is read from.
pub fn secret_env_name(kind: Kind, slug: &str, key: &str) -> String {
    let up = |s: &str| {
        s.to_ascii_uppercase()
            .replace(|c: char| !c.is_ascii_alphanumeric(), "_")
    };
    format!("STATUSD_{}_{}_{}", up(kind.name()), up(slug), up(key))
}

/// Replaces secrets with `env:NAME` references (monitor credentials inside `check` too).
pub fn reference_secrets(items: &mut [Item]) {
    for item in items {
        let (kind, slug) = (item.kind, item.slug.clone());
        for (k, v) in item.fields.iter_mut() {
            if kind.is_secret(k) && v.is_string() {
                *v = Value::String(format!("env:{}", secret_env_name(kind, &slug, k)));
            }
            if kind == Kind::Monitor && k == "check" {
                let masked = masked_check(v);
                reference_masked(v, &masked, &mut vec![slug.clone()]);
            }
        }
    }
}

fn reference_masked(v: &mut Value, masked: &Value, path: &mut Vec<String>) {
    match (v, masked) {
        (Value::Object(o), Value::Object(m)) => {
            for (k, val) in o.iter_mut() {
                if let Some(mv) = m.get(k) {
                    path.push(k.clone());
                    reference_masked(val, mv, path);
                    path.pop();
                }
            }
        }
        (v, Value::String(m)) if m == SECRET_MASK => {
            let key = path[1..].join("_");
            *v = Value::String(format!(
                "env:{}",
                secret_env_name(Kind::Monitor, &path[0], &key)
            ));
        }
        _ => {}
    }
}

/// Resolves `env:NAME` strings through `lookup`; an unset variable becomes the mask,
/// which keeps the live secret. Returns the names that were unset.
pub fn resolve_secrets(items: &mut [Item], lookup: &dyn Fn(&str) -> Option<String>) -> Vec<String> {
    fn walk(v: &mut Value, lookup: &dyn Fn(&str) -> Option<String>, unset: &mut Vec<String>) {
        match v {
            Value::String(s) if s.starts_with("env:") => {
                let name = s["env:".len()..].to_string();
                *s = lookup(&name).unwrap_or_else(|| {
                    unset.push(name);
                    SECRET_MASK.to_string()
                });
            }
            Value::Object(o) => o.values_mut().for_each(|v| walk(v, lookup, unset)),
            Value::Array(a) => a.iter_mut().for_each(|v| walk(v, lookup, unset)),
            _ => {}
        }
    }
    let mut unset = Vec::new();
    for item in items {
        for v in item.fields.values_mut() {
            walk(v, lookup, &mut unset);
        }
    }
    unset
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(kind: Kind, slug: &str, v: Value) -> Item {
        Item::new(kind, slug, v)
    }

    /// Plans as text lines: `+ kind slug`, `~ kind slug field old new`, `- kind slug`.
    fn lines(actions: &[Action]) -> Vec<String> {
        actions
            .iter()
            .flat_map(|a| match a {
                Action::Create { kind, slug, .. } => vec![format!("+ {} {slug}", kind.name())],
                Action::Change {
                    kind,
                    slug,
                    changes,
                } => changes
                    .iter()
                    .map(|c| format!("~ {} {slug} {} {} {}", kind.name(), c.field, c.old, c.new))
                    .collect(),
                Action::Delete { kind, slug } => vec![format!("- {} {slug}", kind.name())],
            })
            .collect()
    }

    #[test]
    fn plan_table() {
        let api = |name: &str| item(Kind::Component, "api", json!({"name": name, "position": 0}));
        let group = item(Kind::Group, "core", json!({"name": "Core"}));
        let hook = |secret: &str| {
            item(
                Kind::Subscriber,
                "hook",
                json!({"url": "https://h.example", "secret": secret}),
            )
        };
        type Case<'a> = (&'a str, Vec<Item>, Vec<Item>, bool, Vec<&'a str>);
        let cases: Vec<Case> = vec![
            ("same", vec![api("API")], vec![api("API")], false, vec![]),
            (
                "new",
                vec![api("API")],
                vec![],
                false,
                vec!["+ component api"],
            ),
            (
                "renamed",
                vec![api("API v2")],
                vec![api("API")],
                false,
                vec![r#"~ component api name "API" "API v2""#],
            ),
            (
                "left-out key keeps live value",
                vec![item(Kind::Component, "api", json!({"name": "API"}))],
                vec![api("API")],
                false,
                vec![],
            ),
            ("gone, no prune", vec![], vec![api("API")], false, vec![]),
            (
                "gone, prune",
                vec![],
                vec![api("API")],
                true,
                vec!["- component api"],
            ),
            (
                "create in kind order, delete in reverse",
                vec![api("API"), group.clone()],
                vec![
                    item(Kind::Page, "old", json!({})),
                    item(Kind::Monitor, "m", json!({})),
                ],
                true,
                vec![
                    "+ group core",
                    "+ component api",
                    "- monitor m",
                    "- page old",
                ],
            ),
            (
                "masked secret keeps live",
                vec![hook(SECRET_MASK)],
                vec![hook("k1")],
                false,
                vec![],
            ),
            (
                "new secret",
                vec![hook("k2")],
                vec![hook("k1")],
                false,
                vec![r#"~ subscriber hook secret "k1" "k2""#],
            ),
            (
                "empty string equals absent",
                vec![item(Kind::Component, "api", json!({"description": ""}))],
                vec![item(Kind::Component, "api", json!({}))],
                false,
                vec![],
            ),
        ];
        for (name, desired, live, prune, want) in cases {
            assert_eq!(lines(&plan(&desired, &live, prune)), want, "{name}");
        }
    }

    #[test]
    fn rendering_hides_secrets_and_counts() {
        let actions = plan(
            &[Item::new(
                Kind::Subscriber,
                "hook",
                json!({"url": "https://h.example", "secret": "k2"}),
            )],
            &[Item::new(
                Kind::Subscriber,
                "hook",
                json!({"url": "https://h.example", "secret": "k1"}),
            )],
            false,
        );
        let text = render(&actions);
        assert_eq!(
            text,
            "~ change subscriber \"hook\"\n    secret: (secret) → (secret)\n0 to create, 1 to change, 0 to delete\n"
        );
        assert!(render(&[]).starts_with("no changes"));
    }

    #[test]
    fn slugs_are_stable_and_unique() {
        let recs = [("02", "", "API"), ("01", "", "API"), ("03", "api", "Other")];
        let s = slugs(recs.into_iter());
        assert_eq!(
            (s["01"].as_str(), s["02"].as_str(), s["03"].as_str()),
            ("api-2", "api-3", "api")
        );
        assert_eq!(new_slug(recs.into_iter(), "API"), "api-4");
        assert_eq!(new_slug(recs.into_iter(), "Web"), "web");
    }

    #[test]
    fn secrets_become_references_and_resolve_back() {
        let mut items = vec![
            Item::new(
                Kind::Subscriber,
                "ops-hook",
                json!({"url": "https://h", "secret": "k1"}),
            ),
            Item::new(
                Kind::Monitor,
                "api",
                json!({"check": {"bearer_token": "t0k", "method": "GET"}}),
            ),
        ];
        reference_secrets(&mut items);
        assert_eq!(
            items[0].fields["secret"],
            "env:STATUSD_SUBSCRIBER_OPS_HOOK_SECRET"
        );
        assert_eq!(
            items[1].fields["check"]["bearer_token"],
            "env:STATUSD_MONITOR_API_BEARER_TOKEN"
        );
        assert_eq!(items[1].fields["check"]["method"], "GET");
        let unset = resolve_secrets(&mut items, &|n| {
            (n == "STATUSD_SUBSCRIBER_OPS_HOOK_SECRET").then(|| "k9".to_string())
        });
        assert_eq!(items[0].fields["secret"], "k9");
        assert_eq!(items[1].fields["check"]["bearer_token"], SECRET_MASK);
        assert_eq!(unset, ["STATUSD_MONITOR_API_BEARER_TOKEN"]);
    }
}
