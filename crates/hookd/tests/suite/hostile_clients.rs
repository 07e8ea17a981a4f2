//! Clients that hold connections without finishing their requests: each is cut off after its
//! timeout, and holding many from one address does not keep anyone else out.

use crate::common;

use common::TestServer;
use reqwest::StatusCode;
use std::net::SocketAddr;
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpSocket, TcpStream};

/// A connection from `source` (any loopback address) to the server.
async fn connect_from(source: &str, server: &TestServer) -> TcpStream {
    let target: SocketAddr = server
        .base
        .trim_start_matches("http://")
        .parse()
        .expect("the test server listens on an address");
    let socket = TcpSocket::new_v4().unwrap();
    socket.bind(format!("{source}:0").parse().unwrap()).unwrap();
    socket.connect(target).await.expect("connects")
}

/// Reads until the server closes the connection, and returns what it sent; panics if it is
/// still open after `limit`.
async fn closed_within(stream: &mut TcpStream, limit: Duration) -> String {
    let mut received = Vec::new();
    let read = tokio::time::timeout(limit, stream.read_to_end(&mut received)).await;
    assert!(read.is_ok(), "still open after {limit:?}");
    String::from_utf8_lossy(&received).into_owned()
}

/// A silent connection, one that sends half a header, and one that sends half its body are
/// each closed once their timeout passes; the half body is answered 408 first.
#[tokio::test]
async fn slow_and_silent_connections_are_closed() {
    crate::require_backend!();
    let server =
        TestServer::start_with(&[("http_idle_timeout", "1s"), ("http_body_timeout", "2s")]).await;
    let started = Instant::now();
    let mut silent = connect_from("127.0.0.1", &server).await;
    let mut half_header = connect_from("127.0.0.1", &server).await;
    half_header
        .write_all(b"POST /api/events HTTP/1.1\r\nHost: hookd\r\nContent-Ty")
        .await
        .unwrap();
    let mut half_body = connect_from("127.0.0.1", &server).await;
    half_body
        .write_all(
            format!(
                "POST /api/events HTTP/1.1\r\nHost: hookd\r\nAuthorization: Bearer {}\r\n\
                 Content-Length: 100\r\n\r\n{{\"type\": \"a",
                common::ADMIN_TOKEN
            )
            .as_bytes(),
        )
        .await
        .unwrap();
    let limit = Duration::from_secs(10);
    closed_within(&mut silent, limit).await;
    closed_within(&mut half_header, limit).await;
    let answer = closed_within(&mut half_body, limit).await;
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(answer.contains("body_timeout"), "{answer}");
    assert!(started.elapsed() >= Duration::from_secs(1));
    let (status, _) = server.get("/api/webhooks").await;
    assert_eq!(status, StatusCode::OK);
}

/// One address holding connections gets at most `max_connections_per_ip` of them: the rest
/// are closed at once, and other clients are served as usual meanwhile.
#[tokio::test]
async fn one_address_cannot_hold_every_connection() {
    crate::require_backend!();
    let server = TestServer::start_with(&[
        ("max_connections", "64"),
        ("max_connections_per_ip", "16"),
        ("http_idle_timeout", "30s"),
    ])
    .await;
    let mut held = Vec::new();
    for _ in 0..100 {
        held.push(connect_from("127.0.0.2", &server).await);
    }
    let mut refused = 0;
    for stream in &mut held {
        let mut byte = [0u8; 1];
        if let Ok(Ok(0)) =
            tokio::time::timeout(Duration::from_millis(200), stream.read(&mut byte)).await
        {
            refused += 1;
        }
    }
    assert_eq!(
        refused,
        100 - 16,
        "all but 16 of one address's connections are closed"
    );
    let (status, _) = server.get("/api/webhooks").await;
    assert_eq!(
        status,
        StatusCode::OK,
        "another address is served meanwhile"
    );
}
