//! Another attempt at what failed: one delivery by hand, or every delivery of a webhook that
//! ended failed since a time (after the receiver was fixed).

use super::audit::{Caller, Change};
use super::{OpError, Operations};
use crate::model::*;
use crate::store::{DeliveryQuery, Page, Requeue};
use std::collections::HashMap;

/// Attempts per second a bulk retry gives one webhook at most (fewer when its rate limit is
/// lower).
pub const RETRY_PACE: u32 = 10;
/// The most deliveries one bulk retry takes.
pub const MAX_BULK_RETRY: usize = 100_000;
/// Deliveries read, and re-queued, at a time.
const BATCH: usize = 500;
/// Deliveries in a dry run's sample.
const SAMPLE: usize = 10;

/// Which failed deliveries a bulk retry takes (all the caller can see when nothing is set).
#[derive(Debug, Clone, Default)]
pub struct FailedDeliveries {
    pub webhook: Option<WebhookId>,
    pub event_type: Option<EventName>,
    pub tenant: Option<Tenant>,
    /// Failed at or after this time.
    pub since: Option<Timestamp>,
    /// Failed at or before this time.
    pub until: Option<Timestamp>,
}

/// What a bulk retry did (or, in a dry run, would do).
pub struct BulkRetried {
    pub matched: usize,
    pub requeued: u64,
    /// Dry run: the first few, oldest first.
    pub sample: Vec<Delivery>,
    /// When the last of them gets its attempt (paced).
    pub last_due_at: Option<Timestamp>,
}

/// A delivery queued for one more attempt.
pub struct Retried {
    pub delivery_id: DeliveryId,
}

impl Operations {
    /// Queues one more attempt of a delivery, made now: by this node when it dispatches,
    /// otherwise by whichever worker's scan finds it first. 409 when its webhook is disabled or
    /// deleted.
    pub async fn retry_delivery(
        &self,
        caller: &Caller,
        id: &DeliveryId,
    ) -> Result<Retried, OpError> {
        let claim = self
            .dispatcher
            .dispatches()
            .then(|| self.dispatcher.lease().claim());
        match self
            .store
            .requeue_delivery(&caller.scope(), id, claim.as_ref())
            .await?
        {
            Requeue::NotFound => Err(OpError::NotFound),
            Requeue::WebhookInactive => Err(OpError::Conflict {
                code: "webhook_disabled",
                message: "Its webhook is disabled or deleted; enable it before retrying.".into(),
            }),
            Requeue::Queued(job) => {
                if let Some(job) = job {
                    self.dispatcher.submit_claimed(vec![job]);
                }
                tracing::info!(delivery_id = %id, "manual retry");
                let tenant = match &caller.principal {
                    Principal::Tenant { tenant, .. } => Some(tenant.clone()),
                    Principal::Admin => self
                        .store
                        .get_delivery(&Scope::All, id)
                        .await
                        .ok()
                        .flatten()
                        .map(|d| d.tenant),
                };
                let change = Change {
                    action: AuditAction::DeliveryRetried,
                    tenant: tenant.as_ref(),
                    target: id.as_str(),
                    detail: serde_json::json!({}),
                };
                self.audit(caller, change).await;
                Ok(Retried {
                    delivery_id: id.clone(),
                })
            }
        }
    }

    /// Re-queues every delivery of the webhook that ended failed at or after `since`, each for
    /// one more attempt, paced like any bulk retry; with `dry_run`, only counts them.
    pub async fn recover_webhook(
        &self,
        caller: &Caller,
        webhook: &Webhook,
        since: Timestamp,
        dry_run: bool,
    ) -> Result<BulkRetried, OpError> {
        let filter = FailedDeliveries {
            webhook: Some(webhook.id.clone()),
            since: Some(since),
            ..FailedDeliveries::default()
        };
        let retried = self
            .gather_and_requeue(&caller.scope(), &filter, dry_run)
            .await?;
        if !dry_run {
            tracing::info!(webhook_id = %webhook.id, requeued = retried.requeued, "failed deliveries re-queued");
            let change = Change {
                action: AuditAction::WebhookRecovered,
                tenant: Some(&webhook.tenant),
                target: webhook.id.as_str(),
                detail: serde_json::json!({"since": since.to_string(), "requeued": retried.requeued}),
            };
            self.audit(caller, change).await;
        }
        Ok(retried)
    }

    /// Re-queues every failed delivery the caller can see that matches, oldest first, each for
    /// one more attempt, paced per webhook (`pace`); with `dry_run`, only counts them and
    /// shows the first few. 422 on `since` when more than `MAX_BULK_RETRY` match.
    pub async fn retry_failed(
        &self,
        caller: &Caller,
        filter: FailedDeliveries,
        dry_run: bool,
    ) -> Result<BulkRetried, OpError> {
        let scope = caller.scope();
        let retried = self.gather_and_requeue(&scope, &filter, dry_run).await?;
        if !dry_run {
            tracing::info!(
                requeued = retried.requeued,
                "failed deliveries retried in bulk"
            );
            let change = Change {
                action: AuditAction::DeliveriesRetried,
                tenant: filter.tenant.as_ref().or(scope.tenant()),
                target: filter.webhook.as_ref().map_or("*", WebhookId::as_str),
                detail: serde_json::json!({
                    "webhook": filter.webhook.as_ref().map(WebhookId::as_str),
                    "event_type": filter.event_type.as_ref().map(EventName::as_str),
                    "tenant": filter.tenant.as_ref().map(Tenant::as_str),
                    "since": filter.since.map(|t| t.to_string()),
                    "until": filter.until.map(|t| t.to_string()),
                    "requeued": retried.requeued,
                }),
            };
            self.audit(caller, change).await;
        }
        Ok(retried)
    }

    async fn gather_and_requeue(
        &self,
        scope: &Scope,
        filter: &FailedDeliveries,
        dry_run: bool,
    ) -> Result<BulkRetried, OpError> {
        let mut matched = Vec::new();
        let mut before = None;
        loop {
            let batch = self
                .store
                .list_deliveries(&DeliveryQuery {
                    scope: scope.clone(),
                    page: Page {
                        limit: BATCH,
                        before: before.clone(),
                    },
                    status: Some(DeliveryStatus::Failed),
                    webhook: filter.webhook.clone(),
                    event_type: filter.event_type.clone(),
                    tenant: filter.tenant.clone(),
                    since: filter.since,
                    until: filter.until,
                })
                .await?;
            let done = batch.len() < BATCH;
            before = batch.last().map(|d| d.id.to_string());
            matched.extend(batch);
            if matched.len() > MAX_BULK_RETRY {
                return Err(OpError::field(
                    "since",
                    "too_many",
                    format!(
                        "more than {MAX_BULK_RETRY} failed deliveries match; retry a shorter \
                         window or one webhook at a time"
                    ),
                ));
            }
            if done {
                break;
            }
        }
        matched.reverse();
        let count = matched.len();
        if dry_run {
            matched.truncate(SAMPLE);
            return Ok(BulkRetried {
                matched: count,
                requeued: 0,
                sample: matched,
                last_due_at: None,
            });
        }
        let snapshot = self.directory.snapshot();
        let due = pace(&matched, Timestamp::now(), |webhook| {
            let limit = snapshot.webhook(webhook).and_then(|w| w.rate_limit);
            limit.map_or(RETRY_PACE, |limit| limit.clamp(1, RETRY_PACE))
        });
        let mut requeued = 0;
        for chunk in due.chunks(BATCH) {
            requeued += self.store.requeue_failed(chunk).await?;
        }
        Ok(BulkRetried {
            matched: count,
            requeued,
            sample: Vec::new(),
            last_due_at: due.iter().map(|(_, at)| *at).max(),
        })
    }
}

/// When each delivery gets its attempt: a webhook's `k`-th (oldest first) at `k / per_second`
/// seconds from `now`, so a receiver that just came back gets its backlog at a steady pace and
/// not at once (the webhook's `max_in_flight` and rate limit still apply on top).
pub fn pace(
    oldest_first: &[Delivery],
    now: Timestamp,
    per_second: impl Fn(&WebhookId) -> u32,
) -> Vec<(DeliveryId, Timestamp)> {
    let mut taken: HashMap<&WebhookId, u64> = HashMap::new();
    oldest_first
        .iter()
        .map(|delivery| {
            let k = taken.entry(&delivery.webhook_id).or_insert(0);
            let rate = u64::from(per_second(&delivery.webhook_id).max(1));
            let at = Timestamp::from_millis(now.as_millis() + (*k * 1000 / rate) as i64);
            *k += 1;
            (delivery.id.clone(), at)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn failed(id: &str, webhook: &WebhookId) -> Delivery {
        Delivery {
            id: DeliveryId::parse(id).unwrap(),
            event_id: EventId::new(),
            webhook_id: webhook.clone(),
            tenant: Tenant::default_tenant(),
            event_type: EventName::parse("a.b").unwrap(),
            status: DeliveryStatus::Failed,
            attempt_count: 4,
            next_attempt_at: None,
            created_at: Timestamp::from_millis(0),
            updated_at: Timestamp::from_millis(0),
        }
    }

    #[test]
    fn each_webhook_gets_its_backlog_at_its_own_pace_from_now() {
        let (a, b) = (WebhookId::new(), WebhookId::new());
        let ids: Vec<DeliveryId> = (0..5).map(|_| DeliveryId::new()).collect();
        let deliveries = [
            failed(ids[0].as_str(), &a),
            failed(ids[1].as_str(), &b),
            failed(ids[2].as_str(), &a),
            failed(ids[3].as_str(), &a),
            failed(ids[4].as_str(), &b),
        ];
        let now = Timestamp::from_millis(1_000_000);
        let due = pace(&deliveries, now, |w| if *w == a { 10 } else { 2 });
        let offsets: Vec<i64> = due
            .iter()
            .map(|(_, at)| at.as_millis() - 1_000_000)
            .collect();
        assert_eq!(offsets, [0, 0, 100, 200, 500]);
        assert_eq!(
            due.iter().map(|(id, _)| id.clone()).collect::<Vec<_>>(),
            ids
        );
    }

    #[test]
    fn a_pace_of_zero_is_taken_as_one_per_second() {
        let a = WebhookId::new();
        let deliveries = [
            failed(DeliveryId::new().as_str(), &a),
            failed(DeliveryId::new().as_str(), &a),
        ];
        let due = pace(&deliveries, Timestamp::from_millis(0), |_| 0);
        assert_eq!(due[1].1.as_millis(), 1000);
    }
}
