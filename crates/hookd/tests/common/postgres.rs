//! PostgreSQL for tests: a database of its own for each test, created on the server named by
//! `HOOKD_TEST_POSTGRES_URL` (default: the local server) and dropped when the test is done.
//! When no server answers, the PostgreSQL tests skip (saying so), unless
//! `HOOKD_TEST_REQUIRE_POSTGRES=1` (CI) makes that a failure.

use sqlx::Connection;
use std::sync::OnceLock;
use std::time::Duration;

pub const DEFAULT_URL: &str = "postgres://postgres@127.0.0.1:5432/test";

/// The server's administrative URL (any database the tests may connect to).
pub fn server_url() -> String {
    std::env::var("HOOKD_TEST_POSTGRES_URL").unwrap_or_else(|_| DEFAULT_URL.to_owned())
}

pub fn required() -> bool {
    std::env::var("HOOKD_TEST_REQUIRE_POSTGRES").is_ok_and(|v| v == "1")
}

/// Whether a PostgreSQL server answers at `server_url()`; checked once per test binary.
pub fn available() -> bool {
    static AVAILABLE: OnceLock<bool> = OnceLock::new();
    *AVAILABLE.get_or_init(|| {
        let url = server_url();
        let answered = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            runtime.block_on(async {
                tokio::time::timeout(Duration::from_secs(3), sqlx::PgConnection::connect(&url))
                    .await
                    .is_ok_and(|c| c.is_ok())
            })
        })
        .join()
        .unwrap_or(false);
        assert!(
            answered || !required(),
            "HOOKD_TEST_REQUIRE_POSTGRES=1 but no PostgreSQL answers at {}",
            server_url()
        );
        answered
    })
}

/// A database that exists for as long as this value.
pub struct TestDatabase {
    pub name: String,
    pub url: String,
}

impl TestDatabase {
    pub async fn create() -> Self {
        let name = format!(
            "hookd_test_{}",
            ulid::Ulid::new().to_string().to_lowercase()
        );
        let server = server_url();
        let mut admin = sqlx::PgConnection::connect(&server)
            .await
            .expect("PostgreSQL answers");
        sqlx::query(&format!("CREATE DATABASE {name}"))
            .execute(&mut admin)
            .await
            .expect("a test database");
        admin.close().await.ok();
        let mut url = url::Url::parse(&server).expect("a valid PostgreSQL URL");
        url.set_path(&name);
        Self {
            name,
            url: url.to_string(),
        }
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        let name = self.name.clone();
        // Dropped inside and outside runtimes alike: the work runs on a thread of its own.
        let _ = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            runtime.block_on(async {
                if let Ok(mut admin) = sqlx::PgConnection::connect(&server_url()).await {
                    let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                        .execute(&mut admin)
                        .await;
                }
            })
        })
        .join();
    }
}
