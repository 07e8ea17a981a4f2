//! Received requests stored as a batch: the coalescer's group of inbox requests in a few array
//! statements (one upsert of their de-duplication keys, one insert of their events, one per
//! inbox to number them, one insert of the requests), as publishes are, instead of four
//! statements per request. Numbering locks the inbox's row until commit, so it comes last.

use super::events;
use crate::model::*;
use crate::store::inbox_record::encode_header_list;
use crate::store::{Claim, StoreError, StoreResult};
use std::collections::{BTreeMap, HashMap, HashSet};

/// Stores `requests` inside the caller's transaction; the outcomes in the same order: their
/// keys and events (`take_keys_and_events`), then their numbers and rows (`number_and_store`).
pub async fn store_requests_in(
    transaction: &mut sqlx::PgConnection,
    claim: &Claim,
    requests: &[&NewInboxRequest],
) -> StoreResult<Vec<StoredRequest>> {
    let taken = take_keys_and_events(transaction, claim, requests).await?;
    number_and_store(transaction, requests, taken).await
}

/// What the first half of storing requests decided: the request holding each one's key, and the
/// events created for the new ones with their deliveries.
pub struct Taken {
    duplicate_of: Vec<Option<InboxRequestId>>,
    created: HashMap<EventId, (Vec<DeliveryId>, Vec<DeliveryId>)>,
}

/// The first half, which locks no inbox: the requests' de-duplication keys (the upsert waits for
/// a concurrent one, so of two requests with one key only one is accepted, whichever node
/// stores it) and the events of the new, verified ones.
pub async fn take_keys_and_events(
    transaction: &mut sqlx::PgConnection,
    claim: &Claim,
    requests: &[&NewInboxRequest],
) -> StoreResult<Taken> {
    let duplicate_of = deduplicate(transaction, requests).await?;
    let new_events: Vec<NewEvent> = (0..requests.len())
        .filter(|&i| duplicate_of[i].is_none() && requests[i].request.verified)
        .filter_map(|i| requests[i].event.clone())
        .collect();
    let mut created = HashMap::new();
    if !new_events.is_empty() {
        let outcomes = events::insert_in(&mut *transaction, claim, &new_events).await?;
        for (event, outcome) in new_events.iter().zip(outcomes) {
            if let InsertedEvent::Created { dropped, waiting } = outcome {
                created.insert(event.id.clone(), (dropped, waiting));
            }
        }
    }
    Ok(Taken {
        duplicate_of,
        created,
    })
}

/// The second half, the transaction's last work before its commit: the requests' numbers and
/// rows. Taking an inbox's next `seq`s locks its row until commit, so an inbox's requests commit
/// in `seq` order on every node; doing it last holds that lock only for the rows and the
/// commit. Inboxes are locked in inbox order, so two transactions never wait for each other.
pub async fn number_and_store(
    transaction: &mut sqlx::PgConnection,
    requests: &[&NewInboxRequest],
    taken: Taken,
) -> StoreResult<Vec<StoredRequest>> {
    let Taken {
        duplicate_of,
        mut created,
    } = taken;
    let seqs = number(transaction, requests).await?;
    let mut outcomes = Vec::with_capacity(requests.len());
    for (i, new) in requests.iter().enumerate() {
        let seq = seqs[i];
        outcomes.push(match (&duplicate_of[i], new.request.verified) {
            (Some(of), _) => StoredRequest::Duplicate {
                seq,
                of: of.clone(),
            },
            (None, false) => StoredRequest::Unverified { seq },
            (None, true) => {
                let event = new.event.as_ref().map(|e| &e.id);
                match event.and_then(|id| created.remove(id).map(|lists| (id, lists))) {
                    Some((id, (dropped, waiting))) => StoredRequest::Accepted {
                        seq,
                        dropped,
                        waiting,
                        event: Some(id.clone()),
                    },
                    None => StoredRequest::Accepted {
                        seq,
                        dropped: Vec::new(),
                        waiting: Vec::new(),
                        event: None,
                    },
                }
            }
        });
    }
    insert_rows(transaction, requests, &outcomes).await?;
    prune_unverified(transaction, requests).await?;
    Ok(outcomes)
}

/// Each request's `seq`: per inbox, the next numbers in the group's order.
async fn number(
    transaction: &mut sqlx::PgConnection,
    requests: &[&NewInboxRequest],
) -> StoreResult<Vec<i64>> {
    let mut by_inbox: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (i, new) in requests.iter().enumerate() {
        by_inbox
            .entry(new.request.inbox_id.as_str())
            .or_default()
            .push(i);
    }
    let mut seqs = vec![0; requests.len()];
    for (inbox, indexes) in by_inbox {
        let last: i64 = sqlx::query_scalar(
            "UPDATE inboxes SET request_seq = request_seq + $2 WHERE id = $1 RETURNING request_seq",
        )
        .bind(inbox)
        .bind(indexes.len() as i64)
        .fetch_optional(&mut *transaction)
        .await?
        .ok_or(StoreError::NotFound)?;
        let first = last - indexes.len() as i64 + 1;
        for (offset, i) in indexes.into_iter().enumerate() {
            seqs[i] = first + offset as i64;
        }
    }
    Ok(seqs)
}

/// For each request, the request that holds its key (`None`: it took the key, or has none).
async fn deduplicate(
    transaction: &mut sqlx::PgConnection,
    requests: &[&NewInboxRequest],
) -> StoreResult<Vec<Option<InboxRequestId>>> {
    let mut duplicate_of: Vec<Option<InboxRequestId>> = vec![None; requests.len()];
    // The first request of the group with a key is its candidate; later ones follow it.
    let mut candidate: HashMap<(&str, &str), usize> = HashMap::new();
    let mut follows: Vec<(usize, usize)> = Vec::new();
    for (i, new) in requests.iter().enumerate() {
        let Some(dedupe) = &new.dedupe else { continue };
        match candidate.entry((new.request.inbox_id.as_str(), dedupe.key.as_str())) {
            std::collections::hash_map::Entry::Occupied(first) => follows.push((i, *first.get())),
            std::collections::hash_map::Entry::Vacant(slot) => {
                slot.insert(i);
            }
        }
    }
    if candidate.is_empty() {
        return Ok(duplicate_of);
    }
    // In (inbox, key) order: two transactions upserting the same keys lock them in one order.
    let mut order: Vec<usize> = candidate.values().copied().collect();
    order.sort_unstable_by(|&a, &b| {
        (requests[a].request.inbox_id.as_str(), key_of(requests[a]))
            .cmp(&(requests[b].request.inbox_id.as_str(), key_of(requests[b])))
    });
    let inboxes: Vec<&str> = order
        .iter()
        .map(|&i| requests[i].request.inbox_id.as_str())
        .collect();
    let keys: Vec<&str> = order.iter().map(|&i| key_of(requests[i])).collect();
    let ids: Vec<&str> = order
        .iter()
        .map(|&i| requests[i].request.id.as_str())
        .collect();
    let expiries: Vec<i64> = order.iter().map(|&i| expiry_of(requests[i])).collect();
    let now = order
        .iter()
        .map(|&i| requests[i].request.received_at.as_millis())
        .min()
        .unwrap_or_default();
    let taken: HashSet<String> = sqlx::query_scalar(
        "INSERT INTO inbox_dedupe (inbox_id, key, request_id, expires_at) \
         SELECT * FROM UNNEST($1::text[], $2::text[], $3::text[], $4::bigint[]) \
         ON CONFLICT (inbox_id, key) DO UPDATE \
         SET request_id = EXCLUDED.request_id, expires_at = EXCLUDED.expires_at \
         WHERE inbox_dedupe.expires_at <= $5 RETURNING request_id",
    )
    .bind(&inboxes)
    .bind(&keys)
    .bind(&ids)
    .bind(&expiries)
    .bind(now)
    .fetch_all(&mut *transaction)
    .await?
    .into_iter()
    .collect();
    let lost: Vec<usize> = order
        .iter()
        .copied()
        .filter(|&i| !taken.contains(requests[i].request.id.as_str()))
        .collect();
    if !lost.is_empty() {
        let inboxes: Vec<&str> = lost
            .iter()
            .map(|&i| requests[i].request.inbox_id.as_str())
            .collect();
        let keys: Vec<&str> = lost.iter().map(|&i| key_of(requests[i])).collect();
        let holders: HashMap<(String, String), String> =
            sqlx::query_as::<_, (String, String, String)>(
                "SELECT d.inbox_id, d.key, d.request_id FROM inbox_dedupe d \
             JOIN UNNEST($1::text[], $2::text[]) AS k(inbox_id, key) \
               ON d.inbox_id = k.inbox_id AND d.key = k.key",
            )
            .bind(&inboxes)
            .bind(&keys)
            .fetch_all(&mut *transaction)
            .await?
            .into_iter()
            .map(|(inbox, key, request)| ((inbox, key), request))
            .collect();
        for i in lost {
            let holder = holders
                .get(&(
                    requests[i].request.inbox_id.to_string(),
                    key_of(requests[i]).to_owned(),
                ))
                .ok_or_else(|| {
                    StoreError::Internal("a de-duplication key held by no request".into())
                })?;
            duplicate_of[i] = Some(InboxRequestId::from_trusted(holder.clone()));
        }
    }
    for (i, first) in follows {
        duplicate_of[i] = Some(
            duplicate_of[first]
                .clone()
                .unwrap_or_else(|| requests[first].request.id.clone()),
        );
    }
    Ok(duplicate_of)
}

fn key_of(new: &NewInboxRequest) -> &str {
    new.dedupe.as_ref().map_or("", |d| d.key.as_str())
}

fn expiry_of(new: &NewInboxRequest) -> i64 {
    new.dedupe.as_ref().map_or(0, |d| d.expires_at.as_millis())
}

/// The request rows, in one statement.
async fn insert_rows(
    transaction: &mut sqlx::PgConnection,
    requests: &[&NewInboxRequest],
    outcomes: &[StoredRequest],
) -> StoreResult<()> {
    let mut columns = Columns::default();
    for (new, outcome) in requests.iter().zip(outcomes) {
        columns.push(&new.request, outcome);
    }
    sqlx::query(
        "INSERT INTO inbox_requests (id, inbox_id, seq, tenant, received_at, method, path, query, \
             source_ip, headers, original_headers, body, verified, verify_error, duplicate_of, \
             event_id) \
         SELECT * FROM UNNEST($1::text[], $2::text[], $3::bigint[], $4::text[], $5::bigint[], \
             $6::text[], $7::text[], $8::text[], $9::text[], $10::text[], $11::text[], \
             $12::bytea[], $13::boolean[], $14::text[], $15::text[], $16::text[])",
    )
    .bind(columns.ids)
    .bind(columns.inboxes)
    .bind(columns.seqs)
    .bind(columns.tenants)
    .bind(columns.received)
    .bind(columns.methods)
    .bind(columns.paths)
    .bind(columns.queries)
    .bind(columns.sources)
    .bind(columns.headers)
    .bind(columns.originals)
    .bind(columns.bodies)
    .bind(columns.verified)
    .bind(columns.errors)
    .bind(columns.duplicates)
    .bind(columns.events)
    .execute(&mut *transaction)
    .await?;
    Ok(())
}

/// The request rows' columns, as arrays for `UNNEST`.
#[derive(Default)]
struct Columns<'a> {
    ids: Vec<&'a str>,
    inboxes: Vec<&'a str>,
    seqs: Vec<i64>,
    tenants: Vec<&'a str>,
    received: Vec<i64>,
    methods: Vec<&'a str>,
    paths: Vec<&'a str>,
    queries: Vec<&'a str>,
    sources: Vec<&'a str>,
    headers: Vec<String>,
    originals: Vec<String>,
    bodies: Vec<&'a [u8]>,
    verified: Vec<bool>,
    errors: Vec<Option<&'a str>>,
    duplicates: Vec<Option<String>>,
    events: Vec<Option<String>>,
}

impl<'a> Columns<'a> {
    fn push(&mut self, request: &'a InboxRequest, outcome: &StoredRequest) {
        let (seq, duplicate, event) = match outcome {
            StoredRequest::Accepted { seq, event, .. } => {
                (*seq, None, event.as_ref().map(ToString::to_string))
            }
            StoredRequest::Duplicate { seq, of } => (*seq, Some(of.to_string()), None),
            StoredRequest::Unverified { seq } => (*seq, None, None),
        };
        self.ids.push(request.id.as_str());
        self.inboxes.push(request.inbox_id.as_str());
        self.seqs.push(seq);
        self.tenants.push(request.tenant.as_str());
        self.received.push(request.received_at.as_millis());
        self.methods.push(&request.method);
        self.paths.push(&request.path);
        self.queries.push(&request.query);
        self.sources.push(&request.source_ip);
        self.headers.push(encode_header_list(&request.headers));
        self.originals
            .push(encode_header_list(&request.original_headers));
        self.bodies.push(&request.body[..]);
        self.verified.push(request.verified);
        self.errors.push(request.verify_error.as_deref());
        self.duplicates.push(duplicate);
        self.events.push(event);
    }
}

/// Keeps the newest `unverified_kept` unverified requests of each inbox that got one.
async fn prune_unverified(
    transaction: &mut sqlx::PgConnection,
    requests: &[&NewInboxRequest],
) -> StoreResult<()> {
    let mut bounds: BTreeMap<&str, u32> = BTreeMap::new();
    for new in requests.iter().filter(|n| !n.request.verified) {
        bounds.insert(new.request.inbox_id.as_str(), new.unverified_kept);
    }
    for (inbox, kept) in bounds {
        sqlx::query(
            "DELETE FROM inbox_requests WHERE inbox_id = $1 AND NOT verified AND id <= \
             (SELECT id FROM inbox_requests WHERE inbox_id = $1 AND NOT verified \
              ORDER BY id DESC LIMIT 1 OFFSET $2)",
        )
        .bind(inbox)
        .bind(i64::from(kept))
        .execute(&mut *transaction)
        .await?;
    }
    Ok(())
}
