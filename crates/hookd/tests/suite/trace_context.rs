//! W3C trace context: a publisher's `traceparent` reaches every receiver of the event as a
//! child span of the same trace, a new span per attempt; an invalid one is ignored; a webhook
//! may not set the header itself.

use crate::common;

use common::{ADMIN_TOKEN, Receiver, Reply, TestServer};
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::time::Duration;

const WAIT: Duration = Duration::from_secs(15);
const TRACE_ID: &str = "4bf92f3577b34da6a3ce929d0e0e4736";
const CALLER_SPAN: &str = "00f067aa0ba902b7";

/// POSTs `body` to `path` with extra headers, as the admin.
async fn post_with(
    server: &TestServer,
    path: &str,
    headers: &[(&str, &str)],
    body: Value,
) -> (StatusCode, Value) {
    let mut request = reqwest::Client::new()
        .post(server.url(path))
        .bearer_auth(ADMIN_TOKEN)
        .json(&body);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let response = request.send().await.expect("hookd answers");
    let status = response.status();
    (status, response.json().await.unwrap_or(Value::Null))
}

/// The four fields of a `traceparent` a receiver got.
fn fields(traceparent: &str) -> Vec<String> {
    traceparent.split('-').map(str::to_owned).collect()
}

/// Every attempt carries the publisher's trace id and flags with a span id of its own (not the
/// caller's, not the previous attempt's), and the `tracestate` as given.
#[tokio::test]
async fn each_attempt_continues_the_publishers_trace_with_a_span_of_its_own() {
    crate::require_backend!();
    let server = TestServer::start().await;
    let receiver = Receiver::start().await;
    receiver.script([Reply::status(500), Reply::status(200)]);
    server
        .create_webhook(
            json!({"url": receiver.url, "events": ["*"], "retry_schedule": ["1s"], "ping": false}),
        )
        .await;
    let traceparent = format!("00-{TRACE_ID}-{CALLER_SPAN}-01");
    let (status, accepted) = post_with(
        &server,
        "/api/events",
        &[
            ("traceparent", &traceparent),
            ("tracestate", "rojo=00f067aa0ba902b7"),
        ],
        json!({"type": "order.created", "data": {}}),
    )
    .await;
    assert_eq!(status, StatusCode::ACCEPTED, "{accepted}");
    let received = receiver.wait_for(2, WAIT).await;
    let sent: Vec<Vec<String>> = received
        .iter()
        .map(|r| fields(r.header("traceparent")))
        .collect();
    for (attempt, fields) in sent.iter().enumerate() {
        assert_eq!(fields.len(), 4, "attempt {attempt}: {fields:?}");
        assert_eq!(fields[0], "00");
        assert_eq!(fields[1], TRACE_ID, "the publisher's trace");
        assert_eq!(fields[3], "01", "the publisher's flags");
        assert_eq!(fields[2].len(), 16);
        assert_ne!(fields[2], CALLER_SPAN, "a span of hookd's own");
        assert_ne!(fields[2], "0000000000000000");
    }
    assert_ne!(sent[0][2], sent[1][2], "a new span per attempt");
    assert!(
        received
            .iter()
            .all(|r| r.header("tracestate") == "rojo=00f067aa0ba902b7")
    );
}

/// The trace context of a batch request applies to each of its events.
#[tokio::test]
async fn every_event_of_a_batch_continues_the_requests_trace() {
    crate::require_backend!();
    let server = TestServer::start().await;
    let receiver = Receiver::start().await;
    server.webhook_to(&receiver.url, &["*"]).await;
    let traceparent = format!("00-{TRACE_ID}-{CALLER_SPAN}-00");
    let (status, accepted) = post_with(
        &server,
        "/api/events/batch",
        &[("traceparent", &traceparent)],
        json!({"events": [
            {"type": "order.created", "data": {"n": 1}},
            {"type": "order.created", "data": {"n": 2}},
        ]}),
    )
    .await;
    assert_eq!(status, StatusCode::ACCEPTED, "{accepted}");
    let received = receiver.wait_for(2, WAIT).await;
    let events: Vec<&str> = received.iter().map(|r| r.header("webhook-id")).collect();
    assert_ne!(events[0], events[1], "two events");
    for request in &received {
        let fields = fields(request.header("traceparent"));
        assert_eq!((fields[1].as_str(), fields[3].as_str()), (TRACE_ID, "00"));
        assert!(request.headers.get("tracestate").is_none());
    }
}

/// An invalid `traceparent` is ignored, as the W3C recommendation asks of receivers: the event
/// is accepted and delivered without trace headers.
#[tokio::test]
async fn an_invalid_traceparent_is_ignored() {
    crate::require_backend!();
    let server = TestServer::start().await;
    let receiver = Receiver::start().await;
    server.webhook_to(&receiver.url, &["*"]).await;
    let all_zero = "00-00000000000000000000000000000000-00f067aa0ba902b7-01";
    let (status, accepted) = post_with(
        &server,
        "/api/events",
        &[("traceparent", all_zero), ("tracestate", "rojo=1")],
        json!({"type": "order.created", "data": {}}),
    )
    .await;
    assert_eq!(status, StatusCode::ACCEPTED, "{accepted}");
    let received = receiver.wait_for(1, WAIT).await;
    assert!(received[0].headers.get("traceparent").is_none());
    assert!(received[0].headers.get("tracestate").is_none());
}

/// `traceparent` and `tracestate` are hookd's to send: a webhook's custom headers may not set
/// them.
#[tokio::test]
async fn custom_headers_may_not_set_the_trace_context() {
    crate::require_backend!();
    let server = TestServer::start().await;
    for name in ["traceparent", "TraceState"] {
        let (status, problem) = server
            .post(
                "/api/webhooks",
                json!({"url": "http://127.0.0.1:9/hook", "events": ["*"], "ping": false,
                       "headers": {name: "x"}}),
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
        assert!(problem.to_string().contains("headers"), "{problem}");
    }
}

/// A webhook received by an inbox with a `traceparent` becomes an event in the sender's trace:
/// its receivers get the sender's trace id with a span of hookd's own.
#[tokio::test]
async fn an_inbox_event_continues_the_senders_trace() {
    crate::require_backend!();
    let server = TestServer::start().await;
    let receiver = Receiver::start().await;
    server.webhook_to(&receiver.url, &["stripe.*"]).await;
    let inbox = common::inbox::open_inbox(&server, "stripe.event").await;
    let traceparent = format!("00-{TRACE_ID}-{CALLER_SPAN}-01");
    let answer = common::inbox::send(
        &server,
        &inbox,
        &[
            ("traceparent", traceparent.as_str()),
            ("content-type", "application/json"),
        ],
        r#"{"type": "charge.succeeded"}"#,
    )
    .await;
    assert_eq!(answer.status, StatusCode::OK, "{answer:?}");
    let received = receiver.wait_for(1, WAIT).await;
    let fields = fields(received[0].header("traceparent"));
    assert_eq!((fields[1].as_str(), fields[3].as_str()), (TRACE_ID, "01"));
    assert_ne!(fields[2], CALLER_SPAN);
}
