//! The bare servers' rows on PostgreSQL: row changes queue up, and each of two writers takes
//! every one waiting into one transaction, each table's rows in one statement over arrays
//! (`UNNEST`), as hookd writes them; `synchronous_commit` is the server's (on by default).

use super::{Job, answer};
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use std::str::FromStr;
use std::sync::Arc;
use tokio::sync::{Mutex, mpsc};

/// Transactions at the server at once, as hookd's writers.
const WRITERS: u32 = 2;

const SCHEMA: &str = r#"
    CREATE TABLE IF NOT EXISTS events (
        id text COLLATE "C" PRIMARY KEY,
        type text COLLATE "C" NOT NULL,
        payload bytea NOT NULL,
        created_at int8 NOT NULL
    );
    CREATE TABLE IF NOT EXISTS deliveries (
        event_id text COLLATE "C" PRIMARY KEY,
        status text COLLATE "C" NOT NULL,
        attempts int4 NOT NULL,
        updated_at int8 NOT NULL
    );
    CREATE TABLE IF NOT EXISTS attempts (
        event_id text COLLATE "C" NOT NULL,
        at int8 NOT NULL,
        status int4 NOT NULL,
        duration_us int8 NOT NULL
    );
    CREATE INDEX IF NOT EXISTS attempts_by_event ON attempts (event_id);"#;

pub struct PostgresLedger {
    queue: mpsc::UnboundedSender<Job>,
}

impl PostgresLedger {
    pub async fn open(url: &str) -> anyhow::Result<Self> {
        // Each batch's statements are planned for its own arrays: a plan made once, for tables
        // still empty, would scan the whole of `deliveries` for every batch of outcomes.
        let options =
            PgConnectOptions::from_str(url)?.options([("plan_cache_mode", "force_custom_plan")]);
        let pool = PgPoolOptions::new()
            .max_connections(WRITERS)
            .connect_with(options)
            .await?;
        sqlx::raw_sql(SCHEMA).execute(&pool).await?;
        let (queue, jobs) = mpsc::unbounded_channel();
        let jobs = Arc::new(Mutex::new(jobs));
        for _ in 0..WRITERS {
            tokio::spawn(write(pool.clone(), jobs.clone()));
        }
        Ok(Self { queue })
    }

    pub(super) fn queue(&self, job: Job) -> bool {
        self.queue.send(job).is_ok()
    }
}

async fn write(pool: PgPool, queue: Arc<Mutex<mpsc::UnboundedReceiver<Job>>>) {
    loop {
        let mut jobs = Vec::new();
        {
            let mut queue = queue.lock().await;
            match queue.recv().await {
                Some(first) => jobs.push(first),
                None => return,
            }
            while let Ok(more) = queue.try_recv() {
                jobs.push(more);
            }
        }
        let committed = commit(&pool, &jobs).await.is_ok();
        answer(jobs, committed);
    }
}

/// One batch's columns, one array per column.
#[derive(Default)]
struct Columns {
    ids: Vec<String>,
    types: Vec<String>,
    payloads: Vec<Vec<u8>>,
    ats: Vec<i64>,
    delivered: Vec<String>,
    delivered_ats: Vec<i64>,
    outcome_ids: Vec<String>,
    statuses: Vec<i32>,
    outcome_ats: Vec<i64>,
    durations: Vec<i64>,
}

async fn commit(pool: &PgPool, jobs: &[Job]) -> sqlx::Result<()> {
    let mut c = Columns::default();
    for job in jobs {
        match job {
            Job::Accept(event, _) => {
                c.ids.push(event.id.clone());
                c.types.push(event.event_type.clone());
                c.payloads.push(event.payload.to_vec());
                c.ats.push(event.at);
                if event.delivered {
                    c.delivered.push(event.id.clone());
                    c.delivered_ats.push(event.at);
                }
            }
            Job::Outcome(outcome) => {
                c.outcome_ids.push(outcome.id.clone());
                c.statuses.push(outcome.status);
                c.outcome_ats.push(outcome.at);
                c.durations.push(outcome.duration_us);
            }
        }
    }
    let mut transaction = pool.begin().await?;
    if !c.ids.is_empty() {
        sqlx::query(
            "INSERT INTO events (id, type, payload, created_at)
             SELECT * FROM UNNEST($1::text[], $2::text[], $3::bytea[], $4::int8[])",
        )
        .bind(&c.ids)
        .bind(&c.types)
        .bind(&c.payloads)
        .bind(&c.ats)
        .execute(&mut *transaction)
        .await?;
    }
    if !c.delivered.is_empty() {
        sqlx::query(
            "INSERT INTO deliveries (event_id, status, attempts, updated_at)
             SELECT id, 'pending', 0, at FROM UNNEST($1::text[], $2::int8[]) AS d(id, at)",
        )
        .bind(&c.delivered)
        .bind(&c.delivered_ats)
        .execute(&mut *transaction)
        .await?;
    }
    if !c.outcome_ids.is_empty() {
        sqlx::query(
            "UPDATE deliveries SET attempts = deliveries.attempts + 1, updated_at = o.at,
                 status = CASE WHEN o.status BETWEEN 200 AND 299 THEN 'succeeded' ELSE 'failed' END
             FROM UNNEST($1::text[], $2::int4[], $3::int8[]) AS o(id, status, at)
             WHERE deliveries.event_id = o.id",
        )
        .bind(&c.outcome_ids)
        .bind(&c.statuses)
        .bind(&c.outcome_ats)
        .execute(&mut *transaction)
        .await?;
        sqlx::query(
            "INSERT INTO attempts (event_id, at, status, duration_us)
             SELECT * FROM UNNEST($1::text[], $2::int8[], $3::int4[], $4::int8[])",
        )
        .bind(&c.outcome_ids)
        .bind(&c.outcome_ats)
        .bind(&c.statuses)
        .bind(&c.durations)
        .execute(&mut *transaction)
        .await?;
    }
    transaction.commit().await
}
