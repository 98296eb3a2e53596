//! `export-site --data FILE` and `export_dir`: the static export needs the pages
//! rendered, so it serves them on a loopback port (no workers, no signals) and crawls.

use super::{not_found, routes};
use crate::config::Config;
use crate::error::{AppError, AppResult};
use crate::export_site::{self, Exported, Site};
use crate::state::AppState;
use crate::store::Store;
use actix_web::{App, HttpServer, web};
use std::path::Path;

/// Exports the public pages of a stopped server's data file to `dir`.
pub fn export_data_file(config: &Config, dir: &Path, public_url: &str) -> AppResult<Exported> {
    let store = Store::open(&config.data)?;
    let bases = export_site::public_bases(&store)?;
    let (prober, _inbox) = crate::worker::prober::handle();
    let state = web::Data::new(AppState::new(store, config.clone(), prober));
    let dir = dir.to_path_buf();
    let public_url = public_url.to_string();
    actix_web::rt::System::new().block_on(async move {
        let server = HttpServer::new(move || {
            App::new()
                .app_data(state.clone())
                .configure(routes::configure)
                .default_service(web::to(not_found))
        })
        .workers(1)
        .disable_signals()
        .bind(("127.0.0.1", 0))
        .map_err(|e| AppError::Internal(format!("binding a loopback port: {e}")))?;
        let addr = server
            .addrs()
            .first()
            .copied()
            .ok_or_else(|| AppError::Internal("no loopback address".into()))?;
        let server = server.run();
        let handle = server.handle();
        let running = actix_web::rt::spawn(server);
        let crawled = actix_web::rt::task::spawn_blocking(move || {
            export_site::export(
                &Site::new(&format!("http://{addr}")),
                &bases,
                &dir,
                &public_url,
            )
        })
        .await
        .map_err(|e| AppError::Internal(format!("export crashed: {e}")));
        handle.stop(true).await;
        let _ = running.await;
        crawled?
    })
}
