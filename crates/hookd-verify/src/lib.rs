//! Sign and verify hookd webhooks.
//!
//! hookd signs every request with the webhook's scheme, so receivers can pick the one they
//! already know:
//!
//! - **Standard Webhooks v1** (`webhook-id`, `webhook-timestamp`, `webhook-signature`): HMAC-SHA256
//!   keyed with the base64-decoded part of a `whsec_...` secret, over
//!   `"<webhook-id>.<webhook-timestamp>.<body>"`, sent as `v1,<base64>`. While a rotated secret is
//!   still valid the header carries a space-separated list, one entry per secret.
//! - **Standard Webhooks v1a** (the same headers): Ed25519 over the same content, sent as
//!   `v1a,<base64>`, signed with a `whsk_...` key and verified with its public key `whpk_...`
//!   ([`SigningKey`], [`verify_standard_v1a`]).
//! - **The simple scheme** (`x-webhook-signature` unless the webhook names another header, and
//!   v1 only): HMAC-SHA256 of the raw body keyed with the whole secret string as UTF-8,
//!   hex-encoded, after the webhook's prefix if it has one (no replay protection).
//!
//! The simple scheme with the prefix `sha256=` is GitHub's `x-hub-signature-256`
//! ([`verify_github`]). Every HMAC comparison is constant-time. This crate is deliberately tiny
//! so that receivers can depend on it.

#![forbid(unsafe_code)]

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use subtle::ConstantTimeEq;

mod v1a;
pub use v1a::{
    PUBLIC_KEY_PREFIX, SIGNING_KEY_PREFIX, SigningKey, public_key_bytes, verify_standard_v1a,
};

type HmacSha256 = Hmac<Sha256>;

/// The prefix of a Standard Webhooks symmetric secret.
pub const SECRET_PREFIX: &str = "whsec_";

/// How far a `webhook-timestamp` may be from the receiver's clock, in seconds, before the request
/// is treated as a replay.
pub const DEFAULT_TOLERANCE_SECS: i64 = 5 * 60;

/// Why a signature or secret was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VerifyError {
    /// The secret is not `whsec_` followed by base64.
    MalformedSecret,
    /// The key is not `whsk_` (signing key) or `whpk_` (public key) followed by the base64 of an
    /// Ed25519 key of the right length.
    MalformedKey,
    /// The timestamp header is not a unix time in seconds.
    MalformedTimestamp,
    /// The timestamp is further from now than the tolerance allows.
    StaleTimestamp,
    /// No signature in the header matched.
    NoMatchingSignature,
}

impl std::fmt::Display for VerifyError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            VerifyError::MalformedSecret => "the secret is not whsec_ followed by base64",
            VerifyError::MalformedKey => {
                "the key is not whsk_ or whpk_ followed by the base64 of an Ed25519 key"
            }
            VerifyError::MalformedTimestamp => "the timestamp is not unix seconds",
            VerifyError::StaleTimestamp => "the timestamp is outside the allowed tolerance",
            VerifyError::NoMatchingSignature => "no signature matched",
        })
    }
}

impl std::error::Error for VerifyError {}

/// The key bytes of a `whsec_...` secret (the base64 after the prefix).
pub fn standard_key(secret: &str) -> Result<Vec<u8>, VerifyError> {
    let encoded = secret.strip_prefix(SECRET_PREFIX).unwrap_or(secret);
    BASE64
        .decode(encoded)
        .map_err(|_| VerifyError::MalformedSecret)
}

/// The Standard Webhooks v1 signature, `v1,<base64>`, of one message under one key.
pub fn sign_standard(key: &[u8], msg_id: &str, timestamp: i64, body: &[u8]) -> String {
    let mac = standard_mac(key, msg_id, timestamp, body);
    let mut out = String::with_capacity(47);
    out.push_str("v1,");
    BASE64.encode_string(mac, &mut out);
    out
}

fn standard_mac(key: &[u8], msg_id: &str, timestamp: i64, body: &[u8]) -> [u8; 32] {
    let mut mac = HmacSha256::new_from_slice(key).expect("HMAC takes keys of any length");
    mac.update(msg_id.as_bytes());
    mac.update(b".");
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    mac.finalize().into_bytes().into()
}

/// The simple scheme: hex HMAC-SHA256 of the body, keyed with the whole secret string.
pub fn sign_hex(secret: &str, body: &[u8]) -> String {
    hex::encode(hex_mac(secret.as_bytes(), body))
}

fn hex_mac(key: &[u8], body: &[u8]) -> [u8; 32] {
    let mut mac = HmacSha256::new_from_slice(key).expect("HMAC takes keys of any length");
    mac.update(body);
    mac.finalize().into_bytes().into()
}

/// Verifies a Standard Webhooks request: `signatures` is the `webhook-signature` header (a
/// space-separated list of `v1,<base64>`; other versions are ignored), `now` the receiver's unix
/// time. Succeeds if any listed signature matches and the timestamp is within `tolerance_secs`.
pub fn verify_standard(
    secret: &str,
    msg_id: &str,
    timestamp: &str,
    body: &[u8],
    signatures: &str,
    now: i64,
    tolerance_secs: i64,
) -> Result<(), VerifyError> {
    let key = standard_key(secret)?;
    let timestamp = check_timestamp(timestamp, now, tolerance_secs)?;
    let expected = standard_mac(&key, msg_id, timestamp, body);
    let matched = signatures
        .split_whitespace()
        .filter_map(|entry| entry.strip_prefix("v1,"))
        .filter_map(|encoded| BASE64.decode(encoded).ok())
        .any(|candidate| bool::from(candidate.ct_eq(&expected)));
    if matched {
        Ok(())
    } else {
        Err(VerifyError::NoMatchingSignature)
    }
}

/// The `webhook-timestamp` as unix seconds, if it is within `tolerance_secs` of `now`.
fn check_timestamp(timestamp: &str, now: i64, tolerance_secs: i64) -> Result<i64, VerifyError> {
    let timestamp: i64 = timestamp
        .trim()
        .parse()
        .map_err(|_| VerifyError::MalformedTimestamp)?;
    if now.abs_diff(timestamp) > tolerance_secs.unsigned_abs() {
        return Err(VerifyError::StaleTimestamp);
    }
    Ok(timestamp)
}

/// Verifies the simple scheme: `signatures` is the `x-webhook-signature` header, one hex digest or
/// a space-separated list of them (during a secret rotation).
pub fn verify_hex(secret: &str, body: &[u8], signatures: &str) -> Result<(), VerifyError> {
    verify_simple(secret, body, signatures, "")
}

/// Verifies the simple scheme sent with a prefix (a webhook's `signature.simple_prefix`, such as
/// `sha256=`): `header` is one `<prefix><hex>` or a space-separated list of them. Entries
/// without the prefix are ignored; [`verify_hex`] is this with an empty prefix.
pub fn verify_simple(
    secret: &str,
    body: &[u8],
    header: &str,
    prefix: &str,
) -> Result<(), VerifyError> {
    let expected = hex_mac(secret.as_bytes(), body);
    let matched = header
        .split_whitespace()
        .filter_map(|entry| entry.strip_prefix(prefix))
        .filter_map(|candidate| hex::decode(candidate).ok())
        .any(|candidate| bool::from(candidate.ct_eq(&expected)));
    if matched {
        Ok(())
    } else {
        Err(VerifyError::NoMatchingSignature)
    }
}

/// Verifies GitHub's `x-hub-signature-256: sha256=<hex>` header (or a space-separated list of
/// such entries, as hookd sends during a rotation).
pub fn verify_github(secret: &str, body: &[u8], header: &str) -> Result<(), VerifyError> {
    verify_simple(secret, body, header, "sha256=")
}

#[cfg(test)]
mod proptests;
#[cfg(test)]
mod tests;
