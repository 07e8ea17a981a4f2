//! Prometheus counts what inboxes did: `hookd_inbox_requests_total` by inbox and outcome. The
//! recorder is process-wide, so each check reads only the series of its own inboxes.

use crate::common;

use common::TestServer;
use common::inbox::{create_inbox, history, id_of, send, to_inbox};
use reqwest::StatusCode;
use serde_json::json;
use std::collections::BTreeMap;

/// The value of each `hookd_inbox_requests_total` series of `inbox`, by outcome.
fn by_outcome(text: &str, inbox: &str) -> BTreeMap<String, u64> {
    let label = format!("inbox=\"{inbox}\"");
    text.lines()
        .filter(|l| l.starts_with("hookd_inbox_requests_total{") && l.contains(&label))
        .filter_map(|l| {
            let outcome = l.split("outcome=\"").nth(1)?.split('"').next()?.to_owned();
            let value = l.rsplit(' ').next()?.parse::<f64>().ok()? as u64;
            Some((outcome, value))
        })
        .collect()
}

/// Each request to `/in/` is counted once, under its inbox and its outcome: `accepted`,
/// `duplicate`, `unverified`, `too_large`, `refused_ip` (source not allowed) and
/// `rate_limited`; the accepted ones are exactly the new verified requests of the history.
#[tokio::test]
async fn inbox_requests_are_counted_by_outcome() {
    crate::require_backend!();
    let server = TestServer::start().await;
    let open = id_of(
        &create_inbox(
            &server,
            json!({"name": "open", "verify": {"scheme": "token", "secret": "t0k",
                "header": "X-Token"}, "event_type": "m.open", "max_body_bytes": 100}),
        )
        .await,
    );
    let closed = id_of(
        &create_inbox(
            &server,
            json!({"name": "closed", "verify": {"scheme": "none"}, "event_type": "m.closed",
                "allowed_ips": ["203.0.113.0/24"]}),
        )
        .await,
    );
    let limited = id_of(
        &create_inbox(
            &server,
            json!({"name": "limited", "verify": {"scheme": "none"}, "event_type": "m.limited",
                "rate_limit": 1}),
        )
        .await,
    );
    let token = [("X-Token", "t0k")];
    let statuses = [
        send(&server, &open, &token, r#"{"n": 1}"#).await.status,
        send(&server, &open, &token, r#"{"n": 1}"#).await.status,
        send(&server, &open, &token, r#"{"n": 2}"#).await.status,
        send(&server, &open, &[("X-Token", "nope")], r#"{"n": 3}"#)
            .await
            .status,
        to_inbox(&server, &open, vec![b' '; 101])
            .send()
            .await
            .status,
        send(&server, &closed, &token, "{}").await.status,
    ];
    assert_eq!(
        statuses.map(|s| s.as_u16()),
        [200, 200, 200, 401, 413, 403],
        "the requests answered as planned"
    );
    // At one a second, requests in a row are soon refused; count those admitted first.
    let (mut admitted, mut refused) = (0, false);
    for n in 0..20 {
        match send(&server, &limited, &token, &format!(r#"{{"r": {n}}}"#))
            .await
            .status
        {
            StatusCode::OK => admitted += 1,
            StatusCode::TOO_MANY_REQUESTS => {
                refused = true;
                break;
            }
            other => panic!("{other}"),
        }
    }
    assert!(refused, "the rate limit refused nothing");
    let text = reqwest::get(server.url("/metrics"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let expected = [
        (
            &open,
            vec![
                ("accepted", 2),
                ("duplicate", 1),
                ("too_large", 1),
                ("unverified", 1),
            ],
        ),
        (&closed, vec![("refused_ip", 1)]),
        (&limited, vec![("accepted", admitted), ("rate_limited", 1)]),
    ];
    for (inbox, outcomes) in expected {
        let counted = by_outcome(&text, inbox);
        let outcomes: BTreeMap<String, u64> = outcomes
            .into_iter()
            .map(|(o, n)| (o.to_owned(), n))
            .collect();
        assert_eq!(counted, outcomes, "{inbox}");
        let new_and_verified = history(&server, inbox)
            .await
            .iter()
            .filter(|r| r["verified"] == true && r["duplicate_of"].is_null())
            .count() as u64;
        assert_eq!(
            outcomes.get("accepted").copied().unwrap_or(0),
            new_and_verified
        );
    }
}
