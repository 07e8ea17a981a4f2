//! The published conformance vectors (`shared/conformance/vectors.json`), checked against both
//! signing and verification; the inbound schemes have modules of their own.

use super::*;
use serde_json::Value;

mod fixtures;
mod inbound;
mod sender_ids;
mod table;

fn vectors() -> Value {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../conformance/vectors.json"
    );
    serde_json::from_str(&std::fs::read_to_string(path).expect("vectors.json is readable"))
        .expect("vectors.json is JSON")
}

fn payload(vector: &Value) -> Vec<u8> {
    if let Some(repeat) = vector.get("payload_repeat") {
        let unit = repeat[0].as_str().unwrap();
        let times = repeat[1].as_u64().unwrap() as usize;
        unit.repeat(times).into_bytes()
    } else {
        vector["payload"].as_str().unwrap().as_bytes().to_vec()
    }
}

/// Every published Standard Webhooks v1 vector signs to exactly its published signature.
#[test]
fn standard_vectors_sign_to_the_published_signature() {
    let all = vectors();
    let list = all["standard_webhooks_v1"].as_array().unwrap();
    assert!(list.len() >= 5);
    for vector in list {
        let key = standard_key(vector["secret"].as_str().unwrap()).unwrap();
        let signature = sign_standard(
            &key,
            vector["msg_id"].as_str().unwrap(),
            vector["timestamp"].as_i64().unwrap(),
            &payload(vector),
        );
        assert_eq!(
            signature,
            vector["signature"].as_str().unwrap(),
            "{}",
            vector["source"]
        );
    }
}

/// Every published Standard Webhooks v1 vector verifies, alone and inside a rotation list.
#[test]
fn standard_vectors_verify() {
    let all = vectors();
    for vector in all["standard_webhooks_v1"].as_array().unwrap() {
        let timestamp = vector["timestamp"].as_i64().unwrap();
        let signature = vector["signature"].as_str().unwrap();
        let secret = vector["secret"].as_str().unwrap();
        let id = vector["msg_id"].as_str().unwrap();
        let body = payload(vector);
        let ts = timestamp.to_string();
        assert_eq!(
            verify_standard(secret, id, &ts, &body, signature, timestamp, 300),
            Ok(())
        );
        let listed = format!("v1,AAAA v1a,ignored {signature}");
        assert_eq!(
            verify_standard(secret, id, &ts, &body, &listed, timestamp, 300),
            Ok(())
        );
    }
}

/// The published tampered signatures do not verify.
#[test]
fn must_not_verify_vectors_are_refused() {
    let all = vectors();
    let list = all["must_not_verify"].as_array().unwrap();
    assert!(!list.is_empty());
    for vector in list {
        let timestamp = vector["timestamp"].as_i64().unwrap();
        let result = verify_standard(
            vector["secret"].as_str().unwrap(),
            vector["msg_id"].as_str().unwrap(),
            &timestamp.to_string(),
            &payload(vector),
            vector["signature"].as_str().unwrap(),
            timestamp,
            300,
        );
        assert_eq!(
            result,
            Err(VerifyError::NoMatchingSignature),
            "{}",
            vector["source"]
        );
    }
}

/// A correct signature with a timestamp older than the tolerance is refused as stale.
#[test]
fn stale_timestamps_are_refused() {
    let all = vectors();
    let vector = &all["standard_webhooks_v1"][0];
    let timestamp = vector["timestamp"].as_i64().unwrap();
    let result = verify_standard(
        vector["secret"].as_str().unwrap(),
        vector["msg_id"].as_str().unwrap(),
        &timestamp.to_string(),
        &payload(vector),
        vector["signature"].as_str().unwrap(),
        timestamp + DEFAULT_TOLERANCE_SECS + 1,
        DEFAULT_TOLERANCE_SECS,
    );
    assert_eq!(result, Err(VerifyError::StaleTimestamp));
}

/// GitHub's published `x-hub-signature-256` example verifies, and a changed body does not.
#[test]
fn github_vector_verifies() {
    let all = vectors();
    for vector in all["github_x_hub_signature_256"].as_array().unwrap() {
        let secret = vector["secret"].as_str().unwrap();
        let header = vector["header"].as_str().unwrap();
        let body = vector["payload"].as_str().unwrap().as_bytes();
        assert_eq!(verify_github(secret, body, header), Ok(()));
        assert_eq!(format!("sha256={}", sign_hex(secret, body)), header);
        assert_eq!(
            verify_github(secret, b"Hello, World?", header),
            Err(VerifyError::NoMatchingSignature)
        );
    }
}

/// The hex scheme accepts any entry of a rotation list and refuses a wrong secret.
#[test]
fn hex_scheme_accepts_a_rotation_list() {
    let body = br#"{"id":"evt_1"}"#;
    let header = format!(
        "{} {}",
        sign_hex("whsec_new", body),
        sign_hex("whsec_old", body)
    );
    assert_eq!(verify_hex("whsec_old", body, &header), Ok(()));
    assert_eq!(verify_hex("whsec_new", body, &header), Ok(()));
    assert_eq!(
        verify_hex("whsec_other", body, &header),
        Err(VerifyError::NoMatchingSignature)
    );
}

/// A secret that is not base64 after `whsec_` is refused rather than used as raw bytes, and so
/// is an empty key, with which anyone could sign.
#[test]
fn malformed_secrets_are_refused() {
    for secret in ["whsec_not base64!", "whsec_", ""] {
        assert_eq!(
            standard_key(secret),
            Err(VerifyError::MalformedSecret {
                expected: "whsec_ followed by base64"
            }),
            "{secret:?}"
        );
    }
}

/// A prefixed simple header verifies entry by entry, the rotation list included; entries
/// without the prefix count for nothing, so a header of none is malformed.
#[test]
fn the_simple_scheme_verifies_with_a_prefix() {
    let body = br#"{"id":"evt_1"}"#;
    let (new, old) = (sign_hex("whsec_new", body), sign_hex("whsec_old", body));
    let header = format!("sha256={new} sha256={old}");
    for secret in ["whsec_new", "whsec_old"] {
        assert_eq!(verify_simple(secret, body, &header, "sha256="), Ok(()));
        assert_eq!(verify_github(secret, body, &header), Ok(()));
    }
    assert_eq!(
        verify_simple("whsec_new", body, &new, "sha256="),
        Err(VerifyError::MalformedHeader("signature".into()))
    );
    assert_eq!(verify_simple("whsec_new", body, &new, ""), Ok(()));
    assert_eq!(
        verify_github("whsec_other", body, &header),
        Err(VerifyError::NoMatchingSignature)
    );
}
