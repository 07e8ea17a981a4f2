//! A small pool of read-only connections. Reads run on tokio's blocking threads so that SQLite
//! never stalls the async workers; WAL mode lets them proceed while the writer commits.

use crate::store::{StoreError, StoreResult};
use rusqlite::{Connection, OpenFlags};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;
use std::sync::Mutex;
use tokio::sync::Semaphore;

pub struct Readers {
    idle: Mutex<Vec<Connection>>,
    available: Semaphore,
}

impl Readers {
    pub fn open(path: &Path, size: usize) -> StoreResult<Self> {
        let mut idle = Vec::with_capacity(size);
        for _ in 0..size {
            let conn = Connection::open_with_flags(
                path,
                OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
            )?;
            conn.busy_timeout(std::time::Duration::from_secs(5))?;
            conn.set_prepared_statement_cache_capacity(64);
            idle.push(conn);
        }
        Ok(Self {
            idle: Mutex::new(idle),
            available: Semaphore::new(size),
        })
    }

    /// Runs `work` on an idle connection.
    pub async fn read<T, F>(&self, work: F) -> StoreResult<T>
    where
        F: FnOnce(&Connection) -> StoreResult<T> + Send + 'static,
        T: Send + 'static,
    {
        let _permit = self
            .available
            .acquire()
            .await
            .map_err(|_| StoreError::Unavailable("the database is closed".into()))?;
        let conn = self
            .idle
            .lock()
            .expect("reader pool lock")
            .pop()
            .expect("a permit means an idle connection");
        let (conn, result) = tokio::task::spawn_blocking(move || {
            let result = catch_unwind(AssertUnwindSafe(|| work(&conn)))
                .unwrap_or_else(|_| Err(StoreError::Internal("a read panicked".into())));
            (conn, result)
        })
        .await
        .map_err(|_| StoreError::Internal("a read task was cancelled".into()))?;
        self.idle.lock().expect("reader pool lock").push(conn);
        result
    }
}
