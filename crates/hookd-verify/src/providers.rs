//! The schemes of the big senders, each exactly as the provider's own libraries check it.
//!
//! - **Stripe**: `Stripe-Signature: t=<unix>,v1=<hex>[,v1=<hex>...][,v0=<hex>]`, HMAC-SHA256 of
//!   `"<t>.<body>"` keyed with the endpoint secret as a UTF-8 string, `whsec_` and all (Stripe
//!   does not base64-decode it). Any `v1` may match (Stripe sends one per live secret while a
//!   secret is rolled); `v0` and unknown entries are ignored.
//! - **Shopify**: `X-Shopify-Hmac-Sha256: <base64>`, HMAC-SHA256 of the raw body keyed with the
//!   app's secret.
//! - **Slack**: `X-Slack-Signature: v0=<hex>`, HMAC-SHA256 of
//!   `"v0:<X-Slack-Request-Timestamp>:<body>"` with the timestamp as sent.
//!
//! Stripe and Slack sign a timestamp, which must lie within the tolerance of the receiver's clock
//! (both ways: the providers' libraries check only the past, hookd's inboxes check both).

use crate::mac::{Algorithm, Encoding, any_matches, hmac, offered};
use crate::standard::{check_age, parse_timestamp};
use crate::{Request, VerifyError};

const STRIPE_SIGNATURE: &str = "Stripe-Signature";
const SHOPIFY_HMAC: &str = "X-Shopify-Hmac-Sha256";
const SLACK_SIGNATURE: &str = "X-Slack-Signature";
const SLACK_TIMESTAMP: &str = "X-Slack-Request-Timestamp";

/// A `Stripe-Signature` header: its first `t` and every `v1`, decoded.
struct StripeHeader {
    timestamp: i64,
    v1: Vec<Vec<u8>>,
}

impl StripeHeader {
    /// Reads the header; `None` if it has no `t` of unix seconds or no `v1` in hex.
    fn parse(header: &str) -> Option<Self> {
        let mut timestamp = None;
        let mut v1 = Vec::new();
        for item in header.split(',') {
            let Some((key, value)) = item.trim().split_once('=') else {
                continue;
            };
            match key {
                "t" if timestamp.is_none() => timestamp = Some(value.parse().ok()?),
                "v1" => v1.extend(Encoding::Hex.decode(value)),
                _ => {}
            }
        }
        let timestamp = timestamp?;
        (!v1.is_empty()).then_some(Self { timestamp, v1 })
    }
}

/// The `stripe` scheme.
pub(crate) fn verify_stripe(
    secret: &str,
    request: &Request<'_>,
    now: i64,
    tolerance_secs: i64,
) -> Result<(), VerifyError> {
    let header = request.required(STRIPE_SIGNATURE)?;
    let parsed = StripeHeader::parse(header).ok_or(VerifyError::malformed(STRIPE_SIGNATURE))?;
    check_age(parsed.timestamp, now, tolerance_secs)?;
    let timestamp = parsed.timestamp.to_string();
    let parts: [&[u8]; 3] = [timestamp.as_bytes(), b".", request.body()];
    any_matches(
        &parsed.v1,
        &hmac(Algorithm::Sha256, secret.as_bytes(), &parts),
    )
}

/// The `shopify` scheme.
pub(crate) fn verify_shopify(secret: &str, request: &Request<'_>) -> Result<(), VerifyError> {
    let header = request.required(SHOPIFY_HMAC)?;
    let offered =
        offered(header, "", Encoding::Base64).ok_or(VerifyError::malformed(SHOPIFY_HMAC))?;
    let body: [&[u8]; 1] = [request.body()];
    any_matches(&offered, &hmac(Algorithm::Sha256, secret.as_bytes(), &body))
}

/// The `slack` scheme.
pub(crate) fn verify_slack(
    secret: &str,
    request: &Request<'_>,
    now: i64,
    tolerance_secs: i64,
) -> Result<(), VerifyError> {
    let signature = request.required(SLACK_SIGNATURE)?;
    let timestamp_text = request.required(SLACK_TIMESTAMP)?;
    let timestamp = parse_timestamp(SLACK_TIMESTAMP, timestamp_text)?;
    let offered =
        offered(signature, "v0=", Encoding::Hex).ok_or(VerifyError::malformed(SLACK_SIGNATURE))?;
    check_age(timestamp, now, tolerance_secs)?;
    let parts: [&[u8]; 4] = [b"v0:", timestamp_text.as_bytes(), b":", request.body()];
    any_matches(
        &offered,
        &hmac(Algorithm::Sha256, secret.as_bytes(), &parts),
    )
}
