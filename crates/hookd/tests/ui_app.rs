//! The web UI's own tests, run from `cargo test` so one command checks everything: the UI's
//! copy of the OpenAPI document is the server's, its component tests (Vitest) pass, and its
//! end-to-end tests pass in Debian's Chromium against this build of hookd.
//!
//! Without Chromium the browser test says it was skipped, unless HOOKD_TEST_REQUIRE_BROWSER=1
//! (as in `.ci/run`) makes that a failure.

use std::path::{Path, PathBuf};
use std::process::Command;

fn ui_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../ui")
}

/// Runs a command in `ui/` and fails with its output unless it succeeds.
fn run_in_ui(program: &str, args: &[&str], envs: &[(&str, &str)]) {
    let output = Command::new(program)
        .args(args)
        .envs(envs.iter().copied())
        .current_dir(ui_dir())
        .output()
        .unwrap_or_else(|e| {
            panic!("cannot run {program}: {e} (the UI tests need Node.js and npm)")
        });
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    println!("{text}");
    assert!(
        output.status.success(),
        "`{program} {}` failed:\n{text}",
        args.join(" ")
    );
}

/// The build installs the UI's packages; a build from `HOOKD_UI_DIST` may not have.
fn ensure_packages() {
    if !ui_dir().join("node_modules/.package-lock.json").exists() {
        run_in_ui("npm", &["ci", "--no-audit", "--no-fund"], &[]);
    }
}

/// The UI's client is generated from `ui/openapi.json`; it must be the document this server
/// serves. After changing the API: `hookd openapi > ui/openapi.json && npm --prefix ui run gen:api`.
#[test]
fn the_ui_client_is_generated_from_the_servers_openapi_document() {
    let copy = std::fs::read_to_string(ui_dir().join("openapi.json")).expect("ui/openapi.json");
    assert!(
        copy.trim_end() == hookd::api::openapi_json(),
        "ui/openapi.json differs from the server's document: run \
         `cargo run -- openapi > ui/openapi.json && npm --prefix ui run gen:api`"
    );
}

/// Vitest: the forms and tables, and that `src/api/schema.d.ts` is generated from
/// `ui/openapi.json` as it is now.
#[test]
fn the_ui_component_tests_pass() {
    ensure_packages();
    run_in_ui("npx", &["vitest", "run"], &[]);
}

/// playwright-core drives Chromium through every page against a real hookd and receiver.
#[test]
fn the_ui_works_end_to_end_in_chromium() {
    let chromium = std::env::var("HOOKD_TEST_CHROMIUM").unwrap_or("/usr/bin/chromium".into());
    if !Path::new(&chromium).exists() {
        assert!(
            std::env::var("HOOKD_TEST_REQUIRE_BROWSER").as_deref() != Ok("1"),
            "HOOKD_TEST_REQUIRE_BROWSER=1 but there is no browser at {chromium}"
        );
        println!("browser tests: SKIPPED, no Chromium at {chromium} (apt-get install chromium)");
        return;
    }
    ensure_packages();
    run_in_ui(
        "node",
        &["e2e/run.mjs"],
        &[("HOOKD_BIN", env!("CARGO_BIN_EXE_hookd"))],
    );
}
