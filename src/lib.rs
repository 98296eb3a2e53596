//! statusd: a self-hosted status page appliance in one binary.

pub mod assets;
pub mod auth;
pub mod cli;
pub mod config;
pub mod domain;
pub mod error;
pub mod state;
pub mod store;
pub mod views;
pub mod web;
