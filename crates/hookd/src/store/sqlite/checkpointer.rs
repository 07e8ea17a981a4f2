//! WAL checkpoints on a thread of their own. Every write passes through the one writer thread,
//! so the writer never copies WAL pages back into the database file itself (SQLite's automatic
//! checkpoint is off on its connection); this thread does, every `INTERVAL`, in PASSIVE mode,
//! which never blocks the writer or the readers.
//!
//! A PASSIVE checkpoint copies the frames that existed when it began; under a steady stream of
//! writes, new ones always arrive meanwhile, the WAL is never wholly copied, and SQLite never
//! starts it again from its beginning: it grew by hundreds of megabytes a minute, and each new
//! page of the file cost the kernel an allocation and a zeroing (a sixth of hookd's CPU per
//! inbox request). So once the WAL is past `CATCH_UP_AFTER` frames, this thread raises
//! `WalCatchUp`, and the writer, between two transactions, copies the few frames written since
//! (`Writer`); its next transaction then writes the WAL from its beginning again.

use crate::store::{StoreError, StoreResult};
use rusqlite::Connection;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::time::Duration;

/// How often the WAL is copied back. At the benchmark's write rates this keeps the WAL to a
/// few megabytes.
const INTERVAL: Duration = Duration::from_millis(250);

/// Frames in the WAL (4 KiB each) past which the writer finishes the copy, so the WAL restarts:
/// 32 MiB, which stays in the kernel's page cache, and rarely enough that the writer's share of
/// the copying stays small (at 1,024 it was 5% of hookd's CPU per inbox request).
const CATCH_UP_AFTER: i64 = 8_192;

/// Raised by the checkpointer when the writer should finish copying the WAL.
#[derive(Clone, Default)]
pub struct WalCatchUp(Arc<AtomicBool>);

impl WalCatchUp {
    fn raise(&self) {
        self.0.store(true, Ordering::Release);
    }

    /// Whether it was raised; lowers it.
    pub fn take(&self) -> bool {
        self.0.swap(false, Ordering::AcqRel)
    }
}

/// Copies the WAL back on `conn` (PASSIVE); returns the frames in the WAL.
pub fn checkpoint(conn: &Connection) -> rusqlite::Result<i64> {
    conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |row| row.get(1))
}

/// Stops the thread when dropped (with the store).
pub struct Checkpointer {
    _stop: mpsc::Sender<()>,
}

impl Checkpointer {
    pub fn start(path: &Path, catch_up: WalCatchUp) -> StoreResult<Self> {
        let conn = Connection::open(path)
            .map_err(|e| StoreError::Unavailable(format!("cannot open {}: {e}", path.display())))?;
        conn.pragma_update(None, "synchronous", "FULL")?;
        let (stop, stopped) = mpsc::channel::<()>();
        std::thread::Builder::new()
            .name("hookd-sqlite-checkpoint".into())
            .spawn(move || {
                while let Err(mpsc::RecvTimeoutError::Timeout) = stopped.recv_timeout(INTERVAL) {
                    match checkpoint(&conn) {
                        Ok(frames) if frames >= CATCH_UP_AFTER => catch_up.raise(),
                        Ok(_) => {}
                        Err(error) => tracing::warn!(%error, "WAL checkpoint failed; trying again"),
                    }
                }
            })
            .map_err(|e| StoreError::Internal(format!("cannot start the checkpointer: {e}")))?;
        Ok(Self { _stop: stop })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::sqlite::writer::Writer;

    /// Frames in the WAL, read by a connection of the test's own.
    fn wal_frames(reader: &Connection) -> i64 {
        checkpoint(reader).expect("a checkpoint")
    }

    async fn add_rows(writer: &Writer, rows: usize) {
        for _ in 0..rows {
            writer
                .write(|c| Ok(c.execute("INSERT INTO t VALUES (randomblob(3000))", [])?))
                .await
                .expect("a row");
        }
    }

    /// Without the writer's catch-up, frames written after the checkpointer's pass keep the
    /// WAL from ever being wholly copied, and it only grows.
    #[tokio::test]
    async fn the_wal_starts_again_once_the_writer_has_caught_up() {
        let folder = tempfile::tempdir().expect("a folder");
        let path = folder.path().join("hookd.db");
        let conn = super::super::open_writer(&path).expect("the writer's connection");
        conn.execute_batch("CREATE TABLE t (x BLOB)")
            .expect("a table");
        let catch_up = WalCatchUp::default();
        let (writer, _thread) = Writer::start(conn, catch_up.clone());
        let reader = Connection::open(&path).expect("a second connection");

        add_rows(&writer, 200).await;
        let grown = wal_frames(&reader);
        assert!(grown >= 200, "{grown} frames");
        // Frames the checkpointer's pass did not see.
        add_rows(&writer, 10).await;
        catch_up.raise();
        add_rows(&writer, 1).await;
        // The writer answers a batch's callers before it looks at the flag; once a second
        // batch has been answered, it has looked.
        add_rows(&writer, 1).await;
        assert!(!catch_up.take(), "the writer took the catch-up");
        let restarted = wal_frames(&reader);
        assert!(
            restarted < 10,
            "the WAL holds {restarted} frames after {grown}: it did not start again"
        );
    }
}
