//! Tests for the address policy: one table of addresses and the verdict each
//! must get, plus the operator's allow-list overriding it.

use super::*;
use AddressKind::*;

fn check(policy: &AddressPolicy, ip: &str) -> Result<(), AddressKind> {
    let ip: IpAddr = ip.parse().expect("test address parses");
    policy.check(ip).map_err(|forbidden| {
        assert_eq!(forbidden.ip, ip, "the refusal names the address as given");
        forbidden.kind
    })
}

fn allowing(nets: &[&str]) -> AddressPolicy {
    AddressPolicy::new(nets.iter().map(|n| n.parse().expect("test net")).collect())
}

/// Every non-public range is refused with its kind, and public addresses pass; IPv4 written
/// inside IPv6 gets the IPv4 address's verdict, and IPv6 that a site gateway turns into an
/// IPv4 address this check can't read (NAT64 for local use, Teredo) is refused.
#[test]
fn default_policy_classifies_every_range() {
    let table: &[(&str, Result<(), AddressKind>)] = &[
        // public
        ("8.8.8.8", Ok(())),
        ("1.1.1.1", Ok(())),
        ("2606:4700::1111", Ok(())),
        ("172.32.0.1", Ok(())),
        ("100.128.0.1", Ok(())),
        ("169.255.0.1", Ok(())),
        ("223.255.255.255", Ok(())),
        // IPv4
        ("0.0.0.0", Err(Unspecified)),
        ("0.1.2.3", Err(Unspecified)),
        ("10.0.0.1", Err(Private)),
        ("172.16.0.1", Err(Private)),
        ("172.31.255.255", Err(Private)),
        ("192.168.1.1", Err(Private)),
        ("127.0.0.1", Err(Loopback)),
        ("127.255.255.254", Err(Loopback)),
        ("169.254.0.1", Err(LinkLocal)),
        ("169.254.169.254", Err(CloudMetadata)),
        ("100.64.0.1", Err(SharedAddressSpace)),
        ("100.127.255.255", Err(SharedAddressSpace)),
        ("100.100.100.200", Err(CloudMetadata)),
        ("192.0.0.8", Err(Reserved)),
        ("192.0.0.192", Err(CloudMetadata)),
        ("192.175.48.1", Err(Reserved)),
        ("198.18.0.1", Err(Reserved)),
        ("198.19.255.255", Err(Reserved)),
        ("240.0.0.1", Err(Reserved)),
        ("255.255.255.254", Err(Reserved)),
        ("192.0.2.1", Err(Documentation)),
        ("198.51.100.7", Err(Documentation)),
        ("203.0.113.9", Err(Documentation)),
        ("224.0.0.1", Err(Multicast)),
        ("239.255.255.250", Err(Multicast)),
        ("255.255.255.255", Err(Broadcast)),
        // IPv6
        ("::", Err(Unspecified)),
        ("::1", Err(Loopback)),
        ("fe80::1", Err(LinkLocal)),
        ("febf::1", Err(LinkLocal)),
        ("fc00::1", Err(Private)),
        ("fd12:3456::1", Err(Private)),
        ("fd00:ec2::254", Err(CloudMetadata)),
        ("fec0::1", Err(Private)),
        ("ff02::1", Err(Multicast)),
        ("2001:db8::1", Err(Documentation)),
        ("100::1", Err(Reserved)),
        ("100:0:0:1::1", Err(Reserved)),
        ("4000::1", Err(Reserved)),
        ("2001::1", Err(Translated)),
        ("2001:0:4136:e378:8000:63bf:3fff:fdd2", Err(Translated)),
        ("64:ff9b:1::a00:1", Err(Translated)),
        ("64:ff9b:1:fffe::808:808", Err(Translated)),
        ("2001:2::1", Err(Reserved)),
        ("3fff::1", Err(Documentation)),
        // IPv4 inside IPv6
        ("::ffff:127.0.0.1", Err(Loopback)),
        ("::ffff:169.254.169.254", Err(CloudMetadata)),
        ("::ffff:10.1.2.3", Err(Private)),
        ("::ffff:8.8.8.8", Ok(())),
        ("::127.0.0.1", Err(Loopback)),
        ("::10.0.0.1", Err(Private)),
        ("::2", Err(Unspecified)),
        ("::8.8.8.8", Ok(())),
        ("::ffff:0:7f00:1", Err(Loopback)),
        ("::ffff:0:a00:1", Err(Private)),
        ("::ffff:0:808:808", Ok(())),
        ("64:ff9b::a9fe:a9fe", Err(CloudMetadata)),
        ("64:ff9b::7f00:1", Err(Loopback)),
        ("64:ff9b::808:808", Ok(())),
        ("2002:7f00:0001::", Err(Loopback)),
        ("2002:a9fe:a9fe:1234::1", Err(CloudMetadata)),
        ("2002:c0a8:0101::1", Err(Private)),
        ("2002:0808:0808::1", Ok(())),
    ];
    let policy = AddressPolicy::default();
    for &(ip, expected) in table {
        assert_eq!(check(&policy, ip), expected, "{ip}");
    }
}

/// An allowed network admits its addresses in plain and IPv6-embedded form.
#[test]
fn allowed_network_overrides_the_refusal() {
    let policy = allowing(&["127.0.0.0/8"]);
    assert_eq!(check(&policy, "127.0.0.1"), Ok(()));
    assert_eq!(check(&policy, "::ffff:127.0.0.1"), Ok(()));
    assert_eq!(check(&policy, "64:ff9b::7f00:1"), Ok(()));
    assert_eq!(check(&policy, "2002:7f00:0001::"), Ok(()));
}

/// An allowed network admits nothing outside itself.
#[test]
fn allowed_network_does_not_admit_other_ranges() {
    let policy = allowing(&["127.0.0.0/8"]);
    assert_eq!(check(&policy, "10.0.0.1"), Err(Private));
    assert_eq!(check(&policy, "::1"), Err(Loopback));
    assert_eq!(check(&policy, "169.254.169.254"), Err(CloudMetadata));
}

/// An IPv6 allowed network is matched against the address as written.
#[test]
fn allowed_ipv6_network_matches_the_ipv6_form() {
    let policy = allowing(&["::ffff:0:0/96", "fd00::/8"]);
    assert_eq!(check(&policy, "::ffff:10.0.0.1"), Ok(()));
    assert_eq!(check(&policy, "fd00:ec2::254"), Ok(()));
    assert_eq!(check(&policy, "10.0.0.1"), Err(Private));
    assert_eq!(policy.allowed_networks().len(), 2);
}

/// The refusal reads as one sentence naming the address, its kind and the setting.
#[test]
fn refusal_message_is_readable() {
    let err = AddressPolicy::default()
        .check("169.254.169.254".parse().expect("ip"))
        .expect_err("metadata is refused");
    assert_eq!(
        err.to_string(),
        "169.254.169.254 is a cloud metadata address and not in HOOKD_ALLOWED_NETWORKS"
    );
}

/// Cloud metadata host names are refused by name, whatever their case or trailing dot, and
/// whatever the allowed networks; other names and IP literals pass this check.
#[test]
fn metadata_host_names_are_refused_by_name() {
    let policy = allowing(&["0.0.0.0/0", "::/0"]);
    for host in [
        "metadata.google.internal",
        "METADATA.Google.Internal",
        "metadata.google.internal.",
        "metadata.goog",
        "metadata",
        "instance-data",
        "instance-data.ec2.internal",
        "instance-data.eu-west-1.compute.internal",
        "metadata.tencentyun.com",
    ] {
        let refused = policy.check_name(host).expect_err(host);
        assert_eq!(
            refused.to_string(),
            format!("{host} is the host name of a cloud metadata service")
        );
    }
    for host in [
        "example.com",
        "metadata.example.com",
        "my-metadata",
        "instance-data.example.com",
        "169.254.169.254",
    ] {
        assert_eq!(policy.check_name(host), Ok(()), "{host}");
    }
}
