//! A webhook's input parsed whole: `WebhookIn` into the checked `NewWebhook` a registration
//! takes, `WebhookPatch` into the checked `WebhookChange` an update applies. Every field is
//! parsed, every problem reported at once (each naming its field), and what comes out holds
//! only checked values: there is nothing left to unwrap.

use super::error::ApiError;
use super::webhook_breaker as breaker;
use super::webhook_input::{self as input, Checks, WebhookIn, WebhookPatch};
use super::webhook_signature as signing;
use crate::config::Config;
use crate::model::*;
use crate::ops::{NewWebhook, WebhookChange};

/// A registration, checked: the caller may use the tenant it names, and every field parses.
pub fn new_webhook(
    config: &Config,
    principal: &Principal,
    input: WebhookIn,
) -> Result<NewWebhook, ApiError> {
    let mut checks = Checks::default();
    let url = input::url(&mut checks, &input.url);
    let events = input::patterns(&mut checks, &input.events);
    let description = input::description(&mut checks, input.description);
    let tenant = input::tenant(&mut checks, principal, input.tenant.as_deref());
    let filter = input::filter(&mut checks, input.filter);
    let rate_limit = input::rate_limit(&mut checks, input.rate_limit);
    let max_in_flight = input::max_in_flight(
        &mut checks,
        input.max_in_flight,
        config.max_in_flight_per_webhook,
    );
    let timeout_ms = input::timeout_ms(&mut checks, input.timeout_ms);
    let retry_schedule = input::schedule(&mut checks, input.retry_schedule);
    let ordering = input::ordering(&mut checks, input.ordering);
    let breaker = breaker::breaker(&mut checks, input.breaker);
    let given_headers = input.headers.is_some();
    let headers = input::headers(&mut checks, input.headers);
    let defaults = SignatureOptions::default();
    let signature = signing::signature(
        &mut checks,
        input.signature,
        (SignatureScheme::default(), &defaults),
    );
    let secret = signature
        .as_ref()
        .and_then(|(scheme, _)| signing::secret(&mut checks, *scheme, input.secret));
    if let (Some(headers), Some((_, options))) = (&headers, &signature) {
        signing::check_clash(&mut checks, options, headers, given_headers);
    }
    let parsed = (|| {
        Some(NewWebhook {
            tenant: tenant?,
            url: url?,
            events: events?,
            description: description?,
            active: input.active.unwrap_or(true),
            filter: filter?,
            rate_limit: rate_limit?,
            max_in_flight: max_in_flight?.unwrap_or(DEFAULT_MAX_IN_FLIGHT),
            timeout_ms: timeout_ms?.unwrap_or(DEFAULT_TIMEOUT_MS),
            retry_schedule: retry_schedule?,
            headers: headers?,
            secret: secret?,
            signature: signature?.1,
            payload: input.payload.map(Into::into).unwrap_or_default(),
            ordering: ordering?,
            breaker: breaker?,
            ping: input.ping.unwrap_or(true),
        })
    })();
    checks.finish_with(parsed)
}

/// A change to `current`, checked: fields that cannot change are refused, and the signature's
/// options and the custom headers are checked against each other as they will be after it.
pub fn webhook_change(
    config: &Config,
    current: &Webhook,
    patch: WebhookPatch,
) -> Result<WebhookChange, ApiError> {
    let fields = patch.fields();
    let mut checks = Checks::default();
    for (field, present) in [
        ("id", patch.id.is_some()),
        ("tenant", patch.tenant.is_some()),
    ] {
        if present {
            checks.push(FieldError::new(field, "immutable", "cannot be changed"));
        }
    }
    let signature = signing::change(&mut checks, current, patch.signature, patch.secret);
    let url = patch
        .url
        .as_deref()
        .map(|text| input::url(&mut checks, text));
    let events = patch
        .events
        .as_deref()
        .map(|items| input::patterns(&mut checks, items));
    let description = patch
        .description
        .map(|text| input::description(&mut checks, Some(text)));
    let filter = patch.filter.map(|text| input::filter(&mut checks, text));
    let rate_limit = patch
        .rate_limit
        .map(|value| input::rate_limit(&mut checks, value));
    let max_in_flight = patch.max_in_flight.map(|value| {
        input::max_in_flight(&mut checks, Some(value), config.max_in_flight_per_webhook)
    });
    let timeout_ms = patch
        .timeout_ms
        .map(|value| input::timeout_ms(&mut checks, Some(value)));
    let retry_schedule = patch
        .retry_schedule
        .map(|items| input::schedule(&mut checks, items));
    let ordering = patch
        .ordering
        .map(|text| input::ordering(&mut checks, text));
    let breaker = patch
        .breaker
        .map(|given| breaker::breaker(&mut checks, given));
    let given_headers = patch.headers.is_some();
    let headers = patch
        .headers
        .map(|map| input::headers(&mut checks, Some(map)));
    let headers_after = headers
        .as_ref()
        .map_or(Some(&current.headers), Option::as_ref);
    if let (Some(change), Some(headers)) = (&signature, headers_after) {
        signing::check_clash(&mut checks, &change.options, headers, given_headers);
    }
    let parsed = (|| {
        let signature = signature?;
        Some(WebhookChange {
            url: given(url)?,
            events: given(events)?,
            description: given(description)?,
            filter: given(filter)?,
            rate_limit: given(rate_limit)?,
            max_in_flight: given(max_in_flight)?.flatten(),
            timeout_ms: given(timeout_ms)?.flatten(),
            retry_schedule: given(retry_schedule)?,
            headers: given(headers)?,
            payload: patch.payload.map(Into::into),
            ordering: given(ordering)?,
            signature: Some(signature.options),
            new_secret: signature.new_secret,
            active: patch.active,
            breaker: given(breaker)?,
            fields,
        })
    })();
    checks.finish_with(parsed)
}

/// A patch field as the change takes it: `Some(None)` when it was not given, `Some(Some(v))`
/// when it was given and parsed, `None` when it was given and refused (the parser said why).
fn given<T>(field: Option<Option<T>>) -> Option<Option<T>> {
    match field {
        None => Some(None),
        Some(parsed) => parsed.map(Some),
    }
}

#[cfg(test)]
mod tests {
    use super::given;

    #[test]
    fn a_patch_field_not_given_is_no_change_and_a_refused_one_stops_the_change() {
        assert_eq!(given::<u32>(None), Some(None));
        assert_eq!(given(Some(Some(5))), Some(Some(5)));
        assert_eq!(given::<u32>(Some(None)), None);
    }
}
