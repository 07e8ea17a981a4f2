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

fn count(conn: &Connection, table: &str) -> i64 {
    conn.query_row(&format!("SELECT COUNT(*) FROM {table}"), [], |r| r.get(0))
        .expect("a count")
}

fn merged_keys(conn: &Connection) -> i64 {
    count(conn, "inbox_dedupe")
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
    assert_eq!(
        count(&conn, "inbox_dedupe") + count(&conn, "inbox_dedupe_staged"),
        2,
        "a key keeps one row"
    );
}

#[test]
fn keys_merge_into_the_index_once_enough_are_staged() {
    const AFTER: i64 = 100;
    let conn = database();
    let inbox = InboxId::new();
    let take_merging = |key: &str, at: i64| {
        take_key_merging_after(&conn, &request(&inbox, at), &entry(key, at), AFTER)
            .expect("the key")
    };
    for n in 0..AFTER - 1 {
        assert_eq!(take_merging(&format!("key {n}"), n), None);
    }
    assert_eq!(merged_keys(&conn), 0);
    assert_eq!(take_merging("the last one", AFTER), None);
    assert_eq!(merged_keys(&conn), AFTER);
    assert_eq!(count(&conn, "inbox_dedupe_staged"), 0);
    assert_eq!(count(&conn, "temp.dedupe_staged"), 0);
    assert!(take_merging("key 7", AFTER + 1).is_some());
    assert_eq!(take_merging("a new one", AFTER + 2), None);
    assert_eq!(count(&conn, "inbox_dedupe_staged"), 1);
}

#[test]
fn expired_keys_are_pruned_whether_staged_or_merged() {
    let conn = database();
    let inbox = InboxId::new();
    assert_eq!(take(&conn, &inbox, "merged", 0), None);
    merge(&conn).expect("the merge");
    assert_eq!(take(&conn, &inbox, "staged", 0), None);
    assert_eq!(take(&conn, &inbox, "fresh", 1_000), None);
    let window_end = Timestamp::from_millis(WINDOW.as_millis() as i64);
    assert_eq!(prune(&conn, window_end, 100).expect("the prune"), 2);
    assert_eq!(
        take(&conn, &inbox, "fresh", 2_000),
        Some(InboxRequestId::lower_bound_at(1_000))
    );
    assert_eq!(
        take(&conn, &inbox, "merged", 2_000),
        None,
        "a pruned key is new again"
    );
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
             WHERE key_prefix = 1 AND inbox_id = 'i' AND key = 'k'",
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

#[test]
fn keys_staged_before_the_staging_table_are_found_after_its_migration() {
    let mut conn = Connection::open_in_memory().expect("an in-memory database");
    migrations::apply_first(&mut conn, 11).expect("the migrations before the staging table");
    let inbox = InboxId::new();
    for (key, merged) in [("merged", 1), ("staged", 0)] {
        conn.execute(
            "INSERT INTO inbox_dedupe (key_prefix, inbox_id, key, request_id, expires_at, merged) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![
                key_prefix(key),
                inbox.as_str(),
                key,
                InboxRequestId::lower_bound_at(1_000).as_str(),
                entry(key, 1_000).expires_at.as_millis(),
                merged
            ],
        )
        .expect("a key as migration 11 kept it");
    }
    migrations::apply(&mut conn).expect("the staging table's migration");
    open_staging(&conn).expect("the staged keys");
    assert_eq!(count(&conn, "inbox_dedupe_staged"), 1);
    for key in ["merged", "staged"] {
        assert_eq!(
            take(&conn, &inbox, key, 2_000),
            Some(InboxRequestId::lower_bound_at(1_000)),
            "{key}"
        );
    }
}
