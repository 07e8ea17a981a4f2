//! The statistics' percentiles, checked against distributions whose answer is known.

use super::*;
use crate::store::latency_bucket;

/// The histogram and range of a list of attempt durations, as the stats table keeps them.
fn observed(durations: &[u32]) -> ([u64; LATENCY_BUCKETS], Option<(u64, u64)>) {
    let mut histogram = [0u64; LATENCY_BUCKETS];
    for &d in durations {
        histogram[latency_bucket(d)] += 1;
    }
    let min = durations.iter().min().map(|&d| u64::from(d));
    let max = durations.iter().max().map(|&d| u64::from(d));
    (histogram, min.zip(max))
}

fn minute(durations: &[u32]) -> MinuteStats {
    let (histogram, range) = observed(durations);
    MinuteStats {
        minute: Timestamp::from_millis(0),
        succeeded: durations.len() as u64,
        failed: 0,
        latency_sum_ms: durations.iter().map(|&d| u64::from(d)).sum(),
        latency_histogram: histogram,
        latency_range_ms: range,
    }
}

/// Two attempts of 0 and 28 ms: no percentile is above 28 ms (it used to say p95 47.5 and
/// p99 49.5), and none is below 0.
#[test]
fn percentiles_of_two_attempts_stay_within_them() {
    let (histogram, range) = observed(&[0, 28]);
    for q in [0.5, 0.95, 0.99] {
        let p = percentile(&histogram, range, q).unwrap();
        assert!((0.0..=28.0).contains(&p), "q{q} = {p}");
    }
    assert!(percentile(&histogram, range, 0.99).unwrap() > 25.0);
}

/// Every attempt the same duration: every percentile is that duration.
#[test]
fn percentiles_of_equal_attempts_are_that_duration() {
    for duration in [0, 7, 28, 700, 20_000] {
        let (histogram, range) = observed(&[duration; 50]);
        for q in [0.5, 0.95, 0.99] {
            assert_eq!(
                percentile(&histogram, range, q),
                Some(f64::from(duration)),
                "{duration} ms, q{q}"
            );
        }
    }
}

/// Durations 1, 2, ..., 100 ms: each percentile lies in the bucket of the true value and
/// within the observed range.
#[test]
fn percentiles_of_a_uniform_spread_fall_in_the_true_bucket() {
    let durations: Vec<u32> = (1..=100).collect();
    let (histogram, range) = observed(&durations);
    for (q, truth) in [(0.5, 50u32), (0.95, 95), (0.99, 99)] {
        let p = percentile(&histogram, range, q).unwrap();
        let bucket = latency_bucket(truth);
        let lower = if bucket == 0 {
            0.0
        } else {
            f64::from(LATENCY_BOUNDS_MS[bucket - 1])
        };
        let upper = f64::from(LATENCY_BOUNDS_MS[bucket]);
        assert!(p >= lower && p <= upper, "q{q} = {p}, true {truth}");
        assert!(p <= 100.0);
    }
}

/// Without a known range (minutes recorded before hookd kept one), the bucket's own bounds
/// are used; with no attempts there is no percentile.
#[test]
fn percentiles_without_a_range_use_the_bucket_bounds() {
    let mut histogram = [0u64; LATENCY_BUCKETS];
    histogram[0] = 50; // <= 1 ms
    histogram[3] = 50; // 5..10 ms
    assert_eq!(percentile(&histogram, None, 0.5), Some(1.0));
    assert_eq!(percentile(&histogram, None, 0.99), Some(5.0 + 5.0 * 0.98));
    assert_eq!(percentile(&[0; LATENCY_BUCKETS], None, 0.5), None);
}

/// The summary over several minutes: min and max across them, percentiles clamped to them,
/// and the attempt success rate; one minute without a range makes the range unknown.
#[test]
fn the_summary_reports_the_observed_range() {
    let rows = [minute(&[0]), minute(&[28])];
    let stats = summarise(&rows, "1h".into(), 0, 1, 60);
    assert_eq!(stats.latency_ms.min, Some(0));
    assert_eq!(stats.latency_ms.max, Some(28));
    assert!(stats.latency_ms.p99.unwrap() <= 28.0);
    assert_eq!(stats.attempt_success_rate, Some(1.0));
    assert_eq!(stats.latency_ms.average, Some(14.0));

    let mut legacy = minute(&[40]);
    legacy.latency_range_ms = None;
    let stats = summarise(&[minute(&[0]), legacy], "1h".into(), 0, 1, 60);
    assert_eq!((stats.latency_ms.min, stats.latency_ms.max), (None, None));
}
