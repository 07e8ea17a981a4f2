//! What a lane's attempts found out about their webhook, shared with them (they update it the
//! moment an answer comes, before their slot is free) and with the API (`effective_in_flight`):
//! the failure streak, a 410, a `Retry-After` pause, and adaptive concurrency.

use super::concurrency::Aimd;
use crate::model::{AttemptOutcome, Webhook, WebhookId};
use crate::store::rules::streak::StreakStep;
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::{Arc, Mutex};

/// Every webhook's health on this node, kept while the webhook is in the directory.
#[derive(Debug, Default, Clone)]
pub struct LaneHealths(Arc<Mutex<HashMap<WebhookId, Arc<LaneHealth>>>>);

impl LaneHealths {
    /// The webhook's health, made from what the directory has if there is none yet.
    pub fn of(&self, webhook: &Webhook) -> Arc<LaneHealth> {
        self.0
            .lock()
            .expect("lane healths")
            .entry(webhook.id.clone())
            .or_insert_with(|| LaneHealth::of(webhook))
            .clone()
    }

    /// Requests at once adaptive concurrency allows the webhook now; `None` when this node has
    /// not sent it anything (it then gets its full `max_in_flight`).
    pub fn in_flight_limit(&self, id: &WebhookId) -> Option<u32> {
        let healths = self.0.lock().expect("lane healths");
        healths.get(id).map(|health| health.in_flight_limit())
    }

    /// Keeps the healths `keep` says yes to (given the webhook and its health).
    pub fn retain(&self, mut keep: impl FnMut(&WebhookId, &LaneHealth) -> bool) {
        self.0
            .lock()
            .expect("lane healths")
            .retain(|id, health| keep(id, health));
    }
}

/// What a lane's attempts found out about their webhook.
#[derive(Debug)]
pub struct LaneHealth {
    /// Deliveries failed in a row: the webhook's stored streak when the lane was made, moved
    /// by every outcome since (the store records them a moment later).
    streak: AtomicU32,
    /// A receiver answered 410: the webhook is being disabled as gone.
    gone: AtomicBool,
    /// Attempts started whose answer has not been counted yet.
    running: AtomicU32,
    /// A `Retry-After` that came with a 429 or 503 (on the engine's clock): nothing starts
    /// before then.
    paused_until: Mutex<Option<std::time::Instant>>,
    /// Requests at once allowed now (adaptive concurrency).
    concurrency: Mutex<Aimd>,
}

impl LaneHealth {
    /// A webhook's health as the directory knows it: its stored streak, full concurrency.
    pub fn of(webhook: &Webhook) -> Arc<Self> {
        Arc::new(Self {
            streak: AtomicU32::new(webhook.failure_streak),
            gone: AtomicBool::new(false),
            running: AtomicU32::new(0),
            paused_until: Mutex::new(None),
            concurrency: Mutex::new(Aimd::new(webhook.max_in_flight)),
        })
    }

    /// Takes in an attempt's outcome, at `now` on the engine's clock.
    pub fn record(&self, outcome: &AttemptOutcome, now: std::time::Instant) {
        self.running.fetch_sub(1, Ordering::Relaxed);
        match StreakStep::of(outcome) {
            Some(StreakStep::Reset) => self.streak.store(0, Ordering::Relaxed),
            Some(StreakStep::Failure) => {
                self.streak.fetch_add(1, Ordering::Relaxed);
            }
            Some(StreakStep::Gone) => self.gone.store(true, Ordering::Relaxed),
            None => {}
        }
        {
            let mut concurrency = self.concurrency.lock().expect("lane health");
            if outcome.overloaded {
                concurrency.overloaded();
            } else if outcome.attempt.response_code.is_some() {
                concurrency.answered();
            }
        }
        if let Some(pause) = outcome.retry_after {
            let until = now + pause;
            let mut paused = self.paused_until.lock().expect("lane health");
            *paused = Some(paused.map_or(until, |at| at.max(until)));
        }
    }

    /// An attempt starts: counted until its answer is.
    pub fn started(&self) {
        self.running.fetch_add(1, Ordering::Relaxed);
    }

    /// Whether one more attempt could take a failing streak past `disable_after`: once
    /// deliveries have failed in a row, no more attempts run at once than failures are left
    /// before the threshold (a webhook without a streak runs its full `max_in_flight`).
    pub fn at_failure_budget(&self, disable_after: u32) -> bool {
        let streak = self.streak.load(Ordering::Relaxed);
        disable_after > 0
            && streak > 0
            && streak + self.running.load(Ordering::Relaxed) >= disable_after
    }

    /// Whether the webhook is about to be disabled: gone, or its streak at `disable_after`.
    pub fn disabling(&self, disable_after: u32) -> bool {
        self.gone.load(Ordering::Relaxed)
            || (disable_after > 0 && self.streak.load(Ordering::Relaxed) >= disable_after)
    }

    /// Until when a `Retry-After` holds the webhook back, if it still does at `now`.
    pub fn paused_at(&self, now: std::time::Instant) -> Option<std::time::Instant> {
        let mut paused = self.paused_until.lock().expect("lane health");
        match *paused {
            Some(until) if until > now => Some(until),
            Some(_) => {
                *paused = None;
                None
            }
            None => None,
        }
    }

    /// Requests at once allowed now.
    pub fn in_flight_limit(&self) -> u32 {
        self.concurrency.lock().expect("lane health").limit()
    }

    /// The webhook's `max_in_flight` as the directory has it now.
    pub fn set_max_in_flight(&self, max: u32) {
        self.concurrency.lock().expect("lane health").set_max(max);
    }

    /// Goes on after a stop that no disable followed, from the directory's streak.
    pub fn resume_from(&self, streak: u32) {
        self.streak.store(streak, Ordering::Relaxed);
        self.gone.store(false, Ordering::Relaxed);
    }
}
