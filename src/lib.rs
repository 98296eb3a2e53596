//! statusd: a self-hosted status page appliance in one binary.

pub mod alerts;
pub mod assets;
pub mod cli;
pub mod client;
pub mod config;
pub mod domain;
pub mod error;
pub mod export_site;
pub mod limits;
pub mod notify;
pub mod probe;
pub mod secret;
pub mod snapshot;
pub mod sso;
pub mod state;
pub mod store;
pub mod views;
pub mod web;
pub mod worker;

use config::{Config, LogFormat};
use error::{AppError, AppResult};
use state::AppState;
use std::io::Write;
use store::Store;

fn init_logging(config: &Config) {
    let filter =
        tracing_subscriber::EnvFilter::try_new(&config.log_level).unwrap_or_else(|_| "info".into());
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        // Colours only on a terminal: journald and log files get plain text.
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_writer(std::io::stderr);
    let _ = match config.log_format {
        LogFormat::Json => builder.json().try_init(),
        LogFormat::Text => builder.try_init(),
    };
}

/// `statusd serve`: opens the store, starts the workers and serves HTTP until a stop signal.
pub fn run(config: Config) -> AppResult<()> {
    init_logging(&config);
    let notify_settings = std::sync::Arc::new(notify::Settings::from_config(&config)?);
    let store = Store::open(&config.data)?;
    store.set_public_mail_domains(config.public_mail_domains.clone());
    let (prober_handle, prober_inbox) = worker::prober::handle();
    let state = AppState::new(store.clone(), config.clone(), prober_handle.clone());
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        // Probes block a thread each; store work keeps 64 threads of its own.
        .max_blocking_threads(config.probe_concurrency + 64)
        // Bursts of probes leave idle threads behind; let them go soon.
        .thread_keep_alive(std::time::Duration::from_secs(2))
        .build()
        .map_err(|e| AppError::Internal(format!("starting the runtime: {e}")))?;
    let users = store.user_count()?;
    let setup_token = (users == 0).then(secret::random_token);
    if let Some(token) = &setup_token {
        *state
            .setup_token_hash
            .lock()
            .unwrap_or_else(|e| e.into_inner()) = Some(secret::sha256_hex(token));
    }
    let (listen, data, base) = (
        config.listen.clone(),
        config.data.display().to_string(),
        config.public_url.clone(),
    );
    let announce = move || {
        let mut out = std::io::stdout().lock();
        let _ = writeln!(
            out,
            "statusd listening on http://{listen}/ (data file {data})"
        );
        if let Some(token) = setup_token {
            let _ = writeln!(
                out,
                "Setup: open {base}/admin/setup?token={token} to create the owner account"
            );
        }
        let _ = out.flush();
    };
    let (stop, shutdown) = tokio::sync::watch::channel(false);
    let outbox = rt.spawn(
        worker::outbox::OutboxWorker {
            store: store.clone(),
            settings: notify_settings,
            every: std::time::Duration::from_secs(1),
        }
        .run(shutdown.clone()),
    );
    let maintenance = worker::maintenance::MaintenanceWorker {
        store: store.clone(),
        every: std::time::Duration::from_secs(5),
    };
    let prober = worker::prober::Prober {
        store: store.clone(),
        handle: prober_handle,
        inbox: prober_inbox,
        concurrency: config.probe_concurrency,
    };
    let retention = worker::retention::RetentionWorker {
        store: store.clone(),
        raw_retention_days: config.raw_retention_days,
        audit_retention_days: config.audit_retention_days,
    };
    let export = config.export_dir.clone().map(|dir| {
        rt.spawn(export_site::export_on_change(
            store.clone(),
            export_site::self_url(&config.listen),
            config.public_url.clone(),
            dir,
            shutdown.clone(),
        ))
    });
    let alert_drafts = worker::alert_drafts::AlertDraftWorker {
        store: store.clone(),
        every: std::time::Duration::from_secs(15),
    };
    rt.block_on(async move {
        let maintenance = tokio::spawn(maintenance.run(shutdown.clone()));
        let alert_drafts = tokio::spawn(alert_drafts.run(shutdown.clone()));
        let retention = tokio::spawn(retention.run(shutdown.clone()));
        let prober = tokio::spawn(prober.run(shutdown));
        let served = web::serve(state, announce).await;
        let _ = stop.send(true);
        let _ = maintenance.await;
        let _ = retention.await;
        let _ = alert_drafts.await;
        let _ = prober.await;
        served
    })
    .map_err(|e| AppError::Internal(format!("server on {}: {e}", config.listen)))?;
    // The outbox finishes the round it is in (its outcomes are recorded) before exit.
    let _ = rt.block_on(outbox);
    if let Some(export) = export {
        let _ = rt.block_on(export);
    }
    tracing::info!("statusd stopped");
    Ok(())
}
