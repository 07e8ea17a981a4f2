//! The database scan: claims deliveries that memory does not hold (retries that became due,
//! work left by a crash or a stopped node, backlog beyond the in-memory bound) and hands them
//! to the engine. It runs every `interval`, and again at once while it finds full batches.

use super::DispatcherHandle;
use crate::model::Timestamp;
use crate::store::DynStore;
use std::time::Duration;
use tokio::sync::watch;

/// The most deliveries one claim takes.
const MAX_CLAIM: usize = 1000;

pub async fn run(
    store: DynStore,
    dispatcher: DispatcherHandle,
    interval: Duration,
    max_payload: usize,
    mut stop: watch::Receiver<bool>,
) {
    loop {
        let claimed_full = claim_once(&store, &dispatcher, max_payload).await;
        if *stop.borrow() {
            return;
        }
        if !claimed_full {
            tokio::select! {
                () = tokio::time::sleep(interval) => {}
                _ = stop.changed() => return,
            }
        }
    }
}

/// Claims what fits; true if it took a full batch (so there is probably more).
pub async fn claim_once(
    store: &DynStore,
    dispatcher: &DispatcherHandle,
    max_payload: usize,
) -> bool {
    let (room, full_lanes) = dispatcher.capacity().room_for_claim(max_payload);
    let want = room.min(MAX_CLAIM);
    if want == 0 {
        return false;
    }
    match store
        .claim_due(dispatcher.node(), Timestamp::now(), want, &full_lanes)
        .await
    {
        Ok(jobs) => {
            let full = jobs.len() == want;
            for job in &jobs {
                dispatcher
                    .capacity()
                    .hold_claimed(&job.webhook_id, job.payload.len());
            }
            if !jobs.is_empty() {
                tracing::debug!(count = jobs.len(), "claimed due deliveries");
                dispatcher.submit(jobs);
            }
            full
        }
        Err(error) => {
            tracing::warn!(%error, "scan for due deliveries failed; retrying");
            false
        }
    }
}
