//! Ordered deliveries in PostgreSQL, where several nodes publish and record at once. Every
//! transaction that looks at a key's line (a publish placing new deliveries, an outcome making
//! the next one due) first takes the key's transaction-scoped advisory lock, all of them in one
//! sorted order (`rules::ordering::lock_ids`); under READ COMMITTED, statements after the lock
//! see everything committed before it. So a publish that saw the head still pending commits
//! before the outcome finishing that head looks for the next one, and that outcome sees it.
//! Every query here runs only for deliveries with an order key, on `deliveries_ordered`.

use crate::model::{OrderKey, Timestamp, WebhookId};
use crate::store::StoreResult;
use crate::store::rules::ordering::lock_ids;
use sqlx::PgConnection;
use std::collections::HashMap;

/// Takes the advisory locks of these keys, in sorted order, until the transaction ends.
pub async fn lock_keys<'a>(
    conn: &mut PgConnection,
    keys: impl IntoIterator<Item = (&'a WebhookId, &'a OrderKey)>,
) -> StoreResult<()> {
    let ids = lock_ids(keys);
    if ids.is_empty() {
        return Ok(());
    }
    // `UNNEST` yields the array in its order, so the locks are taken sorted.
    sqlx::query("SELECT pg_advisory_xact_lock(k) FROM UNNEST($1::bigint[]) AS k")
        .bind(&ids)
        .fetch_all(conn)
        .await?;
    Ok(())
}

/// The highest `order_seq` among each key's pending deliveries (keys with none pending are
/// absent). Call with the keys' locks held.
pub async fn last_pending_seqs(
    conn: &mut PgConnection,
    keys: &[(&str, &str)],
) -> StoreResult<HashMap<(String, String), i64>> {
    let (webhooks, orders): (Vec<&str>, Vec<&str>) = keys.iter().copied().unzip();
    let found: Vec<(String, String, Option<i64>)> = sqlx::query_as(
        "SELECT k.webhook_id, k.order_key, \
             (SELECT MAX(d.order_seq) FROM deliveries d WHERE d.webhook_id = k.webhook_id \
                 AND d.order_key = k.order_key AND d.status = 'pending') \
         FROM UNNEST($1::text[], $2::text[]) AS k(webhook_id, order_key)",
    )
    .bind(&webhooks)
    .bind(&orders)
    .fetch_all(conn)
    .await?;
    Ok(found
        .into_iter()
        .filter_map(|(webhook, key, last)| last.map(|last| ((webhook, key), last)))
        .collect())
}

/// For each key whose turn ended: makes its first waiting delivery due at `now` (paused, if its
/// webhook is disabled), unless a pending delivery of the key that is not waiting remains.
/// Takes the keys' locks first. Returns how many were made due.
pub async fn release_next(
    conn: &mut PgConnection,
    keys: &[(WebhookId, OrderKey)],
    now: Timestamp,
) -> StoreResult<u64> {
    if keys.is_empty() {
        return Ok(0);
    }
    lock_keys(&mut *conn, keys.iter().map(|(w, k)| (w, k))).await?;
    let webhooks: Vec<&str> = keys.iter().map(|(w, _)| w.as_str()).collect();
    let orders: Vec<&str> = keys.iter().map(|(_, k)| k.as_str()).collect();
    let due: Vec<bool> = sqlx::query_scalar(
        "WITH next AS ( \
             SELECT (SELECT d.id FROM deliveries d WHERE d.webhook_id = k.webhook_id \
                         AND d.order_key = k.order_key AND d.status = 'pending' \
                         AND d.order_waiting ORDER BY d.order_seq LIMIT 1) AS id \
             FROM UNNEST($1::text[], $2::text[]) AS k(webhook_id, order_key) \
             WHERE NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.webhook_id = k.webhook_id \
                 AND d.order_key = k.order_key AND d.status = 'pending' \
                 AND NOT d.order_waiting)) \
         UPDATE deliveries d SET order_waiting = FALSE, updated_at = $3, \
             next_attempt_at = CASE WHEN EXISTS (SELECT 1 FROM webhooks w \
                 WHERE w.id = d.webhook_id AND w.active) THEN $3::bigint END \
         FROM next WHERE d.id = next.id AND d.status = 'pending' AND d.order_waiting \
         RETURNING d.next_attempt_at IS NOT NULL",
    )
    .bind(&webhooks)
    .bind(&orders)
    .bind(now.as_millis())
    .fetch_all(conn)
    .await?;
    Ok(due.into_iter().filter(|&d| d).count() as u64)
}
