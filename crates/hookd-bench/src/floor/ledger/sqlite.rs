//! The bare servers' rows in a SQLite file: one writer thread, every row change waiting when
//! it wakes in one transaction, WAL with `synchronous = FULL`, as hookd's writer.

use super::{Job, answer};
use rusqlite::{Connection, TransactionBehavior, params};
use std::sync::mpsc;

const SCHEMA: &str = "
    PRAGMA journal_mode = WAL;
    PRAGMA synchronous = FULL;
    CREATE TABLE IF NOT EXISTS events (
        id TEXT PRIMARY KEY,
        type TEXT NOT NULL,
        payload BLOB NOT NULL,
        created_at INTEGER NOT NULL
    );
    CREATE TABLE IF NOT EXISTS deliveries (
        event_id TEXT PRIMARY KEY,
        status TEXT NOT NULL,
        attempts INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
    );
    CREATE TABLE IF NOT EXISTS attempts (
        event_id TEXT NOT NULL,
        at INTEGER NOT NULL,
        status INTEGER NOT NULL,
        duration_us INTEGER NOT NULL
    );
    CREATE INDEX IF NOT EXISTS attempts_by_event ON attempts (event_id);";

pub struct SqliteLedger {
    queue: mpsc::Sender<Job>,
}

impl SqliteLedger {
    pub fn open(path: &str) -> anyhow::Result<Self> {
        let connection = Connection::open(path)?;
        connection.execute_batch(SCHEMA)?;
        let (queue, jobs) = mpsc::channel();
        std::thread::Builder::new()
            .name("floor-writer".into())
            .spawn(move || write(connection, jobs))?;
        Ok(Self { queue })
    }

    pub(super) fn queue(&self, job: Job) -> bool {
        self.queue.send(job).is_ok()
    }
}

fn write(mut connection: Connection, queue: mpsc::Receiver<Job>) {
    while let Ok(first) = queue.recv() {
        let mut jobs = vec![first];
        jobs.extend(queue.try_iter());
        let committed = commit(&mut connection, &jobs).is_ok();
        answer(jobs, committed);
    }
}

fn commit(connection: &mut Connection, jobs: &[Job]) -> rusqlite::Result<()> {
    let transaction = connection.transaction_with_behavior(TransactionBehavior::Immediate)?;
    for job in jobs {
        match job {
            Job::Accept(event, _) => {
                transaction
                    .prepare_cached(
                        "INSERT INTO events (id, type, payload, created_at)
                         VALUES (?1, ?2, ?3, ?4)",
                    )?
                    .execute(params![
                        event.id,
                        event.event_type,
                        &event.payload[..],
                        event.at
                    ])?;
                if event.delivered {
                    transaction
                        .prepare_cached(
                            "INSERT INTO deliveries (event_id, status, attempts, updated_at)
                             VALUES (?1, 'pending', 0, ?2)",
                        )?
                        .execute(params![event.id, event.at])?;
                }
            }
            Job::Outcome(outcome) => {
                let status = if (200..300).contains(&outcome.status) {
                    "succeeded"
                } else {
                    "failed"
                };
                transaction
                    .prepare_cached(
                        "UPDATE deliveries SET status = ?2, attempts = attempts + 1,
                         updated_at = ?3 WHERE event_id = ?1",
                    )?
                    .execute(params![outcome.id, status, outcome.at])?;
                transaction
                    .prepare_cached(
                        "INSERT INTO attempts (event_id, at, status, duration_us)
                         VALUES (?1, ?2, ?3, ?4)",
                    )?
                    .execute(params![
                        outcome.id,
                        outcome.at,
                        outcome.status,
                        outcome.duration_us
                    ])?;
            }
        }
    }
    transaction.commit()
}
