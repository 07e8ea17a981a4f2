//! Fitting outbound connections to the process's file limit. Every outbound connection, every
//! client connection of the listener and every database connection is a file descriptor; when
//! they run out, nothing works (the API stops accepting, the database can't be reached). hookd
//! raises its soft limit to the hard one at start, then keeps outbound connections, in use and
//! idle, to what is left after the listener and the database have their room.

use super::gates::OutboundLimits;

/// Descriptors kept for everything else: the SQLite files and their readers, the log, the
/// resolver, the runtime.
const SPARE: u64 = 128;

/// What outbound traffic may use, after fitting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fitted {
    pub limits: OutboundLimits,
    /// Outbound connections open at most, in use or idle: twice the requests at once, so
    /// that connections kept alive for reuse don't stand in the way of new requests.
    pub connections: usize,
    /// Connections kept alive per receiving host: a quarter of the requests at once. A host
    /// that gets more requests at once than its pool keeps has connections closed as they
    /// finish and dialled again for the next ones (with 32, a webhook with `max_in_flight: 64`
    /// dialled once every three deliveries, a fifth of hookd's CPU per delivery). Idle
    /// connections hold places among `connections`, so the cap stays a fraction of the
    /// requests at once: four busy hosts' idle connections still leave room for every request.
    pub idle_per_host: usize,
    /// Whether `max_outbound` had to be lowered.
    pub lowered: bool,
}

/// Fits the configured limits into `file_limit` descriptors, given the listener's
/// `max_connections` and the database pool.
pub fn fit(
    configured: OutboundLimits,
    file_limit: u64,
    max_connections: usize,
    database_pool: u32,
) -> Fitted {
    let reserved = max_connections as u64 + u64::from(database_pool) + SPARE;
    let room = file_limit.saturating_sub(reserved) / 2;
    let total = (configured.total as u64).min(room).max(1) as usize;
    Fitted {
        limits: OutboundLimits {
            total,
            per_tenant: configured.per_tenant.min(total),
        },
        connections: total * 2,
        idle_per_host: (total / 4).max(1),
        lowered: total < configured.total,
    }
}

/// Raises the soft limit on open files to the hard limit, and returns the limit in force.
pub fn raise_file_limit() -> u64 {
    match rlimit::increase_nofile_limit(u64::MAX) {
        Ok(limit) => limit,
        Err(error) => {
            tracing::warn!(%error, "could not raise the open-file limit");
            rlimit::getrlimit(rlimit::Resource::NOFILE)
                .map(|(soft, _)| soft)
                .unwrap_or(1024)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CONFIGURED: OutboundLimits = OutboundLimits {
        total: 512,
        per_tenant: 256,
    };

    /// With room to spare, the configured limits stand.
    #[test]
    fn a_roomy_file_limit_keeps_the_configured_limits() {
        let fitted = fit(CONFIGURED, 1_048_576, 1024, 16);
        assert_eq!(fitted.limits, CONFIGURED);
        assert_eq!(fitted.connections, 1024);
        assert_eq!(fitted.idle_per_host, 128);
        assert!(!fitted.lowered);
    }

    /// Four hosts keeping their most idle connections still leave a connection for every
    /// request at once, however the limits were fitted.
    #[test]
    fn idle_connections_of_four_hosts_leave_room_for_every_request() {
        for file_limit in [1024, 1400, 2048, 4096, 1_048_576] {
            let fitted = fit(CONFIGURED, file_limit, 1024, 16);
            assert!(fitted.idle_per_host >= 1);
            assert!(
                4 * fitted.idle_per_host + fitted.limits.total <= fitted.connections
                    || fitted.limits.total == 1,
                "{fitted:?}"
            );
        }
    }

    /// A tight file limit lowers outbound requests so that they, their idle connections, the
    /// listener and the database all fit.
    #[test]
    fn a_tight_file_limit_lowers_outbound_requests() {
        let fitted = fit(CONFIGURED, 2048, 1024, 16);
        assert!(fitted.lowered);
        let used = fitted.connections as u64 + 1024 + 16 + SPARE;
        assert!(used <= 2048, "{used}");
        assert_eq!(fitted.limits.total, (2048 - 1024 - 16 - 128) / 2);
        assert_eq!(fitted.limits.per_tenant, 256);
        let tiny = fit(CONFIGURED, 1024, 1024, 16);
        assert_eq!((tiny.limits.total, tiny.limits.per_tenant), (1, 1));
    }
}
