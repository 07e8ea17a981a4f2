//! PostgreSQL only: the hot statements read deliveries through the indexes that stay small.
//!
//! The partial index on claimed deliveries (`deliveries_leased`) gets an entry for every
//! delivery claimed, and keeps it after the delivery moves on until the table is vacuumed; a
//! bitmap scan never marks such entries dead. A statement that reads through it reads every
//! delivery the claim ever held, so each batch costs more than the one before.

use super::{claim_now, due_deliveries, succeeded};
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

    // Each backend reports its statistics within seconds of going idle: wait until the
    // updates (300 claims, 250 outcomes, 50 releases) are counted, then read the index scans
    // counted with them.
    let mut connection = sqlx::PgConnection::connect(database_url).await.unwrap();
    let started = Instant::now();
    loop {
        let updated: i64 = sqlx::query_scalar(
            "SELECT n_tup_upd FROM pg_stat_user_tables WHERE relname = 'deliveries'",
        )
        .fetch_one(&mut connection)
        .await
        .unwrap();
        if updated >= 600 {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "the server counted {updated} of 600 updates"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let scans: i64 = sqlx::query_scalar(
        "SELECT idx_scan FROM pg_stat_user_indexes WHERE indexrelname = 'deliveries_leased'",
    )
    .fetch_one(&mut connection)
    .await
    .unwrap();
    assert_eq!(
        scans, 0,
        "outcomes and releases read deliveries through the claims' index"
    );
}
