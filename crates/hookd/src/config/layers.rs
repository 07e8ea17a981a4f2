//! The layers before validation: the default file, a config file, `HOOKD_*` variables and
//! flags, merged by figment into every value as text (or a number), and where each came from.

use super::flags::SettingsFlags;
use super::{Config, ConfigError, DEFAULT_CONFIG};
use figment::Figment;
use figment::providers::{Env, Format, Serialized, Toml};
use serde::{Deserialize, Deserializer};

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
    pub(super) retention_events: String,
    #[serde(deserialize_with = "text")]
    pub(super) retention_attempts: String,
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
    "retention_events",
    "retention_attempts",
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
}
