//! Tokens and tenants: 401 without a valid token, a tenant token sees only its tenant (404 for
//! the rest), admin-only routes are invisible to tenants, revocation is immediate; and
//! idempotent publishing.

use crate::common;

use common::{ADMIN_TOKEN, Receiver, TestServer};
use reqwest::{Method, StatusCode};
use serde_json::json;
use std::time::Duration;

async fn tenant_token(server: &TestServer, tenant: &str) -> (String, String) {
    let (status, created) = server
        .post(
            "/api/tokens",
            json!({"name": format!("{tenant} portal"), "tenant": tenant}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    assert!(created["token"].as_str().unwrap().starts_with("hkd_"));
    (
        created["id"].as_str().unwrap().to_owned(),
        created["token"].as_str().unwrap().to_owned(),
    )
}

/// Every /api route refuses a missing or wrong token with 401 problem+json.
#[tokio::test]
async fn api_routes_need_a_valid_token() {
    crate::require_backend!();
    let server = TestServer::start().await;
    for (method, path) in [
        (Method::GET, "/api/webhooks"),
        (Method::POST, "/api/webhooks"),
        (Method::GET, "/api/webhooks/metrics"),
        (Method::POST, "/api/events"),
        (Method::POST, "/api/events/batch"),
        (Method::GET, "/api/events"),
        (Method::GET, "/api/event-types"),
        (Method::GET, "/api/event-names"),
        (Method::GET, "/api/audit"),
        (Method::GET, "/api/tokens"),
        (
            Method::GET,
            "/api/deliveries/dlv_01M82NQJGDG5CQ7VXK2Z6PSTRA",
        ),
    ] {
        for token in [None, Some("wrong-token"), Some("")] {
            let (status, problem) = server.call(token, method.clone(), path, Some("{}")).await;
            assert_eq!(
                status,
                StatusCode::UNAUTHORIZED,
                "{method} {path} with {token:?}"
            );
            assert_eq!(problem["code"], "unauthorized");
        }
    }
    assert_eq!(
        server.call(None, Method::GET, "/healthz", None).await.0,
        StatusCode::OK
    );
}

/// The `Bearer` scheme is case-insensitive, like every HTTP authentication scheme: `BEARER`
/// and `bEaReR` are as good as `Bearer`; another scheme is still 401.
#[tokio::test]
async fn the_bearer_scheme_is_matched_whatever_its_case() {
    crate::require_backend!();
    let server = TestServer::start().await;
    let session = |authorization: String| {
        reqwest::Client::new()
            .get(server.url("/api/session"))
            .header("authorization", authorization)
            .send()
    };
    for scheme in ["Bearer", "bearer", "BEARER", "bEaReR"] {
        let response = session(format!("{scheme} {ADMIN_TOKEN}")).await.unwrap();
        assert_eq!(response.status(), StatusCode::OK, "{scheme}");
    }
    for refused in [
        format!("Basic {ADMIN_TOKEN}"),
        format!("Bearer{ADMIN_TOKEN}"),
    ] {
        let response = session(refused.clone()).await.unwrap();
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED, "{refused}");
    }
}

/// A tenant token sees its own tenant only: other tenants' webhooks, events and deliveries
/// are 404 and absent from lists; what it creates lands in its tenant; publishing reaches only
/// its tenant's webhooks.
#[tokio::test]
async fn a_tenant_token_sees_only_its_tenant() {
    crate::require_backend!();
    let server = TestServer::start().await;
    let (acme_receiver, other_receiver) = (Receiver::start().await, Receiver::start().await);
    let (_, acme) = tenant_token(&server, "acme").await;
    let (_, globex) = tenant_token(&server, "globex").await;
    let as_acme = |method: Method, path: String, body: Option<String>| {
        let (server, acme) = (&server, acme.clone());
        async move {
            server
                .call(Some(&acme), method, &path, body.as_deref())
                .await
        }
    };

    let (status, acme_webhook) = as_acme(
        Method::POST,
        "/api/webhooks".into(),
        Some(json!({"url": acme_receiver.url, "events": ["*"], "ping": false}).to_string()),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(acme_webhook["tenant"], "acme");
    let other = server
        .create_webhook(
            json!({"url": other_receiver.url, "events": ["*"], "tenant": "globex", "ping": false}),
        )
        .await;
    let other_id = other["id"].as_str().unwrap();

    let (status, problem) = as_acme(
        Method::POST,
        "/api/webhooks".into(),
        Some(json!({"url": acme_receiver.url, "events": ["*"], "tenant": "globex"}).to_string()),
    )
    .await;
    assert_eq!(
        (status, problem["errors"][0]["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("tenant"))
    );

    for (method, path) in [
        (Method::GET, format!("/api/webhooks/{other_id}")),
        (Method::PATCH, format!("/api/webhooks/{other_id}")),
        (Method::DELETE, format!("/api/webhooks/{other_id}")),
        (Method::POST, format!("/api/webhooks/{other_id}/disable")),
        (Method::GET, format!("/api/webhooks/{other_id}/secret")),
        (
            Method::POST,
            format!("/api/webhooks/{other_id}/rotate-secret"),
        ),
        (Method::POST, format!("/api/webhooks/{other_id}/test")),
        (Method::GET, format!("/api/webhooks/{other_id}/logs")),
        (Method::GET, format!("/api/webhooks/{other_id}/stats")),
        (Method::POST, format!("/api/webhooks/{other_id}/recover")),
    ] {
        // Valid bodies, so that only visibility decides the answer.
        let body = if path.ends_with("/recover") {
            Some(r#"{"since": "2026-01-01T00:00:00Z"}"#.to_owned())
        } else if method == Method::PATCH {
            Some(r#"{"description": "taken over"}"#.to_owned())
        } else {
            None
        };
        let (status, problem) = as_acme(method.clone(), path.clone(), body).await;
        assert_eq!(
            (status, problem["code"].as_str()),
            (StatusCode::NOT_FOUND, Some("not_found")),
            "{method} {path}"
        );
    }
    assert_eq!(
        server.webhook(other_id).await["active"],
        true,
        "nothing changed"
    );

    let (_, listed) = as_acme(Method::GET, "/api/webhooks".into(), None).await;
    let ids: Vec<&str> = listed["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, vec![acme_webhook["id"].as_str().unwrap()]);
    let (_, listed) = as_acme(Method::GET, "/api/webhooks?tenant=globex".into(), None).await;
    assert!(listed["data"].as_array().unwrap().is_empty());

    let (status, acme_event) = as_acme(
        Method::POST,
        "/api/events".into(),
        Some(json!({"type": "a.b", "data": {}}).to_string()),
    )
    .await;
    assert_eq!(
        (status, acme_event["deliveries"].as_u64()),
        (StatusCode::ACCEPTED, Some(1))
    );
    let (_, globex_event) = server
        .call(
            Some(&globex),
            Method::POST,
            "/api/events",
            Some(&json!({"type": "a.b", "data": {}}).to_string()),
        )
        .await;
    acme_receiver.wait_for(1, Duration::from_secs(10)).await;
    other_receiver.wait_for(1, Duration::from_secs(10)).await;
    let globex_event_id = globex_event["id"].as_str().unwrap();
    assert_eq!(
        as_acme(Method::GET, format!("/api/events/{globex_event_id}"), None)
            .await
            .0,
        StatusCode::NOT_FOUND
    );
    let (_, events) = as_acme(Method::GET, "/api/events".into(), None).await;
    assert_eq!(events["data"].as_array().unwrap().len(), 1);
    let (_, globex_detail) = server.get(&format!("/api/events/{globex_event_id}")).await;
    let delivery = globex_detail["deliveries"][0]["id"].as_str().unwrap();
    assert_eq!(
        as_acme(Method::GET, format!("/api/deliveries/{delivery}"), None)
            .await
            .0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        as_acme(
            Method::POST,
            format!("/api/deliveries/{delivery}/retry"),
            None
        )
        .await
        .0,
        StatusCode::NOT_FOUND
    );
    let (_, metrics) = as_acme(Method::GET, "/api/webhooks/metrics".into(), None).await;
    assert_eq!(
        metrics["total"], 1,
        "metrics count only the tenant's deliveries: {metrics}"
    );
    assert_eq!(acme_receiver.count() + other_receiver.count(), 2);
}

/// The event names offered for subscribing: the catalog, hookd's own, and what was published,
/// where a tenant sees only the names its own events used.
#[tokio::test]
async fn event_names_offer_what_was_published_per_tenant() {
    crate::require_backend!();
    let server = TestServer::start().await;
    let (_, token) = tenant_token(&server, "acme").await;
    server
        .post("/api/event-types", json!({"name": "invoice.paid"}))
        .await;
    server
        .post(
            "/api/events",
            json!({"type": "order.created", "data": {}, "tenant": "acme"}),
        )
        .await;
    server
        .post(
            "/api/events",
            json!({"type": "secret.plan", "data": {}, "tenant": "globex"}),
        )
        .await;
    let names = |listing: &serde_json::Value| -> Vec<(String, String)> {
        listing["data"]
            .as_array()
            .unwrap()
            .iter()
            .map(|n| {
                (
                    n["name"].as_str().unwrap().to_owned(),
                    n["source"].as_str().unwrap().to_owned(),
                )
            })
            .collect()
    };
    let (status, acme) = server
        .call(Some(&token), Method::GET, "/api/event-names", None)
        .await;
    assert_eq!(status, StatusCode::OK);
    let pair = |name: &str, source: &str| (name.to_owned(), source.to_owned());
    assert_eq!(
        names(&acme),
        [
            pair("invoice.paid", "catalog"),
            pair("order.created", "published"),
            pair("webhook.circuit_closed", "hookd"),
            pair("webhook.circuit_opened", "hookd"),
            pair("webhook.disabled", "hookd"),
            pair("webhook.ping", "hookd"),
        ]
    );
    let (_, admin) = server.get("/api/event-names").await;
    assert!(names(&admin).contains(&pair("secret.plan", "published")));
}

/// Token management and the catalog's changes are admin-only: a tenant token gets 404.
#[tokio::test]
async fn admin_routes_are_invisible_to_tenants() {
    crate::require_backend!();
    let server = TestServer::start().await;
    let (id, token) = tenant_token(&server, "acme").await;
    for (method, path, body) in [
        (Method::GET, "/api/tokens".to_owned(), None),
        (
            Method::POST,
            "/api/tokens".to_owned(),
            Some(r#"{"name": "x", "tenant": "acme"}"#),
        ),
        (Method::DELETE, format!("/api/tokens/{id}"), None),
        (
            Method::POST,
            "/api/event-types".to_owned(),
            Some(r#"{"name": "a.b"}"#),
        ),
        (Method::DELETE, "/api/event-types/a.b".to_owned(), None),
        (Method::GET, "/api/audit".to_owned(), None),
    ] {
        assert_eq!(
            server
                .call(Some(&token), method.clone(), &path, body)
                .await
                .0,
            StatusCode::NOT_FOUND,
            "{method} {path}"
        );
    }
    assert_eq!(
        server
            .call(Some(&token), Method::GET, "/api/event-types", None)
            .await
            .0,
        StatusCode::OK,
        "tenants read the catalog"
    );
}

/// A revoked token stops working at once, and only token hashes are listed.
#[tokio::test]
async fn a_revoked_token_stops_working_at_once() {
    crate::require_backend!();
    let server = TestServer::start().await;
    let (id, token) = tenant_token(&server, "acme").await;
    assert_eq!(
        server
            .call(Some(&token), Method::GET, "/api/webhooks", None)
            .await
            .0,
        StatusCode::OK
    );
    let (_, listed) = server.get("/api/tokens").await;
    assert_eq!(listed["data"][0]["id"], id.as_str());
    assert!(
        !listed.to_string().contains(&token),
        "tokens are never shown again"
    );
    assert_eq!(
        server.delete(&format!("/api/tokens/{id}")).await.0,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        server
            .call(Some(&token), Method::GET, "/api/webhooks", None)
            .await
            .0,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        server
            .call(Some(ADMIN_TOKEN), Method::GET, "/api/webhooks", None)
            .await
            .0,
        StatusCode::OK
    );
}

/// Publishing the same `id` again returns the first event with 200 and delivers nothing new;
/// the same key in another tenant is another event.
#[tokio::test]
async fn publishing_is_idempotent_by_id() {
    crate::require_backend!();
    let server = TestServer::start().await;
    let receiver = Receiver::start().await;
    server.webhook_to(&receiver.url, &["*"]).await;
    let first = server
        .publish(json!({"type": "order.created", "data": {"n": 1}, "id": "order-42"}))
        .await;
    let (status, again) = server
        .post(
            "/api/events",
            json!({"type": "order.created", "data": {"n": 2}, "id": "order-42"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        (again["id"].clone(), again["duplicate"].as_bool()),
        (first["id"].clone(), Some(true))
    );
    let (status, batch) = server.post("/api/events/batch", json!({"events": [{"type": "order.created", "data": {}, "id": "order-42"}, {"type": "order.created", "data": {}, "id": "order-43"}]})).await;
    assert_eq!(status, StatusCode::ACCEPTED);
    assert_eq!(batch["data"][0]["id"], first["id"]);
    assert_eq!(batch["data"][0]["duplicate"], true);
    assert_eq!(batch["data"][1]["duplicate"], false);
    let elsewhere = server
        .publish(json!({"type": "order.created", "data": {}, "id": "order-42", "tenant": "acme"}))
        .await;
    assert_ne!(elsewhere["id"], first["id"]);
    receiver.wait_for(2, Duration::from_secs(10)).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(receiver.count(), 2, "order-42 once and order-43 once");
}
