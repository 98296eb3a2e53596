//! HTTP(S) checks on ureq: status ranges, keyword present or absent, a JSON value at a
//! path, response time. One global timeout bounds connect, redirects and body; the
//! body is read only for content checks and never past [`BODY_LIMIT`].
//! Over 500 lines of code: one HTTP check is one pipeline (request, redirects, TLS, body cap,
//! keyword and JSON assertions); the assertions are the seam to split along next.

use super::{ProbeOutcome, io_error, timeout_error};
use base64::Engine;
use serde::de::{self, Deserializer, SeqAccess, Visitor};
use serde::{Deserialize, Serialize, Serializer};
use std::collections::BTreeMap;
use std::fmt;
use std::io::Read;
use std::str::FromStr;
use std::sync::OnceLock;
use std::time::{Duration, Instant};
use ureq::http::{self, HeaderName, HeaderValue, Method, Uri};
use ureq::{Agent, AsSendBody, Body};

/// Most bytes of a body read for keyword and JSON checks (1 MiB); the rest is never read.
pub const BODY_LIMIT: usize = 1024 * 1024;

/// Redirects followed at most when `follow_redirects` is on.
const MAX_REDIRECTS: u32 = 10;

const METHODS: [&str; 7] = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"];

/// An HTTP(S) check.
#[derive(Clone, Serialize, Deserialize, PartialEq)]
pub struct HttpCheck {
    /// `http://` or `https://` URL with a host.
    pub url: String,
    /// GET, HEAD, POST, PUT, PATCH, DELETE or OPTIONS.
    #[serde(default = "default_method")]
    pub method: String,
    /// Extra request headers, name to value.
    #[serde(default)]
    pub headers: BTreeMap<String, String>,
    /// Request body, sent as given.
    #[serde(default)]
    pub body: Option<String>,
    /// Accepted status codes: `"200"`, `"200-299"` or `"2xx"` (a list, or one comma-separated string).
    #[serde(default = "default_expected", deserialize_with = "de_status_list")]
    pub expected_status: Vec<StatusRange>,
    /// Text the body must contain (case-sensitive), searched in the first [`BODY_LIMIT`] bytes.
    #[serde(default)]
    pub keyword: Option<String>,
    /// The keyword must not appear instead.
    #[serde(default)]
    pub keyword_absent: bool,
    /// Dotted path into a JSON body, such as `$.status` or `data.items[0].state`.
    #[serde(default)]
    pub json_path: Option<String>,
    /// The value at `json_path` must equal this (a string, or a JSON literal such as `true` or `3`).
    #[serde(default)]
    pub json_equals: Option<String>,
    /// Slower responses count as down.
    #[serde(default)]
    pub max_response_ms: Option<u32>,
    /// Follow up to 10 redirects; off means a 3xx is judged as the answer.
    #[serde(default)]
    pub follow_redirects: bool,
    /// Check the certificate chain and host name of `https://` targets.
    #[serde(default = "yes")]
    pub verify_tls: bool,
    #[serde(default)]
    pub basic_auth: Option<BasicAuth>,
    /// Sent as `Authorization: Bearer <token>`.
    #[serde(default)]
    pub bearer_token: Option<String>,
}

/// HTTP basic credentials.
#[derive(Clone, Serialize, Deserialize, PartialEq)]
pub struct BasicAuth {
    pub username: String,
    #[serde(default)]
    pub password: String,
}

impl fmt::Debug for BasicAuth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BasicAuth")
            .field("username", &self.username)
            .field("password", &"<redacted>")
            .finish()
    }
}

// Secrets never print: the bearer token and header values (which may hold API keys) are redacted.
impl fmt::Debug for HttpCheck {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let headers: Vec<&String> = self.headers.keys().collect();
        f.debug_struct("HttpCheck")
            .field("url", &self.url)
            .field("method", &self.method)
            .field("header_names", &headers)
            .field("body", &self.body.as_ref().map(|b| b.len()))
            .field("expected_status", &self.expected_status)
            .field("keyword", &self.keyword)
            .field("keyword_absent", &self.keyword_absent)
            .field("json_path", &self.json_path)
            .field("json_equals", &self.json_equals)
            .field("max_response_ms", &self.max_response_ms)
            .field("follow_redirects", &self.follow_redirects)
            .field("verify_tls", &self.verify_tls)
            .field("basic_auth", &self.basic_auth)
            .field(
                "bearer_token",
                &self.bearer_token.as_ref().map(|_| "<redacted>"),
            )
            .finish()
    }
}

fn default_method() -> String {
    "GET".into()
}

fn default_expected() -> Vec<StatusRange> {
    vec![StatusRange { from: 200, to: 299 }]
}

fn yes() -> bool {
    true
}

impl Default for HttpCheck {
    fn default() -> Self {
        HttpCheck {
            url: String::new(),
            method: default_method(),
            headers: BTreeMap::new(),
            body: None,
            expected_status: default_expected(),
            keyword: None,
            keyword_absent: false,
            json_path: None,
            json_equals: None,
            max_response_ms: None,
            follow_redirects: false,
            verify_tls: true,
            basic_auth: None,
            bearer_token: None,
        }
    }
}

impl HttpCheck {
    /// A GET of `url` expecting 2xx, with every other setting at its default.
    pub fn get(url: &str) -> Self {
        HttpCheck {
            url: url.into(),
            ..Default::default()
        }
    }

    /// Checks the settings; the error names the field and says why.
    pub fn validate(&self) -> Result<(), (&'static str, String)> {
        parse_url(&self.url).map_err(|e| ("url", e))?;
        parse_method(&self.method).map_err(|e| ("method", e))?;
        for (name, value) in &self.headers {
            HeaderName::from_bytes(name.trim().as_bytes())
                .map_err(|_| ("headers", format!("{name:?} is not a valid header name")))?;
            HeaderValue::from_str(value.trim()).map_err(|_| {
                (
                    "headers",
                    format!("the value of {name:?} has characters a header cannot carry"),
                )
            })?;
        }
        if self.expected_status.is_empty() {
            return Err((
                "expected_status",
                "list at least one status code or range, such as 200-299".into(),
            ));
        }
        if let Some(k) = &self.keyword {
            if k.is_empty() {
                return Err((
                    "keyword",
                    "must not be empty; leave it out to skip the keyword check".into(),
                ));
            }
        } else if self.keyword_absent {
            return Err(("keyword_absent", "needs a keyword".into()));
        }
        match (&self.json_path, &self.json_equals) {
            (Some(p), _) => {
                JsonPath::parse(p).map_err(|e| ("json_path", e))?;
            }
            (None, Some(_)) => return Err(("json_equals", "needs a json_path to compare".into())),
            (None, None) => {}
        }
        if self.max_response_ms == Some(0) {
            return Err(("max_response_ms", "must be at least 1".into()));
        }
        if let Some(a) = &self.basic_auth
            && (a.username.is_empty() || a.username.contains(':'))
        {
            return Err((
                "basic_auth",
                "the username must be non-empty and contain no ':'".into(),
            ));
        }
        if let Some(t) = &self.bearer_token
            && (t.trim().is_empty() || HeaderValue::from_str(t.trim()).is_err())
        {
            return Err((
                "bearer_token",
                "must be a non-empty token of printable characters".into(),
            ));
        }
        if self.basic_auth.is_some() && self.bearer_token.is_some() {
            return Err((
                "bearer_token",
                "use either basic_auth or bearer_token, not both".into(),
            ));
        }
        Ok(())
    }
}

fn parse_url(url: &str) -> Result<Uri, String> {
    let u = url.trim();
    if u.is_empty() {
        return Err("must not be empty".into());
    }
    let uri: Uri = u.parse().map_err(|e| format!("{u:?} is not a URL: {e}"))?;
    match uri.scheme_str() {
        Some("http" | "https") => {}
        _ => return Err(format!("{u:?} must start with http:// or https://")),
    }
    if uri.host().is_none_or(str::is_empty) {
        return Err(format!("{u:?} has no host"));
    }
    if uri.port_u16() == Some(0) {
        return Err(format!("{u:?} has port 0; use a port between 1 and 65535"));
    }
    Ok(uri)
}

fn parse_method(m: &str) -> Result<Method, String> {
    let up = m.trim().to_ascii_uppercase();
    if !METHODS.contains(&up.as_str()) {
        return Err(format!(
            "{m:?} is not supported; use one of {}",
            METHODS.join(", ")
        ));
    }
    Method::from_bytes(up.as_bytes()).map_err(|e| e.to_string())
}

/// An inclusive range of HTTP status codes; written `200`, `200-299` or `2xx`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StatusRange {
    pub from: u16,
    pub to: u16,
}

impl StatusRange {
    pub fn contains(&self, status: u16) -> bool {
        (self.from..=self.to).contains(&status)
    }
}

impl FromStr for StatusRange {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        let t = s.trim();
        let bad = || format!("{t:?} is not a status code or range (use 200, 200-299 or 2xx)");
        let code = |x: &str| -> Result<u16, String> {
            let n: u16 = x.trim().parse().map_err(|_| bad())?;
            if (100..=599).contains(&n) {
                Ok(n)
            } else {
                Err(format!("{n} is not an HTTP status (100-599)"))
            }
        };
        let lower = t.to_ascii_lowercase();
        if let Some(d) = lower.strip_suffix("xx") {
            let first = code(&format!("{d}00"))?;
            return Ok(StatusRange {
                from: first,
                to: first + 99,
            });
        }
        match t.split_once('-') {
            Some((a, b)) => {
                let (from, to) = (code(a)?, code(b)?);
                if from > to {
                    return Err(format!("{t:?} is backwards; write the lower code first"));
                }
                Ok(StatusRange { from, to })
            }
            None => code(t).map(|c| StatusRange { from: c, to: c }),
        }
    }
}

impl fmt::Display for StatusRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.from == self.to {
            write!(f, "{}", self.from)
        } else {
            write!(f, "{}-{}", self.from, self.to)
        }
    }
}

impl Serialize for StatusRange {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for StatusRange {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(StatusVisitor).and_then(|mut v| {
            if v.len() == 1 {
                Ok(v.remove(0))
            } else {
                Err(de::Error::custom("expected one status code or range"))
            }
        })
    }
}

/// Reads `expected_status` from a list of codes and ranges, one string (comma-separated) or one number.
fn de_status_list<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<StatusRange>, D::Error> {
    d.deserialize_any(StatusVisitor)
}

struct StatusVisitor;

impl<'de> Visitor<'de> for StatusVisitor {
    type Value = Vec<StatusRange>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("status codes or ranges such as 200, \"200-299\" or \"2xx\"")
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        self.visit_str(&v.to_string())
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        self.visit_str(&v.to_string())
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        v.split(',')
            .filter(|p| !p.trim().is_empty())
            .map(|p| {
                p.parse::<StatusRange>()
                    .map_err(|e| E::custom(format!("expected_status: {e}")))
            })
            .collect()
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut out = Vec::new();
        while let Some(one) = seq.next_element::<StatusRange>()? {
            out.push(one);
        }
        Ok(out)
    }
}

fn ranges_text(ranges: &[StatusRange]) -> String {
    ranges
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

/// A JSON path (RFC 9535, through `serde_json_path`) that must select one value:
/// `$.status`, `$.items[?@.name == 'db'].state`, or the short form `data.items[0].state`
/// (read as `$.data.items[0].state`).
#[derive(Debug, Clone)]
pub struct JsonPath {
    text: String,
    path: serde_json_path::JsonPath,
}

impl PartialEq for JsonPath {
    fn eq(&self, other: &Self) -> bool {
        self.text == other.text
    }
}

impl JsonPath {
    pub fn parse(path: &str) -> Result<Self, String> {
        let p = path.trim();
        let text = match p.chars().next() {
            None => {
                return Err(
                    "must not be empty; write a path such as $.status or data.items[0].state"
                        .into(),
                );
            }
            Some('$') => p.to_string(),
            Some('.' | '[') => {
                return Err(format!("{p:?}: start with $ or a name, as in $.status"));
            }
            Some(_) => format!("$.{p}"),
        };
        let path = serde_json_path::JsonPath::parse(&text)
            .map_err(|e| format!("{text:?}: {} (at character {})", e.message(), e.position()))?;
        Ok(JsonPath { text, path })
    }

    /// The one value at this path: `Ok(None)` when there is none, `Err` when the path
    /// selects several.
    pub fn get<'a>(
        &self,
        v: &'a serde_json::Value,
    ) -> Result<Option<&'a serde_json::Value>, String> {
        self.path
            .query(v)
            .at_most_one()
            .map_err(|e| format!("JSON path {self} selects {} values, not one", e.0))
    }
}

impl fmt::Display for JsonPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

/// A string value equals the text as is; anything else equals the text read as JSON.
fn json_matches(value: &serde_json::Value, expected: &str) -> bool {
    if let serde_json::Value::String(s) = value
        && s == expected
    {
        return true;
    }
    serde_json::from_str::<serde_json::Value>(expected.trim()).is_ok_and(|e| &e == value)
}

/// Quotes user text for an error message, cut short so the message stays short.
fn quoted(s: &str) -> String {
    let cut: String = s.chars().take(60).collect();
    if cut.len() < s.len() {
        format!("\"{cut}…\"")
    } else {
        format!("\"{cut}\"")
    }
}

/// Two shared agents (verify TLS or not). Pooling is off so every check opens its own
/// connection and measures a real connect; the agents only keep the TLS setup warm.
fn agent(verify_tls: bool) -> &'static Agent {
    static AGENTS: OnceLock<[Agent; 2]> = OnceLock::new();
    let agents = AGENTS.get_or_init(|| {
        let make = |verify: bool| {
            Agent::config_builder()
                .http_status_as_error(false)
                .max_idle_connections(0)
                .max_idle_connections_per_host(0)
                .user_agent(concat!("statusd/", env!("CARGO_PKG_VERSION"), " (monitor)"))
                .tls_config(
                    ureq::tls::TlsConfig::builder()
                        .disable_verification(!verify)
                        .build(),
                )
                .build()
                .new_agent()
        };
        [make(true), make(false)]
    });
    &agents[usize::from(!verify_tls)]
}

pub(super) fn run(check: &HttpCheck, timeout: Duration) -> ProbeOutcome {
    let started = Instant::now();
    let request = match build_request(check) {
        Ok(r) => r,
        Err(e) => return ProbeOutcome::down(started, e),
    };
    let agent = agent(check.verify_tls);
    let redirects = if check.follow_redirects {
        MAX_REDIRECTS
    } else {
        0
    };
    let sent = match &check.body {
        Some(b) => send(agent, request.body(b.clone()), timeout, redirects),
        None => send(agent, request.body(()), timeout, redirects),
    };
    let mut resp = match sent {
        Ok(r) => r,
        Err(e) => return ProbeOutcome::down(started, ureq_error(&e, timeout)),
    };
    let status = resp.status().as_u16();
    if !check.expected_status.iter().any(|r| r.contains(status)) {
        let mut out = ProbeOutcome::down(
            started,
            format!(
                "HTTP {status} (expected {})",
                ranges_text(&check.expected_status)
            ),
        );
        if let Some(loc) = resp
            .headers()
            .get(http::header::LOCATION)
            .and_then(|l| l.to_str().ok())
        {
            out = out.with_detail(format!("redirects to {loc}"));
        }
        return out;
    }
    let mut detail = format!("HTTP {status}");
    if check.keyword.is_some() || check.json_path.is_some() {
        let (body, truncated) = match read_limited(resp.body_mut()) {
            Ok(b) => b,
            Err(e) => return ProbeOutcome::down(started, body_error(&e, timeout)),
        };
        if let Err(e) = check_body(check, &body, truncated) {
            let snippet: String = String::from_utf8_lossy(&body[..body.len().min(400)])
                .chars()
                .take(150)
                .collect();
            return ProbeOutcome::down(started, e)
                .with_detail(format!("{detail}, body starts: {snippet}"));
        }
        detail.push_str(&format!(", {} bytes checked", body.len()));
    }
    let out = ProbeOutcome::up(started, detail);
    match check.max_response_ms {
        Some(max) if out.latency_ms > max => ProbeOutcome {
            up: false,
            error: Some(format!(
                "response took {} ms (max {max} ms)",
                out.latency_ms
            )),
            ..out
        },
        _ => out,
    }
}

fn build_request(check: &HttpCheck) -> Result<http::request::Builder, String> {
    let uri = parse_url(&check.url).map_err(|e| format!("bad URL: {e}"))?;
    let mut b = http::Request::builder()
        .method(parse_method(&check.method)?)
        .uri(uri);
    for (name, value) in &check.headers {
        b = b.header(name.trim(), value.trim());
    }
    if let Some(a) = &check.basic_auth {
        let token = base64::engine::general_purpose::STANDARD
            .encode(format!("{}:{}", a.username, a.password));
        b = b.header(http::header::AUTHORIZATION, format!("Basic {token}"));
    }
    if let Some(t) = &check.bearer_token {
        b = b.header(http::header::AUTHORIZATION, format!("Bearer {}", t.trim()));
    }
    Ok(b)
}

fn send<S: AsSendBody>(
    agent: &Agent,
    request: Result<http::Request<S>, http::Error>,
    timeout: Duration,
    redirects: u32,
) -> Result<http::Response<Body>, ureq::Error> {
    let request = agent
        .configure_request(request?)
        .timeout_global(Some(timeout))
        .max_redirects(redirects)
        .max_redirects_will_error(true)
        .build();
    agent.run(request)
}

/// Reads at most [`BODY_LIMIT`] bytes; `true` when the body went on past that.
fn read_limited(body: &mut Body) -> std::io::Result<(Vec<u8>, bool)> {
    let mut buf = Vec::new();
    body.as_reader()
        .take(BODY_LIMIT as u64 + 1)
        .read_to_end(&mut buf)?;
    let truncated = buf.len() > BODY_LIMIT;
    buf.truncate(BODY_LIMIT);
    Ok((buf, truncated))
}

fn check_body(check: &HttpCheck, body: &[u8], truncated: bool) -> Result<(), String> {
    if let Some(k) = &check.keyword {
        let found = String::from_utf8_lossy(body).contains(k.as_str());
        let scope = if truncated { " in the first 1 MiB" } else { "" };
        match (found, check.keyword_absent) {
            (false, false) => return Err(format!("keyword {} not found{scope}", quoted(k))),
            (true, true) => return Err(format!("keyword {} found (must be absent)", quoted(k))),
            _ => {}
        }
    }
    if let Some(p) = &check.json_path {
        let path = JsonPath::parse(p)?;
        if truncated {
            return Err("response is over 1 MiB, too large for a JSON check".into());
        }
        let doc: serde_json::Value =
            serde_json::from_slice(body).map_err(|e| format!("response is not JSON: {e}"))?;
        let value = path
            .get(&doc)?
            .ok_or_else(|| format!("JSON path {path} not found"))?;
        if let Some(want) = &check.json_equals
            && !json_matches(value, want)
        {
            let seen = match value {
                serde_json::Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            return Err(format!(
                "JSON {path} is {} (expected {})",
                quoted(&seen),
                quoted(want)
            ));
        }
    }
    Ok(())
}

fn ureq_error(e: &ureq::Error, timeout: Duration) -> String {
    use ureq::Error as E;
    match e {
        E::Timeout(_) => timeout_error(timeout),
        E::Io(io) => io_error(io, timeout),
        E::HostNotFound => "host not found".into(),
        E::ConnectionFailed => "connection failed".into(),
        E::TooManyRedirects => format!("too many redirects (more than {MAX_REDIRECTS})"),
        E::RedirectFailed => "redirect failed: bad or missing Location header".into(),
        E::BadUri(u) => format!("bad URL: {u}"),
        E::Http(h) => format!("bad request settings: {h}"),
        E::Tls(t) => format!("TLS: {t}"),
        E::Rustls(r) => super::tls::describe(r),
        E::Protocol(p) => format!("invalid HTTP response: {p}"),
        E::LargeResponseHeader(..) => "response headers too large".into(),
        other => other.to_string(),
    }
}

/// A body read error: ureq's own error travels inside the io::Error.
fn body_error(e: &std::io::Error, timeout: Duration) -> String {
    match e
        .get_ref()
        .and_then(|inner| inner.downcast_ref::<ureq::Error>())
    {
        Some(u) => ureq_error(u, timeout),
        None => io_error(e, timeout),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn status_ranges_table() {
        let cases = [
            ("200", Ok((200, 200))),
            (" 200-299 ", Ok((200, 299))),
            ("2xx", Ok((200, 299))),
            ("5XX", Ok((500, 599))),
            ("301", Ok((301, 301))),
            ("299-200", Err("backwards")),
            ("700", Err("not an HTTP status")),
            ("abc", Err("not a status code")),
            ("9xx", Err("not an HTTP status")),
            ("", Err("not a status code")),
        ];
        for (input, want) in cases {
            let got = input.parse::<StatusRange>().map(|r| (r.from, r.to));
            match want {
                Ok(w) => assert_eq!(got, Ok(w), "{input}"),
                Err(w) => assert!(got.as_ref().unwrap_err().contains(w), "{input}: {got:?}"),
            }
        }
    }

    #[test]
    fn expected_status_accepts_lists_strings_and_numbers() {
        let read = |v: serde_json::Value| {
            serde_json::from_value::<HttpCheck>(json!({"url": "http://x", "expected_status": v}))
                .map(|c| {
                    c.expected_status
                        .iter()
                        .map(ToString::to_string)
                        .collect::<Vec<_>>()
                })
                .map_err(|e| e.to_string())
        };
        assert_eq!(
            read(json!(["200", "3xx", 404])).unwrap(),
            ["200", "300-399", "404"]
        );
        assert_eq!(read(json!("200-299, 301")).unwrap(), ["200-299", "301"]);
        assert_eq!(read(json!(204)).unwrap(), ["204"]);
        assert!(read(json!(["2x"])).unwrap_err().contains("expected_status"));
        let c: HttpCheck = serde_json::from_value(json!({"url": "http://x"})).unwrap();
        assert_eq!(c, HttpCheck::get("http://x"));
        let back: HttpCheck = serde_json::from_value(serde_json::to_value(&c).unwrap()).unwrap();
        assert_eq!(back, c);
    }

    #[test]
    fn json_paths_table() {
        let doc = json!({"status": "ok", "data": {"items": [{"state": "green", "name": "db"}, {"state": 3, "name": "api"}]}, "a.b": 1, "a-b": 2});
        let cases = [
            ("$.status", Ok(Some(json!("ok")))),
            ("status", Ok(Some(json!("ok")))),
            ("data.items[0].state", Ok(Some(json!("green")))),
            ("$.data.items[1].state", Ok(Some(json!(3)))),
            ("$.data.items[-1].state", Ok(Some(json!(3)))),
            ("$.data.items[2].state", Ok(None)),
            ("$.nope", Ok(None)),
            ("$", Ok(Some(doc.clone()))),
            ("$['a.b']", Ok(Some(json!(1)))),
            ("$['a-b']", Ok(Some(json!(2)))),
            ("$.data.items[?@.name == 'api'].state", Ok(Some(json!(3)))),
            ("data..name", Err("selects 2 values")),
            ("$.data.items[*]", Err("selects 2 values")),
        ];
        for (p, want) in cases {
            let path = JsonPath::parse(p).unwrap_or_else(|e| panic!("{p}: {e}"));
            match (path.get(&doc), want) {
                (Ok(got), Ok(want)) => assert_eq!(got.cloned(), want, "{p}"),
                (Err(e), Err(want)) => assert!(e.contains(want), "{p}: {e}"),
                (got, want) => panic!("{p}: {got:?}, expected {want:?}"),
            }
        }
        assert_eq!(JsonPath::parse("$[1].x").unwrap().to_string(), "$[1].x");
        assert_eq!(
            JsonPath::parse("data.items[0].state").unwrap().to_string(),
            "$.data.items[0].state"
        );
        for bad in [
            "", "$.", "a.", "a[x]", "a[]", "a[0", "a]b", ".a", "[0]", "a b", "$.a-b",
        ] {
            assert!(JsonPath::parse(bad).is_err(), "{bad:?} should be rejected");
        }
    }

    #[test]
    fn json_equals_compares_strings_as_text_and_others_as_json() {
        assert!(json_matches(&json!("ok"), "ok"));
        assert!(json_matches(&json!("ok"), "\"ok\""));
        assert!(json_matches(&json!(true), "true"));
        assert!(json_matches(&json!(3), "3"));
        assert!(json_matches(&json!(null), "null"));
        assert!(!json_matches(&json!("true"), "false"));
        assert!(!json_matches(&json!(3), "4"));
    }

    #[test]
    fn validation_names_the_field() {
        let ok = HttpCheck::get("https://example.com/health");
        assert_eq!(ok.validate(), Ok(()));
        let field = |c: HttpCheck| c.validate().unwrap_err().0;
        let with = |f: &dyn Fn(&mut HttpCheck)| {
            let mut c = ok.clone();
            f(&mut c);
            c
        };
        assert_eq!(field(HttpCheck::get("ftp://example.com")), "url");
        assert_eq!(field(HttpCheck::get("example.com")), "url");
        assert_eq!(field(HttpCheck::get("http://")), "url");
        assert_eq!(field(HttpCheck::get("http://x:0/")), "url");
        assert_eq!(field(HttpCheck::get("")), "url");
        assert_eq!(field(with(&|c| c.method = "BREW".into())), "method");
        assert_eq!(
            field(with(&|c| {
                c.headers.insert("bad header".into(), "x".into());
            })),
            "headers"
        );
        assert_eq!(
            field(with(&|c| c.expected_status.clear())),
            "expected_status"
        );
        assert_eq!(field(with(&|c| c.keyword = Some(String::new()))), "keyword");
        assert_eq!(field(with(&|c| c.keyword_absent = true)), "keyword_absent");
        assert_eq!(
            field(with(&|c| c.json_path = Some("a[x]".into()))),
            "json_path"
        );
        assert_eq!(
            field(with(&|c| c.json_equals = Some("x".into()))),
            "json_equals"
        );
        assert_eq!(
            field(with(&|c| c.max_response_ms = Some(0))),
            "max_response_ms"
        );
        assert_eq!(
            field(with(&|c| c.bearer_token = Some("a\nb".into()))),
            "bearer_token"
        );
        assert_eq!(
            field(with(&|c| c.basic_auth = Some(BasicAuth {
                username: "a:b".into(),
                password: String::new()
            }))),
            "basic_auth"
        );
        assert_eq!(with(&|c| c.method = "post".into()).validate(), Ok(()));
    }

    #[test]
    fn debug_hides_secrets() {
        let mut c = HttpCheck::get("http://x");
        c.bearer_token = Some("s3cret-token".into());
        c.basic_auth = Some(BasicAuth {
            username: "u".into(),
            password: "hunter2".into(),
        });
        c.headers.insert("X-Api-Key".into(), "k3y".into());
        let s = format!("{c:?}");
        for secret in ["s3cret-token", "hunter2", "k3y"] {
            assert!(!s.contains(secret), "{s}");
        }
    }
}
