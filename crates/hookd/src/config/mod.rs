//! Configuration in one place: the commented default file built into the binary, then a file,
//! then `HOOKD_*` environment variables, then flags; validated into `Config` with messages that
//! name the setting.

mod raw;

pub use raw::SettingsFlags;

use crate::model::RetrySchedule;
use hyper::header::HeaderValue;
use ipnet::IpNet;
use std::fmt;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

/// The default configuration file, with a comment on every setting.
pub const DEFAULT_CONFIG: &str = include_str!("default.toml");

/// Where the data lives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Database {
    Sqlite(PathBuf),
    Postgres(String),
}

/// What a node does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// The HTTP API and the dispatcher.
    All,
    /// The HTTP API only: deliveries it accepts are left for workers to claim.
    Api,
    /// The dispatcher only (plus health and metrics endpoints).
    Worker,
}

impl Role {
    pub fn serves_api(self) -> bool {
        matches!(self, Role::All | Role::Api)
    }

    pub fn dispatches(self) -> bool {
        matches!(self, Role::All | Role::Worker)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    Text,
    Json,
}

/// The admin token from configuration. `Debug` does not print it.
#[derive(Clone)]
pub struct AdminToken(pub String);

impl fmt::Debug for AdminToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("AdminToken(<redacted>)")
    }
}

/// Validated settings. See `default.toml` for what each does.
#[derive(Debug, Clone)]
pub struct Config {
    pub listen: SocketAddr,
    pub database: Database,
    pub database_pool: u32,
    pub role: Role,
    pub lease: Duration,
    pub admin_token: Option<AdminToken>,
    pub retry_schedule: RetrySchedule,
    pub allowed_networks: Vec<IpNet>,
    pub disable_after_failures: u32,
    pub max_event_bytes: usize,
    pub max_batch_bytes: usize,
    pub retention: Duration,
    pub scan_interval: Duration,
    pub dispatch_buffer: usize,
    pub dispatch_buffer_bytes: usize,
    pub dispatch_buffer_per_webhook: usize,
    pub shutdown_grace: Duration,
    pub log: String,
    pub log_format: LogFormat,
    /// `hookd/<version>`, sent with every delivery.
    pub user_agent: HeaderValue,
}

/// Settings that could not be read or are invalid; each line names the setting.
#[derive(Debug, thiserror::Error)]
#[error("invalid configuration:\n  {}", .0.join("\n  "))]
pub struct ConfigError(pub Vec<String>);

impl Config {
    /// Reads the layers (`file` or `HOOKD_CONFIG`, the environment, `flags`) and validates.
    pub fn load(flags: &SettingsFlags) -> Result<Self, ConfigError> {
        raw::load(flags)
    }

    /// The defaults with some settings replaced, for tests and embedding: `pairs` are
    /// (key, value) as they would appear in the config file, values as strings.
    pub fn from_pairs(pairs: &[(&str, &str)]) -> Result<Self, ConfigError> {
        raw::from_pairs(pairs)
    }
}
