//! `hookd bench`: measures the figures of docs/performance.md on this machine, with a receiver of its own
//! on loopback and a hookd of its own (or a running one), and checks that every event reached
//! exactly the webhooks it should, once, signed. Prints a table, or JSON with `--json`.
//!
//! A client of hookd like any other: it starts the hookd binary it is given as a child process
//! (`hookd serve`) and talks to it over HTTP only. It does not depend on the `hookd` crate;
//! hookd depends on it and hands its `bench` command over to [`run`].

pub mod floor;
mod harness;
mod inbox;
mod load;
mod receiver;
mod report;
mod scenarios;
mod target;
mod trouble;

use report::Report;
use std::path::PathBuf;
use std::time::Duration;
pub use target::Backend;
use target::Target;

/// The options of `hookd bench`.
#[derive(Debug, Clone, clap::Args)]
pub struct BenchOptions {
    /// Benchmark on PostgreSQL: a server URL; each scenario makes and drops a database of its own.
    #[arg(long, value_name = "URL")]
    postgres: Option<String>,
    /// Benchmark a hookd that is already running (URL of its API), with its admin token.
    #[arg(long, value_name = "URL", requires = "token")]
    target: Option<String>,
    /// The admin token of the hookd given with --target.
    #[arg(long)]
    token: Option<String>,
    /// How long each timed scenario runs.
    #[arg(long, default_value = "10s", value_parser = humantime::parse_duration)]
    duration: Duration,
    /// Small sizes and 1-second runs: checks that every scenario works, measures nothing.
    #[arg(long)]
    quick: bool,
    /// The share of requests (0 to 1) the receiver fails in the `failures` scenario.
    #[arg(long, default_value_t = 0.1, value_parser = share)]
    failure_share: f64,
    /// Only these scenarios (comma-separated): raw, ingest, batch, inbox, steady, failures,
    /// latency, fanout, timeouts, trouble, backlog, retries, floor. `raw`, `ingest` and
    /// `steady` also run when others compare to them.
    #[arg(long, value_delimiter = ',')]
    only: Vec<String>,
    /// Print the report as JSON on stdout.
    #[arg(long)]
    json: bool,
    /// The log filter of each hookd the benchmark starts (its HOOKD_LOG). hookd's own default is
    /// `info`, at which every request and attempt opens a span; `warn` keeps the figures to
    /// the work itself.
    #[arg(
        long,
        value_name = "FILTER",
        default_value = "warn",
        conflicts_with = "target"
    )]
    log: String,
}

/// Sizes of a run.
#[derive(Debug, Clone)]
pub struct Scale {
    pub duration: Duration,
    pub concurrency: usize,
    pub latency_rate: u32,
    pub fanout_webhooks: usize,
    pub fanout_events: usize,
    pub backlog: usize,
    pub retry_events: usize,
    pub failure_share: f64,
}

fn share(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(share) if (0.0..1.0).contains(&share) => Ok(share),
        _ => Err(format!(
            "{text} is not a share from 0 up to (not including) 1, such as 0.1"
        )),
    }
}

/// One benchmark run: where hookd runs and how big.
pub struct Bench {
    /// The hookd executable started for each scenario (unless `existing` is given).
    hookd: PathBuf,
    backend: Backend,
    existing: Option<(String, String)>,
    /// The HOOKD_LOG of each hookd started.
    log: String,
    pub scale: Scale,
}

impl Bench {
    async fn target(&self, settings: &[(&str, &str)]) -> anyhow::Result<Target> {
        match &self.existing {
            Some((url, token)) => Target::existing(url, token).await,
            None => {
                let log = [("HOOKD_LOG", self.log.as_str())];
                let settings: Vec<_> = log.into_iter().chain(settings.iter().copied()).collect();
                Target::start(&self.hookd, &self.backend, &settings).await
            }
        }
    }

    async fn finish(&self, target: Target) -> anyhow::Result<()> {
        target.stop().await
    }

    fn postgres(&self) -> bool {
        matches!(self.backend, Backend::Postgres(_))
    }
}

/// Runs the benchmark, starting `hookd` (the path of its executable) for each scenario unless
/// `--target` names a running one; the error says which check failed when deliveries were
/// lost, duplicated or wrongly signed.
pub async fn run(options: BenchOptions, hookd: PathBuf) -> anyhow::Result<()> {
    let scale = if options.quick {
        Scale {
            duration: Duration::from_secs(1),
            concurrency: 16,
            latency_rate: 200,
            fanout_webhooks: 20,
            fanout_events: 10,
            backlog: 3_000,
            retry_events: 5,
            failure_share: options.failure_share,
        }
    } else {
        Scale {
            duration: options.duration,
            concurrency: 64,
            latency_rate: 1_000,
            fanout_webhooks: 1_000,
            fanout_events: 50,
            backlog: 1_000_000,
            retry_events: 50,
            failure_share: options.failure_share,
        }
    };
    let backend = match &options.postgres {
        Some(url) => Backend::Postgres(url.clone()),
        None => Backend::Sqlite,
    };
    let bench = Bench {
        hookd,
        backend: backend.clone(),
        existing: options.target.clone().zip(options.token.clone()),
        log: options.log.clone(),
        scale,
    };
    let mut report = Report {
        machine: machine(),
        backend: match (&options.target, &backend) {
            (Some(url), _) => format!("the hookd at {url}"),
            (None, Backend::Sqlite) => "SQLite".into(),
            (None, Backend::Postgres(_)) => "PostgreSQL".into(),
        },
        figures: Vec::new(),
    };
    let wants = |name: &str| options.only.is_empty() || options.only.iter().any(|o| o == name);
    let needs_steady = ["fanout", "backlog", "trouble"].iter().any(|s| wants(s));
    let needs_ingest = wants("inbox");
    eprintln!("hookd bench on {} — {}", report.backend, report.machine);
    let step = |name: &str| eprintln!("▶ {name}");
    step("raw: the receiver alone");
    let raw = scenarios::raw(&bench, &mut report).await?;
    let mut ingest = None;
    if wants("ingest") || needs_ingest {
        step("ingest: single events, no subscriber");
        ingest = Some(scenarios::ingest_single(&bench, &mut report, raw).await?);
    }
    if wants("batch") {
        step("batch: 100 events per request, no subscriber");
        scenarios::ingest_batch(&bench, &mut report, raw).await?;
    }
    if wants("inbox") {
        step("inbox: signed requests to an inbox, one webhook");
        inbox::inbox(&bench, &mut report, raw, ingest).await?;
    }
    let mut steady = 0.0;
    if wants("steady") || needs_steady {
        step("steady: one webhook per event");
        steady = scenarios::steady(&bench, &mut report, raw).await?;
    }
    if wants("failures") {
        step("failures: the receiver fails a share of requests");
        scenarios::unreliable(&bench, &mut report, raw).await?;
    }
    if wants("latency") {
        step("latency: a fixed rate");
        scenarios::latency(&bench, &mut report).await?;
    }
    if wants("fanout") {
        step("fan-out: each event to many webhooks");
        scenarios::fan_out(&bench, &mut report, raw, steady).await?;
    }
    if wants("timeouts") {
        step("timeouts: one webhook never answers in time");
        scenarios::slow_neighbour(&bench, &mut report, raw).await?;
    }
    if wants("trouble") {
        step("trouble: a healthy webhook beside a failing one and one answering 429");
        trouble::trouble(&bench, &mut report, raw, steady).await?;
    }
    if wants("backlog") {
        step("backlog: the receiver hangs, then comes back");
        scenarios::backlog(&bench, &mut report, raw, steady).await?;
    }
    if wants("floor") {
        step(
            "floor: a bare server: relaying; storing and relaying (its rows, then hookd's); storing (likewise); receiving as an inbox (SQLite)",
        );
        floor::floor(&bench, &mut report, raw).await?;
    }
    if wants("retries") {
        step("retries: a 1s, 2s schedule");
        scenarios::retry_timing(&bench, &mut report).await?;
    }
    if options.json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        println!("{}", report.table());
    }
    let broken: Vec<String> = report
        .figures
        .iter()
        .filter(|f| f.unit.is_empty() && f.pass == Some(false))
        .map(|f| format!("{}: {} = {}", f.scenario, f.name, f.value))
        .collect();
    if !broken.is_empty() {
        anyhow::bail!("deliveries went wrong: {}", broken.join("; "));
    }
    if !options.quick && !report.passed() {
        eprintln!("some figures fell short of their targets (marked short)");
    }
    Ok(())
}

/// The machine, as the report names it: CPU model, cores, memory.
fn machine() -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|c| {
            c.lines()
                .find(|l| l.starts_with("model name"))
                .map(|l| l.split(':').nth(1).unwrap_or("").trim().to_owned())
        })
        .unwrap_or_else(|| "unknown CPU".into());
    let cores = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1);
    let memory = std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|m| {
            m.lines()
                .next()
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|k| k.parse::<u64>().ok())
        })
        .map(|kib| format!("{:.0} GiB", kib as f64 / 1_048_576.0))
        .unwrap_or_else(|| "? GiB".into());
    format!("{cpu}, {cores} cores, {memory}")
}
