//! The original payload: a webhook with `"payload": "original"` gets, for events that came
//! from an inbox, the request's own bytes, content type and signature headers (so the
//! provider's own check still passes), plus hookd's signatures over those bytes; never the
//! inbox's credentials, and hookd's headers where the names collide. Beside it, the same
//! event as hookd's body for a webhook with payload `event`.

use crate::common;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use common::inbox::{create_inbox, history, id_of, now_secs, stored_request, to_inbox};
use common::senders::Sender;
use common::{Received, Receiver, TestServer};
use hookd_verify::{DEFAULT_TOLERANCE_SECS, Request, Scheme};
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::time::Duration;

const WAIT: Duration = Duration::from_secs(10);

/// A received request's headers as `hookd_verify` reads them.
fn pairs(received: &Received) -> Vec<(String, String)> {
    received
        .headers
        .iter()
        .map(|(n, v)| {
            (
                n.as_str().to_owned(),
                v.to_str().unwrap_or_default().to_owned(),
            )
        })
        .collect()
}

/// Checks the provider's own signature on what a receiver got, as the provider's SDK would.
fn provider_verifies(scheme: &Scheme, secret: &str, received: &Received) -> Result<(), String> {
    let owned = pairs(received);
    let headers: Vec<(&str, &str)> = owned
        .iter()
        .map(|(n, v)| (n.as_str(), v.as_str()))
        .collect();
    let request = Request::new(&headers, &received.body);
    hookd_verify::verify(scheme, secret, &request, now_secs(), DEFAULT_TOLERANCE_SECS)
        .map_err(|e| e.to_string())
}

/// Checks hookd's own signatures (Standard Webhooks and the simple header) with the webhook's
/// secret over the bytes received.
fn hookd_signed(webhook_secret: &str, received: &Received) {
    hookd_verify::verify_standard(
        webhook_secret,
        received.header("webhook-id"),
        received.header("webhook-timestamp"),
        &received.body,
        received.header("webhook-signature"),
        now_secs(),
        DEFAULT_TOLERANCE_SECS,
    )
    .expect("hookd's webhook-signature verifies over the bytes received");
    hookd_verify::verify_hex(
        webhook_secret,
        &received.body,
        received.header("x-webhook-signature"),
    )
    .expect("hookd's x-webhook-signature verifies over the bytes received");
}

/// A Stripe request to an inbox typed `stripe.{json:type}` reaches two webhooks of that
/// event: with payload `event`, hookd's body (`data` is the parsed request, type
/// `stripe.charge.succeeded`, the request's `event_id`), signed by hookd; with payload
/// `original`, the very bytes with the original content type and `Stripe-Signature`, which
/// Stripe's check accepts with the Stripe secret, and hookd's signatures over the same bytes.
/// An event published through the API still reaches the `original` webhook as hookd's body.
#[tokio::test]
async fn a_stripe_request_reaches_webhooks_as_an_event_and_as_the_original() {
    crate::require_backend!();
    let server = TestServer::start().await;
    let (as_event, as_original) = (Receiver::start().await, Receiver::start().await);
    let event_hook = server
        .create_webhook(json!({"url": as_event.url, "events": ["stripe.*"], "ping": false}))
        .await;
    let original_hook = server
        .create_webhook(
            json!({"url": as_original.url, "events": ["stripe.*"], "ping": false,
            "payload": "original"}),
        )
        .await;
    assert_eq!(original_hook["payload"], "original");
    let stripe_secret = "whsec_e2e_stripe_secret";
    let stripe = Sender::Stripe {
        secret: stripe_secret.into(),
    };
    let inbox = id_of(
        &create_inbox(
            &server,
            json!({"name": "stripe", "verify": stripe.verify(), "event_type": "stripe.{json:type}"}),
        )
        .await,
    );
    let body = "{\n  \"id\": \"evt_1NG8Du2eZvKYlo2CUI79vXWy\",\n  \"object\": \"event\",\n  \
        \"type\": \"charge.succeeded\",\n  \"data\": {\"object\": {\"amount\": 2000, \"currency\": \"usd\"}}\n}";
    let headers = stripe.headers(body.as_bytes(), now_secs(), "");
    let answer = to_inbox(&server, &inbox, body.as_bytes().to_vec())
        .header("content-type", "application/json; charset=utf-8")
        .header(
            "user-agent",
            "Stripe/1.0 (+https://stripe.com/docs/webhooks)",
        )
        .headers(&headers)
        .send()
        .await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.text);
    let row = history(&server, &inbox).await.remove(0);
    let event_id = row["event_id"].as_str().expect("an event").to_owned();

    let got = as_event.wait_for(1, WAIT).await.remove(0);
    assert_eq!(got.header("x-webhook-event"), "stripe.charge.succeeded");
    assert_eq!(got.header("webhook-id"), event_id);
    assert_eq!(got.header("content-type"), "application/json");
    let delivered = got.json();
    assert_eq!(delivered["id"], event_id.as_str());
    assert_eq!(delivered["type"], "stripe.charge.succeeded");
    assert_eq!(
        delivered["data"],
        serde_json::from_str::<Value>(body).unwrap()
    );
    hookd_signed(event_hook["secret"].as_str().unwrap(), &got);

    let got = as_original.wait_for(1, WAIT).await.remove(0);
    assert_eq!(&got.body[..], body.as_bytes(), "the original bytes");
    assert_eq!(
        got.header("content-type"),
        "application/json; charset=utf-8"
    );
    assert_eq!(got.header("stripe-signature"), headers[0].1);
    assert_eq!(
        provider_verifies(&Scheme::Stripe, stripe_secret, &got),
        Ok(())
    );
    assert_eq!(
        provider_verifies(&Scheme::Stripe, "whsec_another", &got),
        Err("no signature matched".to_owned())
    );
    assert_eq!(got.header("webhook-id"), event_id);
    assert_eq!(got.header("x-webhook-event"), "stripe.charge.succeeded");
    hookd_signed(original_hook["secret"].as_str().unwrap(), &got);

    let detail = stored_request(&server, row["id"].as_str().unwrap()).await;
    assert_eq!(detail["event_id"], event_id.as_str(), "{detail}");
    let deliveries = detail["deliveries"].as_array().expect("its deliveries");
    assert_eq!(deliveries.len(), 2, "{detail}");

    server
        .publish(json!({"type": "stripe.manual", "data": {"made": "here"}}))
        .await;
    let got = as_original.wait_for(2, WAIT).await.remove(1);
    assert_eq!(got.header("x-webhook-event"), "stripe.manual");
    assert_eq!(got.json()["data"], json!({"made": "here"}));
    hookd_signed(original_hook["secret"].as_str().unwrap(), &got);
}

/// A Slack form post (not JSON) becomes an event whose `data` is
/// `{"content_type", "body_base64"}`; an `original` webhook gets the form bytes with the form's
/// content type and Slack's timestamp and signature headers, which Slack's check accepts.
#[tokio::test]
async fn a_form_post_is_delivered_as_base64_data_or_as_the_original_form() {
    crate::require_backend!();
    let server = TestServer::start().await;
    let (as_event, as_original) = (Receiver::start().await, Receiver::start().await);
    server.webhook_to(&as_event.url, &["slack.command"]).await;
    let original_hook = server
        .create_webhook(json!({"url": as_original.url, "events": ["slack.command"],
            "ping": false, "payload": "original"}))
        .await;
    let slack_secret = "8f742231b10e8888abcd99yyyzzz85a5";
    let slack = Sender::Slack {
        secret: slack_secret.into(),
    };
    let inbox = id_of(
        &create_inbox(
            &server,
            json!({"name": "slack", "verify": slack.verify(), "event_type": "slack.command"}),
        )
        .await,
    );
    let form = "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&command=%2Fdeploy&text=prod";
    let content_type = "application/x-www-form-urlencoded";
    let answer = to_inbox(&server, &inbox, form.as_bytes().to_vec())
        .header("content-type", content_type)
        .headers(&slack.headers(form.as_bytes(), now_secs(), ""))
        .send()
        .await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.text);

    let delivered = as_event.wait_for(1, WAIT).await.remove(0).json();
    assert_eq!(
        delivered["data"],
        json!({"content_type": content_type, "body_base64": BASE64.encode(form)})
    );
    let got = as_original.wait_for(1, WAIT).await.remove(0);
    assert_eq!(&got.body[..], form.as_bytes());
    assert_eq!(got.header("content-type"), content_type);
    assert_eq!(
        provider_verifies(&Scheme::Slack, slack_secret, &got),
        Ok(())
    );
    hookd_signed(original_hook["secret"].as_str().unwrap(), &got);
}

/// A token or Basic inbox's credential is not a signature: a webhook with payload `original`
/// gets the body and content type, but never the header that holds the inbox's secret.
#[tokio::test]
async fn an_original_payload_never_carries_the_inboxs_credentials() {
    crate::require_backend!();
    let server = TestServer::start().await;
    let receiver = Receiver::start().await;
    server
        .create_webhook(
            json!({"url": receiver.url, "events": ["cred.*"], "ping": false,
            "payload": "original"}),
        )
        .await;
    let token = Sender::Token {
        secret: "inbox-token-secret".into(),
        header: "X-Webhook-Token",
    };
    let basic = Sender::Basic {
        secret: "ops:basic-secret".into(),
    };
    for (n, (sender, event_type)) in [(&token, "cred.token"), (&basic, "cred.basic")]
        .into_iter()
        .enumerate()
    {
        let inbox = id_of(
            &create_inbox(
                &server,
                json!({"name": event_type, "verify": sender.verify(), "event_type": event_type}),
            )
            .await,
        );
        let body = format!(r#"{{"n": {n}}}"#);
        let answer = to_inbox(&server, &inbox, body.clone().into_bytes())
            .header("content-type", "application/json")
            .headers(&sender.headers(body.as_bytes(), 0, ""))
            .send()
            .await;
        assert_eq!(answer.status, StatusCode::OK, "{}", answer.text);
        let got = receiver.wait_for(n + 1, WAIT).await.remove(n);
        assert_eq!(&got.body[..], body.as_bytes());
        for (name, value) in pairs(&got) {
            assert!(
                !value.contains("inbox-token-secret") && !value.contains("b3BzOmJhc2ljLXNlY3JldA"),
                "{event_type}: {name} carries the inbox's credential"
            );
        }
        assert!(got.headers.get("x-webhook-token").is_none());
        assert!(got.headers.get("authorization").is_none());
    }
}

/// A Standard Webhooks sender's headers have hookd's own names: an `original` webhook gets
/// hookd's `webhook-id`, `webhook-timestamp` and `webhook-signature` (one of each, signed with
/// the webhook's secret over the original bytes), not the sender's.
#[tokio::test]
async fn hookds_own_headers_win_where_the_names_collide() {
    crate::require_backend!();
    let server = TestServer::start().await;
    let receiver = Receiver::start().await;
    let hook = server
        .create_webhook(
            json!({"url": receiver.url, "events": ["std.*"], "ping": false,
            "payload": "original"}),
        )
        .await;
    let sender = Sender::StandardV1 {
        secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw".into(),
    };
    let inbox = id_of(
        &create_inbox(
            &server,
            json!({"name": "std", "verify": sender.verify(), "event_type": "std.{json:type}"}),
        )
        .await,
    );
    let body = r#"{"type": "user.created", "data": {"id": 7}}"#;
    let headers = sender.headers(body.as_bytes(), now_secs(), "msg_sender_own");
    let answer = to_inbox(&server, &inbox, body.as_bytes().to_vec())
        .header("content-type", "application/json")
        .headers(&headers)
        .send()
        .await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.text);
    let got = receiver.wait_for(1, WAIT).await.remove(0);
    assert_eq!(&got.body[..], body.as_bytes());
    for name in ["webhook-id", "webhook-timestamp", "webhook-signature"] {
        assert_eq!(got.headers.get_all(name).iter().count(), 1, "one {name}");
    }
    assert!(got.header("webhook-id").starts_with("evt_"));
    hookd_signed(hook["secret"].as_str().unwrap(), &got);
}
