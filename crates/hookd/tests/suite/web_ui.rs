//! What the web UI needs from the server: its files served at `/`, its own links answered
//! with the app, the caller's role, and statistics summed over what a token can see.

use crate::common;

use common::{Receiver, TestServer, eventually};
use reqwest::StatusCode;
use reqwest::header::{ACCEPT, CACHE_CONTROL, CONTENT_SECURITY_POLICY, CONTENT_TYPE};
use serde_json::json;
use std::time::Duration;

async fn fetch(server: &TestServer, path: &str, accept: &str) -> reqwest::Response {
    reqwest::Client::new()
        .get(server.url(path))
        .header(ACCEPT, accept)
        .send()
        .await
        .expect("hookd answers")
}

/// `/` is the app's page, locked down by a content security policy, and every script it
/// loads is embedded and may be cached for good.
#[tokio::test]
async fn the_web_ui_is_served_at_the_root() {
    crate::require_backend!();
    let server = TestServer::start().await;
    let page = fetch(&server, "/", "text/html").await;
    assert_eq!(page.status(), StatusCode::OK);
    assert_eq!(page.headers()[CONTENT_TYPE], "text/html; charset=utf-8");
    assert_eq!(page.headers()[CACHE_CONTROL], "no-cache");
    let policy = page.headers()[CONTENT_SECURITY_POLICY].to_str().unwrap();
    assert!(policy.contains("default-src 'self'"), "{policy}");
    let html = page.text().await.unwrap();
    assert!(html.contains(r#"<div id="root">"#), "{html}");
    let script = html
        .split(r#"src=""#)
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("the page loads a script");
    assert!(script.starts_with("/assets/"), "{script}");
    let asset = fetch(&server, script, "*/*").await;
    assert_eq!(asset.status(), StatusCode::OK);
    assert!(
        asset.headers()[CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("text/javascript")
    );
    assert!(
        asset.headers()[CACHE_CONTROL]
            .to_str()
            .unwrap()
            .contains("immutable")
    );
    assert!(asset.bytes().await.unwrap().len() > 1000);
}

/// `/` answers the app's page to any GET, whatever it accepts: `curl http://host:8080/` shows
/// that hookd is up instead of a 404.
#[tokio::test]
async fn the_root_answers_every_get() {
    crate::require_backend!();
    let server = TestServer::start().await;
    for accept in ["*/*", "application/json", "text/plain"] {
        let page = fetch(&server, "/", accept).await;
        assert_eq!(page.status(), StatusCode::OK, "{accept}");
        assert!(page.text().await.unwrap().contains(r#"<div id="root">"#));
    }
    let bare = reqwest::get(server.url("/")).await.unwrap();
    assert_eq!(bare.status(), StatusCode::OK);
}

/// A link into the app (`/webhooks/wh_…`) opened or reloaded in a browser gets the app, while
/// API paths and unknown files keep answering 404 problem+json.
#[tokio::test]
async fn app_links_get_the_page_and_api_paths_stay_problems() {
    crate::require_backend!();
    let server = TestServer::start().await;
    let page = fetch(
        &server,
        "/webhooks/wh_01M8JY9V4T5AMY5MEQMYZRMVWB",
        "text/html",
    )
    .await;
    assert_eq!(page.status(), StatusCode::OK);
    assert!(page.text().await.unwrap().contains(r#"<div id="root">"#));
    for (path, accept) in [
        ("/api/nothing-here", "text/html"),
        (
            "/webhooks/wh_01M8JY9V4T5AMY5MEQMYZRMVWB",
            "application/json",
        ),
        ("/assets/missing.js", "text/html"),
    ] {
        let answer = fetch(&server, path, accept).await;
        assert_eq!(answer.status(), StatusCode::NOT_FOUND, "{path} as {accept}");
        assert_eq!(
            answer.headers()[CONTENT_TYPE],
            "application/problem+json",
            "{path} as {accept}"
        );
    }
    let (status, _) = server
        .call(None, reqwest::Method::POST, "/", Some("{}"))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

/// `/api/session` tells the admin from a tenant token, so the UI shows a portal to tenants.
#[tokio::test]
async fn the_session_says_who_the_token_is() {
    crate::require_backend!();
    let server = TestServer::start().await;
    let (status, admin) = server.get("/api/session").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        admin,
        json!({"role": "admin", "tenant": null, "token_id": null})
    );
    let (_, created) = server
        .post("/api/tokens", json!({"name": "Acme", "tenant": "acme"}))
        .await;
    let token = created["token"].as_str().unwrap();
    let (status, tenant) = server
        .call(Some(token), reqwest::Method::GET, "/api/session", None)
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        tenant,
        json!({"role": "tenant", "tenant": "acme", "token_id": created["id"]})
    );
    let (status, _) = server
        .call(
            Some("hkd_wrong"),
            reqwest::Method::GET,
            "/api/session",
            None,
        )
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

/// `/api/stats` sums the attempts of every webhook the token can see, and no others.
#[tokio::test]
async fn dashboard_statistics_cover_what_the_token_sees() {
    crate::require_backend!();
    let server = TestServer::start().await;
    let receiver = Receiver::start().await;
    for tenant in ["acme", "acme", "globex"] {
        server
            .create_webhook(
                json!({"url": receiver.url, "events": ["*"], "tenant": tenant, "ping": false}),
            )
            .await;
    }
    for tenant in ["acme", "globex"] {
        server
            .publish(json!({"type": "order.created", "data": {}, "tenant": tenant}))
            .await;
    }
    let all = eventually(
        "three attempts counted",
        Duration::from_secs(10),
        || async {
            let (_, stats) = server.get("/api/stats?window=1h").await;
            (stats["attempts"] == 3).then_some(stats)
        },
    )
    .await;
    assert_eq!(all["succeeded"], 3);
    let series: u64 = all["buckets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["succeeded"].as_u64().unwrap())
        .sum();
    assert_eq!(series, 3, "the buckets add up to the total");
    let (_, created) = server
        .post("/api/tokens", json!({"name": "Acme", "tenant": "acme"}))
        .await;
    let (status, acme) = server
        .call(
            created["token"].as_str(),
            reqwest::Method::GET,
            "/api/stats?window=1h",
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(acme["attempts"], 2, "{acme}");
    let (status, problem) = server.get("/api/stats?window=forever").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(problem["errors"][0]["field"], "window");
}

/// Every answer forbids MIME sniffing, referrers and framing; the API reference page allows
/// only its own inline script, by hash.
#[tokio::test]
async fn answers_carry_security_headers() {
    crate::require_backend!();
    let server = TestServer::start().await;
    for (path, accept) in [
        ("/", "text/html"),
        ("/api/webhooks", "application/json"),
        ("/docs", "text/html"),
        ("/healthz", "*/*"),
    ] {
        let answer = fetch(&server, path, accept).await;
        let headers = answer.headers();
        assert_eq!(headers["x-content-type-options"], "nosniff", "{path}");
        assert_eq!(headers["referrer-policy"], "no-referrer", "{path}");
        assert_eq!(headers["x-frame-options"], "DENY", "{path}");
    }
    let docs = fetch(&server, "/docs", "text/html").await;
    let policy = docs.headers()[CONTENT_SECURITY_POLICY]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(policy.contains("default-src 'none'"), "{policy}");
    assert!(policy.contains("script-src 'sha256-"), "{policy}");
    assert!(policy.contains("frame-ancestors 'none'"), "{policy}");
    let html = docs.text().await.unwrap();
    assert_eq!(
        html.matches("<script>").count(),
        1,
        "one inline script, the one hashed"
    );
}
