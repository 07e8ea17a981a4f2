//! Where an inbox request comes from: `allowed_ips` (IPv4 and IPv6 ranges) refuses other
//! sources with 403; the source is the connection's peer, unless that peer is a trusted proxy
//! (`trusted_proxies`), when the right-most `X-Forwarded-For` address that is not itself a
//! trusted proxy counts; a forwarded address from anyone else is ignored.

use crate::common;

use common::TestServer;
use common::inbox::{client_from, create_inbox, history, id_of, to_inbox};
use reqwest::StatusCode;
use serde_json::json;

/// An inbox that checks nothing, open to `allowed_ips`.
async fn inbox_for(server: &TestServer, allowed_ips: &[&str]) -> String {
    id_of(
        &create_inbox(
            server,
            json!({"name": "sources", "verify": {"scheme": "none"}, "event_type": "src.request",
                "allowed_ips": allowed_ips}),
        )
        .await,
    )
}

/// Sends a small JSON body from `from` with `forwarded` as X-Forwarded-For lines.
async fn status_of(
    server: &TestServer,
    inbox: &str,
    from: &str,
    forwarded: &[&str],
    n: usize,
) -> StatusCode {
    let mut request = to_inbox(server, inbox, format!(r#"{{"n": {n}}}"#).into_bytes())
        .header("content-type", "application/json")
        .via(&client_from(from));
    for line in forwarded {
        request = request.header("x-forwarded-for", line);
    }
    request.send().await.status
}

/// IPv4 ranges: an inbox open to 127.0.0.2/32 refuses 127.0.0.1 (403) and takes 127.0.0.2,
/// whose address the history shows; one open to 127.0.0.0/8 takes both; one with an empty list
/// takes anyone; one open only to public ranges (IPv4 and IPv6) refuses loopback. The checks
/// come in the contract's order: an unknown inbox is 404 and an oversized body 413 before
/// the source is looked at, which comes before the signature.
#[tokio::test]
async fn allowed_ips_admit_only_their_ranges() {
    crate::require_backend!();
    let server = TestServer::start().await;
    let only_two = inbox_for(&server, &["127.0.0.2/32"]).await;
    let loopback = inbox_for(&server, &["127.0.0.0/8"]).await;
    let anyone = inbox_for(&server, &[]).await;
    let public = inbox_for(&server, &["203.0.113.0/24", "2001:db8::/32"]).await;
    let cases = [
        (&only_two, "127.0.0.1", StatusCode::FORBIDDEN),
        (&only_two, "127.0.0.2", StatusCode::OK),
        (&loopback, "127.0.0.1", StatusCode::OK),
        (&loopback, "127.0.0.2", StatusCode::OK),
        (&anyone, "127.0.0.3", StatusCode::OK),
        (&public, "127.0.0.1", StatusCode::FORBIDDEN),
    ];
    for (n, (inbox, from, expected)) in cases.into_iter().enumerate() {
        assert_eq!(
            status_of(&server, inbox, from, &[], n).await,
            expected,
            "{inbox} from {from}"
        );
    }
    let rows = history(&server, &only_two).await;
    assert_eq!(rows.len(), 1, "only the admitted request is kept: {rows:?}");
    assert_eq!(rows[0]["source_ip"], "127.0.0.2");

    // Order: unknown inbox, then size, then source, then verification.
    let signed = id_of(
        &create_inbox(
            &server,
            json!({"name": "order", "verify": {"scheme": "github", "secret": "s"},
                "event_type": "src.order", "allowed_ips": ["203.0.113.0/24"],
                "max_body_bytes": 64}),
        )
        .await,
    );
    let big = vec![b'x'; 65];
    assert_eq!(
        to_inbox(&server, &signed, big).send().await.status,
        StatusCode::PAYLOAD_TOO_LARGE
    );
    assert_eq!(
        status_of(&server, &signed, "127.0.0.1", &[], 0).await,
        StatusCode::FORBIDDEN,
        "an unsigned request from outside the list is refused for its source"
    );
}

/// IPv6: on a server listening on ::1, an inbox open to ::1/128 takes a request from ::1 (its
/// history shows `::1`), one open to 2001:db8::/32 refuses it, and one open to 127.0.0.0/8
/// refuses it too (an IPv6 peer is not an IPv4 one).
#[tokio::test]
async fn allowed_ips_match_ipv6_peers() {
    crate::require_backend!();
    let server = TestServer::start_on("[::1]:0", &[]).await;
    let v6_loopback = inbox_for(&server, &["::1/128"]).await;
    let documentation = inbox_for(&server, &["2001:db8::/32"]).await;
    let v4_loopback = inbox_for(&server, &["127.0.0.0/8"]).await;
    for (n, (inbox, expected)) in [
        (&v6_loopback, StatusCode::OK),
        (&documentation, StatusCode::FORBIDDEN),
        (&v4_loopback, StatusCode::FORBIDDEN),
    ]
    .into_iter()
    .enumerate()
    {
        assert_eq!(
            status_of(&server, inbox, "::1", &[], n).await,
            expected,
            "{inbox}"
        );
    }
    assert_eq!(history(&server, &v6_loopback).await[0]["source_ip"], "::1");
}

/// Behind trusted proxies (127.0.0.1 and 10.0.0.0/8), the right-most X-Forwarded-For address
/// that is not a trusted proxy is the source: `198.51.100.7, 203.0.113.9` is 203.0.113.9
/// (admitted by 203.0.113.0/24, and shown in the history); `203.0.113.9, 198.51.100.7` is
/// 198.51.100.7 (refused: the left part is whatever the client wrote); `203.0.113.9, 10.1.2.3`
/// skips the trusted 10.1.2.3; two header lines count as one list in order. Without the header,
/// the proxy itself is the source.
#[tokio::test]
async fn a_trusted_proxy_forwards_the_clients_address() {
    crate::require_backend!();
    let server = TestServer::start_with(&[("trusted_proxies", "127.0.0.1/32,10.0.0.0/8")]).await;
    let documentation = inbox_for(&server, &["203.0.113.0/24"]).await;
    let proxy = inbox_for(&server, &["127.0.0.1/32"]).await;
    let cases: [(&[&str], &String, StatusCode); 6] = [
        (
            &["198.51.100.7, 203.0.113.9"],
            &documentation,
            StatusCode::OK,
        ),
        (
            &["203.0.113.9, 198.51.100.7"],
            &documentation,
            StatusCode::FORBIDDEN,
        ),
        (&["203.0.113.9, 10.1.2.3"], &documentation, StatusCode::OK),
        (
            &["203.0.113.9,10.1.2.3, 127.0.0.1"],
            &documentation,
            StatusCode::OK,
        ),
        (
            &["203.0.113.9", "198.51.100.7"],
            &documentation,
            StatusCode::FORBIDDEN,
        ),
        (&[], &proxy, StatusCode::OK),
    ];
    for (n, (forwarded, inbox, expected)) in cases.into_iter().enumerate() {
        assert_eq!(
            status_of(&server, inbox, "127.0.0.1", forwarded, n).await,
            expected,
            "X-Forwarded-For {forwarded:?}"
        );
    }
    let rows = history(&server, &documentation).await;
    assert_eq!(rows.len(), 3);
    assert!(
        rows.iter().all(|r| r["source_ip"] == "203.0.113.9"),
        "{rows:?}"
    );
    assert_eq!(history(&server, &proxy).await[0]["source_ip"], "127.0.0.1");
}

/// A peer that is not a trusted proxy cannot choose its address: its X-Forwarded-For is
/// ignored (127.0.0.2 claiming 203.0.113.9 is refused by 203.0.113.0/24, and admitted by
/// 127.0.0.2/32 with `source_ip` 127.0.0.2), and a server with no trusted proxies ignores the
/// header from everyone.
#[tokio::test]
async fn a_forwarded_address_from_an_untrusted_peer_is_ignored() {
    crate::require_backend!();
    for trusted in ["127.0.0.1/32", ""] {
        let server = TestServer::start_with(&[("trusted_proxies", trusted)]).await;
        let documentation = inbox_for(&server, &["203.0.113.0/24"]).await;
        let peer = inbox_for(&server, &["127.0.0.2/32"]).await;
        let spoofed = ["203.0.113.9"];
        assert_eq!(
            status_of(&server, &documentation, "127.0.0.2", &spoofed, 0).await,
            StatusCode::FORBIDDEN,
            "trusted: {trusted:?}"
        );
        assert_eq!(
            status_of(&server, &peer, "127.0.0.2", &spoofed, 1).await,
            StatusCode::OK
        );
        assert_eq!(history(&server, &peer).await[0]["source_ip"], "127.0.0.2");
        if trusted.is_empty() {
            assert_eq!(
                status_of(&server, &documentation, "127.0.0.1", &spoofed, 2).await,
                StatusCode::FORBIDDEN,
                "no trusted proxies: the header is ignored even from 127.0.0.1"
            );
        }
    }
}

/// On a dual-stack listener an IPv4 client's peer address is IPv4-mapped (`::ffff:127.0.0.1`);
/// it is still the IPv4 address for `allowed_ips` and in the history.
#[tokio::test]
async fn an_ipv4_mapped_peer_is_its_ipv4_address() {
    crate::require_backend!();
    let server = TestServer::start_on("[::]:0", &[]).await;
    let port = server.base.rsplit(':').next().unwrap().to_owned();
    let v4 = format!("http://127.0.0.1:{port}");
    let loopback = inbox_for(&server, &["127.0.0.0/8"]).await;
    let answer = to_inbox(&server, &loopback, br#"{"mapped": true}"#.to_vec())
        .at(&v4)
        .send()
        .await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.text);
    assert_eq!(
        history(&server, &loopback).await[0]["source_ip"],
        "127.0.0.1"
    );
}
