//! Outbound requests are bounded: per webhook, per tenant and per node, tests included, so a
//! tenant pointing many webhooks at receivers that never answer can't exhaust hookd's
//! connections; deliveries over a limit wait, none is lost.

use crate::common;

use common::{Receiver, TestServer, eventually};
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;
use tokio::io::AsyncReadExt;

const WAIT: Duration = Duration::from_secs(10);

/// A receiver that accepts connections and never answers, counting how many are open at once.
struct Hanging {
    url: String,
    open: Arc<AtomicUsize>,
    peak: Arc<AtomicUsize>,
}

impl Hanging {
    async fn start() -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/hook", listener.local_addr().unwrap());
        let open = Arc::new(AtomicUsize::new(0));
        let peak = Arc::new(AtomicUsize::new(0));
        let (counter, highest) = (open.clone(), peak.clone());
        tokio::spawn(async move {
            while let Ok((mut stream, _)) = listener.accept().await {
                let now = counter.fetch_add(1, Ordering::SeqCst) + 1;
                highest.fetch_max(now, Ordering::SeqCst);
                let counter = counter.clone();
                tokio::spawn(async move {
                    let mut sink = [0u8; 4096];
                    while matches!(stream.read(&mut sink).await, Ok(n) if n > 0) {}
                    counter.fetch_sub(1, Ordering::SeqCst);
                });
            }
        });
        Self { url, open, peak }
    }

    fn open(&self) -> usize {
        self.open.load(Ordering::SeqCst)
    }

    fn peak(&self) -> usize {
        self.peak.load(Ordering::SeqCst)
    }
}

/// Registers `count` webhooks of `tenant` to `url` that take 100 requests at once each.
async fn greedy_webhooks(server: &TestServer, tenant: &str, url: &str, count: usize) {
    for _ in 0..count {
        let (status, created) = server
            .post(
                "/api/webhooks",
                json!({"url": url, "events": ["*"], "tenant": tenant, "ping": false,
                       "max_in_flight": 100, "timeout_ms": 5000, "retry_schedule": ["1h"]}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{created}");
    }
}

async fn publish_many(server: &TestServer, tenant: &str, count: usize) {
    let events: Vec<Value> = (0..count)
        .map(|n| json!({"type": "load.test", "data": {"n": n}, "tenant": tenant}))
        .collect();
    let (status, body) = server
        .post("/api/events/batch", json!({"events": events}))
        .await;
    assert_eq!(status, StatusCode::ACCEPTED, "{body}");
}

/// A tenant whose receivers never answer holds at most its share of outbound requests,
/// however many webhooks and `max_in_flight` it has; another tenant's deliveries go on.
#[tokio::test]
async fn a_tenant_takes_at_most_its_share_of_outbound_requests() {
    crate::require_backend!();
    let server =
        TestServer::start_with(&[("max_outbound", "12"), ("max_outbound_per_tenant", "6")]).await;
    let hanging = Hanging::start().await;
    greedy_webhooks(&server, "greedy", &hanging.url, 5).await;
    publish_many(&server, "greedy", 20).await;
    eventually("the greedy tenant's share in use", WAIT, || async {
        (hanging.open() == 6).then_some(())
    })
    .await;

    let receiver = Receiver::start().await;
    server
        .post(
            "/api/webhooks",
            json!({"url": receiver.url, "events": ["*"], "tenant": "modest", "ping": false}),
        )
        .await;
    server
        .post(
            "/api/events",
            json!({"type": "order.created", "data": {}, "tenant": "modest"}),
        )
        .await;
    receiver.wait_for(1, WAIT).await;
    assert_eq!(hanging.peak(), 6, "never more than the tenant's share");
    let (_, metrics) = server.get("/api/webhooks/metrics").await;
    assert_eq!(
        metrics["pending"], 100,
        "the held-back deliveries wait: {metrics}"
    );
}

/// Across tenants, the node never has more than `max_outbound` requests open.
#[tokio::test]
async fn the_node_never_exceeds_max_outbound() {
    crate::require_backend!();
    let server =
        TestServer::start_with(&[("max_outbound", "8"), ("max_outbound_per_tenant", "6")]).await;
    let hanging = Hanging::start().await;
    for tenant in ["one", "two"] {
        greedy_webhooks(&server, tenant, &hanging.url, 3).await;
        publish_many(&server, tenant, 10).await;
    }
    eventually("every slot in use", WAIT, || async {
        (hanging.open() == 8).then_some(())
    })
    .await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(hanging.peak(), 8);
    let text = reqwest::get(server.url("/metrics"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        text.contains("hookd_outbound_waits_total{limit=\"node\"}"),
        "the wait is counted"
    );
}

/// A webhook's own limits apply to tests: with `max_in_flight: 1` and `rate_limit: 1`,
/// parallel tests reach the receiver one at a time, and those held back get 429 with
/// `Retry-After`.
#[tokio::test]
async fn tests_respect_the_webhooks_limits() {
    crate::require_backend!();
    let server = TestServer::start().await;
    let receiver = Receiver::start().await;
    receiver.always(common::Reply::status(200).after(Duration::from_secs(3)));
    let (_, webhook) = server
        .post(
            "/api/webhooks",
            json!({"url": receiver.url, "events": ["*"], "ping": false,
                   "max_in_flight": 1, "rate_limit": 1}),
        )
        .await;
    let id = webhook["id"].as_str().unwrap().to_owned();
    let client = reqwest::Client::new();
    let calls = (0..20).map(|_| {
        let (client, url) = (
            client.clone(),
            server.url(&format!("/api/webhooks/{id}/test")),
        );
        tokio::spawn(async move {
            client
                .post(url)
                .bearer_auth(common::ADMIN_TOKEN)
                .send()
                .await
                .unwrap()
        })
    });
    let mut sent = 0;
    for call in calls.collect::<Vec<_>>() {
        let answer = call.await.unwrap();
        match answer.status() {
            StatusCode::OK => sent += 1,
            StatusCode::TOO_MANY_REQUESTS => {
                assert!(answer.headers().contains_key("retry-after"));
                let problem: Value = answer.json().await.unwrap();
                assert_eq!(problem["code"], "rate_limited");
            }
            other => panic!("unexpected {other}"),
        }
    }
    assert_eq!(sent, 1, "one request at once, one per second");
    assert_eq!(receiver.count(), 1);
}

/// A tenant may have at most `max_webhooks_per_tenant` webhooks, each asking for at most
/// `max_in_flight_per_webhook`.
#[tokio::test]
async fn a_tenant_has_a_bounded_number_of_webhooks() {
    crate::require_backend!();
    let server = TestServer::start_with(&[
        ("max_webhooks_per_tenant", "2"),
        ("max_in_flight_per_webhook", "20"),
    ])
    .await;
    let receiver = Receiver::start().await;
    let register = |tenant: &str, max_in_flight: u32| {
        json!({"url": receiver.url, "events": ["*"], "ping": false, "tenant": tenant,
               "max_in_flight": max_in_flight})
    };
    let (status, problem) = server.post("/api/webhooks", register("acme", 21)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(problem["errors"][0]["field"], "max_in_flight");
    for _ in 0..2 {
        assert_eq!(
            server.post("/api/webhooks", register("acme", 20)).await.0,
            StatusCode::CREATED
        );
    }
    let (status, problem) = server.post("/api/webhooks", register("acme", 1)).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(problem["code"], "webhook_limit_reached");
    assert_eq!(
        server.post("/api/webhooks", register("other", 1)).await.0,
        StatusCode::CREATED,
        "another tenant is not affected"
    );
}

/// The limit holds when registrations arrive at once: twenty concurrent creates in a tenant
/// allowed three make exactly three webhooks, and the rest are 409.
#[tokio::test]
async fn concurrent_creates_do_not_pass_the_webhook_limit() {
    crate::require_backend!();
    let server =
        std::sync::Arc::new(TestServer::start_with(&[("max_webhooks_per_tenant", "3")]).await);
    let receiver = Receiver::start().await;
    let barrier = std::sync::Arc::new(tokio::sync::Barrier::new(20));
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..20 {
        let (server, barrier, url) = (server.clone(), barrier.clone(), receiver.url.clone());
        tasks.spawn(async move {
            barrier.wait().await;
            let body = json!({"url": url, "events": ["*"], "ping": false});
            server.post("/api/webhooks", body).await.0.as_u16()
        });
    }
    let mut statuses = tasks.join_all().await;
    statuses.sort();
    let mut expected = vec![201; 3];
    expected.extend([409; 17]);
    assert_eq!(statuses, expected);
    let (_, listed) = server.get("/api/webhooks").await;
    assert_eq!(listed["data"].as_array().unwrap().len(), 3);
}
