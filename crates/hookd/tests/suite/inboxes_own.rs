//! hookd's own inboxes as a destination: a webhook may point at `<public URL>/in/ibx_...`
//! whatever `HOOKD_ALLOWED_NETWORKS` says (the playground's "send a test webhook"), nothing
//! else of hookd's address becomes reachable by that, and an event that came from an inbox
//! never goes back into one.

use crate::common::{TestServer, eventually};
use crate::require_backend;
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::time::Duration;

async fn history(server: &TestServer, inbox: &str) -> Vec<Value> {
    let (status, page) = server.get(&format!("/api/inboxes/{inbox}/requests")).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    page["data"].as_array().unwrap().clone()
}

/// With no network allowed, a webhook registered at its own inbox's URL is delivered there,
/// signed so that the inbox (scheme `standard`, the webhook's secret) verifies it.
#[tokio::test]
async fn a_webhook_reaches_hookds_own_inbox_whatever_the_allowed_networks() {
    require_backend!();
    let server = TestServer::start_with(&[("allowed_networks", "")]).await;
    let (status, inbox) = server
        .post(
            "/api/inboxes",
            json!({"name": "self", "verify": {"scheme": "standard"}, "event_type": "looped.{json:type}"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{inbox}");
    let receive_url = inbox["receive_url"].as_str().unwrap();
    assert_eq!(
        receive_url,
        server.url(&format!("/in/{}", inbox["id"].as_str().unwrap()))
    );
    let secret = inbox["verify"]["secret"].as_str().unwrap();
    let webhook = server
        .create_webhook(json!({"url": receive_url, "events": ["order.*", "looped.*"], "secret": secret, "ping": false}))
        .await;
    assert!(webhook["id"].is_string(), "{webhook}");
    server
        .publish(json!({"type": "order.created", "data": {"n": 1}}))
        .await;
    let requests = eventually(
        "the delivery in the inbox's history",
        Duration::from_secs(10),
        || async {
            let requests = history(&server, inbox["id"].as_str().unwrap()).await;
            (!requests.is_empty()).then_some(requests)
        },
    )
    .await;
    assert_eq!(requests[0]["verified"], true, "{}", requests[0]);
    assert!(requests[0]["event_id"].is_string());

    // The inbox's event (`looped.order.created`) matches the same webhook, which is hookd's own
    // inbox: it is not sent there, or every event would come back for ever.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(
        history(&server, inbox["id"].as_str().unwrap()).await.len(),
        1,
        "no loop"
    );
    let (_, event) = server
        .get(&format!(
            "/api/events/{}",
            requests[0]["event_id"].as_str().unwrap()
        ))
        .await;
    assert_eq!(
        event["deliveries"].as_array().map(Vec::len),
        Some(0),
        "{event}"
    );
}

/// The exception is the inbox path of the public URL only: hookd's other routes stay out of
/// reach of webhooks.
#[tokio::test]
async fn hookds_other_routes_stay_unreachable() {
    require_backend!();
    let server = TestServer::start_with(&[("allowed_networks", "")]).await;
    for path in ["/api/webhooks", "/in/ibx_not-an-id", "/metrics"] {
        let (status, problem) = server
            .post(
                "/api/webhooks",
                json!({"url": server.url(path), "events": ["*"], "ping": false}),
            )
            .await;
        assert_eq!(
            status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{path}: {problem}"
        );
        assert_eq!(problem["errors"][0]["code"], "url_not_allowed", "{path}");
    }
}

/// The playground's "make it fail": a playground inbox may answer a failure status, and answers
/// it to every copy (duplicates included), so the webhook's retries keep arriving and are kept,
/// the first as the original with its event, the retries as its duplicates. The inbox's event
/// names the request it came from (`inbox_request_id`). An inbox that is not a playground
/// can't answer a failure.
#[tokio::test]
async fn a_failing_playground_sees_every_retry_arrive() {
    require_backend!();
    let server = TestServer::start_with(&[("allowed_networks", "")]).await;
    let (status, inbox) = server
        .post(
            "/api/inboxes",
            json!({"name": "pg", "playground": true, "verify": {"scheme": "standard"},
                   "response": {"status": 503}}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{inbox}");
    let id = inbox["id"].as_str().unwrap();
    let webhook = server
        .create_webhook(
            json!({"url": inbox["receive_url"], "events": ["playground.*"],
                               "secret": inbox["verify"]["secret"], "retry_schedule": ["1s", "1s"],
                               "ping": false}),
        )
        .await;
    assert!(webhook["id"].is_string(), "{webhook}");
    server
        .publish(json!({"type": "playground.test", "data": {"n": 1}}))
        .await;
    let requests = eventually(
        "the first attempt and both retries",
        Duration::from_secs(15),
        || async {
            let requests = history(&server, id).await;
            (requests.len() == 3).then_some(requests)
        },
    )
    .await;
    let original = &requests[2];
    assert_eq!(original["verified"], true, "{original}");
    assert!(original["duplicate_of"].is_null());
    for retry in &requests[..2] {
        assert_eq!(retry["duplicate_of"], original["id"], "{retry}");
    }
    let (_, event) = server
        .get(&format!(
            "/api/events/{}",
            original["event_id"].as_str().unwrap()
        ))
        .await;
    assert_eq!(event["inbox_request_id"], original["id"], "{event}");
    let (_, listed) = server.get("/api/events?type=inbox.playground.test").await;
    assert_eq!(
        listed["data"][0]["inbox_request_id"], original["id"],
        "{listed}"
    );

    let (status, problem) = server
        .post(
            "/api/inboxes",
            json!({"name": "real", "verify": {"scheme": "none"}, "response": {"status": 503}}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
    assert_eq!(problem["errors"][0]["field"], "response.status");
}
