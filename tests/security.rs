//! Security findings of issue 11: each test starts the real `statusd` binary and checks
//! what an attacker (or a careless user) would see.

mod common;

use common::*;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use std::path::Path;
use std::time::Duration;

const OWNER: &str = "owner@example.com";
const OWNER_PW: &str = "correct horse battery";

/// A fresh server with a signed-in owner and an owner API key.
fn server_with_owner() -> (tempfile::TempDir, Server, reqwest::blocking::Client, String) {
    let (dir, data) = temp_data();
    let server = Server::start(&data);
    let owner = server.setup_owner(OWNER, OWNER_PW);
    let owner_key = server.api_key(&owner, "owner");
    (dir, server, owner, owner_key)
}

fn cli(args: &[&str], stdin: Option<&str>) -> CliOutput {
    run_cli(args, stdin, &[], Duration::from_secs(30))
}

#[cfg(unix)]
fn mode_of(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .permissions()
        .mode()
        & 0o777
}

/// Item 14: backups hold password hashes and tokens; only their owner may read them.
#[cfg(unix)]
#[test]
fn backups_are_written_owner_only() {
    let (dir, server, _owner, owner_key) = server_with_owner();
    let via_api = dir.path().join("via-api.redb");
    let out = run_cli(
        &["backup", via_api.to_str().unwrap()],
        None,
        &[
            ("STATUSD_URL", server.base.as_str()),
            ("STATUSD_TOKEN", owner_key.as_str()),
        ],
        Duration::from_secs(30),
    );
    assert_eq!(out.code, Some(0), "{out:?}");
    assert_eq!(mode_of(&via_api), 0o600, "backup through the server");

    let mut server = server;
    server.stop();
    let offline = dir.path().join("offline.redb");
    let out = cli(
        &[
            "backup",
            offline.to_str().unwrap(),
            "--data",
            server.data.to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(out.code, Some(0), "{out:?}");
    assert_eq!(mode_of(&offline), 0o600, "backup from the data file");

    let restored = dir.path().join("restored.redb");
    let out = cli(
        &[
            "restore",
            offline.to_str().unwrap(),
            "--data",
            restored.to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(out.code, Some(0), "{out:?}");
    assert_eq!(mode_of(&restored), 0o600, "restored data file");
}

/// Item 13: common passwords and the email as password are refused everywhere a
/// password is set, and the forms say so.
#[test]
fn common_passwords_and_email_as_password_are_refused() {
    let (_dir, data) = temp_data();
    let server = Server::start(&data);
    let setup = server.setup_url.clone().expect("setup URL");
    let token = setup.split_once("token=").unwrap().1.to_string();
    let client = browser();
    let (_, page) = text(client.get(&setup).send().unwrap());
    assert!(
        page.contains("not a common password") && page.contains("not your email"),
        "the setup form states the rule: {page}"
    );
    let csrf = csrf_of(&page);
    for (email, pw, why) in [
        (OWNER, "aaaaaaaaaa", "common"),
        (OWNER, "password123", "common"),
        (OWNER, "Qwertyuiop", "common"),
        (
            "longaddress@example.com",
            "longaddress@example.com",
            "email",
        ),
    ] {
        let (status, page) = text(
            client
                .post(server.url("/admin/setup"))
                .form(&[
                    ("token", token.as_str()),
                    ("csrf", csrf.as_str()),
                    ("email", email),
                    ("password", pw),
                    ("password_confirm", pw),
                ])
                .send()
                .unwrap(),
        );
        assert_eq!(status, StatusCode::BAD_REQUEST, "{pw:?} accepted: {page}");
        assert!(page.contains(why), "{pw:?}: the message says why: {page}");
    }
    let owner = server.setup_owner(OWNER, OWNER_PW);

    // The users screen: the same rule, shown on the form.
    let (_, page) = text(owner.get(server.url("/admin/users")).send().unwrap());
    assert!(page.contains("not a common password"), "{page}");
    let (status, page) = text(server.post_form(
        &owner,
        "/admin/users",
        &[
            ("email", "ed@example.com"),
            ("password", "iloveyou123"),
            ("role", "editor"),
        ],
    ));
    assert_eq!(status, StatusCode::BAD_REQUEST, "{page}");
    assert!(page.contains("common"), "{page}");

    // The CLI, on a stopped server.
    let mut server = server;
    server.stop();
    let d = data.to_str().unwrap();
    for pw in ["1234567890\n", "ops@example.com\n"] {
        let out = cli(
            &[
                "user",
                "add",
                "--email",
                "ops@example.com",
                "--password-stdin",
                "--data",
                d,
            ],
            Some(pw),
        );
        assert_eq!(out.code, Some(2), "{pw:?}: {out:?}");
        assert!(out.stderr.contains("password"), "{out:?}");
    }
    let out = cli(
        &[
            "user",
            "add",
            "--email",
            "ops@example.com",
            "--password-stdin",
            "--data",
            d,
        ],
        Some("violet staple orbit\n"),
    );
    assert_eq!(out.code, Some(0), "{out:?}");
}

/// Item 11: addresses are checked by the RFC 5322 grammar: markup and quotes that would
/// break a To: header are refused, odd but valid addresses are kept.
#[test]
fn email_addresses_are_parsed_before_storing() {
    let (_dir, server, owner, owner_key) = server_with_owner();
    for bad in [
        "<script>@example.org",
        "\"a\"@example.org",
        "a\"b@example.org",
        "x@example.org>, evil@example.net",
        "a..b@example.org",
        ".a@example.org",
        "a(b)@example.org",
        "a,b@example.org",
    ] {
        let (status, body) = server.api_send(
            Method::POST,
            "/api/v1/subscribers",
            &owner_key,
            &json!({"kind": "email", "email": bad, "skip_confirmation": true}),
        );
        assert_eq!(status, StatusCode::BAD_REQUEST, "{bad:?} accepted: {body}");
        assert_eq!(body["error"]["code"], "invalid", "{body}");
    }
    for good in [
        "ops+status@example.org",
        "-2+3+cmd|'/Ccalc'!A0@example.org",
        "first.last@mail.example.org",
        "o'brien@example.org",
    ] {
        let (status, body) = server.api_send(
            Method::POST,
            "/api/v1/subscribers",
            &owner_key,
            &json!({"kind": "email", "email": good, "skip_confirmation": true}),
        );
        assert_eq!(status, StatusCode::CREATED, "{good:?} refused: {body}");
        assert_eq!(body["email"], good.to_lowercase());
    }
    // A user account takes the same rule.
    let (status, page) = text(server.post_form(
        &owner,
        "/admin/users",
        &[
            ("email", "<b>@example.org"),
            ("password", "violet staple orbit"),
            ("role", "viewer"),
        ],
    ));
    assert_eq!(status, StatusCode::BAD_REQUEST, "{page}");
}

fn secret_free(who: &str, v: &Value) {
    let s = v.to_string();
    for secret in [
        "s3cret-pass",
        "b3arer-tok",
        "h3ader-val",
        "/api/v1/heartbeat/",
    ] {
        assert!(!s.contains(secret), "{who} sees {secret:?}: {s}");
    }
}

/// Item 5: monitor credentials are write-only; the heartbeat URL is for editors.
#[test]
fn monitor_secrets_are_write_only() {
    let (_dir, server, owner, owner_key) = server_with_owner();
    let editor = server.api_key(&owner, "editor");
    let viewer = server.api_key(&owner, "viewer");
    let (status, http) = server.api_send(
        Method::POST,
        "/api/v1/monitors",
        &editor,
        &json!({"name": "Login API", "kind": "http", "target": "http://127.0.0.1:9/health",
                "paused": true,
                "check": {"basic_auth": {"username": "probe", "password": "s3cret-pass"},
                          "headers": {"X-Api-Key": "h3ader-val"}}}),
    );
    assert_eq!(status, StatusCode::CREATED, "{http}");
    secret_free("the creator", &http);
    assert_eq!(http["check"]["basic_auth"]["username"], "probe");
    assert_eq!(http["check"]["basic_auth"]["password"], "********");
    assert_eq!(http["check"]["headers"]["X-Api-Key"], "********");
    let id = http["id"].as_str().unwrap().to_string();
    let (status, bearer) = server.api_send(
        Method::POST,
        "/api/v1/monitors",
        &editor,
        &json!({"name": "Bearer API", "kind": "http", "target": "http://127.0.0.1:9/",
                "paused": true, "check": {"bearer_token": "b3arer-tok"}}),
    );
    assert_eq!(status, StatusCode::CREATED, "{bearer}");
    secret_free("the creator", &bearer);
    let (status, hb) = server.api_send(
        Method::POST,
        "/api/v1/monitors",
        &editor,
        &json!({"name": "Nightly backup", "kind": "heartbeat", "interval_seconds": 86400}),
    );
    assert_eq!(status, StatusCode::CREATED, "{hb}");
    let hb_url = hb["heartbeat_url"].as_str().expect("editor gets the URL");
    assert!(hb.get("heartbeat_token").is_none(), "{hb}");
    let hb_id = hb["id"].as_str().unwrap();

    for (who, token) in [
        ("viewer", &viewer),
        ("editor", &editor),
        ("owner", &owner_key),
    ] {
        let (status, one) = server.api_get(&format!("/api/v1/monitors/{id}"), token);
        assert_eq!(status, StatusCode::OK, "{one}");
        secret_free(who, &one);
        let (_, list) = server.api_get("/api/v1/monitors", token);
        let list_no_hb: Vec<&Value> = list["data"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|m| m["kind"] != "heartbeat" || who == "viewer")
            .collect();
        secret_free(who, &json!(list_no_hb));
    }
    let (_, hb_viewer) = server.api_get(&format!("/api/v1/monitors/{hb_id}"), &viewer);
    secret_free("viewer", &hb_viewer);
    let (_, hb_editor) = server.api_get(&format!("/api/v1/monitors/{hb_id}"), &editor);
    assert_eq!(hb_editor["heartbeat_url"].as_str(), Some(hb_url));

    // The admin screen: viewers see neither secrets nor the heartbeat URL; editors see the URL.
    let viewer_browser = {
        let (status, _) = text(server.post_form(
            &owner,
            "/admin/users",
            &[
                ("email", "viewer@example.com"),
                ("password", "violet staple orbit"),
                ("role", "viewer"),
            ],
        ));
        assert!(status.is_redirection(), "{status}");
        server.login("viewer@example.com", "violet staple orbit")
    };
    for m in [&id, &hb_id.to_string()] {
        let (_, page) = text(
            viewer_browser
                .get(server.url(&format!("/admin/monitors/{m}")))
                .send()
                .unwrap(),
        );
        for secret in ["s3cret-pass", "h3ader-val", "/api/v1/heartbeat/"] {
            assert!(!page.contains(secret), "viewer sees {secret}: {page}");
        }
    }
    let (_, page) = text(
        owner
            .get(server.url(&format!("/admin/monitors/{id}")))
            .send()
            .unwrap(),
    );
    assert!(
        !page.contains("s3cret-pass") && !page.contains("h3ader-val"),
        "the edit form shows no saved secret: {page}"
    );

    // Saving what was shown (masks included) or leaving the secrets out keeps them.
    let (status, patched) = server.api_send(
        Method::PATCH,
        &format!("/api/v1/monitors/{id}"),
        &editor,
        &json!({"check": http["check"].clone(), "name": "Login API v2"}),
    );
    assert_eq!(status, StatusCode::OK, "{patched}");
    assert_eq!(patched["check"]["basic_auth"]["password"], "********");
    let (status, patched) = server.api_send(
        Method::PATCH,
        &format!("/api/v1/monitors/{id}"),
        &editor,
        &json!({"check": {"basic_auth": {"username": "probe2"}, "headers": {"X-Api-Key": "********", "X-Other": "plain"}}}),
    );
    assert_eq!(status, StatusCode::OK, "{patched}");
    assert_eq!(patched["check"]["basic_auth"]["username"], "probe2");
    assert_eq!(patched["check"]["basic_auth"]["password"], "********");
    assert_eq!(patched["check"]["headers"]["X-Api-Key"], "********");
    let (status, patched) = server.api_send(
        Method::PATCH,
        &format!("/api/v1/monitors/{}", bearer["id"].as_str().unwrap()),
        &editor,
        &json!({"check": {"method": "HEAD"}}),
    );
    assert_eq!(status, StatusCode::OK, "{patched}");
    assert_eq!(patched["check"]["bearer_token"], "********", "{patched}");
    // The export of a backup still has them (the prober uses them): checked through the
    // data file after stop, not through any API.
    let mut server = server;
    server.stop();
    let raw = std::fs::read(&server.data).unwrap();
    let raw = String::from_utf8_lossy(&raw);
    assert!(
        raw.contains("s3cret-pass") && raw.contains("h3ader-val") && raw.contains("b3arer-tok"),
        "the stored monitor keeps its secrets"
    );
}

/// Item 7: a restore checks the file before it touches anything, refuses what is not a
/// whole backup of this or an older version, and keeps the replaced data beside the new.
#[test]
fn restore_refuses_bad_files_and_keeps_the_old_data() {
    let (dir, data) = temp_data();
    let token = offline_key(&data, "owner");
    let good = dir.path().join("good.redb");
    let d = data.to_str().unwrap();
    let out = cli(&["backup", good.to_str().unwrap(), "--data", d], None);
    assert_eq!(out.code, Some(0), "{out:?}");
    let bytes = std::fs::read(&good).unwrap();

    let newer = dir.path().join("newer.redb");
    std::fs::copy(&good, &newer).unwrap();
    {
        let db = redb::Database::create(&newer).expect("open copy");
        let txn = db.begin_write().unwrap();
        txn.open_table(statusd::store::tables::META)
            .unwrap()
            .insert("schema_version", "999")
            .unwrap();
        txn.commit().unwrap();
    }
    let mut random = vec![0u8; 64 * 1024];
    for (i, b) in random.iter_mut().enumerate() {
        *b = (i.wrapping_mul(2654435761) >> 7) as u8;
    }
    let mut foreign_redb = b"redb\x1A\x0A\xA9\x0D\x0A".to_vec();
    foreign_redb.extend_from_slice(&random[..4096]);
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("empty", vec![], "empty"),
        ("truncated", bytes[..bytes.len() / 2].to_vec(), "backup"),
        (
            "first-page",
            bytes[..4096.min(bytes.len())].to_vec(),
            "backup",
        ),
        ("random", random, "not a statusd data file"),
        (
            "text",
            b"hello, this is not a database\n".repeat(100),
            "not a statusd data file",
        ),
        ("bad-redb", foreign_redb, "backup"),
    ];
    for (name, content, says) in cases {
        let bad = dir.path().join(format!("{name}.redb"));
        std::fs::write(&bad, &content).unwrap();
        let out = cli(
            &["restore", bad.to_str().unwrap(), "--force", "--data", d],
            None,
        );
        assert!(
            matches!(out.code, Some(1) | Some(2)),
            "{name}: restore must fail cleanly (no panic): {out:?}"
        );
        assert!(!out.stderr.contains("panicked"), "{name}: {}", out.stderr);
        assert!(
            out.stderr.to_lowercase().contains(says),
            "{name}: message names the problem ({says}): {}",
            out.stderr
        );
    }
    let out = cli(
        &["restore", newer.to_str().unwrap(), "--force", "--data", d],
        None,
    );
    assert_eq!(out.code, Some(1), "{out:?}");
    assert!(out.stderr.contains("999"), "{}", out.stderr);

    // After all that, the data is intact: the key still works.
    let server = Server::start(&data);
    let (status, body) = server.api_get("/api/v1/components", &token);
    assert_eq!(status, StatusCode::OK, "{body}");
    let mut server = server;
    server.stop();

    // A good restore keeps the replaced file beside the new one.
    let out = cli(
        &["restore", good.to_str().unwrap(), "--force", "--data", d],
        None,
    );
    assert_eq!(out.code, Some(0), "{out:?}");
    let kept: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("statusd.redb.before-restore-"))
        .collect();
    assert_eq!(kept.len(), 1, "old data kept: {kept:?}");
    assert!(out.stdout.contains(&kept[0]), "{}", out.stdout);
}

/// One sign-in POST (fresh browser, fresh form); returns the status and how long it took.
fn timed_sign_in(server: &Server, email: &str, password: &str) -> (StatusCode, Duration) {
    let client = browser();
    let (_, page) = text(client.get(server.url("/admin/login")).send().unwrap());
    let csrf = csrf_of(&page);
    let started = std::time::Instant::now();
    let resp = client
        .post(server.url("/admin/login"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("email", email),
            ("password", password),
        ])
        .send()
        .unwrap();
    (resp.status(), started.elapsed())
}

/// Load on a shared machine only adds time, so the fastest attempt is the truest cost.
fn fastest(v: Vec<Duration>) -> Duration {
    v.into_iter().min().unwrap_or_default()
}

/// Item 4: a wrong password for a known email and any password for an unknown email take
/// the same time, so timing does not tell which emails have accounts.
#[test]
fn sign_in_timing_does_not_reveal_accounts() {
    let (_dir, data) = temp_data();
    let server = Server::start(&data);
    server.setup_owner(OWNER, OWNER_PW);
    // 9 + 9 attempts stay under the per-address limit (20 a minute) and the known
    // account's limit (10 a minute); interleaved so load changes hit both alike.
    let (mut known, mut unknown) = (Vec::new(), Vec::new());
    for i in 0..9 {
        let (s, t) = timed_sign_in(&server, OWNER, &format!("wrong password {i}"));
        assert_eq!(s, StatusCode::UNAUTHORIZED);
        known.push(t);
        let (s, t) = timed_sign_in(&server, &format!("nobody{i}@example.com"), "wrong password");
        assert_eq!(s, StatusCode::UNAUTHORIZED);
        unknown.push(t);
    }
    let (k, u) = (fastest(known), fastest(unknown));
    let ratio = k.as_secs_f64() / u.as_secs_f64();
    assert!(
        (0.5..=2.0).contains(&ratio),
        "fastest sign-in: known email {k:?}, unknown email {u:?} (ratio {ratio:.2})"
    );
}

/// Item 9: the per-account limit uses the same normalised email as the lookup, so
/// spacing or capitals do not buy more guesses.
#[test]
fn sign_in_limit_holds_for_email_variants() {
    let (_dir, data) = temp_data();
    // Each attempt comes from its own address (through a trusted proxy), so only the
    // per-account limit (10 a minute) can refuse it.
    let server = Server::start_with_env(
        &data,
        &[("STATUSD_TRUSTED_PROXIES", "127.0.0.1/32".to_string())],
    );
    server.setup_owner(OWNER, OWNER_PW);
    let variants = [
        " owner@example.com",
        "owner@example.com ",
        "OWNER@example.com",
        "  Owner@Example.com  ",
        "\towner@example.com",
    ];
    // All at once: the limit is checked before the slow password hash, so 20 attempts
    // meet it within a moment, before the quota refills (one every 6 s).
    let login = server.url("/admin/login");
    let statuses: Vec<StatusCode> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..20)
            .map(|i| {
                let login = &login;
                let email = variants[i % variants.len()];
                scope.spawn(move || {
                    let client = browser();
                    let (_, page) = text(client.get(login).send().unwrap());
                    let csrf = csrf_of(&page);
                    client
                        .post(login)
                        // 20 password hashes at once take a while on a small machine.
                        .timeout(Duration::from_secs(90))
                        .header("X-Forwarded-For", format!("192.0.2.{}", i + 1))
                        .form(&[
                            ("csrf", csrf.as_str()),
                            ("email", email),
                            ("password", "not the password"),
                        ])
                        .send()
                        .unwrap()
                        .status()
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let limited = statuses
        .iter()
        .filter(|s| **s == StatusCode::TOO_MANY_REQUESTS)
        .count();
    assert!(
        statuses
            .iter()
            .all(|s| *s == StatusCode::UNAUTHORIZED || *s == StatusCode::TOO_MANY_REQUESTS),
        "{statuses:?}"
    );
    assert!(
        limited >= 9,
        "20 guesses at one account in different spellings: only {limited} refused ({statuses:?})"
    );
}

/// Item 10: forwarded host headers choose a custom-host page only from a trusted proxy.
#[test]
fn forwarded_host_is_believed_only_from_trusted_proxies() {
    let (dir, data) = temp_data();
    let key = offline_key(&data, "owner");
    let server = Server::start(&data);
    let (status, page) = server.api_send(
        Method::POST,
        "/api/v1/pages",
        &key,
        &json!({"slug": "acme", "title": "Acme Private Brand", "audience": "public",
                "custom_host": "status.acme.test"}),
    );
    assert_eq!(status, StatusCode::CREATED, "{page}");
    let get_with = |server: &Server, name: &str, value: &str| {
        text(
            server
                .request(Method::GET, "/")
                .header(name, value)
                .send()
                .unwrap(),
        )
        .1
    };
    let brand = "Acme Private Brand";
    assert!(get_with(&server, "Host", "status.acme.test").contains(brand));
    for (name, value) in [
        ("X-Forwarded-Host", "status.acme.test"),
        ("Forwarded", "host=status.acme.test"),
        (
            "Forwarded",
            "for=192.0.2.1;host=\"status.acme.test\";proto=https",
        ),
    ] {
        assert!(
            !get_with(&server, name, value).contains(brand),
            "{name}: {value} chose the page without a trusted proxy"
        );
    }
    let mut server = server;
    server.stop();
    drop(server);

    let behind_proxy = Server::start_with_env(
        &data,
        &[("STATUSD_TRUSTED_PROXIES", "127.0.0.1/32".to_string())],
    );
    assert!(get_with(&behind_proxy, "X-Forwarded-Host", "status.acme.test").contains(brand));
    assert!(get_with(&behind_proxy, "Forwarded", "host=status.acme.test").contains(brand));
    drop(dir);
}

/// Item 8: clients trickling request bodies are cut off after the body deadline, and
/// `/healthz` keeps answering within a second while they try.
#[test]
fn trickled_bodies_are_cut_off_and_healthz_keeps_answering() {
    use std::io::{Read, Write};
    use std::net::TcpStream;
    const CLIENTS: usize = 200;
    let (_dir, data) = temp_data();
    let server = Server::start_with_env(
        &data,
        &[("STATUSD_REQUEST_TIMEOUT_SECONDS", "4".to_string())],
    );
    let head = format!(
        "POST /admin/login HTTP/1.1\r\nHost: {}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 100000\r\n\r\n",
        server.listen
    );
    let mut socks: Vec<Option<TcpStream>> = (0..CLIENTS)
        .map(|_| {
            let s = TcpStream::connect(&server.listen).expect("connect");
            s.set_nonblocking(true).unwrap();
            let mut blocking = s.try_clone().unwrap();
            blocking.write_all(head.as_bytes()).ok();
            Some(s)
        })
        .collect();
    let started = std::time::Instant::now();
    let mut worst = Duration::ZERO;
    let mut next_byte = started;
    let mut cut_at = vec![None; CLIENTS];
    while started.elapsed() < Duration::from_secs(14) {
        if std::time::Instant::now() >= next_byte {
            next_byte += Duration::from_secs(2);
            for (i, slot) in socks.iter_mut().enumerate() {
                if let Some(s) = slot {
                    // A closed connection refuses the write (EPIPE / reset) or reads EOF.
                    let mut buf = [0u8; 512];
                    let closed = match s.read(&mut buf) {
                        Ok(_) => true,
                        Err(e) => e.kind() != std::io::ErrorKind::WouldBlock,
                    } || s.write(b"a").is_err();
                    if closed {
                        cut_at[i] = Some(started.elapsed());
                        *slot = None;
                    }
                }
            }
        }
        let t = std::time::Instant::now();
        let resp = server
            .request(Method::GET, "/healthz")
            .timeout(Duration::from_secs(3))
            .send();
        let took = t.elapsed();
        assert!(
            resp.is_ok_and(|r| r.status() == StatusCode::OK),
            "/healthz failed after {:?} of trickling",
            started.elapsed()
        );
        worst = worst.max(took);
        std::thread::sleep(Duration::from_millis(200));
    }
    assert!(
        worst < Duration::from_secs(1),
        "/healthz took {worst:?} at worst"
    );
    let still_open = cut_at.iter().filter(|c| c.is_none()).count();
    assert_eq!(
        still_open, 0,
        "{still_open} of {CLIENTS} trickling clients were never cut off"
    );
}

/// Resident memory of a process in MiB, from /proc.
#[cfg(target_os = "linux")]
fn rss_mib(pid: u32) -> f64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .map_or(0.0, |kb| kb / 1024.0)
}

/// Item 15: the memory a burst of connections used goes back to the system once it ends.
#[cfg(target_os = "linux")]
#[test]
fn memory_returns_near_idle_after_a_connection_flood() {
    use std::io::{Read, Write};
    use std::net::TcpStream;
    let (_dir, data) = temp_data();
    let server = Server::start(&data);
    for _ in 0..5 {
        server.get("/");
    }
    std::thread::sleep(Duration::from_secs(1));
    let idle = rss_mib(server.pid());
    let request = format!(
        "GET / HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n",
        server.listen
    );
    let mut peak = idle;
    for _ in 0..3 {
        let mut socks: Vec<TcpStream> = (0..1000)
            .filter_map(|_| TcpStream::connect(&server.listen).ok())
            .collect();
        for s in &mut socks {
            s.write_all(request.as_bytes()).ok();
        }
        std::thread::sleep(Duration::from_millis(500));
        peak = peak.max(rss_mib(server.pid()));
        for mut s in socks {
            s.set_read_timeout(Some(Duration::from_secs(20))).ok();
            let mut sink = Vec::new();
            s.read_to_end(&mut sink).ok();
        }
        peak = peak.max(rss_mib(server.pid()));
    }
    std::thread::sleep(Duration::from_secs(15));
    let after = rss_mib(server.pid());
    let allowed = idle + ((peak - idle) / 2.0).max(3.0);
    assert!(
        after <= allowed,
        "RSS idle {idle:.1} MiB, under the flood {peak:.1} MiB, 15 s later {after:.1} MiB (allowed {allowed:.1})"
    );
    assert_eq!(server.get("/healthz").status(), StatusCode::OK);
}
