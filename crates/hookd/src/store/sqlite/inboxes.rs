//! Inbox rows, and the requests they receive: numbered per inbox, de-duplicated, stored with
//! the event they become in the writer's shared transaction.

use super::{dedupe, events};
use crate::model::*;
use crate::store::inbox_record::{
    INBOX_COLUMNS, INBOX_REQUEST_SUMMARY_COLUMNS, InboxRecord, InboxRequestRecord,
    encode_header_list, reseal_inbox_secret,
};
use crate::store::sealing::Sealer;
use crate::store::{Claim, InboxQuery, InboxRequestQuery, StoreError, StoreResult};
use rusqlite::{Connection, OptionalExtension, Row, params};

fn inbox_record(row: &Row) -> rusqlite::Result<InboxRecord> {
    Ok(InboxRecord {
        id: row.get(0)?,
        tenant: row.get(1)?,
        name: row.get(2)?,
        description: row.get(3)?,
        settings: row.get(4)?,
        secret: row.get(5)?,
        playground: row.get(6)?,
        expires_at: row.get(7)?,
        active: row.get(8)?,
        created_at: row.get(9)?,
        updated_at: row.get(10)?,
    })
}

fn open_all(records: Vec<InboxRecord>, sealer: &Sealer) -> StoreResult<Vec<Inbox>> {
    records
        .into_iter()
        .map(|r| Ok(r.into_inbox(sealer)?))
        .collect()
}

pub fn insert(conn: &Connection, sealer: &Sealer, inbox: &Inbox) -> StoreResult<()> {
    let r = InboxRecord::of(inbox, sealer);
    conn.prepare_cached(&format!(
        "INSERT INTO inboxes ({INBOX_COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)"
    ))?
    .execute(params![
        r.id, r.tenant, r.name, r.description, r.settings, r.secret, r.playground, r.expires_at,
        r.active, r.created_at, r.updated_at
    ])?;
    Ok(())
}

pub fn update(conn: &Connection, sealer: &Sealer, inbox: &Inbox) -> StoreResult<bool> {
    let r = InboxRecord::of(inbox, sealer);
    let changed = conn
        .prepare_cached(
            "UPDATE inboxes SET name = ?3, description = ?4, settings = ?5, secret = ?6, \
             active = ?7, updated_at = ?8 WHERE id = ?1 AND tenant = ?2",
        )?
        .execute(params![
            r.id,
            r.tenant,
            r.name,
            r.description,
            r.settings,
            r.secret,
            r.active,
            r.updated_at
        ])?;
    Ok(changed > 0)
}

pub fn get(
    conn: &Connection,
    sealer: &Sealer,
    scope: &Scope,
    id: &InboxId,
) -> StoreResult<Option<Inbox>> {
    let sql = format!(
        "SELECT {INBOX_COLUMNS} FROM inboxes WHERE id = ?1 AND (?2 IS NULL OR tenant = ?2)"
    );
    let record = conn
        .prepare_cached(&sql)?
        .query_row(
            params![id.as_str(), scope.tenant().map(Tenant::as_str)],
            inbox_record,
        )
        .optional()?;
    Ok(record.map(|r| r.into_inbox(sealer)).transpose()?)
}

pub fn list(conn: &Connection, sealer: &Sealer, query: &InboxQuery) -> StoreResult<Vec<Inbox>> {
    let sql = format!(
        "SELECT {INBOX_COLUMNS} FROM inboxes \
         WHERE (?1 IS NULL OR tenant = ?1) AND (?2 IS NULL OR tenant = ?2) \
           AND (?3 IS NULL OR playground = ?3) AND (?4 IS NULL OR id < ?4) \
         ORDER BY id DESC LIMIT ?5"
    );
    let mut statement = conn.prepare_cached(&sql)?;
    let rows = statement.query_map(
        params![
            query.scope.tenant().map(Tenant::as_str),
            query.tenant.as_ref().map(Tenant::as_str),
            query.playground,
            query.page.before,
            query.page.limit as i64,
        ],
        inbox_record,
    )?;
    open_all(rows.collect::<Result<_, _>>()?, sealer)
}

pub fn all(conn: &Connection, sealer: &Sealer) -> StoreResult<Vec<Inbox>> {
    let mut statement =
        conn.prepare(&format!("SELECT {INBOX_COLUMNS} FROM inboxes ORDER BY id"))?;
    let rows = statement.query_map([], inbox_record)?;
    open_all(rows.collect::<Result<_, _>>()?, sealer)
}

pub fn delete(conn: &Connection, scope: &Scope, id: &InboxId) -> StoreResult<bool> {
    let deleted = conn
        .prepare_cached("DELETE FROM inboxes WHERE id = ?1 AND (?2 IS NULL OR tenant = ?2)")?
        .execute(params![id.as_str(), scope.tenant().map(Tenant::as_str)])?;
    if deleted > 0 {
        conn.prepare_cached("DELETE FROM inbox_requests WHERE inbox_id = ?1")?
            .execute(params![id.as_str()])?;
        // Its de-duplication keys stay until they expire (inbox ids are never reused): found
        // by key only, deleting them here would scan them all.
    }
    Ok(deleted > 0)
}

/// Stores one received request: see `Store::store_inbox_request`.
pub fn store_request(
    conn: &Connection,
    claim: &Claim,
    new: &NewInboxRequest,
) -> StoreResult<StoredRequest> {
    let request = &new.request;
    // One writer, one transaction at a time: the next number is the largest stored plus one,
    // read from the (inbox_id, seq) index, without rewriting the inbox's row per request.
    let seq: i64 = conn
        .prepare_cached(
            "SELECT MAX(request_seq, \
                 (SELECT COALESCE(MAX(seq), 0) FROM inbox_requests WHERE inbox_id = ?1)) + 1 \
             FROM inboxes WHERE id = ?1",
        )?
        .query_row(params![request.inbox_id.as_str()], |row| row.get(0))
        .optional()?
        .ok_or(StoreError::NotFound)?;
    let mut duplicate_of = None;
    if let Some(dedupe) = &new.dedupe {
        duplicate_of = dedupe::take_key(conn, request, dedupe)?;
    }
    let mut outcome = match (&duplicate_of, request.verified) {
        (Some(of), _) => StoredRequest::Duplicate {
            seq,
            of: of.clone(),
        },
        (None, false) => StoredRequest::Unverified { seq },
        (None, true) => StoredRequest::Accepted {
            seq,
            dropped: Vec::new(),
            waiting: Vec::new(),
            event: None,
        },
    };
    if let (
        StoredRequest::Accepted {
            dropped,
            waiting,
            event,
            ..
        },
        Some(new_event),
    ) = (&mut outcome, &new.event)
    {
        let inserted = events::insert(conn, claim, std::slice::from_ref(new_event))?;
        if let Some(InsertedEvent::Created {
            dropped: lost,
            waiting: behind,
        }) = inserted.into_iter().next()
        {
            *dropped = lost;
            *waiting = behind;
            *event = Some(new_event.id.clone());
        }
    }
    let event_id = match &outcome {
        StoredRequest::Accepted { event, .. } => event.as_ref().map(EventId::as_str),
        _ => None,
    };
    conn.prepare_cached(
        "INSERT INTO inbox_requests (id, inbox_id, seq, tenant, received_at, method, path, query, \
             source_ip, headers, original_headers, body, verified, verify_error, duplicate_of, \
             event_id) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)",
    )?
    .execute(params![
        request.id.as_str(),
        request.inbox_id.as_str(),
        seq,
        request.tenant.as_str(),
        request.received_at.as_millis(),
        request.method,
        request.path,
        request.query,
        request.source_ip,
        encode_header_list(&request.headers),
        encode_header_list(&request.original_headers),
        &request.body[..],
        request.verified,
        request.verify_error,
        duplicate_of.as_ref().map(InboxRequestId::as_str),
        event_id,
    ])?;
    if !request.verified {
        // Keep the newest `unverified_kept`: a flood of forged requests replaces itself.
        conn.prepare_cached(
            "DELETE FROM inbox_requests WHERE inbox_id = ?1 AND verified = 0 AND id <= \
             (SELECT id FROM inbox_requests WHERE inbox_id = ?1 AND verified = 0 \
              ORDER BY id DESC LIMIT 1 OFFSET ?2)",
        )?
        .execute(params![request.inbox_id.as_str(), new.unverified_kept])?;
    }
    Ok(outcome)
}

fn request_record(row: &Row, with_body: bool) -> rusqlite::Result<InboxRequestRecord> {
    Ok(InboxRequestRecord {
        id: row.get(0)?,
        inbox_id: row.get(1)?,
        seq: row.get(2)?,
        tenant: row.get(3)?,
        received_at: row.get(4)?,
        method: row.get(5)?,
        path: row.get(6)?,
        query: row.get(7)?,
        source_ip: row.get(8)?,
        headers: row.get(9)?,
        original_headers: row.get(10)?,
        verified: row.get(11)?,
        verify_error: row.get(12)?,
        duplicate_of: row.get(13)?,
        event_id: row.get(14)?,
        body_size: row.get(15)?,
        body: if with_body { row.get(16)? } else { None },
    })
}

fn requests(
    conn: &Connection,
    sql: &str,
    values: impl rusqlite::Params,
    with_body: bool,
) -> StoreResult<Vec<InboxRequest>> {
    let mut statement = conn.prepare_cached(sql)?;
    let records = statement
        .query_map(values, |row| request_record(row, with_body))?
        .collect::<Result<Vec<_>, _>>()?;
    records
        .into_iter()
        .map(|r| {
            r.into_request()
                .map_err(|c| StoreError::Internal(c.to_string()))
        })
        .collect()
}

pub fn list_requests(
    conn: &Connection,
    query: &InboxRequestQuery,
) -> StoreResult<Vec<InboxRequest>> {
    let body = if query.with_bodies { ", body" } else { "" };
    let sql = format!(
        "SELECT {INBOX_REQUEST_SUMMARY_COLUMNS}{body} FROM inbox_requests \
         WHERE inbox_id = ?1 AND (?2 IS NULL OR verified = ?2) \
           AND (?3 IS NULL OR (duplicate_of IS NOT NULL) = ?3) \
           AND (?4 IS NULL OR id >= ?4) AND (?5 IS NULL OR id < ?5) AND (?6 IS NULL OR id < ?6) \
         ORDER BY id DESC LIMIT ?7"
    );
    let since = query
        .since
        .map(|t| InboxRequestId::lower_bound_at(t.as_millis()).into_string());
    let until = query
        .until
        .map(|t| InboxRequestId::lower_bound_at(t.as_millis()).into_string());
    let values = params![
        query.inbox.as_str(),
        query.verified,
        query.duplicate,
        since,
        until,
        query.page.before,
        query.page.limit as i64,
    ];
    requests(conn, &sql, values, query.with_bodies)
}

pub fn get_request(
    conn: &Connection,
    scope: &Scope,
    id: &InboxRequestId,
) -> StoreResult<Option<InboxRequest>> {
    let sql = format!(
        "SELECT {INBOX_REQUEST_SUMMARY_COLUMNS}, body FROM inbox_requests \
         WHERE id = ?1 AND (?2 IS NULL OR tenant = ?2)"
    );
    let found = requests(
        conn,
        &sql,
        params![id.as_str(), scope.tenant().map(Tenant::as_str)],
        true,
    )?;
    Ok(found.into_iter().next())
}

pub fn requests_after(
    conn: &Connection,
    inbox: &InboxId,
    after_seq: i64,
    limit: usize,
) -> StoreResult<Vec<InboxRequest>> {
    let sql = format!(
        "SELECT {INBOX_REQUEST_SUMMARY_COLUMNS}, body FROM inbox_requests \
         WHERE inbox_id = ?1 AND seq > ?2 ORDER BY seq LIMIT ?3"
    );
    requests(
        conn,
        &sql,
        params![inbox.as_str(), after_seq, limit as i64],
        true,
    )
}

pub fn resume_seq(conn: &Connection, inbox: &InboxId, id: &InboxRequestId) -> StoreResult<i64> {
    let exact: Option<i64> = conn
        .prepare_cached("SELECT seq FROM inbox_requests WHERE inbox_id = ?1 AND id = ?2")?
        .query_row(params![inbox.as_str(), id.as_str()], |row| row.get(0))
        .optional()?;
    if let Some(seq) = exact {
        return Ok(seq);
    }
    Ok(conn
        .prepare_cached(
            "SELECT COALESCE(MAX(seq), 0) FROM inbox_requests WHERE inbox_id = ?1 AND id <= ?2",
        )?
        .query_row(params![inbox.as_str(), id.as_str()], |row| row.get(0))?)
}

/// Seals every inbox secret not sealed with the first key yet (`hookd rekey`).
pub fn reseal(conn: &Connection, sealer: &Sealer) -> StoreResult<u64> {
    let stored: Vec<(String, String)> = conn
        .prepare("SELECT id, secret FROM inboxes WHERE secret IS NOT NULL")?
        .query_map([], |row| Ok((row.get(0)?, row.get(1)?)))?
        .collect::<Result<_, _>>()?;
    let mut changed = 0;
    for (id, secret) in stored {
        if let Some(sealed) = reseal_inbox_secret(sealer, &secret, &id)? {
            conn.prepare_cached("UPDATE inboxes SET secret = ?2 WHERE id = ?1")?
                .execute(params![id, sealed])?;
            changed += 1;
        }
    }
    Ok(changed)
}

/// See `Store::prune_inboxes`.
pub fn prune(
    conn: &Connection,
    cutoff: Timestamp,
    now: Timestamp,
    batch: usize,
) -> StoreResult<u64> {
    let before = InboxRequestId::lower_bound_at(cutoff.as_millis()).into_string();
    // Numbers go on from the last one even once every request of an inbox is gone.
    conn.prepare_cached(
        "UPDATE inboxes SET request_seq = \
         (SELECT MAX(inboxes.request_seq, COALESCE(MAX(seq), 0)) FROM inbox_requests \
          WHERE inbox_id = inboxes.id)",
    )?
    .execute([])?;
    let mut deleted = conn
        .prepare_cached(
            "DELETE FROM inbox_requests WHERE id IN \
             (SELECT id FROM inbox_requests WHERE id < ?1 ORDER BY id LIMIT ?2)",
        )?
        .execute(params![before, batch as i64])?;
    deleted += dedupe::prune(conn, now, batch)?;
    let expired: Vec<String> = conn
        .prepare_cached(
            "SELECT id FROM inboxes WHERE expires_at IS NOT NULL AND expires_at <= ?1 LIMIT 10",
        )?
        .query_map(params![now.as_millis()], |row| row.get(0))?
        .collect::<Result<_, _>>()?;
    for id in expired {
        deleted += usize::from(delete(conn, &Scope::All, &InboxId::from_trusted(id))?);
    }
    Ok(deleted as u64)
}

pub fn last_seq(conn: &Connection, inbox: &InboxId) -> StoreResult<i64> {
    Ok(conn
        .prepare_cached(
            "SELECT MAX(request_seq, \
                 (SELECT COALESCE(MAX(seq), 0) FROM inbox_requests WHERE inbox_id = ?1)) \
             FROM inboxes WHERE id = ?1",
        )?
        .query_row(params![inbox.as_str()], |row| row.get(0))
        .optional()?
        .unwrap_or(0))
}
