//! A webhook's lifecycle: register (with its ping), change, delete, enable and disable, rotate
//! and reveal the secret. Each change is stored, the directory reloaded (which signals the other
//! nodes), and written to the audit log.

use super::audit::{Caller, Change};
use super::{OpError, Operations};
use crate::model::*;
use crate::store::Activation;

/// A webhook to register, every field checked.
pub struct NewWebhook {
    pub tenant: Tenant,
    pub url: WebhookUrl,
    pub events: Vec<EventPattern>,
    pub description: String,
    pub active: bool,
    pub filter: Option<Filter>,
    pub rate_limit: Option<u32>,
    pub max_in_flight: u32,
    pub timeout_ms: u32,
    pub retry_schedule: Option<RetrySchedule>,
    pub headers: CustomHeaders,
    pub secret: WebhookSecret,
    pub signature: SignatureOptions,
    pub payload: PayloadMode,
    pub ordering: Option<Ordering>,
    /// `None`: the server's defaults.
    pub breaker: Option<Breaker>,
    /// Send a `webhook.ping` once registered (only if active).
    pub ping: bool,
}

pub struct Created {
    pub webhook: Webhook,
    pub ping_event_id: Option<EventId>,
}

/// A change to a webhook, every field checked; `None` leaves a field as it is.
#[derive(Default)]
pub struct WebhookChange {
    pub url: Option<WebhookUrl>,
    pub events: Option<Vec<EventPattern>>,
    pub description: Option<String>,
    pub filter: Option<Option<Filter>>,
    pub rate_limit: Option<Option<u32>>,
    pub max_in_flight: Option<u32>,
    pub timeout_ms: Option<u32>,
    pub retry_schedule: Option<Option<RetrySchedule>>,
    pub headers: Option<CustomHeaders>,
    pub payload: Option<PayloadMode>,
    /// Applies to deliveries published after the change; waiting ones keep waiting.
    pub ordering: Option<Option<Ordering>>,
    /// The signature options after the change (the current ones when unchanged).
    pub signature: Option<SignatureOptions>,
    /// With a change of scheme: the secret of the new kind.
    pub new_secret: Option<WebhookSecret>,
    pub active: Option<bool>,
    /// `Some(None)`: back to the server's defaults.
    pub breaker: Option<Option<Breaker>>,
    /// The names of the fields given, for the audit log.
    pub fields: Vec<&'static str>,
}

pub struct Updated {
    pub webhook: Webhook,
    /// After a change of scheme: until when the previous secret keeps signing.
    pub previous_secret_expires_at: Option<Timestamp>,
}

pub struct Rotated {
    pub webhook: Webhook,
    pub previous_secret_expires_at: Timestamp,
}

impl Operations {
    /// Registers a webhook: 409 when its tenant has `max_webhooks_per_tenant`, 422 on a URL
    /// hookd may not send to; then stored, announced, audited and pinged.
    pub async fn create_webhook(
        &self,
        caller: &Caller,
        new: NewWebhook,
    ) -> Result<Created, OpError> {
        self.check_reachable(&new.url).await?;
        let creating = self.creating_webhooks.lock().await;
        let limit = self.config.max_webhooks_per_tenant;
        if self.directory.snapshot().webhooks_of(&new.tenant) as u64 >= limit {
            return Err(OpError::Conflict {
                code: "webhook_limit_reached",
                message: format!(
                    "Tenant {} has {limit} webhooks, the most hookd allows \
                     (max_webhooks_per_tenant); delete one first.",
                    new.tenant
                ),
            });
        }
        let now = Timestamp::now();
        let webhook = Webhook {
            id: WebhookId::new(),
            tenant: new.tenant,
            url: new.url,
            events: new.events,
            description: new.description,
            active: new.active,
            disabled_reason: (!new.active).then_some(DisabledReason::Manual),
            filter: new.filter,
            rate_limit: new.rate_limit,
            max_in_flight: new.max_in_flight,
            timeout_ms: new.timeout_ms,
            retry_schedule: new.retry_schedule,
            headers: new.headers,
            secret: new.secret,
            previous_secret: None,
            signature: new.signature,
            failure_streak: 0,
            payload: new.payload,
            ordering: new.ordering,
            breaker: new.breaker,
            circuit: Circuit::default(),
            created_at: now,
            updated_at: now,
        };
        self.store.insert_webhook(&webhook).await?;
        self.directory.reload().await?;
        drop(creating);
        tracing::info!(webhook_id = %webhook.id, tenant = %webhook.tenant, "webhook registered");
        let change = Change {
            action: AuditAction::WebhookCreated,
            tenant: Some(&webhook.tenant),
            target: webhook.id.as_str(),
            detail: serde_json::json!({"url": webhook.url.as_str()}),
        };
        self.audit(caller, change).await;
        let ping_event_id = if new.ping && webhook.active {
            self.ping(&webhook).await
        } else {
            None
        };
        Ok(Created {
            webhook,
            ping_event_id,
        })
    }

    /// Applies a change to a webhook the caller has read: 422 on a new URL hookd may not send
    /// to; a new scheme's secret replaces the current one, which keeps signing for a while.
    pub async fn update_webhook(
        &self,
        caller: &Caller,
        mut webhook: Webhook,
        change: WebhookChange,
    ) -> Result<Updated, OpError> {
        if let Some(url) = change.url {
            self.check_reachable(&url).await?;
            webhook.url = url;
        }
        if let Some(events) = change.events {
            webhook.events = events;
        }
        if let Some(description) = change.description {
            webhook.description = description;
        }
        if let Some(filter) = change.filter {
            webhook.filter = filter;
        }
        if let Some(rate_limit) = change.rate_limit {
            webhook.rate_limit = rate_limit;
        }
        if let Some(max_in_flight) = change.max_in_flight {
            webhook.max_in_flight = max_in_flight;
        }
        if let Some(timeout_ms) = change.timeout_ms {
            webhook.timeout_ms = timeout_ms;
        }
        if let Some(schedule) = change.retry_schedule {
            webhook.retry_schedule = schedule;
        }
        if let Some(headers) = change.headers {
            webhook.headers = headers;
        }
        if let Some(payload) = change.payload {
            webhook.payload = payload;
        }
        if let Some(ordering) = change.ordering {
            webhook.ordering = ordering;
        }
        if let Some(signature) = change.signature {
            webhook.signature = signature;
        }
        if let Some(breaker) = change.breaker {
            webhook.breaker = breaker;
            if !webhook.breaker().enabled {
                // The store closes the circuit of a breaker turned off.
                webhook.circuit = Circuit::default();
            }
        }
        let now = Timestamp::now();
        webhook.updated_at = now;
        let previous_secret_expires_at = change
            .new_secret
            .map(|secret| webhook.rotate_secret(secret, now));
        if !self.store.update_webhook(&webhook).await? {
            return Err(OpError::NotFound);
        }
        if let Some(active) = change.active.filter(|active| *active != webhook.active) {
            let activation = if active {
                Activation::Enable
            } else {
                Activation::Disable(DisabledReason::Manual)
            };
            webhook = self
                .store
                .set_webhook_active(&caller.scope(), &webhook.id, activation)
                .await?
                .ok_or(OpError::NotFound)?;
        }
        self.directory.reload().await?;
        let audited = Change {
            action: AuditAction::WebhookUpdated,
            tenant: Some(&webhook.tenant),
            target: webhook.id.as_str(),
            detail: serde_json::json!({"fields": change.fields}),
        };
        self.audit(caller, audited).await;
        if previous_secret_expires_at.is_some() {
            let scheme = webhook.scheme().as_str();
            tracing::info!(webhook_id = %webhook.id, scheme, "signature scheme changed");
        }
        Ok(Updated {
            webhook,
            previous_secret_expires_at,
        })
    }

    /// Deletes a webhook; its pending deliveries are cancelled.
    pub async fn delete_webhook(&self, caller: &Caller, id: &WebhookId) -> Result<(), OpError> {
        let tenant = self
            .directory
            .snapshot()
            .webhook(id)
            .map(|w| w.tenant.clone());
        if !self.store.delete_webhook(&caller.scope(), id).await? {
            return Err(OpError::NotFound);
        }
        self.directory.reload().await?;
        tracing::info!(webhook_id = %id, "webhook deleted");
        let change = Change {
            action: AuditAction::WebhookDeleted,
            tenant: tenant.as_ref(),
            target: id.as_str(),
            detail: serde_json::json!({}),
        };
        self.audit(caller, change).await;
        Ok(())
    }

    /// Enables (clearing the reason and the failure streak: waiting deliveries resume) or
    /// disables a webhook by hand.
    pub async fn set_webhook_active(
        &self,
        caller: &Caller,
        id: &WebhookId,
        activation: Activation,
    ) -> Result<Webhook, OpError> {
        let webhook = self
            .store
            .set_webhook_active(&caller.scope(), id, activation)
            .await?
            .ok_or(OpError::NotFound)?;
        self.directory.reload().await?;
        let action = match activation {
            Activation::Enable => AuditAction::WebhookEnabled,
            Activation::Disable(_) => AuditAction::WebhookDisabled,
        };
        let change = Change {
            action,
            tenant: Some(&webhook.tenant),
            target: webhook.id.as_str(),
            detail: serde_json::json!({}),
        };
        self.audit(caller, change).await;
        Ok(webhook)
    }

    /// Makes `secret` the webhook's; the previous one keeps signing for `ROTATION_OVERLAP`.
    pub async fn rotate_secret(
        &self,
        caller: &Caller,
        mut webhook: Webhook,
        secret: WebhookSecret,
    ) -> Result<Rotated, OpError> {
        let now = Timestamp::now();
        let expires_at = webhook.rotate_secret(secret, now);
        webhook.updated_at = now;
        if !self.store.update_webhook(&webhook).await? {
            return Err(OpError::NotFound);
        }
        self.directory.reload().await?;
        tracing::info!(webhook_id = %webhook.id, "secret rotated");
        let change = Change {
            action: AuditAction::WebhookSecretRotated,
            tenant: Some(&webhook.tenant),
            target: webhook.id.as_str(),
            detail: serde_json::json!({"previous_secret_expires_at": expires_at.to_string()}),
        };
        self.audit(caller, change).await;
        Ok(Rotated {
            webhook,
            previous_secret_expires_at: expires_at,
        })
    }

    /// Shows a webhook's secret to the caller, leaving an audit entry that it was shown.
    pub async fn reveal_secret(&self, caller: &Caller, webhook: &Webhook) {
        let change = Change {
            action: AuditAction::WebhookSecretRevealed,
            tenant: Some(&webhook.tenant),
            target: webhook.id.as_str(),
            detail: serde_json::json!({}),
        };
        self.audit(caller, change).await;
    }
}
