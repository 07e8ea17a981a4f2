//! Ordered deliveries: where a new delivery with an order key goes in its key's line, which
//! outcomes end a delivery's turn (so the next of its key becomes due), and the advisory locks
//! that keep nodes from racing over one key (PostgreSQL).
//!
//! The line of a key is its webhook's pending deliveries with that key, by `order_seq`. A
//! delivery stored while others of its key are pending waits (`order_waiting`, no
//! `next_attempt_at`, never claimed); when one finishes, the next waiting one is made due,
//! unless another pending delivery of the key that is not waiting remains (a manual retry).

use crate::model::{DeliveryStatus, OrderKey, WebhookId};
use sha2::{Digest, Sha256};

/// Where a new delivery with an order key goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Place {
    pub seq: i64,
    /// It waits for the deliveries of its key before it; otherwise it is due now.
    pub waiting: bool,
}

/// The place of a new delivery of a key whose pending deliveries' highest `order_seq` is
/// `last_pending` (`None`: none is pending, the new one is the head).
pub fn place(last_pending: Option<i64>) -> Place {
    match last_pending {
        None => Place {
            seq: 1,
            waiting: false,
        },
        Some(last) => Place {
            seq: last + 1,
            waiting: true,
        },
    }
}

/// Whether a delivery in this state after an outcome has ended its turn (succeeded, failed
/// for good, or cancelled), so the next of its key may go.
pub fn ends_turn(status: DeliveryStatus) -> bool {
    status != DeliveryStatus::Pending
}

/// The transaction-scoped advisory lock of a key: the first 8 bytes of a SHA-256 of the
/// webhook id and the key (the same on every node; a collision only serialises two keys).
pub fn lock_id(webhook: &WebhookId, key: &OrderKey) -> i64 {
    let mut hash = Sha256::new();
    hash.update(webhook.as_str().as_bytes());
    hash.update([0]);
    hash.update(key.as_str().as_bytes());
    let digest = hash.finalize();
    i64::from_be_bytes(digest[..8].try_into().expect("8 bytes"))
}

/// The locks of these keys, each once, in the order every transaction takes them (sorted), so
/// two transactions over the same keys never wait on each other in a circle.
pub fn lock_ids<'a>(keys: impl IntoIterator<Item = (&'a WebhookId, &'a OrderKey)>) -> Vec<i64> {
    let mut ids: Vec<i64> = keys.into_iter().map(|(w, k)| lock_id(w, k)).collect();
    ids.sort_unstable();
    ids.dedup();
    ids
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_pending_delivery_of_a_key_is_its_head_and_due() {
        assert_eq!(
            place(None),
            Place {
                seq: 1,
                waiting: false
            }
        );
    }

    #[test]
    fn a_delivery_behind_pending_ones_waits_after_the_last() {
        assert_eq!(
            place(Some(7)),
            Place {
                seq: 8,
                waiting: true
            }
        );
    }

    #[test]
    fn success_final_failure_and_cancelling_end_a_turn_and_a_retry_does_not() {
        assert!(ends_turn(DeliveryStatus::Succeeded));
        assert!(ends_turn(DeliveryStatus::Failed));
        assert!(ends_turn(DeliveryStatus::Cancelled));
        assert!(!ends_turn(DeliveryStatus::Pending));
    }

    #[test]
    fn locks_are_per_webhook_and_key_sorted_and_taken_once() {
        let (a, b) = (WebhookId::new(), WebhookId::new());
        let (k1, k2) = (
            OrderKey::from_trusted("1".into()),
            OrderKey::from_trusted("2".into()),
        );
        assert_eq!(lock_id(&a, &k1), lock_id(&a, &k1));
        assert_ne!(lock_id(&a, &k1), lock_id(&b, &k1));
        assert_ne!(lock_id(&a, &k1), lock_id(&a, &k2));
        let ids = lock_ids([(&a, &k2), (&a, &k1), (&a, &k2), (&b, &k1)]);
        assert_eq!(ids.len(), 3);
        assert!(ids.windows(2).all(|w| w[0] < w[1]));
    }
}
