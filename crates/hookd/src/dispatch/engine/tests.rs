//! The engine driven step by step: a fake clock, tokio's paused timers moved in step with it,
//! and a fake endpoint instead of the network. Each test hands deliveries over, lets the engine
//! run until it has nothing left to do, and checks what reached the endpoint and when.

use super::*;
use crate::directory::Snapshot;
use crate::dispatch::DispatcherHandle;
use crate::dispatch::capacity::{Capacity, Limits};
use crate::dispatch::clock::{Clock, FakeClock};
use crate::dispatch::gates::OutboundLimits;
use crate::dispatch::transport::fake::FakeEndpoint;
use crate::model::*;
use crate::store::sqlite::SqliteStore;
use bytes::Bytes;

mod streak;

const START: Timestamp = Timestamp::from_millis(1_800_000_000_000);
const LEASE: Duration = Duration::from_secs(60);
/// The failure streak that disables a webhook in these tests.
const DISABLE_AFTER: u32 = 3;

/// A running engine and what a test needs to drive and watch it.
struct Rig {
    clock: Arc<FakeClock>,
    endpoint: Arc<FakeEndpoint>,
    lease: Arc<Lease>,
    capacity: Arc<Capacity>,
    store: DynStore,
    /// Hands deliveries to the engine as the scan does.
    dispatcher: DispatcherHandle,
    outcomes: mpsc::UnboundedReceiver<AttemptOutcome>,
    _dir: tempfile::TempDir,
}

fn webhook(path: &str, max_in_flight: u32, rate_limit: Option<u32>) -> Webhook {
    Webhook {
        id: WebhookId::new(),
        tenant: Tenant::default_tenant(),
        url: WebhookUrl::parse(&format!("https://example.com/{path}")).unwrap(),
        events: vec![EventPattern::All],
        description: String::new(),
        active: true,
        disabled_reason: None,
        filter: None,
        rate_limit,
        max_in_flight,
        timeout_ms: 1000,
        retry_schedule: Some(RetrySchedule::parse(&["10s"]).unwrap()),
        headers: CustomHeaders::default(),
        secret: WebhookSecret::generate(),
        previous_secret: None,
        signature: SignatureOptions::default(),
        failure_streak: 0,
        payload: PayloadMode::Event,
        ordering: None,
        breaker: None,
        circuit: Circuit::default(),
        created_at: START,
        updated_at: START,
    }
}

/// Starts an engine for `webhooks`, sending to `endpoint` (made on the rig's clock).
fn start(webhooks: &[&Webhook], endpoint: impl FnOnce(Arc<FakeClock>) -> FakeEndpoint) -> Rig {
    let clock = FakeClock::starting_at(START);
    let endpoint = Arc::new(endpoint(clock.clone()));
    let lease = Arc::new(Lease::with_clock("node-test".into(), LEASE, clock.clone()));
    let dir = tempfile::tempdir().unwrap();
    let store: DynStore = Arc::new(SqliteStore::open(&dir.path().join("hookd.db"), None).unwrap());
    let snapshot = Snapshot::build(webhooks.iter().map(|w| (*w).clone()).collect(), 1);
    let (_, snapshots) = watch::channel(Arc::new(snapshot));
    let capacity = Arc::new(Capacity::new(Limits {
        deliveries: 1000,
        bytes: 1 << 20,
        per_webhook: 1000,
    }));
    let (outcome_sender, outcomes) = mpsc::unbounded_channel();
    let healths = LaneHealths::default();
    let parts = EngineParts {
        store: store.clone(),
        transport: endpoint.clone(),
        snapshots,
        lease: lease.clone(),
        outcomes: outcome_sender,
        default_schedule: RetrySchedule::parse(&["1s"]).unwrap(),
        user_agent: HeaderValue::from_static("hookd-test"),
        gates: Gates::new(OutboundLimits {
            total: 100,
            per_tenant: 100,
        }),
        disable_after: DISABLE_AFTER,
        healths: healths.clone(),
    };
    let (commands, command_receiver) = mpsc::unbounded_channel();
    tokio::spawn(run(parts, command_receiver));
    let dispatcher = DispatcherHandle {
        healths,
        lease: lease.clone(),
        capacity: capacity.clone(),
        commands,
        dispatches: true,
    };
    Rig {
        clock,
        endpoint,
        lease,
        capacity,
        store,
        dispatcher,
        outcomes,
        _dir: dir,
    }
}

impl Rig {
    /// Hands `count` deliveries for `webhook` to the engine, claimed under the current claim.
    fn submit(&self, webhook: &Webhook, count: usize) {
        let payload = Bytes::from_static(br#"{"id":"evt_1","type":"order.created","data":{}}"#);
        let jobs = (0..count)
            .map(|_| DeliveryJob {
                delivery_id: DeliveryId::new(),
                event_id: EventId::new(),
                webhook_id: webhook.id.clone(),
                tenant: webhook.tenant.clone(),
                event_type: EventName::parse("order.created").unwrap(),
                payload: payload.clone(),
                attempt: 1,
                manual: false,
                claim: self.lease.current(),
                original: None,
                trace: None,
            })
            .collect();
        self.dispatcher.submit_claimed(jobs);
    }

    /// Lets the engine and its attempts run until none can go on without time passing.
    async fn settle(&self) {
        for _ in 0..100 {
            tokio::task::yield_now().await;
        }
    }

    /// Moves the clock (and the timers) forward, then lets the engine run.
    async fn advance(&self, by: Duration) {
        self.clock.advance_with_timers(by).await;
        self.settle().await;
    }

    fn sent_to(&self, webhook: &Webhook) -> Vec<Timestamp> {
        self.endpoint
            .received()
            .into_iter()
            .filter(|r| r.url == webhook.url.as_str())
            .map(|r| r.at)
            .collect()
    }

    fn outcomes(&mut self) -> Vec<AttemptOutcome> {
        let mut all = Vec::new();
        while let Ok(outcome) = self.outcomes.try_recv() {
            all.push(outcome);
        }
        all
    }
}

/// A webhook never has more than `max_in_flight` requests open; each one that finishes lets
/// the next queued delivery go.
#[tokio::test(start_paused = true)]
async fn a_lane_runs_at_most_max_in_flight_attempts_at_once() {
    let hook = webhook("slow", 2, None);
    let mut rig = start(&[&hook], |clock| FakeEndpoint::new(clock).holding());
    rig.submit(&hook, 5);
    rig.settle().await;
    assert_eq!(rig.endpoint.open(), 2);
    assert_eq!(rig.sent_to(&hook).len(), 2);

    rig.endpoint.finish(1);
    rig.settle().await;
    assert_eq!(
        rig.endpoint.open(),
        2,
        "the freed slot went to the next delivery"
    );
    assert_eq!(rig.sent_to(&hook).len(), 3);
    assert_eq!(rig.outcomes().len(), 1);

    rig.endpoint.finish(10);
    rig.settle().await;
    assert_eq!(rig.sent_to(&hook).len(), 5);
    assert_eq!(rig.outcomes().len(), 4);
    assert_eq!(rig.capacity.held(), 0, "finished deliveries leave memory");
}

/// Each webhook has its own lane: one whose receiver hangs holds only its own slot, and
/// another webhook's deliveries all go through meanwhile.
#[tokio::test(start_paused = true)]
async fn a_hanging_webhook_holds_only_its_own_lane() {
    let hanging = webhook("hanging", 1, None);
    let healthy = webhook("healthy", 1, None);
    let mut rig = start(&[&hanging, &healthy], |clock| {
        FakeEndpoint::new(clock).holding_only("hanging")
    });
    rig.submit(&hanging, 3);
    rig.submit(&healthy, 3);
    rig.settle().await;
    assert_eq!(rig.sent_to(&hanging).len(), 1);
    assert_eq!(rig.sent_to(&healthy).len(), 3);
    let finished: Vec<WebhookId> = rig
        .outcomes()
        .into_iter()
        .map(|o| o.attempt.webhook_id)
        .collect();
    assert_eq!(finished, vec![healthy.id.clone(); 3]);
}

/// A rate limit of 2 per second lets a second's worth go at once, then one every half second,
/// timed by the engine's clock.
#[tokio::test(start_paused = true)]
async fn a_rate_limited_lane_sends_at_the_rate() {
    let hook = webhook("limited", 10, Some(2));
    let rig = start(&[&hook], FakeEndpoint::new);
    rig.submit(&hook, 5);
    rig.settle().await;
    assert_eq!(rig.sent_to(&hook), [START, START]);

    rig.advance(Duration::from_millis(499)).await;
    assert_eq!(
        rig.sent_to(&hook).len(),
        2,
        "the next token is not there yet"
    );
    rig.advance(Duration::from_millis(1)).await;
    rig.advance(Duration::from_millis(500)).await;
    rig.advance(Duration::from_millis(500)).await;
    let ms = |millis| START.plus(Duration::from_millis(millis));
    assert_eq!(
        rig.sent_to(&hook),
        [START, START, ms(500), ms(1000), ms(1500)]
    );
}

/// A failed attempt is retried on the schedule counted from when the answer came, on the
/// engine's clock: a 503 after 3 s with a 10 s schedule retries 13 s (plus at most a tenth of
/// the delay as jitter) after the start.
#[tokio::test(start_paused = true)]
async fn a_failed_attempt_is_retried_on_the_schedule_from_the_answer() {
    let hook = webhook("failing", 1, None);
    let mut rig = start(&[&hook], |clock| {
        FakeEndpoint::new(clock)
            .answering(&[503])
            .taking(Duration::from_secs(3))
    });
    rig.submit(&hook, 1);
    rig.settle().await;
    let outcomes = rig.outcomes();
    let [outcome] = outcomes.as_slice() else {
        panic!("one outcome, got {outcomes:?}");
    };
    assert_eq!(outcome.attempt.created_at, START);
    assert_eq!(outcome.attempt.duration_ms, 3000);
    assert_eq!(outcome.attempt.response_code, Some(503));
    let NextStep::RetryAt(at) = outcome.next else {
        panic!("a retry, got {:?}", outcome.next);
    };
    let earliest = START.plus(Duration::from_secs(13));
    assert!(
        at >= earliest && at <= earliest.plus(Duration::from_secs(1)),
        "retry at {at}, expected 13 to 14 s after {START}"
    );
}

/// A failed attempt's retry waits in the store until its time on the engine's clock: the scan
/// finds nothing a second before it, and hands it back to the engine after it, which makes
/// attempt 2.
#[tokio::test(start_paused = true)]
async fn a_retry_waits_in_the_store_until_its_time() {
    let hook = webhook("retried", 1, None);
    let mut rig = start(&[&hook], |clock| FakeEndpoint::new(clock).answering(&[503]));
    rig.store.insert_webhook(&hook).await.unwrap();
    let id = EventId::new();
    let event_type = EventName::parse("order.created").unwrap();
    let payload = encode_payload(&id, &event_type, START, "{}");
    let delivery_id = DeliveryId::new();
    let event = NewEvent {
        id: id.clone(),
        tenant: hook.tenant.clone(),
        event_type: event_type.clone(),
        idempotency_key: None,
        payload: payload.clone(),
        created_at: START,
        deliveries: vec![NewDelivery {
            id: delivery_id.clone(),
            webhook_id: hook.id.clone(),
            claimed: true,
            even_if_disabled: false,
            waits_for_circuit: false,
            order_key: None,
        }],
        inbox_request_id: None,
        trace: None,
    };
    let claim = rig.lease.claim();
    rig.store.insert_events(&claim, vec![event]).await.unwrap();
    let job = DeliveryJob {
        delivery_id,
        event_id: id,
        webhook_id: hook.id.clone(),
        tenant: hook.tenant.clone(),
        event_type,
        payload,
        attempt: 1,
        manual: false,
        claim: claim.by,
        original: None,
        trace: None,
    };
    rig.dispatcher.submit_claimed(vec![job]);
    rig.settle().await;
    let outcomes = rig.outcomes();
    let NextStep::RetryAt(due) = outcomes[0].next else {
        panic!("a retry, got {:?}", outcomes[0].next);
    };
    rig.store.record_outcomes(outcomes.into(), 0).await.unwrap();

    rig.advance(due.since(START) - Duration::from_secs(1)).await;
    super::super::scanner::claim_once(
        &rig.store,
        &rig.dispatcher,
        &Snapshot::build(Vec::new(), 1),
        1 << 20,
    )
    .await;
    rig.settle().await;
    assert_eq!(rig.endpoint.received().len(), 1, "not due yet");

    rig.advance(Duration::from_secs(1)).await;
    super::super::scanner::claim_once(
        &rig.store,
        &rig.dispatcher,
        &Snapshot::build(Vec::new(), 1),
        1 << 20,
    )
    .await;
    rig.settle().await;
    let received = rig.endpoint.received();
    assert_eq!(received.len(), 2, "due now");
    assert_eq!(received[1].at, due);
    assert_eq!(received[1].headers["x-webhook-attempt"], "2");
}

/// A delivery whose claim lapsed (the lease horizon passed on the engine's clock) is dropped
/// unattempted: another node may hold it by now.
#[tokio::test(start_paused = true)]
async fn a_delivery_under_a_lapsed_claim_is_not_attempted() {
    let hook = webhook("late", 1, None);
    let rig = start(&[&hook], FakeEndpoint::new);
    let payload_claim = rig.lease.current();
    rig.clock.advance(LEASE + Duration::from_millis(1));
    assert!(!rig.lease.holds(&payload_claim));
    rig.dispatcher.submit_claimed(vec![DeliveryJob {
        delivery_id: DeliveryId::new(),
        event_id: EventId::new(),
        webhook_id: hook.id.clone(),
        tenant: hook.tenant.clone(),
        event_type: EventName::parse("order.created").unwrap(),
        payload: Bytes::from_static(b"{}"),
        attempt: 1,
        manual: false,
        claim: payload_claim,
        original: None,
        trace: None,
    }]);
    rig.settle().await;
    assert!(rig.endpoint.received().is_empty());
    assert_eq!(rig.capacity.held(), 0);
    assert_eq!(
        rig.clock.now(),
        START.plus(LEASE + Duration::from_millis(1))
    );
}

/// Every line an attempt logs is written in its span, so it names the delivery: webhook,
/// delivery, event and attempt number.
#[tokio::test(start_paused = true)]
async fn an_attempts_log_lines_carry_its_delivery_ids() {
    let logs = Arc::new(std::sync::Mutex::new(Vec::<u8>::new()));
    let writer = {
        let logs = logs.clone();
        move || LogBuffer(logs.clone())
    };
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::DEBUG)
        .with_ansi(false)
        .with_writer(writer)
        .finish();
    let _logging = tracing::subscriber::set_default(subscriber);
    let hook = webhook("logged", 1, None);
    let mut rig = start(&[&hook], |clock| FakeEndpoint::new(clock).answering(&[500]));
    // Tests on other threads may have met the attempt's log lines first, with no subscriber:
    // have every line ask again whom it interests now that this thread has one.
    tracing::callsite::rebuild_interest_cache();
    rig.submit(&hook, 1);
    rig.settle().await;
    let outcome = rig.outcomes().pop().expect("an outcome");
    let text = String::from_utf8(logs.lock().unwrap().clone()).unwrap();
    let line = text
        .lines()
        .find(|line| line.contains("attempt failed; retrying"))
        .unwrap_or_else(|| panic!("no line about the failed attempt in {text:?}"));
    for id in [
        format!("webhook_id={}", hook.id),
        format!("delivery_id={}", outcome.attempt.delivery_id),
        format!("event_id={}", outcome.attempt.event_id),
        "attempt=1".to_owned(),
        "status=500".to_owned(),
    ] {
        assert!(line.contains(&id), "{id} missing from {line:?}");
    }
}

/// A `Write` into a buffer the test reads.
struct LogBuffer(Arc<std::sync::Mutex<Vec<u8>>>);

impl std::io::Write for LogBuffer {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// A 429 with `Retry-After: 3` holds the whole webhook back for 3 seconds, not just the
/// delivery that got it; then the lane goes on.
#[tokio::test(start_paused = true)]
async fn retry_after_on_429_pauses_the_whole_webhook() {
    let hook = webhook("busy", 1, None);
    let other = webhook("other", 1, None);
    let rig = start(&[&hook, &other], |clock| {
        FakeEndpoint::new(clock).answering_retry_after(429, Duration::from_secs(3))
    });
    rig.submit(&hook, 3);
    rig.settle().await;
    assert_eq!(rig.sent_to(&hook), [START]);
    rig.submit(&other, 1);
    rig.settle().await;
    assert_eq!(
        rig.sent_to(&other),
        [START],
        "another webhook is not held back"
    );
    rig.advance(Duration::from_millis(2999)).await;
    assert_eq!(
        rig.sent_to(&hook).len(),
        1,
        "nothing to that webhook for 3 s"
    );
    rig.advance(Duration::from_millis(1)).await;
    let three = START.plus(Duration::from_secs(3));
    assert_eq!(rig.sent_to(&hook), [START, three, three]);
}

/// Adaptive concurrency: 503s halve a webhook's requests at once (4, 2, 1), and answers win
/// them back one window at a time, up to its `max_in_flight`.
#[tokio::test(start_paused = true)]
async fn overloads_halve_requests_at_once_and_answers_win_them_back() {
    let hook = webhook("struggling", 4, None);
    let rig = start(&[&hook], |clock| {
        FakeEndpoint::new(clock).answering(&[503; 4]).holding()
    });
    rig.submit(&hook, 20);
    rig.settle().await;
    assert_eq!(rig.endpoint.open(), 4);
    rig.endpoint.finish(4);
    rig.settle().await;
    assert_eq!(rig.endpoint.open(), 1, "four overloads: 4, 2, 1, 1");
    assert_eq!(rig.dispatcher.effective_in_flight(&hook.id), Some(1));
    rig.endpoint.finish(1);
    rig.settle().await;
    assert_eq!(rig.endpoint.open(), 2, "one answer is a window at 1");
    rig.endpoint.finish(2);
    rig.settle().await;
    assert_eq!(rig.endpoint.open(), 3, "two answers are a window at 2");
    rig.endpoint.finish(3);
    rig.settle().await;
    assert_eq!(rig.endpoint.open(), 4);
    rig.endpoint.finish(100);
    rig.settle().await;
    assert_eq!(
        rig.dispatcher.effective_in_flight(&hook.id),
        Some(4),
        "never above max_in_flight"
    );
}
