//! What the `hookd` binary tells operators about a delivery: its log lines name the delivery's
//! ids, and with `HOOKD_OTLP_ENDPOINT` its spans reach an OTLP collector (a small one here, on
//! loopback, that decodes the protobuf it is sent) in the publisher's trace.

mod common;

use axum::body::Bytes;
use axum::extract::State;
use axum::routing::post;
use common::process::HookdProcess;
use common::{ADMIN_TOKEN, Receiver, eventually};
use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceRequest;
use prost::Message;
use serde_json::json;
use std::sync::{Arc, Mutex};
use std::time::Duration;

const WAIT: Duration = Duration::from_secs(20);
const TRACE_ID: &str = "4bf92f3577b34da6a3ce929d0e0e4736";
const CALLER_SPAN: &str = "00f067aa0ba902b7";

/// One span as the collector received it, ids in hex.
#[derive(Debug, Clone)]
struct ExportedSpan {
    name: String,
    trace_id: String,
    span_id: String,
    parent_span_id: String,
    attributes: Vec<(String, String)>,
}

impl ExportedSpan {
    fn attribute(&self, key: &str) -> Option<&str> {
        self.attributes
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }
}

type Spans = Arc<Mutex<Vec<ExportedSpan>>>;

/// An OTLP/HTTP collector on loopback: `POST /v1/traces` with a protobuf body.
async fn start_collector() -> (String, Spans) {
    let spans = Spans::default();
    let app = axum::Router::new()
        .route("/v1/traces", post(collect))
        .with_state(spans.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    (url, spans)
}

async fn collect(State(spans): State<Spans>, body: Bytes) -> Vec<u8> {
    let request = ExportTraceServiceRequest::decode(body).expect("an OTLP protobuf request");
    let mut found = spans.lock().unwrap();
    for span in request
        .resource_spans
        .iter()
        .flat_map(|r| &r.scope_spans)
        .flat_map(|s| &s.spans)
    {
        found.push(ExportedSpan {
            name: span.name.clone(),
            trace_id: hex::encode(&span.trace_id),
            span_id: hex::encode(&span.span_id),
            parent_span_id: hex::encode(&span.parent_span_id),
            attributes: span
                .attributes
                .iter()
                .map(|a| (a.key.clone(), format!("{:?}", a.value)))
                .collect(),
        });
    }
    Vec::new()
}

/// With a collector configured, the publish request and the delivery attempt are exported as
/// spans of the publisher's trace: the request a child of the caller's span, the attempt the
/// span whose id the receiver got in its `traceparent`. The log names the delivery's ids.
#[tokio::test]
async fn spans_reach_the_collector_in_the_publishers_trace() {
    let (collector, spans) = start_collector().await;
    let receiver = Receiver::start().await;
    let dir = tempfile::tempdir().unwrap();
    let database = format!("sqlite://{}", dir.path().join("hookd.db").display());
    let log = dir.path().join("hookd.log");
    let _hookd = HookdProcess::start(
        &[
            ("HOOKD_DATABASE_URL", &database),
            ("HOOKD_OTLP_ENDPOINT", &collector),
            ("HOOKD_LOG", "info,hookd=debug"),
            // The SDK's batch delay, shortened so that the test need not wait 5 s.
            ("OTEL_BSP_SCHEDULE_DELAY", "100"),
        ],
        &log,
    )
    .await;
    let base = &_hookd.base;
    let client = reqwest::Client::new();
    let webhook = client
        .post(format!("{base}/api/webhooks"))
        .bearer_auth(ADMIN_TOKEN)
        .json(&json!({"url": receiver.url, "events": ["*"], "ping": false}))
        .send()
        .await
        .unwrap();
    assert_eq!(webhook.status(), 201);
    let published = client
        .post(format!("{base}/api/events"))
        .bearer_auth(ADMIN_TOKEN)
        .header("traceparent", format!("00-{TRACE_ID}-{CALLER_SPAN}-01"))
        .json(&json!({"type": "order.created", "data": {}}))
        .send()
        .await
        .unwrap();
    assert_eq!(published.status(), 202);
    let event: serde_json::Value = published.json().await.unwrap();
    let read = client
        .get(format!(
            "{base}/api/events/{}",
            event["id"].as_str().unwrap()
        ))
        .bearer_auth(ADMIN_TOKEN)
        .send()
        .await
        .unwrap();
    assert_eq!(read.status(), 200);
    let received = receiver.wait_for(1, WAIT).await;
    let attempt_span = received[0]
        .header("traceparent")
        .split('-')
        .nth(2)
        .unwrap()
        .to_owned();
    let delivery_id = received[0].header("x-webhook-delivery").to_owned();

    let (request, attempt) = eventually("the spans to be exported", WAIT, || async {
        let spans = spans.lock().unwrap().clone();
        let request = spans.iter().find(|s| {
            s.name == "request"
                && s.attribute("route")
                    .is_some_and(|r| r.contains("\"/api/events\""))
        })?;
        let attempt = spans.iter().find(|s| s.name == "attempt")?;
        // A route is named by its pattern, not by the path asked for.
        spans.iter().find(|s| {
            s.name == "request"
                && s.attribute("route")
                    .is_some_and(|r| r.contains("\"/api/events/{id}\""))
        })?;
        Some((request.clone(), attempt.clone()))
    })
    .await;
    assert_eq!(request.trace_id, TRACE_ID, "{request:?}");
    assert_eq!(request.parent_span_id, CALLER_SPAN, "{request:?}");
    assert!(
        request
            .attribute("status")
            .is_some_and(|s| s.contains("202")),
        "{request:?}"
    );
    assert_eq!(attempt.trace_id, TRACE_ID, "{attempt:?}");
    assert_eq!(
        attempt.span_id, attempt_span,
        "the receiver's parent is the attempt's span"
    );
    assert!(
        attempt
            .attribute("delivery_id")
            .is_some_and(|d| d.contains(&delivery_id)),
        "{attempt:?}"
    );

    let text = std::fs::read_to_string(&log).unwrap();
    // Written to a file, not a terminal: no colour codes in it.
    assert!(
        !text.contains('\u{1b}'),
        "colour codes in a log file: {text}"
    );
    let line = text
        .lines()
        .find(|line| line.contains("delivered"))
        .unwrap_or_else(|| panic!("no line about the delivery in {text}"));
    for field in ["webhook_id=", "event_id=", "attempt=1"] {
        assert!(line.contains(field), "{field} missing from {line}");
    }
    assert!(
        line.contains(&format!("delivery_id={delivery_id}")),
        "{line}"
    );
}
