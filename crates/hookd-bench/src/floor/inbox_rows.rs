//! The rows a bare inbox keeps in a SQLite file, as hookd's inbox keeps them: each received
//! request with its indexes, its de-duplication key, and the event it becomes, durable before
//! the sender is answered. One writer thread, every request waiting in one transaction, its
//! connection opened as hookd's writer's ([`open_writer`](super::ledger::open_writer)); de-duplication keys appended to a table
//! without indexes and found through one in memory, merged into the key index in key order, as
//! hookd stages them. Less than hookd does only where hookd's work is not the rows': the
//! request's number in its inbox is counted in memory, and no key is hashed twice.

use rusqlite::{Connection, OptionalExtension, Transaction, TransactionBehavior, params};
use std::sync::mpsc;
use tokio::sync::oneshot;

/// hookd's `inbox_requests`, `inbox_dedupe`, `inbox_dedupe_staged` and `events` with their
/// indexes, less the event columns received requests leave empty: a copy of its migrated
/// tables (this crate never depends on hookd), kept in step by hand.
const SCHEMA: &str = "
    CREATE TABLE IF NOT EXISTS inbox_requests (
        id TEXT PRIMARY KEY,
        inbox_id TEXT NOT NULL,
        seq INTEGER NOT NULL,
        tenant TEXT NOT NULL,
        received_at INTEGER NOT NULL,
        method TEXT NOT NULL,
        path TEXT NOT NULL,
        query TEXT NOT NULL,
        source_ip TEXT NOT NULL,
        headers TEXT NOT NULL,
        original_headers TEXT NOT NULL,
        body BLOB NOT NULL,
        verified INTEGER NOT NULL,
        verify_error TEXT,
        duplicate_of TEXT,
        event_id TEXT
    );
    CREATE UNIQUE INDEX IF NOT EXISTS inbox_requests_by_seq ON inbox_requests (inbox_id, seq);
    CREATE INDEX IF NOT EXISTS inbox_requests_by_inbox ON inbox_requests (inbox_id, id);
    CREATE INDEX IF NOT EXISTS inbox_requests_unverified ON inbox_requests (inbox_id, id)
        WHERE verified = 0;
    CREATE TABLE IF NOT EXISTS inbox_dedupe (
        key_prefix INTEGER NOT NULL,
        inbox_id TEXT NOT NULL,
        key TEXT NOT NULL,
        request_id TEXT NOT NULL,
        expires_at INTEGER NOT NULL
    );
    CREATE INDEX IF NOT EXISTS inbox_dedupe_by_prefix ON inbox_dedupe (key_prefix);
    CREATE INDEX IF NOT EXISTS inbox_dedupe_by_expiry ON inbox_dedupe (expires_at);
    CREATE TABLE IF NOT EXISTS inbox_dedupe_staged (
        key_prefix INTEGER NOT NULL,
        inbox_id TEXT NOT NULL,
        key TEXT NOT NULL,
        request_id TEXT NOT NULL,
        expires_at INTEGER NOT NULL
    );
    CREATE TABLE IF NOT EXISTS events (
        id TEXT PRIMARY KEY,
        tenant TEXT NOT NULL,
        type TEXT NOT NULL,
        idempotency_key TEXT,
        payload TEXT NOT NULL,
        delivery_count INTEGER NOT NULL,
        created_at INTEGER NOT NULL,
        inbox_request_id TEXT
    );
    CREATE UNIQUE INDEX IF NOT EXISTS events_by_idempotency_key ON events (tenant, idempotency_key)
        WHERE idempotency_key IS NOT NULL;
    CREATE INDEX IF NOT EXISTS events_by_tenant ON events (tenant, id);
    CREATE TEMP TABLE IF NOT EXISTS dedupe_staged (
        key_prefix INTEGER NOT NULL,
        row INTEGER NOT NULL
    );
    CREATE INDEX IF NOT EXISTS temp.dedupe_staged_by_prefix ON dedupe_staged (key_prefix);";

/// Keys staged before they are merged into the key index, as hookd's.
const MERGE_AFTER: i64 = 65_536;

/// How long a de-duplication key holds, as hookd's default window (milliseconds).
const DEDUPE_WINDOW_MS: i64 = 24 * 60 * 60 * 1000;

/// The inbox and tenant every request is received into.
const INBOX: &str = "ibx_01floorbenchinbox00000000";
const TENANT: &str = "default";
/// The type of the events requests become.
pub const EVENT_TYPE: &str = "floor.inbound";

/// A verified request, with the ids it is stored under.
pub struct Received {
    pub id: String,
    pub event_id: String,
    /// Unix milliseconds.
    pub at: i64,
    pub method: String,
    pub path: String,
    pub query: String,
    pub source_ip: String,
    /// Every header as received, as JSON `[[name, value], ...]`.
    pub headers: String,
    /// The content type and signature headers, likewise.
    pub original_headers: String,
    pub body: bytes::Bytes,
    /// The event's data: the body, when it is JSON.
    pub data: String,
    /// The de-duplication key: SHA-256 (hex) of what the sender's id says.
    pub key: String,
}

/// What became of a received request, once its transaction committed.
pub enum Stored {
    /// Stored, with its event.
    Accepted,
    /// Stored as a duplicate of this request.
    Duplicate(String),
}

type Job = (Received, oneshot::Sender<Option<Stored>>);

/// Where a bare inbox's rows go.
pub struct InboxRows {
    queue: mpsc::Sender<Job>,
}

impl InboxRows {
    /// A SQLite file (`sqlite://<path>`, or the path alone); makes the tables if missing.
    pub fn open(database: &str) -> anyhow::Result<Self> {
        if database.starts_with("postgres://") || database.starts_with("postgresql://") {
            anyhow::bail!("the bare inbox stores on SQLite only");
        }
        let path = database.strip_prefix("sqlite://").unwrap_or(database);
        let connection = super::ledger::open_writer(path)?;
        connection.execute_batch(SCHEMA)?;
        let (queue, jobs) = mpsc::channel();
        std::thread::Builder::new()
            .name("floor-inbox-writer".into())
            .spawn(move || write(connection, jobs))?;
        Ok(Self { queue })
    }

    /// Stores `request` durably; what became of it, or `None` if it could not be stored.
    pub async fn store(&self, request: Received) -> Option<Stored> {
        let (done, stored) = oneshot::channel();
        self.queue.send((request, done)).ok()?;
        stored.await.ok().flatten()
    }
}

fn write(mut connection: Connection, queue: mpsc::Receiver<Job>) {
    let mut seq = 0;
    while let Ok(first) = queue.recv() {
        let mut jobs = vec![first];
        jobs.extend(queue.try_iter());
        let first_seq = seq;
        match commit(&mut connection, &jobs, &mut seq) {
            Ok(stored) => {
                for ((_, done), stored) in jobs.into_iter().zip(stored) {
                    let _ = done.send(Some(stored));
                }
            }
            Err(_) => seq = first_seq,
        }
    }
}

fn commit(
    connection: &mut Connection,
    jobs: &[Job],
    seq: &mut i64,
) -> rusqlite::Result<Vec<Stored>> {
    let transaction = connection.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let mut stored = Vec::with_capacity(jobs.len());
    for (request, _) in jobs {
        *seq += 1;
        stored.push(store(&transaction, request, *seq)?);
    }
    transaction.commit()?;
    Ok(stored)
}

/// One request's rows: its key taken (or found held), its event if new, the request itself.
fn store(transaction: &Transaction, request: &Received, seq: i64) -> rusqlite::Result<Stored> {
    let prefix = key_prefix(&request.key);
    let held: Option<String> = transaction
        .prepare_cached(
            "SELECT request_id FROM inbox_dedupe \
             WHERE key_prefix = ?1 AND inbox_id = ?2 AND key = ?3 AND expires_at > ?4 \
             UNION ALL \
             SELECT d.request_id FROM temp.dedupe_staged s \
             JOIN inbox_dedupe_staged d ON d.rowid = s.row \
             WHERE s.key_prefix = ?1 AND d.inbox_id = ?2 AND d.key = ?3 AND d.expires_at > ?4 \
             LIMIT 1",
        )?
        .query_row(params![prefix, INBOX, request.key, request.at], |row| {
            row.get(0)
        })
        .optional()?;
    let event_id = match &held {
        Some(_) => None,
        None => {
            stage_key(transaction, prefix, request)?;
            transaction
                .prepare_cached(
                    "INSERT INTO events (id, tenant, type, payload, delivery_count, created_at, \
                         inbox_request_id) \
                     VALUES (?1, ?2, ?3, ?4, 0, ?5, ?6)",
                )?
                .execute(params![
                    request.event_id,
                    TENANT,
                    EVENT_TYPE,
                    request.data,
                    request.at,
                    request.id
                ])?;
            Some(request.event_id.as_str())
        }
    };
    transaction
        .prepare_cached(
            "INSERT INTO inbox_requests (id, inbox_id, seq, tenant, received_at, method, path, \
                 query, source_ip, headers, original_headers, body, verified, verify_error, \
                 duplicate_of, event_id) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, 1, NULL, ?13, ?14)",
        )?
        .execute(params![
            request.id,
            INBOX,
            seq,
            TENANT,
            request.at,
            request.method,
            request.path,
            request.query,
            request.source_ip,
            request.headers,
            request.original_headers,
            &request.body[..],
            held,
            event_id
        ])?;
    Ok(held.map_or(Stored::Accepted, Stored::Duplicate))
}

/// Appends a new key outside the index; merges the staged keys into it once there are enough.
fn stage_key(transaction: &Transaction, prefix: i64, request: &Received) -> rusqlite::Result<()> {
    transaction
        .prepare_cached(
            "INSERT INTO inbox_dedupe_staged (key_prefix, inbox_id, key, request_id, expires_at) \
             VALUES (?1, ?2, ?3, ?4, ?5)",
        )?
        .execute(params![
            prefix,
            INBOX,
            request.key,
            request.id,
            request.at + DEDUPE_WINDOW_MS
        ])?;
    let row = transaction.last_insert_rowid();
    transaction
        .prepare_cached("INSERT INTO temp.dedupe_staged (key_prefix, row) VALUES (?1, ?2)")?
        .execute(params![prefix, row])?;
    if transaction.last_insert_rowid() >= MERGE_AFTER {
        transaction.execute_batch(
            "INSERT INTO inbox_dedupe (key_prefix, inbox_id, key, request_id, expires_at) \
                 SELECT key_prefix, inbox_id, key, request_id, expires_at \
                 FROM inbox_dedupe_staged ORDER BY key_prefix; \
             DELETE FROM inbox_dedupe_staged; \
             DELETE FROM temp.dedupe_staged;",
        )?;
    }
    Ok(())
}

/// The key's first 8 bytes, as a signed integer (the key is already a hash).
fn key_prefix(key: &str) -> i64 {
    let mut bytes = [0u8; 8];
    for (byte, pair) in bytes.iter_mut().zip(key.as_bytes().chunks(2)) {
        let digit = |c: u8| (c as char).to_digit(16).unwrap_or(0) as u8;
        *byte = digit(pair[0]) << 4 | pair.get(1).map_or(0, |&c| digit(c));
    }
    i64::from_be_bytes(bytes)
}
