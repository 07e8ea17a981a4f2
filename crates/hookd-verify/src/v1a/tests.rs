//! v1a against vectors made by an independent implementation (`conformance/vectors.json`:
//! Node.js's crypto, Svix's key pair) and RFC 8032's own, then everything that must fail.

use super::*;
use crate::{DEFAULT_TOLERANCE_SECS, sign_standard, standard_key};
use serde_json::Value;

fn vectors() -> Value {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../conformance/vectors.json"
    );
    serde_json::from_str(&std::fs::read_to_string(path).expect("vectors.json is readable"))
        .expect("vectors.json is JSON")
}

fn text<'a>(vector: &'a Value, key: &str) -> &'a str {
    vector[key]
        .as_str()
        .unwrap_or_else(|| panic!("{key} in {vector}"))
}

fn payload(vector: &Value) -> Vec<u8> {
    match vector.get("payload_repeat") {
        Some(repeat) => repeat[0]
            .as_str()
            .unwrap()
            .repeat(repeat[1].as_u64().unwrap() as usize)
            .into_bytes(),
        None => text(vector, "payload").as_bytes().to_vec(),
    }
}

/// The v1a vectors made with Node's crypto and the one of Svix's key pair.
fn v1a_vectors() -> Vec<Value> {
    let all = vectors();
    let mut list = all["standard_webhooks_v1a"].as_array().unwrap().clone();
    assert!(list.len() >= 4, "the Node-made vectors are there");
    list.extend(
        all["standard_webhooks_v1a_ed25519"]
            .as_array()
            .unwrap()
            .clone(),
    );
    list
}

/// A vector's message, checked with its own public key at its own time.
fn verify(
    vector: &Value,
    public_key: &str,
    body: &[u8],
    header: &str,
    now: i64,
) -> Result<(), VerifyError> {
    let timestamp = vector["timestamp"].as_i64().unwrap();
    verify_standard_v1a(
        public_key,
        text(vector, "msg_id"),
        &timestamp.to_string(),
        body,
        header,
        now,
        DEFAULT_TOLERANCE_SECS,
    )
}

fn decode_hex<const N: usize>(hex_text: &str) -> [u8; N] {
    hex::decode(hex_text).unwrap().try_into().unwrap()
}

/// Every key form reads back to the same key pair: the 64-byte `whsk_`, the bare seed's, and the
/// seed itself; each shows the vector's `whsk_` and `whpk_` exactly.
#[test]
fn every_key_form_reads_to_the_vectors_keys() {
    for vector in v1a_vectors() {
        let secret = text(&vector, "secret_key");
        let key = SigningKey::parse(secret).unwrap();
        assert_eq!(key.to_secret(), secret, "{}", vector["source"]);
        assert_eq!(key.public_key(), text(&vector, "public_key"));
        if let Some(seed_only) = vector["secret_key_seed_only"].as_str() {
            assert_eq!(SigningKey::parse(seed_only).unwrap(), key);
            assert_eq!(
                SigningKey::from_seed(&decode_hex(text(&vector, "seed_hex"))),
                key
            );
        }
    }
}

/// hookd's signature of each vector's message is byte for byte the one Node's OpenSSL made.
#[test]
fn vectors_sign_to_the_independent_signature() {
    for vector in v1a_vectors() {
        let key = SigningKey::parse(text(&vector, "secret_key")).unwrap();
        let signature = key.sign(
            text(&vector, "msg_id"),
            vector["timestamp"].as_i64().unwrap(),
            &payload(&vector),
        );
        assert_eq!(
            signature,
            text(&vector, "signature"),
            "{}",
            vector["source"]
        );
    }
}

/// Every vector verifies with its public key alone, and inside a rotation list among entries
/// of other versions.
#[test]
fn vectors_verify_with_the_public_key() {
    for vector in v1a_vectors() {
        let (public_key, signature) = (text(&vector, "public_key"), text(&vector, "signature"));
        let now = vector["timestamp"].as_i64().unwrap();
        let body = payload(&vector);
        assert_eq!(verify(&vector, public_key, &body, signature, now), Ok(()));
        let listed = format!("v1,AAAA v1a,AAAA {signature} v2,ignored");
        assert_eq!(verify(&vector, public_key, &body, &listed, now), Ok(()));
    }
}

/// RFC 8032's TEST 1 and TEST 2 hold for the raw primitive this crate signs with.
#[test]
fn rfc8032_vectors_hold_for_the_primitive() {
    let all = vectors();
    let list = all["ed25519_rfc8032"].as_array().unwrap();
    assert_eq!(list.len(), 2);
    for vector in list {
        let key = ed25519_dalek::SigningKey::from_bytes(&decode_hex(text(vector, "secret_key")));
        let public: [u8; 32] = decode_hex(text(vector, "public_key"));
        assert_eq!(
            key.verifying_key().to_bytes(),
            public,
            "{}",
            vector["source"]
        );
        let message = hex::decode(text(vector, "message")).unwrap();
        let signature = key.sign(&message);
        assert_eq!(hex::encode(signature.to_bytes()), text(vector, "signature"));
        let verifying = VerifyingKey::from_bytes(&public).unwrap();
        assert!(verifying.verify_strict(&message, &signature).is_ok());
        assert!(verifying.verify_strict(b"other", &signature).is_err());
    }
}

/// A changed body, another webhook's key, a changed signature bit, an old or future timestamp,
/// and headers that hold no signature at all fail, each with its own reason.
#[test]
fn what_must_not_verify_is_refused() {
    let list = vectors()["standard_webhooks_v1a"]
        .as_array()
        .unwrap()
        .clone();
    let (vector, other) = (&list[0], &list[1]);
    let (public_key, signature) = (text(vector, "public_key"), text(vector, "signature"));
    let now = vector["timestamp"].as_i64().unwrap();
    let body = payload(vector);
    let refused = Err(VerifyError::NoMatchingSignature);

    let mut tampered = body.clone();
    tampered[2] ^= 1;
    assert_eq!(
        verify(vector, public_key, &tampered, signature, now),
        refused,
        "tampered body"
    );
    let wrong_key = text(other, "public_key");
    assert_eq!(
        verify(vector, wrong_key, &body, signature, now),
        refused,
        "wrong key"
    );
    let mut bytes = BASE64.decode(&signature[4..]).unwrap();
    bytes[10] ^= 0x40;
    let flipped = format!("v1a,{}", BASE64.encode(&bytes));
    assert_eq!(
        verify(vector, public_key, &body, &flipped, now),
        refused,
        "flipped bit"
    );

    // The receiver's clock is past the signed time: the request is too old; before it, too new.
    let late = now + DEFAULT_TOLERANCE_SECS + 1;
    let early = now - DEFAULT_TOLERANCE_SECS - 1;
    assert_eq!(
        verify(vector, public_key, &body, signature, late),
        Err(VerifyError::StaleTimestamp)
    );
    assert_eq!(
        verify(vector, public_key, &body, signature, early),
        Err(VerifyError::FutureTimestamp)
    );
    assert_eq!(
        verify_standard_v1a(public_key, "msg", "yesterday", &body, signature, now, 300),
        Err(VerifyError::MalformedHeader("webhook-timestamp".into()))
    );

    let short = format!("v1a,{}", BASE64.encode(&bytes[..63]));
    assert_eq!(
        verify(vector, public_key, &body, &short, now),
        refused,
        "a v1a entry of the wrong length"
    );
    for header in ["", "garbage", "v1a,", "v1a,not base64!", &signature[4..]] {
        assert_eq!(
            verify(vector, public_key, &body, header, now),
            Err(VerifyError::MalformedHeader("webhook-signature".into())),
            "{header:?}"
        );
    }
}

/// A v1 (HMAC) signature of the very same message is no v1a signature, even when the HMAC key
/// is the key pair's bytes.
#[test]
fn a_v1_signature_is_not_taken_for_v1a() {
    let list = vectors()["standard_webhooks_v1a"]
        .as_array()
        .unwrap()
        .clone();
    let vector = &list[0];
    let hmac_key = standard_key(&format!("whsec_{}", &text(vector, "secret_key")[5..])).unwrap();
    let timestamp = vector["timestamp"].as_i64().unwrap();
    let v1 = sign_standard(
        &hmac_key,
        text(vector, "msg_id"),
        timestamp,
        &payload(vector),
    );
    assert!(v1.starts_with("v1,"));
    let relabelled = format!("v1a,{}", &v1[3..]);
    for header in [v1.as_str(), relabelled.as_str()] {
        assert_eq!(
            verify(
                vector,
                text(vector, "public_key"),
                &payload(vector),
                header,
                timestamp
            ),
            Err(VerifyError::NoMatchingSignature)
        );
    }
}

/// Keys of the wrong kind, length or encoding are refused as malformed; so is a `whsk_` whose
/// public half is not its seed's.
#[test]
fn malformed_keys_are_refused() {
    let list = vectors()["standard_webhooks_v1a"]
        .as_array()
        .unwrap()
        .clone();
    let vector = &list[0];
    let secret = text(vector, "secret_key");
    let mut pair = BASE64.decode(&secret[5..]).unwrap();
    pair[40] ^= 1;
    let mismatched = format!("whsk_{}", BASE64.encode(&pair));
    let short = format!("whsk_{}", BASE64.encode(&pair[..48]));
    for bad in [
        "",
        "whsk_",
        "whsk_###",
        &short,
        &mismatched,
        &secret[5..],
        text(vector, "public_key"),
        "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
    ] {
        assert_eq!(
            SigningKey::parse(bad),
            Err(VerifyError::MalformedKey),
            "{bad:?}"
        );
    }
    let (now, body) = (vector["timestamp"].as_i64().unwrap(), payload(vector));
    let signature = text(vector, "signature");
    for bad in [
        secret,
        "whpk_###",
        "whpk_AAAA",
        "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
    ] {
        assert_eq!(
            verify(vector, bad, &body, signature, now),
            Err(VerifyError::MalformedKey),
            "{bad:?}"
        );
    }
}

/// A signing key never shows in `Debug`.
#[test]
fn debug_does_not_print_the_key() {
    let key = SigningKey::from_seed(&[7; 32]);
    let shown = format!("{key:?}");
    assert_eq!(shown, "whsk_<redacted>");
    assert!(!shown.contains(&key.to_secret()[5..15]));
}
