//! WAL checkpoints on a thread of their own. Every write passes through the one writer thread,
//! so the writer never copies WAL pages back into the database file itself (SQLite's automatic
//! checkpoint is off on its connection); this thread does, every `INTERVAL`, in PASSIVE mode,
//! which never blocks the writer or the readers.

use crate::store::{StoreError, StoreResult};
use rusqlite::Connection;
use std::path::Path;
use std::sync::mpsc;
use std::time::Duration;

/// How often the WAL is copied back. At the benchmark's write rates this keeps the WAL to a
/// few megabytes.
const INTERVAL: Duration = Duration::from_millis(250);

/// Stops the thread when dropped (with the store).
pub struct Checkpointer {
    _stop: mpsc::Sender<()>,
}

impl Checkpointer {
    pub fn start(path: &Path) -> StoreResult<Self> {
        let conn = Connection::open(path)
            .map_err(|e| StoreError::Unavailable(format!("cannot open {}: {e}", path.display())))?;
        conn.pragma_update(None, "synchronous", "FULL")?;
        let (stop, stopped) = mpsc::channel::<()>();
        std::thread::Builder::new()
            .name("hookd-sqlite-checkpoint".into())
            .spawn(move || {
                while let Err(mpsc::RecvTimeoutError::Timeout) = stopped.recv_timeout(INTERVAL) {
                    let done = conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(()));
                    if let Err(error) = done {
                        tracing::warn!(%error, "WAL checkpoint failed; trying again");
                    }
                }
            })
            .map_err(|e| StoreError::Internal(format!("cannot start the checkpointer: {e}")))?;
        Ok(Self { _stop: stop })
    }
}
