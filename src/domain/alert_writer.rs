//! The customer-language writer: an alert becomes a title and a first update that name
//! the affected components by their public names and the visible effect, in a tone.
//! Deterministic; its output (and any AI rewrite) passes the leak filter.

use super::Impact;
use super::inbound::{Alert, Tone};
use regex::Regex;
use std::sync::LazyLock;

/// What customers notice, guessed from the alert's own words.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Effect {
    Unavailable,
    Errors,
    Slow,
    Degraded,
}

/// Title and first update of a draft.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DraftText {
    pub title: String,
    pub message: String,
}

/// The effect an alert describes: slowness, errors, unavailability, else by severity.
pub fn effect_of(a: &Alert, impact: Impact) -> Effect {
    let t = a.texts().to_ascii_lowercase();
    let has = |words: &[&str]| words.iter().any(|w| t.contains(w));
    if has(&["latency", "slow", "p95", "p99", "response time"]) {
        Effect::Slow
    } else if has(&[
        "down",
        "unreachable",
        "unavailable",
        "outage",
        "not responding",
        "absent",
    ]) {
        Effect::Unavailable
    } else if has(&["error", "fail", "5xx", "503", "502", "500", "exception"]) {
        Effect::Errors
    } else {
        match impact {
            Impact::Critical => Effect::Unavailable,
            Impact::Major => Effect::Errors,
            Impact::Minor | Impact::None => Effect::Degraded,
        }
    }
}

/// "API", "API and Sign-in", "API, Sign-in and Billing", or "some of our services".
fn names_text(names: &[String]) -> String {
    match names {
        [] => "some of our services".into(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// "is" for one component, "are" for several or none named.
fn verb(names: &[String]) -> &'static str {
    if names.len() == 1 { "is" } else { "are" }
}

/// The draft text of a firing alert.
pub fn write(effect: Effect, names: &[String], tone: Tone) -> DraftText {
    let x = names_text(names);
    let be = verb(names);
    let (title, message) = match (effect, tone) {
        (Effect::Unavailable, Tone::Professional) => (
            format!("{x} unavailable"),
            format!(
                "{x} {be} currently unavailable for some customers. We are investigating and will post an update as soon as we know more."
            ),
        ),
        (Effect::Unavailable, Tone::Friendly) => (
            format!("{x} {be} down for some of you"),
            format!(
                "Heads up: {x} {be}n't working for some of you right now. We're on it and will keep you posted here."
            ),
        ),
        (Effect::Unavailable, Tone::Minimal) => {
            (format!("{x} unavailable"), "Investigating.".into())
        }
        (Effect::Errors, Tone::Professional) => (
            format!("Errors affecting {x}"),
            format!(
                "Some requests to {x} are failing. We are investigating and will post an update as soon as we know more."
            ),
        ),
        (Effect::Errors, Tone::Friendly) => (
            format!("Some {x} requests are failing"),
            format!(
                "Some requests to {x} are failing right now, sorry about that. We're looking into it and will update you here."
            ),
        ),
        (Effect::Errors, Tone::Minimal) => (
            format!("{x} errors"),
            "Some requests fail. Investigating.".into(),
        ),
        (Effect::Slow, Tone::Professional) => (
            format!("{x} responding slowly"),
            format!(
                "{x} {be} responding more slowly than usual. We are investigating and will post an update as soon as we know more."
            ),
        ),
        (Effect::Slow, Tone::Friendly) => (
            format!("{x} {be} slow"),
            format!(
                "{x} {be} slower than it should be right now. We're on it and will update you here."
            ),
        ),
        (Effect::Slow, Tone::Minimal) => {
            (format!("{x} slow"), "Slow responses. Investigating.".into())
        }
        (Effect::Degraded, Tone::Professional) => (
            format!("Degraded performance of {x}"),
            format!(
                "Some customers may notice problems with {x}. We are investigating and will post an update as soon as we know more."
            ),
        ),
        (Effect::Degraded, Tone::Friendly) => (
            format!("{x} {be} having some trouble"),
            format!(
                "{x} {be} having some trouble right now. We're looking into it and will update you here."
            ),
        ),
        (Effect::Degraded, Tone::Minimal) => (format!("{x} degraded"), "Investigating.".into()),
    };
    DraftText { title, message }
}

/// The resolve update for a published incident whose alert cleared.
pub fn write_resolved(names: &[String], tone: Tone) -> String {
    let x = names_text(names);
    let be = verb(names);
    match tone {
        Tone::Professional => format!("{x} {be} working normally again. We will keep monitoring."),
        Tone::Friendly => format!("Good news: {x} {be} back to normal. Thanks for your patience!"),
        Tone::Minimal => "Resolved.".into(),
    }
}

static URL: LazyLock<Regex> = LazyLock::new(|| re(r"(?i)\b[a-z][a-z0-9+.-]*://\S+|\bwww\.\S+"));
static IPV4: LazyLock<Regex> = LazyLock::new(|| re(r"\b\d{1,3}(?:\.\d{1,3}){3}\b"));
static IPV6: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?i)\b[0-9a-f]{0,4}(?::[0-9a-f]{0,4}){2,7}\b|\[[0-9a-f:]+\]"));
static HOST: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)\b[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)+\.[a-z]{2,}\b|\b[a-z0-9-]+\.(?:local|internal|lan|svc|cluster|corp|com|net|org|io|dev)\b",
    )
});
static PORT: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?i)\b[a-z][a-z0-9.-]*:\d{2,5}\b|\]:\d{2,5}\b|\bport \d{2,5}\b"));
static TRACE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r#"(?i)traceback|panicked at|exception in|\bat [\w.$]+\(|\.(?:rs|go|py|java|js|ts|rb):\d+|line \d+, in|goroutine \d+"#,
    )
});

fn re(s: &str) -> Regex {
    Regex::new(s).unwrap_or_else(|e| panic!("leak filter pattern {s}: {e}"))
}

/// Words of the alert that must never reach the public: label values (bar the public
/// component names and severity words) and names of components not on the page.
pub fn forbidden_words(a: &Alert, public_names: &[String], hidden_names: &[String]) -> Vec<String> {
    const HARMLESS: &[&str] = &[
        "critical", "major", "minor", "warning", "info", "firing", "resolved", "page", "none",
        "true", "false", "high", "low", "error",
    ];
    let public = |w: &str| public_names.iter().any(|n| n.eq_ignore_ascii_case(w));
    let mut out: Vec<String> = a
        .labels
        .values()
        .chain(&a.other_values)
        .map(|v| v.trim().to_string())
        .filter(|v| {
            v.chars().count() >= 3
                && !public(v)
                && !HARMLESS.contains(&v.to_ascii_lowercase().as_str())
        })
        .chain(hidden_names.iter().filter(|n| !public(n)).cloned())
        .collect();
    out.sort();
    out.dedup();
    out
}

/// Why a text may not be shown publicly, or `None` when it is clean.
pub fn leak(text: &str, forbidden: &[String]) -> Option<String> {
    let lower = text.to_lowercase();
    if let Some(w) = forbidden.iter().find(|w| lower.contains(&w.to_lowercase())) {
        return Some(format!(
            "it names internal detail ({} characters from the alert)",
            w.chars().count()
        ));
    }
    let checks: [(&LazyLock<Regex>, &str); 6] = [
        (&URL, "a URL"),
        (&IPV4, "an IP address"),
        (&IPV6, "an IP address"),
        (&PORT, "a port"),
        (&HOST, "a host name"),
        (&TRACE, "a stack trace"),
    ];
    checks
        .into_iter()
        .find(|(r, _)| r.is_match(text))
        .map(|(_, what)| format!("it contains {what}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::inbound::{AlertSource, AlertStatus};

    fn alert(title: &str, labels: &[(&str, &str)]) -> Alert {
        Alert {
            source: Some(AlertSource::Alertmanager),
            key: "k".into(),
            status: Some(AlertStatus::Firing),
            title: title.into(),
            labels: labels
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            ..Default::default()
        }
    }

    #[test]
    fn effect_from_the_alert_words_then_severity() {
        let cases: &[(&str, Impact, Effect)] = &[
            ("HighLatency p99 above 2s", Impact::Minor, Effect::Slow),
            ("InstanceDown", Impact::Minor, Effect::Unavailable),
            ("API health check failing", Impact::Minor, Effect::Errors),
            ("HTTP 503 on /api/health", Impact::Major, Effect::Errors),
            ("DiskFull", Impact::Critical, Effect::Unavailable),
            ("DiskFull", Impact::Major, Effect::Errors),
            ("DiskFull", Impact::Minor, Effect::Degraded),
        ];
        for (title, impact, want) in cases {
            assert_eq!(effect_of(&alert(title, &[]), *impact), *want, "{title}");
        }
    }

    #[test]
    fn writer_table_per_tone() {
        let api = vec!["API".to_string()];
        let two = vec!["API".to_string(), "Sign-in".to_string()];
        let cases: &[(Effect, &[String], Tone, &str, &str)] = &[
            (
                Effect::Errors,
                &api,
                Tone::Professional,
                "Errors affecting API",
                "Some requests to API are failing. We are investigating and will post an update as soon as we know more.",
            ),
            (
                Effect::Errors,
                &api,
                Tone::Friendly,
                "Some API requests are failing",
                "Some requests to API are failing right now, sorry about that. We're looking into it and will update you here.",
            ),
            (
                Effect::Errors,
                &api,
                Tone::Minimal,
                "API errors",
                "Some requests fail. Investigating.",
            ),
            (
                Effect::Slow,
                &two,
                Tone::Friendly,
                "API and Sign-in are slow",
                "API and Sign-in are slower than it should be right now. We're on it and will update you here.",
            ),
            (
                Effect::Slow,
                &two,
                Tone::Minimal,
                "API and Sign-in slow",
                "Slow responses. Investigating.",
            ),
            (
                Effect::Unavailable,
                &[],
                Tone::Professional,
                "some of our services unavailable",
                "some of our services are currently unavailable for some customers. We are investigating and will post an update as soon as we know more.",
            ),
            (
                Effect::Degraded,
                &api,
                Tone::Minimal,
                "API degraded",
                "Investigating.",
            ),
        ];
        for (effect, names, tone, title, message) in cases {
            let d = write(*effect, names, *tone);
            assert_eq!(
                (d.title.as_str(), d.message.as_str()),
                (*title, *message),
                "{effect:?} {tone:?}"
            );
        }
        assert_eq!(write_resolved(&api, Tone::Minimal), "Resolved.");
        assert!(
            write_resolved(&two, Tone::Professional)
                .starts_with("API and Sign-in are working normally")
        );
    }

    #[test]
    fn leak_filter_catches_internal_detail() {
        let a = alert(
            "x",
            &[
                ("instance", "db-7"),
                ("job", "payments-worker"),
                ("severity", "critical"),
                ("statusd_component", "API"),
            ],
        );
        let forbidden = forbidden_words(&a, &["API".into()], &["Internal admin".into()]);
        assert_eq!(forbidden, vec!["Internal admin", "db-7", "payments-worker"]);
        let cases: &[(&str, bool)] = &[
            ("Some requests to API are failing.", false),
            ("API is slow; severity critical.", false),
            ("Node db-7 is down", true),
            ("payments-worker crashed", true),
            ("The Internal admin tool is down", true),
            ("See https://grafana.example.com/d/abc", true),
            ("see www.example.com", true),
            ("10.0.3.17 refused the connection", true),
            ("fe80::1 unreachable", true),
            ("host api-1.prod.example.com", true),
            ("redis.internal is down", true),
            ("connection to db:5432 refused", true),
            ("listening on port 8080", true),
            ("Traceback (most recent call last)", true),
            ("thread 'main' panicked at src/main.rs:10", true),
            ("at com.acme.Pay.run(Pay.java:42)", true),
            ("We expect a fix by 14:30 UTC.", false),
            ("Version 2.1 is rolling out.", false),
        ];
        for (text, leaks) in cases {
            assert_eq!(leak(text, &forbidden).is_some(), *leaks, "{text}");
        }
    }

    #[test]
    fn built_in_text_never_leaks_hostile_labels() {
        let hostile = [
            ("instance", "10.1.2.3:9100"),
            ("job", "https://evil.example/x"),
            ("alertname", "API down <script>alert(1)</script>"),
            ("pod", "api-7d9f-xk2"),
            ("statusd_component", "API"),
        ];
        let a = alert("InstanceDown on 10.1.2.3:9100", &hostile);
        let names = vec!["API".to_string()];
        let forbidden = forbidden_words(&a, &names, &[]);
        for tone in Tone::ALL {
            for effect in [
                Effect::Unavailable,
                Effect::Errors,
                Effect::Slow,
                Effect::Degraded,
            ] {
                let d = write(effect, &names, tone);
                assert_eq!(leak(&d.title, &forbidden), None, "{tone:?} {effect:?}");
                assert_eq!(leak(&d.message, &forbidden), None, "{tone:?} {effect:?}");
            }
        }
    }
}
