//! The `floor` scenarios: what hookd's work costs with none of hookd's features, measured in
//! the same run as hookd, so it compares with raw and with hookd's own figures whatever the
//! machine's speed. A bare server ([`server`]) runs as a child process four ways:
//!
//! - `floor: relay`: answers each POST and relays it, signed, storing nothing; driven as
//!   `steady` drives hookd (at most 1,000 events undelivered). The floor of a delivery's HTTP.
//! - `floor: stored relay`: the same, storing the event and its delivery before answering and
//!   each attempt after it, on the benchmark's backend (a SQLite file, or a fresh database on
//!   the PostgreSQL server). The floor of a steady delivery.
//! - `floor: hookd's rows`: the stored relay keeping the rows and indexes hookd keeps for
//!   the same work ([`ledger::Rows::Hookd`]): the floor of a steady delivery with hookd's
//!   storage, none of its other features.
//! - `floor: stored publish`: stores the event and answers, relaying nothing; driven as
//!   `ingest` drives hookd (64 callers, single events). The floor of a single publish.
//! - `floor: publish, hookd's rows`: the stored publish keeping the event row and indexes hookd
//!   keeps: the floor of a single publish with hookd's storage, none of its other features.
//! - `floor: stored inbox request` (SQLite only): the bare inbox ([`inbox`]) verifies each
//!   signed request and stores it with its de-duplication key and its event in hookd's rows;
//!   driven as the `inbox` scenario drives hookd (64 callers, no subscriber). The floor of an
//!   inbox request.
//!
//! The bare server runs in the hookd executable (`hookd bench-floor`, not listed in
//! `--help`), on the same runtime, HTTP crates, SQLite build and allocator as `hookd serve`.

mod inbox;
mod inbox_rows;
mod ledger;
mod server;

use super::Bench;
use super::harness::{Accepted, CpuClock, check, collect, event_body, once_each, rate_since};
use super::inbox::SignedRequests;
use super::load::{Http, Payload, closed_loop};
use super::receiver::Receiver;
use super::report::{Figure, Goal, Report};
use super::target::{Backend, Storage};
use anyhow::{Context, bail};
use std::net::SocketAddr;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// The options of `hookd bench-floor`: where the bare server listens, and what it does.
#[derive(Debug, clap::Args)]
pub struct FloorOptions {
    /// Where to listen.
    #[arg(long)]
    listen: SocketAddr,
    /// Store each event (and its delivery and attempts when relaying) durably before answering:
    /// a SQLite file (sqlite://<path>, or the path alone), or a postgres:// URL.
    #[arg(long)]
    database: Option<String>,
    /// Which rows it stores: the least a webhook service keeps, or those hookd keeps.
    #[arg(long, value_enum, default_value = "least", requires = "database")]
    rows: ledger::Rows,
    /// Send each request on to this URL after answering.
    #[arg(long, requires = "secret")]
    forward: Option<String>,
    /// The Standard Webhooks secret (whsec_...) the relayed requests are signed with, or the
    /// received ones are verified with.
    #[arg(long)]
    secret: Option<String>,
    /// Take each POST as a webhook signed with --secret, as an inbox does: verify it, and store
    /// it with its de-duplication key and its event in hookd's rows (SQLite only).
    #[arg(long, requires_all = ["database", "secret"], conflicts_with = "forward")]
    inbox: bool,
}

/// Runs the bare server until it is killed.
pub async fn serve(options: FloorOptions) -> anyhow::Result<()> {
    let listener = tokio::net::TcpListener::bind(options.listen).await?;
    if let (true, Some(database), Some(secret)) =
        (options.inbox, &options.database, &options.secret)
    {
        return inbox::serve(listener, database, secret).await;
    }
    let forward = options.forward.as_deref().zip(options.secret.as_deref());
    server::serve(listener, options.database.as_deref(), options.rows, forward).await
}

/// Where the bare server relays to.
const PATH: &str = "/floor";
/// The secret it signs with (`whsec_` and "hookd bench floor secret" in base64).
const SECRET: &str = "whsec_aG9va2QgYmVuY2ggZmxvb3Igc2VjcmV0";

/// Runs the floors, each stored one on a database of its own (the inbox's on SQLite only).
pub(crate) async fn floor(bench: &Bench, report: &mut Report, raw: f64) -> anyhow::Result<()> {
    relay(bench, report, raw, "floor: relay", None).await?;
    for (scenario, rows) in [
        ("floor: stored relay", "least"),
        ("floor: hookd's rows", "hookd"),
    ] {
        let storage = Storage::make(&bench.backend, "hookd_floor").await?;
        let relayed = relay(bench, report, raw, scenario, Some((&storage.url, rows))).await;
        storage.remove().await?;
        relayed?;
    }
    for (scenario, rows) in [
        ("floor: stored publish", "least"),
        ("floor: publish, hookd's rows", "hookd"),
    ] {
        let storage = Storage::make(&bench.backend, "hookd_floor").await?;
        let published = publish(bench, report, raw, (scenario, rows), &storage.url).await;
        storage.remove().await?;
        published?;
    }
    if matches!(bench.backend, Backend::Sqlite) {
        let storage = Storage::make(&bench.backend, "hookd_floor").await?;
        let received = receive(bench, report, raw, &storage.url).await;
        storage.remove().await?;
        received?;
    }
    Ok(())
}

/// Publishes through the bare relay as `steady` publishes through hookd.
async fn relay(
    bench: &Bench,
    report: &mut Report,
    raw: f64,
    scenario: &'static str,
    stored: Option<(&str, &str)>,
) -> anyhow::Result<()> {
    let receiver = Receiver::start().await?;
    receiver.expect_secret(PATH, SECRET);
    let forward = format!("{}{PATH}", receiver.base);
    let mut args = vec!["--forward", &forward, "--secret", SECRET];
    if let Some((database, rows)) = stored {
        args.extend(["--database", database, "--rows", rows]);
    }
    let server = Bare::start(&bench.hookd, &args).await?;
    let mut cpu = CpuClock::start_process("bare server CPU", server.pid());
    if stored.is_some() {
        cpu = cpu.and_database(bench);
    }
    let start = Instant::now();
    let accepted = Accepted::default();
    closed_loop(
        &server.http,
        &server.url,
        bench.scale.concurrency,
        bench.scale.duration,
        Some(super::harness::window(&receiver, PATH)),
        event_body("floor.relay"),
        accepted.recorder(),
    )
    .await;
    let ids = accepted.take();
    let arrivals = collect(&receiver, ids.len(), |_| true).await;
    let rate = rate_since(start, &arrivals, arrivals.len());
    cpu.report(report, scenario, "delivery", arrivals.len());
    report.add(Figure::rate(
        scenario,
        "delivered, signed",
        rate,
        Goal::None,
        raw,
    ));
    check(report, scenario, &once_each(PATH, ids), &arrivals);
    Ok(())
}

/// Publishes single events to the bare server, which stores each in `rows` and relays
/// nothing, as `ingest` publishes to hookd.
async fn publish(
    bench: &Bench,
    report: &mut Report,
    raw: f64,
    (scenario, rows): (&'static str, &str),
    database: &str,
) -> anyhow::Result<()> {
    let args = ["--database", database, "--rows", rows];
    let events = event_body("floor.publish");
    store_only(bench, report, raw, (scenario, "event"), &args, events).await
}

/// Sends signed requests to the bare inbox, as `inbox` sends them to hookd's.
async fn receive(
    bench: &Bench,
    report: &mut Report,
    raw: f64,
    database: &str,
) -> anyhow::Result<()> {
    let args = ["--database", database, "--inbox", "--secret", SECRET];
    let requests = SignedRequests::new(SECRET)?.signer();
    let stored = ("floor: stored inbox request", "request");
    store_only(bench, report, raw, stored, &args, requests).await
}

/// Runs a bare server with `args` that stores what it is sent and relays nothing, sends it
/// `body` from 64 callers (as `ingest` and `inbox` send to hookd), and reports the rate, the
/// refusals and the CPU per `unit` stored as `scenario`.
async fn store_only<B, P>(
    bench: &Bench,
    report: &mut Report,
    raw: f64,
    (scenario, unit): (&'static str, &str),
    args: &[&str],
    body: B,
) -> anyhow::Result<()>
where
    B: Fn(u64) -> P + Send + Sync + 'static,
    P: Into<Payload>,
{
    const CALLERS: usize = 64;
    let server = Bare::start(&bench.hookd, args).await?;
    let cpu = CpuClock::start_process("bare server CPU", server.pid()).and_database(bench);
    let run = closed_loop(
        &server.http,
        &server.url,
        CALLERS,
        bench.scale.duration,
        None,
        body,
        |_, _| {},
    )
    .await;
    report.add(Figure::rate(
        scenario,
        format!("stored, {CALLERS} concurrent"),
        run.per_second(),
        Goal::None,
        raw,
    ));
    report.add(Figure::must_be_zero(scenario, "refused", run.failed));
    cpu.report(report, scenario, unit, run.ok as usize);
    Ok(())
}

/// A bare server running as `hookd bench-floor`, killed when dropped.
struct Bare {
    child: std::process::Child,
    url: String,
    http: Http,
}

impl Bare {
    async fn start(hookd: &Path, args: &[&str]) -> anyhow::Result<Self> {
        let port = std::net::TcpListener::bind("127.0.0.1:0")?
            .local_addr()?
            .port();
        let child = Command::new(hookd)
            .arg("bench-floor")
            .arg("--listen")
            .arg(format!("127.0.0.1:{port}"))
            .args(args)
            .stdout(Stdio::null())
            .spawn()
            .context("starting hookd bench-floor")?;
        let mut bare = Self {
            child,
            url: format!("http://127.0.0.1:{port}/"),
            http: Http::new(None),
        };
        let start = Instant::now();
        while tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .is_err()
        {
            if let Some(status) = bare.child.try_wait()? {
                bail!("hookd bench-floor exited at start ({status})");
            }
            if start.elapsed() > Duration::from_secs(10) {
                bail!("hookd bench-floor did not answer within 10 s");
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        Ok(bare)
    }

    fn pid(&self) -> u32 {
        self.child.id()
    }
}

impl Drop for Bare {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
