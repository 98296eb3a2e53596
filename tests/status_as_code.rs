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
        (
            "[[monitors]]\nslug = \"m\"\nname = \"M\"\nkind = \"tcp\"\non_down = \"page\"\n",
            "statusd.toml:5: monitors[0].on_down: \"page\": use one of status, draft, publish",
        ),
        (
            "[[monitors]]\nslug = \"m\"\nname = \"M\"\nkind = \"http\"\ntarget = \"http://127.0.0.1:9/\"\ncheck = { expected_status = \"abc\" }\n",
            "statusd.toml:6: monitors[0].check: expected_status:",
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

const RULES: &str = r#"[[components]]
slug = "api"
name = "API"

[[alert_rules]]
slug = "api-down"
name = "API down"
source = "alertmanager"
matchers = ['service="api"', 'severity=~"critical|page"']
components = ["api"]
impact = "major"
mode = "publish"
auto_publish_minutes = 10

[[alert_rules]]
slug = "payload"
name = "Payload components"
payload_components = true
"#;

#[test]
fn alert_rules_are_planned_applied_changed_pruned_and_exported() {
    let (dir, data) = temp_data();
    let dry = |text: &str, extra: &[&str]| {
        let file = write(dir.path(), "rules.toml", text);
        let mut args = vec!["apply", file.as_str()];
        args.extend(extra);
        offline(&args, &data)
    };
    // (step, file, extra args, exit code, lines the output shows)
    let changed = RULES.replace("impact = \"major\"", "impact = \"critical\"");
    let pruned = changed
        .split("[[alert_rules]]\nslug = \"payload\"")
        .next()
        .unwrap();
    type Step<'a> = (&'a str, &'a str, &'a [&'a str], i32, &'a [&'a str]);
    let steps: &[Step] = &[
        (
            "plan creates",
            RULES,
            &["--dry-run"],
            2,
            &[
                "+ create alert rule \"api-down\"",
                "    matchers = [\"service=\\\"api\\\"\",",
                "+ create alert rule \"payload\"",
                "3 to create",
            ],
        ),
        ("apply", RULES, &[], 0, &["applied 3 change(s)"]),
        (
            "applied: no changes",
            RULES,
            &["--dry-run"],
            0,
            &["no changes"],
        ),
        (
            "one field changes",
            &changed,
            &["--dry-run"],
            2,
            &[
                "~ change alert rule \"api-down\"",
                "impact: \"major\" → \"critical\"",
                "0 to create, 1 to change, 0 to delete",
            ],
        ),
        (
            "apply the change",
            &changed,
            &[],
            0,
            &["~ change alert rule"],
        ),
        (
            "left out, no prune",
            pruned,
            &["--dry-run"],
            0,
            &["no changes"],
        ),
        (
            "left out, prune",
            pruned,
            &["--prune"],
            0,
            &["- delete alert rule \"payload\""],
        ),
    ];
    for (step, text, extra, code, lines) in steps {
        let out = dry(text, extra);
        assert_eq!(out.code, Some(*code), "{step}: {out:?}");
        for line in *lines {
            assert!(
                out.stdout.contains(line),
                "{step}: {line:?} in\n{}",
                out.stdout
            );
        }
    }

    let store = statusd::store::Store::open(&data).unwrap();
    let rules = store.list_alert_rules().unwrap();
    assert_eq!(rules.len(), 1, "pruned: {rules:?}");
    let api = &store.list_components().unwrap()[0];
    let r = &rules[0];
    assert_eq!(
        (r.slug.as_str(), r.name.as_str(), r.managed_by_config),
        ("api-down", "API down", true)
    );
    assert_eq!(r.component_ids, [api.id.as_str()], "slug became the id");
    assert_eq!(
        serde_json::to_value(r.impact).unwrap(),
        "critical",
        "the change stuck"
    );
    assert_eq!(r.auto_publish_minutes, Some(10));
    drop(store);

    // Export → apply --dry-run: no changes; the rule names its component by slug.
    let out = offline(&["export"], &data);
    assert_eq!(out.code, Some(0), "{out:?}");
    assert!(out.stdout.contains("[[alert_rules]]"), "{}", out.stdout);
    assert!(
        out.stdout.contains("components = [\"api\"]"),
        "{}",
        out.stdout
    );
    let out = dry(&out.stdout, &["--dry-run"]);
    assert_eq!(out.code, Some(0), "round trip: {out:?}");
}

#[test]
fn bad_alert_rules_name_their_line_and_change_nothing() {
    let (dir, data) = temp_data();
    let head = "[[components]]\nslug = \"api\"\nname = \"API\"\n\n";
    let tail = "\n[[templates]]\nslug = \"t\"\nname = \"T\"\nbody = \"x\"\n";
    let cases: &[(&str, &str)] = &[
        (
            "[[alert_rules]]\nslug = \"r\"\nname = \"R\"\nmatchers = ['service']\ncomponents = [\"web\"]\n",
            "statusd.toml:9: alert_rules[0].components: no component with slug \"web\"",
        ),
        (
            "[[alert_rules]]\nslug = \"r\"\nname = \"R\"\nmatchers = ['=api']\n",
            "statusd.toml:8: alert_rules[0].matchers: \"=api\": a matcher starts with a label name",
        ),
        (
            "[[alert_rules]]\nslug = \"r\"\nname = \"R\"\nsource = \"generic\"\nauto_publish_minutes = 0\n",
            "statusd.toml:9: alert_rules[0].auto_publish_minutes: between 1 and 10080",
        ),
        (
            "[[alert_rules]]\nslug = \"r\"\nname = \"R\"\nsource = \"nagios\"\nmode = \"sometimes\"\n",
            "statusd.toml:8: alert_rules[0].source: \"nagios\": use one of generic, alertmanager, grafana, pagerduty, opsgenie",
        ),
        (
            "[[alert_rules]]\nslug = \"r\"\nname = \"R\"\npayload_components = \"yes\"\n",
            "statusd.toml:8: alert_rules[0].payload_components: must be true or false",
        ),
    ];
    for (rule, want) in cases {
        let file = write(dir.path(), "statusd.toml", &format!("{head}{rule}{tail}"));
        let out = run_cli(
            &["apply", &file, "--data", data.to_str().unwrap()],
            None,
            &[],
            T,
        );
        assert_eq!(out.code, Some(2), "{rule}: {out:?}");
        let want = want.replace("statusd.toml", &file);
        assert!(
            out.stderr.contains(&want),
            "want {want:?} in\n{}",
            out.stderr
        );
        let store = statusd::store::Store::open(&data).unwrap();
        assert!(
            store.list_components().unwrap().is_empty()
                && store.list_templates().unwrap().is_empty(),
            "{rule}: nothing before or after it was kept"
        );
        assert!(store.list_alert_rules().unwrap().is_empty());
    }
}

#[test]
fn objects_written_without_a_slug_get_one_on_start_that_round_trips() {
    let (dir, data) = temp_data();
    {
        let store = statusd::store::Store::open(&data).unwrap();
        for name in ["Page the API", "Page the API"] {
            store
                .put_alert_rule(
                    None,
                    statusd::store::AlertRuleInput {
                        name: name.into(),
                        matchers: vec!["service=\"api\"".into()],
                        ..Default::default()
                    },
                )
                .unwrap();
        }
        store
            .create_component(statusd::store::NewComponent {
                name: "Web Shop".into(),
                ..Default::default()
            })
            .unwrap();
    }
    // As a file from before slugs existed: the same records with no slug at all.
    {
        use redb::{ReadableDatabase, ReadableTable};
        use statusd::store::tables;
        let db = redb::Database::open(&data).unwrap();
        let txn = db.begin_write().unwrap();
        {
            let mut t = txn.open_table(tables::ALERT_RULES).unwrap();
            let rules: Vec<_> = t.iter().unwrap().map(|r| r.unwrap().1.value()).collect();
            for mut r in rules {
                r.slug.clear();
                t.insert(r.id.as_str(), &r).unwrap();
            }
            let mut t = txn.open_table(tables::COMPONENTS).unwrap();
            let comps: Vec<_> = t.iter().unwrap().map(|r| r.unwrap().1.value()).collect();
            for mut c in comps {
                c.slug.clear();
                t.insert(c.id.as_str(), &c).unwrap();
            }
        }
        txn.commit().unwrap();
        let read = db.begin_read().unwrap();
        let t = read.open_table(tables::ALERT_RULES).unwrap();
        assert!(
            t.iter()
                .unwrap()
                .all(|r| r.unwrap().1.value().slug.is_empty())
        );
    }

    let out = offline(&["export"], &data);
    assert_eq!(out.code, Some(0), "{out:?}");
    for line in [
        "slug = \"page-the-api\"",
        "slug = \"page-the-api-2\"",
        "slug = \"web-shop\"",
    ] {
        assert!(out.stdout.contains(line), "{line} in\n{}", out.stdout);
    }
    let file = write(dir.path(), "exported.toml", &out.stdout);
    let out = offline(&["apply", &file, "--dry-run"], &data);
    assert_eq!(out.code, Some(0), "export → dry run: no changes: {out:?}");

    // The slugs were stored: deleting the first rule does not rename the second.
    let store = statusd::store::Store::open(&data).unwrap();
    let rules = store.list_alert_rules().unwrap();
    let slugs: Vec<&str> = rules.iter().map(|r| r.slug.as_str()).collect();
    assert_eq!(slugs, ["page-the-api", "page-the-api-2"]);
    assert_eq!(store.list_components().unwrap()[0].slug, "web-shop");
    store.delete_alert_rule(&rules[0].id).unwrap();
    drop(store);
    let out = offline(&["export"], &data);
    assert!(
        out.stdout.contains("slug = \"page-the-api-2\""),
        "{}",
        out.stdout
    );
}

#[test]
fn a_pages_accent_colour_is_planned_applied_exported_and_held_to_aa() {
    let (dir, data) = temp_data();
    let text = "[[pages]]\nslug = \"partners\"\ntitle = \"Partners\"\naccent_color = \"#0B6E4F\"\n";
    let file = write(dir.path(), "statusd.toml", text);
    let out = offline(&["apply", &file, "--dry-run"], &data);
    assert_eq!(out.code, Some(2), "{out:?}");
    assert!(out.stdout.contains("#0b6e4f"), "{}", out.stdout);
    let out = offline(&["apply", &file], &data);
    assert_eq!(out.code, Some(0), "{out:?}");
    let out = offline(&["apply", &file, "--dry-run"], &data);
    assert_eq!(out.code, Some(0), "upper case plans no change: {out:?}");

    let out = offline(&["export"], &data);
    assert!(
        out.stdout.contains("accent_color = \"#0b6e4f\""),
        "{}",
        out.stdout
    );

    // A changed colour shows old → new and lands on the page.
    let changed = text.replace("#0B6E4F", "#7a1fa2");
    let file2 = write(dir.path(), "changed.toml", &changed);
    let out = offline(&["apply", &file2, "--dry-run"], &data);
    assert!(
        out.stdout
            .contains("accent_color: \"#0b6e4f\" → \"#7a1fa2\""),
        "{}",
        out.stdout
    );
    assert_eq!(offline(&["apply", &file2], &data).code, Some(0));

    // Too light for white button text: refused with the reason, at its line, nothing changed.
    let light = text.replace("#0B6E4F", "#ffcc00");
    let file3 = write(dir.path(), "light.toml", &light);
    for args in [vec!["apply", &file3, "--dry-run"], vec!["apply", &file3]] {
        let out = offline(&args, &data);
        assert_eq!(out.code, Some(2), "{out:?}");
        let want = format!(
            "{file3}:4: pages[0].accent_color: Accent colour #ffcc00 is too light: its contrast with the light background is 1.42:1"
        );
        assert!(
            out.stderr.contains(&want),
            "want {want:?} in\n{}",
            out.stderr
        );
    }
    let store = statusd::store::Store::open(&data).unwrap();
    let page = store.page_by_slug("partners").unwrap().unwrap();
    assert_eq!(page.accent_color.as_deref(), Some("#7a1fa2"));
}
