//! The layers before validation: every value as text (or a number), merged by figment.

use super::{AdminToken, Config, ConfigError, DEFAULT_CONFIG, Database, LogFormat, Role};
use crate::model::RetrySchedule;
use figment::Figment;
use figment::providers::{Env, Format, Serialized, Toml};
use hyper::header::HeaderValue;
use serde::{Deserialize, Deserializer, Serialize};
use std::path::PathBuf;
use std::time::Duration;

/// Flags of `hookd serve` and `hookd migrate`, one per setting; given ones override the rest.
#[derive(Debug, Default, Clone, clap::Args, Serialize)]
pub struct SettingsFlags {
    /// A config file (keys as in `hookd config`).
    #[arg(long, env = "HOOKD_CONFIG", value_name = "PATH")]
    #[serde(skip)]
    pub config: Option<PathBuf>,
    /// Address of the API and UI [HOOKD_LISTEN; default 127.0.0.1:8080].
    #[arg(long, value_name = "ADDR")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub listen: Option<String>,
    /// sqlite://PATH or postgres://... [HOOKD_DATABASE_URL; default sqlite://hookd.db].
    #[arg(long, value_name = "URL")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub database_url: Option<String>,
    /// Connections to PostgreSQL this node keeps at most [default 16].
    #[arg(long, value_name = "N")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub database_pool: Option<u64>,
    /// What this node does: api, worker or all [HOOKD_ROLE; default all].
    #[arg(long, value_name = "ROLE")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
    /// How long a node's claim on a delivery lasts without renewal [default 30s].
    #[arg(long, value_name = "DURATION")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lease: Option<String>,
    /// The admin bearer token [HOOKD_ADMIN_TOKEN; prefer the variable: flags show in `ps`].
    #[arg(long, value_name = "TOKEN")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub admin_token: Option<String>,
    /// Default delays between attempts [HOOKD_RETRY_SCHEDULE; default 1m,5m,15m].
    #[arg(long, value_name = "LIST")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retry_schedule: Option<String>,
    /// CIDR ranges webhooks may reach although not public [HOOKD_ALLOWED_NETWORKS].
    #[arg(long, value_name = "CIDRS")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub allowed_networks: Option<String>,
    /// Failed deliveries in a row that disable a webhook; 0 never [default 10].
    #[arg(long, value_name = "N")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub disable_after_failures: Option<u32>,
    /// Largest event body in bytes [default 262144].
    #[arg(long, value_name = "BYTES")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_event_bytes: Option<u64>,
    /// Largest batch body in bytes [default 16777216].
    #[arg(long, value_name = "BYTES")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_batch_bytes: Option<u64>,
    /// How long events and logs are kept [default 30d].
    #[arg(long, value_name = "DURATION")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retention: Option<String>,
    /// How often due retries are looked for [default 250ms].
    #[arg(long, value_name = "DURATION")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scan_interval: Option<String>,
    /// Deliveries held in memory at most [default 20000].
    #[arg(long, value_name = "N")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dispatch_buffer: Option<u64>,
    /// Payload bytes held in memory at most [default 67108864].
    #[arg(long, value_name = "BYTES")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dispatch_buffer_bytes: Option<u64>,
    /// Deliveries one webhook may hold in memory at most [default 2000].
    #[arg(long, value_name = "N")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dispatch_buffer_per_webhook: Option<u64>,
    /// How long attempts in flight may take at shutdown [default 10s].
    #[arg(long, value_name = "DURATION")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub shutdown_grace: Option<String>,
    /// Log filter, e.g. info or hookd=debug [default info].
    #[arg(long, value_name = "FILTER")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub log: Option<String>,
    /// text or json [default text].
    #[arg(long, value_name = "FORMAT")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub log_format: Option<String>,
}

/// Every setting as read, before validation.
#[derive(Debug, Deserialize)]
struct RawConfig {
    #[serde(deserialize_with = "text")]
    listen: String,
    #[serde(deserialize_with = "text")]
    database_url: String,
    #[serde(deserialize_with = "number")]
    database_pool: u32,
    #[serde(deserialize_with = "text")]
    role: String,
    #[serde(deserialize_with = "text")]
    lease: String,
    #[serde(default, deserialize_with = "optional_text")]
    admin_token: Option<String>,
    #[serde(deserialize_with = "list")]
    retry_schedule: String,
    #[serde(deserialize_with = "list")]
    allowed_networks: String,
    #[serde(deserialize_with = "number")]
    disable_after_failures: u32,
    #[serde(deserialize_with = "number")]
    max_event_bytes: u64,
    #[serde(deserialize_with = "number")]
    max_batch_bytes: u64,
    #[serde(deserialize_with = "text")]
    retention: String,
    #[serde(deserialize_with = "text")]
    scan_interval: String,
    #[serde(deserialize_with = "number")]
    dispatch_buffer: u64,
    #[serde(deserialize_with = "number")]
    dispatch_buffer_bytes: u64,
    #[serde(deserialize_with = "number")]
    dispatch_buffer_per_webhook: u64,
    #[serde(deserialize_with = "text")]
    shutdown_grace: String,
    #[serde(deserialize_with = "text")]
    log: String,
    #[serde(deserialize_with = "text")]
    log_format: String,
}

const KEYS: &[&str] = &[
    "listen",
    "database_url",
    "database_pool",
    "role",
    "lease",
    "admin_token",
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

/// A whole number, written as a number or as text (environment variables, flags).
fn number<'de, D: Deserializer<'de>, T: std::str::FromStr>(deserializer: D) -> Result<T, D::Error> {
    let text = text(deserializer)?;
    text.trim()
        .parse()
        .map_err(|_| serde::de::Error::custom(format!("'{text}' is not a whole number")))
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
    let raw: RawConfig = figment
        .extract()
        .map_err(|e| ConfigError(e.into_iter().map(|e| e.to_string()).collect()))?;
    validate(raw)
}

fn validate(raw: RawConfig) -> Result<Config, ConfigError> {
    let mut errors = Vec::new();
    let mut check = |key: &str, result: Result<(), String>| {
        if let Err(message) = result {
            errors.push(format!("{key}: {message}"));
        }
    };
    let listen = raw
        .listen
        .parse()
        .map_err(|_| format!("'{}' is not an address such as 127.0.0.1:8080", raw.listen));
    let database = database(&raw.database_url);
    let schedule = RetrySchedule::parse_list(&raw.retry_schedule).map_err(|(_, e)| e.to_string());
    let networks: Result<Vec<ipnet::IpNet>, String> = raw
        .allowed_networks
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| {
            s.parse()
                .map_err(|_| format!("'{s}' is not a CIDR range such as 127.0.0.0/8"))
        })
        .collect();
    let retention = duration(&raw.retention, Duration::from_secs(3600));
    let scan_interval = duration(&raw.scan_interval, Duration::from_millis(10));
    let shutdown_grace = duration(&raw.shutdown_grace, Duration::ZERO);
    let lease = duration(&raw.lease, Duration::from_secs(1));
    let role = match raw.role.as_str() {
        "all" => Ok(Role::All),
        "api" => Ok(Role::Api),
        "worker" => Ok(Role::Worker),
        other => Err(format!("'{other}' is not api, worker or all")),
    };
    let log_format = match raw.log_format.as_str() {
        "text" => Ok(LogFormat::Text),
        "json" => Ok(LogFormat::Json),
        other => Err(format!("'{other}' is not text or json")),
    };
    let at_least = |value: u64, min: u64| {
        if value >= min {
            Ok(())
        } else {
            Err(format!("must be at least {min}"))
        }
    };
    check("listen", listen.as_ref().map(|_| ()).map_err(Clone::clone));
    check(
        "database_url",
        database.as_ref().map(|_| ()).map_err(Clone::clone),
    );
    check(
        "retry_schedule",
        schedule.as_ref().map(|_| ()).map_err(Clone::clone),
    );
    check(
        "allowed_networks",
        networks.as_ref().map(|_| ()).map_err(Clone::clone),
    );
    check(
        "retention",
        retention.as_ref().map(|_| ()).map_err(Clone::clone),
    );
    check(
        "scan_interval",
        scan_interval.as_ref().map(|_| ()).map_err(Clone::clone),
    );
    check(
        "shutdown_grace",
        shutdown_grace.as_ref().map(|_| ()).map_err(Clone::clone),
    );
    check("lease", lease.as_ref().map(|_| ()).map_err(Clone::clone));
    check("role", role.as_ref().map(|_| ()).map_err(Clone::clone));
    check("database_pool", at_least(u64::from(raw.database_pool), 2));
    check(
        "log_format",
        log_format.as_ref().map(|_| ()).map_err(Clone::clone),
    );
    check("max_event_bytes", at_least(raw.max_event_bytes, 1024));
    check(
        "max_batch_bytes",
        at_least(raw.max_batch_bytes, raw.max_event_bytes),
    );
    check("dispatch_buffer", at_least(raw.dispatch_buffer, 1));
    check(
        "dispatch_buffer_bytes",
        at_least(raw.dispatch_buffer_bytes, raw.max_event_bytes),
    );
    check(
        "dispatch_buffer_per_webhook",
        at_least(raw.dispatch_buffer_per_webhook, 1),
    );
    if let Some(token) = &raw.admin_token {
        check(
            "admin_token",
            if token.len() >= 16 {
                Ok(())
            } else {
                Err("must be at least 16 characters".into())
            },
        );
    }
    if !errors.is_empty() {
        return Err(ConfigError(errors));
    }
    Ok(Config {
        listen: listen.expect("checked"),
        database: database.expect("checked"),
        database_pool: raw.database_pool,
        role: role.expect("checked"),
        lease: lease.expect("checked"),
        admin_token: raw.admin_token.map(AdminToken),
        retry_schedule: schedule.expect("checked"),
        allowed_networks: networks.expect("checked"),
        disable_after_failures: raw.disable_after_failures,
        max_event_bytes: raw.max_event_bytes as usize,
        max_batch_bytes: raw.max_batch_bytes as usize,
        retention: retention.expect("checked"),
        scan_interval: scan_interval.expect("checked"),
        dispatch_buffer: raw.dispatch_buffer as usize,
        dispatch_buffer_bytes: raw.dispatch_buffer_bytes as usize,
        dispatch_buffer_per_webhook: raw.dispatch_buffer_per_webhook as usize,
        shutdown_grace: shutdown_grace.expect("checked"),
        log: raw.log,
        log_format: log_format.expect("checked"),
        user_agent: HeaderValue::from_static(concat!("hookd/", env!("CARGO_PKG_VERSION"))),
    })
}

fn duration(text: &str, min: Duration) -> Result<Duration, String> {
    let value = humantime::parse_duration(text.trim())
        .map_err(|_| format!("'{text}' is not a duration such as 30s or 5m"))?;
    if value < min {
        return Err(format!(
            "must be at least {}",
            humantime::format_duration(min)
        ));
    }
    Ok(value)
}

fn database(url: &str) -> Result<Database, String> {
    if let Some(path) = url.strip_prefix("sqlite://") {
        if path.is_empty() {
            return Err("sqlite:// needs a file path, e.g. sqlite://hookd.db".into());
        }
        return Ok(Database::Sqlite(PathBuf::from(path)));
    }
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        return Ok(Database::Postgres(url.to_owned()));
    }
    Err("must start with sqlite:// or postgres://".into())
}

#[cfg(test)]
mod tests {
    use super::*;

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
        ])
        .unwrap_err();
        let text = error.to_string();
        for key in [
            "listen:",
            "retry_schedule:",
            "allowed_networks:",
            "database_url:",
            "role:",
            "lease:",
        ] {
            assert!(text.contains(key), "{text}");
        }
    }
}
