//! A batch's outcomes for one webhook, as both rules see them together: the failure streak
//! (`streak`) and the circuit (`circuit`). The streak disables a webhook only while its breaker
//! is off (a 410 always does); a breaker that is on disables it instead when its circuit stays
//! open too long. Backends write what `follow` says in one place per webhook, in id order.

use super::circuit::{CircuitChange, Transition, circuit_changes};
use super::streak::{Disabling, StreakChange, StreakState, streak_changes};
use crate::model::{AttemptOutcome, Breaker, Circuit, DisabledReason, WebhookId};
use std::collections::BTreeMap;

/// What a batch does to one webhook.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HealthChange {
    pub streak: Option<StreakChange>,
    pub circuit: Option<CircuitChange>,
}

impl HealthChange {
    /// Whether the backend writes it without reading the webhook's row: only resets.
    pub fn is_blind(&self) -> bool {
        !matches!(self.streak, Some(StreakChange::Follow(_)))
            && !matches!(self.circuit, Some(CircuitChange::Follow(_)))
    }
}

/// The changes of a batch, by webhook, in id order (the order rows are locked in).
pub fn health_changes(outcomes: &[AttemptOutcome]) -> BTreeMap<WebhookId, HealthChange> {
    let mut changes: BTreeMap<WebhookId, HealthChange> = BTreeMap::new();
    for (webhook, change) in streak_changes(outcomes) {
        changes.entry(webhook).or_default().streak = Some(change);
    }
    for (webhook, change) in circuit_changes(outcomes) {
        changes.entry(webhook).or_default().circuit = Some(change);
    }
    changes
}

/// The failure streak that disables a webhook: the server's `disable_after` while its breaker
/// is off, never (0) while it is on.
pub fn streak_limit(breaker: &Breaker, disable_after: u32) -> u32 {
    if breaker.enabled { 0 } else { disable_after }
}

/// What the backend read of a webhook.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredHealth {
    pub streak: StreakState,
    /// `None`: the server's defaults.
    pub breaker: Option<Breaker>,
    pub circuit: Circuit,
}

/// Where a batch leaves a webhook.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HealthEnd {
    pub streak: u32,
    /// The circuit to store, when it changed.
    pub circuit: Option<Circuit>,
    /// `Opened`, `Closed` and `Reopened`, in order.
    pub transitions: Vec<Transition>,
    /// Set when the batch disabled the webhook (its streak, a 410, or its circuit).
    pub disabled: Option<Disabling>,
}

/// Follows a webhook's change from what is stored.
pub fn follow(stored: &StoredHealth, change: &HealthChange, disable_after: u32) -> HealthEnd {
    let breaker = stored.breaker.unwrap_or_default();
    let streak = match &change.streak {
        Some(StreakChange::Follow(steps)) => {
            super::streak::follow(stored.streak, steps, streak_limit(&breaker, disable_after))
        }
        Some(StreakChange::Reset) => super::streak::StreakEnd {
            streak: 0,
            disabled: None,
        },
        None => super::streak::StreakEnd {
            streak: stored.streak.streak,
            disabled: None,
        },
    };
    let mut circuit = stored.circuit.clone();
    let mut transitions = Vec::new();
    match &change.circuit {
        Some(CircuitChange::Follow(steps)) => {
            let end = super::circuit::follow(&stored.circuit, &breaker, steps);
            circuit = end.circuit;
            transitions = end.transitions;
        }
        Some(CircuitChange::Reset) => circuit.failures = 0,
        None => {}
    }
    let mut disabled = streak.disabled;
    if transitions.contains(&Transition::DisabledOpenTooLong) && stored.streak.active {
        disabled = disabled.or(Some(Disabling {
            reason: DisabledReason::Failing,
            streak: streak.streak,
        }));
    }
    transitions.retain(|t| *t != Transition::DisabledOpenTooLong);
    HealthEnd {
        streak: streak.streak,
        circuit: (circuit != stored.circuit).then_some(circuit),
        transitions,
        disabled,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{CircuitState, Timestamp};
    use crate::store::rules::circuit::{Answer, CircuitStep};
    use crate::store::rules::streak::StreakStep;

    fn stored(breaker: Option<Breaker>, streak: u32) -> StoredHealth {
        StoredHealth {
            streak: StreakState {
                streak,
                active: true,
            },
            breaker,
            circuit: Circuit::default(),
        }
    }

    fn failures(count: usize) -> HealthChange {
        let at = Timestamp::from_millis(1_000);
        HealthChange {
            streak: Some(StreakChange::Follow(vec![StreakStep::Failure; count])),
            circuit: Some(CircuitChange::Follow(vec![
                CircuitStep {
                    answer: Answer::Failure("HTTP 500".into()),
                    probe: false,
                    test: false,
                    at,
                };
                count
            ])),
        }
    }

    /// With the breaker on, failed deliveries in a row never disable the webhook: its circuit
    /// opens instead.
    #[test]
    fn the_streak_disables_only_webhooks_whose_breaker_is_off() {
        let on = follow(&stored(None, 9), &failures(5), 10);
        assert_eq!(on.disabled, None);
        assert_eq!(on.transitions, [Transition::Opened]);
        assert_eq!(on.circuit.map(|c| c.state), Some(CircuitState::Open));

        let off = Breaker {
            enabled: false,
            ..Breaker::default()
        };
        let end = follow(&stored(Some(off), 9), &failures(1), 10);
        assert_eq!(
            end.disabled.map(|d| d.reason),
            Some(DisabledReason::Failing)
        );
        assert!(end.transitions.is_empty());
        assert_eq!(
            end.circuit, None,
            "a breaker that is off keeps its circuit closed"
        );
    }

    /// A batch of plain successes needs no read.
    #[test]
    fn resets_are_blind() {
        let change = HealthChange {
            streak: Some(StreakChange::Reset),
            circuit: Some(CircuitChange::Reset),
        };
        assert!(change.is_blind());
        assert!(!failures(1).is_blind());
    }
}
