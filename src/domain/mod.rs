//! Pure types and rules: no I/O, no async, no redb, no actix.

pub mod access;
pub mod alert;
pub mod alert_lifecycle;
pub mod alert_writer;
pub mod as_code;
pub mod as_code_file;
pub mod attention;
pub mod audit;
pub mod branding;
pub mod csv_io;
pub mod histogram;
pub mod inbound;
pub mod incident;
pub mod incident_update;
pub mod model;
pub mod monitor;
pub mod monitor_form;
pub mod monitor_secrets;
pub mod netaddr;
pub mod sla;
pub mod sso;
pub mod status;
pub mod statuspage;
pub mod subscriber;
pub mod team;
pub mod timeline;
pub mod validate;
pub mod visibility;

pub use incident::*;
pub use model::*;
pub use monitor::*;
pub use sla::*;
pub use status::*;
pub use subscriber::*;
