//! Logs, traces and metrics: `tracing` to stderr as text or JSON (each line with the fields of
//! the spans it was written in: a delivery's ids, a request's route), spans exported over OTLP
//! when a collector is configured (`otlp`), and the Prometheus recorder behind `/metrics`. All
//! are process-wide and installed once.

pub mod otlp;

use crate::config::LogFormat;
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use std::sync::OnceLock;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::{EnvFilter, Layer};

/// Installs the log subscriber; `RUST_LOG` overrides the configured filter.
pub fn init_logging(filter: &str, format: LogFormat) {
    install(filter, format, None);
}

/// Installs the log subscriber and, with an `otlp_endpoint`, the span export, whose requests
/// run on `runtime`. Keep the returned export until the end: dropping it sends the last spans.
pub fn init_logging_and_export(
    filter: &str,
    format: LogFormat,
    otlp_endpoint: Option<&str>,
    runtime: tokio::runtime::Handle,
) -> anyhow::Result<Option<otlp::SpanExport>> {
    let export = otlp_endpoint
        .map(|endpoint| otlp::SpanExport::start(endpoint, runtime))
        .transpose()?;
    install(filter, format, export.as_ref());
    if let Some(endpoint) = otlp_endpoint {
        tracing::info!(
            endpoint,
            "exporting spans over OTLP to {endpoint}/v1/traces"
        );
    }
    Ok(export)
}

fn install(filter: &str, format: LogFormat, export: Option<&otlp::SpanExport>) {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(filter));
    let lines = match format {
        // Colours only for a person at a terminal: a file, a pipe or a journal gets plain text.
        LogFormat::Text => tracing_subscriber::fmt::layer()
            .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
            .with_writer(std::io::stderr)
            .boxed(),
        LogFormat::Json => tracing_subscriber::fmt::layer()
            .json()
            .flatten_event(true)
            .with_writer(std::io::stderr)
            .boxed(),
    };
    let spans = export.map(|export| tracing_opentelemetry::layer().with_tracer(export.tracer()));
    let _ = tracing_subscriber::registry()
        .with(filter)
        .with(lines)
        .with(spans)
        .try_init();
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
    metrics::describe_gauge!(
        "hookd_circuits",
        "Active webhooks whose circuit is open or half open, by state."
    );
    metrics::describe_counter!(
        "hookd_circuit_transitions_total",
        "Circuits that opened (or opened again after a failed probe) and closed, by `to`."
    );
}
