//! Webhook rows, and the bulk changes to their deliveries that activation and deletion imply.
//! Every change tells the other nodes (`hookd_webhooks`) so their routing caches reload.
//! Secrets are sealed and opened by the shared row conversions (`record`).

use super::rows::{self, WEBHOOK_COLUMNS};
use super::{DUE_CHANNEL, WEBHOOKS_CHANNEL, notify};
use crate::model::*;
use crate::store::record::{CLOSE_CIRCUIT, reseal_secret};
use crate::store::sealing::Sealer;
use crate::store::{Activation, StoreResult, WebhookQuery};
use sqlx::postgres::PgRow;
use sqlx::{PgConnection, PgPool, Row};

/// Rows to webhooks, their secrets opened.
fn open_all(found: &[PgRow], sealer: &Sealer) -> StoreResult<Vec<Webhook>> {
    found.iter().map(|row| rows::webhook(row, sealer)).collect()
}

pub async fn insert(pool: &PgPool, sealer: &Sealer, webhook: &Webhook) -> StoreResult<()> {
    let sql = format!(
        "INSERT INTO webhooks ({WEBHOOK_COLUMNS}) VALUES \
         ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, \
          $20, $21, $22, $23, $24, $25, $26, $27, $28, $29, $30, $31, $32, $33)"
    );
    let mut transaction = pool.begin().await?;
    let query = rows::bind_webhook(sqlx::query(&sql), webhook, sealer);
    rows::bind_circuit(query, webhook)
        .execute(&mut *transaction)
        .await?;
    notify(&mut transaction, WEBHOOKS_CHANNEL).await?;
    transaction.commit().await?;
    Ok(())
}

pub async fn update(pool: &PgPool, sealer: &Sealer, webhook: &Webhook) -> StoreResult<bool> {
    // Every column is bound (in WEBHOOK_COLUMNS order, with its type, so the ones the
    // statement leaves out need no inference); the statement uses the mutable ones.
    let sql = "UPDATE webhooks SET url = $3, events = $4, description = $5, filter = $8, \
               rate_limit = $9, max_in_flight = $10, timeout_ms = $11, retry_schedule = $12, \
               headers = $13, secret = $14, previous_secret = $15, \
               previous_secret_expires_at = $16, updated_at = $19, signature_scheme = $20, \
               simple_header = $21, simple_prefix = $22, payload = $23, breaker = $24, \
               ordering = $25 \
               WHERE id = $1 AND tenant = $2";
    let mut transaction = pool.begin().await?;
    let changed = rows::bind_webhook(sqlx::query(sql), webhook, sealer)
        .execute(&mut *transaction)
        .await?
        .rows_affected();
    if changed > 0 && !webhook.breaker().enabled {
        // A breaker turned off closes its circuit.
        sqlx::query(&format!(
            "UPDATE webhooks SET {CLOSE_CIRCUIT} WHERE id = $1 AND circuit_state != 'closed'"
        ))
        .bind(webhook.id.as_str())
        .execute(&mut *transaction)
        .await?;
    }
    if changed > 0 {
        notify(&mut transaction, WEBHOOKS_CHANNEL).await?;
    }
    transaction.commit().await?;
    Ok(changed > 0)
}

pub async fn get(
    pool: &PgPool,
    sealer: &Sealer,
    scope: &Scope,
    id: &WebhookId,
) -> StoreResult<Option<Webhook>> {
    let sql = format!(
        "SELECT {WEBHOOK_COLUMNS} FROM webhooks WHERE id = $1 AND ($2::text IS NULL OR tenant = $2)"
    );
    let row = sqlx::query(&sql)
        .bind(id.as_str())
        .bind(scope.tenant().map(Tenant::as_str))
        .fetch_optional(pool)
        .await?;
    row.as_ref().map(|r| rows::webhook(r, sealer)).transpose()
}

pub async fn list(
    pool: &PgPool,
    sealer: &Sealer,
    query: &WebhookQuery,
) -> StoreResult<Vec<Webhook>> {
    let sql = format!(
        "SELECT {WEBHOOK_COLUMNS} FROM webhooks \
         WHERE ($1::text IS NULL OR tenant = $1) AND ($2::text IS NULL OR tenant = $2) \
           AND ($3::boolean IS NULL OR active = $3) AND ($4::text IS NULL OR id < $4) \
         ORDER BY id DESC LIMIT $5"
    );
    let found = sqlx::query(&sql)
        .bind(query.scope.tenant().map(Tenant::as_str))
        .bind(query.tenant.as_ref().map(Tenant::as_str))
        .bind(query.active)
        .bind(query.page.before.as_deref())
        .bind(query.page.limit as i64)
        .fetch_all(pool)
        .await?;
    open_all(&found, sealer)
}

pub async fn all(pool: &PgPool, sealer: &Sealer) -> StoreResult<Vec<Webhook>> {
    let sql = format!("SELECT {WEBHOOK_COLUMNS} FROM webhooks ORDER BY id");
    let found = sqlx::query(&sql).fetch_all(pool).await?;
    open_all(&found, sealer)
}

/// Seals every secret not sealed with the first key yet (`hookd rekey`), in one transaction
/// that holds the rows; returns how many. The secrets themselves do not change, so the other
/// nodes need not reload.
pub async fn reseal(pool: &PgPool, sealer: &Sealer) -> StoreResult<u64> {
    let mut transaction = pool.begin().await?;
    let found = sqlx::query("SELECT id, secret, previous_secret FROM webhooks FOR UPDATE")
        .fetch_all(&mut *transaction)
        .await?;
    let mut changed = 0;
    for row in found {
        let id: String = row.try_get(0)?;
        let secret = reseal_secret(sealer, row.try_get(1)?, &id)?;
        let previous = row
            .try_get::<Option<&str>, _>(2)?
            .map(|p| reseal_secret(sealer, p, &id))
            .transpose()?
            .flatten();
        changed += u64::from(secret.is_some()) + u64::from(previous.is_some());
        if secret.is_some() || previous.is_some() {
            sqlx::query(
                "UPDATE webhooks SET secret = COALESCE($2, secret), \
                 previous_secret = COALESCE($3, previous_secret) WHERE id = $1",
            )
            .bind(&id)
            .bind(secret)
            .bind(previous)
            .execute(&mut *transaction)
            .await?;
        }
    }
    transaction.commit().await?;
    Ok(changed)
}

/// Enables or disables, and pauses or resumes the webhook's unheld pending deliveries (those
/// waiting for their order key's turn keep waiting).
pub async fn set_active(
    pool: &PgPool,
    scope: &Scope,
    id: &WebhookId,
    change: Activation,
    now: Timestamp,
    sealer: &Sealer,
) -> StoreResult<Option<Webhook>> {
    let tenant = scope.tenant().map(Tenant::as_str);
    let mut transaction = pool.begin().await?;
    let changed = match change {
        Activation::Enable => {
            let changed = sqlx::query(&format!(
                "UPDATE webhooks SET active = TRUE, disabled_reason = NULL, failure_streak = 0, \
                 {CLOSE_CIRCUIT}, updated_at = $3 WHERE id = $1 AND ($2::text IS NULL OR tenant = $2)"
            ))
            .bind(id.as_str())
            .bind(tenant)
            .bind(now.as_millis())
            .execute(&mut *transaction)
            .await?
            .rows_affected();
            let resumed = sqlx::query(
                "UPDATE deliveries SET next_attempt_at = $2, updated_at = $2 \
                 WHERE webhook_id = $1 AND status = 'pending' AND next_attempt_at IS NULL \
                   AND claimed_by IS NULL AND NOT order_waiting",
            )
            .bind(id.as_str())
            .bind(now.as_millis())
            .execute(&mut *transaction)
            .await?
            .rows_affected();
            if resumed > 0 {
                notify(&mut transaction, DUE_CHANNEL).await?;
            }
            changed
        }
        Activation::Disable(reason) => {
            let changed = sqlx::query(
                "UPDATE webhooks SET active = FALSE, disabled_reason = $3, updated_at = $4 \
                 WHERE id = $1 AND ($2::text IS NULL OR tenant = $2)",
            )
            .bind(id.as_str())
            .bind(tenant)
            .bind(reason.as_str())
            .bind(now.as_millis())
            .execute(&mut *transaction)
            .await?
            .rows_affected();
            pause_deliveries(&mut transaction, id).await?;
            changed
        }
    };
    if changed == 0 {
        return Ok(None);
    }
    notify(&mut transaction, WEBHOOKS_CHANNEL).await?;
    transaction.commit().await?;
    get(pool, sealer, scope, id).await
}

pub async fn pause_deliveries(conn: &mut PgConnection, id: &WebhookId) -> StoreResult<()> {
    sqlx::query(
        "UPDATE deliveries SET next_attempt_at = NULL \
         WHERE webhook_id = $1 AND status = 'pending' AND claimed_by IS NULL \
           AND next_attempt_at IS NOT NULL",
    )
    .bind(id.as_str())
    .execute(conn)
    .await?;
    Ok(())
}

/// Deletes the webhook and cancels its pending deliveries; its attempt log stays.
pub async fn delete(
    pool: &PgPool,
    scope: &Scope,
    id: &WebhookId,
    now: Timestamp,
) -> StoreResult<bool> {
    let mut transaction = pool.begin().await?;
    let deleted =
        sqlx::query("DELETE FROM webhooks WHERE id = $1 AND ($2::text IS NULL OR tenant = $2)")
            .bind(id.as_str())
            .bind(scope.tenant().map(Tenant::as_str))
            .execute(&mut *transaction)
            .await?
            .rows_affected();
    if deleted == 0 {
        return Ok(false);
    }
    sqlx::query(
        "UPDATE deliveries SET status = 'cancelled', next_attempt_at = NULL, claimed_by = NULL, \
         lease_until = NULL, updated_at = $2 WHERE webhook_id = $1 AND status = 'pending'",
    )
    .bind(id.as_str())
    .bind(now.as_millis())
    .execute(&mut *transaction)
    .await?;
    sqlx::query("DELETE FROM attempt_stats WHERE webhook_id = $1")
        .bind(id.as_str())
        .execute(&mut *transaction)
        .await?;
    notify(&mut transaction, WEBHOOKS_CHANNEL).await?;
    transaction.commit().await?;
    Ok(true)
}

/// Takes the probe lease of a circuit whose probe is due (open, and `next_probe_at` passed) or
/// whose last probe's lease ran out (half open): it becomes half open, probed by `by`. The
/// row's lock makes one of the nodes asking at once the winner.
pub async fn take_probe(
    pool: &PgPool,
    id: &WebhookId,
    by: &str,
    now: Timestamp,
    until: Timestamp,
) -> StoreResult<bool> {
    let taken = sqlx::query(
        "UPDATE webhooks SET circuit_state = 'half_open', circuit_probe_by = $2, \
             circuit_probe_until = $4 \
         WHERE id = $1 AND active \
           AND ((circuit_state = 'open' AND circuit_next_probe_at <= $3) \
             OR (circuit_state = 'half_open' AND circuit_probe_until < $3))",
    )
    .bind(id.as_str())
    .bind(by)
    .bind(now.as_millis())
    .bind(until.as_millis())
    .execute(pool)
    .await?
    .rows_affected();
    Ok(taken > 0)
}
