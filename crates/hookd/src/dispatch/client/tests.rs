//! Tests for the outbound client against tiny HTTP/1.1 servers on 127.0.0.1,
//! and for the registration-time destination check.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;

use super::*;
use crate::dispatch::ssrf::AddressKind;

/// A test server: answers every request on every connection with `response`
/// (or never answers if it is None), counting connections and keeping the
/// request heads it saw.
struct Server {
    addr: SocketAddr,
    connections: Arc<AtomicUsize>,
    heads: Arc<Mutex<Vec<String>>>,
}

impl Server {
    async fn start(response: Option<Vec<u8>>) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().expect("local addr");
        let connections = Arc::new(AtomicUsize::new(0));
        let heads = Arc::new(Mutex::new(Vec::new()));
        let response: Option<Arc<[u8]>> = response.map(Into::into);
        let (count, seen) = (Arc::clone(&connections), Arc::clone(&heads));
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                count.fetch_add(1, Ordering::SeqCst);
                tokio::spawn(answer(stream, response.clone(), Arc::clone(&seen)));
            }
        });
        Self {
            addr,
            connections,
            heads,
        }
    }

    fn url(&self, host: &str) -> Uri {
        format!("http://{host}:{}/hook", self.addr.port())
            .parse()
            .expect("url")
    }

    fn connections(&self) -> usize {
        self.connections.load(Ordering::SeqCst)
    }
}

async fn answer(
    stream: tokio::net::TcpStream,
    response: Option<Arc<[u8]>>,
    heads: Arc<Mutex<Vec<String>>>,
) {
    let mut reader = BufReader::new(stream);
    loop {
        let mut head = String::new();
        let mut content_length = 0;
        loop {
            let mut line = String::new();
            if reader.read_line(&mut line).await.unwrap_or(0) == 0 {
                return;
            }
            if let Some(value) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                content_length = value.trim().parse().expect("content-length");
            }
            if line == "\r\n" {
                break;
            }
            head.push_str(&line);
        }
        let mut body = vec![0; content_length];
        if reader.read_exact(&mut body).await.is_err() {
            return;
        }
        heads.lock().expect("heads").push(head);
        match &response {
            Some(response) => {
                if reader.get_mut().write_all(response).await.is_err() {
                    return;
                }
            }
            None => std::future::pending().await,
        }
    }
}

fn reply(status: &str, extra_headers: &str, body: &str) -> Option<Vec<u8>> {
    Some(
        format!(
            "HTTP/1.1 {status}\r\n{extra_headers}content-length: {}\r\n\r\n{body}",
            body.len()
        )
        .into_bytes(),
    )
}

fn loopback_allowed() -> AddressPolicy {
    AddressPolicy::new(vec!["127.0.0.0/8".parse().expect("net")])
}

fn client(policy: AddressPolicy) -> OutboundClient {
    OutboundClient::new(policy, "hookd-test/1", 64, 4)
}

async fn post(client: &OutboundClient, url: &Uri) -> Result<OutboundResponse, OutboundError> {
    let mut headers = HeaderMap::new();
    headers.insert("content-type", HeaderValue::from_static("application/json"));
    client
        .post(OutboundRequest {
            url,
            headers,
            body: Bytes::from_static(b"{\"event\":\"ping\"}"),
            timeout: Duration::from_secs(5),
        })
        .await
}

/// A 200 with a body is read: status, body prefix, and the request as sent.
#[tokio::test]
async fn reads_status_and_body() {
    let server = Server::start(reply("200 OK", "", "thanks")).await;
    let response = post(&client(loopback_allowed()), &server.url("127.0.0.1"))
        .await
        .expect("response");
    assert_eq!(response.status, 200);
    assert_eq!(response.body_prefix, "thanks");
    assert_eq!(response.retry_after, None);
    let head = server.heads.lock().expect("heads")[0].to_ascii_lowercase();
    assert!(head.starts_with("post /hook http/1.1\r\n"), "{head}");
    assert!(head.contains("user-agent: hookd-test/1\r\n"), "{head}");
    assert!(
        head.contains("content-type: application/json\r\n"),
        "{head}"
    );
}

/// A body longer than 4096 bytes is cut to its first 4096.
#[tokio::test]
async fn long_body_is_cut_to_prefix() {
    let body = "x".repeat(10_000);
    let server = Server::start(reply("200 OK", "", &body)).await;
    let response = post(&client(loopback_allowed()), &server.url("127.0.0.1"))
        .await
        .expect("response");
    assert_eq!(response.body_prefix, body[..4096]);
}

/// A character split by the 4096-byte cut is dropped, not turned into garbage.
#[test]
fn prefix_cut_inside_a_character_is_trimmed() {
    let mut bytes = vec![b'a'; 4095];
    bytes.push(0xc3); // first byte of "é"
    assert_eq!(lossy_prefix(bytes, true), "a".repeat(4095));
    assert_eq!(lossy_prefix(vec![b'a', 0xff, b'b'], false), "a\u{fffd}b");
}

/// A redirect is returned as its status and not followed.
#[tokio::test]
async fn redirect_is_not_followed() {
    let target = Server::start(reply("200 OK", "", "followed")).await;
    let location = format!("location: {}\r\n", target.url("127.0.0.1"));
    let server = Server::start(reply("302 Found", &location, "")).await;
    let response = post(&client(loopback_allowed()), &server.url("127.0.0.1"))
        .await
        .expect("response");
    assert_eq!(response.status, 302);
    assert_eq!(target.connections(), 0);
}

/// `Retry-After: 7` on a 503 becomes a seven-second delay.
#[tokio::test]
async fn retry_after_is_parsed() {
    let server = Server::start(reply("503 Service Unavailable", "retry-after: 7\r\n", "")).await;
    let response = post(&client(loopback_allowed()), &server.url("127.0.0.1"))
        .await
        .expect("response");
    assert_eq!(response.status, 503);
    assert_eq!(response.retry_after, Some(Duration::from_secs(7)));
}

/// A server that never answers runs into the timeout.
#[tokio::test]
async fn silent_server_times_out() {
    let server = Server::start(None).await;
    let url = server.url("127.0.0.1");
    let error = client(loopback_allowed())
        .post(OutboundRequest {
            url: &url,
            headers: HeaderMap::new(),
            body: Bytes::new(),
            timeout: Duration::from_millis(200),
        })
        .await
        .expect_err("no answer");
    assert!(matches!(error, OutboundError::Timeout(200)), "{error:?}");
    assert_eq!(error.to_string(), "timed out after 200 ms");
}

/// A closed port is a connection failure naming the reason.
#[tokio::test]
async fn closed_port_is_connect_error() {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let port = listener.local_addr().expect("addr").port();
    drop(listener);
    let url: Uri = format!("http://127.0.0.1:{port}/").parse().expect("url");
    let error = post(&client(loopback_allowed()), &url)
        .await
        .expect_err("closed");
    let OutboundError::Connect(message) = &error else {
        panic!("expected Connect, got {error:?}");
    };
    assert_eq!(message, &format!("connection refused (127.0.0.1:{port})"));
}

/// Without 127.0.0.0/8 allowed, a loopback literal is refused before connecting.
#[tokio::test]
async fn forbidden_literal_is_refused_without_connecting() {
    let server = Server::start(reply("200 OK", "", "")).await;
    let error = post(&client(AddressPolicy::default()), &server.url("127.0.0.1"))
        .await
        .expect_err("refused");
    let OutboundError::Forbidden(forbidden) = &error else {
        panic!("expected Forbidden, got {error:?}");
    };
    assert_eq!(forbidden.kind, AddressKind::Loopback);
    assert_eq!(
        error.to_string(),
        "refused: 127.0.0.1 is a loopback address and not in HOOKD_ALLOWED_NETWORKS"
    );
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert_eq!(server.connections(), 0);
}

/// A name that resolves to loopback is refused like the literal.
#[tokio::test]
async fn forbidden_name_is_refused_without_connecting() {
    let server = Server::start(reply("200 OK", "", "")).await;
    let error = post(&client(AddressPolicy::default()), &server.url("localhost"))
        .await
        .expect_err("refused");
    let OutboundError::Forbidden(forbidden) = &error else {
        panic!("expected Forbidden, got {error:?}");
    };
    assert_eq!(forbidden.kind, AddressKind::Loopback);
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert_eq!(server.connections(), 0);
}

/// A name that resolves to an allowed address is connected to.
#[tokio::test]
async fn allowed_name_is_connected() {
    let server = Server::start(reply("204 No Content", "", "")).await;
    let response = post(&client(loopback_allowed()), &server.url("localhost"))
        .await
        .expect("response");
    assert_eq!(response.status, 204);
}

/// Sequential posts to one host reuse one pooled connection.
#[tokio::test]
async fn connections_are_reused() {
    let server = Server::start(reply("200 OK", "", "ok")).await;
    let client = client(loopback_allowed());
    let url = server.url("127.0.0.1");
    for _ in 0..3 {
        assert_eq!(post(&client, &url).await.expect("response").status, 200);
        // The connection returns to the pool from a background task.
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(server.connections(), 1);
}

/// A URL that is not absolute http(s) is a request error, not a panic.
#[tokio::test]
async fn relative_or_foreign_url_is_rejected() {
    let client = client(loopback_allowed());
    for url in ["/hook", "ftp://127.0.0.1/hook"] {
        let url: Uri = url.parse().expect("url");
        let error = post(&client, &url).await.expect_err("rejected");
        assert!(matches!(error, OutboundError::Request(_)), "{error:?}");
    }
}

/// At registration, the metadata address is refused as a literal.
#[tokio::test]
async fn check_destination_refuses_metadata_literal() {
    let url: Uri = "http://169.254.169.254/latest/meta-data"
        .parse()
        .expect("url");
    let error = check_destination(&AddressPolicy::default(), &url, Duration::from_secs(2))
        .await
        .expect_err("refused");
    assert!(
        matches!(&error, Refusal::Address(f) if f.kind == AddressKind::CloudMetadata),
        "{error:?}"
    );
}

/// At registration, a name resolving to loopback is refused.
#[tokio::test]
async fn check_destination_refuses_localhost() {
    let url: Uri = "https://localhost/hook".parse().expect("url");
    let error = check_destination(&AddressPolicy::default(), &url, Duration::from_secs(2))
        .await
        .expect_err("refused");
    assert!(
        matches!(&error, Refusal::Address(f) if f.kind == AddressKind::Loopback),
        "{error:?}"
    );
}

/// At registration, a bracketed IPv6 literal is checked too.
#[tokio::test]
async fn check_destination_refuses_ipv6_literal() {
    let url: Uri = "http://[::ffff:127.0.0.1]:8080/".parse().expect("url");
    let error = check_destination(&AddressPolicy::default(), &url, Duration::from_secs(2))
        .await
        .expect_err("refused");
    assert!(
        matches!(&error, Refusal::Address(f) if f.kind == AddressKind::Loopback),
        "{error:?}"
    );
}

/// At registration, a name that does not resolve is let through.
#[tokio::test]
async fn check_destination_passes_unresolvable_name() {
    let url: Uri = "https://no-such-host.invalid/hook".parse().expect("url");
    let result = check_destination(&AddressPolicy::default(), &url, Duration::from_secs(2)).await;
    assert_eq!(result, Ok(()));
}

/// At registration, a cloud metadata host name is refused by name, even where it does not
/// resolve (as here) and whatever networks are allowed.
#[tokio::test]
async fn check_destination_refuses_metadata_names() {
    let policy = AddressPolicy::new(vec!["0.0.0.0/0".parse().expect("net")]);
    for url in [
        "http://metadata.google.internal/computeMetadata/v1/",
        "http://metadata/",
        "https://Metadata.Goog./x",
        "http://instance-data/latest/meta-data/",
    ] {
        let url: Uri = url.parse().expect("url");
        let error = check_destination(&policy, &url, Duration::from_secs(2))
            .await
            .expect_err("refused");
        assert!(matches!(error, Refusal::Name(_)), "{url}: {error:?}");
    }
}

/// At delivery, a cloud metadata host name is refused before any lookup or connection.
#[tokio::test]
async fn metadata_names_are_refused_at_delivery() {
    let client = client(AddressPolicy::new(vec!["0.0.0.0/0".parse().expect("net")]));
    let url: Uri = "http://metadata.google.internal/computeMetadata/v1/"
        .parse()
        .expect("url");
    let error = post(&client, &url).await.expect_err("refused");
    assert!(
        matches!(&error, OutboundError::ForbiddenName(f) if f.host == "metadata.google.internal"),
        "{error:?}"
    );
    assert_eq!(
        error.to_string(),
        "refused: metadata.google.internal is the host name of a cloud metadata service"
    );
}

/// A server that writes `bytes` to each connection as soon as it is accepted,
/// then closes it.
async fn blurting_server(bytes: &'static [u8]) -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("local addr");
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            let _ = stream.write_all(bytes).await;
            let _ = stream.shutdown().await;
        }
    });
    addr
}

/// https to a server that does not speak TLS fails in the TLS handshake.
#[tokio::test]
async fn https_to_plain_server_is_tls_error() {
    let addr = blurting_server(b"HTTP/1.1 400 Bad Request\r\n\r\n").await;
    let url: Uri = format!("https://localhost:{}/", addr.port())
        .parse()
        .expect("url");
    let error = post(&client(loopback_allowed()), &url)
        .await
        .expect_err("tls");
    let OutboundError::Tls(message) = &error else {
        panic!("expected Tls, got {error:?}");
    };
    assert!(message.contains("corrupt message"), "{message}");
}

/// A peer that hangs up during the handshake is a TLS failure too.
#[tokio::test]
async fn hangup_during_handshake_is_tls_error() {
    let addr = blurting_server(b"").await;
    let url: Uri = format!("https://localhost:{}/", addr.port())
        .parse()
        .expect("url");
    let error = post(&client(loopback_allowed()), &url)
        .await
        .expect_err("tls");
    assert_eq!(error.to_string(), "TLS handshake failed: tls handshake eof");
}

/// A server that closes without answering is a request failure.
#[tokio::test]
async fn hangup_before_response_is_request_error() {
    let addr = blurting_server(b"").await;
    let url: Uri = format!("http://127.0.0.1:{}/", addr.port())
        .parse()
        .expect("url");
    let error = post(&client(loopback_allowed()), &url)
        .await
        .expect_err("closed");
    assert!(matches!(error, OutboundError::Request(_)), "{error:?}");
}

/// A body up to 64 KiB is drained so the connection is reused; a longer one
/// closes it.
#[tokio::test]
async fn drain_limit_decides_reuse() {
    for (size, expected_connections) in [(20_000, 1), (100_000, 2)] {
        let server = Server::start(reply("200 OK", "", &"y".repeat(size))).await;
        let client = client(loopback_allowed());
        let url = server.url("127.0.0.1");
        for _ in 0..2 {
            let response = post(&client, &url).await.expect("response");
            assert_eq!(response.body_prefix.len(), 4096);
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        assert_eq!(server.connections(), expected_connections, "{size} bytes");
    }
}

/// The client never has more connections open than its budget: requests beyond it wait for
/// a connection to close, and fail by their own timeout if none does.
#[tokio::test]
async fn open_connections_stay_within_the_budget() {
    let server = Server::start(None).await;
    let client = OutboundClient::new(loopback_allowed(), "hookd-test/1", 2, 4);
    let url = server.url("127.0.0.1");
    let requests = (0..5).map(|_| {
        let (client, url) = (client.clone(), url.clone());
        tokio::spawn(async move {
            let mut headers = HeaderMap::new();
            headers.insert("content-type", HeaderValue::from_static("application/json"));
            client
                .post(OutboundRequest {
                    url: &url,
                    headers,
                    body: Bytes::from_static(b"{}"),
                    timeout: Duration::from_millis(500),
                })
                .await
        })
    });
    for request in requests.collect::<Vec<_>>() {
        assert!(matches!(
            request.await.unwrap(),
            Err(OutboundError::Timeout(_))
        ));
    }
    assert_eq!(server.connections(), 2);
}
