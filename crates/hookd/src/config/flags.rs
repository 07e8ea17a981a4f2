//! The flags of the commands that read settings: `hookd serve` has one per setting, the
//! commands that only need the database or the keys have those few. Given flags are the last
//! layer (`layers.rs`), over the environment, the file and the defaults.

use serde::Serialize;
use std::path::PathBuf;

/// Flags of `hookd serve`, one per setting; given ones override the rest. Each setting can
/// also be given as an environment variable (shown in brackets) or in a config file.
#[derive(Debug, Default, Clone, clap::Args, Serialize)]
pub struct SettingsFlags {
    /// A config file in TOML, keys as in `hookd config` [env HOOKD_CONFIG].
    #[arg(long, env = "HOOKD_CONFIG", value_name = "PATH")]
    #[serde(skip)]
    pub config: Option<PathBuf>,
    /// Address of the API and UI: IP or host name, and port [env HOOKD_LISTEN; default 127.0.0.1:8080].
    #[arg(long, value_name = "ADDR")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub listen: Option<String>,
    /// sqlite://PATH or postgres://... [env HOOKD_DATABASE_URL; default sqlite://hookd.db].
    #[arg(long, value_name = "URL")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub database_url: Option<String>,
    /// Connections to PostgreSQL this node keeps at most [env HOOKD_DATABASE_POOL; default 16].
    #[arg(long, value_name = "N")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub database_pool: Option<u64>,
    /// What this node does: api, worker or all [env HOOKD_ROLE; default all].
    #[arg(long, value_name = "ROLE")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
    /// How long a node's claim on a delivery lasts without renewal [env HOOKD_LEASE; default 30s].
    #[arg(long, value_name = "DURATION")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lease: Option<String>,
    /// The admin bearer token; prefer the variable, flags show in `ps` [env HOOKD_ADMIN_TOKEN].
    #[arg(long, value_name = "TOKEN")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub admin_token: Option<String>,
    /// Keys that seal webhook secrets at rest: base64 of 32 bytes, comma-separated; the first seals, any opens; prefer the variable [env HOOKD_SECRET_KEY; default: SQLite a key file beside the database, PostgreSQL none].
    #[arg(long, value_name = "KEYS")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub secret_key: Option<String>,
    /// Default delays between attempts, such as 30s,5m,1h [env HOOKD_RETRY_SCHEDULE; default 1m,5m,15m].
    #[arg(long, value_name = "LIST")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retry_schedule: Option<String>,
    /// CIDR ranges webhooks may reach although not public [env HOOKD_ALLOWED_NETWORKS; default none].
    #[arg(long, value_name = "CIDRS")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub allowed_networks: Option<String>,
    /// Failed deliveries in a row that disable a webhook; 0 never [env HOOKD_DISABLE_AFTER_FAILURES; default 10].
    #[arg(long, value_name = "N")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub disable_after_failures: Option<u32>,
    /// Largest event body in bytes [env HOOKD_MAX_EVENT_BYTES; default 262144].
    #[arg(long, value_name = "BYTES")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_event_bytes: Option<u64>,
    /// Largest batch body in bytes [env HOOKD_MAX_BATCH_BYTES; default 16777216].
    #[arg(long, value_name = "BYTES")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_batch_bytes: Option<u64>,
    /// How long events are kept, with their deliveries once all finished, and audit entries
    /// [env HOOKD_RETENTION_EVENTS; default 30d].
    #[arg(long, value_name = "DURATION")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retention_events: Option<String>,
    /// How long attempts (the webhooks' logs) and per-minute statistics are kept
    /// [env HOOKD_RETENTION_ATTEMPTS; default 30d].
    #[arg(long, value_name = "DURATION")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retention_attempts: Option<String>,
    /// How often due retries are looked for [env HOOKD_SCAN_INTERVAL; default 250ms].
    #[arg(long, value_name = "DURATION")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scan_interval: Option<String>,
    /// Deliveries held in memory at most [env HOOKD_DISPATCH_BUFFER; default 20000].
    #[arg(long, value_name = "N")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dispatch_buffer: Option<u64>,
    /// Payload bytes held in memory at most [env HOOKD_DISPATCH_BUFFER_BYTES; default 67108864].
    #[arg(long, value_name = "BYTES")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dispatch_buffer_bytes: Option<u64>,
    /// Deliveries one webhook may hold in memory at most [env HOOKD_DISPATCH_BUFFER_PER_WEBHOOK; default 2000].
    #[arg(long, value_name = "N")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dispatch_buffer_per_webhook: Option<u64>,
    /// How long attempts in flight may take at shutdown [env HOOKD_SHUTDOWN_GRACE; default 10s].
    #[arg(long, value_name = "DURATION")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub shutdown_grace: Option<String>,
    /// Log filter, e.g. info or hookd=debug [env HOOKD_LOG; default info].
    #[arg(long, value_name = "FILTER")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub log: Option<String>,
    /// Log format: text or json [env HOOKD_LOG_FORMAT; default text].
    #[arg(long, value_name = "FORMAT")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub log_format: Option<String>,
    /// Where spans are exported over OTLP/HTTP, e.g. http://127.0.0.1:4318 [env HOOKD_OTLP_ENDPOINT; default none].
    #[arg(long, value_name = "URL")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub otlp_endpoint: Option<String>,
    /// Connections the listener keeps open at once [env HOOKD_MAX_CONNECTIONS; default 1024].
    #[arg(long, value_name = "N")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_connections: Option<u64>,
    /// Connections open at once from one address [env HOOKD_MAX_CONNECTIONS_PER_IP; default 256].
    #[arg(long, value_name = "N")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_connections_per_ip: Option<u64>,
    /// How long a connection may stay silent [env HOOKD_HTTP_IDLE_TIMEOUT; default 30s].
    #[arg(long, value_name = "DURATION")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub http_idle_timeout: Option<String>,
    /// How long a request body may take to arrive [env HOOKD_HTTP_BODY_TIMEOUT; default 60s].
    #[arg(long, value_name = "DURATION")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub http_body_timeout: Option<String>,
    /// Outbound requests this node makes at once [env HOOKD_MAX_OUTBOUND; default 512].
    #[arg(long, value_name = "N")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_outbound: Option<u64>,
    /// Outbound requests at once for one tenant [env HOOKD_MAX_OUTBOUND_PER_TENANT; default 256].
    #[arg(long, value_name = "N")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_outbound_per_tenant: Option<u64>,
    /// Webhooks one tenant may have [env HOOKD_MAX_WEBHOOKS_PER_TENANT; default 1000].
    #[arg(long, value_name = "N")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_webhooks_per_tenant: Option<u64>,
    /// Inboxes one tenant may have [env HOOKD_MAX_INBOXES_PER_TENANT; default 100].
    #[arg(long, value_name = "N")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_inboxes_per_tenant: Option<u64>,
    /// The largest max_in_flight a webhook may have [env HOOKD_MAX_IN_FLIGHT_PER_WEBHOOK; default 100].
    #[arg(long, value_name = "N")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_in_flight_per_webhook: Option<u32>,
    /// The base URL others reach hookd at, for inbox receive URLs [env HOOKD_PUBLIC_URL; default http://<listen>].
    #[arg(long, value_name = "URL")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub public_url: Option<String>,
    /// CIDR ranges of proxies whose X-Forwarded-For is believed [env HOOKD_TRUSTED_PROXIES; default none].
    #[arg(long, value_name = "CIDRS")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub trusted_proxies: Option<String>,
    /// How long inbox requests are kept [env HOOKD_RETENTION_INBOX_REQUESTS; default 7d].
    #[arg(long, value_name = "DURATION")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retention_inbox_requests: Option<String>,
}

/// The flags of commands that only need the database (`hookd migrate`,
/// `hookd admin-token`); every other setting keeps its file, environment or default value.
#[derive(Debug, Default, Clone, clap::Args)]
pub struct DatabaseFlags {
    /// A config file in TOML, keys as in `hookd config` [env HOOKD_CONFIG].
    #[arg(long, env = "HOOKD_CONFIG", value_name = "PATH")]
    pub config: Option<PathBuf>,
    /// sqlite://PATH or postgres://... [env HOOKD_DATABASE_URL; default sqlite://hookd.db].
    #[arg(long, value_name = "URL")]
    pub database_url: Option<String>,
}

impl DatabaseFlags {
    /// The same, as `hookd serve`'s flags with the others left out.
    pub fn settings(&self) -> SettingsFlags {
        SettingsFlags {
            config: self.config.clone(),
            database_url: self.database_url.clone(),
            ..SettingsFlags::default()
        }
    }
}

/// The flags of `hookd rekey`: the database and the keys.
#[derive(Debug, Default, Clone, clap::Args)]
pub struct KeyFlags {
    #[command(flatten)]
    pub database: DatabaseFlags,
    /// Keys, comma-separated, base64 of 32 bytes: the first seals, any opens [env HOOKD_SECRET_KEY; default: SQLite the key file beside the database].
    #[arg(long, value_name = "KEYS")]
    pub secret_key: Option<String>,
}

impl KeyFlags {
    /// The same, as `hookd serve`'s flags with the others left out.
    pub fn settings(&self) -> SettingsFlags {
        SettingsFlags {
            secret_key: self.secret_key.clone(),
            ..self.database.settings()
        }
    }
}
