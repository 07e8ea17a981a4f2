//! The failure-streak part of the `Store` contract: a batch of outcomes moves a webhook's
//! streak in order, and disables it, the same on both backends (the rule is
//! `store::rules::streak`; these check that each backend's SQL applies it).

use super::{claim_now, due_deliveries_to, succeeded, webhook};
use hookd::model::*;
use hookd::store::{DynStore, WebhookNews};
use std::time::Duration;

/// `count` claimed deliveries to one webhook, and their outcomes (each a success until changed).
/// Its breaker is off: the streak disables only such webhooks.
async fn outcomes(store: &DynStore, count: usize) -> (Webhook, Vec<AttemptOutcome>) {
    let without_breaker = Webhook {
        breaker: Some(Breaker {
            enabled: false,
            ..Breaker::default()
        }),
        ..webhook(1000)
    };
    let target = due_deliveries_to(store, without_breaker, count).await;
    let jobs = claim_now(store, "a/0", Duration::from_secs(30), count).await;
    (target, jobs.iter().map(succeeded).collect())
}

fn ends(outcome: &mut AttemptOutcome, next: NextStep) {
    outcome.next = next;
    outcome.attempt.status = AttemptStatus::Failed;
}

/// Failures in a row that reach the limit disable the webhook as failing, with the streak they
/// reached, even when a success follows in the same batch; the success still resets the
/// stored streak.
pub async fn a_streak_reached_within_a_batch_disables_even_if_a_success_follows(store: DynStore) {
    let (target, mut batch) = outcomes(&store, 4).await;
    for outcome in &mut batch[..3] {
        ends(outcome, NextStep::Failed);
    }
    let news = store.record_outcomes(batch.into(), 3).await.unwrap().news;
    let disabled: Vec<_> = news.iter().filter_map(WebhookNews::disabled).collect();
    assert_eq!(disabled.len(), 1);
    assert_eq!(
        (disabled[0].reason, disabled[0].failure_streak),
        (DisabledReason::Failing, 3)
    );
    let stored = store.get_webhook(&Scope::All, &target.id).await.unwrap();
    let stored = stored.expect("the webhook is kept");
    assert_eq!(
        (stored.active, stored.disabled_reason, stored.failure_streak),
        (false, Some(DisabledReason::Failing), 0)
    );
}

/// A 410 disables the webhook at once as gone, with the streak as it stands; failures before
/// and after it in the batch still count.
pub async fn gone_disables_with_the_streak_as_it_stands(store: DynStore) {
    let (target, mut batch) = outcomes(&store, 3).await;
    ends(&mut batch[0], NextStep::Failed);
    ends(&mut batch[1], NextStep::Gone);
    ends(&mut batch[2], NextStep::Failed);
    let news = store.record_outcomes(batch.into(), 10).await.unwrap().news;
    let disabled: Vec<_> = news.iter().filter_map(WebhookNews::disabled).collect();
    assert_eq!(disabled.len(), 1);
    assert_eq!(
        (disabled[0].reason, disabled[0].failure_streak),
        (DisabledReason::Gone, 1)
    );
    let stored = store.get_webhook(&Scope::All, &target.id).await.unwrap();
    let stored = stored.expect("the webhook is kept");
    assert_eq!(
        (stored.active, stored.disabled_reason, stored.failure_streak),
        (false, Some(DisabledReason::Gone), 2)
    );
}
