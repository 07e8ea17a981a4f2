//! Inboxes at rest: their secrets are stored sealed (`enc:v1:`, never the text a sender signs
//! with), a restarted server serves the same inboxes with the same secrets and history, and
//! what is past its time (requests older than `retention_inbox_requests`, playground inboxes
//! past `expires_at`) is deleted in the background.

use crate::common;

use base64::Engine as _;
use common::inbox::{create_inbox, history, id_of, now_millis, now_secs, open_inbox, send};
use common::senders::Sender;
use common::{Data, TestServer};
use reqwest::StatusCode;
use serde_json::json;
use std::time::Duration;

/// Every stored inbox secret (NULL for scheme `none` left out).
async fn stored_inbox_secrets(data: &Data) -> Vec<String> {
    let sql = "SELECT secret FROM inboxes WHERE secret IS NOT NULL ORDER BY id";
    match &data.postgres {
        None => {
            let conn = rusqlite::Connection::open(data.dir.path().join("hookd.db")).unwrap();
            let mut statement = conn.prepare(sql).unwrap();
            statement
                .query_map([], |r| r.get(0))
                .unwrap()
                .collect::<Result<_, _>>()
                .unwrap()
        }
        Some(database) => {
            use sqlx::Connection;
            let mut conn = sqlx::PgConnection::connect(&database.url).await.unwrap();
            sqlx::query_scalar(sql).fetch_all(&mut conn).await.unwrap()
        }
    }
}

/// The time part of a ULID (the first 10 characters, Crockford base32) for unix milliseconds.
fn ulid_time(unix_millis: i64) -> String {
    const ALPHABET: &[u8] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    (0..10)
        .rev()
        .map(|i| ALPHABET[((unix_millis >> (5 * i)) & 31) as usize] as char)
        .collect()
}

/// Runs one SQL statement (literal values only: the same text on both backends).
async fn execute(data: &Data, sql: &str) {
    match &data.postgres {
        None => {
            let conn = rusqlite::Connection::open(data.dir.path().join("hookd.db")).unwrap();
            conn.busy_timeout(Duration::from_secs(10)).unwrap();
            assert_eq!(conn.execute(sql, []).unwrap(), 1, "{sql}");
        }
        Some(database) => {
            use sqlx::Connection;
            let mut conn = sqlx::PgConnection::connect(&database.url).await.unwrap();
            let changed = sqlx::query(sql).execute(&mut conn).await.unwrap();
            assert_eq!(changed.rows_affected(), 1, "{sql}");
        }
    }
}

/// With a secret key configured, an inbox's secret, given or made, is stored sealed; after a
/// restart the inboxes verify with the same secrets (the genuine sender is accepted, another
/// refused) and keep their history.
#[tokio::test]
async fn inbox_secrets_are_sealed_and_survive_a_restart() {
    crate::require_backend!();
    let key = base64::engine::general_purpose::STANDARD.encode([5u8; 32]);
    let settings = [("secret_key", key.as_str())];
    let server = TestServer::start_with(&settings).await;
    let stripe = Sender::Stripe {
        secret: "whsec_sealed_stripe_secret".into(),
    };
    let stripe_inbox = id_of(
        &create_inbox(
            &server,
            json!({"name": "stripe", "verify": stripe.verify(), "event_type": "rest.stripe"}),
        )
        .await,
    );
    let made = create_inbox(
        &server,
        json!({"name": "made", "verify": {"scheme": "standard"}, "event_type": "rest.made"}),
    )
    .await;
    let standard = Sender::StandardV1 {
        secret: made["verify"]["secret"].as_str().unwrap().to_owned(),
    };
    let made = id_of(&made);
    let stored = stored_inbox_secrets(&server.data).await;
    assert_eq!(stored.len(), 2);
    for sealed in &stored {
        assert!(sealed.starts_with("enc:v1:"), "{sealed}");
        assert!(!sealed.contains("sealed_stripe_secret"));
    }
    let body = r#"{"id": "evt_rest_1", "type": "x"}"#;
    let headers = stripe.headers(body.as_bytes(), now_secs(), "");
    assert_eq!(
        send(&server, &stripe_inbox, &headers, body).await.status,
        StatusCode::OK
    );

    let server = TestServer::start_in(server.stop().await, &settings).await;
    assert_eq!(history(&server, &stripe_inbox).await.len(), 1);
    for (inbox, sender, body) in [
        (
            &stripe_inbox,
            &stripe,
            r#"{"id": "evt_rest_2", "type": "x"}"#,
        ),
        (&made, &standard, r#"{"type": "y"}"#),
    ] {
        let genuine = sender.headers(body.as_bytes(), now_secs(), "msg_rest");
        assert_eq!(
            send(&server, inbox, &genuine, body).await.status,
            StatusCode::OK
        );
        let forged = sender
            .impostor()
            .headers(body.as_bytes(), now_secs(), "msg_other");
        assert_eq!(
            send(&server, inbox, &forged, body).await.status,
            StatusCode::UNAUTHORIZED
        );
    }
}

/// Requests older than `retention_inbox_requests` (default 7 days) and playground inboxes past
/// their `expires_at` are deleted by the background sweep (which runs at start): a request
/// backdated eight days and the expired playground with its history answer 404; the rest
/// stays.
#[tokio::test]
async fn old_requests_and_expired_playgrounds_are_swept() {
    crate::require_backend!();
    let server = TestServer::start().await;
    let inbox = open_inbox(&server, "rest.kept").await;
    let old = id_of(
        &send(&server, &inbox, &[("x", "1")], r#"{"n": 1}"#)
            .await
            .json(),
    );
    let recent = id_of(
        &send(&server, &inbox, &[("x", "2")], r#"{"n": 2}"#)
            .await
            .json(),
    );
    let (status, playground) = server
        .post("/api/inboxes", json!({"name": "bin", "playground": true}))
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let playground = id_of(&playground);
    let in_playground = id_of(&send(&server, &playground, &[("x", "3")], "{}").await.json());
    // Received eight days ago: its time, and its id's (ids sort by creation time).
    let eight_days_ago = now_millis() - 8 * 86_400_000;
    let backdated = format!("req_{}{}", ulid_time(eight_days_ago), &old[14..]);
    execute(
        &server.data,
        &format!(
            "UPDATE inbox_requests SET received_at = {eight_days_ago}, id = '{backdated}' \
             WHERE id = '{old}'"
        ),
    )
    .await;
    let old = backdated;
    execute(
        &server.data,
        &format!(
            "UPDATE inboxes SET expires_at = {} WHERE id = '{playground}'",
            now_millis() - 1000
        ),
    )
    .await;

    let server = TestServer::start_in(server.stop().await, &[]).await;
    let gone = [
        format!("/api/inbox-requests/{old}"),
        format!("/api/inbox-requests/{in_playground}"),
        format!("/api/inboxes/{playground}"),
    ];
    common::eventually("the sweep", Duration::from_secs(10), || async {
        let mut all_gone = true;
        for path in &gone {
            all_gone &= server.get(path).await.0 == StatusCode::NOT_FOUND;
        }
        all_gone.then_some(())
    })
    .await;
    let (status, _) = server.get(&format!("/api/inbox-requests/{recent}")).await;
    assert_eq!(status, StatusCode::OK, "a recent request is kept");
    let rows = history(&server, &inbox).await;
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0]["id"], recent.as_str());
}

/// The header that carries a `token` or `basic` inbox's secret is kept masked: the history, a
/// request's detail and the database never hold the secret, verified request or forgery.
#[tokio::test]
async fn a_credential_header_is_never_kept() {
    crate::require_backend!();
    let server = TestServer::start().await;
    let token = create_inbox(
        &server,
        json!({"name": "token", "verify": {"scheme": "token", "header": "X-Api-Token", "secret": "tok-sekrit-0123456789"}}),
    )
    .await;
    let basic = create_inbox(
        &server,
        json!({"name": "basic", "verify": {"scheme": "basic", "secret": "user:pass-sekrit-0123"}}),
    )
    .await;
    let basic_header = format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode("user:pass-sekrit-0123")
    );
    for (inbox, header, value) in [
        (
            id_of(&token),
            "X-Api-Token",
            "tok-sekrit-0123456789".to_owned(),
        ),
        (id_of(&token), "X-Api-Token", "a-wrong-guess".to_owned()),
        (id_of(&basic), "Authorization", basic_header.clone()),
    ] {
        send(&server, &inbox, &[(header, value.as_str())], "{}").await;
        let newest = &history(&server, &inbox).await[0];
        let kept = newest["headers"]
            .as_array()
            .unwrap()
            .iter()
            .find(|h| h[0].as_str().unwrap().eq_ignore_ascii_case(header))
            .unwrap_or_else(|| panic!("{header} kept: {newest}"));
        assert_eq!(kept[1], "***", "{newest}");
        let detail = common::inbox::stored_request(&server, newest["id"].as_str().unwrap()).await;
        assert!(!detail.to_string().contains(&value), "{detail}");
    }
    let data = server.stop().await;
    let stored = stored_request_headers(&data).await;
    assert!(stored.contains("***"), "the check reads the stored headers");
    assert!(!stored.contains("tok-sekrit-0123456789"));
    assert!(!stored.contains(&basic_header["Basic ".len()..]));
}

/// Every stored request's headers, as the database holds them.
async fn stored_request_headers(data: &Data) -> String {
    let sql = "SELECT headers FROM inbox_requests ORDER BY id";
    let rows: Vec<String> = match &data.postgres {
        None => {
            let conn = rusqlite::Connection::open(data.dir.path().join("hookd.db")).unwrap();
            let mut statement = conn.prepare(sql).unwrap();
            statement
                .query_map([], |r| r.get(0))
                .unwrap()
                .collect::<Result<_, _>>()
                .unwrap()
        }
        Some(database) => {
            use sqlx::Connection;
            let mut conn = sqlx::PgConnection::connect(&database.url).await.unwrap();
            sqlx::query_scalar(sql).fetch_all(&mut conn).await.unwrap()
        }
    };
    rows.join("\n")
}
