//! Limits on slow and greedy clients: a request with a body must arrive and be answered
//! within `request_timeout_seconds` (else 408 and the connection closes, as its body is
//! unread), and one client address may have only a few uploads in flight at once.

use crate::state::AppState;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::error::InternalError;
use actix_web::http::StatusCode;
use actix_web::{Error, HttpResponse, web};
use std::collections::HashMap;
use std::future::Future;
use std::net::IpAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// Requests with a body that one client address may have in flight at once.
pub const UPLOADS_PER_CLIENT: u32 = 16;

/// Uploads in flight per client address.
#[derive(Default, Clone)]
pub struct UploadLanes {
    busy: Arc<Mutex<HashMap<IpAddr, u32>>>,
}

/// Holds one lane until dropped (the request finished, failed or timed out).
struct Lane {
    lanes: UploadLanes,
    ip: IpAddr,
}

impl UploadLanes {
    fn take(&self, ip: IpAddr) -> Option<Lane> {
        let mut busy = self.busy.lock().unwrap_or_else(|e| e.into_inner());
        let n = busy.entry(ip).or_insert(0);
        if *n >= UPLOADS_PER_CLIENT {
            return None;
        }
        *n += 1;
        Some(Lane {
            lanes: self.clone(),
            ip,
        })
    }
}

impl Drop for Lane {
    fn drop(&mut self) {
        let mut busy = self.lanes.busy.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(n) = busy.get_mut(&self.ip) {
            *n = n.saturating_sub(1);
            if *n == 0 {
                busy.remove(&self.ip);
            }
        }
    }
}

fn has_body(req: &ServiceRequest) -> bool {
    let headers = req.headers();
    headers.contains_key("transfer-encoding")
        || headers
            .get("content-length")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.trim() != "0")
}

fn refuse(status: StatusCode, message: &str) -> HttpResponse {
    HttpResponse::build(status)
        .insert_header(("Connection", "close"))
        .content_type("text/plain; charset=utf-8")
        .body(message.to_string())
}

/// The deadline and the per-client lanes for requests that carry a body, around
/// `inner` (the rest of the request's handling); other requests go straight through.
pub async fn upload_limits<F, Fut>(req: ServiceRequest, inner: F) -> Result<ServiceResponse, Error>
where
    F: FnOnce(ServiceRequest) -> Fut,
    Fut: Future<Output = Result<ServiceResponse, Error>>,
{
    if !has_body(&req) {
        return inner(req).await;
    }
    let state = req.app_data::<web::Data<AppState>>().cloned();
    let lanes = req.app_data::<web::Data<UploadLanes>>().cloned();
    let (Some(state), Some(lanes)) = (state, lanes) else {
        return inner(req).await;
    };
    let ip = crate::web::auth::client_ip(req.request(), &state.config.trusted_proxies);
    let Some(lane) = lanes.take(ip) else {
        let resp = refuse(
            StatusCode::TOO_MANY_REQUESTS,
            "Too many uploads from your address at once; wait for one to finish.",
        );
        return Ok(req.into_response(resp));
    };
    // The request is not cloned here: routing needs to own it.
    let path = req.path().to_string();
    let deadline = Duration::from_secs(u64::from(state.config.request_timeout_seconds));
    let out = match tokio::time::timeout(deadline, inner(req)).await {
        Ok(result) => result,
        Err(_) => {
            tracing::info!(client = %ip, path = %path, "request timed out");
            let resp = refuse(
                StatusCode::REQUEST_TIMEOUT,
                "The request took too long to arrive; send it again.",
            );
            Err(InternalError::from_response("request timed out", resp).into())
        }
    };
    drop(lane);
    out
}

/// Connections each worker accepts: the open-file limit (raised to its hard ceiling
/// first) less a reserve for the data file, probes and mail, shared by the workers.
pub fn connections_per_worker(workers: usize) -> usize {
    const RESERVE: u64 = 256;
    let mut lim = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit/setrlimit only read and write the struct passed in.
    let nofile = unsafe {
        if libc::getrlimit(libc::RLIMIT_NOFILE, &mut lim) != 0 {
            return 1024;
        }
        if lim.rlim_cur < lim.rlim_max {
            let raised = libc::rlimit {
                rlim_cur: lim.rlim_max.min(1 << 20),
                rlim_max: lim.rlim_max,
            };
            if libc::setrlimit(libc::RLIMIT_NOFILE, &raised) == 0 {
                lim.rlim_cur = raised.rlim_cur;
            }
        }
        lim.rlim_cur
    };
    let usable = nofile.saturating_sub(RESERVE).max(64);
    (usable / workers.max(1) as u64).max(16) as usize
}

/// Gives freed heap back to the system every few seconds: after a burst of connections
/// glibc would otherwise keep the buffers they used (RSS stays at its peak).
pub async fn trim_heap_forever() {
    let mut tick = tokio::time::interval(Duration::from_secs(10));
    loop {
        tick.tick().await;
        #[cfg(all(target_os = "linux", target_env = "gnu"))]
        // SAFETY: malloc_trim only returns free pages to the kernel.
        unsafe {
            libc::malloc_trim(0);
        }
    }
}
