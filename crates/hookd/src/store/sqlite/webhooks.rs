//! Webhook rows, and the bulk changes to their deliveries that activation and deletion imply.
//! Secrets are sealed and opened by the shared row conversions (`record`).

use super::rows::{self, WEBHOOK_COLUMNS};
use crate::model::*;
use crate::store::record::{CLOSE_CIRCUIT, WebhookRecord, reseal_secret};
use crate::store::sealing::Sealer;
use crate::store::{Activation, StoreResult, WebhookQuery};
use rusqlite::{Connection, OptionalExtension, params, params_from_iter};

/// Rows to webhooks, their secrets opened.
fn open_all(records: Vec<WebhookRecord>, sealer: &Sealer) -> StoreResult<Vec<Webhook>> {
    records
        .into_iter()
        .map(|record| Ok(record.into_webhook(sealer)?))
        .collect()
}

pub fn insert(conn: &Connection, sealer: &Sealer, webhook: &Webhook) -> StoreResult<()> {
    let sql = format!(
        "INSERT INTO webhooks ({WEBHOOK_COLUMNS}) VALUES \
         (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, \
          ?20, ?21, ?22, ?23, ?24, ?25, ?26, ?27, ?28, ?29, ?30, ?31, ?32, ?33)"
    );
    conn.prepare_cached(&sql)?
        .execute(params_from_iter(rows::webhook_params(webhook, sealer)))?;
    Ok(())
}

pub fn update(conn: &Connection, sealer: &Sealer, webhook: &Webhook) -> StoreResult<bool> {
    let sql = "UPDATE webhooks SET url = ?3, events = ?4, description = ?5, filter = ?8, \
               rate_limit = ?9, max_in_flight = ?10, timeout_ms = ?11, retry_schedule = ?12, \
               headers = ?13, secret = ?14, previous_secret = ?15, \
               previous_secret_expires_at = ?16, updated_at = ?19, signature_scheme = ?20, \
               simple_header = ?21, simple_prefix = ?22, payload = ?23, breaker = ?24, \
               ordering = ?25 \
               WHERE id = ?1 AND tenant = ?2";
    // The settings' parameters, up to `ordering` (?25): the circuit is the store's rules' to
    // write, never an update's. SQLite numbers them explicitly.
    let params = rows::webhook_params(webhook, sealer);
    let changed = conn
        .prepare_cached(sql)?
        .execute(params_from_iter(params.into_iter().take(25)))?;
    if changed > 0 && !webhook.breaker().enabled {
        // A breaker turned off closes its circuit.
        conn.prepare_cached(&format!(
            "UPDATE webhooks SET {CLOSE_CIRCUIT} WHERE id = ?1 AND circuit_state != 'closed'"
        ))?
        .execute(params![webhook.id.as_str()])?;
    }
    Ok(changed > 0)
}

pub fn get(
    conn: &Connection,
    sealer: &Sealer,
    scope: &Scope,
    id: &WebhookId,
) -> StoreResult<Option<Webhook>> {
    let sql = format!(
        "SELECT {WEBHOOK_COLUMNS} FROM webhooks WHERE id = ?1 AND (?2 IS NULL OR tenant = ?2)"
    );
    let tenant = scope.tenant().map(Tenant::as_str);
    let record = conn
        .prepare_cached(&sql)?
        .query_row(params![id.as_str(), tenant], rows::webhook_record)
        .optional()?;
    Ok(record.map(|r| r.into_webhook(sealer)).transpose()?)
}

pub fn list(conn: &Connection, sealer: &Sealer, query: &WebhookQuery) -> StoreResult<Vec<Webhook>> {
    let sql = format!(
        "SELECT {WEBHOOK_COLUMNS} FROM webhooks \
         WHERE (?1 IS NULL OR tenant = ?1) AND (?2 IS NULL OR tenant = ?2) \
           AND (?3 IS NULL OR active = ?3) AND (?4 IS NULL OR id < ?4) \
         ORDER BY id DESC LIMIT ?5"
    );
    let mut statement = conn.prepare_cached(&sql)?;
    let rows = statement.query_map(
        params![
            query.scope.tenant().map(Tenant::as_str),
            query.tenant.as_ref().map(Tenant::as_str),
            query.active,
            query.page.before,
            query.page.limit as i64,
        ],
        rows::webhook_record,
    )?;
    open_all(rows.collect::<Result<_, _>>()?, sealer)
}

pub fn all(conn: &Connection, sealer: &Sealer) -> StoreResult<Vec<Webhook>> {
    let sql = format!("SELECT {WEBHOOK_COLUMNS} FROM webhooks ORDER BY id");
    let mut statement = conn.prepare(&sql)?;
    let rows = statement.query_map([], rows::webhook_record)?;
    open_all(rows.collect::<Result<_, _>>()?, sealer)
}

/// Seals every secret not sealed with the first key yet (`hookd rekey`); returns how many.
pub fn reseal(conn: &Connection, sealer: &Sealer) -> StoreResult<u64> {
    let mut statement = conn.prepare("SELECT id, secret, previous_secret FROM webhooks")?;
    let stored = statement
        .query_map([], |row| {
            Ok((
                row.get::<_, String>(0)?,
                row.get::<_, String>(1)?,
                row.get::<_, Option<String>>(2)?,
            ))
        })?
        .collect::<Result<Vec<_>, _>>()?;
    let mut changed = 0;
    for (id, secret, previous) in stored {
        let secret = reseal_secret(sealer, &secret, &id)?;
        let previous = previous
            .map(|p| reseal_secret(sealer, &p, &id))
            .transpose()?
            .flatten();
        changed += u64::from(secret.is_some()) + u64::from(previous.is_some());
        if secret.is_some() || previous.is_some() {
            conn.prepare_cached(
                "UPDATE webhooks SET secret = COALESCE(?2, secret), \
                 previous_secret = COALESCE(?3, previous_secret) WHERE id = ?1",
            )?
            .execute(params![id, secret, previous])?;
        }
    }
    Ok(changed)
}

/// Enables or disables, and pauses or resumes the webhook's unclaimed pending deliveries
/// (a paused delivery has no `next_attempt_at`, so the scan never sees it). Ordered deliveries
/// waiting for their key's turn keep waiting.
pub fn set_active(
    conn: &Connection,
    scope: &Scope,
    id: &WebhookId,
    change: Activation,
    now: Timestamp,
    sealer: &Sealer,
) -> StoreResult<Option<Webhook>> {
    let tenant = scope.tenant().map(Tenant::as_str);
    let changed = match change {
        Activation::Enable => {
            let changed = conn
                .prepare_cached(&format!(
                    "UPDATE webhooks SET active = 1, disabled_reason = NULL, failure_streak = 0, \
                     {CLOSE_CIRCUIT}, updated_at = ?3 WHERE id = ?1 AND (?2 IS NULL OR tenant = ?2)"
                ))?
                .execute(params![id.as_str(), tenant, now.as_millis()])?;
            conn.prepare_cached(
                "UPDATE deliveries SET next_attempt_at = ?2, updated_at = ?2 \
                 WHERE webhook_id = ?1 AND status = 'pending' AND next_attempt_at IS NULL \
                   AND claimed_by IS NULL AND order_waiting = 0",
            )?
            .execute(params![id.as_str(), now.as_millis()])?;
            changed
        }
        Activation::Disable(reason) => {
            let changed = conn
                .prepare_cached(
                    "UPDATE webhooks SET active = 0, disabled_reason = ?3, updated_at = ?4 \
                     WHERE id = ?1 AND (?2 IS NULL OR tenant = ?2)",
                )?
                .execute(params![
                    id.as_str(),
                    tenant,
                    reason.as_str(),
                    now.as_millis()
                ])?;
            pause_deliveries(conn, id)?;
            changed
        }
    };
    if changed == 0 {
        return Ok(None);
    }
    get(conn, sealer, scope, id)
}

pub fn pause_deliveries(conn: &Connection, id: &WebhookId) -> StoreResult<()> {
    conn.prepare_cached(
        "UPDATE deliveries SET next_attempt_at = NULL \
         WHERE webhook_id = ?1 AND status = 'pending' AND claimed_by IS NULL",
    )?
    .execute(params![id.as_str()])?;
    Ok(())
}

/// Deletes the webhook and cancels its pending deliveries; its attempt log stays.
pub fn delete(
    conn: &Connection,
    scope: &Scope,
    id: &WebhookId,
    now: Timestamp,
) -> StoreResult<bool> {
    let tenant = scope.tenant().map(Tenant::as_str);
    let deleted = conn
        .prepare_cached("DELETE FROM webhooks WHERE id = ?1 AND (?2 IS NULL OR tenant = ?2)")?
        .execute(params![id.as_str(), tenant])?;
    if deleted == 0 {
        return Ok(false);
    }
    conn.prepare_cached(
        "UPDATE deliveries SET status = 'cancelled', next_attempt_at = NULL, claimed_by = NULL, \
         lease_until = NULL, \
         updated_at = ?2 WHERE webhook_id = ?1 AND status = 'pending'",
    )?
    .execute(params![id.as_str(), now.as_millis()])?;
    conn.prepare_cached("DELETE FROM attempt_stats WHERE webhook_id = ?1")?
        .execute(params![id.as_str()])?;
    Ok(true)
}

/// Takes the probe lease of a circuit whose probe is due (open, and `next_probe_at` passed) or
/// whose last probe's lease ran out (half open): it becomes half open, probed by `by`.
pub fn take_probe(
    conn: &Connection,
    id: &WebhookId,
    by: &str,
    now: Timestamp,
    until: Timestamp,
) -> StoreResult<bool> {
    let taken = conn
        .prepare_cached(
            "UPDATE webhooks SET circuit_state = 'half_open', circuit_probe_by = ?2, \
                 circuit_probe_until = ?4 \
             WHERE id = ?1 AND active = 1 \
               AND ((circuit_state = 'open' AND circuit_next_probe_at <= ?3) \
                 OR (circuit_state = 'half_open' AND circuit_probe_until < ?3))",
        )?
        .execute(params![id.as_str(), by, now.as_millis(), until.as_millis()])?;
    Ok(taken > 0)
}
