//! What every scenario uses: a webhook registered with its secret, publishing within a window
//! of undelivered events, collecting what arrived, the exactly-once and signature check, the
//! delivery rate, and CPU time per delivery.

use super::Bench;
use super::load::{Answer, closed_loop};
use super::receiver::{Arrival, Receiver};
use super::report::{Figure, Goal, Report};
use super::target::Target;
use bytes::Bytes;
use hyper::{Method, StatusCode};
use serde_json::{Value, json};
use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::sync::Semaphore;

/// How long deliveries may stop arriving before a scenario gives up waiting for the rest.
const IDLE_LIMIT: Duration = Duration::from_secs(30);

/// Registers a webhook for `events` at the receiver's `path`, and tells the receiver its
/// secret so every signature is checked.
pub(super) async fn webhook(
    target: &Target,
    receiver: &Receiver,
    path: &str,
    events: &[&str],
    extra: Value,
) -> anyhow::Result<String> {
    let mut body =
        json!({"url": format!("{}{path}", receiver.base), "events": events, "ping": false});
    if let (Some(body), Some(extra)) = (body.as_object_mut(), extra.as_object()) {
        body.extend(extra.clone());
    }
    let created = target
        .call(Method::POST, "/api/webhooks", body, StatusCode::CREATED)
        .await?;
    receiver.expect_secret(path, created["secret"].as_str().unwrap_or_default());
    Ok(created["id"].as_str().unwrap_or_default().to_owned())
}

/// Waits until `count` requests matching `wanted` arrived, or none arrived for IDLE_LIMIT;
/// returns everything that arrived meanwhile.
pub(super) async fn collect(
    receiver: &Receiver,
    count: usize,
    wanted: impl Fn(&Arrival) -> bool,
) -> Vec<Arrival> {
    let mut arrivals = Vec::new();
    let (mut matched, mut last_progress) = (0, Instant::now());
    while matched < count && last_progress.elapsed() < IDLE_LIMIT {
        tokio::time::sleep(Duration::from_millis(20)).await;
        let fresh = receiver.take();
        if !fresh.is_empty() {
            last_progress = Instant::now();
        }
        matched += fresh.iter().filter(|a| wanted(a)).count();
        arrivals.extend(fresh);
    }
    arrivals
}

/// Lost and duplicated deliveries and failed signatures, against the (path, event) pairs that
/// should have been accepted once each (an attempt the receiver failed on purpose does not
/// count as a delivery, but its signature must verify too).
pub(super) fn check(
    report: &mut Report,
    scenario: &'static str,
    expected: &HashSet<(Arc<str>, Box<str>)>,
    arrivals: &[Arrival],
) {
    let keyed = arrivals.iter().map(|a| (a, &*a.event));
    check_keyed(report, scenario, expected, keyed);
}

/// `check`, with each arrival known by a key of the scenario's choosing instead of its event id
/// (an inbox's deliveries by the inbound request each carries).
pub(super) fn check_keyed<'a>(
    report: &mut Report,
    scenario: &'static str,
    expected: &HashSet<(Arc<str>, Box<str>)>,
    arrivals: impl IntoIterator<Item = (&'a Arrival, &'a str)>,
) {
    let mut seen: HashMap<(&str, &str), u32> = HashMap::new();
    let mut unverified = 0u64;
    for (a, key) in arrivals {
        if !a.verified() {
            unverified += 1;
        }
        if a.accepted {
            *seen.entry((&a.path, key)).or_default() += 1;
        }
    }
    let lost = expected
        .iter()
        .filter(|(p, e)| !seen.contains_key(&(&**p, &**e)))
        .count();
    let duplicated: u32 = seen.values().map(|n| n - 1).sum();
    let unexpected = seen
        .keys()
        .filter(|(p, e)| !expected.contains(&(Arc::from(*p), Box::from(*e))))
        .count();
    for (name, count) in [
        ("lost deliveries", lost as u64),
        ("duplicated deliveries", u64::from(duplicated)),
        ("deliveries to the wrong webhook", unexpected as u64),
        ("signatures that did not verify", unverified),
    ] {
        report.add(Figure::must_be_zero(scenario, name, count));
    }
}

/// Deliveries per second from `start` until the last of `arrivals` came in.
pub(super) fn rate_since(start: Instant, arrivals: &[Arrival], delivered: usize) -> f64 {
    let last = arrivals.iter().map(|a| a.at).max().unwrap_or(start);
    delivered as f64 / (last - start).as_secs_f64().max(1e-9)
}

/// CPU time spent by the benchmark itself (load generator and receiver), by the hookd under
/// test and (on PostgreSQL) by the local database server, from a start: what one delivery
/// costs, whatever else the machine is doing and however fast it happens to run.
pub(super) struct CpuClock {
    bench: Option<Duration>,
    /// A process under test (hookd, or a bare server of the `floor` scenario): what its
    /// figures are called, its CPU time at the start, its id.
    process: Option<(&'static str, Duration, u32)>,
    /// The local PostgreSQL server's processes, when hookd runs on PostgreSQL.
    database: Option<Duration>,
}

impl CpuClock {
    pub(super) fn start_here() -> Self {
        Self {
            bench: super::target::process_cpu_time("self"),
            process: None,
            database: None,
        }
    }

    pub(super) fn start(bench: &Bench, target: &Target) -> Self {
        Self {
            process: target
                .cpu_time()
                .zip(target.pid())
                .map(|(time, pid)| ("hookd CPU", time, pid)),
            ..Self::start_here()
        }
        .and_database(bench)
    }

    /// Counts from now for the benchmark and the process `pid`, whose figures are `who`.
    pub(super) fn start_process(who: &'static str, pid: u32) -> Self {
        Self {
            process: super::target::process_cpu_time(&pid.to_string()).map(|time| (who, time, pid)),
            ..Self::start_here()
        }
    }

    /// Counts the PostgreSQL server's CPU too, on a PostgreSQL run.
    pub(super) fn and_database(self, bench: &Bench) -> Self {
        Self {
            database: bench
                .postgres()
                .then(super::target::postgres_cpu_time)
                .flatten(),
            ..self
        }
    }

    /// Adds "CPU per <unit>" figures for `count` units done since the start; hookd's and the
    /// PostgreSQL server's also as multiples of a raw request's, once `raw` has run.
    pub(super) fn report(
        &self,
        report: &mut Report,
        scenario: &'static str,
        unit: &str,
        count: usize,
    ) {
        let raw_cost = report.raw_cost();
        let mut add = |who: &str, before: Duration, now: Duration, base: Option<f64>| {
            let spent = now.saturating_sub(before).as_secs_f64() * 1e6 / count.max(1) as f64;
            let mut figure = Figure::new(
                scenario,
                format!("{who} per {unit}"),
                spent,
                "µs",
                Goal::None,
            );
            figure.ratio_to_raw = base.filter(|c| *c > 0.0).map(|c| spent / c);
            report.add(figure);
        };
        if let (Some(before), Some(now)) = (self.bench, super::target::process_cpu_time("self")) {
            add("benchmark CPU (load and receiver)", before, now, None);
        }
        if let Some((who, before, pid)) = self.process
            && let Some(now) = super::target::process_cpu_time(&pid.to_string())
        {
            add(who, before, now, raw_cost);
        }
        if let (Some(before), Some(now)) = (self.database, super::target::postgres_cpu_time()) {
            add("PostgreSQL server CPU", before, now, raw_cost);
        }
    }
}

/// Each accepted event once, at `path`: what `check` expects of a one-webhook scenario.
pub(super) fn once_each(path: &str, ids: Vec<AcceptedEvent>) -> HashSet<(Arc<str>, Box<str>)> {
    let path: Arc<str> = Arc::from(path);
    ids.into_iter().map(|(id, _)| (path.clone(), id)).collect()
}

/// Events published but not yet delivered, at most, in the delivery scenarios: publishers wait
/// while this many are on their way, so the figure is the rate hookd sustains, not how fast a
/// backlog grows. It is well below the dispatcher's per-webhook memory (2,000 deliveries).
const WINDOW: usize = 1_000;

/// A window of `WINDOW` events that the receiver reopens as deliveries to `path` arrive.
pub(super) fn window(receiver: &Receiver, path: &str) -> Arc<Semaphore> {
    let window = Arc::new(Semaphore::new(WINDOW));
    receiver.release_into(path, window.clone());
    window
}

/// Publishes `kind` events with the scale's callers for its duration, never more than
/// `WINDOW` of them undelivered at `path`; returns the events hookd accepted.
pub(super) async fn publish_windowed(
    bench: &Bench,
    target: &Target,
    receiver: &Receiver,
    path: &str,
    kind: &str,
) -> Vec<AcceptedEvent> {
    let accepted = Accepted::default();
    closed_loop(
        &target.http,
        &target.url("/api/events"),
        bench.scale.concurrency,
        bench.scale.duration,
        Some(window(receiver, path)),
        event_body(kind),
        accepted.recorder(),
    )
    .await;
    accepted.take()
}

pub(super) fn event_body(kind: &str) -> impl Fn(u64) -> Bytes + Send + Sync + 'static {
    let kind = kind.to_owned();
    move |n| {
        Bytes::from(format!(
            r#"{{"type":"{kind}","data":{{"n":{n},"note":"benchmark event"}}}}"#
        ))
    }
}

/// Records the id of every accepted event, and when its 202 arrived.
#[derive(Clone, Default)]
pub(super) struct Accepted(Arc<Mutex<Vec<AcceptedEvent>>>);

/// An accepted event's id, and when it was sent or answered.
pub(super) type AcceptedEvent = (Box<str>, Instant);

impl Accepted {
    /// Records each accepted event with the time its answer arrived.
    pub(super) fn recorder(&self) -> impl Fn(u64, &Answer) + Send + Sync + 'static {
        let record = self.timed_recorder();
        move |_, answer| record(Instant::now(), answer)
    }

    /// Records each accepted event with the given time (when it was sent).
    pub(super) fn timed_recorder(&self) -> impl Fn(Instant, &Answer) + Send + Sync + 'static {
        let list = self.0.clone();
        move |at, answer| {
            #[derive(serde::Deserialize)]
            struct Created<'a> {
                id: &'a str,
            }
            if let Ok(created) = serde_json::from_slice::<Created>(&answer.body) {
                list.lock().expect("accepted").push((created.id.into(), at));
            }
        }
    }

    pub(super) fn take(&self) -> Vec<AcceptedEvent> {
        std::mem::take(&mut *self.0.lock().expect("accepted"))
    }
}
