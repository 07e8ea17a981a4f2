//! The headers a receiver gets, verified with `hookd_verify` as a receiver would.

use super::*;
use crate::model::*;
use bytes::Bytes;
use std::time::Duration;

fn webhook_with(secret: WebhookSecret, previous: Option<RotatedSecret>) -> Webhook {
    let now = Timestamp::now();
    Webhook {
        id: WebhookId::new(),
        tenant: Tenant::default_tenant(),
        url: WebhookUrl::parse("https://example.com/hook").unwrap(),
        events: vec![EventPattern::All],
        description: String::new(),
        active: true,
        disabled_reason: None,
        filter: None,
        rate_limit: None,
        max_in_flight: 10,
        timeout_ms: 1000,
        retry_schedule: None,
        headers: CustomHeaders::parse([("X-Api-Key".to_string(), "k1".to_string())].into())
            .unwrap(),
        secret,
        previous_secret: previous,
        signature: SignatureOptions::default(),
        failure_streak: 0,
        payload: PayloadMode::Event,
        ordering: None,
        breaker: None,
        circuit: Circuit::default(),
        created_at: now,
        updated_at: now,
    }
}

fn job() -> DeliveryJob {
    DeliveryJob {
        delivery_id: DeliveryId::new(),
        event_id: EventId::new(),
        webhook_id: WebhookId::new(),
        tenant: Tenant::default_tenant(),
        event_type: EventName::parse("order.created").unwrap(),
        payload: Bytes::from_static(br#"{"id":"evt_x","type":"order.created","data":{}}"#),
        attempt: 2,
        manual: false,
        claim: "node-test/0".into(),
        original: None,
        trace: None,
    }
}

fn header<'a>(headers: &'a [(HeaderName, HeaderValue)], name: &str) -> &'a str {
    headers
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.to_str().unwrap())
        .unwrap()
}

/// Every documented header is present and both signatures verify with the secret.
#[test]
fn receivers_can_verify_both_schemes() {
    let secret = WebhookSecret::generate();
    let webhook = webhook_with(secret.clone(), None);
    let job = job();
    let now = Timestamp::now();
    let headers = delivery_headers(
        &webhook,
        &job,
        now,
        &HeaderValue::from_static("hookd/test"),
        None,
    );
    assert_eq!(header(&headers, "content-type"), "application/json");
    assert_eq!(header(&headers, "user-agent"), "hookd/test");
    assert_eq!(header(&headers, "webhook-id"), job.event_id.as_str());
    assert_eq!(header(&headers, "x-webhook-id"), job.event_id.as_str());
    assert_eq!(
        header(&headers, "x-webhook-delivery"),
        job.delivery_id.as_str()
    );
    assert_eq!(header(&headers, "x-webhook-event"), "order.created");
    assert_eq!(header(&headers, "x-webhook-attempt"), "2");
    assert_eq!(
        header(&headers, "webhook-timestamp"),
        now.as_unix_seconds().to_string()
    );
    assert_eq!(
        header(&headers, "x-webhook-timestamp"),
        now.as_unix_seconds().to_string()
    );
    assert_eq!(header(&headers, "X-Api-Key"), "k1");
    hookd_verify::verify_standard(
        secret.expose(),
        header(&headers, "webhook-id"),
        header(&headers, "webhook-timestamp"),
        &job.payload,
        header(&headers, "webhook-signature"),
        now.as_unix_seconds(),
        300,
    )
    .unwrap();
    hookd_verify::verify_hex(
        secret.expose(),
        &job.payload,
        header(&headers, "x-webhook-signature"),
    )
    .unwrap();
}

/// During a rotation both secrets sign; after the overlap only the new one does.
#[test]
fn a_rotated_secret_signs_until_it_expires() {
    let (new, old) = (WebhookSecret::generate(), WebhookSecret::generate());
    let now = Timestamp::now();
    let rotated = RotatedSecret {
        secret: old.clone(),
        expires_at: now.plus(Duration::from_secs(60)),
    };
    let webhook = webhook_with(new.clone(), Some(rotated));
    let job = job();
    let during = delivery_headers(
        &webhook,
        &job,
        now,
        &HeaderValue::from_static("hookd/test"),
        None,
    );
    let signatures = header(&during, "webhook-signature");
    assert_eq!(signatures.split(' ').count(), 2);
    for secret in [&new, &old] {
        let ts = header(&during, "webhook-timestamp");
        hookd_verify::verify_standard(
            secret.expose(),
            job.event_id.as_str(),
            ts,
            &job.payload,
            signatures,
            now.as_unix_seconds(),
            300,
        )
        .unwrap();
        hookd_verify::verify_hex(
            secret.expose(),
            &job.payload,
            header(&during, "x-webhook-signature"),
        )
        .unwrap();
    }
    let later = now.plus(Duration::from_secs(61));
    let after = delivery_headers(
        &webhook,
        &job,
        later,
        &HeaderValue::from_static("hookd/test"),
        None,
    );
    assert_eq!(header(&after, "webhook-signature").split(' ').count(), 1);
    assert!(
        hookd_verify::verify_hex(
            old.expose(),
            &job.payload,
            header(&after, "x-webhook-signature")
        )
        .is_err()
    );
}

/// Exactly the headers hookd sends are reserved: everything a delivery carries but the
/// webhook's own custom headers is in `SIGNED_HEADERS`, and everything there is sent (the trace
/// context's headers by an event published in a trace).
#[test]
fn the_reserved_headers_are_exactly_the_ones_sent() {
    let webhook = webhook_with(WebhookSecret::generate(), None);
    let trace = TraceContext::from_headers(
        Some("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"),
        Some("rojo=00f067aa0ba902b7"),
    );
    let headers = delivery_headers(
        &webhook,
        &job(),
        Timestamp::now(),
        &HeaderValue::from_static("hookd/test"),
        trace.as_ref(),
    );
    let mut sent: Vec<&str> = headers
        .iter()
        .map(|(name, _)| name.as_str())
        .filter(|name| *name != "x-api-key")
        .collect();
    sent.sort_unstable();
    let mut reserved = SIGNED_HEADERS.to_vec();
    reserved.sort_unstable();
    assert_eq!(sent, reserved);
}

fn sign(webhook: &Webhook, job: &DeliveryJob, at: Timestamp) -> Vec<(HeaderName, HeaderValue)> {
    delivery_headers(
        webhook,
        job,
        at,
        &HeaderValue::from_static("hookd/test"),
        None,
    )
}

fn has(headers: &[(HeaderName, HeaderValue)], name: &str) -> bool {
    headers.iter().any(|(n, _)| n == name)
}

/// A v1a webhook's `webhook-signature` is one `v1a,` entry that verifies with the public key
/// alone, and no simple (HMAC) header is sent.
#[test]
fn a_v1a_webhook_signs_with_ed25519_only() {
    let secret = WebhookSecret::generate_for(SignatureScheme::V1a);
    let public_key = secret.public_key().unwrap();
    let webhook = webhook_with(secret, None);
    let (job, now) = (job(), Timestamp::now());
    let headers = sign(&webhook, &job, now);
    let signature = header(&headers, "webhook-signature");
    assert!(signature.starts_with("v1a,"), "{signature}");
    assert_eq!(signature.split(' ').count(), 1);
    hookd_verify::verify_standard_v1a(
        &public_key,
        header(&headers, "webhook-id"),
        header(&headers, "webhook-timestamp"),
        &job.payload,
        signature,
        now.as_unix_seconds(),
        300,
    )
    .expect("the v1a signature verifies with the public key");
    assert!(!has(&headers, "x-webhook-signature"));
    assert_eq!(header(&headers, "X-Api-Key"), "k1");
}

/// The simple header goes out under the webhook's name, each digest after its prefix, so a
/// receiver written for GitHub's `X-Hub-Signature-256` verifies it unchanged; the default name
/// is then not sent.
#[test]
fn the_simple_header_takes_the_webhooks_name_and_prefix() {
    let secret = WebhookSecret::generate();
    let mut webhook = webhook_with(secret.clone(), None);
    webhook.signature = SignatureOptions::new("x-hub-signature-256".into(), "sha256=".into());
    let job = job();
    let headers = sign(&webhook, &job, Timestamp::now());
    let simple = header(&headers, "x-hub-signature-256");
    assert_eq!(
        simple,
        format!(
            "sha256={}",
            hookd_verify::sign_hex(secret.expose(), &job.payload)
        )
    );
    hookd_verify::verify_github(secret.expose(), &job.payload, simple).unwrap();
    assert!(!has(&headers, "x-webhook-signature"));
}

/// During a rotation the simple header lists one prefixed digest per secret.
#[test]
fn a_rotation_lists_each_prefixed_digest() {
    let (new, old) = (WebhookSecret::generate(), WebhookSecret::generate());
    let now = Timestamp::now();
    let rotated = RotatedSecret {
        secret: old.clone(),
        expires_at: now.plus(Duration::from_secs(60)),
    };
    let mut webhook = webhook_with(new.clone(), Some(rotated));
    webhook.signature = SignatureOptions::new("x-signature".into(), "v0=".into());
    let job = job();
    let headers = sign(&webhook, &job, now);
    let simple = header(&headers, "x-signature");
    assert_eq!(simple.split(' ').count(), 2);
    assert!(simple.split(' ').all(|entry| entry.starts_with("v0=")));
    for secret in [&new, &old] {
        hookd_verify::verify_simple(secret.expose(), &job.payload, simple, "v0=").unwrap();
    }
}

/// After a change of scheme from v1 to v1a, the previous HMAC secret keeps signing in its own
/// scheme (a `v1,` entry and the simple header) beside the new key's `v1a,` until it expires.
#[test]
fn after_a_change_of_scheme_both_schemes_sign_until_the_old_secret_expires() {
    let (new, old) = (
        WebhookSecret::generate_for(SignatureScheme::V1a),
        WebhookSecret::generate(),
    );
    let now = Timestamp::now();
    let rotated = RotatedSecret {
        secret: old.clone(),
        expires_at: now.plus(Duration::from_secs(60)),
    };
    let webhook = webhook_with(new.clone(), Some(rotated));
    let job = job();
    let during = sign(&webhook, &job, now);
    let signatures = header(&during, "webhook-signature");
    let versions: Vec<&str> = signatures
        .split(' ')
        .map(|entry| entry.split(',').next().unwrap())
        .collect();
    assert_eq!(versions, ["v1a", "v1"]);
    let ts = header(&during, "webhook-timestamp");
    let (id, seconds) = (job.event_id.as_str(), now.as_unix_seconds());
    hookd_verify::verify_standard_v1a(
        &new.public_key().unwrap(),
        id,
        ts,
        &job.payload,
        signatures,
        seconds,
        300,
    )
    .unwrap();
    hookd_verify::verify_standard(old.expose(), id, ts, &job.payload, signatures, seconds, 300)
        .unwrap();
    hookd_verify::verify_hex(
        old.expose(),
        &job.payload,
        header(&during, "x-webhook-signature"),
    )
    .unwrap();

    let after = sign(&webhook, &job, now.plus(Duration::from_secs(61)));
    assert!(header(&after, "webhook-signature").starts_with("v1a,"));
    assert_eq!(header(&after, "webhook-signature").split(' ').count(), 1);
    assert!(!has(&after, "x-webhook-signature"));
}
