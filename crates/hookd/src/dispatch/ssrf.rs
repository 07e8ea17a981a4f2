//! Which addresses a webhook may reach, and why.
//!
//! Webhook URLs are written by users, but the requests are sent from inside the
//! operator's network. Without a guard, a URL such as `http://169.254.169.254/`
//! or `http://localhost:6379/` turns hookd into a proxy into that network
//! (server-side request forgery). This module decides, for one IP address at a
//! time, whether hookd may connect to it: public unicast addresses are allowed;
//! loopback, private, link-local, cloud metadata, multicast, reserved and
//! documentation ranges are refused unless the operator listed them in
//! `HOOKD_ALLOWED_NETWORKS`. IPv4 addresses written inside IPv6 (mapped,
//! compatible, NAT64 and 6to4 forms) are unwrapped and judged as IPv4, so
//! `::ffff:127.0.0.1` is as loopback as `127.0.0.1`.
//!
//! The policy is pure: it never resolves names. The caller resolves, checks
//! every address, and connects only to an address that passed (see `client`).

use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use ipnet::IpNet;

/// The set of non-public networks the operator explicitly allowed.
#[derive(Debug, Clone, Default)]
pub struct AddressPolicy {
    allowed: Vec<IpNet>,
}

/// Why an address was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{ip} is {kind} and not in HOOKD_ALLOWED_NETWORKS")]
pub struct ForbiddenAddress {
    pub ip: IpAddr,
    pub kind: AddressKind,
}

/// The kind of non-public range an address belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AddressKind {
    Loopback,
    Private,
    LinkLocal,
    CloudMetadata,
    Multicast,
    Unspecified,
    Broadcast,
    SharedAddressSpace,
    Documentation,
    Reserved,
}

impl fmt::Display for AddressKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Loopback => "a loopback address",
            Self::Private => "a private address",
            Self::LinkLocal => "a link-local address",
            Self::CloudMetadata => "a cloud metadata address",
            Self::Multicast => "a multicast address",
            Self::Unspecified => "an unspecified address",
            Self::Broadcast => "a broadcast address",
            Self::SharedAddressSpace => "a shared (carrier-grade NAT) address",
            Self::Documentation => "a documentation address",
            Self::Reserved => "a reserved address",
        })
    }
}

impl AddressPolicy {
    /// Ranges the operator allowed although they are not public (HOOKD_ALLOWED_NETWORKS).
    pub fn new(allowed: Vec<IpNet>) -> Self {
        Self { allowed }
    }

    /// The networks passed to [`AddressPolicy::new`].
    pub fn allowed_networks(&self) -> &[IpNet] {
        &self.allowed
    }

    /// Ok if this address may be connected to.
    pub fn check(&self, ip: IpAddr) -> Result<(), ForbiddenAddress> {
        let embedded = match ip {
            IpAddr::V4(_) => None,
            IpAddr::V6(v6) => embedded_v4(v6),
        };
        if self.is_allowed(ip) || embedded.is_some_and(|v4| self.is_allowed(IpAddr::V4(v4))) {
            return Ok(());
        }
        let kind = match (ip, embedded) {
            (_, Some(v4)) | (IpAddr::V4(v4), None) => classify_v4(v4),
            (IpAddr::V6(v6), None) => classify_v6(v6),
        };
        match kind {
            None => Ok(()),
            Some(kind) => Err(ForbiddenAddress { ip, kind }),
        }
    }

    fn is_allowed(&self, ip: IpAddr) -> bool {
        self.allowed.iter().any(|net| net.contains(&ip))
    }
}

/// An IPv4 range: network bits, prefix length, kind. First match wins, so the
/// single metadata addresses come before the ranges that contain them.
const V4_RANGES: &[(u32, u8, AddressKind)] = &[
    (v4(169, 254, 169, 254), 32, AddressKind::CloudMetadata),
    (v4(100, 100, 100, 200), 32, AddressKind::CloudMetadata),
    (v4(0, 0, 0, 0), 8, AddressKind::Unspecified),
    (v4(10, 0, 0, 0), 8, AddressKind::Private),
    (v4(172, 16, 0, 0), 12, AddressKind::Private),
    (v4(192, 168, 0, 0), 16, AddressKind::Private),
    (v4(127, 0, 0, 0), 8, AddressKind::Loopback),
    (v4(169, 254, 0, 0), 16, AddressKind::LinkLocal),
    (v4(100, 64, 0, 0), 10, AddressKind::SharedAddressSpace),
    (v4(192, 0, 0, 0), 24, AddressKind::Reserved),
    (v4(198, 18, 0, 0), 15, AddressKind::Reserved),
    (v4(192, 0, 2, 0), 24, AddressKind::Documentation),
    (v4(198, 51, 100, 0), 24, AddressKind::Documentation),
    (v4(203, 0, 113, 0), 24, AddressKind::Documentation),
    (v4(224, 0, 0, 0), 4, AddressKind::Multicast),
    (v4(255, 255, 255, 255), 32, AddressKind::Broadcast),
    (v4(240, 0, 0, 0), 4, AddressKind::Reserved),
];

/// An IPv6 range (IPv4-embedding prefixes are unwrapped before this table).
const V6_RANGES: &[(u128, u8, AddressKind)] = &[
    (
        v6([0xfd00, 0xec2, 0, 0, 0, 0, 0, 0x254]),
        128,
        AddressKind::CloudMetadata,
    ),
    (v6([0, 0, 0, 0, 0, 0, 0, 0]), 128, AddressKind::Unspecified),
    (v6([0, 0, 0, 0, 0, 0, 0, 1]), 128, AddressKind::Loopback),
    (
        v6([0xfe80, 0, 0, 0, 0, 0, 0, 0]),
        10,
        AddressKind::LinkLocal,
    ),
    (v6([0xfc00, 0, 0, 0, 0, 0, 0, 0]), 7, AddressKind::Private),
    (v6([0xfec0, 0, 0, 0, 0, 0, 0, 0]), 10, AddressKind::Private),
    (v6([0xff00, 0, 0, 0, 0, 0, 0, 0]), 8, AddressKind::Multicast),
    (
        v6([0x2001, 0xdb8, 0, 0, 0, 0, 0, 0]),
        32,
        AddressKind::Documentation,
    ),
    (v6([0x100, 0, 0, 0, 0, 0, 0, 0]), 64, AddressKind::Reserved),
];

/// IPv6 prefixes that carry an IPv4 address: prefix bits, prefix length, and
/// how far the IPv4 address sits from the low end of the IPv6 address.
const V4_EMBEDDINGS: &[(u128, u8, u32)] = &[
    // IPv4-mapped ::ffff:a.b.c.d
    (v6([0, 0, 0, 0, 0, 0xffff, 0, 0]), 96, 0),
    // IPv4-compatible ::a.b.c.d (:: and ::1 are excluded in `embedded_v4`)
    (v6([0, 0, 0, 0, 0, 0, 0, 0]), 96, 0),
    // NAT64 well-known prefix 64:ff9b::a.b.c.d
    (v6([0x64, 0xff9b, 0, 0, 0, 0, 0, 0]), 96, 0),
    // 6to4 2002:AABB:CCDD::/48
    (v6([0x2002, 0, 0, 0, 0, 0, 0, 0]), 16, 80),
];

const fn v4(a: u8, b: u8, c: u8, d: u8) -> u32 {
    Ipv4Addr::new(a, b, c, d).to_bits()
}

const fn v6(s: [u16; 8]) -> u128 {
    Ipv6Addr::new(s[0], s[1], s[2], s[3], s[4], s[5], s[6], s[7]).to_bits()
}

fn in_prefix_v4(addr: u32, net: u32, len: u8) -> bool {
    let mask = u32::MAX.checked_shl(32 - u32::from(len)).unwrap_or(0);
    addr & mask == net
}

fn in_prefix_v6(addr: u128, net: u128, len: u8) -> bool {
    let mask = u128::MAX.checked_shl(128 - u32::from(len)).unwrap_or(0);
    addr & mask == net
}

/// The kind of non-public IPv4 range `ip` is in, or None if it is public.
fn classify_v4(ip: Ipv4Addr) -> Option<AddressKind> {
    let bits = ip.to_bits();
    V4_RANGES
        .iter()
        .find(|&&(net, len, _)| in_prefix_v4(bits, net, len))
        .map(|&(_, _, kind)| kind)
}

/// The kind of non-public IPv6 range `ip` is in, or None if it is public.
/// Does not look at embedded IPv4; see [`embedded_v4`].
fn classify_v6(ip: Ipv6Addr) -> Option<AddressKind> {
    let bits = ip.to_bits();
    V6_RANGES
        .iter()
        .find(|&&(net, len, _)| in_prefix_v6(bits, net, len))
        .map(|&(_, _, kind)| kind)
}

/// The IPv4 address written inside `ip`, if it uses one of the embedding forms.
fn embedded_v4(ip: Ipv6Addr) -> Option<Ipv4Addr> {
    let bits = ip.to_bits();
    if bits <= 1 {
        // `::` and `::1` are IPv6's own unspecified and loopback addresses.
        return None;
    }
    V4_EMBEDDINGS
        .iter()
        .find(|&&(net, len, _)| in_prefix_v6(bits, net, len))
        // Truncation keeps exactly the 32 bits at `shift`.
        .map(|&(_, _, shift)| Ipv4Addr::from_bits((bits >> shift) as u32))
}

#[cfg(test)]
mod tests;
