//! The `Store` contract, checked on both backends: every test here runs once on a SQLite file
//! and once on a PostgreSQL database of its own. The HTTP suite covers the queries through the
//! API; this file pins down what several nodes rely on (claims, leases, takeover, idempotency,
//! first-writer-wins settings) at the storage level.

mod common;

use hookd::model::*;
use hookd::store::postgres::PostgresStore;
use hookd::store::sqlite::SqliteStore;
use hookd::store::{AttemptQuery, Claim, DynStore, Page, StoreError};
use std::sync::Arc;
use std::time::Duration;

/// A store of each kind, with what keeps it alive.
struct Fixture {
    store: DynStore,
    _dir: tempfile::TempDir,
    database: Option<common::postgres::TestDatabase>,
}

async fn sqlite() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(&dir.path().join("store.db"), None).unwrap();
    Fixture {
        store: Arc::new(store),
        _dir: dir,
        database: None,
    }
}

async fn postgres() -> Option<Fixture> {
    if !common::postgres::available() {
        eprintln!(
            "skipped: no PostgreSQL at {}",
            common::postgres::server_url()
        );
        return None;
    }
    let database = common::postgres::TestDatabase::create().await;
    let store = PostgresStore::open(&database.url, 4, None).await.unwrap();
    Some(Fixture {
        store: Arc::new(store),
        _dir: tempfile::tempdir().unwrap(),
        database: Some(database),
    })
}

/// Runs each named check on both backends.
macro_rules! on_both_backends {
    ($($check:ident),* $(,)?) => {$(
        mod $check {
            #[tokio::test]
            async fn sqlite() {
                let fixture = super::sqlite().await;
                super::$check(fixture.store.clone()).await;
            }

            #[tokio::test]
            async fn postgres() {
                if let Some(fixture) = super::postgres().await {
                    super::$check(fixture.store.clone()).await;
                }
            }
        }
    )*};
}

on_both_backends!(
    claimed_deliveries_are_not_claimed_again,
    concurrent_claims_never_share_a_delivery,
    renewal_extends_only_the_claims_own_leases,
    expired_leases_are_taken_over_after_the_webhook_timeout,
    an_outcome_under_a_lost_claim_is_logged_but_moves_nothing,
    only_the_holder_releases,
    an_idempotency_key_stores_one_event,
    deliveries_to_disabled_webhooks_are_dropped,
    the_first_setting_written_wins,
    concurrent_publishes_succeed_or_fail_each_on_their_own,
    attempts_keep_their_headers_and_minutes_their_fastest_and_slowest,
    signing_keys_and_options_are_kept,
    one_key_accepts_one_request_however_many_arrive_at_once,
    unverified_requests_are_kept_within_their_bound,
    a_request_to_a_deleted_inbox_is_not_stored,
    streams_resume_after_the_last_request_seen,
    numbers_go_on_after_every_request_is_deleted,
    a_streak_reached_within_a_batch_disables_even_if_a_success_follows,
    gone_disables_with_the_streak_as_it_stands,
    an_events_trace_context_comes_back_with_its_deliveries,
    a_keys_later_delivery_waits_and_is_not_claimable,
    a_heads_success_or_final_failure_makes_the_next_due,
    a_failing_head_holds_up_only_its_own_key,
    enabling_a_webhook_leaves_waiting_deliveries_waiting,
    pending_deliveries_are_counted_through_their_webhooks,
);

#[path = "store/inboxes.rs"]
mod inboxes;
use inboxes::*;

#[path = "store/streaks.rs"]
mod streaks;
use streaks::*;

#[path = "store/claims.rs"]
mod claims;
use claims::*;

#[path = "store/ordering.rs"]
mod ordering;
use ordering::*;

#[path = "store/postgres_plans.rs"]
mod postgres_plans;

/// Runs each named check on PostgreSQL only, with the test database's URL for reading the
/// server's own figures.
macro_rules! on_postgres {
    ($($check:ident),* $(,)?) => {$(
        mod $check {
            #[tokio::test]
            async fn postgres() {
                if let Some(fixture) = super::postgres().await {
                    let url = fixture.database.as_ref().unwrap().url.clone();
                    super::postgres_plans::$check(fixture.store.clone(), &url).await;
                }
            }
        }
    )*};
}

on_postgres!(
    outcomes_and_releases_find_deliveries_by_id,
    renewals_and_takeovers_read_the_claims_index_entry_by_entry,
    the_pending_count_reads_no_finished_delivery,
    indexed_text_columns_compare_bytewise,
);

fn webhook(timeout_ms: u32) -> Webhook {
    let now = Timestamp::now();
    Webhook {
        id: WebhookId::new(),
        tenant: Tenant::default_tenant(),
        url: WebhookUrl::parse("https://example.com/hook").unwrap(),
        events: vec![EventPattern::parse("*").unwrap()],
        description: String::new(),
        active: true,
        disabled_reason: None,
        filter: None,
        rate_limit: None,
        max_in_flight: DEFAULT_MAX_IN_FLIGHT,
        timeout_ms,
        retry_schedule: None,
        headers: CustomHeaders::default(),
        secret: WebhookSecret::generate(),
        previous_secret: None,
        signature: SignatureOptions::default(),
        failure_streak: 0,
        payload: PayloadMode::Event,
        ordering: None,
        breaker: None,
        circuit: Circuit::default(),
        created_at: now,
        updated_at: now,
    }
}

fn event(webhooks: &[&Webhook], claimed: bool, key: Option<&str>) -> NewEvent {
    let id = EventId::new();
    let event_type = EventName::parse("order.created").unwrap();
    let now = Timestamp::now();
    NewEvent {
        payload: encode_payload(&id, &event_type, now, "{}"),
        id,
        tenant: Tenant::default_tenant(),
        event_type,
        idempotency_key: key.map(str::to_owned),
        inbox_request_id: None,
        trace: None,
        created_at: now,
        deliveries: webhooks
            .iter()
            .map(|w| NewDelivery {
                id: DeliveryId::new(),
                webhook_id: w.id.clone(),
                claimed,
                even_if_disabled: false,
                waits_for_circuit: false,
                order_key: None,
            })
            .collect(),
    }
}

fn claim(name: &str, lease: Duration) -> Claim {
    Claim {
        by: name.into(),
        until: Timestamp::now().plus(lease),
    }
}

/// A store with one webhook and `count` unclaimed, due deliveries to it.
async fn due_deliveries(store: &DynStore, count: usize, timeout_ms: u32) -> Webhook {
    due_deliveries_to(store, webhook(timeout_ms), count).await
}

/// A store with `target` and `count` unclaimed, due deliveries to it.
async fn due_deliveries_to(store: &DynStore, target: Webhook, count: usize) -> Webhook {
    store.insert_webhook(&target).await.unwrap();
    let events = (0..count).map(|_| event(&[&target], false, None)).collect();
    store
        .insert_events(&claim("publisher", Duration::from_secs(30)), events)
        .await
        .unwrap();
    target
}

/// Claims up to `limit` due deliveries now under `name`, with a lease of `lease`.
async fn claim_now(
    store: &DynStore,
    name: &str,
    lease: Duration,
    limit: usize,
) -> Vec<DeliveryJob> {
    store
        .claim_due(&claim(name, lease), Timestamp::now(), limit, &[])
        .await
        .unwrap()
}

fn succeeded(job: &DeliveryJob) -> AttemptOutcome {
    AttemptOutcome {
        retry_after: None,
        overloaded: false,
        circuit: CircuitRole::Counted,
        attempt: Attempt {
            id: AttemptId::new(),
            delivery_id: job.delivery_id.clone(),
            webhook_id: job.webhook_id.clone(),
            event_id: job.event_id.clone(),
            tenant: job.tenant.clone(),
            event_type: job.event_type.clone(),
            attempt: job.attempt,
            status: AttemptStatus::Succeeded,
            response_code: Some(200),
            response_body: Some(String::new()),
            error: None,
            duration_ms: 3,
            request_headers: vec![("webhook-id".into(), job.event_id.to_string())],
            response_headers: vec![("content-type".into(), "text/plain".into())],
            created_at: Timestamp::now(),
        },
        next: NextStep::Succeeded,
        counts_for_streak: true,
        claim: job.claim.clone(),
    }
}

/// The pending count (what `/metrics` samples) counts every pending delivery of every webhook,
/// the same number as the counts by status, and none that finished or was cancelled with its
/// webhook.
async fn pending_deliveries_are_counted_through_their_webhooks(store: DynStore) {
    let kept = due_deliveries(&store, 5, 1000).await;
    let deleted = due_deliveries(&store, 3, 1000).await;
    let jobs = claim_now(&store, "a/0", Duration::from_secs(30), 8).await;
    let finished: Arc<[_]> = jobs
        .iter()
        .filter(|job| job.webhook_id == kept.id)
        .take(2)
        .map(succeeded)
        .collect();
    store.record_outcomes(finished, 10).await.unwrap();
    assert!(
        store
            .delete_webhook(&Scope::All, &deleted.id)
            .await
            .unwrap()
    );

    let pending = store.pending_deliveries().await.unwrap();
    assert_eq!(
        pending, 3,
        "the kept webhook's five, less the two that succeeded"
    );
    let counts = store.delivery_counts(&Scope::All).await.unwrap();
    assert_eq!(pending, counts.pending);
    assert_eq!((counts.succeeded, counts.cancelled), (2, 3));
}

/// The trace context an event was published in is stored with it and handed to whoever claims
/// its deliveries, so a retry on any node continues the same trace; an event without one has
/// none.
async fn an_events_trace_context_comes_back_with_its_deliveries(store: DynStore) {
    let target = webhook(1000);
    store.insert_webhook(&target).await.unwrap();
    let mut traced = event(&[&target], false, None);
    traced.trace = TraceContext::from_headers(
        Some("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"),
        Some("rojo=00f067aa0ba902b7"),
    );
    let plain = event(&[&target], false, None);
    let (traced_id, plain_id) = (traced.id.clone(), plain.id.clone());
    store
        .insert_events(
            &claim("publisher", Duration::from_secs(30)),
            vec![traced, plain],
        )
        .await
        .unwrap();
    let jobs = claim_now(&store, "a/0", Duration::from_secs(30), 10).await;
    let trace_of = |id: &EventId| {
        jobs.iter()
            .find(|job| &job.event_id == id)
            .expect("claimed")
            .trace
            .clone()
    };
    let trace = trace_of(&traced_id).expect("a trace context");
    assert_eq!(
        trace.parent.to_string(),
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
    );
    assert_eq!(trace.state.as_deref(), Some("rojo=00f067aa0ba902b7"));
    assert_eq!(trace_of(&plain_id), None);
}

async fn an_idempotency_key_stores_one_event(store: DynStore) {
    let target = webhook(1000);
    store.insert_webhook(&target).await.unwrap();
    let first = event(&[&target], false, Some("order-1"));
    let first_id = first.id.clone();
    let claim = claim("n/0", Duration::from_secs(30));
    let results = store
        .insert_events(
            &claim,
            vec![
                first,
                event(&[&target], false, Some("order-1")),
                event(&[&target], false, Some("order-2")),
            ],
        )
        .await
        .unwrap();
    assert!(matches!(results[0], InsertedEvent::Created { .. }));
    match &results[1] {
        InsertedEvent::Duplicate(existing) => assert_eq!(existing.id, first_id),
        other => panic!("expected a duplicate, got {other:?}"),
    }
    assert!(matches!(results[2], InsertedEvent::Created { .. }));
    let later = store
        .insert_events(&claim, vec![event(&[&target], false, Some("order-2"))])
        .await
        .unwrap();
    assert!(matches!(later[0], InsertedEvent::Duplicate(_)));
    let due = store
        .claim_due(&claim, Timestamp::now(), 10, &[])
        .await
        .unwrap();
    assert_eq!(due.len(), 2, "one delivery per stored event");
}

async fn deliveries_to_disabled_webhooks_are_dropped(store: DynStore) {
    let active = webhook(1000);
    let mut disabled = webhook(1000);
    disabled.active = false;
    disabled.disabled_reason = Some(DisabledReason::Manual);
    store.insert_webhook(&active).await.unwrap();
    store.insert_webhook(&disabled).await.unwrap();
    let sent = event(&[&active, &disabled], true, None);
    let to_disabled = sent.deliveries[1].id.clone();
    let id = sent.id.clone();
    let results = store
        .insert_events(&claim("n/0", Duration::from_secs(30)), vec![sent])
        .await
        .unwrap();
    match &results[0] {
        InsertedEvent::Created { dropped, .. } => assert_eq!(dropped, &vec![to_disabled]),
        other => panic!("expected created, got {other:?}"),
    }
    let stored = store.get_event(&Scope::All, &id).await.unwrap().unwrap();
    assert_eq!(stored.summary.delivery_count, 1);
    assert_eq!(store.deliveries_of_event(&id).await.unwrap().len(), 1);
}

/// Publishes that arrive together share a transaction (group commit); one of them failing
/// takes its own events down, all of them, and no one else's.
async fn concurrent_publishes_succeed_or_fail_each_on_their_own(store: DynStore) {
    let target = webhook(1000);
    store.insert_webhook(&target).await.unwrap();
    let claim = claim("n/0", Duration::from_secs(30));
    let mut good = Vec::new();
    let mut calls = Vec::new();
    for n in 0..40 {
        let mut events = vec![
            event(&[&target], false, None),
            event(&[&target], false, None),
        ];
        if n == 20 {
            // A payload no backend accepts, after a good event of the same call.
            events[1].payload = bytes::Bytes::from_static(&[0xff, 0xfe]);
        } else {
            good.extend(events.iter().map(|e| e.id.clone()));
        }
        let ids: Vec<EventId> = events.iter().map(|e| e.id.clone()).collect();
        let (store, claim) = (store.clone(), claim.clone());
        calls.push((
            ids,
            tokio::spawn(async move { store.insert_events(&claim, events).await }),
        ));
    }
    let mut refused = Vec::new();
    for (ids, call) in calls {
        match call.await.unwrap() {
            Ok(results) => assert_eq!(results.len(), 2),
            Err(_) => refused.extend(ids),
        }
    }
    assert_eq!(refused.len(), 2, "only the call with the bad payload fails");
    for id in &refused {
        assert!(store.get_event(&Scope::All, id).await.unwrap().is_none());
    }
    for id in &good {
        assert!(store.get_event(&Scope::All, id).await.unwrap().is_some());
    }
}

async fn the_first_setting_written_wins(store: DynStore) {
    let writers = (0..8).map(|n| {
        let store = store.clone();
        tokio::spawn(async move { store.init_setting("k", &format!("v{n}")).await })
    });
    let mut seen = Vec::new();
    for writer in writers {
        seen.push(writer.await.unwrap().unwrap());
    }
    seen.dedup();
    assert_eq!(seen.len(), 1, "every writer got the same value: {seen:?}");
    assert_eq!(
        store.setting("k").await.unwrap().as_deref(),
        Some(seen[0].as_str())
    );
    assert!(matches!(
        store
            .insert_token(&TokenRecord {
                id: TokenId::new(),
                name: "a".into(),
                tenant: Tenant::default_tenant(),
                hash: TokenHash::of("same"),
                created_at: Timestamp::now(),
            })
            .await,
        Ok(())
    ));
    let duplicate = store
        .insert_token(&TokenRecord {
            id: TokenId::new(),
            name: "b".into(),
            tenant: Tenant::default_tenant(),
            hash: TokenHash::of("same"),
            created_at: Timestamp::now(),
        })
        .await;
    assert!(
        matches!(duplicate, Err(StoreError::Conflict(_))),
        "{duplicate:?}"
    );
}

/// An attempt reads back with the request and response headers it was logged with and its
/// delivery's status; each minute's statistics keep the fastest and slowest attempt across
/// batches, so percentiles can be kept within them.
async fn attempts_keep_their_headers_and_minutes_their_fastest_and_slowest(store: DynStore) {
    let target = due_deliveries(&store, 3, 1000).await;
    let jobs = claim_now(&store, "a/0", Duration::from_secs(30), 3).await;
    let minute_start =
        |t: Timestamp| Timestamp::from_millis(t.as_millis() - t.as_millis() % 60_000);
    let now = Timestamp::now();
    let mut outcomes: Vec<AttemptOutcome> = jobs.iter().map(succeeded).collect();
    for (outcome, duration) in outcomes.iter_mut().zip([7, 0, 28]) {
        outcome.attempt.duration_ms = duration;
        outcome.attempt.created_at = now;
    }
    let (first, second) = outcomes.split_at(1);
    store.record_outcomes(first.into(), 10).await.unwrap();
    store.record_outcomes(second.into(), 10).await.unwrap();

    let stats = store
        .minute_stats(Some(&target.id), &Scope::All, minute_start(now))
        .await
        .unwrap();
    assert_eq!(stats.len(), 1);
    assert_eq!(stats[0].succeeded, 3);
    assert_eq!(stats[0].latency_range_ms, Some((0, 28)));

    let logged = store
        .list_attempts(&AttemptQuery {
            webhook: target.id.clone(),
            page: Page {
                limit: 10,
                before: None,
            },
            status: None,
            event_type: None,
            event_id: None,
            since: None,
            until: None,
        })
        .await
        .unwrap();
    assert_eq!(logged.len(), 3);
    for entry in &logged {
        assert_eq!(entry.delivery_status, Some(DeliveryStatus::Succeeded));
        assert_eq!(
            entry.attempt.response_headers,
            [("content-type".to_owned(), "text/plain".to_owned())]
        );
    }
}

/// A v1a key, a previous secret of the other kind (after a change of scheme) and the simple
/// header's name and prefix read back as written, and an update changes them.
async fn signing_keys_and_options_are_kept(store: DynStore) {
    let mut target = webhook(1000);
    let previous = target.secret.clone();
    target.secret = WebhookSecret::generate_for(SignatureScheme::V1a);
    target.previous_secret = Some(RotatedSecret {
        secret: previous.clone(),
        expires_at: Timestamp::now().plus(Duration::from_secs(3600)),
    });
    target.signature = SignatureOptions::new("x-hub-signature-256".into(), "sha256=".into());
    store.insert_webhook(&target).await.unwrap();
    let stored = store
        .get_webhook(&Scope::All, &target.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.scheme(), SignatureScheme::V1a);
    assert_eq!(stored.secret, target.secret);
    assert_eq!(stored.secret.public_key(), target.secret.public_key());
    let stored_previous = stored.previous_secret.as_ref().unwrap();
    assert_eq!(stored_previous.secret, previous);
    assert_eq!(stored_previous.secret.scheme(), SignatureScheme::V1);
    assert_eq!(stored.signature, target.signature);

    target.secret = WebhookSecret::generate();
    target.previous_secret = None;
    target.signature = SignatureOptions::default();
    assert!(store.update_webhook(&target).await.unwrap());
    let updated = store
        .get_webhook(&Scope::All, &target.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(updated.scheme(), SignatureScheme::V1);
    assert_eq!(updated.secret, target.secret);
    assert_eq!(updated.signature, SignatureOptions::default());
    assert!(updated.previous_secret.is_none());
}
