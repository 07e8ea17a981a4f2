//! Standard Webhooks: `webhook-id`, `webhook-timestamp` and `webhook-signature`, a
//! space-separated list of `<version>,<base64>` entries over `"<id>.<timestamp>.<body>"`.
//!
//! Version `v1` is HMAC-SHA256 keyed with the base64-decoded part of a `whsec_...` secret;
//! `v1a` is Ed25519 ([`crate::v1a`]). Which one a receiver checks follows from the secret it
//! holds: `whsec_` checks `v1` entries, `whpk_` (or the `whsk_` it comes from) checks `v1a`
//! entries, and entries of other versions count for nothing. The timestamp must lie within the
//! tolerance of the receiver's clock, in the past and in the future alike.

use base64::Engine as _;
use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::mac::any_matches;
use crate::v1a::{PUBLIC_KEY_PREFIX, SIGNING_KEY_PREFIX, SigningKey, verify_standard_v1a};
use crate::{BASE64, Request, VerifyError};

/// The prefix of a Standard Webhooks symmetric secret.
pub const SECRET_PREFIX: &str = "whsec_";

const WHSEC_FORM: VerifyError = VerifyError::MalformedSecret {
    expected: "whsec_ followed by base64",
};

/// The key bytes of a `whsec_...` secret (the base64 after the prefix, which may be left out).
/// An empty key is refused: anyone could sign with it.
pub fn standard_key(secret: &str) -> Result<Vec<u8>, VerifyError> {
    let encoded = secret.strip_prefix(SECRET_PREFIX).unwrap_or(secret);
    match BASE64.decode(encoded) {
        Ok(key) if !key.is_empty() => Ok(key),
        _ => Err(WHSEC_FORM),
    }
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
    let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("HMAC takes keys of any length");
    mac.update(msg_id.as_bytes());
    mac.update(b".");
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    mac.finalize().into_bytes().into()
}

/// Verifies a Standard Webhooks v1 request: `signatures` is the `webhook-signature` header (a
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
    let timestamp = parse_timestamp("webhook-timestamp", timestamp)?;
    let offered = entries(signatures, "v1")?;
    check_age(timestamp, now, tolerance_secs)?;
    any_matches(&offered, &standard_mac(&key, msg_id, timestamp, body))
}

/// Verifies a request by Standard Webhooks, v1 or v1a as the secret says.
pub(crate) fn verify_request(
    secret: &str,
    request: &Request<'_>,
    now: i64,
    tolerance_secs: i64,
) -> Result<(), VerifyError> {
    let (id, timestamp, signatures) = (
        request.required("webhook-id")?,
        request.required("webhook-timestamp")?,
        request.required("webhook-signature")?,
    );
    let body = request.body();
    let check_v1a = |public_key: &str| {
        verify_standard_v1a(
            public_key,
            id,
            timestamp,
            body,
            signatures,
            now,
            tolerance_secs,
        )
    };
    if secret.starts_with(PUBLIC_KEY_PREFIX) {
        check_v1a(secret)
    } else if secret.starts_with(SIGNING_KEY_PREFIX) {
        check_v1a(&SigningKey::parse(secret)?.public_key())
    } else {
        verify_standard(secret, id, timestamp, body, signatures, now, tolerance_secs)
    }
}

/// The `version` entries of a `webhook-signature` header, decoded. The header is malformed when
/// none of its entries, of any version, is `<version>,<base64>`.
pub(crate) fn entries(header: &str, version: &str) -> Result<Vec<Vec<u8>>, VerifyError> {
    let mut well_formed = false;
    let mut wanted = Vec::new();
    for entry in header.split_whitespace() {
        let Some((entry_version, encoded)) = entry.split_once(',') else {
            continue;
        };
        let Ok(signature) = BASE64.decode(encoded) else {
            continue;
        };
        if entry_version.is_empty() || signature.is_empty() {
            continue;
        }
        well_formed = true;
        if entry_version == version {
            wanted.push(signature);
        }
    }
    if well_formed {
        Ok(wanted)
    } else {
        Err(VerifyError::malformed("webhook-signature"))
    }
}

/// A signed timestamp in unix seconds, read from the header `header`.
pub(crate) fn parse_timestamp(header: &'static str, text: &str) -> Result<i64, VerifyError> {
    text.trim()
        .parse()
        .map_err(|_| VerifyError::malformed(header))
}

/// `Ok` if `timestamp` is within `tolerance_secs` of `now`, before or after.
pub(crate) fn check_age(timestamp: i64, now: i64, tolerance_secs: i64) -> Result<(), VerifyError> {
    if now.abs_diff(timestamp) <= tolerance_secs.unsigned_abs() {
        Ok(())
    } else if timestamp < now {
        Err(VerifyError::StaleTimestamp)
    } else {
        Err(VerifyError::FutureTimestamp)
    }
}
