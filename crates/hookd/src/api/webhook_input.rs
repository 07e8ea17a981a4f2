//! Webhook wire types (`WebhookIn`, `WebhookPatch`, `WebhookOut`) and their parsing into domain
//! types. Every field is checked and every problem reported at once, each naming its field.

use super::error::ApiError;
use super::input_schema::{self as schema, MAX_DESCRIPTION, MAX_PATTERNS, RATE_LIMIT, TIMEOUT_MS};
use super::webhook_breaker::{BreakerIn, BreakerOut, CircuitOut};
use super::webhook_signature::{SignatureIn, SignatureOut};
use crate::model::*;
use serde::{Deserialize, Deserializer, Serialize};
use std::collections::BTreeMap;
use utoipa::ToSchema;

/// Registers a webhook.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WebhookIn {
    #[schema(schema_with = schema::webhook_url)]
    pub url: String,
    #[schema(schema_with = schema::event_patterns)]
    pub events: Vec<String>,
    #[schema(schema_with = schema::description)]
    pub description: Option<String>,
    /// Defaults to `default`; a tenant token may only name its own tenant.
    #[schema(schema_with = schema::optional_tenant)]
    pub tenant: Option<String>,
    /// Defaults to true; false registers it disabled (`disabled_reason: manual`).
    pub active: Option<bool>,
    #[schema(schema_with = schema::filter)]
    pub filter: Option<String>,
    /// Deliveries per second at most.
    #[schema(schema_with = schema::rate_limit)]
    pub rate_limit: Option<u32>,
    /// Concurrent requests at most (default 10).
    #[schema(schema_with = schema::max_in_flight)]
    pub max_in_flight: Option<u32>,
    /// Per-attempt timeout in milliseconds (default 10000).
    #[schema(schema_with = schema::timeout_ms)]
    pub timeout_ms: Option<u32>,
    #[schema(schema_with = schema::retry_schedule)]
    pub retry_schedule: Option<Vec<String>>,
    #[schema(schema_with = schema::headers)]
    pub headers: Option<BTreeMap<String, String>>,
    /// The signing secret, of the scheme's kind: for `v1`, `whsec_` + base64 of 24 to 64 bytes;
    /// for `v1a`, `whsk_` + base64 of an Ed25519 seed and public key (64 bytes) or of the seed
    /// alone (32 bytes). Generated when omitted.
    /// Generated when omitted.
    #[schema(schema_with = schema::optional_secret)]
    pub secret: Option<String>,
    /// How deliveries are signed; omitted: `v1` and the simple header `x-webhook-signature`.
    pub signature: Option<SignatureIn>,
    /// Deliver a `webhook.ping` right away (default true).
    pub ping: Option<bool>,
    /// For events that came from an inbox: `event` (default, hookd's body) or `original` (the
    /// request's own bytes, content type and signature headers, plus hookd's signature).
    pub payload: Option<PayloadIn>,
    /// Deliveries in publish order: `webhook` for all of them, or `json:data.<path>` per value
    /// found there; omitted or `null`: any order.
    #[schema(schema_with = schema::ordering)]
    pub ordering: Option<String>,
    /// The circuit breaker; left out or null: the server's defaults (on).
    pub breaker: Option<BreakerIn>,
}

/// What a webhook receives for events that came from an inbox.
#[derive(Debug, Clone, Copy, Deserialize, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PayloadIn {
    Event,
    Original,
}

impl From<PayloadIn> for PayloadMode {
    fn from(value: PayloadIn) -> Self {
        match value {
            PayloadIn::Event => Self::Event,
            PayloadIn::Original => Self::Original,
        }
    }
}

impl From<PayloadMode> for PayloadIn {
    fn from(value: PayloadMode) -> Self {
        match value {
            PayloadMode::Event => Self::Event,
            PayloadMode::Original => Self::Original,
        }
    }
}

/// Changes a webhook: any field but `id` and `tenant`. A field set to null goes back to its
/// default (`filter`, `rate_limit`, `retry_schedule`). A new `signature.scheme` makes a new
/// secret of its kind (answered with the webhook); the previous secret keeps signing for 24 h.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WebhookPatch {
    #[schema(schema_with = schema::webhook_url)]
    pub url: Option<String>,
    #[schema(schema_with = schema::event_patterns)]
    pub events: Option<Vec<String>>,
    #[schema(schema_with = schema::description)]
    pub description: Option<String>,
    pub active: Option<bool>,
    #[serde(default, deserialize_with = "present")]
    #[schema(schema_with = schema::filter)]
    pub filter: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(schema_with = schema::rate_limit)]
    pub rate_limit: Option<Option<u32>>,
    #[schema(schema_with = schema::max_in_flight)]
    pub max_in_flight: Option<u32>,
    #[schema(schema_with = schema::timeout_ms)]
    pub timeout_ms: Option<u32>,
    #[serde(default, deserialize_with = "present")]
    #[schema(schema_with = schema::retry_schedule)]
    pub retry_schedule: Option<Option<Vec<String>>>,
    #[schema(schema_with = schema::headers)]
    pub headers: Option<BTreeMap<String, String>>,
    /// `event` or `original`: what it receives for events that came from an inbox.
    pub payload: Option<PayloadIn>,
    /// For deliveries published after the change (waiting ones keep waiting); `null`: any order.
    #[serde(default, deserialize_with = "present")]
    #[schema(schema_with = schema::ordering)]
    pub ordering: Option<Option<String>>,
    /// Fields given replace the webhook's; a new `scheme` makes a new secret of its kind.
    pub signature: Option<SignatureIn>,
    /// Replaces the circuit breaker (fields left out take the defaults); null: the server's
    /// defaults. Turning it off closes the circuit.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<BreakerIn>)]
    pub breaker: Option<Option<BreakerIn>>,
    /// Only together with a new `signature.scheme`: the new secret, of that scheme's kind
    /// (generated when omitted or null). Otherwise 422 `immutable`: use `rotate-secret`.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    pub secret: Option<Option<String>>,
    /// Not changeable: present only to answer with a clear error.
    #[serde(default, deserialize_with = "present")]
    #[schema(ignore)]
    pub id: Option<Option<serde::de::IgnoredAny>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(ignore)]
    pub tenant: Option<Option<serde::de::IgnoredAny>>,
}

impl WebhookPatch {
    /// The names of the fields this patch sets, for the audit log (values are not logged:
    /// headers may hold keys).
    pub fn fields(&self) -> Vec<&'static str> {
        [
            ("url", self.url.is_some()),
            ("events", self.events.is_some()),
            ("description", self.description.is_some()),
            ("active", self.active.is_some()),
            ("filter", self.filter.is_some()),
            ("rate_limit", self.rate_limit.is_some()),
            ("max_in_flight", self.max_in_flight.is_some()),
            ("timeout_ms", self.timeout_ms.is_some()),
            ("retry_schedule", self.retry_schedule.is_some()),
            ("headers", self.headers.is_some()),
            ("payload", self.payload.is_some()),
            ("ordering", self.ordering.is_some()),
            ("signature", self.signature.is_some()),
            ("secret", self.secret.is_some()),
            ("breaker", self.breaker.is_some()),
        ]
        .into_iter()
        .filter_map(|(name, set)| set.then_some(name))
        .collect()
    }
}

/// Tells "absent" (`None`) from "null" (`Some(None)`).
fn present<'de, D: Deserializer<'de>, T: Deserialize<'de>>(
    deserializer: D,
) -> Result<Option<Option<T>>, D::Error> {
    Option::<T>::deserialize(deserializer).map(Some)
}

/// A webhook as the API shows it (never with its secret; with its public key for `v1a`).
#[derive(Debug, Serialize, ToSchema)]
pub struct WebhookOut {
    pub id: String,
    pub url: String,
    pub events: Vec<String>,
    pub description: String,
    pub tenant: String,
    pub active: bool,
    /// `manual`, `failing` or `gone` while disabled.
    pub disabled_reason: Option<String>,
    pub filter: Option<String>,
    pub rate_limit: Option<u32>,
    pub max_in_flight: u32,
    /// Read-only: requests at once that adaptive concurrency allows now, on the node that
    /// answers (429, 503 and timeouts halve it, down to 1; answers raise it again, up to
    /// `max_in_flight`, which it is until this node has sent the webhook anything).
    pub effective_in_flight: u32,
    pub timeout_ms: u32,
    /// `null` uses the server default.
    pub retry_schedule: Option<Vec<String>>,
    pub headers: BTreeMap<String, String>,
    pub signature: SignatureOut,
    /// For `v1a`: the public key receivers verify signatures with, `whpk_` + base64 of 32 bytes
    /// (not a secret). `null` for `v1`.
    pub public_key: Option<String>,
    /// Deliveries that failed in a row.
    pub failure_streak: u32,
    /// What it receives for events that came from an inbox.
    pub payload: PayloadIn,
    /// `webhook`, `json:data.<path>`, or `null` (any order).
    pub ordering: Option<String>,
    /// The circuit breaker in effect (never null: the server's defaults when not set).
    pub breaker: BreakerOut,
    /// Read-only: the circuit's state, shared by every node.
    pub circuit: CircuitOut,
    #[schema(value_type = String, format = DateTime)]
    pub created_at: Timestamp,
    #[schema(value_type = String, format = DateTime)]
    pub updated_at: Timestamp,
}

impl WebhookOut {
    /// The webhook as answered, with `effective_in_flight` as this node's engine has it
    /// (`None`: its `max_in_flight`).
    pub fn new(w: &Webhook, effective_in_flight: Option<u32>) -> Self {
        Self {
            id: w.id.to_string(),
            url: w.url.to_string(),
            events: w.events.iter().map(ToString::to_string).collect(),
            description: w.description.clone(),
            tenant: w.tenant.to_string(),
            active: w.active,
            disabled_reason: w.disabled_reason.map(|r| r.as_str().to_owned()),
            filter: w.filter.as_ref().map(|f| f.source().to_owned()),
            rate_limit: w.rate_limit,
            max_in_flight: w.max_in_flight,
            effective_in_flight: effective_in_flight
                .unwrap_or(w.max_in_flight)
                .min(w.max_in_flight),
            timeout_ms: w.timeout_ms,
            retry_schedule: w.retry_schedule.as_ref().map(|s| s.texts().to_vec()),
            headers: w.headers.as_map().clone(),
            signature: SignatureOut::from(w),
            public_key: w.secret.public_key(),
            failure_streak: w.failure_streak,
            payload: w.payload.into(),
            ordering: w.ordering.as_ref().map(Ordering::as_text),
            breaker: w.breaker().into(),
            circuit: CircuitOut::from(&w.circuit),
            created_at: w.created_at,
            updated_at: w.updated_at,
        }
    }
}

/// Collects field errors while parsing.
#[derive(Default)]
pub struct Checks(Vec<FieldError>);

impl Checks {
    pub fn take<T, E: std::fmt::Display>(
        &mut self,
        field: &str,
        code: &'static str,
        result: Result<T, E>,
    ) -> Option<T> {
        result
            .map_err(|e| self.0.push(FieldError::new(field, code, e.to_string())))
            .ok()
    }

    pub fn push(&mut self, error: FieldError) {
        self.0.push(error);
    }

    /// The checked value, or every field error found. `value` is what the field parsers gave,
    /// put together (`None` when any of them refused); each refusal pushed its error here.
    pub fn finish_with<T>(self, value: Option<T>) -> Result<T, ApiError> {
        match (self.0.is_empty(), value) {
            (true, Some(value)) => Ok(value),
            (false, _) => Err(ApiError::Invalid(self.0)),
            (true, None) => Err(ApiError::Internal(
                "a field parser refused a value without naming the field".into(),
            )),
        }
    }
}

pub fn url(checks: &mut Checks, text: &str) -> Option<WebhookUrl> {
    checks.take("url", "invalid_url", WebhookUrl::parse(text))
}

pub fn patterns(checks: &mut Checks, items: &[String]) -> Option<Vec<EventPattern>> {
    if items.is_empty() || items.len() > MAX_PATTERNS {
        let message = format!("must list 1 to {MAX_PATTERNS} event names or patterns");
        checks.push(FieldError::new("events", "invalid_events", message));
        return None;
    }
    let mut patterns: Vec<EventPattern> = Vec::with_capacity(items.len());
    let mut ok = true;
    for (index, item) in items.iter().enumerate() {
        match EventPattern::parse(item) {
            Ok(pattern) if !patterns.contains(&pattern) => patterns.push(pattern),
            Ok(_) => {}
            Err(error) => {
                ok = false;
                checks.push(FieldError::new(
                    format!("events[{index}]"),
                    "invalid_event_name",
                    error.to_string(),
                ));
            }
        }
    }
    ok.then_some(patterns)
}

pub fn description(checks: &mut Checks, text: Option<String>) -> Option<String> {
    let text = text.unwrap_or_default();
    if text.chars().count() > MAX_DESCRIPTION {
        checks.push(FieldError::new(
            "description",
            "too_long",
            format!("must be at most {MAX_DESCRIPTION} characters"),
        ));
        return None;
    }
    Some(text)
}

pub fn filter(checks: &mut Checks, text: Option<String>) -> Option<Option<Filter>> {
    match text {
        None => Some(None),
        Some(text) => checks
            .take("filter", "invalid_filter", Filter::parse(&text))
            .map(Some),
    }
}

/// `ordering`: `None` when refused, `Some(None)` for none.
pub fn ordering(checks: &mut Checks, text: Option<String>) -> Option<Option<Ordering>> {
    match text {
        None => Some(None),
        Some(text) => checks
            .take("ordering", "invalid_ordering", Ordering::parse(&text))
            .map(Some),
    }
}

pub fn in_range(
    checks: &mut Checks,
    field: &str,
    value: Option<u32>,
    range: std::ops::RangeInclusive<u32>,
) -> Option<Option<u32>> {
    match value {
        Some(v) if !range.contains(&v) => {
            let message = format!("must be between {} and {}", range.start(), range.end());
            checks.push(FieldError::new(field, "out_of_range", message));
            None
        }
        other => Some(other),
    }
}

pub fn rate_limit(checks: &mut Checks, value: Option<u32>) -> Option<Option<u32>> {
    in_range(checks, "rate_limit", value, RATE_LIMIT)
}

/// At most `limit` (the `max_in_flight_per_webhook` setting).
pub fn max_in_flight(checks: &mut Checks, value: Option<u32>, limit: u32) -> Option<Option<u32>> {
    match value {
        Some(v) if !(1..=limit).contains(&v) => {
            let message =
                format!("must be between 1 and {limit} (hookd's max_in_flight_per_webhook)");
            checks.push(FieldError::new("max_in_flight", "out_of_range", message));
            None
        }
        other => Some(other),
    }
}

pub fn timeout_ms(checks: &mut Checks, value: Option<u32>) -> Option<Option<u32>> {
    in_range(checks, "timeout_ms", value, TIMEOUT_MS)
}

pub fn schedule(checks: &mut Checks, items: Option<Vec<String>>) -> Option<Option<RetrySchedule>> {
    let Some(items) = items else {
        return Some(None);
    };
    match RetrySchedule::parse(&items) {
        Ok(schedule) => Some(Some(schedule)),
        Err((_, error @ InvalidSchedule::TooMany)) => {
            checks.push(FieldError::new(
                "retry_schedule",
                "invalid_schedule",
                error.to_string(),
            ));
            None
        }
        Err((index, error)) => {
            checks.push(FieldError::new(
                format!("retry_schedule[{index}]"),
                "invalid_schedule",
                error.to_string(),
            ));
            None
        }
    }
}

pub fn headers(
    checks: &mut Checks,
    headers: Option<BTreeMap<String, String>>,
) -> Option<CustomHeaders> {
    match CustomHeaders::parse(headers.unwrap_or_default()) {
        Ok(headers) => Some(headers),
        Err((name, error)) => {
            let field = if name.is_empty() {
                "headers".to_owned()
            } else {
                format!("headers.{name}")
            };
            checks.push(FieldError::new(field, "invalid_header", error.to_string()));
            None
        }
    }
}

/// The tenant a request acts in: its own for a tenant token, the named (or default) one for
/// the admin.
pub fn tenant(
    checks: &mut Checks,
    principal: &Principal,
    requested: Option<&str>,
) -> Option<Tenant> {
    match (principal, requested) {
        (Principal::Tenant { tenant, .. }, None) => Some(tenant.clone()),
        (Principal::Tenant { tenant, .. }, Some(name)) if name == tenant.as_str() => {
            Some(tenant.clone())
        }
        (Principal::Tenant { .. }, Some(_)) => {
            checks.push(FieldError::new(
                "tenant",
                "forbidden_tenant",
                "a tenant token may only use its own tenant",
            ));
            None
        }
        (Principal::Admin, None) => Some(Tenant::default_tenant()),
        (Principal::Admin, Some(name)) => {
            checks.take("tenant", "invalid_tenant", Tenant::parse(name))
        }
    }
}
