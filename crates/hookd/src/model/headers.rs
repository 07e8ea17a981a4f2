//! A webhook's custom headers: static headers sent with every delivery (an API key the receiver
//! expects, say). Names hookd sets itself may not be overridden.

use std::collections::BTreeMap;

pub const MAX_HEADERS: usize = 20;
pub const MAX_HEADER_VALUE_LEN: usize = 1024;

/// The headers hookd itself sets on every delivery (`signing::delivery_headers`; the W3C trace
/// context's two for events published in a trace); a test there keeps this list and what is
/// sent equal. `x-webhook-signature` is the simple header's default
/// name: it stays reserved even for webhooks that name their simple header otherwise
/// (`SignatureOptions`), whose own name is then reserved for them as well.
pub const SIGNED_HEADERS: &[&str] = &[
    "content-type",
    "user-agent",
    "webhook-id",
    "webhook-timestamp",
    "webhook-signature",
    "x-webhook-event",
    "x-webhook-id",
    "x-webhook-delivery",
    "x-webhook-attempt",
    "x-webhook-timestamp",
    "x-webhook-signature",
    "traceparent",
    "tracestate",
];

/// Headers HTTP itself owns: the connection's framing and routing, never a custom header's.
const TRANSPORT_HEADERS: &[&str] = &[
    "host",
    "content-length",
    "transfer-encoding",
    "connection",
    "keep-alive",
    "upgrade",
    "te",
    "trailer",
    "proxy-connection",
];

/// Whether hookd sets this header (lower case) on deliveries, or HTTP owns it.
pub fn hookd_sets(lower: &str) -> bool {
    SIGNED_HEADERS.contains(&lower) || TRANSPORT_HEADERS.contains(&lower)
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InvalidHeader {
    #[error("at most {MAX_HEADERS} headers")]
    TooMany,
    #[error("is not a valid header name")]
    BadName,
    #[error("is set by hookd and cannot be overridden")]
    Reserved,
    #[error("must be visible ASCII, at most {MAX_HEADER_VALUE_LEN} characters")]
    BadValue,
}

/// Validated custom headers, by name as written.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CustomHeaders(BTreeMap<String, String>);

impl CustomHeaders {
    /// Checks every header; an error carries the offending name.
    pub fn parse(headers: BTreeMap<String, String>) -> Result<Self, (String, InvalidHeader)> {
        if headers.len() > MAX_HEADERS {
            return Err((String::new(), InvalidHeader::TooMany));
        }
        for (name, value) in &headers {
            let lower = name.to_ascii_lowercase();
            let token = |b: u8| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b);
            if name.is_empty() || !name.bytes().all(token) {
                return Err((name.clone(), InvalidHeader::BadName));
            }
            if hookd_sets(&lower) {
                return Err((name.clone(), InvalidHeader::Reserved));
            }
            let visible = |b: u8| b == b'\t' || (0x20..0x7f).contains(&b);
            if value.len() > MAX_HEADER_VALUE_LEN || !value.bytes().all(visible) {
                return Err((name.clone(), InvalidHeader::BadValue));
            }
        }
        Ok(Self(headers))
    }

    /// Wraps headers read back from storage, which only holds headers that parsed.
    pub fn from_trusted(headers: BTreeMap<String, String>) -> Self {
        Self(headers)
    }

    pub fn as_map(&self) -> &BTreeMap<String, String> {
        &self.0
    }

    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.0.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    /// Headers of the same prefix that hookd does not set are the user's to use.
    #[test]
    fn headers_hookd_does_not_send_are_allowed() {
        for name in [
            "X-Webhook-Token",
            "Webhook-Source",
            "X-Webhook-Tenant",
            "Authorization",
        ] {
            assert!(
                CustomHeaders::parse(headers(&[(name, "value")])).is_ok(),
                "{name}"
            );
        }
    }

    /// Custom headers may not replace the ones hookd signs and sets, and must be well-formed.
    #[test]
    fn reserved_and_malformed_headers_are_refused() {
        assert!(CustomHeaders::parse(headers(&[("X-Api-Key", "abc")])).is_ok());
        for (name, value, error) in [
            ("Content-Type", "text/plain", InvalidHeader::Reserved),
            ("webhook-signature", "v1,x", InvalidHeader::Reserved),
            ("X-Webhook-Event", "x", InvalidHeader::Reserved),
            ("x-webhook-SIGNATURE", "x", InvalidHeader::Reserved),
            ("Traceparent", "00-x", InvalidHeader::Reserved),
            ("Host", "example.com", InvalidHeader::Reserved),
            ("Bad Name", "x", InvalidHeader::BadName),
            ("X-Ok", "line\nbreak", InvalidHeader::BadValue),
        ] {
            let result = CustomHeaders::parse(headers(&[(name, value)]));
            assert_eq!(result, Err((name.to_string(), error)), "{name}");
        }
    }
}
