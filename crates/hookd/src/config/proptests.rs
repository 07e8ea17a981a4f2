//! Properties of the settings parsers over generated values: any value of any setting is read
//! into a `Config` or refused with an error naming that setting, never a panic; the listen
//! address, allowed networks, durations and the retry schedule read back what they print; and
//! the known-bad forms are refused.

use super::*;
use proptest::prelude::*;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

fn config() -> ProptestConfig {
    ProptestConfig {
        cases: 64,
        ..ProptestConfig::default()
    }
}

/// The settings a value can be given for (the database's, which would open a file or a
/// server, are left to the tests that do).
const SETTINGS: &[&str] = &[
    "listen",
    "database_pool",
    "role",
    "lease",
    "admin_token",
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
    "log_format",
    "otlp_endpoint",
];

fn ip() -> impl Strategy<Value = IpAddr> {
    prop_oneof![
        any::<u32>().prop_map(|b| IpAddr::V4(Ipv4Addr::from_bits(b))),
        any::<u128>().prop_map(|b| IpAddr::V6(Ipv6Addr::from_bits(b))),
    ]
}

fn network() -> impl Strategy<Value = ipnet::IpNet> {
    (ip(), any::<u8>()).prop_map(|(ip, len)| {
        let len = len % if ip.is_ipv4() { 33 } else { 129 };
        ipnet::IpNet::new(ip, len)
            .expect("a prefix within range")
            .trunc()
    })
}

/// A host name `ListenAddress` takes: labels of letters, digits and inner hyphens.
const HOST: &str = "[a-z0-9]([a-z0-9-]{0,8}[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]{0,8}[a-z0-9])?){0,3}";

proptest! {
    #![proptest_config(config())]

    /// Any value of any setting: a configuration, or an error whose every line names that
    /// setting; never a panic.
    #[test]
    fn any_value_of_any_setting_is_read_or_refused_by_name(
        key in prop::sample::select(SETTINGS),
        value in prop_oneof![".{0,24}", "[0-9a-z ,./:-]{0,16}", any::<u64>().prop_map(|n| n.to_string())],
    ) {
        if let Err(ConfigError(lines)) = Config::from_pairs(&[(key, &value)]) {
            // Another setting is named only where its bound depends on this one (the byte
            // limits that must hold a whole event).
            let named = |setting: &str| lines.iter().any(|l| l.starts_with(&format!("{setting}:")));
            let dependants = ["max_batch_bytes", "dispatch_buffer_bytes"];
            prop_assert!(
                named(key) || (key == "max_event_bytes" && dependants.iter().any(|d| named(d))),
                "{:?} for {}={:?}", lines, key, value
            );
            for line in &lines {
                prop_assert!(
                    line.starts_with(&format!("{key}:"))
                        || dependants.iter().any(|d| line.starts_with(&format!("{d}:"))),
                    "{} for {}={:?}", line, key, value
                );
            }
        }
    }

    /// Any text as a listen address: an address or an error, never a panic; and what parses
    /// prints as text that parses to the same address.
    #[test]
    fn listen_addresses_never_panic_and_read_back(text in ".{0,30}") {
        if let Ok(address) = ListenAddress::parse(&text) {
            prop_assert_eq!(ListenAddress::parse(&address.to_string()), Ok(address));
        }
    }

    /// IP addresses (both families) and host names with a port print and parse back.
    #[test]
    fn listen_addresses_print_and_parse_back(ip in ip(), host in HOST, port in any::<u16>()) {
        let by_ip = ListenAddress::Ip(std::net::SocketAddr::new(ip, port));
        prop_assert_eq!(ListenAddress::parse(&by_ip.to_string()), Ok(by_ip));
        prop_assume!(host.parse::<IpAddr>().is_err() && host.parse::<Ipv4Addr>().is_err());
        let text = format!("{host}:{port}");
        if let Ok(ListenAddress::Ip(_)) = ListenAddress::parse(&text) {
            // A dotted number such as `1.2.3.4` is an IPv4 address, not a name.
            return Ok(());
        }
        prop_assert_eq!(ListenAddress::parse(&text), Ok(ListenAddress::Name { host, port }));
    }

    /// A listen address without a port, with a bad port, or with a bad host is refused.
    #[test]
    fn bad_listen_addresses_are_refused(host in HOST, port in 65_536u32..1_000_000) {
        for text in [
            host.clone(),
            format!("{host}:"),
            format!("{host}:{port}"),
            format!("{host}:-1"),
            format!("-{host}:80"),
            format!("{host}_x:80"),
            format!("{host}..x:80"),
        ] {
            prop_assert!(ListenAddress::parse(&text).is_err(), "{}", text);
        }
    }

    /// A comma-separated list of networks reads back as the same networks, whatever the
    /// spacing; anything that is not a CIDR range is refused, naming the setting.
    #[test]
    fn allowed_networks_read_back(networks in prop::collection::vec(network(), 0..5), junk in "[a-z]{1,6}") {
        let text = networks.iter().map(ToString::to_string).collect::<Vec<_>>().join(" , ");
        let config = Config::from_pairs(&[("allowed_networks", &text)]);
        prop_assert_eq!(config.map(|c| c.allowed_networks).ok(), Some(networks));
        let bad = format!("{text},{junk}");
        prop_assert!(Config::from_pairs(&[("allowed_networks", &bad)]).is_err());
    }

    /// Durations read back: what humantime prints for a lease is the lease read.
    #[test]
    fn durations_read_back(seconds in 1u64..10_000_000, millis in 0u32..1000) {
        let lease = Duration::new(seconds, millis * 1_000_000);
        let text = humantime::format_duration(lease).to_string();
        let config = Config::from_pairs(&[("lease", &text)]);
        prop_assert_eq!(config.map(|c| c.lease).ok(), Some(lease), "{}", text);
    }

    /// The default retry schedule reads back from the comma-separated texts of a schedule.
    #[test]
    fn the_retry_schedule_setting_reads_back(
        items in prop::collection::vec((1u64..=6, prop::sample::select(vec!["s", "m", "h", "d"])), 0..10)
    ) {
        let items: Vec<String> = items.iter().map(|(n, unit)| format!("{n}{unit}")).collect();
        let config = Config::from_pairs(&[("retry_schedule", &items.join(","))]);
        prop_assert_eq!(
            config.map(|c| c.retry_schedule.texts().to_vec()).ok(),
            Some(items)
        );
    }
}
