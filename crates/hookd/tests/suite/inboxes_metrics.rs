//! Prometheus counts what inboxes did: `hookd_inbox_requests_total` by outcome, checked on a
//! hookd process of its own (the counters are process-wide, so the other tests of this binary
//! would blur them).

use crate::common;

use common::process::HookdProcess;
use common::{ADMIN_TOKEN, Data};
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::collections::BTreeMap;

/// The value of each `hookd_inbox_requests_total{outcome="..."}` series, by outcome.
fn by_outcome(text: &str) -> BTreeMap<String, u64> {
    text.lines()
        .filter(|l| l.starts_with("hookd_inbox_requests_total{"))
        .filter_map(|l| {
            let outcome = l.split("outcome=\"").nth(1)?.split('"').next()?.to_owned();
            let value = l.rsplit(' ').next()?.parse::<f64>().ok()? as u64;
            Some((outcome, value))
        })
        .collect()
}

/// Each request to `/in/` is counted once under its outcome: accepted, duplicate,
/// unverified, forbidden (source), rate limited, too large, not found.
#[tokio::test]
async fn inbox_requests_are_counted_by_outcome() {
    crate::require_backend!();
    let data = Data::new().await;
    let log = data.dir.path().join("hookd.log");
    let url = data.database_url();
    let hookd = HookdProcess::start(&[("HOOKD_DATABASE_URL", url.as_str())], &log).await;
    let client = reqwest::Client::new();
    let create = |body: Value| {
        let request = client
            .post(format!("{}/api/inboxes", hookd.base))
            .bearer_auth(ADMIN_TOKEN)
            .json(&body);
        async move {
            let response = request.send().await.unwrap();
            assert_eq!(response.status(), StatusCode::CREATED);
            let created: Value = response.json().await.unwrap();
            created["id"].as_str().unwrap().to_owned()
        }
    };
    let open = create(
        json!({"name": "open", "verify": {"scheme": "token", "secret": "t0k",
        "header": "X-Token"}, "event_type": "m.open", "max_body_bytes": 100}),
    )
    .await;
    let limited = create(json!({"name": "limited", "verify": {"scheme": "none"},
        "event_type": "m.limited", "rate_limit": 1}))
    .await;
    let closed = create(json!({"name": "closed", "verify": {"scheme": "none"},
        "event_type": "m.closed", "allowed_ips": ["203.0.113.0/24"]}))
    .await;
    let post = |inbox: &str, token: &str, body: String| {
        client
            .post(format!("{}/in/{inbox}", hookd.base))
            .header("X-Token", token)
            .body(body)
            .send()
    };
    let statuses = [
        post(&open, "t0k", "{\"n\": 1}".into())
            .await
            .unwrap()
            .status(),
        post(&open, "t0k", "{\"n\": 1}".into())
            .await
            .unwrap()
            .status(),
        post(&open, "nope", "{\"n\": 2}".into())
            .await
            .unwrap()
            .status(),
        post(&open, "t0k", "x".repeat(101)).await.unwrap().status(),
        post(&closed, "", "{}".into()).await.unwrap().status(),
        post("ibx_01M82NQJGDG5CQ7VXK2Z6PSTRA", "", "{}".into())
            .await
            .unwrap()
            .status(),
    ];
    assert_eq!(
        statuses.map(|s| s.as_u16()),
        [200, 200, 401, 413, 403, 404],
        "the requests answered as planned"
    );
    // At one a second, requests in a row are soon refused; count those admitted first.
    let (mut limited_admitted, mut refused) = (0, false);
    for n in 0..20 {
        match post(&limited, "", format!("{{\"r\": {n}}}"))
            .await
            .unwrap()
            .status()
        {
            StatusCode::OK => limited_admitted += 1,
            StatusCode::TOO_MANY_REQUESTS => {
                refused = true;
                break;
            }
            other => panic!("{other}"),
        }
    }
    assert!(refused, "the rate limit refused nothing");
    let text = reqwest::get(format!("{}/metrics", hookd.base))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let counts = by_outcome(&text);
    for (outcome, expected) in [
        ("accepted", 1 + limited_admitted),
        ("duplicate", 1),
        ("unverified", 1),
        ("too_large", 1),
        ("forbidden", 1),
        ("not_found", 1),
        ("rate_limited", 1),
    ] {
        assert_eq!(
            counts.get(outcome).copied(),
            Some(expected),
            "{outcome} in {counts:?}"
        );
    }
}
