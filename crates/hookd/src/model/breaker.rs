//! The circuit breaker of a webhook: its settings (`Breaker`, parsed once here for the API and
//! the database) and its state (`Circuit`: closed, open or half open, as the store keeps it).
//!
//! After `failures` attempts in a row fail, the circuit opens: nothing is sent to the webhook
//! until `next_probe_at`, when one attempt probes it. A probe that succeeds closes the circuit;
//! one that fails opens it again for twice the cooldown, up to `max_cooldown`. A circuit still
//! open after `disable_after` disables the webhook as failing. The rules that move a circuit
//! are `store::rules::circuit`'s.

use super::Timestamp;
use super::schedule::parse_delay;
use std::time::Duration;

/// The most failures in a row a breaker may wait for.
pub const MAX_BREAKER_FAILURES: u32 = 1000;
/// The range of `cooldown`.
pub const COOLDOWN_RANGE: (Duration, Duration) =
    (Duration::from_secs(1), Duration::from_secs(86_400));
/// The longest `max_cooldown`.
pub const MAX_MAX_COOLDOWN: Duration = Duration::from_secs(7 * 86_400);
/// The range of `disable_after`.
pub const DISABLE_AFTER_RANGE: (Duration, Duration) =
    (Duration::from_secs(1), Duration::from_secs(365 * 86_400));

/// A webhook's breaker settings. `Default` is the server's: on, 5 failures, 30 s doubling up to
/// 1 h, disabled after 3 days open.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Breaker {
    pub enabled: bool,
    /// Attempts failed in a row that open the circuit (1 to 1000).
    pub failures: u32,
    /// How long the circuit stays open before the first probe (1 s to 1 d).
    pub cooldown: Duration,
    /// The longest wait between probes (from `cooldown` to 7 d).
    pub max_cooldown: Duration,
    /// A circuit open this long disables the webhook as failing; `None`: never.
    pub disable_after: Option<Duration>,
}

impl Default for Breaker {
    fn default() -> Self {
        Self {
            enabled: true,
            failures: 5,
            cooldown: Duration::from_secs(30),
            max_cooldown: Duration::from_secs(3600),
            disable_after: Some(Duration::from_secs(3 * 86_400)),
        }
    }
}

/// A breaker as given: each field may be left out (it takes its default). `disable_after` is
/// `None` when left out, `Some(None)` when null (never).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BreakerParts<'a> {
    pub enabled: Option<bool>,
    pub failures: Option<u32>,
    pub cooldown: Option<&'a str>,
    pub max_cooldown: Option<&'a str>,
    pub disable_after: Option<Option<&'a str>>,
}

/// A breaker field that does not parse, with the field's name.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct InvalidBreaker {
    /// `failures`, `cooldown`, `max_cooldown` or `disable_after`.
    pub field: &'static str,
    pub message: String,
}

impl Breaker {
    /// Parses the parts given, every missing one taking its default. Answers every field that
    /// is wrong.
    pub fn parse(parts: &BreakerParts<'_>) -> Result<Self, Vec<InvalidBreaker>> {
        let defaults = Self::default();
        let mut errors = Vec::new();
        let mut invalid = |field, message: String| errors.push(InvalidBreaker { field, message });
        let failures = parts.failures.unwrap_or(defaults.failures);
        if !(1..=MAX_BREAKER_FAILURES).contains(&failures) {
            invalid(
                "failures",
                format!("must be between 1 and {MAX_BREAKER_FAILURES}"),
            );
        }
        let mut duration =
            |field, text: Option<&str>, default, (min, max): (Duration, Duration)| {
                let Some(text) = text else {
                    return Some(default);
                };
                match parse_delay(text.trim()) {
                    Ok(value) if (min..=max).contains(&value) => Some(value),
                    Ok(_) => {
                        invalid(
                            field,
                            format!(
                                "'{text}' is outside {} to {}",
                                format_duration(min),
                                format_duration(max)
                            ),
                        );
                        None
                    }
                    Err(error) => {
                        invalid(field, error.to_string());
                        None
                    }
                }
            };
        let cooldown = duration(
            "cooldown",
            parts.cooldown,
            defaults.cooldown,
            COOLDOWN_RANGE,
        );
        let max_cooldown = duration(
            "max_cooldown",
            parts.max_cooldown,
            defaults.max_cooldown,
            (COOLDOWN_RANGE.0, MAX_MAX_COOLDOWN),
        );
        let disable_after = match parts.disable_after {
            None => Some(defaults.disable_after),
            Some(None) => Some(None),
            Some(Some(text)) => duration(
                "disable_after",
                Some(text),
                Duration::ZERO,
                DISABLE_AFTER_RANGE,
            )
            .map(Some),
        };
        if let (Some(cooldown), Some(max)) = (cooldown, max_cooldown)
            && max < cooldown
        {
            invalid(
                "max_cooldown",
                format!(
                    "must be at least the cooldown ({})",
                    format_duration(cooldown)
                ),
            );
        }
        match (cooldown, max_cooldown, disable_after) {
            (Some(cooldown), Some(max_cooldown), Some(disable_after)) if errors.is_empty() => {
                Ok(Self {
                    enabled: parts.enabled.unwrap_or(defaults.enabled),
                    failures,
                    cooldown,
                    max_cooldown,
                    disable_after,
                })
            }
            _ => Err(errors),
        }
    }

    /// The breaker as stored (a JSON object, the API's shape); `from_stored` reads it back.
    pub fn to_stored(&self) -> String {
        serde_json::json!({
            "enabled": self.enabled,
            "failures": self.failures,
            "cooldown": format_duration(self.cooldown),
            "max_cooldown": format_duration(self.max_cooldown),
            "disable_after": self.disable_after.map(format_duration),
        })
        .to_string()
    }

    /// Reads what `to_stored` wrote; `None` when it does not parse.
    pub fn from_stored(text: &str) -> Option<Self> {
        let value: serde_json::Value = serde_json::from_str(text).ok()?;
        let text_of = |field: &str| value.get(field).and_then(serde_json::Value::as_str);
        let parts = BreakerParts {
            enabled: Some(value.get("enabled")?.as_bool()?),
            failures: Some(u32::try_from(value.get("failures")?.as_u64()?).ok()?),
            cooldown: Some(text_of("cooldown")?),
            max_cooldown: Some(text_of("max_cooldown")?),
            disable_after: Some(text_of("disable_after")),
        };
        Self::parse(&parts).ok()
    }
}

/// A duration in the schedule's syntax, in the largest unit that divides it (`90s`, `5m`,
/// `1h`, `3d`).
pub fn format_duration(duration: Duration) -> String {
    let seconds = duration.as_secs();
    for (unit, size) in [("d", 86_400), ("h", 3600), ("m", 60)] {
        if seconds >= size && seconds.is_multiple_of(size) {
            return format!("{}{unit}", seconds / size);
        }
    }
    format!("{seconds}s")
}

/// Where a circuit is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum CircuitState {
    /// Deliveries go out as usual.
    #[default]
    Closed,
    /// Nothing is sent until `next_probe_at`.
    Open,
    /// One probe is on its way (a node holds the probe lease).
    HalfOpen,
}

impl CircuitState {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Closed => "closed",
            Self::Open => "open",
            Self::HalfOpen => "half_open",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "closed" => Some(Self::Closed),
            "open" => Some(Self::Open),
            "half_open" => Some(Self::HalfOpen),
            _ => None,
        }
    }
}

/// The node probing a circuit, and until when it may.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProbeLease {
    /// The claim (node and epoch) of the prober.
    pub by: String,
    pub until: Timestamp,
}

/// A webhook's circuit as stored.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Circuit {
    pub state: CircuitState,
    /// Attempts failed in a row while closed.
    pub failures: u32,
    /// When it last opened (kept through reopenings, cleared when it closes).
    pub opened_at: Option<Timestamp>,
    /// When the next probe is due, while open.
    pub next_probe_at: Option<Timestamp>,
    /// What the failure that opened it was: `HTTP 500`, `timed out`, ...
    pub reason: Option<String>,
    /// The wait before the next probe (doubles at each failed probe).
    pub cooldown: Option<Duration>,
    pub probe: Option<ProbeLease>,
}

impl Circuit {
    /// Whether deliveries may go out (a closed circuit).
    pub fn is_closed(&self) -> bool {
        self.state == CircuitState::Closed
    }
}

/// The longest `reason` kept.
pub const MAX_CIRCUIT_REASON: usize = 200;

#[cfg(test)]
mod tests {
    use super::*;

    /// Every field left out takes the documented default.
    #[test]
    fn a_breaker_given_nothing_is_the_default() {
        assert_eq!(
            Breaker::parse(&BreakerParts::default()),
            Ok(Breaker::default())
        );
        let default = Breaker::default();
        assert!(default.enabled);
        assert_eq!(default.failures, 5);
        assert_eq!(format_duration(default.cooldown), "30s");
        assert_eq!(format_duration(default.max_cooldown), "1h");
        assert_eq!(
            default.disable_after.map(format_duration).as_deref(),
            Some("3d")
        );
    }

    /// Durations are read as retry schedules' are; bad values name their field.
    #[test]
    fn bad_breaker_fields_are_named() {
        let parts = BreakerParts {
            failures: Some(0),
            cooldown: Some("soon"),
            max_cooldown: Some("8d"),
            disable_after: Some(Some("0s")),
            ..BreakerParts::default()
        };
        let fields: Vec<_> = Breaker::parse(&parts)
            .unwrap_err()
            .into_iter()
            .map(|e| e.field)
            .collect();
        assert_eq!(
            fields,
            ["failures", "cooldown", "max_cooldown", "disable_after"]
        );
        let shorter = BreakerParts {
            cooldown: Some("2h"),
            max_cooldown: Some("1h"),
            ..BreakerParts::default()
        };
        assert_eq!(
            Breaker::parse(&shorter).unwrap_err()[0].field,
            "max_cooldown"
        );
    }

    /// `disable_after: null` means never; a breaker stored reads back as it was.
    #[test]
    fn a_breaker_round_trips_through_its_stored_form() {
        let parts = BreakerParts {
            enabled: Some(false),
            failures: Some(3),
            cooldown: Some("90s"),
            max_cooldown: Some("2h"),
            disable_after: Some(None),
        };
        let breaker = Breaker::parse(&parts).unwrap();
        assert_eq!(breaker.disable_after, None);
        assert_eq!(Breaker::from_stored(&breaker.to_stored()), Some(breaker));
        assert_eq!(format_duration(Duration::from_secs(90)), "90s");
        assert_eq!(format_duration(Duration::from_secs(7200)), "2h");
    }
}
