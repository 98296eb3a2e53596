//! Subscribers and the outbox of notices sent to them: who gets told about which
//! event, how a failed delivery is retried, and the CSV format of imports and exports.
//! Longer than 500 lines only through its tests (the code is 409 lines).

use super::incident::Event;
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use std::str::FromStr;

/// How long an email sign-up waits for its confirmation before it is dropped.
pub const CONFIRM_HOURS: i64 = 48;

/// How a subscriber is reached.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default, utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum SubscriberKind {
    #[default]
    Email,
    /// A URL that receives Statuspage-shaped JSON signed with HMAC-SHA256.
    Webhook,
    /// A Slack incoming webhook.
    Slack,
    /// A Discord incoming webhook.
    Discord,
}

impl SubscriberKind {
    pub const ALL: [SubscriberKind; 4] = [
        SubscriberKind::Email,
        SubscriberKind::Webhook,
        SubscriberKind::Slack,
        SubscriberKind::Discord,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            SubscriberKind::Email => "email",
            SubscriberKind::Webhook => "webhook",
            SubscriberKind::Slack => "slack",
            SubscriberKind::Discord => "discord",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            SubscriberKind::Email => "Email",
            SubscriberKind::Webhook => "Webhook",
            SubscriberKind::Slack => "Slack",
            SubscriberKind::Discord => "Discord",
        }
    }

    /// Whether the subscriber is a URL (every kind but email).
    pub fn is_url(self) -> bool {
        self != SubscriberKind::Email
    }
}

impl FromStr for SubscriberKind {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let l = s.trim().to_ascii_lowercase();
        SubscriberKind::ALL
            .into_iter()
            .find(|k| k.as_str() == l)
            .ok_or_else(|| format!("unknown kind {s:?}; expected email, webhook, slack or discord"))
    }
}

/// Someone (or something) told about incidents and maintenance of one page.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Subscriber {
    pub id: String,
    pub kind: SubscriberKind,
    pub page_id: String,
    /// Lowercased address (email kind).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// Endpoint (webhook, slack, discord kinds).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// HMAC key of webhook payloads.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secret: Option<String>,
    /// Empty: the whole page.
    #[serde(default)]
    pub component_ids: Vec<String>,
    pub confirmed: bool,
    #[serde(default)]
    pub confirmed_at: Option<DateTime<Utc>>,
    /// Secret of the confirm, manage and unsubscribe links.
    pub token: String,
    /// `form`, `api`, `admin` or `import`.
    #[serde(default)]
    pub source: String,
    /// Stable name in status-as-code files (`statusd apply`); derived from the name when empty.
    #[serde(default)]
    pub slug: String,
    /// Written by `statusd apply`: the admin warns before changing it by hand.
    #[serde(default)]
    pub managed_by_config: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl Subscriber {
    /// The email address or URL.
    pub fn address(&self) -> &str {
        self.email.as_deref().or(self.url.as_deref()).unwrap_or("")
    }

    /// An unconfirmed sign-up past its confirmation window.
    pub fn is_expired(&self, now: DateTime<Utc>) -> bool {
        !self.confirmed && now - self.created_at > Duration::hours(CONFIRM_HOURS)
    }
}

/// The uniqueness key of a subscriber: one per page, kind and address.
pub fn subscriber_key(page_id: &str, kind: SubscriberKind, address: &str) -> String {
    format!("{page_id}\u{1f}{}\u{1f}{}", kind.as_str(), address)
}

/// Event kinds that people (email, Slack, Discord) are told about.
pub const PEOPLE_EVENTS: [&str; 9] = [
    "incident.published",
    "incident.updated",
    "incident.resolved",
    "postmortem.published",
    "maintenance.posted",
    "maintenance.reminder",
    "maintenance.started",
    "maintenance.updated",
    "maintenance.completed",
];

/// Whether a subscriber should be told about an event: its page must show the event
/// (`visibility::page_shows_event`, the rule every channel asks), and a subscriber to
/// chosen components hears only about events that touch one of them.
pub fn wants(sub: &Subscriber, ev: &Event, pages_of: impl Fn(&str) -> Vec<String>) -> bool {
    if !sub.confirmed || !ev.notify {
        return false;
    }
    let kind_ok = PEOPLE_EVENTS.contains(&ev.kind.as_str())
        || (sub.kind == SubscriberKind::Webhook && ev.kind == "component.status_changed");
    kind_ok
        && super::visibility::page_shows_event(&sub.page_id, ev, pages_of)
        && (sub.component_ids.is_empty()
            || ev
                .component_ids
                .iter()
                .any(|c| sub.component_ids.contains(c)))
}

/// Why a notice exists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum NoticePurpose {
    /// An event from the `events` table.
    #[default]
    Event,
    /// The double opt-in mail with the confirmation link.
    Confirm,
    /// Sent when someone signs up with an address that is already subscribed: the
    /// manage link, so the form's answer never tells whether the address exists.
    AlreadySubscribed,
}

/// Counts of notices by state, for the admin and metrics.
#[derive(Debug, Default, Clone, serde::Serialize)]
pub struct OutboxCounts {
    pub pending: usize,
    pub sent: usize,
    pub failed: usize,
    pub cancelled: usize,
}

/// Where a notice is in its delivery.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum NoticeState {
    #[default]
    Pending,
    Sent,
    /// Permanently refused, or retried past the horizon; an editor may retry it.
    Failed,
    /// The subscriber was removed or unsubscribed before delivery.
    Cancelled,
}

impl NoticeState {
    pub fn as_str(self) -> &'static str {
        match self {
            NoticeState::Pending => "pending",
            NoticeState::Sent => "sent",
            NoticeState::Failed => "failed",
            NoticeState::Cancelled => "cancelled",
        }
    }
}

impl FromStr for NoticeState {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        [
            NoticeState::Pending,
            NoticeState::Sent,
            NoticeState::Failed,
            NoticeState::Cancelled,
        ]
        .into_iter()
        .find(|n| n.as_str() == s.trim())
        .ok_or_else(|| format!("unknown state {s:?}; expected pending, sent, failed or cancelled"))
    }
}

/// One message to one recipient: a durable outbox row written before any attempt.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Notice {
    /// `{event id}.{subscriber id}` for events, so a repeated fan-out writes the same row.
    pub id: String,
    pub purpose: NoticePurpose,
    pub subscriber_id: String,
    pub kind: SubscriberKind,
    /// The address at fan-out time, for the admin list.
    pub address: String,
    #[serde(default)]
    pub event_id: Option<String>,
    #[serde(default)]
    pub event_kind: String,
    pub state: NoticeState,
    pub attempts: u32,
    pub next_attempt_at: DateTime<Utc>,
    #[serde(default)]
    pub last_error: Option<String>,
    pub created_at: DateTime<Utc>,
    /// When it last entered the queue (written, or retried by an editor); the retry
    /// horizon counts from here.
    pub queued_at: DateTime<Utc>,
    #[serde(default)]
    pub sent_at: Option<DateTime<Utc>>,
}

/// What one delivery attempt came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Sent,
    /// Worth trying again later (4xx SMTP reply, 5xx HTTP status, network trouble).
    Retry(String),
    /// Never worth trying again (5xx SMTP reply, 410 Gone, ...).
    Permanent(String),
    /// Nothing to send any more (subscriber gone).
    Cancelled,
}

/// Exponential backoff: 30 s, 1 min, 2 min, ... capped at one hour.
pub fn retry_delay(attempts: u32) -> Duration {
    let exp = attempts.saturating_sub(1).min(7);
    Duration::seconds((30i64 << exp).min(3600))
}

/// Applies an outcome to a notice. A retryable failure past `horizon` since the notice
/// was written becomes permanent.
pub fn settle(n: &mut Notice, outcome: Outcome, now: DateTime<Utc>, horizon: Duration) {
    n.attempts += 1;
    match outcome {
        Outcome::Sent => {
            n.state = NoticeState::Sent;
            n.sent_at = Some(now);
            n.last_error = None;
        }
        Outcome::Cancelled => n.state = NoticeState::Cancelled,
        Outcome::Permanent(e) => {
            n.state = NoticeState::Failed;
            n.last_error = Some(e);
        }
        Outcome::Retry(e) => {
            let next = now + retry_delay(n.attempts);
            if next - n.queued_at >= horizon {
                n.state = NoticeState::Failed;
                n.last_error = Some(format!("gave up after {} attempts: {e}", n.attempts));
            } else {
                n.next_attempt_at = next;
                n.last_error = Some(e);
            }
        }
    }
}

/// The outcome of an SMTP reply code to MAIL, RCPT or DATA.
pub fn smtp_outcome(code: u16, text: &str) -> Outcome {
    match code {
        200..=299 => Outcome::Sent,
        500..=599 => Outcome::Permanent(format!("SMTP {code} {text}")),
        _ => Outcome::Retry(format!("SMTP {code} {text}")),
    }
}

/// The outcome of an HTTP status from a webhook endpoint.
pub fn http_outcome(status: u16) -> Outcome {
    match status {
        200..=299 => Outcome::Sent,
        408 | 425 | 429 => Outcome::Retry(format!("HTTP {status}")),
        300..=399 => Outcome::Permanent(format!(
            "HTTP {status}: redirects are not followed; use the final URL"
        )),
        400..=499 => Outcome::Permanent(format!("HTTP {status}")),
        _ => Outcome::Retry(format!("HTTP {status}")),
    }
}

/// Checks a webhook URL: http(s), a host, no credentials in it.
pub fn webhook_url(value: &str) -> Result<String, String> {
    let v = value.trim();
    let rest = v
        .strip_prefix("https://")
        .or_else(|| v.strip_prefix("http://"))
        .ok_or_else(|| format!("{v:?} must start with https:// or http://"))?;
    let host = rest.split(['/', '?', '#']).next().unwrap_or("");
    if host.is_empty()
        || host.contains('@')
        || v.chars().any(|c| c.is_whitespace() || c.is_control())
    {
        return Err(format!("{v:?} is not a URL with a host"));
    }
    if v.len() > 2000 {
        return Err("must be at most 2000 characters".into());
    }
    Ok(v.to_string())
}

/// One row of a CSV import.
#[derive(Debug, Clone, PartialEq)]
pub struct CsvRow {
    pub line: usize,
    pub kind: Option<String>,
    pub address: String,
    pub component_ids: Vec<String>,
    pub confirmed: Option<bool>,
}

/// Parses an import: a header row naming the columns (`email` or `url` or `address`,
/// optional `kind`, `component_ids` separated by spaces or `;`, `confirmed`), or a
/// bare list of addresses one per line. Errors carry the line number.
pub fn parse_csv(text: &str) -> Result<Vec<CsvRow>, (usize, String)> {
    let records = super::csv_io::read_records(text)?;
    let Some((_, head)) = records.first() else {
        return Ok(vec![]);
    };
    let lower: Vec<String> = head.iter().map(|h| h.to_ascii_lowercase()).collect();
    let col = |names: &[&str]| lower.iter().position(|h| names.contains(&h.as_str()));
    let addr_col = col(&["email", "url", "address"]);
    // Without a header row naming an address column, every line is one address.
    let addr = addr_col.unwrap_or(0);
    let (kind, comps, confirmed, skip) = match addr_col {
        Some(_) => (
            col(&["kind"]),
            col(&["component_ids", "components"]),
            col(&["confirmed"]),
            1,
        ),
        None => (None, None, None, 0),
    };
    let mut rows = Vec::new();
    for (no, f) in records.iter().skip(skip) {
        let no = *no;
        let get = |i: Option<usize>| i.and_then(|i| f.get(i)).map(String::as_str).unwrap_or("");
        let address = get(Some(addr)).to_string();
        if address.is_empty() {
            return Err((no, "no address in this row".into()));
        }
        let confirmed = match get(confirmed).to_ascii_lowercase().as_str() {
            "" => None,
            "true" | "yes" | "1" => Some(true),
            "false" | "no" | "0" => Some(false),
            other => return Err((no, format!("confirmed: {other:?} is not true or false"))),
        };
        rows.push(CsvRow {
            line: no,
            kind: Some(get(kind).to_string()).filter(|k| !k.is_empty()),
            address,
            component_ids: get(comps)
                .split([' ', ';'])
                .filter(|s| !s.is_empty())
                .map(str::to_string)
                .collect(),
            confirmed,
        });
    }
    Ok(rows)
}

/// The export format (which `parse_csv` reads back), formula-safe for spreadsheets.
pub fn to_csv(subs: &[Subscriber]) -> String {
    super::csv_io::write_safe(
        &[
            "id",
            "kind",
            "address",
            "component_ids",
            "confirmed",
            "created_at",
        ],
        subs.iter().map(|s| {
            [
                s.id.clone(),
                s.kind.as_str().to_string(),
                s.address().to_string(),
                s.component_ids.join(" "),
                s.confirmed.to_string(),
                s.created_at.to_rfc3339(),
            ]
        }),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn t0() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 23, 10, 0, 0).unwrap()
    }

    fn sub(kind: SubscriberKind, comps: &[&str], confirmed: bool) -> Subscriber {
        Subscriber {
            slug: String::new(),
            managed_by_config: false,
            id: "s".into(),
            kind,
            page_id: "p1".into(),
            email: Some("a@example.com".into()),
            url: None,
            secret: None,
            component_ids: comps.iter().map(|c| c.to_string()).collect(),
            confirmed,
            confirmed_at: None,
            token: "t".into(),
            source: String::new(),
            created_at: t0(),
            updated_at: t0(),
        }
    }

    fn ev(kind: &str, page: &str, comps: &[&str], notify: bool) -> Event {
        Event {
            id: "e".into(),
            at: t0(),
            kind: kind.into(),
            actor: String::new(),
            page_id: page.into(),
            incident_id: None,
            maintenance_id: None,
            update_id: None,
            component_ids: comps.iter().map(|c| c.to_string()).collect(),
            notify,
            change: None,
        }
    }

    #[test]
    fn who_wants_what() {
        use SubscriberKind::*;
        // Component "shared" is on pages p1 and p2; "api" only on p1.
        let pages_of = |c: &str| match c {
            "shared" => vec!["p1".to_string(), "p2".to_string()],
            "api" => vec!["p1".to_string()],
            _ => vec![],
        };
        let cases = [
            (
                "whole page, incident on its page",
                sub(Email, &[], true),
                ev("incident.published", "p1", &[], true),
                true,
            ),
            (
                "unconfirmed hears nothing",
                sub(Email, &[], false),
                ev("incident.published", "p1", &[], true),
                false,
            ),
            (
                "notify off",
                sub(Email, &[], true),
                ev("incident.updated", "p1", &["api"], false),
                false,
            ),
            (
                "other page",
                sub(Email, &[], true),
                ev("incident.updated", "p2", &[], true),
                false,
            ),
            (
                "other page's incident on a shared component stays on its page",
                sub(Email, &[], true),
                ev("incident.updated", "p2", &["shared"], true),
                false,
            ),
            (
                "other page's incident on a chosen shared component stays on its page",
                sub(Email, &["shared"], true),
                ev("incident.published", "p2", &["shared"], true),
                false,
            ),
            (
                "shared component's own status reaches a webhook of either page",
                sub(Webhook, &[], true),
                ev("component.status_changed", "p2", &["shared"], true),
                true,
            ),
            (
                "chosen component touched",
                sub(Email, &["api"], true),
                ev("incident.resolved", "p1", &["api", "db"], true),
                true,
            ),
            (
                "chosen component untouched",
                sub(Email, &["db"], true),
                ev("incident.resolved", "p1", &["api"], true),
                false,
            ),
            (
                "component change: email no",
                sub(Email, &[], true),
                ev("component.status_changed", "p1", &["api"], true),
                false,
            ),
            (
                "component change: webhook yes",
                sub(Webhook, &[], true),
                ev("component.status_changed", "p1", &["api"], true),
                true,
            ),
            (
                "component change: slack no",
                sub(Slack, &[], true),
                ev("component.status_changed", "p1", &["api"], true),
                false,
            ),
            (
                "maintenance reminder",
                sub(Discord, &["api"], true),
                ev("maintenance.reminder", "p1", &["api"], true),
                true,
            ),
            (
                "verifying is not announced",
                sub(Email, &[], true),
                ev("maintenance.updated", "p1", &[], false),
                false,
            ),
            (
                "a maintenance note with notify ticked is announced",
                sub(Email, &[], true),
                ev("maintenance.updated", "p1", &[], true),
                true,
            ),
        ];
        for (name, s, e, want) in cases {
            assert_eq!(wants(&s, &e, pages_of), want, "{name}");
        }
    }

    #[test]
    fn backoff_and_horizon() {
        let delays: Vec<i64> = (1..=9).map(|a| retry_delay(a).num_seconds()).collect();
        assert_eq!(delays, [30, 60, 120, 240, 480, 960, 1920, 3600, 3600]);
        let mut n = Notice {
            id: "n".into(),
            purpose: NoticePurpose::Event,
            subscriber_id: "s".into(),
            kind: SubscriberKind::Email,
            address: "a@example.com".into(),
            event_id: None,
            event_kind: String::new(),
            state: NoticeState::Pending,
            attempts: 0,
            next_attempt_at: t0(),
            last_error: None,
            created_at: t0(),
            queued_at: t0(),
            sent_at: None,
        };
        let horizon = Duration::hours(1);
        settle(
            &mut n,
            Outcome::Retry("SMTP 451 busy".into()),
            t0(),
            horizon,
        );
        assert_eq!(
            (n.state, n.next_attempt_at),
            (NoticeState::Pending, t0() + Duration::seconds(30))
        );
        settle(
            &mut n,
            Outcome::Retry("again".into()),
            t0() + Duration::minutes(59),
            horizon,
        );
        assert_eq!(n.state, NoticeState::Failed, "past the horizon it gives up");
        assert!(
            n.last_error
                .as_deref()
                .unwrap()
                .contains("gave up after 2 attempts")
        );
        n.state = NoticeState::Pending;
        settle(&mut n, Outcome::Sent, t0(), horizon);
        assert_eq!((n.state, n.last_error.clone()), (NoticeState::Sent, None));
    }

    #[test]
    fn reply_codes() {
        let cases = [
            (smtp_outcome(250, "ok"), "sent"),
            (smtp_outcome(451, "try later"), "retry"),
            (smtp_outcome(550, "no such user"), "permanent"),
            (http_outcome(204), "sent"),
            (http_outcome(410), "permanent"),
            (http_outcome(404), "permanent"),
            (http_outcome(301), "permanent"),
            (http_outcome(429), "retry"),
            (http_outcome(503), "retry"),
        ];
        for (got, want) in cases {
            let name = match got {
                Outcome::Sent => "sent",
                Outcome::Retry(_) => "retry",
                Outcome::Permanent(_) => "permanent",
                Outcome::Cancelled => "cancelled",
            };
            assert_eq!(name, want, "{got:?}");
        }
    }

    #[test]
    fn webhook_urls() {
        assert!(webhook_url("https://hooks.example.com/x?y=1").is_ok());
        assert!(webhook_url("http://127.0.0.1:9000/hook").is_ok());
        for bad in [
            "ftp://x",
            "https://",
            "https://user:pw@host/",
            "https://a b/",
        ] {
            assert!(webhook_url(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn csv_round_trip_and_forms() {
        let rows = parse_csv("a@example.com\n\nb@example.com\n").unwrap();
        assert_eq!(
            rows.iter().map(|r| r.address.as_str()).collect::<Vec<_>>(),
            ["a@example.com", "b@example.com"]
        );
        let rows = parse_csv("kind,address,component_ids,confirmed\nwebhook,\"https://x.example/h?a=1,2\",c1;c2,yes\nemail,c@example.com,,\n").unwrap();
        assert_eq!(rows[0].kind.as_deref(), Some("webhook"));
        assert_eq!(rows[0].address, "https://x.example/h?a=1,2");
        assert_eq!(rows[0].component_ids, ["c1", "c2"]);
        assert_eq!(
            (rows[0].confirmed, rows[1].confirmed, rows[1].line),
            (Some(true), None, 3)
        );
        assert_eq!(parse_csv("email\n\"open\n").unwrap_err().0, 2);
        assert_eq!(
            parse_csv("email,confirmed\nx@example.com,maybe\n")
                .unwrap_err()
                .0,
            2
        );
        let mut s = sub(SubscriberKind::Email, &["c1", "c2"], true);
        s.email = Some("q\"uote,@example.com".into());
        let back = parse_csv(&to_csv(&[s])).unwrap();
        assert_eq!(back[0].address, "q\"uote,@example.com");
        assert_eq!(
            (back[0].kind.as_deref(), back[0].confirmed),
            (Some("email"), Some(true))
        );
        assert_eq!(back[0].component_ids, ["c1", "c2"]);
        let mut s = sub(SubscriberKind::Email, &[], false);
        s.email = Some("-2+3+cmd|'/Ccalc'!A0@example.org".into());
        let csv = to_csv(&[s]);
        assert!(csv.contains(",'-2+3+cmd|'/Ccalc'!A0@example.org,"), "{csv}");
        assert_eq!(
            parse_csv(&csv).unwrap()[0].address,
            "-2+3+cmd|'/Ccalc'!A0@example.org"
        );
    }

    #[test]
    fn expiry() {
        let s = sub(SubscriberKind::Email, &[], false);
        assert!(!s.is_expired(t0() + Duration::hours(47)));
        assert!(s.is_expired(t0() + Duration::hours(49)));
        assert!(!sub(SubscriberKind::Email, &[], true).is_expired(t0() + Duration::days(30)));
    }
}
