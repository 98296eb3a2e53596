//! The HTTP server: the only code that names actix.

pub mod access;
pub mod admin;
pub mod api;
pub mod assets;
pub mod audit;
pub mod auth;
pub mod cache;
pub mod compat;
pub mod connections;
pub mod customer;
pub mod customer_sso;
pub mod embeds;
pub mod error;
pub mod export;
pub mod feeds;
pub mod headers;
pub mod host;
pub mod hot;
pub mod metrics;
pub mod public;
pub mod routes;
pub mod sso_flow;
pub mod subscribe;
pub mod subscribe_hook;

use crate::error::AppError;
use crate::state::AppState;
use actix_web::dev::ServiceResponse;
use actix_web::middleware::{ErrorHandlerResponse, ErrorHandlers};
use actix_web::{App, HttpRequest, HttpResponse, HttpServer, error::JsonPayloadError, web};
use error::ErrorMessage;

/// A CSV file download that no cache keeps.
pub(crate) fn csv_download(filename: &str, body: String) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((
            "Content-Disposition",
            format!("attachment; filename=\"{filename}\""),
        ))
        .insert_header(("Cache-Control", crate::web::cache::PRIVATE))
        .body(body)
}

/// Maps JSON body problems (syntax, type, size, content type) to clear 4xx errors.
fn json_error(err: JsonPayloadError, _req: &HttpRequest) -> actix_web::Error {
    let e = match &err {
        JsonPayloadError::OverflowKnownLength { limit, .. }
        | JsonPayloadError::Overflow { limit } => AppError::PayloadTooLarge(*limit),
        JsonPayloadError::ContentType => AppError::UnsupportedMediaType(
            "send the body as JSON with Content-Type: application/json".into(),
        ),
        JsonPayloadError::Deserialize(de) => {
            let msg = de.to_string();
            // serde names unknown and missing fields in backticks.
            let field = msg
                .split('`')
                .nth(1)
                .filter(|_| msg.contains("field"))
                .unwrap_or("body")
                .to_string();
            AppError::Invalid {
                field,
                message: format!("malformed JSON: {msg}"),
            }
        }
        other => AppError::invalid("body", format!("could not read the body: {other}")),
    };
    e.into()
}

/// Browsers get errors outside `/api` as a readable page rather than JSON.
/// Whether a path belongs to a JSON API (`/api/...` or a page's `/p/{slug}/api/...`),
/// whose errors stay JSON.
fn is_api_path(path: &str) -> bool {
    path.starts_with("/api/")
        || (path.starts_with("/p/")
            && path
                .splitn(4, '/')
                .nth(3)
                .is_some_and(|rest| rest.starts_with("api/")))
}

fn html_errors<B>(res: ServiceResponse<B>) -> actix_web::Result<ErrorHandlerResponse<B>> {
    let message = res.response().extensions().get::<ErrorMessage>().cloned();
    let (Some(ErrorMessage(message)), false) = (message, is_api_path(res.request().path())) else {
        return Ok(ErrorHandlerResponse::Response(res.map_into_left_body()));
    };
    let status = res.status();
    let title = status.canonical_reason().unwrap_or("Error");
    let page = crate::views::public::message(title, &message).into_string();
    let (req, _) = res.into_parts();
    let resp = HttpResponse::build(status)
        .content_type("text/html; charset=utf-8")
        .body(page);
    Ok(ErrorHandlerResponse::Response(
        ServiceResponse::new(req, resp).map_into_right_body(),
    ))
}

async fn not_found(req: HttpRequest) -> HttpResponse {
    if is_api_path(req.path()) {
        return actix_web::ResponseError::error_response(&AppError::NotFound(format!(
            "route {} {}",
            req.method(),
            req.path()
        )));
    }
    HttpResponse::NotFound()
        .content_type("text/html; charset=utf-8")
        .body(
            crate::views::public::message("Not found", "There is nothing at this address.")
                .into_string(),
        )
}

/// Builds and runs the server until SIGINT/SIGTERM, then drains requests.
/// `on_bound` runs once the port is bound (the "listening" line is printed there, so a
/// reader of stdout knows the server accepts connections).
pub async fn serve(state: AppState, on_bound: impl FnOnce()) -> std::io::Result<()> {
    let state = web::Data::new(state);
    let cfg = state.config.clone();
    let limit = cfg.max_body_bytes;
    let lanes = web::Data::new(connections::UploadLanes::default());
    let requests = web::Data::new(metrics::RequestMetrics::default());
    let workers = if cfg.workers > 0 {
        cfg.workers
    } else {
        std::thread::available_parallelism().map_or(1, usize::from)
    };
    let mut server = HttpServer::new(move || {
        App::new()
            .app_data(state.clone())
            .app_data(lanes.clone())
            .app_data(requests.clone())
            // This closure runs once per worker: each gets its own request counters.
            .app_data(requests.worker())
            .app_data(
                web::JsonConfig::default()
                    .limit(limit)
                    .error_handler(json_error),
            )
            .app_data(web::QueryConfig::default().error_handler(|err, _req| {
                AppError::invalid("query", format!("bad query string: {err}")).into()
            }))
            .app_data(web::PayloadConfig::default().limit(limit))
            .wrap(ErrorHandlers::new().default_handler(html_errors))
            // Outermost, so error pages and refusals carry the headers and are counted.
            // It also runs the upload limits and the audit (see headers::frame).
            .wrap(actix_web::middleware::from_fn(headers::frame))
            .configure(routes::configure)
            .default_service(web::to(not_found))
    })
    .shutdown_timeout(10)
    // A request head must arrive within 5 s; an idle connection closes after 5 s.
    .client_request_timeout(std::time::Duration::from_secs(5))
    .client_disconnect_timeout(std::time::Duration::from_secs(1))
    .keep_alive(std::time::Duration::from_secs(5))
    // Stop accepting before the process runs out of file descriptors.
    .max_connections(connections::connections_per_worker(workers));
    if cfg.workers > 0 {
        server = server.workers(cfg.workers);
    }
    let server = server.bind(&cfg.listen)?;
    let trim = tokio::spawn(connections::trim_heap_forever());
    on_bound();
    let served = server.run().await;
    trim.abort();
    served
}

#[cfg(test)]
mod tests {
    use super::is_api_path;

    #[test]
    fn api_paths_keep_json_errors() {
        for (path, api) in [
            ("/api/v1/components", true),
            ("/api/v2/summary.json", true),
            ("/p/acme/api/v2/summary.json", true),
            ("/p/acme", false),
            ("/p/api/history", false),
            ("/admin/api", false),
            ("/", false),
        ] {
            assert_eq!(is_api_path(path), api, "{path}");
        }
    }
}
