//! Deliveries across webhooks: `GET /api/deliveries` (the dead-letter view, with filters) and
//! `POST /api/deliveries/retry` (every failed delivery that matches gets one more attempt, paced
//! per webhook; `dry_run` counts and shows a sample, changing nothing).

use super::deliveries::DeliveryOut;
use super::error::ApiError;
use super::extract::{ApiQuery, OptionalJsonBody, param};
use super::input_schema as schema;
use super::paging::{ListOf, list_of, page};
use super::{AppState, Problem};
use crate::model::*;
use crate::ops::{BulkRetried, Caller, FailedDeliveries};
use crate::store::DeliveryQuery;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DeliveryListQuery {
    /// `pending`, `succeeded`, `failed` or `cancelled`.
    #[param(schema_with = schema::delivery_status)]
    status: Option<String>,
    /// Only deliveries to this webhook.
    #[param(schema_with = schema::webhook_id)]
    webhook: Option<String>,
    /// Only deliveries of events of this name.
    #[param(schema_with = schema::event_name)]
    event_type: Option<String>,
    /// Only this tenant's deliveries (admin token).
    #[param(schema_with = schema::tenant)]
    tenant: Option<String>,
    /// RFC 3339; deliveries that last changed (a finished one: finished) at or after it.
    #[param(schema_with = schema::timestamp)]
    since: Option<String>,
    /// RFC 3339; deliveries that last changed at or before it.
    #[param(schema_with = schema::timestamp)]
    until: Option<String>,
    #[param(schema_with = schema::limit)]
    limit: Option<u32>,
    #[param(schema_with = schema::delivery_cursor)]
    cursor: Option<String>,
}

#[utoipa::path(get, path = "/api/deliveries", tag = "deliveries", params(DeliveryListQuery),
    responses((status = 200, description = "Deliveries across the webhooks the token can see, newest first.", body = ListOf<DeliveryOut>), (status = 422, body = Problem)))]
pub async fn list_deliveries(
    State(state): State<AppState>,
    principal: Principal,
    ApiQuery(query): ApiQuery<DeliveryListQuery>,
) -> Result<Json<ListOf<DeliveryOut>>, ApiError> {
    let (store_page, limit) = page(query.limit, query.cursor, |c| DeliveryId::parse(c).is_ok())?;
    let status = param("status", "invalid_status", query.status, |s: &str| {
        DeliveryStatus::parse(s).ok_or("must be pending, succeeded, failed or cancelled")
    })?;
    let deliveries = state
        .store
        .list_deliveries(&DeliveryQuery {
            scope: principal.scope(),
            page: store_page,
            status,
            webhook: param("webhook", "invalid_id", query.webhook, WebhookId::parse)?,
            event_type: param(
                "event_type",
                "invalid_event_name",
                query.event_type,
                EventName::parse,
            )?,
            tenant: param("tenant", "invalid_tenant", query.tenant, Tenant::parse)?,
            since: param("since", "invalid_timestamp", query.since, Timestamp::parse)?,
            until: param("until", "invalid_timestamp", query.until, Timestamp::parse)?,
        })
        .await?;
    Ok(Json(list_of(
        deliveries,
        limit,
        |d| d.id.to_string(),
        |d| DeliveryOut::from(&d),
    )))
}

/// Which failed deliveries to retry; every one the token can see when nothing is set.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BulkRetryIn {
    #[schema(schema_with = schema::failed_status)]
    pub status: Option<String>,
    #[schema(schema_with = schema::webhook_id)]
    pub webhook: Option<String>,
    #[schema(schema_with = schema::event_name)]
    pub event_type: Option<String>,
    /// Only this tenant's (admin token).
    #[schema(schema_with = schema::tenant)]
    pub tenant: Option<String>,
    /// Failed at or after this time.
    #[schema(schema_with = schema::timestamp)]
    pub since: Option<String>,
    /// Failed at or before this time.
    #[schema(schema_with = schema::timestamp)]
    pub until: Option<String>,
    /// Count and show a sample; change nothing.
    pub dry_run: Option<bool>,
}

/// What a bulk retry (or a recover) did, or in a dry run would do.
#[derive(Debug, Serialize, ToSchema)]
pub struct BulkRetryOut {
    /// Failed deliveries that matched.
    pub matched: usize,
    /// How many were re-queued (0 in a dry run).
    pub requeued: u64,
    /// Dry run: the first few, oldest first; empty otherwise.
    pub sample: Vec<DeliveryOut>,
    /// When the last of them gets its attempt: they are paced, at most 10 a second per webhook
    /// (fewer when its rate limit is lower). Null in a dry run or when none matched.
    #[schema(value_type = Option<String>, format = DateTime)]
    pub last_attempt_due_at: Option<Timestamp>,
    pub dry_run: bool,
}

impl BulkRetryOut {
    pub fn new(retried: BulkRetried, dry_run: bool) -> Self {
        Self {
            matched: retried.matched,
            requeued: retried.requeued,
            sample: retried.sample.iter().map(DeliveryOut::from).collect(),
            last_attempt_due_at: retried.last_due_at,
            dry_run,
        }
    }
}

#[utoipa::path(post, path = "/api/deliveries/retry", tag = "deliveries", request_body(content = Option<BulkRetryIn>, description = "Optional: which failed deliveries; all the token can see when omitted."),
    responses(
        (status = 202, description = "Re-queued, each for one more attempt, paced per webhook.", body = BulkRetryOut),
        (status = 200, description = "A dry run: what would be retried; nothing changed.", body = BulkRetryOut),
        (status = 422, body = Problem)))]
pub async fn retry_deliveries(
    State(state): State<AppState>,
    caller: Caller,
    OptionalJsonBody(input): OptionalJsonBody<BulkRetryIn>,
) -> Result<(StatusCode, Json<BulkRetryOut>), ApiError> {
    let input = input.unwrap_or_default();
    param("status", "invalid_status", input.status, |s: &str| {
        (s == "failed")
            .then_some(())
            .ok_or("only failed deliveries are retried in bulk")
    })?;
    let tenant = param("tenant", "invalid_tenant", input.tenant, Tenant::parse)?;
    if let (Principal::Tenant { tenant: own, .. }, Some(asked)) = (&caller.principal, &tenant)
        && own != asked
    {
        return Err(ApiError::field(
            "tenant",
            "forbidden_tenant",
            "a tenant token may only use its own tenant",
        ));
    }
    let filter = FailedDeliveries {
        webhook: param("webhook", "invalid_id", input.webhook, WebhookId::parse)?,
        event_type: param(
            "event_type",
            "invalid_event_name",
            input.event_type,
            EventName::parse,
        )?,
        tenant,
        since: param("since", "invalid_timestamp", input.since, Timestamp::parse)?,
        until: param("until", "invalid_timestamp", input.until, Timestamp::parse)?,
    };
    let dry_run = input.dry_run.unwrap_or(false);
    let retried = state.ops.retry_failed(&caller, filter, dry_run).await?;
    let status = if dry_run {
        StatusCode::OK
    } else {
        StatusCode::ACCEPTED
    };
    Ok((status, Json(BulkRetryOut::new(retried, dry_run))))
}
