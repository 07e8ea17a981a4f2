//! Who may send a request now: the limits every outbound attempt passes, whether the engine
//! starts it or a person asked for it (`POST /api/webhooks/{id}/test`). In order:
//!
//! 1. the webhook's `max_in_flight` (requests to it at once, on this node);
//! 2. its `rate_limit` (a token bucket, per node);
//! 3. its tenant's share, `max_outbound_per_tenant`, so one tenant can't take every slot;
//! 4. the node's `max_outbound`: each request is an open connection, and the process has only
//!    so many file descriptors, which the listener and the database need too.
//!
//! The rate limit's token is taken last, so a request another limit holds back spends none.
//!
//! A request that passes holds a `Pass` until it ends; dropping the pass frees its slots and
//! wakes whoever waits for one (`freed`). A request over a limit is not lost: the engine keeps
//! the delivery queued and tries again when a slot frees, a test is answered 429.

use super::rate::TokenBucket;
use crate::model::{Tenant, Webhook, WebhookId};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::sync::Notify;

/// The node-wide limits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OutboundLimits {
    /// Requests at once over every webhook.
    pub total: usize,
    /// Requests at once over one tenant's webhooks.
    pub per_tenant: usize,
}

/// Which limit stopped a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Closed {
    /// The webhook has `max_in_flight` requests running.
    Webhook,
    /// The webhook's rate limit allows the next request at this instant.
    RateLimited(Instant),
    /// The tenant has its share running.
    Tenant,
    /// The node has `max_outbound` running.
    Node,
}

impl Closed {
    /// The label of `hookd_outbound_waits_total`.
    pub fn label(self) -> &'static str {
        match self {
            Closed::Webhook => "webhook",
            Closed::RateLimited(_) => "rate_limit",
            Closed::Tenant => "tenant",
            Closed::Node => "node",
        }
    }
}

pub struct Gates {
    limits: OutboundLimits,
    state: Mutex<State>,
    /// Woken each time a pass is dropped.
    pub freed: Notify,
}

#[derive(Default)]
struct State {
    total: usize,
    tenants: HashMap<Tenant, usize>,
    webhooks: HashMap<WebhookId, WebhookGate>,
    /// When each node-wide or tenant limit was last reported, so that a limit that stays
    /// reached logs once a minute rather than at every refused start.
    reported: HashMap<Option<Tenant>, Instant>,
}

#[derive(Default)]
struct WebhookGate {
    in_flight: u32,
    bucket: Option<TokenBucket>,
}

/// Slots held by one request; freed when dropped.
pub struct Pass {
    gates: Arc<Gates>,
    tenant: Tenant,
    webhook: WebhookId,
}

/// How often a limit that stays reached is logged.
const REPORT_EVERY: Duration = Duration::from_secs(60);

impl Gates {
    pub fn new(limits: OutboundLimits) -> Arc<Self> {
        Arc::new(Self {
            limits,
            state: Mutex::new(State::default()),
            freed: Notify::new(),
        })
    }

    pub fn limits(&self) -> OutboundLimits {
        self.limits
    }

    /// Requests running now on this node.
    pub fn in_flight(&self) -> usize {
        self.state.lock().expect("gates").total
    }

    /// Takes a slot for a request to `webhook` at `now`, or says which limit is reached.
    pub fn try_enter(self: &Arc<Self>, webhook: &Webhook, now: Instant) -> Result<Pass, Closed> {
        self.try_enter_within(webhook, webhook.max_in_flight, now)
    }

    /// As `try_enter`, with the webhook's requests at once held to `in_flight` (what adaptive
    /// concurrency allows now, never above its `max_in_flight`).
    pub fn try_enter_within(
        self: &Arc<Self>,
        webhook: &Webhook,
        in_flight: u32,
        now: Instant,
    ) -> Result<Pass, Closed> {
        let mut state = self.state.lock().expect("gates");
        let state = &mut *state;
        let gate = state.webhooks.entry(webhook.id.clone()).or_default();
        if gate.in_flight >= in_flight.min(webhook.max_in_flight).max(1) {
            return Err(Closed::Webhook);
        }
        let tenant_count = state.tenants.get(&webhook.tenant).copied().unwrap_or(0);
        let closed = if state.total >= self.limits.total {
            Some(Closed::Node)
        } else if tenant_count >= self.limits.per_tenant {
            Some(Closed::Tenant)
        } else {
            None
        };
        if let Some(closed) = closed {
            let key = (closed == Closed::Tenant).then(|| webhook.tenant.clone());
            report(&mut state.reported, key, closed, self.limits, now);
            metrics::counter!("hookd_outbound_waits_total", "limit" => closed.label()).increment(1);
            return Err(closed);
        }
        match (webhook.rate_limit, gate.bucket.as_mut()) {
            (Some(rate), Some(bucket)) if bucket.rate() == rate => {}
            (Some(rate), _) => gate.bucket = Some(TokenBucket::new(rate, now)),
            (None, _) => gate.bucket = None,
        }
        if let Some(bucket) = gate.bucket.as_mut() {
            bucket.try_take(now).map_err(Closed::RateLimited)?;
        }
        gate.in_flight += 1;
        state.total += 1;
        *state.tenants.entry(webhook.tenant.clone()).or_insert(0) += 1;
        metrics::gauge!("hookd_outbound_in_flight").set(state.total as f64);
        Ok(Pass {
            gates: self.clone(),
            tenant: webhook.tenant.clone(),
            webhook: webhook.id.clone(),
        })
    }

    fn leave(&self, pass: &Pass) {
        let mut state = self.state.lock().expect("gates");
        state.total -= 1;
        if let Some(count) = state.tenants.get_mut(&pass.tenant) {
            *count -= 1;
            if *count == 0 {
                state.tenants.remove(&pass.tenant);
            }
        }
        if let Some(gate) = state.webhooks.get_mut(&pass.webhook) {
            gate.in_flight -= 1;
            // A bucket remembers its tokens; a webhook without one needs no entry when idle.
            if gate.in_flight == 0 && gate.bucket.is_none() {
                state.webhooks.remove(&pass.webhook);
            }
        }
        metrics::gauge!("hookd_outbound_in_flight").set(state.total as f64);
    }

    /// Forgets a deleted webhook's rate limit state.
    pub fn forget(&self, webhook: &WebhookId) {
        let mut state = self.state.lock().expect("gates");
        if state
            .webhooks
            .get(webhook)
            .is_some_and(|g| g.in_flight == 0)
        {
            state.webhooks.remove(webhook);
        }
    }
}

impl Drop for Pass {
    fn drop(&mut self) {
        self.gates.leave(self);
        self.gates.freed.notify_one();
    }
}

/// Logs a reached node-wide (key `None`) or tenant limit, at most once a minute per limit.
fn report(
    reported: &mut HashMap<Option<Tenant>, Instant>,
    key: Option<Tenant>,
    closed: Closed,
    limits: OutboundLimits,
    now: Instant,
) {
    if reported
        .get(&key)
        .is_some_and(|at| now.saturating_duration_since(*at) < REPORT_EVERY)
    {
        return;
    }
    match &key {
        Some(tenant) => tracing::warn!(
            tenant = %tenant,
            max_outbound_per_tenant = limits.per_tenant,
            "a tenant has its share of outbound requests running; its other deliveries wait"
        ),
        None => tracing::warn!(
            max_outbound = limits.total,
            limit = closed.label(),
            "hookd has max_outbound requests running; other deliveries wait"
        ),
    }
    reported.insert(key, now);
}

#[cfg(test)]
mod tests;
