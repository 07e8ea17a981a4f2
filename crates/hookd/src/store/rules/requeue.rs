//! A manual retry (`POST /api/deliveries/{id}/retry`): one more attempt now. What it does
//! depends on the state the delivery is in, which the backend reads (and locks) first.

/// What a retry finds of a delivery.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryFound {
    /// The delivery is still pending (not succeeded, failed or cancelled).
    pub pending: bool,
    /// A node holds it (`claimed_by` is set).
    pub held: bool,
    /// Its webhook exists and is active.
    pub webhook_active: bool,
}

/// What a retry does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RetryDecision {
    /// Nothing: the webhook is disabled or deleted (the caller is told to enable it).
    WebhookInactive,
    /// Nothing: a node holds the delivery and will attempt it.
    LeftToHolder,
    /// Make it due now (and claim it, when the caller dispatches). `manual`: a finished
    /// delivery gets a one-off attempt (a failure ends it again, and does not count towards
    /// the failure streak); a pending one keeps its schedule and is only made due sooner.
    Requeue { manual: bool },
}

/// The rule: an inactive webhook refuses; a delivery a node holds is left to it; anything else
/// is made due now, as a one-off attempt when it had finished.
pub fn decide_retry(found: RetryFound) -> RetryDecision {
    if !found.webhook_active {
        RetryDecision::WebhookInactive
    } else if found.pending && found.held {
        RetryDecision::LeftToHolder
    } else {
        RetryDecision::Requeue {
            manual: !found.pending,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(pending: bool, held: bool, webhook_active: bool) -> RetryFound {
        RetryFound {
            pending,
            held,
            webhook_active,
        }
    }

    /// A disabled or deleted webhook gets no retry, whatever the delivery's state.
    #[test]
    fn an_inactive_webhook_refuses_the_retry() {
        for (pending, held) in [(true, true), (true, false), (false, false)] {
            assert_eq!(
                decide_retry(found(pending, held, false)),
                RetryDecision::WebhookInactive
            );
        }
    }

    /// A pending delivery some node holds is that node's to attempt.
    #[test]
    fn a_held_pending_delivery_is_left_to_its_holder() {
        assert_eq!(
            decide_retry(found(true, true, true)),
            RetryDecision::LeftToHolder
        );
    }

    /// A pending delivery nobody holds (waiting for its retry) is made due now and keeps its
    /// schedule.
    #[test]
    fn a_waiting_delivery_is_made_due_and_keeps_its_schedule() {
        assert_eq!(
            decide_retry(found(true, false, true)),
            RetryDecision::Requeue { manual: false }
        );
    }

    /// A finished delivery (succeeded or failed) gets a one-off attempt.
    #[test]
    fn a_finished_delivery_gets_a_one_off_attempt() {
        assert_eq!(
            decide_retry(found(false, false, true)),
            RetryDecision::Requeue { manual: true }
        );
    }
}
