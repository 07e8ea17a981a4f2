//! The address ranges behind the policy: which IPv4 and IPv6 blocks are not public, and which
//! IPv6 forms carry an IPv4 address to be judged instead.
//!
//! Only globally reachable unicast is public. For IPv6 that means inside `2000::/3` (IANA's
//! global unicast space: every other block is reserved, unique-local, link-local or multicast)
//! and outside the special-purpose blocks listed here. The IANA special-purpose registries are
//! checked entry by entry in `registry_tests.rs`, so a block missing here fails a test.

use std::net::{Ipv4Addr, Ipv6Addr};

use super::AddressKind::{self, *};

/// An IPv4 range: network bits, prefix length, kind. First match wins, so the single metadata
/// addresses come before the ranges that contain them.
const V4_RANGES: &[(u32, u8, AddressKind)] = &[
    (v4(169, 254, 169, 254), 32, CloudMetadata),
    (v4(100, 100, 100, 200), 32, CloudMetadata),
    (v4(192, 0, 0, 192), 32, CloudMetadata),
    (v4(0, 0, 0, 0), 8, Unspecified),
    (v4(10, 0, 0, 0), 8, Private),
    (v4(172, 16, 0, 0), 12, Private),
    (v4(192, 168, 0, 0), 16, Private),
    (v4(127, 0, 0, 0), 8, Loopback),
    (v4(169, 254, 0, 0), 16, LinkLocal),
    (v4(100, 64, 0, 0), 10, SharedAddressSpace),
    // IETF protocol assignments, the PCP and TURN anycasts included: no receiver lives there.
    (v4(192, 0, 0, 0), 24, Reserved),
    (v4(192, 0, 2, 0), 24, Documentation),
    // AS112 DNS sinks, AMT relays, and the deprecated 6to4 relay anycast.
    (v4(192, 31, 196, 0), 24, Reserved),
    (v4(192, 52, 193, 0), 24, Reserved),
    (v4(192, 88, 99, 0), 24, Reserved),
    (v4(192, 175, 48, 0), 24, Reserved),
    (v4(198, 18, 0, 0), 15, Reserved),
    (v4(198, 51, 100, 0), 24, Documentation),
    (v4(203, 0, 113, 0), 24, Documentation),
    (v4(224, 0, 0, 0), 4, Multicast),
    (v4(255, 255, 255, 255), 32, Broadcast),
    (v4(240, 0, 0, 0), 4, Reserved),
];

/// IPv6 blocks refused for what they are (IPv4-carrying forms are unwrapped before this table;
/// see [`V4_EMBEDDINGS`]). Anything outside `2000::/3` that no row names is [`Reserved`].
const V6_RANGES: &[(u128, u8, AddressKind)] = &[
    (
        v6([0xfd00, 0xec2, 0, 0, 0, 0, 0, 0x254]),
        128,
        CloudMetadata,
    ),
    (v6([0, 0, 0, 0, 0, 0, 0, 0]), 128, Unspecified),
    (v6([0, 0, 0, 0, 0, 0, 0, 1]), 128, Loopback),
    (v6([0xfe80, 0, 0, 0, 0, 0, 0, 0]), 10, LinkLocal),
    (v6([0xfc00, 0, 0, 0, 0, 0, 0, 0]), 7, Private),
    (v6([0xfec0, 0, 0, 0, 0, 0, 0, 0]), 10, Private),
    (v6([0xff00, 0, 0, 0, 0, 0, 0, 0]), 8, Multicast),
    // NAT64 for a site's own use (RFC 8215): where the IPv4 address sits depends on the
    // site's prefix length, so it can't be judged; it reaches 10.0.0.1 as easily as 8.8.8.8.
    (v6([0x64, 0xff9b, 1, 0, 0, 0, 0, 0]), 48, Translated),
    // Teredo (RFC 4380): tunnels to an IPv4 client through a relay this check can't see.
    (v6([0x2001, 0, 0, 0, 0, 0, 0, 0]), 32, Translated),
    (v6([0x2001, 0xdb8, 0, 0, 0, 0, 0, 0]), 32, Documentation),
    (v6([0x3fff, 0, 0, 0, 0, 0, 0, 0]), 20, Documentation),
    // The rest of the IETF protocol assignments (benchmarking, ORCHID, AMT, AS112, the
    // anycasts, drone ids), AS112's direct delegation and SRv6 segment ids.
    (v6([0x2001, 0, 0, 0, 0, 0, 0, 0]), 23, Reserved),
    (v6([0x2620, 0x4f, 0x8000, 0, 0, 0, 0, 0]), 48, Reserved),
    (v6([0x5f00, 0, 0, 0, 0, 0, 0, 0]), 16, Reserved),
];

/// Global unicast, `2000::/3`: the only IPv6 space IANA hands out for public use.
const V6_GLOBAL_UNICAST: (u128, u8) = (v6([0x2000, 0, 0, 0, 0, 0, 0, 0]), 3);

/// IPv6 prefixes that carry an IPv4 address: prefix bits, prefix length, and how far the IPv4
/// address sits from the low end of the IPv6 address. Such an address is as reachable as the
/// IPv4 address inside it.
const V4_EMBEDDINGS: &[(u128, u8, u32)] = &[
    // IPv4-mapped ::ffff:a.b.c.d
    (v6([0, 0, 0, 0, 0, 0xffff, 0, 0]), 96, 0),
    // IPv4-translated (SIIT, RFC 7915) ::ffff:0:a.b.c.d
    (v6([0, 0, 0, 0, 0xffff, 0, 0, 0]), 96, 0),
    // IPv4-compatible ::a.b.c.d (:: and ::1 are excluded in `embedded_v4`)
    (v6([0, 0, 0, 0, 0, 0, 0, 0]), 96, 0),
    // NAT64 well-known prefix 64:ff9b::a.b.c.d (RFC 6052)
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
pub(super) fn classify_v4(ip: Ipv4Addr) -> Option<AddressKind> {
    let bits = ip.to_bits();
    V4_RANGES
        .iter()
        .find(|&&(net, len, _)| in_prefix_v4(bits, net, len))
        .map(|&(_, _, kind)| kind)
}

/// The kind of non-public IPv6 range `ip` is in, or None if it is public.
/// Does not look at embedded IPv4; see [`embedded_v4`].
pub(super) fn classify_v6(ip: Ipv6Addr) -> Option<AddressKind> {
    let bits = ip.to_bits();
    let listed = V6_RANGES
        .iter()
        .find(|&&(net, len, _)| in_prefix_v6(bits, net, len))
        .map(|&(_, _, kind)| kind);
    let (global, global_len) = V6_GLOBAL_UNICAST;
    listed.or_else(|| (!in_prefix_v6(bits, global, global_len)).then_some(Reserved))
}

/// The IPv4 address written inside `ip`, if it uses one of the embedding forms.
pub(super) fn embedded_v4(ip: Ipv6Addr) -> Option<Ipv4Addr> {
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
