//! How client commands print (aligned tables, `--json`, `--quiet`) and how they find
//! components by id, slug or name.

use super::{Client, Output};
use crate::domain::validate::slugify;
use crate::error::{AppError, AppResult};
use serde_json::Value;

/// A field as text: strings bare, null empty, anything else as JSON.
pub fn s(v: &Value, k: &str) -> String {
    match &v[k] {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// Columns padded to their widest cell; the last column is not padded.
pub fn table(headers: &[&str], rows: &[Vec<String>]) -> String {
    let mut widths: Vec<usize> = headers.iter().map(|h| h.chars().count()).collect();
    for row in rows {
        for (i, cell) in row.iter().enumerate() {
            if let Some(w) = widths.get_mut(i) {
                *w = (*w).max(cell.chars().count());
            }
        }
    }
    let line = |cells: Vec<&str>| {
        let last = cells.len().saturating_sub(1);
        let mut out = String::new();
        for (i, cell) in cells.into_iter().enumerate() {
            out.push_str(cell);
            if i < last {
                let pad = widths[i].saturating_sub(cell.chars().count()) + 2;
                out.push_str(&" ".repeat(pad));
            }
        }
        out.trim_end().to_string()
    };
    let mut out = vec![line(headers.to_vec())];
    out.extend(
        rows.iter()
            .map(|r| line(r.iter().map(String::as_str).collect())),
    );
    out.join("\n")
}

/// Prints a list as a table, the API's JSON, or ids.
pub fn show_list(c: &Client, list: &Value, headers: &[&str], row: impl Fn(&Value) -> Vec<String>) {
    let items = list["data"].as_array().cloned().unwrap_or_default();
    match c.out {
        Output::Json => println!("{list}"),
        Output::Quiet => items.iter().for_each(|i| println!("{}", s(i, "id"))),
        Output::Table => {
            let rows: Vec<Vec<String>> = items.iter().map(row).collect();
            println!("{}", table(headers, &rows));
        }
    }
}

/// Prints one object: the server's JSON as sent, its id, or `human`.
pub fn show_one(c: &Client, v: &Value, raw: &str, human: impl FnOnce(&Value) -> String) {
    match c.out {
        Output::Json => println!("{raw}"),
        Output::Quiet => println!("{}", s(v, "id")),
        Output::Table => println!("{}", human(v)),
    }
}

/// Splits `--components a,b` and repeated `--component` into keys.
pub fn keys(values: &[String]) -> Vec<String> {
    values
        .iter()
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .filter(|k| !k.is_empty())
        .map(str::to_string)
        .collect()
}

/// The one item whose id, slug or exact name is `key` (then a case-blind name or the
/// slug derived from the name).
pub fn find<'a>(items: &'a [Value], key: &str, what: &str, flag: &str) -> AppResult<&'a Value> {
    let exact: Vec<&Value> = items
        .iter()
        .filter(|i| s(i, "id") == key || s(i, "slug") == key || s(i, "name") == key)
        .collect();
    let loose: Vec<&Value> = items
        .iter()
        .filter(|i| {
            let name = s(i, "name");
            name.eq_ignore_ascii_case(key) || slugify(&name) == key
        })
        .collect();
    let found = if exact.is_empty() { loose } else { exact };
    match found.as_slice() {
        [one] => Ok(one),
        [] => {
            let known: Vec<String> = items.iter().map(|i| s(i, "name")).collect();
            Err(AppError::invalid(
                flag,
                format!(
                    "no {what} with id, slug or name {key:?} (there are: {})",
                    if known.is_empty() {
                        "none".into()
                    } else {
                        known.join(", ")
                    }
                ),
            ))
        }
        many => {
            let ids: Vec<String> = many
                .iter()
                .map(|i| format!("{} ({})", s(i, "name"), s(i, "id")))
                .collect();
            Err(AppError::invalid(
                flag,
                format!(
                    "{key:?} matches several {what}s: {}; use an id",
                    ids.join(", ")
                ),
            ))
        }
    }
}

/// Component ids for `--components`/`--component` values given by id, slug or name.
pub fn component_ids(c: &Client, values: &[String]) -> AppResult<Vec<String>> {
    let keys = keys(values);
    if keys.is_empty() {
        return Ok(Vec::new());
    }
    let list = c.list("/api/v1/components")?;
    let items = list["data"].as_array().cloned().unwrap_or_default();
    let mut ids = Vec::new();
    for k in keys {
        let id = s(find(&items, &k, "component", "--components")?, "id");
        if !ids.contains(&id) {
            ids.push(id);
        }
    }
    Ok(ids)
}

/// Minutes in a duration such as `15m`, `1h30m`, `2h`, `1d` or `90` (minutes), rounded up.
pub fn minutes(text: &str) -> Result<i64, String> {
    let bad = || format!("{text:?} is not a duration like 15m, 1h30m or 2h");
    let t = text.trim();
    if let Ok(m) = t.parse::<i64>() {
        return (m > 0).then_some(m).ok_or_else(bad);
    }
    let mut seconds: i64 = 0;
    let mut num = String::new();
    for ch in t.chars() {
        if ch.is_ascii_digit() {
            num.push(ch);
            continue;
        }
        let unit: i64 = match ch {
            's' => 1,
            'm' => 60,
            'h' => 3600,
            'd' => 86_400,
            _ => return Err(bad()),
        };
        let n: i64 = num.parse().map_err(|_| bad())?;
        seconds = n
            .checked_mul(unit)
            .and_then(|v| seconds.checked_add(v))
            .ok_or_else(bad)?;
        num.clear();
    }
    if !num.is_empty() || seconds <= 0 {
        return Err(bad());
    }
    Ok((seconds + 59) / 60)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn durations() {
        for (text, want) in [
            ("15m", Ok(15)),
            ("1h30m", Ok(90)),
            ("2h", Ok(120)),
            ("1d", Ok(1440)),
            ("90s", Ok(2)),
            ("45", Ok(45)),
            ("0m", Err(())),
            ("15x", Err(())),
            ("m", Err(())),
            ("15", Ok(15)),
            ("99999999999999999999h", Err(())),
        ] {
            assert_eq!(minutes(text).map_err(|_| ()), want, "{text}");
        }
    }

    #[test]
    fn finding_by_id_slug_or_name() {
        let items = vec![
            json!({"id": "c1", "name": "Checkout API", "slug": "checkout"}),
            json!({"id": "c2", "name": "Web"}),
            json!({"id": "c3", "name": "web"}),
        ];
        let id = |k: &str| find(&items, k, "component", "--components").map(|v| s(v, "id"));
        assert_eq!(id("c1").unwrap(), "c1");
        assert_eq!(id("checkout").unwrap(), "c1");
        assert_eq!(id("Checkout API").unwrap(), "c1");
        assert_eq!(id("checkout-api").unwrap(), "c1");
        assert_eq!(id("Web").unwrap(), "c2");
        assert!(id("WEB").unwrap_err().to_string().contains("several"));
        assert!(
            id("nope")
                .unwrap_err()
                .to_string()
                .contains("Checkout API, Web, web")
        );
        assert_eq!(
            keys(&["a, b".into(), "c".into(), ",".into()]),
            ["a", "b", "c"]
        );
    }

    #[test]
    fn tables_align() {
        let t = table(
            &["ID", "NAME"],
            &[
                vec!["1".into(), "x".into()],
                vec!["long-id".into(), "y".into()],
            ],
        );
        assert_eq!(t, "ID       NAME\n1        x\nlong-id  y");
    }
}
