//! The one writer connection and its batching thread (group commit).
//!
//! Every write is a closure sent to this thread. The thread takes everything queued (up to
//! `MAX_BATCH`), runs each closure in a savepoint of one `BEGIN IMMEDIATE` transaction, commits
//! once, and only then answers each caller. Concurrent writers therefore share one fsync, and a
//! caller that gets `Ok` knows its write is durable. A closure that fails rolls back its own
//! savepoint only.

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
    fn run(self: Box<Self>, conn: &Connection) -> Box<dyn FnOnce(StoreResult<()>) + Send>;
    /// Answers the caller without running the work (no transaction could be opened).
    fn abort(self: Box<Self>, error: StoreError);
}

struct Op<F, T> {
    work: F,
    reply: oneshot::Sender<StoreResult<T>>,
}

impl<F, T> WriteOp for Op<F, T>
where
    F: FnOnce(&Connection) -> StoreResult<T> + Send + 'static,
    T: Send + 'static,
{
    fn run(self: Box<Self>, conn: &Connection) -> Box<dyn FnOnce(StoreResult<()>) + Send> {
        let Op { work, reply } = *self;
        let result = in_savepoint(conn, work);
        Box::new(move |committed| {
            let _ = reply.send(committed.and(result));
        })
    }

    fn abort(self: Box<Self>, error: StoreError) {
        let _ = self.reply.send(Err(error));
    }
}

fn in_savepoint<T>(
    conn: &Connection,
    work: impl FnOnce(&Connection) -> StoreResult<T>,
) -> StoreResult<T> {
    conn.prepare_cached("SAVEPOINT op")?.execute([])?;
    let result = catch_unwind(AssertUnwindSafe(|| work(conn)))
        .unwrap_or_else(|_| Err(StoreError::Internal("a write panicked".into())));
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
    /// Starts the thread that owns `conn`. It stops when every handle is dropped.
    pub fn start(conn: Connection) -> (Writer, std::thread::JoinHandle<()>) {
        let (queue, receiver) = mpsc::channel(QUEUE_DEPTH);
        let thread = std::thread::Builder::new()
            .name("hookd-sqlite-writer".into())
            .spawn(move || run(conn, receiver))
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
        self.queue
            .send(Box::new(Op { work, reply }))
            .await
            .map_err(|_| StoreError::Unavailable("the database writer has stopped".into()))?;
        answer
            .await
            .map_err(|_| StoreError::Unavailable("the database writer has stopped".into()))?
    }
}

fn run(conn: Connection, mut receiver: mpsc::Receiver<Box<dyn WriteOp>>) {
    let mut batch: Vec<Box<dyn WriteOp>> = Vec::with_capacity(MAX_BATCH);
    while receiver.blocking_recv().map(|op| batch.push(op)).is_some() {
        while batch.len() < MAX_BATCH {
            match receiver.try_recv() {
                Ok(op) => batch.push(op),
                Err(_) => break,
            }
        }
        commit_batch(&conn, &mut batch);
    }
}

fn commit_batch(conn: &Connection, batch: &mut Vec<Box<dyn WriteOp>>) {
    if let Err(error) = conn.execute_batch("BEGIN IMMEDIATE") {
        for op in batch.drain(..) {
            op.abort(StoreError::Unavailable(error.to_string()));
        }
        return;
    }
    let finishes: Vec<_> = batch.drain(..).map(|op| op.run(conn)).collect();
    let committed = conn.execute_batch("COMMIT").map_err(StoreError::from);
    if committed.is_err() {
        let _ = conn.execute_batch("ROLLBACK");
    }
    for finish in finishes {
        finish(match &committed {
            Ok(()) => Ok(()),
            Err(error) => Err(StoreError::Unavailable(error.to_string())),
        });
    }
}
