//! Pure functions from data to HTML (maud). No I/O here.

pub mod admin;
pub mod admin_incidents;
pub mod incident;
pub mod layout;
pub mod markdown;
pub mod public;
