//! The bare durable publish: takes each POSTed event (`{"type": ..., "data": ...}`, checked to
//! be JSON of that shape), stores it as one row of a SQLite file in WAL mode with
//! `synchronous = FULL`, as hookd's writer does (one writer thread, every waiting event in one
//! transaction, the answer only after the commit), and answers `202` with its id. What it
//! costs per request is an HTTP request plus a durable row, with nothing of hookd's around it.

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::http::header::CONTENT_TYPE;
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use bytes::Bytes;
use rusqlite::{Connection, TransactionBehavior, params};
use std::path::Path;
use std::sync::mpsc;
use std::time::{SystemTime, UNIX_EPOCH};
use tokio::net::TcpListener;
use tokio::sync::oneshot;

/// One event to store, and where to say whether it was.
type Job = (Row, oneshot::Sender<bool>);

struct Row {
    id: String,
    event_type: String,
    payload: Bytes,
    created_at: i64,
}

#[derive(serde::Deserialize)]
struct EventIn<'a> {
    #[serde(rename = "type")]
    event_type: &'a str,
    #[allow(dead_code, reason = "checked to be JSON, stored as the body")]
    data: serde::de::IgnoredAny,
}

/// Serves on `listener`, storing into the SQLite file at `database`.
pub async fn serve(listener: TcpListener, database: &Path) -> anyhow::Result<()> {
    let connection = Connection::open(database)?;
    connection.execute_batch(
        "PRAGMA journal_mode = WAL;
         PRAGMA synchronous = FULL;
         CREATE TABLE IF NOT EXISTS events (
             id TEXT PRIMARY KEY,
             type TEXT NOT NULL,
             payload BLOB NOT NULL,
             created_at INTEGER NOT NULL
         );",
    )?;
    let (writer, queue) = mpsc::channel::<Job>();
    std::thread::Builder::new()
        .name("floor-writer".into())
        .spawn(move || write(connection, queue))?;
    let app = Router::new().route("/", post(accept)).with_state(writer);
    axum::serve(listener, app).await?;
    Ok(())
}

async fn accept(State(writer): State<mpsc::Sender<Job>>, body: Bytes) -> Response {
    let Ok(event) = serde_json::from_slice::<EventIn>(&body) else {
        return (StatusCode::UNPROCESSABLE_ENTITY, "not an event").into_response();
    };
    let row = Row {
        id: format!("evt_{}", ulid::Ulid::new()),
        event_type: event.event_type.to_owned(),
        created_at: SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |since| since.as_millis() as i64),
        payload: body.clone(),
    };
    let answer = format!(r#"{{"id":"{}"}}"#, row.id);
    let (done, stored) = oneshot::channel();
    if writer.send((row, done)).is_err() || stored.await != Ok(true) {
        return StatusCode::SERVICE_UNAVAILABLE.into_response();
    }
    (
        StatusCode::ACCEPTED,
        [(CONTENT_TYPE, "application/json")],
        answer,
    )
        .into_response()
}

/// The writer thread: every event waiting when it wakes goes into one transaction.
fn write(mut connection: Connection, queue: mpsc::Receiver<Job>) {
    while let Ok(first) = queue.recv() {
        let mut jobs = vec![first];
        jobs.extend(queue.try_iter());
        let stored = commit(&mut connection, &jobs).is_ok();
        for (_, done) in jobs {
            let _ = done.send(stored);
        }
    }
}

fn commit(connection: &mut Connection, jobs: &[Job]) -> rusqlite::Result<()> {
    let transaction = connection.transaction_with_behavior(TransactionBehavior::Immediate)?;
    {
        let mut insert = transaction.prepare_cached(
            "INSERT INTO events (id, type, payload, created_at) VALUES (?1, ?2, ?3, ?4)",
        )?;
        for (row, _) in jobs {
            insert.execute(params![
                row.id,
                row.event_type,
                &row.payload[..],
                row.created_at
            ])?;
        }
    }
    transaction.commit()
}
