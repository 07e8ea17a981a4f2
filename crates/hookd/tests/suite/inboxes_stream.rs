//! An inbox's Server-Sent Events stream: one `request` event per stored request (verified or
//! not, duplicates too) as it arrives, `id:` the request id, the data the same JSON as
//! `GET /api/inbox-requests/{id}`; and `Last-Event-ID` resuming exactly after the last one
//! seen, so a client that was away gets what it missed, in order, nothing twice.

use crate::common;

use common::TestServer;
use common::inbox::{SseEvent, Stream, create_inbox, id_of, send, stored_request};
use reqwest::StatusCode;
use serde_json::json;
use std::time::Duration;

const WAIT: Duration = Duration::from_secs(10);

/// The request ids the events name, checking each event is a `request` whose `id:` is its
/// data's id.
fn ids(events: &[SseEvent]) -> Vec<String> {
    events
        .iter()
        .map(|e| {
            assert_eq!(e.event.as_deref(), Some("request"), "{e:?}");
            let id = e.id.clone().expect("an id: line");
            assert_eq!(e.json()["id"], id.as_str(), "{e:?}");
            id
        })
        .collect()
}

/// Live, then away, then back: three requests are read as they arrive (the data equal to the
/// stored request, body included); with the stream closed, three more arrive (one unverified,
/// one a duplicate); reopened with `Last-Event-ID` of the last one read, the stream gives
/// exactly those three, oldest first, then the next live one, and nothing else.
#[tokio::test]
async fn a_stream_resumes_after_the_last_event_id_without_gap_or_repeat() {
    crate::require_backend!();
    let server = TestServer::start().await;
    let inbox = id_of(
        &create_inbox(
            &server,
            json!({"name": "stream", "verify": {"scheme": "token", "secret": "s3cret-t0ken",
                "header": "X-Token"}, "event_type": "stream.request"}),
        )
        .await,
    );
    let token = [("X-Token", "s3cret-t0ken")];
    let mut stream = Stream::open(&server, &inbox, None).await;
    let mut sent = Vec::new();
    for n in 0..3 {
        let answer = send(&server, &inbox, &token, &format!(r#"{{"n": {n}}}"#)).await;
        assert_eq!(answer.status, StatusCode::OK);
        sent.push(id_of(&answer.json()));
    }
    let live = stream.next_n(3, WAIT).await;
    assert_eq!(ids(&live), sent);
    let stored = stored_request(&server, &sent[0]).await;
    assert_eq!(
        live[0].json(),
        stored,
        "the same JSON as GET /api/inbox-requests/{{id}}"
    );
    assert_eq!(live[0].json()["body"], r#"{"n": 0}"#);
    drop(stream);

    let mut missed = Vec::new();
    for (headers, body, expected) in [
        (&token[..], r#"{"n": 3}"#, StatusCode::OK),
        (
            &[("X-Token", "wrong")][..],
            r#"{"n": 4}"#,
            StatusCode::UNAUTHORIZED,
        ),
        (&token[..], r#"{"n": 3}"#, StatusCode::OK),
    ] {
        let answer = send(&server, &inbox, headers, body).await;
        assert_eq!(answer.status, expected, "{}", answer.text);
    }
    let history = common::inbox::history(&server, &inbox).await;
    assert_eq!(history.len(), 6);
    for row in history[..3].iter().rev() {
        missed.push(id_of(row));
    }

    let mut stream = Stream::open(&server, &inbox, Some(&sent[2])).await;
    let resumed = stream.next_n(3, WAIT).await;
    assert_eq!(
        ids(&resumed),
        missed,
        "exactly the missed ones, oldest first"
    );
    assert_eq!(resumed[1].json()["verified"], false);
    assert_eq!(resumed[2].json()["duplicate_of"], missed[0].as_str());
    let answer = send(&server, &inbox, &token, r#"{"n": 5}"#).await;
    let next = stream.next_n(1, WAIT).await;
    assert_eq!(ids(&next), [id_of(&answer.json())]);
    assert_eq!(
        stream.next_within(Duration::from_millis(500)).await,
        None,
        "nothing repeated"
    );
}

/// Twenty requests arriving at once while a client follows the stream: it receives each of
/// them exactly once; reconnecting after the last one it read gives nothing old, only what
/// comes next.
#[tokio::test]
async fn a_burst_reaches_the_stream_once_each() {
    crate::require_backend!();
    let server = TestServer::start().await;
    let inbox = common::inbox::open_inbox(&server, "stream.burst").await;
    let mut stream = Stream::open(&server, &inbox, None).await;
    let mut tasks = tokio::task::JoinSet::new();
    for n in 0..20 {
        let request = common::inbox::to_inbox(&server, &inbox, format!(r#"{{"n": {n}}}"#))
            .header("content-type", "application/json");
        tasks.spawn(request.send());
    }
    let mut sent: Vec<String> = tasks
        .join_all()
        .await
        .iter()
        .map(|a| {
            assert_eq!(a.status, StatusCode::OK, "{}", a.text);
            id_of(&a.json())
        })
        .collect();
    let events = stream.next_n(20, WAIT).await;
    let mut got = ids(&events);
    let last = got.last().unwrap().clone();
    got.sort();
    got.dedup();
    sent.sort();
    assert_eq!(got, sent, "each request once");
    assert_eq!(stream.next_within(Duration::from_millis(500)).await, None);
    drop(stream);

    let mut stream = Stream::open(&server, &inbox, Some(&last)).await;
    let answer = send(&server, &inbox, &[("x", "y")], r#"{"after": true}"#).await;
    let next = stream.next_n(1, WAIT).await;
    assert_eq!(
        ids(&next),
        [id_of(&answer.json())],
        "nothing old after the last id read"
    );
}

/// A client away for a long time gets everything it missed, in order, however many: 250
/// requests stored one after another while it was away come back oldest first, each once,
/// when it resumes (more than one page of the stream's reads).
#[tokio::test]
async fn a_long_absence_is_made_up_in_order() {
    crate::require_backend!();
    let server = TestServer::start().await;
    let inbox = common::inbox::open_inbox(&server, "stream.absence").await;
    let first = send(&server, &inbox, &[("x", "y")], r#"{"n": -1}"#).await;
    let last_seen = id_of(&first.json());
    let mut missed = Vec::new();
    for n in 0..250 {
        let answer = send(&server, &inbox, &[("x", "y")], &format!(r#"{{"n": {n}}}"#)).await;
        assert_eq!(answer.status, StatusCode::OK);
        missed.push(id_of(&answer.json()));
    }
    let mut stream = Stream::open(&server, &inbox, Some(&last_seen)).await;
    let events = stream.next_n(250, Duration::from_secs(30)).await;
    assert_eq!(ids(&events), missed);
    assert_eq!(stream.next_within(Duration::from_millis(500)).await, None);
}
