//! The requests an inbox keeps, and what storing one did.

use crate::model::{EventId, InboxId, InboxRequestId, NewEvent, Tenant, Timestamp};
use bytes::Bytes;

/// The most unverified requests an inbox keeps by default; older ones make way for newer, so
/// a flood of forged requests cannot fill the disk.
pub const DEFAULT_UNVERIFIED_KEPT: u32 = 1000;

/// A request as an inbox received it. Headers and body are exactly as received.
#[derive(Debug, Clone, PartialEq)]
pub struct InboxRequest {
    pub id: InboxRequestId,
    pub inbox_id: InboxId,
    /// The inbox's count of stored requests when this one was stored: per inbox, in commit
    /// order, without gaps (a stream resumes by it).
    pub seq: i64,
    pub tenant: Tenant,
    pub received_at: Timestamp,
    pub method: String,
    pub path: String,
    pub query: String,
    pub source_ip: String,
    /// In the order received, names as sent.
    pub headers: Vec<(String, String)>,
    /// Empty where a listing left bodies out; `body_size` is always the stored size.
    pub body: Bytes,
    pub body_size: u64,
    /// Its content type and the sender's signature headers: what a webhook with
    /// `payload: "original"` is sent.
    pub original_headers: Vec<(String, String)>,
    pub verified: bool,
    pub verify_error: Option<String>,
    pub duplicate_of: Option<InboxRequestId>,
    pub event_id: Option<EventId>,
}

impl InboxRequest {
    /// The first value of a header, by name in any case.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// A request to store, with what follows from it when it is new.
#[derive(Debug, Clone)]
pub struct NewInboxRequest {
    /// `seq`, `duplicate_of` and `event_id` are filled in by the store.
    pub request: InboxRequest,
    /// For verified requests: the key (a SHA-256, hex) and until when it counts.
    pub dedupe: Option<DedupeEntry>,
    /// The event a verified request becomes unless it is a duplicate.
    pub event: Option<NewEvent>,
    /// Unverified requests of this inbox kept at most (older ones are deleted).
    pub unverified_kept: u32,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DedupeEntry {
    pub key: String,
    pub expires_at: Timestamp,
}

/// What storing an inbox request did.
#[derive(Debug, Clone, PartialEq)]
pub enum StoredRequest {
    /// Stored; `event` says whether its event was created (and which deliveries were dropped,
    /// and which were stored waiting for their order key's turn).
    Accepted {
        seq: i64,
        dropped: Vec<crate::model::DeliveryId>,
        waiting: Vec<crate::model::DeliveryId>,
        event: Option<EventId>,
    },
    /// Its key was seen within the window: stored, pointing at the first.
    Duplicate { seq: i64, of: InboxRequestId },
    /// Stored as unverified.
    Unverified { seq: i64 },
}

/// The summary of a stored request, for the history and the stream (no body).
pub type InboxRequestSummary = InboxRequest;
