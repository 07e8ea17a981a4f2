//! The HTTP integration suite: a real hookd and real receivers, driven through the API. It is
//! compiled twice, by `tests/sqlite.rs` and `tests/postgres.rs`, and `common::backend()` tells
//! each copy which database its servers use.

mod bad_input;
mod bad_input_events;
mod contract;
mod delivery;
mod engine;
mod lists_and_stats;
mod operations;
mod retries;
mod ssrf;
mod tenants;
mod web_ui;
