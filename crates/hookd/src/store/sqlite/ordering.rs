//! Ordered deliveries in SQLite: the last place taken in a key's line, and the next waiting
//! delivery of a key made due when the one before it finished. The single writer serialises
//! every publish and outcome, so no lock is needed. Both queries run only for deliveries with an
//! order key, on the `deliveries_ordered` index.

use crate::model::{OrderKey, Timestamp, WebhookId};
use crate::store::StoreResult;
use rusqlite::{Connection, OptionalExtension, params};

/// The highest `order_seq` among the key's pending deliveries, if any is pending.
pub fn last_pending_seq(
    conn: &Connection,
    webhook: &WebhookId,
    key: &OrderKey,
) -> StoreResult<Option<i64>> {
    Ok(conn
        .prepare_cached(
            "SELECT MAX(order_seq) FROM deliveries \
             WHERE webhook_id = ?1 AND order_key = ?2 AND status = 'pending'",
        )?
        .query_row(params![webhook.as_str(), key.as_str()], |row| row.get(0))
        .optional()?
        .flatten())
}

/// Makes the key's first waiting delivery due at `now` (paused, if its webhook is disabled),
/// unless a pending delivery of the key that is not waiting remains. Says whether one was
/// made due.
pub fn release_next(
    conn: &Connection,
    webhook: &WebhookId,
    key: &OrderKey,
    now: Timestamp,
) -> StoreResult<bool> {
    let due: Option<bool> = conn
        .prepare_cached(
            "UPDATE deliveries SET order_waiting = 0, updated_at = ?3, \
                 next_attempt_at = CASE WHEN EXISTS (SELECT 1 FROM webhooks w \
                     WHERE w.id = deliveries.webhook_id AND w.active = 1) THEN ?3 END \
             WHERE id = (SELECT id FROM deliveries \
                     WHERE webhook_id = ?1 AND order_key = ?2 AND status = 'pending' \
                       AND order_waiting = 1 ORDER BY order_seq LIMIT 1) \
               AND NOT EXISTS (SELECT 1 FROM deliveries \
                     WHERE webhook_id = ?1 AND order_key = ?2 AND status = 'pending' \
                       AND order_waiting = 0) \
             RETURNING next_attempt_at IS NOT NULL",
        )?
        .query_row(
            params![webhook.as_str(), key.as_str(), now.as_millis()],
            |row| row.get(0),
        )
        .optional()?;
    Ok(due == Some(true))
}
