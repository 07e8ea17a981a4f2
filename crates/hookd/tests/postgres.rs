//! The HTTP integration suite (`suite/`) on PostgreSQL: each test server gets a database of its
//! own on the server at `HOOKD_TEST_POSTGRES_URL` (default: the local one), dropped afterwards.
//! Without a server the tests skip, and `postgres_server.rs` says so in the test output.

mod common;
mod suite;
