//! One attempt: sign, send through the outbound client, and turn what happened into the logged
//! attempt and the delivery's next step.

use super::client::{OutboundClient, OutboundRequest};
use super::retry::{self, AttemptResult};
use crate::model::*;
use crate::signing;
use hyper::header::{HeaderMap, HeaderValue};
use std::sync::Arc;
use std::time::Instant;

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

/// Makes the attempt and reports it. Never fails: every problem becomes a failed attempt
/// whose `error` says what happened.
pub async fn perform(
    client: &OutboundClient,
    user_agent: &HeaderValue,
    target: &Target,
    job: &DeliveryJob,
    counts_for_streak: bool,
) -> AttemptOutcome {
    let started_at = Timestamp::now();
    let clock = Instant::now();
    let headers = signing::delivery_headers(&target.webhook, job, started_at, user_agent);
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
            .map_err(|e| e.to_string()),
        Err(error) => Err(error.clone()),
    };
    let elapsed = clock.elapsed();
    metrics::histogram!("hookd_attempt_duration_seconds").record(elapsed.as_secs_f64());
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
        Err(error) => (
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
        Timestamp::now(),
        rand::random(),
    );
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
        counts_for_streak: counts_for_streak && !job.manual,
        claim: job.claim.clone(),
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
