//! Applying a batch of attempt outcomes in one transaction and a handful of statements: the
//! attempt rows, each delivery's next state (only while the outcome's claim still holds it),
//! the webhooks' failure streaks (disabling those that reach the limit or answered 410), the
//! next delivery of each order key whose turn ended (`ordering`), and the per-minute
//! statistics. The rules are `store::rules`'; this file holds their SQL.

use super::rows::circuit_record;
use super::webhooks::pause_deliveries;
use super::{DUE_CHANNEL, WEBHOOKS_CHANNEL, notify, ordering};
use crate::model::*;
use crate::store::record::encode_headers;
use crate::store::record::{CIRCUIT_COLUMNS, CircuitRecord, breaker_of};
use crate::store::rules::health::{StoredHealth, follow, health_changes};
use crate::store::rules::outcome::after_attempt;
use crate::store::rules::streak::{Disabling, StreakState};
use crate::store::rules::tally::tally_minutes;
use crate::store::{
    CircuitNews, DisabledWebhook, LATENCY_BUCKETS, Recorded, StoreResult, WebhookNews,
};
use sqlx::{PgConnection, PgPool, Row};

pub async fn record(
    pool: &PgPool,
    outcomes: &[AttemptOutcome],
    disable_after: u32,
    now: Timestamp,
) -> StoreResult<Recorded> {
    let mut transaction = pool.begin().await?;
    insert_attempts(&mut transaction, outcomes).await?;
    let turns_ended = update_deliveries(&mut transaction, outcomes, now).await?;
    let news = update_health(&mut transaction, outcomes, disable_after, now).await?;
    // After the streaks (webhook rows before key locks, in every transaction that takes both):
    // the next delivery of a key released here is paused if its webhook was just disabled.
    let released = ordering::release_next(&mut transaction, &turns_ended, now).await?;
    upsert_minutes(&mut transaction, outcomes).await?;
    if !news.is_empty() {
        // Other nodes reload: a webhook disabled, a circuit that opened or closed.
        notify(&mut transaction, WEBHOOKS_CHANNEL).await?;
    }
    if released > 0 {
        notify(&mut transaction, DUE_CHANNEL).await?;
    }
    transaction.commit().await?;
    Ok(Recorded { news, released })
}

async fn insert_attempts(conn: &mut PgConnection, outcomes: &[AttemptOutcome]) -> StoreResult<()> {
    let attempts = outcomes.iter().map(|o| &o.attempt);
    let column = |f: fn(&Attempt) -> &str| attempts.clone().map(f).collect::<Vec<_>>();
    sqlx::query(
        "INSERT INTO attempts (id, delivery_id, webhook_id, event_id, tenant, event_type, \
             attempt, status, response_code, response_body, error, duration_ms, \
             request_headers, created_at, response_headers) \
         SELECT * FROM UNNEST($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], \
             $6::text[], $7::integer[], $8::text[], $9::integer[], $10::text[], $11::text[], \
             $12::integer[], $13::text[], $14::bigint[], $15::text[])",
    )
    .bind(column(|a| a.id.as_str()))
    .bind(column(|a| a.delivery_id.as_str()))
    .bind(column(|a| a.webhook_id.as_str()))
    .bind(column(|a| a.event_id.as_str()))
    .bind(column(|a| a.tenant.as_str()))
    .bind(column(|a| a.event_type.as_str()))
    .bind(
        attempts
            .clone()
            .map(|a| a.attempt as i32)
            .collect::<Vec<_>>(),
    )
    .bind(column(|a| a.status.as_str()))
    .bind(
        attempts
            .clone()
            .map(|a| a.response_code.map(i32::from))
            .collect::<Vec<_>>(),
    )
    .bind(
        attempts
            .clone()
            .map(|a| a.response_body.as_deref())
            .collect::<Vec<_>>(),
    )
    .bind(
        attempts
            .clone()
            .map(|a| a.error.as_deref())
            .collect::<Vec<_>>(),
    )
    .bind(
        attempts
            .clone()
            .map(|a| a.duration_ms.min(i32::MAX as u32) as i32)
            .collect::<Vec<_>>(),
    )
    .bind(
        attempts
            .clone()
            .map(crate::store::sent_headers::encode)
            .collect::<Vec<_>>(),
    )
    .bind(
        attempts
            .clone()
            .map(|a| a.created_at.as_millis())
            .collect::<Vec<_>>(),
    )
    .bind(
        attempts
            .map(|a| encode_headers(&a.response_headers))
            .collect::<Vec<_>>(),
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Moves each delivery on, if it is still pending (a deleted webhook's deliveries are
/// cancelled and stay so) and still held by the claim the attempt was made under. Returns the
/// webhooks and order keys of ordered deliveries whose turn this ended, sorted (the same
/// statement: it returns no row for unordered ones).
///
/// The claim is compared with `IS NOT DISTINCT FROM`, not `=`: `=` implies `claimed_by IS NOT
/// NULL`, which lets the planner read the rows through the partial index on claimed deliveries
/// (`deliveries_leased`) instead of the primary key, and that keeps an entry for every delivery
/// a claim ever held until the table is vacuumed (a bitmap scan never marks them dead). Through
/// it every batch read more rows the longer the node ran.
async fn update_deliveries(
    conn: &mut PgConnection,
    outcomes: &[AttemptOutcome],
    now: Timestamp,
) -> StoreResult<Vec<(WebhookId, OrderKey)>> {
    let mut ids = Vec::with_capacity(outcomes.len());
    let mut statuses = Vec::with_capacity(outcomes.len());
    let mut attempts = Vec::with_capacity(outcomes.len());
    let mut next = Vec::with_capacity(outcomes.len());
    let mut claims = Vec::with_capacity(outcomes.len());
    for outcome in outcomes {
        let after = after_attempt(outcome.next);
        ids.push(outcome.attempt.delivery_id.as_str());
        statuses.push(after.status.as_str());
        attempts.push(outcome.attempt.attempt as i32);
        next.push(after.next_attempt_at.map(Timestamp::as_millis));
        claims.push(outcome.claim.as_str());
    }
    let ended: Vec<(String, String)> = sqlx::query_as(
        "WITH moved AS (UPDATE deliveries d SET status = u.status, \
             attempt_count = GREATEST(d.attempt_count, u.attempt), \
             next_attempt_at = CASE WHEN u.next_at IS NOT NULL AND EXISTS (SELECT 1 FROM webhooks w \
                 WHERE w.id = d.webhook_id AND w.active) THEN u.next_at ELSE NULL END, \
             claimed_by = NULL, lease_until = NULL, manual = FALSE, updated_at = $6 \
         FROM UNNEST($1::text[], $2::text[], $3::integer[], $4::bigint[], $5::text[]) \
              AS u(id, status, attempt, next_at, claim) \
         WHERE d.id = u.id AND d.status = 'pending' \
           AND d.claimed_by IS NOT DISTINCT FROM u.claim \
         RETURNING d.webhook_id, d.order_key, d.status) \
         SELECT DISTINCT webhook_id, order_key FROM moved \
         WHERE order_key IS NOT NULL AND status <> 'pending' ORDER BY 1, 2",
    )
    .bind(&ids)
    .bind(&statuses)
    .bind(&attempts)
    .bind(&next)
    .bind(&claims)
    .bind(now.as_millis())
    .fetch_all(conn)
    .await?;
    Ok(ended
        .into_iter()
        .map(|(webhook, key)| {
            (
                WebhookId::from_trusted(webhook),
                OrderKey::from_trusted(key),
            )
        })
        .collect())
}

/// Applies the streak and circuit rules to each webhook of the batch, in id order (nodes
/// recording at the same time lock webhook rows in the same order): resets are written blind;
/// anything else is followed from the stored row, read under a row lock.
async fn update_health(
    conn: &mut PgConnection,
    outcomes: &[AttemptOutcome],
    disable_after: u32,
    now: Timestamp,
) -> StoreResult<Vec<WebhookNews>> {
    let mut news = Vec::new();
    for (id, change) in health_changes(outcomes) {
        if change.is_blind() {
            let sql = match (&change.streak, &change.circuit) {
                (Some(_), Some(_)) => {
                    "UPDATE webhooks SET failure_streak = 0, circuit_failures = 0 \
                     WHERE id = $1 AND (failure_streak != 0 OR circuit_failures != 0)"
                }
                (Some(_), None) => {
                    "UPDATE webhooks SET failure_streak = 0 WHERE id = $1 AND failure_streak != 0"
                }
                (None, _) => {
                    "UPDATE webhooks SET circuit_failures = 0 \
                     WHERE id = $1 AND circuit_failures != 0"
                }
            };
            sqlx::query(sql)
                .bind(id.as_str())
                .execute(&mut *conn)
                .await?;
            continue;
        }
        let stored = sqlx::query(&format!(
            "SELECT failure_streak, active, tenant, url, breaker, {CIRCUIT_COLUMNS} \
             FROM webhooks WHERE id = $1 FOR UPDATE"
        ))
        .bind(id.as_str())
        .fetch_optional(&mut *conn)
        .await?;
        let Some(row) = stored else {
            continue;
        };
        let stored = StoredHealth {
            streak: StreakState {
                streak: row.try_get::<i32, _>(0)? as u32,
                active: row.try_get(1)?,
            },
            breaker: breaker_of(row.try_get::<Option<&str>, _>(4)?)?,
            circuit: circuit_record(&row, 5)?.into_circuit()?,
        };
        let end = follow(&stored, &change, disable_after);
        if end.streak != stored.streak.streak {
            sqlx::query("UPDATE webhooks SET failure_streak = $2 WHERE id = $1")
                .bind(id.as_str())
                .bind(end.streak.min(i32::MAX as u32) as i32)
                .execute(&mut *conn)
                .await?;
        }
        if let Some(circuit) = &end.circuit {
            write_circuit(conn, &id, circuit).await?;
            let tenant = Tenant::from_trusted(row.try_get::<&str, _>(2)?);
            let url: String = row.try_get(3)?;
            news.extend(end.transitions.iter().map(|&transition| {
                WebhookNews::Circuit(CircuitNews {
                    id: id.clone(),
                    tenant: tenant.clone(),
                    url: url.clone(),
                    transition,
                    circuit: circuit.clone(),
                })
            }));
        }
        if let Some(disabling) = end.disabled {
            news.extend(
                disable(conn, &id, disabling, now)
                    .await?
                    .map(WebhookNews::Disabled),
            );
        }
    }
    Ok(news)
}

async fn write_circuit(
    conn: &mut PgConnection,
    webhook: &WebhookId,
    circuit: &Circuit,
) -> StoreResult<()> {
    let r = CircuitRecord::of(circuit);
    sqlx::query(
        "UPDATE webhooks SET circuit_state = $2, circuit_failures = $3, circuit_opened_at = $4, \
             circuit_next_probe_at = $5, circuit_reason = $6, circuit_cooldown_ms = $7, \
             circuit_probe_by = $8, circuit_probe_until = $9 WHERE id = $1",
    )
    .bind(webhook.as_str())
    .bind(r.state)
    .bind(r.failures.min(i64::from(i32::MAX)) as i32)
    .bind(r.opened_at)
    .bind(r.next_probe_at)
    .bind(r.reason)
    .bind(r.cooldown_ms)
    .bind(r.probe_by)
    .bind(r.probe_until)
    .execute(conn)
    .await?;
    Ok(())
}

async fn disable(
    conn: &mut PgConnection,
    id: &WebhookId,
    disabling: Disabling,
    now: Timestamp,
) -> StoreResult<Option<DisabledWebhook>> {
    let changed = sqlx::query(
        "UPDATE webhooks SET active = FALSE, disabled_reason = $2, updated_at = $3 \
         WHERE id = $1 AND active RETURNING tenant, url",
    )
    .bind(id.as_str())
    .bind(disabling.reason.as_str())
    .bind(now.as_millis())
    .fetch_optional(&mut *conn)
    .await?;
    let Some(row) = changed else {
        return Ok(None);
    };
    pause_deliveries(conn, id).await?;
    Ok(Some(DisabledWebhook {
        id: id.clone(),
        tenant: Tenant::from_trusted(row.try_get::<&str, _>(0)?),
        url: row.try_get(1)?,
        reason: disabling.reason,
        failure_streak: disabling.streak,
    }))
}

async fn upsert_minutes(conn: &mut PgConnection, outcomes: &[AttemptOutcome]) -> StoreResult<()> {
    let minutes = tally_minutes(outcomes.iter().map(|o| &o.attempt));
    let mut webhooks = Vec::with_capacity(minutes.len());
    let mut starts = Vec::with_capacity(minutes.len());
    let mut tenants = Vec::with_capacity(minutes.len());
    let mut succeeded = Vec::with_capacity(minutes.len());
    let mut failed = Vec::with_capacity(minutes.len());
    let mut sums = Vec::with_capacity(minutes.len());
    let mut fastest = Vec::with_capacity(minutes.len());
    let mut slowest = Vec::with_capacity(minutes.len());
    // The histogram as one flat array, LATENCY_BUCKETS values per row.
    let mut histogram = Vec::with_capacity(minutes.len() * LATENCY_BUCKETS);
    for ((webhook, minute), tally) in &minutes {
        webhooks.push(webhook.as_str());
        starts.push(*minute);
        tenants.push(tally.tenant.as_str());
        succeeded.push(tally.succeeded as i64);
        failed.push(tally.failed as i64);
        sums.push(tally.latency_sum_ms as i64);
        fastest.push(tally.latency_min_ms as i32);
        slowest.push(tally.latency_max_ms as i32);
        histogram.extend(tally.histogram.iter().map(|&count| count as i64));
    }
    let buckets = (0..LATENCY_BUCKETS)
        .map(|i| {
            format!(
                "($7::bigint[])[((u.n - 1) * {LATENCY_BUCKETS} + {})::integer]",
                i + 1
            )
        })
        .collect::<Vec<_>>()
        .join(", ");
    let names = (0..LATENCY_BUCKETS)
        .map(|i| format!("h{i}"))
        .collect::<Vec<_>>();
    let updates = names
        .iter()
        .map(|h| format!("{h} = attempt_stats.{h} + excluded.{h}"))
        .collect::<Vec<_>>()
        .join(", ");
    let sql = format!(
        "INSERT INTO attempt_stats (webhook_id, minute, tenant, succeeded, failed, \
             latency_sum_ms, latency_min_ms, latency_max_ms, {}) \
         SELECT u.webhook_id, u.minute, u.tenant, u.succeeded, u.failed, u.latency_sum_ms, \
             u.latency_min_ms, u.latency_max_ms, {buckets} \
         FROM UNNEST($1::text[], $2::bigint[], $3::text[], $4::bigint[], $5::bigint[], \
                     $6::bigint[], $8::integer[], $9::integer[]) WITH ORDINALITY \
              AS u(webhook_id, minute, tenant, succeeded, failed, latency_sum_ms, \
                   latency_min_ms, latency_max_ms, n) \
         ORDER BY u.webhook_id, u.minute \
         ON CONFLICT (webhook_id, minute) DO UPDATE SET \
             succeeded = attempt_stats.succeeded + excluded.succeeded, \
             failed = attempt_stats.failed + excluded.failed, \
             latency_sum_ms = attempt_stats.latency_sum_ms + excluded.latency_sum_ms, \
             latency_min_ms = CASE WHEN attempt_stats.latency_min_ms IS NULL THEN NULL \
                 ELSE LEAST(attempt_stats.latency_min_ms, excluded.latency_min_ms) END, \
             latency_max_ms = CASE WHEN attempt_stats.latency_max_ms IS NULL THEN NULL \
                 ELSE GREATEST(attempt_stats.latency_max_ms, excluded.latency_max_ms) END, \
             {updates}",
        names.join(", ")
    );
    sqlx::query(&sql)
        .bind(&webhooks)
        .bind(&starts)
        .bind(&tenants)
        .bind(&succeeded)
        .bind(&failed)
        .bind(&sums)
        .bind(&histogram)
        .bind(&fastest)
        .bind(&slowest)
        .execute(conn)
        .await?;
    Ok(())
}
