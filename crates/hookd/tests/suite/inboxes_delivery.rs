//! From inbox request to event: the event's type from the inbox's template, its data the
//! body (JSON that every parser reads alike) or `{"content_type", "body_base64"}` (anything
//! else: a binary body, a body parsers disagree on), in the inbox's tenant. What webhooks then
//! receive: `inboxes_original.rs`.

use crate::common;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use common::inbox::{create_inbox, event, history, id_of, stored_request, to_inbox};
use common::senders::Sender;
use common::{Receiver, TestServer};
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::time::Duration;

const WAIT: Duration = Duration::from_secs(10);

/// A body that is not UTF-8 is stored as `body_base64` (no `body`), and its event's `data`
/// holds it the same way.
#[tokio::test]
async fn a_binary_body_is_kept_and_published_as_base64() {
    crate::require_backend!();
    let server = TestServer::start().await;
    let inbox = common::inbox::open_inbox(&server, "bin.blob").await;
    let bytes = vec![0xff, 0xfe, 0x00, 0x01, 0x80, b'{'];
    let answer = to_inbox(&server, &inbox, bytes.clone())
        .header("content-type", "application/octet-stream")
        .send()
        .await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.text);
    let stored = stored_request(&server, &id_of(&answer.json())).await;
    assert_eq!(stored["body_base64"], BASE64.encode(&bytes), "{stored}");
    assert!(stored["body"].is_null(), "{stored}");
    assert_eq!(stored["body_size"], bytes.len());
    let published = event(&server, stored["event_id"].as_str().expect("an event")).await;
    assert_eq!(
        published["data"],
        json!({"content_type": "application/octet-stream", "body_base64": BASE64.encode(&bytes)})
    );
}

/// `event_type` templates fill in `{header:<name>}` and `{json:<path>}` (a nested path too)
/// from the request.
#[tokio::test]
async fn the_event_type_is_filled_in_from_the_request() {
    crate::require_backend!();
    let server = TestServer::start().await;
    let github = Sender::Github {
        secret: "templates".into(),
    };
    let by_header = id_of(
        &create_inbox(
            &server,
            json!({"name": "gh", "verify": github.verify(),
                "event_type": "github.{header:X-GitHub-Event}"}),
        )
        .await,
    );
    let by_path = id_of(
        &create_inbox(
            &server,
            json!({"name": "nested", "verify": {"scheme": "none"},
                "event_type": "shop.{json:data.kind}.{json:action}"}),
        )
        .await,
    );
    let body = r#"{"action": "created", "data": {"kind": "order"}}"#;
    for (inbox, headers, expected) in [
        (
            &by_header,
            github.headers(body.as_bytes(), 0, "d-1"),
            "github.push",
        ),
        (&by_path, Vec::new(), "shop.order.created"),
    ] {
        let answer = to_inbox(&server, inbox, body.as_bytes().to_vec())
            .header("content-type", "application/json")
            .headers(&headers)
            .send()
            .await;
        assert_eq!(answer.status, StatusCode::OK, "{}", answer.text);
        let row = history(&server, inbox).await.remove(0);
        let published = event(&server, row["event_id"].as_str().expect("an event")).await;
        assert_eq!(published["type"], expected);
    }
}

/// An inbox's events are its tenant's: they go to that tenant's subscribers only.
#[tokio::test]
async fn an_inbox_publishes_in_its_tenant() {
    crate::require_backend!();
    let server = TestServer::start().await;
    let (acme, other) = (Receiver::start().await, Receiver::start().await);
    let acme_hook = server
        .create_webhook(json!({"url": acme.url, "events": ["*"], "tenant": "acme", "ping": false}))
        .await;
    server.webhook_to(&other.url, &["*"]).await;
    let inbox = id_of(
        &create_inbox(
            &server,
            json!({"name": "acme", "tenant": "acme", "verify": {"scheme": "none"},
                "event_type": "acme.signal"}),
        )
        .await,
    );
    let answer = to_inbox(&server, &inbox, br#"{"for": "acme"}"#.to_vec())
        .header("content-type", "application/json")
        .send()
        .await;
    assert_eq!(answer.status, StatusCode::OK);
    let row = history(&server, &inbox).await.remove(0);
    let published = event(&server, row["event_id"].as_str().unwrap()).await;
    assert_eq!(published["tenant"], "acme", "{published}");
    let webhooks: Vec<&Value> = published["deliveries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| &d["webhook_id"])
        .collect();
    assert_eq!(webhooks, [&acme_hook["id"]], "{published}");
    assert_eq!(
        acme.wait_for(1, WAIT).await[0].json()["data"],
        json!({"for": "acme"})
    );
}

/// A body that JSON parsers read differently (a key twice in one object, a lone surrogate:
/// what `POST /api/events` refuses as `data`) is kept byte for byte, but its event's `data`
/// is `{"content_type", "body_base64"}` like any body that is not JSON, and templates find
/// nothing in it: no receiver is handed values hookd may have read otherwise.
#[tokio::test]
async fn a_body_parsers_disagree_on_is_published_as_base64() {
    crate::require_backend!();
    let server = TestServer::start().await;
    let inbox = id_of(
        &create_inbox(
            &server,
            json!({"name": "odd", "verify": {"scheme": "none"}, "event_type": "odd.{json:kind}"}),
        )
        .await,
    );
    for body in [
        r#"{"kind": "refund", "amount": 100000, "amount": 5}"#,
        r#"{"kind": "refund", "kind": "charge"}"#,
        r#"{"kind": "refund", "note": "\ud800"}"#,
    ] {
        let answer = to_inbox(&server, &inbox, body.as_bytes().to_vec())
            .header("content-type", "application/json")
            .send()
            .await;
        assert_eq!(answer.status, StatusCode::OK, "{}", answer.text);
        let stored = stored_request(&server, &id_of(&answer.json())).await;
        assert_eq!(stored["body"], body);
        let published = event(&server, stored["event_id"].as_str().expect("an event")).await;
        assert_eq!(
            published["data"],
            json!({"content_type": "application/json", "body_base64": BASE64.encode(body)}),
            "{body}"
        );
        assert_eq!(published["type"], "odd.unknown", "{body}");
    }
}
