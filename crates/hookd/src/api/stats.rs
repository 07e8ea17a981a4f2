//! Statistics: a webhook's attempts over a window (counts, the attempt success rate, latency
//! percentiles kept within what was observed, a time series for charts), the same summed over
//! every webhook a token sees (the dashboard), and delivery totals with the delivery success
//! rate. All read from the per-minute table, never by scanning attempts.

use super::error::ApiError;
use super::extract::{ApiQuery, PathParam};
use super::input_schema as schema;
use super::webhooks::visible_webhook;
use super::{AppState, Problem};
use crate::model::*;
use crate::store::{LATENCY_BOUNDS_MS, LATENCY_BUCKETS, MinuteStats};
use axum::Json;
use axum::extract::State;
use serde::{Deserialize, Serialize};
use std::time::Duration;
use utoipa::{IntoParams, ToSchema};

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct StatsQuery {
    #[param(schema_with = schema::window)]
    window: Option<String>,
}

/// Attempt durations in milliseconds. Percentiles come from a histogram, interpolated inside
/// the bucket they fall in, and never lie outside the fastest and slowest attempt observed.
/// All null without attempts.
#[derive(Debug, Serialize, ToSchema)]
pub struct LatencyOut {
    pub average: Option<f64>,
    pub p50: Option<f64>,
    pub p95: Option<f64>,
    pub p99: Option<f64>,
    /// The fastest attempt (null when not known for the whole window).
    pub min: Option<u64>,
    /// The slowest attempt (null when not known for the whole window).
    pub max: Option<u64>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct StatsBucket {
    #[schema(value_type = String, format = DateTime)]
    pub start: Timestamp,
    pub succeeded: u64,
    pub failed: u64,
    pub average_latency_ms: Option<f64>,
}

/// Attempts over a window (of one webhook, or of all the token sees), with a time series for
/// charts.
#[derive(Debug, Serialize, ToSchema)]
pub struct StatsOut {
    pub window: String,
    pub bucket_seconds: u64,
    pub attempts: u64,
    pub succeeded: u64,
    pub failed: u64,
    /// Succeeded attempts over all attempts in the window (a delivery that failed twice and
    /// then succeeded counts 1 of 3); null without attempts. Not the delivery success rate of
    /// `/api/webhooks/metrics`.
    pub attempt_success_rate: Option<f64>,
    pub latency_ms: LatencyOut,
    pub buckets: Vec<StatsBucket>,
}

#[utoipa::path(get, path = "/api/webhooks/{id}/stats", tag = "webhooks", params(("id" = String, Path, description = "The webhook id (`wh_…`)."), StatsQuery),
    responses((status = 200, body = StatsOut), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn webhook_stats(
    State(state): State<AppState>,
    principal: Principal,
    PathParam(id): PathParam,
    ApiQuery(query): ApiQuery<StatsQuery>,
) -> Result<Json<StatsOut>, ApiError> {
    let webhook = visible_webhook(&state, &principal, &id).await?;
    stats_over(&state, Some(&webhook.id), &principal.scope(), query).await
}

/// The same figures as a webhook's stats, summed over every webhook the token can see: the
/// dashboard's charts.
#[utoipa::path(get, path = "/api/stats", tag = "webhooks", params(StatsQuery),
    responses((status = 200, body = StatsOut), (status = 401, body = Problem), (status = 422, body = Problem)))]
pub async fn all_stats(
    State(state): State<AppState>,
    principal: Principal,
    ApiQuery(query): ApiQuery<StatsQuery>,
) -> Result<Json<StatsOut>, ApiError> {
    stats_over(&state, None, &principal.scope(), query).await
}

async fn stats_over(
    state: &AppState,
    webhook: Option<&WebhookId>,
    scope: &Scope,
    query: StatsQuery,
) -> Result<Json<StatsOut>, ApiError> {
    let window_text = query.window.unwrap_or_else(|| "24h".to_owned());
    let window = humantime::parse_duration(&window_text)
        .ok()
        .filter(|w| (Duration::from_secs(60)..=Duration::from_secs(30 * 86_400)).contains(w))
        .ok_or_else(|| {
            ApiError::field(
                "window",
                "invalid_window",
                "must be a duration from 1m to 30d, such as 24h",
            )
        })?;
    let now = Timestamp::now();
    let minutes = window.as_secs().div_ceil(60);
    let bucket_minutes = minutes.div_ceil(60).max(1);
    let first_minute = (now.as_millis() / 60_000 - minutes as i64 + 1) * 60_000;
    let rows = state
        .store
        .minute_stats(webhook, scope, Timestamp::from_millis(first_minute))
        .await?;
    Ok(Json(summarise(
        &rows,
        window_text,
        first_minute,
        bucket_minutes,
        minutes,
    )))
}

fn summarise(
    rows: &[MinuteStats],
    window: String,
    first_minute: i64,
    bucket_minutes: u64,
    minutes: u64,
) -> StatsOut {
    let bucket_ms = bucket_minutes as i64 * 60_000;
    let count = minutes.div_ceil(bucket_minutes) as usize;
    let mut buckets: Vec<(u64, u64, u64)> = vec![(0, 0, 0); count];
    let mut histogram = [0u64; LATENCY_BUCKETS];
    let (mut succeeded, mut failed, mut latency_sum) = (0u64, 0u64, 0u64);
    let mut range = RangeSeen::default();
    for row in rows {
        range.add(row.latency_range_ms);
        let index = ((row.minute.as_millis() - first_minute) / bucket_ms).clamp(0, count as i64 - 1)
            as usize;
        buckets[index].0 += row.succeeded;
        buckets[index].1 += row.failed;
        buckets[index].2 += row.latency_sum_ms;
        succeeded += row.succeeded;
        failed += row.failed;
        latency_sum += row.latency_sum_ms;
        for (total, value) in histogram.iter_mut().zip(row.latency_histogram) {
            *total += value;
        }
    }
    let attempts = succeeded + failed;
    let ratio = |part: u64, whole: u64| (whole > 0).then(|| part as f64 / whole as f64);
    StatsOut {
        window,
        bucket_seconds: bucket_minutes * 60,
        attempts,
        succeeded,
        failed,
        attempt_success_rate: ratio(succeeded, attempts),
        latency_ms: LatencyOut {
            average: ratio(latency_sum, attempts),
            p50: percentile(&histogram, range.known(), 0.50),
            p95: percentile(&histogram, range.known(), 0.95),
            p99: percentile(&histogram, range.known(), 0.99),
            min: range.known().map(|(min, _)| min),
            max: range.known().map(|(_, max)| max),
        },
        buckets: buckets
            .into_iter()
            .enumerate()
            .map(|(index, (ok, bad, latency))| StatsBucket {
                start: Timestamp::from_millis(first_minute + index as i64 * bucket_ms),
                succeeded: ok,
                failed: bad,
                average_latency_ms: ratio(latency, ok + bad),
            })
            .collect(),
    }
}

/// The fastest and slowest attempt over several minutes; unknown as soon as one minute's is.
#[derive(Default)]
struct RangeSeen {
    range: Option<(u64, u64)>,
    unknown: bool,
}

impl RangeSeen {
    fn add(&mut self, minute: Option<(u64, u64)>) {
        match (minute, self.range) {
            (None, _) => self.unknown = true,
            (Some(minute), None) => self.range = Some(minute),
            (Some((min, max)), Some((lo, hi))) => self.range = Some((lo.min(min), hi.max(max))),
        }
    }

    fn known(&self) -> Option<(u64, u64)> {
        if self.unknown { None } else { self.range }
    }
}

/// The `q` quantile of a latency histogram, interpolated linearly inside its bucket. With the
/// fastest and slowest attempt known, the bucket is first narrowed to them, so the answer
/// lies within what was observed (two attempts of 0 and 28 ms give a p99 of at most 28 ms,
/// not a point inside the 25–50 ms bucket's upper half).
fn percentile(
    histogram: &[u64; LATENCY_BUCKETS],
    range: Option<(u64, u64)>,
    q: f64,
) -> Option<f64> {
    let total: u64 = histogram.iter().sum();
    if total == 0 {
        return None;
    }
    let rank = q * total as f64;
    let mut below = 0u64;
    for (index, &count) in histogram.iter().enumerate() {
        if count > 0 && (below + count) as f64 >= rank {
            let mut lower = if index == 0 {
                0.0
            } else {
                f64::from(LATENCY_BOUNDS_MS[index - 1])
            };
            let mut upper = LATENCY_BOUNDS_MS.get(index).map(|&b| f64::from(b));
            if let Some((min, max)) = range {
                lower = lower.max(min as f64).min(max as f64);
                upper = Some(upper.map_or(max as f64, |u| u.min(max as f64)).max(lower));
            }
            let Some(upper) = upper else {
                return Some(lower);
            };
            let within = ((rank - below as f64) / count as f64).clamp(0.0, 1.0);
            return Some(lower + (upper - lower) * within);
        }
        below += count;
    }
    None
}

/// Delivery totals over every webhook the token can see.
#[derive(Debug, Serialize, ToSchema)]
pub struct MetricsOut {
    /// Every delivery kept (within the retention window), whatever its state.
    pub total: u64,
    pub delivered: u64,
    pub failed: u64,
    pub pending: u64,
    /// Deliveries that succeeded over deliveries that finished (succeeded + failed; pending
    /// and cancelled ones are not counted); null before anything finished. Not the attempt
    /// success rate of the stats.
    pub delivery_success_rate: Option<f64>,
    /// Mean attempt duration; null without attempts.
    pub average_latency_ms: Option<f64>,
}

#[utoipa::path(get, path = "/api/webhooks/metrics", tag = "webhooks",
    responses((status = 200, body = MetricsOut), (status = 401, body = Problem)))]
pub async fn webhook_metrics(
    State(state): State<AppState>,
    principal: Principal,
) -> Result<Json<MetricsOut>, ApiError> {
    let scope = principal.scope();
    let counts = state.store.delivery_counts(&scope).await?;
    let (latency_sum, attempts) = state
        .store
        .latency_totals(&scope, Timestamp::from_millis(0))
        .await?;
    let finished = counts.succeeded + counts.failed;
    Ok(Json(MetricsOut {
        total: counts.pending + counts.succeeded + counts.failed + counts.cancelled,
        delivered: counts.succeeded,
        failed: counts.failed,
        pending: counts.pending,
        delivery_success_rate: (finished > 0).then(|| counts.succeeded as f64 / finished as f64),
        average_latency_ms: (attempts > 0).then(|| latency_sum as f64 / attempts as f64),
    }))
}

#[cfg(test)]
mod tests;
