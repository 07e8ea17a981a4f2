//! Another attempt at what failed: one delivery by hand, or every delivery of a webhook that
//! ended failed since a time (after the receiver was fixed).

use super::audit::{Caller, Change};
use super::{OpError, Operations};
use crate::model::*;
use crate::store::Requeue;

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
                    self.dispatcher
                        .capacity()
                        .hold_claimed(&job.webhook_id, job.payload.len());
                    self.dispatcher.submit(vec![job]);
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
    /// one more attempt; answers how many.
    pub async fn recover_webhook(
        &self,
        caller: &Caller,
        webhook: &Webhook,
        since: Timestamp,
    ) -> Result<u64, OpError> {
        let requeued = self.store.recover_failed(&webhook.id, since).await?;
        tracing::info!(webhook_id = %webhook.id, requeued, "failed deliveries re-queued");
        let change = Change {
            action: AuditAction::WebhookRecovered,
            tenant: Some(&webhook.tenant),
            target: webhook.id.as_str(),
            detail: serde_json::json!({"since": since.to_string(), "requeued": requeued}),
        };
        self.audit(caller, change).await;
        Ok(requeued)
    }
}
