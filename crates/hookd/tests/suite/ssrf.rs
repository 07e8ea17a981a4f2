//! The SSRF guard: webhook URLs that reach loopback, private, link-local, metadata or other
//! non-public addresses are refused at registration (422 on `url`), and at delivery time as a
//! failed attempt whose error says why, unless `allowed_networks` allows them.

use crate::common;

use common::{Receiver, TestServer, eventually};
use reqwest::StatusCode;
use serde_json::json;
use std::time::Duration;

/// Without allowed networks, every non-public destination is refused at registration.
#[tokio::test]
async fn non_public_destinations_are_refused_at_registration() {
    crate::require_backend!();
    let server = TestServer::start_with(&[("allowed_networks", "")]).await;
    for url in [
        "http://127.0.0.1:8080/hook",
        "http://localhost/hook",
        "http://[::1]/hook",
        "http://0.0.0.0/hook",
        "http://10.0.0.7/hook",
        "http://172.16.3.4/hook",
        "http://192.168.1.1/hook",
        "http://100.64.0.1/hook",
        "http://169.254.169.254/latest/meta-data/",
        "http://[fd00:ec2::254]/",
        "http://[fe80::1]/hook",
        "http://[::ffff:127.0.0.1]/hook",
        "http://[::ffff:a9fe:a9fe]/hook",
        "http://[64:ff9b::7f00:1]/hook",
        "http://224.0.0.1/hook",
        "http://2130706433/hook",
        // NAT64 for local use, SIIT and Teredo reach IPv4 through a gateway of the site.
        "http://[64:ff9b:1::a00:1]/hook",
        "http://[::ffff:0:7f00:1]/hook",
        "http://[2001:0:4136:e378:8000:63bf:3fff:fdd2]/hook",
        // Cloud metadata services by name: refused whether or not they resolve here.
        "http://metadata.google.internal/computeMetadata/v1/",
        "http://metadata.goog/",
        "http://metadata/",
        "http://instance-data/latest/meta-data/",
        "http://instance-data.ec2.internal/latest/meta-data/",
        "http://METADATA.GOOGLE.INTERNAL./x",
    ] {
        let (status, problem) = server
            .post("/api/webhooks", json!({"url": url, "events": ["*"]}))
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{url}: {problem}");
        assert_eq!(problem["errors"][0]["field"], "url", "{url}");
        assert_eq!(problem["code"], "url_not_allowed", "{url}: {problem}");
    }
    // The reason reads as a sentence after the field's name.
    for (url, message) in [
        (
            "http://10.0.0.7/hook",
            "is a private address not in HOOKD_ALLOWED_NETWORKS",
        ),
        (
            "http://localhost/hook",
            ", which is a loopback address not in HOOKD_ALLOWED_NETWORKS",
        ),
        (
            "http://metadata.google.internal/x",
            "names metadata.google.internal, a cloud metadata service",
        ),
    ] {
        let (_, problem) = server
            .post("/api/webhooks", json!({"url": url, "events": ["*"]}))
            .await;
        let said = problem["errors"][0]["message"].as_str().unwrap();
        assert!(said.ends_with(message), "{url}: {said}");
        assert!(
            url.contains("10.0") || url.contains("metadata") || said.starts_with("resolves to "),
            "{said}"
        );
    }
    let (status, _) = server
        .post(
            "/api/webhooks",
            json!({"url": "https://hooks.example.invalid/x", "events": ["*"], "ping": false}),
        )
        .await;
    assert_eq!(
        status,
        StatusCode::CREATED,
        "a name that does not resolve yet is accepted; delivery will say why it fails"
    );
}

/// Changing a webhook's URL to a forbidden one is refused the same way.
#[tokio::test]
async fn a_patch_cannot_point_a_webhook_at_a_forbidden_address() {
    crate::require_backend!();
    let server = TestServer::start_with(&[("allowed_networks", "")]).await;
    let webhook = server
        .create_webhook(
            json!({"url": "https://hooks.example.invalid/x", "events": ["*"], "ping": false}),
        )
        .await;
    let id = webhook["id"].as_str().unwrap();
    let (status, problem) = server
        .patch(
            &format!("/api/webhooks/{id}"),
            json!({"url": "http://169.254.169.254/"}),
        )
        .await;
    assert_eq!(
        (status, problem["code"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("url_not_allowed"))
    );
    assert_eq!(
        server.webhook(id).await["url"],
        "https://hooks.example.invalid/x"
    );
}

/// A webhook registered while loopback was allowed is refused at delivery time once the
/// operator removes the allowance: the attempt fails, says why, and nothing is sent.
#[tokio::test]
async fn deliveries_to_forbidden_addresses_fail_and_say_why() {
    crate::require_backend!();
    let receiver = Receiver::start().await;
    let server = TestServer::start().await;
    let webhook = server
        .create_webhook(
            json!({"url": receiver.url, "events": ["*"], "retry_schedule": [], "ping": false}),
        )
        .await;
    let id = webhook["id"].as_str().unwrap().to_owned();
    let data = server.stop().await;
    let server = TestServer::start_in(data, &[("allowed_networks", "")]).await;
    server.publish(json!({"type": "a.b", "data": {}})).await;
    let attempt = eventually(
        "the refused attempt to be logged",
        Duration::from_secs(10),
        || async { server.logs(&id).await.first().cloned() },
    )
    .await;
    assert_eq!(attempt["status"], "failed");
    let error = attempt["error"].as_str().unwrap();
    assert!(
        error.contains("127.0.0.1")
            && error.contains("loopback")
            && error.contains("HOOKD_ALLOWED_NETWORKS"),
        "{error}"
    );
    assert_eq!(receiver.count(), 0, "no connection was made");
}

/// A metadata host name is refused at delivery too, even with every network allowed (a
/// webhook stored before names were refused, or a resolver that maps the name elsewhere):
/// the attempt fails and says why.
#[tokio::test]
async fn deliveries_to_metadata_names_fail_and_say_why() {
    crate::require_backend!();
    let server = TestServer::start_with(&[("allowed_networks", "0.0.0.0/0,::/0")]).await;
    let webhook = server
        .create_webhook(
            json!({"url": "https://hooks.example.invalid/x", "events": ["*"],
            "retry_schedule": [], "ping": false}),
        )
        .await;
    let id = webhook["id"].as_str().unwrap().to_owned();
    let data = server.stop().await;
    let metadata = "http://metadata.google.internal/computeMetadata/v1/";
    common::store_webhook_url(&data, &id, metadata).await;
    let server = TestServer::start_in(data, &[("allowed_networks", "0.0.0.0/0,::/0")]).await;
    assert_eq!(server.webhook(&id).await["url"], metadata);
    server.publish(json!({"type": "a.b", "data": {}})).await;
    let attempt = eventually(
        "the refused attempt to be logged",
        Duration::from_secs(10),
        || async { server.logs(&id).await.first().cloned() },
    )
    .await;
    assert_eq!(attempt["status"], "failed");
    assert_eq!(
        attempt["error"],
        "refused: metadata.google.internal is the host name of a cloud metadata service"
    );
}
