//! De-duplication keys on SQLite: taken in the writer's transaction, staged outside the key
//! index and merged into it in bulk.
//!
//! Keys are hashes, so each one inserted into a B-tree lands on a leaf page of its own, and the
//! commit writes that whole page to the WAL (and the checkpointer writes it again). A new key is
//! therefore appended to `inbox_dedupe_staged`, a table without any index (one B-tree changed
//! per key, at its end), and found through `temp.dedupe_staged`, a table of the writer's
//! connection that lives in memory and rolls back with the transaction. Once `MERGE_AFTER` keys
//! are staged, they move into `inbox_dedupe` in key order in one statement, which touches each
//! leaf page of the key index once however many of its keys came. Opening the database rebuilds
//! the in-memory table from `inbox_dedupe_staged`, so a key stored before a crash is found
//! after it.

use crate::model::*;
use crate::store::StoreResult;
use rusqlite::{Connection, OptionalExtension, params};

/// Keys staged before they are merged into the index: the more at once, the fewer times each
/// leaf page of the index is written (a few megabytes of rows in memory to find them).
const MERGE_AFTER: i64 = 65_536;

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
             SELECT key_prefix, rowid FROM inbox_dedupe_staged;",
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
    take_key_merging_after(conn, request, dedupe, MERGE_AFTER)
}

fn take_key_merging_after(
    conn: &Connection,
    request: &InboxRequest,
    dedupe: &DedupeEntry,
    merge_after: i64,
) -> StoreResult<Option<InboxRequestId>> {
    let prefix = key_prefix(&dedupe.key);
    // A key has at most one row, merged or staged: an expired one is taken over in place.
    // (staged, rowid, the first request, its expiry)
    let found: Option<(bool, i64, String, i64)> = conn
        .prepare_cached(
            "SELECT 0, rowid, request_id, expires_at FROM inbox_dedupe \
             WHERE key_prefix = ?1 AND inbox_id = ?2 AND key = ?3 \
             UNION ALL \
             SELECT 1, d.rowid, d.request_id, d.expires_at \
             FROM temp.dedupe_staged s JOIN inbox_dedupe_staged d ON d.rowid = s.row \
             WHERE s.key_prefix = ?1 AND d.inbox_id = ?2 AND d.key = ?3 \
             LIMIT 1",
        )?
        .query_row(
            params![prefix, request.inbox_id.as_str(), dedupe.key],
            |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?)),
        )
        .optional()?;
    match found {
        Some((_, _, first, expires_at)) if expires_at > request.received_at.as_millis() => {
            Ok(Some(InboxRequestId::from_trusted(first)))
        }
        Some((staged, rowid, _, _)) => {
            let sql = if staged {
                "UPDATE inbox_dedupe_staged SET request_id = ?2, expires_at = ?3 WHERE rowid = ?1"
            } else {
                "UPDATE inbox_dedupe SET request_id = ?2, expires_at = ?3 WHERE rowid = ?1"
            };
            conn.prepare_cached(sql)?.execute(params![
                rowid,
                request.id.as_str(),
                dedupe.expires_at.as_millis()
            ])?;
            Ok(None)
        }
        None => {
            stage(conn, prefix, request, dedupe, merge_after)?;
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
    merge_after: i64,
) -> StoreResult<()> {
    conn.prepare_cached(
        "INSERT INTO inbox_dedupe_staged (key_prefix, inbox_id, key, request_id, expires_at) \
         VALUES (?1, ?2, ?3, ?4, ?5)",
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
    if conn.last_insert_rowid() >= merge_after {
        merge(conn)?;
    }
    Ok(())
}

/// Moves every staged key into the index, in key order.
fn merge(conn: &Connection) -> StoreResult<()> {
    conn.prepare_cached(
        "INSERT INTO inbox_dedupe (key_prefix, inbox_id, key, request_id, expires_at) \
         SELECT key_prefix, inbox_id, key, request_id, expires_at FROM inbox_dedupe_staged \
         ORDER BY key_prefix",
    )?
    .execute([])?;
    conn.prepare_cached("DELETE FROM inbox_dedupe_staged")?
        .execute([])?;
    conn.prepare_cached("DELETE FROM temp.dedupe_staged")?
        .execute([])?;
    Ok(())
}

/// Deletes up to `batch` expired keys, merged or staged; returns how many.
pub fn prune(conn: &Connection, now: Timestamp, batch: usize) -> StoreResult<usize> {
    let mut deleted = 0;
    for sql in [
        "DELETE FROM inbox_dedupe WHERE rowid IN \
         (SELECT rowid FROM inbox_dedupe WHERE expires_at <= ?1 LIMIT ?2)",
        // At most `MERGE_AFTER` rows, without an index on their expiry: a scan.
        "DELETE FROM inbox_dedupe_staged WHERE rowid IN \
         (SELECT rowid FROM inbox_dedupe_staged WHERE expires_at <= ?1 LIMIT ?2)",
    ] {
        deleted += conn
            .prepare_cached(sql)?
            .execute(params![now.as_millis(), batch as i64])?;
    }
    Ok(deleted)
}

/// The index key of a de-duplication key: its SHA-256's first 8 bytes.
fn key_prefix(key: &str) -> i64 {
    use sha2::Digest;
    let digest = sha2::Sha256::digest(key.as_bytes());
    i64::from_be_bytes(digest[..8].try_into().expect("8 bytes"))
}

#[cfg(test)]
mod tests;
