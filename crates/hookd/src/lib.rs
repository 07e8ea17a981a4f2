//! hookd: webhook delivery as a library with a thin binary.
//!
//! Layers, and the direction of their dependencies (see ARCHITECTURE.md):
//! `api` → `ops` → `publish`, `dispatch`, `directory`, `inbox` → `store` (trait) → `model`.
//! `model` knows nothing of HTTP frameworks or databases; nothing outside `store` names a
//! backend module except start-up (`app`).

pub mod api;
pub mod app;
pub mod cli;
pub mod config;
pub mod directory;
pub mod dispatch;
pub mod forward;
pub mod inbox;
pub mod listen;
pub mod listener;
pub mod model;
pub mod ops;
pub mod publish;
pub mod reference_page;
pub mod retention;
pub mod signing;
pub mod store;
pub mod telemetry;
