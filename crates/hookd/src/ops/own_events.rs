//! hookd's own events, built here and nowhere else: `webhook.ping` (to a webhook just
//! registered, and as the probe of an open circuit with no delivery waiting),
//! `webhook.disabled` (to the tenant's subscribers, whichever path disabled it: the
//! dispatcher's failure streak, 410 Gone, a circuit open too long, or a test answered 410), and
//! `webhook.circuit_opened` / `webhook.circuit_closed` (to the tenant's subscribers). A new event of
//! hookd's goes here, with its name in `model::event_name::HOOKD_EVENTS` (names under `webhook.` are reserved).

use super::Operations;
use crate::dispatch::prober::ProbePing;
use crate::model::*;
use crate::publish::{Publication, Published, Targets};
use crate::store::WebhookNews;
use crate::store::rules::circuit::Transition;

impl Operations {
    /// Publishes a `webhook.ping` to this webhook only, answering its event's id. A failure
    /// here undoes nothing (the registration stands); it is logged.
    pub(crate) async fn ping(&self, webhook: &Webhook) -> Option<EventId> {
        let data = serde_json::json!({
            "webhook_id": webhook.id.as_str(),
            "message": "hookd is checking that this endpoint receives webhooks.",
        });
        let publication = own_event(
            &webhook.tenant,
            "webhook.ping",
            &data,
            Targets::Exactly(webhook.id.clone()),
        );
        match self
            .publisher
            .publish(vec![publication], |_| String::new())
            .await
        {
            Ok(published) => published.into_iter().next().map(|p| match p {
                Published::Created { id, .. } => id,
                Published::Duplicate(summary) => summary.id,
            }),
            Err(error) => {
                tracing::warn!(webhook_id = %webhook.id, %error, "could not publish the registration ping");
                None
            }
        }
    }

    /// After outcomes changed webhooks (disabled them, or moved their circuits): refreshes
    /// the directory (so no new event goes to a disabled webhook and every lane sees the
    /// circuit, here and on the other nodes, which the store signalled) and publishes
    /// `webhook.disabled`, `webhook.circuit_opened` and `webhook.circuit_closed` to each one's
    /// tenant. Failures are logged; the changes stand.
    pub async fn announce(&self, news: &[WebhookNews]) {
        if news.is_empty() {
            return;
        }
        if let Err(error) = self.directory.reload().await {
            tracing::warn!(%error, "could not refresh webhooks after a change of their health");
        }
        for item in news {
            let Some((tenant, id, name, data)) = own_event_of(item) else {
                continue;
            };
            let publication = own_event(tenant, name, &data, Targets::Subscribers);
            if let Err(error) = self
                .publisher
                .publish(vec![publication], |_| String::new())
                .await
            {
                tracing::error!(webhook_id = %id, %error, event = name, "could not publish hookd's own event");
            }
        }
    }
}

#[async_trait::async_trait]
impl ProbePing for Operations {
    async fn ping_for_probe(&self, webhook: &Webhook) -> bool {
        self.ping(webhook).await.is_some()
    }
}

/// The event a piece of news makes, if any: its tenant, webhook, name and data.
fn own_event_of(
    news: &WebhookNews,
) -> Option<(&Tenant, &WebhookId, &'static str, serde_json::Value)> {
    match news {
        WebhookNews::Disabled(webhook) => Some((
            &webhook.tenant,
            &webhook.id,
            "webhook.disabled",
            serde_json::json!({
                "webhook_id": webhook.id.as_str(),
                "url": webhook.url,
                "reason": webhook.reason.as_str(),
                "failure_streak": webhook.failure_streak,
            }),
        )),
        WebhookNews::Circuit(change) => {
            let name = match change.transition {
                Transition::Opened => "webhook.circuit_opened",
                Transition::Closed => "webhook.circuit_closed",
                // Still open: already announced.
                Transition::Reopened | Transition::DisabledOpenTooLong => return None,
            };
            let circuit = &change.circuit;
            Some((
                &change.tenant,
                &change.id,
                name,
                serde_json::json!({
                    "webhook_id": change.id.as_str(),
                    "url": change.url,
                    "reason": circuit.reason,
                    "opened_at": circuit.opened_at,
                    "next_probe_at": circuit.next_probe_at,
                    "failures": circuit.failures,
                }),
            ))
        }
    }
}

/// One of hookd's own events, in a tenant.
fn own_event(
    tenant: &Tenant,
    name: &'static str,
    data: &serde_json::Value,
    targets: Targets,
) -> Publication {
    Publication {
        tenant: tenant.clone(),
        event_type: EventName::parse(name).expect("hookd's own event names are valid"),
        data: serde_json::value::to_raw_value(data).expect("a JSON value encodes"),
        idempotency_key: None,
        targets,
        origin: None,
        trace: None,
    }
}
