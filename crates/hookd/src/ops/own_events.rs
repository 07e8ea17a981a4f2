//! hookd's own events, built here and nowhere else: `webhook.ping` (to a webhook just
//! registered) and `webhook.disabled` (to the tenant's subscribers, whichever path disabled
//! it: the dispatcher's failure streak or 410 Gone, or a test answered 410). A new event of
//! hookd's goes here, with its name in `model::event_name::HOOKD_EVENTS` (names under `webhook.` are reserved).

use super::Operations;
use crate::model::*;
use crate::publish::{Publication, Published, Targets};
use crate::store::DisabledWebhook;

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

    /// After webhooks were disabled by what their receivers answered: refreshes the directory
    /// (so no new event goes to them, here and on the other nodes) and publishes
    /// `webhook.disabled` to each one's tenant. Failures are logged; the disable stands.
    pub async fn announce_disabled(&self, disabled: &[DisabledWebhook]) {
        if disabled.is_empty() {
            return;
        }
        if let Err(error) = self.directory.reload().await {
            tracing::warn!(%error, "could not refresh webhooks after a disable");
        }
        for webhook in disabled {
            let data = serde_json::json!({
                "webhook_id": webhook.id.as_str(),
                "url": webhook.url,
                "reason": webhook.reason.as_str(),
                "failure_streak": webhook.failure_streak,
            });
            let publication = own_event(
                &webhook.tenant,
                "webhook.disabled",
                &data,
                Targets::Subscribers,
            );
            if let Err(error) = self
                .publisher
                .publish(vec![publication], |_| String::new())
                .await
            {
                tracing::error!(webhook_id = %webhook.id, %error, "could not publish webhook.disabled");
            }
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
