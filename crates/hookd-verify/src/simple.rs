//! hookd's simple scheme and GitHub's, which is the same thing with a prefix: the hex
//! HMAC-SHA256 of the raw body, keyed with the whole secret string as UTF-8 (a `whsec_` secret
//! is not base64-decoded here). There is no timestamp, so no replay protection.
//!
//! hookd sends `x-webhook-signature: <hex>` (or another header and a prefix, per webhook), a
//! space-separated list of them while a rotated secret is still valid. GitHub sends
//! `X-Hub-Signature-256: sha256=<hex>`.

use crate::mac::{Algorithm, Encoding, any_matches, hmac, offered};
use crate::{Request, VerifyError};

/// The simple scheme's signature: hex HMAC-SHA256 of the body, keyed with the whole secret.
pub fn sign_hex(secret: &str, body: &[u8]) -> String {
    let mac = body_mac(secret, body);
    // Into a buffer of the right size at once: `hex::encode` builds its string a char at a
    // time, and this runs for every delivery of every webhook.
    let mut text = vec![0; mac.len() * 2];
    hex::encode_to_slice(&mac, &mut text).expect("a buffer twice the digest's length");
    String::from_utf8(text).expect("hex digits are ASCII")
}

fn body_mac(secret: &str, body: &[u8]) -> Vec<u8> {
    hmac(Algorithm::Sha256, secret.as_bytes(), &[body])
}

/// Verifies the simple scheme: `signatures` is the `x-webhook-signature` header, one hex digest
/// or a space-separated list of them (during a secret rotation), each with or without a
/// `sha256=` prefix.
pub fn verify_hex(secret: &str, body: &[u8], signatures: &str) -> Result<(), VerifyError> {
    let offered: Vec<Vec<u8>> = signatures
        .split_whitespace()
        .filter_map(|entry| Encoding::Hex.decode(entry.strip_prefix("sha256=").unwrap_or(entry)))
        .collect();
    check(secret, body, &offered, "x-webhook-signature")
}

/// Verifies the simple scheme sent with a prefix (a webhook's `signature.simple_prefix`, such as
/// `sha256=`): `header` is one `<prefix><hex>` or a space-separated list of them. Entries
/// without the prefix count for nothing.
pub fn verify_simple(
    secret: &str,
    body: &[u8],
    header: &str,
    prefix: &str,
) -> Result<(), VerifyError> {
    check(secret, body, &prefixed(header, prefix), "signature")
}

/// Verifies GitHub's `X-Hub-Signature-256: sha256=<hex>` header (or a space-separated list of
/// such entries, as hookd sends during a rotation).
pub fn verify_github(secret: &str, body: &[u8], header: &str) -> Result<(), VerifyError> {
    check(
        secret,
        body,
        &prefixed(header, "sha256="),
        "X-Hub-Signature-256",
    )
}

fn prefixed(header: &str, prefix: &str) -> Vec<Vec<u8>> {
    offered(header, prefix, Encoding::Hex).unwrap_or_default()
}

fn check(
    secret: &str,
    body: &[u8],
    offered: &[Vec<u8>],
    header: &'static str,
) -> Result<(), VerifyError> {
    if secret.is_empty() {
        return Err(VerifyError::MissingSecret);
    }
    if offered.is_empty() {
        return Err(VerifyError::malformed(header));
    }
    any_matches(offered, &body_mac(secret, body))
}

/// The `hex` scheme of a request: `x-webhook-signature`.
pub(crate) fn verify_hex_request(secret: &str, request: &Request<'_>) -> Result<(), VerifyError> {
    let value = request.required("x-webhook-signature")?;
    verify_hex(secret, request.body(), value)
}

/// The `github` scheme of a request: `X-Hub-Signature-256`.
pub(crate) fn verify_github_request(
    secret: &str,
    request: &Request<'_>,
) -> Result<(), VerifyError> {
    let value = request.required("X-Hub-Signature-256")?;
    verify_github(secret, request.body(), value)
}
