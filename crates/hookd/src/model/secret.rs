//! Secrets: webhook signing secrets (`whsec_` + base64 for v1, `whsk_` + base64 of an Ed25519
//! key pair for v1a) and API tokens. Both are typed so that `Debug` cannot print them; tokens
//! are kept only as SHA-256 hashes.

use super::SignatureScheme;
use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use rand::RngCore;
use sha2::{Digest, Sha256};
use std::fmt;

/// A webhook's signing secret; its kind is the webhook's scheme. `Debug` shows only the prefix.
#[derive(Clone, PartialEq, Eq)]
pub struct WebhookSecret {
    /// What the owner is shown, and what is stored: for v1a always the 64-byte form.
    text: String,
    key: SigningKey,
}

#[derive(Clone, PartialEq, Eq)]
enum SigningKey {
    /// The decoded key of the Standard Webhooks v1 HMAC.
    Hmac(Vec<u8>),
    Ed25519(hookd_verify::SigningKey),
}

/// Why a secret was refused: each kind says what it must look like.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InvalidSecret {
    #[error("must be whsec_ followed by the base64 of 24 to 64 random bytes")]
    Hmac,
    #[error(
        "must be whsk_ followed by the base64 of a 32-byte Ed25519 seed, or of the seed and its \
         public key (64 bytes)"
    )]
    Ed25519,
}

impl WebhookSecret {
    /// A fresh v1 secret: `whsec_` + base64 of 32 random bytes.
    pub fn generate() -> Self {
        Self::generate_for(SignatureScheme::V1)
    }

    /// A fresh secret of the scheme's kind: for v1a, a key pair from 32 random bytes.
    pub fn generate_for(scheme: SignatureScheme) -> Self {
        let mut bytes = [0u8; 32];
        rand::rng().fill_bytes(&mut bytes);
        match scheme {
            SignatureScheme::V1 => Self {
                text: format!("{}{}", hookd_verify::SECRET_PREFIX, STANDARD.encode(bytes)),
                key: SigningKey::Hmac(bytes.to_vec()),
            },
            SignatureScheme::V1a => Self::ed25519(hookd_verify::SigningKey::from_seed(&bytes)),
        }
    }

    fn ed25519(key: hookd_verify::SigningKey) -> Self {
        Self {
            text: key.to_secret(),
            key: SigningKey::Ed25519(key),
        }
    }

    /// Reads a secret of either kind, as stored: its prefix says which.
    pub fn parse(text: &str) -> Result<Self, InvalidSecret> {
        let scheme = if text.starts_with(hookd_verify::SIGNING_KEY_PREFIX) {
            SignatureScheme::V1a
        } else {
            SignatureScheme::V1
        };
        Self::parse_for(scheme, text)
    }

    /// Reads a secret that must be of the scheme's kind. A v1a key given as its bare seed is
    /// kept in the 64-byte form.
    pub fn parse_for(scheme: SignatureScheme, text: &str) -> Result<Self, InvalidSecret> {
        match scheme {
            SignatureScheme::V1 => {
                if !text.starts_with(hookd_verify::SECRET_PREFIX) {
                    return Err(InvalidSecret::Hmac);
                }
                let key = hookd_verify::standard_key(text).map_err(|_| InvalidSecret::Hmac)?;
                if !(24..=64).contains(&key.len()) {
                    return Err(InvalidSecret::Hmac);
                }
                Ok(Self {
                    text: text.to_owned(),
                    key: SigningKey::Hmac(key),
                })
            }
            SignatureScheme::V1a => hookd_verify::SigningKey::parse(text)
                .map(Self::ed25519)
                .map_err(|_| InvalidSecret::Ed25519),
        }
    }

    /// The scheme this secret signs with.
    pub fn scheme(&self) -> SignatureScheme {
        match self.key {
            SigningKey::Hmac(_) => SignatureScheme::V1,
            SigningKey::Ed25519(_) => SignatureScheme::V1a,
        }
    }

    /// The whole secret string: shown to the owner, stored, and the key of the simple scheme.
    pub fn expose(&self) -> &str {
        &self.text
    }

    /// For v1a, the public key receivers verify with (`whpk_...`; not a secret).
    pub fn public_key(&self) -> Option<String> {
        match &self.key {
            SigningKey::Hmac(_) => None,
            SigningKey::Ed25519(key) => Some(key.public_key()),
        }
    }

    /// The Standard Webhooks signature of one message: `v1,<base64>` or `v1a,<base64>`.
    pub fn sign_standard(&self, msg_id: &str, timestamp: i64, body: &[u8]) -> String {
        match &self.key {
            SigningKey::Hmac(key) => hookd_verify::sign_standard(key, msg_id, timestamp, body),
            SigningKey::Ed25519(key) => key.sign(msg_id, timestamp, body),
        }
    }

    /// The simple scheme's hex HMAC of the body, keyed with the whole secret string; `None` for
    /// v1a, whose key is not shared with receivers.
    pub fn sign_simple(&self, body: &[u8]) -> Option<String> {
        match self.key {
            SigningKey::Hmac(_) => Some(hookd_verify::sign_hex(&self.text, body)),
            SigningKey::Ed25519(_) => None,
        }
    }
}

impl fmt::Debug for WebhookSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self.key {
            SigningKey::Hmac(_) => "whsec_<redacted>",
            SigningKey::Ed25519(_) => "whsk_<redacted>",
        })
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
        assert_eq!(STANDARD.decode(&secret.expose()[6..]).unwrap().len(), 32);
        assert_eq!(secret.scheme(), SignatureScheme::V1);
        assert_eq!(secret.public_key(), None);
        assert_eq!(WebhookSecret::parse(secret.expose()), Ok(secret.clone()));
        assert!(!format!("{secret:?}").contains(&secret.expose()[6..]));
    }

    /// Generated v1a keys are `whsk_` + base64 of 64 bytes (seed, then public key), come with a
    /// `whpk_` of 32 bytes, parse back, and never show in Debug.
    #[test]
    fn v1a_keys_are_generated_in_the_documented_shape() {
        let secret = WebhookSecret::generate_for(SignatureScheme::V1a);
        assert!(secret.expose().starts_with("whsk_"));
        let pair = STANDARD.decode(&secret.expose()[5..]).unwrap();
        assert_eq!(pair.len(), 64);
        let public_key = secret.public_key().unwrap();
        assert_eq!(STANDARD.decode(&public_key[5..]).unwrap(), pair[32..]);
        assert_eq!(secret.scheme(), SignatureScheme::V1a);
        assert_eq!(WebhookSecret::parse(secret.expose()), Ok(secret.clone()));
        assert_eq!(format!("{secret:?}"), "whsk_<redacted>");
        assert_ne!(WebhookSecret::generate_for(SignatureScheme::V1a), secret);
    }

    /// A v1a key given as its bare 32-byte seed is taken, and kept in the 64-byte form.
    #[test]
    fn a_bare_seed_is_kept_in_the_full_form() {
        let full = WebhookSecret::generate_for(SignatureScheme::V1a);
        let seed = &STANDARD.decode(&full.expose()[5..]).unwrap()[..32];
        let given = format!("whsk_{}", STANDARD.encode(seed));
        let parsed = WebhookSecret::parse_for(SignatureScheme::V1a, &given).unwrap();
        assert_eq!(parsed.expose(), full.expose());
        assert_eq!(parsed.public_key(), full.public_key());
    }

    /// Each scheme takes only its own kind of secret, and says which kind it wants.
    #[test]
    fn a_secret_of_the_other_kind_is_refused() {
        let v1 = WebhookSecret::generate();
        let v1a = WebhookSecret::generate_for(SignatureScheme::V1a);
        assert_eq!(
            WebhookSecret::parse_for(SignatureScheme::V1a, v1.expose()),
            Err(InvalidSecret::Ed25519)
        );
        assert_eq!(
            WebhookSecret::parse_for(SignatureScheme::V1, v1a.expose()),
            Err(InvalidSecret::Hmac)
        );
        assert!(
            InvalidSecret::Ed25519
                .to_string()
                .starts_with("must be whsk_")
        );
    }

    /// Secrets without the prefix, not base64, or too short are refused.
    #[test]
    fn malformed_secrets_are_refused() {
        assert!(WebhookSecret::parse("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").is_err());
        assert!(WebhookSecret::parse("whsec_###").is_err());
        assert!(WebhookSecret::parse("whsec_c2hvcnQ=").is_err());
        assert!(WebhookSecret::parse("whsk_c2hvcnQ=").is_err());
        assert!(WebhookSecret::parse("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").is_ok());
    }
}
