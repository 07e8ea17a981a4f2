//! The failure streak: deliveries of a webhook that failed in a row, and when it disables the
//! webhook.
//!
//! A batch of outcomes is followed in order, for each webhook:
//! - a delivery that failed for good (retries used up) adds one to the streak; when the streak
//!   reaches `disable_after` (0: never) while the webhook is active, the webhook is disabled as
//!   `failing`;
//! - a delivery that succeeded sets the streak back to 0;
//! - a `410 Gone` disables an active webhook as `gone`, at once, and leaves the streak as it is;
//! - one-off attempts (tests, manual retries, recovered deliveries) don't move the streak, but a
//!   410 still disables; retries on the way (`RetryAt`) don't count either.
//!
//! A webhook is disabled at most once, at the first step that disables it; the streak goes on
//! counting after that, as it does for a webhook someone disabled. Backends apply the rule to
//! webhooks in id order, so that nodes recording at once lock rows in the same order.

use crate::model::{AttemptOutcome, DisabledReason, NextStep, WebhookId};
use std::collections::BTreeMap;

/// What one outcome does to its webhook's streak.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StreakStep {
    /// A delivery succeeded: the streak is back to 0.
    Reset,
    /// A delivery failed for good: one more in a row.
    Failure,
    /// The receiver answered 410.
    Gone,
}

impl StreakStep {
    /// The step an outcome takes, if any.
    pub fn of(outcome: &AttemptOutcome) -> Option<Self> {
        match outcome.next {
            NextStep::Gone => Some(Self::Gone),
            NextStep::Succeeded if outcome.counts_for_streak => Some(Self::Reset),
            NextStep::Failed if outcome.counts_for_streak => Some(Self::Failure),
            _ => None,
        }
    }
}

/// What a batch does to one webhook's streak.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StreakChange {
    /// Only successes: the streak ends at 0 whatever it was, and nothing is disabled. The
    /// backend writes 0 without reading the row.
    Reset,
    /// Failures or a 410 among them: the backend reads the webhook's streak and state, follows
    /// these steps from there (`follow`), and writes the result.
    Follow(Vec<StreakStep>),
}

/// The streak changes of a batch, by webhook, in id order. Webhooks whose outcomes take no
/// step are left out.
pub fn streak_changes(outcomes: &[AttemptOutcome]) -> BTreeMap<WebhookId, StreakChange> {
    let mut steps: BTreeMap<WebhookId, Vec<StreakStep>> = BTreeMap::new();
    for outcome in outcomes {
        if let Some(step) = StreakStep::of(outcome) {
            steps
                .entry(outcome.attempt.webhook_id.clone())
                .or_default()
                .push(step);
        }
    }
    steps
        .into_iter()
        .map(|(webhook, steps)| {
            let change = if steps.iter().all(|step| *step == StreakStep::Reset) {
                StreakChange::Reset
            } else {
                StreakChange::Follow(steps)
            };
            (webhook, change)
        })
        .collect()
}

/// A webhook's streak and whether it is active, as stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StreakState {
    pub streak: u32,
    pub active: bool,
}

/// A webhook disabled by a batch: why, and its streak at that moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Disabling {
    pub reason: DisabledReason,
    pub streak: u32,
}

/// Where a batch leaves a webhook.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StreakEnd {
    /// The streak to store.
    pub streak: u32,
    /// Set when the batch disabled the webhook.
    pub disabled: Option<Disabling>,
}

/// Follows `steps` from the stored `start` (the rule in the module's header).
pub fn follow(start: StreakState, steps: &[StreakStep], disable_after: u32) -> StreakEnd {
    let mut streak = start.streak;
    let mut active = start.active;
    let mut disabled = None;
    for step in steps {
        let reason = match step {
            StreakStep::Reset => {
                streak = 0;
                None
            }
            StreakStep::Failure => {
                streak = streak.saturating_add(1);
                (disable_after > 0 && streak >= disable_after).then_some(DisabledReason::Failing)
            }
            StreakStep::Gone => Some(DisabledReason::Gone),
        };
        if let Some(reason) = reason.filter(|_| active) {
            active = false;
            disabled = Some(Disabling { reason, streak });
        }
    }
    StreakEnd { streak, disabled }
}

#[cfg(test)]
mod tests;
