//! The TCP connector under TLS: resolve the URL's host, check every address
//! against the [`AddressPolicy`], and connect only to an address that passed.
//!
//! Resolution and connection happen in one place on purpose: the address that
//! was checked is the address that is dialled, so a DNS answer that changes
//! between a check and a connect ("DNS rebinding") cannot reach a forbidden
//! host. hyper-rustls wraps this connector, so TLS still verifies and sends
//! SNI for the hostname from the URL.

use std::fmt;
use std::future::Future;
use std::io;
use std::net::{IpAddr, SocketAddr};
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use hyper::Uri;
use hyper_util::rt::TokioIo;
use tokio::net::TcpStream;
use tokio::sync::Semaphore;

use super::counted::CountedStream;
use crate::dispatch::ssrf::{AddressPolicy, ForbiddenAddress, ForbiddenName};

/// Opens guarded TCP connections within a budget of open connections; cheap to clone (the
/// policy and the budget are shared).
#[derive(Debug, Clone)]
pub(crate) struct GuardedConnector {
    policy: Arc<AddressPolicy>,
    budget: Arc<Semaphore>,
}

/// Why the connector could not produce a connection. Boxed by hyper and
/// recovered by downcasting when the client maps errors.
#[derive(Debug)]
pub(crate) enum ConnectError {
    /// The URL has no host, or an unknown scheme and no port.
    InvalidUri(&'static str),
    /// Every address the host resolved to (or the literal) is forbidden.
    Forbidden(ForbiddenAddress),
    /// The host is a cloud metadata name, refused without a lookup.
    ForbiddenName(ForbiddenName),
    /// The host name did not resolve.
    Resolve { host: String, message: String },
    /// Every permitted address refused or failed; the first failure is kept.
    Connect { addr: SocketAddr, error: io::Error },
}

impl fmt::Display for ConnectError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::InvalidUri(message) => f.write_str(message),
            Self::Forbidden(forbidden) => forbidden.fmt(f),
            Self::ForbiddenName(forbidden) => forbidden.fmt(f),
            Self::Resolve { host, message } => write!(f, "could not resolve {host}: {message}"),
            Self::Connect { addr, error } => write!(f, "{} ({addr})", io_text(error)),
        }
    }
}

impl std::error::Error for ConnectError {}

impl GuardedConnector {
    /// At most `max_connections` open at once, in use or idle.
    pub(crate) fn new(policy: Arc<AddressPolicy>, max_connections: usize) -> Self {
        Self {
            policy,
            budget: Arc::new(Semaphore::new(max_connections)),
        }
    }

    /// Waits for room in the budget, then connects; the connection holds its place until it
    /// closes.
    async fn connect_counted(self, dst: Uri) -> Result<CountedStream, ConnectError> {
        let permit = match self.budget.clone().try_acquire_owned() {
            Ok(permit) => permit,
            Err(_) => {
                metrics::counter!("hookd_outbound_waits_total", "limit" => "connections")
                    .increment(1);
                tracing::debug!("every outbound connection is open; waiting for one to close");
                self.budget
                    .clone()
                    .acquire_owned()
                    .await
                    .expect("the budget is never closed")
            }
        };
        let stream = self.connect(dst).await?;
        Ok(CountedStream::new(stream, permit))
    }

    async fn connect(self, dst: Uri) -> Result<TokioIo<TcpStream>, ConnectError> {
        let host = uri_host(&dst).ok_or(ConnectError::InvalidUri("URL has no host"))?;
        let port =
            uri_port(&dst).ok_or(ConnectError::InvalidUri("URL scheme must be http or https"))?;
        if let Ok(ip) = host.parse::<IpAddr>() {
            self.policy.check(ip).map_err(ConnectError::Forbidden)?;
            return dial(SocketAddr::new(ip, port)).await;
        }
        self.policy
            .check_name(host)
            .map_err(ConnectError::ForbiddenName)?;
        let resolved = tokio::net::lookup_host((host, port))
            .await
            .map_err(|error| ConnectError::Resolve {
                host: host.to_owned(),
                message: resolve_text(&error),
            })?;
        let mut first_forbidden = None;
        let mut first_failure = None;
        for addr in resolved {
            if let Err(forbidden) = self.policy.check(addr.ip()) {
                first_forbidden.get_or_insert(forbidden);
                continue;
            }
            match dial(addr).await {
                Ok(stream) => return Ok(stream),
                Err(failure) => {
                    first_failure.get_or_insert(failure);
                }
            }
        }
        Err(first_failure
            .or(first_forbidden.map(ConnectError::Forbidden))
            .unwrap_or_else(|| ConnectError::Resolve {
                host: host.to_owned(),
                message: "no addresses found".to_owned(),
            }))
    }
}

impl tower_service::Service<Uri> for GuardedConnector {
    type Response = CountedStream;
    type Error = ConnectError;
    type Future = Pin<Box<dyn Future<Output = Result<Self::Response, Self::Error>> + Send>>;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, dst: Uri) -> Self::Future {
        Box::pin(self.clone().connect_counted(dst))
    }
}

/// Connect to one checked address.
async fn dial(addr: SocketAddr) -> Result<TokioIo<TcpStream>, ConnectError> {
    let failed = |error| ConnectError::Connect { addr, error };
    let stream = TcpStream::connect(addr).await.map_err(failed)?;
    stream.set_nodelay(true).map_err(failed)?;
    Ok(TokioIo::new(stream))
}

/// The URL's host, without the brackets of an IPv6 literal.
pub(crate) fn uri_host(uri: &Uri) -> Option<&str> {
    let host = uri.host()?;
    Some(
        host.strip_prefix('[')
            .and_then(|h| h.strip_suffix(']'))
            .unwrap_or(host),
    )
}

/// The URL's port, defaulting by scheme.
pub(crate) fn uri_port(uri: &Uri) -> Option<u16> {
    uri.port_u16().or(match uri.scheme_str() {
        Some("http") => Some(80),
        Some("https") => Some(443),
        _ => None,
    })
}

/// An io error as a short lowercase phrase: "connection refused", not
/// "Connection refused (os error 111)".
pub(crate) fn io_text(error: &io::Error) -> String {
    let mut text = error.to_string();
    if error.raw_os_error().is_some() {
        if let Some(at) = text.rfind(" (os error ") {
            text.truncate(at);
        }
        if let Some(first) = text.get_mut(0..1) {
            first.make_ascii_lowercase();
        }
    }
    text
}

/// A resolver error without the standard library's boilerplate prefix.
fn resolve_text(error: &io::Error) -> String {
    let text = io_text(error);
    match text.strip_prefix("failed to lookup address information: ") {
        Some(rest) => rest.to_owned(),
        None => text,
    }
}
