//! How much delivery work a node holds in memory, in count and in payload bytes, overall and per
//! webhook. Publishing asks it whether a new delivery can be handed over in memory (otherwise the
//! delivery waits in the database for the scan); the scan asks how much to claim and which
//! webhooks to skip because their lanes are full. This is what keeps memory bounded however
//! large the backlog, and keeps one slow webhook from taking every slot.

use crate::model::{DeliveryJob, WebhookId};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Deliveries held at most (queued in lanes plus in flight).
    pub deliveries: usize,
    /// Payload bytes held at most (a payload shared by several deliveries counts once each).
    pub bytes: usize,
    /// Deliveries one webhook may hold at most.
    pub per_webhook: usize,
}

pub struct Capacity {
    limits: Limits,
    state: Mutex<State>,
}

/// Room for one delivery in memory, from the moment it is reserved (before the delivery is
/// stored as claimed) until the delivery leaves memory: its attempt ended, or it was given back
/// to the store, dropped unattempted, or never handed over. It goes with its job
/// (`dispatch::Held`) and releases itself when dropped, so every path that lets go of a job
/// lets go of its memory.
#[must_use = "dropping a reservation releases it at once"]
pub struct Reservation {
    capacity: Arc<Capacity>,
    webhook: WebhookId,
    bytes: usize,
}

impl Drop for Reservation {
    fn drop(&mut self) {
        self.capacity.release(&self.webhook, self.bytes);
    }
}

impl std::fmt::Debug for Reservation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Reservation")
            .field("webhook", &self.webhook)
            .field("bytes", &self.bytes)
            .finish()
    }
}

/// A job with the memory reserved for it: what the engine takes (`DispatcherHandle::submit`).
#[derive(Debug)]
pub struct Held {
    pub job: DeliveryJob,
    reservation: Reservation,
}

impl Held {
    pub fn new(job: DeliveryJob, reservation: Reservation) -> Self {
        debug_assert_eq!(
            job.webhook_id, reservation.webhook,
            "reserved for its webhook"
        );
        Self { job, reservation }
    }

    /// The job and its reservation apart, for a job that goes on (an attempt starting) while
    /// its memory stays held.
    pub fn into_parts(self) -> (DeliveryJob, Reservation) {
        (self.job, self.reservation)
    }

    /// The job alone, its memory released: for a job given back to the store.
    pub fn release(self) -> DeliveryJob {
        self.job
    }
}

#[derive(Default)]
struct State {
    deliveries: usize,
    bytes: usize,
    by_webhook: HashMap<WebhookId, usize>,
}

impl Capacity {
    pub fn new(limits: Limits) -> Self {
        Self {
            limits,
            state: Mutex::new(State::default()),
        }
    }

    pub fn limits(&self) -> Limits {
        self.limits
    }

    /// For each webhook in turn, reserves room for one delivery of `bytes` if there is any;
    /// `None` where there was not. One lock for the whole event.
    pub fn try_reserve_each<'a>(
        self: &Arc<Self>,
        webhooks: impl IntoIterator<Item = &'a WebhookId>,
        bytes: usize,
    ) -> Vec<Option<Reservation>> {
        let mut state = self.state.lock().expect("capacity lock");
        webhooks
            .into_iter()
            .map(|webhook| {
                let lane = state.by_webhook.get(webhook).copied().unwrap_or(0);
                let room = state.deliveries < self.limits.deliveries
                    && state.bytes + bytes <= self.limits.bytes
                    && lane < self.limits.per_webhook;
                room.then(|| self.hold(&mut state, webhook, bytes))
            })
            .collect()
    }

    /// Reserves room for a delivery already claimed (by the scan, or by a manual retry): it is
    /// in memory whatever the limits say.
    pub fn reserve_claimed(self: &Arc<Self>, webhook: &WebhookId, bytes: usize) -> Reservation {
        let mut state = self.state.lock().expect("capacity lock");
        self.hold(&mut state, webhook, bytes)
    }

    fn hold(self: &Arc<Self>, state: &mut State, webhook: &WebhookId, bytes: usize) -> Reservation {
        state.deliveries += 1;
        state.bytes += bytes;
        *state.by_webhook.entry(webhook.clone()).or_insert(0) += 1;
        Reservation {
            capacity: self.clone(),
            webhook: webhook.clone(),
            bytes,
        }
    }

    /// Lets go of one delivery of `bytes` (only a `Reservation` being dropped does this).
    fn release(&self, webhook: &WebhookId, bytes: usize) {
        let mut state = self.state.lock().expect("capacity lock");
        state.deliveries = state.deliveries.saturating_sub(1);
        state.bytes = state.bytes.saturating_sub(bytes);
        if let Some(lane) = state.by_webhook.get_mut(webhook) {
            *lane -= 1;
            if *lane == 0 {
                state.by_webhook.remove(webhook);
            }
        }
    }

    /// How many deliveries the scan may claim now, assuming each payload may be as large as
    /// `max_payload`, and the webhooks whose lanes are full.
    pub fn room_for_claim(&self, max_payload: usize) -> (usize, Vec<WebhookId>) {
        let state = self.state.lock().expect("capacity lock");
        let by_count = self.limits.deliveries.saturating_sub(state.deliveries);
        let by_bytes = self.limits.bytes.saturating_sub(state.bytes) / max_payload.max(1);
        let full = state
            .by_webhook
            .iter()
            .filter(|(_, held)| **held >= self.limits.per_webhook)
            .map(|(id, _)| id.clone())
            .collect();
        (by_count.min(by_bytes), full)
    }

    /// Deliveries held now.
    pub fn held(&self) -> usize {
        self.state.lock().expect("capacity lock").deliveries
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn capacity(deliveries: usize, bytes: usize, per_webhook: usize) -> Arc<Capacity> {
        Arc::new(Capacity::new(Limits {
            deliveries,
            bytes,
            per_webhook,
        }))
    }

    fn reserved(reservations: &[Option<Reservation>]) -> Vec<bool> {
        reservations.iter().map(Option::is_some).collect()
    }

    /// No more than the limits are held, in count, bytes, or for one webhook.
    #[test]
    fn holds_stop_at_each_limit() {
        let (a, b) = (WebhookId::new(), WebhookId::new());
        let by_count = capacity(2, 1000, 10);
        let held = by_count.try_reserve_each([&a, &a, &b], 1);
        assert_eq!(reserved(&held), vec![true, true, false]);
        let by_bytes = capacity(10, 250, 10);
        let held = by_bytes.try_reserve_each([&a, &b, &b], 100);
        assert_eq!(reserved(&held), vec![true, true, false]);
        let by_lane = capacity(10, 1000, 2);
        let mut held = by_lane.try_reserve_each([&a, &a, &a, &b], 1);
        assert_eq!(reserved(&held), vec![true, true, false, true]);
        assert_eq!(by_lane.room_for_claim(1), (7, vec![a.clone()]));
        held.remove(0);
        assert_eq!(by_lane.room_for_claim(1), (8, vec![]));
        assert_eq!(by_lane.held(), 2);
    }

    /// A reservation holds its room until it is dropped, and then gives back exactly what it
    /// held: the count, the bytes and the webhook's share.
    #[test]
    fn a_dropped_reservation_is_released() {
        let webhook = WebhookId::new();
        let capacity = capacity(10, 1000, 1);
        let reservation = capacity.reserve_claimed(&webhook, 300);
        assert_eq!(capacity.held(), 1);
        assert_eq!(capacity.room_for_claim(100), (7, vec![webhook.clone()]));
        drop(reservation);
        assert_eq!(capacity.held(), 0);
        assert_eq!(capacity.room_for_claim(100), (10, vec![]));
    }

    /// Where there was no room nothing is held, so nothing is released twice.
    #[test]
    fn a_refused_reservation_holds_nothing() {
        let webhook = WebhookId::new();
        let capacity = capacity(1, 1000, 10);
        let mut held = capacity.try_reserve_each([&webhook, &webhook], 1);
        assert_eq!(reserved(&held), vec![true, false]);
        held.pop();
        assert_eq!(capacity.held(), 1);
        held.clear();
        assert_eq!(capacity.held(), 0);
    }

    /// A claimed delivery is in memory already: it is held even beyond the limits.
    #[test]
    fn a_claimed_delivery_is_reserved_whatever_the_limits() {
        let webhook = WebhookId::new();
        let capacity = capacity(0, 0, 0);
        let reservation = capacity.reserve_claimed(&webhook, 10);
        assert_eq!(capacity.held(), 1);
        drop(reservation);
        assert_eq!(capacity.held(), 0);
    }

    fn job(webhook: &WebhookId) -> DeliveryJob {
        DeliveryJob {
            delivery_id: crate::model::DeliveryId::new(),
            event_id: crate::model::EventId::new(),
            webhook_id: webhook.clone(),
            tenant: crate::model::Tenant::default_tenant(),
            event_type: crate::model::EventName::parse("order.created").unwrap(),
            payload: bytes::Bytes::from_static(b"{}"),
            attempt: 1,
            manual: false,
            claim: crate::model::ClaimId::of("node-a", 0),
            original: None,
            trace: None,
        }
    }

    /// A handle whose engine is `commands`' receiver, for watching what is handed over.
    fn handle(
        capacity: &Arc<Capacity>,
    ) -> (
        super::super::DispatcherHandle,
        tokio::sync::mpsc::UnboundedReceiver<super::super::engine::Command>,
    ) {
        let (commands, receiver) = tokio::sync::mpsc::unbounded_channel();
        let lease = super::super::Lease::new("node-a".into(), std::time::Duration::from_secs(60));
        let handle = super::super::DispatcherHandle {
            lease: Arc::new(lease),
            capacity: capacity.clone(),
            commands,
            dispatches: true,
            healths: Default::default(),
        };
        (handle, receiver)
    }

    /// A submitted delivery stays held while the engine has it, and is released when the
    /// delivery leaves memory (its attempt ends, or it is given back).
    #[test]
    fn a_submitted_reservation_is_held_until_the_delivery_ends() {
        let webhook = WebhookId::new();
        let capacity = capacity(10, 1000, 10);
        let (dispatcher, mut engine) = handle(&capacity);
        let reserved = capacity.try_reserve_each([&webhook], 2).pop().unwrap();
        dispatcher.submit(vec![Held::new(job(&webhook), reserved.unwrap())]);
        assert_eq!(capacity.held(), 1, "queued for the engine");
        let Ok(super::super::engine::Command::Jobs(mut jobs)) = engine.try_recv() else {
            panic!("the job reaches the engine");
        };
        let (_attempted, running) = jobs.pop().unwrap().into_parts();
        assert_eq!(capacity.held(), 1, "held while its attempt runs");
        drop(running);
        assert_eq!(capacity.held(), 0, "released when the attempt ends");
    }

    /// A job given back to the store keeps its job and lets go of its memory.
    #[test]
    fn a_released_job_lets_go_of_its_memory() {
        let webhook = WebhookId::new();
        let capacity = capacity(10, 1000, 10);
        let held = Held::new(job(&webhook), capacity.reserve_claimed(&webhook, 2));
        assert_eq!(capacity.held(), 1);
        let given_back = held.release();
        assert_eq!(capacity.held(), 0);
        assert_eq!(given_back.webhook_id, webhook);
    }

    /// Claimed deliveries handed over outside publishing get their reservation on the way in;
    /// when no engine takes them (shutting down) they are released at once.
    #[test]
    fn claimed_jobs_are_reserved_when_submitted_and_released_if_nobody_takes_them() {
        let webhook = WebhookId::new();
        let capacity = capacity(0, 0, 0);
        let (dispatcher, engine) = handle(&capacity);
        dispatcher.submit_claimed(vec![job(&webhook), job(&webhook)]);
        assert_eq!(
            capacity.held(),
            2,
            "claimed work is held whatever the limits"
        );
        drop(engine);
        assert_eq!(
            capacity.held(),
            0,
            "what the engine had queued went with it"
        );
        dispatcher.submit_claimed(vec![job(&webhook)]);
        assert_eq!(capacity.held(), 0, "with no engine, nothing stays held");
    }
}
