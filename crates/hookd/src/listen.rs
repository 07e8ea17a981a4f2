//! `hookd listen`: a local receiver for trying hookd out. It prints every webhook it gets and,
//! given the webhook's secret, checks both signatures the way a receiver should.

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use std::net::SocketAddr;
use std::sync::Arc;

/// Serves on `address` until interrupted, answering every request with `status`.
pub async fn run(
    address: SocketAddr,
    secret: Option<String>,
    status: StatusCode,
) -> anyhow::Result<()> {
    let listener = tokio::net::TcpListener::bind(address)
        .await
        .map_err(|e| anyhow::anyhow!("cannot listen on {address}: {e}"))?;
    println!("listening on http://{address}/ (answering {status}); Ctrl-C to stop");
    let app = Router::new()
        .fallback(receive)
        .with_state(Arc::new((secret, status)));
    axum::serve(listener, app)
        .with_graceful_shutdown(crate::app::shutdown_signal())
        .await?;
    Ok(())
}

async fn receive(
    State(settings): State<Arc<(Option<String>, StatusCode)>>,
    headers: HeaderMap,
    body: Bytes,
) -> StatusCode {
    let (secret, status) = &*settings;
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("-")
    };
    println!(
        "── {} {} {} attempt {} (delivery {})",
        crate::model::Timestamp::now(),
        header("x-webhook-event"),
        header("webhook-id"),
        header("x-webhook-attempt"),
        header("x-webhook-delivery")
    );
    match secret {
        Some(secret) => {
            let now = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap_or_default()
                .as_secs() as i64;
            let standard = hookd_verify::verify_standard(
                secret,
                header("webhook-id"),
                header("webhook-timestamp"),
                &body,
                header("webhook-signature"),
                now,
                hookd_verify::DEFAULT_TOLERANCE_SECS,
            );
            let hex = hookd_verify::verify_hex(secret, &body, header("x-webhook-signature"));
            let verdict = |r: Result<(), hookd_verify::VerifyError>| match r {
                Ok(()) => "valid".to_owned(),
                Err(e) => format!("INVALID ({e})"),
            };
            println!(
                "   webhook-signature: {}, x-webhook-signature: {}",
                verdict(standard),
                verdict(hex)
            );
        }
        None => println!("   (signatures not checked: pass --secret whsec_... to check them)"),
    }
    println!("   {}", String::from_utf8_lossy(&body));
    *status
}
