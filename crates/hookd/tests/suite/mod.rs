//! The HTTP integration suite: a real hookd and real receivers, driven through the API. It is
//! compiled twice, by `tests/sqlite.rs` and `tests/postgres.rs`, and `common::backend()` tells
//! each copy which database its servers use.

mod audit;
mod bad_input;
mod bad_input_events;
mod bad_input_text;
mod bad_input_webhook_routes;
mod circuit_breaker;
mod contract;
mod dead_letters;
mod delivery;
mod engine;
mod hostile_clients;
mod inboxes_at_rest;
mod inboxes_bad_input;
mod inboxes_crud;
mod inboxes_dedupe;
mod inboxes_delivery;
mod inboxes_floods;
mod inboxes_front_door;
mod inboxes_metrics;
mod inboxes_original;
mod inboxes_own;
mod inboxes_replay;
mod inboxes_sources;
mod inboxes_stream;
mod inboxes_tenants;
mod inboxes_verification;
mod lists_and_stats;
mod operations;
mod ordering;
mod outbound_limits;
mod retention;
mod retries;
mod secrets;
mod signatures;
mod ssrf;
mod tenants;
mod trace_context;
mod web_ui;
mod webhook_lifecycle;
