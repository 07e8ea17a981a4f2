//! Retention: what is older than its setting is deleted in the background, each kind on its own
//! schedule, in small batches (one short write each, with a pause between) so that delivery
//! never waits behind a purge. Events go only once all their deliveries finished; attempts
//! (the logs) and per-minute statistics by their own setting; inbox requests, expired
//! de-duplication keys and playground inboxes by theirs.
//!
//! Freed space is reused: SQLite puts the deleted pages on its free list and fills them before
//! it grows the file; PostgreSQL's autovacuum makes the deleted rows' space reusable.

use crate::config::Config;
use crate::model::Timestamp;
use crate::store::DynStore;
use std::time::Duration;
use tokio::task::JoinHandle;

/// Rows deleted in one write.
const BATCH: usize = 500;
/// The pause between two batches of one pass.
const PAUSE: Duration = Duration::from_millis(50);
/// The longest time between passes (a pass finds nothing to do most of the time).
const LONGEST_INTERVAL: Duration = Duration::from_secs(600);

/// One kind of record and how it is purged.
#[derive(Debug, Clone, Copy)]
enum Kind {
    Events,
    Attempts,
    InboxRequests,
}

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Kind::Events => "events",
            Kind::Attempts => "attempts",
            Kind::InboxRequests => "inbox requests",
        }
    }

    /// Deletes one batch; answers how many rows went.
    async fn purge(
        self,
        store: &DynStore,
        retention: Duration,
    ) -> Result<u64, crate::store::StoreError> {
        let now = Timestamp::now();
        let cutoff = now.minus(retention);
        match self {
            Kind::Events => store.purge_events(cutoff, BATCH).await,
            Kind::Attempts => store.purge_attempts(cutoff, BATCH).await,
            Kind::InboxRequests => store.prune_inboxes(cutoff, now, BATCH).await,
        }
    }
}

/// Starts one background task per kind of record.
pub fn start(store: &DynStore, config: &Config) -> Vec<JoinHandle<()>> {
    [
        (Kind::Events, config.retention_events),
        (Kind::Attempts, config.retention_attempts),
        (Kind::InboxRequests, config.retention_inbox_requests),
    ]
    .into_iter()
    .map(|(kind, retention)| tokio::spawn(enforce(store.clone(), kind, retention)))
    .collect()
}

/// How often a kind is looked at: a quarter of its retention, between a second and ten minutes,
/// so that nothing outlives its setting by much more than a quarter.
fn pass_interval(retention: Duration) -> Duration {
    (retention / 4).clamp(Duration::from_secs(1), LONGEST_INTERVAL)
}

async fn enforce(store: DynStore, kind: Kind, retention: Duration) {
    let mut every = tokio::time::interval(pass_interval(retention));
    every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        every.tick().await;
        let mut deleted = 0;
        loop {
            match kind.purge(&store, retention).await {
                Ok(count) => {
                    deleted += count;
                    if (count as usize) < BATCH {
                        break;
                    }
                    tokio::time::sleep(PAUSE).await;
                }
                Err(error) => {
                    tracing::warn!(%error, kind = kind.name(), "retention failed; will try again");
                    break;
                }
            }
        }
        if deleted > 0 {
            tracing::info!(deleted, kind = kind.name(), "retention removed old records");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_kind_is_looked_at_every_quarter_of_its_retention_within_bounds() {
        assert_eq!(
            pass_interval(Duration::from_secs(1)),
            Duration::from_secs(1)
        );
        assert_eq!(
            pass_interval(Duration::from_secs(60)),
            Duration::from_secs(15)
        );
        assert_eq!(
            pass_interval(Duration::from_secs(30 * 86_400)),
            LONGEST_INTERVAL
        );
    }
}
