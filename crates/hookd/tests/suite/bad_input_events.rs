//! Bad input on the events, deliveries, event types and tokens routes gets a 4xx
//! problem+json naming the field, and stores nothing.

use crate::common;

use common::cases::{Case, case};
use common::{Receiver, TestServer};
use reqwest::{Method, StatusCode};
use serde_json::json;

/// Each row: a request a careless or hostile caller might send, and the exact answer.
#[tokio::test]
async fn every_other_route_answers_bad_input_with_a_problem_naming_the_field() {
    crate::require_backend!();
    let server = TestServer::start_with(&[("max_event_bytes", "2048")]).await;
    let receiver = Receiver::start().await;
    server.webhook_to(&receiver.url, &["*"]).await;
    let accepted = server.publish(json!({"type": "a.b", "data": {}})).await;
    use Method as M;
    let cases: Vec<Case> = vec![
        // Events
        case(M::POST, "/api/events", "", 400, None, "malformed_json"),
        case(
            M::POST,
            "/api/events",
            r#"{"data": {}}"#,
            422,
            Some("type"),
            "required",
        ),
        case(
            M::POST,
            "/api/events",
            r#"{"type": "a.b"}"#,
            422,
            Some("data"),
            "required",
        ),
        case(
            M::POST,
            "/api/events",
            r#"{"type": "a b", "data": {}}"#,
            422,
            Some("type"),
            "invalid_event_name",
        ),
        case(
            M::POST,
            "/api/events",
            r#"{"type": "webhook.ping", "data": {}}"#,
            422,
            Some("type"),
            "reserved_event_name",
        ),
        case(
            M::POST,
            "/api/events",
            r#"{"type": 7, "data": {}}"#,
            422,
            Some("type"),
            "invalid_type",
        ),
        case(
            M::POST,
            "/api/events",
            r#"{"type": "a.b", "data": {}, "id": ""}"#,
            422,
            Some("id"),
            "invalid_idempotency_key",
        ),
        case(
            M::POST,
            "/api/events",
            r#"{"type": "a.b", "data": {}, "webhooks": ["nope"]}"#,
            422,
            Some("webhooks[0]"),
            "invalid_id",
        ),
        case(
            M::POST,
            "/api/events",
            r#"{"type": "a.b", "data": {}, "webhooks": ["wh_01M82NQJGDG5CQ7VXK2Z6PSTRA"]}"#,
            422,
            Some("webhooks[0]"),
            "not_found",
        ),
        case(
            M::POST,
            "/api/events",
            r#"{"type": "a.b", "data": {}, "tenant": "a/b"}"#,
            422,
            Some("tenant"),
            "invalid_tenant",
        ),
        case(
            M::POST,
            "/api/events",
            &format!(r#"{{"type": "a.b", "data": "{}"}}"#, "x".repeat(3000)),
            413,
            None,
            "body_too_large",
        ),
        case(
            M::POST,
            "/api/events/batch",
            r#"{"events": []}"#,
            422,
            Some("events"),
            "invalid_batch",
        ),
        case(
            M::POST,
            "/api/events/batch",
            r#"{"events": [{"type": "ok", "data": 1}, {"type": "bad name", "data": 1}]}"#,
            422,
            Some("events[1].type"),
            "invalid_event_name",
        ),
        case(
            M::POST,
            "/api/events/batch",
            r#"{"events": [{"type": "ok"}]}"#,
            422,
            Some("events[0].data"),
            "required",
        ),
        case(
            M::POST,
            "/api/events/batch",
            r#"{"events": {}}"#,
            422,
            Some("events"),
            "invalid_type",
        ),
        case(
            M::GET,
            "/api/events?since=soon",
            "",
            422,
            Some("since"),
            "invalid_timestamp",
        ),
        case(
            M::GET,
            "/api/events?type=a..b",
            "",
            422,
            Some("type"),
            "invalid_event_name",
        ),
        case(
            M::GET,
            "/api/events?cursor=wh_01M82NQJGDG5CQ7VXK2Z6PSTRA",
            "",
            422,
            Some("cursor"),
            "invalid_cursor",
        ),
        case(M::GET, "/api/events/evt_nope", "", 404, None, "not_found"),
        // Deliveries
        case(
            M::GET,
            "/api/deliveries/dlv_01M82NQJGDG5CQ7VXK2Z6PSTRA",
            "",
            404,
            None,
            "not_found",
        ),
        case(
            M::POST,
            "/api/deliveries/nope/retry",
            "",
            404,
            None,
            "not_found",
        ),
        case(
            M::GET,
            "/api/deliveries?status=lost",
            "",
            422,
            Some("status"),
            "invalid_status",
        ),
        case(
            M::GET,
            "/api/deliveries?webhook=evt_1",
            "",
            422,
            Some("webhook"),
            "invalid_id",
        ),
        case(
            M::GET,
            "/api/deliveries?since=yesterday",
            "",
            422,
            Some("since"),
            "invalid_timestamp",
        ),
        case(
            M::GET,
            "/api/deliveries?cursor=wh_01M82NQJGDG5CQ7VXK2Z6PSTRA",
            "",
            422,
            Some("cursor"),
            "invalid_cursor",
        ),
        case(
            M::POST,
            "/api/deliveries/retry",
            r#"{"status": "pending"}"#,
            422,
            Some("status"),
            "invalid_status",
        ),
        case(
            M::POST,
            "/api/deliveries/retry",
            r#"{"event_type": "bad name"}"#,
            422,
            Some("event_type"),
            "invalid_event_name",
        ),
        case(
            M::POST,
            "/api/deliveries/retry",
            r#"{"until": "soon"}"#,
            422,
            Some("until"),
            "invalid_timestamp",
        ),
        case(
            M::POST,
            "/api/deliveries/retry",
            r#"{"all": true}"#,
            422,
            Some("all"),
            "unknown_field",
        ),
        // An array is no body of any route, even where serde would read it field by field.
        case(
            M::POST,
            "/api/deliveries/retry",
            r#"["failed"]"#,
            422,
            Some("body"),
            "invalid_type",
        ),
        case(
            M::POST,
            "/api/deliveries/retry",
            "[1,",
            400,
            None,
            "malformed_json",
        ),
        case(
            M::POST,
            "/api/deliveries/retry",
            r#"{"dry_run": "yes"}"#,
            422,
            Some("dry_run"),
            "invalid_type",
        ),
        // Event types
        case(
            M::POST,
            "/api/event-types",
            r#"{"name": "bad name"}"#,
            422,
            Some("name"),
            "invalid_event_name",
        ),
        case(
            M::POST,
            "/api/event-types",
            r#"{"name": "a.b", "schema": {"type": "not-a-type"}}"#,
            422,
            Some("schema"),
            "invalid_schema",
        ),
        case(
            M::POST,
            "/api/event-types",
            r#"{"description": "x"}"#,
            422,
            Some("name"),
            "required",
        ),
        case(
            M::DELETE,
            "/api/event-types/never.made",
            "",
            404,
            None,
            "not_found",
        ),
        // Tokens
        case(
            M::POST,
            "/api/tokens",
            r#"{"name": "", "tenant": "acme"}"#,
            422,
            Some("name"),
            "invalid_name",
        ),
        case(
            M::POST,
            "/api/tokens",
            r#"{"name": "x", "tenant": ""}"#,
            422,
            Some("tenant"),
            "invalid_tenant",
        ),
        case(
            M::POST,
            "/api/tokens",
            r#"{"name": "x"}"#,
            422,
            Some("tenant"),
            "required",
        ),
        case(
            M::DELETE,
            "/api/tokens/tok_01M82NQJGDG5CQ7VXK2Z6PSTRA",
            "",
            404,
            None,
            "not_found",
        ),
        // Anything else
        case(M::GET, "/api/nothing-here", "", 404, None, "not_found"),
    ];
    common::cases::assert_all(&server, &cases).await;

    let (_, events) = server.get("/api/events").await;
    assert_eq!(
        events["data"].as_array().unwrap().len(),
        1,
        "no bad request stored an event: {events}"
    );
    assert_eq!(events["data"][0]["id"], accepted["id"]);
}

/// A body over the batch limit is refused with 413, and a well-formed batch of valid events
/// with one bad event stores nothing (all or nothing).
#[tokio::test]
async fn a_batch_is_all_or_nothing() {
    crate::require_backend!();
    let server =
        TestServer::start_with(&[("max_event_bytes", "4096"), ("max_batch_bytes", "65536")]).await;
    let mut events: Vec<serde_json::Value> = (0..5)
        .map(|n| json!({"type": "order.created", "data": {"n": n}}))
        .collect();
    events.push(json!({"type": "order created", "data": {}}));
    let (status, problem) = server
        .post("/api/events/batch", json!({"events": events}))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(problem["errors"][0]["field"], "events[5].type");
    assert_eq!(
        server.get("/api/events").await.1["data"]
            .as_array()
            .unwrap()
            .len(),
        0
    );

    events.pop();
    let (status, accepted) = server
        .post("/api/events/batch", json!({"events": events}))
        .await;
    assert_eq!(status, StatusCode::ACCEPTED, "{accepted}");
    assert_eq!(accepted["data"].as_array().unwrap().len(), 5);
    assert_eq!(
        server.get("/api/events").await.1["data"]
            .as_array()
            .unwrap()
            .len(),
        5
    );

    let big: Vec<serde_json::Value> = (0..100)
        .map(|_| json!({"type": "a.b", "data": "x".repeat(1000)}))
        .collect();
    let (status, problem) = server
        .post("/api/events/batch", json!({"events": big}))
        .await;
    assert_eq!(
        (status, problem["code"].as_str()),
        (StatusCode::PAYLOAD_TOO_LARGE, Some("body_too_large"))
    );
    let (status, problem) = server
        .post(
            "/api/events/batch",
            json!({"events": vec![json!({"type": "a", "data": 1}); 1001]}),
        )
        .await;
    assert_eq!(
        (status, problem["errors"][0]["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("events"))
    );
}
