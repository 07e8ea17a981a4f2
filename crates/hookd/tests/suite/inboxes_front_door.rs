//! The public `/in/{id}` URL before verification: 404 for anything but a live inbox (unknown,
//! malformed, deleted, inactive, expired), 413 over `max_body_bytes`, 429 with `Retry-After`
//! over `rate_limit` with nothing stored; and what an accepted request is answered (the
//! inbox's `response`, by POST or PUT).

use crate::common;

use common::TestServer;
use common::inbox::{
    create_inbox, events_of_type, history, id_of, now_millis, now_secs, open_inbox, send, to_inbox,
};
use common::senders::Sender;
use reqwest::{Method, StatusCode};
use serde_json::json;
use std::time::{Duration, Instant};

/// The status of a small signed-or-not JSON POST to `/in/{path_id}`.
async fn post(server: &TestServer, path_id: &str, n: usize) -> StatusCode {
    send(
        server,
        path_id,
        &[("x-n", n.to_string())],
        &format!(r#"{{"n": {n}}}"#),
    )
    .await
    .status
}

/// 404, the same problem each time, for: an id never made, ids that do not parse (another
/// prefix, no body, not an id at all, bytes that are not UTF-8), a deleted inbox, an inactive
/// one (until it is made active again), and one past its `expires_at` (set in the database:
/// the API sets it for playground inboxes only). A validly signed request to an inactive inbox
/// is 404 too: the lookup comes first.
#[tokio::test]
async fn only_a_live_inbox_answers() {
    crate::require_backend!();
    let server = TestServer::start().await;
    let mut not_found = vec![
        "ibx_01M82NQJGDG5CQ7VXK2Z6PSTRA".to_owned(),
        "wh_01M82NQJGDG5CQ7VXK2Z6PSTRA".to_owned(),
        "ibx_".to_owned(),
        "nope".to_owned(),
        "ibx_%FF%FE".to_owned(),
        "ibx_01M82NQJGDG5CQ7VXK2Z6PSTRA%00".to_owned(),
    ];
    let deleted = open_inbox(&server, "door.deleted").await;
    assert_eq!(post(&server, &deleted, 0).await, StatusCode::OK);
    assert_eq!(
        server.delete(&format!("/api/inboxes/{deleted}")).await.0,
        StatusCode::NO_CONTENT
    );
    not_found.push(deleted);
    let mut codes = Vec::new();
    for id in &not_found {
        let answer = send(&server, id, &[("x", "y")], "{}").await;
        assert_eq!(
            answer.status,
            StatusCode::NOT_FOUND,
            "/in/{id}: {}",
            answer.text
        );
        assert_eq!(answer.header("content-type"), "application/problem+json");
        codes.push(answer.json()["code"].clone());
    }
    assert!(
        codes.iter().all(|c| *c == codes[0] && c.is_string()),
        "{codes:?}"
    );

    let sender = Sender::Github {
        secret: "inactive".into(),
    };
    let inactive = id_of(
        &create_inbox(
            &server,
            json!({"name": "inactive", "verify": sender.verify(), "event_type": "door.inactive"}),
        )
        .await,
    );
    let (status, patched) = server
        .patch(
            &format!("/api/inboxes/{inactive}"),
            json!({"active": false}),
        )
        .await;
    assert_eq!(
        (status, &patched["active"]),
        (StatusCode::OK, &json!(false))
    );
    let body = r#"{"n": 1}"#;
    let signed = sender.headers(body.as_bytes(), now_secs(), "d-1");
    assert_eq!(
        send(&server, &inactive, &signed, body).await.status,
        StatusCode::NOT_FOUND
    );
    assert!(history(&server, &inactive).await.is_empty(), "nothing kept");
    server
        .patch(&format!("/api/inboxes/{inactive}"), json!({"active": true}))
        .await;
    assert_eq!(
        send(&server, &inactive, &signed, body).await.status,
        StatusCode::OK
    );

    let expiring = open_inbox(&server, "door.expiring").await;
    assert_eq!(post(&server, &expiring, 0).await, StatusCode::OK);
    common::store_inbox_expiry(&server.data, &expiring, now_millis() - 1000).await;
    open_inbox(&server, "door.reload").await;
    assert_eq!(post(&server, &expiring, 1).await, StatusCode::NOT_FOUND);
}

/// A body over `max_body_bytes` is 413 and kept nowhere; one of exactly the limit is taken.
#[tokio::test]
async fn a_body_over_the_limit_is_413() {
    crate::require_backend!();
    let server = TestServer::start().await;
    let inbox = id_of(
        &create_inbox(
            &server,
            json!({"name": "small", "verify": {"scheme": "none"}, "event_type": "door.small",
                "max_body_bytes": 1024}),
        )
        .await,
    );
    let over = format!("\"{}\"", "x".repeat(1023));
    assert_eq!(over.len(), 1025);
    let answer = send(&server, &inbox, &[("x", "y")], &over).await;
    assert_eq!(
        answer.status,
        StatusCode::PAYLOAD_TOO_LARGE,
        "{}",
        answer.text
    );
    let exact = format!("\"{}\"", "x".repeat(1022));
    assert_eq!(
        send(&server, &inbox, &[("x", "y")], &exact).await.status,
        StatusCode::OK
    );
    let rows = history(&server, &inbox).await;
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0]["body_size"], 1024);
}

/// An inbox's own limit is the only one: a body of 10 MiB, the largest `max_body_bytes`
/// allows, is taken whole by an inbox set to it (no smaller limit of the server cuts it).
#[tokio::test]
async fn the_largest_body_limit_is_honoured() {
    crate::require_backend!();
    let server = TestServer::start().await;
    let largest = 10 * 1024 * 1024;
    let inbox = id_of(
        &create_inbox(
            &server,
            json!({"name": "large", "verify": {"scheme": "none"}, "event_type": "door.large",
                "max_body_bytes": largest}),
        )
        .await,
    );
    let body = vec![b'z'; largest];
    let answer = to_inbox(&server, &inbox, body)
        .header("content-type", "application/octet-stream")
        .send()
        .await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.text);
    assert_eq!(history(&server, &inbox).await[0]["body_size"], largest);
    let over = to_inbox(&server, &inbox, vec![b'z'; largest + 1])
        .send()
        .await;
    assert_eq!(over.status, StatusCode::PAYLOAD_TOO_LARGE);
}

/// Over `rate_limit` requests per second the inbox answers 429 with a `Retry-After` of whole
/// seconds, stores nothing for them (history and events hold only the admitted), admits no
/// more than the rate allows, admits again once `Retry-After` has passed, and limits no other
/// inbox.
#[tokio::test]
async fn over_the_rate_limit_is_429_and_nothing_is_stored() {
    crate::require_backend!();
    let server = TestServer::start().await;
    let limited = id_of(
        &create_inbox(
            &server,
            json!({"name": "limited", "verify": {"scheme": "none"}, "event_type": "door.limited",
                "rate_limit": 2}),
        )
        .await,
    );
    let other = open_inbox(&server, "door.unlimited").await;
    let started = Instant::now();
    let (mut admitted, mut retry_after) = (0, None);
    for n in 0..12 {
        let answer = send(
            &server,
            &limited,
            &[("x", "y")],
            &format!(r#"{{"n": {n}}}"#),
        )
        .await;
        match answer.status {
            StatusCode::OK => admitted += 1,
            StatusCode::TOO_MANY_REQUESTS => {
                let seconds: u64 = answer
                    .header("retry-after")
                    .parse()
                    .unwrap_or_else(|_| panic!("Retry-After {:?}", answer.header("retry-after")));
                assert!((1..=60).contains(&seconds), "Retry-After {seconds}");
                retry_after = Some(seconds);
            }
            other => panic!("request {n}: {other} {}", answer.text),
        }
    }
    let elapsed = started.elapsed().as_secs_f64();
    let retry_after = retry_after.expect("some requests were over the limit");
    assert!(admitted >= 1, "none admitted");
    let allowed = 2.0 * (elapsed + 1.0);
    assert!(
        f64::from(admitted) <= allowed.ceil(),
        "{admitted} admitted in {elapsed:.2}s at 2/s"
    );
    assert_eq!(
        post(&server, &other, 99).await,
        StatusCode::OK,
        "others unaffected"
    );
    assert_eq!(history(&server, &limited).await.len(), admitted as usize);
    assert_eq!(
        events_of_type(&server, "door.limited").await.len(),
        admitted as usize
    );
    // The rule under test is the wait the answer asked for.
    tokio::time::sleep(Duration::from_secs(retry_after)).await;
    assert_eq!(post(&server, &limited, 100).await, StatusCode::OK);
}

/// An accepted request gets the inbox's `response` (status, content type and body as set),
/// by POST and by PUT (a duplicate: 200 and that body); by default 200 with
/// `{"id": "req_..."}` naming the stored request, whose query string is kept.
/// `receive_url` is the public base URL and `/in/{id}`.
#[tokio::test]
async fn the_inbox_answers_its_response() {
    crate::require_backend!();
    let server = TestServer::start_with(&[("public_url", "https://hooks.example.com")]).await;
    let default = open_inbox(&server, "door.default").await;
    let answer = send(&server, &default, &[("x", "y")], r#"{"a": 1}"#).await;
    assert_eq!(answer.status, StatusCode::OK);
    let id = id_of(&answer.json());
    assert!(id.starts_with("req_"), "{}", answer.text);
    assert_eq!(history(&server, &default).await[0]["id"], id.as_str());

    let created = create_inbox(
        &server,
        json!({"name": "custom", "verify": {"scheme": "none"}, "event_type": "door.custom",
            "response": {"status": 202, "content_type": "text/plain", "body": "thanks"}}),
    )
    .await;
    let custom = id_of(&created);
    assert_eq!(
        created["receive_url"],
        format!("https://hooks.example.com/in/{custom}")
    );
    for (n, method) in [Method::POST, Method::PUT].into_iter().enumerate() {
        let answer = to_inbox(&server, &custom, format!(r#"{{"n": {n}}}"#).into_bytes())
            .method(method.clone())
            .header("content-type", "application/json")
            .send()
            .await;
        assert_eq!(answer.status, StatusCode::ACCEPTED, "{method}");
        assert!(answer.header("content-type").starts_with("text/plain"));
        assert_eq!(answer.text, "thanks");
        assert!(
            answer.header("content-security-policy").contains("sandbox"),
            "the owner's body never runs as a page of hookd's origin"
        );
    }
    // A duplicate answers 200 whatever the inbox's own status, with its body.
    let again = to_inbox(&server, &custom, br#"{"n": 0}"#.to_vec())
        .header("content-type", "application/json")
        .send()
        .await;
    assert_eq!(
        (again.status, again.text.as_str()),
        (StatusCode::OK, "thanks")
    );
    let rows = history(&server, &custom).await;
    let methods: Vec<&str> = rows.iter().map(|r| r["method"].as_str().unwrap()).collect();
    assert_eq!(methods, ["POST", "PUT", "POST"]);
    assert!(rows[0]["duplicate_of"].is_string());
    assert_eq!(events_of_type(&server, "door.custom").await.len(), 2);
    // The query string is kept as sent.
    let queried = to_inbox(&server, &default, b"{}".to_vec())
        .query("source=crm&attempt=2")
        .send()
        .await;
    assert_eq!(queried.status, StatusCode::OK);
    assert_eq!(
        history(&server, &default).await[0]["query"],
        "source=crm&attempt=2"
    );
}
