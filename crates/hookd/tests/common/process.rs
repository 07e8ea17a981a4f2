//! The real `hookd` binary as a child process: for tests that kill it, or run several.

use super::ADMIN_TOKEN;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A running `hookd serve`; killed (SIGKILL) when dropped.
pub struct HookdProcess {
    pub child: Child,
    pub base: String,
}

impl HookdProcess {
    /// Starts `hookd serve` on a free loopback port with the test defaults (admin token,
    /// loopback allowed, fast scans) and `settings` (`HOOKD_*` variables) on top, logging to
    /// `log`; returns once it answers `/healthz`.
    pub async fn start(settings: &[(&str, &str)], log: &Path) -> Self {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        Self::start_on(port, settings, log).await
    }

    /// As `start`, on 127.0.0.1:`port`: a restart on the port clients already know.
    pub async fn start_on(port: u16, settings: &[(&str, &str)], log: &Path) -> Self {
        let log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(log)
            .unwrap();
        let child = Command::new(env!("CARGO_BIN_EXE_hookd"))
            .arg("serve")
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("HOOKD_LISTEN", format!("127.0.0.1:{port}"))
            .env("HOOKD_ADMIN_TOKEN", ADMIN_TOKEN)
            .env("HOOKD_ALLOWED_NETWORKS", "127.0.0.0/8")
            .env("HOOKD_SCAN_INTERVAL", "100ms")
            .envs(settings.iter().copied())
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .expect("hookd starts");
        let base = format!("http://127.0.0.1:{port}");
        let client = reqwest::Client::new();
        let start = Instant::now();
        while client.get(format!("{base}/healthz")).send().await.is_err() {
            assert!(
                start.elapsed() < Duration::from_secs(30),
                "hookd did not come up"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        Self { child, base }
    }

    /// SIGKILL, and wait until it is gone.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for HookdProcess {
    fn drop(&mut self) {
        self.kill();
    }
}
