//! Bad input on the routes of existing webhooks (their list, one webhook, its changes, secret,
//! tests and statistics) gets a 4xx problem+json naming the field, and changes nothing.

use crate::common;

use super::bad_input::{WHSEC, WHSK, assert_nothing_stored, two_webhooks_and_an_event};
use common::cases::case;
use reqwest::Method;

/// Each row: a request a careless or hostile caller might send, and the exact answer.
#[tokio::test]
async fn every_route_of_existing_webhooks_answers_bad_input_with_a_problem_naming_the_field() {
    crate::require_backend!();
    let stored = two_webhooks_and_an_event().await;
    let server = &stored.server;
    let (wh, v1a) = (stored.v1.as_str(), stored.v1a.as_str());
    let (whsec, whsk) = (WHSEC, WHSK);
    use Method as M;
    let cases = vec![
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
            r#"{"signature": {"scheme": "ed25519"}}"#,
            422,
            Some("signature.scheme"),
            "invalid_scheme",
        ),
        case(
            M::PATCH,
            &format!("/api/webhooks/{wh}"),
            &format!(r#"{{"signature": {{"scheme": "v1a"}}, "secret": "{whsec}"}}"#),
            422,
            Some("secret"),
            "invalid_secret",
        ),
        case(
            M::PATCH,
            &format!("/api/webhooks/{wh}"),
            &format!(r#"{{"signature": {{"scheme": "v1"}}, "secret": "{whsec}"}}"#),
            422,
            Some("secret"),
            "immutable",
        ),
        case(
            M::PATCH,
            &format!("/api/webhooks/{v1a}"),
            &format!(r#"{{"signature": {{"scheme": "v1"}}, "secret": "{whsk}"}}"#),
            422,
            Some("secret"),
            "invalid_secret",
        ),
        case(
            M::PATCH,
            &format!("/api/webhooks/{wh}"),
            r#"{"signature": {"simple_prefix": "x\ty"}}"#,
            422,
            Some("signature.simple_prefix"),
            "invalid_prefix",
        ),
        case(
            M::POST,
            &format!("/api/webhooks/{wh}/rotate-secret"),
            &format!(r#"{{"secret": "{whsk}"}}"#),
            422,
            Some("secret"),
            "invalid_secret",
        ),
        case(
            M::POST,
            &format!("/api/webhooks/{v1a}/rotate-secret"),
            &format!(r#"{{"secret": "{whsec}"}}"#),
            422,
            Some("secret"),
            "invalid_secret",
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
            &format!(
                r#"{{"type": "a.b", "data": "{}"}}"#,
                "x".repeat(1024 * 1024)
            ),
            413,
            None,
            "body_too_large",
        ),
        case(
            M::POST,
            &format!("/api/webhooks/{wh}/rotate-secret"),
            &format!(r#"{{"secret": "{}"}}"#, "x".repeat(3 * 1024 * 1024)),
            413,
            None,
            "body_too_large",
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
    ];
    common::cases::assert_all(server, &cases).await;
    assert_nothing_stored(&stored).await;
    let (_, unchanged) = server.get(&format!("/api/webhooks/{wh}")).await;
    assert_eq!(
        unchanged["signature"]["scheme"], "v1",
        "no bad PATCH changed the scheme"
    );
}
