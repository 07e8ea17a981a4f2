//! The SQLite backend: one file, WAL mode, one writer connection fed by a batching thread
//! (group commit), a small pool of read-only connections, and a thread that checkpoints the
//! WAL so the writer doesn't have to.
//!
//! `synchronous = FULL`: a commit is on disk before any caller hears of it, so an event answered
//! with 202 survives a power cut, not only a crash. Concurrent writers share that fsync.
//!
//! Every file of the store is private (0600; see `files`), and webhook secrets are sealed with
//! `HOOKD_SECRET_KEY`, or else with the key file beside the database, made on first start.

mod audit;
mod catalog;
mod checkpointer;
mod conditions;
mod dedupe;
mod deliveries;
mod error;
mod events;
mod files;
mod inboxes;
mod migrations;
mod ordering;
mod outcomes;
mod readers;
mod rows;
mod webhooks;
mod writer;

use super::sealing::{KeySource, Keyring, Sealer};
use super::*;
use readers::Readers;
use rusqlite::Connection;
use std::path::{Path, PathBuf};
use writer::Writer;

/// Read-only connections kept open.
const READERS: usize = 4;

pub struct SqliteStore {
    writer: Writer,
    readers: Readers,
    path: PathBuf,
    sealer: Arc<Sealer>,
    _checkpointer: checkpointer::Checkpointer,
    /// Held for the store's lifetime: one process per database file.
    _lock: std::fs::File,
}

impl SqliteStore {
    /// Opens (creating if needed) the database file, applies pending migrations, and starts the
    /// writer thread. The folder must exist: a mistyped path is refused rather than created.
    /// Secrets are sealed with `keys`, or else with the key file beside the database.
    pub fn open(path: &Path, keys: Option<Keyring>) -> StoreResult<Self> {
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty())
            && !parent.is_dir()
        {
            return Err(StoreError::Unavailable(format!(
                "the folder {} does not exist; create it first, or give a path in a folder \
                 that exists",
                parent.display()
            )));
        }
        let lock = files::lock(path)?;
        let sealer = match keys {
            Some(keys) => Sealer::new(keys, KeySource::Setting),
            None => {
                let (key, key_path) = files::key(path)?;
                Sealer::new(Keyring::new(vec![key]), KeySource::File(key_path))
            }
        };
        files::create_database(path)?;
        let mut conn = open_writer(path)?;
        migrations::apply(&mut conn)?;
        dedupe::open_staging(&conn)?;
        let catch_up = checkpointer::WalCatchUp::default();
        let (writer, _thread) = Writer::start(conn, catch_up.clone());
        let readers = Readers::open(path, READERS)?;
        let checkpointer = checkpointer::Checkpointer::start(path, catch_up)?;
        Ok(Self {
            writer,
            readers,
            _checkpointer: checkpointer,
            path: path.to_owned(),
            sealer: Arc::new(sealer),
            _lock: lock,
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }
}

fn open_writer(path: &Path) -> StoreResult<Connection> {
    let conn = Connection::open(path)
        .map_err(|e| StoreError::Unavailable(format!("cannot open {}: {e}", path.display())))?;
    conn.busy_timeout(std::time::Duration::from_secs(5))?;
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "synchronous", "FULL")?;
    // The checkpointer thread copies the WAL back, not the writer (see `checkpointer`).
    conn.pragma_update(None, "wal_autocheckpoint", 0)?;
    conn.pragma_update(None, "temp_store", "MEMORY")?;
    conn.pragma_update(None, "cache_size", -32_000)?;
    conn.set_prepared_statement_cache_capacity(128);
    Ok(conn)
}

#[async_trait]
impl Store for SqliteStore {
    async fn ping(&self) -> StoreResult<()> {
        self.readers
            .read(|c| Ok(c.query_row("SELECT 1", [], |_| Ok(()))?))
            .await
    }

    async fn release_foreign_claims(&self, claim: &str) -> StoreResult<u64> {
        let claim = claim.to_owned();
        self.writer
            .write(move |c| deliveries::release_foreign_claims(c, &claim))
            .await
    }

    async fn setting(&self, key: &str) -> StoreResult<Option<String>> {
        let key = key.to_owned();
        self.readers.read(move |c| catalog::setting(c, &key)).await
    }

    async fn init_setting(&self, key: &str, value: &str) -> StoreResult<String> {
        let (key, value) = (key.to_owned(), value.to_owned());
        self.writer
            .write(move |c| catalog::init_setting(c, &key, &value))
            .await
    }

    async fn replace_setting(&self, key: &str, value: &str) -> StoreResult<()> {
        let (key, value) = (key.to_owned(), value.to_owned());
        self.writer
            .write(move |c| catalog::replace_setting(c, &key, &value))
            .await
    }

    async fn insert_token(&self, token: &TokenRecord) -> StoreResult<()> {
        let token = token.clone();
        self.writer
            .write(move |c| catalog::insert_token(c, &token))
            .await
    }

    async fn find_token(&self, hash: TokenHash) -> StoreResult<Option<TokenRecord>> {
        self.readers
            .read(move |c| catalog::find_token(c, hash))
            .await
    }

    async fn list_tokens(&self, page: &Page) -> StoreResult<Vec<TokenRecord>> {
        let page = page.clone();
        self.readers
            .read(move |c| catalog::list_tokens(c, &page))
            .await
    }

    async fn delete_token(&self, id: &TokenId) -> StoreResult<bool> {
        let id = id.clone();
        self.writer
            .write(move |c| catalog::delete_token(c, &id))
            .await
    }

    async fn insert_webhook(&self, webhook: &Webhook) -> StoreResult<()> {
        let (webhook, sealer) = (webhook.clone(), self.sealer.clone());
        self.writer
            .write(move |c| webhooks::insert(c, &sealer, &webhook))
            .await
    }

    async fn get_webhook(&self, scope: &Scope, id: &WebhookId) -> StoreResult<Option<Webhook>> {
        let (scope, id, sealer) = (scope.clone(), id.clone(), self.sealer.clone());
        self.readers
            .read(move |c| webhooks::get(c, &sealer, &scope, &id))
            .await
    }

    async fn list_webhooks(&self, query: &WebhookQuery) -> StoreResult<Vec<Webhook>> {
        let (query, sealer) = (query.clone(), self.sealer.clone());
        self.readers
            .read(move |c| webhooks::list(c, &sealer, &query))
            .await
    }

    async fn all_webhooks(&self) -> StoreResult<Vec<Webhook>> {
        let sealer = self.sealer.clone();
        self.readers.read(move |c| webhooks::all(c, &sealer)).await
    }

    async fn update_webhook(&self, webhook: &Webhook) -> StoreResult<bool> {
        let (webhook, sealer) = (webhook.clone(), self.sealer.clone());
        self.writer
            .write(move |c| webhooks::update(c, &sealer, &webhook))
            .await
    }

    async fn set_webhook_active(
        &self,
        scope: &Scope,
        id: &WebhookId,
        change: Activation,
    ) -> StoreResult<Option<Webhook>> {
        let (scope, id, now) = (scope.clone(), id.clone(), Timestamp::now());
        let sealer = self.sealer.clone();
        self.writer
            .write(move |c| webhooks::set_active(c, &scope, &id, change, now, &sealer))
            .await
    }

    async fn delete_webhook(&self, scope: &Scope, id: &WebhookId) -> StoreResult<bool> {
        let (scope, id, now) = (scope.clone(), id.clone(), Timestamp::now());
        self.writer
            .write(move |c| webhooks::delete(c, &scope, &id, now))
            .await
    }

    async fn insert_events(
        &self,
        claim: &Claim,
        events: Vec<NewEvent>,
    ) -> StoreResult<Vec<InsertedEvent>> {
        let claim = claim.clone();
        let events = Arc::new(events);
        self.writer
            .write_repeatable(move |c| events::insert(c, &claim, &events))
            .await
    }

    async fn get_event(&self, scope: &Scope, id: &EventId) -> StoreResult<Option<EventRecord>> {
        let (scope, id) = (scope.clone(), id.clone());
        self.readers
            .read(move |c| events::get(c, &scope, &id))
            .await
    }

    async fn list_events(&self, query: &EventQuery) -> StoreResult<Vec<EventSummary>> {
        let query = query.clone();
        self.readers.read(move |c| events::list(c, &query)).await
    }

    async fn get_delivery(&self, scope: &Scope, id: &DeliveryId) -> StoreResult<Option<Delivery>> {
        let (scope, id) = (scope.clone(), id.clone());
        self.readers
            .read(move |c| deliveries::get(c, &scope, &id))
            .await
    }

    async fn deliveries_of_event(&self, id: &EventId) -> StoreResult<Vec<Delivery>> {
        let id = id.clone();
        self.readers
            .read(move |c| deliveries::of_event(c, &id))
            .await
    }

    async fn event_payload(&self, id: &EventId) -> StoreResult<Option<bytes::Bytes>> {
        let id = id.clone();
        self.readers.read(move |c| events::payload(c, &id)).await
    }

    async fn claim_due(
        &self,
        claim: &Claim,
        now: Timestamp,
        limit: usize,
        skip: &[WebhookId],
    ) -> StoreResult<Vec<DeliveryJob>> {
        let (claim, skip) = (claim.clone(), skip.to_vec());
        self.writer
            .write_repeatable(move |c| deliveries::claim_due(c, &claim, now, limit, &skip))
            .await
    }

    async fn release(&self, claimed_by: &str, ids: &[DeliveryId]) -> StoreResult<()> {
        let (claimed_by, ids) = (claimed_by.to_owned(), ids.to_vec());
        self.writer
            .write_repeatable(move |c| deliveries::release(c, &claimed_by, &ids))
            .await
    }

    async fn renew_claims(&self, claim: &Claim, expiring_before: Timestamp) -> StoreResult<u64> {
        let claim = claim.clone();
        self.writer
            .write_repeatable(move |c| deliveries::renew(c, &claim, expiring_before))
            .await
    }

    async fn reclaim_expired(
        &self,
        now: Timestamp,
        margin: std::time::Duration,
        limit: usize,
    ) -> StoreResult<u64> {
        self.writer
            .write_repeatable(move |c| deliveries::reclaim_expired(c, now, margin, limit))
            .await
    }

    async fn record_outcomes(
        &self,
        outcomes: Arc<[AttemptOutcome]>,
        disable_after: u32,
    ) -> StoreResult<Recorded> {
        let now = Timestamp::now();
        self.writer
            .write_repeatable(move |c| outcomes::record(c, &outcomes, disable_after, now))
            .await
    }

    async fn take_probe(
        &self,
        webhook: &WebhookId,
        by: &str,
        now: Timestamp,
        until: Timestamp,
    ) -> StoreResult<bool> {
        let (webhook, by) = (webhook.clone(), by.to_owned());
        self.writer
            .write(move |c| webhooks::take_probe(c, &webhook, &by, now, until))
            .await
    }

    async fn claim_probe_delivery(
        &self,
        webhook: &WebhookId,
        claim: &Claim,
    ) -> StoreResult<Option<DeliveryJob>> {
        let (webhook, claim) = (webhook.clone(), claim.clone());
        self.writer
            .write(move |c| deliveries::claim_probe_delivery(c, &webhook, &claim))
            .await
    }

    async fn requeue_delivery(
        &self,
        scope: &Scope,
        id: &DeliveryId,
        claim: Option<&Claim>,
    ) -> StoreResult<Requeue> {
        let (scope, id, claim, now) = (scope.clone(), id.clone(), claim.cloned(), Timestamp::now());
        self.writer
            .write(move |c| deliveries::requeue(c, &scope, &id, claim.as_ref(), now))
            .await
    }

    async fn list_deliveries(&self, query: &DeliveryQuery) -> StoreResult<Vec<Delivery>> {
        let query = query.clone();
        self.readers
            .read(move |c| deliveries::list(c, &query))
            .await
    }

    async fn requeue_failed(&self, due: &[(DeliveryId, Timestamp)]) -> StoreResult<u64> {
        let (due, now) = (due.to_vec(), Timestamp::now());
        self.writer
            .write(move |c| deliveries::requeue_failed(c, &due, now))
            .await
    }

    async fn list_attempts(&self, query: &AttemptQuery) -> StoreResult<Vec<LoggedAttempt>> {
        let query = query.clone();
        self.readers
            .read(move |c| deliveries::list_attempts(c, &query))
            .await
    }

    async fn attempts_of_delivery(&self, id: &DeliveryId) -> StoreResult<Vec<Attempt>> {
        let id = id.clone();
        self.readers
            .read(move |c| deliveries::attempts_of_delivery(c, &id))
            .await
    }

    async fn minute_stats(
        &self,
        webhook: Option<&WebhookId>,
        scope: &Scope,
        since: Timestamp,
    ) -> StoreResult<Vec<MinuteStats>> {
        let (webhook, scope) = (webhook.cloned(), scope.clone());
        self.readers
            .read(move |c| catalog::minute_stats(c, webhook.as_ref(), &scope, since))
            .await
    }

    async fn delivery_counts(&self, scope: &Scope) -> StoreResult<DeliveryCounts> {
        let scope = scope.clone();
        self.readers
            .read(move |c| catalog::delivery_counts(c, &scope))
            .await
    }

    async fn pending_deliveries(&self) -> StoreResult<u64> {
        self.readers.read(catalog::pending_deliveries).await
    }

    async fn latency_totals(&self, scope: &Scope, since: Timestamp) -> StoreResult<(u64, u64)> {
        let scope = scope.clone();
        self.readers
            .read(move |c| catalog::latency_totals(c, &scope, since))
            .await
    }

    async fn insert_event_type(&self, event_type: &EventType) -> StoreResult<()> {
        let event_type = event_type.clone();
        self.writer
            .write(move |c| catalog::insert_event_type(c, &event_type))
            .await
    }

    async fn list_event_types(&self) -> StoreResult<Vec<EventType>> {
        self.readers.read(catalog::list_event_types).await
    }

    async fn recent_event_types(
        &self,
        scope: &Scope,
        newest: usize,
    ) -> StoreResult<Vec<EventName>> {
        let scope = scope.clone();
        self.readers
            .read(move |c| catalog::recent_event_types(c, &scope, newest))
            .await
    }

    async fn delete_event_type(&self, name: &EventName) -> StoreResult<bool> {
        let name = name.clone();
        self.writer
            .write(move |c| catalog::delete_event_type(c, &name))
            .await
    }

    async fn insert_audit(&self, entry: &AuditEntry) -> StoreResult<()> {
        let entry = entry.clone();
        self.writer.write(move |c| audit::insert(c, &entry)).await
    }

    async fn list_audit(&self, query: &AuditQuery) -> StoreResult<Vec<AuditEntry>> {
        let query = query.clone();
        self.readers.read(move |c| audit::list(c, &query)).await
    }

    async fn insert_inbox(&self, inbox: &Inbox) -> StoreResult<()> {
        let (inbox, sealer) = (inbox.clone(), self.sealer.clone());
        self.writer
            .write(move |c| inboxes::insert(c, &sealer, &inbox))
            .await
    }

    async fn get_inbox(&self, scope: &Scope, id: &InboxId) -> StoreResult<Option<Inbox>> {
        let (scope, id, sealer) = (scope.clone(), id.clone(), self.sealer.clone());
        self.readers
            .read(move |c| inboxes::get(c, &sealer, &scope, &id))
            .await
    }

    async fn list_inboxes(&self, query: &InboxQuery) -> StoreResult<Vec<Inbox>> {
        let (query, sealer) = (query.clone(), self.sealer.clone());
        self.readers
            .read(move |c| inboxes::list(c, &sealer, &query))
            .await
    }

    async fn all_inboxes(&self) -> StoreResult<Vec<Inbox>> {
        let sealer = self.sealer.clone();
        self.readers.read(move |c| inboxes::all(c, &sealer)).await
    }

    async fn update_inbox(&self, inbox: &Inbox) -> StoreResult<bool> {
        let (inbox, sealer) = (inbox.clone(), self.sealer.clone());
        self.writer
            .write(move |c| inboxes::update(c, &sealer, &inbox))
            .await
    }

    async fn delete_inbox(&self, scope: &Scope, id: &InboxId) -> StoreResult<bool> {
        let (scope, id) = (scope.clone(), id.clone());
        self.writer
            .write(move |c| inboxes::delete(c, &scope, &id))
            .await
    }

    async fn store_inbox_request(
        &self,
        claim: &Claim,
        request: NewInboxRequest,
    ) -> StoreResult<StoredRequest> {
        let claim = claim.clone();
        self.writer
            .write_repeatable(move |c| inboxes::store_request(c, &claim, &request))
            .await
    }

    async fn list_inbox_requests(
        &self,
        query: &InboxRequestQuery,
    ) -> StoreResult<Vec<InboxRequest>> {
        let query = query.clone();
        self.readers
            .read(move |c| inboxes::list_requests(c, &query))
            .await
    }

    async fn get_inbox_request(
        &self,
        scope: &Scope,
        id: &InboxRequestId,
    ) -> StoreResult<Option<InboxRequest>> {
        let (scope, id) = (scope.clone(), id.clone());
        self.readers
            .read(move |c| inboxes::get_request(c, &scope, &id))
            .await
    }

    async fn inbox_requests_after(
        &self,
        inbox: &InboxId,
        after_seq: i64,
        limit: usize,
    ) -> StoreResult<Vec<InboxRequest>> {
        let inbox = inbox.clone();
        self.readers
            .read(move |c| inboxes::requests_after(c, &inbox, after_seq, limit))
            .await
    }

    async fn inbox_resume_seq(&self, inbox: &InboxId, id: &InboxRequestId) -> StoreResult<i64> {
        let (inbox, id) = (inbox.clone(), id.clone());
        self.readers
            .read(move |c| inboxes::resume_seq(c, &inbox, &id))
            .await
    }

    async fn prune_inboxes(
        &self,
        cutoff: Timestamp,
        now: Timestamp,
        batch: usize,
    ) -> StoreResult<u64> {
        self.writer
            .write(move |c| inboxes::prune(c, cutoff, now, batch))
            .await
    }

    async fn inbox_last_seq(&self, inbox: &InboxId) -> StoreResult<i64> {
        let inbox = inbox.clone();
        self.readers
            .read(move |c| inboxes::last_seq(c, &inbox))
            .await
    }

    async fn reseal_secrets(&self) -> StoreResult<sealing::Resealed> {
        let sealer = self.sealer.clone();
        let secrets = self
            .writer
            .write(move |c| Ok(webhooks::reseal(c, &sealer)? + inboxes::reseal(c, &sealer)?))
            .await?;
        Ok(sealing::Resealed {
            secrets,
            key_id: self.sealer.sealing_key_id().map(str::to_owned),
        })
    }

    async fn purge_events(&self, cutoff: Timestamp, batch: usize) -> StoreResult<u64> {
        self.writer
            .write(move |c| {
                let entries = audit::delete_older_than(c, cutoff, batch)?;
                Ok(entries + catalog::purge_events(c, cutoff, batch)?)
            })
            .await
    }

    async fn purge_attempts(&self, cutoff: Timestamp, batch: usize) -> StoreResult<u64> {
        self.writer
            .write(move |c| deliveries::purge_attempts(c, cutoff, batch))
            .await
    }
}
