//! A webhook: a URL that receives the events it subscribes to, with its delivery settings,
//! signing secrets and health.

use super::{
    Breaker, Circuit, CustomHeaders, EventPattern, Filter, Ordering, RetrySchedule,
    SignatureOptions, SignatureScheme, Tenant, Timestamp, WebhookId, WebhookSecret, WebhookUrl,
};
use std::time::Duration;

pub const DEFAULT_MAX_IN_FLIGHT: u32 = 10;
/// The largest `max_in_flight` any webhook may have; the `max_in_flight_per_webhook` setting
/// lowers it.
pub const MAX_IN_FLIGHT_CEILING: u32 = 1000;
pub const DEFAULT_TIMEOUT_MS: u32 = 10_000;
/// How long a replaced secret keeps signing after a rotation.
pub const ROTATION_OVERLAP: Duration = Duration::from_secs(24 * 3600);

/// Why a webhook stopped receiving deliveries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DisabledReason {
    /// Someone disabled it.
    Manual,
    /// Too many deliveries in a row failed.
    Failing,
    /// The receiver answered `410 Gone`.
    Gone,
}

impl DisabledReason {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Manual => "manual",
            Self::Failing => "failing",
            Self::Gone => "gone",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "manual" => Some(Self::Manual),
            "failing" => Some(Self::Failing),
            "gone" => Some(Self::Gone),
            _ => None,
        }
    }
}

/// What a webhook receives for an event that came from an inbox.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PayloadMode {
    /// hookd's event body, `{"id","type","timestamp","data"}` (for every event).
    #[default]
    Event,
    /// The inbox request's own bytes, content type and signature headers (events from an
    /// inbox; others are sent as `Event`).
    Original,
}

impl PayloadMode {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Event => "event",
            Self::Original => "original",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "event" => Some(Self::Event),
            "original" => Some(Self::Original),
            _ => None,
        }
    }
}

/// A secret replaced by a rotation, still signing until `expires_at`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RotatedSecret {
    pub secret: WebhookSecret,
    pub expires_at: Timestamp,
}

/// A webhook as stored. Every field has been validated by the `model` parsers.
#[derive(Debug, Clone, PartialEq)]
pub struct Webhook {
    pub id: WebhookId,
    pub tenant: Tenant,
    pub url: WebhookUrl,
    /// Never empty.
    pub events: Vec<EventPattern>,
    pub description: String,
    /// False while `disabled_reason` is set: it gets no new deliveries and its pending ones wait.
    pub active: bool,
    pub disabled_reason: Option<DisabledReason>,
    /// Only events for which this is true are delivered.
    pub filter: Option<Filter>,
    /// Deliveries per second at most.
    pub rate_limit: Option<u32>,
    /// Concurrent requests to this webhook at most (per node).
    pub max_in_flight: u32,
    pub timeout_ms: u32,
    /// `None` uses the server's default schedule.
    pub retry_schedule: Option<RetrySchedule>,
    /// Never has the simple header's name (`SignatureOptions::clash`).
    pub headers: CustomHeaders,
    /// Its kind is the webhook's scheme (`scheme`).
    pub secret: WebhookSecret,
    /// May be of the other kind, after a change of scheme: it then signs in its own scheme.
    pub previous_secret: Option<RotatedSecret>,
    /// The simple header's name and prefix.
    pub signature: SignatureOptions,
    /// Deliveries that failed in a row; reset by a success or by enabling.
    pub failure_streak: u32,
    /// What it receives for events that came from an inbox.
    pub payload: PayloadMode,
    /// Deliveries in publish order, for the whole webhook or per key; `None`: any order.
    pub ordering: Option<Ordering>,
    /// Its circuit breaker's settings; `None` uses the server's defaults (`breaker()`).
    pub breaker: Option<Breaker>,
    /// Its circuit, as the store keeps it (read-only outside the store's rules).
    pub circuit: Circuit,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

impl Webhook {
    /// Makes `secret` the webhook's, keeping the current one signing (in its own scheme) for
    /// `ROTATION_OVERLAP`; answers until when.
    pub fn rotate_secret(&mut self, secret: WebhookSecret, now: Timestamp) -> Timestamp {
        let expires_at = now.plus(ROTATION_OVERLAP);
        let previous = std::mem::replace(&mut self.secret, secret);
        self.previous_secret = Some(RotatedSecret {
            secret: previous,
            expires_at,
        });
        expires_at
    }

    /// Whether any of its patterns matches the event name.
    pub fn subscribes_to(&self, event_type: &str) -> bool {
        self.events
            .iter()
            .any(|pattern| pattern.matches(event_type))
    }

    /// The Standard Webhooks scheme it signs with: its secret's kind.
    pub fn scheme(&self) -> SignatureScheme {
        self.secret.scheme()
    }

    /// The secrets that sign a request sent at `now`: the current one, then the previous one
    /// while its overlap lasts.
    pub fn signing_secrets(&self, now: Timestamp) -> impl Iterator<Item = &WebhookSecret> {
        let previous = self
            .previous_secret
            .as_ref()
            .filter(|p| p.expires_at > now)
            .map(|p| &p.secret);
        std::iter::once(&self.secret).chain(previous)
    }

    /// The breaker in effect: its own, or the defaults.
    pub fn breaker(&self) -> Breaker {
        self.breaker.unwrap_or_default()
    }

    /// Whether its circuit holds deliveries back: a breaker that is on, and a circuit that is
    /// not closed.
    pub fn circuit_blocks(&self) -> bool {
        self.breaker().enabled && !self.circuit.is_closed()
    }

    pub fn timeout(&self) -> Duration {
        Duration::from_millis(u64::from(self.timeout_ms))
    }
}
