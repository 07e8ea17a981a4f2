//! The failure streak in the engine: once a webhook's deliveries have failed in a row up to the
//! threshold, its lane starts no more attempts while the store disables it, and goes on if the
//! disable never comes.

use super::*;

/// A webhook whose deliveries each fail for good at their first attempt (no retries), with
/// its breaker off: the failure streak disables it.
fn failing_for_good(path: &str, max_in_flight: u32) -> Webhook {
    Webhook {
        retry_schedule: Some(RetrySchedule::parse::<&str>(&[]).unwrap()),
        breaker: Some(Breaker {
            enabled: false,
            ..Breaker::default()
        }),
        ..webhook(path, max_in_flight, None)
    }
}

/// Once a webhook's failure streak reaches the threshold, its lane starts no more attempts,
/// although deliveries are queued: no overshoot while the store disables it.
#[tokio::test(start_paused = true)]
async fn no_attempt_starts_once_the_streak_reaches_the_threshold() {
    let hook = failing_for_good("failing", 1);
    let rig = start(&[&hook], |clock| {
        FakeEndpoint::new(clock).answering(&[500; 30])
    });
    rig.submit(&hook, 30);
    rig.settle().await;
    assert_eq!(rig.sent_to(&hook).len(), DISABLE_AFTER as usize);
    rig.advance(Duration::from_secs(4)).await;
    assert_eq!(
        rig.sent_to(&hook).len(),
        DISABLE_AFTER as usize,
        "nothing more while the disable is on its way"
    );
}

/// Attempts running when failures begin finish, but once deliveries have failed in a row no
/// more run at once than failures are left before the threshold: with 10 in flight and a
/// threshold of 3, the 10 already running finish and nothing starts after them.
#[tokio::test(start_paused = true)]
async fn running_attempts_finish_and_none_starts_after_the_threshold() {
    let hook = failing_for_good("failing", 10);
    let mut rig = start(&[&hook], |clock| {
        FakeEndpoint::new(clock).answering(&[500; 30]).holding()
    });
    rig.submit(&hook, 30);
    rig.settle().await;
    assert_eq!(rig.endpoint.open(), 10);
    rig.endpoint.finish(30);
    rig.settle().await;
    assert_eq!(rig.sent_to(&hook).len(), 10);
    assert_eq!(rig.outcomes().len(), 10);
}

/// Failures one at a time leave no room to overshoot: with 10 allowed at once and a threshold
/// of 3, after the first failure at most two more run, and the streak stops at 3.
#[tokio::test(start_paused = true)]
async fn failures_one_at_a_time_stop_exactly_at_the_threshold() {
    let hook = failing_for_good("failing", 10);
    let rig = start(&[&hook], |clock| {
        FakeEndpoint::new(clock).answering(&[500; 30]).holding()
    });
    rig.submit(&hook, 1);
    rig.settle().await;
    rig.endpoint.finish(1);
    rig.settle().await;
    rig.submit(&hook, 29);
    rig.settle().await;
    assert_eq!(
        rig.endpoint.open(),
        2,
        "one failure so far: two more may run"
    );
    rig.endpoint.finish(1);
    rig.settle().await;
    assert_eq!(rig.endpoint.open(), 1, "two failures: only the one running");
    rig.endpoint.finish(30);
    rig.settle().await;
    assert_eq!(rig.sent_to(&hook).len(), DISABLE_AFTER as usize);
}

/// A 410 stops the lane at once, as the store disables the webhook as `gone`.
#[tokio::test(start_paused = true)]
async fn gone_stops_the_lane_at_once() {
    let hook = webhook("gone", 1, None);
    let rig = start(&[&hook], |clock| FakeEndpoint::new(clock).answering(&[410]));
    rig.submit(&hook, 5);
    rig.settle().await;
    assert_eq!(rig.sent_to(&hook).len(), 1);
}

/// A success sets the streak back: failures that are not in a row never stop a lane.
#[tokio::test(start_paused = true)]
async fn a_success_in_between_keeps_the_lane_going() {
    let hook = failing_for_good("flaky", 1);
    let rig = start(&[&hook], |clock| {
        FakeEndpoint::new(clock).answering(&[500, 500, 200, 500, 500, 200, 500, 500])
    });
    rig.submit(&hook, 8);
    rig.settle().await;
    assert_eq!(rig.sent_to(&hook).len(), 8);
}

/// A lane stopped for a disable that never comes (the webhook stays active: someone enabled it
/// again, or reset its streak) goes on after a while, from the directory's streak.
#[tokio::test(start_paused = true)]
async fn a_stopped_lane_goes_on_if_the_webhook_stays_active() {
    let hook = failing_for_good("failing", 1);
    let rig = start(&[&hook], |clock| {
        FakeEndpoint::new(clock).answering(&[500; 3])
    });
    rig.submit(&hook, 5);
    rig.settle().await;
    assert_eq!(rig.sent_to(&hook).len(), 3);
    rig.advance(STOP_RECHECK).await;
    assert_eq!(
        rig.sent_to(&hook).len(),
        5,
        "the two left went after the recheck"
    );
}
