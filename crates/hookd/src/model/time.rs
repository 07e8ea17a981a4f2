//! Wall-clock instants as unix milliseconds, written on the wire as RFC 3339 UTC with
//! milliseconds (`2026-11-22T10:30:00.000Z`).

use std::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// An instant, in milliseconds since the unix epoch.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Timestamp(i64);

/// Text that is not an RFC 3339 UTC timestamp.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("expected an RFC 3339 UTC timestamp such as 2026-11-22T10:30:00Z")]
pub struct InvalidTimestamp;

impl Timestamp {
    pub fn now() -> Self {
        let since = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap_or_default();
        Self(since.as_millis() as i64)
    }

    pub const fn from_millis(millis: i64) -> Self {
        Self(millis)
    }

    pub const fn as_millis(self) -> i64 {
        self.0
    }

    /// Whole seconds since the epoch, as sent in `webhook-timestamp`.
    pub const fn as_unix_seconds(self) -> i64 {
        self.0.div_euclid(1000)
    }

    pub fn plus(self, duration: Duration) -> Self {
        Self(self.0.saturating_add(duration.as_millis() as i64))
    }

    pub fn minus(self, duration: Duration) -> Self {
        Self(self.0.saturating_sub(duration.as_millis() as i64))
    }

    /// Time from `earlier` to `self`, zero if `earlier` is later.
    pub fn since(self, earlier: Timestamp) -> Duration {
        Duration::from_millis(self.0.saturating_sub(earlier.0).max(0) as u64)
    }

    /// Parses `2026-11-22T10:30:00Z`, with or without fractional seconds.
    pub fn parse(text: &str) -> Result<Self, InvalidTimestamp> {
        let time = humantime::parse_rfc3339_weak(text.trim()).map_err(|_| InvalidTimestamp)?;
        let since = time
            .duration_since(UNIX_EPOCH)
            .map_err(|_| InvalidTimestamp)?;
        Ok(Self(since.as_millis() as i64))
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let time = UNIX_EPOCH + Duration::from_millis(self.0.max(0) as u64);
        write!(f, "{}", humantime::format_rfc3339_millis(time))
    }
}

impl fmt::Debug for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl serde::Serialize for Timestamp {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for Timestamp {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        Self::parse(&text).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Timestamps are written as RFC 3339 UTC with milliseconds and parse back.
    #[test]
    fn timestamps_round_trip_through_rfc3339_with_millis() {
        let ts = Timestamp::from_millis(1_795_343_400_123);
        assert_eq!(ts.to_string(), "2026-11-22T10:30:00.123Z");
        assert_eq!(Timestamp::parse("2026-11-22T10:30:00.123Z"), Ok(ts));
        assert_eq!(
            Timestamp::parse("2026-11-22T10:30:00Z")
                .unwrap()
                .as_millis(),
            1_795_343_400_000
        );
        assert!(Timestamp::parse("yesterday").is_err());
    }
}
