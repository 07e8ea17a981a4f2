//! A fake endpoint for the engine's tests: it records every request with the fake clock's time,
//! answers with the statuses it is given (200 once they run out), and can hold requests open
//! until the test lets them finish, to see how many run at once.

use super::Transport;
use crate::dispatch::client::{OutboundError, OutboundRequest, OutboundResponse};
use crate::dispatch::clock::{Clock, FakeClock};
use crate::model::Timestamp;
use async_trait::async_trait;
use hyper::HeaderMap;
use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::Semaphore;

/// One request as the endpoint saw it.
#[derive(Debug, Clone)]
pub struct Received {
    pub url: String,
    pub headers: HeaderMap,
    pub at: Timestamp,
}

pub struct FakeEndpoint {
    clock: Arc<FakeClock>,
    received: Mutex<Vec<Received>>,
    /// Answers to give in turn: a status and a `Retry-After`.
    answers: Mutex<VecDeque<(u16, Option<Duration>)>>,
    /// How long each answer takes, on the fake clock.
    latency: Duration,
    /// `Some` while requests are held open: each answer takes one permit.
    gate: Option<Semaphore>,
    /// Only requests whose URL contains this are held (all when empty).
    held_urls: String,
    /// Requests that arrived and have not been answered yet.
    open: Mutex<usize>,
}

impl FakeEndpoint {
    /// An endpoint that answers at once.
    pub fn new(clock: Arc<FakeClock>) -> Self {
        Self {
            clock,
            received: Mutex::default(),
            answers: Mutex::default(),
            latency: Duration::ZERO,
            gate: None,
            held_urls: String::new(),
            open: Mutex::new(0),
        }
    }

    /// Answers `statuses` in turn, then 200.
    pub fn answering(self, statuses: &[u16]) -> Self {
        self.answers
            .lock()
            .unwrap()
            .extend(statuses.iter().map(|status| (*status, None)));
        self
    }

    /// Answers `status` with `Retry-After: <retry_after>` next (after any answers given
    /// before), then 200.
    pub fn answering_retry_after(self, status: u16, retry_after: Duration) -> Self {
        self.answers
            .lock()
            .unwrap()
            .push_back((status, Some(retry_after)));
        self
    }

    /// Each answer moves the fake clock forward by `latency` (a slow receiver).
    pub fn taking(mut self, latency: Duration) -> Self {
        self.latency = latency;
        self
    }

    /// Holds every request open until `finish` lets it go.
    pub fn holding(mut self) -> Self {
        self.gate = Some(Semaphore::new(0));
        self
    }

    /// Holds the requests whose URL contains `part` open until `finish`; others are answered.
    pub fn holding_only(mut self, part: &str) -> Self {
        self.held_urls = part.to_owned();
        self.holding()
    }

    /// Lets `count` held requests finish.
    pub fn finish(&self, count: usize) {
        self.gate
            .as_ref()
            .expect("a holding endpoint")
            .add_permits(count);
    }

    pub fn received(&self) -> Vec<Received> {
        self.received.lock().unwrap().clone()
    }

    /// Requests received and not answered yet.
    pub fn open(&self) -> usize {
        *self.open.lock().unwrap()
    }
}

#[async_trait]
impl Transport for FakeEndpoint {
    async fn post(&self, request: OutboundRequest<'_>) -> Result<OutboundResponse, OutboundError> {
        let url = request.url.to_string();
        let held = url.contains(&self.held_urls);
        self.received.lock().unwrap().push(Received {
            url,
            headers: request.headers,
            at: self.clock.now(),
        });
        *self.open.lock().unwrap() += 1;
        if let Some(gate) = self.gate.as_ref().filter(|_| held) {
            gate.acquire().await.expect("never closed").forget();
        }
        self.clock.advance(self.latency);
        *self.open.lock().unwrap() -= 1;
        let (status, retry_after) = self
            .answers
            .lock()
            .unwrap()
            .pop_front()
            .unwrap_or((200, None));
        Ok(OutboundResponse {
            status,
            retry_after,
            body_prefix: String::new(),
            headers: Vec::new(),
        })
    }
}
