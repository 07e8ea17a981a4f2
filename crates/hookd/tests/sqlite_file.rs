//! What is particular to the SQLite backend: one process per database file, and the commands
//! that work on a file.

mod common;

use common::TestServer;

/// `hookd migrate` applies the migrations to a new file and is harmless to repeat; `hookd
/// config` prints the commented default configuration.
#[test]
fn migrate_and_config_commands_work() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("fresh.db").display());
    for _ in 0..2 {
        let output = std::process::Command::new(env!("CARGO_BIN_EXE_hookd"))
            .args(["migrate", "--database-url", &url])
            .env_remove("HOOKD_CONFIG")
            .output()
            .unwrap();
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        assert!(String::from_utf8_lossy(&output.stdout).contains("migrations applied"));
    }
    assert!(dir.path().join("fresh.db").exists());
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_hookd"))
        .arg("config")
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8(output.stdout).unwrap(),
        hookd::config::DEFAULT_CONFIG
    );
}

/// A second server on the same SQLite file is refused while the first runs (it would take
/// over the first one's deliveries and send them twice), and allowed once it stopped.
#[tokio::test]
async fn one_process_per_sqlite_file() {
    let server = TestServer::start().await;
    let config = hookd::config::Config::from_pairs(&[(
        "database_url",
        &format!(
            "sqlite://{}",
            server.data.dir.path().join("hookd.db").display()
        ),
    )])
    .unwrap();
    let refused = hookd::app::Server::start(config.clone())
        .await
        .err()
        .expect("a second process is refused");
    assert!(
        format!("{refused:#}").contains("in use by another hookd process"),
        "{refused:#}"
    );
    let data = server.stop().await;
    let config = hookd::config::Config::from_pairs(&[(
        "database_url",
        &format!("sqlite://{}", data.dir.path().join("hookd.db").display()),
    )])
    .unwrap();
    assert!(hookd::app::Server::start(config).await.is_ok());
}

/// Every file hookd makes for a SQLite database is readable by its owner only (0600): the
/// database, its WAL and SHM, the lock file and the key file that encrypts webhook secrets.
#[cfg(unix)]
#[tokio::test]
async fn every_file_hookd_makes_is_private() {
    use std::os::unix::fs::PermissionsExt;
    let server = TestServer::start().await;
    server
        .create_webhook(
            serde_json::json!({"url": "http://127.0.0.1:9/", "events": ["*"], "ping": false}),
        )
        .await;
    let dir = server.data.dir.path();
    for name in [
        "hookd.db",
        "hookd.db-wal",
        "hookd.db-shm",
        "hookd.db.lock",
        "hookd.db.key",
    ] {
        let mode = std::fs::metadata(dir.join(name))
            .unwrap_or_else(|e| panic!("{name}: {e}"))
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600, "{name} has mode {:o}", mode & 0o777);
    }
}

/// Under a steady load with one-second retention, the SQLite file stops growing: the pages
/// retention frees are reused for new rows. (Without retention the same load takes the file
/// from about 5.5 MB at the 5th second to 10.9 MB at the 10th.)
#[tokio::test]
async fn the_file_stops_growing_under_a_steady_load_with_retention() {
    let server =
        TestServer::start_with(&[("retention_events", "1s"), ("retention_attempts", "1s")]).await;
    let receiver = common::Receiver::start().await;
    server.webhook_to(&receiver.url, &["*"]).await;
    let file = server.data.dir.path().join("hookd.db");
    let body = "x".repeat(400);
    let mut sizes = Vec::new();
    for _ in 0..10 {
        for _ in 0..5 {
            let events: Vec<_> = (0..100)
                .map(
                    |n| serde_json::json!({"type": "order.created", "data": {"n": n, "pad": body}}),
                )
                .collect();
            let (status, _) = server
                .post("/api/events/batch", serde_json::json!({"events": events}))
                .await;
            assert_eq!(status, reqwest::StatusCode::ACCEPTED);
            tokio::time::sleep(std::time::Duration::from_millis(200)).await;
        }
        sizes.push(database_size(&file));
    }
    let (settled, last) = (sizes[4], sizes[9]);
    assert!(
        last <= settled + settled / 5,
        "the file grew from {settled} to {last} bytes between the 5th and the 10th second"
    );
}

/// The database's size as SQLite sees it (WAL included): its pages times the page size.
fn database_size(file: &std::path::Path) -> u64 {
    let connection =
        rusqlite::Connection::open_with_flags(file, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
            .unwrap();
    let pages: u64 = connection
        .query_row("PRAGMA page_count", [], |row| row.get(0))
        .unwrap();
    let page_size: u64 = connection
        .query_row("PRAGMA page_size", [], |row| row.get(0))
        .unwrap();
    pages * page_size
}
