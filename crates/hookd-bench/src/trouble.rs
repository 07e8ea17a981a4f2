//! The `trouble` scenario: a healthy webhook beside one whose receiver fails everything (held
//! by its circuit breaker) and one answering 429, and what the breaker allows the failing one.

use super::Bench;
use super::harness::*;
use super::load::open_loop;
use super::receiver::{Arrival, Receiver};
use super::report::{Figure, Goal, Report};
use hyper::{Method, StatusCode};
use serde_json::{Value, json};
use std::time::Instant;

/// Trouble: a healthy webhook published to as in `steady`, while, at the same time, one whose
/// receiver fails everything and one that answers 429 with `Retry-After: 1` get events of
/// their own at a steady 200 a second. The healthy one's rate is compared with steady
/// delivery's: the trouble next to it must not slow it. The failing one must get no more
/// requests than its circuit breaker allows (`BREAKER_FAILURES` attempts, or the first round of
/// `max_in_flight` already running, then one probe per cooldown, doubling), and its circuit must
/// be open at the end; the busy one no more than one
/// round of requests per second it asked to wait.
pub async fn trouble(
    bench: &Bench,
    report: &mut Report,
    raw: f64,
    steady: f64,
) -> anyhow::Result<()> {
    let (target, receiver) = (bench.target(&[]).await?, Receiver::start().await?);
    let in_flight = json!({"max_in_flight": bench.scale.concurrency});
    webhook(
        &target,
        &receiver,
        "/healthy",
        &["trouble.healthy"],
        in_flight,
    )
    .await?;
    let failing = json!({"breaker": {
        "failures": BREAKER_FAILURES,
        "cooldown": format!("{}s", BREAKER_COOLDOWN_SECS),
        "max_cooldown": "1h",
    }});
    let failing_id = webhook(
        &target,
        &receiver,
        "/failing/all",
        &["trouble.other"],
        failing,
    )
    .await?;
    let busy = json!({"retry_schedule": ["1s", "1s", "1s"]});
    webhook(&target, &receiver, "/busy/all", &["trouble.other"], busy).await?;
    let start = Instant::now();
    let url = target.url("/api/events");
    let (ids, _) = tokio::join!(
        publish_windowed(bench, &target, &receiver, "/healthy", "trouble.healthy"),
        open_loop(
            &target.http,
            &url,
            200,
            bench.scale.duration,
            event_body("trouble.other"),
            |_, _| {},
        ),
    );
    let arrivals = collect(&receiver, ids.len(), |a| &*a.path == "/healthy").await;
    let elapsed = start.elapsed().as_secs_f64();
    let count = |path: &str| arrivals.iter().filter(|a| &*a.path == path).count();
    let (to_failing, to_busy) = (count("/failing/all"), count("/busy/all"));
    let healthy: Vec<Arrival> = arrivals
        .into_iter()
        .filter(|a| &*a.path == "/healthy")
        .collect();
    report.add(Figure::rate(
        "trouble",
        "delivered to a healthy webhook while one fails and one answers 429",
        rate_since(start, &healthy, healthy.len()),
        Goal::AtLeast(steady * 0.9),
        raw,
    ));
    let allowed_failing = breaker_allows(
        BREAKER_FAILURES,
        DEFAULT_MAX_IN_FLIGHT,
        BREAKER_COOLDOWN_SECS,
        elapsed,
    );
    report.add(Figure::new(
        "trouble",
        format!(
            "requests to the webhook failing everything, in {elapsed:.1} s (breaker: {BREAKER_FAILURES} failures, probes after {BREAKER_COOLDOWN_SECS} s doubling)"
        ),
        to_failing as f64,
        "requests",
        Goal::AtMost(allowed_failing as f64),
    ));
    let failing_now = target
        .call(
            Method::GET,
            &format!("/api/webhooks/{failing_id}"),
            Value::Null,
            StatusCode::OK,
        )
        .await?;
    let circuit = failing_now["circuit"]["state"]
        .as_str()
        .unwrap_or("missing");
    report.add(Figure::must_be_zero(
        "trouble",
        format!("failing webhooks whose circuit is not open at the end (it is {circuit})"),
        u64::from(circuit == "closed" || circuit == "missing"),
    ));
    // The busy webhook may get one round of `max_in_flight` (10) per second it was asked to
    // wait, and the round already running when the first 429 came.
    let allowed = ((elapsed.ceil() + 1.0) * 10.0).round();
    report.add(Figure::new(
        "trouble",
        format!("requests to the webhook answering 429 with Retry-After: 1, in {elapsed:.1} s"),
        to_busy as f64,
        "requests",
        Goal::AtMost(allowed),
    ));
    check(report, "trouble", &once_each("/healthy", ids), &healthy);
    bench.finish(target).await
}

/// The failing webhook's breaker in the trouble scenario: it opens after this many failed
/// attempts in a row, and probes after this many seconds, then twice as long each time.
const BREAKER_FAILURES: u32 = 5;
const BREAKER_COOLDOWN_SECS: u64 = 1;
/// The failing webhook's `max_in_flight`: the server's default.
const DEFAULT_MAX_IN_FLIGHT: u32 = 10;

/// Requests a breaker lets through to a receiver that fails everything, in `elapsed` seconds:
/// the attempts that open it (`failures`, or the first `max_in_flight` sent at once before any
/// answer came, whichever is more: attempts already running when it opens finish), then one
/// probe at each cooldown (1, 2, 4, ... seconds after the last). The circuit opens some time
/// after the start, so this is an upper bound.
fn breaker_allows(failures: u32, max_in_flight: u32, cooldown_secs: u64, elapsed: f64) -> u64 {
    let (mut probes, mut at, mut wait) = (0, 0.0, cooldown_secs as f64);
    while at + wait <= elapsed {
        at += wait;
        wait *= 2.0;
        probes += 1;
    }
    u64::from(failures.max(max_in_flight)) + probes
}

#[cfg(test)]
mod tests {
    use super::breaker_allows;

    #[test]
    fn a_breaker_allows_its_failures_then_one_probe_per_doubling_cooldown() {
        assert_eq!(breaker_allows(5, 1, 1, 0.5), 5);
        // Probes at 1, 3 and 7 seconds; the next would be at 15.
        assert_eq!(breaker_allows(5, 1, 1, 10.0), 8);
        assert_eq!(breaker_allows(5, 1, 1, 15.0), 9);
        assert_eq!(breaker_allows(3, 1, 30, 10.0), 3);
        // Ten sent at once before the first answer all count.
        assert_eq!(breaker_allows(5, 10, 1, 10.0), 13);
    }
}
