//! PostgreSQL only: how the statements that run all the time read deliveries.
//!
//! The partial index on claimed deliveries (`deliveries_leased`) gets an entry for every
//! delivery claimed, and keeps it after the delivery moves on until the table is vacuumed. A
//! bitmap scan never marks such entries dead, so a statement that reads the index with one
//! reads every delivery the claim ever held, and each run costs more than the one before.
//! Outcomes and releases therefore find their rows by primary key; renewals and takeovers,
//! which need the index, read it with an index scan, which marks the dead entries it meets.
//!
//! Every step down a B-tree compares keys; under the database's collation each comparison of
//! two texts goes through the C library's `strcoll`. Indexed text columns compare bytewise.

use super::{claim, claim_now, due_deliveries, succeeded};
use hookd::model::Timestamp;
use hookd::store::DynStore;
use sqlx::Connection;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Recording outcomes and releasing find each delivery by its id, not through the claim's
/// index.
pub async fn outcomes_and_releases_find_deliveries_by_id(store: DynStore, database_url: &str) {
    due_deliveries(&store, 300, 1000).await;
    let jobs = claim_now(&store, "node/0", Duration::from_secs(60), 300).await;
    assert_eq!(jobs.len(), 300);
    let (recorded, released) = jobs.split_at(250);
    for batch in recorded.chunks(50) {
        let outcomes: Arc<[_]> = batch.iter().map(succeeded).collect();
        store.record_outcomes(outcomes, 10).await.unwrap();
    }
    let ids: Vec<_> = released.iter().map(|job| job.delivery_id.clone()).collect();
    store.release(&released[0].claim, &ids).await.unwrap();

    let mut connection = counted_updates(database_url, 600).await;
    let scans = leased_index_figure(&mut connection, "idx_scan").await;
    assert_eq!(
        scans, 0,
        "outcomes and releases read deliveries through the claims' index"
    );
}

/// Renewals and takeovers read the claims' index entry by entry (an index scan, which marks
/// the entries of deliveries that moved on as it meets them, so later passes skip them), not
/// with a bitmap scan, which reads every one of them again at each pass until a vacuum.
pub async fn renewals_and_takeovers_read_the_claims_index_entry_by_entry(
    store: DynStore,
    database_url: &str,
) {
    due_deliveries(&store, 2000, 1000).await;
    let jobs = claim_now(&store, "node/0", Duration::from_secs(60), 2000).await;
    assert_eq!(jobs.len(), 2000);
    for batch in jobs[..1900].chunks(100) {
        let outcomes: Arc<[_]> = batch.iter().map(succeeded).collect();
        store.record_outcomes(outcomes, 10).await.unwrap();
    }
    let renewed = store
        .renew_claims(
            &claim("node/0", Duration::from_secs(120)),
            Timestamp::now().plus(Duration::from_secs(90)),
        )
        .await
        .unwrap();
    assert_eq!(renewed, 100, "the leases still held");
    let taken_over = store
        .reclaim_expired(Timestamp::now(), Duration::ZERO, 100)
        .await
        .unwrap();
    assert_eq!(taken_over, 0, "no lease has run out");

    // 2000 claims, 1900 outcomes, 100 renewals; each pass fetches the 100 held deliveries.
    let mut connection = counted_updates(database_url, 4000).await;
    let fetched = leased_index_figure(&mut connection, "idx_tup_fetch").await;
    assert!(
        fetched >= 200,
        "renewal and takeover fetched {fetched} rows through index scans of the claims' index"
    );
}

/// Counting the pending deliveries (every node samples it for `/metrics`) reads the pending
/// deliveries through each webhook's index entries, never the whole table, whose finished
/// deliveries outnumber the pending ones as the days go by.
pub async fn the_pending_count_reads_no_finished_delivery(store: DynStore, database_url: &str) {
    let webhook = due_deliveries(&store, 3000, 1000).await;
    let jobs = claim_now(&store, "node/0", Duration::from_secs(60), 3000).await;
    for batch in jobs[..2990].chunks(500) {
        let outcomes: Arc<[_]> = batch.iter().map(succeeded).collect();
        store.record_outcomes(outcomes, 10).await.unwrap();
    }
    // Every backend's figures in: 3000 claims and 2990 outcomes updated, 3000 inserted.
    let mut connection = counted_updates(database_url, 5990).await;
    deliveries_figure_reaches(&mut connection, "n_tup_ins", 3000).await;
    // As autovacuum would: the finished deliveries' old index entries go. On a connection of
    // its own, closed, so the pages the vacuum read are counted before the figures are taken.
    let mut vacuuming = sqlx::PgConnection::connect(database_url).await.unwrap();
    sqlx::raw_sql("VACUUM ANALYZE deliveries")
        .execute(&mut vacuuming)
        .await
        .unwrap();
    vacuuming.close().await.unwrap();
    deliveries_figure_reaches(&mut connection, "vacuum_count", 1).await;
    let before = deliveries_scans(&mut connection).await;

    let pending = store.pending_deliveries().await.unwrap();
    assert_eq!(pending, 10, "of {}", webhook.id);

    let started = Instant::now();
    loop {
        let after = deliveries_scans(&mut connection).await;
        if after.by_webhook_scans > before.by_webhook_scans {
            assert_eq!(
                after.sequential, before.sequential,
                "the pending count read the whole table"
            );
            // The webhook's pending entries are on one or two of the index's ~25 leaf pages.
            let pages = after.by_webhook_pages - before.by_webhook_pages;
            assert!(
                pages <= 5,
                "the pending count read {pages} pages of the index for 10 pending deliveries"
            );
            return;
        }
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "the pending count never read deliveries_by_webhook"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// How `deliveries` has been read so far.
struct DeliveriesScans {
    sequential: i64,
    by_webhook_scans: i64,
    by_webhook_pages: i64,
}

async fn deliveries_scans(connection: &mut sqlx::PgConnection) -> DeliveriesScans {
    let (sequential, by_webhook_scans, by_webhook_pages) = sqlx::query_as(
        "SELECT t.seq_scan, i.idx_scan, p.idx_blks_hit + p.idx_blks_read \
         FROM pg_stat_user_tables t, pg_stat_user_indexes i, pg_statio_user_indexes p \
         WHERE t.relname = 'deliveries' AND i.indexrelname = 'deliveries_by_webhook' \
           AND p.indexrelname = 'deliveries_by_webhook'",
    )
    .fetch_one(connection)
    .await
    .unwrap();
    DeliveriesScans {
        sequential,
        by_webhook_scans,
        by_webhook_pages,
    }
}

/// Every text column of every index compares bytewise (`COLLATE "C"`), whatever the
/// database's own collation.
pub async fn indexed_text_columns_compare_bytewise(_store: DynStore, database_url: &str) {
    let mut connection = sqlx::PgConnection::connect(database_url).await.unwrap();
    let not_bytewise: Vec<String> = sqlx::query_scalar(
        "SELECT DISTINCT c.relname || '.' || a.attname \
         FROM pg_index x \
         JOIN pg_class c ON c.oid = x.indrelid \
         JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = current_schema() \
         JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = ANY (x.indkey) \
         WHERE a.attcollation <> 0 AND a.attcollation <> 'pg_catalog.\"C\"'::regcollation \
         ORDER BY 1",
    )
    .fetch_all(&mut connection)
    .await
    .unwrap();
    assert!(
        not_bytewise.is_empty(),
        "indexed text columns compared under the database's collation: {not_bytewise:?}"
    );
}

/// A connection to the test database once the server has counted `updates` row updates on
/// `deliveries`. Each backend reports its statistics within seconds of going idle; the index
/// figures are reported with the updates.
async fn counted_updates(database_url: &str, updates: i64) -> sqlx::PgConnection {
    let mut connection = sqlx::PgConnection::connect(database_url).await.unwrap();
    deliveries_figure_reaches(&mut connection, "n_tup_upd", updates).await;
    connection
}

/// Waits until one of the server's figures for `deliveries` (a column of
/// `pg_stat_user_tables`) reaches `at_least`: each backend reports its figures within seconds
/// of going idle.
async fn deliveries_figure_reaches(
    connection: &mut sqlx::PgConnection,
    figure: &str,
    at_least: i64,
) {
    let started = Instant::now();
    loop {
        let counted: i64 = sqlx::query_scalar(&format!(
            "SELECT {figure} FROM pg_stat_user_tables WHERE relname = 'deliveries'"
        ))
        .fetch_one(&mut *connection)
        .await
        .unwrap();
        if counted >= at_least {
            return;
        }
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "the server counted {counted} of {at_least} ({figure})"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// One of the server's figures for `deliveries_leased` (a column of `pg_stat_user_indexes`).
async fn leased_index_figure(connection: &mut sqlx::PgConnection, figure: &str) -> i64 {
    sqlx::query_scalar(&format!(
        "SELECT {figure} FROM pg_stat_user_indexes WHERE indexrelname = 'deliveries_leased'"
    ))
    .fetch_one(connection)
    .await
    .unwrap()
}
