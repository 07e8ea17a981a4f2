//! A webhook's `signature` on the wire (`SignatureIn`, `SignatureOut`), its parsing, and what a
//! change of scheme does: a new secret of the new kind, with the previous one signing beside it
//! for 24 hours (a rotation), so receivers that verify the old way keep working while they
//! switch.

use super::webhook_input::Checks;
use crate::model::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A Standard Webhooks signature scheme.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "lowercase")]
#[schema(as = SignatureScheme)]
pub enum SchemeName {
    /// HMAC-SHA256 with a `whsec_` secret shared with receivers; the simple header is sent too.
    V1,
    /// Ed25519: hookd signs with a `whsk_` key, receivers verify with its `whpk_` public key; no
    /// simple header.
    V1a,
}

impl From<SignatureScheme> for SchemeName {
    fn from(scheme: SignatureScheme) -> Self {
        match scheme {
            SignatureScheme::V1 => Self::V1,
            SignatureScheme::V1a => Self::V1a,
        }
    }
}

/// How deliveries are signed. Fields left out (or null) keep their value: the default when
/// registering, what the webhook has when changing it.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SignatureIn {
    /// `v1` (default): HMAC-SHA256 with a `whsec_` secret. `v1a`: Ed25519, the secret is a
    /// `whsk_` signing key and receivers verify with its `whpk_` public key. Changing it makes a
    /// new secret of the new kind; the previous one keeps signing, in its own scheme, for 24 hours.
    #[schema(value_type = Option<SchemeName>)]
    pub scheme: Option<String>,
    /// The simple (hex HMAC of the body) header's name, default `x-webhook-signature`: a header
    /// name of at most 64 characters that hookd does not set otherwise (kept in lower case). It
    /// may not be one of the webhook's custom headers. Not sent with `v1a`.
    pub simple_header: Option<String>,
    /// Written before each hex digest of the simple header, such as `sha256=`; default empty. At
    /// most 32 visible ASCII characters, no spaces.
    pub simple_prefix: Option<String>,
}

/// How deliveries are signed.
#[derive(Debug, Serialize, ToSchema)]
pub struct SignatureOut {
    pub scheme: SchemeName,
    /// The simple header's name, in lower case.
    pub simple_header: String,
    /// Written before each hex digest of the simple header; often empty.
    pub simple_prefix: String,
}

impl From<&Webhook> for SignatureOut {
    fn from(w: &Webhook) -> Self {
        Self {
            scheme: w.scheme().into(),
            simple_header: w.signature.simple_header().to_owned(),
            simple_prefix: w.signature.simple_prefix().to_owned(),
        }
    }
}

/// Parses `signature` over `base` (the defaults, or what the webhook has): each field given
/// replaces its value, each bad one is reported.
pub fn signature(
    checks: &mut Checks,
    input: Option<SignatureIn>,
    base: (SignatureScheme, &SignatureOptions),
) -> Option<(SignatureScheme, SignatureOptions)> {
    let (scheme, options) = base;
    let Some(input) = input else {
        return Some((scheme, options.clone()));
    };
    let scheme = match input.scheme {
        None => Some(scheme),
        Some(text) => checks.take(
            "signature.scheme",
            "invalid_scheme",
            SignatureScheme::parse(&text),
        ),
    };
    let header = match input.simple_header {
        None => Some(options.simple_header().to_owned()),
        Some(name) => checks.take(
            "signature.simple_header",
            "invalid_header",
            SignatureOptions::parse_header(&name),
        ),
    };
    let prefix = match input.simple_prefix {
        None => Some(options.simple_prefix().to_owned()),
        Some(prefix) => checks.take(
            "signature.simple_prefix",
            "invalid_prefix",
            SignatureOptions::parse_prefix(&prefix),
        ),
    };
    Some((scheme?, SignatureOptions::new(header?, prefix?)))
}

/// A secret of the scheme's kind: the one given, or a new one.
pub fn secret(
    checks: &mut Checks,
    scheme: SignatureScheme,
    text: Option<String>,
) -> Option<WebhookSecret> {
    match text {
        None => Some(WebhookSecret::generate_for(scheme)),
        Some(text) => checks.take(
            "secret",
            "invalid_secret",
            WebhookSecret::parse_for(scheme, &text),
        ),
    }
}

/// Where a custom header takes the simple header's name, says so: at the header when the
/// headers were given (`headers_given`), else at `signature.simple_header`.
pub fn check_clash(
    checks: &mut Checks,
    options: &SignatureOptions,
    headers: &CustomHeaders,
    headers_given: bool,
) {
    let Some(name) = options.clash(headers) else {
        return;
    };
    checks.push(if headers_given {
        FieldError::new(
            format!("headers.{name}"),
            "invalid_header",
            "is this webhook's simple signature header (signature.simple_header)",
        )
    } else {
        FieldError::new(
            "signature.simple_header",
            "invalid_header",
            format!("is one of this webhook's custom headers (headers.{name})"),
        )
    });
}

/// What a PATCH does to the signing: new options, and with a new scheme a new secret.
pub struct SignatureChange {
    pub options: SignatureOptions,
    /// Set when the scheme changes: the secret of the new kind.
    pub new_secret: Option<WebhookSecret>,
}

/// Parses a PATCH's `signature` and `secret`. `secret` may only come with a change of scheme
/// (a rotation otherwise goes through `rotate-secret`); without it, one is generated.
pub fn change(
    checks: &mut Checks,
    webhook: &Webhook,
    input: Option<SignatureIn>,
    secret_text: Option<Option<String>>,
) -> Option<SignatureChange> {
    let (scheme, options) = signature(checks, input, (webhook.scheme(), &webhook.signature))?;
    if scheme == webhook.scheme() {
        if secret_text.is_some() {
            checks.push(FieldError::new(
                "secret",
                "immutable",
                "change it with POST /api/webhooks/{id}/rotate-secret (or together with \
                 signature.scheme)",
            ));
            return None;
        }
        return Some(SignatureChange {
            options,
            new_secret: None,
        });
    }
    let new_secret = secret(checks, scheme, secret_text.flatten())?;
    Some(SignatureChange {
        options,
        new_secret: Some(new_secret),
    })
}
