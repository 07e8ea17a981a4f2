//! Text that the backends would read differently is refused with a 422 naming the field, on
//! both backends alike: NUL in any text field (PostgreSQL's `text` can't hold it, SQLite can).

use crate::common;

use common::cases::{Case, case};
use common::{Receiver, TestServer};
use reqwest::Method;
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
