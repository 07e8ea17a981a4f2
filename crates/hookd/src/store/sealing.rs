//! Secrets at rest: webhook signing secrets (and, later, inbox secrets) are stored sealed with
//! AES-256-GCM, so a copy of the database or a backup does not hand out the keys to sign
//! webhooks with.
//!
//! A sealed value is text: `enc:v1:<key id>:<base64 of nonce and ciphertext>`, with a random
//! 96-bit nonce per value and the row's id as associated data (a value sealed for one webhook
//! does not open for another). The key id is the first 8 hex digits of the key's SHA-256, so a
//! value names the key that sealed it without revealing it. `HOOKD_SECRET_KEY` is a list of
//! keys: the first seals, any opens, which is how keys are rotated (`hookd rekey` then seals
//! every stored value with the first). Values stored before sealing existed (plain `whsec_…`)
//! still open as they are. Without any key (PostgreSQL with `HOOKD_SECRET_KEY` unset) values are
//! stored as given, so existing setups keep working. Callers seal values that never start with
//! `enc:` themselves (webhook secrets start with `whsec_`).
//!
//! Nothing here prints a key or a secret: `Debug` shows key ids only.

use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Key};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use rand::RngCore;
use sha2::{Digest, Sha256};
use std::fmt;
use std::path::PathBuf;

const PREFIX: &str = "enc:v1:";
const NONCE_LEN: usize = 12;
const TAG_LEN: usize = 16;

/// One AES-256 key with its id. `Debug` shows the id only.
#[derive(Clone)]
pub struct SealingKey {
    id: String,
    bytes: [u8; 32],
    cipher: Aes256Gcm,
}

impl SealingKey {
    /// A key from 32 raw bytes.
    pub fn from_bytes(bytes: [u8; 32]) -> Self {
        let digest = Sha256::digest(bytes);
        Self {
            id: hex::encode(&digest[..4]),
            bytes,
            cipher: Aes256Gcm::new(&Key::<Aes256Gcm>::from(bytes)),
        }
    }

    /// A fresh random key.
    pub fn generate() -> Self {
        let mut bytes = [0u8; 32];
        rand::rng().fill_bytes(&mut bytes);
        Self::from_bytes(bytes)
    }

    /// A key written as the base64 of 32 bytes; `None` for anything else.
    pub fn parse(text: &str) -> Option<Self> {
        let decoded = STANDARD.decode(text.trim()).ok()?;
        Some(Self::from_bytes(decoded.try_into().ok()?))
    }

    /// The base64 of the key, for writing it to a key file.
    pub fn to_base64(&self) -> String {
        STANDARD.encode(self.bytes)
    }

    /// The first 8 hex digits of the key's SHA-256: names the key without revealing it.
    pub fn id(&self) -> &str {
        &self.id
    }
}

impl fmt::Debug for SealingKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SealingKey({})", self.id)
    }
}

/// The keys of `HOOKD_SECRET_KEY`, in order: the first seals, any opens.
#[derive(Clone, Debug)]
pub struct Keyring(Vec<SealingKey>);

impl Keyring {
    /// A comma-separated list of base64 32-byte keys. The error never repeats a key.
    pub fn parse(text: &str) -> Result<Self, String> {
        let items: Vec<&str> = text.split(',').map(str::trim).collect();
        let count = items.len();
        let keys = items
            .iter()
            .enumerate()
            .map(|(index, item)| {
                SealingKey::parse(item).ok_or_else(|| match count {
                    1 => "is not the base64 of 32 bytes (make one with `openssl rand -base64 32`)"
                        .to_owned(),
                    _ => format!(
                        "key {} of {count} is not the base64 of 32 bytes (make one with \
                         `openssl rand -base64 32`)",
                        index + 1
                    ),
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Self(keys))
    }

    pub fn new(keys: Vec<SealingKey>) -> Self {
        Self(keys)
    }
}

/// What `Store::reseal_secrets` did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resealed {
    /// Secrets sealed anew: plain ones, and those sealed with another key than the first.
    pub secrets: u64,
    /// The id of the key that seals them now.
    pub key_id: Option<String>,
}

/// Where the keys of a `Sealer` came from, for messages that say where to look.
#[derive(Debug, Clone)]
pub enum KeySource {
    /// `HOOKD_SECRET_KEY` (or `secret_key` in the config file, or `--secret-key`).
    Setting,
    /// The key file beside a SQLite database, used because `HOOKD_SECRET_KEY` is unset.
    File(PathBuf),
    /// No key at all: values are stored as given.
    Unset,
}

/// Why a stored value does not open. Worded to follow "a webhook secret ".
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SealError {
    #[error("was encrypted with key {id}, which is not in {where_}")]
    UnknownKey { id: String, where_: String },
    #[error("does not decrypt with key {0}: it was changed or damaged")]
    Tampered(String),
    #[error("is stored in a form this version of hookd does not know")]
    Malformed,
}

/// Seals values for storage and opens them again.
#[derive(Debug, Clone)]
pub struct Sealer {
    keys: Vec<SealingKey>,
    source: KeySource,
}

impl Sealer {
    pub fn new(keys: Keyring, source: KeySource) -> Self {
        Self {
            keys: keys.0,
            source,
        }
    }

    /// A sealer without keys: values are stored as given.
    pub fn unset() -> Self {
        Self {
            keys: Vec::new(),
            source: KeySource::Unset,
        }
    }

    /// The id of the key that seals, if any.
    pub fn sealing_key_id(&self) -> Option<&str> {
        self.keys.first().map(SealingKey::id)
    }

    /// `plain` as stored: sealed with the first key for the row `context`, or as given without
    /// keys.
    pub fn seal(&self, plain: &str, context: &str) -> String {
        let Some(key) = self.keys.first() else {
            return plain.to_owned();
        };
        let mut nonce = [0u8; NONCE_LEN];
        rand::rng().fill_bytes(&mut nonce);
        let payload = Payload {
            msg: plain.as_bytes(),
            aad: context.as_bytes(),
        };
        let sealed = key
            .cipher
            .encrypt(&nonce.into(), payload)
            .expect("AES-GCM seals any short value");
        let mut bytes = Vec::with_capacity(NONCE_LEN + sealed.len());
        bytes.extend_from_slice(&nonce);
        bytes.extend_from_slice(&sealed);
        format!("{PREFIX}{}:{}", key.id, STANDARD.encode(bytes))
    }

    /// The plain value of a stored one: opened with the key it names, or as it is when it
    /// was stored plain (before sealing existed, or without keys).
    pub fn open(&self, stored: &str, context: &str) -> Result<String, SealError> {
        let Some((id, encoded)) = split(stored)? else {
            return Ok(stored.to_owned());
        };
        let key = self
            .keys
            .iter()
            .find(|k| k.id == id)
            .ok_or_else(|| SealError::UnknownKey {
                id: id.to_owned(),
                where_: self.where_keys_are(),
            })?;
        let bytes = STANDARD.decode(encoded).map_err(|_| SealError::Malformed)?;
        if bytes.len() < NONCE_LEN + TAG_LEN {
            return Err(SealError::Malformed);
        }
        let (nonce, sealed) = bytes.split_at(NONCE_LEN);
        let nonce: [u8; NONCE_LEN] = nonce.try_into().expect("split at the nonce's length");
        let payload = Payload {
            msg: sealed,
            aad: context.as_bytes(),
        };
        let plain = key
            .cipher
            .decrypt(&nonce.into(), payload)
            .map_err(|_| SealError::Tampered(id.to_owned()))?;
        String::from_utf8(plain).map_err(|_| SealError::Tampered(id.to_owned()))
    }

    /// Whether a stored value is sealed with the first key already (nothing for `hookd rekey`
    /// to do). Without keys, every value is as it should be.
    pub fn is_current(&self, stored: &str) -> bool {
        match (self.keys.first(), split(stored)) {
            (None, _) => true,
            (Some(first), Ok(Some((id, _)))) => first.id == id,
            (Some(_), _) => false,
        }
    }

    fn where_keys_are(&self) -> String {
        match &self.source {
            KeySource::Setting => "HOOKD_SECRET_KEY".to_owned(),
            KeySource::File(path) => format!(
                "the key file {} (used because HOOKD_SECRET_KEY is unset)",
                path.display()
            ),
            KeySource::Unset => "HOOKD_SECRET_KEY, which is unset".to_owned(),
        }
    }
}

/// The key id and the encoded bytes of a sealed value; `None` for a plain one.
fn split(stored: &str) -> Result<Option<(&str, &str)>, SealError> {
    if !stored.starts_with("enc:") {
        return Ok(None);
    }
    stored
        .strip_prefix(PREFIX)
        .and_then(|rest| rest.split_once(':'))
        .map(Some)
        .ok_or(SealError::Malformed)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

    fn sealer(keys: &[&SealingKey]) -> Sealer {
        Sealer::new(
            Keyring::new(keys.iter().map(|k| (*k).clone()).collect()),
            KeySource::Setting,
        )
    }

    /// A sealed value names its key, hides the secret, differs each time (a fresh nonce), and
    /// opens to the secret again.
    #[test]
    fn a_sealed_secret_opens_to_itself() {
        let key = SealingKey::generate();
        let sealer = sealer(&[&key]);
        let sealed = sealer.seal(SECRET, "wh_1");
        assert!(
            sealed.starts_with(&format!("enc:v1:{}:", key.id())),
            "{sealed}"
        );
        assert!(!sealed.contains("whsec_") && !sealed.contains(&SECRET[6..]));
        assert_ne!(sealed, sealer.seal(SECRET, "wh_1"));
        assert_eq!(sealer.open(&sealed, "wh_1").as_deref(), Ok(SECRET));
    }

    /// A key that did not seal the value can't open it, and says which key did.
    #[test]
    fn another_key_names_the_missing_one() {
        let (old, new) = (SealingKey::generate(), SealingKey::generate());
        let sealed = sealer(&[&old]).seal(SECRET, "wh_1");
        let error = sealer(&[&new]).open(&sealed, "wh_1").unwrap_err();
        assert_eq!(
            error.to_string(),
            format!(
                "was encrypted with key {}, which is not in HOOKD_SECRET_KEY",
                old.id()
            )
        );
        let error = Sealer::unset().open(&sealed, "wh_1").unwrap_err();
        assert!(matches!(error, SealError::UnknownKey { .. }), "{error}");
    }

    /// With a list of keys, the first seals and any opens: values sealed with the old key
    /// still open, and only they need resealing.
    #[test]
    fn rotation_opens_with_any_key_and_seals_with_the_first() {
        let (old, new) = (SealingKey::generate(), SealingKey::generate());
        let before = sealer(&[&old]).seal(SECRET, "wh_1");
        let rotated = sealer(&[&new, &old]);
        assert_eq!(rotated.open(&before, "wh_1").as_deref(), Ok(SECRET));
        let after = rotated.seal(SECRET, "wh_1");
        assert!(after.starts_with(&format!("enc:v1:{}:", new.id())));
        assert!(!rotated.is_current(&before));
        assert!(rotated.is_current(&after));
        assert!(!rotated.is_current(SECRET), "plain values need sealing");
    }

    /// A changed byte, a value moved to another row, or a mangled value is refused, never
    /// taken for a secret.
    #[test]
    fn tampered_values_are_refused() {
        let key = SealingKey::generate();
        let sealer = sealer(&[&key]);
        let sealed = sealer.seal(SECRET, "wh_1");
        let (head, encoded) = sealed.rsplit_once(':').unwrap();
        let mut bytes = STANDARD.decode(encoded).unwrap();
        bytes[20] ^= 1;
        let changed = format!("{head}:{}", STANDARD.encode(bytes));
        let tampered = SealError::Tampered(key.id().to_owned());
        assert_eq!(sealer.open(&changed, "wh_1"), Err(tampered.clone()));
        assert_eq!(sealer.open(&sealed, "wh_2"), Err(tampered));
        for mangled in [
            "enc:v2:x",
            "enc:v1:nocolon",
            &format!("enc:v1:{}:AAAA", key.id()),
        ] {
            assert_eq!(sealer.open(mangled, "wh_1"), Err(SealError::Malformed));
        }
    }

    /// Plain values stored before sealing existed still open; without keys, values are
    /// stored as given.
    #[test]
    fn plain_values_pass_and_no_key_stores_plain() {
        let sealer = sealer(&[&SealingKey::generate()]);
        assert_eq!(sealer.open(SECRET, "wh_1").as_deref(), Ok(SECRET));
        assert_eq!(Sealer::unset().seal(SECRET, "wh_1"), SECRET);
        assert_eq!(Sealer::unset().open(SECRET, "wh_1").as_deref(), Ok(SECRET));
    }

    /// A key list parses in order; a bad item is named by position, never echoed; `Debug`
    /// shows key ids only.
    #[test]
    fn key_lists_parse_without_echoing_keys() {
        let (a, b) = (SealingKey::generate(), SealingKey::generate());
        let text = format!("{}, {}", a.to_base64(), b.to_base64());
        let ring = Keyring::parse(&text).unwrap();
        let shown = format!("{ring:?}");
        assert!(shown.contains(a.id()) && shown.contains(b.id()), "{shown}");
        assert!(!shown.contains(&a.to_base64()[..10]), "{shown}");
        let error = Keyring::parse(&format!("{},c2hvcnQ=", a.to_base64())).unwrap_err();
        assert!(error.starts_with("key 2 of 2 is not"), "{error}");
        assert!(!error.contains("c2hvcnQ="));
        assert!(Keyring::parse("").is_err());
    }
}
