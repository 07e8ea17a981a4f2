//! The `floor` scenario: what the two halves of hookd's work cost with nothing of hookd's
//! around them, measured in the same run as hookd, so they compare with raw and with hookd's
//! own figures whatever the machine's speed.
//!
//! - `relay`: a bare relay ([`relay`]) as a child process, driven as `steady` drives hookd
//!   (64 callers, at most 1,000 events undelivered): its CPU per request relayed is the floor
//!   of a steady delivery's HTTP work.
//! - `store` (SQLite only): a bare durable publish ([`store`]) as a child process, driven as
//!   `ingest` drives hookd (64 callers, single events): its CPU per request is the floor of a
//!   single publish, an HTTP request and a durable row.
//!
//! Both servers run in the hookd executable (`hookd bench-floor`, not listed in `--help`), on
//! the same runtime, HTTP crates and allocator as `hookd serve`.

mod relay;
mod store;

use super::Bench;
use super::harness::{Accepted, CpuClock, check, collect, event_body, once_each, rate_since};
use super::load::{Http, closed_loop};
use super::receiver::Receiver;
use super::report::{Figure, Goal, Report};
use anyhow::{Context, bail};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// The options of `hookd bench-floor`: which bare server to run, and where.
#[derive(Debug, clap::Args)]
pub struct FloorOptions {
    /// Where to listen.
    #[arg(long)]
    listen: SocketAddr,
    #[command(subcommand)]
    server: FloorServer,
}

#[derive(Debug, clap::Subcommand)]
enum FloorServer {
    /// Answer each POST 202 with an id, then send its body on, signed, to --forward.
    Relay {
        /// The URL every request is relayed to.
        #[arg(long)]
        forward: String,
        /// The Standard Webhooks secret (whsec_...) the relayed requests are signed with.
        #[arg(long)]
        secret: String,
    },
    /// Store each POSTed event as a row of a SQLite file, durably, then answer 202 with its id.
    Store {
        /// The SQLite file (made if missing).
        #[arg(long)]
        database: PathBuf,
    },
}

/// Runs one bare server until it is killed.
pub async fn serve(options: FloorOptions) -> anyhow::Result<()> {
    let listener = tokio::net::TcpListener::bind(options.listen).await?;
    match options.server {
        FloorServer::Relay { forward, secret } => relay::serve(listener, &forward, &secret).await,
        FloorServer::Store { database } => store::serve(listener, &database).await,
    }
}

/// Where the bare relay delivers.
const PATH: &str = "/floor";
/// The secret the bare relay signs with (`whsec_` and "hookd bench floor secret" in base64).
const SECRET: &str = "whsec_aG9va2QgYmVuY2ggZmxvb3Igc2VjcmV0";

/// Runs the scenario: the bare relay, and on SQLite the bare durable publish.
pub(crate) async fn floor(bench: &Bench, report: &mut Report, raw: f64) -> anyhow::Result<()> {
    bare_relay(bench, report, raw).await?;
    if !bench.postgres() {
        bare_store(bench, report, raw).await?;
    }
    Ok(())
}

async fn bare_relay(bench: &Bench, report: &mut Report, raw: f64) -> anyhow::Result<()> {
    let receiver = Receiver::start().await?;
    receiver.expect_secret(PATH, SECRET);
    let forward = format!("{}{PATH}", receiver.base);
    let server = Bare::start(
        &bench.hookd,
        &["relay", "--forward", &forward, "--secret", SECRET],
    )
    .await?;
    let cpu = CpuClock::start_process("bare relay CPU", server.pid());
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
    cpu.report(report, "floor", "request relayed", arrivals.len());
    report.add(Figure::rate(
        "floor",
        "bare relay: relayed, signed",
        rate,
        Goal::None,
        raw,
    ));
    check(report, "floor", &once_each(PATH, ids), &arrivals);
    Ok(())
}

async fn bare_store(bench: &Bench, report: &mut Report, raw: f64) -> anyhow::Result<()> {
    let dir = std::env::temp_dir().join(format!("hookd-floor-{}", ulid::Ulid::new()));
    std::fs::create_dir_all(&dir)?;
    let database = dir.join("floor.db").display().to_string();
    let server = Bare::start(&bench.hookd, &["store", "--database", &database]).await;
    let run = async {
        let server = server?;
        let cpu = CpuClock::start_process("bare durable publish CPU", server.pid());
        let run = closed_loop(
            &server.http,
            &server.url,
            64,
            bench.scale.duration,
            None,
            event_body("floor.store"),
            |_, _| {},
        )
        .await;
        report.add(Figure::rate(
            "floor",
            "bare durable publish (SQLite): stored",
            run.per_second(),
            Goal::None,
            raw,
        ));
        report.add(Figure::must_be_zero(
            "floor",
            "bare durable publish: refused",
            run.failed,
        ));
        cpu.report(report, "floor", "request stored", run.ok as usize);
        anyhow::Ok(())
    };
    let result = run.await;
    let _ = std::fs::remove_dir_all(&dir);
    result
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
