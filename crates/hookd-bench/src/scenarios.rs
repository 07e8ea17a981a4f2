//! The scenarios of docs/performance.md's targets. Each gets a fresh receiver and (unless the
//! benchmark targets a running hookd) a fresh hookd, so figures don't leak into each other.

use super::Bench;
use super::harness::*;
use super::load::{Http, closed_loop, open_loop};
use super::receiver::{Arrival, Receiver};
use super::report::{Figure, Goal, Report};
use bytes::Bytes;
use hyper::{Method, StatusCode};
use serde_json::{Value, json};
use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

/// The machine's limit: small JSON POSTs straight to the receiver.
pub async fn raw(bench: &Bench, report: &mut Report) -> anyhow::Result<f64> {
    let receiver = Receiver::start().await?;
    let http = Http::new(None);
    let url = format!("{}/raw", receiver.base);
    let cpu = CpuClock::start_here();
    let run = closed_loop(
        &http,
        &url,
        bench.scale.concurrency,
        bench.scale.duration,
        None,
        event_body("raw"),
        |_, _| {},
    )
    .await;
    let rate = run.per_second();
    report.add(Figure::rate(
        "raw",
        "POSTs straight to the receiver",
        rate,
        Goal::None,
        rate,
    ));
    cpu.report(report, "raw", "request", run.ok as usize);
    Ok(rate)
}

/// Publishes single events as fast as 64 callers can; returns events accepted per second.
pub async fn ingest_single(bench: &Bench, report: &mut Report, raw: f64) -> anyhow::Result<f64> {
    let target = bench.target(&[]).await?;
    let cpu = CpuClock::start(bench, &target);
    let run = closed_loop(
        &target.http,
        &target.url("/api/events"),
        64,
        bench.scale.duration,
        None,
        event_body("ingest.single"),
        |_, _| {},
    )
    .await;
    report.add(Figure::rate(
        "ingest",
        "POST /api/events, 64 concurrent",
        run.per_second(),
        Goal::AtLeast(20_000.0),
        raw,
    ));
    report.add(Figure::must_be_zero(
        "ingest",
        "refused publishes",
        run.failed,
    ));
    cpu.report(report, "ingest", "event", run.ok as usize);
    bench.finish(target).await?;
    Ok(run.per_second())
}

pub async fn ingest_batch(bench: &Bench, report: &mut Report, raw: f64) -> anyhow::Result<()> {
    let target = bench.target(&[]).await?;
    let batch = |n: u64| {
        let events: Vec<String> = (0..100)
            .map(|i| {
                format!(
                    r#"{{"type":"ingest.batch","data":{{"n":{}}}}}"#,
                    n * 100 + i
                )
            })
            .collect();
        Bytes::from(format!(r#"{{"events":[{}]}}"#, events.join(",")))
    };
    let cpu = CpuClock::start(bench, &target);
    let run = closed_loop(
        &target.http,
        &target.url("/api/events/batch"),
        8,
        bench.scale.duration,
        None,
        batch,
        |_, _| {},
    )
    .await;
    let rate = run.per_second() * 100.0;
    report.add(Figure::rate(
        "batch",
        "POST /api/events/batch (100 each), 8 concurrent",
        rate,
        Goal::AtLeast(100_000.0),
        raw,
    ));
    cpu.report(report, "batch", "event", run.ok as usize * 100);
    bench.finish(target).await
}

/// Publishes as fast as 64 callers can to one webhook; returns deliveries per second.
pub async fn steady(bench: &Bench, report: &mut Report, raw: f64) -> anyhow::Result<f64> {
    let (target, receiver) = (bench.target(&[]).await?, Receiver::start().await?);
    // As many requests in flight to the receiver as the raw run had.
    let in_flight = json!({"max_in_flight": bench.scale.concurrency});
    webhook(&target, &receiver, "/steady", &["steady.*"], in_flight).await?;
    let cpu = CpuClock::start(bench, &target);
    let start = Instant::now();
    let ids = publish_windowed(bench, &target, &receiver, "/steady", "steady.tick").await;
    let arrivals = collect(&receiver, ids.len(), |_| true).await;
    let rate = rate_since(start, &arrivals, arrivals.len());
    cpu.report(report, "steady", "delivery", arrivals.len());
    let share = if bench.postgres() { 0.4 } else { 0.5 };
    report.add(Figure::rate(
        "steady",
        "delivered, one webhook per event",
        rate,
        Goal::ShareOfRaw(share),
        raw,
    ));
    let expected = once_each("/steady", ids);
    check(report, "steady", &expected, &arrivals);
    bench.finish(target).await?;
    Ok(rate)
}

/// A receiver that fails a share of requests: every event must still be accepted exactly once,
/// after as many retries as it takes.
pub async fn unreliable(bench: &Bench, report: &mut Report, raw: f64) -> anyhow::Result<()> {
    let (target, receiver) = (
        bench.target(&[("HOOKD_SCAN_INTERVAL", "100ms")]).await?,
        Receiver::start().await?,
    );
    let share = bench.scale.failure_share;
    receiver.set_failure_share(share);
    // Retries under random failures, not the circuit breaker (`trouble` measures that): five
    // failures in a row now and then would open it and hold the rest of the run.
    let settings = json!({
        "max_in_flight": bench.scale.concurrency,
        "retry_schedule": ["1s", "1s", "1s", "1s", "1s", "1s", "1s", "1s"],
        "breaker": {"enabled": false},
    });
    let path = "/unreliable/share";
    webhook(&target, &receiver, path, &["unreliable.*"], settings).await?;
    let start = Instant::now();
    let ids = publish_windowed(bench, &target, &receiver, path, "unreliable.tick").await;
    let arrivals = collect(&receiver, ids.len(), |a| a.accepted).await;
    let delivered = arrivals.iter().filter(|a| a.accepted).count();
    let refused = arrivals.len() - delivered;
    let percent = share * 100.0;
    report.add(Figure::rate(
        "failures",
        format!("delivered while the receiver fails {percent:.0}% of requests"),
        rate_since(start, &arrivals, delivered),
        Goal::None,
        raw,
    ));
    report.add(Figure::new(
        "failures",
        "attempts the receiver failed, then retried",
        refused as f64,
        "attempts",
        Goal::None,
    ));
    let expected = once_each(path, ids);
    check(report, "failures", &expected, &arrivals);
    bench.finish(target).await
}

/// Publishes at a fixed rate. The latency is from sending the publish to the receiver having
/// the event: stricter than the target's "from the 202", which the caller sees only after the
/// delivery may already have arrived.
pub async fn latency(bench: &Bench, report: &mut Report) -> anyhow::Result<()> {
    let (target, receiver) = (bench.target(&[]).await?, Receiver::start().await?);
    webhook(&target, &receiver, "/latency", &["latency.*"], json!({})).await?;
    let accepted = Accepted::default();
    let rate = bench.scale.latency_rate;
    open_loop(
        &target.http,
        &target.url("/api/events"),
        rate,
        bench.scale.duration,
        event_body("latency.tick"),
        accepted.timed_recorder(),
    )
    .await;
    let ids = accepted.take();
    let arrivals = collect(&receiver, ids.len(), |_| true).await;
    let arrived: HashMap<&str, Instant> = arrivals.iter().map(|a| (&*a.event, a.at)).collect();
    let mut micros: Vec<u64> = ids
        .iter()
        .filter_map(|(id, at)| {
            arrived
                .get(&**id)
                .map(|got| got.saturating_duration_since(*at).as_micros() as u64)
        })
        .collect();
    micros.sort_unstable();
    let percentile = |q: f64| {
        micros
            .get(((micros.len() as f64 * q) as usize).min(micros.len().saturating_sub(1)))
            .copied()
            .unwrap_or(0) as f64
            / 1000.0
    };
    let name = format!("publish → received at {rate}/s");
    report.add(Figure::new(
        "latency",
        format!("{name}, p50"),
        percentile(0.50),
        "ms",
        Goal::AtMost(3.0),
    ));
    report.add(Figure::new(
        "latency",
        format!("{name}, p99"),
        percentile(0.99),
        "ms",
        Goal::AtMost(10.0),
    ));
    let expected = once_each("/latency", ids);
    check(report, "latency", &expected, &arrivals);
    bench.finish(target).await
}

/// Each event goes to every one of many webhooks.
pub async fn fan_out(
    bench: &Bench,
    report: &mut Report,
    raw: f64,
    steady: f64,
) -> anyhow::Result<()> {
    let (target, receiver) = (bench.target(&[]).await?, Receiver::start().await?);
    let count = bench.scale.fanout_webhooks;
    let mut paths = Vec::with_capacity(count);
    for i in 0..count {
        let path = format!("/fan/{i}");
        webhook(&target, &receiver, &path, &["fan.*"], json!({})).await?;
        paths.push(Arc::<str>::from(path));
    }
    let accepted = Accepted::default();
    let record = accepted.recorder();
    let start = Instant::now();
    for n in 0..bench.scale.fanout_events {
        let answer = target
            .http
            .post(&target.url("/api/events"), event_body("fan.out")(n as u64))
            .await?;
        record(0, &answer);
    }
    let ids = accepted.take();
    let arrivals = collect(&receiver, ids.len() * count, |_| true).await;
    let rate = rate_since(start, &arrivals, arrivals.len());
    let name = format!("delivered, each event to {count} webhooks");
    report.add(Figure::rate(
        "fan-out",
        name,
        rate,
        Goal::AtLeast(steady * 0.9),
        raw,
    ));
    let expected = ids
        .iter()
        .flat_map(|(id, _)| paths.iter().map(|p| (p.clone(), id.clone())))
        .collect();
    check(report, "fan-out", &expected, &arrivals);
    bench.finish(target).await
}

/// A webhook whose receiver never answers in time, beside one that does: the healthy one's
/// rate is compared with its rate beside a neighbour that answers (the same events, the same
/// settings), so the figure is what the timeouts cost, not what a second subscriber costs.
pub async fn slow_neighbour(bench: &Bench, report: &mut Report, raw: f64) -> anyhow::Result<()> {
    let (beside_healthy, expected, mut arrivals) = beside_neighbour(bench, false).await?;
    let (beside_slow, more_expected, more_arrivals) = beside_neighbour(bench, true).await?;
    report.add(Figure::rate(
        "timeouts",
        "delivered to a webhook beside one that answers",
        beside_healthy,
        Goal::None,
        raw,
    ));
    report.add(Figure::rate(
        "timeouts",
        "delivered to a webhook beside one timing out",
        beside_slow,
        Goal::AtLeast(beside_healthy * 0.9),
        raw,
    ));
    let expected = expected.into_iter().chain(more_expected).collect();
    arrivals.extend(more_arrivals);
    check(report, "timeouts", &expected, &arrivals);
    Ok(())
}

/// Publishes to `/healthy` and a neighbour with a 1 s timeout (never answering in time if
/// `slow`); returns the healthy webhook's rate, what it should get, and what it got.
async fn beside_neighbour(
    bench: &Bench,
    slow: bool,
) -> anyhow::Result<(f64, HashSet<(Arc<str>, Box<str>)>, Vec<Arrival>)> {
    let (target, receiver) = (bench.target(&[]).await?, Receiver::start().await?);
    receiver.set_slow_delay(Duration::from_secs(30));
    let in_flight = json!({"max_in_flight": bench.scale.concurrency});
    webhook(&target, &receiver, "/healthy", &["mixed.*"], in_flight).await?;
    let neighbour = if slow {
        "/slow/neighbour"
    } else {
        "/neighbour"
    };
    let settings = json!({"timeout_ms": 1000, "retry_schedule": ["1h"]});
    webhook(&target, &receiver, neighbour, &["mixed.*"], settings).await?;
    let start = Instant::now();
    let ids = publish_windowed(bench, &target, &receiver, "/healthy", "mixed.tick").await;
    let arrivals = collect(&receiver, ids.len(), |a| &*a.path == "/healthy").await;
    let healthy: Vec<Arrival> = arrivals
        .into_iter()
        .filter(|a| &*a.path == "/healthy")
        .collect();
    let rate = rate_since(start, &healthy, healthy.len());
    bench.finish(target).await?;
    Ok((rate, once_each("/healthy", ids), healthy))
}

/// A backlog builds while the receiver hangs, then drains when it answers again (after the
/// deliveries that exhausted their retries during the outage are recovered).
pub async fn backlog(
    bench: &Bench,
    report: &mut Report,
    raw: f64,
    steady: f64,
) -> anyhow::Result<()> {
    let (target, receiver) = (bench.target(&[]).await?, Receiver::start().await?);
    receiver.set_slow_delay(Duration::from_secs(3600));
    let start = humantime::format_rfc3339_millis(SystemTime::now()).to_string();
    let id = webhook(
        &target,
        &receiver,
        "/slow/backlog",
        &["backlog.*"],
        // The memory bound and the drain, not the circuit breaker: with it, the backlog would
        // wait for the next probe after the receiver came back.
        json!({
            "timeout_ms": 2000,
            "retry_schedule": ["1s"],
            "max_in_flight": bench.scale.concurrency,
            "breaker": {"enabled": false},
        }),
    )
    .await?;
    let peak = Arc::new(Mutex::new(0u64));
    let sampling = Arc::new(std::sync::atomic::AtomicBool::new(true));
    let sampler = {
        let (peak, sampling) = (peak.clone(), sampling.clone());
        let pid_memory = target.memory_probe();
        tokio::spawn(async move {
            while sampling.load(std::sync::atomic::Ordering::Relaxed) {
                if let Some(rss) = pid_memory() {
                    let mut peak = peak.lock().expect("peak");
                    *peak = (*peak).max(rss);
                }
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        })
    };
    let total = bench.scale.backlog;
    let mut ids: Vec<Box<str>> = Vec::with_capacity(total);
    let mut published = 0;
    while published < total {
        let size = (total - published).min(1000);
        let events: Vec<Value> = (0..size)
            .map(|i| json!({"type": "backlog.item", "data": {"n": published + i}}))
            .collect();
        let answer = target
            .call(
                Method::POST,
                "/api/events/batch",
                json!({"events": events}),
                StatusCode::ACCEPTED,
            )
            .await?;
        ids.extend(
            answer["data"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|e| e["id"].as_str().map(Box::from)),
        );
        published += size;
        if published % 100_000 == 0 {
            eprintln!("    backlog: {published} of {total} published");
        }
    }
    // The receiver comes back: what hangs times out and is retried; new attempts get answers.
    receiver.set_slow_delay(Duration::ZERO);
    let up = Instant::now();
    // Deliveries that ran out of retries during the outage are failed, as they should be; the
    // operator re-queues them, as after any outage. Attempts still hanging end first.
    tokio::time::sleep(Duration::from_secs(3)).await;
    let recover = format!("/api/webhooks/{id}/recover");
    let recovered = target
        .call(
            Method::POST,
            &recover,
            json!({"since": start}),
            StatusCode::OK,
        )
        .await?["requeued"]
        .as_u64()
        .unwrap_or(0);
    // What arrived while the receiver hung was timed out by hookd and retried: deliveries are
    // what arrived since it came back, each event exactly once.
    let arrivals = collect(&receiver, total, |a| a.at >= up).await;
    sampling.store(false, std::sync::atomic::Ordering::Relaxed);
    let _ = sampler.await;
    let answered: Vec<Arrival> = arrivals.into_iter().filter(|a| a.at >= up).collect();
    let rate = rate_since(up, &answered, answered.len());
    let peak_mb = *peak.lock().expect("peak") as f64 / 1_048_576.0;
    report.add(Figure::new(
        "backlog",
        format!("peak memory, {total} pending"),
        peak_mb,
        "MB",
        Goal::AtMost(200.0),
    ));
    report.add(Figure::rate(
        "backlog",
        "drained after the receiver came back",
        rate,
        Goal::AtLeast(steady * 0.9),
        raw,
    ));
    report.add(Figure::new(
        "backlog",
        "failed during the outage, then recovered",
        recovered as f64,
        "deliveries",
        Goal::None,
    ));
    let path: Arc<str> = Arc::from("/slow/backlog");
    let expected = ids.into_iter().map(|id| (path.clone(), id)).collect();
    check(report, "backlog", &expected, &answered);
    bench.finish(target).await
}

/// Retries at 1 s and 2 s: how far each lands from its schedule.
pub async fn retry_timing(bench: &Bench, report: &mut Report) -> anyhow::Result<()> {
    let (target, receiver) = (
        bench.target(&[("HOOKD_SCAN_INTERVAL", "100ms")]).await?,
        Receiver::start().await?,
    );
    webhook(
        &target,
        &receiver,
        "/flaky/retries",
        &["retry.*"],
        // The schedule's timing: every attempt fails until the last, which the breaker would
        // hold back.
        json!({"retry_schedule": ["1s", "2s"], "breaker": {"enabled": false}}),
    )
    .await?;
    let events = bench.scale.retry_events;
    for n in 0..events {
        target
            .http
            .post(
                &target.url("/api/events"),
                event_body("retry.check")(n as u64),
            )
            .await?;
    }
    let arrivals = collect(&receiver, events * 3, |_| true).await;
    let mut by_event: HashMap<&str, Vec<&Arrival>> = HashMap::new();
    for a in &arrivals {
        by_event.entry(&a.event).or_default().push(a);
    }
    let (mut worst, mut wrong) = (0f64, 0u64);
    for attempts in by_event.values_mut() {
        attempts.sort_by_key(|a| a.attempt);
        if attempts.len() != 3 {
            wrong += 1;
            continue;
        }
        for (pair, scheduled) in attempts.windows(2).zip([1.0, 2.0]) {
            let gap = (pair[1].at - pair[0].at).as_secs_f64();
            worst = worst.max((gap - scheduled).abs());
        }
    }
    wrong += events.saturating_sub(by_event.len()) as u64;
    report.add(Figure::new(
        "retries",
        "worst retry distance from its schedule",
        worst * 1000.0,
        "ms",
        Goal::AtMost(1000.0),
    ));
    report.add(Figure::must_be_zero(
        "retries",
        "events without exactly 3 attempts",
        wrong,
    ));
    bench.finish(target).await
}
