//! Every vector of `conformance/vectors.json`, run through [`verify`] and [`sender_id`] as a
//! receiver would: the inbound ones (made or checked with the providers' own libraries, see each
//! `source`) and the Standard Webhooks ones, v1 and v1a.

use std::collections::HashMap;

use serde_json::Value;

use super::{payload, vectors};
use crate::{
    Algorithm, Encoding, HmacOptions, Request, Scheme, SigningKey, VerifyError, sender_id, verify,
};

/// The keys of the inbound vectors, one per scheme.
const INBOUND_KEYS: [&str; 8] = [
    "hex",
    "github_x_hub_signature_256",
    "stripe",
    "shopify",
    "slack",
    "hmac",
    "token",
    "basic",
];

fn text<'a>(value: &'a Value, key: &str) -> &'a str {
    value[key]
        .as_str()
        .unwrap_or_else(|| panic!("{key} in {value}"))
}

/// The scheme a vector names, with its options.
fn scheme_of(vector: &Value) -> Scheme {
    let options = &vector["options"];
    match text(vector, "scheme") {
        "standard" => Scheme::Standard,
        "hex" => Scheme::Hex,
        "github" => Scheme::Github,
        "stripe" => Scheme::Stripe,
        "shopify" => Scheme::Shopify,
        "slack" => Scheme::Slack,
        "hmac" => Scheme::Hmac(HmacOptions {
            header: text(options, "header").to_owned(),
            algorithm: Algorithm::from_name(text(options, "algorithm")).unwrap(),
            encoding: Encoding::from_name(text(options, "encoding")).unwrap(),
            prefix: text(options, "prefix").to_owned(),
        }),
        "token" => Scheme::Token {
            header: text(options, "header").to_owned(),
        },
        "basic" => Scheme::Basic,
        other => panic!("unknown scheme {other}"),
    }
}

/// A vector's headers as name–value pairs, in the vector's case.
fn headers_of(vector: &Value) -> Vec<(String, String)> {
    vector["headers"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(name, value)| (name.clone(), value.as_str().unwrap().to_owned()))
        .collect()
}

fn borrowed(headers: &[(String, String)]) -> Vec<(&str, &str)> {
    headers
        .iter()
        .map(|(name, value)| (name.as_str(), value.as_str()))
        .collect()
}

fn inbound_vectors() -> Vec<(String, Value)> {
    let all = vectors();
    let mut out = Vec::new();
    for key in INBOUND_KEYS {
        let list = all[key].as_array().unwrap_or_else(|| panic!("{key}"));
        assert!(!list.is_empty(), "{key} has vectors");
        out.extend(list.iter().map(|vector| (key.to_owned(), vector.clone())));
    }
    out
}

/// Every inbound vector verifies at its `now`, with its headers given as pairs and through a
/// lookup of lower-case names, and yields its `sender_id`.
#[test]
fn every_inbound_vector_verifies_and_yields_its_sender_id() {
    let vectors = inbound_vectors();
    assert!(vectors.len() >= 20, "{} vectors", vectors.len());
    for (key, vector) in vectors {
        let scheme = scheme_of(&vector);
        let (secret, body) = (text(&vector, "secret"), text(&vector, "payload").as_bytes());
        let now = vector["now"].as_i64().unwrap_or(0);
        let headers = headers_of(&vector);
        let pairs = borrowed(&headers);
        let request = Request::new(&pairs, body);
        let source = &vector["source"];
        assert_eq!(
            verify(&scheme, secret, &request, now, 300),
            Ok(()),
            "{key}: {source}"
        );

        let lower: HashMap<String, &str> = pairs
            .iter()
            .map(|(name, value)| (name.to_ascii_lowercase(), *value))
            .collect();
        let lookup = |name: &str| lower.get(name).copied();
        let looked_up = Request::with_lookup(&lookup, body);
        assert_eq!(
            verify(&scheme, secret, &looked_up, now, 300),
            Ok(()),
            "{key}"
        );

        let expected_id = vector["sender_id"].as_str();
        assert_eq!(
            sender_id(&scheme, &request).as_deref(),
            expected_id,
            "{key}"
        );
    }
}

/// Every signed inbound vector refuses a changed body and another secret; token and Basic
/// vectors, which sign nothing, refuse only another secret.
#[test]
fn every_inbound_vector_refuses_a_change() {
    for (key, vector) in inbound_vectors() {
        let scheme = scheme_of(&vector);
        let (secret, body) = (text(&vector, "secret"), text(&vector, "payload"));
        let now = vector["now"].as_i64().unwrap_or(0);
        let headers = headers_of(&vector);
        let pairs = borrowed(&headers);
        let changed = format!("{body} ");
        let wrong_secret = format!("{secret}x");
        let check = |secret: &str, body: &str| {
            verify(
                &scheme,
                secret,
                &Request::new(&pairs, body.as_bytes()),
                now,
                300,
            )
        };
        let (changed_body, other_secret) = match scheme {
            Scheme::Token { .. } => (Ok(()), Err(VerifyError::WrongToken)),
            Scheme::Basic => (Ok(()), Err(VerifyError::WrongCredentials)),
            _ => (
                Err(VerifyError::NoMatchingSignature),
                Err(VerifyError::NoMatchingSignature),
            ),
        };
        assert_eq!(check(secret, &changed), changed_body, "{key}");
        assert_eq!(check(&wrong_secret, body), other_secret, "{key}");
    }
}

/// The Standard Webhooks request of a vector: its id, timestamp and signature as headers.
fn standard_request_headers(vector: &Value) -> Vec<(String, String)> {
    vec![
        ("webhook-id".into(), text(vector, "msg_id").into()),
        (
            "webhook-timestamp".into(),
            vector["timestamp"].as_i64().unwrap().to_string(),
        ),
        ("webhook-signature".into(), text(vector, "signature").into()),
    ]
}

/// Every Standard Webhooks vector verifies through [`verify`]: v1 with its `whsec_` secret, v1a
/// with its public key, its `whsk_` key and the bare seed's; `webhook-id` is the sender id.
#[test]
fn standard_vectors_verify_as_inbound_requests() {
    let all = vectors();
    let mut checked = 0;
    let keys = [
        ("standard_webhooks_v1", &["secret"][..]),
        (
            "standard_webhooks_v1a",
            &["public_key", "secret_key", "secret_key_seed_only"][..],
        ),
        (
            "standard_webhooks_v1a_ed25519",
            &["public_key", "secret_key"][..],
        ),
    ];
    for (key, secret_fields) in keys {
        for vector in all[key].as_array().unwrap() {
            let headers = standard_request_headers(vector);
            let pairs = borrowed(&headers);
            let body = payload(vector);
            let request = Request::new(&pairs, &body);
            let now = vector["timestamp"].as_i64().unwrap() + 299;
            for field in secret_fields {
                let secret = text(vector, field);
                assert_eq!(
                    verify(&Scheme::Standard, secret, &request, now, 300),
                    Ok(()),
                    "{key} {field}: {}",
                    vector["source"]
                );
                checked += 1;
            }
            assert_eq!(
                sender_id(&Scheme::Standard, &request).as_deref(),
                Some(text(vector, "msg_id"))
            );
        }
    }
    assert!(checked >= 15, "{checked}");
}

/// A v1a signature is no v1 one: a `whsec_` secret finds no `v1` entry in a v1a-only header,
/// and a public key finds no `v1a` entry in a v1-only header.
#[test]
fn standard_checks_the_version_its_secret_is_for() {
    let all = vectors();
    let v1a = &all["standard_webhooks_v1a"][0];
    let headers = standard_request_headers(v1a);
    let pairs = borrowed(&headers);
    let body = payload(v1a);
    let now = v1a["timestamp"].as_i64().unwrap();
    let request = Request::new(&pairs, &body);
    let whsec = format!("whsec_{}", &text(v1a, "secret_key")[5..49]);
    assert_eq!(
        verify(&Scheme::Standard, &whsec, &request, now, 300),
        Err(VerifyError::NoMatchingSignature)
    );

    let v1 = &all["standard_webhooks_v1"][0];
    let headers = standard_request_headers(v1);
    let pairs = borrowed(&headers);
    let body = payload(v1);
    let request = Request::new(&pairs, &body);
    let now = v1["timestamp"].as_i64().unwrap();
    let key = SigningKey::from_seed(&[5; 32]);
    for secret in [key.public_key(), key.to_secret()] {
        assert_eq!(
            verify(&Scheme::Standard, &secret, &request, now, 300),
            Err(VerifyError::NoMatchingSignature)
        );
    }
}

/// The must-not-verify vectors are refused through [`verify`] too.
#[test]
fn must_not_verify_vectors_are_refused_as_requests() {
    for vector in vectors()["must_not_verify"].as_array().unwrap() {
        let headers = standard_request_headers(vector);
        let pairs = borrowed(&headers);
        let body = payload(vector);
        let now = vector["timestamp"].as_i64().unwrap();
        assert_eq!(
            verify(
                &Scheme::Standard,
                text(vector, "secret"),
                &Request::new(&pairs, &body),
                now,
                300
            ),
            Err(VerifyError::NoMatchingSignature),
            "{}",
            vector["source"]
        );
    }
}
