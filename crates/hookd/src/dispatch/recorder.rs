//! The recorder: writes attempt outcomes in batches (one transaction for everything that
//! arrived meanwhile), then reports what the outcomes did to webhooks (disabled them, moved
//! their circuits), and wakes the scanner when the outcomes made waiting ordered deliveries due
//! (so the next of a key goes at once, not at the next scan). A batch that cannot be written is
//! retried, never dropped, while the database is unavailable.

use crate::model::{AttemptOutcome, NextStep};
use crate::store::rules::circuit::Transition;
use crate::store::{DynStore, Recorded, StoreError, WebhookNews};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{Notify, mpsc};

const MAX_BATCH: usize = 1024;

pub async fn run(
    store: DynStore,
    mut outcomes: mpsc::UnboundedReceiver<AttemptOutcome>,
    disable_after: u32,
    news: mpsc::UnboundedSender<WebhookNews>,
    scan_now: Arc<Notify>,
) {
    let mut buffer = Vec::with_capacity(MAX_BATCH);
    while outcomes.recv_many(&mut buffer, MAX_BATCH).await > 0 {
        let batch: Arc<[AttemptOutcome]> = std::mem::take(&mut buffer).into();
        let recorded = write_with_retries(&store, batch.clone(), disable_after).await;
        let closed = recorded.news.iter().any(|item| {
            item.circuit()
                .is_some_and(|change| change.transition == Transition::Closed)
        });
        if recorded.released > 0 || closed {
            // The next of a key, or a closed circuit's backlog, goes now rather than at the
            // next scan. Other nodes hear of it from the store (PostgreSQL's `due` signal, or
            // the webhooks' change).
            scan_now.notify_one();
        }
        for item in recorded.news {
            report(&item);
            let _ = news.send(item);
        }
        count(&batch);
    }
}

/// Logs what happened to a webhook and counts circuit transitions for Prometheus
/// (`hookd_circuit_transitions_total`).
fn report(news: &WebhookNews) {
    match news {
        WebhookNews::Disabled(webhook) => {
            tracing::warn!(webhook_id = %webhook.id, reason = webhook.reason.as_str(), "webhook disabled");
        }
        WebhookNews::Circuit(change) => {
            let reason = change.circuit.reason.as_deref().unwrap_or_default();
            let to = match change.transition {
                Transition::Opened => {
                    tracing::warn!(webhook_id = %change.id, reason, "circuit opened");
                    "open"
                }
                Transition::Reopened => {
                    tracing::info!(webhook_id = %change.id, reason, "probe failed; circuit open again");
                    "open"
                }
                Transition::Closed => {
                    tracing::info!(webhook_id = %change.id, "probe succeeded; circuit closed");
                    "closed"
                }
                Transition::DisabledOpenTooLong => return,
            };
            metrics::counter!("hookd_circuit_transitions_total", "to" => to).increment(1);
        }
    }
}

async fn write_with_retries(
    store: &DynStore,
    batch: Arc<[AttemptOutcome]>,
    disable_after: u32,
) -> Recorded {
    let mut delay = Duration::from_millis(50);
    let mut failures = 0;
    loop {
        match store.record_outcomes(batch.clone(), disable_after).await {
            Ok(recorded) => return recorded,
            Err(StoreError::Unavailable(error)) => {
                tracing::warn!(%error, size = batch.len(), "cannot record attempts yet; retrying");
            }
            Err(error) => {
                failures += 1;
                tracing::error!(%error, size = batch.len(), failures, "recording attempts failed");
                if failures >= 5 {
                    // Give the deliveries back so they are attempted again (their leases
                    // would otherwise be renewed for as long as this node runs).
                    release_all(store, &batch).await;
                    return Recorded::default();
                }
            }
        }
        tokio::time::sleep(delay).await;
        delay = (delay * 2).min(Duration::from_secs(5));
    }
}

async fn release_all(store: &DynStore, batch: &[AttemptOutcome]) {
    let mut by_claim: std::collections::HashMap<&str, Vec<crate::model::DeliveryId>> =
        std::collections::HashMap::new();
    for outcome in batch {
        by_claim
            .entry(&outcome.claim)
            .or_default()
            .push(outcome.attempt.delivery_id.clone());
    }
    for (claim, ids) in by_claim {
        if let Err(error) = store.release(claim, &ids).await {
            tracing::error!(%error, count = ids.len(), "could not release unrecorded deliveries");
        }
    }
}

/// Counts recorded outcomes for Prometheus (`hookd_attempts_total`, `hookd_deliveries_total`).
/// Every attempt a receiver saw counts, tests included, as in `/api/webhooks/metrics`.
pub fn count(batch: &[AttemptOutcome]) {
    for outcome in batch {
        let label = match outcome.next {
            NextStep::Succeeded => "succeeded",
            NextStep::RetryAt(_) => "retrying",
            NextStep::Failed | NextStep::Gone => "failed",
        };
        metrics::counter!("hookd_attempts_total", "outcome" => label).increment(1);
        if !matches!(outcome.next, NextStep::RetryAt(_)) {
            let delivery = if label == "succeeded" {
                "succeeded"
            } else {
                "failed"
            };
            metrics::counter!("hookd_deliveries_total", "outcome" => delivery).increment(1);
        }
    }
}
