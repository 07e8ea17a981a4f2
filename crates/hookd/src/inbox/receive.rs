//! A request to `/in/<id>`, after the handler found the inbox open and read the body within its
//! limit: allowlist (403), rate limit (429), verification on the raw bytes (401, kept),
//! de-duplication (200, kept), then stored with its event and answered.

use super::convert::{self, ReadBody};
use super::{Inboxes, Live};
use crate::model::*;
use crate::publish::{Origin, Publication, PublishError, Publisher, Targets};
use bytes::Bytes;
use std::net::IpAddr;
use std::sync::{Arc, OnceLock};
use std::time::Instant;

/// A request as the listener received it.
#[derive(Debug, Clone)]
pub struct Incoming {
    pub method: String,
    pub path: String,
    pub query: String,
    /// In order, names as sent.
    pub headers: Vec<(String, String)>,
    pub body: Bytes,
    /// The client's address (`client_address`).
    pub source: IpAddr,
}

/// What became of a request.
#[derive(Debug, Clone, PartialEq)]
pub enum Reception {
    /// Its source is not in `allowed_ips`; nothing stored.
    Forbidden,
    /// Over `rate_limit`; nothing stored. Come back in this many seconds.
    RateLimited { retry_after: u64 },
    /// Stored as unverified, never an event.
    Unverified { id: InboxRequestId, error: String },
    /// Stored as a duplicate of the first request with its key.
    Duplicate {
        id: InboxRequestId,
        of: InboxRequestId,
    },
    /// Stored; `event_id` is its event (none when no webhook could be matched at all: the
    /// event is stored even without deliveries, so this is always set for a new request).
    Accepted {
        id: InboxRequestId,
        event_id: Option<EventId>,
    },
}

impl Reception {
    /// Its `outcome` label in `hookd_inbox_requests_total`.
    pub fn outcome(&self) -> &'static str {
        match self {
            Self::Forbidden => "refused_ip",
            Self::RateLimited { .. } => "rate_limited",
            Self::Unverified { .. } => "unverified",
            Self::Duplicate { .. } => "duplicate",
            Self::Accepted { .. } => "accepted",
        }
    }
}

/// Every `outcome` label of `hookd_inbox_requests_total`.
const OUTCOMES: [&str; 6] = [
    "accepted",
    "duplicate",
    "unverified",
    "rate_limited",
    "refused_ip",
    "too_large",
];

/// An inbox's series of `hookd_inbox_requests_total`, one per outcome, each registered with the
/// recorder on its first request and counted through its handle after (no label formatted or
/// looked up per request).
#[derive(Default)]
pub struct Counts([OnceLock<metrics::Counter>; OUTCOMES.len()]);

impl Counts {
    /// Counts a request of `inbox` with `outcome` (one of `OUTCOMES`).
    pub fn count(&self, inbox: &InboxId, outcome: &'static str) {
        let series = |outcome| metrics::counter!("hookd_inbox_requests_total", "inbox" => inbox.to_string(), "outcome" => outcome);
        match OUTCOMES.iter().position(|known| *known == outcome) {
            Some(at) => self.0[at].get_or_init(|| series(outcome)).increment(1),
            None => series(outcome).increment(1),
        }
    }
}

impl Inboxes {
    /// Takes a request through the inbox's checks and stores it; durable when it returns.
    pub async fn receive(
        &self,
        publisher: &Publisher,
        live: &Live,
        incoming: Incoming,
    ) -> Result<Reception, PublishError> {
        let inbox = &live.inbox;
        let settings = &inbox.settings;
        let reception = if !allowed(&settings.allowed_ips, incoming.source) {
            Reception::Forbidden
        } else if let Err(retry_after) = live.admit(Instant::now()) {
            Reception::RateLimited { retry_after }
        } else {
            self.store(publisher, inbox, incoming).await?
        };
        live.count(reception.outcome());
        Ok(reception)
    }

    async fn store(
        &self,
        publisher: &Publisher,
        inbox: &Inbox,
        incoming: Incoming,
    ) -> Result<Reception, PublishError> {
        let settings = &inbox.settings;
        // Received at its id's own time: windows (`since`, `until`) scan ids, so they must
        // agree with `received_at` to the millisecond.
        let id = InboxRequestId::new();
        let now = Timestamp::from_millis(id.millis());
        let pairs: Vec<(&str, &str)> = incoming
            .headers
            .iter()
            .map(|(n, v)| (n.as_str(), v.as_str()))
            .collect();
        let verified = hookd_verify::verify(
            &settings.scheme,
            inbox.secret.as_ref().map_or("", InboxSecret::expose),
            &hookd_verify::Request::new(&pairs, &incoming.body),
            Timestamp::now().as_unix_seconds(),
            settings.tolerance.as_secs() as i64,
        );
        let request = InboxRequest {
            id,
            inbox_id: inbox.id.clone(),
            seq: 0,
            tenant: inbox.tenant.clone(),
            received_at: now,
            method: incoming.method,
            path: incoming.path,
            query: incoming.query,
            source_ip: incoming.source.to_string(),
            original_headers: convert::original_headers(&settings.scheme, &incoming.headers),
            headers: convert::without_credentials(&settings.scheme, incoming.headers),
            body_size: incoming.body.len() as u64,
            body: incoming.body,
            verified: verified.is_ok(),
            verify_error: verified.as_ref().err().map(ToString::to_string),
            duplicate_of: None,
            event_id: None,
        };
        let id = request.id.clone();
        let (dedupe, event) = if request.verified {
            let body = ReadBody::of(&request);
            let dedupe = DedupeEntry {
                key: convert::dedupe_key(settings, &request, &body),
                expires_at: now.plus(settings.dedupe_window),
            };
            (Some(dedupe), Some(event_of(inbox, &request, &body)))
        } else {
            (None, None)
        };
        let error = request.verify_error.clone();
        let stored = publisher
            .receive(request, dedupe, event, DEFAULT_UNVERIFIED_KEPT)
            .await?;
        self.announce_stored();
        Ok(match stored {
            StoredRequest::Accepted { event, .. } => Reception::Accepted {
                id,
                event_id: event,
            },
            StoredRequest::Duplicate { of, .. } => Reception::Duplicate { id, of },
            StoredRequest::Unverified { .. } => Reception::Unverified {
                id,
                error: error.unwrap_or_default(),
            },
        })
    }
}

/// The event a stored request becomes (when received, and when replayed).
pub fn event_of(inbox: &Inbox, request: &InboxRequest, body: &ReadBody) -> Publication {
    let template = &inbox.settings.event_type;
    let tree = if template.reads_body() {
        body.tree()
    } else {
        None
    };
    let event_type = template.render(|name| request.header(name), tree);
    Publication {
        tenant: inbox.tenant.clone(),
        event_type,
        data: body.event_data(request),
        idempotency_key: None,
        targets: Targets::Subscribers,
        origin: Some(Origin {
            request_id: request.id.clone(),
            original: Arc::new(OriginalRequest {
                body: request.body.clone(),
                headers: request.original_headers.clone(),
            }),
        }),
        trace: convert::trace_of(request),
    }
}

fn allowed(networks: &[ipnet::IpNet], source: IpAddr) -> bool {
    networks.is_empty() || networks.iter().any(|net| net.contains(&source))
}
