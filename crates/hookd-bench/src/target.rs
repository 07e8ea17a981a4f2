//! The hookd under test: a child `hookd serve` on a fresh SQLite file or a fresh PostgreSQL
//! database (dropped afterwards), or a hookd that is already running.

use super::load::Http;
use anyhow::{Context, bail};
use bytes::Bytes;
use hyper::{Method, StatusCode};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// Where the benchmark's hookd keeps its data.
#[derive(Debug, Clone)]
pub enum Backend {
    Sqlite,
    /// A server URL; the benchmark makes a database of its own on it.
    Postgres(String),
}

pub struct Target {
    pub base: String,
    pub http: Http,
    child: Option<Child>,
    storage: Option<Storage>,
}

impl Target {
    /// Starts `hookd serve` (`hookd` is the executable) with `settings` (HOOKD_* variables) on
    /// top of the benchmark's (which log at `warn`).
    pub async fn start(
        hookd: &Path,
        backend: &Backend,
        settings: &[(&str, &str)],
    ) -> anyhow::Result<Self> {
        let token = format!("bench-{}", ulid::Ulid::new());
        let port = std::net::TcpListener::bind("127.0.0.1:0")?
            .local_addr()?
            .port();
        let storage = Storage::make(backend, "hookd_bench").await?;
        let log = std::fs::File::create(storage.dir.join("hookd.log"))?;
        let child = Command::new(hookd)
            .arg("serve")
            .env("HOOKD_LISTEN", format!("127.0.0.1:{port}"))
            .env("HOOKD_DATABASE_URL", &storage.url)
            .env("HOOKD_ADMIN_TOKEN", &token)
            .env("HOOKD_ALLOWED_NETWORKS", "127.0.0.0/8")
            .env("HOOKD_LOG", "warn")
            .envs(settings.iter().copied())
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .context("starting hookd")?;
        let mut target = Self {
            base: format!("http://127.0.0.1:{port}"),
            http: Http::new(Some(&token)),
            child: Some(child),
            storage: Some(storage),
        };
        target.wait_until_up().await?;
        Ok(target)
    }

    /// A hookd someone else runs.
    pub async fn existing(base: &str, token: &str) -> anyhow::Result<Self> {
        let mut target = Self {
            base: base.trim_end_matches('/').to_owned(),
            http: Http::new(Some(token)),
            child: None,
            storage: None,
        };
        target.wait_until_up().await?;
        Ok(target)
    }

    async fn wait_until_up(&mut self) -> anyhow::Result<()> {
        let start = Instant::now();
        loop {
            if let Ok(answer) = self
                .http
                .send(Method::GET, &self.url("/readyz"), Bytes::new())
                .await
                && answer.status.is_success()
            {
                return Ok(());
            }
            if let Some(child) = &mut self.child
                && let Some(status) = child.try_wait()?
            {
                bail!("hookd exited at start ({status}); see {}", self.log_path());
            }
            if start.elapsed() > Duration::from_secs(30) {
                bail!("hookd did not answer /readyz within 30 s");
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub fn log_path(&self) -> String {
        self.storage
            .as_ref()
            .map(|storage| storage.dir.join("hookd.log").display().to_string())
            .unwrap_or_else(|| "the server's log".into())
    }

    /// An API call that must answer `expected`; returns the JSON answer.
    pub async fn call(
        &self,
        method: Method,
        path: &str,
        body: Value,
        expected: StatusCode,
    ) -> anyhow::Result<Value> {
        let body = if body.is_null() {
            Bytes::new()
        } else {
            Bytes::from(body.to_string())
        };
        let answer = self
            .http
            .send(method.clone(), &self.url(path), body)
            .await?;
        if answer.status != expected {
            bail!(
                "{method} {path} answered {}: {}",
                answer.status,
                String::from_utf8_lossy(&answer.body)
            );
        }
        Ok(serde_json::from_slice(&answer.body).unwrap_or(Value::Null))
    }

    /// Reads the child hookd's resident memory in bytes (None for a hookd run elsewhere).
    pub fn memory_probe(&self) -> impl Fn() -> Option<u64> + Send + 'static {
        let pid = self.child.as_ref().map(Child::id);
        move || {
            let status = std::fs::read_to_string(format!("/proc/{}/status", pid?)).ok()?;
            let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
            let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
            Some(kib * 1024)
        }
    }

    /// The CPU time the child hookd has used so far (None for a hookd run elsewhere).
    pub fn cpu_time(&self) -> Option<Duration> {
        process_cpu_time(&self.pid()?.to_string())
    }

    /// The child hookd's process id (None for a hookd run elsewhere).
    pub fn pid(&self) -> Option<u32> {
        self.child.as_ref().map(Child::id)
    }

    /// Stops the child and removes its data.
    pub async fn stop(mut self) -> anyhow::Result<()> {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
        if let Some(storage) = self.storage.take() {
            storage.remove().await?;
        }
        // The next scenario starts on a quiet disk, not behind this one's writeback.
        let _ = tokio::task::spawn_blocking(|| Command::new("sync").status()).await;
        Ok(())
    }
}

impl Drop for Target {
    fn drop(&mut self) {
        if let Some(child) = &mut self.child {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// Where a server under test keeps its data: a folder of its own (its log and, on SQLite, its
/// database file) and, on PostgreSQL, a database of its own on the server. `remove` removes
/// both.
pub(super) struct Storage {
    pub(super) dir: PathBuf,
    /// The database to give the server: `sqlite://` and a file in `dir`, or the database's URL.
    pub(super) url: String,
    /// The server and the database's name, on PostgreSQL.
    postgres: Option<(String, String)>,
}

impl Storage {
    /// A fresh folder and database, named `prefix` and a ULID.
    pub(super) async fn make(backend: &Backend, prefix: &str) -> anyhow::Result<Self> {
        let unique = ulid::Ulid::new().to_string().to_lowercase();
        let dir = std::env::temp_dir().join(format!("{}-{unique}", prefix.replace('_', "-")));
        std::fs::create_dir_all(&dir)?;
        let (url, postgres) = match backend {
            Backend::Sqlite => (format!("sqlite://{}", dir.join("hookd.db").display()), None),
            Backend::Postgres(server) => {
                let name = format!("{prefix}_{unique}");
                admin_sql(server, &format!("CREATE DATABASE {name}")).await?;
                let mut url = url::Url::parse(server)?;
                url.set_path(&name);
                (url.to_string(), Some((server.clone(), name)))
            }
        };
        Ok(Self { dir, url, postgres })
    }

    pub(super) async fn remove(self) -> anyhow::Result<()> {
        if let Some((server, name)) = &self.postgres {
            admin_sql(
                server,
                &format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"),
            )
            .await?;
        }
        let _ = std::fs::remove_dir_all(&self.dir);
        Ok(())
    }
}

async fn admin_sql(server: &str, statement: &str) -> anyhow::Result<()> {
    use sqlx::Connection;
    let mut connection = sqlx::PgConnection::connect(server)
        .await
        .with_context(|| format!("connecting to PostgreSQL at {server}"))?;
    sqlx::raw_sql(statement).execute(&mut connection).await?;
    Ok(())
}

/// User plus system CPU time of a process (`self` for this one), from `/proc/<pid>/stat`.
pub fn process_cpu_time(pid: &str) -> Option<Duration> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    stat_cpu_time(&stat).map(|(_, time)| time)
}

/// The CPU time of every PostgreSQL server process on this machine (the benchmark's database
/// server shares the cores when it is local). Processes that exit meanwhile drop out of the
/// sum, so a difference of two readings is a lower bound.
pub fn postgres_cpu_time() -> Option<Duration> {
    let mut total = Duration::ZERO;
    for entry in std::fs::read_dir("/proc").ok()?.flatten() {
        let stat = std::fs::read_to_string(entry.path().join("stat")).unwrap_or_default();
        if let Some(("postgres", time)) = stat_cpu_time(&stat) {
            total += time;
        }
    }
    Some(total)
}

/// A process's command name and user plus system CPU time, from its `stat` line.
fn stat_cpu_time(stat: &str) -> Option<(&str, Duration)> {
    let (head, rest) = stat.rsplit_once(')')?;
    let name = head.split_once('(')?.1;
    // Fields after the command name (which may hold spaces) start at field 3; utime and stime
    // are fields 14 and 15, in clock ticks of 1/100 s (USER_HZ on Linux).
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks: u64 = fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
    Some((name, Duration::from_millis(ticks * 10)))
}
