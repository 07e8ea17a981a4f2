//! An inbox's lifecycle: create (within `max_inboxes_per_tenant`), change, delete. Each change
//! is stored and the registry `/in/` answers from reloaded (which, on PostgreSQL, signals the
//! other nodes to reload theirs).

use super::{OpError, Operations};
use crate::model::*;

/// An inbox to create, every field checked.
pub struct NewInbox {
    pub tenant: Tenant,
    pub name: String,
    pub description: String,
    pub settings: InboxSettings,
    pub secret: Option<InboxSecret>,
    pub playground: bool,
    pub active: bool,
}

/// An inbox after a change, every field checked (the unchanged ones as they were).
pub struct InboxChange {
    pub name: String,
    pub description: String,
    pub active: bool,
    pub settings: InboxSettings,
    pub secret: Option<InboxSecret>,
}

impl Operations {
    /// Creates an inbox: 409 when its tenant has `max_inboxes_per_tenant` (creations are taken
    /// one at a time, so concurrent ones cannot pass the limit together).
    pub async fn create_inbox(&self, new: NewInbox) -> Result<Inbox, OpError> {
        let limit = self.config.max_inboxes_per_tenant;
        let _creating = self.inboxes.creating().await;
        if self.inboxes.count_of(&new.tenant) as u64 >= limit {
            return Err(OpError::Conflict {
                code: "inbox_limit_reached",
                message: format!(
                    "Tenant {} has {limit} inboxes, the most hookd allows \
                     (max_inboxes_per_tenant); delete one first.",
                    new.tenant
                ),
            });
        }
        let now = Timestamp::now();
        let inbox = Inbox {
            id: InboxId::new(),
            tenant: new.tenant,
            name: new.name,
            description: new.description,
            settings: new.settings,
            secret: new.secret,
            playground: new.playground,
            expires_at: new.playground.then(|| now.plus(PLAYGROUND_LIFETIME)),
            active: new.active,
            created_at: now,
            updated_at: now,
        };
        self.store.insert_inbox(&inbox).await?;
        self.inboxes.reload().await?;
        tracing::info!(inbox_id = %inbox.id, tenant = %inbox.tenant, "inbox created");
        Ok(inbox)
    }

    /// Stores a change to an inbox the caller has read.
    pub async fn update_inbox(
        &self,
        mut inbox: Inbox,
        change: InboxChange,
    ) -> Result<Inbox, OpError> {
        inbox.name = change.name;
        inbox.description = change.description;
        inbox.active = change.active;
        inbox.settings = change.settings;
        inbox.secret = change.secret;
        inbox.updated_at = Timestamp::now();
        if !self.store.update_inbox(&inbox).await? {
            return Err(OpError::NotFound);
        }
        self.inboxes.reload().await?;
        Ok(inbox)
    }

    /// Deletes an inbox with its history.
    pub async fn delete_inbox(&self, scope: &Scope, id: &InboxId) -> Result<(), OpError> {
        if !self.store.delete_inbox(scope, id).await? {
            return Err(OpError::NotFound);
        }
        self.inboxes.reload().await?;
        tracing::info!(inbox_id = %id, "inbox deleted");
        Ok(())
    }
}
