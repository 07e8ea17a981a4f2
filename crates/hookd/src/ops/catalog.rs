//! The event catalog: event types the admin declares (with an optional JSON Schema that
//! publishing then checks). Each change reloads the schemas publishing checks against.

use super::audit::{Caller, Change};
use super::{OpError, Operations};
use crate::model::*;
use crate::store::StoreError;

impl Operations {
    /// Declares an event type (its schema already compiled by the caller's parser): 409
    /// `already_exists` when one of that name exists.
    pub async fn create_event_type(
        &self,
        caller: &Caller,
        event_type: EventType,
    ) -> Result<EventType, OpError> {
        match self.store.insert_event_type(&event_type).await {
            Err(StoreError::Conflict(_)) => {
                return Err(OpError::Conflict {
                    code: "already_exists",
                    message: format!("The event type {} exists already.", event_type.name),
                });
            }
            other => other?,
        }
        self.publisher.schemas().reload().await?;
        let change = Change {
            action: AuditAction::EventTypeCreated,
            tenant: None,
            target: event_type.name.as_str(),
            detail: serde_json::json!({"schema": event_type.schema.is_some()}),
        };
        self.audit(caller, change).await;
        Ok(event_type)
    }

    /// Removes an event type from the catalog (events of that name may still be published).
    pub async fn delete_event_type(
        &self,
        caller: &Caller,
        name: &EventName,
    ) -> Result<(), OpError> {
        if !self.store.delete_event_type(name).await? {
            return Err(OpError::NotFound);
        }
        self.publisher.schemas().reload().await?;
        let change = Change {
            action: AuditAction::EventTypeDeleted,
            tenant: None,
            target: name.as_str(),
            detail: serde_json::json!({}),
        };
        self.audit(caller, change).await;
        Ok(())
    }
}
