//! Every table in the data file. Keys are ULID strings unless noted; values are
//! `Json<Record>` (see `codec.rs`). All writes go through `Store` methods.

use super::codec::Json;
use crate::domain::access::{CustomerSession, ReadToken, RefusedSignIn, SignInLink};
use crate::domain::alert_lifecycle::{AlertEvent, AlertSecret, DiscardedDraft, TrackedAlert};
use crate::domain::audit::AuditEntry;
use crate::domain::inbound::AlertRule;
use crate::domain::team::{Invite, PasswordReset};
use crate::domain::{
    ApiKey, Bucket, CheckFailure, Component, Event, Group, Incident, Maintenance, Monitor,
    MonitorState, Page, Session, Template, User,
};
use crate::domain::{Notice, Subscriber};
use redb::TableDefinition;

/// key: setting name (`schema_version`) → value: text. Written by migrations.
pub const META: TableDefinition<&str, &str> = TableDefinition::new("meta");
/// key: user id → the user. Written by setup, the users admin and `statusd user`.
pub const USERS: TableDefinition<&str, Json<User>> = TableDefinition::new("users");
/// key: lowercased email → user id. Unique index kept with `USERS`.
pub const USER_EMAILS: TableDefinition<&str, &str> = TableDefinition::new("user_emails");
/// key: hex SHA-256 of the session cookie → session. Written by sign-in/out.
pub const SESSIONS: TableDefinition<&str, Json<Session>> = TableDefinition::new("sessions");
/// key: key id → API key (hash only). Written by the keys admin/API and `statusd key`.
pub const API_KEYS: TableDefinition<&str, Json<ApiKey>> = TableDefinition::new("api_keys");
/// key: hex SHA-256 of the token → key id. Lookup index kept with `API_KEYS`.
pub const API_KEY_HASHES: TableDefinition<&str, &str> = TableDefinition::new("api_key_hashes");
/// key: page id → page. Written by the pages admin/API.
pub const PAGES: TableDefinition<&str, Json<Page>> = TableDefinition::new("pages");
/// key: page slug → page id. Unique index kept with `PAGES`.
pub const PAGE_SLUGS: TableDefinition<&str, &str> = TableDefinition::new("page_slugs");
/// key: group id → component group. Written by the groups admin/API.
pub const GROUPS: TableDefinition<&str, Json<Group>> = TableDefinition::new("groups");
/// key: component id → component. Written by the components admin/API.
pub const COMPONENTS: TableDefinition<&str, Json<Component>> = TableDefinition::new("components");
/// key: incident id → incident with its updates, postmortem and history. Written by the
/// incidents admin/API, alert webhooks and monitors.
pub const INCIDENTS: TableDefinition<&str, Json<Incident>> = TableDefinition::new("incidents");
/// key: maintenance id → maintenance window. Written by the admin/API and the maintenance worker.
pub const MAINTENANCE: TableDefinition<&str, Json<Maintenance>> =
    TableDefinition::new("maintenance");
/// key: template id → incident update template. Written by the templates admin/API.
pub const TEMPLATES: TableDefinition<&str, Json<Template>> = TableDefinition::new("templates");
/// key: event id (ULID, so time-ordered) → notification event. Written in the same
/// transaction as the change it describes; read by the notifier.
pub const EVENTS: TableDefinition<&str, Json<Event>> = TableDefinition::new("events");
/// key: monitor id → monitor (check, schedule, thresholds, alert policy). Written by the
/// monitors admin/API.
pub const MONITORS: TableDefinition<&str, Json<Monitor>> = TableDefinition::new("monitors");
/// key: monitor id → live state (up/down, counters, open incident). Written by the prober
/// at every transition and with each batch of results.
pub const MONITOR_STATE: TableDefinition<&str, Json<MonitorState>> =
    TableDefinition::new("monitor_state");
/// key: (monitor id, hour start) → packed routine results of that hour, 4 bytes each
/// (since schema 5; 5 before): a little-endian u32 of offset in the hour (12 bits),
/// up (1 bit) and latency in ms (19 bits, saturating). Pruned after
/// `raw_retention_days`. Written by the prober's batch writer.
pub const RESULTS: TableDefinition<(&str, i64), &[u8]> = TableDefinition::new("results");
/// key: (monitor id, time in ms) → failure detail (error text). Pruned with `RESULTS`.
pub const FAILURES: TableDefinition<(&str, i64), Json<CheckFailure>> =
    TableDefinition::new("failures");
/// Schema 3–4 only: (monitor id, hour start) → JSON rollup bucket. Schema 5 moved these
/// into `HOURLY_DAYS` and deleted the table.
pub const HOURLY: TableDefinition<(&str, i64), Json<Bucket>> = TableDefinition::new("hourly");
/// Schema 3–4 only: (monitor id, UTC day start) → JSON rollup bucket; now `DAILY_PACKED`.
pub const DAILY: TableDefinition<(&str, i64), Json<Bucket>> = TableDefinition::new("daily");
/// key: (monitor id, UTC day start) → that day's hourly rollup buckets, packed as
/// (hour of day u8, varint bucket) pairs (see `store::history_codec::encode_hours`); kept
/// 90 days. One record per monitor-day keeps the file small (~12 bytes per hour).
pub const HOURLY_DAYS: TableDefinition<(&str, i64), &[u8]> = TableDefinition::new("hourly_days");
/// key: (monitor id, UTC day start) → that day's rollup bucket as varints; kept for years.
pub const DAILY_PACKED: TableDefinition<(&str, i64), &[u8]> = TableDefinition::new("daily_packed");
/// key: heartbeat token → monitor id. Kept with `MONITORS`.
pub const HEARTBEATS: TableDefinition<&str, &str> = TableDefinition::new("heartbeats");
/// key: subscriber id → subscriber (email, webhook, Slack, Discord). Written by the
/// subscribe form, the subscribers admin/API and imports.
pub const SUBSCRIBERS: TableDefinition<&str, Json<Subscriber>> =
    TableDefinition::new("subscribers");
/// key: page id, kind and address (`domain::subscriber_key`) → subscriber id. Unique index
/// kept with `SUBSCRIBERS`.
pub const SUBSCRIBER_KEYS: TableDefinition<&str, &str> = TableDefinition::new("subscriber_keys");
/// key: link token of the confirm/manage/unsubscribe links → subscriber id. Kept with `SUBSCRIBERS`.
pub const SUBSCRIBER_TOKENS: TableDefinition<&str, &str> =
    TableDefinition::new("subscriber_tokens");
/// key: notice id (`{event id}.{subscriber id}`, or `confirm.…`) → one outgoing message to one
/// recipient, written before any attempt. Written by the fan-out and the outbox worker.
pub const NOTICES: TableDefinition<&str, Json<Notice>> = TableDefinition::new("notices");
/// key: (next attempt in ms since the epoch, notice id) → nothing. The pending notices in
/// due order; kept with `NOTICES` by the outbox worker.
pub const NOTICE_QUEUE: TableDefinition<(i64, &str), ()> = TableDefinition::new("notice_queue");
/// key: maintenance id → when its reminder event was written. Written by the outbox worker.
pub const REMINDERS: TableDefinition<&str, &str> = TableDefinition::new("reminders");
/// key: hex SHA-256 of a mailed customer sign-in link's token → the link (page, address,
/// expiry). Written by the sign-in form; removed when used. Created at open (no schema step).
pub const SIGNIN_LINKS: TableDefinition<&str, Json<SignInLink>> =
    TableDefinition::new("signin_links");
/// key: hex SHA-256 of a customer session cookie → the session (page, address, last seen).
/// Written by Continue on a sign-in link; removed by revoke, sign-out and page removal.
pub const CUSTOMER_SESSIONS: TableDefinition<&str, Json<CustomerSession>> =
    TableDefinition::new("customer_sessions");
/// key: read token id → a page's read token (hash only). Written by the pages admin.
pub const READ_TOKENS: TableDefinition<&str, Json<ReadToken>> = TableDefinition::new("read_tokens");
/// key: hex SHA-256 of a read token → its id. Lookup index kept with `READ_TOKENS`.
pub const READ_TOKEN_HASHES: TableDefinition<&str, &str> =
    TableDefinition::new("read_token_hashes");
/// key: ULID → a customer sign-in request the page refused (the newest 200 per page).
/// Written by the sign-in form.
pub const REFUSED_SIGNINS: TableDefinition<&str, Json<RefusedSignIn>> =
    TableDefinition::new("refused_signins");
/// key: hex SHA-256 of an invitation link's token → the invitation (email, role, expiry).
/// Written by the users admin (invite, resend replaces the key); removed when accepted
/// or revoked. Created at open (no schema step).
pub const INVITES: TableDefinition<&str, Json<Invite>> = TableDefinition::new("invites");
/// key: hex SHA-256 of a password reset link's token → the reset (user, expiry). Written by
/// the reset form; removed when used, and with the user's other resets. Created at open.
pub const PASSWORD_RESETS: TableDefinition<&str, Json<PasswordReset>> =
    TableDefinition::new("password_resets");
/// key: rule id → alert mapping rule. Written by the alert rules admin/API and `statusd apply`.
pub const ALERT_RULES: TableDefinition<&str, Json<AlertRule>> = TableDefinition::new("alert_rules");
/// key: secret URL id → a source's secret URL (hash only). Written by the alert sources admin/API.
pub const ALERT_SECRETS: TableDefinition<&str, Json<AlertSecret>> =
    TableDefinition::new("alert_secrets");
/// key: hex SHA-256 of the secret → secret URL id. Lookup index kept with `ALERT_SECRETS`.
pub const ALERT_SECRET_HASHES: TableDefinition<&str, &str> =
    TableDefinition::new("alert_secret_hashes");
/// key: `{source}:{dedup key}` → that key's state and incident. Written with each alert
/// (in its transaction) and by the drafts inbox.
pub const ALERT_TRACKED: TableDefinition<&str, Json<TrackedAlert>> =
    TableDefinition::new("alert_tracked");
/// key: incident id → a draft no alert opened (a person's, a monitor's), discarded with a
/// reason. Written by the drafts inbox in the discard's transaction; shown in alert history.
pub const DISCARDED_DRAFTS: TableDefinition<&str, Json<DiscardedDraft>> =
    TableDefinition::new("discarded_drafts");
/// key: event id (ULID) → one alert received or refused, with its raw body. Written by the
/// alert endpoints; pruned after 30 days by the retention worker.
pub const ALERT_EVENTS: TableDefinition<&str, Json<AlertEvent>> =
    TableDefinition::new("alert_events");
/// key: entry id (ULID, so time-ordered) → one audit log entry (actor, action, object,
/// summary, client address). Written after each change by `web::audit`; pruned after
/// `audit_retention_days`. Created at open (no schema step).
pub const AUDIT: TableDefinition<&str, Json<AuditEntry>> = TableDefinition::new("audit");
/// key: a logo's served name (`{sha256 prefix}.{ext}`) → its image bytes (≤ 256 KB).
/// Written by the page logo upload (admin and API); removed with the last page using it.
pub const LOGOS: TableDefinition<&str, &[u8]> = TableDefinition::new("logos");
