//! The failure-streak rule, step by step: each test states one clause of it.

use super::*;
use crate::model::*;

const LIMIT: u32 = 3;

use StreakStep::{Failure, Gone, Reset};

fn active(streak: u32) -> StreakState {
    StreakState {
        streak,
        active: true,
    }
}

fn disabled_as(reason: DisabledReason, streak: u32) -> Option<Disabling> {
    Some(Disabling { reason, streak })
}

/// Failed deliveries add up; below the limit nothing is disabled.
#[test]
fn failures_add_up_below_the_limit() {
    let end = follow(active(0), &[Failure, Failure], LIMIT);
    assert_eq!(
        end,
        StreakEnd {
            streak: 2,
            disabled: None
        }
    );
}

/// The failure that brings the streak to the limit disables the webhook as failing, counting
/// the failures of earlier batches.
#[test]
fn reaching_the_limit_disables_the_webhook_as_failing() {
    let end = follow(active(2), &[Failure], LIMIT);
    assert_eq!(end.streak, 3);
    assert_eq!(end.disabled, disabled_as(DisabledReason::Failing, 3));
}

/// With a limit of 0 a webhook is never disabled for failing.
#[test]
fn a_limit_of_zero_never_disables() {
    let end = follow(active(1_000), &[Failure; 5], 0);
    assert_eq!(
        end,
        StreakEnd {
            streak: 1_005,
            disabled: None
        }
    );
}

/// A success sets the streak back to 0; failures after it count from there.
#[test]
fn a_success_resets_the_streak() {
    assert_eq!(follow(active(2), &[Reset], LIMIT).streak, 0);
    let end = follow(active(2), &[Reset, Failure, Failure], LIMIT);
    assert_eq!(
        end,
        StreakEnd {
            streak: 2,
            disabled: None
        }
    );
}

/// Failures in a row reach the limit even when a success follows in the same batch: the
/// webhook is disabled with the streak it had then, and the success still resets the streak.
#[test]
fn a_streak_reached_within_a_batch_disables_even_if_a_success_follows() {
    let end = follow(active(0), &[Failure, Failure, Failure, Reset], LIMIT);
    assert_eq!(end.streak, 0);
    assert_eq!(end.disabled, disabled_as(DisabledReason::Failing, 3));
}

/// The streak reported is the one that disabled the webhook; failures after that still count.
#[test]
fn failures_after_disabling_still_count() {
    let end = follow(active(2), &[Failure, Failure, Failure], LIMIT);
    assert_eq!(end.streak, 5);
    assert_eq!(end.disabled, disabled_as(DisabledReason::Failing, 3));
}

/// A 410 disables an active webhook at once as gone, with the streak as it stands; it does not
/// move the streak itself.
#[test]
fn gone_disables_at_once_and_keeps_the_streak() {
    let end = follow(active(1), &[Failure, Gone], LIMIT);
    assert_eq!(end.streak, 2);
    assert_eq!(end.disabled, disabled_as(DisabledReason::Gone, 2));
}

/// A webhook is disabled once, for whatever disabled it first.
#[test]
fn the_first_reason_to_disable_wins() {
    let gone_first = follow(active(2), &[Gone, Failure], LIMIT);
    assert_eq!(gone_first.disabled, disabled_as(DisabledReason::Gone, 2));
    assert_eq!(gone_first.streak, 3);
    let failing_first = follow(active(2), &[Failure, Gone], LIMIT);
    assert_eq!(
        failing_first.disabled,
        disabled_as(DisabledReason::Failing, 3)
    );
}

/// A webhook that is disabled already is not disabled again, but its streak still moves.
#[test]
fn an_inactive_webhook_is_not_disabled_again() {
    let inactive = StreakState {
        streak: 5,
        active: false,
    };
    let end = follow(inactive, &[Failure, Gone], LIMIT);
    assert_eq!(
        end,
        StreakEnd {
            streak: 6,
            disabled: None
        }
    );
}

fn outcome(webhook: &WebhookId, next: NextStep, counts_for_streak: bool) -> AttemptOutcome {
    AttemptOutcome {
        retry_after: None,
        overloaded: false,
        circuit: CircuitRole::Counted,
        attempt: Attempt {
            id: AttemptId::new(),
            delivery_id: DeliveryId::new(),
            webhook_id: webhook.clone(),
            event_id: EventId::new(),
            tenant: Tenant::default_tenant(),
            event_type: EventName::parse("order.created").unwrap(),
            attempt: 1,
            status: AttemptStatus::Failed,
            response_code: Some(500),
            response_body: None,
            error: None,
            duration_ms: 1,
            request_headers: Vec::new(),
            response_headers: Vec::new(),
            created_at: Timestamp::from_millis(0),
        },
        next,
        counts_for_streak,
        claim: ClaimId::of("node-a", 0),
    }
}

/// Only final outcomes of ordinary deliveries move the streak; a 410 counts even from a
/// one-off attempt.
#[test]
fn only_final_outcomes_of_ordinary_deliveries_take_a_step() {
    let webhook = WebhookId::new();
    let later = Timestamp::from_millis(1);
    let step = |next, counts| StreakStep::of(&outcome(&webhook, next, counts));
    assert_eq!(step(NextStep::Succeeded, true), Some(Reset));
    assert_eq!(step(NextStep::Failed, true), Some(Failure));
    assert_eq!(step(NextStep::Gone, true), Some(Gone));
    assert_eq!(step(NextStep::RetryAt(later), true), None);
    assert_eq!(step(NextStep::Succeeded, false), None);
    assert_eq!(step(NextStep::Failed, false), None);
    assert_eq!(step(NextStep::Gone, false), Some(Gone));
}

/// A batch's steps are grouped by webhook in order; a webhook with only successes needs no
/// read (its streak ends at 0), and one whose outcomes take no step is left alone.
#[test]
fn a_batch_is_grouped_by_webhook_in_order() {
    let (a, b, c) = (WebhookId::new(), WebhookId::new(), WebhookId::new());
    let later = Timestamp::from_millis(1);
    let batch = [
        outcome(&a, NextStep::Failed, true),
        outcome(&b, NextStep::Succeeded, true),
        outcome(&a, NextStep::Succeeded, true),
        outcome(&c, NextStep::RetryAt(later), true),
        outcome(&b, NextStep::Succeeded, true),
        outcome(&a, NextStep::Gone, false),
    ];
    let changes = streak_changes(&batch);
    assert_eq!(changes.len(), 2);
    assert_eq!(
        changes[&a],
        StreakChange::Follow(vec![Failure, Reset, Gone])
    );
    assert_eq!(changes[&b], StreakChange::Reset);
    let ids: Vec<&WebhookId> = changes.keys().collect();
    let mut sorted = ids.clone();
    sorted.sort();
    assert_eq!(ids, sorted, "webhooks come in id order");
}
