//! Secrets at rest: webhook secrets are stored encrypted (AES-256-GCM) on both backends, read
//! back to sign deliveries, refused clearly when the key is missing, and re-encrypted with a
//! new key by `hookd rekey`, plain ones from before encryption included.

use crate::common;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use common::{ADMIN_TOKEN, Backend, Data, Receiver, TestServer, backend, eventually};
use serde_json::json;
use sha2::{Digest, Sha256};
use std::time::Duration;

const WAIT: Duration = Duration::from_secs(10);

/// Test key `n`: the base64 of 32 bytes of `n`.
fn key(n: u8) -> String {
    STANDARD.encode([n; 32])
}

/// The id hookd gives key `n`: the first 8 hex digits of its SHA-256.
fn key_id(n: u8) -> String {
    hex::encode(&Sha256::digest([n; 32])[..4])
}

fn a_secret() -> String {
    format!("whsec_{}", STANDARD.encode(rand::random::<[u8; 32]>()))
}

/// Every `secret` and `previous_secret` as stored, by webhook id.
async fn stored_secrets(data: &Data) -> Vec<(String, String, Option<String>)> {
    let sql = "SELECT id, secret, previous_secret FROM webhooks ORDER BY id";
    match &data.postgres {
        None => {
            let conn = rusqlite::Connection::open(data.dir.path().join("hookd.db")).unwrap();
            let mut statement = conn.prepare(sql).unwrap();
            statement
                .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
                .unwrap()
                .collect::<Result<_, _>>()
                .unwrap()
        }
        Some(database) => {
            use sqlx::Connection;
            let mut conn = sqlx::PgConnection::connect(&database.url).await.unwrap();
            sqlx::query_as(sql).fetch_all(&mut conn).await.unwrap()
        }
    }
}

/// Stores a secret as a hookd from before encryption did: plain.
async fn store_plain_secret(data: &Data, webhook: &str, secret: &str) {
    match &data.postgres {
        None => {
            let conn = rusqlite::Connection::open(data.dir.path().join("hookd.db")).unwrap();
            conn.execute(
                "UPDATE webhooks SET secret = ?1 WHERE id = ?2",
                (secret, webhook),
            )
            .unwrap();
        }
        Some(database) => {
            use sqlx::Connection;
            let mut conn = sqlx::PgConnection::connect(&database.url).await.unwrap();
            sqlx::query("UPDATE webhooks SET secret = $1 WHERE id = $2")
                .bind(secret)
                .bind(webhook)
                .execute(&mut conn)
                .await
                .unwrap();
        }
    }
}

/// Everything the database holds as bytes: the SQLite file with its WAL and SHM, or the
/// webhooks table as text on PostgreSQL.
async fn raw_bytes(data: &Data) -> Vec<u8> {
    match &data.postgres {
        None => ["hookd.db", "hookd.db-wal", "hookd.db-shm"]
            .iter()
            .flat_map(|name| std::fs::read(data.dir.path().join(name)).unwrap_or_default())
            .collect(),
        Some(database) => {
            use sqlx::Connection;
            let mut conn = sqlx::PgConnection::connect(&database.url).await.unwrap();
            let rows: Vec<String> = sqlx::query_scalar("SELECT webhooks::text FROM webhooks")
                .fetch_all(&mut conn)
                .await
                .unwrap();
            rows.join("\n").into_bytes()
        }
    }
}

fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack
        .windows(needle.len())
        .any(|window| window == needle.as_bytes())
}

/// Publishes an event and checks that `receiver` gets it signed with `secret`.
async fn delivery_verifies(server: &TestServer, receiver: &Receiver, secret: &str) {
    let before = receiver.received().len();
    server
        .publish(json!({"type": "order.created", "data": {"n": before}}))
        .await;
    let request = eventually("the delivery", WAIT, || async {
        receiver.received().get(before).cloned()
    })
    .await;
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    hookd_verify::verify_standard(
        secret,
        request.header("webhook-id"),
        request.header("webhook-timestamp"),
        &request.body,
        request.header("webhook-signature"),
        now,
        300,
    )
    .expect("the delivery is signed with the webhook's secret");
}

/// The key settings of this test's servers: on SQLite none (the key file beside the database
/// is the default), on PostgreSQL key 1 (without a key it stores secrets as given).
fn default_keys() -> Vec<(&'static str, String)> {
    match backend() {
        Backend::Sqlite => vec![],
        Backend::Postgres => vec![("secret_key", key(1))],
    }
}

/// No webhook secret, current or previous, is stored in plain text anywhere in the database
/// (SQLite: the file, its WAL and SHM, byte for byte); the server still signs with them, also
/// after a restart.
#[tokio::test]
async fn webhook_secrets_are_never_stored_in_plain_text() {
    crate::require_backend!();
    let keys = default_keys();
    let settings: Vec<(&str, &str)> = keys.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let server = TestServer::start_with(&settings).await;
    let receiver = Receiver::start().await;
    let given = a_secret();
    let webhook = server
        .create_webhook(
            json!({"url": receiver.url, "events": ["*"], "ping": false, "secret": given}),
        )
        .await;
    let generated = server
        .create_webhook(json!({"url": receiver.url, "events": ["nothing.*"], "ping": false}))
        .await["secret"]
        .as_str()
        .unwrap()
        .to_owned();
    let wh = webhook["id"].as_str().unwrap();
    let (_, rotated) = server
        .post_empty(&format!("/api/webhooks/{wh}/rotate-secret"))
        .await;
    let current = rotated["secret"].as_str().unwrap().to_owned();
    delivery_verifies(&server, &receiver, &current).await;
    delivery_verifies(&server, &receiver, &given).await;

    let bytes = raw_bytes(&server.data).await;
    assert!(!bytes.is_empty());
    for secret in [&given, &generated, &current] {
        assert!(
            !contains(&bytes, &secret[6..]),
            "a secret is stored in plain text"
        );
    }
    assert!(
        !contains(&bytes, "whsec_"),
        "a secret is stored in plain text"
    );
    for (_, secret, previous) in stored_secrets(&server.data).await {
        assert!(secret.starts_with("enc:v1:"), "{secret}");
        assert!(previous.is_none_or(|p| p.starts_with("enc:v1:")));
    }

    let server = TestServer::start_in(server.stop().await, &settings).await;
    delivery_verifies(&server, &receiver, &current).await;
}

/// A server whose keys can't decrypt a stored secret (the key that encrypted it was removed)
/// refuses to start, naming the key it needs, instead of signing with garbage.
#[tokio::test]
async fn a_missing_key_is_a_clear_start_up_error() {
    crate::require_backend!();
    let server = TestServer::start_with(&[("secret_key", &key(1))]).await;
    server
        .create_webhook(json!({"url": "http://127.0.0.1:9/", "events": ["*"], "ping": false}))
        .await;
    let data = server.stop().await;
    let url = data.database_url();
    let config = hookd::config::Config::from_pairs(&[
        ("database_url", url.as_str()),
        ("admin_token", ADMIN_TOKEN),
        ("secret_key", &key(2)),
    ])
    .unwrap();
    let error = match hookd::app::Server::start(config).await {
        Ok(_) => panic!("the server started without the key that encrypted its secrets"),
        Err(error) => format!("{error:#}"),
    };
    assert!(
        error.contains(&format!(
            "a webhook secret was encrypted with key {}, which is not in HOOKD_SECRET_KEY",
            key_id(1)
        )),
        "{error}"
    );
}

/// After a new key is put first, `hookd rekey` re-encrypts every stored secret with it (plain
/// ones stored before encryption existed too), the old key can go, and deliveries are still
/// signed with the same secrets.
#[tokio::test]
async fn rekey_re_encrypts_every_secret_and_signing_goes_on() {
    crate::require_backend!();
    let server = TestServer::start_with(&[("secret_key", &key(1))]).await;
    let (first, second) = (Receiver::start().await, Receiver::start().await);
    let (given, legacy) = (a_secret(), a_secret());
    let rotated = server
        .create_webhook(json!({"url": first.url, "events": ["*"], "ping": false, "secret": given}))
        .await;
    let old = server
        .create_webhook(json!({"url": second.url, "events": ["*"], "ping": false}))
        .await;
    let wh = rotated["id"].as_str().unwrap();
    let (_, new) = server
        .post_empty(&format!("/api/webhooks/{wh}/rotate-secret"))
        .await;
    let current = new["secret"].as_str().unwrap().to_owned();
    let data = server.stop().await;
    store_plain_secret(&data, old["id"].as_str().unwrap(), &legacy).await;

    let url = data.database_url();
    let rekey = |keys: String| {
        let config = hookd::config::Config::from_pairs(&[
            ("database_url", url.as_str()),
            ("secret_key", keys.as_str()),
        ])
        .unwrap();
        async move { hookd::app::rekey(&config).await.unwrap() }
    };
    let done = rekey(format!("{},{}", key(2), key(1))).await;
    assert_eq!(done.secrets, 3, "two current secrets and a previous one");
    assert_eq!(done.key_id, Some(key_id(2)));
    let sealed_with_2 = format!("enc:v1:{}:", key_id(2));
    for (id, secret, previous) in stored_secrets(&data).await {
        assert!(secret.starts_with(&sealed_with_2), "{id}: {secret}");
        assert!(
            previous.is_none_or(|p| p.starts_with(&sealed_with_2)),
            "{id}"
        );
    }
    assert_eq!(rekey(key(2)).await.secrets, 0, "nothing left to re-encrypt");

    let server = TestServer::start_in(data, &[("secret_key", &key(2))]).await;
    delivery_verifies(&server, &first, &current).await;
    delivery_verifies(&server, &first, &given).await;
    delivery_verifies(&server, &second, &legacy).await;
}
