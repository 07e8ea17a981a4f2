//! Typed, prefixed identifiers (`wh_...`, `evt_...`): opaque to callers, sortable by creation
//! time (a ULID after the prefix), and impossible to mix up at compile time.

use std::fmt;

/// A string that is not a well-formed id of the expected kind.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not a valid {kind} id")]
pub struct InvalidId {
    /// The kind of id that was expected, e.g. "webhook".
    pub kind: &'static str,
}

/// The process's ULIDs: strictly increasing, also within one millisecond (where plain ULIDs
/// are random), so ids made one after the other sort in the order they were made.
static ULIDS: std::sync::Mutex<ulid::Generator> = std::sync::Mutex::new(ulid::Generator::new());

fn next_ulid() -> ulid::Ulid {
    let mut generator = ULIDS
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    // The generator runs out only after 2^80 ids in one millisecond.
    generator.generate().unwrap_or_else(|_| ulid::Ulid::new())
}

macro_rules! prefixed_id {
    ($(#[$doc:meta])* $name:ident, $prefix:literal, $kind:literal) => {
        $(#[$doc])*
        #[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(String);

        impl $name {
            /// The prefix every id of this kind starts with.
            pub const PREFIX: &'static str = $prefix;

            /// A new id, later than every id made before it on this machine's clock.
            pub fn new() -> Self {
                let mut text = String::with_capacity($prefix.len() + 26);
                text.push_str($prefix);
                text.push_str(&next_ulid().to_string());
                Self(text)
            }

            /// Parses an id of this kind, refusing other prefixes and malformed ULIDs.
            pub fn parse(text: &str) -> Result<Self, InvalidId> {
                text.strip_prefix($prefix)
                    .filter(|rest| ulid::Ulid::from_string(rest).is_ok())
                    .map(|_| Self(text.to_owned()))
                    .ok_or(InvalidId { kind: $kind })
            }

            /// The smallest id that could have been made at `millis` (unix milliseconds); ids
            /// below it were made earlier. Used for time-range scans on the primary key.
            pub fn lower_bound_at(millis: i64) -> Self {
                let ulid = ulid::Ulid::from_parts(millis.max(0) as u64, 0);
                Self(format!("{}{}", $prefix, ulid))
            }

            /// When the id was made: its ULID's time part, in unix milliseconds.
            pub fn millis(&self) -> i64 {
                ulid::Ulid::from_string(&self.0[$prefix.len()..])
                    .map_or(0, |ulid| ulid.timestamp_ms() as i64)
            }

            /// Wraps a value read back from storage, which only ever holds ids this type made.
            pub fn from_trusted(text: String) -> Self {
                Self(text)
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }

            pub fn into_string(self) -> String {
                self.0
            }
        }

        impl Default for $name {
            fn default() -> Self {
                Self::new()
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(&self.0)
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let text = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
                Self::parse(&text).map_err(serde::de::Error::custom)
            }
        }
    };
}

prefixed_id!(
    /// A webhook (a subscription).
    WebhookId, "wh_", "webhook"
);
prefixed_id!(
    /// An event published by the application.
    EventId, "evt_", "event"
);
prefixed_id!(
    /// One event for one webhook.
    DeliveryId, "dlv_", "delivery"
);
prefixed_id!(
    /// One HTTP request of a delivery.
    AttemptId, "att_", "attempt"
);
prefixed_id!(
    /// An entry of the event type catalog.
    EventTypeId, "et_", "event type"
);
prefixed_id!(
    /// A tenant API token.
    TokenId, "tok_", "token"
);
prefixed_id!(
    /// An entry of the audit log.
    AuditId, "aud_", "audit entry"
);
prefixed_id!(
    /// An inbox: a URL of hookd's own that receives webhooks from elsewhere.
    InboxId, "ibx_", "inbox"
);
prefixed_id!(
    /// One request an inbox received.
    InboxRequestId, "req_", "inbox request"
);

#[cfg(test)]
mod tests {
    use super::*;

    /// Ids carry their prefix and parse back; another kind's id is refused.
    #[test]
    fn ids_round_trip_and_refuse_other_kinds() {
        let id = WebhookId::new();
        assert!(id.as_str().starts_with("wh_"));
        assert_eq!(WebhookId::parse(id.as_str()), Ok(id.clone()));
        assert!(EventId::parse(id.as_str()).is_err());
        assert!(WebhookId::parse("wh_not-a-ulid").is_err());
        assert!(WebhookId::parse("").is_err());
    }

    /// Ids made later sort after ids made earlier (at millisecond resolution).
    #[test]
    fn ids_sort_by_creation_time() {
        let earlier = EventId::lower_bound_at(1_000);
        let later = EventId::lower_bound_at(2_000);
        assert!(earlier < later);
        assert!(EventId::new() > later);
    }

    /// Ids made one after the other sort in that order, even within one millisecond.
    #[test]
    fn ids_made_in_the_same_millisecond_keep_their_order() {
        let ids: Vec<EventId> = (0..10_000).map(|_| EventId::new()).collect();
        assert!(ids.windows(2).all(|pair| pair[0] < pair[1]));
    }
}
