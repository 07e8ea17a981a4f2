//! The only place hookd opens outbound connections.
//!
//! Every webhook delivery goes through [`OutboundClient::post`]. Its connector
//! resolves the destination, checks each address against the SSRF
//! [`AddressPolicy`], and connects to an address that passed — the same
//! address, with no second lookup, so DNS cannot be rebound between check and
//! connect. Redirects are never followed (a 3xx is just a status), the whole
//! exchange runs under one timeout, and only a short prefix of the response
//! body is kept. [`check_destination`] applies the same policy when a webhook
//! is registered, so users learn early that a URL points somewhere forbidden.

mod connector;
mod counted;
mod own;
mod retry_after;

pub use own::OwnInboxes;

use std::error::Error as StdError;
use std::fmt;
use std::io;
use std::net::IpAddr;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::body::{Body, Incoming};
use hyper::header::{HeaderValue, RETRY_AFTER, USER_AGENT};
use hyper::{HeaderMap, Method, Request, Uri};
use hyper_rustls::HttpsConnector;
use hyper_util::client::legacy::Client;
use hyper_util::rt::{TokioExecutor, TokioTimer};

use self::connector::{ConnectError, GuardedConnector, io_text, uri_host, uri_port};
use crate::dispatch::ssrf::{AddressPolicy, ForbiddenAddress, ForbiddenName, Refusal};

/// How much of a response body is kept for the delivery log.
const PREFIX_LIMIT: usize = 4096;
/// How much of a response body is read at most, so that the connection can go
/// back to the pool; a longer body closes the connection instead.
const DRAIN_LIMIT: usize = 64 * 1024;
/// How long an unused pooled connection is kept open.
const POOL_IDLE_TIMEOUT: Duration = Duration::from_secs(30);

/// A pooled HTTP/1.1 client over TLS over the guarded connector. Cheap to clone.
#[derive(Clone)]
pub struct OutboundClient {
    client: Client<HttpsConnector<GuardedConnector>, Full<Bytes>>,
    /// For hookd's own inbox URLs only: a connector that may reach hookd's own address.
    own_client: Client<HttpsConnector<GuardedConnector>, Full<Bytes>>,
    own: OwnInboxes,
    user_agent: HeaderValue,
}

/// Connections the client for hookd's own inboxes keeps at most.
const OWN_CONNECTIONS: usize = 64;

/// One POST to a webhook endpoint.
pub struct OutboundRequest<'a> {
    /// Absolute http or https URL.
    pub url: &'a Uri,
    /// Sent as given (content-type, signatures, ...); the client's user agent
    /// is added only if no `User-Agent` is present.
    pub headers: HeaderMap,
    pub body: Bytes,
    /// Limit for the whole exchange: connect + TLS + request + reading the
    /// response body prefix.
    pub timeout: Duration,
}

/// What the endpoint answered.
#[derive(Debug, Clone)]
pub struct OutboundResponse {
    pub status: u16,
    /// From `Retry-After` (delta-seconds, or an HTTP-date relative to now);
    /// None if absent or unparseable.
    pub retry_after: Option<Duration>,
    /// The first 4096 bytes of the body, as lossy UTF-8.
    pub body_prefix: String,
    /// The response's headers, in order, bounded for the log (see `kept_headers`).
    pub headers: Vec<(String, String)>,
}

/// Why a delivery got no response; the messages are written for the delivery log.
#[derive(Debug, thiserror::Error)]
pub enum OutboundError {
    #[error("refused: {0}")]
    Forbidden(#[from] ForbiddenAddress),
    #[error("refused: {0}")]
    ForbiddenName(#[from] ForbiddenName),
    #[error("timed out after {0} ms")]
    Timeout(u64),
    #[error("could not resolve {host}: {message}")]
    Resolve { host: String, message: String },
    #[error("connection failed: {0}")]
    Connect(String),
    #[error("TLS handshake failed: {0}")]
    Tls(String),
    #[error("request failed: {0}")]
    Request(String),
}

impl OutboundClient {
    /// A client that connects only where `policy` permits, keeps at most
    /// `max_connections` open (in use or idle) and up to `pool_idle_per_host` idle
    /// per host, and sends `user_agent` unless a request sets its own (an invalid
    /// value falls back to "hookd").
    pub fn new(
        policy: AddressPolicy,
        user_agent: &str,
        max_connections: usize,
        pool_idle_per_host: usize,
    ) -> Self {
        let client = pooled(policy, max_connections, pool_idle_per_host);
        let anywhere = AddressPolicy::new(vec![
            "0.0.0.0/0".parse().expect("a network"),
            "::/0".parse().expect("a network"),
        ]);
        let own_client = pooled(anywhere, OWN_CONNECTIONS, pool_idle_per_host);
        let user_agent =
            HeaderValue::from_str(user_agent).unwrap_or_else(|_| HeaderValue::from_static("hookd"));
        Self {
            client,
            own_client,
            own: OwnInboxes::default(),
            user_agent,
        }
    }

    /// Lets deliveries reach hookd's own inbox URLs under `public_url` (`OwnInboxes`).
    pub fn with_own_inboxes(mut self, own: OwnInboxes) -> Self {
        self.own = own;
        self
    }

    /// Whether `url` is one of hookd's own inbox URLs, which the address policy does not apply to.
    pub fn is_own_inbox(&self, url: &Uri) -> bool {
        self.own.contains(url)
    }

    /// POST `req.body` to `req.url` and read the status, `Retry-After` and the
    /// start of the body. Any status, including 3xx and 5xx, is a response.
    pub async fn post(&self, req: OutboundRequest<'_>) -> Result<OutboundResponse, OutboundError> {
        if !matches!(req.url.scheme_str(), Some("http" | "https")) || req.url.host().is_none() {
            return Err(OutboundError::Request(
                "URL must be an absolute http or https URL".to_owned(),
            ));
        }
        let timeout = req.timeout;
        let started = Instant::now();
        let timed_out =
            || OutboundError::Timeout(u64::try_from(timeout.as_millis()).unwrap_or(u64::MAX));

        let (response, body, read) = tokio::time::timeout(timeout, self.exchange(req))
            .await
            .map_err(|_| timed_out())??;
        if let Some(body) = body {
            let remaining = timeout.saturating_sub(started.elapsed());
            // Best effort: a body that is too long or too slow closes the connection.
            let _ = tokio::time::timeout(remaining, drain(body, read)).await;
        }
        Ok(response)
    }

    /// Send the request and read the body prefix. Returns the response, the
    /// rest of the body (None if it ended) and how many body bytes were read.
    async fn exchange(
        &self,
        req: OutboundRequest<'_>,
    ) -> Result<(OutboundResponse, Option<Incoming>, usize), OutboundError> {
        let mut request = Request::new(Full::new(req.body));
        *request.method_mut() = Method::POST;
        *request.uri_mut() = req.url.clone();
        *request.headers_mut() = req.headers;
        if !request.headers().contains_key(USER_AGENT) {
            request
                .headers_mut()
                .insert(USER_AGENT, self.user_agent.clone());
        }
        let client = if self.own.contains(req.url) {
            &self.own_client
        } else {
            &self.client
        };
        let response = client.request(request).await.map_err(map_client_error)?;
        let (parts, mut body) = response.into_parts();
        let retry_after = parts
            .headers
            .get(RETRY_AFTER)
            .and_then(|value| retry_after::parse(value.as_bytes(), SystemTime::now()));

        let mut prefix = Vec::new();
        let mut read = 0;
        let mut ended = false;
        while prefix.len() < PREFIX_LIMIT {
            let Some(frame) = body.frame().await else {
                ended = true;
                break;
            };
            let frame = frame.map_err(|e| OutboundError::Request(chain_text(&e)))?;
            if let Some(data) = frame.data_ref() {
                read += data.len();
                let take = data.len().min(PREFIX_LIMIT - prefix.len());
                prefix.extend_from_slice(&data[..take]);
            }
        }
        let response = OutboundResponse {
            status: parts.status.as_u16(),
            retry_after,
            body_prefix: lossy_prefix(prefix, read > PREFIX_LIMIT),
            headers: kept_headers(&parts.headers),
        };
        Ok((response, (!ended).then_some(body), read))
    }
}

/// A pooled client whose connector connects only where `policy` permits.
fn pooled(
    policy: AddressPolicy,
    max_connections: usize,
    pool_idle_per_host: usize,
) -> Client<HttpsConnector<GuardedConnector>, Full<Bytes>> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let https = hyper_rustls::HttpsConnectorBuilder::new()
        .with_provider_and_webpki_roots(provider)
        .expect("the ring provider supports rustls' default protocol versions")
        .https_or_http()
        .enable_http1()
        .wrap_connector(GuardedConnector::new(Arc::new(policy), max_connections));
    Client::builder(TokioExecutor::new())
        .pool_idle_timeout(POOL_IDLE_TIMEOUT)
        .pool_max_idle_per_host(pool_idle_per_host)
        .pool_timer(TokioTimer::new())
        .build(https)
}

impl fmt::Debug for OutboundClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OutboundClient")
            .field("user_agent", &self.user_agent)
            .finish_non_exhaustive()
    }
}

/// Used at webhook registration: refuses a cloud metadata host name, resolves
/// the URL's host (IP literals are checked directly) and checks every address.
/// Err if the name or ANY resolved address is forbidden. If the name does not resolve within
/// `resolve_timeout`, returns Ok(()) (delivery will fail later and log why) —
/// the caller must not block registration on flaky DNS. A URL without a host
/// is likewise not this function's concern and passes.
pub async fn check_destination(
    policy: &AddressPolicy,
    url: &Uri,
    resolve_timeout: Duration,
) -> Result<(), Refusal> {
    let Some(host) = uri_host(url) else {
        return Ok(());
    };
    if let Ok(ip) = host.parse::<IpAddr>() {
        return Ok(policy.check(ip)?);
    }
    policy.check_name(host)?;
    let port = uri_port(url).unwrap_or(0);
    match tokio::time::timeout(resolve_timeout, tokio::net::lookup_host((host, port))).await {
        Ok(Ok(addrs)) => Ok(addrs
            .into_iter()
            .try_for_each(|addr| policy.check(addr.ip()))?),
        Ok(Err(_)) | Err(_) => Ok(()),
    }
}

/// A response's headers as the delivery log keeps them: the first `MAX_RESPONSE_HEADERS`, each
/// value as lossy UTF-8 cut to `MAX_RESPONSE_HEADER_VALUE` characters, so that a receiver
/// cannot make an attempt row large.
fn kept_headers(headers: &hyper::HeaderMap) -> Vec<(String, String)> {
    use crate::model::{MAX_RESPONSE_HEADER_VALUE, MAX_RESPONSE_HEADERS};
    headers
        .iter()
        .take(MAX_RESPONSE_HEADERS)
        .map(|(name, value)| {
            let text = String::from_utf8_lossy(value.as_bytes());
            let kept: String = text.chars().take(MAX_RESPONSE_HEADER_VALUE).collect();
            (name.as_str().to_owned(), kept)
        })
        .collect()
}

/// Read and discard the rest of a body, up to [`DRAIN_LIMIT`] bytes in total,
/// so that the connection can be reused. Stops early, dropping the body and
/// closing the connection, once the body is known to be longer than that.
async fn drain(mut body: Incoming, mut read: usize) {
    loop {
        let announced = usize::try_from(body.size_hint().lower()).unwrap_or(usize::MAX);
        if read.saturating_add(announced) > DRAIN_LIMIT {
            return;
        }
        match body.frame().await {
            Some(Ok(frame)) => read += frame.data_ref().map_or(0, Bytes::len),
            Some(Err(_)) | None => return,
        }
    }
}

/// The body prefix as text. Invalid UTF-8 becomes U+FFFD, except a character
/// cut in half by the prefix limit, which is dropped.
fn lossy_prefix(bytes: Vec<u8>, cut: bool) -> String {
    match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(error) => {
            let utf8 = error.utf8_error();
            let mut bytes = error.into_bytes();
            if cut && utf8.error_len().is_none() {
                // The only invalid bytes are an incomplete character at the end.
                bytes.truncate(utf8.valid_up_to());
            }
            String::from_utf8_lossy(&bytes).into_owned()
        }
    }
}

/// Map hyper-util's error by what its cause chain contains.
fn map_client_error(error: hyper_util::client::legacy::Error) -> OutboundError {
    if let Some(cause) = find::<ConnectError>(&error) {
        return match cause {
            ConnectError::Forbidden(forbidden) => OutboundError::Forbidden(forbidden.clone()),
            ConnectError::ForbiddenName(forbidden) => {
                OutboundError::ForbiddenName(forbidden.clone())
            }
            ConnectError::Resolve { host, message } => OutboundError::Resolve {
                host: host.clone(),
                message: message.clone(),
            },
            ConnectError::Connect { .. } => OutboundError::Connect(cause.to_string()),
            ConnectError::InvalidUri(message) => OutboundError::Request((*message).to_owned()),
        };
    }
    if let Some(tls) = find::<rustls::Error>(&error) {
        return OutboundError::Tls(tls.to_string());
    }
    if error.is_connect() {
        // TCP is up (the connector succeeded), so the failure is in the TLS layer,
        // e.g. the peer closed the connection during the handshake.
        return OutboundError::Tls(text(innermost(&error)));
    }
    OutboundError::Request(chain_text(&error))
}

/// The first error of type `T` in the cause chain of `error`.
fn find<'a, T: StdError + 'static>(mut error: &'a (dyn StdError + 'static)) -> Option<&'a T> {
    loop {
        if let Some(found) = error.downcast_ref::<T>() {
            return Some(found);
        }
        error = cause(error)?;
    }
}

/// The next error in a cause chain. `io::Error::source` skips the error it
/// wraps (it returns that error's source), so step into io errors explicitly.
fn cause<'a>(error: &'a (dyn StdError + 'static)) -> Option<&'a (dyn StdError + 'static)> {
    if let Some(inner) = error
        .downcast_ref::<io::Error>()
        .and_then(io::Error::get_ref)
    {
        return Some(inner);
    }
    error.source()
}

fn innermost<'a>(mut error: &'a (dyn StdError + 'static)) -> &'a (dyn StdError + 'static) {
    while let Some(next) = cause(error) {
        error = next;
    }
    error
}

/// One error as a short phrase.
fn text(error: &(dyn StdError + 'static)) -> String {
    match error.downcast_ref::<io::Error>() {
        Some(io) => io_text(io),
        None => error.to_string(),
    }
}

/// hyper's innermost description of what failed, plus the root cause if there
/// is one: "error reading a body from connection: connection reset by peer".
fn chain_text(error: &(dyn StdError + 'static)) -> String {
    let mut deepest_hyper = None;
    let mut next = Some(error);
    while let Some(current) = next {
        if let Some(hyper) = current.downcast_ref::<hyper::Error>() {
            deepest_hyper = Some(hyper);
        }
        next = cause(current);
    }
    match deepest_hyper {
        Some(hyper) => match hyper.source() {
            Some(source) => format!("{hyper}: {}", text(innermost(source))),
            None => hyper.to_string(),
        },
        None => text(innermost(error)),
    }
}

#[cfg(test)]
mod tests;
