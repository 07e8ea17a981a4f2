//! Logs and metrics: `tracing` to stderr as text or JSON, and the Prometheus recorder behind
//! `/metrics`. Both are process-wide and installed once.

use crate::config::LogFormat;
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use std::sync::OnceLock;
use tracing_subscriber::EnvFilter;

/// Installs the log subscriber; `RUST_LOG` overrides the configured filter.
pub fn init_logging(filter: &str, format: LogFormat) {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(filter));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    let _ = match format {
        LogFormat::Text => builder.try_init(),
        LogFormat::Json => builder.json().flatten_event(true).try_init(),
    };
}

/// The process's Prometheus recorder, installed on first use.
pub fn metrics() -> PrometheusHandle {
    static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();
    HANDLE
        .get_or_init(|| {
            let handle = PrometheusBuilder::new()
                .set_buckets_for_metric(
                    Matcher::Full("hookd_attempt_duration_seconds".into()),
                    &[
                        0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0,
                        10.0, 30.0,
                    ],
                )
                .expect("valid buckets")
                .install_recorder()
                .expect("no other metrics recorder is installed");
            describe();
            handle
        })
        .clone()
}

fn describe() {
    metrics::describe_counter!(
        "hookd_events_accepted_total",
        "Events stored (202), duplicates excluded."
    );
    metrics::describe_counter!(
        "hookd_deliveries_total",
        "Deliveries finished, by outcome (succeeded, failed)."
    );
    metrics::describe_counter!(
        "hookd_attempts_total",
        "Attempts made, by outcome (succeeded, retrying, failed)."
    );
    metrics::describe_histogram!(
        "hookd_attempt_duration_seconds",
        "Duration of each delivery attempt."
    );
    metrics::describe_gauge!(
        "hookd_deliveries_pending",
        "Deliveries pending in the database (sampled)."
    );
    metrics::describe_gauge!(
        "hookd_dispatch_held",
        "Deliveries held in memory: queued in lanes or in flight."
    );
}
