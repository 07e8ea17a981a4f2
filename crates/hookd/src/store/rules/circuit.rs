//! The circuit breaker: how a batch of attempt outcomes moves a webhook's circuit.
//!
//! Which attempts count: those the dispatcher makes, and a `POST /test` that succeeds while the
//! circuit is open or half open (it closes it as a probe would; a failed test, or one while
//! the circuit is closed, counts nothing). A 2xx is a
//! success; a 429 counts neither way (`Retry-After` and adaptive concurrency handle it), nor
//! does a 410 (it disables the webhook, `streak`'s rule); any other answer, a timeout or a
//! connection error is a failure.
//!
//! A batch is followed in order, for each webhook whose breaker is on:
//! - closed: a success sets the failures in a row back to 0, a failure adds one; when they
//!   reach the breaker's `failures`, the circuit opens (`Opened`) for `cooldown`;
//! - open or half open: attempts that were already running when it opened change nothing;
//!   only the probe's outcome counts. A successful probe closes it (`Closed`); a failed one
//!   opens it again for twice the cooldown, up to `max_cooldown` (`Reopened`), unless it has
//!   been open for `disable_after`: then the webhook is disabled as failing
//!   (`DisabledOpenTooLong`). A probe answered 429 leaves it open for the same cooldown.

use crate::model::{
    AttemptOutcome, Breaker, Circuit, CircuitRole, CircuitState, MAX_CIRCUIT_REASON, Timestamp,
    WebhookId,
};
use std::collections::BTreeMap;

/// What an attempt's answer is to a breaker.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    Success,
    /// With a short reason: `HTTP 500`, `timed out`, ...
    Failure(String),
    /// A 429 or a 410: neither.
    Neutral,
}

/// One counted attempt of a batch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CircuitStep {
    pub answer: Answer,
    /// The probe of an open circuit.
    pub probe: bool,
    /// A successful test a person asked for (a probe too): it closes an open circuit and
    /// changes nothing on a closed one.
    pub test: bool,
    /// When the answer came (the attempt's start plus its duration, on the engine's clock):
    /// the circuit's times count from here.
    pub at: Timestamp,
}

impl CircuitStep {
    /// The step an outcome takes, if it counts at all.
    pub fn of(outcome: &AttemptOutcome) -> Option<Self> {
        let attempt = &outcome.attempt;
        let probe = match outcome.circuit {
            CircuitRole::Test if matches!(attempt.response_code, Some(200..=299)) => {
                return Some(Self {
                    answer: Answer::Success,
                    probe: true,
                    test: true,
                    at: answered_at(attempt),
                });
            }
            CircuitRole::Test => return None,
            CircuitRole::Counted => false,
            CircuitRole::Probe => true,
        };
        let answer = match attempt.response_code {
            Some(200..=299) => Answer::Success,
            Some(429 | 410) => Answer::Neutral,
            Some(code) => Answer::Failure(format!("HTTP {code}")),
            None => Answer::Failure(failure_reason(attempt.error.as_deref())),
        };
        Some(Self {
            answer,
            probe,
            test: false,
            at: answered_at(attempt),
        })
    }

    fn is_plain_success(&self) -> bool {
        self.answer == Answer::Success && !self.probe
    }
}

/// When an attempt's answer came: its start plus its duration, on the engine's clock.
fn answered_at(attempt: &crate::model::Attempt) -> Timestamp {
    attempt
        .created_at
        .plus(std::time::Duration::from_millis(u64::from(
            attempt.duration_ms,
        )))
}

/// The reason of an attempt that got no answer: `timed out`, or its error, cut short.
fn failure_reason(error: Option<&str>) -> String {
    match error {
        Some(error) if error.starts_with("timed out") => "timed out".to_owned(),
        Some(error) => error.chars().take(MAX_CIRCUIT_REASON).collect(),
        None => "no answer".to_owned(),
    }
}

/// What a batch does to one webhook's circuit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CircuitChange {
    /// Only plain successes: the failures in a row end at 0, and a circuit that is open stays
    /// so. The backend writes 0 without reading the row (nothing when it is 0 already).
    Reset,
    /// A failure or a probe among them: the backend reads the circuit and the breaker, follows
    /// these steps from there (`follow`), and writes the result.
    Follow(Vec<CircuitStep>),
}

/// The circuit changes of a batch, by webhook, in id order. Webhooks whose outcomes don't
/// count are left out.
pub fn circuit_changes(outcomes: &[AttemptOutcome]) -> BTreeMap<WebhookId, CircuitChange> {
    let mut steps: BTreeMap<WebhookId, Vec<CircuitStep>> = BTreeMap::new();
    for outcome in outcomes {
        if let Some(step) = CircuitStep::of(outcome) {
            steps
                .entry(outcome.attempt.webhook_id.clone())
                .or_default()
                .push(step);
        }
    }
    steps
        .into_iter()
        .map(|(webhook, steps)| {
            let change = if steps.iter().all(CircuitStep::is_plain_success) {
                CircuitChange::Reset
            } else {
                CircuitChange::Follow(steps)
            };
            (webhook, change)
        })
        .collect()
}

/// How a circuit moved.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transition {
    /// Closed to open: `failures` attempts in a row failed.
    Opened,
    /// A probe succeeded.
    Closed,
    /// A probe failed: open again, for a longer cooldown.
    Reopened,
    /// A probe failed after the circuit had been open for `disable_after`: the webhook is to be
    /// disabled as failing.
    DisabledOpenTooLong,
}

/// Where a batch leaves a circuit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CircuitEnd {
    pub circuit: Circuit,
    /// In the order they happened.
    pub transitions: Vec<Transition>,
}

/// Follows `steps` from the stored `start` under `breaker` (the rule in the module's header),
/// each at its own time. A breaker that is off changes nothing.
pub fn follow(start: &Circuit, breaker: &Breaker, steps: &[CircuitStep]) -> CircuitEnd {
    let mut circuit = start.clone();
    let mut transitions = Vec::new();
    if !breaker.enabled {
        return CircuitEnd {
            circuit,
            transitions,
        };
    }
    for step in steps {
        let now = step.at;
        if circuit.state == CircuitState::Closed {
            if step.test {
                continue;
            }
            match &step.answer {
                Answer::Success => circuit.failures = 0,
                Answer::Neutral => {}
                Answer::Failure(reason) => {
                    circuit.failures = circuit.failures.saturating_add(1);
                    if circuit.failures >= breaker.failures {
                        circuit = Circuit {
                            state: CircuitState::Open,
                            failures: circuit.failures,
                            opened_at: Some(now),
                            next_probe_at: Some(now.plus(breaker.cooldown)),
                            reason: Some(reason.clone()),
                            cooldown: Some(breaker.cooldown),
                            probe: None,
                        };
                        transitions.push(Transition::Opened);
                    }
                }
            }
            continue;
        }
        if !step.probe {
            // An attempt that was running when the circuit opened.
            continue;
        }
        let cooldown = circuit.cooldown.unwrap_or(breaker.cooldown);
        match &step.answer {
            Answer::Success => {
                circuit = Circuit::default();
                transitions.push(Transition::Closed);
            }
            Answer::Neutral => {
                circuit.state = CircuitState::Open;
                circuit.next_probe_at = Some(now.plus(cooldown));
                circuit.probe = None;
            }
            Answer::Failure(reason) => {
                let opened_at = circuit.opened_at.unwrap_or(now);
                circuit.state = CircuitState::Open;
                circuit.probe = None;
                circuit.reason = Some(reason.clone());
                circuit.opened_at = Some(opened_at);
                if breaker
                    .disable_after
                    .is_some_and(|limit| now.since(opened_at) >= limit)
                {
                    circuit.next_probe_at = None;
                    transitions.push(Transition::DisabledOpenTooLong);
                } else {
                    let longer = cooldown.saturating_mul(2).min(breaker.max_cooldown);
                    circuit.cooldown = Some(longer);
                    circuit.next_probe_at = Some(now.plus(longer));
                    transitions.push(Transition::Reopened);
                }
            }
        }
    }
    CircuitEnd {
        circuit,
        transitions,
    }
}

#[cfg(test)]
mod tests;
