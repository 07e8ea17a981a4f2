//! How much delivery work a node holds in memory, in count and in payload bytes, overall and per
//! webhook. Publishing asks it whether a new delivery can be handed over in memory (otherwise the
//! delivery waits in the database for the scan); the scan asks how much to claim and which
//! webhooks to skip because their lanes are full. This is what keeps memory bounded however
//! large the backlog, and keeps one slow webhook from taking every slot.

use crate::model::WebhookId;
use std::collections::HashMap;
use std::sync::Mutex;

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

    /// For each webhook in turn, holds one delivery of `bytes` if there is room; says which were
    /// held. One lock for the whole event.
    pub fn try_hold_each<'a>(
        &self,
        webhooks: impl IntoIterator<Item = &'a WebhookId>,
        bytes: usize,
    ) -> Vec<bool> {
        let mut state = self.state.lock().expect("capacity lock");
        webhooks
            .into_iter()
            .map(|webhook| {
                let lane = state.by_webhook.get(webhook).copied().unwrap_or(0);
                let room = state.deliveries < self.limits.deliveries
                    && state.bytes + bytes <= self.limits.bytes
                    && lane < self.limits.per_webhook;
                if room {
                    state.deliveries += 1;
                    state.bytes += bytes;
                    *state.by_webhook.entry(webhook.clone()).or_insert(0) += 1;
                }
                room
            })
            .collect()
    }

    /// Holds deliveries the scan already claimed (they are in memory whatever the limits say).
    pub fn hold_claimed(&self, webhook: &WebhookId, bytes: usize) {
        let mut state = self.state.lock().expect("capacity lock");
        state.deliveries += 1;
        state.bytes += bytes;
        *state.by_webhook.entry(webhook.clone()).or_insert(0) += 1;
    }

    /// Lets go of one delivery of `bytes`.
    pub fn release(&self, webhook: &WebhookId, bytes: usize) {
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

    fn capacity(deliveries: usize, bytes: usize, per_webhook: usize) -> Capacity {
        Capacity::new(Limits {
            deliveries,
            bytes,
            per_webhook,
        })
    }

    /// No more than the limits are held, in count, bytes, or for one webhook.
    #[test]
    fn holds_stop_at_each_limit() {
        let (a, b) = (WebhookId::new(), WebhookId::new());
        let by_count = capacity(2, 1000, 10);
        assert_eq!(
            by_count.try_hold_each([&a, &a, &b], 1),
            vec![true, true, false]
        );
        let by_bytes = capacity(10, 250, 10);
        assert_eq!(
            by_bytes.try_hold_each([&a, &b, &b], 100),
            vec![true, true, false]
        );
        let by_lane = capacity(10, 1000, 2);
        assert_eq!(
            by_lane.try_hold_each([&a, &a, &a, &b], 1),
            vec![true, true, false, true]
        );
        assert_eq!(by_lane.room_for_claim(1), (7, vec![a.clone()]));
        by_lane.release(&a, 1);
        assert_eq!(by_lane.room_for_claim(1), (8, vec![]));
        assert_eq!(by_lane.held(), 2);
    }
}
