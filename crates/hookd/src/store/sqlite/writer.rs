//! The one writer connection and its batching thread (group commit).
//!
//! Every write is a closure sent to this thread. The thread takes everything queued (up to
//! `MAX_BATCH`), runs them in one `BEGIN IMMEDIATE` transaction, commits once, and only then
//! answers each caller. Concurrent writers therefore share one fsync, and a caller that gets
//! `Ok` knows its write is durable. A closure that fails rolls back its own work only: each
//! runs in a savepoint of its own, except in a batch made only of repeatable writes (the hot
//! path), which runs bare and, should one fail, is rolled back and run again with savepoints.

use super::checkpointer::{self, WalCatchUp};
use crate::store::{StoreError, StoreResult};
use rusqlite::Connection;
use std::panic::{AssertUnwindSafe, catch_unwind};
use tokio::sync::{mpsc, oneshot};

/// The most closures one transaction takes.
const MAX_BATCH: usize = 512;
/// Closures queued before callers wait for room (backpressure).
const QUEUE_DEPTH: usize = 8192;

/// A queued write: run it inside the open transaction, then report after the commit.
trait WriteOp: Send {
    /// Whether the work can run again after a rollback (it only touches the database), so a
    /// batch of such writes needs no savepoints unless one of them fails.
    fn repeatable(&self) -> bool;
    /// Runs the work, in a savepoint of its own if asked; false if it failed.
    fn run(&mut self, conn: &Connection, savepoint: bool) -> bool;
    /// Answers the caller once the transaction has committed (or not).
    fn finish(self: Box<Self>, committed: StoreResult<()>);
    /// Answers the caller without running the work (no transaction could be opened).
    fn abort(self: Box<Self>, error: StoreError);
}

/// Where a write's answer goes, and the answer once its work has run.
struct Reply<T> {
    result: Option<StoreResult<T>>,
    to: oneshot::Sender<StoreResult<T>>,
}

impl<T> Reply<T> {
    fn new(to: oneshot::Sender<StoreResult<T>>) -> Self {
        Self { result: None, to }
    }

    /// Keeps the work's result (replacing an earlier run's); true if it succeeded.
    fn keep(&mut self, result: StoreResult<T>) -> bool {
        let ok = result.is_ok();
        self.result = Some(result);
        ok
    }

    fn send(self, committed: StoreResult<()>) {
        let result = self.result.unwrap_or_else(not_run);
        let _ = self.to.send(committed.and(result));
    }

    fn abort(self, error: StoreError) {
        let _ = self.to.send(Err(error));
    }
}

/// A write that runs once, always in a savepoint.
struct OnceOp<F, T> {
    work: Option<F>,
    reply: Reply<T>,
}

impl<F, T> WriteOp for OnceOp<F, T>
where
    F: FnOnce(&Connection) -> StoreResult<T> + Send + 'static,
    T: Send + 'static,
{
    fn repeatable(&self) -> bool {
        false
    }

    fn run(&mut self, conn: &Connection, _savepoint: bool) -> bool {
        let result = match self.work.take() {
            Some(work) => in_savepoint(conn, work),
            None => Err(StoreError::Internal("a write ran twice".into())),
        };
        self.reply.keep(result)
    }

    fn finish(self: Box<Self>, committed: StoreResult<()>) {
        self.reply.send(committed);
    }

    fn abort(self: Box<Self>, error: StoreError) {
        self.reply.abort(error);
    }
}

/// A write that may run again: bare in the common case, in a savepoint after a rollback.
struct RepeatableOp<F, T> {
    work: F,
    reply: Reply<T>,
}

impl<F, T> WriteOp for RepeatableOp<F, T>
where
    F: Fn(&Connection) -> StoreResult<T> + Send + 'static,
    T: Send + 'static,
{
    fn repeatable(&self) -> bool {
        true
    }

    fn run(&mut self, conn: &Connection, savepoint: bool) -> bool {
        let result = if savepoint {
            in_savepoint(conn, &self.work)
        } else {
            catch_unwind(AssertUnwindSafe(|| (self.work)(conn))).unwrap_or_else(panicked)
        };
        self.reply.keep(result)
    }

    fn finish(self: Box<Self>, committed: StoreResult<()>) {
        self.reply.send(committed);
    }

    fn abort(self: Box<Self>, error: StoreError) {
        self.reply.abort(error);
    }
}

fn panicked<T>(_: Box<dyn std::any::Any + Send>) -> StoreResult<T> {
    Err(StoreError::Internal("a write panicked".into()))
}

fn not_run<T>() -> StoreResult<T> {
    Err(StoreError::Internal("a write was not run".into()))
}

fn in_savepoint<T>(
    conn: &Connection,
    work: impl FnOnce(&Connection) -> StoreResult<T>,
) -> StoreResult<T> {
    conn.prepare_cached("SAVEPOINT op")?.execute([])?;
    let result = catch_unwind(AssertUnwindSafe(|| work(conn))).unwrap_or_else(panicked);
    if result.is_err() {
        conn.prepare_cached("ROLLBACK TO op")?.execute([])?;
    }
    conn.prepare_cached("RELEASE op")?.execute([])?;
    result
}

/// Handle to the writer thread. Cloning shares the thread.
#[derive(Clone)]
pub struct Writer {
    queue: mpsc::Sender<Box<dyn WriteOp>>,
}

impl Writer {
    /// Starts the thread that owns `conn`. It stops when every handle is dropped. When
    /// `catch_up` is raised, it finishes copying the WAL back between two transactions.
    pub fn start(conn: Connection, catch_up: WalCatchUp) -> (Writer, std::thread::JoinHandle<()>) {
        let (queue, receiver) = mpsc::channel(QUEUE_DEPTH);
        let thread = std::thread::Builder::new()
            .name("hookd-sqlite-writer".into())
            .spawn(move || run(conn, receiver, catch_up))
            .expect("the writer thread starts");
        (Writer { queue }, thread)
    }

    /// Runs `work` in the next group transaction; resolves once it is committed.
    pub async fn write<T, F>(&self, work: F) -> StoreResult<T>
    where
        F: FnOnce(&Connection) -> StoreResult<T> + Send + 'static,
        T: Send + 'static,
    {
        let (reply, answer) = oneshot::channel();
        let op = OnceOp {
            work: Some(work),
            reply: Reply::new(reply),
        };
        self.send(Box::new(op), answer).await
    }

    /// Like `write`, for work that touches nothing but the database and can therefore run
    /// again if the transaction is rolled back: the hot writes (events in, outcomes, claims).
    /// A batch made only of such writes runs without savepoints.
    pub async fn write_repeatable<T, F>(&self, work: F) -> StoreResult<T>
    where
        F: Fn(&Connection) -> StoreResult<T> + Send + 'static,
        T: Send + 'static,
    {
        let (reply, answer) = oneshot::channel();
        let op = RepeatableOp {
            work,
            reply: Reply::new(reply),
        };
        self.send(Box::new(op), answer).await
    }

    async fn send<T>(
        &self,
        op: Box<dyn WriteOp>,
        answer: oneshot::Receiver<StoreResult<T>>,
    ) -> StoreResult<T> {
        let stopped = || StoreError::Unavailable("the database writer has stopped".into());
        self.queue.send(op).await.map_err(|_| stopped())?;
        answer.await.map_err(|_| stopped())?
    }
}

fn run(conn: Connection, mut receiver: mpsc::Receiver<Box<dyn WriteOp>>, catch_up: WalCatchUp) {
    let mut batch: Vec<Box<dyn WriteOp>> = Vec::with_capacity(MAX_BATCH);
    while receiver.blocking_recv().map(|op| batch.push(op)).is_some() {
        while batch.len() < MAX_BATCH {
            match receiver.try_recv() {
                Ok(op) => batch.push(op),
                Err(_) => break,
            }
        }
        commit_batch(&conn, &mut batch);
        // No transaction is open, and none can add frames while this copies the ones written
        // since the checkpointer's last pass: the WAL ends up wholly copied, so the next
        // transaction writes it from its beginning again.
        if catch_up.take()
            && let Err(error) = checkpointer::checkpoint(&conn)
        {
            tracing::warn!(%error, "WAL checkpoint by the writer failed; the WAL goes on growing");
        }
    }
}

/// Runs a statement that returns nothing, prepared once per connection (`BEGIN IMMEDIATE` and
/// `COMMIT` run once a batch: `execute_batch` would parse them each time).
fn run_cached(conn: &Connection, sql: &str) -> rusqlite::Result<()> {
    conn.prepare_cached(sql)?.execute([]).map(drop)
}

fn commit_batch(conn: &Connection, batch: &mut Vec<Box<dyn WriteOp>>) {
    if let Err(error) = run_cached(conn, "BEGIN IMMEDIATE") {
        for op in batch.drain(..) {
            op.abort(StoreError::Unavailable(error.to_string()));
        }
        return;
    }
    // The common case: nothing fails, so repeatable writes need no savepoint. If one fails,
    // the whole transaction is rolled back and run again with a savepoint per write, so that
    // the failure undoes its own work only.
    let bare = batch.iter().all(|op| op.repeatable());
    let mut in_savepoints = !bare;
    if bare && !batch.iter_mut().all(|op| op.run(conn, false)) {
        let _ = conn.execute_batch("ROLLBACK");
        if let Err(error) = run_cached(conn, "BEGIN IMMEDIATE") {
            for op in batch.drain(..) {
                op.abort(StoreError::Unavailable(error.to_string()));
            }
            return;
        }
        in_savepoints = true;
    }
    if in_savepoints {
        for op in batch.iter_mut() {
            op.run(conn, true);
        }
    }
    let committed = run_cached(conn, "COMMIT").map_err(StoreError::from);
    if committed.is_err() {
        let _ = conn.execute_batch("ROLLBACK");
    }
    for op in batch.drain(..) {
        op.finish(match &committed {
            Ok(()) => Ok(()),
            Err(error) => Err(StoreError::Unavailable(error.to_string())),
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn count(conn: &Connection, x: i64) -> StoreResult<i64> {
        Ok(conn.query_row("SELECT COUNT(*) FROM t WHERE x = ?1", [x], |row| row.get(0))?)
    }

    /// In a batch of repeatable writes, one that fails after doing part of its work leaves
    /// nothing behind, and the others in the same transaction are kept.
    #[tokio::test]
    async fn a_failed_write_in_a_bare_batch_undoes_only_itself() {
        let conn = Connection::open_in_memory().unwrap();
        conn.execute_batch("CREATE TABLE t (x INTEGER UNIQUE)")
            .unwrap();
        let (writer, _thread) = Writer::start(conn, WalCatchUp::default());
        // Holds the writer while the two writes below queue up, so they share one batch.
        let holder = writer.clone();
        let hold = tokio::spawn(async move {
            holder
                .write(|_| {
                    std::thread::sleep(Duration::from_millis(200));
                    Ok(())
                })
                .await
        });
        tokio::time::sleep(Duration::from_millis(50)).await;
        let keeps = writer.write_repeatable(|c| Ok(c.execute("INSERT INTO t VALUES (1)", [])?));
        let fails = writer.write_repeatable(|c| {
            c.execute("INSERT INTO t VALUES (2)", [])?;
            Ok(c.execute("INSERT INTO t VALUES (1)", [])?)
        });
        let (kept, failed) = tokio::join!(keeps, fails);
        hold.await.unwrap().unwrap();
        assert_eq!(kept.unwrap(), 1);
        assert!(failed.is_err());
        let counts = writer.write(|c| Ok((count(c, 1)?, count(c, 2)?))).await;
        assert_eq!(counts.unwrap(), (1, 0));
    }
}
