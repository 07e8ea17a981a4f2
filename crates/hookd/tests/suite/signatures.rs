//! A webhook's `signature`: Ed25519 (v1a) keys made, shown, rotated and verified by a real
//! receiver with the public key alone; changes of scheme; and the simple header under another
//! sender's name and prefix, verified the way a GitHub receiver does.

use crate::common;

use common::{Received, Receiver, TestServer};
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::time::Duration;

const WAIT: Duration = Duration::from_secs(10);

/// A key pair of `conformance/vectors.json` (made with Node's crypto): its bare seed, the
/// 64-byte form hookd keeps, and its public key.
const SEED_ONLY: &str = "whsk_AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
const FULL: &str =
    "whsk_AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8DoQe/884Qvh1w3RjnS8CZZ+TWMJulDV8d3IZkElUxuA==";
const PUBLIC: &str = "whpk_A6EHv/POEL4dcN0Y50vAmWfk1jCbpQ1fHdyGZBJVMbg=";

fn now_secs() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

/// The request's `webhook-signature`, checked with a v1a public key.
fn verify_v1a(public_key: &str, request: &Received) -> Result<(), hookd_verify::VerifyError> {
    hookd_verify::verify_standard_v1a(
        public_key,
        request.header("webhook-id"),
        request.header("webhook-timestamp"),
        &request.body,
        request.header("webhook-signature"),
        now_secs(),
        300,
    )
}

/// The request's `webhook-signature`, checked with a v1 secret.
fn verify_v1(secret: &str, request: &Received) -> Result<(), hookd_verify::VerifyError> {
    hookd_verify::verify_standard(
        secret,
        request.header("webhook-id"),
        request.header("webhook-timestamp"),
        &request.body,
        request.header("webhook-signature"),
        now_secs(),
        300,
    )
}

fn text(value: &Value, key: &str) -> String {
    value[key]
        .as_str()
        .unwrap_or_else(|| panic!("{key} in {value}"))
        .to_owned()
}

/// Publishes one event and returns the request it became.
async fn deliver(server: &TestServer, receiver: &Receiver) -> Received {
    let before = receiver.count();
    server
        .publish(json!({"type": "order.created", "data": {"n": before}}))
        .await;
    receiver.wait_for(before + 1, WAIT).await.remove(before)
}

/// A v1a webhook gets a key pair: the 201 shows the `whsk_` key (this once) and the `whpk_`
/// public key; reads show the public key and never the key; its ping arrives signed `v1a,`,
/// verifies with the public key alone, and carries no simple (HMAC) header.
#[tokio::test]
async fn a_v1a_webhook_is_signed_with_ed25519_and_verified_with_its_public_key() {
    crate::require_backend!();
    let server = TestServer::start().await;
    let receiver = Receiver::start().await;
    let created = server
        .create_webhook(
            json!({"url": receiver.url, "events": ["order.*"], "signature": {"scheme": "v1a"}}),
        )
        .await;
    let (secret, public_key) = (text(&created, "secret"), text(&created, "public_key"));
    assert!(
        secret.starts_with("whsk_") && public_key.starts_with("whpk_"),
        "{created}"
    );
    assert_eq!(
        created["signature"],
        json!({"scheme": "v1a", "simple_header": "x-webhook-signature", "simple_prefix": ""})
    );
    let id = text(&created, "id");
    let shown = server.webhook(&id).await;
    assert_eq!(shown["public_key"], public_key.as_str());
    assert_eq!(shown["signature"], created["signature"]);
    assert!(shown.get("secret").is_none(), "{shown}");
    let (_, listed) = server.get("/api/webhooks").await;
    assert_eq!(listed["data"][0]["public_key"], public_key.as_str());
    let (status, read) = server.get(&format!("/api/webhooks/{id}/secret")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(read, json!({"secret": secret, "public_key": public_key}));

    let ping = receiver.wait_for(1, WAIT).await.remove(0);
    assert_eq!(ping.header("x-webhook-event"), "webhook.ping");
    assert!(ping.header("webhook-signature").starts_with("v1a,"));
    verify_v1a(&public_key, &ping).expect("the ping verifies with the public key");
    assert!(ping.headers.get("x-webhook-signature").is_none());
    let other = hookd_verify::SigningKey::from_seed(&[9; 32]).public_key();
    assert_eq!(
        verify_v1a(&other, &ping),
        Err(hookd_verify::VerifyError::NoMatchingSignature)
    );
}

/// A v1a key may be given, as the 64-byte form or the bare seed; hookd keeps and shows the
/// 64-byte form, with the public key an independent implementation derived. A v1 webhook has
/// no public key.
#[tokio::test]
async fn a_given_v1a_key_is_kept_in_its_full_form() {
    crate::require_backend!();
    let server = TestServer::start().await;
    let receiver = Receiver::start().await;
    for given in [SEED_ONLY, FULL] {
        let created = server
            .create_webhook(json!({"url": receiver.url, "events": ["*"], "ping": false,
                "secret": given, "signature": {"scheme": "v1a"}}))
            .await;
        assert_eq!(
            (text(&created, "secret"), text(&created, "public_key")),
            (FULL.into(), PUBLIC.into())
        );
    }
    let v1 = server.webhook_to(&receiver.url, &["*"]).await;
    assert_eq!(v1["public_key"], Value::Null);
    assert_eq!(v1["signature"]["scheme"], "v1");
}

/// Rotating a v1a key makes a new key pair; for 24 hours both keys sign (two `v1a,` entries),
/// so receivers holding either public key verify. A chosen key is taken as given.
#[tokio::test]
async fn rotating_a_v1a_key_keeps_the_old_key_signing() {
    crate::require_backend!();
    let server = TestServer::start().await;
    let receiver = Receiver::start().await;
    let created = server
        .create_webhook(json!({"url": receiver.url, "events": ["*"], "ping": false,
            "signature": {"scheme": "v1a"}}))
        .await;
    let id = text(&created, "id");
    let old = text(&created, "public_key");
    let (status, rotated) = server
        .post_empty(&format!("/api/webhooks/{id}/rotate-secret"))
        .await;
    assert_eq!(status, StatusCode::OK, "{rotated}");
    let new = text(&rotated, "public_key");
    assert!(text(&rotated, "secret").starts_with("whsk_"));
    assert_ne!(new, old);
    assert!(rotated["previous_secret_expires_at"].is_string());
    assert_eq!(server.webhook(&id).await["public_key"], new.as_str());

    let request = deliver(&server, &receiver).await;
    let signatures = request.header("webhook-signature");
    assert_eq!(signatures.split(' ').count(), 2, "{signatures}");
    assert!(signatures.split(' ').all(|s| s.starts_with("v1a,")));
    for public_key in [&old, &new] {
        verify_v1a(public_key, &request).expect("each public key verifies");
    }

    let (status, chosen) = server
        .post(
            &format!("/api/webhooks/{id}/rotate-secret"),
            json!({"secret": SEED_ONLY}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{chosen}");
    assert_eq!(
        (text(&chosen, "secret"), text(&chosen, "public_key")),
        (FULL.into(), PUBLIC.into())
    );
}

/// Changing the scheme is a rotation into the other kind of secret: the answer carries the new
/// secret (and public key) and until when the previous one signs; meanwhile each request
/// carries both schemes' signatures, and the simple header while an HMAC secret signs. A
/// change that keeps the scheme answers no secret; a chosen secret comes with the scheme.
#[tokio::test]
async fn changing_the_scheme_makes_a_new_secret_and_keeps_the_old_one_signing() {
    crate::require_backend!();
    let server = TestServer::start().await;
    let receiver = Receiver::start().await;
    let created = server.webhook_to(&receiver.url, &["*"]).await;
    let (id, old) = (text(&created, "id"), text(&created, "secret"));

    let (status, changed) = server
        .patch(
            &format!("/api/webhooks/{id}"),
            json!({"signature": {"scheme": "v1a"}}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{changed}");
    assert_eq!(changed["signature"]["scheme"], "v1a");
    let (secret, public_key) = (text(&changed, "secret"), text(&changed, "public_key"));
    assert!(secret.starts_with("whsk_"));
    assert!(changed["previous_secret_expires_at"].is_string());
    let (_, read) = server.get(&format!("/api/webhooks/{id}/secret")).await;
    assert_eq!(read["secret"], secret.as_str());

    let request = deliver(&server, &receiver).await;
    let versions: Vec<&str> = request
        .header("webhook-signature")
        .split(' ')
        .map(|entry| entry.split(',').next().unwrap())
        .collect();
    assert_eq!(versions, ["v1a", "v1"]);
    verify_v1a(&public_key, &request).expect("the new key verifies");
    verify_v1(&old, &request).expect("the old secret still verifies");
    hookd_verify::verify_hex(&old, &request.body, request.header("x-webhook-signature"))
        .expect("the simple header comes from the old secret");

    let (status, same) = server
        .patch(
            &format!("/api/webhooks/{id}"),
            json!({"description": "v1a now"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(same.get("secret").is_none() && same.get("previous_secret_expires_at").is_none());

    let chosen = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    let (status, back) = server
        .patch(
            &format!("/api/webhooks/{id}"),
            json!({"signature": {"scheme": "v1"}, "secret": chosen}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{back}");
    assert_eq!(back["secret"], chosen);
    assert_eq!(back["public_key"], Value::Null);
    let request = deliver(&server, &receiver).await;
    verify_v1(chosen, &request).expect("the chosen secret signs");
    verify_v1a(&public_key, &request).expect("the replaced key still signs");
}

/// With `simple_header` and `simple_prefix` set as GitHub's, a receiver written for GitHub
/// verifies hookd's request unchanged, through a rotation too; the default simple header is
/// not sent, the name is shown in lower case and survives a restart, and no custom header may
/// take it.
#[tokio::test]
async fn the_simple_header_can_follow_githubs_convention() {
    crate::require_backend!();
    let server = TestServer::start().await;
    let receiver = Receiver::start().await;
    let created = server
        .create_webhook(json!({"url": receiver.url, "events": ["*"], "ping": false,
            "headers": {"X-Api-Key": "k"},
            "signature": {"simple_header": "X-Hub-Signature-256", "simple_prefix": "sha256="}}))
        .await;
    let (id, old) = (text(&created, "id"), text(&created, "secret"));
    let expected =
        json!({"scheme": "v1", "simple_header": "x-hub-signature-256", "simple_prefix": "sha256="});
    assert_eq!(created["signature"], expected);

    let request = deliver(&server, &receiver).await;
    let github = request.header("x-hub-signature-256");
    assert!(github.starts_with("sha256="), "{github}");
    hookd_verify::verify_github(&old, &request.body, github).expect("GitHub's check passes");
    verify_v1(&old, &request).expect("the Standard Webhooks signature is still there");
    assert!(request.headers.get("x-webhook-signature").is_none());

    let (_, rotated) = server
        .post_empty(&format!("/api/webhooks/{id}/rotate-secret"))
        .await;
    let request = deliver(&server, &receiver).await;
    let github = request.header("x-hub-signature-256");
    assert_eq!(github.matches("sha256=").count(), 2, "{github}");
    for secret in [old.as_str(), rotated["secret"].as_str().unwrap()] {
        hookd_verify::verify_github(secret, &request.body, github).expect("each secret verifies");
    }

    let path = format!("/api/webhooks/{id}");
    let (status, problem) = server
        .patch(&path, json!({"headers": {"X-Hub-Signature-256": "forged"}}))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(problem["errors"][0]["field"], "headers.X-Hub-Signature-256");
    let (status, problem) = server
        .patch(&path, json!({"signature": {"simple_header": "x-api-key"}}))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(problem["errors"][0]["field"], "signature.simple_header");

    let data = server.stop().await;
    let server = TestServer::start_in(data, &[]).await;
    assert_eq!(server.webhook(&id).await["signature"], expected);
}
