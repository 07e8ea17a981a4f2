//! Verify inbound webhooks of every scheme hookd's inboxes support, and hookd's own.
//!
//! One call checks a request: [`verify`] takes a [`Scheme`], the secret, the [`Request`] (its
//! headers and raw body, exactly as received) and the receiver's clock, and answers `Ok(())` or
//! a [`VerifyError`] whose message is fit for a log and an API answer (`missing header
//! X-Hub-Signature-256`, `timestamp outside the tolerance (too old)`, `no signature matched`).
//! [`sender_id`] then reads the sender's own delivery id, for de-duplication.
//!
//! | [`Scheme`] | what is checked |
//! | --- | --- |
//! | `Standard` | Standard Webhooks: `webhook-id`, `webhook-timestamp`, `webhook-signature` over `"<id>.<timestamp>.<body>"`; `v1` (HMAC-SHA256, secret `whsec_...`) or `v1a` (Ed25519, public key `whpk_...` or the `whsk_...` it comes from) |
//! | `Hex` | hookd's simple scheme: `x-webhook-signature: <hex>` (or `sha256=<hex>`), HMAC-SHA256 of the body keyed with the whole secret string |
//! | `Github` | `X-Hub-Signature-256: sha256=<hex>`, the same HMAC |
//! | `Stripe` | `Stripe-Signature: t=<unix>,v1=<hex>...` over `"<t>.<body>"`, keyed with the `whsec_...` string as it is |
//! | `Shopify` | `X-Shopify-Hmac-Sha256: <base64>` of the body |
//! | `Slack` | `X-Slack-Signature: v0=<hex>` over `"v0:<X-Slack-Request-Timestamp>:<body>"` |
//! | `Hmac` | any HMAC of the body: header, SHA-1/256/512, hex or base64, optional prefix |
//! | `Token` | a header that holds the secret itself |
//! | `Basic` | `Authorization: Basic base64(user:password)` |
//! | `None` | nothing |
//!
//! Schemes that sign a timestamp (`Standard`, `Stripe`, `Slack`) refuse one further than the
//! tolerance from the receiver's clock, in the past or the future. A header may offer several
//! signatures (a space-separated list, or Stripe's several `v1`); any may match. Every
//! comparison of a signature, token or password is constant-time, and no error holds the
//! secret, a key or an expected signature.
//!
//! ```
//! use hookd_verify::{DEFAULT_TOLERANCE_SECS, Request, Scheme, VerifyError, verify};
//!
//! // Slack's published example.
//! let headers = [
//!     ("X-Slack-Request-Timestamp", "1531420618"),
//!     ("X-Slack-Signature", "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503"),
//! ];
//! let body = "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow\
//!     &channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner\
//!     &command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands\
//!     %2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN\
//!     &trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c";
//! let request = Request::new(&headers, body.as_bytes());
//! let secret = "8f742231b10e8888abcd99yyyzzz85a5";
//! assert_eq!(verify(&Scheme::Slack, secret, &request, 1531420618, DEFAULT_TOLERANCE_SECS), Ok(()));
//! assert_eq!(
//!     verify(&Scheme::Slack, secret, &request, 1531420618 + 3600, DEFAULT_TOLERANCE_SECS),
//!     Err(VerifyError::StaleTimestamp)
//! );
//! ```
//!
//! hookd also signs with this crate ([`sign_standard`], [`SigningKey`], [`sign_hex`]), and the
//! functions that check one scheme's headers given as strings ([`verify_standard`],
//! [`verify_standard_v1a`], [`verify_hex`], [`verify_simple`], [`verify_github`]) remain for
//! receivers of hookd's own webhooks. The crate is deliberately small (RustCrypto's HMAC, SHA-1,
//! SHA-2 and Ed25519, `subtle`, base64, hex, serde_json for one field) so that any receiver can
//! depend on it.

use base64::engine::general_purpose::STANDARD as BASE64;

mod error;
mod mac;
mod providers;
mod request;
mod scheme;
mod sender_id;
mod simple;
mod standard;
mod v1a;

pub use error::VerifyError;
pub use mac::{Algorithm, Encoding};
pub use request::Request;
pub use scheme::{HmacOptions, Scheme, verify};
pub use sender_id::sender_id;
pub use simple::{sign_hex, verify_github, verify_hex, verify_simple};
pub use standard::{SECRET_PREFIX, sign_standard, standard_key, verify_standard};
pub use v1a::{
    PUBLIC_KEY_PREFIX, SIGNING_KEY_PREFIX, SigningKey, public_key_bytes, verify_standard_v1a,
};

/// How far a signed timestamp may be from the receiver's clock, in seconds, before the request
/// is treated as a replay (or as coming from a clock far ahead).
pub const DEFAULT_TOLERANCE_SECS: i64 = 5 * 60;

#[cfg(test)]
mod proptests;
#[cfg(test)]
mod tests;
