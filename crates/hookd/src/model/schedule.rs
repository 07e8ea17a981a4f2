//! Retry schedules: the delays between attempts. Each delay is written in one syntax: a whole
//! number and one unit, `s`, `m`, `h` or `d` (`30s`, `5m`, `2h`, `1d`), one delay per item.
//! The schedule `[1m, 5m, 15m]` means four attempts in all.

use std::fmt;
use std::time::Duration;

/// The most delays a schedule may hold.
pub const MAX_RETRIES: usize = 20;
/// The shortest delay allowed.
pub const MIN_DELAY: Duration = Duration::from_secs(1);
/// The longest delay allowed.
pub const MAX_DELAY: Duration = Duration::from_secs(7 * 24 * 3600);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InvalidSchedule {
    #[error("at most {MAX_RETRIES} delays")]
    TooMany,
    #[error(
        "'{0}' is not a duration: write a whole number and one unit, s, m, h or d (such as 30s, 5m or 1h)"
    )]
    Unparseable(String),
    #[error("'{0}' holds more than one duration: give each delay as an item of its own")]
    SeveralInOne(String),
    #[error("'{0}' is outside 1s to 7d")]
    OutOfRange(String),
}

/// A validated list of delays, keeping the text each was written as.
#[derive(Clone, PartialEq, Eq)]
pub struct RetrySchedule {
    delays: Vec<Duration>,
    texts: Vec<String>,
}

impl RetrySchedule {
    pub fn parse<S: AsRef<str>>(items: &[S]) -> Result<Self, (usize, InvalidSchedule)> {
        if items.len() > MAX_RETRIES {
            return Err((0, InvalidSchedule::TooMany));
        }
        let mut delays = Vec::with_capacity(items.len());
        let mut texts = Vec::with_capacity(items.len());
        for (index, item) in items.iter().enumerate() {
            let text = item.as_ref().trim();
            let delay = parse_delay(text).map_err(|e| (index, e))?;
            if !(MIN_DELAY..=MAX_DELAY).contains(&delay) {
                return Err((index, InvalidSchedule::OutOfRange(text.to_owned())));
            }
            delays.push(delay);
            texts.push(text.to_owned());
        }
        Ok(Self { delays, texts })
    }

    /// Reads a schedule stored by an earlier hookd, which took any duration humantime reads
    /// (`1m 5m` as one delay of six minutes, `1 minute`); such schedules keep working as they
    /// did, although they can no longer be written.
    pub fn from_stored<S: AsRef<str>>(items: &[S]) -> Result<Self, (usize, InvalidSchedule)> {
        Self::parse(items).or_else(|strict| {
            let mut delays = Vec::with_capacity(items.len());
            for item in items {
                let delay =
                    humantime::parse_duration(item.as_ref().trim()).map_err(|_| strict.clone())?;
                delays.push(delay);
            }
            let texts = items.iter().map(|i| i.as_ref().trim().to_owned()).collect();
            Ok(Self { delays, texts })
        })
    }

    /// Parses the comma-separated form used by `HOOKD_RETRY_SCHEDULE` (`1m,5m,15m`; empty means
    /// no retries).
    pub fn parse_list(text: &str) -> Result<Self, (usize, InvalidSchedule)> {
        let items: Vec<&str> = text
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .collect();
        Self::parse(&items)
    }

    /// The delay before attempt `attempt + 1`, after attempt number `attempt` (1-based) failed;
    /// `None` once the schedule is exhausted.
    pub fn delay_after(&self, attempt: u32) -> Option<Duration> {
        self.delays.get((attempt as usize).checked_sub(1)?).copied()
    }

    pub fn texts(&self) -> &[String] {
        &self.texts
    }

    pub fn len(&self) -> usize {
        self.delays.len()
    }

    pub fn is_empty(&self) -> bool {
        self.delays.is_empty()
    }
}

/// One delay: digits, then exactly one unit letter (`30s`, `5m`, `2h`, `7d`).
pub(crate) fn parse_delay(text: &str) -> Result<Duration, InvalidSchedule> {
    if text.split_whitespace().count() > 1
        && text
            .split_whitespace()
            .all(|part| parse_delay(part).is_ok())
    {
        return Err(InvalidSchedule::SeveralInOne(text.to_owned()));
    }
    let unparseable = || InvalidSchedule::Unparseable(text.to_owned());
    let (unit_at, _) = text.char_indices().last().ok_or_else(unparseable)?;
    let (digits, unit) = text.split_at(unit_at);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(unparseable());
    }
    let seconds_per_unit: u64 = match unit {
        "s" => 1,
        "m" => 60,
        "h" => 3600,
        "d" => 86_400,
        _ => return Err(unparseable()),
    };
    // Too many digits for a u64 is far beyond the 7-day maximum anyway.
    let count: u64 = digits.parse().unwrap_or(u64::MAX);
    Ok(Duration::from_secs(count.saturating_mul(seconds_per_unit)))
}

impl Default for RetrySchedule {
    /// The documented default: `1m, 5m, 15m`.
    fn default() -> Self {
        Self::parse(&["1m", "5m", "15m"]).expect("the default schedule is valid")
    }
}

impl fmt::Debug for RetrySchedule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.texts.join(","))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `1m, 5m, 15m` gives three delays after attempts 1 to 3, and none after the fourth.
    #[test]
    fn the_default_schedule_allows_four_attempts() {
        let schedule = RetrySchedule::default();
        assert_eq!(schedule.delay_after(1), Some(Duration::from_secs(60)));
        assert_eq!(schedule.delay_after(3), Some(Duration::from_secs(900)));
        assert_eq!(schedule.delay_after(4), None);
        assert_eq!(schedule.delay_after(0), None);
    }

    /// Short delays such as `1s` are accepted; bad and out-of-range ones name their position.
    #[test]
    fn schedules_accept_seconds_and_name_bad_entries() {
        assert_eq!(RetrySchedule::parse_list("1s, 2s").unwrap().len(), 2);
        assert!(RetrySchedule::parse_list("").unwrap().is_empty());
        assert!(matches!(
            RetrySchedule::parse(&["1s", "soon"]),
            Err((1, InvalidSchedule::Unparseable(_)))
        ));
        assert!(matches!(
            RetrySchedule::parse(&["0s"]),
            Err((0, InvalidSchedule::OutOfRange(_)))
        ));
        assert!(matches!(
            RetrySchedule::parse(&["8d"]),
            Err((0, InvalidSchedule::OutOfRange(_)))
        ));
        assert!(matches!(
            RetrySchedule::parse(&["1s"; 21]),
            Err((0, InvalidSchedule::TooMany))
        ));
    }

    /// One duration per item, in one syntax: `1m 5m` is not read as six minutes, and spelled
    /// out, fractional, compound or unit-less delays are refused.
    #[test]
    fn each_item_is_exactly_one_delay_in_one_syntax() {
        assert!(matches!(
            RetrySchedule::parse(&["1m 5m"]),
            Err((0, InvalidSchedule::SeveralInOne(_)))
        ));
        assert!(matches!(
            RetrySchedule::parse_list("1m 5m"),
            Err((0, InvalidSchedule::SeveralInOne(_)))
        ));
        for bad in [
            "1 minute", "1minute", "1é", "é", "1.5m", "1h30m", "60", "m", "", "-1m", "1M", "1 m",
        ] {
            assert!(
                matches!(
                    RetrySchedule::parse(&["30s", bad]),
                    Err((1, InvalidSchedule::Unparseable(_)))
                ),
                "{bad:?}"
            );
        }
        let schedule = RetrySchedule::parse(&["30s", "5m", "2h", "7d"]).unwrap();
        assert_eq!(schedule.delay_after(2), Some(Duration::from_secs(300)));
        assert_eq!(
            schedule.delay_after(4),
            Some(Duration::from_secs(7 * 86_400))
        );
        assert!(matches!(
            RetrySchedule::parse(&["99999999999999999999999d"]),
            Err((0, InvalidSchedule::OutOfRange(_)))
        ));
    }

    /// Schedules an earlier hookd stored in the lenient syntax still read back as they were
    /// meant then.
    #[test]
    fn stored_schedules_in_the_old_syntax_still_read() {
        let schedule = RetrySchedule::from_stored(&["1m 5m", "2 minutes"]).unwrap();
        assert_eq!(schedule.delay_after(1), Some(Duration::from_secs(360)));
        assert_eq!(schedule.delay_after(2), Some(Duration::from_secs(120)));
        assert!(RetrySchedule::from_stored(&["soon"]).is_err());
    }
}
