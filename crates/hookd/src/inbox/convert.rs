//! What a received request becomes: its event's `data`, its de-duplication key, and the
//! headers a webhook with `payload: "original"` is sent.

use crate::model::{DedupeKey, InboxRequest, InboxSettings, check_unambiguous};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use hookd_verify::Scheme;
use serde_json::Value;
use serde_json::value::RawValue;
use sha2::{Digest, Sha256};
use std::sync::OnceLock;

/// A request's body as its inbox reads it, checked once: JSON that every parser reads alike
/// (what `POST /api/events` would take as `data`: no key twice in an object, no lone
/// surrogate), or not JSON to hookd. Anything else is data no receiver could be sure of reading
/// as hookd did. Parsed into a tree only if a template or a `json:` key asks for a field.
pub struct ReadBody {
    json: Option<Box<RawValue>>,
    tree: OnceLock<Option<Value>>,
}

impl ReadBody {
    pub fn of(request: &InboxRequest) -> Self {
        let json = std::str::from_utf8(&request.body)
            .ok()
            // `from_str` keeps surrounding whitespace out of the value: trimmed text is the body.
            .and_then(|text| serde_json::from_str::<Box<RawValue>>(text).ok())
            .filter(|raw| check_unambiguous(raw.get()).is_ok());
        Self {
            json,
            tree: OnceLock::new(),
        }
    }

    /// The body parsed as JSON, if it is JSON every parser reads alike (templates and `json:`
    /// de-duplication keys read it; they must not pick one of two values of a repeated key).
    pub fn tree(&self) -> Option<&Value> {
        self.tree
            .get_or_init(|| {
                let raw = self.json.as_ref()?;
                serde_json::from_str(raw.get()).ok()
            })
            .as_ref()
    }

    /// The event's `data`: the body itself when it is JSON every parser reads alike (byte for
    /// byte), else `{"content_type", "body_base64"}`.
    pub fn event_data(&self, request: &InboxRequest) -> Box<RawValue> {
        if let Some(raw) = &self.json {
            return raw.clone();
        }
        let wrapped = serde_json::json!({
            "content_type": request.header("content-type").unwrap_or(""),
            "body_base64": BASE64.encode(&request.body),
        });
        RawValue::from_string(wrapped.to_string()).expect("JSON encodes")
    }
}

/// The de-duplication key the inbox's rule reads, hashed (SHA-256, hex): the stored key never
/// holds what the sender sent. Rules that find nothing key on the body.
pub fn dedupe_key(settings: &InboxSettings, request: &InboxRequest, body: &ReadBody) -> String {
    let found: Option<String> = match &settings.dedupe_key {
        DedupeKey::Auto => {
            let pairs: Vec<(&str, &str)> = request
                .headers
                .iter()
                .map(|(n, v)| (n.as_str(), v.as_str()))
                .collect();
            let verify_request = hookd_verify::Request::new(&pairs, &request.body);
            hookd_verify::sender_id(&settings.scheme, &verify_request).map(|id| format!("id:{id}"))
        }
        DedupeKey::Header(name) => request.header(name).map(|v| format!("header:{v}")),
        DedupeKey::Json(path) => body
            .tree()
            .and_then(|b| path.find_text(b))
            .map(|v| format!("json:{v}")),
        DedupeKey::Body => None,
    };
    let mut hasher = Sha256::new();
    match found {
        Some(key) => hasher.update(key.as_bytes()),
        None => {
            hasher.update(b"body:");
            hasher.update(&request.body);
        }
    }
    hex::encode(hasher.finalize())
}

/// The headers of the scheme's sender that say what was sent and prove who sent it, beside
/// the content type. Credentials (`token`, `basic`) are never among them.
fn signature_headers(scheme: &Scheme) -> Vec<&str> {
    match scheme {
        Scheme::Standard => vec!["webhook-id", "webhook-timestamp", "webhook-signature"],
        Scheme::Hex => vec!["x-webhook-signature"],
        Scheme::Github => vec![
            "x-hub-signature-256",
            "x-hub-signature",
            "x-github-event",
            "x-github-delivery",
            "x-github-hook-id",
        ],
        Scheme::Stripe => vec!["stripe-signature"],
        Scheme::Shopify => vec![
            "x-shopify-hmac-sha256",
            "x-shopify-topic",
            "x-shopify-webhook-id",
            "x-shopify-shop-domain",
            "x-shopify-api-version",
            "x-shopify-triggered-at",
        ],
        Scheme::Slack => vec!["x-slack-signature", "x-slack-request-timestamp"],
        Scheme::Hmac(options) => vec![options.header.as_str()],
        Scheme::Token { .. } | Scheme::Basic | Scheme::None => Vec::new(),
    }
}

/// The content type and signature headers of the request, as received.
pub fn original_headers(scheme: &Scheme, headers: &[(String, String)]) -> Vec<(String, String)> {
    let wanted = signature_headers(scheme);
    headers
        .iter()
        .filter(|(name, _)| {
            name.eq_ignore_ascii_case("content-type")
                || wanted.iter().any(|w| w.eq_ignore_ascii_case(name))
        })
        .cloned()
        .collect()
}

/// What a masked credential is stored as.
pub const MASKED: &str = "***";

/// The headers as kept in the history: those that carry the inbox's own secret (`token`'s
/// header, `basic`'s `Authorization`) are masked, so no answer after the one that made the
/// secret, and no row of the history, ever holds it.
pub fn without_credentials(
    scheme: &Scheme,
    mut headers: Vec<(String, String)>,
) -> Vec<(String, String)> {
    let credential = match scheme {
        Scheme::Token { header } => Some(header.as_str()),
        Scheme::Basic => Some("authorization"),
        _ => None,
    };
    if let Some(credential) = credential {
        for (name, value) in &mut headers {
            if name.eq_ignore_ascii_case(credential) {
                *value = MASKED.to_owned();
            }
        }
    }
    headers
}

/// The W3C trace context the sender sent, if valid: its event continues the sender's trace, as a
/// published event continues its publisher's. Read as `POST /api/events` reads it: a repeated or
/// invalid `traceparent` is ignored, an invalid `tracestate` dropped.
pub fn trace_of(request: &InboxRequest) -> Option<crate::model::TraceContext> {
    let values = |name: &'static str| {
        request
            .headers
            .iter()
            .filter(move |(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    };
    let mut parents = values("traceparent");
    let parent = parents.next()?;
    if parents.next().is_some() {
        return None;
    }
    let states: Vec<&str> = values("tracestate").collect();
    let state = (!states.is_empty()).then(|| states.join(","));
    crate::model::TraceContext::from_headers(Some(parent), state.as_deref())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Only the credential header of the inbox's scheme is masked; the others are kept as sent.
    #[test]
    fn credentials_are_masked_and_nothing_else() {
        let headers = || {
            vec![
                ("X-Token".to_owned(), "s3cret".to_owned()),
                ("Authorization".to_owned(), "Basic dTpw".to_owned()),
                ("Content-Type".to_owned(), "text/plain".to_owned()),
            ]
        };
        let token = without_credentials(
            &Scheme::Token {
                header: "x-token".into(),
            },
            headers(),
        );
        assert_eq!(token[0].1, MASKED);
        assert_eq!(token[1].1, "Basic dTpw");
        let basic = without_credentials(&Scheme::Basic, headers());
        assert_eq!(
            (basic[0].1.as_str(), basic[1].1.as_str()),
            ("s3cret", MASKED)
        );
        assert_eq!(without_credentials(&Scheme::Github, headers()), headers());
    }
}
