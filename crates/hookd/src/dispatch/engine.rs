//! The dispatcher's engine: one task that owns a lane per webhook. A lane queues that webhook's
//! deliveries and starts attempts while `gates` let it: the webhook's `max_in_flight` and rate
//! limit, its tenant's share and the node's total. A slow or dead webhook therefore holds only
//! its own slots, and a tenant at most its share. Lanes held back by a shared limit wait in
//! `waiting` and take freed slots in turn, one attempt each per turn. Attempts run as their own
//! tasks and report outcomes to the recorder; the engine only hears that a slot is free.

use super::attempt::{self, Target};
use super::capacity::{Held, Reservation};
use super::clock::SharedClock;
use super::gates::{Closed, Gates, Pass};
use super::health::{LaneHealth, LaneHealths};
use super::lease::Lease;
use super::transport::SharedTransport;
use crate::directory::Snapshot;
use crate::model::{
    AttemptOutcome, CircuitRole, ClaimId, DeliveryId, DeliveryJob, RetrySchedule, WebhookId,
};
use crate::store::DynStore;
use crate::store::rules::health::streak_limit;
use hyper::header::HeaderValue;
use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{mpsc, watch};
use tokio::task::{Id as TaskId, JoinSet};
use tokio::time::Instant;

pub enum Command {
    /// Deliveries claimed for this node, with the memory reserved for them.
    Jobs(Vec<Held>),
    /// The probe of an open circuit (the prober holds its lease): started whatever the
    /// circuit says, one at a time per webhook.
    Probe(Held),
    /// Stop starting attempts, give queued deliveries back, wait for running ones.
    Shutdown { grace: Duration },
}

/// What the engine needs besides its channels.
pub struct EngineParts {
    pub store: DynStore,
    /// Where attempts are sent: the outbound client, or a fake endpoint in tests.
    pub transport: SharedTransport,
    pub snapshots: watch::Receiver<Arc<Snapshot>>,
    pub lease: Arc<Lease>,
    pub outcomes: mpsc::UnboundedSender<AttemptOutcome>,
    pub default_schedule: RetrySchedule,
    pub user_agent: HeaderValue,
    pub gates: Arc<Gates>,
    /// Deliveries failed in a row that disable a webhook (0: never): a lane whose streak
    /// reaches it starts no more attempts.
    pub disable_after: u32,
    /// What attempts found out about each webhook, shared with the API.
    pub healths: LaneHealths,
}

struct Lane {
    target: Arc<Target>,
    queue: VecDeque<Held>,
    /// Attempts of this lane running now.
    in_flight: u32,
    /// What the lane's attempts found out, shared with them so that it counts the moment an
    /// answer comes, before the attempt's slot is free for the next one.
    health: Arc<LaneHealth>,
    /// Set when the webhook is about to be disabled (its streak reached `disable_after`, or a
    /// receiver answered 410): no attempt starts until the directory says what became of it,
    /// or until the time here passes with the webhook still active (then the lane goes on
    /// from the stored streak).
    stopped_until: Option<Instant>,
    /// A probe waiting to start (only the gates hold it back).
    probe: Option<Held>,
    /// A probe is running.
    probing: bool,
}

/// How long a stopped lane waits for its webhook to be disabled before it looks again.
const STOP_RECHECK: Duration = Duration::from_secs(5);
/// How long a circuit the lane opened itself stays open without the directory showing it
/// (the store judged the answers otherwise: another node's success came between).
const LOCAL_OPEN_RECHECK: Duration = Duration::from_secs(10);

/// What one try to start a lane's next attempt did.
enum Step {
    Started,
    /// Nothing queued (or no such lane).
    Empty,
    /// A limit holds the lane back.
    Held(Closed),
}

struct Engine {
    parts: EngineParts,
    snapshot: Arc<Snapshot>,
    lanes: HashMap<WebhookId, Lane>,
    attempts: JoinSet<()>,
    /// Which lane each running attempt belongs to, with the memory its delivery holds and
    /// whether it is a probe.
    running: HashMap<TaskId, (WebhookId, Reservation, bool)>,
    /// Lanes waiting for their rate limit, and when the earliest can go.
    throttled: HashSet<WebhookId>,
    wake_at: Option<Instant>,
    /// Lanes held back by their tenant's share or the node's total, in the order they take
    /// freed slots (`waiting_set` holds the same ids).
    waiting: VecDeque<WebhookId>,
    waiting_set: HashSet<WebhookId>,
    /// The lease's clock: rate limits and attempts read the time here.
    clock: SharedClock,
}

/// Runs the engine until `Shutdown` (or every command sender is gone).
pub async fn run(parts: EngineParts, mut commands: mpsc::UnboundedReceiver<Command>) {
    let snapshot = parts.snapshots.borrow().clone();
    let clock = parts.lease.clock().clone();
    let mut engine = Engine {
        parts,
        snapshot,
        lanes: HashMap::new(),
        attempts: JoinSet::new(),
        running: HashMap::new(),
        throttled: HashSet::new(),
        wake_at: None,
        waiting: VecDeque::new(),
        waiting_set: HashSet::new(),
        clock,
    };
    let gates = engine.parts.gates.clone();
    let grace = loop {
        let wake_at = engine.wake_at;
        tokio::select! {
            command = commands.recv() => match command {
                Some(Command::Jobs(jobs)) => engine.accept(jobs),
                Some(Command::Probe(probe)) => engine.accept_probe(probe),
                Some(Command::Shutdown { grace }) => break grace,
                None => break Duration::ZERO,
            },
            Some(finished) = engine.attempts.join_next_with_id(), if !engine.attempts.is_empty() => {
                let id = match finished { Ok((id, ())) => id, Err(error) => error.id() };
                engine.finished(id);
            }
            Ok(()) = engine.parts.snapshots.changed() => engine.refresh_targets(),
            () = sleep_until(wake_at), if wake_at.is_some() => engine.wake(),
            () = gates.freed.notified(), if !engine.waiting.is_empty() => engine.pump_waiting(),
        }
    };
    engine.drain(commands, grace).await;
}

async fn sleep_until(at: Option<Instant>) {
    if let Some(at) = at {
        tokio::time::sleep_until(at).await;
    }
}

impl Engine {
    fn accept(&mut self, jobs: Vec<Held>) {
        let mut touched = HashSet::new();
        let mut unwanted = Vec::new();
        for held in jobs {
            let webhook = held.job.webhook_id.clone();
            if self.ensure_lane(&webhook) {
                self.lanes
                    .get_mut(&webhook)
                    .expect("lane exists")
                    .queue
                    .push_back(held);
                touched.insert(webhook);
            } else {
                unwanted.push(held);
            }
        }
        for id in touched {
            self.pump(&id);
        }
        self.give_back(unwanted);
    }

    /// Takes a probe: it replaces the same delivery in the lane's queue, and starts as soon as
    /// the gates let it (the circuit does not hold it back).
    fn accept_probe(&mut self, probe: Held) {
        let webhook = probe.job.webhook_id.clone();
        if !self.ensure_lane(&webhook) {
            return self.give_back(vec![probe]);
        }
        let lane = self.lanes.get_mut(&webhook).expect("lane exists");
        let delivery = &probe.job.delivery_id;
        // The same delivery queued here is the probe now (its memory goes with the copy).
        lane.queue.retain(|held| held.job.delivery_id != *delivery);
        let replaced = lane.probe.replace(probe);
        self.pump(&webhook);
        if let Some(replaced) = replaced {
            self.give_back(vec![replaced]);
        }
    }

    /// Makes sure an active webhook has a lane; false if the webhook is unknown or disabled.
    fn ensure_lane(&mut self, id: &WebhookId) -> bool {
        if self.lanes.contains_key(id) {
            return true;
        }
        let Some(webhook) = self.snapshot.webhook(id).filter(|w| w.active) else {
            return false;
        };
        // Kept while the webhook is in the directory (a lane comes and goes with its queue; a
        // pause or a streak must outlive it).
        let health = self.parts.healths.of(webhook);
        let target = Arc::new(Target::new(webhook.clone(), &self.parts.default_schedule));
        self.lanes.insert(
            id.clone(),
            Lane {
                target,
                queue: VecDeque::new(),
                in_flight: 0,
                health,
                stopped_until: None,
                probe: None,
                probing: false,
            },
        );
        true
    }

    /// Starts attempts on the lane while every limit lets it.
    fn pump(&mut self, id: &WebhookId) {
        loop {
            match self.start_next(id) {
                Step::Started => {}
                Step::Empty | Step::Held(Closed::Webhook) => return,
                Step::Held(closed) => return self.hold(id, closed),
            }
        }
    }

    /// Notes a lane that a limit holds back, to be tried again when it may go.
    fn hold(&mut self, id: &WebhookId, closed: Closed) {
        match closed {
            Closed::RateLimited(ready) => {
                // The gates measure on the engine's clock; tokio's timers wait that long.
                let ready = Instant::now() + ready.saturating_duration_since(self.clock.instant());
                self.throttled.insert(id.clone());
                self.wake_at = Some(self.wake_at.map_or(ready, |at| at.min(ready)));
            }
            Closed::Tenant | Closed::Node => {
                if self.waiting_set.insert(id.clone()) {
                    self.waiting.push_back(id.clone());
                }
            }
            // Its own attempt finishing pumps it again.
            Closed::Webhook => {}
        }
    }

    /// Gives freed slots to the lanes that wait for them, one attempt per lane in turn, until
    /// no waiting lane can start anything.
    fn pump_waiting(&mut self) {
        let mut fruitless_turns = 0;
        while fruitless_turns < self.waiting.len() {
            let id = self.waiting.pop_front().expect("not empty");
            match self.start_next(&id) {
                Step::Started => {
                    fruitless_turns = 0;
                    self.waiting.push_back(id);
                }
                Step::Held(Closed::Tenant) => {
                    // Another tenant's lane may still go.
                    fruitless_turns += 1;
                    self.waiting.push_back(id);
                }
                Step::Held(Closed::Node) => {
                    self.waiting.push_front(id);
                    return;
                }
                Step::Held(closed) => {
                    self.waiting_set.remove(&id);
                    self.hold(&id, closed);
                }
                Step::Empty => {
                    self.waiting_set.remove(&id);
                }
            }
        }
    }

    /// Starts the lane's next attempt if every limit lets it: its probe first, if it has one.
    fn start_next(&mut self, id: &WebhookId) -> Step {
        let Some(lane) = self.lanes.get_mut(id) else {
            return Step::Empty;
        };
        if let Some(probe) = lane.probe.take() {
            if !self.parts.lease.holds(&probe.job.claim) {
                // As for a queued delivery whose claim lapsed: forgotten, taken over later.
                drop(probe);
            } else if lane.probing {
                lane.probe = Some(probe);
            } else {
                match self.parts.gates.try_enter_within(
                    &lane.target.webhook,
                    lane.health.in_flight_limit(),
                    self.clock.instant(),
                ) {
                    Ok(pass) => return self.launch(id, probe, pass, CircuitRole::Probe),
                    Err(closed) => {
                        lane.probe = Some(probe);
                        return Step::Held(closed);
                    }
                }
            }
        }
        loop {
            let Some(held) = lane.queue.front() else {
                return Step::Empty;
            };
            if self.parts.lease.holds(&held.job.claim) {
                break;
            }
            // The claim lapsed: another node may have this delivery by now. Forget it (and its
            // memory); its lease runs out and whoever takes it over makes the attempt.
            drop(lane.queue.pop_front());
        }
        if circuit_blocks(lane, self.clock.instant()) {
            // Open: the deliveries wait in the database, their attempts kept, until it closes.
            let queued: Vec<Held> = lane.queue.drain(..).collect();
            self.give_back(queued);
            return Step::Empty;
        }
        let streak_limit = streak_limit(&lane.target.webhook.breaker(), self.parts.disable_after);
        let disabling = lane.health.disabling(streak_limit);
        if lane.stopped_until.is_some() {
            if disabling {
                return Step::Empty;
            }
            // Enabled again meanwhile (its health starts afresh): the stop is over.
            lane.stopped_until = None;
        }
        if disabling {
            let recheck = Instant::now() + STOP_RECHECK;
            lane.stopped_until = Some(recheck);
            self.throttled.insert(id.clone());
            self.wake_at = Some(self.wake_at.map_or(recheck, |at| at.min(recheck)));
            return Step::Empty;
        }
        if let Some(until) = lane.health.paused_at(self.clock.instant()) {
            return Step::Held(Closed::RateLimited(until));
        }
        if lane.health.at_failure_budget(streak_limit) || lane.health.at_circuit_budget() {
            // Its own attempts finishing pump the lane again.
            return Step::Held(Closed::Webhook);
        }
        let pass = match self.parts.gates.try_enter_within(
            &lane.target.webhook,
            lane.health.in_flight_limit(),
            self.clock.instant(),
        ) {
            Ok(pass) => pass,
            Err(closed) => return Step::Held(closed),
        };
        let held = lane.queue.pop_front().expect("checked above");
        self.launch(id, held, pass, CircuitRole::Counted)
    }

    /// Starts an attempt of the lane's, holding `pass` until it ends.
    fn launch(&mut self, id: &WebhookId, held: Held, pass: Pass, role: CircuitRole) -> Step {
        let lane = self.lanes.get_mut(id).expect("the lane starting it");
        lane.health.started();
        let (job, reservation) = held.into_parts();
        lane.in_flight += 1;
        let probe = role == CircuitRole::Probe;
        lane.probing |= probe;
        let target = lane.target.clone();
        let transport = self.parts.transport.clone();
        let clock = self.clock.clone();
        let user_agent = self.parts.user_agent.clone();
        let outcomes = self.parts.outcomes.clone();
        let health = lane.health.clone();
        let handle = self.attempts.spawn(async move {
            let outcome =
                attempt::perform_with(&*clock, &*transport, &user_agent, &target, &job, role).await;
            // Counted before the slot is free: the next attempt starts knowing this answer.
            health.record(&outcome, clock.instant());
            drop(pass);
            let _ = outcomes.send(outcome);
        });
        self.running
            .insert(handle.id(), (id.clone(), reservation, probe));
        Step::Started
    }

    fn finished(&mut self, task: TaskId) {
        let Some((webhook, reservation, probe)) = self.running.remove(&task) else {
            return;
        };
        drop(reservation);
        let Some(lane) = self.lanes.get_mut(&webhook) else {
            return;
        };
        lane.in_flight -= 1;
        if probe {
            lane.probing = false;
        }
        // A stopped lane stays, so that its streak is not forgotten before the store has it.
        if lane.queue.is_empty()
            && lane.in_flight == 0
            && lane.stopped_until.is_none()
            && lane.probe.is_none()
        {
            self.lanes.remove(&webhook);
        } else {
            self.pump(&webhook);
        }
        self.pump_waiting();
    }

    fn wake(&mut self) {
        self.wake_at = None;
        let now = Instant::now();
        for id in std::mem::take(&mut self.throttled) {
            if let Some(lane) = self.lanes.get_mut(&id)
                && let Some(until) = lane.stopped_until
            {
                if until > now {
                    self.throttled.insert(id);
                    self.wake_at = Some(self.wake_at.map_or(until, |at| at.min(until)));
                    continue;
                }
                // Still active after a while: the store did not disable it (someone enabled it,
                // or its streak was reset). Go on from the streak the directory has.
                lane.stopped_until = None;
                lane.health.resume_from(
                    self.snapshot
                        .webhook(&id)
                        .map_or(0, |webhook| webhook.failure_streak),
                );
                if lane.queue.is_empty() && lane.in_flight == 0 {
                    self.lanes.remove(&id);
                    continue;
                }
            }
            self.pump(&id);
        }
    }

    /// A webhook changed: lanes take the new settings; lanes of deleted or disabled webhooks
    /// give their queued deliveries back (running attempts finish).
    fn refresh_targets(&mut self) {
        let before = std::mem::replace(
            &mut self.snapshot,
            self.parts.snapshots.borrow_and_update().clone(),
        );
        // A webhook gone from the directory is forgotten; one enabled again starts afresh from
        // its stored streak (enabling clears it).
        let snapshot = &self.snapshot;
        self.parts.healths.retain(|id, health| {
            let Some(now) = snapshot.webhook(id) else {
                return false;
            };
            let was_active = before.webhook(id).is_some_and(|w| w.active);
            if now.active && !was_active {
                health.resume_from(now.failure_streak);
            }
            health.set_max_in_flight(now.max_in_flight);
            health.set_breaker(now);
            // The circuit as the store has it governs once the directory shows it open, or
            // closed again after it was not.
            let was_blocking = before.webhook(id).is_some_and(|w| w.circuit_blocks());
            if now.circuit_blocks() || (was_blocking && !now.circuit_blocks()) || !now.active {
                health.follow_circuit(now.circuit.failures);
            }
            true
        });
        let mut unwanted = Vec::new();
        let mut to_pump = Vec::new();
        let mut to_remove = Vec::new();
        for (id, lane) in &mut self.lanes {
            match self.snapshot.webhook(id).filter(|w| w.active) {
                Some(webhook) => {
                    if !Arc::ptr_eq(&lane.target.webhook, webhook) {
                        lane.target =
                            Arc::new(Target::new(webhook.clone(), &self.parts.default_schedule));
                        to_pump.push(id.clone());
                    }
                    if webhook.circuit_blocks() {
                        // Its circuit opened (maybe on another node): what waits here goes
                        // back to the database until it closes.
                        unwanted.extend(lane.queue.drain(..));
                    }
                }
                None => {
                    unwanted.extend(lane.queue.drain(..));
                    unwanted.extend(lane.probe.take());
                    if lane.in_flight == 0 {
                        to_remove.push(id.clone());
                    }
                }
            }
        }
        for id in to_remove {
            self.lanes.remove(&id);
            self.parts.gates.forget(&id);
        }
        for id in to_pump {
            self.pump(&id);
        }
        self.give_back(unwanted);
    }

    /// Returns deliveries to the store (due again, paused, or cancelled as their webhook now
    /// requires) and lets go of their memory.
    fn give_back(&self, jobs: Vec<Held>) {
        if jobs.is_empty() {
            return;
        }
        let jobs: Vec<DeliveryJob> = jobs.into_iter().map(Held::release).collect();
        let store = self.parts.store.clone();
        tokio::spawn(async move {
            for (claim, ids) in by_claim(jobs) {
                if let Err(error) = store.release(&claim, &ids).await {
                    tracing::warn!(%error, count = ids.len(), "could not release deliveries; they wait for their leases to run out");
                }
            }
        });
    }

    /// Shutdown: queued deliveries go back to the store; running attempts get `grace` to finish.
    async fn drain(mut self, mut commands: mpsc::UnboundedReceiver<Command>, grace: Duration) {
        commands.close();
        let mut queued: Vec<Held> = self
            .lanes
            .values_mut()
            .flat_map(|lane| lane.queue.drain(..).chain(lane.probe.take()))
            .collect();
        while let Ok(command) = commands.try_recv() {
            match command {
                Command::Jobs(jobs) => queued.extend(jobs),
                Command::Probe(probe) => queued.push(probe),
                Command::Shutdown { .. } => {}
            }
        }
        let queued: Vec<DeliveryJob> = queued.into_iter().map(Held::release).collect();
        for (claim, ids) in by_claim(queued) {
            if let Err(error) = self.parts.store.release(&claim, &ids).await {
                tracing::warn!(%error, "could not release queued deliveries at shutdown");
            }
        }
        let running = self.attempts.len();
        if running > 0 {
            tracing::info!(running, "waiting for attempts in flight");
        }
        let finished = tokio::time::timeout(grace, async {
            while let Some(done) = self.attempts.join_next_with_id().await {
                let id = match done {
                    Ok((id, ())) => id,
                    Err(error) => error.id(),
                };
                self.finished(id);
            }
        })
        .await;
        if finished.is_err() {
            tracing::warn!(
                left = self.attempts.len(),
                "attempts still running after the grace period were stopped; they will be retried"
            );
            self.attempts.shutdown().await;
        }
    }
}

/// Whether the lane's circuit holds its deliveries back: open or half open in the directory, or
/// opened a moment ago by the lane's own answers (until the directory shows what the store made
/// of them, or `LOCAL_OPEN_RECHECK` passes without it).
fn circuit_blocks(lane: &Lane, now: std::time::Instant) -> bool {
    let webhook = &lane.target.webhook;
    if !webhook.breaker().enabled {
        return false;
    }
    if webhook.circuit_blocks() {
        return true;
    }
    match lane.health.opened_locally() {
        Some(at) if now.saturating_duration_since(at) < LOCAL_OPEN_RECHECK => true,
        Some(_) => {
            lane.health.follow_circuit(webhook.circuit.failures);
            false
        }
        None => false,
    }
}

/// Delivery ids grouped by the claim they are held under.
fn by_claim(jobs: Vec<DeliveryJob>) -> HashMap<ClaimId, Vec<DeliveryId>> {
    let mut groups: HashMap<ClaimId, Vec<DeliveryId>> = HashMap::new();
    for job in jobs {
        groups.entry(job.claim).or_default().push(job.delivery_id);
    }
    groups
}

#[cfg(test)]
mod tests;
