//! The status-as-code TOML file: parsed with the line of every key, so each error says
//! "statusd.toml:14: monitors[2].interval_seconds: must be ≥ 1"; and written back (export).

use super::as_code::{Action, Item, Kind, Type};
use super::validate;
use serde_json::Value;
use std::collections::{BTreeMap, HashMap, HashSet};
use toml::Spanned;

type SpannedTable = BTreeMap<Spanned<String>, Spanned<toml::Value>>;
/// An object's index in its array, its line, and the line of each key.
type Place = (usize, usize, HashMap<String, usize>);

/// Where each object and key of a file is: for error messages.
#[derive(Debug, Clone, Default)]
pub struct Located {
    pub file: String,
    /// (kind, slug) → (index in its array, line of the object, line of each key).
    items: HashMap<(Kind, String), Place>,
}

impl Located {
    /// `file:line: kinds[i].key` for a key of an object (the object's line when the key is absent).
    pub fn place(&self, kind: Kind, slug: &str, key: Option<&str>) -> String {
        match self.items.get(&(kind, slug.to_string())) {
            Some((index, line, keys)) => {
                let key = key.filter(|k| keys.contains_key(*k));
                let line = key.and_then(|k| keys.get(k)).unwrap_or(line);
                match key {
                    Some(k) => format!("{}:{line}: {}[{index}].{k}", self.file, kind.table()),
                    None => format!("{}:{line}: {}[{index}]", self.file, kind.table()),
                }
            }
            None => format!("{}: {} {slug:?}", self.file, kind.name()),
        }
    }

    /// `file:line: kinds[i].key: message`.
    pub fn error(&self, kind: Kind, slug: &str, key: Option<&str>, message: &str) -> String {
        format!("{}: {message}", self.place(kind, slug, key))
    }
}

fn line_of(text: &str, offset: usize) -> usize {
    text.get(..offset).unwrap_or(text).matches('\n').count() + 1
}

fn kind_of(table: &str) -> Option<Kind> {
    Kind::ALL.into_iter().find(|k| k.table() == table)
}

/// Checks a value against a key's type and the key's own rule.
fn check_value(kind: Kind, key: &str, ty: Type, v: &toml::Value) -> Result<(), String> {
    if let (Some(words), Some(s)) = (kind.choices(key), v.as_str())
        && !words.iter().any(|w| w == s)
    {
        return Err(format!("{s:?}: use one of {}", words.join(", ")));
    }
    let ok = match ty {
        Type::Str => v.is_str(),
        Type::Int => v.is_integer(),
        Type::Bool => v.is_bool(),
        Type::StrList => v
            .as_array()
            .is_some_and(|a| a.iter().all(toml::Value::is_str)),
        Type::Table => v.is_table(),
    };
    if !ok {
        let want = match ty {
            Type::Str => "a string",
            Type::Int => "a whole number",
            Type::Bool => "true or false",
            Type::StrList => "a list of strings",
            Type::Table => "a table",
        };
        return Err(format!("must be {want}"));
    }
    // The same AA rule as the admin form and the API, so a dry run refuses it too.
    if let (Kind::Page, "accent_color", Some(c)) = (kind, key, v.as_str()) {
        crate::domain::branding::accent(c).map_err(|e| e.words())?;
    }
    if let Some(n) = v.as_integer() {
        let min = match key {
            "interval_seconds" | "timeout_ms" | "failure_threshold" | "recovery_threshold" => 1,
            "position" => i64::MIN,
            _ => 0,
        };
        if n < min {
            return Err(format!("must be ≥ {min}"));
        }
        if n > i64::from(u32::MAX) {
            return Err(format!("must be ≤ {}", u32::MAX));
        }
    }
    Ok(())
}

/// Parses a file into items, or every error found (one per line).
pub fn parse(file: &str, text: &str) -> Result<(Vec<Item>, Located), Vec<String>> {
    let doc: BTreeMap<Spanned<String>, Spanned<Vec<Spanned<SpannedTable>>>> = toml::from_str(text)
        .map_err(|e| {
            let line = e.span().map(|s| line_of(text, s.start)).unwrap_or(1);
            vec![format!("{file}:{line}: {}", e.message().trim())]
        })?;
    let mut errors = Vec::new();
    let mut items = Vec::new();
    let mut located = Located {
        file: file.to_string(),
        ..Default::default()
    };
    for (name, list) in doc {
        let Some(kind) = kind_of(name.get_ref()) else {
            let known: Vec<&str> = Kind::ALL.iter().map(|k| k.table()).collect();
            errors.push(format!(
                "{file}:{}: {}: unknown section; use {}",
                line_of(text, name.span().start),
                name.get_ref(),
                known.join(", ")
            ));
            continue;
        };
        let mut seen = HashSet::new();
        for (index, entry) in list.into_inner().into_iter().enumerate() {
            let item_line = line_of(text, entry.span().start);
            let path = format!("{}[{index}]", kind.table());
            let table = entry.into_inner();
            let mut keys = HashMap::new();
            let mut fields = serde_json::Map::new();
            let mut slug = None;
            for (key, value) in table {
                let line = line_of(text, key.span().start);
                let (key, value) = (key.into_inner(), value.into_inner());
                keys.insert(key.clone(), line);
                if key == "slug" {
                    match value.as_str().map(validate::slug) {
                        Some(Ok(s)) => slug = Some(s),
                        Some(Err(m)) => errors.push(format!("{file}:{line}: {path}.slug: {m}")),
                        None => {
                            errors.push(format!("{file}:{line}: {path}.slug: must be a string"))
                        }
                    }
                    continue;
                }
                let Some((_, ty)) = kind.fields().iter().find(|(k, _)| *k == key) else {
                    let known: Vec<&str> = kind.fields().iter().map(|(k, _)| *k).collect();
                    errors.push(format!(
                        "{file}:{line}: {path}.{key}: unknown key; a {} has slug, {}",
                        kind.name(),
                        known.join(", ")
                    ));
                    continue;
                };
                if let Err(m) = check_value(kind, &key, *ty, &value) {
                    errors.push(format!("{file}:{line}: {path}.{key}: {m}"));
                    continue;
                }
                // Colours are kept as lowercase #rrggbb, so "#1F5FC4" plans no change.
                let value = match (kind, key.as_str(), value.as_str()) {
                    (Kind::Page, "accent_color", Some(c)) => {
                        toml::Value::String(c.trim().to_ascii_lowercase())
                    }
                    _ => value,
                };
                match serde_json::to_value(&value) {
                    Ok(v) => {
                        fields.insert(key, v);
                    }
                    Err(e) => errors.push(format!("{file}:{line}: {path}.{key}: {e}")),
                }
            }
            let Some(slug) = slug else {
                errors.push(format!(
                    "{file}:{item_line}: {path}.slug: is required (a stable name like \"api\")"
                ));
                continue;
            };
            if !seen.insert(slug.clone()) {
                errors.push(format!(
                    "{file}:{item_line}: {path}.slug: {slug:?} is used twice among {}",
                    kind.table()
                ));
                continue;
            }
            located
                .items
                .insert((kind, slug.clone()), (index, item_line, keys));
            items.push(Item { kind, slug, fields });
        }
    }
    // Sections may come in any order; plans follow the kind order.
    items.sort_by_key(|i| i.kind);
    match errors.is_empty() {
        true => Ok((items, located)),
        false => Err(errors),
    }
}

/// Which kind a reference key points at.
fn target(kind: Kind, key: &str) -> Option<Kind> {
    match (kind, key) {
        (Kind::Group | Kind::Subscriber | Kind::AlertRule, "page") | (Kind::Component, "pages") => {
            Some(Kind::Page)
        }
        (Kind::Component, "group") => Some(Kind::Group),
        (Kind::Monitor, "component") | (Kind::Subscriber | Kind::AlertRule, "components") => {
            Some(Kind::Component)
        }
        _ => None,
    }
}

/// Errors a plan would run into, found before anything is written: a new object
/// without its required keys, or a reference to a slug that neither the file nor the
/// live configuration (minus what the plan deletes) has.
pub fn check_plan(
    desired: &[Item],
    live: &[Item],
    actions: &[Action],
    at: &Located,
) -> Vec<String> {
    let deleted: HashSet<(Kind, &str)> = actions
        .iter()
        .filter(|a| matches!(a, Action::Delete { .. }))
        .map(|a| (a.kind(), a.slug()))
        .collect();
    let known: HashSet<(Kind, &str)> = desired
        .iter()
        .chain(
            live.iter()
                .filter(|l| !deleted.contains(&(l.kind, l.slug.as_str()))),
        )
        .map(|i| (i.kind, i.slug.as_str()))
        .collect();
    let mut errors = Vec::new();
    for a in actions {
        if let Action::Create { kind, slug, fields } = a {
            for req in kind.required() {
                if !fields.contains_key(*req) {
                    errors.push(at.error(
                        *kind,
                        slug,
                        None,
                        &format!("a new {} needs `{req}`", kind.name()),
                    ));
                }
            }
        }
    }
    for d in desired {
        for (key, v) in &d.fields {
            let Some(t) = target(d.kind, key) else {
                continue;
            };
            let refs: Vec<&str> = match v {
                Value::String(s) => vec![s.as_str()],
                Value::Array(a) => a.iter().filter_map(Value::as_str).collect(),
                _ => vec![],
            };
            for r in refs.into_iter().filter(|r| !r.is_empty()) {
                if !known.contains(&(t, r)) {
                    errors.push(at.error(
                        d.kind,
                        &d.slug,
                        Some(key),
                        &format!("no {} with slug {r:?}", t.name()),
                    ));
                }
            }
        }
    }
    errors
}

/// The items as a file, in kind order.
pub fn write(items: &[Item], header: &str) -> String {
    let mut out = String::from(header);
    for kind in Kind::ALL {
        let list: Vec<toml::Table> = items
            .iter()
            .filter(|i| i.kind == kind)
            .filter_map(|i| {
                let mut v = Value::Object(i.fields.clone());
                v["slug"] = Value::String(i.slug.clone());
                toml::Table::try_from(v).ok()
            })
            .collect();
        if list.is_empty() {
            continue;
        }
        let mut doc = toml::Table::new();
        doc.insert(
            kind.table().into(),
            toml::Value::Array(list.into_iter().map(toml::Value::Table).collect()),
        );
        if let Ok(text) = toml::to_string_pretty(&doc) {
            out.push('\n');
            out.push_str(&text);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn written_files_parse_back_to_the_same_items() {
        let items = vec![
            Item::new(
                Kind::Page,
                "status",
                serde_json::json!({"title": "Status", "allowed_domains": ["example.com"]}),
            ),
            Item::new(
                Kind::Component,
                "api",
                serde_json::json!({"name": "API", "pages": ["status"], "position": 2}),
            ),
            Item::new(
                Kind::Monitor,
                "m",
                serde_json::json!({"name": "M", "kind": "http", "check": {"headers": {"X-A": "b"}}}),
            ),
        ];
        let text = write(&items, "# header\n");
        let (back, _) = parse("f.toml", &text).expect(&text);
        assert_eq!(back, items, "{text}");
    }

    #[test]
    fn a_key_error_points_at_its_line() {
        let text = "[[components]]\nslug = \"a\"\nname = \"A\"\n\n[[components]]\nslug = \"b\"\nposition = -1\nname = 5\n";
        let errs = parse("s.toml", text).unwrap_err();
        assert_eq!(errs, ["s.toml:8: components[1].name: must be a string"]);
    }
}
