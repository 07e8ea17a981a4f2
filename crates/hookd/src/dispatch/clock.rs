//! Where the delivery engine reads the time: `now` for timestamps that are stored or compared
//! with other nodes' (attempts, retries, leases, scans), and `instant` for measuring and for
//! the rate limits. The server runs on [`SystemClock`]; tests use [`FakeClock`], which moves
//! only when told to, so a test can say "one second later" and check what the engine does then.
//!
//! Sleeping is not the clock's business: the engine sleeps with tokio's timers, which a test
//! pauses and advances in step with its fake clock (`FakeClock::advance_with_timers`).

use crate::model::Timestamp;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// A source of the current time.
pub trait Clock: Send + Sync + 'static {
    /// The wall-clock time, as stored and compared across nodes.
    fn now(&self) -> Timestamp;
    /// A monotonic instant, for durations and token buckets.
    fn instant(&self) -> Instant;
}

/// The clock every part of the engine shares.
pub type SharedClock = Arc<dyn Clock>;

/// The machine's clocks.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl SystemClock {
    /// The system clock as the engine shares it.
    pub fn shared() -> SharedClock {
        Arc::new(SystemClock)
    }
}

impl Clock for SystemClock {
    fn now(&self) -> Timestamp {
        Timestamp::now()
    }

    fn instant(&self) -> Instant {
        Instant::now()
    }
}

/// A clock that stands still until a test advances it. Both of its readings move together.
#[derive(Debug)]
pub struct FakeClock {
    start_wall: Timestamp,
    start_instant: Instant,
    elapsed: Mutex<Duration>,
}

impl FakeClock {
    /// A clock reading `start`, shared.
    pub fn starting_at(start: Timestamp) -> Arc<Self> {
        Arc::new(Self {
            start_wall: start,
            start_instant: Instant::now(),
            elapsed: Mutex::new(Duration::ZERO),
        })
    }

    /// Moves the clock forward by `by`.
    pub fn advance(&self, by: Duration) {
        *self.elapsed.lock().expect("fake clock") += by;
    }

    /// Moves the clock and tokio's paused timers forward together, so that sleeps computed
    /// from this clock's readings end when the clock says they should. Needs a runtime whose
    /// time is paused (`#[tokio::test(start_paused = true)]`).
    #[cfg(test)]
    pub async fn advance_with_timers(&self, by: Duration) {
        self.advance(by);
        tokio::time::advance(by).await;
    }

    fn elapsed(&self) -> Duration {
        *self.elapsed.lock().expect("fake clock")
    }
}

impl Clock for FakeClock {
    fn now(&self) -> Timestamp {
        self.start_wall.plus(self.elapsed())
    }

    fn instant(&self) -> Instant {
        self.start_instant + self.elapsed()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A fake clock moves only when advanced, and its two readings move by the same amount.
    #[test]
    fn a_fake_clock_moves_only_when_advanced() {
        let clock = FakeClock::starting_at(Timestamp::from_millis(1_000));
        let (wall, instant) = (clock.now(), clock.instant());
        std::thread::sleep(Duration::from_millis(5));
        assert_eq!(clock.now(), wall);
        assert_eq!(clock.instant(), instant);
        clock.advance(Duration::from_millis(1_500));
        assert_eq!(clock.now(), Timestamp::from_millis(2_500));
        assert_eq!(clock.instant() - instant, Duration::from_millis(1_500));
    }
}
