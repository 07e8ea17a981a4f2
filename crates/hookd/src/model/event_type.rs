//! The event type catalog: names the application publishes, with an optional JSON Schema that
//! every event's `data` must satisfy.

use super::{EventName, EventTypeId, Timestamp};

#[derive(Debug, Clone, PartialEq)]
pub struct EventType {
    pub id: EventTypeId,
    pub name: EventName,
    pub description: String,
    /// A JSON Schema (already checked to compile) for `data`.
    pub schema: Option<serde_json::Value>,
    pub created_at: Timestamp,
}
