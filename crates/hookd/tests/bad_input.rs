//! Bad input on every route gets a 4xx problem+json naming the field, and nothing is stored.

mod common;

use common::{ADMIN_TOKEN, Receiver, TestServer};
use reqwest::{Method, StatusCode};
use serde_json::json;

/// One bad request and what must come back.
struct Case {
    method: Method,
    path: String,
    body: Option<String>,
    status: u16,
    /// The field named in `errors[]` (422 only).
    field: Option<&'static str>,
    code: &'static str,
}

fn case(
    method: Method,
    path: &str,
    body: &str,
    status: u16,
    field: Option<&'static str>,
    code: &'static str,
) -> Case {
    let body = (!body.is_empty()).then(|| body.to_owned());
    Case {
        method,
        path: path.to_owned(),
        body,
        status,
        field,
        code,
    }
}

/// Each row: a request a careless or hostile caller might send, and the exact answer.
#[tokio::test]
async fn every_route_answers_bad_input_with_a_problem_naming_the_field() {
    let server = TestServer::start_with(&[("max_event_bytes", "2048")]).await;
    let receiver = Receiver::start().await;
    let webhook = server.webhook_to(&receiver.url, &["*"]).await;
    let wh = webhook["id"].as_str().unwrap();
    let accepted = server.publish(json!({"type": "a.b", "data": {}})).await;
    let evt = accepted["id"].as_str().unwrap();
    let good = format!(r#""url": "{}", "events": ["a.*"]"#, receiver.url);
    use Method as M;
    let cases = vec![
        // POST /api/webhooks
        case(M::POST, "/api/webhooks", "", 400, None, "malformed_json"),
        case(
            M::POST,
            "/api/webhooks",
            "{\"url\": ",
            400,
            None,
            "malformed_json",
        ),
        case(
            M::POST,
            "/api/webhooks",
            "[]",
            422,
            Some("body"),
            "invalid_type",
        ),
        case(
            M::POST,
            "/api/webhooks",
            r#"{"events": ["a"]}"#,
            422,
            Some("url"),
            "required",
        ),
        case(
            M::POST,
            "/api/webhooks",
            &format!(r#"{{"url": "{}"}}"#, receiver.url),
            422,
            Some("events"),
            "required",
        ),
        case(
            M::POST,
            "/api/webhooks",
            r#"{"url": "not a url", "events": ["a"]}"#,
            422,
            Some("url"),
            "invalid_url",
        ),
        case(
            M::POST,
            "/api/webhooks",
            r#"{"url": "ftp://example.com/x", "events": ["a"]}"#,
            422,
            Some("url"),
            "invalid_url",
        ),
        case(
            M::POST,
            "/api/webhooks",
            r#"{"url": "https://user:pw@example.com/", "events": ["a"]}"#,
            422,
            Some("url"),
            "invalid_url",
        ),
        case(
            M::POST,
            "/api/webhooks",
            &format!(
                r#"{{"url": "https://example.com/{}", "events": ["a"]}}"#,
                "x".repeat(2100)
            ),
            422,
            Some("url"),
            "invalid_url",
        ),
        case(
            M::POST,
            "/api/webhooks",
            r#"{"url": "http://169.254.169.254/latest", "events": ["a"]}"#,
            422,
            Some("url"),
            "url_not_allowed",
        ),
        case(
            M::POST,
            "/api/webhooks",
            r#"{"url": "http://10.1.2.3/", "events": ["a"]}"#,
            422,
            Some("url"),
            "url_not_allowed",
        ),
        case(
            M::POST,
            "/api/webhooks",
            &format!("{{{good}, \"events\": []}}"),
            422,
            Some("events"),
            "duplicate_field",
        ),
        case(
            M::POST,
            "/api/webhooks",
            &format!(r#"{{"url": "{}", "events": []}}"#, receiver.url),
            422,
            Some("events"),
            "invalid_events",
        ),
        case(
            M::POST,
            "/api/webhooks",
            &format!(
                r#"{{"url": "{}", "events": ["ok", "bad name"]}}"#,
                receiver.url
            ),
            422,
            Some("events[1]"),
            "invalid_event_name",
        ),
        case(
            M::POST,
            "/api/webhooks",
            &format!(r#"{{"url": "{}", "events": ["a.*.b"]}}"#, receiver.url),
            422,
            Some("events[0]"),
            "invalid_event_name",
        ),
        case(
            M::POST,
            "/api/webhooks",
            &format!(r#"{{{good}, "timeout_ms": "fast"}}"#),
            422,
            Some("timeout_ms"),
            "invalid_type",
        ),
        case(
            M::POST,
            "/api/webhooks",
            &format!(r#"{{{good}, "timeout_ms": 5}}"#),
            422,
            Some("timeout_ms"),
            "out_of_range",
        ),
        case(
            M::POST,
            "/api/webhooks",
            &format!(r#"{{{good}, "max_in_flight": 0}}"#),
            422,
            Some("max_in_flight"),
            "out_of_range",
        ),
        case(
            M::POST,
            "/api/webhooks",
            &format!(r#"{{{good}, "max_in_flight": -1}}"#),
            422,
            Some("max_in_flight"),
            "invalid_type",
        ),
        case(
            M::POST,
            "/api/webhooks",
            &format!(r#"{{{good}, "rate_limit": 0}}"#),
            422,
            Some("rate_limit"),
            "out_of_range",
        ),
        case(
            M::POST,
            "/api/webhooks",
            &format!(r#"{{{good}, "retry_schedule": ["1m", "soon"]}}"#),
            422,
            Some("retry_schedule[1]"),
            "invalid_schedule",
        ),
        case(
            M::POST,
            "/api/webhooks",
            &format!(r#"{{{good}, "retry_schedule": ["10ms"]}}"#),
            422,
            Some("retry_schedule[0]"),
            "invalid_schedule",
        ),
        case(
            M::POST,
            "/api/webhooks",
            &format!(r#"{{{good}, "filter": "data.amount >"}}"#),
            422,
            Some("filter"),
            "invalid_filter",
        ),
        case(
            M::POST,
            "/api/webhooks",
            &format!(r#"{{{good}, "headers": {{"Content-Type": "text/plain"}}}}"#),
            422,
            Some("headers.Content-Type"),
            "invalid_header",
        ),
        case(
            M::POST,
            "/api/webhooks",
            &format!(r#"{{{good}, "headers": {{"X-Ok": "a\nb"}}}}"#),
            422,
            Some("headers.X-Ok"),
            "invalid_header",
        ),
        case(
            M::POST,
            "/api/webhooks",
            &format!(r#"{{{good}, "secret": "plain-text"}}"#),
            422,
            Some("secret"),
            "invalid_secret",
        ),
        case(
            M::POST,
            "/api/webhooks",
            &format!(r#"{{{good}, "tenant": "no spaces allowed"}}"#),
            422,
            Some("tenant"),
            "invalid_tenant",
        ),
        case(
            M::POST,
            "/api/webhooks",
            &format!(r#"{{{good}, "evnts": ["a"]}}"#),
            422,
            Some("evnts"),
            "unknown_field",
        ),
        case(
            M::POST,
            "/api/webhooks",
            &format!(r#"{{{good}, "description": "{}"}}"#, "d".repeat(1001)),
            422,
            Some("description"),
            "too_long",
        ),
        // GET /api/webhooks
        case(
            M::GET,
            "/api/webhooks?limit=0",
            "",
            422,
            Some("limit"),
            "out_of_range",
        ),
        case(
            M::GET,
            "/api/webhooks?limit=251",
            "",
            422,
            Some("limit"),
            "out_of_range",
        ),
        case(
            M::GET,
            "/api/webhooks?limit=many",
            "",
            422,
            Some("limit"),
            "invalid_type",
        ),
        case(
            M::GET,
            "/api/webhooks?cursor=garbage",
            "",
            422,
            Some("cursor"),
            "invalid_cursor",
        ),
        case(
            M::GET,
            "/api/webhooks?active=maybe",
            "",
            422,
            Some("active"),
            "invalid_type",
        ),
        case(
            M::GET,
            "/api/webhooks?event=a..b",
            "",
            422,
            Some("event"),
            "invalid_event_name",
        ),
        // One webhook
        case(M::GET, "/api/webhooks/wh_nope", "", 404, None, "not_found"),
        case(
            M::GET,
            "/api/webhooks/wh_01M82NQJGDG5CQ7VXK2Z6PSTRA",
            "",
            404,
            None,
            "not_found",
        ),
        case(
            M::PATCH,
            &format!("/api/webhooks/{wh}"),
            r#"{"url": "javascript:alert(1)"}"#,
            422,
            Some("url"),
            "invalid_url",
        ),
        case(
            M::PATCH,
            &format!("/api/webhooks/{wh}"),
            r#"{"tenant": "x"}"#,
            422,
            Some("tenant"),
            "immutable",
        ),
        case(
            M::PATCH,
            &format!("/api/webhooks/{wh}"),
            r#"{"secret": "whsec_x"}"#,
            422,
            Some("secret"),
            "immutable",
        ),
        case(
            M::PATCH,
            &format!("/api/webhooks/{wh}"),
            r#"{"events": "a"}"#,
            422,
            Some("events"),
            "invalid_type",
        ),
        case(
            M::PATCH,
            &format!("/api/webhooks/{wh}"),
            "{",
            400,
            None,
            "malformed_json",
        ),
        case(
            M::DELETE,
            "/api/webhooks/evt_01M82NQJGDG5CQ7VXK2Z6PSTRA",
            "",
            404,
            None,
            "not_found",
        ),
        case(
            M::POST,
            &format!("/api/webhooks/{wh}/rotate-secret"),
            r#"{"secret": "whsec_short"}"#,
            422,
            Some("secret"),
            "invalid_secret",
        ),
        case(
            M::POST,
            &format!("/api/webhooks/{wh}/test"),
            r#"{"type": "", "data": {}}"#,
            422,
            Some("type"),
            "invalid_event_name",
        ),
        case(
            M::POST,
            &format!("/api/webhooks/{wh}/test"),
            r#"{"data": {}}"#,
            422,
            Some("type"),
            "required",
        ),
        case(
            M::GET,
            &format!("/api/webhooks/{wh}/logs?status=maybe"),
            "",
            422,
            Some("status"),
            "invalid_status",
        ),
        case(
            M::GET,
            &format!("/api/webhooks/{wh}/logs?since=yesterday"),
            "",
            422,
            Some("since"),
            "invalid_timestamp",
        ),
        case(
            M::GET,
            &format!("/api/webhooks/{wh}/logs?event_id=wh_x"),
            "",
            422,
            Some("event_id"),
            "invalid_id",
        ),
        case(
            M::POST,
            &format!("/api/webhooks/{wh}/recover"),
            r#"{}"#,
            422,
            Some("since"),
            "required",
        ),
        case(
            M::POST,
            &format!("/api/webhooks/{wh}/recover"),
            r#"{"since": "last week"}"#,
            422,
            Some("since"),
            "invalid_type",
        ),
        case(
            M::GET,
            &format!("/api/webhooks/{wh}/stats?window=forever"),
            "",
            422,
            Some("window"),
            "invalid_window",
        ),
        case(
            M::GET,
            &format!("/api/webhooks/{wh}/stats?window=1s"),
            "",
            422,
            Some("window"),
            "invalid_window",
        ),
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
    let mut failures = Vec::new();
    for case in &cases {
        let response = reqwest::Client::new()
            .request(case.method.clone(), server.url(&case.path))
            .bearer_auth(ADMIN_TOKEN)
            .body(case.body.clone().unwrap_or_default())
            .send()
            .await
            .unwrap();
        let status = response.status().as_u16();
        let content_type = response
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        let problem: serde_json::Value = response.json().await.unwrap_or_default();
        let field = problem["errors"]
            .as_array()
            .and_then(|e| e.first())
            .and_then(|e| e["field"].as_str())
            .map(str::to_owned);
        let code = problem["code"].as_str().unwrap_or_default();
        let ok = status == case.status
            && content_type == "application/problem+json"
            && problem["status"] == case.status
            && field.as_deref() == case.field
            && code == case.code;
        if !ok {
            failures.push(format!(
                "{} {} {:?}\n    got {status} {content_type} {problem}",
                case.method,
                case.path,
                case.body.as_deref().map(|b| &b[..b.len().min(80)])
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases answered wrongly:\n  {}",
        failures.len(),
        cases.len(),
        failures.join("\n  ")
    );

    let (_, events) = server.get("/api/events").await;
    assert_eq!(
        events["data"].as_array().unwrap().len(),
        1,
        "no bad request stored an event: {events}"
    );
    assert_eq!(events["data"][0]["id"], evt);
    let (_, webhooks) = server.get("/api/webhooks").await;
    assert_eq!(
        webhooks["data"].as_array().unwrap().len(),
        1,
        "no bad request stored a webhook"
    );
}

/// A body over the batch limit is refused with 413, and a well-formed batch of valid events
/// with one bad event stores nothing (all or nothing).
#[tokio::test]
async fn a_batch_is_all_or_nothing() {
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
