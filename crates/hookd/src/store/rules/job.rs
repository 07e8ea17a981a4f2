//! The job of a delivery's next attempt, as the engine takes it: built the same way whether the
//! delivery was just published, claimed by the scan, or re-queued by hand.

#[cfg(test)]
use crate::model::TraceContext;
use crate::model::{
    ClaimId, DeliveryId, DeliveryJob, EventBody, EventId, EventName, Tenant, WebhookId,
};

/// A delivery a node has just claimed: which it is, and how far it has got.
#[derive(Debug, Clone)]
pub struct ClaimedDelivery {
    pub delivery_id: DeliveryId,
    pub event_id: EventId,
    pub webhook_id: WebhookId,
    pub tenant: Tenant,
    pub event_type: EventName,
    /// Attempts made so far (0 for a new delivery).
    pub attempt_count: u32,
    /// A one-off attempt asked for by a person (see `DeliveryJob::manual`).
    pub manual: bool,
}

impl ClaimedDelivery {
    /// The job of its next attempt: the attempt after the last one made, sending the event's
    /// `body`, under `claim`.
    pub fn next_attempt(self, body: &EventBody, claim: &ClaimId) -> DeliveryJob {
        DeliveryJob {
            delivery_id: self.delivery_id,
            event_id: self.event_id,
            webhook_id: self.webhook_id,
            tenant: self.tenant,
            event_type: self.event_type,
            payload: body.payload.clone(),
            attempt: self.attempt_count + 1,
            manual: self.manual,
            claim: claim.clone(),
            original: body.original.clone(),
            trace: body.trace.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::OriginalRequest;
    use bytes::Bytes;
    use std::sync::Arc;

    fn claimed(attempt_count: u32, manual: bool) -> ClaimedDelivery {
        ClaimedDelivery {
            delivery_id: DeliveryId::new(),
            event_id: EventId::new(),
            webhook_id: WebhookId::new(),
            tenant: Tenant::default_tenant(),
            event_type: EventName::parse("order.created").unwrap(),
            attempt_count,
            manual,
        }
    }

    fn body() -> EventBody {
        EventBody {
            payload: Bytes::from_static(b"{\"id\":\"evt_1\"}"),
            original: Some(Arc::new(OriginalRequest {
                body: Bytes::from_static(b"raw"),
                headers: vec![("content-type".into(), "text/plain".into())],
            })),
            trace: TraceContext::from_headers(
                Some("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"),
                None,
            )
            .map(Arc::new),
        }
    }

    /// A new delivery's job is its first attempt.
    #[test]
    fn a_new_delivery_makes_its_first_attempt() {
        let job = claimed(0, false).next_attempt(&body(), &ClaimId::of("node-a", 0));
        assert_eq!(job.attempt, 1);
        assert!(!job.manual);
    }

    /// A delivery with attempts behind it makes the next one.
    #[test]
    fn a_claimed_delivery_makes_the_attempt_after_its_last() {
        assert_eq!(
            claimed(3, false)
                .next_attempt(&body(), &ClaimId::of("node-a", 0))
                .attempt,
            4
        );
    }

    /// The job carries the delivery, the event's body, inbox request and trace context, and the
    /// claim.
    #[test]
    fn the_job_carries_the_delivery_the_body_and_the_claim() {
        let delivery = claimed(1, true);
        let claim = ClaimId::of("node-a", 2);
        let job = delivery.clone().next_attempt(&body(), &claim);
        assert_eq!(job.delivery_id, delivery.delivery_id);
        assert_eq!(job.event_id, delivery.event_id);
        assert_eq!(job.webhook_id, delivery.webhook_id);
        assert_eq!(job.event_type, delivery.event_type);
        assert!(job.manual);
        assert_eq!(job.claim, claim);
        assert_eq!(job.payload, body().payload);
        assert_eq!(job.original.as_deref(), body().original.as_deref());
        assert_eq!(job.trace, body().trace);
    }
}
