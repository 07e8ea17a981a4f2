//! What a bare server stores, durably, before it answers: each event accepted (and, when it
//! relays, the event's delivery), then each attempt's outcome. The rows are the least a
//! webhook service keeps: the event by its id, the delivery's state, and every attempt, findable
//! by its event. SQLite (one writer thread, every waiting row in one transaction, WAL with
//! `synchronous = FULL`) or PostgreSQL (a whole batch in one statement per table, two
//! transactions at once), as hookd writes them.

mod postgres;
mod sqlite;

use bytes::Bytes;
use tokio::sync::oneshot;

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
    /// tables if missing.
    pub async fn open(database: &str) -> anyhow::Result<Self> {
        if database.starts_with("postgres://") || database.starts_with("postgresql://") {
            Ok(Self::Postgres(
                postgres::PostgresLedger::open(database).await?,
            ))
        } else {
            let path = database.strip_prefix("sqlite://").unwrap_or(database);
            Ok(Self::Sqlite(sqlite::SqliteLedger::open(path)?))
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

/// Tells each accepted event's caller whether its transaction committed.
fn answer(jobs: Vec<Job>, committed: bool) {
    for job in jobs {
        if let Job::Accept(_, done) = job {
            let _ = done.send(committed);
        }
    }
}
