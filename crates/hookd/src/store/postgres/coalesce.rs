//! Group commit for publishes: concurrent `insert_events` calls that arrive while earlier ones
//! are at the server are stored together, in one transaction of a few array statements,
//! instead of one transaction (and its round trips and commit) each.
//!
//! Requests received by inboxes join the same transactions (`store_request`): an inbox is as
//! fast as publishing.
//!
//! Each caller's events stay all-or-nothing: if a shared transaction fails, every call in it
//! is run again on its own, so one caller's failure is never another's.

use super::{events, inbox_batch, inboxes};
use crate::model::{InsertedEvent, NewEvent, NewInboxRequest, StoredRequest};
use crate::store::{Claim, StoreError, StoreResult};
use sqlx::PgPool;
use std::sync::Arc;
use tokio::sync::{Semaphore, mpsc, oneshot};

/// Shared transactions at the server at once; while they run, new calls gather for the next.
/// Each costs the server about as much again as a few single events (its BEGIN and COMMIT are
/// round trips of their own), so single publishes share two, in larger groups...
const IN_FLIGHT: usize = 2;
/// ...and groups of at least `LARGE` events (batches) may use two more, which keep the
/// server's cores busy with rows rather than round trips.
const LARGE_IN_FLIGHT: usize = 2;
const LARGE: usize = 200;
/// Events one shared transaction takes at most (a call is never split).
const MAX_EVENTS: usize = 2_000;

struct Call {
    claim: Claim,
    events: Vec<NewEvent>,
    /// An inbox request instead of events (then `events` is empty).
    request: Option<Box<NewInboxRequest>>,
    reply: Reply,
}

enum Reply {
    Events(oneshot::Sender<StoreResult<Vec<InsertedEvent>>>),
    Request(oneshot::Sender<StoreResult<StoredRequest>>),
}

impl Call {
    /// How much of a group it takes.
    fn size(&self) -> usize {
        self.events.len().max(1)
    }
}

/// The handle publishers go through; its task stops when the last handle is dropped.
#[derive(Clone)]
pub struct Coalescer {
    calls: mpsc::UnboundedSender<Call>,
}

impl Coalescer {
    pub fn start(pool: PgPool) -> Self {
        let (calls, receiver) = mpsc::unbounded_channel();
        tokio::spawn(run(pool, receiver));
        Self { calls }
    }

    /// Stores `events` (in a transaction shared with concurrent calls); resolves once committed.
    pub async fn insert(
        &self,
        claim: &Claim,
        events: Vec<NewEvent>,
    ) -> StoreResult<Vec<InsertedEvent>> {
        let (reply, answer) = oneshot::channel();
        self.calls
            .send(Call {
                claim: claim.clone(),
                events,
                request: None,
                reply: Reply::Events(reply),
            })
            .map_err(|_| stopped())?;
        answer.await.map_err(|_| stopped())?
    }

    /// Stores an inbox request (in a transaction shared with concurrent calls).
    pub async fn store_request(
        &self,
        claim: &Claim,
        request: NewInboxRequest,
    ) -> StoreResult<StoredRequest> {
        let (reply, answer) = oneshot::channel();
        self.calls
            .send(Call {
                claim: claim.clone(),
                events: Vec::new(),
                request: Some(Box::new(request)),
                reply: Reply::Request(reply),
            })
            .map_err(|_| stopped())?;
        answer.await.map_err(|_| stopped())?
    }
}

fn stopped() -> StoreError {
    StoreError::Unavailable("the publish writer has stopped".into())
}

async fn run(pool: PgPool, mut receiver: mpsc::UnboundedReceiver<Call>) {
    let slots = Arc::new(Semaphore::new(IN_FLIGHT));
    let large_slots = Arc::new(Semaphore::new(LARGE_IN_FLIGHT));
    let mut waiting: Option<Call> = None;
    loop {
        let first = match waiting.take() {
            Some(call) => call,
            None => match receiver.recv().await {
                Some(call) => call,
                None => return,
            },
        };
        let mut group = vec![first];
        let mut size = group[0].size();
        gather(&mut receiver, &mut group, &mut size, &mut waiting);
        // Calls go on joining the group while it waits for a slot; once it is large, it may
        // take one of the large groups' slots too.
        let mut closed = false;
        let slot = loop {
            tokio::select! {
                biased;
                slot = slots.clone().acquire_owned() => break slot,
                slot = large_slots.clone().acquire_owned(), if size >= LARGE => break slot,
                call = receiver.recv(), if !closed && waiting.is_none() && size < MAX_EVENTS => {
                    match call {
                        Some(call) => {
                            join(call, &mut group, &mut size, &mut waiting);
                        }
                        None => closed = true,
                    }
                }
            }
        };
        let Ok(slot) = slot else {
            return;
        };
        let pool = pool.clone();
        tokio::spawn(async move {
            store_group(&pool, group).await;
            drop(slot);
        });
        if closed {
            return;
        }
    }
}

/// Adds the calls queued to `group`, up to `MAX_EVENTS` (a call that would pass it waits for
/// the next group).
fn gather(
    receiver: &mut mpsc::UnboundedReceiver<Call>,
    group: &mut Vec<Call>,
    size: &mut usize,
    waiting: &mut Option<Call>,
) {
    while *size < MAX_EVENTS {
        let Ok(call) = receiver.try_recv() else {
            return;
        };
        if !join(call, group, size, waiting) {
            return;
        }
    }
}

/// Adds `call` to `group`, or keeps it `waiting` for the next group if it would take the group
/// past `MAX_EVENTS`; true if it joined.
fn join(call: Call, group: &mut Vec<Call>, size: &mut usize, waiting: &mut Option<Call>) -> bool {
    if *size + call.size() > MAX_EVENTS {
        *waiting = Some(call);
        return false;
    }
    *size += call.size();
    group.push(call);
    true
}

/// One transaction for the whole group; on failure, each call on its own.
async fn store_group(pool: &PgPool, mut group: Vec<Call>) {
    if group.len() == 1 {
        return store_each(pool, group).await;
    }
    // The earliest lease of the group: a claim held a few milliseconds shorter is renewed in
    // time all the same.
    let mut claim = group[0].claim.clone();
    for call in &group[1..] {
        if call.claim.by != claim.by {
            // Claims of different leases never share a transaction (one node has one lease,
            // so this happens only around a lease change).
            return store_each(pool, group).await;
        }
        claim.until = claim.until.min(call.claim.until);
    }
    // The calls' events move into one list and back out on failure: nothing is copied.
    let sizes: Vec<usize> = group.iter().map(|c| c.events.len()).collect();
    let mut all: Vec<NewEvent> = Vec::with_capacity(sizes.iter().sum());
    for call in &mut group {
        all.append(&mut call.events);
    }
    match store_together(pool, &claim, &group, &all).await {
        Ok((mut stored, outcomes)) => {
            let mut outcomes = outcomes.into_iter();
            for (call, size) in group.into_iter().zip(sizes) {
                match call.reply {
                    Reply::Events(reply) => {
                        let _ = reply.send(Ok(outcomes.by_ref().take(size).collect()));
                    }
                    Reply::Request(reply) => {
                        let _ = reply.send(Ok(stored.remove(0)));
                    }
                }
            }
        }
        Err(_) => {
            let mut events = all.into_iter();
            for (call, size) in group.iter_mut().zip(sizes) {
                call.events = events.by_ref().take(size).collect();
            }
            store_each(pool, group).await
        }
    }
}

/// The group's inbox requests (answered in the group's order) and its events, in one
/// transaction: the requests' keys and events, the published events, and last the requests'
/// numbers and rows, which lock their inboxes' rows (in inbox order, so two groups lock the
/// inboxes they share in the same order) only for those rows and the commit.
async fn store_together(
    pool: &PgPool,
    claim: &Claim,
    group: &[Call],
    events: &[NewEvent],
) -> StoreResult<(Vec<StoredRequest>, Vec<InsertedEvent>)> {
    let mut transaction = pool.begin().await?;
    let requests: Vec<&NewInboxRequest> =
        group.iter().filter_map(|c| c.request.as_deref()).collect();
    let taken = if requests.is_empty() {
        None
    } else {
        Some(inbox_batch::take_keys_and_events(&mut transaction, claim, &requests).await?)
    };
    let outcomes = if events.is_empty() {
        Vec::new()
    } else {
        events::insert_in(&mut transaction, claim, events).await?
    };
    let stored = match taken {
        Some(taken) => inbox_batch::number_and_store(&mut transaction, &requests, taken).await?,
        None => Vec::new(),
    };
    transaction.commit().await?;
    Ok((stored, outcomes))
}

async fn store_each(pool: &PgPool, group: Vec<Call>) {
    for call in group {
        match call.reply {
            Reply::Events(reply) => {
                let _ = reply.send(events::insert(pool, &call.claim, &call.events).await);
            }
            Reply::Request(reply) => {
                let request = call.request.expect("a request call has its request");
                let _ = reply.send(inboxes::store_request(pool, &call.claim, &request).await);
            }
        }
    }
}
