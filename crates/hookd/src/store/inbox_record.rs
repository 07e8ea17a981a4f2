//! Inbox and inbox request rows as both backends store them, with their conversions: the
//! settings as the JSON the API shows, the secret sealed (`sealing`) like webhook secrets.

use super::record::{Corrupt, RowError, json};
use super::sealing::Sealer;
use crate::model::*;
use bytes::Bytes;

pub const INBOX_COLUMNS: &str = "id, tenant, name, description, settings, secret, playground, \
    expires_at, active, created_at, updated_at";

/// Without `body`: the size stands in its place (`length(body)`), for listings.
pub const INBOX_REQUEST_SUMMARY_COLUMNS: &str = "id, inbox_id, seq, tenant, received_at, method, \
    path, query, source_ip, headers, original_headers, verified, verify_error, duplicate_of, \
    event_id, length(body)";

/// The `inboxes` row.
pub struct InboxRecord {
    pub id: String,
    pub tenant: String,
    pub name: String,
    pub description: String,
    /// JSON object: `InboxSettings::to_json`.
    pub settings: String,
    /// Sealed when the store has a key.
    pub secret: Option<String>,
    pub playground: bool,
    pub expires_at: Option<i64>,
    pub active: bool,
    pub created_at: i64,
    pub updated_at: i64,
}

impl InboxRecord {
    pub fn of(inbox: &Inbox, sealer: &Sealer) -> Self {
        Self {
            id: inbox.id.as_str().to_owned(),
            tenant: inbox.tenant.as_str().to_owned(),
            name: inbox.name.clone(),
            description: inbox.description.clone(),
            settings: inbox.settings.to_json().to_string(),
            secret: inbox
                .secret
                .as_ref()
                .map(|s| sealer.seal(s.expose(), inbox.id.as_str())),
            playground: inbox.playground,
            expires_at: inbox.expires_at.map(Timestamp::as_millis),
            active: inbox.active,
            created_at: inbox.created_at.as_millis(),
            updated_at: inbox.updated_at.as_millis(),
        }
    }

    pub fn into_inbox(self, sealer: &Sealer) -> Result<Inbox, RowError> {
        let settings: serde_json::Map<String, serde_json::Value> =
            json(&self.settings, "settings")?;
        let settings = InboxSettings::from_json(&settings, self.playground)
            .map_err(|_| Corrupt("settings"))?;
        let secret = self
            .secret
            .map(|stored| sealer.open(&stored, &self.id).map_err(RowError::Sealed))
            .transpose()?
            .map(InboxSecret::from_trusted);
        Ok(Inbox {
            id: InboxId::from_trusted(self.id),
            tenant: Tenant::from_trusted(&self.tenant),
            name: self.name,
            description: self.description,
            settings,
            secret,
            playground: self.playground,
            expires_at: self.expires_at.map(Timestamp::from_millis),
            active: self.active,
            created_at: Timestamp::from_millis(self.created_at),
            updated_at: Timestamp::from_millis(self.updated_at),
        })
    }
}

/// The `inbox_requests` row, in `INBOX_REQUEST_SUMMARY_COLUMNS` order, then the body if read.
pub struct InboxRequestRecord {
    pub id: String,
    pub inbox_id: String,
    pub seq: i64,
    pub tenant: String,
    pub received_at: i64,
    pub method: String,
    pub path: String,
    pub query: String,
    pub source_ip: String,
    pub headers: String,
    pub original_headers: String,
    pub verified: bool,
    pub verify_error: Option<String>,
    pub duplicate_of: Option<String>,
    pub event_id: Option<String>,
    pub body_size: i64,
    pub body: Option<Vec<u8>>,
}

impl InboxRequestRecord {
    pub fn into_request(self) -> Result<InboxRequest, Corrupt> {
        Ok(InboxRequest {
            id: InboxRequestId::from_trusted(self.id),
            inbox_id: InboxId::from_trusted(self.inbox_id),
            seq: self.seq,
            tenant: Tenant::from_trusted(&self.tenant),
            received_at: Timestamp::from_millis(self.received_at),
            method: self.method,
            path: self.path,
            query: self.query,
            source_ip: self.source_ip,
            headers: json(&self.headers, "headers")?,
            original_headers: json(&self.original_headers, "original_headers")?,
            body: self.body.map(Bytes::from).unwrap_or_default(),
            body_size: u64::try_from(self.body_size).map_err(|_| Corrupt("body"))?,
            verified: self.verified,
            verify_error: self.verify_error,
            duplicate_of: self.duplicate_of.map(InboxRequestId::from_trusted),
            event_id: self.event_id.map(EventId::from_trusted),
        })
    }
}

/// A header list as stored: a JSON array of `[name, value]`.
pub fn encode_header_list(headers: &[(String, String)]) -> String {
    serde_json::to_string(headers).expect("strings encode")
}
