//! The HMAC machinery every symmetric scheme shares: the digest, the encoding of a signature,
//! reading the signatures a header offers, and comparing them in constant time.
//!
//! A header is read before anything is computed, so that one holding nothing in the scheme's
//! form is told apart ("malformed") from one whose signatures are simply wrong ("no signature
//! matched"). A header may offer several signatures (hookd sends one per live secret during a
//! rotation, Stripe one `v1` per secret during a roll); any of them may match. Which one matched
//! is not secret; the comparison of each is constant-time.

use base64::Engine as _;
use base64::engine::DecodePaddingMode;
use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig};
use hmac::{Hmac, Mac};
use sha1::Sha1;
use sha2::{Sha256, Sha512};
use subtle::ConstantTimeEq;

use crate::VerifyError;

/// Standard base64 that reads a signature with or without its `=` padding.
pub(crate) const BASE64_ANY_PADDING: GeneralPurpose = GeneralPurpose::new(
    &base64::alphabet::STANDARD,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// The hash of an HMAC.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Algorithm {
    /// HMAC-SHA1 (GitHub's legacy `X-Hub-Signature` and senders like it).
    Sha1,
    /// HMAC-SHA256.
    Sha256,
    /// HMAC-SHA512.
    Sha512,
}

impl Algorithm {
    /// The algorithm of its name in hookd's API: `sha1`, `sha256` or `sha512`.
    pub fn from_name(name: &str) -> Option<Self> {
        match name {
            "sha1" => Some(Self::Sha1),
            "sha256" => Some(Self::Sha256),
            "sha512" => Some(Self::Sha512),
            _ => None,
        }
    }

    /// Its name in hookd's API.
    pub fn name(self) -> &'static str {
        match self {
            Self::Sha1 => "sha1",
            Self::Sha256 => "sha256",
            Self::Sha512 => "sha512",
        }
    }
}

/// How a signature is written in its header.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Encoding {
    /// Hexadecimal, read in either case.
    Hex,
    /// Standard base64 (`+/`), read with or without padding.
    Base64,
}

impl Encoding {
    /// The encoding of its name in hookd's API: `hex` or `base64`.
    pub fn from_name(name: &str) -> Option<Self> {
        match name {
            "hex" => Some(Self::Hex),
            "base64" => Some(Self::Base64),
            _ => None,
        }
    }

    /// Its name in hookd's API.
    pub fn name(self) -> &'static str {
        match self {
            Self::Hex => "hex",
            Self::Base64 => "base64",
        }
    }

    /// The bytes of a signature written this way; `None` if it is not, or is empty.
    pub(crate) fn decode(self, text: &str) -> Option<Vec<u8>> {
        let bytes = match self {
            Self::Hex => hex::decode(text).ok()?,
            Self::Base64 => BASE64_ANY_PADDING.decode(text).ok()?,
        };
        (!bytes.is_empty()).then_some(bytes)
    }
}

/// The HMAC of the concatenated `parts` under `key`.
pub(crate) fn hmac(algorithm: Algorithm, key: &[u8], parts: &[&[u8]]) -> Vec<u8> {
    fn run<M: Mac + hmac::digest::KeyInit>(key: &[u8], parts: &[&[u8]]) -> Vec<u8> {
        let mut mac = <M as Mac>::new_from_slice(key).expect("HMAC takes keys of any length");
        for part in parts {
            mac.update(part);
        }
        mac.finalize().into_bytes().to_vec()
    }
    match algorithm {
        Algorithm::Sha1 => run::<Hmac<Sha1>>(key, parts),
        Algorithm::Sha256 => run::<Hmac<Sha256>>(key, parts),
        Algorithm::Sha512 => run::<Hmac<Sha512>>(key, parts),
    }
}

/// The signatures `header` offers: its space-separated entries that start with `prefix`, decoded.
/// A prefix that holds a space (`HMAC `) takes the whole value as one entry. Entries that cannot
/// be read are skipped; `None` if none can (the header is malformed).
pub(crate) fn offered(header: &str, prefix: &str, encoding: Encoding) -> Option<Vec<Vec<u8>>> {
    let decode = |entry: &str| {
        entry
            .strip_prefix(prefix)
            .and_then(|text| encoding.decode(text.trim()))
    };
    let signatures: Vec<Vec<u8>> = if prefix.contains(char::is_whitespace) {
        decode(header.trim()).into_iter().collect()
    } else {
        header.split_whitespace().filter_map(decode).collect()
    };
    (!signatures.is_empty()).then_some(signatures)
}

/// `Ok` if any offered signature is `expected`, compared in constant time.
pub(crate) fn any_matches(offered: &[Vec<u8>], expected: &[u8]) -> Result<(), VerifyError> {
    if offered
        .iter()
        .any(|candidate| bool::from(candidate.as_slice().ct_eq(expected)))
    {
        Ok(())
    } else {
        Err(VerifyError::NoMatchingSignature)
    }
}

/// Whether a presented token or password is the secret. Both are hashed to 32 bytes and the
/// digests compared in constant time, so the time shows neither content nor where they differ,
/// nor whether their lengths do; only the hashing itself takes time in proportion to each
/// length, which cannot be helped.
pub(crate) fn same_secret(given: &[u8], secret: &[u8]) -> bool {
    use sha2::Digest as _;
    let (given, secret) = (Sha256::digest(given), Sha256::digest(secret));
    bool::from(given.ct_eq(&secret))
}
