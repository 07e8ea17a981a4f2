//! What a hostile sender cannot do to an inbox: fill the disk with forged requests (the newest
//! 1000 unverified are kept, genuine ones all), or slip a body over the limit past it by not
//! declaring its length (a chunked body is cut off at the limit with 413).

use crate::common;

use common::TestServer;
use common::inbox::{create_inbox, events_of_type, history_where, id_of, send, to_inbox};
use reqwest::StatusCode;
use serde_json::json;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// How many unverified requests an inbox keeps (docs/api.md: the newest 1000 per inbox).
const UNVERIFIED_KEPT: usize = 1000;

/// 1010 forged requests (wrong token) are each answered 401, but only the newest 1000 are kept:
/// the first one sent is gone. The genuine requests around them are all kept, and each is an
/// event.
#[tokio::test]
async fn a_flood_of_forgeries_keeps_only_the_newest_unverified() {
    crate::require_backend!();
    let server = TestServer::start().await;
    let inbox = id_of(
        &create_inbox(
            &server,
            json!({"name": "flooded", "verify": {"scheme": "token", "secret": "real-token",
                "header": "X-Token"}, "event_type": "flood.genuine"}),
        )
        .await,
    );
    let genuine = [("X-Token", "real-token")];
    assert_eq!(
        send(&server, &inbox, &genuine, r#"{"g": 0}"#).await.status,
        StatusCode::OK
    );
    let first = send(&server, &inbox, &[("X-Token", "forged")], r#"{"f": -1}"#).await;
    assert_eq!(first.status, StatusCode::UNAUTHORIZED);
    let first_forged = history_where(&server, &inbox, "verified=false").await[0]["id"].clone();
    // Later ids: a new millisecond.
    tokio::time::sleep(Duration::from_millis(5)).await;
    let forged = UNVERIFIED_KEPT + 9;
    for batch in 0..forged.div_ceil(10) {
        let mut tasks = tokio::task::JoinSet::new();
        for n in batch * 10..((batch + 1) * 10).min(forged) {
            let request =
                to_inbox(&server, &inbox, format!(r#"{{"f": {n}}}"#)).header("X-Token", "forged");
            tasks.spawn(request.send());
        }
        for answer in tasks.join_all().await {
            assert_eq!(answer.status, StatusCode::UNAUTHORIZED, "{}", answer.text);
        }
    }
    assert_eq!(
        send(&server, &inbox, &genuine, r#"{"g": 1}"#).await.status,
        StatusCode::OK
    );
    let unverified = history_where(&server, &inbox, "verified=false").await;
    assert_eq!(unverified.len(), UNVERIFIED_KEPT);
    assert!(
        unverified.iter().all(|r| r["id"] != first_forged),
        "the oldest forgery was dropped"
    );
    assert_eq!(
        history_where(&server, &inbox, "verified=true").await.len(),
        2
    );
    assert_eq!(events_of_type(&server, "flood.genuine").await.len(), 2);
}

/// A body sent chunked, without a Content-Length, is cut off once it passes `max_body_bytes`:
/// 413, and nothing is kept.
#[tokio::test]
async fn a_chunked_body_over_the_limit_is_413() {
    crate::require_backend!();
    let server = TestServer::start().await;
    let inbox = id_of(
        &create_inbox(
            &server,
            json!({"name": "chunked", "verify": {"scheme": "none"}, "event_type": "flood.chunked",
                "max_body_bytes": 1024}),
        )
        .await,
    );
    let address = server.base.trim_start_matches("http://").to_owned();
    let mut stream = tokio::net::TcpStream::connect(&address).await.unwrap();
    let head = format!(
        "POST /in/{inbox} HTTP/1.1\r\nHost: {address}\r\nContent-Type: application/json\r\n\
         Transfer-Encoding: chunked\r\n\r\n"
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    // Up to 64 KiB in 512-byte chunks, stopping when the server has answered and closed.
    let chunk = format!("200\r\n{}\r\n", "x".repeat(512));
    for _ in 0..128 {
        if stream.write_all(chunk.as_bytes()).await.is_err() {
            break;
        }
    }
    let _ = stream.write_all(b"0\r\n\r\n").await;
    // The status line and headers (the connection may stay open after them).
    let mut answer = Vec::new();
    let mut buffer = [0u8; 4096];
    let read = async {
        while !answer.windows(4).any(|w| w == b"\r\n\r\n") {
            match stream.read(&mut buffer).await {
                Ok(0) | Err(_) => break,
                Ok(n) => answer.extend_from_slice(&buffer[..n]),
            }
        }
    };
    let _ = tokio::time::timeout(Duration::from_secs(10), read).await;
    let answer = String::from_utf8_lossy(&answer);
    assert!(
        answer.starts_with("HTTP/1.1 413"),
        "answered: {}",
        &answer[..answer.len().min(200)]
    );
    assert!(history_where(&server, &inbox, "").await.is_empty());
    assert!(events_of_type(&server, "flood.chunked").await.is_empty());
}
