//! Storage: the `Store` trait holds every query the server makes; `sqlite` and `postgres`
//! implement it. Callers depend on the trait only, never on a backend module.
//!
//! Rules every backend keeps:
//! - every read that serves an API caller takes a `Scope` and never returns rows outside it;
//! - `insert_events` is durable when it returns (the API answers 202 after it);
//! - a delivery claimed under a claim is not claimed again until it is released or finished,
//!   or its lease has run out by more than its webhook's timeout (see `dispatch::lease`);
//! - an outcome or release moves a delivery on only while it is still held by the claim it was
//!   made under;
//! - writes of attempt outcomes are batched by the caller and applied in one transaction;
//! - secrets are stored sealed (`sealing`) whenever the store has a key, by the shared row
//!   conversions of `record`.

mod error;
pub mod inbox_record;
pub mod postgres;
mod query;
pub mod record;
pub mod rules;
pub mod sealing;
pub mod sent_headers;
pub mod sqlite;

pub use error::StoreError;
pub use query::*;

use crate::model::*;
use async_trait::async_trait;
use std::sync::Arc;

pub type StoreResult<T> = Result<T, StoreError>;

/// A shared handle to the configured backend.
pub type DynStore = Arc<dyn Store>;

#[async_trait]
pub trait Store: Send + Sync + 'static {
    /// Whether the database answers (for `/readyz`).
    async fn ping(&self) -> StoreResult<()>;

    /// Makes every delivery held by a claim other than `claim` claimable again. Only for the
    /// single-node backend at start, where no other node can be alive.
    async fn release_foreign_claims(&self, claim: &str) -> StoreResult<u64>;

    /// Tells when other nodes sharing the database changed something this node caches or
    /// should act on; `None` for a backend only one process uses.
    fn signals(&self) -> Option<Signals> {
        None
    }

    // --- settings and tokens ---

    async fn setting(&self, key: &str) -> StoreResult<Option<String>>;
    /// Stores `value` under `key` unless a value is there already; returns the stored one (so
    /// nodes starting together agree on it).
    async fn init_setting(&self, key: &str, value: &str) -> StoreResult<String>;
    /// Stores `value` under `key`, replacing what was there.
    async fn replace_setting(&self, key: &str, value: &str) -> StoreResult<()>;
    async fn insert_token(&self, token: &TokenRecord) -> StoreResult<()>;
    async fn find_token(&self, hash: TokenHash) -> StoreResult<Option<TokenRecord>>;
    async fn list_tokens(&self, page: &Page) -> StoreResult<Vec<TokenRecord>>;
    async fn delete_token(&self, id: &TokenId) -> StoreResult<bool>;

    // --- webhooks ---

    async fn insert_webhook(&self, webhook: &Webhook) -> StoreResult<()>;
    async fn get_webhook(&self, scope: &Scope, id: &WebhookId) -> StoreResult<Option<Webhook>>;
    async fn list_webhooks(&self, query: &WebhookQuery) -> StoreResult<Vec<Webhook>>;
    /// Every webhook, for the in-memory routing cache.
    async fn all_webhooks(&self) -> StoreResult<Vec<Webhook>>;
    /// Writes every mutable field of an existing webhook. Activation changes go through
    /// `set_webhook_active`, which also pauses or resumes its deliveries.
    async fn update_webhook(&self, webhook: &Webhook) -> StoreResult<bool>;
    /// Enables (clearing reason and streak, resuming waiting deliveries) or disables (pausing
    /// its pending deliveries) a webhook. Returns the webhook as it now is.
    async fn set_webhook_active(
        &self,
        scope: &Scope,
        id: &WebhookId,
        change: Activation,
    ) -> StoreResult<Option<Webhook>>;
    /// Deletes a webhook and cancels its pending deliveries.
    async fn delete_webhook(&self, scope: &Scope, id: &WebhookId) -> StoreResult<bool>;

    // --- events ---

    /// Stores events with their deliveries (the `claimed` ones under `claim`) in one
    /// transaction: either every event is stored (or found as a duplicate) or none is. Durable
    /// when it returns. A delivery with an order key is stored waiting (unclaimed, not due)
    /// while others of its webhook and key are pending, and reported in `waiting`.
    async fn insert_events(
        &self,
        claim: &Claim,
        events: Vec<NewEvent>,
    ) -> StoreResult<Vec<InsertedEvent>>;
    async fn get_event(&self, scope: &Scope, id: &EventId) -> StoreResult<Option<EventRecord>>;
    async fn list_events(&self, query: &EventQuery) -> StoreResult<Vec<EventSummary>>;

    // --- deliveries and attempts ---

    async fn get_delivery(&self, scope: &Scope, id: &DeliveryId) -> StoreResult<Option<Delivery>>;
    async fn deliveries_of_event(&self, id: &EventId) -> StoreResult<Vec<Delivery>>;
    async fn event_payload(&self, id: &EventId) -> StoreResult<Option<bytes::Bytes>>;
    /// Claims up to `limit` pending deliveries that are due and unclaimed, oldest due first,
    /// skipping the webhooks in `skip` (their lanes are full). Rows another node is claiming at
    /// the same moment are skipped, not waited for.
    async fn claim_due(
        &self,
        claim: &Claim,
        now: Timestamp,
        limit: usize,
        skip: &[WebhookId],
    ) -> StoreResult<Vec<DeliveryJob>>;
    /// Gives deliveries still held by `claimed_by` back to the scan: due again if their webhook
    /// is active, paused if it is disabled, cancelled if it is gone.
    async fn release(&self, claimed_by: &str, ids: &[DeliveryId]) -> StoreResult<()>;
    /// Extends to `claim.until` the lease of every pending delivery held by `claim.by` whose
    /// lease ends before `expiring_before`. Returns how many.
    async fn renew_claims(&self, claim: &Claim, expiring_before: Timestamp) -> StoreResult<u64>;
    /// Releases up to `limit` deliveries whose lease ended more than their webhook's timeout
    /// plus `margin` before `now`: their node is gone or lost the database. Returns how many.
    async fn reclaim_expired(
        &self,
        now: Timestamp,
        margin: std::time::Duration,
        limit: usize,
    ) -> StoreResult<u64>;
    /// Applies attempt outcomes in one transaction: the attempt rows, the deliveries' new state
    /// (for those still held by the outcome's claim), the webhooks' failure streaks and the
    /// per-minute statistics, and their circuits (`rules::circuit`: a webhook's circuit row
    /// is read only when the batch has a failure or a probe for it); a delivery with an order
    /// key that finished makes the next waiting one of its key due (`rules::ordering`). Returns
    /// what this did to webhooks (those it disabled, the circuits that moved) and how many
    /// waiting deliveries it made due.
    async fn record_outcomes(
        &self,
        outcomes: Arc<[AttemptOutcome]>,
        disable_after: u32,
    ) -> StoreResult<Recorded>;
    /// Takes the probe lease of an open circuit for `by` until `until`: the circuit becomes
    /// half open. Only when it is open and its probe is due at `now`, or half open with a
    /// lease that ran out; of nodes asking at once, exactly one gets it. Returns whether this
    /// one did.
    async fn take_probe(
        &self,
        webhook: &WebhookId,
        by: &str,
        now: Timestamp,
        until: Timestamp,
    ) -> StoreResult<bool>;
    /// Claims the webhook's oldest pending delivery for the probe: unclaimed, or held by
    /// `claim.by` already (it may be in this node's memory), and not paused. `None` when it
    /// has none.
    async fn claim_probe_delivery(
        &self,
        webhook: &WebhookId,
        claim: &Claim,
    ) -> StoreResult<Option<DeliveryJob>>;
    /// Makes a delivery due now for one more attempt, claimed under `claim` when given.
    async fn requeue_delivery(
        &self,
        scope: &Scope,
        id: &DeliveryId,
        claim: Option<&Claim>,
    ) -> StoreResult<Requeue>;
    /// Deliveries across webhooks that match the query, newest first (the dead-letter view,
    /// bulk retry and recover).
    async fn list_deliveries(&self, query: &DeliveryQuery) -> StoreResult<Vec<Delivery>>;
    /// Makes failed deliveries pending again, each for one more attempt due at its time (paused,
    /// `next_attempt_at` NULL, while its webhook is disabled), in one transaction. A delivery
    /// that is no longer `failed` is left alone. Returns how many changed.
    async fn requeue_failed(&self, due: &[(DeliveryId, Timestamp)]) -> StoreResult<u64>;
    /// A webhook's attempts, newest first, each with its delivery's current status.
    async fn list_attempts(&self, query: &AttemptQuery) -> StoreResult<Vec<LoggedAttempt>>;
    async fn attempts_of_delivery(&self, id: &DeliveryId) -> StoreResult<Vec<Attempt>>;

    // --- statistics ---

    /// Per-minute attempt statistics since `since`, oldest first: of one webhook, or summed
    /// over every webhook in the scope.
    async fn minute_stats(
        &self,
        webhook: Option<&WebhookId>,
        scope: &Scope,
        since: Timestamp,
    ) -> StoreResult<Vec<MinuteStats>>;
    /// Delivery counts by status over the scope.
    async fn delivery_counts(&self, scope: &Scope) -> StoreResult<DeliveryCounts>;
    /// How many deliveries are pending, across every tenant. Counted webhook by webhook in the
    /// index of each webhook's deliveries by status, so the work grows with the webhooks and
    /// their pending deliveries, not with every delivery kept (`/metrics` samples it on every
    /// node). A deleted webhook's pending deliveries are cancelled with it.
    async fn pending_deliveries(&self) -> StoreResult<u64>;
    /// Attempt latency totals over the scope since `since` (from the per-minute statistics).
    async fn latency_totals(&self, scope: &Scope, since: Timestamp) -> StoreResult<(u64, u64)>;

    // --- event types ---

    async fn insert_event_type(&self, event_type: &EventType) -> StoreResult<()>;
    async fn list_event_types(&self) -> StoreResult<Vec<EventType>>;
    async fn delete_event_type(&self, name: &EventName) -> StoreResult<bool>;
    /// The distinct types of the newest `newest` events in the scope: what applications
    /// publish, for subscribing to before the catalog lists it. Reads at most `newest` rows.
    async fn recent_event_types(&self, scope: &Scope, newest: usize)
    -> StoreResult<Vec<EventName>>;

    // --- audit log ---

    async fn insert_audit(&self, entry: &AuditEntry) -> StoreResult<()>;
    /// Entries newest first.
    async fn list_audit(&self, query: &AuditQuery) -> StoreResult<Vec<AuditEntry>>;

    // --- inboxes ---

    async fn insert_inbox(&self, inbox: &Inbox) -> StoreResult<()>;
    async fn get_inbox(&self, scope: &Scope, id: &InboxId) -> StoreResult<Option<Inbox>>;
    async fn list_inboxes(&self, query: &InboxQuery) -> StoreResult<Vec<Inbox>>;
    /// Every inbox, for the in-memory registry `/in/` answers from.
    async fn all_inboxes(&self) -> StoreResult<Vec<Inbox>>;
    /// Writes every mutable field of an existing inbox.
    async fn update_inbox(&self, inbox: &Inbox) -> StoreResult<bool>;
    /// Deletes an inbox with its history and de-duplication keys.
    async fn delete_inbox(&self, scope: &Scope, id: &InboxId) -> StoreResult<bool>;
    /// Stores a received request in a transaction shared with concurrent publishes (durable
    /// when it returns): numbers it within its inbox, checks its de-duplication key (two
    /// requests with one key never both pass, whichever node stores them), stores its event
    /// (with deliveries, the `claimed` ones under `claim`) when it is verified and new, and
    /// keeps at most `unverified_kept` unverified requests of the inbox. `NotFound` when the
    /// inbox is gone.
    async fn store_inbox_request(
        &self,
        claim: &Claim,
        request: NewInboxRequest,
    ) -> StoreResult<StoredRequest>;
    /// The inbox's requests, newest first, without bodies unless asked.
    async fn list_inbox_requests(
        &self,
        query: &InboxRequestQuery,
    ) -> StoreResult<Vec<InboxRequest>>;
    /// One request with its body, in the scope.
    async fn get_inbox_request(
        &self,
        scope: &Scope,
        id: &InboxRequestId,
    ) -> StoreResult<Option<InboxRequest>>;
    /// Requests of the inbox stored after `after_seq`, in order, with their bodies (streams).
    async fn inbox_requests_after(
        &self,
        inbox: &InboxId,
        after_seq: i64,
        limit: usize,
    ) -> StoreResult<Vec<InboxRequest>>;
    /// Retention for inboxes: deletes up to `batch` requests received before `cutoff`, up to
    /// `batch` de-duplication keys expired by `now`, and playground inboxes expired by `now`
    /// (with their history). Returns how many rows went.
    async fn prune_inboxes(
        &self,
        cutoff: Timestamp,
        now: Timestamp,
        batch: usize,
    ) -> StoreResult<u64>;
    /// Where a stream that last saw `id` resumes: its `seq`, or for a request no longer kept,
    /// the last `seq` of the requests before it.
    async fn inbox_resume_seq(&self, inbox: &InboxId, id: &InboxRequestId) -> StoreResult<i64>;
    /// The inbox's last `seq` (a stream without `Last-Event-ID` starts after it).
    async fn inbox_last_seq(&self, inbox: &InboxId) -> StoreResult<i64>;

    // --- secrets at rest ---

    /// Seals every stored webhook secret that is not sealed with the first key yet (plain
    /// ones, and those sealed with another key of the list). Says how many were changed.
    async fn reseal_secrets(&self) -> StoreResult<sealing::Resealed>;

    // --- retention ---

    /// Deletes up to `batch` of the oldest events made before `cutoff` whose deliveries have all
    /// finished (none pending: retention never takes work that is still to be done), with those
    /// deliveries and their attempts, and up to `batch` audit entries older than it. Returns how
    /// many events and entries went.
    async fn purge_events(&self, cutoff: Timestamp, batch: usize) -> StoreResult<u64>;
    /// Deletes up to `batch` of the oldest attempts made before `cutoff`, and the per-minute
    /// statistics older than it. Returns how many attempts went.
    async fn purge_attempts(&self, cutoff: Timestamp, batch: usize) -> StoreResult<u64>;
}
