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
