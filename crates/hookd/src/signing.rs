//! The headers of a delivery request: Standard Webhooks (`webhook-*`), hookd's own
//! (`x-webhook-*`) and the simple scheme's header, signed with every secret that is valid at the
//! time of sending, then the webhook's custom headers. Each secret signs in its own scheme, so
//! after a change of scheme a request carries `v1,...` and `v1a,...` side by side; only HMAC
//! (v1) secrets make the simple header, which is left out when none signs. An event published
//! in a W3C trace adds `traceparent` (the attempt's span in that trace) and `tracestate`.
//! Cryptography is `hookd_verify`'s; this module only assembles.

use crate::model::{DEFAULT_SIMPLE_HEADER, DeliveryJob, Timestamp, TraceContext, Webhook};
use hyper::header::{HeaderName, HeaderValue};

/// The headers of one attempt, in the order they are sent. `trace` is the attempt's own trace
/// context (a child of the event's), if the event has one.
pub fn delivery_headers(
    webhook: &Webhook,
    job: &DeliveryJob,
    sent_at: Timestamp,
    user_agent: &HeaderValue,
    trace: Option<&TraceContext>,
) -> Vec<(HeaderName, HeaderValue)> {
    let timestamp = sent_at.as_unix_seconds();
    let mut standard = String::with_capacity(96);
    let mut simple = String::with_capacity(130);
    let prefix = webhook.signature.simple_prefix();
    let (body, original) = job.sent_body(webhook.payload);
    for secret in webhook.signing_secrets(sent_at) {
        let signature = secret.sign_standard(job.event_id.as_str(), timestamp, body);
        listed(&mut standard, "", &signature);
        if let Some(hex) = secret.sign_simple(body) {
            listed(&mut simple, prefix, &hex);
        }
    }
    let timestamp = HeaderValue::from(timestamp);
    let event_id = value(job.event_id.as_str());
    let mut headers = Vec::with_capacity(11 + webhook.headers.as_map().len());
    let content_type = original
        .and_then(|o| {
            o.headers
                .iter()
                .find(|(n, _)| n.eq_ignore_ascii_case("content-type"))
        })
        .and_then(|(_, v)| HeaderValue::try_from(v.as_str()).ok())
        .unwrap_or(HeaderValue::from_static("application/json"));
    headers.push((hyper::header::CONTENT_TYPE, content_type));
    headers.push((hyper::header::USER_AGENT, user_agent.clone()));
    headers.push((HeaderName::from_static("webhook-id"), event_id.clone()));
    headers.push((
        HeaderName::from_static("webhook-timestamp"),
        timestamp.clone(),
    ));
    headers.push((
        HeaderName::from_static("webhook-signature"),
        value(&standard),
    ));
    headers.push((
        HeaderName::from_static("x-webhook-event"),
        value(job.event_type.as_str()),
    ));
    headers.push((HeaderName::from_static("x-webhook-id"), event_id));
    headers.push((
        HeaderName::from_static("x-webhook-delivery"),
        value(job.delivery_id.as_str()),
    ));
    headers.push((
        HeaderName::from_static("x-webhook-attempt"),
        HeaderValue::from(job.attempt),
    ));
    headers.push((HeaderName::from_static("x-webhook-timestamp"), timestamp));
    if !simple.is_empty() {
        headers.push((simple_header(webhook), value(&simple)));
    }
    if let Some(trace) = trace {
        headers.push((
            HeaderName::from_static("traceparent"),
            value(&trace.parent.to_string()),
        ));
        if let Some(state) = &trace.state {
            // Checked as printable ASCII when it was received.
            headers.push((HeaderName::from_static("tracestate"), value(state)));
        }
    }
    // The sender's own signature headers, beside hookd's; where a name is hookd's too
    // (a Standard Webhooks sender), hookd's is sent.
    for (name, text) in original.map(|o| o.headers.as_slice()).unwrap_or_default() {
        let (Ok(name), Ok(text)) = (
            HeaderName::try_from(name.as_str()),
            HeaderValue::try_from(text.as_str()),
        ) else {
            continue;
        };
        if !headers.iter().any(|(sent, _)| *sent == name) {
            headers.push((name, text));
        }
    }
    for (name, text) in webhook.headers.iter() {
        // Custom headers were validated as header-safe when the webhook was saved.
        if let (Ok(name), Ok(text)) = (HeaderName::try_from(name), HeaderValue::try_from(text)) {
            headers.push((name, text));
        }
    }
    headers
}

/// Adds one entry to a space-separated signature list.
fn listed(list: &mut String, prefix: &str, signature: &str) {
    if !list.is_empty() {
        list.push(' ');
    }
    list.push_str(prefix);
    list.push_str(signature);
}

/// The simple header's name, checked as a token when the webhook was saved.
fn simple_header(webhook: &Webhook) -> HeaderName {
    let name = webhook.signature.simple_header();
    if name == DEFAULT_SIMPLE_HEADER {
        HeaderName::from_static(DEFAULT_SIMPLE_HEADER)
    } else {
        HeaderName::try_from(name).expect("simple header names are checked tokens")
    }
}

/// Ids, names, prefixes and signatures are ASCII by construction.
fn value(text: &str) -> HeaderValue {
    HeaderValue::try_from(text).expect("ids, event names and signatures are header-safe")
}

#[cfg(test)]
mod tests;
