//! Background loops. Each is a struct with `async fn run(self, shutdown)` that finishes
//! its unit of work before exiting.

pub mod alert_drafts;
pub mod maintenance;
pub mod outbox;
pub mod prober;
pub mod retention;

/// Resolves when the server is shutting down.
pub type Shutdown = tokio::sync::watch::Receiver<bool>;
