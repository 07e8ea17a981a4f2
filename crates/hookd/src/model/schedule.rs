//! Retry schedules: the delays between attempts, written as `1m`, `5m`, `15m` (any unit
//! humantime reads: `30s`, `2h`, `1d`). The schedule `[1m, 5m, 15m]` means four attempts in all.

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
    #[error("'{0}' is not a duration such as 30s, 5m or 1h")]
    Unparseable(String),
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
            let delay = humantime::parse_duration(text)
                .map_err(|_| (index, InvalidSchedule::Unparseable(text.to_owned())))?;
            if !(MIN_DELAY..=MAX_DELAY).contains(&delay) {
                return Err((index, InvalidSchedule::OutOfRange(text.to_owned())));
            }
            delays.push(delay);
            texts.push(text.to_owned());
        }
        Ok(Self { delays, texts })
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
            RetrySchedule::parse(&["100ms"]),
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
}
