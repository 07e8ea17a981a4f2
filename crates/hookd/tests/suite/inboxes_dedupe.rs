//! Inbox de-duplication: a request whose key was seen within the window answers 200, is kept
//! with `duplicate_of` naming the first, and never becomes an event again, whether the copies
//! come one after another or at the same instant; each key kind (`auto` per sender, `header:`,
//! `json:`, `body`) decides what counts as the same; a forgery never claims a key.

use crate::common;

use common::TestServer;
use common::inbox::{
    Answer, create_inbox, events_of_type, history, history_where, id_of, now_secs, open_inbox, send,
};
use common::senders::Sender;
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::time::Duration;

/// The one row of `rows` that became an event, after checking that every other row is a
/// duplicate of it with no event of its own.
fn the_original(rows: &[Value]) -> Value {
    let originals: Vec<&Value> = rows
        .iter()
        .filter(|r| r["duplicate_of"].is_null())
        .collect();
    assert_eq!(originals.len(), 1, "one original among {rows:#?}");
    let original = originals[0].clone();
    assert!(original["event_id"].is_string(), "{original}");
    for row in rows.iter().filter(|r| !r["duplicate_of"].is_null()) {
        assert_eq!(row["duplicate_of"], original["id"], "{row}");
        assert!(
            row["event_id"].is_null(),
            "a duplicate became an event: {row}"
        );
        assert_eq!(row["verified"], true, "{row}");
    }
    original
}

/// The same body twice, one after the other: both answer 200 with their own request id; the
/// second is kept with `duplicate_of` the first and no event; one event in all. The
/// `duplicate` filter of the history tells them apart.
#[tokio::test]
async fn a_repeated_request_is_kept_as_a_duplicate_and_not_published_again() {
    crate::require_backend!();
    let server = TestServer::start().await;
    let inbox = open_inbox(&server, "dup.sequential").await;
    let body = r#"{"order": 1}"#;
    let first = send(&server, &inbox, &[("x-any", "1")], body).await;
    let second = send(&server, &inbox, &[("x-any", "2")], body).await;
    assert_eq!(
        (first.status, second.status),
        (StatusCode::OK, StatusCode::OK)
    );
    let (first_id, second_id) = (id_of(&first.json()), id_of(&second.json()));
    assert_ne!(first_id, second_id);
    let rows = history(&server, &inbox).await;
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0]["id"], second_id.as_str(), "newest first");
    assert_eq!(rows[0]["duplicate_of"], first_id.as_str());
    assert!(rows[0]["event_id"].is_null());
    assert_eq!(the_original(&rows)["id"], first_id.as_str());
    assert_eq!(events_of_type(&server, "dup.sequential").await.len(), 1);
    let duplicates = history_where(&server, &inbox, "duplicate=true").await;
    let originals = history_where(&server, &inbox, "duplicate=false").await;
    assert_eq!(duplicates.len(), 1);
    assert_eq!(duplicates[0]["id"], second_id.as_str());
    assert_eq!(originals.len(), 1);
    assert_eq!(originals[0]["id"], first_id.as_str());
}

/// Sends `n` copies at the same instant (one task each, released together) and returns the
/// answers.
async fn all_at_once(
    server: &TestServer,
    inbox: &str,
    copies: Vec<(Vec<(String, String)>, String)>,
) -> Vec<Answer> {
    let barrier = std::sync::Arc::new(tokio::sync::Barrier::new(copies.len()));
    let mut tasks = tokio::task::JoinSet::new();
    for (headers, body) in copies {
        let request = common::inbox::to_inbox(server, inbox, body.into_bytes())
            .header("content-type", "application/json")
            .headers(&headers);
        let barrier = barrier.clone();
        tasks.spawn(async move {
            barrier.wait().await;
            request.send().await
        });
    }
    tasks.join_all().await
}

/// Twenty identical requests at the same instant: all answer 200, exactly one becomes an
/// event, the nineteen others are kept as duplicates of it.
#[tokio::test]
async fn simultaneous_copies_make_exactly_one_event() {
    crate::require_backend!();
    let server = TestServer::start().await;
    let inbox = open_inbox(&server, "dup.simultaneous").await;
    let copies = vec![(Vec::new(), r#"{"charge": "ch_1"}"#.to_owned()); 20];
    let answers = all_at_once(&server, &inbox, copies).await;
    let statuses: Vec<u16> = answers.iter().map(|a| a.status.as_u16()).collect();
    assert_eq!(statuses, vec![200; 20]);
    let rows = history(&server, &inbox).await;
    assert_eq!(rows.len(), 20);
    let original = the_original(&rows);
    let events = events_of_type(&server, "dup.simultaneous").await;
    assert_eq!(events.len(), 1, "{events:?}");
    assert_eq!(events[0]["id"], original["event_id"]);
}

/// `auto` takes the sender's own id where the scheme has one: Standard Webhooks' `webhook-id`
/// (different bodies, same id: duplicates, also when ten arrive at once; same body, new id:
/// new events), Stripe's body `id`, GitHub's `X-GitHub-Delivery`, Shopify's
/// `X-Shopify-Webhook-Id`, Slack's body `event_id`; and the body's SHA-256 for a scheme without
/// one (hex).
#[tokio::test]
async fn auto_keys_on_the_senders_own_id() {
    crate::require_backend!();
    let server = TestServer::start().await;
    let standard = Sender::StandardV1 {
        secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw".into(),
    };
    let inbox = id_of(
        &create_inbox(
            &server,
            json!({"name": "std", "verify": standard.verify(), "event_type": "dup.standard"}),
        )
        .await,
    );
    let now = now_secs();
    let copies = (0..10)
        .map(|n| {
            let body = format!(r#"{{"attempt": {n}}}"#);
            (standard.headers(body.as_bytes(), now, "msg_same"), body)
        })
        .collect();
    let answers = all_at_once(&server, &inbox, copies).await;
    assert!(
        answers.iter().all(|a| a.status == StatusCode::OK),
        "{answers:?}"
    );
    the_original(&history(&server, &inbox).await);
    for id in ["msg_other_1", "msg_other_2"] {
        let body = r#"{"attempt": 0}"#;
        let answer = send(
            &server,
            &inbox,
            &standard.headers(body.as_bytes(), now, id),
            body,
        )
        .await;
        assert_eq!(answer.status, StatusCode::OK);
    }
    assert_eq!(events_of_type(&server, "dup.standard").await.len(), 3);

    let stripe = Sender::Stripe {
        secret: "whsec_dedupe".into(),
    };
    let github = Sender::Github {
        secret: "dedupe".into(),
    };
    let hex = Sender::Hex {
        secret: "dedupe".into(),
        prefixed: false,
    };
    let shopify = Sender::Shopify {
        secret: "dedupe".into(),
    };
    let slack = Sender::Slack {
        secret: "dedupe".into(),
    };
    // (event type, sender, requests as (delivery id, body), events expected)
    type Case<'a> = (&'a str, &'a Sender, Vec<(&'a str, &'a str)>, usize);
    let cases: [Case; 5] = [
        (
            "dup.stripe",
            &stripe,
            vec![
                ("", r#"{"id": "evt_1", "created": 1}"#),
                ("", r#"{"id": "evt_1", "created": 2}"#),
                ("", r#"{"id": "evt_2", "created": 1}"#),
            ],
            2,
        ),
        (
            "dup.github",
            &github,
            vec![
                ("d-1", r#"{"a": 1}"#),
                ("d-1", r#"{"a": 2}"#),
                ("d-2", r#"{"a": 1}"#),
            ],
            2,
        ),
        (
            "dup.shopify",
            &shopify,
            vec![
                ("w-1", r#"{"a": 1}"#),
                ("w-1", r#"{"a": 2}"#),
                ("w-2", r#"{"a": 1}"#),
            ],
            2,
        ),
        (
            "dup.slack",
            &slack,
            vec![
                ("", r#"{"event_id": "Ev1", "event_time": 1}"#),
                ("", r#"{"event_id": "Ev1", "event_time": 2}"#),
                ("", r#"{"event_id": "Ev2", "event_time": 1}"#),
            ],
            2,
        ),
        (
            "dup.hex",
            &hex,
            vec![
                ("", r#"{"a": 1}"#),
                ("", r#"{"a": 1}"#),
                ("", r#"{"a": 2}"#),
            ],
            2,
        ),
    ];
    for (event_type, sender, requests, expected) in cases {
        let inbox = id_of(
            &create_inbox(
                &server,
                json!({"name": event_type, "verify": sender.verify(), "event_type": event_type}),
            )
            .await,
        );
        for (id, body) in requests {
            let answer = send(
                &server,
                &inbox,
                &sender.headers(body.as_bytes(), now, id),
                body,
            )
            .await;
            assert_eq!(
                answer.status,
                StatusCode::OK,
                "{event_type}: {}",
                answer.text
            );
        }
        assert_eq!(
            events_of_type(&server, event_type).await.len(),
            expected,
            "{event_type}"
        );
    }
}

/// `header:<name>`, `json:<path>` and `body` keys: what shares the key is a duplicate (also
/// when ten copies arrive at once), what differs in it is not, whatever else differs.
#[tokio::test]
async fn configured_keys_decide_what_is_the_same() {
    crate::require_backend!();
    let server = TestServer::start().await;
    // (key, ten simultaneous requests sharing the key, then requests each making a new event)
    type Request = (Vec<(String, String)>, String);
    let header = |value: &str| vec![("X-Request-Id".to_owned(), value.to_owned())];
    let cases: Vec<(&str, &str, Vec<Request>, Vec<Request>)> = vec![
        (
            "dup.header",
            "header:X-Request-Id",
            (0..10)
                .map(|n| (header("r-1"), format!(r#"{{"n": {n}}}"#)))
                .collect(),
            vec![(header("r-2"), r#"{"n": 0}"#.into())],
        ),
        (
            "dup.json",
            "json:data.object.id",
            (0..10)
                .map(|n| {
                    (
                        header(&n.to_string()),
                        format!(r#"{{"data": {{"object": {{"id": "o1"}}}}, "n": {n}}}"#),
                    )
                })
                .collect(),
            vec![(
                header("0"),
                r#"{"data": {"object": {"id": "o2"}}, "n": 0}"#.into(),
            )],
        ),
        (
            "dup.body",
            "body",
            (0..10)
                .map(|n| {
                    (
                        vec![("webhook-id".to_owned(), format!("msg_{n}"))],
                        r#"{"same": true}"#.to_owned(),
                    )
                })
                .collect(),
            vec![(Vec::new(), r#"{"same": true} "#.into())],
        ),
    ];
    for (event_type, key, same, different) in cases {
        let inbox = id_of(
            &create_inbox(
                &server,
                json!({"name": event_type, "verify": {"scheme": "none"}, "event_type": event_type,
                    "dedupe": {"key": key}}),
            )
            .await,
        );
        let answers = all_at_once(&server, &inbox, same).await;
        assert!(
            answers.iter().all(|a| a.status == StatusCode::OK),
            "{answers:?}"
        );
        the_original(&history(&server, &inbox).await);
        for (headers, body) in different {
            assert_eq!(
                send(&server, &inbox, &headers, &body).await.status,
                StatusCode::OK
            );
        }
        assert_eq!(events_of_type(&server, event_type).await.len(), 2, "{key}");
    }
}

/// De-duplication is per inbox: the same body sent to two inboxes is an event in each.
#[tokio::test]
async fn inboxes_do_not_share_keys() {
    crate::require_backend!();
    let server = TestServer::start().await;
    let first = open_inbox(&server, "dup.shared").await;
    let second = open_inbox(&server, "dup.shared").await;
    for inbox in [&first, &second] {
        let answer = send(&server, inbox, &[("x", "y")], r#"{"same": 1}"#).await;
        assert_eq!(answer.status, StatusCode::OK);
    }
    assert_eq!(events_of_type(&server, "dup.shared").await.len(), 2);
}

/// A forged request does not claim its key: after one with a stolen `webhook-id` and a bad
/// signature (401), the genuine request with that id becomes an event, not a duplicate.
#[tokio::test]
async fn a_forgery_does_not_take_the_key_of_the_genuine_request() {
    crate::require_backend!();
    let server = TestServer::start().await;
    let sender = Sender::StandardV1 {
        secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw".into(),
    };
    let inbox = id_of(
        &create_inbox(
            &server,
            json!({"name": "forged", "verify": sender.verify(), "event_type": "dup.forged"}),
        )
        .await,
    );
    let body = r#"{"amount": 100}"#;
    let forged = sender
        .impostor()
        .headers(body.as_bytes(), now_secs(), "msg_target");
    assert_eq!(
        send(&server, &inbox, &forged, body).await.status,
        StatusCode::UNAUTHORIZED
    );
    let genuine = sender.headers(body.as_bytes(), now_secs(), "msg_target");
    let answer = send(&server, &inbox, &genuine, body).await;
    assert_eq!(answer.status, StatusCode::OK);
    let rows = history(&server, &inbox).await;
    assert_eq!(rows[0]["id"], id_of(&answer.json()).as_str());
    assert!(rows[0]["duplicate_of"].is_null(), "{}", rows[0]);
    assert!(rows[0]["event_id"].is_string(), "{}", rows[0]);
    assert_eq!(events_of_type(&server, "dup.forged").await.len(), 1);
}

/// The key is remembered for the inbox's `window` only: within it a repeat is a duplicate,
/// after it the same request is new again.
#[tokio::test]
async fn keys_are_forgotten_after_the_window() {
    crate::require_backend!();
    let server = TestServer::start().await;
    let inbox = id_of(
        &create_inbox(
            &server,
            json!({"name": "window", "verify": {"scheme": "none"}, "event_type": "dup.window",
                "dedupe": {"key": "body", "window": "2s"}}),
        )
        .await,
    );
    let body = r#"{"again": true}"#;
    let started = std::time::Instant::now();
    assert_eq!(
        send(&server, &inbox, &[("a", "1")], body).await.status,
        StatusCode::OK
    );
    assert_eq!(
        send(&server, &inbox, &[("a", "2")], body).await.status,
        StatusCode::OK
    );
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "too slow to test a 2s window"
    );
    assert_eq!(events_of_type(&server, "dup.window").await.len(), 1);
    // The rule under test is time passing: wait out the window.
    tokio::time::sleep(Duration::from_millis(2500).saturating_sub(started.elapsed())).await;
    assert_eq!(
        send(&server, &inbox, &[("a", "3")], body).await.status,
        StatusCode::OK
    );
    let rows = history(&server, &inbox).await;
    assert!(rows[0]["duplicate_of"].is_null(), "{}", rows[0]);
    assert_eq!(events_of_type(&server, "dup.window").await.len(), 2);
}
