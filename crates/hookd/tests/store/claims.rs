//! The claims part of the `Store` contract, what several nodes rely on: a delivery is claimed by
//! one claim at a time, leases are renewed only by their holder and taken over once they run
//! out, and an outcome or a release under a claim that was lost changes nothing.

use super::{claim, claim_now, due_deliveries, succeeded};
use hookd::model::*;
use hookd::store::DynStore;
use std::sync::Arc;
use std::time::Duration;

pub async fn claimed_deliveries_are_not_claimed_again(store: DynStore) {
    due_deliveries(&store, 5, 1000).await;
    let lease = Duration::from_secs(30);
    let first = claim_now(&store, "a/0", lease, 3).await;
    let rest = claim_now(&store, "b/0", lease, 10).await;
    assert_eq!((first.len(), rest.len()), (3, 2));
    let again = claim_now(&store, "c/0", lease, 10).await;
    assert!(again.is_empty(), "held deliveries are not handed out twice");
    assert!(rest.iter().all(|job| &*job.claim == "b/0"));
    assert!(first.iter().all(|job| !job.payload.is_empty()));
}

pub async fn concurrent_claims_never_share_a_delivery(store: DynStore) {
    due_deliveries(&store, 300, 1000).await;
    let claimers = (0..6).map(|n| {
        let store = store.clone();
        tokio::spawn(async move {
            let mut mine = Vec::new();
            loop {
                let jobs = store
                    .claim_due(
                        &claim(&format!("node-{n}/0"), Duration::from_secs(30)),
                        Timestamp::now(),
                        7,
                        &[],
                    )
                    .await
                    .unwrap();
                if jobs.is_empty() {
                    return mine;
                }
                mine.extend(jobs.into_iter().map(|job| job.delivery_id));
            }
        })
    });
    let mut all = Vec::new();
    for claimer in claimers {
        all.extend(claimer.await.unwrap());
    }
    let total = all.len();
    all.sort_by(|a, b| a.as_str().cmp(b.as_str()));
    all.dedup();
    assert_eq!((total, all.len()), (300, 300), "each claimed exactly once");
}

pub async fn renewal_extends_only_the_claims_own_leases(store: DynStore) {
    due_deliveries(&store, 4, 1000).await;
    let short = Duration::from_millis(200);
    claim_now(&store, "a/0", short, 2).await;
    claim_now(&store, "b/0", short, 2).await;
    let renewed = store
        .renew_claims(
            &claim("a/0", Duration::from_secs(60)),
            Timestamp::now().plus(Duration::from_secs(30)),
        )
        .await
        .unwrap();
    assert_eq!(renewed, 2);
    tokio::time::sleep(Duration::from_millis(1500)).await;
    // b's leases ran out 1.3 s ago, more than the 1 s timeout; a's were renewed.
    let taken_over = store
        .reclaim_expired(Timestamp::now(), Duration::ZERO, 100)
        .await
        .unwrap();
    assert_eq!(taken_over, 2, "only the unrenewed leases are taken over");
}

pub async fn expired_leases_are_taken_over_after_the_webhook_timeout(store: DynStore) {
    due_deliveries(&store, 1, 2000).await;
    let held = claim_now(&store, "dead/0", Duration::from_millis(100), 1).await;
    assert_eq!(held.len(), 1);
    tokio::time::sleep(Duration::from_millis(600)).await;
    let early = store
        .reclaim_expired(Timestamp::now(), Duration::ZERO, 100)
        .await
        .unwrap();
    assert_eq!(
        early, 0,
        "an attempt started before the lease ran out may still be running"
    );
    tokio::time::sleep(Duration::from_millis(2000)).await;
    let taken = store
        .reclaim_expired(Timestamp::now(), Duration::ZERO, 100)
        .await
        .unwrap();
    assert_eq!(taken, 1);
    let again = claim_now(&store, "alive/0", Duration::from_secs(30), 10).await;
    assert_eq!(again.len(), 1);
    assert_eq!(again[0].delivery_id, held[0].delivery_id);
}

pub async fn an_outcome_under_a_lost_claim_is_logged_but_moves_nothing(store: DynStore) {
    due_deliveries(&store, 1, 100).await;
    let lost = claim_now(&store, "lost/0", Duration::from_millis(50), 1)
        .await
        .remove(0);
    tokio::time::sleep(Duration::from_millis(300)).await;
    store
        .reclaim_expired(Timestamp::now(), Duration::ZERO, 10)
        .await
        .unwrap();
    let current = claim_now(&store, "current/0", Duration::from_secs(30), 1)
        .await
        .remove(0);
    store
        .record_outcomes(Arc::from([succeeded(&lost)]), 10)
        .await
        .unwrap();
    let delivery = store
        .get_delivery(&Scope::All, &lost.delivery_id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        delivery.status,
        DeliveryStatus::Pending,
        "still the current claim's"
    );
    assert_eq!(
        store
            .attempts_of_delivery(&lost.delivery_id)
            .await
            .unwrap()
            .len(),
        1,
        "the attempt itself is logged"
    );
    store
        .record_outcomes(Arc::from([succeeded(&current)]), 10)
        .await
        .unwrap();
    let delivery = store
        .get_delivery(&Scope::All, &lost.delivery_id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(delivery.status, DeliveryStatus::Succeeded);
}

pub async fn only_the_holder_releases(store: DynStore) {
    due_deliveries(&store, 1, 1000).await;
    let job = claim_now(&store, "holder/0", Duration::from_secs(30), 1)
        .await
        .remove(0);
    store
        .release("someone-else/0", std::slice::from_ref(&job.delivery_id))
        .await
        .unwrap();
    let nothing = claim_now(&store, "x/0", Duration::from_secs(30), 1).await;
    assert!(nothing.is_empty(), "a stranger's release changes nothing");
    store
        .release("holder/0", std::slice::from_ref(&job.delivery_id))
        .await
        .unwrap();
    let again = claim_now(&store, "x/0", Duration::from_secs(30), 1).await;
    assert_eq!(again.len(), 1);
}
