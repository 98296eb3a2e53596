//! TCP connect: up when the port accepts a connection; latency is the connect time.

use super::{ProbeOutcome, connect, resolve, validate_host};
use std::net::Shutdown;
use std::time::{Duration, Instant};

/// Checks a TCP target: a host name or IP and a port in 1-65535.
pub fn validate_tcp(host: &str, port: u16) -> Result<(), (&'static str, String)> {
    validate_host(host).map_err(|e| ("host", e))?;
    if port == 0 {
        return Err(("port", "must be between 1 and 65535".into()));
    }
    Ok(())
}

pub(super) fn run(host: &str, port: u16, timeout: Duration) -> ProbeOutcome {
    let started = Instant::now();
    let deadline = started + timeout;
    let result =
        resolve(host, port, deadline, timeout).and_then(|addrs| connect(&addrs, deadline, timeout));
    match result {
        Ok(stream) => {
            let out = ProbeOutcome::up(started, format!("connected to {}", peer(&stream)));
            let _ = stream.shutdown(Shutdown::Both);
            out
        }
        Err(e) => ProbeOutcome::down(started, e),
    }
}

fn peer(stream: &std::net::TcpStream) -> String {
    stream
        .peer_addr()
        .map(|a| a.to_string())
        .unwrap_or_else(|_| "peer".into())
}
