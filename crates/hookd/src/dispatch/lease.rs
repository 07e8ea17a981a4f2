//! Claims and their leases: how several nodes share deliveries without two of them attempting
//! the same one at the same time.
//!
//! A node holds work under a *claim*: its name and an epoch (`node-01J…/0`). Every delivery it
//! claims gets `claimed_by` = the claim and `lease_until` = now + the lease length, and the
//! renewer extends the leases of what it still holds. Another node takes a delivery over only
//! when its lease has run out by more than the webhook's timeout, so an attempt started before
//! the lease ran out has finished (or timed out) by then.
//!
//! The *horizon* is a time before which every lease of the current claim is known to hold: a
//! new claim's leases run a full length from the moment the epoch began, and a renewal that
//! started at `s` leaves every lease at `s + length / 2` or later. This node starts an attempt
//! only under the current claim, and the current claim is only valid before its horizon. When
//! the horizon passes (the database was unreachable for long enough that renewals failed), the
//! node abandons the claim: it starts a new epoch, drops what it held in memory under the old
//! one without attempting it, and leaves those deliveries to whichever node takes them over
//! once their leases run out. The old claim is never renewed again, so nothing it held can be
//! revived while another node has it.

use super::clock::{SharedClock, SystemClock};
use crate::model::{ClaimId, Timestamp};
use crate::store::Claim;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// Added to every takeover wait, for clocks of different nodes that disagree slightly.
pub const CLOCK_SKEW_MARGIN: Duration = Duration::from_secs(2);

pub struct Lease {
    node: Arc<str>,
    length: Duration,
    /// The engine's clock: leases, retries and scans all read the time here.
    clock: SharedClock,
    state: Mutex<State>,
}

struct State {
    epoch: u32,
    claim: ClaimId,
    horizon: Timestamp,
}

impl Lease {
    pub fn new(node: Arc<str>, length: Duration) -> Self {
        Self::with_clock(node, length, SystemClock::shared())
    }

    /// A lease whose time, and that of the engine holding work under it, comes from `clock`.
    pub fn with_clock(node: Arc<str>, length: Duration, clock: SharedClock) -> Self {
        let now = clock.now();
        Self {
            state: Mutex::new(State {
                epoch: 0,
                claim: ClaimId::of(&node, 0),
                horizon: now.plus(length),
            }),
            node,
            length,
            clock,
        }
    }

    /// The clock this node's engine reads the time from.
    pub fn clock(&self) -> &SharedClock {
        &self.clock
    }

    pub fn node(&self) -> &str {
        &self.node
    }

    pub fn length(&self) -> Duration {
        self.length
    }

    /// How often the renewer runs: often enough that the horizon stays a third of the length
    /// ahead while renewals succeed.
    pub fn renew_every(&self) -> Duration {
        self.length / 6
    }

    /// The current claim, starting a new epoch first if the current one's horizon has passed.
    pub fn current(&self) -> ClaimId {
        let now = self.clock.now();
        let mut state = self.state.lock().expect("lease state");
        if now >= state.horizon {
            state.epoch += 1;
            let next = ClaimId::of(&self.node, state.epoch);
            let abandoned = std::mem::replace(&mut state.claim, next);
            state.horizon = now.plus(self.length);
            tracing::warn!(
                abandoned = %abandoned,
                claim = %state.claim,
                "leases could not be renewed in time; abandoning what this node held (other \
                 nodes take it over when the leases run out)"
            );
        }
        state.claim.clone()
    }

    /// A claim for new work: the current claim with a fresh lease.
    pub fn claim(&self) -> Claim {
        Claim {
            by: self.current(),
            until: self.clock.now().plus(self.length),
        }
    }

    /// Whether work claimed under `claim` may be attempted now.
    pub fn holds(&self, claim: &ClaimId) -> bool {
        self.current() == *claim
    }

    /// What a renewal starting now writes: the claim with a fresh lease, for every lease of it
    /// that ends before the returned time.
    pub fn renewal(&self) -> (Claim, Timestamp) {
        let now = self.clock.now();
        let claim = Claim {
            by: self.current(),
            until: now.plus(self.length),
        };
        (claim, now.plus(self.length / 2))
    }

    /// A renewal of `claim` that started at `started` succeeded.
    pub fn renewed(&self, claim: &ClaimId, started: Timestamp) {
        let mut state = self.state.lock().expect("lease state");
        if state.claim == *claim {
            state.horizon = state.horizon.max(started.plus(self.length / 2));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dispatch::clock::{Clock, FakeClock};

    /// A lease on a clock that moves only when the test says so.
    fn lease_on(node: &str, length: Duration) -> (Lease, Arc<FakeClock>) {
        let clock = FakeClock::starting_at(Timestamp::from_millis(1_800_000_000_000));
        (Lease::with_clock(node.into(), length, clock.clone()), clock)
    }

    #[test]
    fn a_claim_holds_until_its_horizon_passes_then_a_new_epoch_begins() {
        let (lease, clock) = lease_on("node-a", Duration::from_millis(40));
        let first = lease.current();
        assert_eq!(&*first, "node-a/0");
        clock.advance(Duration::from_millis(39));
        assert!(lease.holds(&first));
        clock.advance(Duration::from_millis(11));
        assert!(!lease.holds(&first), "the lapsed claim no longer holds");
        let second = lease.current();
        assert_eq!(&*second, "node-a/1");
        assert!(lease.holds(&second));
    }

    #[test]
    fn a_successful_renewal_moves_the_horizon_but_only_for_the_current_claim() {
        let (lease, clock) = lease_on("node-b", Duration::from_millis(60));
        let (claim, _) = lease.renewal();
        clock.advance(Duration::from_millis(45));
        lease.renewed(&claim.by, clock.now());
        clock.advance(Duration::from_millis(25));
        assert!(
            lease.holds(&claim.by),
            "renewed 25 ms ago with a 30 ms half-length"
        );
        let stale = ClaimId::of("node-b", 7);
        lease.renewed(&stale, clock.now().plus(Duration::from_secs(60)));
        clock.advance(Duration::from_millis(20));
        assert!(
            !lease.holds(&claim.by),
            "a stale claim's renewal does not count"
        );
    }
}
