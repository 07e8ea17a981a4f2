//! Attempt statistics per webhook and minute, as a batch of outcomes adds them up before the
//! backend writes them (`attempt_stats`). One rule for both backends: the SQL differs, what is
//! counted does not.

use crate::model::{Attempt, AttemptStatus, Tenant, WebhookId};
use crate::store::{LATENCY_BUCKETS, latency_bucket};
use std::collections::BTreeMap;

/// One minute of one webhook's attempts within a batch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MinuteTally {
    pub tenant: Tenant,
    pub succeeded: u64,
    pub failed: u64,
    pub latency_sum_ms: u64,
    /// The fastest attempt's duration (every tally holds at least one attempt).
    pub latency_min_ms: u32,
    /// The slowest attempt's duration.
    pub latency_max_ms: u32,
    pub histogram: [u64; LATENCY_BUCKETS],
}

impl MinuteTally {
    fn first(attempt: &Attempt) -> Self {
        let mut tally = Self {
            tenant: attempt.tenant.clone(),
            succeeded: 0,
            failed: 0,
            latency_sum_ms: 0,
            latency_min_ms: attempt.duration_ms,
            latency_max_ms: attempt.duration_ms,
            histogram: [0; LATENCY_BUCKETS],
        };
        tally.add(attempt);
        tally
    }

    fn add(&mut self, attempt: &Attempt) {
        match attempt.status {
            AttemptStatus::Succeeded => self.succeeded += 1,
            AttemptStatus::Failed => self.failed += 1,
        }
        self.latency_sum_ms += u64::from(attempt.duration_ms);
        self.latency_min_ms = self.latency_min_ms.min(attempt.duration_ms);
        self.latency_max_ms = self.latency_max_ms.max(attempt.duration_ms);
        self.histogram[latency_bucket(attempt.duration_ms)] += 1;
    }
}

/// The start (unix milliseconds) of the minute `millis` falls in.
pub fn minute_of(millis: i64) -> i64 {
    millis - millis.rem_euclid(60_000)
}

/// The attempts of a batch by (webhook, minute), sorted by that key (so that every node
/// updates rows in the same order and concurrent batches cannot deadlock).
pub fn tally_minutes<'a>(
    attempts: impl IntoIterator<Item = &'a Attempt>,
) -> BTreeMap<(WebhookId, i64), MinuteTally> {
    let mut minutes: BTreeMap<(WebhookId, i64), MinuteTally> = BTreeMap::new();
    for attempt in attempts {
        let key = (
            attempt.webhook_id.clone(),
            minute_of(attempt.created_at.as_millis()),
        );
        match minutes.get_mut(&key) {
            Some(tally) => tally.add(attempt),
            None => {
                minutes.insert(key, MinuteTally::first(attempt));
            }
        }
    }
    minutes
}

/// A minute's (or several minutes') fastest and slowest attempt as read back, or `None` when
/// some row was written before hookd kept them (`unknown` rows), since the range is then not
/// the whole truth.
pub fn known_range(min: Option<i64>, max: Option<i64>, unknown: i64) -> Option<(u64, u64)> {
    match (min, max) {
        (Some(min), Some(max)) if unknown == 0 => Some((min.max(0) as u64, max.max(0) as u64)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::*;

    fn attempt(webhook: &WebhookId, at_ms: i64, duration_ms: u32, ok: bool) -> Attempt {
        Attempt {
            id: AttemptId::new(),
            delivery_id: DeliveryId::new(),
            webhook_id: webhook.clone(),
            event_id: EventId::new(),
            tenant: Tenant::default_tenant(),
            event_type: EventName::parse("order.created").unwrap(),
            attempt: 1,
            status: if ok {
                AttemptStatus::Succeeded
            } else {
                AttemptStatus::Failed
            },
            response_code: Some(200),
            response_body: None,
            error: None,
            duration_ms,
            request_headers: Vec::new(),
            response_headers: Vec::new(),
            created_at: Timestamp::from_millis(at_ms),
        }
    }

    /// Attempts are counted per webhook and minute, with their outcome, the latency sum, the
    /// fastest and slowest, and the histogram bucket of each.
    #[test]
    fn attempts_are_tallied_per_webhook_and_minute() {
        let (a, b) = (WebhookId::new(), WebhookId::new());
        let attempts = [
            attempt(&a, 60_000, 0, true),
            attempt(&a, 119_999, 28, false),
            attempt(&a, 120_000, 7, true),
            attempt(&b, 60_500, 3, true),
        ];
        let minutes = tally_minutes(&attempts);
        assert_eq!(minutes.len(), 3);
        let first = &minutes[&(a.clone(), 60_000)];
        assert_eq!((first.succeeded, first.failed), (1, 1));
        assert_eq!(first.latency_sum_ms, 28);
        assert_eq!((first.latency_min_ms, first.latency_max_ms), (0, 28));
        assert_eq!(first.histogram[latency_bucket(0)], 1);
        assert_eq!(first.histogram[latency_bucket(28)], 1);
        assert_eq!(first.histogram.iter().sum::<u64>(), 2);
        assert_eq!(minutes[&(a, 120_000)].latency_max_ms, 7);
        assert_eq!(minutes[&(b, 60_000)].succeeded, 1);
    }
}
