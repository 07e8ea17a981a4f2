//! Not a test but a notice in the test output (this target has no harness): whether the
//! PostgreSQL tests (`postgres.rs`, `store.rs`, `cluster.rs`) ran against a server, or were
//! skipped because none answered. With `HOOKD_TEST_REQUIRE_POSTGRES=1` (as in CI), a missing
//! server fails this target instead.

mod common;

fn main() {
    let url = common::postgres::server_url();
    if common::postgres::available() {
        println!("\nPostgreSQL tests: running against {url}\n");
    } else {
        println!(
            "\nPostgreSQL tests: SKIPPED, no server answers at {url}.\n\
             Set HOOKD_TEST_POSTGRES_URL=postgres://USER@HOST:PORT/DATABASE to run them.\n"
        );
    }
}
