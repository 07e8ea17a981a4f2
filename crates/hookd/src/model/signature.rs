//! How a webhook's deliveries are signed (the API's `signature`): the Standard Webhooks scheme,
//! and the name and prefix of the simple header, so that receivers written for another
//! sender's convention (GitHub's `X-Hub-Signature-256: sha256=<hex>`, say) verify hookd's
//! requests unchanged.
//!
//! The scheme is not stored beside the secret but is the secret's kind (`WebhookSecret::scheme`):
//! a `whsec_` secret signs v1, a `whsk_` key v1a, so the two can never disagree.

use super::headers::{CustomHeaders, hookd_sets};

/// The simple header's name unless a webhook names another.
pub const DEFAULT_SIMPLE_HEADER: &str = "x-webhook-signature";
pub const MAX_SIMPLE_HEADER_LEN: usize = 64;
pub const MAX_SIMPLE_PREFIX_LEN: usize = 32;

/// A Standard Webhooks signature scheme.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SignatureScheme {
    /// HMAC-SHA256 with a shared `whsec_` secret; the simple header is sent too.
    #[default]
    V1,
    /// Ed25519 with a `whsk_` signing key; receivers verify with its `whpk_` public key. No
    /// simple header (it is an HMAC, which would need a shared secret).
    V1a,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("must be v1 (HMAC-SHA256) or v1a (Ed25519)")]
pub struct InvalidScheme;

impl SignatureScheme {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::V1 => "v1",
            Self::V1a => "v1a",
        }
    }

    pub fn parse(text: &str) -> Result<Self, InvalidScheme> {
        match text {
            "v1" => Ok(Self::V1),
            "v1a" => Ok(Self::V1a),
            _ => Err(InvalidScheme),
        }
    }
}

/// Why a simple header name or prefix was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InvalidSignatureOption {
    #[error(
        "must be a header name (letters, digits and !#$%&'*+-.^_`|~) of 1 to {MAX_SIMPLE_HEADER_LEN} characters"
    )]
    BadHeader,
    #[error("is a header hookd sets itself or HTTP owns; choose another name")]
    ReservedHeader,
    #[error("must be at most {MAX_SIMPLE_PREFIX_LEN} visible ASCII characters, without spaces")]
    BadPrefix,
}

/// The simple scheme's header name and prefix. The header name is kept in lower case (header
/// names are case-insensitive, and that is how it goes on the wire).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignatureOptions {
    simple_header: String,
    simple_prefix: String,
}

impl Default for SignatureOptions {
    fn default() -> Self {
        Self {
            simple_header: DEFAULT_SIMPLE_HEADER.to_owned(),
            simple_prefix: String::new(),
        }
    }
}

impl SignatureOptions {
    /// Checks a header name: a token, and not a name hookd sets or HTTP owns (but the default
    /// simple header's own name, `x-webhook-signature`).
    pub fn parse_header(name: &str) -> Result<String, InvalidSignatureOption> {
        let token = |b: u8| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b);
        if name.is_empty() || name.len() > MAX_SIMPLE_HEADER_LEN || !name.bytes().all(token) {
            return Err(InvalidSignatureOption::BadHeader);
        }
        let lower = name.to_ascii_lowercase();
        if lower != DEFAULT_SIMPLE_HEADER && hookd_sets(&lower) {
            return Err(InvalidSignatureOption::ReservedHeader);
        }
        Ok(lower)
    }

    /// Checks a prefix: visible ASCII without spaces (they separate the entries of a rotation
    /// list), at most `MAX_SIMPLE_PREFIX_LEN` characters; empty is allowed.
    pub fn parse_prefix(prefix: &str) -> Result<String, InvalidSignatureOption> {
        let visible = |b: u8| (0x21..0x7f).contains(&b);
        if prefix.len() > MAX_SIMPLE_PREFIX_LEN || !prefix.bytes().all(visible) {
            return Err(InvalidSignatureOption::BadPrefix);
        }
        Ok(prefix.to_owned())
    }

    /// Options from checked parts (`parse_header`, `parse_prefix`), or read back from storage.
    pub fn new(simple_header: String, simple_prefix: String) -> Self {
        Self {
            simple_header,
            simple_prefix,
        }
    }

    /// The simple header's name, in lower case.
    pub fn simple_header(&self) -> &str {
        &self.simple_header
    }

    pub fn simple_prefix(&self) -> &str {
        &self.simple_prefix
    }

    /// The custom header (as written) that has the simple header's name, if one has: the
    /// simple header is reserved for the webhook that sends it.
    pub fn clash<'a>(&self, headers: &'a CustomHeaders) -> Option<&'a str> {
        headers
            .iter()
            .map(|(name, _)| name)
            .find(|name| name.eq_ignore_ascii_case(&self.simple_header))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    /// Schemes read and show as the API writes them; nothing else is a scheme.
    #[test]
    fn schemes_parse_by_their_names() {
        for scheme in [SignatureScheme::V1, SignatureScheme::V1a] {
            assert_eq!(SignatureScheme::parse(scheme.as_str()), Ok(scheme));
        }
        for bad in ["", "V1", "v1b", "v2", "ed25519", "hmac"] {
            assert_eq!(SignatureScheme::parse(bad), Err(InvalidScheme), "{bad}");
        }
        assert_eq!(SignatureScheme::default(), SignatureScheme::V1);
    }

    /// A simple header is any token not set by hookd or HTTP, kept in lower case; the default
    /// name itself may be given.
    #[test]
    fn simple_header_names_are_tokens_hookd_does_not_set() {
        for (name, kept) in [
            ("X-Hub-Signature-256", "x-hub-signature-256"),
            ("x-webhook-signature", "x-webhook-signature"),
            ("X-Webhook-Signature", "x-webhook-signature"),
            ("Signature", "signature"),
            ("X-Shopify-Hmac-Sha256", "x-shopify-hmac-sha256"),
        ] {
            assert_eq!(SignatureOptions::parse_header(name).as_deref(), Ok(kept));
        }
        for name in ["", "Bad Name", "x:y", "é", &"x".repeat(65)] {
            assert_eq!(
                SignatureOptions::parse_header(name),
                Err(InvalidSignatureOption::BadHeader),
                "{name}"
            );
        }
        for name in [
            "webhook-signature",
            "Webhook-Id",
            "x-webhook-timestamp",
            "Content-Type",
            "user-agent",
            "Host",
            "Content-Length",
            "transfer-encoding",
        ] {
            assert_eq!(
                SignatureOptions::parse_header(name),
                Err(InvalidSignatureOption::ReservedHeader),
                "{name}"
            );
        }
    }

    /// A prefix is at most 32 visible ASCII characters, empty included; no spaces.
    #[test]
    fn prefixes_are_short_visible_ascii() {
        for prefix in ["", "sha256=", "v0=", "t=1,v1=", &"p".repeat(32)] {
            assert_eq!(
                SignatureOptions::parse_prefix(prefix).as_deref(),
                Ok(prefix)
            );
        }
        for prefix in [&"p".repeat(33), "sha256 =", "a\tb", "ünï", "x\n"] {
            assert_eq!(
                SignatureOptions::parse_prefix(prefix),
                Err(InvalidSignatureOption::BadPrefix),
                "{prefix:?}"
            );
        }
    }

    /// A custom header of the simple header's name, in any case, clashes.
    #[test]
    fn a_custom_header_may_not_take_the_simple_headers_name() {
        let options = SignatureOptions::new("x-hub-signature-256".into(), "sha256=".into());
        let headers = |name: &str| {
            CustomHeaders::parse(BTreeMap::from([(name.to_owned(), "v".to_owned())])).unwrap()
        };
        assert_eq!(
            options.clash(&headers("X-Hub-Signature-256")),
            Some("X-Hub-Signature-256")
        );
        assert_eq!(options.clash(&headers("X-Api-Key")), None);
        assert_eq!(
            SignatureOptions::default().clash(&headers("X-Hub-Signature-256")),
            None
        );
    }
}
