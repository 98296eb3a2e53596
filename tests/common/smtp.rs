//! A real SMTP server for tests: Debian's aiosmtpd (`tests/support/smtp_sink.py`) on
//! 127.0.0.1, writing each accepted message as JSON (envelope, headers, decoded parts).

use super::free_port;
use serde_json::Value;
use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

const SINK: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/support/smtp_sink.py");
/// Debian's Python, which sees the python3-aiosmtpd package.
const PYTHON: &str = "/usr/bin/python3";

/// A running sink; killed on drop.
pub struct MailSink {
    pub port: u16,
    dir: tempfile::TempDir,
    child: Child,
}

impl MailSink {
    pub fn start() -> MailSink {
        let dir = tempfile::Builder::new()
            .prefix("statusd-smtp-")
            .tempdir()
            .expect("temp dir");
        for _ in 0..3 {
            let port = free_port();
            let mut child = Command::new(PYTHON)
                .arg(SINK)
                .args(["--port", &port.to_string(), "--dir"])
                .arg(dir.path())
                .stdin(Stdio::null())
                .stdout(Stdio::piped())
                .stderr(Stdio::null())
                .spawn()
                .expect("start the SMTP sink (is python3-aiosmtpd installed?)");
            let stdout = child.stdout.take().expect("stdout");
            let (tx, rx) = mpsc::channel();
            std::thread::spawn(move || {
                for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                    let _ = tx.send(line);
                }
            });
            if rx
                .recv_timeout(Duration::from_secs(15))
                .is_ok_and(|l| l == "ready")
            {
                return MailSink { port, dir, child };
            }
            let _ = child.kill();
            let _ = child.wait();
        }
        panic!("the SMTP sink did not start");
    }

    /// `STATUSD_SMTP_URL` and `STATUSD_SMTP_FROM` for a server that mails here.
    pub fn env(&self) -> Vec<(&'static str, String)> {
        vec![
            (
                "STATUSD_SMTP_URL",
                format!("smtp://127.0.0.1:{}", self.port),
            ),
            ("STATUSD_SMTP_FROM", "status@example.com".to_string()),
        ]
    }

    /// Every captured message to `rcpt`, in arrival order.
    pub fn to(&self, rcpt: &str) -> Vec<Value> {
        let mut files: Vec<PathBuf> = std::fs::read_dir(self.dir.path())
            .expect("sink dir")
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "json"))
            .collect();
        files.sort();
        files
            .iter()
            .filter_map(|p| serde_json::from_str::<Value>(&std::fs::read_to_string(p).ok()?).ok())
            .filter(|m| {
                m["rcpt_tos"]
                    .as_array()
                    .is_some_and(|r| r.iter().any(|x| x == rcpt))
            })
            .collect()
    }

    /// Waits (up to 30 s) for the `n`th message to `rcpt` (counting from 1).
    pub fn wait_nth(&self, rcpt: &str, n: usize) -> Value {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            if let Some(m) = self.to(rcpt).into_iter().nth(n - 1) {
                return m;
            }
            assert!(
                Instant::now() < deadline,
                "no mail #{n} to {rcpt} within 30 s"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

impl Drop for MailSink {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The first link in a mail's text part that starts with `prefix`.
pub fn link_in(mail: &Value, prefix: &str) -> String {
    let text = mail["text"].as_str().unwrap_or("");
    let start = text
        .find(prefix)
        .unwrap_or_else(|| panic!("no link starting {prefix} in {text}"));
    text[start..]
        .split_whitespace()
        .next()
        .unwrap_or("")
        .to_string()
}
