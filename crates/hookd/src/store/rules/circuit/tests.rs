//! The circuit rule, step by step: when it opens, what resets it, what it ignores while open,
//! and what a probe does.

use super::*;
use std::time::Duration;

const NOW: Timestamp = Timestamp::from_millis(1_800_000_000_000);

fn breaker(failures: u32) -> Breaker {
    Breaker {
        failures,
        cooldown: Duration::from_secs(30),
        max_cooldown: Duration::from_secs(100),
        disable_after: Some(Duration::from_secs(3600)),
        ..Breaker::default()
    }
}

fn failure(code: u16) -> CircuitStep {
    CircuitStep {
        answer: Answer::Failure(format!("HTTP {code}")),
        probe: false,
        test: false,
        at: NOW,
    }
}

fn success() -> CircuitStep {
    CircuitStep {
        answer: Answer::Success,
        probe: false,
        test: false,
        at: NOW,
    }
}

/// A probe answered at `at`.
fn probe(answer: Answer, at: Timestamp) -> CircuitStep {
    CircuitStep {
        answer,
        probe: true,
        test: false,
        at,
    }
}

/// A circuit open since `opened_at`, waiting `cooldown`.
fn open_since(opened_at: Timestamp, cooldown: u64) -> Circuit {
    Circuit {
        state: CircuitState::HalfOpen,
        failures: 3,
        opened_at: Some(opened_at),
        next_probe_at: Some(opened_at.plus(Duration::from_secs(cooldown))),
        reason: Some("HTTP 500".into()),
        cooldown: Some(Duration::from_secs(cooldown)),
        probe: None,
    }
}

/// The `failures`-th failure in a row opens the circuit, with the first cooldown and the
/// failure's reason; the ones before it only count.
#[test]
fn the_circuit_opens_at_the_threshold() {
    let two = follow(
        &Circuit::default(),
        &breaker(3),
        &[failure(500), failure(500)],
    );
    assert_eq!(two.circuit.state, CircuitState::Closed);
    assert_eq!(two.circuit.failures, 2);
    assert!(two.transitions.is_empty());

    let three = follow(&two.circuit, &breaker(3), &[failure(503)]);
    assert_eq!(three.transitions, [Transition::Opened]);
    assert_eq!(three.circuit.state, CircuitState::Open);
    assert_eq!(three.circuit.opened_at, Some(NOW));
    assert_eq!(
        three.circuit.next_probe_at,
        Some(NOW.plus(Duration::from_secs(30)))
    );
    assert_eq!(three.circuit.reason.as_deref(), Some("HTTP 503"));
}

/// A success sets the count back to 0, so failures must come in a row; a 429 counts neither
/// way.
#[test]
fn successes_reset_the_count_and_429_is_neutral() {
    let steps = [
        failure(500),
        failure(500),
        success(),
        failure(500),
        CircuitStep {
            answer: Answer::Neutral,
            probe: false,
            test: false,
            at: NOW,
        },
        failure(500),
    ];
    let end = follow(&Circuit::default(), &breaker(3), &steps);
    assert_eq!(end.circuit.state, CircuitState::Closed);
    assert_eq!(end.circuit.failures, 2);
    assert!(end.transitions.is_empty());
}

/// Attempts that were running when the circuit opened change nothing, successes included.
#[test]
fn stragglers_are_ignored_while_open() {
    let steps = [failure(500), failure(500), success(), failure(500)];
    let end = follow(&Circuit::default(), &breaker(2), &steps);
    assert_eq!(end.transitions, [Transition::Opened]);
    assert_eq!(end.circuit.state, CircuitState::Open);
    assert_eq!(end.circuit.failures, 2);
}

/// A successful probe closes the circuit and forgets the outage.
#[test]
fn a_successful_probe_closes_the_circuit() {
    let end = follow(
        &open_since(NOW, 30),
        &breaker(3),
        &[probe(Answer::Success, NOW.plus(Duration::from_secs(30)))],
    );
    assert_eq!(end.transitions, [Transition::Closed]);
    assert_eq!(end.circuit, Circuit::default());
}

/// A failed probe opens the circuit again for twice the cooldown, never above the cap.
#[test]
fn a_failed_probe_doubles_the_cooldown_up_to_the_cap() {
    let later = NOW.plus(Duration::from_secs(30));
    let once = follow(
        &open_since(NOW, 30),
        &breaker(3),
        &[probe(Answer::Failure("timed out".into()), later)],
    );
    assert_eq!(once.transitions, [Transition::Reopened]);
    assert_eq!(once.circuit.state, CircuitState::Open);
    assert_eq!(once.circuit.cooldown, Some(Duration::from_secs(60)));
    assert_eq!(
        once.circuit.next_probe_at,
        Some(later.plus(Duration::from_secs(60)))
    );
    assert_eq!(once.circuit.opened_at, Some(NOW), "still open since then");
    assert_eq!(once.circuit.reason.as_deref(), Some("timed out"));

    let twice = follow(
        &once.circuit,
        &breaker(3),
        &[probe(Answer::Failure("HTTP 500".into()), later)],
    );
    assert_eq!(
        twice.circuit.cooldown,
        Some(Duration::from_secs(100)),
        "capped at max_cooldown"
    );
}

/// A probe that fails once the circuit has been open for `disable_after` disables the webhook
/// instead of waiting again; without `disable_after` it never does.
#[test]
fn a_circuit_open_too_long_disables_the_webhook() {
    let late = NOW.plus(Duration::from_secs(3600));
    let failed_at = |at| [probe(Answer::Failure("HTTP 500".into()), at)];
    let end = follow(&open_since(NOW, 30), &breaker(3), &failed_at(late));
    assert_eq!(end.transitions, [Transition::DisabledOpenTooLong]);

    let early = follow(
        &open_since(NOW, 30),
        &breaker(3),
        &failed_at(late.minus(Duration::from_secs(1))),
    );
    assert_eq!(early.transitions, [Transition::Reopened]);

    let never = Breaker {
        disable_after: None,
        ..breaker(3)
    };
    let much_later = late.plus(Duration::from_secs(86_400));
    let end = follow(&open_since(NOW, 30), &never, &failed_at(much_later));
    assert_eq!(end.transitions, [Transition::Reopened]);
}

/// A breaker that is off moves nothing.
#[test]
fn a_breaker_that_is_off_changes_nothing() {
    let off = Breaker {
        enabled: false,
        ..breaker(1)
    };
    let end = follow(&Circuit::default(), &off, &[failure(500), failure(500)]);
    assert_eq!(end.circuit, Circuit::default());
    assert!(end.transitions.is_empty());
}

/// Plain successes are written blind; a failure or a probe asks for the stored circuit.
#[test]
fn only_failures_and_probes_need_the_stored_circuit() {
    let webhook = WebhookId::new();
    let outcome = |code: u16, circuit: CircuitRole| AttemptOutcome {
        attempt: crate::model::Attempt {
            id: crate::model::AttemptId::new(),
            delivery_id: crate::model::DeliveryId::new(),
            webhook_id: webhook.clone(),
            event_id: crate::model::EventId::new(),
            tenant: crate::model::Tenant::default_tenant(),
            event_type: crate::model::EventName::parse("a.b").unwrap(),
            attempt: 1,
            status: crate::model::AttemptStatus::Succeeded,
            response_code: Some(code),
            response_body: None,
            error: None,
            duration_ms: 1,
            request_headers: Vec::new(),
            response_headers: Vec::new(),
            created_at: NOW,
        },
        next: crate::model::NextStep::Succeeded,
        counts_for_streak: true,
        retry_after: None,
        overloaded: false,
        claim: crate::model::ClaimId::of("node-a", 0),
        circuit,
    };
    let plain = [
        outcome(200, CircuitRole::Counted),
        outcome(204, CircuitRole::Counted),
    ];
    assert_eq!(
        circuit_changes(&plain).get(&webhook),
        Some(&CircuitChange::Reset)
    );
    let probed = [outcome(200, CircuitRole::Probe)];
    assert!(matches!(
        circuit_changes(&probed).get(&webhook),
        Some(CircuitChange::Follow(_))
    ));
    let tests_only = [outcome(500, CircuitRole::Test)];
    assert!(circuit_changes(&tests_only).is_empty());
    let test_passed = [outcome(200, CircuitRole::Test)];
    assert!(matches!(
        circuit_changes(&test_passed).get(&webhook),
        Some(CircuitChange::Follow(_))
    ));
}

/// A successful test, as `CircuitStep::of` makes it.
fn passed_test(at: Timestamp) -> CircuitStep {
    CircuitStep {
        test: true,
        ..probe(Answer::Success, at)
    }
}

#[test]
fn a_successful_test_closes_an_open_circuit_and_leaves_a_closed_one_alone() {
    let opened = Timestamp::from_millis(1_000_000);
    let end = follow(
        &open_since(opened, 30_000),
        &breaker(3),
        &[passed_test(opened.plus(Duration::from_secs(5)))],
    );
    assert_eq!(end.circuit, Circuit::default());
    assert_eq!(end.transitions, vec![Transition::Closed]);

    let end = follow(
        &Circuit::default(),
        &breaker(3),
        &[failure(500), failure(500), passed_test(NOW)],
    );
    assert_eq!(
        end.circuit.failures, 2,
        "a test counts nothing while closed"
    );
    assert!(end.transitions.is_empty());
}
