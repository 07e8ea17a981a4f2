//! The delivery engine: gets each delivery to its webhook, signed, with retries.
//!
//! ```text
//! publish ──(claimed, in memory)──► engine ──► lane per webhook ──► attempt ──► recorder ──► store
//!   store ──(due retries, leftovers, backlog)──► scanner ──┘
//! ```
//!
//! - `capacity` bounds what memory holds; what doesn't fit waits in the database for `scanner`.
//! - `clock` is where the engine, leases and retries read the time (a fake one in tests).
//! - `lease` names the claim this node holds work under; `renewer` keeps its leases alive and
//!   releases the work of nodes whose leases ran out.
//! - `engine` owns the lanes (max in flight, rate limit) and starts attempts.
//! - `attempt` signs and sends one request through a `transport`: `client`, the only place hookd
//!   opens outbound connections, behind the `ssrf` guard (a fake endpoint in tests); `retry`
//!   decides what happens next.
//! - `recorder` writes outcomes in batches and reports what they did to webhooks (disabled,
//!   circuits moved).
//! - `prober` probes open circuits when their time comes (one node per probe).

mod attempt;
pub mod capacity;
pub mod client;
pub mod clock;
mod concurrency;
mod engine;
pub mod file_limit;
pub mod gates;
mod health;
pub mod lease;
pub mod prober;
pub mod rate;
mod recorder;
pub mod renewer;
pub mod retry;
mod scanner;
pub mod ssrf;
pub mod transport;

pub use attempt::{Target, perform};
pub use capacity::{Capacity, Held, Limits, Reservation};
pub use gates::{Gates, OutboundLimits};
pub use lease::Lease;
pub use recorder::count as count_recorded;

use crate::directory::Directory;
use crate::model::{DeliveryJob, RetrySchedule, WebhookId};
use crate::store::{DynStore, WebhookNews};
use client::OutboundClient;
use health::LaneHealths;
use hyper::header::HeaderValue;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{mpsc, watch};
use tokio::task::JoinHandle;

/// Settings of the engine.
#[derive(Clone)]
pub struct DispatchConfig {
    /// The claim this node holds work under.
    pub lease: Arc<Lease>,
    pub limits: Limits,
    pub default_schedule: RetrySchedule,
    /// Failed deliveries in a row that disable a webhook (0: never).
    pub disable_after: u32,
    /// How often the database is scanned for due deliveries.
    pub scan_interval: Duration,
    /// The largest payload an event may have (sizes the scan's claims).
    pub max_payload: usize,
    pub user_agent: HeaderValue,
    /// The outbound limits, shared with one-off attempts made by the API.
    pub gates: Arc<Gates>,
}

/// A cheap handle for handing deliveries to the engine.
#[derive(Clone)]
pub struct DispatcherHandle {
    lease: Arc<Lease>,
    capacity: Arc<Capacity>,
    commands: mpsc::UnboundedSender<engine::Command>,
    dispatches: bool,
    healths: LaneHealths,
}

impl DispatcherHandle {
    /// A handle for a node that does not dispatch (`--role api`): it holds nothing in memory,
    /// so every delivery is left to the scans of the nodes that do.
    pub fn none(lease: Arc<Lease>) -> Self {
        let (commands, _) = mpsc::unbounded_channel();
        Self {
            lease,
            capacity: Arc::new(Capacity::new(Limits {
                deliveries: 0,
                bytes: 0,
                per_webhook: 0,
            })),
            commands,
            dispatches: false,
            healths: LaneHealths::default(),
        }
    }

    /// Requests at once adaptive concurrency allows `webhook` on this node now; `None` when
    /// this node has not sent it anything (or does not dispatch): then its `max_in_flight`.
    pub fn effective_in_flight(&self, webhook: &WebhookId) -> Option<u32> {
        self.healths.in_flight_limit(webhook)
    }

    /// Whether this node attempts deliveries itself.
    pub fn dispatches(&self) -> bool {
        self.dispatches
    }

    pub fn lease(&self) -> &Lease {
        &self.lease
    }

    pub fn capacity(&self) -> &Arc<Capacity> {
        &self.capacity
    }

    /// Hands over deliveries claimed for this node, with the memory reserved for them; the
    /// engine keeps each reservation until its delivery leaves memory.
    pub fn submit(&self, jobs: Vec<Held>) {
        if jobs.is_empty() {
            return;
        }
        // Shutting down when this fails: the jobs are dropped with their reservations, and stay
        // claimed in the store until their leases run out (or, on SQLite, until the next start).
        let _ = self.commands.send(engine::Command::Jobs(jobs));
    }

    /// Hands over the probe of an open circuit, claimed for this node: it starts whatever the
    /// circuit says.
    pub fn probe(&self, job: DeliveryJob) {
        let reservation = self
            .capacity
            .reserve_claimed(&job.webhook_id, job.payload.len());
        let _ = self
            .commands
            .send(engine::Command::Probe(Held::new(job, reservation)));
    }

    /// Hands over deliveries claimed for this node outside publishing (by the scan, or a
    /// manual retry): they are in memory now, so room is reserved for each whatever the limits.
    pub fn submit_claimed(&self, jobs: Vec<DeliveryJob>) {
        let held = jobs
            .into_iter()
            .map(|job| {
                let reservation = self
                    .capacity
                    .reserve_claimed(&job.webhook_id, job.payload.len());
                Held::new(job, reservation)
            })
            .collect();
        self.submit(held);
    }
}

/// The running engine, scanner and recorder.
pub struct Dispatcher {
    handle: DispatcherHandle,
    engine: JoinHandle<()>,
    scanner: JoinHandle<()>,
    recorder: JoinHandle<()>,
    renewer: JoinHandle<()>,
    prober: JoinHandle<()>,
    stop_scanner: watch::Sender<bool>,
    ping: prober::PingSlot,
}

impl Dispatcher {
    /// Starts the engine, scanner, recorder and prober. What outcomes did to webhooks (disabled
    /// them, moved their circuits) is reported on the returned channel (the caller publishes
    /// hookd's own events); `set_ping` gives the prober its `webhook.ping`.
    pub fn start(
        config: DispatchConfig,
        store: DynStore,
        directory: &Directory,
        client: OutboundClient,
    ) -> (Self, mpsc::UnboundedReceiver<WebhookNews>) {
        let capacity = Arc::new(Capacity::new(config.limits));
        let (commands, command_receiver) = mpsc::unbounded_channel();
        let (outcomes, outcome_receiver) = mpsc::unbounded_channel();
        let (disabled, disabled_receiver) = mpsc::unbounded_channel();
        let healths = LaneHealths::default();
        let handle = DispatcherHandle {
            lease: config.lease.clone(),
            capacity,
            commands,
            dispatches: true,
            healths: healths.clone(),
        };
        let parts = engine::EngineParts {
            store: store.clone(),
            transport: Arc::new(client),
            snapshots: directory.subscribe(),
            lease: config.lease.clone(),
            outcomes,
            default_schedule: config.default_schedule.clone(),
            user_agent: config.user_agent.clone(),
            gates: config.gates.clone(),
            disable_after: config.disable_after,
            healths,
        };
        let engine = tokio::spawn(engine::run(parts, command_receiver));
        let scan_now = Arc::new(tokio::sync::Notify::new());
        let recorder = tokio::spawn(recorder::run(
            store.clone(),
            outcome_receiver,
            config.disable_after,
            disabled,
            scan_now.clone(),
        ));
        let (stop_scanner, stop) = watch::channel(false);
        let renewer = tokio::spawn(renewer::run(store.clone(), config.lease.clone()));
        let ping = prober::PingSlot::default();
        let prober = tokio::spawn(
            prober::Prober {
                store: store.clone(),
                snapshots: directory.subscribe(),
                dispatcher: handle.clone(),
                ping: ping.clone(),
            }
            .run(stop.clone()),
        );
        let scanner = tokio::spawn(scanner::run(
            store,
            handle.clone(),
            directory.subscribe(),
            config.scan_interval,
            config.max_payload,
            scan_now,
            stop,
        ));
        (
            Self {
                handle,
                engine,
                scanner,
                recorder,
                renewer,
                prober,
                stop_scanner,
                ping,
            },
            disabled_receiver,
        )
    }

    pub fn handle(&self) -> DispatcherHandle {
        self.handle.clone()
    }

    /// Gives the prober what publishes its `webhook.ping` (once; later calls are ignored).
    pub fn set_ping(&self, ping: Arc<dyn prober::ProbePing>) {
        let _ = self.ping.set(ping);
    }

    /// Stops claiming, gives queued deliveries back, lets running attempts finish within
    /// `grace`, and waits until every outcome is written.
    pub async fn shutdown(self, grace: Duration) {
        let _ = self.stop_scanner.send(true);
        let _ = self.scanner.await;
        let _ = self.prober.await;
        let _ = self
            .handle
            .commands
            .send(engine::Command::Shutdown { grace });
        let _ = self.engine.await;
        drop(self.handle);
        let _ = self.recorder.await;
        self.renewer.abort();
    }
}
