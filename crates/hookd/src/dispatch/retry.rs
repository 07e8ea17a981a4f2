//! The retry policy, as a pure function of an attempt's result: what happens to the delivery
//! next. Time and randomness come in as arguments so tests need no clock.

use crate::model::{NextStep, RetrySchedule, Timestamp};
use std::time::Duration;

/// The longest `Retry-After` honoured.
pub const MAX_RETRY_AFTER: Duration = Duration::from_secs(3600);
/// Jitter adds up to this share of the delay, so retries of many deliveries spread out.
pub const JITTER_SHARE: f64 = 0.1;

/// What the receiver did, as far as the policy cares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AttemptResult {
    /// `None` when there was no HTTP response (timeout, connection error, refused address).
    pub status: Option<u16>,
    pub retry_after: Option<Duration>,
}

impl AttemptResult {
    pub fn succeeded(&self) -> bool {
        matches!(self.status, Some(200..=299))
    }
}

/// How long the whole webhook waits after this result: a `Retry-After` that came with a 429 or
/// 503, capped at `MAX_RETRY_AFTER`. Other statuses ask nothing of the other deliveries.
pub fn lane_pause(result: AttemptResult) -> Option<Duration> {
    match (result.status, result.retry_after) {
        (Some(429 | 503), Some(asked)) => Some(asked.min(MAX_RETRY_AFTER)),
        _ => None,
    }
}

/// Decides the delivery's next step after attempt number `attempt` (1-based).
///
/// - any 2xx succeeds; `410 Gone` fails the delivery and disables the webhook;
/// - a one-off (`manual`) attempt that fails ends the delivery as failed;
/// - otherwise the schedule gives the delay (none left: failed), plus `jitter` (0 to 1) times
///   `JITTER_SHARE` of it; a `Retry-After` on 429 or 503 is honoured as the minimum delay,
///   capped at `MAX_RETRY_AFTER`.
pub fn next_step(
    result: AttemptResult,
    attempt: u32,
    manual: bool,
    schedule: &RetrySchedule,
    now: Timestamp,
    jitter: f64,
) -> NextStep {
    if result.succeeded() {
        return NextStep::Succeeded;
    }
    if result.status == Some(410) {
        return NextStep::Gone;
    }
    if manual {
        return NextStep::Failed;
    }
    let Some(delay) = schedule.delay_after(attempt) else {
        return NextStep::Failed;
    };
    let jittered = delay + delay.mul_f64(JITTER_SHARE * jitter.clamp(0.0, 1.0));
    let honoured = match (result.status, result.retry_after) {
        (Some(429 | 503), Some(asked)) => jittered.max(asked.min(MAX_RETRY_AFTER)),
        _ => jittered,
    };
    NextStep::RetryAt(now.plus(honoured))
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: Timestamp = Timestamp::from_millis(1_000_000);

    fn failed(status: Option<u16>) -> AttemptResult {
        AttemptResult {
            status,
            retry_after: None,
        }
    }

    fn schedule(items: &[&str]) -> RetrySchedule {
        RetrySchedule::parse(items).unwrap()
    }

    /// Any 2xx is a success, whatever the attempt number.
    #[test]
    fn any_2xx_succeeds() {
        for status in [200, 201, 204, 299] {
            let step = next_step(failed(Some(status)), 9, false, &schedule(&[]), NOW, 0.0);
            assert_eq!(step, NextStep::Succeeded);
        }
    }

    /// Redirects, 4xx, 5xx and no response at all are retried on the schedule.
    #[test]
    fn failures_follow_the_schedule() {
        let s = schedule(&["1s", "5m"]);
        for status in [Some(301), Some(400), Some(500), None] {
            assert_eq!(
                next_step(failed(status), 1, false, &s, NOW, 0.0),
                NextStep::RetryAt(NOW.plus(Duration::from_secs(1)))
            );
            assert_eq!(
                next_step(failed(status), 2, false, &s, NOW, 0.0),
                NextStep::RetryAt(NOW.plus(Duration::from_secs(300)))
            );
            assert_eq!(
                next_step(failed(status), 3, false, &s, NOW, 0.0),
                NextStep::Failed
            );
        }
    }

    /// Jitter adds at most a tenth of the delay, so a 1 s retry stays within 1.1 s.
    #[test]
    fn jitter_is_bounded() {
        let s = schedule(&["1s"]);
        assert_eq!(
            next_step(failed(None), 1, false, &s, NOW, 1.0),
            NextStep::RetryAt(NOW.plus(Duration::from_millis(1100)))
        );
        assert_eq!(
            next_step(failed(None), 1, false, &s, NOW, 0.5),
            NextStep::RetryAt(NOW.plus(Duration::from_millis(1050)))
        );
    }

    /// 410 Gone fails the delivery at once (the webhook gets disabled), even with retries left.
    #[test]
    fn gone_stops_at_once() {
        assert_eq!(
            next_step(failed(Some(410)), 1, false, &schedule(&["1s"]), NOW, 0.0),
            NextStep::Gone
        );
    }

    /// Retry-After on 429/503 delays the retry at least that long, capped at an hour; elsewhere
    /// it is ignored.
    #[test]
    fn retry_after_is_honoured_on_429_and_503() {
        let s = schedule(&["1s"]);
        let asked = |status, secs| AttemptResult {
            status: Some(status),
            retry_after: Some(Duration::from_secs(secs)),
        };
        assert_eq!(
            next_step(asked(429, 7), 1, false, &s, NOW, 0.0),
            NextStep::RetryAt(NOW.plus(Duration::from_secs(7)))
        );
        assert_eq!(
            next_step(asked(503, 7200), 1, false, &s, NOW, 0.0),
            NextStep::RetryAt(NOW.plus(MAX_RETRY_AFTER))
        );
        assert_eq!(
            next_step(asked(500, 7), 1, false, &s, NOW, 0.0),
            NextStep::RetryAt(NOW.plus(Duration::from_secs(1)))
        );
        let long = schedule(&["10m"]);
        assert_eq!(
            next_step(asked(429, 7), 1, false, &long, NOW, 0.0),
            NextStep::RetryAt(NOW.plus(Duration::from_secs(600)))
        );
    }

    /// A one-off attempt asked for by a person ends failed instead of scheduling more.
    #[test]
    fn manual_attempts_do_not_retry() {
        assert_eq!(
            next_step(failed(Some(500)), 1, true, &schedule(&["1s"]), NOW, 0.0),
            NextStep::Failed
        );
    }

    /// A `Retry-After` with a 429 or 503 holds the whole webhook back, at most an hour; with
    /// any other status, or without the header, nothing waits but the delivery itself.
    #[test]
    fn only_429_and_503_with_retry_after_pause_the_webhook() {
        let asked = |status, seconds| AttemptResult {
            status: Some(status),
            retry_after: Some(Duration::from_secs(seconds)),
        };
        assert_eq!(lane_pause(asked(429, 3)), Some(Duration::from_secs(3)));
        assert_eq!(lane_pause(asked(503, 7200)), Some(MAX_RETRY_AFTER));
        assert_eq!(lane_pause(asked(500, 3)), None);
        assert_eq!(lane_pause(failed(Some(429))), None);
        assert_eq!(lane_pause(failed(None)), None);
    }
}
