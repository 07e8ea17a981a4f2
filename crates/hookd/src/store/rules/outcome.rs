//! What an attempt's outcome makes of its delivery: finished as succeeded or failed, or pending
//! again with the time of its next attempt. (Whether the delivery moves at all, being still
//! pending and held by the outcome's claim, and whether a retry is paused because its webhook
//! is disabled, is for the backend's `UPDATE` to check.)

use crate::model::{DeliveryStatus, NextStep, Timestamp};

/// A delivery's state after an attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AfterAttempt {
    pub status: DeliveryStatus,
    /// When the next attempt is due; `None` when the delivery is finished.
    pub next_attempt_at: Option<Timestamp>,
}

/// The delivery's state after an attempt whose consequence is `next`.
pub fn after_attempt(next: NextStep) -> AfterAttempt {
    let (status, next_attempt_at) = match next {
        NextStep::Succeeded => (DeliveryStatus::Succeeded, None),
        NextStep::RetryAt(at) => (DeliveryStatus::Pending, Some(at)),
        NextStep::Failed | NextStep::Gone => (DeliveryStatus::Failed, None),
    };
    AfterAttempt {
        status,
        next_attempt_at,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A success finishes the delivery.
    #[test]
    fn a_success_finishes_the_delivery_as_succeeded() {
        assert_eq!(
            after_attempt(NextStep::Succeeded),
            AfterAttempt {
                status: DeliveryStatus::Succeeded,
                next_attempt_at: None
            }
        );
    }

    /// A retry leaves the delivery pending, due at the retry's time.
    #[test]
    fn a_retry_leaves_the_delivery_pending_until_its_time() {
        let at = Timestamp::from_millis(1_700_000_000_000);
        assert_eq!(
            after_attempt(NextStep::RetryAt(at)),
            AfterAttempt {
                status: DeliveryStatus::Pending,
                next_attempt_at: Some(at)
            }
        );
    }

    /// Retries used up and a 410 both finish the delivery as failed.
    #[test]
    fn used_up_retries_and_gone_finish_the_delivery_as_failed() {
        for next in [NextStep::Failed, NextStep::Gone] {
            assert_eq!(
                after_attempt(next),
                AfterAttempt {
                    status: DeliveryStatus::Failed,
                    next_attempt_at: None
                }
            );
        }
    }
}
