//! Shared helpers for integration tests: start the real `statusd` binary on a free
//! 127.0.0.1 port with a temp data file, and speak HTTP to it like a user would.
//! Every wait is bounded, and a server still running when its handle drops is killed.

#![allow(dead_code)] // Each test binary uses a different subset of these helpers.

pub mod smtp;

use reqwest::blocking::{Client, RequestBuilder, Response};
use reqwest::{Method, StatusCode, redirect};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

/// Path of the binary under test.
pub const BIN: &str = env!("CARGO_BIN_EXE_statusd");
/// How long a server may take to answer `/healthz` after being started.
pub const START_TIMEOUT: Duration = Duration::from_secs(10);
/// How long a server may take to exit after SIGTERM.
pub const STOP_TIMEOUT: Duration = Duration::from_secs(10);
/// Timeout of every HTTP request a test makes.
pub const HTTP_TIMEOUT: Duration = Duration::from_secs(15);

/// A fresh temp directory with a data file path inside (the file does not exist yet).
pub fn temp_data() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::Builder::new()
        .prefix("statusd-test-")
        .tempdir()
        .expect("temp dir");
    let data = dir.path().join("statusd.redb");
    (dir, data)
}

/// A TCP port on 127.0.0.1 that nothing listens on right now.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("bind 127.0.0.1:0")
        .port()
}

/// A `statusd` command with no `STATUSD_*` variables inherited from the environment,
/// so a developer's settings never leak into a test.
pub fn statusd_command() -> Command {
    let mut cmd = Command::new(BIN);
    for (k, _) in std::env::vars_os() {
        if k.to_string_lossy().starts_with("STATUSD_") {
            cmd.env_remove(&k);
        }
    }
    cmd.env("NO_COLOR", "1");
    cmd
}

/// What a finished CLI run printed.
#[derive(Debug)]
pub struct CliOutput {
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
    pub elapsed: Duration,
}

/// Runs `statusd ARGS` with optional stdin and extra env, killing it after `timeout`.
/// Panics when it does not finish in time.
pub fn run_cli(
    args: &[&str],
    stdin: Option<&str>,
    env: &[(&str, &str)],
    timeout: Duration,
) -> CliOutput {
    let started = Instant::now();
    let mut cmd = statusd_command();
    cmd.args(args)
        .envs(env.iter().copied())
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("spawn statusd");
    if let Some(input) = stdin {
        let mut pipe = child.stdin.take().expect("stdin pipe");
        // The child may exit before reading (e.g. the data file is locked); ignore EPIPE.
        let _ = pipe.write_all(input.as_bytes());
    }
    let out_reader = drain(child.stdout.take().expect("stdout pipe"));
    let err_reader = drain(child.stderr.take().expect("stderr pipe"));
    let status = wait_bounded(&mut child, timeout);
    let stdout = out_reader.join().unwrap_or_default();
    let stderr = err_reader.join().unwrap_or_default();
    let Some(status) = status else {
        panic!(
            "statusd {args:?} did not finish within {timeout:?}\nstdout: {stdout}\nstderr: {stderr}"
        );
    };
    CliOutput {
        code: status.code(),
        stdout,
        stderr,
        elapsed: started.elapsed(),
    }
}

fn drain(mut r: impl Read + Send + 'static) -> std::thread::JoinHandle<String> {
    std::thread::spawn(move || {
        let mut buf = Vec::new();
        let _ = r.read_to_end(&mut buf);
        String::from_utf8_lossy(&buf).into_owned()
    })
}

/// Waits for a child up to `timeout`; kills it and returns `None` if it is still running.
fn wait_bounded(child: &mut Child, timeout: Duration) -> Option<ExitStatus> {
    let deadline = Instant::now() + timeout;
    loop {
        if let Ok(Some(status)) = child.try_wait() {
            return Some(status);
        }
        if Instant::now() >= deadline {
            let _ = child.kill();
            let _ = child.wait();
            return None;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// A browser-like client: cookie store, no automatic redirects (tests look at each 303),
/// no proxy (only 127.0.0.1 is ever contacted), no idle pooled connections (so a
/// graceful shutdown never waits for a keep-alive socket).
pub fn browser() -> Client {
    Client::builder()
        .cookie_store(true)
        .redirect(redirect::Policy::none())
        .no_proxy()
        .pool_max_idle_per_host(0)
        .timeout(HTTP_TIMEOUT)
        .build()
        .expect("http client")
}

/// The value of the hidden `csrf` input in a rendered form.
pub fn csrf_of(html: &str) -> String {
    let marker = r#"name="csrf" value=""#;
    let start = html
        .find(marker)
        .unwrap_or_else(|| panic!("no csrf field in page:\n{html}"))
        + marker.len();
    let end = html[start..].find('"').expect("csrf value ends") + start;
    html[start..end].to_string()
}

/// The `Location` header of a response.
pub fn location(resp: &Response) -> String {
    resp.headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string()
}

/// Reads a response's body, with its status, for assertions.
pub fn text(resp: Response) -> (StatusCode, String) {
    let status = resp.status();
    (status, resp.text().expect("response body"))
}

/// Reads a JSON response, with its status.
pub fn json(resp: Response) -> (StatusCode, serde_json::Value) {
    let status = resp.status();
    let body = resp.text().expect("response body");
    let v = serde_json::from_str(&body)
        .unwrap_or_else(|e| panic!("not JSON ({e}), status {status}: {body}"));
    (status, v)
}

/// A running `statusd serve`.
pub struct Server {
    /// `http://127.0.0.1:PORT`, without a trailing slash.
    pub base: String,
    pub listen: String,
    pub data: PathBuf,
    /// The one-time setup URL, printed when the data file has no users.
    pub setup_url: Option<String>,
    child: Option<Child>,
    stderr_log: PathBuf,
    /// Keeps the stdout reader's channel alive so the child never gets EPIPE.
    stdout_lines: Receiver<String>,
    api: Client,
}

impl Server {
    /// Starts `statusd serve --listen 127.0.0.1:PORT --data DATA` and waits until it
    /// printed its listening line and `/healthz` answers 200.
    pub fn start(data: &Path) -> Server {
        Server::start_with_env(data, &[])
    }

    /// [`Server::start`] with extra environment (e.g. `STATUSD_SMTP_URL`).
    pub fn start_with_env(data: &Path, env: &[(&str, String)]) -> Server {
        // The port is free when chosen but could be taken before statusd binds; retry then.
        let mut last_err = String::new();
        for _ in 0..3 {
            match Server::try_start(data, env) {
                Ok(s) => return s,
                Err(e) if e.contains("in use") || e.contains("os error 98") => last_err = e,
                Err(e) => panic!("{e}"),
            }
        }
        panic!("statusd could not bind a free port: {last_err}");
    }

    fn try_start(data: &Path, env: &[(&str, String)]) -> Result<Server, String> {
        let port = free_port();
        let listen = format!("127.0.0.1:{port}");
        let base = format!("http://{listen}");
        let stderr_log = data.with_file_name(format!(
            "{}.serve-{port}.stderr.log",
            data.file_name().unwrap_or_default().to_string_lossy()
        ));
        let log = std::fs::File::create(&stderr_log).expect("stderr log file");
        let mut child = statusd_command()
            .args(["serve", "--listen", &listen, "--data"])
            .arg(data)
            .env("STATUSD_LOG_LEVEL", "warn")
            .envs(env.iter().map(|(k, v)| (*k, v.as_str())))
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::from(log))
            .spawn()
            .expect("spawn statusd serve");
        let stdout = child.stdout.take().expect("stdout pipe");
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let api = Client::builder()
            .redirect(redirect::Policy::none())
            .no_proxy()
            .pool_max_idle_per_host(0)
            .timeout(HTTP_TIMEOUT)
            .build()
            .expect("http client");
        let mut server = Server {
            base,
            listen,
            data: data.to_path_buf(),
            setup_url: None,
            child: Some(child),
            stderr_log,
            stdout_lines: rx,
            api,
        };
        server.wait_ready()?;
        Ok(server)
    }

    fn wait_ready(&mut self) -> Result<(), String> {
        let deadline = Instant::now() + START_TIMEOUT;
        let mut lines = Vec::new();
        let mut listening = false;
        loop {
            if let Some(status) = self
                .child
                .as_mut()
                .and_then(|c| c.try_wait().ok().flatten())
            {
                self.child = None;
                return Err(format!(
                    "statusd serve exited with {status} before it was ready\nstdout: {lines:?}\nstderr: {}",
                    self.stderr()
                ));
            }
            if Instant::now() >= deadline {
                return Err(format!(
                    "statusd serve not ready within {START_TIMEOUT:?}\nstdout: {lines:?}\nstderr: {}",
                    self.stderr()
                ));
            }
            if !listening {
                match self.stdout_lines.recv_timeout(Duration::from_millis(50)) {
                    Ok(line) => {
                        listening = line.starts_with("statusd listening on");
                        lines.push(line);
                    }
                    Err(RecvTimeoutError::Timeout) => {}
                    Err(RecvTimeoutError::Disconnected) => {
                        std::thread::sleep(Duration::from_millis(50))
                    }
                }
                continue;
            }
            let healthy = self
                .api
                .get(self.url("/healthz"))
                .timeout(Duration::from_secs(2))
                .send()
                .is_ok_and(|r| r.status() == StatusCode::OK);
            if healthy {
                break;
            }
            std::thread::sleep(Duration::from_millis(25));
        }
        // The setup line is written right after the listening line and before the server
        // binds, so once /healthz answers it has long been read; no users → no such line.
        while let Ok(line) = self.stdout_lines.recv_timeout(Duration::from_millis(200)) {
            lines.push(line);
        }
        self.setup_url = lines.iter().find_map(|l| {
            l.strip_prefix("Setup: open ")
                .and_then(|rest| rest.strip_suffix(" to create the owner account"))
                .map(str::to_string)
        });
        Ok(())
    }

    /// An absolute URL on this server.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// What the server wrote to stderr so far (its log).
    pub fn stderr(&self) -> String {
        std::fs::read_to_string(&self.stderr_log).unwrap_or_default()
    }

    /// The process id of the running server.
    pub fn pid(&self) -> u32 {
        self.child.as_ref().expect("server running").id()
    }

    /// Sends SIGTERM and waits (bounded) for the process to exit; asserts it exits 0.
    pub fn stop(&mut self) {
        let status = self.terminate();
        assert!(
            status.success(),
            "statusd did not shut down cleanly on SIGTERM: {status}\nstderr: {}",
            self.stderr()
        );
    }

    /// Sends SIGTERM and returns the exit status (bounded wait; killed if it hangs).
    pub fn terminate(&mut self) -> ExitStatus {
        let mut child = self.child.take().expect("server already stopped");
        let sent = Command::new("kill")
            .arg("-TERM")
            .arg(child.id().to_string())
            .status()
            .expect("run kill");
        assert!(sent.success(), "kill -TERM {} failed", child.id());
        match wait_bounded(&mut child, STOP_TIMEOUT) {
            Some(status) => status,
            None => panic!(
                "statusd did not exit within {STOP_TIMEOUT:?} of SIGTERM (killed)\nstderr: {}",
                self.stderr()
            ),
        }
    }

    /// SIGKILL: no shutdown work at all.
    pub fn kill9(&mut self) {
        let mut child = self.child.take().expect("server already stopped");
        let sent = Command::new("kill")
            .args(["-9", &child.id().to_string()])
            .status()
            .expect("run kill");
        assert!(sent.success(), "kill -9 {} failed", child.id());
        let _ = child.wait();
    }

    /// A plain GET without cookies.
    pub fn get(&self, path: &str) -> Response {
        self.api.get(self.url(path)).send().expect("GET")
    }

    /// A request without cookies or credentials.
    pub fn request(&self, method: Method, path: &str) -> RequestBuilder {
        self.api.request(method, self.url(path))
    }

    /// An API request with `Authorization: Bearer TOKEN`.
    pub fn api(&self, method: Method, path: &str, token: &str) -> RequestBuilder {
        self.api.request(method, self.url(path)).bearer_auth(token)
    }

    /// `GET path` with a bearer token, as JSON.
    pub fn api_get(&self, path: &str, token: &str) -> (StatusCode, serde_json::Value) {
        json(self.api(Method::GET, path, token).send().expect("API GET"))
    }

    /// `METHOD path` with a bearer token and a JSON body, answer as JSON.
    pub fn api_send(
        &self,
        method: Method,
        path: &str,
        token: &str,
        body: &serde_json::Value,
    ) -> (StatusCode, serde_json::Value) {
        json(
            self.api(method.clone(), path, token)
                .json(body)
                .send()
                .unwrap_or_else(|e| panic!("{method} {path}: {e}")),
        )
    }

    /// Creates the owner through the printed setup link and returns their signed-in browser.
    pub fn setup_owner(&self, email: &str, password: &str) -> Client {
        let setup = self
            .setup_url
            .clone()
            .expect("no setup URL was printed (does the data file already have users?)");
        let token = setup
            .split_once("token=")
            .map(|(_, t)| t.to_string())
            .expect("setup URL carries a token");
        let client = browser();
        let (status, page) = text(client.get(&setup).send().expect("GET setup"));
        assert_eq!(status, StatusCode::OK, "setup page: {page}");
        let csrf = csrf_of(&page);
        let resp = client
            .post(self.url("/admin/setup"))
            .form(&[
                ("token", token.as_str()),
                ("csrf", csrf.as_str()),
                ("email", email),
                ("password", password),
                ("password_confirm", password),
            ])
            .send()
            .expect("POST setup");
        assert_eq!(
            resp.status(),
            StatusCode::SEE_OTHER,
            "setup: {}",
            resp.text().unwrap_or_default()
        );
        assert_eq!(location(&resp), "/admin");
        client
    }

    /// Signs in through the form; returns the response of the POST and the browser.
    pub fn try_login(&self, email: &str, password: &str) -> (Response, Client) {
        let client = browser();
        let (status, page) = text(
            client
                .get(self.url("/admin/login"))
                .send()
                .expect("GET login"),
        );
        assert_eq!(status, StatusCode::OK, "login page: {page}");
        let csrf = csrf_of(&page);
        let resp = client
            .post(self.url("/admin/login"))
            .form(&[
                ("csrf", csrf.as_str()),
                ("email", email),
                ("password", password),
            ])
            .send()
            .expect("POST login");
        (resp, client)
    }

    /// Signs in and returns the signed-in browser; panics if sign-in fails.
    pub fn login(&self, email: &str, password: &str) -> Client {
        let (resp, client) = self.try_login(email, password);
        assert_eq!(
            resp.status(),
            StatusCode::SEE_OTHER,
            "sign-in as {email} failed: {}",
            resp.text().unwrap_or_default()
        );
        assert_eq!(location(&resp), "/admin");
        client
    }

    /// The session CSRF token of a signed-in browser (from the sign-out form on /admin).
    pub fn session_csrf(&self, client: &Client) -> String {
        let (status, page) = text(client.get(self.url("/admin")).send().expect("GET /admin"));
        assert_eq!(status, StatusCode::OK, "/admin: {page}");
        csrf_of(&page)
    }

    /// Posts an admin form with the session's CSRF token added.
    pub fn post_form(&self, client: &Client, path: &str, fields: &[(&str, &str)]) -> Response {
        let csrf = self.session_csrf(client);
        let mut form: Vec<(&str, &str)> = fields.to_vec();
        form.push(("csrf", &csrf));
        client
            .post(self.url(path))
            .form(&form)
            .send()
            .unwrap_or_else(|e| panic!("POST {path}: {e}"))
    }

    /// Creates an API key through the admin form (needs an owner's browser); returns the token.
    pub fn api_key(&self, owner: &Client, role: &str) -> String {
        let name = format!("test-{role}-{}", free_port());
        let (status, page) =
            text(self.post_form(owner, "/admin/keys", &[("name", &name), ("role", role)]));
        assert_eq!(status, StatusCode::CREATED, "create key: {page}");
        token_of(&page)
    }

    /// Creates an API key through `POST /api/v1/keys` with an owner token; returns the
    /// whole 201 body (with `token`).
    pub fn api_key_via_api(&self, owner_token: &str, name: &str, role: &str) -> serde_json::Value {
        let (status, body) = self.api_send(
            Method::POST,
            "/api/v1/keys",
            owner_token,
            &serde_json::json!({"name": name, "role": role}),
        );
        assert_eq!(status, StatusCode::CREATED, "create key via API: {body}");
        body
    }
}

/// The freshly created token shown once on the keys page.
pub fn token_of(html: &str) -> String {
    let marker = r#"<code class="token">"#;
    let start = html
        .find(marker)
        .unwrap_or_else(|| panic!("no token shown on page:\n{html}"))
        + marker.len();
    let end = html[start..].find("</code>").expect("token ends") + start;
    html[start..end].trim().to_string()
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// Creates an API key named `ci` with `statusd key create` on a data file no server holds yet,
/// and returns its token.
pub fn offline_key(data: &Path, role: &str) -> String {
    let out = run_cli(
        &[
            "key",
            "create",
            "--name",
            "ci",
            "--role",
            role,
            "--data",
            data.to_str().unwrap(),
        ],
        None,
        &[],
        Duration::from_secs(30),
    );
    assert_eq!(out.code, Some(0), "key create: {}", out.stderr);
    out.stdout.trim().to_string()
}

/// A running server on a fresh data file with an editor API key.
pub struct Env {
    pub _dir: tempfile::TempDir,
    pub server: Server,
    pub token: String,
}

impl Env {
    pub fn start() -> Env {
        let (dir, data) = temp_data();
        let token = offline_key(&data, "editor");
        let server = Server::start(&data);
        Env {
            _dir: dir,
            server,
            token,
        }
    }
}

/// A store on a fresh temp data file holding one component, "API" (for tests that drive
/// the store directly, without a server).
pub fn store_with_api() -> (
    tempfile::TempDir,
    statusd::store::Store,
    statusd::domain::Component,
) {
    let (dir, data) = temp_data();
    let store = statusd::store::Store::open(&data).expect("open store");
    let api = store
        .create_component(statusd::store::NewComponent {
            name: "API".into(),
            ..Default::default()
        })
        .expect("create component");
    (dir, store, api)
}
