//! Which addresses a webhook may reach, and why.
//!
//! Webhook URLs are written by users, but the requests are sent from inside the
//! operator's network. Without a guard, a URL such as `http://169.254.169.254/`
//! or `http://localhost:6379/` turns hookd into a proxy into that network
//! (server-side request forgery). This module decides, for one IP address at a
//! time, whether hookd may connect to it: globally reachable unicast addresses
//! are allowed; loopback, private, link-local, cloud metadata, multicast,
//! reserved, documentation and the other special-purpose ranges are refused
//! unless the operator listed them in `HOOKD_ALLOWED_NETWORKS` (`ranges` has the
//! blocks). IPv4 addresses written inside IPv6 (mapped, translated, compatible,
//! NAT64 and 6to4 forms) are unwrapped and judged as IPv4, so `::ffff:127.0.0.1`
//! is as loopback as `127.0.0.1`; forms whose IPv4 address can't be judged here
//! (NAT64 for local use, Teredo) are refused.
//!
//! Cloud metadata host names (`metadata.google.internal`, `instance-data`, ...)
//! are refused by name too (`names`), before any lookup and whatever the allowed
//! networks.
//!
//! The policy is pure: it never resolves names. The caller resolves, checks
//! every address, and connects only to an address that passed (see `client`).

mod names;
mod ranges;

use std::fmt;
use std::net::IpAddr;

use ipnet::IpNet;

pub use names::{METADATA_NAMES, is_metadata_name};

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

/// Why a host name was refused without being looked up.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{host} is the host name of a cloud metadata service")]
pub struct ForbiddenName {
    pub host: String,
}

/// Why a destination was refused: its name, or one of its addresses.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    #[error(transparent)]
    Name(#[from] ForbiddenName),
    #[error(transparent)]
    Address(#[from] ForbiddenAddress),
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
    /// An IPv6 address that a gateway of the site translates or tunnels to IPv4, without the
    /// IPv4 address being readable here: NAT64 for local use, Teredo.
    Translated,
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
            Self::Translated => "an address translated to IPv4 (NAT64 for local use, or Teredo)",
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
            IpAddr::V6(v6) => ranges::embedded_v4(v6),
        };
        if self.is_allowed(ip) || embedded.is_some_and(|v4| self.is_allowed(IpAddr::V4(v4))) {
            return Ok(());
        }
        let kind = match (ip, embedded) {
            (_, Some(v4)) | (IpAddr::V4(v4), None) => ranges::classify_v4(v4),
            (IpAddr::V6(v6), None) => ranges::classify_v6(v6),
        };
        match kind {
            None => Ok(()),
            Some(kind) => Err(ForbiddenAddress { ip, kind }),
        }
    }

    /// Ok if a host name may be looked up and connected to (its addresses are checked one by
    /// one with [`AddressPolicy::check`]). Metadata names are refused whatever the allowed
    /// networks; IP literals are not names and pass.
    pub fn check_name(&self, host: &str) -> Result<(), ForbiddenName> {
        if is_metadata_name(host) {
            Err(ForbiddenName {
                host: host.to_owned(),
            })
        } else {
            Ok(())
        }
    }

    fn is_allowed(&self, ip: IpAddr) -> bool {
        self.allowed.iter().any(|net| net.contains(&ip))
    }
}

#[cfg(test)]
mod registry_tests;
#[cfg(test)]
mod tests;
