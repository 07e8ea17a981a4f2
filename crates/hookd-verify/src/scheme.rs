//! The one entry point for inbound requests: [`verify`] checks a [`Request`] by a [`Scheme`],
//! and [`sender_id`] reads the sender's own delivery id for de-duplication.
//!
//! The schemes are those of hookd's inboxes (`verify.scheme` in its API). Where the generic
//! `hmac`, `token` and `basic` schemes live is here; the others have a module each.

use base64::Engine as _;

use crate::mac::{
    Algorithm, BASE64_ANY_PADDING, Encoding, any_matches, hmac, offered, same_secret,
};
use crate::{Request, VerifyError, providers, simple, standard};

/// How an inbound request is signed or authenticated.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Scheme {
    /// Standard Webhooks: `webhook-id`, `webhook-timestamp`, `webhook-signature`. The secret is a
    /// `whsec_...` (v1, HMAC), or a v1a public key `whpk_...` (or the `whsk_...` it comes from).
    Standard,
    /// hookd's simple scheme: `x-webhook-signature: <hex>` (or `sha256=<hex>`, or a
    /// space-separated list), HMAC-SHA256 of the body keyed with the whole secret string.
    Hex,
    /// GitHub: `X-Hub-Signature-256: sha256=<hex>`.
    Github,
    /// Stripe: `Stripe-Signature: t=<unix>,v1=<hex>...`, keyed with the `whsec_...` string.
    Stripe,
    /// Shopify: `X-Shopify-Hmac-Sha256: <base64>`.
    Shopify,
    /// Slack: `X-Slack-Signature: v0=<hex>` with `X-Slack-Request-Timestamp`.
    Slack,
    /// Any other HMAC of the raw body, described by its options.
    Hmac(HmacOptions),
    /// The header `header` holds the secret itself.
    Token {
        /// The header's name, in any case.
        header: String,
    },
    /// HTTP Basic: `Authorization: Basic base64(user:password)`, the secret being
    /// `user:password`.
    Basic,
    /// Nothing is checked: every request passes.
    None,
}

/// A generic HMAC of the raw body, keyed with the secret string as UTF-8.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct HmacOptions {
    /// The header that carries the signature, in any case.
    pub header: String,
    /// The HMAC's hash.
    pub algorithm: Algorithm,
    /// How the signature is written.
    pub encoding: Encoding,
    /// What stands before the signature, such as `sha256=`; empty for nothing. Matched exactly.
    /// The header may hold a space-separated list of `<prefix><signature>`, unless the prefix
    /// itself holds a space (`HMAC `), when the whole value is one.
    pub prefix: String,
}

impl Scheme {
    /// Its name in hookd's API (`verify.scheme`).
    pub fn name(&self) -> &'static str {
        match self {
            Self::Standard => "standard",
            Self::Hex => "hex",
            Self::Github => "github",
            Self::Stripe => "stripe",
            Self::Shopify => "shopify",
            Self::Slack => "slack",
            Self::Hmac(_) => "hmac",
            Self::Token { .. } => "token",
            Self::Basic => "basic",
            Self::None => "none",
        }
    }

    /// Whether the scheme signs a timestamp, so that the tolerance applies to it.
    pub fn signs_timestamp(&self) -> bool {
        matches!(self, Self::Standard | Self::Stripe | Self::Slack)
    }

    /// Whether the scheme needs a secret (all but [`Scheme::None`]).
    pub fn needs_secret(&self) -> bool {
        !matches!(self, Self::None)
    }
}

/// Verifies an inbound request by `scheme` with `secret`, on the raw body exactly as received.
///
/// `now_unix` is the receiver's clock in unix seconds and `tolerance_secs` how far a signed
/// timestamp may be from it, in the past or the future (schemes without a timestamp ignore
/// both; [`crate::DEFAULT_TOLERANCE_SECS`] is five minutes). Every comparison of a signature,
/// token or password is constant-time, and no error holds the secret or the expected signature.
///
/// ```
/// use hookd_verify::{Request, Scheme, verify};
///
/// let headers = [(
///     "X-Hub-Signature-256",
///     "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17",
/// )];
/// let request = Request::new(&headers, b"Hello, World!");
/// assert_eq!(verify(&Scheme::Github, "It's a Secret to Everybody", &request, 0, 300), Ok(()));
/// let error = verify(&Scheme::Github, "another secret", &request, 0, 300).unwrap_err();
/// assert_eq!(error.to_string(), "no signature matched");
/// ```
pub fn verify(
    scheme: &Scheme,
    secret: &str,
    request: &Request<'_>,
    now_unix: i64,
    tolerance_secs: i64,
) -> Result<(), VerifyError> {
    if scheme.needs_secret() && secret.is_empty() {
        return Err(VerifyError::MissingSecret);
    }
    let (now, tolerance) = (now_unix, tolerance_secs);
    match scheme {
        Scheme::Standard => standard::verify_request(secret, request, now, tolerance),
        Scheme::Hex => simple::verify_hex_request(secret, request),
        Scheme::Github => simple::verify_github_request(secret, request),
        Scheme::Stripe => providers::verify_stripe(secret, request, now, tolerance),
        Scheme::Shopify => providers::verify_shopify(secret, request),
        Scheme::Slack => providers::verify_slack(secret, request, now, tolerance),
        Scheme::Hmac(options) => verify_hmac(options, secret, request),
        Scheme::Token { header } => verify_token(header, secret, request),
        Scheme::Basic => verify_basic(secret, request),
        Scheme::None => Ok(()),
    }
}

/// A header named by the inbox's configuration, present and not empty.
fn configured<'a>(request: &Request<'a>, header: &str) -> Result<&'a str, VerifyError> {
    request
        .value(header)
        .ok_or_else(|| VerifyError::MissingHeader(header.to_owned().into()))
}

fn verify_hmac(
    options: &HmacOptions,
    secret: &str,
    request: &Request<'_>,
) -> Result<(), VerifyError> {
    let header = configured(request, &options.header)?;
    let offered = offered(header, &options.prefix, options.encoding)
        .ok_or_else(|| VerifyError::MalformedHeader(options.header.clone().into()))?;
    let body: [&[u8]; 1] = [request.body()];
    any_matches(&offered, &hmac(options.algorithm, secret.as_bytes(), &body))
}

fn verify_token(header: &str, secret: &str, request: &Request<'_>) -> Result<(), VerifyError> {
    let token = configured(request, header)?;
    if same_secret(token.as_bytes(), secret.as_bytes()) {
        Ok(())
    } else {
        Err(VerifyError::WrongToken)
    }
}

fn verify_basic(secret: &str, request: &Request<'_>) -> Result<(), VerifyError> {
    if !secret.contains(':') {
        return Err(VerifyError::MalformedSecret {
            expected: "user:password",
        });
    }
    let header = "Authorization";
    let value = request.required(header)?;
    let credentials = value
        .split_once(' ')
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("basic"))
        .and_then(|(_, encoded)| BASE64_ANY_PADDING.decode(encoded.trim()).ok())
        .filter(|decoded| decoded.contains(&b':'))
        .ok_or(VerifyError::malformed(header))?;
    if same_secret(&credentials, secret.as_bytes()) {
        Ok(())
    } else {
        Err(VerifyError::WrongCredentials)
    }
}
