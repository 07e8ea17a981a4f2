//! An attempt's request headers as both backends store them. Most of what hookd sends can be
//! told from the attempt's own row (its event, delivery, event type, number and time), so each
//! such header is stored as a number meaning "this header, with the value the row gives", and
//! only the rest (signatures, user agent, custom headers, trace context) as `[name, value]`.
//! A delivery's usual ten headers take about 110 bytes instead of about 420: every attempt row
//! is written once and read rarely, and those bytes were a tenth of SQLite's own cost per
//! delivery.
//!
//! The stored text is a JSON array of `[name, value]` pairs and numbers from `DERIVED`. Rows
//! written before the numbers existed hold pairs only and read the same. A header is stored as
//! a number only when its value is exactly what the row gives, so reading never changes what
//! was sent.

use super::record::{Corrupt, json};
use crate::model::Attempt;
use serde::{Deserialize, Serialize};
use std::borrow::Cow;

/// Where a derived header's value comes from.
#[derive(Clone, Copy)]
enum Source {
    Constant(&'static str),
    EventId,
    EventType,
    DeliveryId,
    AttemptNumber,
    /// The attempt's start in Unix seconds (the signed timestamp).
    UnixSeconds,
}

/// The headers stored as numbers: the number is the index. Append only: a number, once
/// written to a database, must mean the same header for ever.
const DERIVED: [(&str, Source); 8] = [
    ("content-type", Source::Constant("application/json")),
    ("webhook-id", Source::EventId),
    ("webhook-timestamp", Source::UnixSeconds),
    ("x-webhook-event", Source::EventType),
    ("x-webhook-id", Source::EventId),
    ("x-webhook-delivery", Source::DeliveryId),
    ("x-webhook-attempt", Source::AttemptNumber),
    ("x-webhook-timestamp", Source::UnixSeconds),
];

fn value_of(source: Source, attempt: &Attempt) -> Cow<'_, str> {
    match source {
        Source::Constant(value) => Cow::Borrowed(value),
        Source::EventId => Cow::Borrowed(attempt.event_id.as_str()),
        Source::EventType => Cow::Borrowed(attempt.event_type.as_str()),
        Source::DeliveryId => Cow::Borrowed(attempt.delivery_id.as_str()),
        Source::AttemptNumber => Cow::Owned(attempt.attempt.to_string()),
        Source::UnixSeconds => Cow::Owned(attempt.created_at.as_unix_seconds().to_string()),
    }
}

#[derive(Serialize)]
#[serde(untagged)]
enum Written<'a> {
    Derived(u8),
    Sent(&'a str, &'a str),
}

#[derive(Deserialize)]
#[serde(untagged)]
enum Stored {
    Derived(u8),
    Sent(String, String),
}

/// The text stored for `attempt.request_headers`.
pub fn encode(attempt: &Attempt) -> String {
    let items: Vec<Written> = attempt
        .request_headers
        .iter()
        .map(|(name, value)| {
            let derived = DERIVED.iter().position(|(derived_name, source)| {
                derived_name == name && value_of(*source, attempt) == value.as_str()
            });
            match derived {
                Some(index) => Written::Derived(index as u8),
                None => Written::Sent(name, value),
            }
        })
        .collect();
    serde_json::to_string(&items).expect("strings and numbers encode")
}

/// The request headers of `attempt` (every other field already read) from their stored text.
pub fn decode(text: &str, attempt: &Attempt) -> Result<Vec<(String, String)>, Corrupt> {
    let items: Vec<Stored> = json(text, "request_headers")?;
    items
        .into_iter()
        .map(|item| match item {
            Stored::Sent(name, value) => Ok((name, value)),
            Stored::Derived(index) => DERIVED
                .get(usize::from(index))
                .map(|(name, source)| ((*name).to_owned(), value_of(*source, attempt).into_owned()))
                .ok_or(Corrupt("request_headers")),
        })
        .collect()
}

#[cfg(test)]
mod tests;
