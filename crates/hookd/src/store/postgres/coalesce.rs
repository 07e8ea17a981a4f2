//! Group commit for publishes: concurrent `insert_events` calls that arrive while earlier ones
//! are at the server are stored together, in one transaction of a few array statements,
//! instead of one transaction (and its round trips and commit) each.
//!
//! Each caller's events stay all-or-nothing: if a shared transaction fails, every call in it
//! is run again on its own, so one caller's failure is never another's.

use super::events;
use crate::model::{InsertedEvent, NewEvent};
use crate::store::{Claim, StoreError, StoreResult};
use sqlx::PgPool;
use std::sync::Arc;
use tokio::sync::{Semaphore, mpsc, oneshot};

/// Shared transactions at the server at once; while they run, new calls gather for the next.
const IN_FLIGHT: usize = 4;
/// Events one shared transaction takes at most (a call is never split).
const MAX_EVENTS: usize = 2_000;

struct Call {
    claim: Claim,
    events: Vec<NewEvent>,
    reply: oneshot::Sender<StoreResult<Vec<InsertedEvent>>>,
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
        let stopped = || StoreError::Unavailable("the publish writer has stopped".into());
        self.calls
            .send(Call {
                claim: claim.clone(),
                events,
                reply,
            })
            .map_err(|_| stopped())?;
        answer.await.map_err(|_| stopped())?
    }
}

async fn run(pool: PgPool, mut receiver: mpsc::UnboundedReceiver<Call>) {
    let slots = Arc::new(Semaphore::new(IN_FLIGHT));
    let mut waiting: Option<Call> = None;
    loop {
        let Ok(slot) = slots.clone().acquire_owned().await else {
            return;
        };
        let first = match waiting.take() {
            Some(call) => call,
            None => match receiver.recv().await {
                Some(call) => call,
                None => return,
            },
        };
        let mut group = vec![first];
        let mut size = group[0].events.len();
        while size < MAX_EVENTS {
            match receiver.try_recv() {
                Ok(call) if size + call.events.len() > MAX_EVENTS => {
                    waiting = Some(call);
                    break;
                }
                Ok(call) => {
                    size += call.events.len();
                    group.push(call);
                }
                Err(_) => break,
            }
        }
        let pool = pool.clone();
        tokio::spawn(async move {
            store_group(&pool, group).await;
            drop(slot);
        });
    }
}

/// One transaction for the whole group; on failure, each call on its own.
async fn store_group(pool: &PgPool, mut group: Vec<Call>) {
    if let [_] = group.as_slice() {
        let call = group.into_iter().next().expect("one call");
        let result = events::insert(pool, &call.claim, &call.events).await;
        let _ = call.reply.send(result);
        return;
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
    match events::insert(pool, &claim, &all).await {
        Ok(outcomes) => {
            let mut outcomes = outcomes.into_iter();
            for (call, size) in group.into_iter().zip(sizes) {
                let mine = outcomes.by_ref().take(size).collect();
                let _ = call.reply.send(Ok(mine));
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

async fn store_each(pool: &PgPool, group: Vec<Call>) {
    for call in group {
        let result = events::insert(pool, &call.claim, &call.events).await;
        let _ = call.reply.send(result);
    }
}
