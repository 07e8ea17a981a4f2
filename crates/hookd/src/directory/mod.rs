//! The in-memory directory of webhooks: which webhooks an event goes to (matching without a
//! database read on the hot path), and each webhook's current settings for the dispatcher.
//!
//! It is an immutable `Snapshot` behind a `watch` channel: readers take an `Arc` and never
//! block; a change reloads every webhook from the store and publishes a new snapshot, which the
//! dispatcher also watches to update its lanes.

mod index;

pub use index::Snapshot;

use crate::store::{DynStore, StoreResult};
use std::sync::Arc;
use tokio::sync::{Mutex, watch};

pub struct Directory {
    store: DynStore,
    current: watch::Sender<Arc<Snapshot>>,
    /// Serialises reloads so that a slower, older read can't overwrite a newer one.
    reloading: Mutex<()>,
}

impl Directory {
    pub async fn load(store: DynStore) -> StoreResult<Arc<Self>> {
        let snapshot = Snapshot::build(store.all_webhooks().await?, 1);
        let (current, _) = watch::channel(Arc::new(snapshot));
        Ok(Arc::new(Self {
            store,
            current,
            reloading: Mutex::new(()),
        }))
    }

    /// The current snapshot (cheap: an `Arc` clone).
    pub fn snapshot(&self) -> Arc<Snapshot> {
        self.current.borrow().clone()
    }

    /// Notified whenever a new snapshot is published.
    pub fn subscribe(&self) -> watch::Receiver<Arc<Snapshot>> {
        self.current.subscribe()
    }

    /// Re-reads every webhook and publishes a new snapshot. Call after any webhook change.
    pub async fn reload(&self) -> StoreResult<()> {
        let _one_at_a_time = self.reloading.lock().await;
        let webhooks = self.store.all_webhooks().await?;
        let version = self.current.borrow().version() + 1;
        self.current
            .send_replace(Arc::new(Snapshot::build(webhooks, version)));
        Ok(())
    }
}
