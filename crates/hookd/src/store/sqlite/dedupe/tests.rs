//! The staged keys: found before and after their merge, after the database is opened again,
//! and gone with a transaction that rolls back.

use super::*;
use crate::store::sqlite::migrations;
use bytes::Bytes;
use std::time::Duration;

const WINDOW: Duration = Duration::from_secs(60);

fn database() -> Connection {
    let mut conn = Connection::open_in_memory().expect("an in-memory database");
    migrations::apply(&mut conn).expect("the migrations");
    open_staging(&conn).expect("the staged keys");
    conn
}

fn request(inbox: &InboxId, at: i64) -> InboxRequest {
    InboxRequest {
        id: InboxRequestId::lower_bound_at(at),
        inbox_id: inbox.clone(),
        seq: 0,
        tenant: Tenant::default_tenant(),
        received_at: Timestamp::from_millis(at),
        method: "POST".into(),
        path: "/in".into(),
        query: String::new(),
        source_ip: "127.0.0.1".into(),
        original_headers: Vec::new(),
        headers: Vec::new(),
        body_size: 0,
        body: Bytes::new(),
        verified: true,
        verify_error: None,
        duplicate_of: None,
        event_id: None,
    }
}

fn entry(key: &str, at: i64) -> DedupeEntry {
    DedupeEntry {
        key: key.into(),
        expires_at: Timestamp::from_millis(at).plus(WINDOW),
    }
}

fn take(conn: &Connection, inbox: &InboxId, key: &str, at: i64) -> Option<InboxRequestId> {
    take_key(conn, &request(inbox, at), &entry(key, at)).expect("the key")
}

fn merged_keys(conn: &Connection) -> i64 {
    conn.query_row(
        "SELECT COUNT(*) FROM inbox_dedupe WHERE merged = 1",
        [],
        |r| r.get(0),
    )
    .expect("a count")
}

#[test]
fn a_staged_key_is_found_before_and_after_its_merge() {
    let conn = database();
    let inbox = InboxId::new();
    assert_eq!(take(&conn, &inbox, "k", 1_000), None);
    let first = InboxRequestId::lower_bound_at(1_000);
    assert_eq!(take(&conn, &inbox, "k", 2_000), Some(first.clone()));
    assert_eq!(merged_keys(&conn), 0, "one key is not merged yet");

    merge(&conn).expect("the merge");
    assert_eq!(merged_keys(&conn), 1);
    assert_eq!(take(&conn, &inbox, "k", 3_000), Some(first));
    assert_eq!(
        take(&conn, &InboxId::new(), "k", 3_000),
        None,
        "keys are per inbox"
    );
}

#[test]
fn an_expired_key_is_taken_over_whether_staged_or_merged() {
    let conn = database();
    let inbox = InboxId::new();
    let after_window = WINDOW.as_millis() as i64 + 1;
    assert_eq!(take(&conn, &inbox, "staged", 0), None);
    assert_eq!(take(&conn, &inbox, "staged", after_window), None);
    assert_eq!(
        take(&conn, &inbox, "staged", after_window + 1),
        Some(InboxRequestId::lower_bound_at(after_window))
    );

    assert_eq!(take(&conn, &inbox, "merged", 0), None);
    merge(&conn).expect("the merge");
    assert_eq!(take(&conn, &inbox, "merged", after_window), None);
    assert_eq!(
        take(&conn, &inbox, "merged", after_window + 1),
        Some(InboxRequestId::lower_bound_at(after_window))
    );
    let rows: i64 = conn
        .query_row("SELECT COUNT(*) FROM inbox_dedupe", [], |r| r.get(0))
        .expect("a count");
    assert_eq!(rows, 2, "a key keeps one row");
}

#[test]
fn keys_merge_into_the_index_once_enough_are_staged() {
    let conn = database();
    let inbox = InboxId::new();
    for n in 0..MERGE_AFTER - 1 {
        assert_eq!(take(&conn, &inbox, &format!("key {n}"), n), None);
    }
    assert_eq!(merged_keys(&conn), 0);
    assert_eq!(take(&conn, &inbox, "the last one", MERGE_AFTER), None);
    assert_eq!(merged_keys(&conn), MERGE_AFTER);
    let staged: i64 = conn
        .query_row("SELECT COUNT(*) FROM temp.dedupe_staged", [], |r| r.get(0))
        .expect("a count");
    assert_eq!(staged, 0);
    assert!(take(&conn, &inbox, "key 7", MERGE_AFTER + 1).is_some());
}

#[test]
fn staged_keys_are_found_after_the_database_is_opened_again() {
    let folder = tempfile::tempdir().expect("a folder");
    let path = folder.path().join("hookd.db");
    let inbox = InboxId::new();
    {
        let mut conn = Connection::open(&path).expect("the database");
        migrations::apply(&mut conn).expect("the migrations");
        open_staging(&conn).expect("the staged keys");
        assert_eq!(take(&conn, &inbox, "k", 1_000), None);
    }
    let conn = Connection::open(&path).expect("the database again");
    open_staging(&conn).expect("the staged keys");
    assert_eq!(
        take(&conn, &inbox, "k", 2_000),
        Some(InboxRequestId::lower_bound_at(1_000))
    );
}

#[test]
fn a_key_taken_in_a_transaction_that_rolls_back_is_gone() {
    let conn = database();
    let inbox = InboxId::new();
    conn.execute_batch("BEGIN").expect("a transaction");
    assert_eq!(take(&conn, &inbox, "k", 1_000), None);
    conn.execute_batch("ROLLBACK").expect("the rollback");
    assert_eq!(take(&conn, &inbox, "k", 2_000), None);
}

#[test]
fn lookups_use_the_key_index_not_a_scan() {
    let conn = database();
    let plan: Vec<String> = conn
        .prepare(
            "EXPLAIN QUERY PLAN SELECT rowid, request_id, expires_at FROM inbox_dedupe \
             WHERE key_prefix = 1 AND merged = 1 AND inbox_id = 'i' AND key = 'k'",
        )
        .expect("a plan")
        .query_map([], |row| row.get(3))
        .expect("its rows")
        .collect::<Result<_, _>>()
        .expect("its text");
    assert!(
        plan.iter()
            .any(|step| step.contains("inbox_dedupe_by_prefix")),
        "{plan:?}"
    );
}
