//! The load generator: HTTP/1.1 POSTs over pooled keep-alive connections, either as fast as
//! `concurrency` callers can go (closed loop) or at a fixed rate (open loop).

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::{Method, Request, StatusCode};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// A pooled client for loopback HTTP.
#[derive(Clone)]
pub struct Http {
    client: Client<HttpConnector, Full<Bytes>>,
    token: Option<Arc<str>>,
}

/// What a POST answered.
pub struct Answer {
    pub status: StatusCode,
    pub body: Bytes,
}

impl Http {
    pub fn new(token: Option<&str>) -> Self {
        let mut connector = HttpConnector::new();
        connector.set_nodelay(true);
        let client = Client::builder(TokioExecutor::new())
            .pool_max_idle_per_host(1024)
            .build(connector);
        Self {
            client,
            token: token.map(Arc::from),
        }
    }

    pub async fn send(&self, method: Method, url: &str, body: Bytes) -> anyhow::Result<Answer> {
        let mut request = Request::builder()
            .method(method)
            .uri(url)
            .header("content-type", "application/json");
        if let Some(token) = &self.token {
            request = request.header("authorization", format!("Bearer {token}"));
        }
        let response = self.client.request(request.body(Full::new(body))?).await?;
        let status = response.status();
        let body = response.into_body().collect().await?.to_bytes();
        Ok(Answer { status, body })
    }

    pub async fn post(&self, url: &str, body: Bytes) -> anyhow::Result<Answer> {
        self.send(Method::POST, url, body).await
    }
}

/// What a run of requests did.
#[derive(Debug, Default)]
pub struct Run {
    pub ok: u64,
    pub failed: u64,
    pub elapsed: Duration,
}

impl Run {
    pub fn per_second(&self) -> f64 {
        self.ok as f64 / self.elapsed.as_secs_f64().max(1e-9)
    }
}

/// Counts answers from many tasks: 2xx ones (after handing them to `accepted`) and the rest.
#[derive(Default)]
struct Tally {
    ok: AtomicU64,
    failed: AtomicU64,
}

impl Tally {
    fn record(&self, result: anyhow::Result<Answer>, accepted: impl FnOnce(&Answer)) {
        match result {
            Ok(answer) if answer.status.is_success() => {
                accepted(&answer);
                self.ok.fetch_add(1, Ordering::Relaxed);
            }
            _ => {
                self.failed.fetch_add(1, Ordering::Relaxed);
            }
        }
    }

    fn finish(&self, start: Instant) -> Run {
        Run {
            ok: self.ok.load(Ordering::Relaxed),
            failed: self.failed.load(Ordering::Relaxed),
            elapsed: start.elapsed(),
        }
    }
}

/// `concurrency` callers POST for `duration`; `body(n)` makes the n-th request's body, and
/// `accepted(n, answer)` sees each 2xx answer.
pub async fn closed_loop<B, A>(
    http: &Http,
    url: &str,
    concurrency: usize,
    duration: Duration,
    body: B,
    accepted: A,
) -> Run
where
    B: Fn(u64) -> Bytes + Send + Sync + 'static,
    A: Fn(u64, &Answer) + Send + Sync + 'static,
{
    let (body, accepted) = (Arc::new(body), Arc::new(accepted));
    let counter = Arc::new(AtomicU64::new(0));
    let tally = Arc::new(Tally::default());
    let stop = Arc::new(AtomicBool::new(false));
    let url: Arc<str> = Arc::from(url);
    let start = Instant::now();
    let mut callers = Vec::with_capacity(concurrency);
    for _ in 0..concurrency {
        let (http, url, body, accepted) =
            (http.clone(), url.clone(), body.clone(), accepted.clone());
        let (counter, tally, stop) = (counter.clone(), tally.clone(), stop.clone());
        callers.push(tokio::spawn(async move {
            while !stop.load(Ordering::Relaxed) {
                let n = counter.fetch_add(1, Ordering::Relaxed);
                let result = http.post(&url, body(n)).await;
                tally.record(result, |answer| accepted(n, answer));
            }
        }));
    }
    tokio::time::sleep(duration).await;
    stop.store(true, Ordering::Relaxed);
    for caller in callers {
        let _ = caller.await;
    }
    tally.finish(start)
}

/// POSTs at `rate` per second for `duration`, each request on its own task, so a slow answer
/// does not hold back the next; `accepted(sent, answer)` gets when each 2xx request was sent.
pub async fn open_loop<B, A>(
    http: &Http,
    url: &str,
    rate: u32,
    duration: Duration,
    body: B,
    accepted: A,
) -> Run
where
    B: Fn(u64) -> Bytes + Send + Sync + 'static,
    A: Fn(Instant, &Answer) + Send + Sync + 'static,
{
    let (body, accepted) = (Arc::new(body), Arc::new(accepted));
    let tally = Arc::new(Tally::default());
    let url: Arc<str> = Arc::from(url);
    let total = (f64::from(rate) * duration.as_secs_f64()) as u64;
    let period = Duration::from_secs_f64(1.0 / f64::from(rate.max(1)));
    let start = Instant::now();
    let mut tasks = Vec::with_capacity(total as usize);
    for n in 0..total {
        tokio::time::sleep_until((start + period * n as u32).into()).await;
        let (http, url, body, accepted) =
            (http.clone(), url.clone(), body.clone(), accepted.clone());
        let tally = tally.clone();
        tasks.push(tokio::spawn(async move {
            let sent = Instant::now();
            let result = http.post(&url, body(n)).await;
            tally.record(result, |answer| accepted(sent, answer));
        }));
    }
    for task in tasks {
        let _ = task.await;
    }
    tally.finish(start)
}
