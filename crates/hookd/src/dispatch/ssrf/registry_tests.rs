//! The policy against IANA's IPv4 and IPv6 Special-Purpose Address Registries: one row per
//! registry entry (as of the registries updated 2025-10), with IANA's "globally reachable" and
//! what hookd does. A block the policy forgets lets its addresses through, and its row fails.
//!
//! hookd allows only globally reachable unicast. Where IANA calls a block globally reachable
//! but no webhook receiver can live there (protocol anycasts, AS112 DNS sinks, AMT relays,
//! overlay and drone identifiers), hookd refuses it too; it never allows what IANA does not
//! call globally reachable, except by unwrapping an IPv4 address it then judges.

use super::*;
use std::net::{Ipv4Addr, Ipv6Addr};

/// IANA's "Globally Reachable" column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Reach {
    Yes,
    No,
    /// "N/A" in the registry (Teredo, 6to4, the deprecated relay anycast).
    NotApplicable,
}

/// What hookd does with the block's addresses by default.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Verdict {
    Refused,
    /// The IPv4 address inside is judged instead: allowed when that address is.
    AsEmbeddedIpv4,
}

use Reach::*;
use Verdict::*;

/// IANA IPv4 Special-Purpose Address Registry.
const IPV4_REGISTRY: &[(&str, &str, Reach, Verdict)] = &[
    ("0.0.0.0/8", "\"This network\"", No, Refused),
    ("0.0.0.0/32", "\"This host on this network\"", No, Refused),
    ("10.0.0.0/8", "Private-Use", No, Refused),
    ("100.64.0.0/10", "Shared Address Space", No, Refused),
    ("127.0.0.0/8", "Loopback", No, Refused),
    ("169.254.0.0/16", "Link Local", No, Refused),
    ("172.16.0.0/12", "Private-Use", No, Refused),
    ("192.0.0.0/24", "IETF Protocol Assignments", No, Refused),
    (
        "192.0.0.0/29",
        "IPv4 Service Continuity Prefix",
        No,
        Refused,
    ),
    ("192.0.0.8/32", "IPv4 dummy address", No, Refused),
    (
        "192.0.0.9/32",
        "Port Control Protocol Anycast",
        Yes,
        Refused,
    ),
    (
        "192.0.0.10/32",
        "Traversal Using Relays around NAT Anycast",
        Yes,
        Refused,
    ),
    ("192.0.0.170/32", "NAT64/DNS64 Discovery", No, Refused),
    ("192.0.0.171/32", "NAT64/DNS64 Discovery", No, Refused),
    ("192.0.2.0/24", "Documentation (TEST-NET-1)", No, Refused),
    ("192.31.196.0/24", "AS112-v4", Yes, Refused),
    ("192.52.193.0/24", "AMT", Yes, Refused),
    (
        "192.88.99.0/24",
        "Deprecated (6to4 Relay Anycast)",
        NotApplicable,
        Refused,
    ),
    ("192.88.99.2/32", "6a44-relay anycast address", Yes, Refused),
    ("192.168.0.0/16", "Private-Use", No, Refused),
    (
        "192.175.48.0/24",
        "Direct Delegation AS112 Service",
        Yes,
        Refused,
    ),
    ("198.18.0.0/15", "Benchmarking", No, Refused),
    ("198.51.100.0/24", "Documentation (TEST-NET-2)", No, Refused),
    ("203.0.113.0/24", "Documentation (TEST-NET-3)", No, Refused),
    ("240.0.0.0/4", "Reserved", No, Refused),
    ("255.255.255.255/32", "Limited Broadcast", No, Refused),
];

/// IANA IPv6 Special-Purpose Address Registry.
const IPV6_REGISTRY: &[(&str, &str, Reach, Verdict)] = &[
    ("::1/128", "Loopback Address", No, Refused),
    ("::/128", "Unspecified Address", No, Refused),
    ("::ffff:0:0/96", "IPv4-mapped Address", No, AsEmbeddedIpv4),
    ("64:ff9b::/96", "IPv4-IPv6 Translat.", Yes, AsEmbeddedIpv4),
    ("64:ff9b:1::/48", "IPv4-IPv6 Translat.", No, Refused),
    ("100::/64", "Discard-Only Address Block", No, Refused),
    ("100:0:0:1::/64", "Dummy IPv6 Prefix", No, Refused),
    ("2001::/23", "IETF Protocol Assignments", No, Refused),
    ("2001::/32", "TEREDO", NotApplicable, Refused),
    (
        "2001:1::1/128",
        "Port Control Protocol Anycast",
        Yes,
        Refused,
    ),
    (
        "2001:1::2/128",
        "Traversal Using Relays around NAT Anycast",
        Yes,
        Refused,
    ),
    (
        "2001:1::3/128",
        "DNS-SD Service Registration Protocol Anycast",
        Yes,
        Refused,
    ),
    ("2001:2::/48", "Benchmarking", No, Refused),
    ("2001:3::/32", "AMT", Yes, Refused),
    ("2001:4:112::/48", "AS112-v6", Yes, Refused),
    (
        "2001:10::/28",
        "Deprecated (previously ORCHID)",
        No,
        Refused,
    ),
    ("2001:20::/28", "ORCHIDv2", Yes, Refused),
    (
        "2001:30::/28",
        "Drone Remote ID Protocol Entity Tags (DETs) Prefix",
        Yes,
        Refused,
    ),
    ("2001:db8::/32", "Documentation", No, Refused),
    ("2002::/16", "6to4", NotApplicable, AsEmbeddedIpv4),
    (
        "2620:4f:8000::/48",
        "Direct Delegation AS112 Service",
        Yes,
        Refused,
    ),
    ("3fff::/20", "Documentation", No, Refused),
    ("5f00::/16", "Segment Routing (SRv6) SIDs", No, Refused),
    ("fc00::/7", "Unique-Local", No, Refused),
    ("fe80::/10", "Link-Local Unicast", No, Refused),
];

/// Blocks outside the special-purpose registries that hookd refuses all the same.
const BEYOND_THE_REGISTRIES: &[(&str, &str)] = &[
    ("224.0.0.0/4", "IPv4 multicast"),
    (
        "169.254.169.254/32",
        "cloud metadata (AWS, Google, Azure, ...)",
    ),
    ("100.100.100.200/32", "cloud metadata (Alibaba)"),
    ("192.0.0.192/32", "cloud metadata (Oracle)"),
    ("fd00:ec2::254/128", "cloud metadata (AWS, IPv6)"),
    ("ff00::/8", "IPv6 multicast"),
    ("fec0::/10", "deprecated site-local"),
    (
        "::/96",
        "deprecated IPv4-compatible (its IPv4 address is judged)",
    ),
    (
        "::ffff:0:0:0/96",
        "IPv4-translated, SIIT (its IPv4 address is judged)",
    ),
    ("4000::/3", "outside global unicast 2000::/3"),
    ("8000::/1", "outside global unicast 2000::/3"),
];

/// The first, last and a middle address of a block.
fn samples(block: IpNet) -> Vec<IpAddr> {
    match block {
        IpNet::V4(net) => {
            let (first, last) = (net.network().to_bits(), net.broadcast().to_bits());
            vec![first, first + (last - first) / 2, last]
                .into_iter()
                .map(|bits| IpAddr::V4(Ipv4Addr::from_bits(bits)))
                .collect()
        }
        IpNet::V6(net) => {
            let (first, last) = (net.network().to_bits(), net.broadcast().to_bits());
            vec![first, first + (last - first) / 2, last]
                .into_iter()
                .map(|bits| IpAddr::V6(Ipv6Addr::from_bits(bits)))
                .collect()
        }
    }
}

/// An IPv4 address written inside an IPv6 block of `embedding`: at the end of the address,
/// or (6to4) right after the 16-bit prefix.
fn embed(block: IpNet, v4: Ipv4Addr) -> IpAddr {
    let IpNet::V6(net) = block else {
        panic!("only IPv6 blocks embed IPv4: {block}");
    };
    let shift = if net.prefix_len() == 16 { 80 } else { 0 };
    IpAddr::V6(Ipv6Addr::from_bits(
        net.network().to_bits() | (u128::from(v4.to_bits()) << shift),
    ))
}

/// What each row gets wrong: a refused block with an address allowed, or an IPv4-carrying block
/// whose addresses are not judged as the IPv4 address inside.
fn check_registry(registry: &[(&str, &str, Reach, Verdict)]) -> Vec<String> {
    let policy = AddressPolicy::default();
    let mut wrong = Vec::new();
    for &(block, name, _reach, verdict) in registry {
        let net: IpNet = block.parse().expect("a registry block parses");
        match verdict {
            Refused => {
                for ip in samples(net) {
                    if policy.check(ip).is_ok() {
                        wrong.push(format!("{block} ({name}): {ip} was allowed"));
                    }
                }
            }
            AsEmbeddedIpv4 => {
                for v4 in ["8.8.8.8", "127.0.0.1", "10.1.2.3", "169.254.169.254"] {
                    let v4: Ipv4Addr = v4.parse().expect("v4");
                    let ip = embed(net, v4);
                    let as_v4 = policy.check(IpAddr::V4(v4)).map_err(|e| e.kind);
                    if policy.check(ip).map_err(|e| e.kind) != as_v4 {
                        wrong.push(format!("{block} ({name}): {ip} is not judged as {v4}"));
                    }
                }
            }
        }
    }
    wrong
}

/// Every entry of IANA's IPv4 Special-Purpose Address Registry is refused.
#[test]
fn every_ipv4_special_purpose_block_is_refused() {
    let wrong = check_registry(IPV4_REGISTRY);
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

/// Every entry of IANA's IPv6 Special-Purpose Address Registry is refused, except the forms
/// that carry an IPv4 address where it can be read, which get that address's verdict.
#[test]
fn every_ipv6_special_purpose_block_is_refused_or_judged_by_its_ipv4() {
    let wrong = check_registry(IPV6_REGISTRY);
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

/// Multicast, cloud metadata, site-local and everything outside IPv6 global unicast are
/// refused too, though no special-purpose registry lists them.
#[test]
fn blocks_beyond_the_registries_are_refused() {
    let policy = AddressPolicy::default();
    let mut wrong = Vec::new();
    for &(block, name) in BEYOND_THE_REGISTRIES {
        let net: IpNet = block.parse().expect("block parses");
        let addresses = match block {
            // Judged by the IPv4 inside: a private one is refused, a public one passes.
            "::/96" | "::ffff:0:0:0/96" => vec![embed(net, Ipv4Addr::new(10, 9, 8, 7))],
            _ => samples(net),
        };
        for ip in addresses {
            if policy.check(ip).is_ok() {
                wrong.push(format!("{block} ({name}): {ip} was allowed"));
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

/// Ordinary public unicast, IPv4 and IPv6, is allowed: the refusals above are not a refusal of
/// everything.
#[test]
fn public_unicast_is_allowed() {
    let policy = AddressPolicy::default();
    for ip in [
        "1.1.1.1",
        "8.8.4.4",
        "93.184.215.14",
        "223.255.255.254",
        "2606:4700::1111",
        "2a00:1450:4001:80e::200e",
        "2001:4860:4860::8888",
        "64:ff9b::5db8:d70e",
    ] {
        let ip: IpAddr = ip.parse().expect("ip");
        assert_eq!(policy.check(ip), Ok(()), "{ip}");
    }
}

/// hookd never allows a block IANA calls not globally reachable, unless it reads the IPv4
/// address inside and judges that: the table itself keeps to the rule it documents.
#[test]
fn the_tables_allow_nothing_iana_calls_unreachable() {
    for &(block, name, reach, verdict) in IPV4_REGISTRY.iter().chain(IPV6_REGISTRY) {
        if reach == No {
            assert!(
                verdict == Refused || block == "::ffff:0:0/96",
                "{block} ({name}) is not globally reachable"
            );
        }
    }
}
