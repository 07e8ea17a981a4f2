//! `GET /api/server`: what this hookd is and the settings a user of it may want to know (the
//! version, the database kind, how long each kind of record is kept, the limits a caller meets).
//! Nothing secret: any valid token may read it.

use super::AppState;
use crate::config::Database;
use crate::model::Principal;
use axum::Json;
use axum::extract::State;
use serde::Serialize;
use std::time::Duration;
use utoipa::ToSchema;

#[derive(Debug, Serialize, ToSchema)]
pub struct ServerOut {
    /// hookd's version.
    pub version: &'static str,
    /// `sqlite` or `postgresql`.
    pub database: &'static str,
    pub retention: RetentionOut,
    pub limits: LimitsOut,
}

/// How long each kind of record is kept, as `30d`, `12h`, `90m` or `45s`.
#[derive(Debug, Serialize, ToSchema)]
pub struct RetentionOut {
    /// Events, with their deliveries once all finished, and audit entries.
    pub events: String,
    /// Attempts (the webhooks' logs) and per-minute statistics.
    pub attempts: String,
    /// Requests received by inboxes.
    pub inbox_requests: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct LimitsOut {
    pub max_event_bytes: usize,
    pub max_batch_bytes: usize,
    pub max_webhooks_per_tenant: u64,
    pub max_inboxes_per_tenant: u64,
    pub max_in_flight_per_webhook: u32,
}

#[utoipa::path(get, path = "/api/server", tag = "server",
    responses((status = 200, description = "This hookd: version, database, retention and limits.", body = ServerOut)))]
pub async fn get_server(State(state): State<AppState>, _principal: Principal) -> Json<ServerOut> {
    let config = &state.config;
    Json(ServerOut {
        version: env!("CARGO_PKG_VERSION"),
        database: match config.database {
            Database::Sqlite(_) => "sqlite",
            Database::Postgres(_) => "postgresql",
        },
        retention: RetentionOut {
            events: compact(config.retention_events),
            attempts: compact(config.retention_attempts),
            inbox_requests: compact(config.retention_inbox_requests),
        },
        limits: LimitsOut {
            max_event_bytes: config.max_event_bytes,
            max_batch_bytes: config.max_batch_bytes,
            max_webhooks_per_tenant: config.max_webhooks_per_tenant,
            max_inboxes_per_tenant: config.max_inboxes_per_tenant,
            max_in_flight_per_webhook: config.max_in_flight_per_webhook,
        },
    })
}

/// A duration in the largest of d, h, m, s that writes it whole (`30d`, `36h`, `90s`).
fn compact(duration: Duration) -> String {
    let seconds = duration.as_secs();
    [(86_400, "d"), (3_600, "h"), (60, "m")]
        .into_iter()
        .find(|(unit, _)| seconds > 0 && seconds.is_multiple_of(*unit))
        .map_or_else(
            || format!("{seconds}s"),
            |(unit, name)| format!("{}{name}", seconds / unit),
        )
}

#[cfg(test)]
mod tests {
    use super::compact;
    use std::time::Duration;

    #[test]
    fn durations_are_written_in_the_largest_whole_unit() {
        let cases = [
            (30 * 86_400, "30d"),
            (36 * 3_600, "36h"),
            (90, "90s"),
            (120, "2m"),
            (1, "1s"),
        ];
        for (seconds, text) in cases {
            assert_eq!(compact(Duration::from_secs(seconds)), text);
        }
    }
}
