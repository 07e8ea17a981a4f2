//! Standard Webhooks v1a: Ed25519 signatures over `"<webhook-id>.<webhook-timestamp>.<body>"`.
//!
//! The sender holds a signing key, `whsk_` + base64 of the 32-byte seed followed by the 32-byte
//! public key (the bare 32-byte seed is read too); receivers hold only the public key, `whpk_` +
//! base64 of its 32 bytes, so they can verify but never sign. The header entry is
//! `v1a,<base64 of the 64-byte signature>`.

use crate::standard::{check_age, entries, parse_timestamp};
use crate::{BASE64, VerifyError};
use base64::Engine as _;
use ed25519_dalek::{Signature, Signer as _, VerifyingKey};

/// The prefix of a v1a signing key (the sender's).
pub const SIGNING_KEY_PREFIX: &str = "whsk_";
/// The prefix of a v1a public key (what receivers verify with).
pub const PUBLIC_KEY_PREFIX: &str = "whpk_";

/// An Ed25519 signing key. `Debug` does not print it; its memory is wiped when dropped.
#[derive(Clone, PartialEq, Eq)]
pub struct SigningKey(ed25519_dalek::SigningKey);

impl SigningKey {
    /// The key pair of a 32-byte seed (RFC 8032's "secret key").
    pub fn from_seed(seed: &[u8; 32]) -> Self {
        Self(ed25519_dalek::SigningKey::from_bytes(seed))
    }

    /// Reads `whsk_` + base64 of the seed and public key (64 bytes), or of the seed alone (32
    /// bytes). A public half that is not the seed's own is refused.
    pub fn parse(text: &str) -> Result<Self, VerifyError> {
        let encoded = text
            .strip_prefix(SIGNING_KEY_PREFIX)
            .ok_or(VerifyError::MalformedKey)?;
        let bytes = BASE64
            .decode(encoded)
            .map_err(|_| VerifyError::MalformedKey)?;
        if let Ok(seed) = <&[u8; 32]>::try_from(bytes.as_slice()) {
            return Ok(Self::from_seed(seed));
        }
        let pair =
            <&[u8; 64]>::try_from(bytes.as_slice()).map_err(|_| VerifyError::MalformedKey)?;
        ed25519_dalek::SigningKey::from_keypair_bytes(pair)
            .map(Self)
            .map_err(|_| VerifyError::MalformedKey)
    }

    /// The key as hookd shows it: `whsk_` + base64 of the seed and the public key (64 bytes).
    pub fn to_secret(&self) -> String {
        format!(
            "{SIGNING_KEY_PREFIX}{}",
            BASE64.encode(self.0.to_keypair_bytes())
        )
    }

    /// The public key receivers verify with: `whpk_` + base64 of its 32 bytes.
    pub fn public_key(&self) -> String {
        format!(
            "{PUBLIC_KEY_PREFIX}{}",
            BASE64.encode(self.0.verifying_key().as_bytes())
        )
    }

    /// The v1a signature, `v1a,<base64>`, of one message.
    pub fn sign(&self, msg_id: &str, timestamp: i64, body: &[u8]) -> String {
        let signature = self.0.sign(&signed_content(msg_id, timestamp, body));
        let mut out = String::with_capacity(92);
        out.push_str("v1a,");
        BASE64.encode_string(signature.to_bytes(), &mut out);
        out
    }
}

impl std::fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("whsk_<redacted>")
    }
}

/// The bytes of a `whpk_...` public key.
pub fn public_key_bytes(public_key: &str) -> Result<[u8; 32], VerifyError> {
    let encoded = public_key
        .strip_prefix(PUBLIC_KEY_PREFIX)
        .ok_or(VerifyError::MalformedKey)?;
    let bytes = BASE64
        .decode(encoded)
        .map_err(|_| VerifyError::MalformedKey)?;
    <[u8; 32]>::try_from(bytes.as_slice()).map_err(|_| VerifyError::MalformedKey)
}

/// What both schemes sign: `"<msg_id>.<timestamp>.<body>"`. Ed25519 reads its message twice, so
/// it is laid out once.
fn signed_content(msg_id: &str, timestamp: i64, body: &[u8]) -> Vec<u8> {
    let timestamp = timestamp.to_string();
    let mut content = Vec::with_capacity(msg_id.len() + timestamp.len() + body.len() + 2);
    content.extend_from_slice(msg_id.as_bytes());
    content.push(b'.');
    content.extend_from_slice(timestamp.as_bytes());
    content.push(b'.');
    content.extend_from_slice(body);
    content
}

/// Verifies a Standard Webhooks v1a request with the webhook's public key (`whpk_...`):
/// `signatures` is the `webhook-signature` header (a space-separated list; entries of other
/// versions, `v1` included, are ignored), `now` the receiver's unix time. Succeeds if any `v1a`
/// entry is a valid signature and the timestamp is within `tolerance_secs`. Verification is
/// RFC 8032's strict form (no malleable or small-order signatures); there is no secret to leak,
/// so it needs no constant-time comparison.
pub fn verify_standard_v1a(
    public_key: &str,
    msg_id: &str,
    timestamp: &str,
    body: &[u8],
    signatures: &str,
    now: i64,
    tolerance_secs: i64,
) -> Result<(), VerifyError> {
    let key = VerifyingKey::from_bytes(&public_key_bytes(public_key)?)
        .map_err(|_| VerifyError::MalformedKey)?;
    let timestamp = parse_timestamp("webhook-timestamp", timestamp)?;
    let offered = entries(signatures, "v1a")?;
    check_age(timestamp, now, tolerance_secs)?;
    let content = signed_content(msg_id, timestamp, body);
    let matched = offered
        .iter()
        .filter_map(|bytes| <[u8; 64]>::try_from(bytes.as_slice()).ok())
        .any(|bytes| {
            key.verify_strict(&content, &Signature::from_bytes(&bytes))
                .is_ok()
        });
    if matched {
        Ok(())
    } else {
        Err(VerifyError::NoMatchingSignature)
    }
}

#[cfg(test)]
mod tests;
