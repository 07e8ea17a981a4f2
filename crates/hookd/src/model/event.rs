//! Events as the application publishes them, and the exact body every receiver gets:
//! `{"id", "type", "timestamp", "data"}`, encoded once at ingest and stored as sent.

use super::{
    DeliveryId, EventId, EventName, InboxRequestId, OrderKey, Tenant, Timestamp, TraceContext,
    WebhookId,
};
use bytes::Bytes;

/// The longest idempotency key accepted.
pub const MAX_IDEMPOTENCY_KEY_LEN: usize = 255;

/// An event about to be stored, with the deliveries it fans out to.
#[derive(Debug, Clone)]
pub struct NewEvent {
    pub id: EventId,
    pub tenant: Tenant,
    pub event_type: EventName,
    /// The caller's `id`: the same key again within the tenant returns this event.
    pub idempotency_key: Option<String>,
    /// The body sent to receivers.
    pub payload: Bytes,
    pub created_at: Timestamp,
    pub deliveries: Vec<NewDelivery>,
    /// The inbox request it came from, if any.
    pub inbox_request_id: Option<InboxRequestId>,
    /// The W3C trace context it was published in, passed on to every attempt.
    pub trace: Option<TraceContext>,
}

/// A delivery created with its event.
#[derive(Debug, Clone)]
pub struct NewDelivery {
    pub id: DeliveryId,
    pub webhook_id: WebhookId,
    /// Stored as claimed by this node, which dispatches it from memory right after the commit;
    /// unclaimed deliveries wait for the database scan.
    pub claimed: bool,
    /// Created even if the webhook is disabled (the synchronous `test` of a disabled webhook).
    pub even_if_disabled: bool,
    /// Its webhook's circuit is open: it waits in the database until the circuit closes, so
    /// storing it unclaimed is no reason to wake other nodes' scans.
    pub waits_for_circuit: bool,
    /// Its key when its webhook orders deliveries: it waits for the one published before it
    /// with the same key (the store then keeps it unclaimed, whatever `claimed` says).
    pub order_key: Option<OrderKey>,
}

/// What storing an event did.
#[derive(Debug, Clone)]
pub enum InsertedEvent {
    /// Stored. `dropped` lists deliveries not created because their webhook was deleted or
    /// disabled between matching and storing; `waiting`, deliveries stored waiting for the one
    /// before them with the same order key (unclaimed, whatever `claimed` said).
    Created {
        dropped: Vec<DeliveryId>,
        waiting: Vec<DeliveryId>,
    },
    /// The idempotency key was seen before: nothing was stored, here is the first event.
    Duplicate(EventSummary),
}

/// An event without its body.
#[derive(Debug, Clone, PartialEq)]
pub struct EventSummary {
    pub id: EventId,
    pub tenant: Tenant,
    pub event_type: EventName,
    pub idempotency_key: Option<String>,
    pub created_at: Timestamp,
    pub delivery_count: u32,
    /// The inbox request it was made from, if it came from an inbox.
    pub inbox_request_id: Option<InboxRequestId>,
}

/// An event with the body its receivers get.
#[derive(Debug, Clone)]
pub struct EventRecord {
    pub summary: EventSummary,
    pub payload: Bytes,
}

/// Encodes the body receivers get. `data_json` must be valid JSON text (it is copied verbatim,
/// never re-encoded).
pub fn encode_payload(
    id: &EventId,
    event_type: &EventName,
    at: Timestamp,
    data_json: &str,
) -> Bytes {
    let mut out = Vec::with_capacity(data_json.len() + event_type.as_str().len() + 96);
    out.extend_from_slice(b"{\"id\":\"");
    out.extend_from_slice(id.as_str().as_bytes());
    out.extend_from_slice(b"\",\"type\":\"");
    // Event names are `[A-Za-z0-9_.-]`: nothing to escape.
    out.extend_from_slice(event_type.as_str().as_bytes());
    out.extend_from_slice(b"\",\"timestamp\":\"");
    out.extend_from_slice(at.to_string().as_bytes());
    out.extend_from_slice(b"\",\"data\":");
    out.extend_from_slice(data_json.as_bytes());
    out.push(b'}');
    Bytes::from(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The body is `{"id","type","timestamp","data"}` with `data` copied byte for byte.
    #[test]
    fn payload_has_the_documented_shape() {
        let id = EventId::parse("evt_01JD0000000000000000000000").unwrap();
        let name = EventName::parse("order.created").unwrap();
        let body = encode_payload(
            &id,
            &name,
            Timestamp::from_millis(1_795_343_400_000),
            r#"{"amount": 5}"#,
        );
        let parsed: serde_json::Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(parsed["id"], "evt_01JD0000000000000000000000");
        assert_eq!(parsed["type"], "order.created");
        assert_eq!(parsed["timestamp"], "2026-11-22T10:30:00.000Z");
        assert_eq!(parsed["data"]["amount"], 5);
        assert!(
            std::str::from_utf8(&body)
                .unwrap()
                .ends_with(r#""data":{"amount": 5}}"#)
        );
    }
}
