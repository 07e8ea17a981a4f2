//! Secrets: webhook signing secrets (`whsec_` + base64) and API tokens. Both are typed so that
//! `Debug` cannot print them; tokens are kept only as SHA-256 hashes.

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use rand::RngCore;
use sha2::{Digest, Sha256};
use std::fmt;

/// A webhook's signing secret. `Debug` shows only the prefix.
#[derive(Clone, PartialEq, Eq)]
pub struct WebhookSecret {
    text: String,
    key: Vec<u8>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("must be whsec_ followed by the base64 of 24 to 64 random bytes")]
pub struct InvalidSecret;

impl WebhookSecret {
    /// A fresh secret: `whsec_` + base64 of 32 random bytes.
    pub fn generate() -> Self {
        let mut key = vec![0u8; 32];
        rand::rng().fill_bytes(&mut key);
        Self {
            text: format!("{}{}", hookd_verify::SECRET_PREFIX, STANDARD.encode(&key)),
            key,
        }
    }

    pub fn parse(text: &str) -> Result<Self, InvalidSecret> {
        if !text.starts_with(hookd_verify::SECRET_PREFIX) {
            return Err(InvalidSecret);
        }
        let key = hookd_verify::standard_key(text).map_err(|_| InvalidSecret)?;
        if !(24..=64).contains(&key.len()) {
            return Err(InvalidSecret);
        }
        Ok(Self {
            text: text.to_owned(),
            key,
        })
    }

    /// The whole secret string: shown to the owner, and the key of the hex scheme.
    pub fn expose(&self) -> &str {
        &self.text
    }

    /// The decoded key of the Standard Webhooks scheme.
    pub fn key(&self) -> &[u8] {
        &self.key
    }
}

impl fmt::Debug for WebhookSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("whsec_<redacted>")
    }
}

/// A bearer token as handed to a person once. `Debug` does not print it.
pub struct ApiToken(String);

impl ApiToken {
    /// A fresh token: `hkd_` + 32 random bytes, base64url.
    pub fn generate() -> Self {
        let mut bytes = [0u8; 32];
        rand::rng().fill_bytes(&mut bytes);
        Self(format!("hkd_{}", URL_SAFE_NO_PAD.encode(bytes)))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }

    pub fn hash(&self) -> TokenHash {
        TokenHash::of(&self.0)
    }
}

impl fmt::Debug for ApiToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("hkd_<redacted>")
    }
}

/// SHA-256 of a token: all that is ever stored. Tokens carry 256 random bits, so a fast hash is
/// enough (there is nothing to brute-force).
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct TokenHash(pub [u8; 32]);

impl TokenHash {
    pub fn of(token: &str) -> Self {
        Self(Sha256::digest(token.as_bytes()).into())
    }

    pub fn to_hex(self) -> String {
        hex::encode(self.0)
    }

    pub fn from_hex(text: &str) -> Option<Self> {
        let mut out = [0u8; 32];
        hex::decode_to_slice(text, &mut out).ok()?;
        Some(Self(out))
    }
}

impl fmt::Debug for TokenHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("TokenHash(..)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Generated secrets are `whsec_` + base64 of 32 bytes, parse back, and never show in Debug.
    #[test]
    fn secrets_are_generated_in_the_documented_shape() {
        let secret = WebhookSecret::generate();
        assert!(secret.expose().starts_with("whsec_"));
        assert_eq!(secret.key().len(), 32);
        assert_eq!(WebhookSecret::parse(secret.expose()), Ok(secret.clone()));
        assert!(!format!("{secret:?}").contains(&secret.expose()[6..]));
    }

    /// Secrets without the prefix, not base64, or too short are refused.
    #[test]
    fn malformed_secrets_are_refused() {
        assert!(WebhookSecret::parse("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").is_err());
        assert!(WebhookSecret::parse("whsec_###").is_err());
        assert!(WebhookSecret::parse("whsec_c2hvcnQ=").is_err());
        assert!(WebhookSecret::parse("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").is_ok());
    }
}
