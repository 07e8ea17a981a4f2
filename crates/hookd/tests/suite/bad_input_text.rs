//! Text that the backends or the receivers would read differently is refused with a 422
//! naming the field, on both backends alike: NUL in any text field (PostgreSQL's `text` can't
//! hold it, SQLite can), and event data whose meaning depends on the parser (a key twice in one
//! object, a lone surrogate).

use crate::common;

use common::cases::{Case, case};
use common::{Receiver, TestServer};
use reqwest::{Method, StatusCode};
use serde_json::json;

/// Each row: text with NUL (U+0000) in a field of some input, and the 422 that names it.
#[tokio::test]
async fn nul_in_any_text_field_is_refused_naming_the_field() {
    crate::require_backend!();
    let server = TestServer::start().await;
    let receiver = Receiver::start().await;
    let webhook = server.webhook_to(&receiver.url, &["*"]).await;
    let wh = webhook["id"].as_str().unwrap();
    let good = format!(r#""url": "{}", "events": ["a.*"]"#, receiver.url);
    use Method as M;
    let nul = |method, path: &str, body: &str, field| {
        case(method, path, body, 422, Some(field), "nul_character")
    };
    let cases: Vec<Case> = vec![
        nul(
            M::POST,
            "/api/tokens",
            r#"{"name": "a\u0000b", "tenant": "acme"}"#,
            "name",
        ),
        nul(
            M::POST,
            "/api/webhooks",
            &format!(r#"{{{good}, "description": "a\u0000b"}}"#),
            "description",
        ),
        nul(
            M::POST,
            "/api/webhooks",
            &format!(r#"{{{good}, "headers": {{"X-Key": "a\u0000"}}}}"#),
            "headers.X-Key",
        ),
        nul(
            M::PATCH,
            &format!("/api/webhooks/{wh}"),
            r#"{"description": "\u0000"}"#,
            "description",
        ),
        nul(
            M::POST,
            "/api/event-types",
            r#"{"name": "a.b", "description": "x\u0000"}"#,
            "description",
        ),
        nul(
            M::POST,
            "/api/events",
            r#"{"type": "a.b", "data": {}, "id": "k\u0000"}"#,
            "id",
        ),
        nul(
            M::POST,
            "/api/events/batch",
            r#"{"events": [{"type": "a.b", "data": 1}, {"type": "a.b", "data": 1, "tenant": "\u0000"}]}"#,
            "events[1].tenant",
        ),
        nul(M::GET, "/api/webhooks?tenant=a%00b", "", "tenant"),
    ];
    common::cases::assert_all(&server, &cases).await;

    let (_, tokens) = server.get("/api/tokens").await;
    assert_eq!(tokens["data"], json!([]), "no token was made");
    let (_, types) = server.get("/api/event-types").await;
    assert_eq!(types["data"], json!([]), "no event type was made");
}

/// Each row: event data with a key twice in one object or a lone surrogate, on every route
/// that takes data, and the 422 that names it. Escapes JSON lacks are malformed JSON (400).
#[tokio::test]
async fn data_that_parsers_read_differently_is_refused_naming_the_field() {
    crate::require_backend!();
    let server = TestServer::start().await;
    let receiver = Receiver::start().await;
    let webhook = server.webhook_to(&receiver.url, &["*"]).await;
    let wh = webhook["id"].as_str().unwrap();
    let test = format!("/api/webhooks/{wh}/test");
    use Method as M;
    let cases: Vec<Case> = vec![
        case(
            M::POST,
            "/api/events",
            r#"{"type": "a.b", "data": {"amount": 100000, "amount": 5}}"#,
            422,
            Some("data"),
            "duplicate_key",
        ),
        case(
            M::POST,
            "/api/events",
            r#"{"type": "a.b", "data": {"a": [{"b": 1, "c": 2, "b": 3}]}}"#,
            422,
            Some("data"),
            "duplicate_key",
        ),
        case(
            M::POST,
            "/api/events",
            r#"{"type": "a.b", "data": {"name": "\ud800"}}"#,
            422,
            Some("data"),
            "invalid_escape",
        ),
        case(
            M::POST,
            "/api/events",
            r#"{"type": "a.b", "data": {"name": "\x"}}"#,
            400,
            None,
            "malformed_json",
        ),
        case(
            M::POST,
            "/api/events/batch",
            r#"{"events": [{"type": "a.b", "data": 1}, {"type": "a.b", "data": {"k": 1, "k": 1}}]}"#,
            422,
            Some("events[1].data"),
            "duplicate_key",
        ),
        case(
            M::POST,
            "/api/events/batch",
            r#"{"events": [{"type": "a.b", "data": ["\udfff"]}]}"#,
            422,
            Some("events[0].data"),
            "invalid_escape",
        ),
        case(
            M::POST,
            &test,
            r#"{"type": "a.b", "data": {"amount": 1, "amount": 2}}"#,
            422,
            Some("data"),
            "duplicate_key",
        ),
        case(
            M::POST,
            &test,
            r#"{"type": "a.b", "data": "\udc00"}"#,
            422,
            Some("data"),
            "invalid_escape",
        ),
    ];
    common::cases::assert_all(&server, &cases).await;
    let (_, events) = server.get("/api/events").await;
    assert_eq!(events["data"], json!([]), "nothing was published");
}

/// A repeated key can't slip past a schema: the check would see the last value, a receiver
/// keeping the first would get 100000; the event is refused and nothing is delivered.
#[tokio::test]
async fn a_repeated_key_cannot_slip_past_a_schema() {
    crate::require_backend!();
    let server = TestServer::start().await;
    let receiver = Receiver::start().await;
    server.webhook_to(&receiver.url, &["order.paid"]).await;
    let schema = json!({"type": "object", "properties": {"amount": {"maximum": 100}}});
    let (status, _) = server
        .post(
            "/api/event-types",
            json!({"name": "order.paid", "schema": schema}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let (status, problem) = server
        .call(
            Some(common::ADMIN_TOKEN),
            Method::POST,
            "/api/events",
            Some(r#"{"type": "order.paid", "data": {"amount": 100000, "amount": 5}}"#),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
    assert_eq!(problem["errors"][0]["field"], "data");
    assert_eq!(problem["errors"][0]["code"], "duplicate_key");
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert!(receiver.received().is_empty(), "nothing was delivered");
}
