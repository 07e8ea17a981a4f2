//! The database scan: claims deliveries that memory does not hold (retries that became due,
//! work left by a crash or a stopped node, backlog beyond the in-memory bound) and hands them
//! to the engine. It runs every `interval`, again at once while it finds full batches, and at
//! once when another node signals that unheld deliveries became due, or this node's recorder
//! made waiting ordered deliveries due (`scan_now`). While the database is unreachable it backs
//! off, up to a few seconds between tries. Webhooks whose circuit is open are skipped: their
//! deliveries wait in the database until it closes.

use super::DispatcherHandle;
use crate::directory::Snapshot;
use crate::store::DynStore;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{Notify, watch};

/// The most deliveries one claim takes.
const MAX_CLAIM: usize = 1000;

pub async fn run(
    store: DynStore,
    dispatcher: DispatcherHandle,
    snapshots: watch::Receiver<Arc<Snapshot>>,
    interval: Duration,
    max_payload: usize,
    scan_now: Arc<Notify>,
    mut stop: watch::Receiver<bool>,
) {
    let mut due = store.signals().map(|signals| signals.due);
    let mut backoff = interval;
    loop {
        let started = tokio::time::Instant::now();
        let snapshot = snapshots.borrow().clone();
        let scanned = claim_once(&store, &dispatcher, &snapshot, max_payload).await;
        if *stop.borrow() {
            return;
        }
        let wait = match scanned {
            Scan::Full => continue,
            Scan::Partial => {
                backoff = interval;
                interval
            }
            Scan::Failed => {
                backoff = (backoff * 2).min(MAX_BACKOFF);
                backoff
            }
        };
        tokio::select! {
            () = tokio::time::sleep(wait) => {}
            _ = signalled(&mut due) => {
                // Other nodes' signals come as often as they publish what they can't hold (a
                // full lane, say): one scan per SIGNAL_GAP takes all of it, where one scan per
                // signal would walk the same skipped rows again and again.
                tokio::select! {
                    () = tokio::time::sleep_until(started + SIGNAL_GAP) => {}
                    _ = stop.changed() => return,
                }
            }
            () = scan_now.notified() => {}
            _ = stop.changed() => return,
        }
    }
}

/// The shortest time between the starts of two scans that signals from the database ask for.
const SIGNAL_GAP: Duration = Duration::from_millis(50);

/// The longest wait between scans while the database fails.
const MAX_BACKOFF: Duration = Duration::from_secs(5);

async fn signalled(due: &mut Option<watch::Receiver<u64>>) {
    match due {
        Some(due) => {
            if due.changed().await.is_err() {
                std::future::pending::<()>().await;
            }
        }
        None => std::future::pending::<()>().await,
    }
}

/// What one scan found.
pub enum Scan {
    /// A full batch: there is probably more.
    Full,
    Partial,
    Failed,
}

/// Claims what fits, skipping full lanes and open circuits.
pub async fn claim_once(
    store: &DynStore,
    dispatcher: &DispatcherHandle,
    snapshot: &Snapshot,
    max_payload: usize,
) -> Scan {
    let (room, mut skip) = dispatcher.capacity().room_for_claim(max_payload);
    skip.extend(snapshot.open_circuits().iter().map(|w| w.id.clone()));
    let want = room.min(MAX_CLAIM);
    if want == 0 {
        return Scan::Partial;
    }
    let claim = dispatcher.lease().claim();
    match store
        .claim_due(&claim, dispatcher.lease().clock().now(), want, &skip)
        .await
    {
        Ok(jobs) => {
            let full = jobs.len() == want;
            if !jobs.is_empty() {
                tracing::debug!(count = jobs.len(), "claimed due deliveries");
                dispatcher.submit_claimed(jobs);
            }
            if full { Scan::Full } else { Scan::Partial }
        }
        Err(error) => {
            tracing::warn!(%error, "scan for due deliveries failed; retrying");
            Scan::Failed
        }
    }
}
