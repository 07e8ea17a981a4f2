//! Inbox verification, sender by sender: every scheme an inbox supports gets a request signed
//! as its provider signs it (accepted, and an event), and the ways a forgery or a replay looks
//! (a tampered body, another secret, a stale or future timestamp, no signature at all), each
//! refused with 401, kept in the history as unverified with its reason, and never an event.

use crate::common;

use common::TestServer;
use common::inbox::{
    create_inbox, event, events_of_type, history, history_where, id_of, now_secs, send,
    stored_request,
};
use common::senders::{Sender, every_sender};
use reqwest::StatusCode;
use serde_json::{Value, json};

/// A body as a sender writes it, deliberately not in serde_json's own spelling (spaces, an
/// escaped character, `1.0`), so that verifying anything but the raw bytes would fail.
fn body_for(name: &str, n: u32) -> String {
    format!(
        "{{ \"id\" : \"evt_{name}_{n}\",\n  \"type\": \"test.sent\", \"caf\\u00e9\": 1.0, \"n\": {n} }}"
    )
}

/// One request of the table and the answer it must get.
struct Try {
    what: &'static str,
    headers: Vec<(String, String)>,
    body: String,
    accepted: bool,
}

/// The requests every scheme is tried with: one genuine, then the forgeries.
fn tries(name: &str, sender: &Sender) -> Vec<Try> {
    let now = now_secs();
    let genuine = body_for(name, 1);
    let mut tries = vec![Try {
        what: "genuine",
        headers: sender.headers(genuine.as_bytes(), now, &format!("msg_{name}_1")),
        body: genuine,
        accepted: true,
    }];
    if sender.signs_body() {
        let signed = body_for(name, 2);
        tries.push(Try {
            what: "tampered body",
            headers: sender.headers(signed.as_bytes(), now, &format!("msg_{name}_2")),
            body: signed.replace("\"n\": 2", "\"n\": 200"),
            accepted: false,
        });
    }
    let body = body_for(name, 3);
    tries.push(Try {
        what: "another secret",
        headers: sender
            .impostor()
            .headers(body.as_bytes(), now, &format!("msg_{name}_3")),
        body,
        accepted: false,
    });
    let body = body_for(name, 4);
    let mut headers = sender.headers(body.as_bytes(), now, &format!("msg_{name}_4"));
    headers.retain(|(n, _)| !n.eq_ignore_ascii_case(sender.signature_header()));
    tries.push(Try {
        what: "no signature header",
        headers,
        body,
        accepted: false,
    });
    if sender.signs_timestamp() {
        for (what, at, n) in [
            ("timestamp 10 minutes old", now - 600, 5),
            ("timestamp 10 minutes ahead", now + 600, 6),
        ] {
            let body = body_for(name, n);
            tries.push(Try {
                what,
                headers: sender.headers(body.as_bytes(), at, &format!("msg_{name}_{n}")),
                body,
                accepted: false,
            });
        }
    }
    tries
}

/// Every scheme × {genuine → 200 and an event whose `data` is the parsed body; tampered body
/// (schemes that sign it: not token or Basic), another secret, no signature header, a
/// timestamp outside the tolerance both ways (schemes that sign one) → 401}.
/// Each refused request is in the history with `verified: false`, a `verify_error` and no
/// event; the genuine one is `verified: true` with its `event_id`, and the inbox's events are
/// exactly that one.
#[tokio::test]
async fn every_scheme_accepts_its_sender_and_refuses_forgeries() {
    crate::require_backend!();
    let server = TestServer::start().await;
    let mut wrong = Vec::new();
    for (name, sender) in every_sender() {
        let event_type = format!("scheme.{name}");
        let created = create_inbox(
            &server,
            json!({"name": name, "verify": sender.verify(), "event_type": event_type}),
        )
        .await;
        let inbox = id_of(&created);
        let tries = tries(name, &sender);
        let mut genuine_id = None;
        for attempt in &tries {
            let answer = send(&server, &inbox, &attempt.headers, &attempt.body).await;
            let expected = if attempt.accepted {
                StatusCode::OK
            } else {
                StatusCode::UNAUTHORIZED
            };
            if answer.status != expected {
                wrong.push(format!(
                    "{name}, {}: {} {} (expected {expected})",
                    attempt.what, answer.status, answer.text
                ));
            }
            if attempt.accepted {
                genuine_id = answer.json()["id"].as_str().map(str::to_owned);
            }
        }
        let stored = history(&server, &inbox).await;
        if stored.len() != tries.len() {
            wrong.push(format!(
                "{name}: {} requests kept of {} sent",
                stored.len(),
                tries.len()
            ));
            continue;
        }
        // Newest first: the genuine request was sent first.
        for (row, attempt) in stored.iter().rev().zip(&tries) {
            let as_expected = if attempt.accepted {
                row["verified"] == true
                    && row["verify_error"].is_null()
                    && row["event_id"].is_string()
                    && row["id"].as_str() == genuine_id.as_deref()
            } else {
                row["verified"] == false
                    && row["verify_error"].as_str().is_some_and(|e| !e.is_empty())
                    && row["event_id"].is_null()
                    && row["duplicate_of"].is_null()
            };
            if !as_expected {
                wrong.push(format!("{name}, {}: kept as {row}", attempt.what));
            }
        }
        let events = events_of_type(&server, &event_type).await;
        let genuine_row = stored.last().unwrap();
        if events.len() != 1 || events[0]["id"] != genuine_row["event_id"] {
            wrong.push(format!(
                "{name}: events {events:?}, genuine request {genuine_row}"
            ));
            continue;
        }
        let published = event(&server, genuine_row["event_id"].as_str().unwrap()).await;
        let parsed: Value = serde_json::from_str(&tries[0].body).unwrap();
        if published["data"] != parsed || published["type"] != event_type.as_str() {
            wrong.push(format!("{name}: the event is {published}"));
        }
    }
    assert!(
        wrong.is_empty(),
        "{} wrong:\n  {}",
        wrong.len(),
        wrong.join("\n  ")
    );
}

/// Verification is on the raw bytes: the stored request's `body` is byte for byte what was
/// sent (spacing, escapes and number spelling kept), and its headers are kept.
#[tokio::test]
async fn the_body_is_kept_exactly_as_received() {
    crate::require_backend!();
    let server = TestServer::start().await;
    let sender = Sender::Github {
        secret: "raw-bytes".into(),
    };
    let inbox = id_of(
        &create_inbox(
            &server,
            json!({"name": "raw", "verify": sender.verify(), "event_type": "raw.body"}),
        )
        .await,
    );
    let body = body_for("raw", 1);
    let headers = sender.headers(body.as_bytes(), now_secs(), "delivery-1");
    let answer = send(&server, &inbox, &headers, &body).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.text);
    let id = id_of(&answer.json());
    assert!(id.starts_with("req_"), "{id}");
    let stored = stored_request(&server, &id).await;
    assert_eq!(stored["body"].as_str(), Some(body.as_str()), "{stored}");
    assert_eq!(stored["body_size"], body.len());
    assert_eq!(stored["method"], "POST");
    assert_eq!(stored["path"], format!("/in/{inbox}"));
    assert_eq!(stored["verified"], true);
    let kept = stored["headers"].to_string().to_lowercase();
    assert!(
        kept.contains("x-github-delivery") && kept.contains("delivery-1"),
        "{stored}"
    );
}

/// An inbox's `tolerance` replaces the default five minutes: a Stripe inbox with `1h` accepts
/// a timestamp 10 minutes old and refuses one 2 hours old; one with `30s` refuses one a
/// minute old.
#[tokio::test]
async fn the_tolerance_is_the_inboxs_own() {
    crate::require_backend!();
    let server = TestServer::start().await;
    let sender = Sender::Stripe {
        secret: "whsec_tolerance".into(),
    };
    let mut verify = sender.verify();
    verify["tolerance"] = json!("1h");
    let lenient = id_of(
        &create_inbox(
            &server,
            json!({"name": "lenient", "verify": verify, "event_type": "stripe.lenient"}),
        )
        .await,
    );
    verify["tolerance"] = json!("30s");
    let strict = id_of(
        &create_inbox(
            &server,
            json!({"name": "strict", "verify": verify, "event_type": "stripe.strict"}),
        )
        .await,
    );
    let now = now_secs();
    for (inbox, age, expected) in [
        (&lenient, 600, StatusCode::OK),
        (&lenient, 7200, StatusCode::UNAUTHORIZED),
        (&strict, 60, StatusCode::UNAUTHORIZED),
        (&strict, 0, StatusCode::OK),
    ] {
        let body = format!(r#"{{"id": "evt_{inbox}_{age}", "type": "x"}}"#);
        let headers = sender.headers(body.as_bytes(), now - age, "");
        let answer = send(&server, inbox, &headers, &body).await;
        assert_eq!(
            answer.status, expected,
            "{inbox} at {age}s old: {}",
            answer.text
        );
    }
}

/// A Standard Webhooks sender rotating its secret sends two signatures; the inbox accepts the
/// request when any of them is made with its secret, and a header of only unknown versions is
/// refused.
#[tokio::test]
async fn any_offered_signature_may_match() {
    crate::require_backend!();
    let server = TestServer::start().await;
    let sender = Sender::StandardV1 {
        secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw".into(),
    };
    let inbox = id_of(
        &create_inbox(
            &server,
            json!({"name": "rotating", "verify": sender.verify(), "event_type": "std.rotating"}),
        )
        .await,
    );
    let body = r#"{"rotated": true}"#;
    let now = now_secs();
    let mine = sender.headers(body.as_bytes(), now, "msg_rotation");
    let theirs = sender
        .impostor()
        .headers(body.as_bytes(), now, "msg_rotation");
    let both = format!("{} {}", theirs[2].1, mine[2].1);
    let headers = [
        ("webhook-id", "msg_rotation"),
        ("webhook-timestamp", mine[1].1.as_str()),
        ("webhook-signature", both.as_str()),
    ];
    assert_eq!(
        send(&server, &inbox, &headers, body).await.status,
        StatusCode::OK
    );
    let unknown = mine[2].1.replacen("v1,", "v9,", 1);
    let headers = [
        ("webhook-id", "msg_unknown_version"),
        ("webhook-timestamp", mine[1].1.as_str()),
        ("webhook-signature", unknown.as_str()),
    ];
    assert_eq!(
        send(&server, &inbox, &headers, body).await.status,
        StatusCode::UNAUTHORIZED
    );
}

/// The history filters by outcome: `verified=false` lists only the refused requests,
/// `verified=true` only the accepted ones.
#[tokio::test]
async fn the_history_filters_by_verification() {
    crate::require_backend!();
    let server = TestServer::start().await;
    let sender = Sender::Shopify {
        secret: "filters".into(),
    };
    let inbox = id_of(
        &create_inbox(
            &server,
            json!({"name": "filters", "verify": sender.verify(), "event_type": "shop.order"}),
        )
        .await,
    );
    for n in 0..3 {
        let body = format!(r#"{{"n": {n}}}"#);
        let headers = sender.headers(body.as_bytes(), 0, &format!("shop-{n}"));
        assert_eq!(
            send(&server, &inbox, &headers, &body).await.status,
            StatusCode::OK
        );
    }
    for n in 3..5 {
        let body = format!(r#"{{"n": {n}}}"#);
        let headers = sender
            .impostor()
            .headers(body.as_bytes(), 0, &format!("shop-{n}"));
        assert_eq!(
            send(&server, &inbox, &headers, &body).await.status,
            StatusCode::UNAUTHORIZED
        );
    }
    let refused = history_where(&server, &inbox, "verified=false").await;
    let accepted = history_where(&server, &inbox, "verified=true").await;
    assert_eq!((refused.len(), accepted.len()), (2, 3));
    assert!(refused.iter().all(|r| r["verified"] == false));
    assert!(accepted.iter().all(|r| r["verified"] == true));
    assert_eq!(events_of_type(&server, "shop.order").await.len(), 3);
}
