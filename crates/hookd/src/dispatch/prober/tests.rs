//! The circuit breaker in the engine, on the fake clock: the engine, the prober and the real
//! SQLite store together, with a fake endpoint. Outcomes are recorded (and the directory
//! reloaded) by the test, as the recorder and `ops` do.

use super::*;
use crate::directory::Directory;
use crate::dispatch::capacity::{Capacity, Limits};
use crate::dispatch::clock::{Clock, FakeClock};
use crate::dispatch::engine::{self, EngineParts};
use crate::dispatch::gates::{Gates, OutboundLimits};
use crate::dispatch::health::LaneHealths;
use crate::dispatch::lease::Lease;
use crate::dispatch::scanner;
use crate::dispatch::transport::fake::FakeEndpoint;
use crate::model::*;
use crate::store::Claim;
use crate::store::sqlite::SqliteStore;
use hyper::header::HeaderValue;
use tokio::sync::mpsc;

const START: Timestamp = Timestamp::from_millis(1_800_000_000_000);
const COOLDOWN: Duration = Duration::from_secs(10);

struct Rig {
    clock: Arc<FakeClock>,
    endpoint: Arc<FakeEndpoint>,
    store: DynStore,
    directory: Arc<Directory>,
    dispatcher: DispatcherHandle,
    outcomes: mpsc::UnboundedReceiver<crate::model::AttemptOutcome>,
    webhook: Webhook,
    _stop: watch::Sender<bool>,
    _dir: tempfile::TempDir,
}

/// A webhook whose circuit opens after 3 failures, for 10 s doubling up to 40 s.
fn webhook() -> Webhook {
    Webhook {
        id: WebhookId::new(),
        tenant: Tenant::default_tenant(),
        url: WebhookUrl::parse("https://example.com/down").unwrap(),
        events: vec![EventPattern::All],
        description: String::new(),
        active: true,
        disabled_reason: None,
        filter: None,
        rate_limit: None,
        max_in_flight: 1,
        timeout_ms: 1000,
        retry_schedule: Some(RetrySchedule::parse(&["1s", "1s", "1s"]).unwrap()),
        headers: CustomHeaders::default(),
        secret: WebhookSecret::generate(),
        previous_secret: None,
        signature: SignatureOptions::default(),
        failure_streak: 0,
        payload: PayloadMode::Event,
        breaker: Some(Breaker {
            failures: 3,
            cooldown: COOLDOWN,
            max_cooldown: COOLDOWN * 4,
            ..Breaker::default()
        }),
        circuit: Circuit::default(),
        ordering: None,
        created_at: START,
        updated_at: START,
    }
}

async fn start(answers: &[u16]) -> Rig {
    let clock = FakeClock::starting_at(START);
    let endpoint = Arc::new(FakeEndpoint::new(clock.clone()).answering(answers));
    let lease = Arc::new(Lease::with_clock(
        "node-test".into(),
        Duration::from_secs(600),
        clock.clone(),
    ));
    let dir = tempfile::tempdir().unwrap();
    let store: DynStore = Arc::new(SqliteStore::open(&dir.path().join("hookd.db"), None).unwrap());
    let webhook = webhook();
    store.insert_webhook(&webhook).await.unwrap();
    let directory = Directory::load(store.clone()).await.unwrap();
    let (outcome_sender, outcomes) = mpsc::unbounded_channel();
    let healths = LaneHealths::default();
    let (commands, command_receiver) = mpsc::unbounded_channel();
    let dispatcher = DispatcherHandle {
        healths: healths.clone(),
        lease: lease.clone(),
        capacity: Arc::new(Capacity::new(Limits {
            deliveries: 1000,
            bytes: 1 << 20,
            per_webhook: 1000,
        })),
        commands,
        dispatches: true,
    };
    let parts = EngineParts {
        store: store.clone(),
        transport: endpoint.clone(),
        snapshots: directory.subscribe(),
        lease: lease.clone(),
        outcomes: outcome_sender,
        default_schedule: RetrySchedule::default(),
        user_agent: HeaderValue::from_static("hookd-test"),
        gates: Gates::new(OutboundLimits {
            total: 100,
            per_tenant: 100,
        }),
        disable_after: 10,
        healths,
    };
    tokio::spawn(engine::run(parts, command_receiver));
    let (stop_sender, stop) = watch::channel(false);
    let prober = Prober {
        store: store.clone(),
        snapshots: directory.subscribe(),
        dispatcher: dispatcher.clone(),
        ping: PingSlot::default(),
    };
    tokio::spawn(prober.run(stop));
    Rig {
        clock,
        endpoint,
        store,
        directory,
        dispatcher,
        outcomes,
        webhook,
        _stop: stop_sender,
        _dir: dir,
    }
}

impl Rig {
    /// Stores `count` deliveries, oldest first, claims them as the scan does and hands them
    /// to the engine; answers their event ids, oldest first.
    async fn publish(&mut self, count: usize) -> Vec<EventId> {
        let events: Vec<NewEvent> = (0..count)
            .map(|n| {
                let id = EventId::new();
                let event_type = EventName::parse("order.created").unwrap();
                let created_at = START.minus(Duration::from_millis((count - n) as u64));
                NewEvent {
                    payload: encode_payload(&id, &event_type, created_at, "{}"),
                    id,
                    tenant: Tenant::default_tenant(),
                    event_type,
                    idempotency_key: None,
                    inbox_request_id: None,
                    trace: None,
                    created_at,
                    deliveries: vec![NewDelivery {
                        id: DeliveryId::new(),
                        webhook_id: self.webhook.id.clone(),
                        claimed: false,
                        even_if_disabled: false,
                        waits_for_circuit: false,
                        order_key: None,
                    }],
                }
            })
            .collect();
        let ids = events.iter().map(|e| e.id.clone()).collect();
        let claim = Claim {
            by: "publisher".into(),
            until: START,
        };
        self.store.insert_events(&claim, events).await.unwrap();
        self.scan().await;
        ids
    }

    /// One scan of due deliveries, as the scanner makes it.
    async fn scan(&mut self) {
        let snapshot = self.directory.snapshot();
        scanner::claim_once(&self.store, &self.dispatcher, &snapshot, 1024).await;
        self.settle().await;
    }

    /// Lets everything run, recording outcomes (and reloading the directory) until nothing
    /// more happens without time passing. The store answers from its own thread, so each round
    /// also gives that thread a moment (real time; the fake clock does not move).
    async fn settle(&mut self) {
        let mut quiet_rounds = 0;
        while quiet_rounds < 5 {
            for _ in 0..100 {
                tokio::task::yield_now().await;
            }
            std::thread::sleep(Duration::from_millis(2));
            let mut batch = Vec::new();
            while let Ok(outcome) = self.outcomes.try_recv() {
                batch.push(outcome);
            }
            if batch.is_empty() {
                quiet_rounds += 1;
                continue;
            }
            quiet_rounds = 0;
            let news = self
                .store
                .record_outcomes(batch.into(), 10)
                .await
                .unwrap()
                .news;
            if !news.is_empty() {
                self.directory.reload().await.unwrap();
            }
        }
    }

    /// Settles until `done` holds: a probe starts on the prober's own task and waits for the
    /// store's thread, which a busy machine (the other tests) may delay past one `settle`. Gives
    /// up after 10 s of real time, leaving the assertion that follows to fail.
    async fn settle_until(&mut self, done: impl Fn(&Self) -> bool) {
        let deadline = std::time::Instant::now() + Duration::from_secs(10);
        while !done(self) && std::time::Instant::now() < deadline {
            self.settle().await;
        }
        self.settle().await;
    }

    /// The stored circuit once it is `wanted` (its probe's outcome recorded), or as it is after
    /// 10 s of real time.
    async fn circuit_once(&mut self, wanted: impl Fn(&Circuit) -> bool) -> Circuit {
        let deadline = std::time::Instant::now() + Duration::from_secs(10);
        loop {
            let circuit = self.circuit().await;
            if wanted(&circuit) || std::time::Instant::now() >= deadline {
                return circuit;
            }
            self.settle().await;
        }
    }

    async fn advance(&mut self, by: Duration) {
        self.clock.advance_with_timers(by).await;
        self.settle().await;
    }

    /// The event ids of the requests the endpoint got, in order.
    fn sent(&self) -> Vec<String> {
        self.endpoint
            .received()
            .iter()
            .map(|r| r.headers["webhook-id"].to_str().unwrap().to_owned())
            .collect()
    }

    async fn circuit(&self) -> Circuit {
        let stored = self.store.get_webhook(&Scope::All, &self.webhook.id).await;
        stored.unwrap().unwrap().circuit
    }
}

/// A receiver failing everything gets exactly `failures` requests, then none until the
/// cooldown; the probe is the oldest pending delivery; a failed probe doubles the wait; once
/// the receiver recovers, the circuit closes and every delivery arrives, those that waited at
/// their first attempt.
#[tokio::test(start_paused = true)]
async fn an_open_circuit_waits_probes_and_drains_once_the_receiver_recovers() {
    let mut rig = start(&[500, 500, 500, 500]).await;
    let events = rig.publish(6).await;
    assert_eq!(
        rig.sent(),
        events[..3]
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
    );
    let open = rig.circuit_once(|c| c.state == CircuitState::Open).await;
    assert_eq!(open.state, CircuitState::Open);
    assert_eq!(open.next_probe_at, Some(rig.clock.now().plus(COOLDOWN)));

    rig.advance(COOLDOWN - Duration::from_secs(1)).await;
    rig.scan().await;
    assert_eq!(
        rig.sent().len(),
        3,
        "nothing before the cooldown, retries included"
    );

    rig.advance(Duration::from_secs(1)).await;
    rig.settle_until(|rig| rig.sent().len() >= 4).await;
    assert_eq!(rig.sent().len(), 4, "one probe at the cooldown");
    assert_eq!(
        rig.sent()[3],
        events[0].to_string(),
        "the oldest pending delivery"
    );
    let reopened = rig.circuit_once(|c| c.cooldown != Some(COOLDOWN)).await;
    assert_eq!(reopened.state, CircuitState::Open);
    assert_eq!(
        reopened.cooldown,
        Some(COOLDOWN * 2),
        "a failed probe doubles the wait"
    );

    rig.advance(COOLDOWN * 2 - Duration::from_secs(1)).await;
    rig.scan().await;
    assert_eq!(rig.sent().len(), 4);
    rig.advance(Duration::from_secs(1)).await;
    rig.settle_until(|rig| rig.sent().len() >= 5).await;
    assert_eq!(
        rig.sent().len(),
        5,
        "the second probe, which the receiver answers 200"
    );
    let closed = rig.circuit_once(|c| c.state != CircuitState::Open).await;
    assert_eq!(closed, Circuit::default(), "closed again");

    rig.scan().await;
    let mut arrived = rig.sent();
    arrived.sort();
    arrived.dedup();
    assert_eq!(arrived.len(), 6, "every delivery arrived");
    for (n, event) in events.iter().enumerate() {
        let deliveries = rig.store.deliveries_of_event(event).await.unwrap();
        let delivery = &deliveries[0];
        assert_eq!(delivery.status, DeliveryStatus::Succeeded);
        // The first was the threshold's and both probes'; the next two failed once before it
        // opened; the others waited without losing an attempt.
        let expected = match n {
            0 => 3,
            1 | 2 => 2,
            _ => 1,
        };
        assert_eq!(delivery.attempt_count, expected, "delivery {n}");
    }
}
