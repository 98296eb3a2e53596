//! statusd: a self-hosted status page appliance in one binary.

// The OpenAPI document is one large `json!` literal.
#![recursion_limit = "512"]

pub mod assets;
pub mod auth;
pub mod cli;
pub mod client;
pub mod config;
pub mod domain;
pub mod error;
pub mod notify;
pub mod probe;
pub mod state;
pub mod store;
pub mod views;
pub mod web;
pub mod worker;
