//! The inbox resource: what a created inbox looks like, its secret shown only in the 201 (and
//! made where the scheme needs one), reading, listing, changing and deleting it (its history
//! goes with it), and playground inboxes (tenants and their limit: `inboxes_tenants.rs`).

use crate::common;

use common::TestServer;
use common::inbox::{create_inbox, id_of, now_secs, send, stored_request, unix_millis};
use common::senders::Sender;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

/// The secret a 201 shows.
fn shown_secret(created: &Value) -> String {
    created["verify"]["secret"]
        .as_str()
        .unwrap_or_else(|| panic!("a secret in the 201: {created}"))
        .to_owned()
}

/// A created inbox has every documented field, with the defaults: tenant `default`, `auto`
/// de-duplication for 7 days, any source, no rate limit, 1 MiB bodies, active, not a
/// playground, no expiry; ids `ibx_`; `receive_url` ends in `/in/{id}`. Its secret is in the
/// 201 only: never in a read, a list or a PATCH answer.
#[tokio::test]
async fn an_inbox_is_created_with_defaults_and_its_secret_shown_once() {
    crate::require_backend!();
    let server = TestServer::start().await;
    let secret = "whsec_stripe_given_secret";
    let created = create_inbox(
        &server,
        json!({"name": "stripe-prod", "verify": {"scheme": "stripe", "secret": secret},
            "event_type": "stripe.{json:type}"}),
    )
    .await;
    let id = id_of(&created);
    assert!(id.starts_with("ibx_"), "{created}");
    assert_eq!(shown_secret(&created), secret);
    for (field, expected) in [
        ("name", json!("stripe-prod")),
        ("tenant", json!("default")),
        ("description", json!("")),
        ("event_type", json!("stripe.{json:type}")),
        ("allowed_ips", json!([])),
        ("rate_limit", Value::Null),
        ("max_body_bytes", json!(1_048_576)),
        ("playground", json!(false)),
        ("expires_at", Value::Null),
        ("active", json!(true)),
    ] {
        assert_eq!(created[field], expected, "{field} in {created}");
    }
    assert_eq!(created["verify"]["scheme"], "stripe");
    assert_eq!(created["dedupe"]["key"], "auto");
    assert_eq!(created["dedupe"]["window"], "7d");
    assert!(
        created["receive_url"]
            .as_str()
            .is_some_and(|u| u.ends_with(&format!("/in/{id}"))),
        "{created}"
    );
    assert!(created["created_at"].is_string() && created["updated_at"].is_string());

    let (_, one) = server.get(&format!("/api/inboxes/{id}")).await;
    let (_, list) = server.get("/api/inboxes").await;
    let (status, patched) = server
        .patch(
            &format!("/api/inboxes/{id}"),
            json!({"description": "live keys"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{patched}");
    assert_eq!(patched["description"], "live keys");
    assert_eq!(one["id"], id.as_str());
    assert_eq!(list["data"][0]["id"], id.as_str());
    for answer in [&one, &list, &patched] {
        assert!(
            !answer.to_string().contains(secret),
            "the secret is shown again: {answer}"
        );
        assert!(answer.to_string().contains("stripe"), "{answer}");
    }
}

/// Where the scheme needs a secret and none is given, one is made and shown in the 201, and
/// it is the one that verifies: a Standard Webhooks `whsec_` secret, and a token.
#[tokio::test]
async fn a_secret_is_made_where_none_is_given() {
    crate::require_backend!();
    let server = TestServer::start().await;
    let created = create_inbox(
        &server,
        json!({"name": "made", "verify": {"scheme": "standard"}, "event_type": "made.standard"}),
    )
    .await;
    let secret = shown_secret(&created);
    assert!(secret.starts_with("whsec_"), "{secret}");
    let sender = Sender::StandardV1 { secret };
    let body = r#"{"made": true}"#;
    let headers = sender.headers(body.as_bytes(), now_secs(), "msg_made");
    assert_eq!(
        send(&server, &id_of(&created), &headers, body).await.status,
        StatusCode::OK
    );
    let headers = sender
        .impostor()
        .headers(body.as_bytes(), now_secs(), "msg_2");
    assert_eq!(
        send(&server, &id_of(&created), &headers, body).await.status,
        StatusCode::UNAUTHORIZED
    );

    let created = create_inbox(
        &server,
        json!({"name": "token", "verify": {"scheme": "token", "header": "X-Token"},
            "event_type": "made.token"}),
    )
    .await;
    let token = shown_secret(&created);
    assert!(token.len() >= 24, "a token hard to guess: {token}");
    for (value, expected) in [
        (token.as_str(), StatusCode::OK),
        ("guess", StatusCode::UNAUTHORIZED),
    ] {
        assert_eq!(
            send(&server, &id_of(&created), &[("X-Token", value)], "{}")
                .await
                .status,
            expected
        );
    }
}

/// Changing `verify` changes what verifies at once: after a PATCH with a new secret the old
/// one is refused and the new one accepted; the answer does not show the new secret.
#[tokio::test]
async fn a_new_secret_takes_over_at_once() {
    crate::require_backend!();
    let server = TestServer::start().await;
    let old = Sender::Github {
        secret: "old-secret".into(),
    };
    let new = Sender::Github {
        secret: "new-secret".into(),
    };
    let inbox = id_of(
        &create_inbox(
            &server,
            json!({"name": "gh", "verify": old.verify(), "event_type": "gh.push"}),
        )
        .await,
    );
    let (status, patched) = server
        .patch(
            &format!("/api/inboxes/{inbox}"),
            json!({"verify": new.verify()}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{patched}");
    assert!(!patched.to_string().contains("new-secret"), "{patched}");
    let body = r#"{"ref": "main"}"#;
    for (sender, id, expected) in [
        (&old, "d-1", StatusCode::UNAUTHORIZED),
        (&new, "d-2", StatusCode::OK),
    ] {
        let headers = sender.headers(body.as_bytes(), 0, id);
        assert_eq!(send(&server, &inbox, &headers, body).await.status, expected);
    }
}

/// Deleting an inbox (204) takes its history with it: the inbox, its requests' list and each
/// stored request answer 404, and its URL does too.
#[tokio::test]
async fn deleting_an_inbox_deletes_its_history() {
    crate::require_backend!();
    let server = TestServer::start().await;
    let inbox = common::inbox::open_inbox(&server, "gone.soon").await;
    let answer = send(&server, &inbox, &[("x", "y")], r#"{"a": 1}"#).await;
    let request = id_of(&answer.json());
    stored_request(&server, &request).await;
    assert_eq!(
        server.delete(&format!("/api/inboxes/{inbox}")).await.0,
        StatusCode::NO_CONTENT
    );
    for path in [
        format!("/api/inboxes/{inbox}"),
        format!("/api/inboxes/{inbox}/requests"),
        format!("/api/inbox-requests/{request}"),
    ] {
        let (status, problem) = server.get(&path).await;
        assert_eq!(
            (status, problem["code"].as_str()),
            (StatusCode::NOT_FOUND, Some("not_found")),
            "{path}"
        );
    }
    assert_eq!(
        server.delete(&format!("/api/inboxes/{inbox}")).await.0,
        StatusCode::NOT_FOUND
    );
}

/// A playground inbox checks nothing by default, expires a day after it is made, and may be
/// made by a tenant token; the list filters by `playground`.
#[tokio::test]
async fn a_playground_inbox_is_open_and_expires_in_a_day() {
    crate::require_backend!();
    let server = TestServer::start().await;
    let (_, token) = server
        .post("/api/tokens", json!({"name": "dev", "tenant": "acme"}))
        .await;
    let token = token["token"].as_str().unwrap().to_owned();
    let (status, created) = server
        .call(
            Some(&token),
            Method::POST,
            "/api/inboxes",
            Some(&json!({"name": "bin", "playground": true}).to_string()),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    assert_eq!(created["playground"], true);
    assert_eq!(created["tenant"], "acme");
    assert_eq!(created["verify"]["scheme"], "none");
    let (made, expires) = (
        created["created_at"].as_str().unwrap(),
        created["expires_at"].as_str().expect("an expiry"),
    );
    let gap = unix_millis(expires) - unix_millis(made);
    assert!((86_399_000..=86_401_000).contains(&gap), "{created}");
    let id = id_of(&created);
    assert_eq!(
        send(&server, &id, &[("x", "y")], "not json at all")
            .await
            .status,
        StatusCode::OK
    );
    create_inbox(
        &server,
        json!({"name": "real", "verify": {"scheme": "none"}, "event_type": "a.b", "tenant": "acme"}),
    )
    .await;
    let (_, playgrounds) = server.get("/api/inboxes?playground=true").await;
    let ids: Vec<&str> = playgrounds["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, [id.as_str()]);
    let (_, others) = server.get("/api/inboxes?playground=false").await;
    assert_eq!(others["data"].as_array().unwrap().len(), 1);
}

/// A PATCH that leaves `verify.secret` out keeps the secret and does not show it; one that
/// changes to a scheme needing a secret, without giving one, gets a new secret (shown in that
/// answer, the caller has no other way to learn it), and the old one no longer verifies; one
/// to a scheme whose sender issues the secret (Stripe) needs it given.
#[tokio::test]
async fn a_patch_keeps_or_makes_the_secret_and_shows_only_a_made_one() {
    crate::require_backend!();
    let server = TestServer::start().await;
    let github = Sender::Github {
        secret: "kept-secret".into(),
    };
    let inbox = id_of(
        &create_inbox(
            &server,
            json!({"name": "gh", "verify": github.verify(), "event_type": "patch.gh"}),
        )
        .await,
    );
    let path = format!("/api/inboxes/{inbox}");
    let (status, patched) = server
        .patch(
            &path,
            json!({"verify": {"scheme": "github", "tolerance": "1h"}}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{patched}");
    assert!(patched["verify"].get("secret").is_none(), "{patched}");
    let body = r#"{"n": 1}"#;
    let headers = github.headers(body.as_bytes(), 0, "d-1");
    assert_eq!(
        send(&server, &inbox, &headers, body).await.status,
        StatusCode::OK
    );

    let (status, patched) = server
        .patch(&path, json!({"verify": {"scheme": "hex"}}))
        .await;
    assert_eq!(status, StatusCode::OK, "{patched}");
    let made = patched["verify"]["secret"]
        .as_str()
        .expect("the made secret, shown once")
        .to_owned();
    assert_ne!(made, "kept-secret");
    let (_, read) = server.get(&path).await;
    assert!(!read.to_string().contains(&made), "{read}");
    let body = r#"{"n": 2}"#;
    for (secret, expected) in [
        (&made, StatusCode::OK),
        (&"kept-secret".to_owned(), StatusCode::UNAUTHORIZED),
    ] {
        let hex = Sender::Hex {
            secret: secret.clone(),
            prefixed: false,
        };
        let headers = hex.headers(body.as_bytes(), 0, "");
        assert_eq!(send(&server, &inbox, &headers, body).await.status, expected);
    }
    // Stripe issues its secret: changing to it without one is refused, and changes nothing.
    let (status, problem) = server
        .patch(&path, json!({"verify": {"scheme": "stripe"}}))
        .await;
    assert_eq!(
        (status, problem["errors"][0]["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("verify.secret")),
        "{problem}"
    );
    assert_eq!(server.get(&path).await.1["verify"]["scheme"], "hex");
}
