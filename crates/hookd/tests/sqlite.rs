//! The HTTP integration suite (`suite/`) on SQLite: each test server gets a database file of
//! its own in a temporary directory.

mod common;
mod suite;
