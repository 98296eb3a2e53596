//! Objects applied from a status-as-code file, as the admin and the API show them: a
//! "managed by config" badge, a warning before a hand edit (which then goes through),
//! and a warning header on API changes.

mod common;

use common::*;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use std::time::Duration;

const T: Duration = Duration::from_secs(60);
const BADGE: &str = "managed by config";
const WARNING: &str =
    "This component is managed by statusd.toml; your change will be undone by the next apply.";

const FILE: &str = r#"[[pages]]
slug = "status"
title = "Acme Status"

[[groups]]
slug = "core"
name = "Core"

[[components]]
slug = "api"
name = "API"
group = "core"

[[monitors]]
slug = "api-health"
name = "API health"
kind = "tcp"
target = "127.0.0.1:9"
interval_seconds = 60
paused = true

[[templates]]
slug = "investigating"
name = "Investigating"
body = "We are looking into it."

[[subscribers]]
slug = "ops-hook"
url = "https://hooks.example.com/statusd"
secret = "s3cret"

[[alert_rules]]
slug = "api-down"
name = "API down"
matchers = ['service="api"']
components = ["api"]
"#;

/// The `<tr data-component="NAME">` row of a list.
fn row<'a>(page: &'a str, attr: &str, name: &str) -> &'a str {
    let start = page
        .find(&format!("{attr}=\"{name}\""))
        .unwrap_or_else(|| panic!("row {name} in\n{page}"));
    let end = page[start..]
        .find("</tr>")
        .map_or(page.len(), |e| start + e);
    &page[start..end]
}

/// The hidden fields of the first form posting to `action`, as a browser would send them.
fn hidden_fields(page: &str, action: &str) -> Vec<(String, String)> {
    let start = page
        .find(&format!("action=\"{action}\""))
        .unwrap_or_else(|| panic!("a form posting to {action} in\n{page}"));
    let form = &page[start..start + page[start..].find("</form>").expect("form ends")];
    form.split("<input type=\"hidden\" ")
        .skip(1)
        .map(|tag| {
            let attr = |name: &str| {
                let m = format!("{name}=\"");
                let s = tag.find(&m).expect("attribute") + m.len();
                tag[s..s + tag[s..].find('"').expect("value ends")].to_string()
            };
            (attr("name"), attr("value"))
        })
        .collect()
}

#[test]
fn managed_objects_show_a_badge_and_hand_edits_warn_first() {
    let (dir, data) = temp_data();
    let file = dir.path().join("statusd.toml");
    std::fs::write(&file, FILE).unwrap();
    let file = file.to_str().unwrap();
    let out = run_cli(
        &["apply", file, "--data", data.to_str().unwrap()],
        None,
        &[],
        T,
    );
    assert_eq!(out.code, Some(0), "{out:?}");

    let server = Server::start(&data);
    let owner = server.setup_owner("o@example.com", "violet staple orbit");
    let token = server.api_key(&owner, "owner");
    let (_, manual) = server.api_send(
        Method::POST,
        "/api/v1/components",
        &token,
        &json!({"name": "Manual"}),
    );
    let get = |path: &str| {
        let (status, page) = text(owner.get(server.url(path)).send().expect("GET"));
        assert_eq!(status, StatusCode::OK, "GET {path}: {page}");
        page
    };

    // Lists: the badge on what the file manages, not on what was made by hand.
    let comps = get("/admin/components");
    assert!(
        row(&comps, "data-component", "API").contains(BADGE),
        "{comps}"
    );
    assert!(!row(&comps, "data-component", "Manual").contains(BADGE));
    for (path, attr, name) in [
        ("/admin/pages", "data-page", "status"),
        ("/admin/monitors", "data-monitor", "API health"),
        (
            "/admin/subscribers",
            "data-subscriber",
            "https://hooks.example.com/statusd",
        ),
    ] {
        let page = get(path);
        assert!(row(&page, attr, name).contains(BADGE), "{path}:\n{page}");
    }
    assert!(get("/admin/templates").contains(BADGE), "templates");
    let (_, comps_json) = server.api_get("/api/v1/components", &token);
    let api = comps_json["data"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["slug"] == "api")
        .expect("api")
        .clone();
    let id = api["id"].as_str().unwrap();
    let edit_path = format!("/admin/components/{id}");
    let edit_page = get(&edit_path);
    assert!(
        edit_page.contains(BADGE) && edit_page.contains(WARNING),
        "{edit_page}"
    );
    let group_page = get(&format!(
        "/admin/pages/{}",
        api["page_ids"][0].as_str().unwrap()
    ));
    assert!(group_page.contains(BADGE), "group row badge:\n{group_page}");

    // A hand edit first shows the warning and changes nothing.
    let (group, page) = (
        api["group_id"].as_str().unwrap(),
        api["page_ids"][0].as_str().unwrap(),
    );
    let form = [
        ("name", "API (by hand)"),
        ("description", ""),
        ("group_id", group),
        ("page_ids", page),
        ("status", "operational"),
        ("position", "0"),
    ];
    let resp = server.post_form(&owner, &edit_path, &form);
    let (status, warning) = text(resp);
    assert_eq!(status, StatusCode::OK, "{warning}");
    assert!(warning.contains(WARNING), "{warning}");
    assert!(warning.contains("Edit anyway"), "{warning}");
    let (_, now) = server.api_get(&format!("/api/v1/components/{id}"), &token);
    assert_eq!(now["name"], "API", "nothing changed before confirming");

    // "Edit anyway" re-posts the same form, confirmed: the edit goes through.
    let fields = hidden_fields(&warning, &edit_path);
    assert!(
        fields
            .iter()
            .any(|(k, v)| k == "name" && v == "API (by hand)")
    );
    let resp = owner
        .post(server.url(&edit_path))
        .form(&fields)
        .send()
        .expect("POST");
    let (status, body) = text(resp);
    assert_eq!(status, StatusCode::SEE_OTHER, "{body}");
    let (_, now) = server.api_get(&format!("/api/v1/components/{id}"), &token);
    assert_eq!(now["name"], "API (by hand)");

    // …and the next apply would undo it, as the warning said.
    let env = [
        ("STATUSD_URL", server.base.as_str()),
        ("STATUSD_TOKEN", token.as_str()),
    ];
    let out = run_cli(&["apply", file, "--dry-run"], None, &env, T);
    assert_eq!(out.code, Some(2), "{out:?}");
    assert!(
        out.stdout.contains("name: \"API (by hand)\" → \"API\""),
        "{}",
        out.stdout
    );

    // Moving it in the list is an edit too (positions are in the file).
    let move_path = format!("/admin/components/{id}/move");
    let (status, page) = text(server.post_form(&owner, &move_path, &[("direction", "down")]));
    assert_eq!(status, StatusCode::OK, "{page}");
    assert!(page.contains(WARNING), "{page}");

    // Deleting by hand: the confirm step carries the warning.
    let confirm = get(&format!("/admin/components/{id}/delete"));
    assert!(confirm.contains(WARNING), "{confirm}");
    let manual_confirm = get(&format!(
        "/admin/components/{}/delete",
        manual["id"].as_str().unwrap()
    ));
    assert!(!manual_confirm.contains(BADGE) && !manual_confirm.contains("statusd.toml"));

    // API: changes succeed with a `statusd-warning` header; status changes and
    // objects made by hand carry none.
    let send = |method: Method, path: &str, body: Value| {
        let resp = server
            .api(method, path, &token)
            .json(&body)
            .send()
            .expect("API");
        let warning = resp
            .headers()
            .get("statusd-warning")
            .map(|v| v.to_str().unwrap().to_string());
        (resp.status(), warning)
    };
    let comp = format!("/api/v1/components/{id}");
    let cases: Vec<(&str, Method, String, Value, StatusCode, bool)> = vec![
        (
            "rename managed",
            Method::PATCH,
            comp.clone(),
            json!({"name": "API v3"}),
            StatusCode::OK,
            true,
        ),
        (
            "status of managed",
            Method::PATCH,
            comp.clone(),
            json!({"status": "degraded_performance"}),
            StatusCode::OK,
            false,
        ),
        (
            "rename manual",
            Method::PATCH,
            format!("/api/v1/components/{}", manual["id"].as_str().unwrap()),
            json!({"name": "Manual 2"}),
            StatusCode::OK,
            false,
        ),
        (
            "delete managed",
            Method::DELETE,
            comp.clone(),
            json!({}),
            StatusCode::NO_CONTENT,
            true,
        ),
    ];
    for (name, method, path, body, want_status, warns) in cases {
        let (status, warning) = send(method, &path, body);
        assert_eq!(status, want_status, "{name}");
        assert_eq!(warning.is_some(), warns, "{name}: {warning:?}");
        if let Some(w) = warning {
            assert!(w.starts_with("managed by config: this component"), "{w}");
        }
    }
    let (_, rules) = server.api_get("/api/v1/alert-rules", &token);
    let rule = rules["data"]
        .as_array()
        .map_or(&rules[0], |d| &d[0])
        .clone();
    let (status, warning) = send(
        Method::DELETE,
        &format!("/api/v1/alert-rules/{}", rule["id"].as_str().unwrap()),
        json!({}),
    );
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert!(warning.is_some_and(|w| w.contains("this alert rule")));
}

#[test]
fn managed_alert_rules_show_the_badge_and_hand_edits_warn_first() {
    const RULE_WARNING: &str =
        "This alert rule is managed by statusd.toml; your change will be undone by the next apply.";
    let (dir, data) = temp_data();
    let file = dir.path().join("statusd.toml");
    std::fs::write(&file, FILE).unwrap();
    let out = run_cli(
        &[
            "apply",
            file.to_str().unwrap(),
            "--data",
            data.to_str().unwrap(),
        ],
        None,
        &[],
        T,
    );
    assert_eq!(out.code, Some(0), "{out:?}");
    let server = Server::start(&data);
    let owner = server.setup_owner("o@example.com", "violet staple orbit");
    let token = server.api_key(&owner, "owner");
    let (status, manual) = server.api_send(
        Method::POST,
        "/api/v1/alert-rules",
        &token,
        &json!({"name": "By hand", "matchers": ["team=\"web\""]}),
    );
    assert!(status.is_success(), "{manual}");
    let get = |path: &str| {
        let (status, page) = text(owner.get(server.url(path)).send().expect("GET"));
        assert_eq!(status, StatusCode::OK, "GET {path}: {page}");
        page
    };

    let list = get("/admin/alert-rules");
    assert!(
        row(&list, "data-rule", "API down").contains(BADGE),
        "{list}"
    );
    assert!(
        !row(&list, "data-rule", "By hand").contains(BADGE),
        "{list}"
    );
    let (_, rules) = server.api_get("/api/v1/alert-rules", &token);
    let rule = rules["data"]
        .as_array()
        .or(rules.as_array())
        .expect("a list of rules")
        .iter()
        .find(|r| r["name"] == "API down")
        .expect("the applied rule")
        .clone();
    let id = rule["id"].as_str().unwrap();
    let edit_path = format!("/admin/alert-rules/{id}");
    let edit_page = get(&edit_path);
    assert!(edit_page.contains(RULE_WARNING), "{edit_page}");
    let manual_page = get(&format!(
        "/admin/alert-rules/{}",
        manual["id"].as_str().unwrap()
    ));
    assert!(!manual_page.contains("statusd.toml"), "{manual_page}");

    // A hand edit first shows the warning and changes nothing; "Edit anyway" saves it.
    let form = [
        ("name", "API down (by hand)"),
        ("matchers", "service=\"api\""),
        ("mode", "draft"),
    ];
    let (status, warning) = text(server.post_form(&owner, &edit_path, &form));
    assert_eq!(status, StatusCode::OK, "{warning}");
    assert!(
        warning.contains(RULE_WARNING) && warning.contains("Edit anyway"),
        "{warning}"
    );
    let (_, now) = server.api_get(&format!("/api/v1/alert-rules/{id}"), &token);
    assert_eq!(now["name"], "API down", "nothing changed before confirming");
    let fields = hidden_fields(&warning, &edit_path);
    let resp = owner
        .post(server.url(&edit_path))
        .form(&fields)
        .send()
        .expect("POST");
    let (status, body) = text(resp);
    assert_eq!(status, StatusCode::SEE_OTHER, "{body}");
    let (_, now) = server.api_get(&format!("/api/v1/alert-rules/{id}"), &token);
    assert_eq!(now["name"], "API down (by hand)");

    // Moving it is an edit too; deleting it warns on the confirm step.
    let move_path = format!("/admin/alert-rules/{id}/move");
    let (status, page) = text(server.post_form(&owner, &move_path, &[("direction", "down")]));
    assert_eq!(status, StatusCode::OK, "{page}");
    assert!(page.contains(RULE_WARNING), "{page}");
    let confirm = get(&format!("/admin/alert-rules/{id}/delete"));
    assert!(confirm.contains(RULE_WARNING), "{confirm}");
    let manual_confirm = get(&format!(
        "/admin/alert-rules/{}/delete",
        manual["id"].as_str().unwrap()
    ));
    assert!(!manual_confirm.contains("statusd.toml"), "{manual_confirm}");
}
