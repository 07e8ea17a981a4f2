//! Adaptive concurrency (AIMD): how many requests at once a webhook gets now. A receiver that
//! cannot keep up (429, 503, or no answer in time) halves it, down to 1; a window of successes
//! as long as the current limit raises it by one, up to the webhook's `max_in_flight`. A
//! struggling receiver so gets fewer requests at once, and a recovered one its full share back
//! within a few rounds.

/// A webhook's requests-at-once limit as answers come in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Aimd {
    limit: u32,
    max: u32,
    /// Successes since the limit last changed.
    good: u32,
}

impl Aimd {
    /// Starts at the full `max_in_flight`.
    pub fn new(max: u32) -> Self {
        let max = max.max(1);
        Self {
            limit: max,
            max,
            good: 0,
        }
    }

    /// Requests at once allowed now.
    pub fn limit(&self) -> u32 {
        self.limit
    }

    /// The receiver could not keep up: half as many at once (at least one).
    pub fn overloaded(&mut self) {
        self.limit = (self.limit / 2).max(1);
        self.good = 0;
    }

    /// An answer in time that was not an overload (2xx, or an error of the receiver's own):
    /// after a window of them as long as the limit, one more at once.
    pub fn answered(&mut self) {
        if self.limit >= self.max {
            return;
        }
        self.good += 1;
        if self.good >= self.limit {
            self.limit += 1;
            self.good = 0;
        }
    }

    /// The webhook's `max_in_flight` changed: the limit follows a raise when it was at the old
    /// maximum, and never stays above the new one.
    pub fn set_max(&mut self, max: u32) {
        let max = max.max(1);
        if self.limit >= self.max {
            self.limit = max;
        }
        self.max = max;
        self.limit = self.limit.min(max);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overloads_halve_the_limit_down_to_one() {
        let mut aimd = Aimd::new(10);
        let limits: Vec<u32> = (0..5)
            .map(|_| {
                aimd.overloaded();
                aimd.limit()
            })
            .collect();
        assert_eq!(limits, [5, 2, 1, 1, 1]);
    }

    #[test]
    fn a_window_of_answers_as_long_as_the_limit_raises_it_by_one_up_to_the_maximum() {
        let mut aimd = Aimd::new(4);
        aimd.overloaded();
        aimd.overloaded();
        assert_eq!(aimd.limit(), 1);
        aimd.answered();
        assert_eq!(aimd.limit(), 2, "one success is a window at limit 1");
        aimd.answered();
        assert_eq!(aimd.limit(), 2);
        aimd.answered();
        assert_eq!(aimd.limit(), 3, "two successes are a window at limit 2");
        (0..3).for_each(|_| aimd.answered());
        assert_eq!(aimd.limit(), 4);
        (0..100).for_each(|_| aimd.answered());
        assert_eq!(aimd.limit(), 4, "never above max_in_flight");
    }

    #[test]
    fn an_overload_in_a_window_starts_the_window_again() {
        let mut aimd = Aimd::new(8);
        aimd.overloaded();
        (0..3).for_each(|_| aimd.answered());
        aimd.overloaded();
        assert_eq!(aimd.limit(), 2);
        aimd.answered();
        assert_eq!(aimd.limit(), 2, "the window began again at the overload");
    }

    #[test]
    fn a_new_maximum_is_followed_when_the_limit_was_at_the_old_one() {
        let mut full = Aimd::new(4);
        full.set_max(8);
        assert_eq!(full.limit(), 8);
        let mut lowered = Aimd::new(4);
        lowered.overloaded();
        lowered.set_max(8);
        assert_eq!(lowered.limit(), 2, "a struggling receiver earns the raise");
        lowered.set_max(1);
        assert_eq!(lowered.limit(), 1);
    }
}
