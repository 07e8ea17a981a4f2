//! Inboxes on the wire: what `/api/inboxes` takes (read field by field from JSON, so every bad
//! field is named) and answers.

use super::webhook_input::{self as input, Checks};
use crate::model::*;
use serde::Serialize;
use serde_json::{Map, Value};
use utoipa::ToSchema;

/// How an inbox verifies requests. `scheme` decides which other fields apply.
#[derive(Debug, Serialize, ToSchema)]
pub struct VerifyDoc {
    pub scheme: SchemeName,
    /// Write-only: in the answer that creates the inbox (or makes a new secret) and never again.
    #[schema(min_length = 1, max_length = 512)]
    pub secret: Option<String>,
    /// `hmac`: the signature's header (required); `token`: the header holding the secret.
    #[schema(
        min_length = 1,
        max_length = 100,
        pattern = "^[A-Za-z0-9!#$%&'*+.^_`|~-]+$"
    )]
    pub header: Option<String>,
    pub algorithm: Option<HmacAlgorithm>,
    pub encoding: Option<HmacEncoding>,
    #[schema(max_length = 32, pattern = "^[\\x20-\\x7e]*$")]
    pub prefix: Option<String>,
    /// For schemes that sign a timestamp: how far it may be from hookd's clock (default 5m).
    #[schema(pattern = "^[0-9]*[1-9][0-9]*[smhd]$")]
    pub tolerance: Option<String>,
}

/// A verification scheme.
#[derive(Debug, Serialize, ToSchema)]
#[allow(dead_code)] // the document's enumeration; values are read by `InboxSettings`
#[serde(rename_all = "snake_case")]
pub enum SchemeName {
    Standard,
    Hex,
    Github,
    Stripe,
    Shopify,
    Slack,
    Hmac,
    Token,
    Basic,
    None,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[allow(dead_code)] // as `SchemeName`
pub enum HmacAlgorithm {
    Sha1,
    Sha256,
    Sha512,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[allow(dead_code)] // as `SchemeName`
pub enum HmacEncoding {
    Hex,
    Base64,
}

/// How duplicates are found.
#[derive(Debug, Serialize, ToSchema)]
pub struct DedupeDoc {
    /// `auto`, `body`, `header:<name>` or `json:<path>`.
    #[schema(
        pattern = "^(auto|body|header:[A-Za-z0-9!#$%&'*+.^_`|~-]{1,100}|json:[^.{}]+(\\.[^.{}]+)*)$"
    )]
    pub key: Option<String>,
    /// How long a key is remembered (default 7d, at most 90d).
    #[schema(pattern = "^[0-9]*[1-9][0-9]*[smhd]$")]
    pub window: Option<String>,
}

/// What a stored request is answered.
#[derive(Debug, Serialize, ToSchema)]
pub struct ResponseDoc {
    /// 200 to 299; a playground inbox may also answer 400 to 599 (to show a sender's retries).
    #[schema(minimum = 200, maximum = 599)]
    pub status: Option<u16>,
    #[schema(min_length = 1, max_length = 200, pattern = "^[\\x20-\\x7e]+$")]
    pub content_type: Option<String>,
    /// `null`: `{"id": "req_..."}`.
    #[schema(max_length = 4096)]
    pub body: Option<String>,
}

/// Creates an inbox. Every field but `name` is optional; `verify.scheme` is required unless
/// `playground` is true (then `none` by default).
#[derive(Debug, ToSchema)]
#[allow(dead_code)]
pub struct InboxIn {
    #[schema(min_length = 1, max_length = 100, pattern = "\\S")]
    name: String,
    #[schema(schema_with = super::input_schema::description)]
    description: Option<String>,
    /// Defaults to `default`; a tenant token may only name its own tenant.
    #[schema(schema_with = super::input_schema::optional_tenant)]
    tenant: Option<String>,
    /// The secret is generated where the scheme needs one and none was given, except for
    /// `stripe`, `shopify` and `slack`, whose sender issues it.
    verify: Option<VerifyDoc>,
    dedupe: Option<DedupeDoc>,
    /// IP addresses or CIDR ranges; empty: any source.
    #[schema(max_items = 100, value_type = Option<Vec<String>>)]
    allowed_ips: Option<Vec<String>>,
    /// Requests per second at most.
    #[schema(minimum = 1, maximum = 100000)]
    rate_limit: Option<u32>,
    #[schema(minimum = 1, maximum = 10485760)]
    max_body_bytes: Option<u32>,
    /// Template of the event type, with `{json:<path>}` and `{header:<name>}`.
    #[schema(
        min_length = 1,
        max_length = 200,
        pattern = "^[A-Za-z0-9_-]+(\\.([A-Za-z0-9_-]+|\\{(json:[A-Za-z0-9_]+(\\.[A-Za-z0-9_]+)*|header:[A-Za-z0-9_-]+)\\}))*$"
    )]
    event_type: Option<String>,
    response: Option<ResponseDoc>,
    playground: Option<bool>,
    active: Option<bool>,
}

/// Changes an inbox: any field of `InboxIn` but `tenant` and `playground`. Objects (`verify`,
/// `dedupe`, `response`) are merged key by key; `null` sets a field back to its default.
/// `verify.secret` replaces the secret.
#[derive(Debug, ToSchema)]
#[allow(dead_code)]
pub struct InboxPatch {
    #[schema(min_length = 1, max_length = 100, pattern = "\\S")]
    name: Option<String>,
    #[schema(schema_with = super::input_schema::description)]
    description: Option<String>,
    verify: Option<VerifyDoc>,
    dedupe: Option<DedupeDoc>,
    #[schema(max_items = 100)]
    allowed_ips: Option<Vec<String>>,
    #[schema(minimum = 1, maximum = 100000)]
    rate_limit: Option<u32>,
    #[schema(minimum = 1, maximum = 10485760)]
    max_body_bytes: Option<u32>,
    #[schema(
        min_length = 1,
        max_length = 200,
        pattern = "^[A-Za-z0-9_-]+(\\.([A-Za-z0-9_-]+|\\{(json:[A-Za-z0-9_]+(\\.[A-Za-z0-9_]+)*|header:[A-Za-z0-9_-]+)\\}))*$"
    )]
    event_type: Option<String>,
    response: Option<ResponseDoc>,
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
    #[schema(value_type = VerifyDoc)]
    pub verify: Value,
    #[schema(value_type = DedupeDoc)]
    pub dedupe: Value,
    pub allowed_ips: Vec<String>,
    pub rate_limit: Option<u32>,
    pub max_body_bytes: u32,
    pub event_type: String,
    #[schema(value_type = ResponseDoc)]
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
/// was made here (to be shown once: the caller can't know it otherwise). A given secret is
/// never shown back but in the 201 that created the inbox (docs/api.md: write-only).
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
                || hookd_verify::public_key_bytes(text).is_ok()
                || hookd_verify::SigningKey::parse(text).is_ok()
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
    Some((Some(secret), false))
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
