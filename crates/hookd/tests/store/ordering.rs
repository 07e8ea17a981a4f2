//! The ordering part of the `Store` contract, on both backends: a delivery with an order key
//! waits, unclaimable, while an earlier one of its webhook and key is pending; the outcome that
//! finishes that one (success or final failure) makes the next due; other keys and unordered
//! deliveries never wait; enabling a webhook leaves waiting deliveries waiting.

use super::{claim, claim_now, event, succeeded, webhook};
use hookd::model::*;
use hookd::store::{Activation, DynStore, Recorded};
use std::sync::Arc;
use std::time::Duration;

/// An event for `target` whose delivery has order key `key` (none: unordered).
fn keyed(target: &Webhook, key: Option<&str>, claimed: bool) -> NewEvent {
    let mut new = event(&[target], claimed, None);
    new.deliveries[0].order_key = key.map(|k| OrderKey::from_trusted(k.to_owned()));
    new
}

fn delivery_of(event: &NewEvent) -> DeliveryId {
    event.deliveries[0].id.clone()
}

async fn store_events(store: &DynStore, events: Vec<NewEvent>) -> Vec<InsertedEvent> {
    store
        .insert_events(&claim("publisher", Duration::from_secs(30)), events)
        .await
        .unwrap()
}

/// Claims what is due now and answers the claimed deliveries' ids, sorted.
async fn claimable(store: &DynStore) -> (Vec<DeliveryId>, Vec<DeliveryJob>) {
    let jobs = claim_now(store, "scanner/0", Duration::from_secs(30), 100).await;
    let mut ids: Vec<DeliveryId> = jobs.iter().map(|j| j.delivery_id.clone()).collect();
    ids.sort();
    (ids, jobs)
}

fn sorted(mut ids: Vec<DeliveryId>) -> Vec<DeliveryId> {
    ids.sort();
    ids
}

async fn record(store: &DynStore, outcome: AttemptOutcome) -> Recorded {
    store
        .record_outcomes(Arc::from([outcome]), 100)
        .await
        .unwrap()
}

fn ending(job: &DeliveryJob, next: NextStep) -> AttemptOutcome {
    let mut outcome = succeeded(job);
    if next != NextStep::Succeeded {
        outcome.attempt.status = AttemptStatus::Failed;
        outcome.attempt.response_code = Some(500);
    }
    outcome.next = next;
    outcome
}

async fn stored_delivery(store: &DynStore, id: &DeliveryId) -> Delivery {
    store
        .get_delivery(&Scope::All, id)
        .await
        .unwrap()
        .expect("stored")
}

/// The second delivery of a key is stored waiting, reported as such (publish does not hand it
/// to the engine), unclaimed and not due, even when publish had memory for it; the head and
/// other keys go as usual.
pub async fn a_keys_later_delivery_waits_and_is_not_claimable(store: DynStore) {
    let target = webhook(1000);
    store.insert_webhook(&target).await.unwrap();
    let (a1, a2, b1) = (
        keyed(&target, Some("a"), true),
        keyed(&target, Some("a"), true),
        keyed(&target, Some("b"), false),
    );
    let (a2_id, b1_id) = (delivery_of(&a2), delivery_of(&b1));
    let inserted = store_events(&store, vec![a1, a2, b1]).await;
    let waiting: Vec<Vec<DeliveryId>> = inserted
        .into_iter()
        .map(|i| match i {
            InsertedEvent::Created { waiting, .. } => waiting,
            InsertedEvent::Duplicate(_) => panic!("not a duplicate"),
        })
        .collect();
    assert_eq!(waiting, vec![vec![], vec![a2_id.clone()], vec![]]);
    let (claimed, _) = claimable(&store).await;
    assert_eq!(claimed, vec![b1_id], "a1 is the publisher's; a2 waits");
    let a2 = stored_delivery(&store, &a2_id).await;
    assert_eq!(
        (a2.status, a2.next_attempt_at),
        (DeliveryStatus::Pending, None)
    );
    // A later publish of the key also waits behind both.
    let a3 = keyed(&target, Some("a"), false);
    let a3_id = delivery_of(&a3);
    store_events(&store, vec![a3]).await;
    assert!(claimable(&store).await.0.is_empty());
    assert_eq!(stored_delivery(&store, &a3_id).await.next_attempt_at, None);
}

/// The head's success makes the next of its key due, and so does its final failure; a retry
/// does not (the head keeps its turn), and nothing waits once the line is empty.
pub async fn a_heads_success_or_final_failure_makes_the_next_due(store: DynStore) {
    let target = webhook(1000);
    store.insert_webhook(&target).await.unwrap();
    let (a1, a2) = (
        keyed(&target, Some("a"), false),
        keyed(&target, Some("a"), false),
    );
    let (a1_id, a2_id) = (delivery_of(&a1), delivery_of(&a2));
    store_events(&store, vec![a1, a2]).await;
    let a3 = keyed(&target, Some("a"), false);
    let a3_id = delivery_of(&a3);
    store_events(&store, vec![a3]).await;

    let (claimed, jobs) = claimable(&store).await;
    assert_eq!(claimed, vec![a1_id]);
    assert_eq!(
        record(&store, ending(&jobs[0], NextStep::Succeeded))
            .await
            .released,
        1
    );

    let (claimed, jobs) = claimable(&store).await;
    assert_eq!(claimed, vec![a2_id.clone()], "a2 goes after a1 succeeded");
    let retry = NextStep::RetryAt(Timestamp::now().minus(Duration::from_secs(1)));
    assert_eq!(record(&store, ending(&jobs[0], retry)).await.released, 0);
    let (claimed, jobs) = claimable(&store).await;
    assert_eq!(claimed, vec![a2_id], "a2's retry, and still not a3");
    assert_eq!(
        record(&store, ending(&jobs[0], NextStep::Failed))
            .await
            .released,
        1
    );

    let (claimed, jobs) = claimable(&store).await;
    assert_eq!(claimed, vec![a3_id], "a3 goes after a2 failed for good");
    assert_eq!(
        record(&store, ending(&jobs[0], NextStep::Succeeded))
            .await
            .released,
        0
    );
    // With the line empty, the next of the key is its head again: due at once.
    let a4 = keyed(&target, Some("a"), false);
    let a4_id = delivery_of(&a4);
    store_events(&store, vec![a4]).await;
    assert_eq!(claimable(&store).await.0, vec![a4_id]);
}

/// A key whose head keeps failing holds up only its own line: other keys, the same key of
/// another webhook, and unordered deliveries go on.
pub async fn a_failing_head_holds_up_only_its_own_key(store: DynStore) {
    let (target, other) = (webhook(1000), webhook(1000));
    store.insert_webhook(&target).await.unwrap();
    store.insert_webhook(&other).await.unwrap();
    let events = vec![
        keyed(&target, Some("a"), false),
        keyed(&target, Some("a"), false),
        keyed(&target, Some("b"), false),
        keyed(&target, Some("b"), false),
        keyed(&target, None, false),
        keyed(&other, Some("a"), false),
    ];
    let ids: Vec<DeliveryId> = events.iter().map(delivery_of).collect();
    store_events(&store, events).await;
    let (claimed, jobs) = claimable(&store).await;
    assert_eq!(
        claimed,
        sorted(vec![
            ids[0].clone(),
            ids[2].clone(),
            ids[4].clone(),
            ids[5].clone()
        ])
    );
    let job = |id: &DeliveryId| jobs.iter().find(|j| &j.delivery_id == id).unwrap();
    let later = NextStep::RetryAt(Timestamp::now().plus(Duration::from_secs(3600)));
    let batch: Vec<AttemptOutcome> = vec![
        ending(job(&ids[0]), later),
        ending(job(&ids[2]), NextStep::Succeeded),
    ];
    let recorded = store.record_outcomes(batch.into(), 100).await.unwrap();
    assert_eq!(recorded.released, 1);
    assert_eq!(
        claimable(&store).await.0,
        vec![ids[3].clone()],
        "b2, not a2"
    );
    assert_eq!(stored_delivery(&store, &ids[1]).await.next_attempt_at, None);
}

/// Enabling a disabled webhook resumes its paused deliveries but not those waiting for their
/// key's turn; a delivery whose turn came while the webhook was disabled is paused, and goes
/// when it is enabled.
pub async fn enabling_a_webhook_leaves_waiting_deliveries_waiting(store: DynStore) {
    let target = webhook(1000);
    store.insert_webhook(&target).await.unwrap();
    let events = vec![
        keyed(&target, Some("a"), false),
        keyed(&target, Some("a"), false),
        keyed(&target, Some("a"), false),
    ];
    let ids: Vec<DeliveryId> = events.iter().map(delivery_of).collect();
    store_events(&store, events).await;
    let toggle = |change| {
        let store = store.clone();
        let id = target.id.clone();
        async move {
            store
                .set_webhook_active(&Scope::All, &id, change)
                .await
                .unwrap()
                .expect("the webhook exists");
        }
    };
    toggle(Activation::Disable(DisabledReason::Manual)).await;
    toggle(Activation::Enable).await;
    let (claimed, jobs) = claimable(&store).await;
    assert_eq!(claimed, vec![ids[0].clone()], "the head only");
    for waiting in &ids[1..] {
        assert_eq!(stored_delivery(&store, waiting).await.next_attempt_at, None);
    }
    // The head finishes while the webhook is disabled: the next is paused, not due...
    toggle(Activation::Disable(DisabledReason::Manual)).await;
    let recorded = record(&store, ending(&jobs[0], NextStep::Succeeded)).await;
    assert_eq!(recorded.released, 0, "paused, not due");
    assert!(claimable(&store).await.0.is_empty());
    // ... and enabling resumes it, while the third still waits for it.
    toggle(Activation::Enable).await;
    assert_eq!(claimable(&store).await.0, vec![ids[1].clone()]);
    assert_eq!(stored_delivery(&store, &ids[2]).await.next_attempt_at, None);
}
