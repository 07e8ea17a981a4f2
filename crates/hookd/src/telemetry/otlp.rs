//! Span export over OTLP/HTTP (protobuf) to the collector of `otlp_endpoint`: every `tracing`
//! span (API requests, delivery attempts) becomes an OpenTelemetry span, batched and POSTed to
//! `<otlp_endpoint>/v1/traces` from the SDK's own thread. The requests are made by a hyper
//! client on the server's runtime; this is the one outbound connection besides webhooks and the
//! database, and it goes only where the operator pointed it.
//!
//! A span continues a W3C trace with `continue_trace` (the event's `traceparent`), and
//! `span_id` tells the id it got, so that a receiver's `traceparent` names the attempt's span.

use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use hyper_rustls::HttpsConnector;
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use opentelemetry::trace::{
    SpanContext, SpanId, TraceContextExt, TraceFlags, TraceId, TraceState, TracerProvider,
};
use opentelemetry_http::{HttpClient, HttpError, Request, Response};
use opentelemetry_otlp::{Protocol, WithExportConfig, WithHttpConfig};
use opentelemetry_sdk::Resource;
use opentelemetry_sdk::trace::{SdkTracer, SdkTracerProvider};
use std::sync::Arc;
use std::time::Duration;
use tracing_opentelemetry::OpenTelemetrySpanExt;

use crate::model::TraceParent;

/// How long one export may take.
const EXPORT_TIMEOUT: Duration = Duration::from_secs(10);
/// The most of a collector's answer read.
const MAX_ANSWER: usize = 64 * 1024;

/// The running export; dropping it flushes what is batched and stops.
pub struct SpanExport {
    provider: SdkTracerProvider,
}

impl SpanExport {
    /// Starts exporting to `endpoint` (the collector's base URL); exports run on `runtime`.
    pub fn start(endpoint: &str, runtime: tokio::runtime::Handle) -> anyhow::Result<Self> {
        let exporter = opentelemetry_otlp::SpanExporter::builder()
            .with_http()
            .with_protocol(Protocol::HttpBinary)
            .with_endpoint(format!("{endpoint}/v1/traces"))
            .with_timeout(EXPORT_TIMEOUT)
            .with_http_client(CollectorClient::new(runtime))
            .build()?;
        let provider = SdkTracerProvider::builder()
            .with_batch_exporter(exporter)
            .with_resource(Resource::builder().with_service_name("hookd").build())
            .build();
        Ok(Self { provider })
    }

    /// The tracer the `tracing` layer hands spans to.
    pub fn tracer(&self) -> SdkTracer {
        self.provider.tracer("hookd")
    }
}

impl Drop for SpanExport {
    fn drop(&mut self) {
        if let Err(error) = self.provider.shutdown() {
            eprintln!("hookd: exporting the last spans failed: {error}");
        }
    }
}

/// Makes `span` a child of the remote span `parent` names (call before entering it).
pub fn continue_trace(span: &tracing::Span, parent: &TraceParent) {
    let remote = SpanContext::new(
        TraceId::from_bytes(parent.trace_id()),
        SpanId::from_bytes(parent.parent_id()),
        TraceFlags::new(parent.flags()),
        true,
        TraceState::default(),
    );
    let _ = span.set_parent(opentelemetry::Context::new().with_remote_span_context(remote));
}

/// The OpenTelemetry span id of `span`, when spans are exported.
pub fn span_id(span: &tracing::Span) -> Option<[u8; 8]> {
    let context = span.context();
    let span_context = context.span().span_context().clone();
    span_context
        .is_valid()
        .then(|| span_context.span_id().to_bytes())
}

/// POSTs the exporter's requests with a hyper client on the server's runtime (the SDK exports
/// from a thread of its own, which has no runtime).
#[derive(Clone)]
struct CollectorClient {
    client: Client<HttpsConnector<HttpConnector>, Full<Bytes>>,
    runtime: tokio::runtime::Handle,
}

impl CollectorClient {
    fn new(runtime: tokio::runtime::Handle) -> Self {
        let mut http = HttpConnector::new();
        http.enforce_http(false);
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let https = hyper_rustls::HttpsConnectorBuilder::new()
            .with_provider_and_webpki_roots(provider)
            .expect("the ring provider supports rustls' default protocol versions")
            .https_or_http()
            .enable_http1()
            .wrap_connector(http);
        // Built on the runtime: the pool's timers belong to it.
        let _guard = runtime.enter();
        Self {
            client: Client::builder(TokioExecutor::new()).build(https),
            runtime,
        }
    }
}

impl std::fmt::Debug for CollectorClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("CollectorClient")
    }
}

#[async_trait::async_trait]
impl HttpClient for CollectorClient {
    async fn send_bytes(&self, request: Request<Bytes>) -> Result<Response<Bytes>, HttpError> {
        let client = self.client.clone();
        let (parts, body) = request.into_parts();
        let request = Request::from_parts(parts, Full::new(body));
        let exchange = async move {
            let response = tokio::time::timeout(EXPORT_TIMEOUT, client.request(request)).await??;
            let (parts, body) = response.into_parts();
            let body = Limited::new(body, MAX_ANSWER).collect().await?.to_bytes();
            Ok::<_, HttpError>(Response::from_parts(parts, body))
        };
        self.runtime.spawn(exchange).await?
    }
}
