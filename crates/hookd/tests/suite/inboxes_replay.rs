//! Replaying stored requests: one (202 with a new event, delivered again, also for a duplicate)
//! or every request of an inbox in a window (`dry_run` first: what would be replayed, with
//! nothing changed; then for real: exactly those, each a new event).

use crate::common;

use common::inbox::{events_of_type, history, id_of, open_inbox, rfc3339, send, unix_millis};
use common::{Receiver, TestServer};
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::time::Duration;

const WAIT: Duration = Duration::from_secs(10);

/// Replaying a stored request publishes it again as a new event (202 `{event_id}`, an id of
/// its own) which the subscribers receive with the same data; a duplicate can be replayed too.
#[tokio::test]
async fn a_stored_request_is_replayed_as_a_new_event() {
    crate::require_backend!();
    let server = TestServer::start().await;
    let receiver = Receiver::start().await;
    server.webhook_to(&receiver.url, &["replay.one"]).await;
    let inbox = open_inbox(&server, "replay.one").await;
    let body = r#"{"invoice": "in_1"}"#;
    let first = id_of(&send(&server, &inbox, &[("x", "1")], body).await.json());
    let duplicate = id_of(&send(&server, &inbox, &[("x", "2")], body).await.json());
    let original = receiver.wait_for(1, WAIT).await.remove(0);
    let original_event = original.header("webhook-id").to_owned();

    let mut replayed = Vec::new();
    for request in [&first, &duplicate] {
        let (status, answer) = server
            .post_empty(&format!("/api/inbox-requests/{request}/replay"))
            .await;
        assert_eq!(status, StatusCode::ACCEPTED, "{answer}");
        let event_id = answer["event_id"].as_str().expect("an event_id").to_owned();
        assert!(
            event_id.starts_with("evt_") && event_id != original_event,
            "{answer}"
        );
        replayed.push(event_id);
    }
    assert_ne!(replayed[0], replayed[1]);
    let got = receiver.wait_for(3, WAIT).await;
    let mut delivered: Vec<&str> = got[1..].iter().map(|r| r.header("webhook-id")).collect();
    delivered.sort();
    replayed.sort();
    assert_eq!(delivered, replayed);
    for request in &got[1..] {
        assert_eq!(request.json()["data"], json!({"invoice": "in_1"}));
    }
    assert_eq!(events_of_type(&server, "replay.one").await.len(), 3);
}

/// An instant just after a stored request was received (one millisecond later).
fn just_after(row: &Value) -> String {
    rfc3339(unix_millis(row["received_at"].as_str().expect("received_at")) + 1)
}

/// Bulk replay: `dry_run` answers `{matched, sample}` for the verified requests received
/// since `since` and changes nothing (no event, no delivery, no new request); the same body
/// without `dry_run` publishes exactly those again, each as a new event that is delivered.
/// Requests before `since` and unverified ones are left out; with `verified_only: false`
/// the unverified one is matched too.
#[tokio::test]
async fn an_inbox_is_replayed_over_a_window_after_a_dry_run() {
    crate::require_backend!();
    let server = TestServer::start().await;
    let receiver = Receiver::start().await;
    server.webhook_to(&receiver.url, &["replay.bulk"]).await;
    let created = common::inbox::create_inbox(
        &server,
        json!({"name": "bulk", "verify": {"scheme": "token", "secret": "let-me-in",
            "header": "X-Token"}, "event_type": "replay.bulk"}),
    )
    .await;
    let inbox = id_of(&created);
    let token = [("X-Token", "let-me-in")];
    assert_eq!(
        send(&server, &inbox, &token, r#"{"n": 0}"#).await.status,
        StatusCode::OK
    );
    // Two milliseconds at least between the first request and the rest, for the window.
    tokio::time::sleep(Duration::from_millis(5)).await;
    for n in 1..=3 {
        let answer = send(&server, &inbox, &token, &format!(r#"{{"n": {n}}}"#)).await;
        assert_eq!(answer.status, StatusCode::OK);
    }
    let refused = send(&server, &inbox, &[("X-Token", "wrong")], r#"{"n": 4}"#).await;
    assert_eq!(refused.status, StatusCode::UNAUTHORIZED);
    receiver.wait_for(4, WAIT).await;
    let rows = history(&server, &inbox).await;
    assert_eq!(rows.len(), 5);
    // Windows are by time: each request's id (which sorts by time) is of its `received_at`.
    for row in &rows {
        let id = ulid::Ulid::from_string(&id_of(row)[4..]).unwrap();
        assert_eq!(
            id.timestamp_ms() as i64,
            unix_millis(row["received_at"].as_str().unwrap()),
            "{row}"
        );
    }
    let since = just_after(&rows[4]);
    assert!(
        unix_millis(rows[3]["received_at"].as_str().unwrap()) >= unix_millis(&since),
        "the window starts before the second request"
    );
    let path = format!("/api/inboxes/{inbox}/replay");

    let (status, dry) = server
        .post(&path, json!({"since": since, "dry_run": true}))
        .await;
    assert_eq!(status, StatusCode::OK, "{dry}");
    assert_eq!(dry["matched"], 3, "{dry}");
    let sample = dry["sample"].as_array().expect("a sample");
    assert!(!sample.is_empty() && sample.len() <= 3, "{dry}");
    let in_window: Vec<&Value> = rows[1..4].iter().map(|r| &r["id"]).collect();
    for entry in sample {
        let id = if entry.is_string() {
            entry
        } else {
            &entry["id"]
        };
        assert!(in_window.contains(&id), "{entry} is not in the window");
    }
    let (_, everything) = server
        .post(
            &path,
            json!({"since": since, "dry_run": true, "verified_only": false}),
        )
        .await;
    assert_eq!(everything["matched"], 4, "{everything}");
    assert_eq!(
        events_of_type(&server, "replay.bulk").await.len(),
        4,
        "dry runs publish nothing"
    );
    assert_eq!(history(&server, &inbox).await.len(), 5);

    let (status, done) = server.post(&path, json!({"since": since})).await;
    assert!(status.is_success(), "{status} {done}");
    let got = receiver.wait_for(7, WAIT).await;
    let mut replayed: Vec<i64> = got[4..]
        .iter()
        .map(|r| r.json()["data"]["n"].as_i64().unwrap())
        .collect();
    replayed.sort();
    assert_eq!(replayed, [1, 2, 3]);
    assert_eq!(events_of_type(&server, "replay.bulk").await.len(), 7);
}

/// A replay publishes what the reception published: the same type and the same data, one
/// request at a time or over a window, also for a body JSON parsers disagree on (base64 data,
/// a template that finds nothing) and a type taken from a header.
#[tokio::test]
async fn a_replay_publishes_the_same_type_and_data_as_the_reception() {
    crate::require_backend!();
    let server = TestServer::start().await;
    let inbox = id_of(
        &common::inbox::create_inbox(
            &server,
            json!({"name": "same", "verify": {"scheme": "none"},
                "event_type": "same.{json:kind}.{header:X-Kind}"}),
        )
        .await,
    );
    let bodies = [
        r#"{"kind": "refund", "amount": 100000, "amount": 5}"#,
        r#"{"kind": "charge", "note": "\ud800"}"#,
        r#"{"kind": "charge", "amount": 5}"#,
    ];
    let mut received = Vec::new();
    for body in bodies {
        let answer = send(&server, &inbox, &[("X-Kind", "card")], body).await;
        assert_eq!(answer.status, StatusCode::OK);
        let row = common::inbox::stored_request(&server, &id_of(&answer.json())).await;
        received.push(common::inbox::event(&server, row["event_id"].as_str().unwrap()).await);
    }
    assert_eq!(received[2]["type"], "same.charge.card");
    assert_eq!(received[0]["type"], "same.unknown.card");
    let mut replayed = Vec::new();
    for row in history(&server, &inbox).await.iter().rev() {
        let (status, answer) = server
            .post_empty(&format!("/api/inbox-requests/{}/replay", id_of(row)))
            .await;
        assert_eq!(status, StatusCode::ACCEPTED, "{answer}");
        replayed.push(answer["event_id"].as_str().unwrap().to_owned());
    }
    let (status, window) = server
        .post(&format!("/api/inboxes/{inbox}/replay"), json!({}))
        .await;
    assert_eq!(status, StatusCode::ACCEPTED, "{window}");
    let in_window: Vec<&Value> = window["event_ids"]
        .as_array()
        .expect("event_ids")
        .iter()
        .collect();
    assert_eq!(in_window.len(), 3, "{window}");
    for (n, original) in received.iter().enumerate() {
        for again in [replayed[n].as_str(), in_window[n].as_str().unwrap()] {
            let again = common::inbox::event(&server, again).await;
            assert_eq!(
                (&again["type"], &again["data"]),
                (&original["type"], &original["data"]),
                "{}",
                bodies[n]
            );
        }
    }
}

/// A replayed request is still an inbox's: a webhook with payload `original` gets the original
/// bytes and signature header again, under the new event's id.
#[tokio::test]
async fn a_replay_reaches_original_webhooks_as_the_original() {
    crate::require_backend!();
    let server = TestServer::start().await;
    let receiver = Receiver::start().await;
    server
        .create_webhook(
            json!({"url": receiver.url, "events": ["gh.*"], "ping": false,
            "payload": "original"}),
        )
        .await;
    let github = common::senders::Sender::Github {
        secret: "replayed".into(),
    };
    let inbox = id_of(
        &common::inbox::create_inbox(
            &server,
            json!({"name": "gh", "verify": github.verify(), "event_type": "gh.{header:X-GitHub-Event}"}),
        )
        .await,
    );
    let body = "{\"ref\":  \"refs/heads/main\"}";
    let headers = github.headers(body.as_bytes(), 0, "delivery-7");
    let answer = send(&server, &inbox, &headers, body).await;
    assert_eq!(answer.status, StatusCode::OK);
    let first = receiver.wait_for(1, WAIT).await.remove(0);
    let (status, replayed) = server
        .post_empty(&format!(
            "/api/inbox-requests/{}/replay",
            id_of(&answer.json())
        ))
        .await;
    assert_eq!(status, StatusCode::ACCEPTED, "{replayed}");
    let again = receiver.wait_for(2, WAIT).await.remove(1);
    assert_eq!(
        again.header("webhook-id"),
        replayed["event_id"].as_str().unwrap()
    );
    assert_ne!(again.header("webhook-id"), first.header("webhook-id"));
    for got in [&first, &again] {
        assert_eq!(&got.body[..], body.as_bytes());
        assert_eq!(got.header("x-hub-signature-256"), headers[0].1);
        assert_eq!(got.header("x-github-delivery"), "delivery-7");
    }
}
