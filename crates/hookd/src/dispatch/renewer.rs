//! Lease upkeep: renews the leases of what this node holds, and releases the deliveries of
//! claims whose leases ran out (a node that died, or one that lost the database and abandoned
//! its claim) so the scan hands them out again.

use super::lease::{CLOCK_SKEW_MARGIN, Lease};
use crate::store::DynStore;
use std::sync::Arc;
use tokio::time::MissedTickBehavior;

/// The most deliveries one takeover pass releases.
const MAX_RECLAIM: usize = 5000;

pub async fn run(store: DynStore, lease: Arc<Lease>) {
    let mut every = tokio::time::interval(lease.renew_every());
    every.set_missed_tick_behavior(MissedTickBehavior::Delay);
    let mut failing = false;
    loop {
        every.tick().await;
        let started = lease.clock().now();
        let (claim, expiring_before) = lease.renewal();
        match store.renew_claims(&claim, expiring_before).await {
            Ok(_) => {
                lease.renewed(&claim.by, started);
                if std::mem::take(&mut failing) {
                    tracing::info!("lease renewals succeed again");
                }
            }
            Err(error) => {
                if !std::mem::replace(&mut failing, true) {
                    tracing::warn!(%error, "cannot renew leases; retrying");
                }
                continue;
            }
        }
        match store
            .reclaim_expired(lease.clock().now(), CLOCK_SKEW_MARGIN, MAX_RECLAIM)
            .await
        {
            Ok(0) => {}
            Ok(released) => {
                tracing::info!(released, "took over deliveries whose leases ran out");
            }
            Err(error) => tracing::debug!(%error, "takeover pass failed"),
        }
    }
}
