//! De-duplication keys on SQLite: taken in the writer's transaction, staged outside the key
//! index and merged into it in bulk.
//!
//! Keys are hashes, so each one inserted into a B-tree lands on a leaf page of its own, and the
//! commit writes that whole page to the WAL (and the checkpointer writes it again). A new key is
//! therefore appended with `merged = 0`, which keeps it out of `inbox_dedupe_by_prefix`, and its
//! row is found through `temp.dedupe_staged`, a table of the writer's connection that lives in
//! memory and rolls back with the transaction. Once `MERGE_AFTER` keys are staged, one UPDATE
//! moves them all into the index, touching each leaf page once however many of its keys came.
//! Opening the database rebuilds the staged table from `inbox_dedupe_staged`, so a key stored
//! before a crash is found after it.

use crate::model::*;
use crate::store::StoreResult;
use rusqlite::{Connection, OptionalExtension, params};

/// Keys staged before they are merged into the index (a few megabytes of rows to find them).
const MERGE_AFTER: i64 = 8_192;

/// Creates the writer's staged-key table and fills it with the keys not merged yet. Run once,
/// on the writer's connection, after the migrations.
pub fn open_staging(conn: &Connection) -> StoreResult<()> {
    conn.execute_batch(
        "CREATE TEMP TABLE IF NOT EXISTS dedupe_staged (
             key_prefix INTEGER NOT NULL,
             row        INTEGER NOT NULL
         );
         CREATE INDEX IF NOT EXISTS temp.dedupe_staged_by_prefix ON dedupe_staged (key_prefix);
         DELETE FROM temp.dedupe_staged;
         INSERT INTO temp.dedupe_staged (key_prefix, row)
             SELECT key_prefix, rowid FROM inbox_dedupe WHERE merged = 0;",
    )?;
    Ok(())
}

/// Takes the de-duplication key for `request` unless an unexpired one holds it; returns the
/// request that holds it. The writer runs one transaction at a time, so check-then-write is
/// atomic here.
pub fn take_key(
    conn: &Connection,
    request: &InboxRequest,
    dedupe: &DedupeEntry,
) -> StoreResult<Option<InboxRequestId>> {
    let prefix = key_prefix(&dedupe.key);
    // A key has at most one row: an expired one is taken over in place.
    let found: Option<(i64, String, i64)> = conn
        .prepare_cached(
            "SELECT rowid, request_id, expires_at FROM inbox_dedupe \
             WHERE key_prefix = ?1 AND merged = 1 AND inbox_id = ?2 AND key = ?3 \
             UNION ALL \
             SELECT d.rowid, d.request_id, d.expires_at \
             FROM temp.dedupe_staged s JOIN inbox_dedupe d ON d.rowid = s.row \
             WHERE s.key_prefix = ?1 AND d.inbox_id = ?2 AND d.key = ?3 \
             LIMIT 1",
        )?
        .query_row(
            params![prefix, request.inbox_id.as_str(), dedupe.key],
            |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)),
        )
        .optional()?;
    match found {
        Some((_, first, expires_at)) if expires_at > request.received_at.as_millis() => {
            Ok(Some(InboxRequestId::from_trusted(first)))
        }
        Some((rowid, _, _)) => {
            conn.prepare_cached(
                "UPDATE inbox_dedupe SET request_id = ?2, expires_at = ?3 WHERE rowid = ?1",
            )?
            .execute(params![
                rowid,
                request.id.as_str(),
                dedupe.expires_at.as_millis()
            ])?;
            Ok(None)
        }
        None => {
            stage(conn, prefix, request, dedupe)?;
            Ok(None)
        }
    }
}

/// Appends a new key outside the index, and merges the staged keys once there are enough.
fn stage(
    conn: &Connection,
    prefix: i64,
    request: &InboxRequest,
    dedupe: &DedupeEntry,
) -> StoreResult<()> {
    conn.prepare_cached(
        "INSERT INTO inbox_dedupe (key_prefix, inbox_id, key, request_id, expires_at, merged) \
         VALUES (?1, ?2, ?3, ?4, ?5, 0)",
    )?
    .execute(params![
        prefix,
        request.inbox_id.as_str(),
        dedupe.key,
        request.id.as_str(),
        dedupe.expires_at.as_millis()
    ])?;
    let row = conn.last_insert_rowid();
    conn.prepare_cached("INSERT INTO temp.dedupe_staged (key_prefix, row) VALUES (?1, ?2)")?
        .execute(params![prefix, row])?;
    // The staged table's rowids count up from 1 after each merge empties it.
    if conn.last_insert_rowid() >= MERGE_AFTER {
        merge(conn)?;
    }
    Ok(())
}

/// Moves every staged key into the index (rows of keys deleted meanwhile just leave the
/// staged table).
fn merge(conn: &Connection) -> StoreResult<()> {
    conn.prepare_cached("UPDATE inbox_dedupe SET merged = 1 WHERE merged = 0")?
        .execute([])?;
    conn.prepare_cached("DELETE FROM temp.dedupe_staged")?
        .execute([])?;
    Ok(())
}

/// The index key of a de-duplication key: its SHA-256's first 8 bytes.
fn key_prefix(key: &str) -> i64 {
    use sha2::Digest;
    let digest = sha2::Sha256::digest(key.as_bytes());
    i64::from_be_bytes(digest[..8].try_into().expect("8 bytes"))
}

#[cfg(test)]
mod tests;
