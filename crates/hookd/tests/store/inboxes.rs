//! The inbox part of the `Store` contract: what `/in/` relies on whichever node stores a
//! request.

use hookd::model::*;
use hookd::store::{Claim, DynStore, InboxRequestQuery, Page, StoreError};
use std::time::Duration;

fn inbox() -> Inbox {
    let now = Timestamp::now();
    let settings = serde_json::json!({"verify": {"scheme": "none"}});
    Inbox {
        id: InboxId::new(),
        tenant: Tenant::default_tenant(),
        name: "test".into(),
        description: String::new(),
        settings: InboxSettings::from_json(settings.as_object().unwrap(), false).unwrap(),
        secret: Some(InboxSecret::parse("a-secret-kept-sealed").unwrap()),
        playground: false,
        expires_at: None,
        active: true,
        created_at: now,
        updated_at: now,
    }
}

fn request(inbox: &Inbox, verified: bool, key: &str) -> NewInboxRequest {
    let now = Timestamp::now();
    let id = InboxRequestId::new();
    let event_id = EventId::new();
    let event_type = EventName::parse("inbox.received").unwrap();
    NewInboxRequest {
        request: InboxRequest {
            id: id.clone(),
            inbox_id: inbox.id.clone(),
            seq: 0,
            tenant: inbox.tenant.clone(),
            received_at: now,
            method: "POST".into(),
            path: format!("/in/{}", inbox.id),
            query: String::new(),
            source_ip: "127.0.0.1".into(),
            headers: vec![("content-type".into(), "application/json".into())],
            body: bytes::Bytes::from_static(b"{}"),
            body_size: 2,
            original_headers: Vec::new(),
            verified,
            verify_error: (!verified).then(|| "no signature matched".to_owned()),
            duplicate_of: None,
            event_id: None,
        },
        dedupe: verified.then(|| DedupeEntry {
            key: key.to_owned(),
            expires_at: now.plus(Duration::from_secs(3600)),
        }),
        event: verified.then(|| NewEvent {
            payload: encode_payload(&event_id, &event_type, now, "{}"),
            id: event_id,
            tenant: inbox.tenant.clone(),
            event_type,
            idempotency_key: None,
            created_at: now,
            deliveries: Vec::new(),
            inbox_request_id: Some(id),
            trace: None,
        }),
        unverified_kept: 3,
    }
}

fn claim() -> Claim {
    Claim {
        by: "node-test/0".into(),
        until: Timestamp::now().plus(Duration::from_secs(30)),
    }
}

/// Of many requests with one key stored at once, exactly one is accepted with an event; the
/// others are duplicates of it. Every one is stored, numbered without gaps.
pub async fn one_key_accepts_one_request_however_many_arrive_at_once(store: DynStore) {
    let inbox = inbox();
    store.insert_inbox(&inbox).await.unwrap();
    let mut tasks = Vec::new();
    for _ in 0..20 {
        let (store, request) = (store.clone(), request(&inbox, true, "same-key"));
        tasks.push(tokio::spawn(async move {
            store.store_inbox_request(&claim(), request).await.unwrap()
        }));
    }
    let mut accepted = Vec::new();
    let mut duplicates = Vec::new();
    let mut seqs = Vec::new();
    for task in tasks {
        match task.await.unwrap() {
            StoredRequest::Accepted { seq, event, .. } => {
                assert!(event.is_some(), "an accepted request has its event");
                accepted.push(seq);
                seqs.push(seq);
            }
            StoredRequest::Duplicate { seq, of } => {
                duplicates.push(of);
                seqs.push(seq);
            }
            other => panic!("unexpected {other:?}"),
        }
    }
    assert_eq!(
        accepted.len(),
        1,
        "exactly one request with the key is accepted"
    );
    assert_eq!(duplicates.len(), 19);
    seqs.sort_unstable();
    assert_eq!(
        seqs,
        (1..=20).collect::<Vec<i64>>(),
        "numbered 1 to 20 without gaps"
    );
    let stored = store
        .list_inbox_requests(&InboxRequestQuery {
            inbox: inbox.id.clone(),
            page: Page {
                limit: 50,
                before: None,
            },
            verified: None,
            duplicate: Some(false),
            since: None,
            until: None,
            with_bodies: false,
        })
        .await
        .unwrap();
    assert_eq!(stored.len(), 1);
    assert!(
        duplicates.iter().all(|of| *of == stored[0].id),
        "every duplicate names the first"
    );
    assert_eq!(store.inbox_last_seq(&inbox.id).await.unwrap(), 20);
}

/// Unverified requests are kept up to the bound, newest first; they never make an event.
pub async fn unverified_requests_are_kept_within_their_bound(store: DynStore) {
    let inbox = inbox();
    store.insert_inbox(&inbox).await.unwrap();
    let mut ids = Vec::new();
    for _ in 0..5 {
        let new = request(&inbox, false, "");
        ids.push(new.request.id.clone());
        let stored = store.store_inbox_request(&claim(), new).await.unwrap();
        assert!(matches!(stored, StoredRequest::Unverified { .. }));
    }
    let kept = store
        .list_inbox_requests(&InboxRequestQuery {
            inbox: inbox.id.clone(),
            page: Page {
                limit: 50,
                before: None,
            },
            verified: Some(false),
            duplicate: None,
            since: None,
            until: None,
            with_bodies: false,
        })
        .await
        .unwrap();
    let kept: Vec<_> = kept.into_iter().map(|r| r.id).collect();
    ids.reverse();
    assert_eq!(kept, ids[..3], "the newest three of five");
}

/// A request to an inbox deleted meanwhile is refused as not found, and nothing is stored.
pub async fn a_request_to_a_deleted_inbox_is_not_stored(store: DynStore) {
    let inbox = inbox();
    store.insert_inbox(&inbox).await.unwrap();
    assert!(store.delete_inbox(&Scope::All, &inbox.id).await.unwrap());
    let outcome = store
        .store_inbox_request(&claim(), request(&inbox, true, "k"))
        .await;
    assert!(matches!(outcome, Err(StoreError::NotFound)), "{outcome:?}");
}

/// A stream resumes after the request it last saw, in the order requests were stored; the
/// secret reads back as it was written.
pub async fn streams_resume_after_the_last_request_seen(store: DynStore) {
    let inbox = inbox();
    store.insert_inbox(&inbox).await.unwrap();
    let read = store
        .get_inbox(&Scope::All, &inbox.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(read, inbox);
    let mut ids = Vec::new();
    for n in 0..4 {
        let new = request(&inbox, true, &format!("k{n}"));
        ids.push(new.request.id.clone());
        store.store_inbox_request(&claim(), new).await.unwrap();
    }
    let after = store.inbox_resume_seq(&inbox.id, &ids[1]).await.unwrap();
    let rest = store
        .inbox_requests_after(&inbox.id, after, 10)
        .await
        .unwrap();
    let rest: Vec<_> = rest.into_iter().map(|r| r.id).collect();
    assert_eq!(rest, ids[2..]);
}

/// Once retention deleted every request of an inbox, the next one is numbered after the last,
/// so a stream that saw the last one still sees the next.
pub async fn numbers_go_on_after_every_request_is_deleted(store: DynStore) {
    let inbox = inbox();
    store.insert_inbox(&inbox).await.unwrap();
    for n in 0..3 {
        store
            .store_inbox_request(&claim(), request(&inbox, true, &format!("k{n}")))
            .await
            .unwrap();
    }
    let later = Timestamp::now().plus(Duration::from_secs(60));
    store
        .prune_inboxes(later, Timestamp::now(), 100)
        .await
        .unwrap();
    assert!(
        store
            .inbox_requests_after(&inbox.id, 0, 10)
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(store.inbox_last_seq(&inbox.id).await.unwrap(), 3);
    let next = store
        .store_inbox_request(&claim(), request(&inbox, true, "k3"))
        .await
        .unwrap();
    assert!(
        matches!(next, StoredRequest::Accepted { seq: 4, .. }),
        "{next:?}"
    );
}
