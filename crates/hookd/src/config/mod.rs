//! Configuration in one place: the commented default file built into the binary, then a file,
//! then `HOOKD_*` environment variables, then flags; validated into `Config` with messages that
//! name the setting.

mod flags;
mod layers;
#[cfg(test)]
mod proptests;
mod validate;

pub use flags::{DatabaseFlags, KeyFlags, SettingsFlags};

use crate::model::RetrySchedule;
use crate::store::sealing::Keyring;
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

/// Where the API listens: an IP address or a host name, and a port. A name is resolved when
/// hookd binds, and it listens on the first of its addresses that it can bind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ListenAddress {
    Ip(SocketAddr),
    Name { host: String, port: u16 },
}

impl ListenAddress {
    /// `127.0.0.1:8080`, `[::1]:8080`, `0.0.0.0:80` or `localhost:8080`.
    pub fn parse(text: &str) -> Result<Self, String> {
        let text = text.trim();
        if let Ok(address) = text.parse::<SocketAddr>() {
            return Ok(Self::Ip(address));
        }
        let invalid =
            || format!("'{text}' is not an address such as 127.0.0.1:8080 or localhost:8080");
        let (host, port) = text.rsplit_once(':').ok_or_else(invalid)?;
        let port: u16 = port.parse().map_err(|_| invalid())?;
        let label_ok = |label: &str| {
            !label.is_empty()
                && label.len() <= 63
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-')
        };
        if host.len() > 253 || !host.split('.').all(label_ok) {
            return Err(invalid());
        }
        Ok(Self::Name {
            host: host.to_owned(),
            port,
        })
    }

    /// Binds a listener, resolving a name first.
    pub async fn bind(&self) -> std::io::Result<tokio::net::TcpListener> {
        match self {
            Self::Ip(address) => tokio::net::TcpListener::bind(address).await,
            Self::Name { host, port } => {
                tokio::net::TcpListener::bind((host.as_str(), *port)).await
            }
        }
    }
}

impl fmt::Display for ListenAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Ip(address) => address.fmt(f),
            Self::Name { host, port } => write!(f, "{host}:{port}"),
        }
    }
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
    pub listen: ListenAddress,
    pub database: Database,
    pub database_pool: u32,
    pub role: Role,
    pub lease: Duration,
    pub admin_token: Option<AdminToken>,
    /// `HOOKD_SECRET_KEY`: the keys that seal secrets at rest. `Debug` shows key ids only.
    pub secret_key: Option<Keyring>,
    pub retry_schedule: RetrySchedule,
    pub allowed_networks: Vec<IpNet>,
    pub disable_after_failures: u32,
    pub max_event_bytes: usize,
    pub max_batch_bytes: usize,
    pub retention_events: Duration,
    pub retention_attempts: Duration,
    pub scan_interval: Duration,
    pub dispatch_buffer: usize,
    pub dispatch_buffer_bytes: usize,
    pub dispatch_buffer_per_webhook: usize,
    pub shutdown_grace: Duration,
    pub log: String,
    pub log_format: LogFormat,
    /// The OTLP/HTTP collector spans are exported to (`<url>/v1/traces`), without a trailing
    /// `/`; `None`: no export.
    pub otlp_endpoint: Option<String>,
    /// What the listener lets clients hold.
    pub listener: crate::listener::ListenerLimits,
    /// Outbound requests at once: over all webhooks, and for one tenant (as configured;
    /// `app` may lower them to fit the file limit).
    pub max_outbound: usize,
    pub max_outbound_per_tenant: usize,
    pub max_webhooks_per_tenant: u64,
    pub max_inboxes_per_tenant: u64,
    pub max_in_flight_per_webhook: u32,
    /// The base URL of inbox receive URLs, without a trailing `/`; `None`: `http://` and the
    /// address the listener bound.
    pub public_url: Option<String>,
    /// Proxies whose `X-Forwarded-For` is believed.
    pub trusted_proxies: Vec<IpNet>,
    pub retention_inbox_requests: Duration,
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
        layers::load(flags)
    }

    /// The defaults with some settings replaced, for tests and embedding: `pairs` are
    /// (key, value) as they would appear in the config file, values as strings.
    pub fn from_pairs(pairs: &[(&str, &str)]) -> Result<Self, ConfigError> {
        layers::from_pairs(pairs)
    }
}
