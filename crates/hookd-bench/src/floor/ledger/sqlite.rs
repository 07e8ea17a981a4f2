//! The bare servers' rows in a SQLite file: one writer thread, every row change waiting when
//! it wakes in one transaction, WAL with `synchronous = FULL`, as hookd's writer.

use super::{Job, Rows, answer};
use rusqlite::{Connection, Transaction, TransactionBehavior, params};
use std::sync::mpsc;

const LEAST: &str = "
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

/// hookd's columns that its indexes and statistics use, and its indexes: a copy of its
/// migrated `events`, `deliveries`, `attempts` and `attempt_stats` (this crate never depends on
/// hookd), less the columns this work leaves empty and the indexes only ordered or scheduled
/// deliveries enter. Kept in step by hand.
const HOOKD: &str = "
    CREATE TABLE IF NOT EXISTS events (
        id TEXT PRIMARY KEY,
        tenant TEXT NOT NULL,
        type TEXT NOT NULL,
        payload TEXT NOT NULL,
        delivery_count INTEGER NOT NULL,
        created_at INTEGER NOT NULL
    );
    CREATE INDEX IF NOT EXISTS events_by_tenant ON events (tenant, id);
    CREATE TABLE IF NOT EXISTS deliveries (
        id TEXT PRIMARY KEY,
        event_id TEXT NOT NULL,
        webhook_id TEXT NOT NULL,
        tenant TEXT NOT NULL,
        event_type TEXT NOT NULL,
        status TEXT NOT NULL,
        attempt_count INTEGER NOT NULL,
        claimed_by TEXT,
        lease_until INTEGER,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
    );
    CREATE INDEX IF NOT EXISTS deliveries_by_event ON deliveries (event_id);
    CREATE INDEX IF NOT EXISTS deliveries_by_webhook ON deliveries (webhook_id, status, updated_at);
    CREATE INDEX IF NOT EXISTS deliveries_by_status ON deliveries (tenant, status);
    CREATE INDEX IF NOT EXISTS deliveries_leased ON deliveries (lease_until)
        WHERE status = 'pending' AND claimed_by IS NOT NULL;
    CREATE TABLE IF NOT EXISTS attempts (
        id TEXT PRIMARY KEY,
        delivery_id TEXT NOT NULL,
        webhook_id TEXT NOT NULL,
        event_id TEXT NOT NULL,
        tenant TEXT NOT NULL,
        event_type TEXT NOT NULL,
        attempt INTEGER NOT NULL,
        status TEXT NOT NULL,
        response_code INTEGER,
        duration_ms INTEGER NOT NULL,
        request_headers TEXT NOT NULL,
        created_at INTEGER NOT NULL
    );
    CREATE INDEX IF NOT EXISTS attempts_by_webhook ON attempts (webhook_id, id);
    CREATE INDEX IF NOT EXISTS attempts_by_delivery ON attempts (delivery_id);
    CREATE TABLE IF NOT EXISTS attempt_stats (
        webhook_id TEXT NOT NULL,
        minute INTEGER NOT NULL,
        tenant TEXT NOT NULL,
        succeeded INTEGER NOT NULL,
        failed INTEGER NOT NULL,
        latency_sum_ms INTEGER NOT NULL,
        PRIMARY KEY (webhook_id, minute)
    ) WITHOUT ROWID;
    CREATE INDEX IF NOT EXISTS attempt_stats_by_tenant ON attempt_stats (tenant, minute);";

/// Opens the writer's connection to `path` as hookd opens its writer's: WAL with
/// `synchronous = FULL`, temporary tables in memory, a 32 MB page cache. (SQLite's own
/// checkpoints stay on: the writer copies the WAL back itself, where hookd's writer leaves
/// that to a thread of its own; both are the process's CPU.)
pub fn open_writer(path: &str) -> rusqlite::Result<Connection> {
    let connection = Connection::open(path)?;
    connection.execute_batch(
        "PRAGMA journal_mode = WAL;
         PRAGMA synchronous = FULL;
         PRAGMA temp_store = MEMORY;
         PRAGMA cache_size = -32000;",
    )?;
    Ok(connection)
}

pub struct SqliteLedger {
    queue: mpsc::Sender<Job>,
}

impl SqliteLedger {
    pub fn open(path: &str, rows: Rows) -> anyhow::Result<Self> {
        let connection = open_writer(path)?;
        connection.execute_batch(match rows {
            Rows::Least => LEAST,
            Rows::Hookd => HOOKD,
        })?;
        let (queue, jobs) = mpsc::channel();
        std::thread::Builder::new()
            .name("floor-writer".into())
            .spawn(move || write(connection, rows, jobs))?;
        Ok(Self { queue })
    }

    pub(super) fn queue(&self, job: Job) -> bool {
        self.queue.send(job).is_ok()
    }
}

fn write(mut connection: Connection, rows: Rows, queue: mpsc::Receiver<Job>) {
    while let Ok(first) = queue.recv() {
        let mut jobs = vec![first];
        jobs.extend(queue.try_iter());
        let committed = commit(&mut connection, rows, &jobs).is_ok();
        answer(jobs, committed);
    }
}

fn commit(connection: &mut Connection, rows: Rows, jobs: &[Job]) -> rusqlite::Result<()> {
    let transaction = connection.transaction_with_behavior(TransactionBehavior::Immediate)?;
    match rows {
        Rows::Least => write_least(&transaction, jobs)?,
        Rows::Hookd => write_hookd(&transaction, jobs)?,
    }
    transaction.commit()
}

fn write_least(transaction: &Transaction, jobs: &[Job]) -> rusqlite::Result<()> {
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
                let status = outcome.delivery_status();
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
    Ok(())
}

/// hookd's rows, each written with one statement of the shape hookd's writer uses; a
/// delivery is inserted claimed (leased), as a node inserts what it delivers itself.
fn write_hookd(transaction: &Transaction, jobs: &[Job]) -> rusqlite::Result<()> {
    for job in jobs {
        match job {
            Job::Accept(event, _) => {
                transaction
                    .prepare_cached(
                        "INSERT INTO events (id, tenant, type, payload, delivery_count, created_at)
                         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                    )?
                    .execute(params![
                        event.id,
                        super::TENANT,
                        event.event_type,
                        std::str::from_utf8(&event.payload).unwrap_or_default(),
                        i64::from(event.delivered),
                        event.at
                    ])?;
                if event.delivered {
                    transaction
                        .prepare_cached(
                            "INSERT INTO deliveries (id, event_id, webhook_id, tenant, event_type,
                                 status, attempt_count, claimed_by, lease_until, created_at,
                                 updated_at)
                             VALUES (?1, ?2, ?3, ?4, ?5, 'pending', 0, ?6, ?7, ?8, ?8)",
                        )?
                        .execute(params![
                            super::delivery_id(&event.id),
                            event.id,
                            super::WEBHOOK,
                            super::TENANT,
                            event.event_type,
                            super::NODE,
                            event.at + 30_000,
                            event.at
                        ])?;
                }
            }
            Job::Outcome(outcome) => {
                let status = outcome.delivery_status();
                let delivery = super::delivery_id(&outcome.id);
                transaction
                    .prepare_cached(
                        "INSERT INTO attempts (id, delivery_id, webhook_id, event_id, tenant,
                             event_type, attempt, status, response_code, duration_ms,
                             request_headers, created_at)
                         VALUES (?1, ?2, ?3, ?4, ?5, 'floor.relay', 1, ?6, ?7, ?8, ?9, ?10)",
                    )?
                    .execute(params![
                        format!("att_{}", ulid::Ulid::new()),
                        delivery,
                        super::WEBHOOK,
                        outcome.id,
                        super::TENANT,
                        status,
                        outcome.status,
                        outcome.duration_us / 1000,
                        super::sent_headers(&outcome.signature),
                        outcome.at
                    ])?;
                transaction
                    .prepare_cached(
                        "UPDATE deliveries SET status = ?2, attempt_count = attempt_count + 1,
                             claimed_by = NULL, lease_until = NULL, updated_at = ?3
                         WHERE id = ?1 AND status = 'pending' AND claimed_by = ?4",
                    )?
                    .execute(params![delivery, status, outcome.at, super::NODE])?;
            }
        }
    }
    for (minute, tally) in super::tally_minutes(jobs) {
        transaction
            .prepare_cached(
                "INSERT INTO attempt_stats (webhook_id, minute, tenant, succeeded, failed,
                     latency_sum_ms)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                 ON CONFLICT (webhook_id, minute) DO UPDATE SET
                     succeeded = succeeded + excluded.succeeded,
                     failed = failed + excluded.failed,
                     latency_sum_ms = latency_sum_ms + excluded.latency_sum_ms",
            )?
            .execute(params![
                super::WEBHOOK,
                minute,
                super::TENANT,
                tally.succeeded,
                tally.failed,
                tally.latency_sum_ms
            ])?;
    }
    Ok(())
}
