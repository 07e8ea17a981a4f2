//! Receiving webhooks: the registry of inboxes `/in/<id>` answers from (in memory, reloaded on
//! every change and when another node signals one), and `receive`, which takes a request
//! through the steps of docs/api.md "Inboxes": allowlist, rate limit, verification on the raw bytes,
//! de-duplication, then stored with its event (`publish::Publisher::receive`).

mod convert;
mod receive;
mod source;

pub use convert::ReadBody;
pub use receive::{Incoming, Reception, event_of};
pub use source::client_address;

use crate::dispatch::rate::TokenBucket;
use crate::model::{Inbox, InboxId};
use crate::store::{DynStore, StoreResult};
use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock, RwLock};
use std::time::Instant;
use tokio::sync::watch;

/// An inbox as `/in/` serves it, with its rate limit's bucket.
pub struct Live {
    pub inbox: Inbox,
    bucket: Option<Mutex<TokenBucket>>,
    counts: receive::Counts,
}

/// Every inbox, in memory.
pub struct Inboxes {
    store: DynStore,
    live: RwLock<Arc<HashMap<InboxId, Arc<Live>>>>,
    /// Bumped after each request this node stored (streams wake on it).
    stored: watch::Sender<u64>,
    /// Set once the server stops: streams end, so that their connections don't hold up the
    /// graceful shutdown (their clients resume with `Last-Event-ID`).
    closing: watch::Sender<bool>,
    public_url: OnceLock<String>,
    /// Held from counting a tenant's inboxes to the registry holding a new one, so that
    /// concurrent creates can't all pass `max_inboxes_per_tenant` (on this node).
    creating: tokio::sync::Mutex<()>,
    /// The same URL, for the outbound client's exception for hookd's own inboxes.
    own: crate::dispatch::client::OwnInboxes,
}

impl Inboxes {
    pub async fn load(store: DynStore, public_url: Option<String>) -> StoreResult<Arc<Self>> {
        let inboxes = Arc::new(Self {
            store,
            live: RwLock::new(Arc::new(HashMap::new())),
            stored: watch::Sender::new(0),
            closing: watch::Sender::new(false),
            public_url: OnceLock::new(),
            creating: tokio::sync::Mutex::new(()),
            own: Default::default(),
        });
        if let Some(url) = public_url {
            inboxes.own.set(&url);
            let _ = inboxes.public_url.set(url);
        }
        inboxes.reload().await?;
        Ok(inboxes)
    }

    /// Where hookd is reached when `public_url` is not configured: the address it bound.
    pub fn set_bound_address(&self, address: std::net::SocketAddr) {
        let url = format!("http://{address}");
        self.own.set(&url);
        let _ = self.public_url.set(url);
    }

    /// hookd's own inbox URLs, for the outbound client.
    pub fn own(&self) -> crate::dispatch::client::OwnInboxes {
        self.own.clone()
    }

    /// `<public url>/in/<id>`.
    pub fn receive_url(&self, id: &InboxId) -> String {
        let base = self.public_url.get().map_or("", String::as_str);
        format!("{base}/in/{id}")
    }

    /// Reads every inbox again, keeping the buckets of those whose rate limit is unchanged.
    pub async fn reload(&self) -> StoreResult<()> {
        let all = self.store.all_inboxes().await?;
        let previous = self.snapshot();
        let now = Instant::now();
        let mut live = HashMap::with_capacity(all.len());
        for inbox in all {
            let kept = previous
                .get(&inbox.id)
                .filter(|old| old.inbox.settings.rate_limit == inbox.settings.rate_limit)
                .and_then(|old| old.bucket.as_ref())
                .map(|bucket| bucket.lock().unwrap_or_else(|p| p.into_inner()).clone());
            let bucket = inbox
                .settings
                .rate_limit
                .map(|rate| Mutex::new(kept.unwrap_or_else(|| TokenBucket::new(rate, now))));
            live.insert(
                inbox.id.clone(),
                Arc::new(Live {
                    inbox,
                    bucket,
                    counts: Default::default(),
                }),
            );
        }
        *self.live.write().unwrap_or_else(|p| p.into_inner()) = Arc::new(live);
        Ok(())
    }

    fn snapshot(&self) -> Arc<HashMap<InboxId, Arc<Live>>> {
        self.live.read().unwrap_or_else(|p| p.into_inner()).clone()
    }

    /// One create at a time on this node: hold it across the limit check, the insert and the
    /// reload.
    pub async fn creating(&self) -> tokio::sync::MutexGuard<'_, ()> {
        self.creating.lock().await
    }

    /// How many inboxes the tenant has (for `max_inboxes_per_tenant`).
    pub fn count_of(&self, tenant: &crate::model::Tenant) -> usize {
        self.snapshot()
            .values()
            .filter(|live| live.inbox.tenant == *tenant)
            .count()
    }

    pub fn get(&self, id: &InboxId) -> Option<Arc<Live>> {
        self.snapshot().get(id).cloned()
    }

    /// A receiver that changes after each request this node stores.
    pub fn stored_requests(&self) -> watch::Receiver<u64> {
        self.stored.subscribe()
    }

    /// A receiver that turns true when the server begins to stop.
    pub fn closing(&self) -> watch::Receiver<bool> {
        self.closing.subscribe()
    }

    /// Ends every stream of this node (at shutdown).
    pub fn close_streams(&self) {
        self.closing.send_replace(true);
    }

    fn announce_stored(&self) {
        self.stored
            .send_modify(|count| *count = count.wrapping_add(1));
    }
}

impl Live {
    /// Counts a request in `hookd_inbox_requests_total` with `outcome`.
    pub fn count(&self, outcome: &'static str) {
        self.counts.count(&self.inbox.id, outcome);
    }

    /// Takes a token of the rate limit, or says in how many seconds to come back.
    fn admit(&self, now: Instant) -> Result<(), u64> {
        let Some(bucket) = &self.bucket else {
            return Ok(());
        };
        let mut bucket = bucket.lock().unwrap_or_else(|p| p.into_inner());
        bucket.try_take(now).map_err(|ready| {
            ready
                .saturating_duration_since(now)
                .as_secs_f64()
                .ceil()
                .max(1.0) as u64
        })
    }
}
