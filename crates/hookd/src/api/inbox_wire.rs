//! Inboxes on the wire: what `/api/inboxes` takes (read field by field from JSON, so every bad
//! field is named) and answers.

use super::webhook_input::{self as input, Checks};
use crate::model::*;
use serde::Serialize;
use serde_json::{Map, Value};
use utoipa::ToSchema;

/// Creates an inbox. Every field but `name` is optional; `verify.scheme` is required unless
/// `playground` is true (then `none` by default).
#[derive(Debug, ToSchema)]
#[allow(dead_code)]
pub struct InboxIn {
    #[schema(min_length = 1, max_length = 100)]
    name: String,
    #[schema(max_length = 1000)]
    description: Option<String>,
    /// Defaults to `default`; a tenant token may only name its own tenant.
    tenant: Option<String>,
    /// `{"scheme", "secret", "header", "algorithm", "encoding", "prefix", "tolerance"}`. The
    /// secret is generated where the scheme needs one and none was given, except for
    /// `stripe`, `shopify` and `slack`, whose sender issues it.
    #[schema(value_type = Object)]
    verify: Option<Value>,
    /// `{"key": "auto" | "header:<name>" | "json:<path>" | "body", "window": "7d"}`.
    #[schema(value_type = Object)]
    dedupe: Option<Value>,
    /// CIDR ranges; empty: any source.
    allowed_ips: Option<Vec<String>>,
    /// Requests per second at most.
    #[schema(minimum = 1, maximum = 100000)]
    rate_limit: Option<u32>,
    #[schema(minimum = 1, maximum = 10485760)]
    max_body_bytes: Option<u32>,
    /// Template of the event type, with `{json:<path>}` and `{header:<name>}`.
    event_type: Option<String>,
    /// `{"status": 200..299, "content_type", "body"}`.
    #[schema(value_type = Object)]
    response: Option<Value>,
    playground: Option<bool>,
    active: Option<bool>,
}

/// Changes an inbox: any field of `InboxIn` but `tenant` and `playground`. Objects (`verify`,
/// `dedupe`, `response`) are merged key by key; `null` sets a field back to its default.
/// `verify.secret` replaces the secret.
#[derive(Debug, ToSchema)]
#[allow(dead_code)]
pub struct InboxPatch {
    name: Option<String>,
    description: Option<String>,
    #[schema(value_type = Object)]
    verify: Option<Value>,
    #[schema(value_type = Object)]
    dedupe: Option<Value>,
    allowed_ips: Option<Vec<String>>,
    rate_limit: Option<u32>,
    max_body_bytes: Option<u32>,
    event_type: Option<String>,
    #[schema(value_type = Object)]
    response: Option<Value>,
    active: Option<bool>,
}

/// An inbox as the API shows it (its secret only in the answer that made it).
#[derive(Debug, Serialize, ToSchema)]
pub struct InboxOut {
    pub id: String,
    pub name: String,
    pub tenant: String,
    pub description: String,
    /// Where senders post: `<HOOKD_PUBLIC_URL>/in/<id>`.
    pub receive_url: String,
    #[schema(value_type = Object)]
    pub verify: Value,
    #[schema(value_type = Object)]
    pub dedupe: Value,
    pub allowed_ips: Vec<String>,
    pub rate_limit: Option<u32>,
    pub max_body_bytes: u32,
    pub event_type: String,
    #[schema(value_type = Object)]
    pub response: Value,
    pub playground: bool,
    #[schema(value_type = Option<String>, format = DateTime)]
    pub expires_at: Option<Timestamp>,
    pub active: bool,
    #[schema(value_type = String, format = DateTime)]
    pub created_at: Timestamp,
    #[schema(value_type = String, format = DateTime)]
    pub updated_at: Timestamp,
}

impl InboxOut {
    /// The inbox; with `secret` inside `verify` when it is to be shown this once.
    pub fn of(inbox: &Inbox, receive_url: String, show_secret: bool) -> Self {
        let settings = inbox.settings.to_json();
        let field = |key: &str| settings.get(key).cloned().unwrap_or(Value::Null);
        let mut verify = field("verify");
        if show_secret && let Some(secret) = &inbox.secret {
            verify["secret"] = Value::String(secret.expose().to_owned());
        }
        Self {
            id: inbox.id.to_string(),
            name: inbox.name.clone(),
            tenant: inbox.tenant.to_string(),
            description: inbox.description.clone(),
            receive_url,
            verify,
            dedupe: field("dedupe"),
            allowed_ips: inbox
                .settings
                .allowed_ips
                .iter()
                .map(ToString::to_string)
                .collect(),
            rate_limit: inbox.settings.rate_limit,
            max_body_bytes: inbox.settings.max_body_bytes,
            event_type: inbox.settings.event_type.as_str().to_owned(),
            response: field("response"),
            playground: inbox.playground,
            expires_at: inbox.expires_at,
            active: inbox.active,
            created_at: inbox.created_at,
            updated_at: inbox.updated_at,
        }
    }
}

/// Schemes whose secret the sender issues: hookd can't make one up.
fn sender_issues_secret(scheme: &hookd_verify::Scheme) -> bool {
    use hookd_verify::Scheme;
    matches!(scheme, Scheme::Stripe | Scheme::Shopify | Scheme::Slack)
}

/// A text field of the body; wrong types are named.
pub fn text(checks: &mut Checks, body: &Map<String, Value>, key: &str) -> Option<Option<String>> {
    match body.get(key) {
        None => Some(None),
        Some(Value::String(text)) => Some(Some(text.clone())),
        Some(Value::Null) => Some(None),
        Some(_) => {
            checks.push(FieldError::new(key, "invalid_type", "must be a string"));
            None
        }
    }
}

pub fn flag(checks: &mut Checks, body: &Map<String, Value>, key: &str) -> Option<Option<bool>> {
    match body.get(key) {
        None | Some(Value::Null) => Some(None),
        Some(Value::Bool(flag)) => Some(Some(*flag)),
        Some(_) => {
            checks.push(FieldError::new(
                key,
                "invalid_type",
                "must be true or false",
            ));
            None
        }
    }
}

pub fn name(checks: &mut Checks, text: &str) -> Option<String> {
    let valid = !text.trim().is_empty()
        && text.chars().count() <= MAX_INBOX_NAME_LEN
        && !text.chars().any(char::is_control);
    if valid {
        Some(text.to_owned())
    } else {
        checks.push(FieldError::new(
            "name",
            "invalid_name",
            "must be 1 to 100 characters, not blank, without control characters",
        ));
        None
    }
}

pub fn description(checks: &mut Checks, text: Option<String>) -> Option<String> {
    input::description(checks, text)
}

/// The secret to keep: a given one (checked against the scheme), else `current` when the
/// scheme keeps its kind, else a generated one; `None` for the scheme `none`. Says whether it
/// is new (to be shown once).
pub fn secret(
    checks: &mut Checks,
    scheme: &hookd_verify::Scheme,
    given: Option<&Value>,
    current: Option<&InboxSecret>,
) -> Option<(Option<InboxSecret>, bool)> {
    if !scheme.needs_secret() {
        return Some((None, false));
    }
    let given = match given {
        None | Some(Value::Null) => None,
        Some(Value::String(text)) => Some(text.as_str()),
        Some(_) => {
            checks.push(FieldError::new(
                "verify.secret",
                "invalid_type",
                "must be a string",
            ));
            return None;
        }
    };
    let Some(text) = given else {
        if let Some(current) = current {
            return Some((Some(current.clone()), false));
        }
        if sender_issues_secret(scheme) {
            checks.push(FieldError::new(
                "verify.secret",
                "required",
                format!(
                    "is required for the {} scheme: the signing secret {} gives you",
                    scheme.name(),
                    scheme.name()
                ),
            ));
            return None;
        }
        return Some((Some(InboxSecret::generate(scheme)), true));
    };
    let secret = match InboxSecret::parse(text) {
        Ok(secret) => secret,
        Err(message) => {
            checks.push(FieldError::new("verify.secret", "invalid_secret", message));
            return None;
        }
    };
    let fits = match scheme {
        hookd_verify::Scheme::Standard => {
            hookd_verify::standard_key(text).is_ok()
                || text.starts_with(hookd_verify::PUBLIC_KEY_PREFIX)
                || text.starts_with(hookd_verify::SIGNING_KEY_PREFIX)
        }
        hookd_verify::Scheme::Basic => text.contains(':'),
        _ => true,
    };
    if !fits {
        let expected = match scheme {
            hookd_verify::Scheme::Basic => "user:password",
            _ => "whsec_ + base64 (v1), or a whpk_/whsk_ key (v1a)",
        };
        checks.push(FieldError::new(
            "verify.secret",
            "invalid_secret",
            format!("must be {expected}"),
        ));
        return None;
    }
    Some((Some(secret), true))
}

/// The settings part of a body: every key `InboxSettings` reads.
pub const SETTING_KEYS: &[&str] = &[
    "verify",
    "dedupe",
    "allowed_ips",
    "rate_limit",
    "max_body_bytes",
    "event_type",
    "response",
];
