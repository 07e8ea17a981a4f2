//! A webhook's circuit breaker on the wire: `breaker` (its settings, `BreakerIn` and
//! `BreakerOut`) and `circuit` (its state, read-only, `CircuitOut`), and the parsing of
//! `breaker` into the model's `Breaker`, each bad field named (`breaker.failures`).

use super::webhook_input::Checks;
use crate::model::*;
use serde::{Deserialize, Deserializer, Serialize};
use utoipa::ToSchema;

/// The circuit breaker's settings. Fields left out take the server's defaults; `null` for the
/// whole object means every default.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BreakerIn {
    /// Default true. False: no circuit; the server's `disable_after_failures` (failed
    /// deliveries in a row) disables the webhook instead.
    pub enabled: Option<bool>,
    /// Attempts failed in a row that open the circuit, 1 to 1000 (default 5).
    #[schema(minimum = 1, maximum = 1000)]
    pub failures: Option<u32>,
    /// How long the circuit stays open before the first probe, 1s to 1d (default `30s`): a
    /// whole number and one unit, `s`, `m`, `h` or `d`.
    #[schema(example = "30s")]
    pub cooldown: Option<String>,
    /// The longest wait between probes (each failed probe doubles it), from `cooldown` to 7d
    /// (default `1h`).
    #[schema(example = "1h")]
    pub max_cooldown: Option<String>,
    /// A circuit open this long disables the webhook (`disabled_reason: failing`), 1s to 365d
    /// (default `3d`); `null`: never.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>, example = "3d")]
    pub disable_after: Option<Option<String>>,
}

/// The circuit breaker in effect (the server's defaults where the webhook has none).
#[derive(Debug, Serialize, ToSchema)]
pub struct BreakerOut {
    pub enabled: bool,
    /// Attempts failed in a row that open the circuit.
    pub failures: u32,
    /// The wait before the first probe.
    pub cooldown: String,
    /// The longest wait between probes.
    pub max_cooldown: String,
    /// How long the circuit may stay open before the webhook is disabled; `null`: never.
    pub disable_after: Option<String>,
}

impl From<Breaker> for BreakerOut {
    fn from(breaker: Breaker) -> Self {
        Self {
            enabled: breaker.enabled,
            failures: breaker.failures,
            cooldown: format_duration(breaker.cooldown),
            max_cooldown: format_duration(breaker.max_cooldown),
            disable_after: breaker.disable_after.map(format_duration),
        }
    }
}

/// Where a circuit is.
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CircuitStateOut {
    /// Deliveries go out.
    Closed,
    /// Nothing is sent until `next_probe_at`; deliveries wait, keeping their attempts.
    Open,
    /// One probe is on its way.
    HalfOpen,
}

/// A webhook's circuit (read-only).
#[derive(Debug, Serialize, ToSchema)]
pub struct CircuitOut {
    pub state: CircuitStateOut,
    /// When it opened (while open or half open).
    #[schema(value_type = Option<String>, format = DateTime)]
    pub opened_at: Option<Timestamp>,
    /// When the next probe is due (while open).
    #[schema(value_type = Option<String>, format = DateTime)]
    pub next_probe_at: Option<Timestamp>,
    /// The failure that opened it or the last probe's: `HTTP 500`, `timed out`, ...
    pub reason: Option<String>,
}

impl From<&Circuit> for CircuitOut {
    fn from(circuit: &Circuit) -> Self {
        Self {
            state: match circuit.state {
                CircuitState::Closed => CircuitStateOut::Closed,
                CircuitState::Open => CircuitStateOut::Open,
                CircuitState::HalfOpen => CircuitStateOut::HalfOpen,
            },
            opened_at: circuit.opened_at,
            next_probe_at: circuit.next_probe_at,
            reason: circuit.reason.clone(),
        }
    }
}

/// Tells "absent" (`None`) from "null" (`Some(None)`).
fn present<'de, D: Deserializer<'de>, T: Deserialize<'de>>(
    deserializer: D,
) -> Result<Option<Option<T>>, D::Error> {
    Option::<T>::deserialize(deserializer).map(Some)
}

/// `breaker` parsed: `Some(None)` for null (the defaults), `None` when a field was refused
/// (each named `breaker.<field>` in `checks`).
pub fn breaker(checks: &mut Checks, input: Option<BreakerIn>) -> Option<Option<Breaker>> {
    let Some(input) = input else {
        return Some(None);
    };
    let parts = BreakerParts {
        enabled: input.enabled,
        failures: input.failures,
        cooldown: input.cooldown.as_deref(),
        max_cooldown: input.max_cooldown.as_deref(),
        disable_after: input.disable_after.as_ref().map(Option::as_deref),
    };
    match Breaker::parse(&parts) {
        Ok(breaker) => Some(Some(breaker)),
        Err(errors) => {
            for error in errors {
                checks.push(FieldError::new(
                    format!("breaker.{}", error.field),
                    "invalid_breaker",
                    error.message,
                ));
            }
            None
        }
    }
}
