//! Validation of the settings as read: each value parsed into its type, every problem reported
//! at once, each naming the setting, what is wrong and where the value came from.

use super::layers::RawConfig;
use super::{AdminToken, Config, ConfigError, Database, ListenAddress, LogFormat, Role};
use crate::listener::ListenerLimits;
use crate::model::{InvalidSchedule, RetrySchedule};
use crate::store::sealing::Keyring;
use hyper::header::HeaderValue;
use std::path::PathBuf;
use std::time::Duration;

/// Collects the problems, each as "key: what is wrong (where it came from)".
struct Checks<'a> {
    errors: Vec<String>,
    source: &'a dyn Fn(&str) -> String,
}

impl Checks<'_> {
    /// The value, or `None` with the problem noted under `key`.
    fn take<T>(&mut self, key: &str, result: Result<T, String>) -> Option<T> {
        match result {
            Ok(value) => Some(value),
            Err(message) => {
                self.errors
                    .push(format!("{key}: {message} ({})", (self.source)(key)));
                None
            }
        }
    }
}

/// `value` if it is at least `min`.
fn at_least<T: PartialOrd + std::fmt::Display>(value: T, min: T) -> Result<T, String> {
    if value >= min {
        Ok(value)
    } else {
        Err(format!("must be at least {min}"))
    }
}

pub(super) fn validate(
    raw: RawConfig,
    source: &dyn Fn(&str) -> String,
) -> Result<Config, ConfigError> {
    let mut c = Checks {
        errors: Vec::new(),
        source,
    };
    let listen = c.take("listen", ListenAddress::parse(&raw.listen));
    let database = c.take("database_url", database(&raw.database_url));
    let database_pool = c.take(
        "database_pool",
        raw.database_pool.0.and_then(|n| at_least(n, 2)),
    );
    let role = c.take("role", role(&raw.role));
    let lease = c.take("lease", duration(&raw.lease, Duration::from_secs(1)));
    let admin_token = c.take(
        "admin_token",
        match raw.admin_token {
            Some(token) if token.len() < 16 => Err("must be at least 16 characters".into()),
            token => Ok(token.map(AdminToken)),
        },
    );
    let secret_key = c.take(
        "secret_key",
        raw.secret_key.as_deref().map(Keyring::parse).transpose(),
    );
    let retry_schedule = c.take("retry_schedule", schedule(&raw.retry_schedule));
    let allowed_networks = c.take("allowed_networks", networks(&raw.allowed_networks));
    let disable_after_failures = c.take("disable_after_failures", raw.disable_after_failures.0);
    let max_event_bytes = c.take(
        "max_event_bytes",
        raw.max_event_bytes.0.and_then(|n| at_least(n, 1024)),
    );
    // Bounds that depend on max_event_bytes hold only once it is known.
    let event_bytes = max_event_bytes.unwrap_or(0);
    let max_batch_bytes = c.take(
        "max_batch_bytes",
        raw.max_batch_bytes.0.and_then(|n| at_least(n, event_bytes)),
    );
    let trusted_proxies = c.take("trusted_proxies", networks(&raw.trusted_proxies));
    let retention_inbox_requests = c.take(
        "retention_inbox_requests",
        duration(&raw.retention_inbox_requests, Duration::from_secs(1)),
    );
    let public_url = c.take("public_url", public_url(raw.public_url.as_deref()));
    let otlp_endpoint = c.take("otlp_endpoint", otlp_endpoint(raw.otlp_endpoint.as_deref()));
    let retention_events = c.take(
        "retention_events",
        duration(&raw.retention_events, Duration::from_secs(1)),
    );
    let retention_attempts = c.take(
        "retention_attempts",
        duration(&raw.retention_attempts, Duration::from_secs(1)),
    );
    let scan_interval = c.take(
        "scan_interval",
        duration(&raw.scan_interval, Duration::from_millis(10)),
    );
    let dispatch_buffer = c.take(
        "dispatch_buffer",
        raw.dispatch_buffer.0.and_then(|n| at_least(n, 1)),
    );
    let dispatch_buffer_bytes = c.take(
        "dispatch_buffer_bytes",
        raw.dispatch_buffer_bytes
            .0
            .and_then(|n| at_least(n, event_bytes)),
    );
    let dispatch_buffer_per_webhook = c.take(
        "dispatch_buffer_per_webhook",
        raw.dispatch_buffer_per_webhook
            .0
            .and_then(|n| at_least(n, 1)),
    );
    let shutdown_grace = c.take(
        "shutdown_grace",
        duration(&raw.shutdown_grace, Duration::ZERO),
    );
    let log_format = c.take("log_format", log_format(&raw.log_format));
    let max_connections = c.take(
        "max_connections",
        raw.max_connections.0.and_then(|n| at_least(n, 16)),
    );
    let max_connections_per_ip = c.take(
        "max_connections_per_ip",
        raw.max_connections_per_ip.0.and_then(|n| at_least(n, 1)),
    );
    let http_idle_timeout = c.take(
        "http_idle_timeout",
        duration(&raw.http_idle_timeout, Duration::from_secs(1)),
    );
    let http_body_timeout = c.take(
        "http_body_timeout",
        duration(&raw.http_body_timeout, Duration::from_secs(1)),
    );
    let max_outbound = c.take(
        "max_outbound",
        raw.max_outbound.0.and_then(|n| at_least(n, 1)),
    );
    let max_outbound_per_tenant = c.take(
        "max_outbound_per_tenant",
        raw.max_outbound_per_tenant.0.and_then(|n| at_least(n, 1)),
    );
    let max_webhooks_per_tenant = c.take(
        "max_webhooks_per_tenant",
        raw.max_webhooks_per_tenant.0.and_then(|n| at_least(n, 1)),
    );
    let max_inboxes_per_tenant = c.take(
        "max_inboxes_per_tenant",
        raw.max_inboxes_per_tenant.0.and_then(|n| at_least(n, 1)),
    );
    let max_in_flight_per_webhook = c.take(
        "max_in_flight_per_webhook",
        raw.max_in_flight_per_webhook.0.and_then(|n| {
            let ceiling = crate::model::MAX_IN_FLIGHT_CEILING;
            if n > ceiling {
                return Err(format!("must be at most {ceiling}"));
            }
            at_least(n, 1)
        }),
    );
    let (
        Some(max_connections),
        Some(max_connections_per_ip),
        Some(http_idle_timeout),
        Some(http_body_timeout),
        Some(max_outbound),
        Some(max_outbound_per_tenant),
        Some(max_webhooks_per_tenant),
        Some(max_inboxes_per_tenant),
        Some(max_in_flight_per_webhook),
    ) = (
        max_connections,
        max_connections_per_ip,
        http_idle_timeout,
        http_body_timeout,
        max_outbound,
        max_outbound_per_tenant,
        max_webhooks_per_tenant,
        max_inboxes_per_tenant,
        max_in_flight_per_webhook,
    )
    else {
        return Err(ConfigError(c.errors));
    };
    let (
        Some(listen),
        Some(database),
        Some(database_pool),
        Some(role),
        Some(lease),
        Some(admin_token),
        Some(secret_key),
        Some(retry_schedule),
        Some(allowed_networks),
        Some(disable_after_failures),
        Some(max_event_bytes),
        Some(max_batch_bytes),
        Some(retention_events),
        Some(retention_attempts),
        Some(scan_interval),
        Some(dispatch_buffer),
        Some(dispatch_buffer_bytes),
        Some(dispatch_buffer_per_webhook),
        Some(shutdown_grace),
        Some(log_format),
        Some(trusted_proxies),
        Some(retention_inbox_requests),
        Some(public_url),
        Some(otlp_endpoint),
    ) = (
        listen,
        database,
        database_pool,
        role,
        lease,
        admin_token,
        secret_key,
        retry_schedule,
        allowed_networks,
        disable_after_failures,
        max_event_bytes,
        max_batch_bytes,
        retention_events,
        retention_attempts,
        scan_interval,
        dispatch_buffer,
        dispatch_buffer_bytes,
        dispatch_buffer_per_webhook,
        shutdown_grace,
        log_format,
        trusted_proxies,
        retention_inbox_requests,
        public_url,
        otlp_endpoint,
    )
    else {
        return Err(ConfigError(c.errors));
    };
    Ok(Config {
        listen,
        database,
        database_pool,
        role,
        lease,
        admin_token,
        secret_key,
        retry_schedule,
        allowed_networks,
        disable_after_failures,
        max_event_bytes: max_event_bytes as usize,
        max_batch_bytes: max_batch_bytes as usize,
        retention_events,
        retention_attempts,
        scan_interval,
        dispatch_buffer: dispatch_buffer as usize,
        dispatch_buffer_bytes: dispatch_buffer_bytes as usize,
        dispatch_buffer_per_webhook: dispatch_buffer_per_webhook as usize,
        shutdown_grace,
        log: raw.log,
        log_format,
        otlp_endpoint,
        listener: ListenerLimits {
            max_connections: max_connections as usize,
            max_connections_per_ip: max_connections_per_ip as usize,
            idle_timeout: http_idle_timeout,
            body_timeout: http_body_timeout,
        },
        max_outbound: max_outbound as usize,
        max_outbound_per_tenant: max_outbound_per_tenant as usize,
        max_webhooks_per_tenant,
        max_inboxes_per_tenant,
        max_in_flight_per_webhook,
        public_url,
        trusted_proxies,
        retention_inbox_requests,
        user_agent: HeaderValue::from_static(concat!("hookd/", env!("CARGO_PKG_VERSION"))),
    })
}

/// An absolute http(s) URL without query or fragment; `None` for empty (derived from `listen`).
fn public_url(text: Option<&str>) -> Result<Option<String>, String> {
    let Some(text) = text.map(str::trim).filter(|t| !t.is_empty()) else {
        return Ok(None);
    };
    let uri: hyper::Uri = text
        .parse()
        .map_err(|_| format!("'{text}' is not a URL such as https://hooks.example.com"))?;
    let valid = matches!(uri.scheme_str(), Some("http" | "https"))
        && uri.host().is_some()
        && uri.query().is_none()
        && !text.contains('#');
    if !valid {
        return Err(format!(
            "'{text}' must be an absolute http or https URL without a query, such as https://hooks.example.com"
        ));
    }
    Ok(Some(text.trim_end_matches('/').to_owned()))
}

/// The OTLP/HTTP collector's base URL (spans go to `<url>/v1/traces`); `None` for empty.
fn otlp_endpoint(text: Option<&str>) -> Result<Option<String>, String> {
    let Some(text) = text.map(str::trim).filter(|t| !t.is_empty()) else {
        return Ok(None);
    };
    let valid = text.parse::<hyper::Uri>().is_ok_and(|uri| {
        matches!(uri.scheme_str(), Some("http" | "https"))
            && uri.host().is_some()
            && uri.query().is_none()
    });
    if !valid {
        return Err(format!(
            "'{text}' must be an absolute http or https URL such as http://127.0.0.1:4318"
        ));
    }
    Ok(Some(text.trim_end_matches('/').to_owned()))
}

fn role(text: &str) -> Result<Role, String> {
    match text {
        "all" => Ok(Role::All),
        "api" => Ok(Role::Api),
        "worker" => Ok(Role::Worker),
        other => Err(format!("'{other}' is not api, worker or all")),
    }
}

fn log_format(text: &str) -> Result<LogFormat, String> {
    match text {
        "text" => Ok(LogFormat::Text),
        "json" => Ok(LogFormat::Json),
        other => Err(format!("'{other}' is not text or json")),
    }
}

/// A comma-separated list of delays; a space where a comma belongs is answered with the fix.
fn schedule(text: &str) -> Result<RetrySchedule, String> {
    RetrySchedule::parse_list(text).map_err(|(_, e)| match e {
        InvalidSchedule::SeveralInOne(text) => format!(
            "'{text}' holds more than one duration: separate the delays with commas, such as {}",
            text.split_whitespace().collect::<Vec<_>>().join(",")
        ),
        other => format!("{other} (a comma-separated list such as 1m,5m,15m)"),
    })
}

fn networks(text: &str) -> Result<Vec<ipnet::IpNet>, String> {
    text.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| {
            s.parse()
                .map_err(|_| format!("'{s}' is not a CIDR range such as 127.0.0.0/8"))
        })
        .collect()
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
        let path = PathBuf::from(path);
        if let Some(folder) = path.parent().filter(|p| !p.as_os_str().is_empty())
            && !folder.is_dir()
        {
            return Err(format!(
                "the folder {} does not exist (hookd creates the file, not its folder)",
                folder.display()
            ));
        }
        return Ok(Database::Sqlite(path));
    }
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        return Ok(Database::Postgres(url.to_owned()));
    }
    Err("must start with sqlite:// or postgres://".into())
}

#[cfg(test)]
mod tests {
    use crate::config::Config;

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
            let config = Config::from_pairs(&[("listen", text)]).unwrap();
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
            let error = Config::from_pairs(&[("listen", bad)])
                .unwrap_err()
                .to_string();
            assert!(error.contains("listen: '"), "{bad}: {error}");
        }
    }

    /// A SQLite path in a folder that does not exist is refused, naming the folder, instead of
    /// the folder being created.
    #[test]
    fn a_sqlite_path_needs_an_existing_folder() {
        let error = Config::from_pairs(&[("database_url", "sqlite:///nonexistent/dir/hookd.db")])
            .unwrap_err()
            .to_string();
        assert!(
            error.contains("database_url: the folder /nonexistent/dir does not exist"),
            "{error}"
        );
        assert!(!std::path::Path::new("/nonexistent").exists());
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}/hookd.db", dir.path().display());
        assert!(Config::from_pairs(&[("database_url", &url)]).is_ok());
    }

    /// `1m 5m` in the retry schedule is refused with the comma-separated form to write
    /// instead, not read as one delay of six minutes.
    #[test]
    fn a_schedule_without_commas_is_refused_with_the_fix() {
        let error = Config::from_pairs(&[("retry_schedule", "1m 5m")])
            .unwrap_err()
            .to_string();
        assert!(
            error.contains("retry_schedule: '1m 5m' holds more than one duration"),
            "{error}"
        );
        assert!(error.contains("such as 1m,5m"), "{error}");
        let error = Config::from_pairs(&[("retry_schedule", "1 minute")])
            .unwrap_err()
            .to_string();
        assert!(error.contains("'1 minute' is not a duration"), "{error}");
    }

    /// Every invalid setting is reported, each under its own name.
    #[test]
    fn invalid_settings_are_named() {
        let error = Config::from_pairs(&[
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

    /// `otlp_endpoint` is an http or https base URL (its trailing `/` dropped), or empty for no
    /// export; anything else is refused under its name.
    #[test]
    fn the_otlp_endpoint_is_an_http_url_or_nothing() {
        let read = |value| Config::from_pairs(&[("otlp_endpoint", value)]);
        assert_eq!(read("").unwrap().otlp_endpoint, None);
        assert_eq!(
            read("http://127.0.0.1:4318/")
                .unwrap()
                .otlp_endpoint
                .as_deref(),
            Some("http://127.0.0.1:4318")
        );
        for bad in ["127.0.0.1:4318", "ftp://collector", "http://collector?x=1"] {
            let error = read(bad).unwrap_err().to_string();
            assert!(error.contains("otlp_endpoint:"), "{bad}: {error}");
        }
    }
}
