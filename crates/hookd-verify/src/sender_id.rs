//! The sender's own delivery id, for de-duplication: a sender that retries sends the same id
//! again, so a receiver that has seen it can answer without acting twice.
//!
//! | scheme | id |
//! | --- | --- |
//! | `standard` | the `webhook-id` header |
//! | `github` | the `X-GitHub-Delivery` header |
//! | `stripe` | the body's top-level JSON `id` (`evt_...`) |
//! | `shopify` | the `X-Shopify-Webhook-Id` header |
//! | `slack` | the body's top-level JSON `event_id` (Events API; other Slack requests have none) |
//! | others | none: hookd then keys on the SHA-256 of the body |
//!
//! The JSON is read in one pass that keeps only the field asked for: nested objects and other
//! fields are skipped without being built, and a body that is not a JSON object has no id.

use std::fmt;

use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, Visitor};

use crate::{Request, Scheme};

/// The sender's own id of this delivery, if the scheme has one and the request carries it
/// (not empty); `None` otherwise. It is read as sent, unverified: call it after [`crate::verify`].
///
/// ```
/// use hookd_verify::{Request, Scheme, sender_id};
///
/// let request = Request::new(&[], br#"{"id":"evt_1","object":"event"}"#);
/// assert_eq!(sender_id(&Scheme::Stripe, &request).as_deref(), Some("evt_1"));
/// assert_eq!(sender_id(&Scheme::Hex, &request), None);
/// ```
pub fn sender_id(scheme: &Scheme, request: &Request<'_>) -> Option<String> {
    let from_header = |name: &str| request.value(name).map(str::to_owned);
    let id = match scheme {
        Scheme::Standard => from_header("webhook-id"),
        Scheme::Github => from_header("x-github-delivery"),
        Scheme::Shopify => from_header("x-shopify-webhook-id"),
        Scheme::Stripe => top_level_string(request.body(), "id"),
        Scheme::Slack => top_level_string(request.body(), "event_id"),
        Scheme::Hex | Scheme::Hmac(_) | Scheme::Token { .. } | Scheme::Basic | Scheme::None => None,
    };
    id.filter(|id| !id.is_empty())
}

/// The string value of the top-level field `field` of a JSON object; `None` if the body is not
/// one JSON object or the field is absent or not a string. Where a field repeats, the first
/// counts.
pub(crate) fn top_level_string(body: &[u8], field: &str) -> Option<String> {
    let mut json = serde_json::Deserializer::from_slice(body);
    let found = TopLevelString(field).deserialize(&mut json).ok()?;
    json.end().ok()?;
    found
}

struct TopLevelString<'f>(&'f str);

impl<'de> DeserializeSeed<'de> for TopLevelString<'_> {
    type Value = Option<String>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for TopLevelString<'_> {
    type Value = Option<String>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut found = None;
        while let Some(key) = map.next_key::<String>()? {
            if key == self.0 && found.is_none() {
                let value = map.next_value::<serde_json::Value>()?;
                found = Some(value.as_str().map(str::to_owned));
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(found.flatten())
    }
}
