//! The PostgreSQL backend: a connection pool shared by every query, so any number of hookd
//! nodes can use one database.
//!
//! - Deliveries are claimed with `FOR UPDATE SKIP LOCKED` under a lease (`claimed_by`,
//!   `lease_until`); see `dispatch::lease` for the rules that keep two nodes from attempting
//!   the same delivery at once.
//! - Writes that other nodes must hear about send a notification in the same transaction
//!   (`hookd_webhooks` when routing changes, `hookd_due` when unheld deliveries become due,
//!   `hookd_tokens` when a token is revoked);
//!   `signals` listens and turns them into `Signals`.
//! - Lists and batches go to the server as arrays (`UNNEST`), one statement per kind of row,
//!   not one per row; concurrent publishes share a transaction (`coalesce`).

mod audit;
mod catalog;
mod coalesce;
mod deliveries;
mod error;
mod events;
mod inbox_batch;
mod inboxes;
mod migrations;
mod ordering;
mod outcomes;
mod rows;
mod signals;
mod webhooks;

use super::sealing::{KeySource, Keyring, Sealer};
use super::*;
use sqlx::ConnectOptions;
use sqlx::Connection;
use sqlx::PgPool;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use std::str::FromStr;
use std::time::Duration;

/// Notification channel: webhooks changed.
const WEBHOOKS_CHANNEL: &str = "hookd_webhooks";
/// Notification channel: deliveries nobody holds became due.
const DUE_CHANNEL: &str = "hookd_due";
/// Notification channel: a tenant token was revoked.
const TOKENS_CHANNEL: &str = "hookd_tokens";

/// How long a query waits for a free connection (or for the server to come back) before it
/// fails as unavailable; the API then answers 503.
const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(5);

/// Tells the other nodes on `channel`, when the surrounding transaction commits.
async fn notify(conn: &mut sqlx::PgConnection, channel: &str) -> StoreResult<()> {
    sqlx::query("SELECT pg_notify($1, '')")
        .bind(channel)
        .execute(conn)
        .await?;
    Ok(())
}

pub struct PostgresStore {
    pool: PgPool,
    signals: Signals,
    publishes: coalesce::Coalescer,
    /// Seals secrets with `HOOKD_SECRET_KEY`; without it they are stored as given.
    sealer: Sealer,
}

impl PostgresStore {
    /// Connects, applies pending migrations (one node at a time), and starts listening for
    /// other nodes' notifications. Secrets are sealed with `keys`, or stored as given without.
    pub async fn open(url: &str, max_connections: u32, keys: Option<Keyring>) -> StoreResult<Self> {
        let pool = connect(url, max_connections).await?;
        migrations::apply(&pool).await?;
        let signals = signals::listen(pool.clone()).await?;
        let publishes = coalesce::Coalescer::start(pool.clone());
        let sealer = match keys {
            Some(keys) => Sealer::new(keys, KeySource::Setting),
            None => Sealer::unset(),
        };
        Ok(Self {
            pool,
            signals,
            publishes,
            sealer,
        })
    }

    /// Connects and applies pending migrations only (`hookd migrate`). Returns how many ran.
    pub async fn migrate(url: &str) -> StoreResult<usize> {
        let pool = connect(url, 2).await?;
        let applied = migrations::apply(&pool).await?;
        pool.close().await;
        Ok(applied)
    }
}

async fn connect(url: &str, max_connections: u32) -> StoreResult<PgPool> {
    let options = PgConnectOptions::from_str(url)
        .map_err(|e| StoreError::Unavailable(format!("invalid PostgreSQL URL: {e}")))?
        .application_name("hookd");
    let server = server_of(&options);
    // One connection first, so that a server that is down or refuses us is reported as such
    // at once, rather than as a pool that timed out.
    let probe = tokio::time::timeout(ACQUIRE_TIMEOUT, options.connect())
        .await
        .map_err(|_| {
            StoreError::Unavailable(format!(
                "cannot connect to PostgreSQL at {server}: no answer within {} s",
                ACQUIRE_TIMEOUT.as_secs()
            ))
        })?
        .map_err(|e| cannot_connect(&server, &e))?;
    let _ = probe.close().await;
    PgPoolOptions::new()
        .max_connections(max_connections)
        .min_connections(1)
        .acquire_timeout(ACQUIRE_TIMEOUT)
        // No ping before every query: a connection the server dropped fails its next query
        // (the caller sees 503 and retries) and is then discarded, not reused.
        .test_before_acquire(false)
        .connect_with(options)
        .await
        .map_err(|e| cannot_connect(&server, &e))
}

/// Where the options point: `host:port`, or the socket's path.
fn server_of(options: &PgConnectOptions) -> String {
    match options.get_socket() {
        Some(socket) => socket.display().to_string(),
        None => format!("{}:{}", options.get_host(), options.get_port()),
    }
}

/// "cannot connect to PostgreSQL at 127.0.0.1:5432: connection refused", and the like.
fn cannot_connect(server: &str, error: &sqlx::Error) -> StoreError {
    let why = match error {
        sqlx::Error::Io(io) => match io.kind() {
            std::io::ErrorKind::ConnectionRefused => "connection refused".to_owned(),
            std::io::ErrorKind::TimedOut => "timed out".to_owned(),
            std::io::ErrorKind::NotFound => "no such socket".to_owned(),
            _ => io.to_string(),
        },
        sqlx::Error::Database(database) => database.message().to_owned(),
        sqlx::Error::PoolTimedOut => {
            format!("no connection within {} s", ACQUIRE_TIMEOUT.as_secs())
        }
        other => other.to_string(),
    };
    StoreError::Unavailable(format!("cannot connect to PostgreSQL at {server}: {why}"))
}

#[async_trait]
impl Store for PostgresStore {
    async fn ping(&self) -> StoreResult<()> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    async fn release_foreign_claims(&self, _claim: &str) -> StoreResult<u64> {
        // Other nodes may be alive and holding their claims; theirs expire with their leases.
        Ok(0)
    }

    fn signals(&self) -> Option<Signals> {
        Some(self.signals.clone())
    }

    async fn setting(&self, key: &str) -> StoreResult<Option<String>> {
        catalog::setting(&self.pool, key).await
    }

    async fn init_setting(&self, key: &str, value: &str) -> StoreResult<String> {
        catalog::init_setting(&self.pool, key, value).await
    }

    async fn replace_setting(&self, key: &str, value: &str) -> StoreResult<()> {
        catalog::replace_setting(&self.pool, key, value).await
    }

    async fn insert_token(&self, token: &TokenRecord) -> StoreResult<()> {
        catalog::insert_token(&self.pool, token).await
    }

    async fn find_token(&self, hash: TokenHash) -> StoreResult<Option<TokenRecord>> {
        catalog::find_token(&self.pool, hash).await
    }

    async fn list_tokens(&self, page: &Page) -> StoreResult<Vec<TokenRecord>> {
        catalog::list_tokens(&self.pool, page).await
    }

    async fn delete_token(&self, id: &TokenId) -> StoreResult<bool> {
        catalog::delete_token(&self.pool, id).await
    }

    async fn insert_webhook(&self, webhook: &Webhook) -> StoreResult<()> {
        webhooks::insert(&self.pool, &self.sealer, webhook).await
    }

    async fn get_webhook(&self, scope: &Scope, id: &WebhookId) -> StoreResult<Option<Webhook>> {
        webhooks::get(&self.pool, &self.sealer, scope, id).await
    }

    async fn list_webhooks(&self, query: &WebhookQuery) -> StoreResult<Vec<Webhook>> {
        webhooks::list(&self.pool, &self.sealer, query).await
    }

    async fn all_webhooks(&self) -> StoreResult<Vec<Webhook>> {
        webhooks::all(&self.pool, &self.sealer).await
    }

    async fn update_webhook(&self, webhook: &Webhook) -> StoreResult<bool> {
        webhooks::update(&self.pool, &self.sealer, webhook).await
    }

    async fn set_webhook_active(
        &self,
        scope: &Scope,
        id: &WebhookId,
        change: Activation,
    ) -> StoreResult<Option<Webhook>> {
        let now = Timestamp::now();
        webhooks::set_active(&self.pool, scope, id, change, now, &self.sealer).await
    }

    async fn delete_webhook(&self, scope: &Scope, id: &WebhookId) -> StoreResult<bool> {
        webhooks::delete(&self.pool, scope, id, Timestamp::now()).await
    }

    async fn insert_events(
        &self,
        claim: &Claim,
        events: Vec<NewEvent>,
    ) -> StoreResult<Vec<InsertedEvent>> {
        self.publishes.insert(claim, events).await
    }

    async fn get_event(&self, scope: &Scope, id: &EventId) -> StoreResult<Option<EventRecord>> {
        events::get(&self.pool, scope, id).await
    }

    async fn list_events(&self, query: &EventQuery) -> StoreResult<Vec<EventSummary>> {
        events::list(&self.pool, query).await
    }

    async fn get_delivery(&self, scope: &Scope, id: &DeliveryId) -> StoreResult<Option<Delivery>> {
        deliveries::get(&self.pool, scope, id).await
    }

    async fn deliveries_of_event(&self, id: &EventId) -> StoreResult<Vec<Delivery>> {
        deliveries::of_event(&self.pool, id).await
    }

    async fn event_payload(&self, id: &EventId) -> StoreResult<Option<bytes::Bytes>> {
        events::payload(&self.pool, id).await
    }

    async fn claim_due(
        &self,
        claim: &Claim,
        now: Timestamp,
        limit: usize,
        skip: &[WebhookId],
    ) -> StoreResult<Vec<DeliveryJob>> {
        deliveries::claim_due(&self.pool, claim, now, limit, skip).await
    }

    async fn release(&self, claimed_by: &str, ids: &[DeliveryId]) -> StoreResult<()> {
        deliveries::release(&self.pool, claimed_by, ids).await
    }

    async fn renew_claims(&self, claim: &Claim, expiring_before: Timestamp) -> StoreResult<u64> {
        deliveries::renew(&self.pool, claim, expiring_before).await
    }

    async fn reclaim_expired(
        &self,
        now: Timestamp,
        margin: Duration,
        limit: usize,
    ) -> StoreResult<u64> {
        deliveries::reclaim_expired(&self.pool, now, margin, limit).await
    }

    async fn record_outcomes(
        &self,
        outcomes: Arc<[AttemptOutcome]>,
        disable_after: u32,
    ) -> StoreResult<Recorded> {
        outcomes::record(&self.pool, &outcomes, disable_after, Timestamp::now()).await
    }

    async fn take_probe(
        &self,
        webhook: &WebhookId,
        by: &str,
        now: Timestamp,
        until: Timestamp,
    ) -> StoreResult<bool> {
        webhooks::take_probe(&self.pool, webhook, by, now, until).await
    }

    async fn claim_probe_delivery(
        &self,
        webhook: &WebhookId,
        claim: &Claim,
    ) -> StoreResult<Option<DeliveryJob>> {
        deliveries::claim_probe_delivery(&self.pool, webhook, claim).await
    }

    async fn requeue_delivery(
        &self,
        scope: &Scope,
        id: &DeliveryId,
        claim: Option<&Claim>,
    ) -> StoreResult<Requeue> {
        deliveries::requeue(&self.pool, scope, id, claim, Timestamp::now()).await
    }

    async fn list_deliveries(&self, query: &DeliveryQuery) -> StoreResult<Vec<Delivery>> {
        deliveries::list(&self.pool, query).await
    }

    async fn requeue_failed(&self, due: &[(DeliveryId, Timestamp)]) -> StoreResult<u64> {
        deliveries::requeue_failed(&self.pool, due, Timestamp::now()).await
    }

    async fn list_attempts(&self, query: &AttemptQuery) -> StoreResult<Vec<LoggedAttempt>> {
        deliveries::list_attempts(&self.pool, query).await
    }

    async fn attempts_of_delivery(&self, id: &DeliveryId) -> StoreResult<Vec<Attempt>> {
        deliveries::attempts_of_delivery(&self.pool, id).await
    }

    async fn minute_stats(
        &self,
        webhook: Option<&WebhookId>,
        scope: &Scope,
        since: Timestamp,
    ) -> StoreResult<Vec<MinuteStats>> {
        catalog::minute_stats(&self.pool, webhook, scope, since).await
    }

    async fn delivery_counts(&self, scope: &Scope) -> StoreResult<DeliveryCounts> {
        catalog::delivery_counts(&self.pool, scope).await
    }

    async fn pending_deliveries(&self) -> StoreResult<u64> {
        catalog::pending_deliveries(&self.pool).await
    }

    async fn latency_totals(&self, scope: &Scope, since: Timestamp) -> StoreResult<(u64, u64)> {
        catalog::latency_totals(&self.pool, scope, since).await
    }

    async fn insert_event_type(&self, event_type: &EventType) -> StoreResult<()> {
        catalog::insert_event_type(&self.pool, event_type).await
    }

    async fn list_event_types(&self) -> StoreResult<Vec<EventType>> {
        catalog::list_event_types(&self.pool).await
    }

    async fn recent_event_types(
        &self,
        scope: &Scope,
        newest: usize,
    ) -> StoreResult<Vec<EventName>> {
        catalog::recent_event_types(&self.pool, scope, newest).await
    }

    async fn delete_event_type(&self, name: &EventName) -> StoreResult<bool> {
        catalog::delete_event_type(&self.pool, name).await
    }

    async fn insert_audit(&self, entry: &AuditEntry) -> StoreResult<()> {
        audit::insert(&self.pool, entry).await
    }

    async fn list_audit(&self, query: &AuditQuery) -> StoreResult<Vec<AuditEntry>> {
        audit::list(&self.pool, query).await
    }

    async fn insert_inbox(&self, inbox: &Inbox) -> StoreResult<()> {
        inboxes::insert(&self.pool, &self.sealer, inbox).await
    }

    async fn get_inbox(&self, scope: &Scope, id: &InboxId) -> StoreResult<Option<Inbox>> {
        inboxes::get(&self.pool, &self.sealer, scope, id).await
    }

    async fn list_inboxes(&self, query: &InboxQuery) -> StoreResult<Vec<Inbox>> {
        inboxes::list(&self.pool, &self.sealer, query).await
    }

    async fn all_inboxes(&self) -> StoreResult<Vec<Inbox>> {
        inboxes::all(&self.pool, &self.sealer).await
    }

    async fn update_inbox(&self, inbox: &Inbox) -> StoreResult<bool> {
        inboxes::update(&self.pool, &self.sealer, inbox).await
    }

    async fn delete_inbox(&self, scope: &Scope, id: &InboxId) -> StoreResult<bool> {
        inboxes::delete(&self.pool, scope, id).await
    }

    async fn store_inbox_request(
        &self,
        claim: &Claim,
        request: NewInboxRequest,
    ) -> StoreResult<StoredRequest> {
        self.publishes.store_request(claim, request).await
    }

    async fn list_inbox_requests(
        &self,
        query: &InboxRequestQuery,
    ) -> StoreResult<Vec<InboxRequest>> {
        inboxes::list_requests(&self.pool, query).await
    }

    async fn get_inbox_request(
        &self,
        scope: &Scope,
        id: &InboxRequestId,
    ) -> StoreResult<Option<InboxRequest>> {
        inboxes::get_request(&self.pool, scope, id).await
    }

    async fn inbox_requests_after(
        &self,
        inbox: &InboxId,
        after_seq: i64,
        limit: usize,
    ) -> StoreResult<Vec<InboxRequest>> {
        inboxes::requests_after(&self.pool, inbox, after_seq, limit).await
    }

    async fn inbox_resume_seq(&self, inbox: &InboxId, id: &InboxRequestId) -> StoreResult<i64> {
        inboxes::resume_seq(&self.pool, inbox, id).await
    }

    async fn prune_inboxes(
        &self,
        cutoff: Timestamp,
        now: Timestamp,
        batch: usize,
    ) -> StoreResult<u64> {
        inboxes::prune(&self.pool, cutoff, now, batch).await
    }

    async fn inbox_last_seq(&self, inbox: &InboxId) -> StoreResult<i64> {
        inboxes::last_seq(&self.pool, inbox).await
    }

    async fn reseal_secrets(&self) -> StoreResult<sealing::Resealed> {
        let secrets = webhooks::reseal(&self.pool, &self.sealer).await?
            + inboxes::reseal(&self.pool, &self.sealer).await?;
        Ok(sealing::Resealed {
            secrets,
            key_id: self.sealer.sealing_key_id().map(str::to_owned),
        })
    }

    async fn purge_events(&self, cutoff: Timestamp, batch: usize) -> StoreResult<u64> {
        let entries = audit::delete_older_than(&self.pool, cutoff, batch).await?;
        Ok(entries + catalog::purge_events(&self.pool, cutoff, batch).await?)
    }

    async fn purge_attempts(&self, cutoff: Timestamp, batch: usize) -> StoreResult<u64> {
        deliveries::purge_attempts(&self.pool, cutoff, batch).await
    }
}
