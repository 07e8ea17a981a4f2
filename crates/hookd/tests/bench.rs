//! `hookd bench --quick`: every scenario of the benchmark runs, on SQLite and on PostgreSQL,
//! and finds no lost, duplicated, misrouted or wrongly signed delivery. It checks that the tool
//! keeps working; the figures it measures belong to full runs, not to tests.

mod common;

use serde_json::Value;
use std::collections::BTreeSet;
use std::process::Command;

/// The scenarios that deliver: each checks for lost, duplicated, misrouted and wrongly signed
/// deliveries.
#[rustfmt::skip]
const DELIVERING: [&str; 11] = [
    "inbox", "steady", "failures", "latency", "fan-out", "timeouts", "trouble", "backlog",
    "floor: relay", "floor: stored relay", "floor: hookd's rows",
];

/// The scenarios that only measure.
#[rustfmt::skip]
const MEASURING: [&str; 6] = [
    "raw", "ingest", "batch", "retries", "floor: stored publish", "floor: publish, hookd's rows",
];

/// The bare inbox stores on SQLite only.
const INBOX_FLOOR: &str = "floor: stored inbox request";

/// Runs the quick benchmark with `extra` arguments and returns its JSON report.
fn quick_bench(extra: &[&str]) -> Value {
    let output = Command::new(env!("CARGO_BIN_EXE_hookd"))
        .args(["bench", "--quick", "--json"])
        .args(extra)
        .output()
        .expect("hookd bench runs");
    let progress = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "hookd bench failed:\n{progress}");
    serde_json::from_slice(&output.stdout).expect("--json prints the report")
}

/// Every scenario ran, each of `extra` too, and every check found nothing wrong.
fn assert_every_scenario_ran_clean(report: &Value, extra: &[&str]) {
    let figures = report["figures"].as_array().expect("figures");
    let ran: BTreeSet<&str> = figures
        .iter()
        .filter_map(|f| f["scenario"].as_str())
        .collect();
    let expected: BTreeSet<&str> = DELIVERING
        .into_iter()
        .chain(MEASURING)
        .chain(extra.iter().copied())
        .collect();
    assert_eq!(ran, expected);
    for figure in figures {
        if figure["unit"] == "" {
            assert_eq!(figure["value"], 0.0, "{figure}");
        }
    }
    let checks = |scenario: &str| {
        figures
            .iter()
            .filter(|f| f["scenario"] == scenario && f["name"] == "lost deliveries")
            .count()
    };
    for scenario in DELIVERING {
        assert_eq!(checks(scenario), 1, "{scenario} checks for lost deliveries");
    }
    // The receiver really did fail some attempts, so exactly-once held across retries.
    let refused = figures
        .iter()
        .find(|f| f["scenario"] == "failures" && f["unit"] == "attempts")
        .expect("the failures scenario counts refused attempts");
    assert!(refused["value"].as_f64() > Some(0.0), "{refused}");
    // The inbox accepted signed requests, so its exactly-once check had something to check.
    let inbound = figures
        .iter()
        .find(|f| f["scenario"] == "inbox" && f["unit"] == "/s")
        .expect("the inbox scenario counts accepted requests");
    assert!(inbound["value"].as_f64() > Some(0.0), "{inbound}");
    // The bare server stored events in either set of rows, so the floors of a single publish
    // measure something.
    for floor in ["floor: stored publish", "floor: publish, hookd's rows"] {
        let stored = figures
            .iter()
            .find(|f| f["scenario"] == floor && f["unit"] == "/s")
            .expect("the stored publish floors count stored events");
        assert!(stored["value"].as_f64() > Some(0.0), "{floor}: {stored}");
    }
    // Likewise the bare inbox, where it ran: it verified and stored signed requests.
    if extra.contains(&INBOX_FLOOR) {
        let received = figures
            .iter()
            .find(|f| f["scenario"] == INBOX_FLOOR && f["unit"] == "/s")
            .expect("the inbox floor counts stored requests");
        assert!(received["value"].as_f64() > Some(0.0), "{received}");
    }
}

#[test]
fn the_quick_benchmark_delivers_everything_exactly_once_on_sqlite() {
    let report = quick_bench(&[]);
    assert_eq!(report["backend"], "SQLite");
    assert_every_scenario_ran_clean(&report, &[INBOX_FLOOR]);
}

#[test]
fn the_quick_benchmark_delivers_everything_exactly_once_on_postgres() {
    if !common::postgres::available() {
        assert!(
            !common::postgres::required(),
            "HOOKD_TEST_REQUIRE_POSTGRES=1 but no server answers"
        );
        println!("PostgreSQL benchmark: SKIPPED, no server answers");
        return;
    }
    let url = common::postgres::server_url();
    let report = quick_bench(&["--postgres", &url]);
    assert_eq!(report["backend"], "PostgreSQL");
    assert_every_scenario_ran_clean(&report, &[]);
}
