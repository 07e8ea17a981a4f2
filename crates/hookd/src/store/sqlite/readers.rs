//! A small pool of read-only connections. Reads run on tokio's blocking threads so that SQLite
//! never stalls the async workers; WAL mode lets them proceed while the writer commits.

use crate::store::{StoreError, StoreResult};
use rusqlite::{Connection, OpenFlags};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;
use std::sync::{Arc, Mutex, PoisonError};
use tokio::sync::Semaphore;

pub struct Readers {
    idle: Arc<Mutex<Vec<Connection>>>,
    available: Arc<Semaphore>,
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
            idle: Arc::new(Mutex::new(idle)),
            available: Arc::new(Semaphore::new(size)),
        })
    }

    /// Runs `work` on an idle connection. The connection and its permit go back to the pool
    /// from the blocking task itself, so a caller that stops waiting (a client that hung up,
    /// a stream closed) can't lose a connection or leave a permit without one.
    pub async fn read<T, F>(&self, work: F) -> StoreResult<T>
    where
        F: FnOnce(&Connection) -> StoreResult<T> + Send + 'static,
        T: Send + 'static,
    {
        let permit = Arc::clone(&self.available)
            .acquire_owned()
            .await
            .map_err(|_| StoreError::Unavailable("the database is closed".into()))?;
        let idle = Arc::clone(&self.idle);
        let conn = idle
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .pop()
            .expect("a permit means an idle connection");
        tokio::task::spawn_blocking(move || {
            let result = catch_unwind(AssertUnwindSafe(|| work(&conn)))
                .unwrap_or_else(|_| Err(StoreError::Internal("a read panicked".into())));
            idle.lock()
                .unwrap_or_else(PoisonError::into_inner)
                .push(conn);
            drop(permit);
            result
        })
        .await
        .map_err(|_| StoreError::Internal("a read task was cancelled".into()))?
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    /// A caller that stops waiting mid-read (a stream whose client hung up) leaves the pool
    /// whole: the next read gets the connection back instead of a panic.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_cancelled_read_returns_its_connection() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("readers.db");
        Connection::open(&path).unwrap();
        let readers = Readers::open(&path, 1).unwrap();
        let slow = readers.read(|_| {
            std::thread::sleep(Duration::from_millis(200));
            Ok(())
        });
        assert!(
            tokio::time::timeout(Duration::from_millis(20), slow)
                .await
                .is_err()
        );
        for _ in 0..3 {
            let one: i64 = readers
                .read(|conn| Ok(conn.query_row("SELECT 1", [], |row| row.get(0))?))
                .await
                .unwrap();
            assert_eq!(one, 1);
        }
    }
}
