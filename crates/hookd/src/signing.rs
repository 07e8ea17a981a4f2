//! The headers of a delivery request: Standard Webhooks (`webhook-*`) and the simple scheme
//! (`x-webhook-*`), signed with every secret that is valid at the time of sending, then the
//! webhook's custom headers. Cryptography is `hookd_verify`'s; this module only assembles.

use crate::model::{DeliveryJob, Timestamp, Webhook};
use hyper::header::{HeaderName, HeaderValue};

/// The headers of one attempt, in the order they are sent.
pub fn delivery_headers(
    webhook: &Webhook,
    job: &DeliveryJob,
    sent_at: Timestamp,
    user_agent: &HeaderValue,
) -> Vec<(HeaderName, HeaderValue)> {
    let timestamp = sent_at.as_unix_seconds();
    let mut standard = String::with_capacity(96);
    let mut simple = String::with_capacity(130);
    for secret in webhook.signing_secrets(sent_at) {
        if !standard.is_empty() {
            standard.push(' ');
            simple.push(' ');
        }
        standard.push_str(&hookd_verify::sign_standard(
            secret.key(),
            job.event_id.as_str(),
            timestamp,
            &job.payload,
        ));
        simple.push_str(&hookd_verify::sign_hex(secret.expose(), &job.payload));
    }
    let timestamp = HeaderValue::from(timestamp);
    let event_id = value(job.event_id.as_str());
    let mut headers = Vec::with_capacity(11 + webhook.headers.as_map().len());
    headers.push((
        hyper::header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    ));
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
    headers.push((
        HeaderName::from_static("x-webhook-signature"),
        value(&simple),
    ));
    for (name, text) in webhook.headers.iter() {
        // Custom headers were validated as header-safe when the webhook was saved.
        if let (Ok(name), Ok(text)) = (HeaderName::try_from(name), HeaderValue::try_from(text)) {
            headers.push((name, text));
        }
    }
    headers
}

/// Ids, names and signatures are ASCII by construction.
fn value(text: &str) -> HeaderValue {
    HeaderValue::try_from(text).expect("ids, event names and signatures are header-safe")
}

#[cfg(test)]
mod tests;
