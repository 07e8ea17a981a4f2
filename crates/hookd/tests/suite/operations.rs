//! Health, readiness, Prometheus metrics, and the OpenAPI document generated from the code,
//! checked against docs/api.md's list of routes.

use crate::common;

use common::{Receiver, TestServer};
use reqwest::StatusCode;
use serde_json::json;
use std::time::Duration;

/// Liveness and readiness answer without a token.
#[tokio::test]
async fn health_and_readiness_answer() {
    crate::require_backend!();
    let server = TestServer::start().await;
    let (status, body) = server
        .call(None, reqwest::Method::GET, "/healthz", None)
        .await;
    assert_eq!(
        (status, body["status"].as_str()),
        (StatusCode::OK, Some("ok"))
    );
    let (status, body) = server
        .call(None, reqwest::Method::GET, "/readyz", None)
        .await;
    assert_eq!(
        (status, body["status"].as_str()),
        (StatusCode::OK, Some("ready"))
    );
}

/// `/metrics` counts accepted events and deliveries by outcome, and has the attempt latency
/// histogram and the queue depth.
#[tokio::test]
async fn prometheus_metrics_count_what_happened() {
    crate::require_backend!();
    let server = TestServer::start().await;
    let receiver = Receiver::start().await;
    server.webhook_to(&receiver.url, &["*"]).await;
    server.publish(json!({"type": "a.b", "data": {}})).await;
    receiver.wait_for(1, Duration::from_secs(10)).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let text = reqwest::get(server.url("/metrics"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    for expected in [
        "hookd_events_accepted_total",
        "hookd_deliveries_total{outcome=\"succeeded\"}",
        "hookd_attempt_duration_seconds_bucket",
        "hookd_dispatch_held",
    ] {
        assert!(text.contains(expected), "{expected} missing from:\n{text}");
    }
}

/// The OpenAPI document lists every route of docs/api.md that this release implements, each with
/// its method, and `/docs` renders it.
#[tokio::test]
async fn the_openapi_document_describes_every_route() {
    crate::require_backend!();
    let server = TestServer::start().await;
    let (status, document) = server
        .call(None, reqwest::Method::GET, "/openapi.json", None)
        .await;
    assert_eq!(status, StatusCode::OK);
    let routes = [
        ("post", "/api/webhooks"),
        ("get", "/api/webhooks"),
        ("get", "/api/webhooks/{id}"),
        ("patch", "/api/webhooks/{id}"),
        ("delete", "/api/webhooks/{id}"),
        ("post", "/api/webhooks/{id}/enable"),
        ("post", "/api/webhooks/{id}/disable"),
        ("get", "/api/webhooks/{id}/secret"),
        ("post", "/api/webhooks/{id}/rotate-secret"),
        ("post", "/api/webhooks/{id}/test"),
        ("get", "/api/webhooks/{id}/logs"),
        ("post", "/api/webhooks/{id}/recover"),
        ("get", "/api/webhooks/{id}/stats"),
        ("get", "/api/webhooks/metrics"),
        ("post", "/api/events"),
        ("post", "/api/events/batch"),
        ("get", "/api/events"),
        ("get", "/api/events/{id}"),
        ("get", "/api/deliveries/{id}"),
        ("post", "/api/deliveries/{id}/retry"),
        ("get", "/api/event-types"),
        ("post", "/api/event-types"),
        ("delete", "/api/event-types/{name}"),
        ("post", "/api/tokens"),
        ("get", "/api/tokens"),
        ("delete", "/api/tokens/{id}"),
        ("get", "/healthz"),
        ("get", "/readyz"),
        ("get", "/metrics"),
        // Additions for the web UI: who the token is, and the dashboard's statistics.
        ("get", "/api/session"),
        ("get", "/api/stats"),
        // The names a webhook can subscribe to, for the UI's event checkboxes.
        ("get", "/api/event-names"),
        // Who changed what (admin only).
        ("get", "/api/audit"),
        ("post", "/api/inboxes"),
        ("get", "/api/inboxes"),
        ("get", "/api/inboxes/{id}"),
        ("patch", "/api/inboxes/{id}"),
        ("delete", "/api/inboxes/{id}"),
        ("post", "/in/{id}"),
        ("put", "/in/{id}"),
        ("get", "/api/inboxes/{id}/requests"),
        ("get", "/api/inbox-requests/{id}"),
        ("post", "/api/inbox-requests/{id}/replay"),
        ("post", "/api/inboxes/{id}/replay"),
        ("get", "/api/inboxes/{id}/stream"),
        // Dead letters: deliveries across webhooks, and their bulk retry.
        ("get", "/api/deliveries"),
        ("post", "/api/deliveries/retry"),
        // What this hookd is: version, database, retention, limits (the UI's About page).
        ("get", "/api/server"),
    ];
    for (method, path) in routes {
        let operation = &document["paths"][path][method];
        assert!(
            operation.is_object(),
            "{method} {path} is not in /openapi.json"
        );
        assert!(
            operation["responses"]
                .as_object()
                .is_some_and(|r| !r.is_empty()),
            "{method} {path} has no responses"
        );
    }
    let documented: usize = document["paths"]
        .as_object()
        .unwrap()
        .values()
        .map(|p| p.as_object().unwrap().len())
        .sum();
    assert_eq!(
        documented,
        routes.len(),
        "every documented operation is one of docs/api.md's or a listed addition"
    );
    let schemas = document["components"]["schemas"].as_object().unwrap();
    for name in ["WebhookIn", "WebhookOut", "EventIn", "Problem"] {
        assert!(schemas.contains_key(name), "schema {name}");
    }
    let page = reqwest::get(server.url("/docs"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("/api/webhooks/{id}/rotate-secret") && page.contains("<html"));
}
