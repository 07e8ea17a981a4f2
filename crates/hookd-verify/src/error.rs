//! Why a request, a secret or a key was refused.
//!
//! Every message is fit for a log line and an API answer as it is: it names the header or the
//! rule at fault and never holds the secret, a key, or the signature that was expected.

use std::borrow::Cow;
use std::fmt;

/// Why a request, a secret or a key was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum VerifyError {
    /// The scheme needs a secret and the one given is empty (an empty HMAC key or token would
    /// let anyone sign).
    MissingSecret,
    /// The secret is not of the form the scheme needs; `expected` says which, such as
    /// `whsec_ followed by base64` or `user:password`.
    MalformedSecret {
        /// The form the scheme needs, in words.
        expected: &'static str,
    },
    /// The key is not `whsk_` (signing key) or `whpk_` (public key) followed by the base64 of an
    /// Ed25519 key of the right length.
    MalformedKey,
    /// A header the scheme needs is absent or empty; it holds the header's name as the scheme
    /// documents it (`X-Hub-Signature-256`, `webhook-signature`).
    MissingHeader(Cow<'static, str>),
    /// A header is present but not in the scheme's form: no entry of it could be read as a
    /// signature, a timestamp that is not unix seconds, credentials that are not Basic.
    MalformedHeader(Cow<'static, str>),
    /// The signed timestamp is older than the tolerance allows (a replay, or a slow queue).
    StaleTimestamp,
    /// The signed timestamp is further in the future than the tolerance allows.
    FutureTimestamp,
    /// The header held signatures in the scheme's form and none of them matched.
    NoMatchingSignature,
    /// The token header does not hold the secret.
    WrongToken,
    /// The Basic credentials are not the secret `user:password`.
    WrongCredentials,
}

impl VerifyError {
    pub(crate) fn missing(header: &'static str) -> Self {
        Self::MissingHeader(Cow::Borrowed(header))
    }

    pub(crate) fn malformed(header: &'static str) -> Self {
        Self::MalformedHeader(Cow::Borrowed(header))
    }
}

impl fmt::Display for VerifyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::MissingSecret => f.write_str("no secret is set for a scheme that needs one"),
            Self::MalformedSecret { expected } => write!(f, "the secret is not {expected}"),
            Self::MalformedKey => f.write_str(
                "the key is not whsk_ or whpk_ followed by the base64 of an Ed25519 key",
            ),
            Self::MissingHeader(name) => write!(f, "missing header {name}"),
            Self::MalformedHeader(name) => write!(f, "malformed {name} header"),
            Self::StaleTimestamp => f.write_str("timestamp outside the tolerance (too old)"),
            Self::FutureTimestamp => f.write_str("timestamp outside the tolerance (too new)"),
            Self::NoMatchingSignature => f.write_str("no signature matched"),
            Self::WrongToken => f.write_str("the token does not match"),
            Self::WrongCredentials => f.write_str("the Basic credentials do not match"),
        }
    }
}

impl std::error::Error for VerifyError {}
