//! The audit log: who changed what through the API, and when. An entry names the actor (the
//! admin token, a tenant token, or the command line), the tenant it acted in, what it did to
//! which resource, and which fields changed; never a secret's or a custom header's value.

use super::{AuditId, Tenant, Timestamp, TokenId};

/// Who made a change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Actor {
    /// The admin token.
    Admin,
    /// A tenant token.
    Token(TokenId),
    /// A command run on the server's machine (`hookd admin-token --reset`, `hookd rekey`).
    CommandLine,
}

impl Actor {
    pub fn as_string(&self) -> String {
        match self {
            Actor::Admin => "admin".to_owned(),
            Actor::Token(id) => id.to_string(),
            Actor::CommandLine => "command_line".to_owned(),
        }
    }

    /// Reads back what `as_string` wrote.
    pub fn from_stored(text: &str) -> Self {
        match text {
            "admin" => Actor::Admin,
            "command_line" => Actor::CommandLine,
            id => Actor::Token(TokenId::from_trusted(id.to_owned())),
        }
    }
}

/// What was done: `<resource>.<verb>`, a closed list so that filters and readers can rely on
/// the names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AuditAction {
    WebhookCreated,
    WebhookUpdated,
    WebhookDeleted,
    WebhookEnabled,
    WebhookDisabled,
    WebhookSecretRevealed,
    WebhookSecretRotated,
    WebhookTested,
    WebhookRecovered,
    DeliveryRetried,
    DeliveriesRetried,
    EventTypeCreated,
    EventTypeDeleted,
    TokenCreated,
    TokenRevoked,
    AdminTokenReset,
}

impl AuditAction {
    pub const ALL: [AuditAction; 16] = [
        AuditAction::WebhookCreated,
        AuditAction::WebhookUpdated,
        AuditAction::WebhookDeleted,
        AuditAction::WebhookEnabled,
        AuditAction::WebhookDisabled,
        AuditAction::WebhookSecretRevealed,
        AuditAction::WebhookSecretRotated,
        AuditAction::WebhookTested,
        AuditAction::WebhookRecovered,
        AuditAction::DeliveryRetried,
        AuditAction::DeliveriesRetried,
        AuditAction::EventTypeCreated,
        AuditAction::EventTypeDeleted,
        AuditAction::TokenCreated,
        AuditAction::TokenRevoked,
        AuditAction::AdminTokenReset,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            AuditAction::WebhookCreated => "webhook.created",
            AuditAction::WebhookUpdated => "webhook.updated",
            AuditAction::WebhookDeleted => "webhook.deleted",
            AuditAction::WebhookEnabled => "webhook.enabled",
            AuditAction::WebhookDisabled => "webhook.disabled",
            AuditAction::WebhookSecretRevealed => "webhook.secret_revealed",
            AuditAction::WebhookSecretRotated => "webhook.secret_rotated",
            AuditAction::WebhookTested => "webhook.tested",
            AuditAction::WebhookRecovered => "webhook.recovered",
            AuditAction::DeliveryRetried => "delivery.retried",
            AuditAction::DeliveriesRetried => "deliveries.retried",
            AuditAction::EventTypeCreated => "event_type.created",
            AuditAction::EventTypeDeleted => "event_type.deleted",
            AuditAction::TokenCreated => "token.created",
            AuditAction::TokenRevoked => "token.revoked",
            AuditAction::AdminTokenReset => "admin_token.reset",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|action| action.as_str() == text)
    }
}

/// One change.
#[derive(Debug, Clone, PartialEq)]
pub struct AuditEntry {
    pub id: AuditId,
    pub at: Timestamp,
    pub actor: Actor,
    /// The tenant the change was made in (the resource's); `None` for server-wide changes
    /// (event types, tokens, the admin token).
    pub tenant: Option<Tenant>,
    pub action: AuditAction,
    /// The id or name of what was changed.
    pub target: String,
    /// What else is worth knowing, as a JSON object: the names of the fields a PATCH changed,
    /// a test's outcome, how many deliveries a recover re-queued. Never a secret.
    pub detail: serde_json::Value,
    /// The address the request came from (`None` for the command line).
    pub source_ip: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every action's name reads back as that action, and the names are distinct.
    #[test]
    fn action_names_round_trip() {
        let mut names = std::collections::HashSet::new();
        for action in AuditAction::ALL {
            assert_eq!(AuditAction::parse(action.as_str()), Some(action));
            assert!(names.insert(action.as_str()));
        }
        assert_eq!(AuditAction::parse("webhook.exploded"), None);
    }

    /// Actors read back as written.
    #[test]
    fn actors_round_trip() {
        for actor in [
            Actor::Admin,
            Actor::CommandLine,
            Actor::Token(TokenId::new()),
        ] {
            assert_eq!(Actor::from_stored(&actor.as_string()), actor);
        }
    }
}
