//! A webhook's life after it is made: disabling pauses its deliveries and enabling resumes
//! them, deleting cancels what was pending, and PATCH changes only what it names.

use crate::common;

use common::{Receiver, Reply, TestServer, eventually};
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::time::Duration;

const WAIT: Duration = Duration::from_secs(10);

/// Disabling pauses a webhook's pending deliveries (no attempts) and enabling resumes them.
#[tokio::test]
async fn disabling_pauses_and_enabling_resumes() {
    crate::require_backend!();
    let server = TestServer::start().await;
    let receiver = Receiver::start().await;
    receiver.script([Reply::status(500)]);
    let webhook = server
        .create_webhook(
            json!({"url": receiver.url, "events": ["*"], "retry_schedule": ["1s"], "ping": false}),
        )
        .await;
    let id = webhook["id"].as_str().unwrap();
    server.publish(json!({"type": "a.b", "data": {}})).await;
    receiver.wait_for(1, WAIT).await;
    let (status, disabled) = server
        .post(&format!("/api/webhooks/{id}/disable"), json!({}))
        .await;
    assert_eq!(
        (status, &disabled["disabled_reason"]),
        (StatusCode::OK, &json!("manual"))
    );
    assert_eq!(
        server.publish(json!({"type": "a.b", "data": {}})).await["deliveries"],
        0
    );
    tokio::time::sleep(Duration::from_millis(2500)).await;
    assert_eq!(receiver.count(), 1, "no attempts while disabled");
    let (_, enabled) = server
        .post(&format!("/api/webhooks/{id}/enable"), json!({}))
        .await;
    assert_eq!(
        (enabled["active"].as_bool(), &enabled["disabled_reason"]),
        (Some(true), &Value::Null)
    );
    let received = receiver.wait_for(2, WAIT).await;
    assert_eq!(received[1].header("x-webhook-attempt"), "2");
}

/// Deleting a webhook cancels its pending deliveries; its log stays readable through the
/// delivery.
#[tokio::test]
async fn deleting_a_webhook_cancels_its_pending_deliveries() {
    crate::require_backend!();
    let server = TestServer::start().await;
    let receiver = Receiver::start().await;
    receiver.always(Reply::status(500));
    let webhook = server
        .create_webhook(
            json!({"url": receiver.url, "events": ["*"], "retry_schedule": ["1h"], "ping": false}),
        )
        .await;
    let id = webhook["id"].as_str().unwrap();
    let accepted = server.publish(json!({"type": "a.b", "data": {}})).await;
    receiver.wait_for(1, WAIT).await;
    let event_id = accepted["id"].as_str().unwrap();
    eventually("the retry to be scheduled", WAIT, || async {
        let (_, event) = server.get(&format!("/api/events/{event_id}")).await;
        event["deliveries"][0]["next_attempt_at"]
            .as_str()
            .map(str::to_owned)
    })
    .await;
    assert_eq!(
        server.delete(&format!("/api/webhooks/{id}")).await.0,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        server.get(&format!("/api/webhooks/{id}")).await.0,
        StatusCode::NOT_FOUND
    );
    let (_, event) = server.get(&format!("/api/events/{event_id}")).await;
    assert_eq!(event["deliveries"][0]["status"], "cancelled");
    let delivery_id = event["deliveries"][0]["id"].as_str().unwrap();
    let (_, delivery) = server.get(&format!("/api/deliveries/{delivery_id}")).await;
    assert_eq!(delivery["attempts"].as_array().unwrap().len(), 1);
}

/// PATCH changes what it names and nothing else; `id`, `tenant` and `secret` can't be patched.
#[tokio::test]
async fn patch_changes_only_what_it_names() {
    crate::require_backend!();
    let server = TestServer::start().await;
    let receiver = Receiver::start().await;
    let webhook = server.create_webhook(json!({"url": receiver.url, "events": ["a.*"], "description": "first", "rate_limit": 5, "ping": false})).await;
    let id = webhook["id"].as_str().unwrap();
    let (status, patched) = server
        .patch(
            &format!("/api/webhooks/{id}"),
            json!({"events": ["b.*"], "rate_limit": null, "timeout_ms": 2000}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{patched}");
    assert_eq!(patched["events"], json!(["b.*"]));
    assert_eq!(patched["rate_limit"], Value::Null);
    assert_eq!(patched["timeout_ms"], 2000);
    assert_eq!(patched["description"], "first");
    assert_eq!(patched["url"], webhook["url"]);
    let (status, problem) = server
        .patch(
            &format!("/api/webhooks/{id}"),
            json!({"tenant": "other", "id": "wh_x"}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let fields: Vec<&str> = problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, vec!["id", "tenant"]);
    assert_eq!(
        server.publish(json!({"type": "b.x", "data": {}})).await["deliveries"],
        1
    );
    assert_eq!(
        server.publish(json!({"type": "a.x", "data": {}})).await["deliveries"],
        0
    );
}
