//! Operations: everything hookd does on someone's behalf, in one layer between the HTTP handlers
//! (which parse, call one operation and shape the answer) and the parts an operation drives
//! (store, directory, inbox registry, publisher, dispatcher).
//!
//! An operation keeps every rule of a change together: a webhook change reloads the directory
//! (and so signals the other nodes), is written to the audit log, and publishes hookd's own
//! event when one is due; a test or retry passes the same limits as any delivery. A new
//! operation goes here, as a method of [`Operations`] in the file of its resource; hookd's own
//! events (`webhook.ping`, `webhook.disabled`) are built only in `own_events.rs`.

mod audit;
mod catalog;
mod error;
mod inboxes;
mod own_events;
mod reachable;
mod replay;
mod retry;
mod test;
mod tokens;
mod webhooks;

pub use audit::Caller;
pub use error::OpError;
pub use inboxes::{InboxChange, NewInbox};
pub use replay::{MAX_REPLAY, ReplayWindow, Replayed};
pub use retry::{BulkRetried, FailedDeliveries, MAX_BULK_RETRY, RETRY_PACE, Retried};
pub use test::{TestEvent, Tested};
pub use webhooks::{Created, NewWebhook, Rotated, Updated, WebhookChange};

use crate::config::Config;
use crate::directory::Directory;
use crate::dispatch::client::OutboundClient;
use crate::dispatch::ssrf::AddressPolicy;
use crate::dispatch::{DispatcherHandle, Gates};
use crate::inbox::Inboxes;
use crate::publish::Publisher;
use crate::store::DynStore;
use std::sync::Arc;

/// What operations work with: one per server, shared by every request (made at start-up).
pub struct Operations {
    pub(crate) config: Arc<Config>,
    pub(crate) store: DynStore,
    pub(crate) directory: Arc<Directory>,
    pub(crate) inboxes: Arc<Inboxes>,
    pub(crate) publisher: Arc<Publisher>,
    pub(crate) dispatcher: DispatcherHandle,
    pub(crate) outbound: OutboundClient,
    pub(crate) gates: Arc<Gates>,
    pub(crate) policy: AddressPolicy,
    /// Held by a registration across its limit check, insert and reload, so that concurrent
    /// ones cannot pass `max_webhooks_per_tenant` together (on this node).
    pub(crate) creating_webhooks: tokio::sync::Mutex<()>,
}
