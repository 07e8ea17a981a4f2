//! The bare servers' rows on PostgreSQL: row changes queue up, and each of two writers takes
//! every one waiting into one transaction, each table's rows in one statement over arrays
//! (`UNNEST`), as hookd writes them; `synchronous_commit` is the server's (on by default).

use super::{Job, Rows, answer};
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use std::str::FromStr;
use std::sync::Arc;
use tokio::sync::{Mutex, mpsc};

/// Transactions at the server at once, as hookd's writers.
const WRITERS: u32 = 2;

const LEAST: &str = r#"
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

/// hookd's columns that its indexes and statistics use, and its indexes: a copy of its
/// migrated `events`, `deliveries`, `attempts` and `attempt_stats` (this crate never depends on
/// hookd), less the columns this work leaves empty and the indexes only ordered or scheduled
/// deliveries enter; indexed text compares bytewise, as in hookd's. Kept in step by hand.
const HOOKD: &str = r#"
    CREATE TABLE IF NOT EXISTS events (
        id text COLLATE "C" PRIMARY KEY,
        tenant text COLLATE "C" NOT NULL,
        type text COLLATE "C" NOT NULL,
        payload text NOT NULL,
        delivery_count int4 NOT NULL,
        created_at int8 NOT NULL
    );
    CREATE INDEX IF NOT EXISTS events_by_tenant ON events (tenant, id);
    CREATE INDEX IF NOT EXISTS events_by_type ON events (type, id);
    CREATE TABLE IF NOT EXISTS deliveries (
        id text COLLATE "C" PRIMARY KEY,
        event_id text COLLATE "C" NOT NULL,
        webhook_id text COLLATE "C" NOT NULL,
        tenant text COLLATE "C" NOT NULL,
        event_type text NOT NULL,
        status text COLLATE "C" NOT NULL,
        attempt_count int4 NOT NULL,
        claimed_by text,
        lease_until int8,
        created_at int8 NOT NULL,
        updated_at int8 NOT NULL
    );
    CREATE INDEX IF NOT EXISTS deliveries_leased ON deliveries (lease_until)
        WHERE status = 'pending' AND claimed_by IS NOT NULL;
    CREATE INDEX IF NOT EXISTS deliveries_by_event ON deliveries (event_id);
    CREATE INDEX IF NOT EXISTS deliveries_by_webhook ON deliveries (webhook_id, status, updated_at);
    CREATE INDEX IF NOT EXISTS deliveries_by_status ON deliveries (tenant, status);
    CREATE TABLE IF NOT EXISTS attempts (
        id text COLLATE "C" PRIMARY KEY,
        delivery_id text COLLATE "C" NOT NULL,
        webhook_id text COLLATE "C" NOT NULL,
        event_id text NOT NULL,
        tenant text NOT NULL,
        event_type text NOT NULL,
        attempt int4 NOT NULL,
        status text NOT NULL,
        response_code int4,
        duration_ms int4 NOT NULL,
        request_headers text NOT NULL,
        created_at int8 NOT NULL
    );
    CREATE INDEX IF NOT EXISTS attempts_by_webhook ON attempts (webhook_id, id);
    CREATE INDEX IF NOT EXISTS attempts_by_delivery ON attempts (delivery_id);
    CREATE TABLE IF NOT EXISTS attempt_stats (
        webhook_id text COLLATE "C" NOT NULL,
        minute int8 NOT NULL,
        tenant text COLLATE "C" NOT NULL,
        succeeded int8 NOT NULL,
        failed int8 NOT NULL,
        latency_sum_ms int8 NOT NULL,
        PRIMARY KEY (webhook_id, minute)
    );
    CREATE INDEX IF NOT EXISTS attempt_stats_by_tenant ON attempt_stats (tenant, minute);"#;

pub struct PostgresLedger {
    queue: mpsc::UnboundedSender<Job>,
}

impl PostgresLedger {
    pub async fn open(url: &str, rows: Rows) -> anyhow::Result<Self> {
        // Each batch's statements are planned for its own arrays: a plan made once, for tables
        // still empty, would scan the whole of `deliveries` for every batch of outcomes.
        let options =
            PgConnectOptions::from_str(url)?.options([("plan_cache_mode", "force_custom_plan")]);
        let pool = PgPoolOptions::new()
            .max_connections(WRITERS)
            .connect_with(options)
            .await?;
        sqlx::raw_sql(match rows {
            Rows::Least => LEAST,
            Rows::Hookd => HOOKD,
        })
        .execute(&pool)
        .await?;
        let (queue, jobs) = mpsc::unbounded_channel();
        let jobs = Arc::new(Mutex::new(jobs));
        for _ in 0..WRITERS {
            tokio::spawn(write(pool.clone(), rows, jobs.clone()));
        }
        Ok(Self { queue })
    }

    pub(super) fn queue(&self, job: Job) -> bool {
        self.queue.send(job).is_ok()
    }
}

async fn write(pool: PgPool, rows: Rows, queue: Arc<Mutex<mpsc::UnboundedReceiver<Job>>>) {
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
        let committed = match rows {
            Rows::Least => commit_least(&pool, &jobs).await,
            Rows::Hookd => commit_hookd(&pool, &jobs).await,
        }
        .is_ok();
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
    /// Each event's deliveries (0 or 1).
    counts: Vec<i32>,
    delivered: Vec<String>,
    delivered_ats: Vec<i64>,
    outcome_ids: Vec<String>,
    statuses: Vec<i32>,
    outcome_ats: Vec<i64>,
    durations: Vec<i64>,
    signatures: Vec<String>,
}

impl Columns {
    fn of(jobs: &[Job]) -> Self {
        let mut c = Self::default();
        for job in jobs {
            match job {
                Job::Accept(event, _) => {
                    c.ids.push(event.id.clone());
                    c.types.push(event.event_type.clone());
                    c.payloads.push(event.payload.to_vec());
                    c.ats.push(event.at);
                    c.counts.push(i32::from(event.delivered));
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
                    c.signatures.push(outcome.signature.clone());
                }
            }
        }
        c
    }
}

async fn commit_least(pool: &PgPool, jobs: &[Job]) -> sqlx::Result<()> {
    let c = Columns::of(jobs);
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

/// hookd's rows, each table's batch in one statement as hookd writes it; a delivery is
/// inserted claimed (leased), as a node inserts what it delivers itself.
async fn commit_hookd(pool: &PgPool, jobs: &[Job]) -> sqlx::Result<()> {
    let c = Columns::of(jobs);
    let mut transaction = pool.begin().await?;
    if !c.ids.is_empty() {
        let payloads: Vec<String> = c
            .payloads
            .iter()
            .map(|p| String::from_utf8_lossy(p).into_owned())
            .collect();
        sqlx::query(
            "INSERT INTO events (id, tenant, type, payload, delivery_count, created_at)
             SELECT id, $5, type, payload, count, at
             FROM UNNEST($1::text[], $2::text[], $3::text[], $4::int4[], $6::int8[])
                 AS e(id, type, payload, count, at)",
        )
        .bind(&c.ids)
        .bind(&c.types)
        .bind(&payloads)
        .bind(&c.counts)
        .bind(super::TENANT)
        .bind(&c.ats)
        .execute(&mut *transaction)
        .await?;
    }
    if !c.delivered.is_empty() {
        let ids: Vec<String> = c.delivered.iter().map(|e| super::delivery_id(e)).collect();
        sqlx::query(
            "INSERT INTO deliveries (id, event_id, webhook_id, tenant, event_type, status,
                 attempt_count, claimed_by, lease_until, created_at, updated_at)
             SELECT id, event_id, $4, $5, 'floor.relay', 'pending', 0, $6, at + 30000, at, at
             FROM UNNEST($1::text[], $2::text[], $3::int8[]) AS d(id, event_id, at)",
        )
        .bind(&ids)
        .bind(&c.delivered)
        .bind(&c.delivered_ats)
        .bind(super::WEBHOOK)
        .bind(super::TENANT)
        .bind(super::NODE)
        .execute(&mut *transaction)
        .await?;
    }
    if !c.outcome_ids.is_empty() {
        let deliveries: Vec<String> = c
            .outcome_ids
            .iter()
            .map(|e| super::delivery_id(e))
            .collect();
        let attempts: Vec<String> = c
            .outcome_ids
            .iter()
            .map(|_| format!("att_{}", ulid::Ulid::new()))
            .collect();
        let headers: Vec<String> = c
            .signatures
            .iter()
            .map(|s| super::sent_headers(s))
            .collect();
        let durations: Vec<i32> = c.durations.iter().map(|us| (us / 1000) as i32).collect();
        sqlx::query(
            "INSERT INTO attempts (id, delivery_id, webhook_id, event_id, tenant, event_type,
                 attempt, status, response_code, duration_ms, request_headers, created_at)
             SELECT id, delivery_id, $7, event_id, $8, 'floor.relay', 1,
                 CASE WHEN code BETWEEN 200 AND 299 THEN 'succeeded' ELSE 'failed' END,
                 code, duration, headers, at
             FROM UNNEST($1::text[], $2::text[], $3::text[], $4::int4[], $5::int4[],
                 $6::text[], $9::int8[]) AS a(id, delivery_id, event_id, code, duration,
                 headers, at)",
        )
        .bind(&attempts)
        .bind(&deliveries)
        .bind(&c.outcome_ids)
        .bind(&c.statuses)
        .bind(&durations)
        .bind(&headers)
        .bind(super::WEBHOOK)
        .bind(super::TENANT)
        .bind(&c.outcome_ats)
        .execute(&mut *transaction)
        .await?;
        sqlx::query(
            "UPDATE deliveries SET attempt_count = deliveries.attempt_count + 1,
                 claimed_by = NULL, lease_until = NULL, updated_at = o.at,
                 status = CASE WHEN o.code BETWEEN 200 AND 299 THEN 'succeeded' ELSE 'failed' END
             FROM UNNEST($1::text[], $2::int4[], $3::int8[]) AS o(id, code, at)
             WHERE deliveries.id = o.id AND deliveries.status = 'pending'
                 AND deliveries.claimed_by IS NOT DISTINCT FROM $4",
        )
        .bind(&deliveries)
        .bind(&c.statuses)
        .bind(&c.outcome_ats)
        .bind(super::NODE)
        .execute(&mut *transaction)
        .await?;
        for (minute, tally) in super::tally_minutes(jobs) {
            sqlx::query(
                "INSERT INTO attempt_stats (webhook_id, minute, tenant, succeeded, failed,
                     latency_sum_ms)
                 VALUES ($1, $2, $3, $4, $5, $6)
                 ON CONFLICT (webhook_id, minute) DO UPDATE SET
                     succeeded = attempt_stats.succeeded + excluded.succeeded,
                     failed = attempt_stats.failed + excluded.failed,
                     latency_sum_ms = attempt_stats.latency_sum_ms + excluded.latency_sum_ms",
            )
            .bind(super::WEBHOOK)
            .bind(minute)
            .bind(super::TENANT)
            .bind(tally.succeeded)
            .bind(tally.failed)
            .bind(tally.latency_sum_ms)
            .execute(&mut *transaction)
            .await?;
        }
    }
    transaction.commit().await
}
