//! Status as code through the real binary: plan, apply, export round trip, errors with
//! file lines, one-transaction apply, over HTTP (owners only) and on the data file.

mod common;

use common::*;
use reqwest::{Method, StatusCode};
use serde_json::json;
use std::path::Path;
use std::time::Duration;

const T: Duration = Duration::from_secs(60);

const FILE: &str = r#"# Acme's status page
[[groups]]
slug = "core"
name = "Core"

[[components]]
slug = "api"
name = "API"
group = "core"
description = "Public REST API"

[[components]]
slug = "web"
name = "Web Shop"
group = "core"

[[monitors]]
slug = "api-health"
name = "API health"
kind = "tcp"
target = "127.0.0.1:9"
interval_seconds = 60
component = "api"
on_down = "draft"
severity = "major"

[[templates]]
slug = "investigating"
name = "Investigating"
body = "We are looking into {{component}}."

[[subscribers]]
slug = "ops-hook"
url = "https://hooks.example.com/statusd"
secret = "env:OPS_HOOK_SECRET"
components = ["api"]
"#;

fn write(dir: &Path, name: &str, text: &str) -> String {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p.to_str().unwrap().to_string()
}

fn offline(args: &[&str], data: &Path) -> CliOutput {
    let mut all: Vec<&str> = args.to_vec();
    all.extend(["--data", data.to_str().unwrap()]);
    run_cli(&all, None, &[("OPS_HOOK_SECRET", "s3cret-hook-key")], T)
}

#[test]
fn plan_apply_and_export_round_trip_on_the_data_file() {
    let (dir, data) = temp_data();
    let file = write(dir.path(), "statusd.toml", FILE);

    let out = offline(&["apply", &file, "--dry-run"], &data);
    assert_eq!(out.code, Some(2), "changes pending: {out:?}");
    for line in [
        "+ create group \"core\"",
        "+ create component \"api\"",
        "+ create monitor \"api-health\"",
        "+ create subscriber \"ops-hook\"",
        "secret = (secret)",
    ] {
        assert!(out.stdout.contains(line), "{line} in\n{}", out.stdout);
    }
    assert!(!out.stdout.contains("s3cret"), "secrets never print");

    let out = offline(&["apply", &file], &data);
    assert_eq!(out.code, Some(0), "{out:?}");
    assert!(out.stdout.contains("applied 6 change(s)"), "{}", out.stdout);
    let out = offline(&["apply", &file, "--dry-run"], &data);
    assert_eq!(out.code, Some(0), "nothing left to do: {out:?}");
    assert!(out.stdout.contains("no changes"), "{}", out.stdout);

    // Export → apply --dry-run: no changes; the secret is a reference.
    let out = offline(&["export"], &data);
    assert_eq!(out.code, Some(0), "{out:?}");
    let exported = out.stdout;
    assert!(!exported.contains("s3cret"), "{exported}");
    assert!(
        exported.contains("secret = \"env:STATUSD_SUBSCRIBER_OPS_HOOK_SECRET\""),
        "{exported}"
    );
    assert!(exported.contains("slug = \"api-health\""), "{exported}");
    let again = write(dir.path(), "exported.toml", &exported);
    let out = run_cli(
        &[
            "apply",
            &again,
            "--dry-run",
            "--data",
            data.to_str().unwrap(),
        ],
        None,
        &[],
        T,
    );
    assert_eq!(out.code, Some(0), "round trip: {out:?}");

    // One changed field shows old → new; the store has it after apply.
    let changed = FILE.replace("interval_seconds = 60", "interval_seconds = 30");
    let file2 = write(dir.path(), "changed.toml", &changed);
    let out = offline(&["apply", &file2, "--dry-run"], &data);
    assert_eq!(out.code, Some(2), "{out:?}");
    assert!(
        out.stdout.contains("~ change monitor \"api-health\""),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("interval_seconds: 60 → 30"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("0 to create, 1 to change, 0 to delete"),
        "{}",
        out.stdout
    );

    // Removing an object deletes it only with --prune.
    let fewer = FILE.replace(
        "[[components]]\nslug = \"web\"\nname = \"Web Shop\"\ngroup = \"core\"\n",
        "",
    );
    let file3 = write(dir.path(), "fewer.toml", &fewer);
    let out = offline(&["apply", &file3, "--dry-run"], &data);
    assert_eq!(
        out.code,
        Some(0),
        "without --prune nothing is deleted: {out:?}"
    );
    let out = offline(&["apply", &file3, "--prune"], &data);
    assert_eq!(out.code, Some(0), "{out:?}");
    assert!(
        out.stdout.contains("- delete component \"web\""),
        "{}",
        out.stdout
    );

    let store = statusd::store::Store::open(&data).unwrap();
    let comps = store.list_components().unwrap();
    assert_eq!(
        comps.iter().map(|c| c.name.as_str()).collect::<Vec<_>>(),
        ["API"]
    );
    assert!(comps[0].managed_by_config && comps[0].slug == "api");
    let monitors = store.list_monitors().unwrap();
    assert_eq!(
        monitors[0].interval_seconds,
        Some(60),
        "the dry run changed nothing"
    );
    assert_eq!(
        monitors[0].component_id.as_deref(),
        Some(comps[0].id.as_str())
    );
    let subs = store.list_subscribers().unwrap();
    assert_eq!(
        subs[0].secret.as_deref(),
        Some("s3cret-hook-key"),
        "env: reference resolved"
    );
}

#[test]
fn errors_name_file_line_and_key() {
    let (dir, data) = temp_data();
    let cases: &[(&str, &str)] = &[
        (
            "[[monitors]]\nslug = \"a\"\nname = \"A\"\nkind = \"tcp\"\ntarget = \"127.0.0.1:9\"\n\n[[monitors]]\nslug = \"b\"\nname = \"B\"\nkind = \"tcp\"\ninterval_seconds = 0\n",
            "statusd.toml:11: monitors[1].interval_seconds: must be ≥ 1",
        ),
        (
            "[[components]]\nslug = \"api\"\nname = \"API\"\ncolour = \"red\"\n",
            "statusd.toml:4: components[0].colour: unknown key",
        ),
        (
            "[[components]]\nname = \"API\"\n",
            "statusd.toml:1: components[0].slug: is required",
        ),
        (
            "[[components]]\nslug = \"api\"\nname = \"API\"\ngroup = \"nope\"\n",
            "statusd.toml:4: components[0].group: no group with slug \"nope\"",
        ),
        (
            "[[components]]\nslug = \"api\"\ndescription = \"x\"\n",
            "statusd.toml:1: components[0]: a new component needs `name`",
        ),
        (
            "[[widgets]]\nslug = \"x\"\n",
            "statusd.toml:1: widgets: unknown section",
        ),
        (
            "[[components]]\nslug = \"api\"\nname = \"API\"\nposition = \"first\"\n",
            "statusd.toml:4: components[0].position: must be a whole number",
        ),
        ("[[components]\nslug = 1\n", "statusd.toml:1:"),
    ];
    for (text, want) in cases {
        let file = write(dir.path(), "statusd.toml", text);
        let out = run_cli(
            &[
                "apply",
                &file,
                "--dry-run",
                "--data",
                data.to_str().unwrap(),
            ],
            None,
            &[],
            T,
        );
        assert_eq!(out.code, Some(2), "{text}: {out:?}");
        let want = want.replace("statusd.toml", &file);
        assert!(
            out.stderr.contains(&want),
            "want {want:?} in\n{}",
            out.stderr
        );
    }
}

#[test]
fn a_bad_entry_in_the_middle_changes_nothing() {
    let (dir, data) = temp_data();
    let text = "[[components]]\nslug = \"api\"\nname = \"API\"\n\n[[monitors]]\nslug = \"db\"\nname = \"DB\"\nkind = \"tcp\"\ntarget = \"no port here\"\n\n[[templates]]\nslug = \"t\"\nname = \"T\"\nbody = \"x\"\n";
    let file = write(dir.path(), "statusd.toml", text);
    let out = run_cli(
        &["apply", &file, "--data", data.to_str().unwrap()],
        None,
        &[],
        T,
    );
    assert_eq!(out.code, Some(2), "{out:?}");
    let want = format!("{file}:9: monitors[0].target:");
    assert!(
        out.stderr.contains(&want),
        "want {want:?} in\n{}",
        out.stderr
    );
    let store = statusd::store::Store::open(&data).unwrap();
    assert!(
        store.list_components().unwrap().is_empty(),
        "the component before it was not kept"
    );
    assert!(store.list_templates().unwrap().is_empty());
}

#[test]
fn over_http_for_owners_with_the_same_plan() {
    let (dir, data) = temp_data();
    let owner = offline_key(&data, "owner");
    let server = Server::start(&data);
    let file = write(dir.path(), "statusd.toml", FILE);
    let env = [
        ("STATUSD_URL", server.base.as_str()),
        ("STATUSD_TOKEN", owner.as_str()),
        ("OPS_HOOK_SECRET", "s3cret-hook-key"),
    ];
    let out = run_cli(&["apply", &file, "--dry-run"], None, &env, T);
    assert_eq!(out.code, Some(2), "{out:?}");
    assert!(
        out.stdout.contains("+ create component \"api\""),
        "{}",
        out.stdout
    );
    let out = run_cli(&["apply", &file], None, &env, T);
    assert_eq!(out.code, Some(0), "{out:?}");
    let (_, comps) = server.api_get("/api/v1/components", &owner);
    let api = comps["data"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "API")
        .expect("API")
        .clone();
    assert_eq!(api["slug"], "api");
    assert_eq!(api["managed_by_config"], true);

    let out = run_cli(&["export"], None, &env, T);
    assert_eq!(out.code, Some(0), "{out:?}");
    assert!(
        out.stdout.contains("[[components]]") && !out.stdout.contains("s3cret"),
        "{}",
        out.stdout
    );
    let (status, plan) = server.api_send(
        Method::POST,
        "/api/v1/config/plan",
        &owner,
        &json!({"toml": out.stdout, "file": "exported.toml"}),
    );
    assert_eq!(status, StatusCode::OK, "{plan}");
    assert_eq!(plan["changes"], 0, "{plan}");

    let (status, plan) = server.api_send(
        Method::POST,
        "/api/v1/config/plan",
        &owner,
        &json!({"toml": "[[components]]\nslug = \"api\"\nname = \"API v2\"\n"}),
    );
    assert_eq!(status, StatusCode::OK, "{plan}");
    assert_eq!(plan["actions"][0]["op"], "change", "{plan}");
    assert_eq!(
        plan["actions"][0]["changes"][0],
        json!({"field": "name", "old": "API", "new": "API v2"})
    );

    let (status, err) = server.api_send(
        Method::POST,
        "/api/v1/config/apply",
        &owner,
        &json!({"toml": "[[monitors]]\nslug = \"m\"\ninterval_seconds = 0\n"}),
    );
    assert_eq!(status, StatusCode::BAD_REQUEST, "{err}");
    assert!(
        err["error"]["message"]
            .as_str()
            .unwrap()
            .contains("statusd.toml:3: monitors[0].interval_seconds: must be ≥ 1"),
        "{err}"
    );

    let editor = server.api_key(
        &server.setup_owner("o@example.com", "correct horse battery"),
        "editor",
    );
    let (status, _) = server.api_send(
        Method::POST,
        "/api/v1/config/plan",
        &editor,
        &json!({"toml": ""}),
    );
    assert_eq!(status, StatusCode::FORBIDDEN, "owners only");
    let out = run_cli(
        &["apply", &file, "--dry-run"],
        None,
        &[
            ("STATUSD_URL", server.base.as_str()),
            ("STATUSD_TOKEN", editor.as_str()),
        ],
        T,
    );
    assert_eq!(out.code, Some(2), "{out:?}");
    assert!(out.stderr.contains("403"), "{}", out.stderr);
}
