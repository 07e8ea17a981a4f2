//! Inboxes: URLs of hookd's own (`/in/<id>`) that receive webhooks from elsewhere, verify them,
//! drop duplicates, keep their history and turn them into events. Here are the inbox as stored,
//! its settings (parsed once from JSON, the same shape in the API and in the database), the
//! event type template, the de-duplication key and the requests an inbox keeps.

mod json_path;
mod request;
mod settings;
mod template;

pub use json_path::{JsonPath, MAX_JSON_PATH_LEN};
pub use request::*;
pub use settings::*;
pub use template::EventTemplate;

use super::{InboxId, Tenant, Timestamp};
use std::fmt;
use std::time::Duration;

/// How long a playground inbox lives.
pub const PLAYGROUND_LIFETIME: Duration = Duration::from_secs(24 * 3600);
/// The longest inbox name.
pub const MAX_INBOX_NAME_LEN: usize = 100;
/// The longest inbox description.
pub const MAX_INBOX_DESCRIPTION_LEN: usize = 1000;
/// The longest inbox secret.
pub const MAX_INBOX_SECRET_LEN: usize = 512;

/// An inbox as stored. Every field has been validated by the parsers of this module.
#[derive(Debug, Clone, PartialEq)]
pub struct Inbox {
    pub id: InboxId,
    pub tenant: Tenant,
    /// 1 to 100 characters.
    pub name: String,
    pub description: String,
    pub settings: InboxSettings,
    /// The verification secret; `None` only for the scheme `none`.
    pub secret: Option<InboxSecret>,
    /// A playground inbox: made by any token, expires.
    pub playground: bool,
    /// After this, the inbox answers 404 and is deleted with its history.
    pub expires_at: Option<Timestamp>,
    /// An inactive inbox answers 404 and keeps its history.
    pub active: bool,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

impl Inbox {
    /// Whether `/in/<id>` takes requests at `now`.
    pub fn is_open(&self, now: Timestamp) -> bool {
        self.active && self.expires_at.is_none_or(|at| at > now)
    }
}

/// An inbox's verification secret, as its sender knows it. `Debug` never shows it.
#[derive(Clone, PartialEq, Eq)]
pub struct InboxSecret(String);

impl InboxSecret {
    /// A secret given by a person: 1 to 512 characters, no control characters.
    pub fn parse(text: &str) -> Result<Self, &'static str> {
        if text.is_empty() || text.len() > MAX_INBOX_SECRET_LEN {
            return Err("must be 1 to 512 characters");
        }
        if text.chars().any(char::is_control) {
            return Err("must not hold control characters");
        }
        Ok(Self(text.to_owned()))
    }

    /// A fresh secret fit for the scheme: `whsec_` + base64 of 32 random bytes (what Standard
    /// Webhooks senders expect, and a strong key for every HMAC), `hookd:<random>` for Basic.
    pub fn generate(scheme: &hookd_verify::Scheme) -> Self {
        let secret = super::WebhookSecret::generate();
        match scheme {
            hookd_verify::Scheme::Basic => {
                Self(format!("hookd:{}", &secret.expose()["whsec_".len()..]))
            }
            _ => Self(secret.expose().to_owned()),
        }
    }

    /// Wraps a value read back from storage.
    pub fn from_trusted(text: String) -> Self {
        Self(text)
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for InboxSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("InboxSecret(***)")
    }
}
