//! The CLI client against a real server: tables, `--json`, `--quiet`, components by
//! slug or name, exit codes and the messages for a wrong token, URL or port.

mod common;

use common::*;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use std::io::{Read, Write};
use std::time::Duration;

const T: Duration = Duration::from_secs(30);

/// Runs a client command against `env`'s server with a config dir no developer file leaks into.
fn client(env: &Env, conf: &std::path::Path, args: &[&str]) -> CliOutput {
    let url = env.server.base.clone();
    run_cli(
        args,
        None,
        &[
            ("STATUSD_URL", url.as_str()),
            ("STATUSD_TOKEN", env.token.as_str()),
            ("XDG_CONFIG_HOME", conf.to_str().unwrap()),
        ],
        T,
    )
}

fn ok(out: CliOutput) -> String {
    assert_eq!(
        out.code,
        Some(0),
        "stdout: {}\nstderr: {}",
        out.stdout,
        out.stderr
    );
    out.stdout
}

fn create(env: &Env, path: &str, body: Value) -> Value {
    let (status, v) = env.server.api_send(Method::POST, path, &env.token, &body);
    assert_eq!(status, StatusCode::CREATED, "{v}");
    v
}

fn status_of(env: &Env, id: &str) -> String {
    let (_, v) = env
        .server
        .api_get(&format!("/api/v1/components/{id}"), &env.token);
    v["status"].as_str().unwrap().to_string()
}

/// The column each header starts at, and that every row has a cell starting there.
fn assert_aligned(table: &str, headers: &[&str]) {
    let mut lines = table.lines();
    let head = lines.next().expect("a header line");
    let cols: Vec<usize> = headers
        .iter()
        .map(|h| {
            head.find(h)
                .unwrap_or_else(|| panic!("{h} missing in {head:?}"))
        })
        .collect();
    for line in lines {
        for &c in &cols[1..] {
            let before = line.chars().nth(c - 1);
            let at = line.chars().nth(c);
            assert!(
                before == Some(' ') && at.is_some_and(|ch| ch != ' '),
                "column at {c} not aligned in {line:?}\n{table}"
            );
        }
    }
}

#[test]
fn a_deploy_wraps_itself_in_maintenance_by_component_slug_and_name() {
    let env = Env::start();
    let conf = tempfile::tempdir().unwrap();
    let api = create(&env, "/api/v1/components", json!({"name": "API"}))["id"]
        .as_str()
        .unwrap()
        .to_string();
    let web = create(&env, "/api/v1/components", json!({"name": "Web Shop"}))["id"]
        .as_str()
        .unwrap()
        .to_string();

    let out = ok(client(
        &env,
        conf.path(),
        &[
            "maintenance",
            "start",
            "--components",
            "api,web-shop",
            "--for",
            "15m",
            "--title",
            "Deploy v2.3",
        ],
    ));
    let id = out.trim().to_string();
    assert!(
        !id.contains(char::is_whitespace) && !id.is_empty(),
        "prints only the id: {out:?}"
    );
    assert_eq!(status_of(&env, &api), "under_maintenance");
    assert_eq!(status_of(&env, &web), "under_maintenance");
    let (_, m) = env
        .server
        .api_get(&format!("/api/v1/maintenance/{id}"), &env.token);
    let starts = chrono::DateTime::parse_from_rfc3339(m["starts_at"].as_str().unwrap()).unwrap();
    let ends = chrono::DateTime::parse_from_rfc3339(m["ends_at"].as_str().unwrap()).unwrap();
    assert_eq!((ends - starts).num_minutes(), 15, "{m}");

    let table = ok(client(&env, conf.path(), &["maintenance", "list"]));
    assert!(table.starts_with("ID"), "{table}");
    assert!(
        table.contains("Deploy v2.3") && table.contains("in_progress"),
        "{table}"
    );
    assert_aligned(&table, &["ID", "STATUS", "STARTS", "ENDS", "TITLE"]);

    let raw = ok(client(
        &env,
        conf.path(),
        &["maintenance", "list", "--json"],
    ));
    let list: Value = serde_json::from_str(&raw).expect("--json prints JSON");
    assert_eq!(list["data"][0]["id"], id.as_str());
    assert_eq!(list["data"][0]["title"], "Deploy v2.3");
    assert_eq!(
        ok(client(&env, conf.path(), &["maintenance", "list", "-q"])).trim(),
        id
    );

    ok(client(&env, conf.path(), &["maintenance", "complete", &id]));
    assert_eq!(status_of(&env, &api), "operational");
    assert_eq!(status_of(&env, &web), "operational");

    // Components by exact name, with --severity as --impact's alias; show and list.
    let id = ok(client(
        &env,
        conf.path(),
        &[
            "incident",
            "create",
            "--title",
            "Checkout errors",
            "--components",
            "Web Shop",
            "--severity",
            "major",
            "--message",
            "Looking into it.",
        ],
    ));
    let id = id.trim();
    assert_eq!(status_of(&env, &web), "partial_outage");
    let shown = ok(client(&env, conf.path(), &["incident", "show", id]));
    assert!(shown.starts_with("Checkout errors"), "{shown}");
    assert!(
        shown.contains("investigating") && shown.contains("Looking into it."),
        "{shown}"
    );
    let raw = ok(client(
        &env,
        conf.path(),
        &["incident", "show", id, "--json"],
    ));
    let (_, api_view) = env
        .server
        .api_get(&format!("/api/v1/incidents/{id}"), &env.token);
    assert_eq!(
        serde_json::from_str::<Value>(&raw).unwrap(),
        api_view,
        "the API's JSON, unchanged"
    );
    let table = ok(client(&env, conf.path(), &["component", "list"]));
    assert_aligned(&table, &["ID", "SLUG", "STATUS", "NAME"]);
    assert!(
        table.contains("partial_outage") && table.contains("Web Shop"),
        "{table}"
    );

    ok(client(
        &env,
        conf.path(),
        &["component", "set-status", "api", "degraded_performance"],
    ));
    assert_eq!(status_of(&env, &api), "degraded_performance");
}

#[test]
fn errors_name_what_is_wrong_and_exit_non_zero() {
    let env = Env::start();
    let conf = tempfile::tempdir().unwrap();
    create(&env, "/api/v1/components", json!({"name": "API"}));
    let cf = conf.path().to_str().unwrap();
    let run = |url: &str, token: &str, args: &[&str]| {
        run_cli(
            args,
            None,
            &[
                ("STATUSD_URL", url),
                ("STATUSD_TOKEN", token),
                ("XDG_CONFIG_HOME", cf),
            ],
            T,
        )
    };
    let base = env.server.base.as_str();

    let out = run(base, "sd_wrong", &["component", "list"]);
    assert_eq!(out.code, Some(2), "{out:?}");
    assert!(
        out.stderr.contains("401") && out.stderr.contains("token"),
        "{}",
        out.stderr
    );

    let refused = format!("http://127.0.0.1:{}", free_port());
    let out = run(&refused, &env.token, &["incident", "list"]);
    assert_eq!(out.code, Some(1), "{out:?}");
    assert!(
        out.stderr.contains("connection refused") && out.stderr.contains(&refused),
        "{}",
        out.stderr
    );

    let out = run("127.0.0.1:8080", &env.token, &["incident", "list"]);
    assert_eq!(out.code, Some(2), "{out:?}");
    assert!(out.stderr.contains("http://"), "{}", out.stderr);

    // Something that answers HTTP but is not statusd.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let other = format!("http://{}", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        for mut s in listener.incoming().flatten() {
            let mut buf = [0u8; 4096];
            let _ = s.read(&mut buf);
            let _ = s.write_all(b"HTTP/1.1 200 OK\r\ncontent-type: text/html\r\ncontent-length: 13\r\nconnection: close\r\n\r\n<html></html>");
        }
    });
    let out = run(&other, &env.token, &["incident", "list"]);
    assert_eq!(out.code, Some(2), "{out:?}");
    assert!(out.stderr.contains("statusd server"), "{}", out.stderr);

    let out = run(
        base,
        &env.token,
        &[
            "incident",
            "create",
            "--title",
            "x",
            "--components",
            "api,nope",
        ],
    );
    assert_eq!(out.code, Some(2), "{out:?}");
    assert!(
        out.stderr.contains("\"nope\"") && out.stderr.contains("API"),
        "{}",
        out.stderr
    );

    let out = run(
        base,
        &env.token,
        &[
            "incident",
            "create",
            "--title",
            "x",
            "--impact",
            "apocalyptic",
        ],
    );
    assert_eq!(out.code, Some(2), "{out:?}");
    assert!(
        out.stderr.contains("apocalyptic") && out.stderr.contains("400"),
        "{}",
        out.stderr
    );

    let out = run(base, &env.token, &["incident", "show", "01NOPE"]);
    assert_eq!(out.code, Some(2), "{out:?}");
    assert!(
        out.stderr.contains("not found") && out.stderr.contains("404"),
        "{}",
        out.stderr
    );

    let out = run_cli(&["incident", "list"], None, &[("XDG_CONFIG_HOME", cf)], T);
    assert_eq!(out.code, Some(2), "{out:?}");
    assert!(out.stderr.contains("statusd login"), "{}", out.stderr);
}

#[test]
fn a_viewer_token_is_told_its_role_is_not_enough() {
    let (_dir, data) = temp_data();
    let viewer = offline_key(&data, "viewer");
    let server = Server::start(&data);
    let conf = tempfile::tempdir().unwrap();
    let env = [
        ("STATUSD_URL", server.base.as_str()),
        ("STATUSD_TOKEN", viewer.as_str()),
        ("XDG_CONFIG_HOME", conf.path().to_str().unwrap()),
    ];
    let out = run_cli(&["incident", "list"], None, &env, T);
    assert_eq!(out.code, Some(0), "viewers may read: {out:?}");
    let out = run_cli(&["incident", "create", "--title", "x"], None, &env, T);
    assert_eq!(out.code, Some(2), "{out:?}");
    assert!(
        out.stderr.contains("403") && out.stderr.contains("role"),
        "{}",
        out.stderr
    );
}

#[test]
fn login_saves_url_and_token_for_later_commands() {
    let env = Env::start();
    let conf = tempfile::tempdir().unwrap();
    let cf = conf.path().to_str().unwrap();
    let base = env.server.base.as_str();
    let out = run_cli(
        &["login", base],
        Some("sd_not_a_token\n"),
        &[("XDG_CONFIG_HOME", cf)],
        T,
    );
    assert_eq!(out.code, Some(2), "a wrong token is refused: {out:?}");
    assert!(
        !conf.path().join("statusd/cli.toml").exists(),
        "nothing saved"
    );

    let token = format!("{}\n", env.token);
    let out = run_cli(
        &["login", base],
        Some(&token),
        &[("XDG_CONFIG_HOME", cf)],
        T,
    );
    assert_eq!(out.code, Some(0), "{out:?}");
    let file = conf.path().join("statusd/cli.toml");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(file.metadata().unwrap().permissions().mode() & 0o777, 0o600);
    }
    create(&env, "/api/v1/components", json!({"name": "Search"}));
    let out = run_cli(&["component", "list"], None, &[("XDG_CONFIG_HOME", cf)], T);
    assert_eq!(out.code, Some(0), "{out:?}");
    assert!(out.stdout.contains("Search"), "{}", out.stdout);
    // A flag beats the saved login.
    let out = run_cli(
        &["component", "list", "--token", "sd_other"],
        None,
        &[("XDG_CONFIG_HOME", cf)],
        T,
    );
    assert_eq!(out.code, Some(2), "{out:?}");
}

#[test]
fn monitors_drafts_and_subscribers_by_name() {
    let env = Env::start();
    let conf = tempfile::tempdir().unwrap();
    let c = conf.path();
    let m = create(
        &env,
        "/api/v1/monitors",
        json!({"name": "Shop health", "kind": "tcp", "target": format!("127.0.0.1:{}", free_port()), "interval_seconds": 3600}),
    );
    let mid = m["id"].as_str().unwrap();
    let table = ok(client(&env, c, &["monitor", "list"]));
    assert!(
        table.contains("Shop health") && table.contains("tcp"),
        "{table}"
    );
    assert_aligned(&table, &["ID", "KIND", "STATE"]);
    assert_eq!(
        ok(client(&env, c, &["monitor", "pause", "Shop health", "-q"])).trim(),
        mid
    );
    let (_, v) = env
        .server
        .api_get(&format!("/api/v1/monitors/{mid}"), &env.token);
    assert_eq!(v["paused"], true, "{v}");
    assert!(ok(client(&env, c, &["monitor", "show", "shop-health"])).contains("paused"));
    ok(client(&env, c, &["monitor", "resume", mid]));
    let (_, v) = env
        .server
        .api_get(&format!("/api/v1/monitors/{mid}"), &env.token);
    assert_eq!(v["paused"], false, "{v}");
    assert!(ok(client(&env, c, &["monitor", "check", "Shop health"])).contains("queued"));

    let d = create(
        &env,
        "/api/v1/incidents",
        json!({"title": "Maybe down", "draft": true}),
    );
    let did = d["id"].as_str().unwrap();
    let drafts = ok(client(&env, c, &["draft", "list"]));
    assert!(drafts.contains("Maybe down"), "{drafts}");
    ok(client(&env, c, &["draft", "publish", did]));
    let (_, v) = env
        .server
        .api_get(&format!("/api/v1/incidents/{did}"), &env.token);
    assert_eq!(v["state"], "published");
    let d2 = create(
        &env,
        "/api/v1/incidents",
        json!({"title": "Noise", "draft": true}),
    );
    ok(client(
        &env,
        c,
        &["draft", "discard", d2["id"].as_str().unwrap()],
    ));
    assert!(!ok(client(&env, c, &["draft", "list"])).contains("Noise"));

    let sid = ok(client(
        &env,
        c,
        &[
            "subscriber",
            "add",
            "--email",
            "ops@example.com",
            "--skip-confirmation",
        ],
    ));
    let sid = sid.trim();
    let subs = ok(client(&env, c, &["subscriber", "list"]));
    assert!(
        subs.contains("ops@example.com") && subs.contains(sid),
        "{subs}"
    );
    ok(client(
        &env,
        c,
        &["subscriber", "remove", "ops@example.com"],
    ));
    assert!(!ok(client(&env, c, &["subscriber", "list"])).contains("ops@example.com"));
}

#[test]
fn completions_man_pages_and_help_keep_to_each_command() {
    for shell in ["bash", "zsh", "fish"] {
        let out = run_cli(&["completions", shell], None, &[], T);
        assert_eq!(out.code, Some(0), "{shell}: {out:?}");
        assert!(out.stdout.contains("maintenance"), "{shell}");
    }
    let dir = tempfile::tempdir().unwrap();
    let out = run_cli(&["man", dir.path().to_str().unwrap()], None, &[], T);
    assert_eq!(out.code, Some(0), "{out:?}");
    for page in ["statusd.1", "statusd-incident.1", "statusd-serve.1"] {
        let text = std::fs::read_to_string(dir.path().join(page))
            .unwrap_or_else(|e| panic!("{page}: {e}"));
        assert!(text.contains(".TH"), "{page} is roff");
    }
    let help = run_cli(&["incident", "create", "--help"], None, &[], T).stdout;
    assert!(
        help.contains("--url") && help.contains("--components"),
        "{help}"
    );
    for server_only in ["--smtp-url", "--workers", "--probe-concurrency", "--listen"] {
        assert!(
            !help.contains(server_only),
            "{server_only} in client help:\n{help}"
        );
    }
    let help = run_cli(&["user", "add", "--help"], None, &[], T).stdout;
    assert!(
        help.contains("--data") && !help.contains("--smtp-url"),
        "{help}"
    );
    let help = run_cli(&["serve", "--help"], None, &[], T).stdout;
    assert!(
        help.contains("--smtp-url") && help.contains("--workers"),
        "{help}"
    );
}

#[test]
fn generated_text_piped_into_a_reader_that_stops_early_exits_cleanly() {
    use std::io::Read;
    // Each script is larger than a pipe's buffer, so the reader closing early is seen.
    for args in [
        &["completions", "bash"][..],
        &["completions", "zsh"],
        &["completions", "fish"],
    ] {
        let mut child = statusd_command()
            .args(args)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let mut first = [0u8; 64];
        child.stdout.take().unwrap().read_exact(&mut first).unwrap();
        let out = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            out.status.success() && !stderr.contains("panicked"),
            "{args:?} | head: {:?} {stderr}",
            out.status
        );
    }
}

#[test]
fn every_client_command_help_names_only_its_own_options() {
    let commands: &[&[&str]] = &[
        &["incident", "create"],
        &["incident", "update"],
        &["incident", "resolve"],
        &["incident", "list"],
        &["incident", "show"],
        &["maintenance", "create"],
        &["maintenance", "start"],
        &["maintenance", "complete"],
        &["maintenance", "list"],
        &["component", "list"],
        &["component", "set-status"],
        &["monitor", "list"],
        &["monitor", "show"],
        &["monitor", "pause"],
        &["monitor", "resume"],
        &["monitor", "check"],
        &["draft", "list"],
        &["draft", "publish"],
        &["draft", "discard"],
        &["subscriber", "list"],
        &["subscriber", "add"],
        &["subscriber", "remove"],
        &["login"],
    ];
    for cmd in commands {
        let mut args = cmd.to_vec();
        args.push("--help");
        let out = run_cli(&args, None, &[], T);
        assert_eq!(out.code, Some(0), "{cmd:?}: {out:?}");
        if cmd[0] != "login" {
            assert!(out.stdout.contains("--url"), "{cmd:?}:\n{}", out.stdout);
        }
        for server_only in [
            "--smtp-url",
            "--workers",
            "--probe-concurrency",
            "--listen",
            "--data",
            "--config",
        ] {
            assert!(
                !out.stdout.contains(server_only),
                "{server_only} in `{}` help:\n{}",
                cmd.join(" "),
                out.stdout
            );
        }
    }
}
