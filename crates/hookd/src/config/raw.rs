//! The layers before validation: every value as text (or a number), merged by figment, and
//! where each came from.

use super::{Config, ConfigError, DEFAULT_CONFIG};
use figment::Figment;
use figment::providers::{Env, Format, Serialized, Toml};
use serde::{Deserialize, Deserializer, Serialize};
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
    /// How long events and logs are kept [env HOOKD_RETENTION; default 30d].
    #[arg(long, value_name = "DURATION")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retention: Option<String>,
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

/// Every setting as read, before validation (`validate`): text, or a whole number that may
/// not have parsed, so that every bad setting is reported at once.
#[derive(Debug, Deserialize)]
pub(super) struct RawConfig {
    #[serde(deserialize_with = "text")]
    pub(super) listen: String,
    #[serde(deserialize_with = "text")]
    pub(super) database_url: String,
    pub(super) database_pool: Whole<u32>,
    #[serde(deserialize_with = "text")]
    pub(super) role: String,
    #[serde(deserialize_with = "text")]
    pub(super) lease: String,
    #[serde(default, deserialize_with = "optional_text")]
    pub(super) admin_token: Option<String>,
    #[serde(default, deserialize_with = "optional_text")]
    pub(super) secret_key: Option<String>,
    #[serde(deserialize_with = "list")]
    pub(super) retry_schedule: String,
    #[serde(deserialize_with = "list")]
    pub(super) allowed_networks: String,
    pub(super) disable_after_failures: Whole<u32>,
    pub(super) max_event_bytes: Whole<u64>,
    pub(super) max_batch_bytes: Whole<u64>,
    #[serde(deserialize_with = "text")]
    pub(super) retention: String,
    #[serde(deserialize_with = "text")]
    pub(super) scan_interval: String,
    pub(super) dispatch_buffer: Whole<u64>,
    pub(super) dispatch_buffer_bytes: Whole<u64>,
    pub(super) dispatch_buffer_per_webhook: Whole<u64>,
    #[serde(deserialize_with = "text")]
    pub(super) shutdown_grace: String,
    #[serde(deserialize_with = "text")]
    pub(super) log: String,
    #[serde(deserialize_with = "text")]
    pub(super) log_format: String,
    #[serde(default, deserialize_with = "optional_text")]
    pub(super) otlp_endpoint: Option<String>,
    pub(super) max_connections: Whole<u64>,
    pub(super) max_connections_per_ip: Whole<u64>,
    #[serde(deserialize_with = "text")]
    pub(super) http_idle_timeout: String,
    #[serde(deserialize_with = "text")]
    pub(super) http_body_timeout: String,
    pub(super) max_outbound: Whole<u64>,
    pub(super) max_outbound_per_tenant: Whole<u64>,
    pub(super) max_webhooks_per_tenant: Whole<u64>,
    pub(super) max_inboxes_per_tenant: Whole<u64>,
    pub(super) max_in_flight_per_webhook: Whole<u32>,
    #[serde(default, deserialize_with = "optional_text")]
    pub(super) public_url: Option<String>,
    #[serde(deserialize_with = "list")]
    pub(super) trusted_proxies: String,
    #[serde(deserialize_with = "text")]
    pub(super) retention_inbox_requests: String,
}

const KEYS: &[&str] = &[
    "listen",
    "database_url",
    "database_pool",
    "role",
    "lease",
    "admin_token",
    "secret_key",
    "retry_schedule",
    "allowed_networks",
    "disable_after_failures",
    "max_event_bytes",
    "max_batch_bytes",
    "retention",
    "scan_interval",
    "dispatch_buffer",
    "dispatch_buffer_bytes",
    "dispatch_buffer_per_webhook",
    "shutdown_grace",
    "log",
    "log_format",
    "otlp_endpoint",
    "max_connections",
    "max_connections_per_ip",
    "http_idle_timeout",
    "http_body_timeout",
    "max_outbound",
    "max_outbound_per_tenant",
    "max_webhooks_per_tenant",
    "max_inboxes_per_tenant",
    "max_in_flight_per_webhook",
    "public_url",
    "trusted_proxies",
    "retention_inbox_requests",
];

/// A value given as text or as a number or boolean (environment variables arrive parsed).
#[derive(Deserialize)]
#[serde(untagged)]
enum Scalar {
    Text(String),
    Integer(i64),
    Float(f64),
    Bool(bool),
    List(Vec<Scalar>),
}

impl Scalar {
    fn into_text(self) -> String {
        match self {
            Scalar::Text(text) => text,
            Scalar::Integer(n) => n.to_string(),
            Scalar::Float(n) => n.to_string(),
            Scalar::Bool(b) => b.to_string(),
            Scalar::List(items) => items
                .into_iter()
                .map(Scalar::into_text)
                .collect::<Vec<_>>()
                .join(","),
        }
    }
}

fn text<'de, D: Deserializer<'de>>(deserializer: D) -> Result<String, D::Error> {
    Scalar::deserialize(deserializer).map(Scalar::into_text)
}

fn optional_text<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<String>, D::Error> {
    Option::<Scalar>::deserialize(deserializer)
        .map(|v| v.map(Scalar::into_text).filter(|t| !t.is_empty()))
}

/// A whole number as read, written as a number or as text (environment variables, flags): the
/// number, or why the text is not one.
#[derive(Debug)]
pub(super) struct Whole<T>(pub(super) Result<T, String>);

impl<'de, T: std::str::FromStr> Deserialize<'de> for Whole<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = text(deserializer)?;
        Ok(Self(
            text.trim()
                .parse()
                .map_err(|_| format!("'{text}' is not a whole number")),
        ))
    }
}

/// A comma-separated string, or a list in a config file.
fn list<'de, D: Deserializer<'de>>(deserializer: D) -> Result<String, D::Error> {
    text(deserializer)
}

pub fn load(flags: &SettingsFlags) -> Result<Config, ConfigError> {
    let mut figment = Figment::from(Toml::string(DEFAULT_CONFIG));
    if let Some(path) = &flags.config {
        if !path.is_file() {
            return Err(ConfigError(vec![format!(
                "config: {} is not a readable file",
                path.display()
            )]));
        }
        check_file_keys(path)?;
        figment = figment.merge(Toml::file(path));
    }
    figment = figment
        .merge(
            Env::prefixed("HOOKD_")
                .ignore(&["config"])
                .filter(|key| KEYS.iter().any(|known| key == *known)),
        )
        .merge(Serialized::defaults(flags));
    extract(figment)
}

pub fn from_pairs(pairs: &[(&str, &str)]) -> Result<Config, ConfigError> {
    let mut figment = Figment::from(Toml::string(DEFAULT_CONFIG));
    for (key, value) in pairs {
        figment = figment.merge(Serialized::default(key, value));
    }
    extract(figment)
}

fn check_file_keys(path: &std::path::Path) -> Result<(), ConfigError> {
    use figment::Provider;
    let data = Toml::file(path)
        .data()
        .map_err(|e| ConfigError(vec![format!("config: {e}")]))?;
    let unknown: Vec<String> = data
        .values()
        .flat_map(|dict| dict.keys())
        .filter(|key| !KEYS.contains(&key.as_str()))
        .map(|key| {
            format!(
                "{key}: unknown setting in {} (see `hookd config`)",
                path.display()
            )
        })
        .collect();
    if unknown.is_empty() {
        Ok(())
    } else {
        Err(ConfigError(unknown))
    }
}

fn extract(figment: Figment) -> Result<Config, ConfigError> {
    let raw: RawConfig = figment.extract().map_err(|errors| {
        ConfigError(
            errors
                .into_iter()
                .map(|error| read_error(&figment, error))
                .collect(),
        )
    })?;
    super::validate::validate(raw, &|key| source_of(&figment, key))
}

/// A value that could not be read, worded like the validation errors: the setting, what is
/// wrong, and where the value came from (never the config library's own phrasing).
fn read_error(figment: &Figment, error: figment::Error) -> String {
    use figment::error::Kind;
    let key = error.path.join(".");
    let what = match &error.kind {
        Kind::Message(message) => message.clone(),
        Kind::MissingField(_) => "is missing".to_owned(),
        Kind::InvalidType(actual, expected) => format!("is {actual}, not {expected}"),
        other => other.to_string(),
    };
    if key.is_empty() {
        return format!("config: {what}");
    }
    format!("{key}: {what} ({})", source_of(figment, &key))
}

/// Where a setting's value came from: "from HOOKD_LISTEN", "from --listen", "in hookd.toml",
/// or "the default".
fn source_of(figment: &Figment, key: &str) -> String {
    let Some(metadata) = figment.find_metadata(key) else {
        return "the default".to_owned();
    };
    if metadata.name.contains("environment variable") {
        return format!("from HOOKD_{}", key.to_ascii_uppercase());
    }
    if let Some(figment::Source::File(path)) = &metadata.source {
        return format!("in {}", path.display());
    }
    if metadata.name.contains("SettingsFlags") {
        return format!("from --{}", key.replace('_', "-"));
    }
    if metadata.name.contains("source string") {
        return "the default".to_owned();
    }
    "as given".to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{Database, Role};
    use crate::model::RetrySchedule;
    use std::time::Duration;

    /// The built-in defaults are the documented ones.
    #[test]
    fn defaults_are_the_documented_ones() {
        let config = from_pairs(&[]).unwrap();
        assert_eq!(config.listen.to_string(), "127.0.0.1:8080");
        assert_eq!(config.database, Database::Sqlite("hookd.db".into()));
        assert_eq!(config.retry_schedule, RetrySchedule::default());
        assert!(config.allowed_networks.is_empty());
        assert_eq!(config.disable_after_failures, 10);
        assert_eq!(config.max_event_bytes, 256 * 1024);
        assert!(config.admin_token.is_none());
        assert_eq!(config.role, Role::All);
        assert_eq!(config.lease, Duration::from_secs(30));
        assert_eq!(config.database_pool, 16);
    }

    /// A config file overrides the defaults and flags override the file; a key the file
    /// misspells is refused by name instead of being ignored.
    #[test]
    fn flags_override_the_file_which_overrides_the_defaults() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("hookd.toml");
        std::fs::write(&file, "retry_schedule = [\"2s\", \"4s\"]\nlisten = \"127.0.0.1:9999\"\nmax_event_bytes = 4096\n").unwrap();
        let flags = SettingsFlags {
            config: Some(file.clone()),
            listen: Some("127.0.0.1:7777".into()),
            ..Default::default()
        };
        let config = load(&flags).unwrap();
        assert_eq!(
            config.retry_schedule,
            RetrySchedule::parse(&["2s", "4s"]).unwrap()
        );
        assert_eq!(config.max_event_bytes, 4096);
        assert_eq!(config.listen.to_string(), "127.0.0.1:7777");

        std::fs::write(&file, "retry_schedul = \"1s\"\n").unwrap();
        let error = load(&flags).unwrap_err().to_string();
        assert!(error.contains("retry_schedul: unknown setting"), "{error}");
        let missing = SettingsFlags {
            config: Some(dir.path().join("absent.toml")),
            ..Default::default()
        };
        assert!(
            load(&missing)
                .unwrap_err()
                .to_string()
                .contains("not a readable file")
        );
    }

    /// The listen address may be a host name as well as an IP address; anything else is
    /// refused by name.
    #[test]
    fn listen_takes_host_names_and_addresses() {
        for (text, shown) in [
            ("localhost:8080", "localhost:8080"),
            ("hookd.internal:80", "hookd.internal:80"),
            ("0.0.0.0:8080", "0.0.0.0:8080"),
            ("[::1]:8080", "[::1]:8080"),
        ] {
            let config = from_pairs(&[("listen", text)]).unwrap();
            assert_eq!(config.listen.to_string(), shown);
        }
        for bad in [
            "localhost",
            "localhost:http",
            "bad_host:80",
            ":8080",
            "-x:80",
            "a b:80",
        ] {
            let error = from_pairs(&[("listen", bad)]).unwrap_err().to_string();
            assert!(error.contains("listen: '"), "{bad}: {error}");
        }
    }

    /// A SQLite path in a folder that does not exist is refused, naming the folder, instead of
    /// the folder being created.
    #[test]
    fn a_sqlite_path_needs_an_existing_folder() {
        let error = from_pairs(&[("database_url", "sqlite:///nonexistent/dir/hookd.db")])
            .unwrap_err()
            .to_string();
        assert!(
            error.contains("database_url: the folder /nonexistent/dir does not exist"),
            "{error}"
        );
        assert!(!std::path::Path::new("/nonexistent").exists());
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}/hookd.db", dir.path().display());
        assert!(from_pairs(&[("database_url", &url)]).is_ok());
    }

    /// `1m 5m` in the retry schedule is refused with the comma-separated form to write
    /// instead, not read as one delay of six minutes.
    #[test]
    fn a_schedule_without_commas_is_refused_with_the_fix() {
        let error = from_pairs(&[("retry_schedule", "1m 5m")])
            .unwrap_err()
            .to_string();
        assert!(
            error.contains("retry_schedule: '1m 5m' holds more than one duration"),
            "{error}"
        );
        assert!(error.contains("such as 1m,5m"), "{error}");
        let error = from_pairs(&[("retry_schedule", "1 minute")])
            .unwrap_err()
            .to_string();
        assert!(error.contains("'1 minute' is not a duration"), "{error}");
    }

    /// Every invalid setting is reported, each under its own name.
    #[test]
    fn invalid_settings_are_named() {
        let error = from_pairs(&[
            ("listen", "nowhere"),
            ("retry_schedule", "1m,soon"),
            ("allowed_networks", "10.0.0.0/33"),
            ("database_url", "mysql://x"),
            ("role", "leader"),
            ("lease", "10ms"),
            ("secret_key", "not-a-key"),
        ])
        .unwrap_err();
        let text = error.to_string();
        assert!(!text.contains("not-a-key"), "a key is never echoed: {text}");
        for key in [
            "listen:",
            "retry_schedule:",
            "allowed_networks:",
            "database_url:",
            "role:",
            "lease:",
            "secret_key:",
        ] {
            assert!(text.contains(key), "{text}");
        }
    }
}
