//! Rows as both backends store them: plain columns (text, numbers, JSON text) with the
//! conversions to and from the domain types, so SQLite and PostgreSQL read and write exactly
//! the same shapes. Stored values were validated before they were written, so one that fails
//! to convert means a corrupt database; the error names the column. Secrets are sealed here on
//! the way in and opened on the way out (`sealing`), so both backends keep the same rule.

use super::StoreError;
use super::sealing::{SealError, Sealer};
use crate::model::*;
use std::collections::BTreeMap;

pub const WEBHOOK_COLUMNS: &str = "id, tenant, url, events, description, active, disabled_reason, \
    filter, rate_limit, max_in_flight, timeout_ms, retry_schedule, headers, secret, \
    previous_secret, previous_secret_expires_at, failure_streak, created_at, updated_at, \
    signature_scheme, simple_header, simple_prefix, payload, \
    breaker, ordering, circuit_state, circuit_failures, circuit_opened_at, circuit_next_probe_at, \
    circuit_reason, circuit_cooldown_ms, circuit_probe_by, circuit_probe_until";

/// The assignments of an `UPDATE webhooks` that closes the circuit and forgets its outage
/// (enabling the webhook, turning its breaker off).
pub const CLOSE_CIRCUIT: &str = "circuit_state = 'closed', circuit_failures = 0, \
    circuit_opened_at = NULL, circuit_next_probe_at = NULL, circuit_reason = NULL, \
    circuit_cooldown_ms = NULL, circuit_probe_by = NULL, circuit_probe_until = NULL";

/// A webhook's circuit, in `CircuitRecord` order (the last columns of `WEBHOOK_COLUMNS`).
pub const CIRCUIT_COLUMNS: &str = "circuit_state, circuit_failures, circuit_opened_at, \
    circuit_next_probe_at, circuit_reason, circuit_cooldown_ms, circuit_probe_by, \
    circuit_probe_until";

pub const EVENT_SUMMARY_COLUMNS: &str =
    "id, tenant, type, idempotency_key, created_at, delivery_count, inbox_request_id";

pub const DELIVERY_COLUMNS: &str = "id, event_id, webhook_id, tenant, event_type, status, \
    attempt_count, next_attempt_at, created_at, updated_at";

pub const ATTEMPT_COLUMNS: &str = "id, delivery_id, webhook_id, event_id, tenant, event_type, \
    attempt, status, response_code, response_body, error, duration_ms, request_headers, created_at, \
    response_headers";

/// An attempt's columns followed by its delivery's current status (for the webhook's log).
pub const LOGGED_ATTEMPT_COLUMNS: &str = "id, delivery_id, webhook_id, event_id, tenant, \
    event_type, attempt, status, response_code, response_body, error, duration_ms, \
    request_headers, created_at, response_headers, \
    (SELECT d.status FROM deliveries d WHERE d.id = attempts.delivery_id)";

pub const AUDIT_COLUMNS: &str = "id, at, actor, tenant, action, target, detail, source_ip";

/// The `audit_log` row: text and numbers, the same on both backends.
pub struct AuditRecord {
    pub id: String,
    pub at: i64,
    pub actor: String,
    pub tenant: Option<String>,
    pub action: String,
    pub target: String,
    /// JSON object.
    pub detail: String,
    pub source_ip: Option<String>,
}

impl AuditRecord {
    pub fn into_entry(self) -> Result<AuditEntry, Corrupt> {
        Ok(AuditEntry {
            id: AuditId::from_trusted(self.id),
            at: Timestamp::from_millis(self.at),
            actor: Actor::from_stored(&self.actor),
            tenant: self.tenant.as_deref().map(Tenant::from_trusted),
            action: AuditAction::parse(&self.action).ok_or(Corrupt("action"))?,
            target: self.target,
            detail: json(&self.detail, "detail")?,
            source_ip: self.source_ip,
        })
    }
}

pub const TOKEN_COLUMNS: &str = "id, name, tenant, token_hash, created_at";

pub const EVENT_TYPE_COLUMNS: &str = "id, name, description, schema, created_at";

/// A column whose stored value does not convert.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Corrupt(pub &'static str);

impl std::fmt::Display for Corrupt {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "corrupt {} column", self.0)
    }
}

/// A row that does not convert to its domain type.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RowError {
    #[error("{0}")]
    Corrupt(Corrupt),
    /// A webhook secret that does not open with the configured keys.
    #[error("a webhook secret {0}")]
    Sealed(SealError),
}

impl From<Corrupt> for RowError {
    fn from(corrupt: Corrupt) -> Self {
        Self::Corrupt(corrupt)
    }
}

impl From<RowError> for StoreError {
    fn from(error: RowError) -> Self {
        match error {
            RowError::Corrupt(corrupt) => StoreError::Internal(corrupt.to_string()),
            RowError::Sealed(_) => StoreError::Sealed(error.to_string()),
        }
    }
}

/// A stored webhook secret, opened; a value that is no secret after opening is corrupt.
fn open_secret(
    sealer: &Sealer,
    stored: &str,
    webhook: &str,
    column: &'static str,
) -> Result<WebhookSecret, RowError> {
    let plain = sealer.open(stored, webhook).map_err(RowError::Sealed)?;
    WebhookSecret::parse(&plain).map_err(|_| RowError::Corrupt(Corrupt(column)))
}

/// A stored webhook secret as `hookd rekey` leaves it: `None` when it is sealed with the first
/// key already, else sealed with it now (plain ones included).
pub fn reseal_secret(
    sealer: &Sealer,
    stored: &str,
    webhook: &str,
) -> Result<Option<String>, RowError> {
    if sealer.is_current(stored) {
        return Ok(None);
    }
    let secret = open_secret(sealer, stored, webhook, "secret")?;
    Ok(Some(sealer.seal(secret.expose(), webhook)))
}

/// The `webhooks` row.
#[derive(Debug, Clone)]
pub struct WebhookRecord {
    pub id: String,
    pub tenant: String,
    pub url: String,
    /// JSON array of patterns.
    pub events: String,
    pub description: String,
    pub active: bool,
    pub disabled_reason: Option<String>,
    pub filter: Option<String>,
    pub rate_limit: Option<i64>,
    pub max_in_flight: i64,
    pub timeout_ms: i64,
    /// JSON array of durations; `None` for the default schedule.
    pub retry_schedule: Option<String>,
    /// JSON object.
    pub headers: String,
    /// Sealed (`sealing`) when the store has a key; plain `whsec_…` otherwise, or when it
    /// was stored before sealing existed.
    pub secret: String,
    pub previous_secret: Option<String>,
    pub previous_secret_expires_at: Option<i64>,
    pub failure_streak: i64,
    pub created_at: i64,
    pub updated_at: i64,
    /// `v1` or `v1a`: the kind of `secret`, written out for readers of the database.
    pub signature_scheme: String,
    pub simple_header: String,
    pub simple_prefix: String,
    /// `event` or `original`.
    pub payload: String,
    /// JSON object (`Breaker::to_stored`); `None` for the server's defaults.
    pub breaker: Option<String>,
    /// `webhook` or `json:<path>`; `None`: not ordered.
    pub ordering: Option<String>,
    pub circuit: CircuitRecord,
}

/// A webhook's circuit columns (`CIRCUIT_COLUMNS`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CircuitRecord {
    pub state: String,
    pub failures: i64,
    pub opened_at: Option<i64>,
    pub next_probe_at: Option<i64>,
    pub reason: Option<String>,
    pub cooldown_ms: Option<i64>,
    pub probe_by: Option<String>,
    pub probe_until: Option<i64>,
}

impl CircuitRecord {
    pub fn of(circuit: &Circuit) -> Self {
        Self {
            state: circuit.state.as_str().to_owned(),
            failures: i64::from(circuit.failures),
            opened_at: circuit.opened_at.map(Timestamp::as_millis),
            next_probe_at: circuit.next_probe_at.map(Timestamp::as_millis),
            reason: circuit.reason.clone(),
            cooldown_ms: circuit
                .cooldown
                .map(|c| i64::try_from(c.as_millis()).unwrap_or(i64::MAX)),
            probe_by: circuit.probe.as_ref().map(|p| p.by.clone()),
            probe_until: circuit.probe.as_ref().map(|p| p.until.as_millis()),
        }
    }

    pub fn into_circuit(self) -> Result<Circuit, Corrupt> {
        Ok(Circuit {
            state: CircuitState::parse(&self.state).ok_or(Corrupt("circuit_state"))?,
            failures: u32::try_from(self.failures).map_err(|_| Corrupt("circuit_failures"))?,
            opened_at: self.opened_at.map(Timestamp::from_millis),
            next_probe_at: self.next_probe_at.map(Timestamp::from_millis),
            reason: self.reason,
            cooldown: self
                .cooldown_ms
                .map(|ms| u64::try_from(ms).map(std::time::Duration::from_millis))
                .transpose()
                .map_err(|_| Corrupt("circuit_cooldown_ms"))?,
            probe: match (self.probe_by, self.probe_until) {
                (Some(by), Some(until)) => Some(ProbeLease {
                    by,
                    until: Timestamp::from_millis(until),
                }),
                _ => None,
            },
        })
    }
}

/// A stored breaker column.
pub fn breaker_of(text: Option<&str>) -> Result<Option<Breaker>, Corrupt> {
    text.map(|t| Breaker::from_stored(t).ok_or(Corrupt("breaker")))
        .transpose()
}

impl WebhookRecord {
    /// The row of a webhook, its secrets sealed by `sealer`.
    pub fn of(w: &Webhook, sealer: &Sealer) -> Self {
        let events: Vec<String> = w.events.iter().map(ToString::to_string).collect();
        Self {
            id: w.id.as_str().to_owned(),
            tenant: w.tenant.as_str().to_owned(),
            url: w.url.as_str().to_owned(),
            events: serde_json::to_string(&events).expect("strings encode"),
            description: w.description.clone(),
            active: w.active,
            disabled_reason: w.disabled_reason.map(|r| r.as_str().to_owned()),
            filter: w.filter.as_ref().map(|f| f.source().to_owned()),
            rate_limit: w.rate_limit.map(i64::from),
            max_in_flight: i64::from(w.max_in_flight),
            timeout_ms: i64::from(w.timeout_ms),
            retry_schedule: w
                .retry_schedule
                .as_ref()
                .map(|s| serde_json::to_string(s.texts()).expect("strings encode")),
            headers: serde_json::to_string(w.headers.as_map()).expect("strings encode"),
            secret: sealer.seal(w.secret.expose(), w.id.as_str()),
            previous_secret: w
                .previous_secret
                .as_ref()
                .map(|p| sealer.seal(p.secret.expose(), w.id.as_str())),
            previous_secret_expires_at: w
                .previous_secret
                .as_ref()
                .map(|p| p.expires_at.as_millis()),
            failure_streak: i64::from(w.failure_streak),
            created_at: w.created_at.as_millis(),
            updated_at: w.updated_at.as_millis(),
            signature_scheme: w.scheme().as_str().to_owned(),
            simple_header: w.signature.simple_header().to_owned(),
            simple_prefix: w.signature.simple_prefix().to_owned(),
            payload: w.payload.as_str().to_owned(),
            breaker: w.breaker.as_ref().map(Breaker::to_stored),
            ordering: w.ordering.as_ref().map(Ordering::as_text),
            circuit: CircuitRecord::of(&w.circuit),
        }
    }

    /// The webhook of a row, its secrets opened by `sealer`.
    pub fn into_webhook(self, sealer: &Sealer) -> Result<Webhook, RowError> {
        let events: Vec<String> = json(&self.events, "events")?;
        let events = events
            .iter()
            .map(|p| EventPattern::parse(p).map_err(|_| Corrupt("events")))
            .collect::<Result<_, _>>()?;
        let filter = self
            .filter
            .map(|source| Filter::parse(&source).map_err(|_| Corrupt("filter")))
            .transpose()?;
        let retry_schedule = self
            .retry_schedule
            .map(|text| {
                let items: Vec<String> = json(&text, "retry_schedule")?;
                RetrySchedule::from_stored(&items).map_err(|_| Corrupt("retry_schedule"))
            })
            .transpose()?;
        let headers: BTreeMap<String, String> = json(&self.headers, "headers")?;
        let secret = open_secret(sealer, &self.secret, &self.id, "secret")?;
        let previous_secret = match (self.previous_secret, self.previous_secret_expires_at) {
            (Some(secret), Some(expires)) => Some(RotatedSecret {
                secret: open_secret(sealer, &secret, &self.id, "previous_secret")?,
                expires_at: Timestamp::from_millis(expires),
            }),
            _ => None,
        };
        let signature = signature_options(
            &self.signature_scheme,
            &secret,
            self.simple_header,
            self.simple_prefix,
        )?;
        let number = |value: i64, column| u32::try_from(value).map_err(|_| Corrupt(column));
        Ok(Webhook {
            id: WebhookId::from_trusted(self.id),
            tenant: Tenant::from_trusted(&self.tenant),
            url: WebhookUrl::parse(&self.url).map_err(|_| Corrupt("url"))?,
            events,
            description: self.description,
            active: self.active,
            disabled_reason: self
                .disabled_reason
                .as_deref()
                .and_then(DisabledReason::parse),
            filter,
            rate_limit: self
                .rate_limit
                .map(|r| number(r, "rate_limit"))
                .transpose()?,
            max_in_flight: number(self.max_in_flight, "max_in_flight")?,
            timeout_ms: number(self.timeout_ms, "timeout_ms")?,
            retry_schedule,
            headers: CustomHeaders::from_trusted(headers),
            secret,
            previous_secret,
            signature,
            failure_streak: number(self.failure_streak, "failure_streak")?,
            payload: PayloadMode::parse(&self.payload).ok_or(Corrupt("payload"))?,
            breaker: breaker_of(self.breaker.as_deref())?,
            ordering: self
                .ordering
                .map(|text| Ordering::parse(&text).map_err(|_| Corrupt("ordering")))
                .transpose()?,
            circuit: self.circuit.into_circuit()?,
            created_at: Timestamp::from_millis(self.created_at),
            updated_at: Timestamp::from_millis(self.updated_at),
        })
    }
}

/// The signature options as stored; the scheme column must name the secret's kind.
fn signature_options(
    scheme: &str,
    secret: &WebhookSecret,
    simple_header: String,
    simple_prefix: String,
) -> Result<SignatureOptions, Corrupt> {
    if SignatureScheme::parse(scheme) != Ok(secret.scheme()) {
        return Err(Corrupt("signature_scheme"));
    }
    SignatureOptions::parse_header(&simple_header).map_err(|_| Corrupt("simple_header"))?;
    SignatureOptions::parse_prefix(&simple_prefix).map_err(|_| Corrupt("simple_prefix"))?;
    Ok(SignatureOptions::new(simple_header, simple_prefix))
}

/// An attempt's response headers as stored: a JSON array of `[name, value]` (its request
/// headers are `sent_headers`').
pub fn encode_headers(headers: &[(String, String)]) -> String {
    serde_json::to_string(headers).expect("strings encode")
}

/// An attempt's response headers as stored; none for attempts logged before they were kept.
pub fn decode_response_headers(text: Option<&str>) -> Result<Vec<(String, String)>, Corrupt> {
    text.map_or(Ok(Vec::new()), |text| json(text, "response_headers"))
}

pub fn json<T: serde::de::DeserializeOwned>(
    text: &str,
    column: &'static str,
) -> Result<T, Corrupt> {
    serde_json::from_str(text).map_err(|_| Corrupt(column))
}
