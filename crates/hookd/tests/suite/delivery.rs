//! Events reach their subscribers, signed as docs/api.md says, and every attempt is logged.

use crate::common;

use common::{Receiver, Reply, TestServer, eventually};
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::time::Duration;

const WAIT: Duration = Duration::from_secs(10);

fn now_secs() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

/// A published event arrives once, with every documented header, a body of the documented
/// shape, and both signatures verifying with the webhook's secret.
#[tokio::test]
async fn a_published_event_reaches_its_subscriber_signed() {
    crate::require_backend!();
    let server = TestServer::start().await;
    let receiver = Receiver::start().await;
    let webhook = server.webhook_to(&receiver.url, &["order.created"]).await;
    let secret = webhook["secret"].as_str().unwrap();
    let accepted = server
        .publish(json!({"type": "order.created", "data": {"amount": 42, "note": "ünïcode"}}))
        .await;
    assert_eq!(accepted["deliveries"], 1);
    let event_id = accepted["id"].as_str().unwrap();

    let request = receiver.wait_for(1, WAIT).await.remove(0);
    assert_eq!(request.header("content-type"), "application/json");
    assert!(request.header("user-agent").starts_with("hookd/"));
    assert_eq!(request.header("webhook-id"), event_id);
    assert_eq!(request.header("x-webhook-id"), event_id);
    assert_eq!(request.header("x-webhook-event"), "order.created");
    assert_eq!(request.header("x-webhook-attempt"), "1");
    assert!(request.header("x-webhook-delivery").starts_with("dlv_"));
    assert_eq!(
        request.header("webhook-timestamp"),
        request.header("x-webhook-timestamp")
    );
    let body = request.json();
    assert_eq!(
        body,
        json!({"id": event_id, "type": "order.created", "timestamp": accepted["timestamp"], "data": {"amount": 42, "note": "ünïcode"}})
    );
    hookd_verify::verify_standard(
        secret,
        request.header("webhook-id"),
        request.header("webhook-timestamp"),
        &request.body,
        request.header("webhook-signature"),
        now_secs(),
        300,
    )
    .expect("the Standard Webhooks signature verifies");
    hookd_verify::verify_hex(secret, &request.body, request.header("x-webhook-signature"))
        .expect("the hex signature verifies");

    let webhook_id = webhook["id"].as_str().unwrap();
    let logs = eventually("the attempt to be logged", WAIT, || async {
        let logs = server.logs(webhook_id).await;
        (!logs.is_empty()).then_some(logs)
    })
    .await;
    assert_eq!(logs.len(), 1);
    assert_eq!(logs[0]["status"], "succeeded");
    assert_eq!(logs[0]["response_code"], 200);
    assert_eq!(logs[0]["event_id"], event_id);
    assert_eq!(logs[0]["attempt"], 1);
}

/// Registering a webhook delivers a `webhook.ping` to it at once, logged like any delivery.
#[tokio::test]
async fn registration_pings_the_new_webhook() {
    crate::require_backend!();
    let server = TestServer::start().await;
    let receiver = Receiver::start().await;
    let webhook = server
        .create_webhook(json!({"url": receiver.url, "events": ["order.*"]}))
        .await;
    assert!(webhook["secret"].as_str().unwrap().starts_with("whsec_"));
    let ping = receiver.wait_for(1, WAIT).await.remove(0);
    assert_eq!(ping.header("x-webhook-event"), "webhook.ping");
    assert_eq!(ping.json()["data"]["webhook_id"], webhook["id"]);
    assert_eq!(
        ping.header("webhook-id"),
        webhook["ping_event_id"].as_str().unwrap()
    );
    let id = webhook["id"].as_str().unwrap();
    eventually("the ping to be logged", WAIT, || async {
        server
            .logs(id)
            .await
            .first()
            .filter(|a| a["event_type"] == "webhook.ping")
            .cloned()
    })
    .await;
}

/// An event goes to exactly the tenant's active webhooks whose patterns match: exact names,
/// `prefix.*` and `*`.
#[tokio::test]
async fn events_go_to_exactly_the_matching_subscribers() {
    crate::require_backend!();
    let server = TestServer::start().await;
    let (exact, prefix, all, other) = (
        Receiver::start().await,
        Receiver::start().await,
        Receiver::start().await,
        Receiver::start().await,
    );
    server.webhook_to(&exact.url, &["order.created"]).await;
    server.webhook_to(&prefix.url, &["order.*"]).await;
    server.webhook_to(&all.url, &["*"]).await;
    server.webhook_to(&other.url, &["user.*", "order"]).await;
    assert_eq!(
        server
            .publish(json!({"type": "order.created", "data": {}}))
            .await["deliveries"],
        3
    );
    assert_eq!(
        server
            .publish(json!({"type": "order.line.added", "data": {}}))
            .await["deliveries"],
        2
    );
    assert_eq!(
        server
            .publish(json!({"type": "invoice.paid", "data": {}}))
            .await["deliveries"],
        1
    );
    all.wait_for(3, WAIT).await;
    prefix.wait_for(2, WAIT).await;
    exact.wait_for(1, WAIT).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(
        (exact.count(), prefix.count(), all.count(), other.count()),
        (1, 2, 3, 0)
    );
}

/// A webhook's filter decides which of its events it receives.
#[tokio::test]
async fn filters_decide_which_events_a_webhook_gets() {
    crate::require_backend!();
    let server = TestServer::start().await;
    let receiver = Receiver::start().await;
    server
        .create_webhook(json!({"url": receiver.url, "events": ["order.*"], "filter": "data.amount > 100 && data.currency == \"EUR\"", "ping": false}))
        .await;
    assert_eq!(
        server
            .publish(json!({"type": "order.created", "data": {"amount": 50, "currency": "EUR"}}))
            .await["deliveries"],
        0
    );
    assert_eq!(
        server
            .publish(json!({"type": "order.created", "data": {"amount": 150, "currency": "USD"}}))
            .await["deliveries"],
        0
    );
    let big = server
        .publish(json!({"type": "order.created", "data": {"amount": 150, "currency": "EUR"}}))
        .await;
    assert_eq!(big["deliveries"], 1);
    let received = receiver.wait_for(1, WAIT).await;
    assert_eq!(
        received[0].header("webhook-id"),
        big["id"].as_str().unwrap()
    );
}

/// `webhooks` in a publish restricts the fan-out to the named subscribers.
#[tokio::test]
async fn a_targeted_event_reaches_only_the_named_webhooks() {
    crate::require_backend!();
    let server = TestServer::start().await;
    let (chosen, skipped) = (Receiver::start().await, Receiver::start().await);
    let target = server.webhook_to(&chosen.url, &["*"]).await;
    server.webhook_to(&skipped.url, &["*"]).await;
    let accepted = server
        .publish(json!({"type": "order.created", "data": {}, "webhooks": [target["id"]]}))
        .await;
    assert_eq!(accepted["deliveries"], 1);
    chosen.wait_for(1, WAIT).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(skipped.count(), 0);
}

/// A webhook's custom headers come with every delivery, including names that share hookd's
/// `x-webhook-` prefix but are not headers hookd sets.
#[tokio::test]
async fn custom_headers_are_sent() {
    crate::require_backend!();
    let server = TestServer::start().await;
    let receiver = Receiver::start().await;
    server.create_webhook(json!({"url": receiver.url, "events": ["*"], "headers": {"X-Api-Key": "k-123", "X-Webhook-Token": "t-9"}, "ping": false})).await;
    server.publish(json!({"type": "a.b", "data": 1})).await;
    let received = &receiver.wait_for(1, WAIT).await[0];
    assert_eq!(received.header("x-api-key"), "k-123");
    assert_eq!(received.header("x-webhook-token"), "t-9");
}

/// An attempt's details keep the receiver's response headers, but not the values of the
/// webhook's custom headers (API keys), which are masked.
#[tokio::test]
async fn attempt_details_have_response_headers_and_mask_custom_values() {
    crate::require_backend!();
    let server = TestServer::start().await;
    let receiver = Receiver::start().await;
    receiver.always(Reply::status(202).with_header("x-request-id", "rcv-42"));
    let webhook = server.create_webhook(json!({"url": receiver.url, "events": ["*"], "headers": {"X-Api-Key": "k-123"}, "ping": false})).await;
    let id = webhook["id"].as_str().unwrap();
    server.publish(json!({"type": "a.b", "data": 1})).await;
    let logs = eventually("the attempt is logged", WAIT, || async {
        let (_, logs) = server.get(&format!("/api/webhooks/{id}/logs")).await;
        let done = logs["data"][0]["delivery_status"] == "succeeded";
        done.then_some(logs)
    })
    .await;
    let delivery = logs["data"][0]["delivery_id"].as_str().unwrap();
    let (_, detail) = server.get(&format!("/api/deliveries/{delivery}")).await;
    let attempt = &detail["attempts"][0];
    let header = |list: &str, name: &str| {
        attempt[list]
            .as_array()
            .unwrap()
            .iter()
            .find(|pair| pair[0] == name)
            .map(|pair| pair[1].as_str().unwrap().to_owned())
    };
    assert_eq!(
        header("response_headers", "x-request-id").as_deref(),
        Some("rcv-42")
    );
    assert_eq!(
        header("request_headers", "x-api-key").as_deref(),
        Some("***")
    );
    assert_eq!(attempt["delivery_status"], "succeeded");
    assert!(!detail.to_string().contains("k-123"), "{detail}");
}

/// Each entry of a webhook's log says what became of its delivery, so that a failed attempt
/// of a delivery that later succeeded is not offered for a retry.
#[tokio::test]
async fn log_entries_carry_their_delivery_status() {
    crate::require_backend!();
    let server = TestServer::start().await;
    let receiver = Receiver::start().await;
    receiver.script([Reply::status(500)]);
    let webhook = server
        .create_webhook(
            json!({"url": receiver.url, "events": ["*"], "ping": false, "retry_schedule": ["1s"]}),
        )
        .await;
    let id = webhook["id"].as_str().unwrap();
    server.publish(json!({"type": "a.b", "data": 1})).await;
    let logs = eventually("the retry succeeds", WAIT, || async {
        let (_, logs) = server.get(&format!("/api/webhooks/{id}/logs")).await;
        (logs["data"].as_array().unwrap().len() == 2).then_some(logs)
    })
    .await;
    let entries = logs["data"].as_array().unwrap();
    assert_eq!(entries[1]["status"], "failed");
    assert_eq!(entries[0]["status"], "succeeded");
    for entry in entries {
        assert_eq!(entry["delivery_status"], "succeeded", "{entry}");
    }
}

/// After a rotation both the new and the previous secret sign, in both schemes. The body is
/// optional: left out, empty or `null`, hookd generates the new secret.
#[tokio::test]
async fn a_rotated_secret_keeps_signing_beside_the_new_one() {
    crate::require_backend!();
    let server = TestServer::start().await;
    let receiver = Receiver::start().await;
    let webhook = server.webhook_to(&receiver.url, &["*"]).await;
    let id = webhook["id"].as_str().unwrap();
    let old = webhook["secret"].as_str().unwrap().to_owned();
    let (status, rotated) = server
        .post(&format!("/api/webhooks/{id}/rotate-secret"), json!({}))
        .await;
    assert_eq!(
        status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "an empty object lacks `secret`: {rotated}"
    );
    let (status, rotated) = server
        .post_empty(&format!("/api/webhooks/{id}/rotate-secret"))
        .await;
    assert_eq!(status, StatusCode::OK, "{rotated}");
    let new = rotated["secret"].as_str().unwrap().to_owned();
    assert_ne!(new, old);
    assert_eq!(
        server.get(&format!("/api/webhooks/{id}/secret")).await.1["secret"],
        new.as_str()
    );
    server.publish(json!({"type": "a.b", "data": {}})).await;
    let request = receiver.wait_for(1, WAIT).await.remove(0);
    assert_eq!(request.header("webhook-signature").split(' ').count(), 2);
    for secret in [&old, &new] {
        hookd_verify::verify_standard(
            secret,
            request.header("webhook-id"),
            request.header("webhook-timestamp"),
            &request.body,
            request.header("webhook-signature"),
            now_secs(),
            300,
        )
        .expect("each secret verifies");
        hookd_verify::verify_hex(secret, &request.body, request.header("x-webhook-signature"))
            .expect("each secret verifies");
    }
    let chosen = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    let (status, rotated) = server
        .post(
            &format!("/api/webhooks/{id}/rotate-secret"),
            json!({"secret": chosen}),
        )
        .await;
    assert_eq!(
        (status, rotated["secret"].as_str()),
        (StatusCode::OK, Some(chosen))
    );
    // A body of `null` is no body, as the document's optional body (`null` or an object) says.
    let (status, rotated) = server
        .post(&format!("/api/webhooks/{id}/rotate-secret"), Value::Null)
        .await;
    assert_eq!(status, StatusCode::OK, "{rotated}");
    assert_ne!(rotated["secret"].as_str(), Some(chosen));
}

/// A delivery shows its status, the exact payload sent, and each attempt with its request
/// headers (which never include the secret).
#[tokio::test]
async fn a_delivery_shows_what_was_sent() {
    crate::require_backend!();
    let server = TestServer::start().await;
    let receiver = Receiver::start().await;
    let webhook = server.webhook_to(&receiver.url, &["*"]).await;
    let accepted = server
        .publish(json!({"type": "order.created", "data": {"x": [1, 2]}}))
        .await;
    receiver.wait_for(1, WAIT).await;
    let event_id = accepted["id"].as_str().unwrap();
    let event = eventually("the delivery to finish", WAIT, || async {
        let (_, event) = server.get(&format!("/api/events/{event_id}")).await;
        (event["deliveries"][0]["status"] == "succeeded").then_some(event)
    })
    .await;
    assert_eq!(event["data"], json!({"x": [1, 2]}));
    assert_eq!(event["deliveries"].as_array().unwrap().len(), 1);
    let delivery_id = event["deliveries"][0]["id"].as_str().unwrap();
    let (status, delivery) = server.get(&format!("/api/deliveries/{delivery_id}")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(delivery["webhook_id"], webhook["id"]);
    assert_eq!(delivery["attempt_count"], 1);
    assert_eq!(delivery["payload"]["id"], event_id);
    assert_eq!(delivery["payload"]["data"], json!({"x": [1, 2]}));
    let headers: Vec<(String, String)> =
        serde_json::from_value(delivery["attempts"][0]["request_headers"].clone()).unwrap();
    let names: Vec<&str> = headers.iter().map(|(n, _)| n.as_str()).collect();
    for expected in [
        "content-type",
        "user-agent",
        "webhook-id",
        "webhook-timestamp",
        "webhook-signature",
        "x-webhook-event",
        "x-webhook-id",
        "x-webhook-delivery",
        "x-webhook-attempt",
        "x-webhook-timestamp",
        "x-webhook-signature",
    ] {
        assert!(names.contains(&expected), "{expected} in {names:?}");
    }
    let secret = webhook["secret"].as_str().unwrap();
    assert!(
        !delivery.to_string().contains(&secret[6..]),
        "the secret never shows"
    );
}

/// `test` makes one attempt now and answers with its result; a failure is not retried.
#[tokio::test]
async fn test_makes_one_synchronous_attempt() {
    crate::require_backend!();
    let server = TestServer::start().await;
    let receiver = Receiver::start().await;
    let webhook = server
        .create_webhook(
            json!({"url": receiver.url, "events": ["*"], "retry_schedule": ["1s"], "ping": false}),
        )
        .await;
    let id = webhook["id"].as_str().unwrap();
    let (status, result) = server.post_empty(&format!("/api/webhooks/{id}/test")).await;
    assert_eq!(status, StatusCode::OK, "{result}");
    assert_eq!(
        (
            result["success"].as_bool(),
            result["response_code"].as_u64()
        ),
        (Some(true), Some(200))
    );
    assert!(result["attempt_id"].as_str().unwrap().starts_with("att_"));
    assert_eq!(
        receiver.received()[0].header("x-webhook-event"),
        "webhook.ping"
    );

    receiver.always(Reply::status(500).with_body("broken"));
    let (_, result) = server
        .post(
            &format!("/api/webhooks/{id}/test"),
            json!({"type": "order.created", "data": {"n": 1}}),
        )
        .await;
    assert_eq!(result["success"], false);
    assert_eq!(result["response_code"], 500);
    assert_eq!(result["response_body"], "broken");
    assert_eq!(receiver.received()[1].json()["data"], json!({"n": 1}));
    tokio::time::sleep(Duration::from_millis(1800)).await;
    assert_eq!(receiver.count(), 2, "a test attempt is never retried");
    assert_eq!(
        server.webhook(id).await["failure_streak"],
        0,
        "tests do not count towards disabling"
    );
}

/// With a schema in the catalog, events whose data does not match are refused with 422 on
/// `data`; matching events go through.
#[tokio::test]
async fn event_data_is_checked_against_its_schema() {
    crate::require_backend!();
    let server = TestServer::start().await;
    let schema = json!({"type": "object", "required": ["amount"], "properties": {"amount": {"type": "integer", "minimum": 0}}});
    let (status, created) = server
        .post(
            "/api/event-types",
            json!({"name": "order.created", "description": "An order", "schema": schema}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let (status, problem) = server
        .post(
            "/api/events",
            json!({"type": "order.created", "data": {"amount": -1}}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(problem["errors"][0]["field"], "data");
    assert_eq!(problem["code"], "schema_mismatch");
    server
        .publish(json!({"type": "order.created", "data": {"amount": 3}}))
        .await;
    let (_, listed) = server.get("/api/event-types").await;
    assert_eq!(listed["data"][0]["name"], "order.created");
    assert_eq!(
        server.delete("/api/event-types/order.created").await.0,
        StatusCode::NO_CONTENT
    );
    server
        .publish(json!({"type": "order.created", "data": {"amount": -1}}))
        .await;
}
