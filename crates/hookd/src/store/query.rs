//! Query parameters and result shapes shared by every backend.

use crate::model::*;
use tokio::sync::watch;

/// Work taken by a node: who holds it and until when (see `dispatch::lease`).
#[derive(Debug, Clone)]
pub struct Claim {
    pub by: ClaimId,
    pub until: Timestamp,
}

/// Counters another node's changes move (see `Store::signals`). A receiver wakes on each
/// change, and also after the backend lost and regained its connection, when it can't know
/// what it missed.
#[derive(Clone)]
pub struct Signals {
    /// Webhooks were created, changed or deleted: routing caches should reload.
    pub webhooks: watch::Receiver<u64>,
    /// Deliveries nobody holds became due (published by a node that does not dispatch, or
    /// re-queued): a dispatcher should scan now rather than at its next interval.
    pub due: watch::Receiver<u64>,
    /// Tenant tokens were revoked: token caches should forget what they hold.
    pub tokens: watch::Receiver<u64>,
}

/// Keyset pagination: newest first, strictly older than `before`.
#[derive(Debug, Clone)]
pub struct Page {
    pub limit: usize,
    /// Only rows whose id sorts before this one.
    pub before: Option<String>,
}

#[derive(Debug, Clone)]
pub struct WebhookQuery {
    pub scope: Scope,
    pub page: Page,
    pub tenant: Option<Tenant>,
    pub active: Option<bool>,
}

#[derive(Debug, Clone)]
pub struct InboxQuery {
    pub scope: Scope,
    pub page: Page,
    pub tenant: Option<Tenant>,
    pub playground: Option<bool>,
}

/// An inbox's history: newest first, paged by id.
#[derive(Debug, Clone)]
pub struct InboxRequestQuery {
    pub inbox: InboxId,
    pub page: Page,
    pub verified: Option<bool>,
    pub duplicate: Option<bool>,
    pub since: Option<Timestamp>,
    pub until: Option<Timestamp>,
    /// Read the bodies too (replay); the history leaves them out.
    pub with_bodies: bool,
}

#[derive(Debug, Clone)]
pub struct EventQuery {
    pub scope: Scope,
    pub page: Page,
    pub tenant: Option<Tenant>,
    pub event_type: Option<EventName>,
    pub since: Option<Timestamp>,
}

/// Deliveries across webhooks, by what they are and when they last changed.
#[derive(Debug, Clone)]
pub struct DeliveryQuery {
    pub scope: Scope,
    pub page: Page,
    pub status: Option<DeliveryStatus>,
    pub webhook: Option<WebhookId>,
    pub event_type: Option<EventName>,
    pub tenant: Option<Tenant>,
    /// Changed (for a finished delivery: finished) at or after this time.
    pub since: Option<Timestamp>,
    /// Changed at or before this time.
    pub until: Option<Timestamp>,
}

#[derive(Debug, Clone)]
pub struct AttemptQuery {
    pub webhook: WebhookId,
    pub page: Page,
    pub status: Option<AttemptStatus>,
    pub event_type: Option<EventName>,
    pub event_id: Option<EventId>,
    pub since: Option<Timestamp>,
    pub until: Option<Timestamp>,
}

/// An attempt in a webhook's log, with what became of its delivery since.
#[derive(Debug, Clone, PartialEq)]
pub struct LoggedAttempt {
    pub attempt: Attempt,
    /// The delivery's current status; `None` if it is gone (retention).
    pub delivery_status: Option<DeliveryStatus>,
}

/// Which audit entries to list.
#[derive(Debug, Clone)]
pub struct AuditQuery {
    pub page: Page,
    pub action: Option<AuditAction>,
    pub tenant: Option<Tenant>,
    /// `admin`, `command_line` or a token id.
    pub actor: Option<String>,
    pub since: Option<Timestamp>,
    pub until: Option<Timestamp>,
}

/// A change of a webhook's activation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Activation {
    Enable,
    Disable(DisabledReason),
}

/// What `requeue_delivery` found.
#[derive(Debug, Clone)]
pub enum Requeue {
    /// Due now; when claimed for the caller's node, here is the job to dispatch.
    Queued(Option<DeliveryJob>),
    NotFound,
    /// Its webhook is disabled or deleted: nothing was changed.
    WebhookInactive,
}

/// What `record_outcomes` did beyond the deliveries it moved on.
#[derive(Debug, Clone, Default)]
pub struct Recorded {
    /// What happened to webhooks (disabled, circuits moved), for `ops` to announce.
    pub news: Vec<WebhookNews>,
    /// Waiting ordered deliveries made due now because the one before them finished (the
    /// scan should claim them at once).
    pub released: u64,
}

/// What `record_outcomes` did to a webhook, for `ops` to announce.
#[derive(Debug, Clone)]
pub enum WebhookNews {
    /// It was disabled (its failure streak, a 410, or a circuit open too long).
    Disabled(DisabledWebhook),
    /// Its circuit opened, closed, or opened again after a failed probe.
    Circuit(CircuitNews),
}

impl WebhookNews {
    /// The webhook disabled, if this is a disable.
    pub fn disabled(&self) -> Option<&DisabledWebhook> {
        match self {
            Self::Disabled(webhook) => Some(webhook),
            Self::Circuit(_) => None,
        }
    }

    /// The circuit change, if this is one.
    pub fn circuit(&self) -> Option<&CircuitNews> {
        match self {
            Self::Circuit(change) => Some(change),
            Self::Disabled(_) => None,
        }
    }
}

/// A webhook's circuit moved.
#[derive(Debug, Clone)]
pub struct CircuitNews {
    pub id: WebhookId,
    pub tenant: Tenant,
    pub url: String,
    /// `Opened`, `Closed` or `Reopened`.
    pub transition: crate::store::rules::circuit::Transition,
    /// The circuit as it now is.
    pub circuit: Circuit,
}

/// A webhook that `record_outcomes` disabled.
#[derive(Debug, Clone)]
pub struct DisabledWebhook {
    pub id: WebhookId,
    pub tenant: Tenant,
    pub url: String,
    pub reason: DisabledReason,
    pub failure_streak: u32,
}

/// Latency histogram bucket upper bounds in milliseconds; the last bucket is everything above.
pub const LATENCY_BOUNDS_MS: [u32; 13] =
    [1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000];
pub const LATENCY_BUCKETS: usize = LATENCY_BOUNDS_MS.len() + 1;

/// The bucket a duration falls in.
pub fn latency_bucket(duration_ms: u32) -> usize {
    LATENCY_BOUNDS_MS
        .iter()
        .position(|&bound| duration_ms <= bound)
        .unwrap_or(LATENCY_BOUNDS_MS.len())
}

/// One minute of one webhook's attempts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MinuteStats {
    /// Start of the minute.
    pub minute: Timestamp,
    pub succeeded: u64,
    pub failed: u64,
    pub latency_sum_ms: u64,
    pub latency_histogram: [u64; LATENCY_BUCKETS],
    /// The fastest and slowest attempt of the minute; `None` when unknown (minutes recorded
    /// before hookd kept them).
    pub latency_range_ms: Option<(u64, u64)>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DeliveryCounts {
    pub pending: u64,
    pub succeeded: u64,
    pub failed: u64,
    pub cancelled: u64,
}
