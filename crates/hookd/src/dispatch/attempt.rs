//! One attempt: sign, send through the outbound client, and turn what happened into the logged
//! attempt and the delivery's next step. It runs in an `attempt` span carrying the delivery's
//! ids, so every line it logs names them; for an event published in a W3C trace the span
//! continues that trace and the receiver gets a `traceparent` naming it.

use super::client::OutboundRequest;
use super::clock::{Clock, SystemClock};
use super::retry::{self, AttemptResult};
use super::transport::Transport;
use crate::model::*;
use crate::signing;
use crate::telemetry::otlp;
use hyper::header::{HeaderMap, HeaderValue};
use std::sync::Arc;
use tracing::Instrument;

/// A webhook as the dispatcher uses it: its settings, its URL parsed for the HTTP client, and
/// its effective retry schedule.
pub struct Target {
    pub webhook: Arc<Webhook>,
    pub uri: Result<hyper::Uri, String>,
    pub schedule: RetrySchedule,
}

impl Target {
    pub fn new(webhook: Arc<Webhook>, default_schedule: &RetrySchedule) -> Self {
        let uri = webhook
            .url
            .as_str()
            .parse::<hyper::Uri>()
            .map_err(|e| format!("invalid URL: {e}"));
        let schedule = webhook
            .retry_schedule
            .clone()
            .unwrap_or_else(|| default_schedule.clone());
        Self {
            webhook,
            uri,
            schedule,
        }
    }
}

/// Makes the attempt and reports it, on the system clock. Never fails: every problem becomes a
/// failed attempt whose `error` says what happened.
pub async fn perform(
    client: &dyn Transport,
    user_agent: &HeaderValue,
    target: &Target,
    job: &DeliveryJob,
    role: CircuitRole,
) -> AttemptOutcome {
    perform_with(&SystemClock, client, user_agent, target, job, role).await
}

/// `perform`, reading the time from `clock`: when the attempt started, how long it took, and
/// what the retry schedule counts from.
pub async fn perform_with(
    clock: &dyn Clock,
    client: &dyn Transport,
    user_agent: &HeaderValue,
    target: &Target,
    job: &DeliveryJob,
    role: CircuitRole,
) -> AttemptOutcome {
    let span = tracing::info_span!(
        "attempt",
        webhook_id = %job.webhook_id,
        delivery_id = %job.delivery_id,
        event_id = %job.event_id,
        attempt = job.attempt,
    );
    let trace = job.trace.as_deref().map(|event| {
        otlp::continue_trace(&span, &event.parent);
        let span_id = otlp::span_id(&span).unwrap_or_else(new_span_id);
        TraceContext {
            parent: event.parent.child(span_id),
            state: event.state.clone(),
        }
    });
    let attempt = Attempting {
        clock,
        client,
        user_agent,
        target,
        job,
        trace: trace.as_ref(),
    };
    attempt.run(role).instrument(span).await
}

/// A span id for a receiver's `traceparent` when spans are not exported: random, never zero.
fn new_span_id() -> [u8; 8] {
    loop {
        let id: [u8; 8] = rand::random();
        if id != [0; 8] {
            return id;
        }
    }
}

/// What one attempt works with.
struct Attempting<'a> {
    clock: &'a dyn Clock,
    client: &'a dyn Transport,
    user_agent: &'a HeaderValue,
    target: &'a Target,
    job: &'a DeliveryJob,
    /// The attempt's own trace context, sent as `traceparent` and `tracestate`.
    trace: Option<&'a TraceContext>,
}

impl Attempting<'_> {
    /// `role`: what the attempt means to the circuit breaker; an attempt the breaker ignores
    /// (a test) does not move the failure streak either, nor does a manual one.
    async fn run(self, role: CircuitRole) -> AttemptOutcome {
        let Attempting {
            clock,
            client,
            user_agent,
            target,
            job,
            trace,
        } = self;
        let started_at = clock.now();
        let started = clock.instant();
        let headers =
            signing::delivery_headers(&target.webhook, job, started_at, user_agent, trace);
        let mut header_map = HeaderMap::with_capacity(headers.len());
        for (name, value) in &headers {
            header_map.append(name.clone(), value.clone());
        }
        let response = match &target.uri {
            Ok(uri) => client
                .post(OutboundRequest {
                    url: uri,
                    headers: header_map,
                    body: job.sent_body(target.webhook.payload).0.clone(),
                    timeout: target.webhook.timeout(),
                })
                .await
                .map_err(|e| {
                    let timed_out = matches!(e, crate::dispatch::client::OutboundError::Timeout(_));
                    (e.to_string(), timed_out)
                }),
            Err(error) => Err((error.clone(), false)),
        };
        let elapsed = clock.instant().saturating_duration_since(started);
        metrics::histogram!("hookd_attempt_duration_seconds").record(elapsed.as_secs_f64());
        let timed_out = matches!(response, Err((_, true)));
        let (result, response_code, response_body, response_headers, error) = match response {
            Ok(response) => {
                let error = (300..400).contains(&response.status).then(|| {
                    format!(
                        "redirect ({}) not followed: hookd never follows redirects",
                        response.status
                    )
                });
                let result = AttemptResult {
                    status: Some(response.status),
                    retry_after: response.retry_after,
                };
                (
                    result,
                    Some(response.status),
                    Some(response.body_prefix),
                    response.headers,
                    error,
                )
            }
            Err((error, _)) => (
                AttemptResult {
                    status: None,
                    retry_after: None,
                },
                None,
                None,
                Vec::new(),
                Some(error),
            ),
        };
        let status = if result.succeeded() {
            AttemptStatus::Succeeded
        } else {
            AttemptStatus::Failed
        };
        let next = retry::next_step(
            result,
            job.attempt,
            job.manual,
            &target.schedule,
            clock.now(),
            rand::random(),
        );
        log_outcome(status, response_code, error.as_deref(), &next);
        let attempt = Attempt {
            id: AttemptId::new(),
            delivery_id: job.delivery_id.clone(),
            webhook_id: job.webhook_id.clone(),
            event_id: job.event_id.clone(),
            tenant: job.tenant.clone(),
            event_type: job.event_type.clone(),
            attempt: job.attempt,
            status,
            response_code,
            response_body,
            error,
            duration_ms: elapsed.as_millis().min(u128::from(u32::MAX)) as u32,
            request_headers: logged_request_headers(&headers, &target.webhook.headers),
            response_headers,
            created_at: started_at,
        };
        AttemptOutcome {
            attempt,
            next,
            counts_for_streak: role != CircuitRole::Test && !job.manual,
            retry_after: retry::lane_pause(result),
            overloaded: timed_out || matches!(result.status, Some(429 | 503)),
            claim: job.claim.clone(),
            circuit: role,
        }
    }
}

/// One line per attempt, in the attempt's span (so with the delivery's ids): a success at
/// debug level, a failure at info with why and what comes next.
fn log_outcome(status: AttemptStatus, code: Option<u16>, error: Option<&str>, next: &NextStep) {
    match (status, next) {
        (AttemptStatus::Succeeded, _) => tracing::debug!(status = code, "delivered"),
        (AttemptStatus::Failed, NextStep::RetryAt(at)) => {
            tracing::info!(status = code, error, retry_at = %at, "attempt failed; retrying")
        }
        (AttemptStatus::Failed, _) => {
            tracing::info!(status = code, error, "attempt failed; no retry left")
        }
    }
}

/// The request headers as the log keeps them: as sent, except the values of the webhook's
/// custom headers (API keys, typically), which are shown as `***`.
fn logged_request_headers(
    headers: &[(hyper::header::HeaderName, HeaderValue)],
    custom: &CustomHeaders,
) -> Vec<(String, String)> {
    headers
        .iter()
        .map(|(name, value)| {
            let is_custom = custom
                .iter()
                .any(|(custom_name, _)| name.as_str().eq_ignore_ascii_case(custom_name));
            let shown = if is_custom {
                "***"
            } else {
                value.to_str().unwrap_or_default()
            };
            (name.as_str().to_owned(), shown.to_owned())
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A custom header's value (an API key, say) is never written to the attempt log; hookd's
    /// own headers are kept as sent.
    #[test]
    fn custom_header_values_are_masked_in_the_log() {
        let custom =
            CustomHeaders::parse([("X-Api-Key".to_owned(), "secret-key".to_owned())].into())
                .unwrap();
        let sent = [
            (
                hyper::header::HeaderName::from_static("webhook-id"),
                HeaderValue::from_static("evt_1"),
            ),
            (
                hyper::header::HeaderName::from_static("x-api-key"),
                HeaderValue::from_static("secret-key"),
            ),
        ];
        let logged = logged_request_headers(&sent, &custom);
        assert_eq!(
            logged,
            [
                ("webhook-id".to_owned(), "evt_1".to_owned()),
                ("x-api-key".to_owned(), "***".to_owned())
            ]
        );
    }
}
