//! Applying attempt outcomes: the attempt log, each delivery's next state, each webhook's
//! failure streak and circuit (disabling it when the streak reaches the limit, the receiver
//! said 410, or the circuit stayed open too long), the per-minute statistics, and the next
//! delivery of each order key whose turn ended. Called with a batch; runs inside one
//! transaction. The rules are `store::rules`'; this file holds their SQL.

use super::ordering::release_next;
use crate::model::*;
use crate::store::record::{CIRCUIT_COLUMNS, CircuitRecord, breaker_of};
use crate::store::rules::health::{HealthChange, StoredHealth, follow, health_changes};
use crate::store::rules::ordering::ends_turn;
use crate::store::rules::outcome::after_attempt;
use crate::store::rules::streak::{Disabling, StreakState};
use crate::store::rules::tally::{MinuteTally, tally_minutes};
use crate::store::{CircuitNews, DisabledWebhook, Recorded, StoreResult, WebhookNews};
use rusqlite::{Connection, OptionalExtension, params};
use std::collections::BTreeSet;

pub fn record(
    conn: &Connection,
    outcomes: &[AttemptOutcome],
    disable_after: u32,
    now: Timestamp,
) -> StoreResult<Recorded> {
    let mut turns_ended = BTreeSet::new();
    for outcome in outcomes {
        insert_attempt(conn, &outcome.attempt)?;
        turns_ended.extend(update_delivery(conn, outcome, now)?);
    }
    // After the deliveries: a webhook disabled here pauses the retries just released.
    let mut recorded = Recorded::default();
    for (webhook, change) in health_changes(outcomes) {
        recorded
            .news
            .extend(update_health(conn, &webhook, change, disable_after, now)?);
    }
    // After the streaks: the next delivery of a key released here is paused if its webhook
    // was just disabled.
    for (webhook, key) in &turns_ended {
        recorded.released += u64::from(release_next(conn, webhook, key, now)?);
    }
    for ((webhook, minute), tally) in tally_minutes(outcomes.iter().map(|o| &o.attempt)) {
        upsert_minute(conn, &webhook, minute, &tally)?;
    }
    Ok(recorded)
}

fn insert_attempt(conn: &Connection, attempt: &Attempt) -> StoreResult<()> {
    let headers = crate::store::sent_headers::encode(attempt);
    let response_headers = crate::store::record::encode_headers(&attempt.response_headers);
    conn.prepare_cached(
        "INSERT INTO attempts (id, delivery_id, webhook_id, event_id, tenant, event_type, attempt, \
             status, response_code, response_body, error, duration_ms, request_headers, created_at, \
             response_headers) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)",
    )?
    .execute(params![
        attempt.id.as_str(),
        attempt.delivery_id.as_str(),
        attempt.webhook_id.as_str(),
        attempt.event_id.as_str(),
        attempt.tenant.as_str(),
        attempt.event_type.as_str(),
        attempt.attempt,
        attempt.status.as_str(),
        attempt.response_code,
        attempt.response_body,
        attempt.error,
        attempt.duration_ms,
        headers,
        attempt.created_at.as_millis(),
        response_headers,
    ])?;
    Ok(())
}

/// Moves the delivery on, if it is still pending (a deleted webhook's deliveries are cancelled
/// and stay so, even if an attempt was in flight) and still held by the outcome's claim (a
/// claim that lapsed lost it to whichever node took it over). Returns the webhook and order key
/// of an ordered delivery whose turn this ended. The key is read by a second statement, not by
/// the update's `RETURNING`: SQLite runs a `RETURNING` as a trigger, and a statement with a
/// trigger copies every page it changes into a statement journal first (7% of the writer's time
/// in the steady benchmark went to that journal).
fn update_delivery(
    conn: &Connection,
    outcome: &AttemptOutcome,
    now: Timestamp,
) -> StoreResult<Option<(WebhookId, OrderKey)>> {
    let attempt = &outcome.attempt;
    let after = after_attempt(outcome.next);
    let updated = conn
        .prepare_cached(
            "UPDATE deliveries SET status = ?2, attempt_count = MAX(attempt_count, ?3), \
             next_attempt_at = CASE WHEN ?4 IS NOT NULL AND EXISTS (SELECT 1 FROM webhooks w \
                 WHERE w.id = deliveries.webhook_id AND w.active = 1) THEN ?4 ELSE NULL END, \
             claimed_by = NULL, lease_until = NULL, manual = 0, updated_at = ?5 \
         WHERE id = ?1 AND status = 'pending' AND claimed_by = ?6",
        )?
        .execute(params![
            attempt.delivery_id.as_str(),
            after.status.as_str(),
            attempt.attempt,
            after.next_attempt_at.map(Timestamp::as_millis),
            now.as_millis(),
            outcome.claim.as_str(),
        ])?;
    if updated == 0 || !ends_turn(after.status) {
        return Ok(None);
    }
    let key: Option<String> = conn
        .prepare_cached("SELECT order_key FROM deliveries WHERE id = ?1")?
        .query_row([attempt.delivery_id.as_str()], |row| row.get(0))?;
    Ok(key.map(|key| (attempt.webhook_id.clone(), OrderKey::from_trusted(key))))
}

/// Applies the streak and circuit rules to one webhook: resets are written blind; anything
/// else is followed from the stored row.
fn update_health(
    conn: &Connection,
    webhook: &WebhookId,
    change: HealthChange,
    disable_after: u32,
    now: Timestamp,
) -> StoreResult<Vec<WebhookNews>> {
    if change.is_blind() {
        let sql = match (&change.streak, &change.circuit) {
            (Some(_), Some(_)) => {
                "UPDATE webhooks SET failure_streak = 0, circuit_failures = 0 \
                 WHERE id = ?1 AND (failure_streak != 0 OR circuit_failures != 0)"
            }
            (Some(_), None) => {
                "UPDATE webhooks SET failure_streak = 0 WHERE id = ?1 AND failure_streak != 0"
            }
            (None, _) => {
                "UPDATE webhooks SET circuit_failures = 0 WHERE id = ?1 AND circuit_failures != 0"
            }
        };
        conn.prepare_cached(sql)?
            .execute(params![webhook.as_str()])?;
        return Ok(Vec::new());
    }
    let sql = format!(
        "SELECT failure_streak, active, tenant, url, breaker, {CIRCUIT_COLUMNS} \
         FROM webhooks WHERE id = ?1"
    );
    let stored = conn
        .prepare_cached(&sql)?
        .query_row(params![webhook.as_str()], |row| {
            Ok((
                StreakState {
                    streak: row.get(0)?,
                    active: row.get(1)?,
                },
                row.get::<_, String>(2)?,
                row.get::<_, String>(3)?,
                row.get::<_, Option<String>>(4)?,
                super::rows::circuit_record(row, 5)?,
            ))
        })
        .optional()?;
    let Some((streak, tenant, url, breaker, circuit)) = stored else {
        return Ok(Vec::new());
    };
    let stored = StoredHealth {
        streak,
        breaker: breaker_of(breaker.as_deref())?,
        circuit: circuit.into_circuit()?,
    };
    let end = follow(&stored, &change, disable_after);
    if end.streak != stored.streak.streak {
        conn.prepare_cached("UPDATE webhooks SET failure_streak = ?2 WHERE id = ?1")?
            .execute(params![webhook.as_str(), end.streak])?;
    }
    let mut news = Vec::new();
    if let Some(circuit) = &end.circuit {
        write_circuit(conn, webhook, circuit)?;
        let tenant = Tenant::from_trusted(&tenant);
        news.extend(end.transitions.iter().map(|&transition| {
            WebhookNews::Circuit(CircuitNews {
                id: webhook.clone(),
                tenant: tenant.clone(),
                url: url.clone(),
                transition,
                circuit: circuit.clone(),
            })
        }));
    }
    if let Some(disabling) = end.disabled {
        news.extend(disable(conn, webhook, disabling, now)?.map(WebhookNews::Disabled));
    }
    Ok(news)
}

fn write_circuit(conn: &Connection, webhook: &WebhookId, circuit: &Circuit) -> StoreResult<()> {
    let r = CircuitRecord::of(circuit);
    conn.prepare_cached(
        "UPDATE webhooks SET circuit_state = ?2, circuit_failures = ?3, circuit_opened_at = ?4, \
             circuit_next_probe_at = ?5, circuit_reason = ?6, circuit_cooldown_ms = ?7, \
             circuit_probe_by = ?8, circuit_probe_until = ?9 WHERE id = ?1",
    )?
    .execute(params![
        webhook.as_str(),
        r.state,
        r.failures,
        r.opened_at,
        r.next_probe_at,
        r.reason,
        r.cooldown_ms,
        r.probe_by,
        r.probe_until,
    ])?;
    Ok(())
}

fn disable(
    conn: &Connection,
    id: &WebhookId,
    disabling: Disabling,
    now: Timestamp,
) -> StoreResult<Option<DisabledWebhook>> {
    let changed = conn
        .prepare_cached(
            "UPDATE webhooks SET active = 0, disabled_reason = ?2, updated_at = ?3 \
             WHERE id = ?1 AND active = 1 RETURNING tenant, url",
        )?
        .query_row(
            params![id.as_str(), disabling.reason.as_str(), now.as_millis()],
            |row| Ok((row.get::<_, String>(0)?, row.get::<_, String>(1)?)),
        )
        .optional()?;
    let Some((tenant, url)) = changed else {
        return Ok(None);
    };
    super::webhooks::pause_deliveries(conn, id)?;
    Ok(Some(DisabledWebhook {
        id: id.clone(),
        tenant: Tenant::from_trusted(&tenant),
        url,
        reason: disabling.reason,
        failure_streak: disabling.streak,
    }))
}

fn upsert_minute(
    conn: &Connection,
    webhook: &WebhookId,
    minute: i64,
    tally: &MinuteTally,
) -> StoreResult<()> {
    let h = &tally.histogram;
    conn.prepare_cached(
        "INSERT INTO attempt_stats (webhook_id, minute, tenant, succeeded, failed, latency_sum_ms, \
             h0, h1, h2, h3, h4, h5, h6, h7, h8, h9, h10, h11, h12, h13, \
             latency_min_ms, latency_max_ms) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, \
             ?21, ?22) \
         ON CONFLICT (webhook_id, minute) DO UPDATE SET \
             succeeded = succeeded + excluded.succeeded, failed = failed + excluded.failed, \
             latency_sum_ms = latency_sum_ms + excluded.latency_sum_ms, \
             latency_min_ms = min(latency_min_ms, excluded.latency_min_ms), \
             latency_max_ms = max(latency_max_ms, excluded.latency_max_ms), \
             h0 = h0 + excluded.h0, h1 = h1 + excluded.h1, h2 = h2 + excluded.h2, \
             h3 = h3 + excluded.h3, h4 = h4 + excluded.h4, h5 = h5 + excluded.h5, \
             h6 = h6 + excluded.h6, h7 = h7 + excluded.h7, h8 = h8 + excluded.h8, \
             h9 = h9 + excluded.h9, h10 = h10 + excluded.h10, h11 = h11 + excluded.h11, \
             h12 = h12 + excluded.h12, h13 = h13 + excluded.h13",
    )?
    .execute(params![
        webhook.as_str(),
        minute,
        tally.tenant.as_str(),
        tally.succeeded as i64,
        tally.failed as i64,
        tally.latency_sum_ms as i64,
        h[0] as i64, h[1] as i64, h[2] as i64, h[3] as i64, h[4] as i64, h[5] as i64, h[6] as i64,
        h[7] as i64, h[8] as i64, h[9] as i64, h[10] as i64, h[11] as i64, h[12] as i64, h[13] as i64,
        tally.latency_min_ms,
        tally.latency_max_ms,
    ])?;
    Ok(())
}
