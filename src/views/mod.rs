//! Pure functions from data to HTML (maud). No I/O here.

pub mod admin;
pub mod badge;
pub mod customer;
pub mod incident;
pub mod layout;
pub mod markdown;
pub mod public;
pub mod subscribe;
