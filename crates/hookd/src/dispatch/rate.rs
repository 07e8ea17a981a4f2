//! A token bucket for a webhook's `rate_limit` (deliveries per second, bursts of up to one
//! second's worth). Pure: the caller passes the current instant.

use std::time::{Duration, Instant};

#[derive(Debug, Clone)]
pub struct TokenBucket {
    per_second: f64,
    tokens: f64,
    last: Instant,
}

impl TokenBucket {
    /// A full bucket allowing `per_second` (at least 1).
    pub fn new(per_second: u32, now: Instant) -> Self {
        let per_second = f64::from(per_second.max(1));
        Self {
            per_second,
            tokens: per_second,
            last: now,
        }
    }

    pub fn rate(&self) -> u32 {
        self.per_second as u32
    }

    /// Takes a token, or says when the next one will be there.
    pub fn try_take(&mut self, now: Instant) -> Result<(), Instant> {
        let elapsed = now.saturating_duration_since(self.last).as_secs_f64();
        self.tokens = (self.tokens + elapsed * self.per_second).min(self.per_second);
        self.last = now;
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            Ok(())
        } else {
            let wait = (1.0 - self.tokens) / self.per_second;
            Err(now + Duration::from_secs_f64(wait))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A bucket allows one second's worth at once, then one more per 1/rate seconds.
    #[test]
    fn bucket_allows_bursts_of_one_second_then_the_rate() {
        let start = Instant::now();
        let mut bucket = TokenBucket::new(2, start);
        assert!(bucket.try_take(start).is_ok());
        assert!(bucket.try_take(start).is_ok());
        let ready = bucket.try_take(start).unwrap_err();
        assert_eq!(ready.duration_since(start), Duration::from_millis(500));
        assert!(bucket.try_take(start + Duration::from_millis(500)).is_ok());
        assert!(bucket.try_take(start + Duration::from_millis(500)).is_err());
    }
}
