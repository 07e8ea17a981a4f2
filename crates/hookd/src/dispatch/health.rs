//! What a lane's attempts found out about their webhook, shared with them (they update it the
//! moment an answer comes, before their slot is free) and with the API (`effective_in_flight`):
//! the failure streak, a 410, a `Retry-After` pause, adaptive concurrency, and the circuit
//! breaker's count of attempts failed in a row (the lane opens the circuit itself the moment
//! it reaches the breaker's `failures`, before the store has recorded it).

use super::concurrency::Aimd;
use crate::model::{AttemptOutcome, Webhook, WebhookId};
use crate::store::rules::circuit::{Answer, CircuitStep};
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
    /// Attempts failed in a row (the circuit breaker's count): the stored one when the lane
    /// was made, moved by every counted answer since.
    attempt_failures: AtomicU32,
    /// The breaker's `failures` (0 while the breaker is off).
    breaker_failures: AtomicU32,
    /// When this lane's answers opened the circuit (on the engine's clock), until the
    /// directory shows it.
    opened_locally: Mutex<Option<std::time::Instant>>,
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
            attempt_failures: AtomicU32::new(webhook.circuit.failures),
            breaker_failures: AtomicU32::new(breaker_failures(webhook)),
            opened_locally: Mutex::new(None),
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
        // Only attempts made while closed count here; a probe's answer is the store's to judge.
        match CircuitStep::of(outcome).filter(|step| !step.probe) {
            Some(CircuitStep {
                answer: Answer::Success,
                ..
            }) => self.attempt_failures.store(0, Ordering::Relaxed),
            Some(CircuitStep {
                answer: Answer::Failure(_),
                ..
            }) => {
                let failures = self.attempt_failures.fetch_add(1, Ordering::Relaxed) + 1;
                let threshold = self.breaker_failures.load(Ordering::Relaxed);
                if threshold > 0 && failures >= threshold {
                    let mut opened = self.opened_locally.lock().expect("lane health");
                    opened.get_or_insert(now);
                }
            }
            _ => {}
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

    /// Whether one more attempt could take the failures in a row past the breaker's
    /// threshold: once attempts have failed in a row, no more run at once than failures are
    /// left before it, so a failing receiver gets exactly `failures` requests.
    pub fn at_circuit_budget(&self) -> bool {
        let threshold = self.breaker_failures.load(Ordering::Relaxed);
        let failures = self.attempt_failures.load(Ordering::Relaxed);
        threshold > 0
            && failures > 0
            && failures + self.running.load(Ordering::Relaxed) >= threshold
    }

    /// When this lane's answers opened the circuit, if they did and the directory does not
    /// show it yet.
    pub fn opened_locally(&self) -> Option<std::time::Instant> {
        *self.opened_locally.lock().expect("lane health")
    }

    /// The directory shows the circuit (open, or closed again): it governs from now on, and
    /// the count goes on from its `failures`.
    pub fn follow_circuit(&self, failures: u32) {
        *self.opened_locally.lock().expect("lane health") = None;
        self.attempt_failures.store(failures, Ordering::Relaxed);
    }

    /// The webhook's breaker as the directory has it now.
    pub fn set_breaker(&self, webhook: &Webhook) {
        self.breaker_failures
            .store(breaker_failures(webhook), Ordering::Relaxed);
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

/// The failures in a row that open the webhook's circuit; 0 while its breaker is off.
fn breaker_failures(webhook: &Webhook) -> u32 {
    let breaker = webhook.breaker();
    if breaker.enabled { breaker.failures } else { 0 }
}
