//! A webhook's synchronous test: one real request to the receiver, now, without retries, passing
//! the same outbound limits as any delivery, logged as an attempt like any other. What the
//! receiver answers counts as for a delivery: 410 Gone disables the webhook and announces it.

use super::audit::{Caller, Change};
use super::{OpError, Operations};
use crate::dispatch::{Target, count_recorded, perform};
use crate::model::*;
use crate::store::rules::job::ClaimedDelivery;
use std::sync::Arc;

/// What to send in a test: an event of the application's, or (`None`) a `webhook.ping`.
pub struct TestEvent {
    pub event_type: EventName,
    pub data: Box<serde_json::value::RawValue>,
}

/// The one attempt a test made.
pub struct Tested {
    pub attempt: Attempt,
    pub event_id: EventId,
    pub delivery_id: DeliveryId,
}

impl Operations {
    /// Sends `event` (or a `webhook.ping`) to the webhook now. The event follows the rules of
    /// publishing: a name of the application's, `data` within `max_event_bytes`, the type's
    /// schema. 429 (`OpError::Busy`) when a limit holds the request back.
    pub async fn test_webhook(
        &self,
        caller: &Caller,
        webhook: Webhook,
        event: Option<TestEvent>,
    ) -> Result<Tested, OpError> {
        let (event_type, data) = match event {
            Some(event) => self.check_test_event(event)?,
            None => (
                EventName::parse("webhook.ping").expect("hookd's own event names are valid"),
                serde_json::json!({"webhook_id": webhook.id.as_str(), "message": "A test from hookd."})
                    .to_string(),
            ),
        };
        let pass = self
            .gates
            .try_enter(&webhook, std::time::Instant::now())
            .map_err(OpError::Busy)?;
        let now = Timestamp::now();
        let event_id = EventId::new();
        let delivery_id = DeliveryId::new();
        let payload = encode_payload(&event_id, &event_type, now, &data);
        let event = NewEvent {
            id: event_id.clone(),
            tenant: webhook.tenant.clone(),
            event_type: event_type.clone(),
            idempotency_key: None,
            payload: payload.clone(),
            created_at: now,
            deliveries: vec![NewDelivery {
                id: delivery_id.clone(),
                webhook_id: webhook.id.clone(),
                claimed: true,
                even_if_disabled: true,
                waits_for_circuit: false,
                // A test is sent now, outside the webhook's order.
                order_key: None,
            }],
            inbox_request_id: None,
            trace: None,
        };
        let claim = self.dispatcher.lease().claim();
        self.store.insert_events(&claim, vec![event]).await?;
        let body = EventBody {
            payload,
            original: None,
            trace: None,
        };
        let job = ClaimedDelivery {
            delivery_id: delivery_id.clone(),
            event_id: event_id.clone(),
            webhook_id: webhook.id.clone(),
            tenant: webhook.tenant.clone(),
            event_type: event_type.clone(),
            attempt_count: 0,
            manual: true,
        }
        .next_attempt(&body, &claim.by);
        let (tenant, webhook_id) = (webhook.tenant.clone(), webhook.id.clone());
        let target = Target::new(Arc::new(webhook), &self.config.retry_schedule);
        let outcome = perform(
            &self.outbound,
            &self.config.user_agent,
            &target,
            &job,
            CircuitRole::Test,
        )
        .await;
        drop(pass);
        let attempt = outcome.attempt.clone();
        let outcomes: Arc<[AttemptOutcome]> = Arc::from([outcome]);
        let recorded = self
            .store
            .record_outcomes(outcomes.clone(), self.config.disable_after_failures)
            .await?;
        count_recorded(&outcomes);
        self.announce(&recorded.news).await;
        let change = Change {
            action: AuditAction::WebhookTested,
            tenant: Some(&tenant),
            target: webhook_id.as_str(),
            detail: serde_json::json!({
                "type": event_type.as_str(),
                "success": attempt.status == AttemptStatus::Succeeded,
                "response_code": attempt.response_code,
            }),
        };
        self.audit(caller, change).await;
        Ok(Tested {
            attempt,
            event_id,
            delivery_id,
        })
    }

    /// The event a test sends, checked by the rules of publishing.
    fn check_test_event(&self, event: TestEvent) -> Result<(EventName, String), OpError> {
        if event.event_type.is_reserved() {
            return Err(OpError::field(
                "type",
                "reserved_event_name",
                "names starting with webhook. are hookd's own; omit the body to send a webhook.ping",
            ));
        }
        let limit = self.config.max_event_bytes;
        let data = event.data.get();
        if data.len() > limit {
            return Err(OpError::field(
                "data",
                "too_large",
                format!("must be at most {limit} bytes"),
            ));
        }
        check_unambiguous(data)
            .map_err(|problem| OpError::field("data", problem.code(), problem.to_string()))?;
        let schemas = self.publisher.schemas();
        let name = event.event_type.as_str();
        if schemas.has_schema(name) {
            let value: serde_json::Value = serde_json::from_str(data)
                .map_err(|e| OpError::field("data", "invalid_json", e.to_string()))?;
            schemas
                .check(name, &value)
                .map_err(|message| OpError::field("data", "schema_mismatch", message))?;
        }
        Ok((event.event_type, data.to_owned()))
    }
}
