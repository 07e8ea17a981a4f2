//! Event names (`order.created`) and the patterns webhooks subscribe with (`order.*`, `*`).
//!
//! A name is segments of `[A-Za-z0-9_-]` joined by `.`. A pattern is a name, `*` (every event),
//! or a name followed by `.*` (every event under that prefix: `order.*` matches `order.created`
//! and `order.line.added`, but not `order` itself nor `orders.created`).

use std::fmt;

/// The longest event name accepted.
pub const MAX_EVENT_NAME_LEN: usize = 255;

/// The events hookd publishes itself, which webhooks may subscribe to like any other.
pub const HOOKD_EVENTS: &[&str] = &[
    "webhook.ping",
    "webhook.disabled",
    "webhook.circuit_opened",
    "webhook.circuit_closed",
];

/// Why a name or pattern was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InvalidEventName {
    #[error("must not be empty")]
    Empty,
    #[error("must be at most {MAX_EVENT_NAME_LEN} characters")]
    TooLong,
    #[error("must be segments of letters, digits, '_' or '-' joined by '.'")]
    BadSyntax,
    #[error("'*' may only stand alone or end a pattern as '.*'")]
    MisplacedWildcard,
}

/// A valid event name.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct EventName(String);

impl EventName {
    pub fn parse(text: &str) -> Result<Self, InvalidEventName> {
        check_segments(text)?;
        Ok(Self(text.to_owned()))
    }

    /// Wraps a name read back from storage, which only holds names that parsed.
    pub fn from_trusted(text: String) -> Self {
        Self(text)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Names hookd publishes itself (`webhook.ping`, `webhook.disabled`); applications may not.
    pub fn is_reserved(&self) -> bool {
        self.0.starts_with("webhook.")
    }
}

fn check_segments(text: &str) -> Result<(), InvalidEventName> {
    if text.is_empty() {
        return Err(InvalidEventName::Empty);
    }
    if text.len() > MAX_EVENT_NAME_LEN {
        return Err(InvalidEventName::TooLong);
    }
    if text.contains('*') {
        return Err(InvalidEventName::MisplacedWildcard);
    }
    let valid_segment = |segment: &str| {
        !segment.is_empty()
            && segment
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
    };
    if text.split('.').all(valid_segment) {
        Ok(())
    } else {
        Err(InvalidEventName::BadSyntax)
    }
}

impl fmt::Display for EventName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for EventName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// What a webhook subscribes to.
#[derive(Clone, PartialEq, Eq, Hash)]
pub enum EventPattern {
    /// `*`: every event.
    All,
    /// `order.*`: every event whose name starts with `order.`; holds `order.`.
    Prefix(String),
    /// `order.created`: exactly that event.
    Exact(EventName),
}

impl EventPattern {
    pub fn parse(text: &str) -> Result<Self, InvalidEventName> {
        if text == "*" {
            return Ok(Self::All);
        }
        if let Some(prefix) = text.strip_suffix(".*") {
            check_segments(prefix)?;
            return Ok(Self::Prefix(format!("{prefix}.")));
        }
        EventName::parse(text).map(Self::Exact)
    }

    pub fn matches(&self, name: &str) -> bool {
        match self {
            Self::All => true,
            Self::Prefix(prefix) => name.starts_with(prefix.as_str()),
            Self::Exact(exact) => exact.as_str() == name,
        }
    }
}

impl fmt::Display for EventPattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::All => f.write_str("*"),
            Self::Prefix(prefix) => write!(f, "{prefix}*"),
            Self::Exact(name) => f.write_str(name.as_str()),
        }
    }
}

impl fmt::Debug for EventPattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Names are dot-joined segments of letters, digits, `_` and `-`.
    #[test]
    fn event_names_follow_the_segment_syntax() {
        for good in ["order.created", "a", "user_1.sign-up.done"] {
            assert!(EventName::parse(good).is_ok(), "{good}");
        }
        let bad = [
            ("", InvalidEventName::Empty),
            ("order..created", InvalidEventName::BadSyntax),
            (".order", InvalidEventName::BadSyntax),
            ("order created", InvalidEventName::BadSyntax),
            ("order.*", InvalidEventName::MisplacedWildcard),
        ];
        for (text, error) in bad {
            assert_eq!(EventName::parse(text), Err(error), "{text}");
        }
        assert_eq!(
            EventName::parse(&"a".repeat(256)),
            Err(InvalidEventName::TooLong)
        );
    }

    /// `*` matches everything, `x.*` matches names under `x.` only, exact names match themselves.
    #[test]
    fn patterns_match_as_documented() {
        let all = EventPattern::parse("*").unwrap();
        let prefix = EventPattern::parse("order.*").unwrap();
        let exact = EventPattern::parse("order.created").unwrap();
        assert!(all.matches("anything.at.all"));
        assert!(prefix.matches("order.created") && prefix.matches("order.line.added"));
        assert!(!prefix.matches("order") && !prefix.matches("orders.created"));
        assert!(exact.matches("order.created") && !exact.matches("order.created.v2"));
        assert_eq!(prefix.to_string(), "order.*");
        for bad in ["order*", "*.created", "or*der", "order.*.x", ".*"] {
            assert!(EventPattern::parse(bad).is_err(), "{bad}");
        }
    }
}
