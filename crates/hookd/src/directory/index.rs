//! One immutable view of every webhook, indexed for matching: per tenant, exact event names in a
//! hash map, `prefix.*` patterns in a list, `*` subscribers in another, and a memo of the answer
//! per event name (most applications publish a few dozen names, so matching is one hash lookup).

use crate::model::{EventPattern, Tenant, Webhook, WebhookId};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// The most event names remembered per tenant before the memo starts over.
const MEMO_LIMIT: usize = 4096;

type Subscribers = Arc<[Arc<Webhook>]>;

pub struct Snapshot {
    version: u64,
    by_id: HashMap<WebhookId, Arc<Webhook>>,
    tenants: HashMap<Tenant, TenantIndex>,
    /// Webhooks per tenant, active or not (for `max_webhooks_per_tenant`).
    counts: HashMap<Tenant, usize>,
    /// Active webhooks whose circuit holds deliveries back (open or half open), by id.
    open_circuits: Vec<Arc<Webhook>>,
}

#[derive(Default)]
struct TenantIndex {
    exact: HashMap<String, Vec<Arc<Webhook>>>,
    prefixes: Vec<(String, Arc<Webhook>)>,
    everything: Vec<Arc<Webhook>>,
    memo: Mutex<HashMap<String, Subscribers>>,
}

impl Snapshot {
    pub fn build(webhooks: Vec<Webhook>, version: u64) -> Self {
        let mut by_id = HashMap::with_capacity(webhooks.len());
        let mut tenants: HashMap<Tenant, TenantIndex> = HashMap::new();
        let mut counts: HashMap<Tenant, usize> = HashMap::new();
        let mut open_circuits = Vec::new();
        for webhook in webhooks {
            let webhook = Arc::new(webhook);
            by_id.insert(webhook.id.clone(), webhook.clone());
            *counts.entry(webhook.tenant.clone()).or_default() += 1;
            if !webhook.active {
                continue;
            }
            if webhook.circuit_blocks() {
                open_circuits.push(webhook.clone());
            }
            let index = tenants.entry(webhook.tenant.clone()).or_default();
            for pattern in &webhook.events {
                match pattern {
                    EventPattern::All => index.everything.push(webhook.clone()),
                    EventPattern::Prefix(prefix) => {
                        index.prefixes.push((prefix.clone(), webhook.clone()))
                    }
                    EventPattern::Exact(name) => index
                        .exact
                        .entry(name.as_str().to_owned())
                        .or_default()
                        .push(webhook.clone()),
                }
            }
        }
        Self {
            version,
            by_id,
            tenants,
            counts,
            open_circuits,
        }
    }

    /// Active webhooks whose circuit is open or half open (their breaker on): the prober's
    /// work, the scan's skip list, and Prometheus' `hookd_circuits`.
    pub fn open_circuits(&self) -> &[Arc<Webhook>] {
        &self.open_circuits
    }

    /// How many webhooks `tenant` has, active or not.
    pub fn webhooks_of(&self, tenant: &Tenant) -> usize {
        self.counts.get(tenant).copied().unwrap_or(0)
    }

    pub fn version(&self) -> u64 {
        self.version
    }

    /// Any webhook, active or not.
    pub fn webhook(&self, id: &WebhookId) -> Option<&Arc<Webhook>> {
        self.by_id.get(id)
    }

    pub fn len(&self) -> usize {
        self.by_id.len()
    }

    pub fn is_empty(&self) -> bool {
        self.by_id.is_empty()
    }

    /// The active webhooks of `tenant` subscribed to `event_type`, each once, oldest first.
    /// Filters are not applied here: they need the event's data.
    pub fn subscribers(&self, tenant: &Tenant, event_type: &str) -> Subscribers {
        let Some(index) = self.tenants.get(tenant) else {
            return Arc::from([]);
        };
        let mut memo = index.memo.lock().expect("memo lock");
        if let Some(found) = memo.get(event_type) {
            return found.clone();
        }
        let found = index.compute(event_type);
        if memo.len() >= MEMO_LIMIT {
            memo.clear();
        }
        memo.insert(event_type.to_owned(), found.clone());
        found
    }
}

impl TenantIndex {
    fn compute(&self, event_type: &str) -> Subscribers {
        let mut found: Vec<Arc<Webhook>> = self.everything.clone();
        if let Some(exact) = self.exact.get(event_type) {
            found.extend(exact.iter().cloned());
        }
        found.extend(
            self.prefixes
                .iter()
                .filter(|(prefix, _)| event_type.starts_with(prefix.as_str()))
                .map(|(_, w)| w.clone()),
        );
        found.sort_by(|a, b| a.id.cmp(&b.id));
        found.dedup_by(|a, b| a.id == b.id);
        found.into()
    }
}

#[cfg(test)]
mod tests;
