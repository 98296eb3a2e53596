//! Alerts in the admin against the real binary: an Alertmanager-shaped alert becomes a
//! draft counted in the navigation, is edited and published onto `/`; another is
//! discarded with a reason that history shows; an unmatched alert becomes a rule; source
//! pages, secret URLs and the test alert; a viewer is refused every POST.

mod common;

use common::*;
use reqwest::blocking::Client;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

const OWNER: (&str, &str) = ("owner@example.com", "owner password 1");

struct Admin {
    server: Server,
    owner: Client,
    token: String,
    _dir: tempfile::TempDir,
}

fn start() -> Admin {
    let (dir, data) = temp_data();
    let server = Server::start(&data);
    let owner = server.setup_owner(OWNER.0, OWNER.1);
    let token = server.api_key(&owner, "editor");
    Admin {
        server,
        owner,
        token,
        _dir: dir,
    }
}

impl Admin {
    fn component(&self, name: &str) -> String {
        let (st, c) = self.server.api_send(
            Method::POST,
            "/api/v1/components",
            &self.token,
            &json!({"name": name}),
        );
        assert_eq!(st, StatusCode::CREATED, "{c}");
        c["id"].as_str().unwrap().to_string()
    }

    fn alert(&self, source: &str, body: &Value) -> (StatusCode, Value) {
        self.server.api_send(
            Method::POST,
            &format!("/api/v1/alerts/{source}"),
            &self.token,
            body,
        )
    }

    fn page(&self, path: &str) -> String {
        let (st, body) = text(self.owner.get(self.server.url(path)).send().unwrap());
        assert_eq!(st, StatusCode::OK, "GET {path}: {body}");
        body
    }

    fn post(&self, path: &str, fields: &[(&str, &str)]) -> (StatusCode, String, String) {
        let resp = self.server.post_form(&self.owner, path, fields);
        let to = location(&resp);
        let (st, body) = text(resp);
        (st, to, body)
    }

    fn drafts(&self) -> Vec<Value> {
        let (_, list) = self
            .server
            .api_get("/api/v1/incidents?state=draft", &self.token);
        list["data"].as_array().unwrap().clone()
    }

    fn events(&self) -> Vec<Value> {
        let (_, list) = self.server.api_get("/api/v1/alert-events", &self.token);
        list.as_array().unwrap().clone()
    }
}

/// An Alertmanager v4 webhook body with one alert.
fn am(status: &str, fingerprint: &str, labels: Value) -> Value {
    json!({
        "version": "4", "status": status, "receiver": "statusd",
        "groupKey": format!("{{}}:{{alertname=\"{fingerprint}\"}}"),
        "groupLabels": {}, "commonLabels": labels, "commonAnnotations": {},
        "externalURL": "http://127.0.0.1:9093",
        "alerts": [{
            "status": status, "labels": labels,
            "annotations": {"summary": "5xx on api-7.internal (10.0.0.7:9100)"},
            "startsAt": "2026-11-30T01:00:00Z", "endsAt": "0001-01-01T00:00:00Z",
            "fingerprint": fingerprint,
        }],
    })
}

/// The count in the navigation's Drafts link, if a badge is shown.
fn nav_count(html: &str) -> Option<u32> {
    let link = html.split("id=\"nav-drafts\"").nth(1)?;
    let link = &link[..link.find("</a>")?];
    let n = link.split("class=\"nav-count\">").nth(1)?;
    n[..n.find('<')?].parse().ok()
}

#[test]
fn an_alertmanager_alert_is_counted_edited_published_and_shown_on_the_public_page() {
    let a = start();
    let api = a.component("API");
    assert_eq!(
        nav_count(&a.page("/admin")),
        None,
        "no badge without drafts"
    );

    let labels = json!({"alertname": "ApiErrors", "statusd_component": "API", "severity": "major",
                        "instance": "10.0.0.7:9100"});
    let (st, r) = a.alert("alertmanager", &am("firing", "am-1", labels));
    assert_eq!(st, StatusCode::OK, "{r}");
    assert_eq!(r["received"][0]["outcome"], "drafted", "{r}");

    let inbox = a.page("/admin/drafts");
    assert_eq!(nav_count(&inbox), Some(1), "Drafts 1 in the navigation");
    assert!(inbox.contains(r#"id="draft-count">1<"#), "{inbox}");
    let id = a.drafts()[0]["id"].as_str().unwrap().to_string();
    assert!(inbox.contains(&format!("/admin/drafts/{id}")), "{inbox}");
    assert!(
        inbox.contains("From a Prometheus Alertmanager alert")
            || inbox.contains("Alertmanager alert"),
        "{inbox}"
    );

    // The draft page: the raw alert beside the proposed text.
    let page = a.page(&format!("/admin/drafts/{id}"));
    assert!(page.contains("What the alert said"), "{page}");
    assert!(
        page.contains("10.0.0.7:9100"),
        "the raw alert keeps the instance: {page}"
    );
    assert!(
        page.contains(r#"name="title""#) && page.contains(r#"name="message""#),
        "{page}"
    );

    // A bad status names the field and changes nothing.
    let status_key = format!("status_{api}");
    let (st, _, body) = a.post(
        &format!("/admin/drafts/{id}/publish"),
        &[
            ("title", "API errors"),
            ("message", "m"),
            ("impact", "major"),
            ("component", &api),
            (&status_key, "on_fire"),
        ],
    );
    assert_eq!(st, StatusCode::BAD_REQUEST, "{body}");
    assert!(body.contains("Components"), "the field in words: {body}");
    assert_eq!(a.drafts().len(), 1, "still a draft");

    let (st, to, body) = a.post(
        &format!("/admin/drafts/{id}/publish"),
        &[
            ("title", "Some API requests fail"),
            ("message", "Some requests to the API fail; we are on it."),
            ("impact", "major"),
            ("component", &api),
            (&status_key, "partial_outage"),
        ],
    );
    assert_eq!(st, StatusCode::SEE_OTHER, "{body}");
    assert_eq!(to, format!("/admin/incidents/{id}"));
    assert!(a.drafts().is_empty());
    assert_eq!(nav_count(&a.page("/admin")), None, "the badge is gone");

    let (_, public) = text(a.server.get("/"));
    assert!(public.contains("Some API requests fail"), "{public}");
    assert!(
        public.contains("Some requests to the API fail; we are on it."),
        "{public}"
    );
    assert!(!public.contains("10.0.0.7"), "no instance address leaked");
    let (_, c) = a
        .server
        .api_get(&format!("/api/v1/components/{api}"), &a.token);
    assert_eq!(c["status"], "partial_outage", "{c}");
}

#[test]
fn a_discard_needs_a_reason_which_history_shows_with_refusals_and_false_alarms() {
    let a = start();
    a.component("API");
    let labels = json!({"alertname": "Flappy", "statusd_component": "API", "severity": "minor"});
    a.alert("alertmanager", &am("firing", "flap-1", labels.clone()));
    let id = a.drafts()[0]["id"].as_str().unwrap().to_string();

    let confirm = a.page(&format!("/admin/drafts/{id}/discard"));
    assert!(confirm.contains("Discard draft"), "{confirm}");
    assert!(confirm.contains(r#"name="reason""#), "{confirm}");
    let (st, _, body) = a.post(&format!("/admin/drafts/{id}/discard"), &[("reason", "  ")]);
    assert_eq!(st, StatusCode::BAD_REQUEST, "{body}");
    assert!(body.contains("say why this draft is discarded"), "{body}");
    assert_eq!(a.drafts().len(), 1, "nothing discarded without a reason");

    let (st, to, _) = a.post(
        &format!("/admin/drafts/{id}/discard"),
        &[("reason", "False alarm: staging only")],
    );
    assert_eq!((st, to.as_str()), (StatusCode::SEE_OTHER, "/admin/drafts"));
    assert!(a.drafts().is_empty());

    // Resolved at the source before publishing: a filtered false alarm.
    a.alert("alertmanager", &am("firing", "gone-1", labels.clone()));
    a.alert("alertmanager", &am("resolved", "gone-1", labels));
    // A refused body (not JSON) is visible too, with the field at fault.
    let resp = a
        .server
        .api(Method::POST, "/api/v1/alerts/alertmanager", &a.token)
        .header("Content-Type", "application/json")
        .body("{not json")
        .send()
        .unwrap();
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);

    // A draft a person opened keeps its discard reason too.
    let (st, own) = a.server.api_send(
        Method::POST,
        "/api/v1/incidents",
        &a.token,
        &json!({"title": "Maybe slow", "message": "m", "draft": true}),
    );
    assert_eq!(st, StatusCode::CREATED, "{own}");
    let own = own["id"].as_str().unwrap();
    let (st, _, _) = a.post(
        &format!("/admin/drafts/{own}/discard"),
        &[("reason", "Not customer-facing")],
    );
    assert_eq!(st, StatusCode::SEE_OTHER);

    let history = a.page("/admin/alerts/events");
    assert!(history.contains("False alarm: staging only"), "{history}");
    assert!(
        history.contains("Maybe slow") && history.contains("Not customer-facing"),
        "{history}"
    );
    assert!(history.contains(r#"id="filtered-count">1<"#), "{history}");
    assert!(
        history.contains("resolved before publishing (filtered false alarm)"),
        "{history}"
    );
    assert!(
        history.contains("refused") && history.contains("not valid JSON"),
        "{history}"
    );

    let refused = a.page("/admin/alerts/events?outcome=rejected");
    assert!(refused.contains("not valid JSON"), "{refused}");
    assert!(
        !refused.contains(r#"data-outcome="drafted""#),
        "filtered by outcome: {refused}"
    );
    let grafana = a.page("/admin/alerts/events?source=grafana");
    assert!(grafana.contains("No alerts match."), "{grafana}");
}

#[test]
fn an_unmatched_alert_becomes_a_rule_and_the_same_alert_then_opens_a_draft() {
    let a = start();
    a.component("API");
    let billing = a.component("Billing");
    let labels = json!({"alertname": "DiskFull", "service": "billing-db", "severity": "major"});
    let (_, r) = a.alert("alertmanager", &am("firing", "disk-1", labels.clone()));
    assert_eq!(r["received"][0]["outcome"], "unmatched", "{r}");
    let event = r["received"][0]["event_id"].as_str().unwrap().to_string();

    let rules = a.page("/admin/alert-rules");
    assert!(rules.contains("Unmatched alerts (1)"), "{rules}");
    assert!(
        rules.contains(&format!("/admin/alert-rules?from={event}")),
        "{rules}"
    );
    let form = a.page(&format!("/admin/alert-rules?from={event}"));
    assert!(
        form.contains("alertname=&quot;DiskFull&quot;"),
        "matcher pre-filled: {form}"
    );
    assert!(
        form.contains(r#"<option value="alertmanager" selected>"#),
        "source pre-filled: {form}"
    );

    // A bad matcher is named in words and nothing is created.
    let (st, _, body) = a.post(
        "/admin/alert-rules",
        &[
            ("name", "Disk"),
            ("matchers", "alertname=~\"(\""),
            ("source", "alertmanager"),
        ],
    );
    assert_eq!(st, StatusCode::BAD_REQUEST, "{body}");
    assert!(body.contains("Matchers:"), "{body}");
    assert!(
        body.contains("alertname=~&quot;(&quot;"),
        "the typed value stays: {body}"
    );

    let (st, to, body) = a.post(
        "/admin/alert-rules",
        &[
            ("name", "Billing disk"),
            ("matchers", "alertname=\"DiskFull\""),
            ("source", "alertmanager"),
            ("component_ids", &billing),
            ("mode", "draft"),
        ],
    );
    assert_eq!(st, StatusCode::SEE_OTHER, "{body}");
    assert_eq!(to, "/admin/alert-rules#rules");
    let (_, r) = a.alert("alertmanager", &am("firing", "disk-1", labels));
    assert_eq!(r["received"][0]["outcome"], "drafted", "matched now: {r}");
    let drafts = a.drafts();
    assert_eq!(drafts[0]["components"][0]["id"], billing.as_str());
    let history = a.page("/admin/alerts/events");
    assert!(
        history.contains("Billing disk"),
        "the matched rule by name: {history}"
    );
    assert!(
        a.page("/admin/alert-rules")
            .contains("Unmatched alerts (0)"),
        "a routed alert leaves the unmatched list"
    );

    // A second rule, moved above the first; then the first deleted after a confirm step.
    a.post(
        "/admin/alert-rules",
        &[("name", "Everything else"), ("source", "alertmanager")],
    );
    let list: Vec<Value> = a
        .server
        .api_get("/api/v1/alert-rules", &a.token)
        .1
        .as_array()
        .unwrap()
        .clone();
    let (first, second) = (
        list[0]["id"].as_str().unwrap(),
        list[1]["id"].as_str().unwrap(),
    );
    let (st, _, _) = a.post(
        &format!("/admin/alert-rules/{second}/move"),
        &[("direction", "up")],
    );
    assert_eq!(st, StatusCode::SEE_OTHER);
    let after: Vec<Value> = a
        .server
        .api_get("/api/v1/alert-rules", &a.token)
        .1
        .as_array()
        .unwrap()
        .clone();
    assert_eq!(after[0]["name"], "Everything else", "{after:?}");
    let confirm = a.page(&format!("/admin/alert-rules/{first}/delete"));
    assert!(confirm.contains("Delete rule “Billing disk”?"), "{confirm}");
    let (st, _, _) = a.post(&format!("/admin/alert-rules/{first}/delete"), &[]);
    assert_eq!(st, StatusCode::SEE_OTHER);
    let rules = a.page("/admin/alert-rules");
    assert!(
        !rules.contains("Billing disk") && rules.contains("Everything else"),
        "{rules}"
    );
}

fn shown_url(html: &str) -> String {
    let marker = r#"id="new-url">"#;
    let start = html
        .find(marker)
        .unwrap_or_else(|| panic!("no URL shown: {html}"))
        + marker.len();
    let end = html[start..].find("</code>").unwrap() + start;
    html[start..end].trim().to_string()
}

#[test]
fn source_pages_secret_urls_and_the_test_alert() {
    let a = start();
    let setup = a.page("/admin/alerts/sources/alertmanager");
    assert!(
        setup.contains("receivers:") && setup.contains("webhook_configs:"),
        "{setup}"
    );
    assert!(setup.contains("/api/v1/alerts/alertmanager"), "{setup}");
    assert!(
        a.page("/admin/alerts/sources/pagerduty")
            .contains("incident.triggered")
    );
    assert!(
        a.page("/admin/alerts/sources/generic")
            .contains("curl -X POST")
    );
    let (st, _) = text(
        a.owner
            .get(a.server.url("/admin/alerts/sources/nagios"))
            .send()
            .unwrap(),
    );
    assert_eq!(st, StatusCode::NOT_FOUND);

    // No component yet: the test says why nothing was sent.
    let (st, to, _) = a.post("/admin/alerts/sources/alertmanager/test", &[]);
    assert_eq!(
        (st, to.as_str()),
        (StatusCode::SEE_OTHER, "/admin/alerts/sources/alertmanager")
    );
    assert!(a.page(&to).contains("create a component first"));
    a.component("API");

    // A secret URL: shown once, works, is listed, then revoked after a confirm step.
    let (st, _, page) = a.post("/admin/alerts/sources/alertmanager", &[("name", "prod am")]);
    assert_eq!(st, StatusCode::CREATED, "{page}");
    let url = shown_url(&page);
    let path = &url[url.find("/api/").unwrap()..];
    let body = am(
        "firing",
        "via-url",
        json!({"alertname": "X", "statusd_component": "API"}),
    );
    let resp = a
        .server
        .request(Method::POST, path)
        .json(&body)
        .send()
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    let listed = a.page("/admin/alerts/sources/alertmanager");
    assert!(listed.contains(r#"data-secret="prod am""#), "{listed}");
    assert!(!listed.contains(&url), "the secret is shown once");
    let (_, secrets) = a.server.api_get("/api/v1/alert-sources", &a.token);
    let sid = secrets[0]["id"].as_str().unwrap().to_string();
    assert!(
        a.page(&format!("/admin/alerts/secrets/{sid}/revoke"))
            .contains("Revoke secret URL")
    );
    let (st, to, _) = a.post(&format!("/admin/alerts/secrets/{sid}/revoke"), &[]);
    assert_eq!(
        (st, to.as_str()),
        (StatusCode::SEE_OTHER, "/admin/alerts/sources/alertmanager")
    );
    let resp = a
        .server
        .request(Method::POST, path)
        .json(&body)
        .send()
        .unwrap();
    assert_eq!(resp.status(), StatusCode::UNAUTHORIZED);

    // The test alert goes through the adapter: a draft titled "Test alert", discardable.
    let before = a.drafts().len();
    let (st, to, _) = a.post("/admin/alerts/sources/alertmanager/test", &[]);
    assert_eq!(st, StatusCode::SEE_OTHER);
    assert!(to.starts_with("/admin/drafts/"), "{to}");
    let draft = a.page(&to);
    assert!(draft.contains("Draft: Test alert: "), "{draft}");
    assert!(
        draft.contains("draft opened"),
        "the flash says what happened: {draft}"
    );
    assert_eq!(a.drafts().len(), before + 1);
    let (st, _, _) = a.post(&format!("{to}/discard"), &[("reason", "just a test")]);
    assert_eq!(st, StatusCode::SEE_OTHER);
    assert_eq!(a.drafts().len(), before);
    let tests = a
        .events()
        .into_iter()
        .filter(|e| e["title"] == "Test alert from statusd")
        .count();
    assert_eq!(tests, 1, "the test is recognisable in history");

    // PagerDuty carries no component label: the test lands in Unmatched, with the way on.
    let (st, to, _) = a.post("/admin/alerts/sources/pagerduty/test", &[]);
    assert_eq!(st, StatusCode::SEE_OTHER);
    assert!(to.starts_with("/admin/alert-rules?from="), "{to}");
    assert!(a.page(&to).contains("unmatched"));
}

#[test]
fn a_viewer_is_refused_every_alerts_admin_post() {
    let a = start();
    let pw = "viewer password 1";
    let (st, _, body) = a.post(
        "/admin/users",
        &[
            ("email", "viewer@example.com"),
            ("password", pw),
            ("role", "viewer"),
        ],
    );
    assert!(st.is_redirection() || st.is_success(), "{body}");
    let viewer = a.server.login("viewer@example.com", pw);
    let csrf = a.server.session_csrf(&viewer);
    let ours: Vec<&str> = statusd::web::routes::ADMIN_ROUTES
        .iter()
        .filter(|(m, p)| {
            *m == "post"
                && ["/admin/drafts", "/admin/alerts", "/admin/alert-rules"]
                    .iter()
                    .any(|x| p.starts_with(x))
        })
        .map(|(_, p)| *p)
        .collect();
    assert!(ours.len() >= 9, "{ours:?}");
    // Every field any of these forms needs, so only the role can refuse them.
    for pattern in ours {
        let path = pattern.replace("{id}", "x");
        let (st, body) = text(
            viewer
                .post(a.server.url(&path))
                .form(&[
                    ("csrf", csrf.as_str()),
                    ("name", "n"),
                    ("reason", "r"),
                    ("title", "t"),
                    ("message", "m"),
                    ("impact", "minor"),
                    ("direction", "up"),
                ])
                .send()
                .unwrap(),
        );
        assert_eq!(st, StatusCode::FORBIDDEN, "viewer POST {path}: {body}");
    }
    // A viewer reads the inbox and the sources but gets no forms.
    let (st, inbox) = text(
        viewer
            .get(a.server.url("/admin/alerts/sources/grafana"))
            .send()
            .unwrap(),
    );
    assert_eq!(st, StatusCode::OK);
    assert!(
        !inbox.contains("Send test alert") && !inbox.contains("Create secret URL"),
        "{inbox}"
    );
}
