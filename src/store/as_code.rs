//! Status as code on the data file: the live configuration as items, and a plan that is
//! worked out and carried out inside one write transaction (all or nothing).

use super::alert_rules::{delete_alert_rule_in, put_alert_rule_in};
use super::{
    AlertRuleInput, ComponentPatch, GroupPatch, MonitorInput, NewComponent, NewGroup, NewPage,
    NewSubscriber, PagePatch, Store, SubscribeSource, SubscriberPatch, TemplateInput, all, get,
    tables,
};
use crate::domain::as_code::{
    Action, Item, Kind, Live, Slugs, live_items, plan, reference_secrets, resolve_secrets,
};
use crate::domain::as_code_file::{Located, check_plan, parse, write};
use crate::domain::inbound::AlertRule;
use crate::domain::{Component, Group, Monitor, MonitorKind, Page, Subscriber, Template};
use crate::error::{AppError, AppResult};
use redb::{TableDefinition, WriteTransaction};
use serde::{Serialize, de::DeserializeOwned};
use serde_json::{Map, Value, json};
use std::collections::HashMap;

/// A file's plan: what would change, and whether it was carried out.
#[derive(Debug, Clone, Serialize)]
pub struct ConfigPlan {
    pub actions: Vec<Action>,
    /// `env:` references that were unset (their live secrets are kept).
    pub unset_env: Vec<String>,
    pub applied: bool,
}

struct Records {
    pages: Vec<Page>,
    groups: Vec<Group>,
    components: Vec<Component>,
    monitors: Vec<Monitor>,
    templates: Vec<Template>,
    subscribers: Vec<Subscriber>,
    alert_rules: Vec<AlertRule>,
}

macro_rules! read_records {
    ($txn:expr) => {
        Records {
            pages: all(&$txn.open_table(tables::PAGES)?)?,
            groups: all(&$txn.open_table(tables::GROUPS)?)?,
            components: all(&$txn.open_table(tables::COMPONENTS)?)?,
            monitors: all(&$txn.open_table(tables::MONITORS)?)?,
            templates: all(&$txn.open_table(tables::TEMPLATES)?)?,
            subscribers: all(&$txn.open_table(tables::SUBSCRIBERS)?)?,
            alert_rules: all(&$txn.open_table(tables::ALERT_RULES)?)?,
        }
    };
}

impl Records {
    fn live(&self) -> Live<'_> {
        Live {
            pages: &self.pages,
            groups: &self.groups,
            components: &self.components,
            monitors: &self.monitors,
            templates: &self.templates,
            subscribers: &self.subscribers,
            alert_rules: &self.alert_rules,
        }
    }

    /// Slug → id for every kind.
    fn ids(&self) -> HashMap<(Kind, String), String> {
        let s = Slugs::of(&self.live());
        let mut out = HashMap::new();
        for (kind, map) in [
            (Kind::Page, s.pages),
            (Kind::Group, s.groups),
            (Kind::Component, s.components),
            (Kind::Monitor, s.monitors),
            (Kind::Template, s.templates),
            (Kind::Subscriber, s.subscribers),
            (Kind::AlertRule, s.alert_rules),
        ] {
            for (id, slug) in map {
                out.insert((kind, slug), id);
            }
        }
        out
    }
}

/// The file key an error's field stands for.
fn file_key(field: &str) -> &str {
    match field {
        "component_id" => "component",
        "component_ids" => "components",
        "page_id" | "status_page_id" => "page",
        "page_ids" => "pages",
        "group_id" => "group",
        other => other,
    }
}

/// An error while carrying out `a`, pointed at the object's line in the file.
fn locate(e: AppError, a: &Action, at: &Located) -> AppError {
    let (field, message) = match e {
        AppError::Invalid { field, message } | AppError::UnknownIds { field, message } => {
            (Some(field), message)
        }
        AppError::NotFound(m) => (None, format!("{m} not found")),
        AppError::Conflict(m) => (None, m),
        other => return other,
    };
    let key = field.as_deref().map(file_key);
    AppError::Invalid {
        field: at.place(a.kind(), a.slug(), key),
        message,
    }
}

fn s(f: &Map<String, Value>, k: &str) -> Option<String> {
    f.get(k).and_then(Value::as_str).map(str::to_string)
}

fn list(f: &Map<String, Value>, k: &str) -> Option<Vec<String>> {
    f.get(k).and_then(Value::as_array).map(|a| {
        a.iter()
            .filter_map(Value::as_str)
            .map(str::to_string)
            .collect()
    })
}

fn changed(a: &Action) -> Map<String, Value> {
    match a {
        Action::Create { fields, .. } => fields.clone(),
        Action::Change { changes, .. } => changes
            .iter()
            .map(|c| (c.field.clone(), c.new.clone()))
            .collect(),
        Action::Delete { .. } => Map::new(),
    }
}

fn from_json<T: DeserializeOwned>(v: Value) -> AppResult<T> {
    serde_json::from_value(v).map_err(|e| AppError::invalid("config", e.to_string()))
}

/// Sets the slug and the managed flag on a record that apply wrote.
fn mark<T: Serialize + DeserializeOwned + std::fmt::Debug + 'static>(
    txn: &WriteTransaction,
    table: TableDefinition<'static, &'static str, crate::store::codec::Json<T>>,
    id: &str,
    slug: Option<&str>,
) -> AppResult<()> {
    let mut t = txn.open_table(table)?;
    let Some(rec) = get::<T, _>(&t, id)? else {
        return Ok(());
    };
    let mut v = serde_json::to_value(&rec).map_err(|e| AppError::Internal(e.to_string()))?;
    if let Some(slug) = slug {
        v["slug"] = json!(slug);
    }
    v["managed_by_config"] = json!(true);
    let rec: T = serde_json::from_value(v).map_err(|e| AppError::Internal(e.to_string()))?;
    t.insert(id, &rec)?;
    Ok(())
}

struct Applier<'a> {
    store: &'a Store,
    txn: &'a WriteTransaction,
    ids: HashMap<(Kind, String), String>,
}

impl Applier<'_> {
    /// The id of `slug`, or the slug itself (the store then names it unknown).
    fn id(&self, kind: Kind, slug: &str) -> String {
        self.ids
            .get(&(kind, slug.to_string()))
            .cloned()
            .unwrap_or_else(|| slug.to_string())
    }

    fn ids_of(&self, kind: Kind, slugs: Option<Vec<String>>) -> Option<Vec<String>> {
        slugs.map(|v| v.iter().map(|s| self.id(kind, s)).collect())
    }

    fn existing(&self, a: &Action) -> AppResult<String> {
        self.ids
            .get(&(a.kind(), a.slug().to_string()))
            .cloned()
            .ok_or_else(|| AppError::NotFound(format!("{} {}", a.kind().name(), a.slug())))
    }

    /// Creates (`id` None) or changes an alert rule: the file's keys over the live rule's.
    fn alert_rule(&self, id: Option<&str>, mut f: Map<String, Value>) -> AppResult<String> {
        let mut v: Map<String, Value> = match id {
            Some(id) => {
                let r: AlertRule = get(&self.txn.open_table(tables::ALERT_RULES)?, id)?
                    .ok_or_else(|| AppError::NotFound(format!("alert rule {id}")))?;
                let v = json!({"name": r.name, "position": r.position, "source": r.source,
                    "matchers": r.matchers, "payload_components": r.payload_components,
                    "page_id": r.page_id, "component_ids": r.component_ids, "impact": r.impact,
                    "mode": r.mode, "auto_publish_minutes": r.auto_publish_minutes, "tone": r.tone});
                serde_json::from_value(v).unwrap_or_default()
            }
            None => Map::new(),
        };
        if let Some(p) = f.remove("page") {
            let page = p.as_str().filter(|p| !p.is_empty());
            v.insert(
                "page_id".into(),
                json!(page.map(|p| self.id(Kind::Page, p))),
            );
        }
        if let Some(c) = list(&f, "components") {
            f.remove("components");
            v.insert(
                "component_ids".into(),
                json!(self.ids_of(Kind::Component, Some(c))),
            );
        }
        v.extend(f);
        let input: AlertRuleInput = from_json(Value::Object(v))?;
        Ok(put_alert_rule_in(self.txn, id, &input, self.store.now())?.id)
    }

    fn run(&mut self, a: &Action) -> AppResult<()> {
        let (st, txn) = (self.store, self.txn);
        let f = changed(a);
        let create = matches!(a, Action::Create { .. });
        let slug = a.slug().to_string();
        if let Action::Delete { kind, .. } = a {
            let id = self.existing(a)?;
            match kind {
                Kind::Page => st.delete_page_in(txn, &id)?,
                Kind::Group => st.delete_group_in(txn, &id)?,
                Kind::Component => st.delete_component_in(txn, &id)?,
                Kind::Monitor => st.delete_monitor_in(txn, &id)?,
                Kind::Template => st.delete_template_in(txn, &id)?,
                Kind::Subscriber => st.delete_subscriber_in(txn, &id).map(|_| ())?,
                Kind::AlertRule => delete_alert_rule_in(txn, &id)?,
            }
            self.ids.remove(&(*kind, slug));
            return Ok(());
        }
        let id = match (a.kind(), create) {
            (Kind::Page, true) => {
                let p = st.create_page_in(
                    txn,
                    NewPage {
                        slug: slug.clone(),
                        title: s(&f, "title").unwrap_or_default(),
                        audience: s(&f, "audience"),
                        time_zone: s(&f, "time_zone"),
                        custom_host: s(&f, "custom_host"),
                        allowed_domains: list(&f, "allowed_domains").unwrap_or_default(),
                    },
                )?;
                if let Some(accent) = s(&f, "accent_color") {
                    let patch = PagePatch {
                        accent_color: Some(accent),
                        ..Default::default()
                    };
                    st.update_page_in(txn, &p.id, patch)?;
                }
                mark::<Page>(txn, tables::PAGES, &p.id, None)?;
                p.id
            }
            (Kind::Page, false) => {
                let id = self.existing(a)?;
                let patch = PagePatch {
                    slug: None,
                    title: s(&f, "title"),
                    audience: s(&f, "audience"),
                    time_zone: s(&f, "time_zone"),
                    custom_host: f.contains_key("custom_host").then(|| s(&f, "custom_host")),
                    allowed_domains: list(&f, "allowed_domains"),
                    accent_color: f
                        .contains_key("accent_color")
                        .then(|| s(&f, "accent_color").unwrap_or_default()),
                };
                st.update_page_in(txn, &id, patch)?;
                mark::<Page>(txn, tables::PAGES, &id, None)?;
                id
            }
            (Kind::Group, true) => {
                let g = st.create_group_in(
                    txn,
                    NewGroup {
                        page_id: s(&f, "page").map(|p| self.id(Kind::Page, &p)),
                        name: s(&f, "name").unwrap_or_default(),
                        position: f.get("position").and_then(Value::as_i64),
                        collapsed: f.get("collapsed").and_then(Value::as_bool).unwrap_or(false),
                    },
                )?;
                g.id
            }
            (Kind::Group, false) => {
                let id = self.existing(a)?;
                if f.contains_key("page") {
                    return Err(AppError::invalid(
                        "page",
                        "a group cannot move to another page; give it a new slug to make a new group",
                    ));
                }
                let patch = GroupPatch {
                    name: s(&f, "name"),
                    position: f.get("position").and_then(Value::as_i64),
                    collapsed: f.get("collapsed").and_then(Value::as_bool),
                };
                st.update_group_in(txn, &id, patch)?;
                id
            }
            (Kind::Component, true) => {
                let c = st.create_component_in(
                    txn,
                    NewComponent {
                        name: s(&f, "name").unwrap_or_default(),
                        description: s(&f, "description").unwrap_or_default(),
                        group_id: s(&f, "group")
                            .filter(|g| !g.is_empty())
                            .map(|g| self.id(Kind::Group, &g)),
                        page_ids: self.ids_of(Kind::Page, list(&f, "pages")),
                        status: None,
                        position: f.get("position").and_then(Value::as_i64),
                        ..Default::default()
                    },
                )?;
                c.id
            }
            (Kind::Component, false) => {
                let id = self.existing(a)?;
                let patch = ComponentPatch {
                    name: s(&f, "name"),
                    description: s(&f, "description"),
                    group_id: f.contains_key("group").then(|| {
                        s(&f, "group")
                            .filter(|g| !g.is_empty())
                            .map(|g| self.id(Kind::Group, &g))
                    }),
                    page_ids: self.ids_of(Kind::Page, list(&f, "pages")),
                    status: None,
                    position: f.get("position").and_then(Value::as_i64),
                    ..Default::default()
                };
                st.update_component_in(txn, &id, patch, "config")?;
                id
            }
            (Kind::Monitor, _) => {
                let mut v = f.clone();
                if let Some(c) = v.remove("component") {
                    let comp = c
                        .as_str()
                        .filter(|c| !c.is_empty())
                        .map(|c| self.id(Kind::Component, c));
                    v.insert("component_id".into(), json!(comp));
                }
                let input: MonitorInput = from_json(Value::Object(v))?;
                if create {
                    st.create_monitor_in(txn, input)?.id
                } else {
                    let id = self.existing(a)?;
                    st.update_monitor_in(txn, &id, input)?;
                    id
                }
            }
            (Kind::Template, _) => {
                let id = if create {
                    None
                } else {
                    Some(self.existing(a)?)
                };
                let mut v: Map<String, Value> = match &id {
                    Some(id) => {
                        let t: Template = get(&txn.open_table(tables::TEMPLATES)?, id)?
                            .ok_or_else(|| AppError::NotFound(format!("template {id}")))?;
                        serde_json::from_value(json!({"name": t.name, "title": t.title, "status": t.status, "body": t.body}))
                            .unwrap_or_default()
                    }
                    None => Map::new(),
                };
                v.extend(f.clone());
                let input: TemplateInput = from_json(Value::Object(v))?;
                st.save_template_in(txn, id.as_deref(), input)?.id
            }
            (Kind::Subscriber, true) => {
                let input = NewSubscriber {
                    page: s(&f, "page").map(|p| self.id(Kind::Page, &p)),
                    kind: s(&f, "kind").or(Some("webhook".into())),
                    email: None,
                    url: s(&f, "url"),
                    secret: s(&f, "secret")
                        .filter(|x| x != crate::domain::monitor_secrets::SECRET_MASK),
                    component_ids: self
                        .ids_of(Kind::Component, list(&f, "components"))
                        .unwrap_or_default(),
                    skip_confirmation: true,
                };
                let done =
                    super::subscribers::subscribe_in(txn, &input, SubscribeSource::Api, st.now())?;
                if !done.created {
                    return Err(AppError::Conflict(format!(
                        "{} is already subscribed to this page",
                        done.subscriber.address()
                    )));
                }
                done.subscriber.id
            }
            (Kind::Subscriber, false) => {
                let id = self.existing(a)?;
                if f.contains_key("page") || f.contains_key("kind") {
                    return Err(AppError::invalid(
                        if f.contains_key("page") {
                            "page"
                        } else {
                            "kind"
                        },
                        "a subscriber cannot change page or kind; give it a new slug instead",
                    ));
                }
                let patch = SubscriberPatch {
                    component_ids: self.ids_of(Kind::Component, list(&f, "components")),
                    url: s(&f, "url"),
                    secret: s(&f, "secret")
                        .filter(|x| x != crate::domain::monitor_secrets::SECRET_MASK),
                    confirmed: None,
                };
                st.patch_subscriber_in(txn, &id, patch)?;
                id
            }
            (Kind::AlertRule, _) => {
                let id = (!create).then(|| self.existing(a)).transpose()?;
                self.alert_rule(id.as_deref(), f)?
            }
        };
        match a.kind() {
            Kind::Page => {}
            Kind::Group => mark::<Group>(txn, tables::GROUPS, &id, Some(&slug))?,
            Kind::Component => mark::<Component>(txn, tables::COMPONENTS, &id, Some(&slug))?,
            Kind::Monitor => mark::<Monitor>(txn, tables::MONITORS, &id, Some(&slug))?,
            Kind::Template => mark::<Template>(txn, tables::TEMPLATES, &id, Some(&slug))?,
            Kind::Subscriber => mark::<Subscriber>(txn, tables::SUBSCRIBERS, &id, Some(&slug))?,
            Kind::AlertRule => mark::<AlertRule>(txn, tables::ALERT_RULES, &id, Some(&slug))?,
        }
        self.ids.insert((a.kind(), slug), id);
        Ok(())
    }
}

fn errors(list: Vec<String>) -> AppError {
    let mut lines = list.into_iter();
    let first = lines.next().unwrap_or_default();
    let rest: Vec<String> = lines.collect();
    let (field, message) = match first.rsplit_once(": ") {
        Some((f, m)) => (f.to_string(), m.to_string()),
        None => ("config".to_string(), first.clone()),
    };
    let message = match rest.is_empty() {
        true => message,
        false => format!("{message}\n{}", rest.join("\n")),
    };
    AppError::Invalid { field, message }
}

impl Store {
    /// The live configuration as items, secrets in clear (the caller references them).
    pub fn config_items(&self) -> AppResult<Vec<Item>> {
        let txn = self.read()?;
        let r = read_records!(txn);
        Ok(live_items(&r.live()))
    }

    /// The live configuration as a file, secrets as `env:NAME` references.
    pub fn config_export(&self) -> AppResult<String> {
        let mut items = self.config_items()?;
        reference_secrets(&mut items);
        Ok(write(
            &items,
            "# statusd configuration (statusd export); check with: statusd apply FILE --dry-run\n",
        ))
    }

    /// Plans `text` (a file named `file`) against the live configuration and, unless
    /// `dry_run`, carries the plan out in the same transaction. `env` resolves
    /// `env:NAME` references. Errors name the file, line and key.
    /// Plans (and unless `dry_run`, applies in one transaction) a status-as-code file;
    /// `monitor_check` refuses monitor settings a probe could never run.
    pub fn config_apply(
        &self,
        file: &str,
        text: &str,
        prune: bool,
        dry_run: bool,
        env: &dyn Fn(&str) -> Option<String>,
        monitor_check: &MonitorCheck,
    ) -> AppResult<ConfigPlan> {
        let (mut desired, at) = parse(file, text).map_err(errors)?;
        let unset_env = resolve_secrets(&mut desired, env);
        let prepare = |r: &Records| -> AppResult<(Vec<Item>, Vec<Action>)> {
            let live = live_items(&r.live());
            let actions = plan(&desired, &live, prune);
            let mut problems = check_plan(&desired, &live, &actions, &at);
            problems.extend(monitor_problems(&desired, &live, &at, monitor_check));
            match problems.is_empty() {
                true => Ok((live, actions)),
                false => Err(errors(problems)),
            }
        };
        if dry_run {
            let txn = self.read()?;
            let (_, actions) = prepare(&read_records!(txn))?;
            return Ok(ConfigPlan {
                actions,
                unset_env,
                applied: false,
            });
        }
        self.write(|txn| {
            let r = read_records!(txn);
            let (_, actions) = prepare(&r)?;
            let mut ap = Applier {
                store: self,
                txn,
                ids: r.ids(),
            };
            for a in &actions {
                ap.run(a).map_err(|e| locate(e, a, &at))?;
            }
            Ok(ConfigPlan {
                actions,
                unset_env: unset_env.clone(),
                applied: true,
            })
        })
    }
}

/// Checks a monitor's kind, target and settings the way its probe will read them.
pub type MonitorCheck = dyn Fn(MonitorKind, &str, &Value) -> Result<(), (String, String)>;

/// Monitors of the file whose settings (merged with the live ones) no probe could run.
fn monitor_problems(
    desired: &[Item],
    live: &[Item],
    at: &Located,
    check: &MonitorCheck,
) -> Vec<String> {
    let mut out = Vec::new();
    for d in desired.iter().filter(|d| d.kind == Kind::Monitor) {
        if !["kind", "target", "check"]
            .iter()
            .any(|k| d.fields.contains_key(*k))
        {
            continue;
        }
        let was = live
            .iter()
            .find(|l| l.kind == Kind::Monitor && l.slug == d.slug);
        let field = |k: &str| {
            d.fields
                .get(k)
                .or_else(|| was.and_then(|l| l.fields.get(k)))
        };
        let Some(kind) = field("kind")
            .and_then(Value::as_str)
            .and_then(|k| k.parse().ok())
        else {
            continue;
        };
        let target = field("target").and_then(Value::as_str).unwrap_or("");
        let settings = field("check").cloned().unwrap_or(Value::Null);
        if let Err((f, m)) = check(kind, target, &settings) {
            out.push(at.error(Kind::Monitor, &d.slug, Some("check"), &format!("{f}: {m}")));
        }
    }
    out
}
