//! What a bare server stores, durably, before it answers: each event accepted (and, when it
//! relays, the event's delivery), then each attempt's outcome. Which rows ([`Rows`]): the least
//! a webhook service keeps, or the rows and indexes hookd keeps for the same work. SQLite (one
//! writer thread, every waiting row in one transaction, WAL with `synchronous = FULL`) or
//! PostgreSQL (a whole batch in one statement per table, two transactions at once), as hookd
//! writes them.

mod postgres;
mod sqlite;

pub use sqlite::open_writer;

use bytes::Bytes;
use tokio::sync::oneshot;

/// Which rows a bare server keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Rows {
    /// The least a webhook service keeps: the event by its id, the delivery's state, and every
    /// attempt, findable by its event.
    Least,
    /// The rows hookd keeps for the same work, with hookd's indexes on them: the event also by
    /// tenant; the delivery by its own id, by event, by webhook and status, by tenant and
    /// status, and among the leased while its attempt runs; the attempt by its id, by webhook
    /// and by delivery, with its request's signature headers; the minute's statistics. No
    /// feature of hookd's runs: the difference from `Least` is what hookd's rows cost.
    Hookd,
}

/// An accepted event.
pub struct Accepted {
    pub id: String,
    pub event_type: String,
    pub payload: Bytes,
    /// Unix milliseconds.
    pub at: i64,
    /// Whether it has a delivery to record (the relay sends it on).
    pub delivered: bool,
}

/// How one attempt to send an event on ended.
pub struct Outcome {
    pub id: String,
    /// The answer's status (0 when no answer came).
    pub status: i32,
    /// Unix milliseconds.
    pub at: i64,
    pub duration_us: i64,
    /// The signature header sent (kept with `Rows::Hookd`, as hookd keeps what it cannot
    /// derive from the row).
    pub signature: String,
}

impl Outcome {
    /// Whether the receiver took it (a 2xx answer).
    fn succeeded(&self) -> bool {
        (200..300).contains(&self.status)
    }

    /// The delivery's status after it.
    fn delivery_status(&self) -> &'static str {
        if self.succeeded() {
            "succeeded"
        } else {
            "failed"
        }
    }
}

/// One minute's attempts in a batch, as hookd's statistics add them up.
#[derive(Default)]
struct MinuteTally {
    succeeded: i64,
    failed: i64,
    latency_sum_ms: i64,
}

/// The outcomes among `jobs` by the minute they ended in (hookd upserts each once a batch).
fn tally_minutes(jobs: &[Job]) -> std::collections::BTreeMap<i64, MinuteTally> {
    let mut minutes = std::collections::BTreeMap::<i64, MinuteTally>::new();
    for job in jobs {
        if let Job::Outcome(outcome) = job {
            let minute = minutes.entry(minute_of(outcome.at)).or_default();
            minute.succeeded += i64::from(outcome.succeeded());
            minute.failed += i64::from(!outcome.succeeded());
            minute.latency_sum_ms += outcome.duration_us / 1000;
        }
    }
    minutes
}

/// One row change for the writer; an accepted event waits for its commit.
enum Job {
    Accept(Accepted, oneshot::Sender<bool>),
    Outcome(Outcome),
}

/// Where a bare server's rows go.
pub enum Ledger {
    Sqlite(sqlite::SqliteLedger),
    Postgres(postgres::PostgresLedger),
}

impl Ledger {
    /// A SQLite file (`sqlite://<path>`, or the path alone), or a `postgres://` URL; makes the
    /// tables of `rows` if missing.
    pub async fn open(database: &str, rows: Rows) -> anyhow::Result<Self> {
        if database.starts_with("postgres://") || database.starts_with("postgresql://") {
            Ok(Self::Postgres(
                postgres::PostgresLedger::open(database, rows).await?,
            ))
        } else {
            let path = database.strip_prefix("sqlite://").unwrap_or(database);
            Ok(Self::Sqlite(sqlite::SqliteLedger::open(path, rows)?))
        }
    }

    /// Stores `event` durably; false if it could not be.
    pub async fn accept(&self, event: Accepted) -> bool {
        let (done, stored) = oneshot::channel();
        let queued = match self {
            Self::Sqlite(ledger) => ledger.queue(Job::Accept(event, done)),
            Self::Postgres(ledger) => ledger.queue(Job::Accept(event, done)),
        };
        queued && stored.await == Ok(true)
    }

    /// Records an attempt's outcome (in the next transaction; nobody waits for it).
    pub fn record(&self, outcome: Outcome) {
        match self {
            Self::Sqlite(ledger) => ledger.queue(Job::Outcome(outcome)),
            Self::Postgres(ledger) => ledger.queue(Job::Outcome(outcome)),
        };
    }
}

/// The tenant, webhook and node of `Rows::Hookd`: one of each, as in the `steady` scenario.
const TENANT: &str = "default";
const WEBHOOK: &str = "wh_01floorbenchwebhook000000";
const NODE: &str = "node_floor";

/// A delivery's id with `Rows::Hookd`: its event's, prefixed as hookd's are.
fn delivery_id(event_id: &str) -> String {
    format!("del_{}", event_id.trim_start_matches("evt_"))
}

/// The stored request headers of an attempt with `Rows::Hookd`: what hookd stores of them for
/// a Standard Webhooks delivery (the signature and user agent; the rest it derives).
fn sent_headers(signature: &str) -> String {
    serde_json::json!([
        ["webhook-signature", signature],
        ["user-agent", "hookd/0.1"]
    ])
    .to_string()
}

/// The start of an attempt's minute, as hookd's statistics key it.
fn minute_of(at: i64) -> i64 {
    at - at.rem_euclid(60_000)
}

/// Tells each accepted event's caller whether its transaction committed.
fn answer(jobs: Vec<Job>, committed: bool) {
    for job in jobs {
        if let Job::Accept(_, done) = job {
            let _ = done.send(committed);
        }
    }
}
