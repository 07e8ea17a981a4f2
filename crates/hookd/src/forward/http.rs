//! The one HTTP client of `hookd forward`, for hookd's API and for the local URL alike: HTTP/1.1,
//! plain or TLS (rustls, webpki roots), keep-alive. It is a command the developer runs against
//! their own machine, so unlike `dispatch::client` it applies no address policy.

use bytes::Bytes;
use http_body_util::Full;
use hyper_rustls::HttpsConnector;
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::{TokioExecutor, TokioTimer};
use std::error::Error as StdError;
use std::sync::Arc;
use std::time::Duration;

pub type HttpClient = Client<HttpsConnector<HttpConnector>, Full<Bytes>>;

/// A pooled client for `http://` and `https://` URLs.
pub fn client() -> HttpClient {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let https = hyper_rustls::HttpsConnectorBuilder::new()
        .with_provider_and_webpki_roots(provider)
        .expect("the ring provider supports rustls' default protocol versions")
        .https_or_http()
        .enable_http1()
        .build();
    Client::builder(TokioExecutor::new())
        .pool_idle_timeout(Duration::from_secs(30))
        .pool_timer(TokioTimer::new())
        .build(https)
}

/// An error as one short phrase: its innermost cause (`Connection refused (os error 111)`),
/// saying when it happened while connecting.
pub fn error_text(error: &(dyn StdError + 'static)) -> String {
    let connecting = error
        .downcast_ref::<hyper_util::client::legacy::Error>()
        .is_some_and(|e| e.is_connect());
    let mut innermost = error;
    while let Some(source) = innermost.source() {
        innermost = source;
    }
    let text = innermost.to_string();
    if connecting && !text.to_ascii_lowercase().contains("connect") {
        format!("cannot connect: {text}")
    } else {
        text
    }
}
