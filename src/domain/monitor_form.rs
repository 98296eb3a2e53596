//! The admin's per-kind monitor settings: form fields to the `check` object the probes
//! read (and back), so people fill in fields rather than JSON. Keys the form does not
//! show (request body, auth, redirects…) are kept as saved.

use super::MonitorKind;
use serde_json::{Map, Value};

/// The kind-specific fields of the monitor form, as typed.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct KindFields {
    pub method: String,
    /// One `Name: value` per line.
    pub headers: String,
    /// `200-299`, `200,204` or `2xx`.
    pub expected_status: String,
    pub keyword: String,
    pub json_path: String,
    pub record_type: String,
    /// DNS: the answer expected.
    pub expected: String,
    pub warn_days: String,
}

/// The HTTP methods the form offers.
pub const METHODS: [&str; 6] = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"];
/// The DNS record types the form offers.
pub const RECORD_TYPES: [&str; 7] = ["A", "AAAA", "CNAME", "MX", "TXT", "NS", "SOA"];

fn text(o: &Map<String, Value>, key: &str) -> String {
    match o.get(key) {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Number(n)) => n.to_string(),
        Some(Value::Array(a)) => a
            .iter()
            .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_string))
            .collect::<Vec<_>>()
            .join(","),
        _ => String::new(),
    }
}

/// The form's fields for a saved check (secrets arrive already masked).
pub fn fields_of(check: &Value) -> KindFields {
    let empty = Map::new();
    let o = check.as_object().unwrap_or(&empty);
    let headers = o
        .get("headers")
        .and_then(Value::as_object)
        .map(|h| {
            h.iter()
                .map(|(k, v)| format!("{k}: {}", v.as_str().unwrap_or_default()))
                .collect::<Vec<_>>()
                .join("\n")
        })
        .unwrap_or_default();
    KindFields {
        method: text(o, "method"),
        headers,
        expected_status: text(o, "expected_status"),
        keyword: text(o, "keyword"),
        json_path: text(o, "json_path"),
        record_type: text(o, "record_type"),
        expected: text(o, "expected"),
        warn_days: text(o, "warn_days"),
    }
}

fn set(o: &mut Map<String, Value>, key: &str, v: &str) {
    match v.trim() {
        "" => {
            o.remove(key);
        }
        t => {
            o.insert(key.into(), Value::String(t.into()));
        }
    }
}

/// The check object for `kind` from the form, on top of the saved one. An error names
/// the field and says what is wrong.
pub fn check_from(
    kind: MonitorKind,
    f: &KindFields,
    saved: &Value,
) -> Result<Value, (&'static str, String)> {
    let mut o = saved.as_object().cloned().unwrap_or_default();
    match kind {
        MonitorKind::Http => {
            let method = f.method.trim().to_ascii_uppercase();
            if !method.is_empty() && !METHODS.contains(&method.as_str()) {
                return Err(("method", format!("choose one of {}", METHODS.join(", "))));
            }
            set(&mut o, "method", &method);
            let mut headers = Map::new();
            for (n, line) in f.headers.lines().enumerate() {
                if line.trim().is_empty() {
                    continue;
                }
                let (name, value) = line.split_once(':').ok_or_else(|| {
                    (
                        "headers",
                        format!("line {}: write Name: value", n.saturating_add(1)),
                    )
                })?;
                headers.insert(name.trim().into(), Value::String(value.trim().into()));
            }
            if headers.is_empty() {
                o.remove("headers");
            } else {
                o.insert("headers".into(), Value::Object(headers));
            }
            set(&mut o, "expected_status", &f.expected_status);
            set(&mut o, "keyword", &f.keyword);
            set(&mut o, "json_path", &f.json_path);
        }
        MonitorKind::Dns => {
            let rt = f.record_type.trim().to_ascii_uppercase();
            if !rt.is_empty() && !RECORD_TYPES.contains(&rt.as_str()) {
                return Err((
                    "record_type",
                    format!("choose one of {}", RECORD_TYPES.join(", ")),
                ));
            }
            set(&mut o, "record_type", &rt);
            set(&mut o, "expected", &f.expected);
        }
        MonitorKind::Tls => match f.warn_days.trim() {
            "" => {
                o.remove("warn_days");
            }
            t => {
                let days: u32 = t
                    .parse()
                    .map_err(|_| ("warn_days", format!("{t:?} is not a whole number of days")))?;
                o.insert("warn_days".into(), Value::from(days));
            }
        },
        MonitorKind::Tcp | MonitorKind::Heartbeat => {}
    }
    Ok(if o.is_empty() {
        Value::Null
    } else {
        Value::Object(o)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn http(method: &str, headers: &str, status: &str) -> KindFields {
        KindFields {
            method: method.into(),
            headers: headers.into(),
            expected_status: status.into(),
            ..Default::default()
        }
    }

    #[test]
    fn form_fields_become_the_check_and_keep_what_the_form_does_not_show() {
        let saved = json!({"body": "{}", "follow_redirects": true, "keyword": "old"});
        let cases: Vec<(&str, MonitorKind, KindFields, Result<Value, &str>)> = vec![
            (
                "http fields set, keyword cleared, body kept",
                MonitorKind::Http,
                http("post", "X-Token: abc\n\nAccept: text/html", "200-299"),
                Ok(
                    json!({"body": "{}", "follow_redirects": true, "method": "POST",
                          "headers": {"X-Token": "abc", "Accept": "text/html"},
                          "expected_status": "200-299"}),
                ),
            ),
            (
                "a header line without a colon",
                MonitorKind::Http,
                http("GET", "X-Token abc", ""),
                Err("headers"),
            ),
            (
                "an unknown method",
                MonitorKind::Http,
                http("BREW", "", ""),
                Err("method"),
            ),
            (
                "dns record type and expected answer",
                MonitorKind::Dns,
                KindFields {
                    record_type: "aaaa".into(),
                    expected: "::1".into(),
                    ..Default::default()
                },
                Ok(
                    json!({"body": "{}", "follow_redirects": true, "keyword": "old",
                          "record_type": "AAAA", "expected": "::1"}),
                ),
            ),
            (
                "an unknown record type",
                MonitorKind::Dns,
                KindFields {
                    record_type: "XYZ".into(),
                    ..Default::default()
                },
                Err("record_type"),
            ),
            (
                "tls warn days",
                MonitorKind::Tls,
                KindFields {
                    warn_days: "21".into(),
                    ..Default::default()
                },
                Ok(
                    json!({"body": "{}", "follow_redirects": true, "keyword": "old", "warn_days": 21}),
                ),
            ),
            (
                "tls warn days not a number",
                MonitorKind::Tls,
                KindFields {
                    warn_days: "soon".into(),
                    ..Default::default()
                },
                Err("warn_days"),
            ),
        ];
        for (name, kind, fields, want) in cases {
            let got = check_from(kind, &fields, &saved).map_err(|(f, _)| f);
            assert_eq!(got, want, "{name}");
        }
        assert_eq!(
            check_from(MonitorKind::Tcp, &KindFields::default(), &Value::Null),
            Ok(Value::Null),
            "nothing to set: no settings"
        );
    }

    #[test]
    fn saved_settings_fill_the_form() {
        let f = fields_of(
            &json!({"method": "HEAD", "headers": {"A": "1", "B": "********"},
                                 "expected_status": ["200", "301-302"], "warn_days": 30}),
        );
        assert_eq!(f.method, "HEAD");
        assert_eq!(f.headers, "A: 1\nB: ********");
        assert_eq!(f.expected_status, "200,301-302");
        assert_eq!(f.warn_days, "30");
    }
}
