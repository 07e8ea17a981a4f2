//! The audit log: every change made through the API is recorded with who made it, from where,
//! in which tenant and to what; values of secrets and headers never appear in it.

use crate::common;

use common::{Receiver, TestServer};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

/// Entries of the admin's audit log matching `query`, newest first.
async fn audit(server: &TestServer, query: &str) -> Vec<Value> {
    let (status, listed) = server.get(&format!("/api/audit{query}")).await;
    assert_eq!(status, StatusCode::OK, "{listed}");
    listed["data"].as_array().unwrap().clone()
}

/// Creating, changing, revealing the secret of and deleting a webhook are recorded, each
/// with its actor, tenant, target and source; a PATCH names the fields it changed, and no
/// secret or header value appears anywhere in the log.
#[tokio::test]
async fn changes_are_recorded_without_secrets() {
    crate::require_backend!();
    let server = TestServer::start().await;
    let receiver = Receiver::start().await;
    let webhook = server
        .create_webhook(json!({"url": receiver.url, "events": ["*"], "ping": false,
                               "headers": {"X-Api-Key": "k-123"}}))
        .await;
    let id = webhook["id"].as_str().unwrap();
    let secret = webhook["secret"].as_str().unwrap();
    let (status, _) = server
        .call(
            None,
            Method::PATCH,
            &format!("/api/webhooks/{id}"),
            Some(r#"{"description": "orders", "headers": {"X-Api-Key": "k-456"}}"#),
        )
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    server
        .patch(
            &format!("/api/webhooks/{id}"),
            json!({"description": "orders", "headers": {"X-Api-Key": "k-456"}}),
        )
        .await;
    server.get(&format!("/api/webhooks/{id}/secret")).await;
    server.delete(&format!("/api/webhooks/{id}")).await;

    let entries = audit(&server, "").await;
    let actions: Vec<&str> = entries
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        actions,
        [
            "webhook.deleted",
            "webhook.secret_revealed",
            "webhook.updated",
            "webhook.created"
        ]
    );
    for entry in &entries {
        assert_eq!(entry["actor"], "admin");
        assert_eq!(entry["tenant"], "default");
        assert_eq!(entry["target"], id);
        assert_eq!(entry["source_ip"], "127.0.0.1");
    }
    assert_eq!(
        entries[2]["detail"]["fields"],
        json!(["description", "headers"])
    );
    let text = serde_json::to_string(&entries).unwrap();
    for value in ["k-123", "k-456", secret] {
        assert!(!text.contains(value), "{value} in the audit log");
    }
}

/// A tenant token's changes name that token as the actor; only the admin reads the log, and
/// its filters narrow it.
#[tokio::test]
async fn the_admin_reads_who_did_what_and_filters_it() {
    crate::require_backend!();
    let server = TestServer::start().await;
    let receiver = Receiver::start().await;
    let (_, created) = server
        .post(
            "/api/tokens",
            json!({"name": "Acme portal", "tenant": "acme"}),
        )
        .await;
    let token_id = created["id"].as_str().unwrap().to_owned();
    let token = created["token"].as_str().unwrap().to_owned();
    let body = json!({"url": receiver.url, "events": ["*"], "ping": false}).to_string();
    let (status, _) = server
        .call(Some(&token), Method::POST, "/api/webhooks", Some(&body))
        .await;
    assert_eq!(status, StatusCode::CREATED);

    let by_token = audit(&server, &format!("?actor={token_id}")).await;
    assert_eq!(by_token.len(), 1);
    assert_eq!(by_token[0]["action"], "webhook.created");
    assert_eq!(by_token[0]["tenant"], "acme");
    let created_tokens = audit(&server, "?action=token.created").await;
    assert_eq!(created_tokens.len(), 1);
    assert_eq!(created_tokens[0]["detail"]["tenant"], "acme");
    assert!(audit(&server, "?tenant=globex").await.is_empty());

    let (status, _) = server
        .call(Some(&token), Method::GET, "/api/audit", None)
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "tenants don't see the log");
    let (status, problem) = server.get("/api/audit?action=webhook.exploded").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(problem["errors"][0]["field"], "action");
}
