//! Lists page newest first with cursors and filters; statistics and metrics add up; a
//! webhook's `max_in_flight` and `rate_limit` hold.

use crate::common;

use common::{Receiver, Reply, TestServer, eventually};
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

const WAIT: Duration = Duration::from_secs(15);

fn ids(page: &Value) -> Vec<String> {
    page["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|item| item["id"].as_str().unwrap().to_owned())
        .collect()
}

/// Pages of `limit` items, newest first, chained by `next_cursor` until it is null, cover every
/// item exactly once; filters narrow the list.
#[tokio::test]
async fn lists_page_newest_first_and_filter() {
    crate::require_backend!();
    let server = TestServer::start().await;
    let mut published = Vec::new();
    for n in 0..5 {
        let kind = if n % 2 == 0 {
            "order.created"
        } else {
            "user.created"
        };
        published.push(
            server
                .publish(json!({"type": kind, "data": {"n": n}}))
                .await["id"]
                .as_str()
                .unwrap()
                .to_owned(),
        );
    }
    let mut seen = Vec::new();
    let mut path = "/api/events?limit=2".to_owned();
    loop {
        let (status, page) = server.get(&path).await;
        assert_eq!(status, StatusCode::OK);
        assert!(page["data"].as_array().unwrap().len() <= 2);
        seen.extend(ids(&page));
        match page["next_cursor"].as_str() {
            Some(cursor) => path = format!("/api/events?limit=2&cursor={cursor}"),
            None => break,
        }
    }
    published.reverse();
    assert_eq!(seen, published, "newest first, each once");

    let (_, orders) = server.get("/api/events?type=order.created").await;
    assert_eq!(ids(&orders).len(), 3);
    let (_, none) = server.get("/api/events?tenant=acme").await;
    assert!(ids(&none).is_empty());
    let (_, future) = server.get("/api/events?since=2999-01-01T00:00:00Z").await;
    assert!(ids(&future).is_empty());
    let (_, past) = server.get("/api/events?since=2000-01-01T00:00:00Z").await;
    assert_eq!(ids(&past).len(), 5);

    let receiver = Receiver::start().await;
    let first = server.webhook_to(&receiver.url, &["order.*"]).await;
    let second = server.webhook_to(&receiver.url, &["user.created"]).await;
    server
        .post(
            &format!("/api/webhooks/{}/disable", second["id"].as_str().unwrap()),
            json!({}),
        )
        .await;
    let (_, by_event) = server.get("/api/webhooks?event=order.paid").await;
    assert_eq!(ids(&by_event), vec![first["id"].as_str().unwrap()]);
    let (_, inactive) = server.get("/api/webhooks?active=false").await;
    assert_eq!(ids(&inactive), vec![second["id"].as_str().unwrap()]);
    let (_, page) = server.get("/api/webhooks?limit=1").await;
    assert_eq!(
        ids(&page),
        vec![second["id"].as_str().unwrap()],
        "newest first"
    );
    let cursor = page["next_cursor"].as_str().unwrap();
    let (_, rest) = server
        .get(&format!("/api/webhooks?limit=1&cursor={cursor}"))
        .await;
    assert_eq!(
        (ids(&rest), rest["next_cursor"].clone()),
        (vec![first["id"].as_str().unwrap().to_owned()], Value::Null)
    );
}

/// A webhook's log filters by status, event and time.
#[tokio::test]
async fn logs_filter_by_status_event_and_time() {
    crate::require_backend!();
    let server = TestServer::start().await;
    let receiver = Receiver::start().await;
    receiver.script([Reply::status(500)]);
    let webhook = server
        .create_webhook(
            json!({"url": receiver.url, "events": ["*"], "retry_schedule": [], "ping": false}),
        )
        .await;
    let id = webhook["id"].as_str().unwrap();
    let failed = server
        .publish(json!({"type": "order.created", "data": {}}))
        .await;
    receiver.wait_for(1, WAIT).await;
    server
        .publish(json!({"type": "user.created", "data": {}}))
        .await;
    eventually("two logged attempts", WAIT, || async {
        (server.logs(id).await.len() == 2).then_some(())
    })
    .await;
    let (_, only_failed) = server
        .get(&format!("/api/webhooks/{id}/logs?status=failed"))
        .await;
    assert_eq!(only_failed["data"].as_array().unwrap().len(), 1);
    assert_eq!(only_failed["data"][0]["event_id"], failed["id"]);
    let (_, users) = server
        .get(&format!("/api/webhooks/{id}/logs?event=user.created"))
        .await;
    assert_eq!(users["data"][0]["event_type"], "user.created");
    assert_eq!(users["data"].as_array().unwrap().len(), 1);
    let (_, by_id) = server
        .get(&format!(
            "/api/webhooks/{id}/logs?event_id={}",
            failed["id"].as_str().unwrap()
        ))
        .await;
    assert_eq!(by_id["data"].as_array().unwrap().len(), 1);
    let (_, later) = server
        .get(&format!(
            "/api/webhooks/{id}/logs?since=2999-01-01T00:00:00Z"
        ))
        .await;
    assert!(later["data"].as_array().unwrap().is_empty());
    let (_, earlier) = server
        .get(&format!(
            "/api/webhooks/{id}/logs?until=2000-01-01T00:00:00Z"
        ))
        .await;
    assert!(earlier["data"].as_array().unwrap().is_empty());
}

/// Stats and metrics count what happened: attempts by outcome, a success rate, latency
/// percentiles, and a time series whose buckets add up to the totals.
#[tokio::test]
async fn stats_and_metrics_add_up() {
    crate::require_backend!();
    let server = TestServer::start().await;
    let receiver = Receiver::start().await;
    receiver.script([Reply::status(500)]);
    let webhook = server
        .create_webhook(
            json!({"url": receiver.url, "events": ["*"], "retry_schedule": [], "ping": false}),
        )
        .await;
    let id = webhook["id"].as_str().unwrap();
    for _ in 0..4 {
        server.publish(json!({"type": "a.b", "data": {}})).await;
    }
    receiver.wait_for(4, WAIT).await;
    let stats = eventually("four recorded attempts", WAIT, || async {
        let (_, stats) = server
            .get(&format!("/api/webhooks/{id}/stats?window=1h"))
            .await;
        (stats["attempts"] == 4).then_some(stats)
    })
    .await;
    assert_eq!(
        (stats["succeeded"].as_u64(), stats["failed"].as_u64()),
        (Some(3), Some(1))
    );
    assert_eq!(stats["attempt_success_rate"], 0.75);
    let latency = &stats["latency_ms"];
    let (min, max) = (
        latency["min"].as_f64().unwrap(),
        latency["max"].as_f64().unwrap(),
    );
    for q in ["p50", "p95", "p99"] {
        let p = latency[q].as_f64().unwrap();
        assert!(
            p >= min && p <= max,
            "{q} {p} outside [{min}, {max}]: {latency}"
        );
    }
    assert!(latency["p99"].as_f64().unwrap() >= latency["p50"].as_f64().unwrap());
    let buckets = stats["buckets"].as_array().unwrap();
    assert_eq!(buckets.len(), 60);
    let total: u64 = buckets
        .iter()
        .map(|b| b["succeeded"].as_u64().unwrap() + b["failed"].as_u64().unwrap())
        .sum();
    assert_eq!(total, 4);
    let (_, default_window) = server.get(&format!("/api/webhooks/{id}/stats")).await;
    assert_eq!(
        (
            default_window["window"].as_str(),
            default_window["bucket_seconds"].as_u64()
        ),
        (Some("24h"), Some(1440))
    );

    let (_, metrics) = server.get("/api/webhooks/metrics").await;
    assert_eq!(metrics["total"], 4);
    assert_eq!(
        (
            metrics["delivered"].as_u64(),
            metrics["failed"].as_u64(),
            metrics["pending"].as_u64()
        ),
        (Some(3), Some(1), Some(0))
    );
    assert_eq!(metrics["delivery_success_rate"], 0.75);
    assert!(metrics["average_latency_ms"].is_number());
}

/// The two rates count different things, under different names: a delivery that failed once
/// and then succeeded is one successful delivery (`delivery_success_rate` 1) of two attempts
/// (`attempt_success_rate` 0.5).
#[tokio::test]
async fn delivery_and_attempt_success_rates_are_told_apart() {
    crate::require_backend!();
    let server = TestServer::start().await;
    let receiver = Receiver::start().await;
    receiver.script([Reply::status(503)]);
    let webhook = server
        .create_webhook(
            json!({"url": receiver.url, "events": ["*"], "ping": false, "retry_schedule": ["1s"]}),
        )
        .await;
    let id = webhook["id"].as_str().unwrap();
    server.publish(json!({"type": "a.b", "data": {}})).await;
    let metrics = eventually("the delivery succeeds", WAIT, || async {
        let (_, metrics) = server.get("/api/webhooks/metrics").await;
        (metrics["delivered"] == 1).then_some(metrics)
    })
    .await;
    assert_eq!(metrics["delivery_success_rate"], 1.0);
    assert!(metrics.get("success_rate").is_none(), "{metrics}");
    let (_, stats) = server
        .get(&format!("/api/webhooks/{id}/stats?window=1h"))
        .await;
    assert_eq!(stats["attempt_success_rate"], 0.5);
    assert!(stats.get("success_rate").is_none(), "{stats}");
}

/// A receiver never sees more concurrent requests from one webhook than its `max_in_flight`.
#[tokio::test]
async fn max_in_flight_bounds_concurrent_requests() {
    crate::require_backend!();
    let server = TestServer::start().await;
    let in_flight = Arc::new(AtomicUsize::new(0));
    let peak = Arc::new(AtomicUsize::new(0));
    let app = {
        let (in_flight, peak) = (in_flight.clone(), peak.clone());
        axum::Router::new().fallback(move || {
            let (in_flight, peak) = (in_flight.clone(), peak.clone());
            async move {
                let now = in_flight.fetch_add(1, Ordering::SeqCst) + 1;
                peak.fetch_max(now, Ordering::SeqCst);
                tokio::time::sleep(Duration::from_millis(30)).await;
                in_flight.fetch_sub(1, Ordering::SeqCst);
                "ok"
            }
        })
    };
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    server
        .create_webhook(json!({"url": url, "events": ["*"], "max_in_flight": 3, "ping": false}))
        .await;
    let events: Vec<Value> = (0..40)
        .map(|n| json!({"type": "a.b", "data": {"n": n}}))
        .collect();
    let (_, accepted) = server
        .post("/api/events/batch", json!({"events": events}))
        .await;
    let last = accepted["data"][39]["id"].as_str().unwrap().to_owned();
    eventually("every delivery to finish", WAIT, || async {
        let (_, metrics) = server.get("/api/webhooks/metrics").await;
        (metrics["delivered"] == 40).then_some(())
    })
    .await;
    assert_eq!(
        peak.load(Ordering::SeqCst),
        3,
        "three at a time, never more (last event {last})"
    );
}

/// A webhook's `rate_limit` spaces its deliveries: a burst of one second's worth, then the rate.
#[tokio::test]
async fn rate_limit_spaces_deliveries() {
    crate::require_backend!();
    let server = TestServer::start().await;
    let receiver = Receiver::start().await;
    server
        .create_webhook(
            json!({"url": receiver.url, "events": ["*"], "rate_limit": 5, "ping": false}),
        )
        .await;
    let start = Instant::now();
    let events: Vec<Value> = (0..15)
        .map(|n| json!({"type": "a.b", "data": {"n": n}}))
        .collect();
    server
        .post("/api/events/batch", json!({"events": events}))
        .await;
    let received = receiver.wait_for(15, WAIT).await;
    let last = received.last().unwrap().at - start;
    assert!(
        last >= Duration::from_millis(1900),
        "15 at 5/s after a burst of 5 take at least 2 s, took {last:?}"
    );
}

/// The admin token made on first start works, is kept only as a hash, and still works after a
/// restart (when nothing new is printed).
#[tokio::test]
async fn a_generated_admin_token_survives_restarts() {
    crate::require_backend!();
    let server = TestServer::start_with(&[("admin_token", "")]).await;
    let token = server
        .generated_admin_token
        .clone()
        .expect("a token is made on first start");
    assert_eq!(
        server
            .call(Some(&token), reqwest::Method::GET, "/api/webhooks", None)
            .await
            .0,
        StatusCode::OK
    );
    let data = server.stop().await;
    assert!(
        !common::stored_text(&data).await.contains(&token),
        "the token itself is not stored"
    );
    let server = TestServer::start_in(data, &[("admin_token", "")]).await;
    assert!(
        server.generated_admin_token.is_none(),
        "made and shown once only"
    );
    assert_eq!(
        server
            .call(Some(&token), reqwest::Method::GET, "/api/webhooks", None)
            .await
            .0,
        StatusCode::OK
    );
}
