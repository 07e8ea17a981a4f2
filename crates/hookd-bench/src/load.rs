//! The load generator: HTTP/1.1 POSTs over keep-alive connections, either as fast as
//! `concurrency` callers can go, each on a connection of its own (closed loop), or at a fixed
//! rate over a pool (open loop). Each request is a JSON body, with headers of its own where the
//! scenario needs them (a signed inbound webhook).

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::client::conn::http1;
use hyper::header::{AUTHORIZATION, CONTENT_TYPE, HOST, HeaderMap, HeaderValue};
use hyper::{Method, Request, StatusCode, Uri};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::{TokioExecutor, TokioIo};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};
use tokio::sync::Semaphore;

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

/// One request of a closed loop: a JSON body, and headers beyond the content type, host and
/// token that every request has.
pub struct Payload {
    pub headers: HeaderMap,
    pub body: Bytes,
}

impl From<Bytes> for Payload {
    fn from(body: Bytes) -> Self {
        Self {
            headers: HeaderMap::new(),
            body,
        }
    }
}

/// One keep-alive HTTP/1.1 connection of a caller's own: a caller sends one request at a time,
/// so it needs no pool to check connections out of, and the generator spends its time on the
/// requests themselves (as `wrk` does).
struct Connection {
    sender: http1::SendRequest<Full<Bytes>>,
}

/// A URL split into what a dedicated connection needs.
#[derive(Clone)]
struct Endpoint {
    address: String,
    host: HeaderValue,
    path: Uri,
    authorization: Option<HeaderValue>,
}

impl Endpoint {
    fn new(url: &str, token: Option<&str>) -> anyhow::Result<Self> {
        let uri: Uri = url.parse()?;
        let authority = uri
            .authority()
            .ok_or_else(|| anyhow::anyhow!("{url} has no host"))?;
        let path = uri
            .path_and_query()
            .map_or("/", |p| p.as_str())
            .parse::<Uri>()?;
        Ok(Self {
            address: format!(
                "{}:{}",
                authority.host(),
                authority.port_u16().unwrap_or(80)
            ),
            host: HeaderValue::from_str(authority.as_str())?,
            path,
            authorization: token
                .map(|t| HeaderValue::from_str(&format!("Bearer {t}")))
                .transpose()?,
        })
    }

    async fn connect(&self) -> anyhow::Result<Connection> {
        let stream = tokio::net::TcpStream::connect(&self.address).await?;
        stream.set_nodelay(true)?;
        let (sender, connection) = http1::handshake(TokioIo::new(stream)).await?;
        tokio::spawn(connection);
        Ok(Connection { sender })
    }

    async fn post(&self, connection: &mut Connection, payload: Payload) -> anyhow::Result<Answer> {
        let mut request = Request::new(Full::new(payload.body));
        *request.method_mut() = Method::POST;
        *request.uri_mut() = self.path.clone();
        *request.headers_mut() = payload.headers;
        let headers = request.headers_mut();
        headers.insert(HOST, self.host.clone());
        headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
        if let Some(authorization) = &self.authorization {
            headers.insert(AUTHORIZATION, authorization.clone());
        }
        connection.sender.ready().await?;
        let response = connection.sender.send_request(request).await?;
        let status = response.status();
        let body = response.into_body().collect().await?.to_bytes();
        Ok(Answer { status, body })
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

/// `concurrency` callers POST for `duration`; `body(n)` makes the n-th request's body (or a
/// whole `Payload`, with headers), and `accepted(n, answer)` sees each 2xx answer. With a
/// `window`, each request first takes one of its permits for good (whoever sees the request's
/// effect gives one back), so no more than the window's permits are outstanding at a time.
pub async fn closed_loop<B, P, A>(
    http: &Http,
    url: &str,
    concurrency: usize,
    duration: Duration,
    window: Option<Arc<Semaphore>>,
    body: B,
    accepted: A,
) -> Run
where
    B: Fn(u64) -> P + Send + Sync + 'static,
    P: Into<Payload>,
    A: Fn(u64, &Answer) + Send + Sync + 'static,
{
    let endpoint = match Endpoint::new(url, http.token.as_deref()) {
        Ok(endpoint) => Arc::new(endpoint),
        Err(_) => return Run::default(),
    };
    let (body, accepted) = (Arc::new(body), Arc::new(accepted));
    let counter = Arc::new(AtomicU64::new(0));
    let tally = Arc::new(Tally::default());
    let stop = Arc::new(AtomicBool::new(false));
    let start = Instant::now();
    let mut callers = Vec::with_capacity(concurrency);
    for _ in 0..concurrency {
        let (endpoint, body, accepted) = (endpoint.clone(), body.clone(), accepted.clone());
        let (counter, tally, stop) = (counter.clone(), tally.clone(), stop.clone());
        let window = window.clone();
        callers.push(tokio::spawn(async move {
            let mut connection = None;
            while !stop.load(Ordering::Relaxed) {
                if connection.is_none() {
                    match endpoint.connect().await {
                        Ok(fresh) => connection = Some(fresh),
                        Err(error) => {
                            tally.record(Err(error), |_| {});
                            tokio::time::sleep(Duration::from_millis(10)).await;
                            continue;
                        }
                    }
                }
                if let Some(window) = &window {
                    match window.acquire().await {
                        Ok(permit) => permit.forget(),
                        Err(_) => break,
                    }
                }
                let n = counter.fetch_add(1, Ordering::Relaxed);
                let open = connection.as_mut().expect("connected above");
                let result = endpoint.post(open, body(n).into()).await;
                let refused = !matches!(&result, Ok(answer) if answer.status.is_success());
                if let (true, Some(window)) = (refused, &window) {
                    // Nothing was published, so nothing will arrive to give the permit back.
                    window.add_permits(1);
                }
                if result.is_err() {
                    connection = None;
                }
                tally.record(result, |answer| accepted(n, answer));
            }
        }));
    }
    tokio::time::sleep(duration).await;
    stop.store(true, Ordering::Relaxed);
    if let Some(window) = &window {
        window.close();
    }
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
