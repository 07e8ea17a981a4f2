//! Bad input when creating a webhook gets a 4xx problem+json naming the field, and stores nothing.

use crate::common;

use common::cases::case;
use common::{Receiver, TestServer};
use reqwest::Method;
use serde_json::json;

/// Each row: a request a careless or hostile caller might send, and the exact answer.
#[tokio::test]
async fn creating_a_webhook_answers_bad_input_with_a_problem_naming_the_field() {
    crate::require_backend!();
    let stored = two_webhooks_and_an_event().await;
    let (server, receiver) = (&stored.server, &stored.receiver);
    let (whsec, whsk) = (WHSEC, WHSK);
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
            &format!(r#"{{{good}, "ordering": "json:type"}}"#),
            422,
            Some("ordering"),
            "invalid_ordering",
        ),
        case(
            M::POST,
            "/api/webhooks",
            &format!(r#"{{{good}, "ordering": "per-order"}}"#),
            422,
            Some("ordering"),
            "invalid_ordering",
        ),
        case(
            M::POST,
            "/api/webhooks",
            &format!(r#"{{{good}, "ordering": 5}}"#),
            422,
            Some("ordering"),
            "invalid_type",
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
            &format!(r#"{{{good}, "retry_schedule": ["1m 5m"]}}"#),
            422,
            Some("retry_schedule[0]"),
            "invalid_schedule",
        ),
        case(
            M::POST,
            "/api/webhooks",
            &format!(r#"{{{good}, "retry_schedule": ["1 minute"]}}"#),
            422,
            Some("retry_schedule[0]"),
            "invalid_schedule",
        ),
        case(
            M::POST,
            "/api/webhooks",
            &format!(r#"{{{good}, "headers": {{"X-Webhook-Signature": "forged"}}}}"#),
            422,
            Some("headers.X-Webhook-Signature"),
            "invalid_header",
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
        // POST /api/webhooks: signature
        case(
            M::POST,
            "/api/webhooks",
            &format!(r#"{{{good}, "signature": {{"scheme": "v2"}}}}"#),
            422,
            Some("signature.scheme"),
            "invalid_scheme",
        ),
        case(
            M::POST,
            "/api/webhooks",
            &format!(r#"{{{good}, "signature": "v1a"}}"#),
            422,
            Some("signature"),
            "invalid_type",
        ),
        case(
            M::POST,
            "/api/webhooks",
            &format!(r#"{{{good}, "signature": {{"schema": "v1a"}}}}"#),
            422,
            Some("signature.schema"),
            "unknown_field",
        ),
        case(
            M::POST,
            "/api/webhooks",
            &format!(r#"{{{good}, "signature": {{"simple_header": "Bad Name"}}}}"#),
            422,
            Some("signature.simple_header"),
            "invalid_header",
        ),
        case(
            M::POST,
            "/api/webhooks",
            &format!(r#"{{{good}, "signature": {{"simple_header": "Webhook-Signature"}}}}"#),
            422,
            Some("signature.simple_header"),
            "invalid_header",
        ),
        case(
            M::POST,
            "/api/webhooks",
            &format!(r#"{{{good}, "signature": {{"simple_header": "content-length"}}}}"#),
            422,
            Some("signature.simple_header"),
            "invalid_header",
        ),
        case(
            M::POST,
            "/api/webhooks",
            &format!(
                r#"{{{good}, "signature": {{"simple_prefix": "{}"}}}}"#,
                "p".repeat(33)
            ),
            422,
            Some("signature.simple_prefix"),
            "invalid_prefix",
        ),
        case(
            M::POST,
            "/api/webhooks",
            &format!(r#"{{{good}, "signature": {{"simple_prefix": "sha256 ="}}}}"#),
            422,
            Some("signature.simple_prefix"),
            "invalid_prefix",
        ),
        case(
            M::POST,
            "/api/webhooks",
            &format!(r#"{{{good}, "secret": "{whsec}", "signature": {{"scheme": "v1a"}}}}"#),
            422,
            Some("secret"),
            "invalid_secret",
        ),
        case(
            M::POST,
            "/api/webhooks",
            &format!(r#"{{{good}, "secret": "{whsk}"}}"#),
            422,
            Some("secret"),
            "invalid_secret",
        ),
        case(
            M::POST,
            "/api/webhooks",
            &format!(r#"{{{good}, "secret": "{whsk}", "signature": {{"scheme": "v1"}}}}"#),
            422,
            Some("secret"),
            "invalid_secret",
        ),
        case(
            M::POST,
            "/api/webhooks",
            &format!(
                r#"{{{good}, "headers": {{"X-Sig": "x"}}, "signature": {{"simple_header": "x-sig"}}}}"#
            ),
            422,
            Some("headers.X-Sig"),
            "invalid_header",
        ),
    ];
    common::cases::assert_all(server, &cases).await;
    assert_nothing_stored(&stored).await;
}

/// A `v1` secret and a `v1a` key that requests may name.
pub(super) const WHSEC: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
pub(super) const WHSK: &str = "whsk_AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";

/// What is stored before the bad requests: two webhooks (signing `v1` and `v1a`) and an event.
pub(super) struct Stored {
    pub server: TestServer,
    pub receiver: Receiver,
    pub v1: String,
    pub v1a: String,
    pub event: String,
}

pub(super) async fn two_webhooks_and_an_event() -> Stored {
    let server = TestServer::start_with(&[("max_event_bytes", "2048")]).await;
    let receiver = Receiver::start().await;
    let v1 = server.webhook_to(&receiver.url, &["*"]).await;
    let v1a = server
        .create_webhook(json!({"url": receiver.url, "events": ["*"], "ping": false,
            "signature": {"scheme": "v1a"}}))
        .await;
    let event = server.publish(json!({"type": "a.b", "data": {}})).await;
    let id = |value: &serde_json::Value| value["id"].as_str().unwrap().to_owned();
    Stored {
        v1: id(&v1),
        v1a: id(&v1a),
        event: id(&event),
        server,
        receiver,
    }
}

/// No bad request stored an event or a webhook.
pub(super) async fn assert_nothing_stored(stored: &Stored) {
    let (_, events) = stored.server.get("/api/events").await;
    assert_eq!(
        events["data"].as_array().unwrap().len(),
        1,
        "no bad request stored an event: {events}"
    );
    assert_eq!(events["data"][0]["id"], stored.event.as_str());
    let (_, webhooks) = stored.server.get("/api/webhooks").await;
    assert_eq!(
        webhooks["data"].as_array().unwrap().len(),
        2,
        "no bad request stored a webhook"
    );
}
