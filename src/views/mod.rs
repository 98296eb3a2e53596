//! Pure functions from data to HTML (maud). No I/O here.

pub mod admin;
pub mod admin_incidents;
pub mod admin_monitors;
pub mod admin_subscribers;
pub mod incident;
pub mod layout;
pub mod markdown;
pub mod public;
pub mod subscribe;
