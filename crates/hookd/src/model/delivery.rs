//! Deliveries (one event for one webhook) and their attempts (one HTTP request each), plus the
//! unit of work the dispatcher carries and the outcome it reports.

use super::{
    AttemptId, ClaimId, DeliveryId, EventId, EventName, Tenant, Timestamp, TraceContext, WebhookId,
};
use bytes::Bytes;
use std::sync::Arc;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeliveryStatus {
    Pending,
    Succeeded,
    /// Retries exhausted; available for manual retry and recover.
    Failed,
    /// Its webhook was deleted before it finished.
    Cancelled,
}

impl DeliveryStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Succeeded => "succeeded",
            Self::Failed => "failed",
            Self::Cancelled => "cancelled",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "pending" => Some(Self::Pending),
            "succeeded" => Some(Self::Succeeded),
            "failed" => Some(Self::Failed),
            "cancelled" => Some(Self::Cancelled),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Delivery {
    pub id: DeliveryId,
    pub event_id: EventId,
    pub webhook_id: WebhookId,
    pub tenant: Tenant,
    pub event_type: EventName,
    pub status: DeliveryStatus,
    pub attempt_count: u32,
    /// When the next attempt is due; `None` when finished, or while its webhook is disabled.
    pub next_attempt_at: Option<Timestamp>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AttemptStatus {
    Succeeded,
    Failed,
}

impl AttemptStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Succeeded => "succeeded",
            Self::Failed => "failed",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "succeeded" => Some(Self::Succeeded),
            "failed" => Some(Self::Failed),
            _ => None,
        }
    }
}

/// One HTTP request made for a delivery, as logged.
#[derive(Debug, Clone, PartialEq)]
pub struct Attempt {
    pub id: AttemptId,
    pub delivery_id: DeliveryId,
    pub webhook_id: WebhookId,
    pub event_id: EventId,
    pub tenant: Tenant,
    pub event_type: EventName,
    /// 1 for the first attempt of the delivery.
    pub attempt: u32,
    pub status: AttemptStatus,
    pub response_code: Option<u16>,
    /// The first 4 KiB of the response body.
    pub response_body: Option<String>,
    /// Why it failed when there was no usable response (timeout, refused address, ...).
    pub error: Option<String>,
    pub duration_ms: u32,
    /// The headers sent (never a secret).
    pub request_headers: Vec<(String, String)>,
    /// The headers of the response, if there was one: at most `MAX_RESPONSE_HEADERS`, each
    /// value cut to `MAX_RESPONSE_HEADER_VALUE` characters.
    pub response_headers: Vec<(String, String)>,
    pub created_at: Timestamp,
}

/// Response headers kept per attempt at most.
pub const MAX_RESPONSE_HEADERS: usize = 32;
/// Characters of a response header's value kept at most.
pub const MAX_RESPONSE_HEADER_VALUE: usize = 256;

/// A delivery handed to the dispatcher: everything needed to make the next attempt.
#[derive(Debug, Clone)]
pub struct DeliveryJob {
    pub delivery_id: DeliveryId,
    pub event_id: EventId,
    pub webhook_id: WebhookId,
    pub tenant: Tenant,
    pub event_type: EventName,
    /// The body, shared by every delivery of the event.
    pub payload: Bytes,
    /// The number of the attempt to make (1-based).
    pub attempt: u32,
    /// A one-off attempt asked for by a person (retry, recover): a failure ends the delivery
    /// as failed instead of following the schedule, and does not count towards disabling.
    pub manual: bool,
    /// The claim (node and epoch) under which this node holds the delivery; see
    /// `dispatch::lease`.
    pub claim: ClaimId,
    /// For an event that came from an inbox: the request as received, for webhooks whose
    /// `payload` is `original`.
    pub original: Option<Arc<OriginalRequest>>,
    /// The trace context the event was published in: each attempt sends a child of it.
    pub trace: Option<Arc<TraceContext>>,
}

/// What an attempt sends of an event: hookd's body, the inbox request it came from, and the
/// trace it belongs to.
#[derive(Debug, Clone)]
pub struct EventBody {
    pub payload: Bytes,
    pub original: Option<Arc<OriginalRequest>>,
    pub trace: Option<Arc<TraceContext>>,
}

impl EventBody {
    /// From stored columns: the payload, and the inbox request's body and `original_headers`
    /// (JSON) when the event came from one that is still kept.
    pub fn from_stored(payload: String, original: Option<(Vec<u8>, String)>) -> Self {
        let original = original.and_then(|(body, headers)| {
            let headers = serde_json::from_str(&headers).ok()?;
            Some(Arc::new(OriginalRequest {
                body: Bytes::from(body),
                headers,
            }))
        });
        Self {
            payload: Bytes::from(payload),
            original,
            trace: None,
        }
    }

    /// With the event's stored `traceparent` and `tracestate` columns.
    pub fn with_trace(mut self, traceparent: Option<String>, tracestate: Option<String>) -> Self {
        self.trace = TraceContext::from_stored(traceparent.as_deref(), tracestate).map(Arc::new);
        self
    }
}

impl DeliveryJob {
    /// What is sent to a webhook with this payload mode: the original request for
    /// `original` when the event came from an inbox (and its request is still kept), else
    /// hookd's event body.
    pub fn sent_body(&self, mode: super::PayloadMode) -> (&Bytes, Option<&OriginalRequest>) {
        match (&self.original, mode) {
            (Some(original), super::PayloadMode::Original) => (&original.body, Some(original)),
            _ => (&self.payload, None),
        }
    }
}

/// What a webhook with `payload: "original"` is sent of the inbox request an event came from.
#[derive(Debug, Clone, PartialEq)]
pub struct OriginalRequest {
    /// Byte for byte as received.
    pub body: Bytes,
    /// Its content type and the sender's signature headers, as received.
    pub headers: Vec<(String, String)>,
}

/// What happens to a delivery after an attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NextStep {
    Succeeded,
    /// Try again at this time.
    RetryAt(Timestamp),
    /// Retries exhausted (or a one-off attempt failed).
    Failed,
    /// The receiver answered 410: the delivery fails and the webhook is disabled as gone.
    Gone,
}

/// An attempt with its consequence, as the dispatcher reports it to storage.
#[derive(Debug, Clone)]
pub struct AttemptOutcome {
    pub attempt: Attempt,
    pub next: NextStep,
    /// Whether this outcome moves the webhook's failure streak (manual and test attempts don't).
    pub counts_for_streak: bool,
    /// With a 429 or 503: the receiver's `Retry-After` (at most an hour). The whole webhook
    /// waits that long, not just this delivery.
    pub retry_after: Option<std::time::Duration>,
    /// The receiver could not keep up: a 429, a 503, or no answer in time. Adaptive
    /// concurrency halves the webhook's requests at once.
    pub overloaded: bool,
    /// The claim the attempt was made under: the delivery moves on only if it still holds.
    pub claim: ClaimId,
    /// What the attempt means to its webhook's circuit breaker.
    pub circuit: CircuitRole,
}

/// What an attempt means to its webhook's circuit breaker.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CircuitRole {
    /// A test a person asked for (`POST /test`): a success closes an open circuit (the
    /// receiver is back, seen by its owner); nothing else about it counts.
    Test,
    /// An attempt the dispatcher made: it moves the failures in a row while the circuit is
    /// closed, and nothing while it is open.
    Counted,
    /// The probe of an open circuit: it closes the circuit, or opens it again.
    Probe,
}
