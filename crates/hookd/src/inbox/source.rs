//! Where a request comes from: the connection's peer, or, only when that peer is a trusted
//! proxy, the right-most address of `X-Forwarded-For` that is not itself a trusted proxy.

use ipnet::IpNet;
use std::net::IpAddr;

/// The client address of a request from `peer` with these `X-Forwarded-For` values (each
/// header a comma-separated list; several headers are one list in order).
pub fn client_address<'a>(
    peer: IpAddr,
    forwarded_for: impl Iterator<Item = &'a str>,
    trusted: &[IpNet],
) -> IpAddr {
    let peer = canonical(peer);
    let is_trusted = |address: IpAddr| trusted.iter().any(|net| net.contains(&address));
    if !is_trusted(peer) {
        return peer;
    }
    let hops: Vec<&str> = forwarded_for.flat_map(|header| header.split(',')).collect();
    let mut client = peer;
    for hop in hops.iter().rev() {
        let Ok(address) = hop.trim().parse::<IpAddr>().map(canonical) else {
            // An entry that is no address: nothing to the left of it can be believed.
            break;
        };
        client = address;
        if !is_trusted(address) {
            break;
        }
    }
    client
}

/// IPv4-mapped IPv6 addresses (`::ffff:192.0.2.1`) as the IPv4 address they are.
fn canonical(address: IpAddr) -> IpAddr {
    match address {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(address, IpAddr::V4),
        v4 => v4,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn client(peer: &str, xff: &[&str], trusted: &[&str]) -> String {
        let trusted: Vec<IpNet> = trusted.iter().map(|t| t.parse().unwrap()).collect();
        client_address(peer.parse().unwrap(), xff.iter().copied(), &trusted).to_string()
    }

    /// Without trusted proxies, X-Forwarded-For is ignored: a client can't choose its address.
    #[test]
    fn an_untrusted_peer_is_the_source_whatever_it_forwards() {
        assert_eq!(
            client("198.51.100.7", &["203.0.113.1"], &[]),
            "198.51.100.7"
        );
        assert_eq!(
            client("198.51.100.7", &["203.0.113.1"], &["10.0.0.0/8"]),
            "198.51.100.7"
        );
    }

    /// Behind trusted proxies, the right-most address that is not a proxy is the client.
    #[test]
    fn the_right_most_untrusted_hop_is_the_client() {
        let trusted = ["10.0.0.0/8", "2001:db8:ffff::/48"];
        assert_eq!(
            client("10.0.0.2", &["1.2.3.4, 203.0.113.9, 10.0.0.1"], &trusted),
            "203.0.113.9"
        );
        assert_eq!(
            client("10.0.0.2", &["1.2.3.4", "203.0.113.9"], &trusted),
            "203.0.113.9"
        );
        assert_eq!(
            client("2001:db8:ffff::1", &["2001:db8:1::5"], &trusted),
            "2001:db8:1::5"
        );
        assert_eq!(client("10.0.0.2", &[], &trusted), "10.0.0.2");
        assert_eq!(
            client("10.0.0.2", &["10.0.0.3, 10.0.0.4"], &trusted),
            "10.0.0.3"
        );
        assert_eq!(
            client("10.0.0.2", &["203.0.113.9, garbage"], &trusted),
            "10.0.0.2"
        );
        assert_eq!(
            client("::ffff:10.0.0.2", &["203.0.113.9"], &trusted),
            "203.0.113.9"
        );
    }
}
