//! The prober: one task per dispatching node that probes open circuits when their time comes.
//!
//! It sleeps until the earliest `next_probe_at` of an open circuit in the directory (or the end
//! of a half-open circuit's probe lease, when its prober went quiet; a second at most, then it
//! looks again), then takes the probe
//! lease in the store (`Store::take_probe`: of all nodes asking, exactly one gets it), claims
//! the webhook's oldest pending delivery and hands it to the engine as the probe. A webhook
//! with nothing waiting is probed with a `webhook.ping` published to it alone (through
//! `ProbePing`, which the app wires to `ops`: dispatch does not know operations). The probe's
//! outcome is recorded like any other; the store's circuit rule closes or reopens the circuit.

use super::DispatcherHandle;
use crate::directory::Snapshot;
use crate::model::{CircuitState, Timestamp, Webhook, WebhookId};
use crate::store::DynStore;
use async_trait::async_trait;
use std::collections::HashMap;
use std::sync::{Arc, OnceLock};
use std::time::Duration;
use tokio::sync::watch;

/// The longest the prober sleeps before it looks again: its sleeps are computed from the
/// wall clock, which may be set back or forward meanwhile.
const RECHECK: Duration = Duration::from_secs(1);

/// Added to a webhook's timeout for the probe lease: the attempt's outcome has this long to be
/// recorded before another node may probe.
pub const PROBE_MARGIN: Duration = Duration::from_secs(10);

/// Publishes a `webhook.ping` to one webhook, as the probe of its open circuit when none of its
/// deliveries waits.
#[async_trait]
pub trait ProbePing: Send + Sync + 'static {
    /// Whether the ping was stored.
    async fn ping_for_probe(&self, webhook: &Webhook) -> bool;
}

/// Where the ping comes from: set by the app once operations exist (they need the dispatcher).
pub type PingSlot = Arc<OnceLock<Arc<dyn ProbePing>>>;

pub struct Prober {
    pub store: DynStore,
    pub snapshots: watch::Receiver<Arc<Snapshot>>,
    pub dispatcher: DispatcherHandle,
    pub ping: PingSlot,
}

/// When a circuit's probe is due: at `next_probe_at` while open; when the probe lease ends
/// while half open.
fn probe_due(webhook: &Webhook) -> Option<Timestamp> {
    let circuit = &webhook.circuit;
    match circuit.state {
        CircuitState::Open => circuit.next_probe_at,
        CircuitState::HalfOpen => Some(
            circuit
                .probe
                .as_ref()
                .map_or(Timestamp::from_millis(0), |p| {
                    p.until.plus(Duration::from_millis(1))
                }),
        ),
        CircuitState::Closed => None,
    }
}

impl Prober {
    pub async fn run(mut self, mut stop: watch::Receiver<bool>) {
        let clock = self.dispatcher.lease().clock().clone();
        // After a try, a webhook is not tried again before the probe lease it asked for ends,
        // unless the directory shows a new probe time (the circuit reopened) meanwhile: by
        // webhook, the probe time tried and the end of that lease.
        let mut not_before: HashMap<WebhookId, (Timestamp, Timestamp)> = HashMap::new();
        loop {
            let snapshot = self.snapshots.borrow_and_update().clone();
            let now = clock.now();
            not_before.retain(|id, _| snapshot.webhook(id).is_some_and(|w| w.circuit_blocks()));
            let mut next: Option<Timestamp> = None;
            for webhook in snapshot.open_circuits() {
                let Some(due) = probe_due(webhook) else {
                    continue;
                };
                let tried = not_before
                    .get(&webhook.id)
                    .filter(|(tried_due, _)| *tried_due == due);
                let due = tried.map_or(due, |(_, lease_end)| due.max(*lease_end));
                if due > now {
                    next = Some(next.map_or(due, |at| at.min(due)));
                    continue;
                }
                let lease_end = now.plus(webhook.timeout() + PROBE_MARGIN);
                let probe_time = probe_due(webhook).unwrap_or(due);
                not_before.insert(webhook.id.clone(), (probe_time, lease_end));
                next = Some(next.map_or(lease_end, |at| at.min(lease_end)));
                self.probe(webhook, now, lease_end).await;
            }
            let wait = next.map(|at| at.since(clock.now()).min(RECHECK));
            tokio::select! {
                () = sleep(wait) => {}
                changed = self.snapshots.changed() => if changed.is_err() { return },
                _ = stop.changed() => return,
            }
        }
    }

    /// Takes the probe lease and starts the probe, if this node wins it.
    async fn probe(&self, webhook: &Webhook, now: Timestamp, until: Timestamp) {
        let claim = self.dispatcher.lease().claim();
        match self
            .store
            .take_probe(&webhook.id, claim.by.as_str(), now, until)
            .await
        {
            Ok(true) => {}
            Ok(false) => return,
            Err(error) => {
                tracing::warn!(webhook_id = %webhook.id, %error, "could not take the probe lease; will try again");
                return;
            }
        }
        tracing::info!(webhook_id = %webhook.id, "probing an open circuit");
        match self.store.claim_probe_delivery(&webhook.id, &claim).await {
            Ok(Some(job)) => return self.dispatcher.probe(job),
            Ok(None) => {}
            Err(error) => {
                tracing::warn!(webhook_id = %webhook.id, %error, "could not claim a delivery to probe with");
                return;
            }
        }
        let Some(ping) = self.ping.get() else {
            return;
        };
        if !ping.ping_for_probe(webhook).await {
            return;
        }
        match self.store.claim_probe_delivery(&webhook.id, &claim).await {
            Ok(Some(job)) => self.dispatcher.probe(job),
            Ok(None) => {}
            Err(error) => {
                tracing::warn!(webhook_id = %webhook.id, %error, "could not claim the probe's ping");
            }
        }
    }
}

async fn sleep(wait: Option<Duration>) {
    match wait {
        Some(wait) => tokio::time::sleep(wait).await,
        None => std::future::pending().await,
    }
}

#[cfg(test)]
mod tests;
