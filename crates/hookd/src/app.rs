//! Start-up and shutdown glue: opens the store, loads the directory and schemas, starts the
//! dispatcher and background tasks, builds the router, and serves until told to stop.
//!
//! `Server::start` + `Server::serve(listener, shutdown)` let tests run a real server on port 0.

use crate::api::{self, AppState, Authenticator};
use crate::config::{Config, Database};
use crate::directory::Directory;
use crate::dispatch::client::OutboundClient;
use crate::dispatch::ssrf::AddressPolicy;
use crate::dispatch::{DispatchConfig, Dispatcher, Limits};
use crate::model::*;
use crate::publish::schemas::SchemaCatalog;
use crate::publish::{Publication, Publisher, Targets};
use crate::store::sqlite::SqliteStore;
use crate::store::{DisabledWebhook, DynStore};
use anyhow::Context;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

/// Setting key of the generated admin token's hash.
const ADMIN_TOKEN_HASH: &str = "admin_token_sha256";

/// A started server: storage open, dispatcher running, not yet listening.
pub struct Server {
    state: AppState,
    dispatcher: Dispatcher,
    background: Vec<JoinHandle<()>>,
    /// The admin token made on this first start, to be shown once.
    pub generated_admin_token: Option<ApiToken>,
}

/// Opens the configured store and applies its migrations.
pub fn open_store(config: &Config) -> anyhow::Result<DynStore> {
    match &config.database {
        Database::Sqlite(path) => {
            let store =
                SqliteStore::open(path).with_context(|| format!("opening {}", path.display()))?;
            Ok(Arc::new(store))
        }
        Database::Postgres(_) => anyhow::bail!(
            "database_url: PostgreSQL is not supported by this build yet; use sqlite://PATH"
        ),
    }
}

impl Server {
    pub async fn start(config: Config) -> anyhow::Result<Self> {
        let config = Arc::new(config);
        let store = open_store(&config)?;
        let node: Arc<str> = format!("node-{}", ulid::Ulid::new()).into();
        // SQLite allows one node: whatever another node id holds was left by a previous run.
        let released = store.release_foreign_claims(&node).await?;
        if released > 0 {
            tracing::info!(
                released,
                "resuming deliveries left in flight by the previous run"
            );
        }
        let (admin_hash, generated_admin_token) = admin_token(&config, &store).await?;
        let directory = Directory::load(store.clone()).await?;
        let schemas = SchemaCatalog::load(store.clone()).await?;
        let policy = AddressPolicy::new(config.allowed_networks.clone());
        let outbound = OutboundClient::new(
            policy.clone(),
            config.user_agent.to_str().unwrap_or("hookd"),
            256,
        );
        let dispatch = DispatchConfig {
            node: node.clone(),
            limits: Limits {
                deliveries: config.dispatch_buffer,
                bytes: config.dispatch_buffer_bytes,
                per_webhook: config.dispatch_buffer_per_webhook,
            },
            default_schedule: config.retry_schedule.clone(),
            disable_after: config.disable_after_failures,
            scan_interval: config.scan_interval,
            max_payload: config.max_event_bytes,
            user_agent: config.user_agent.clone(),
        };
        let (dispatcher, disabled) =
            Dispatcher::start(dispatch, store.clone(), &directory, outbound.clone());
        let publisher = Arc::new(Publisher::new(
            store.clone(),
            directory.clone(),
            dispatcher.handle(),
            schemas,
        ));
        let state = AppState {
            config: config.clone(),
            store: store.clone(),
            directory: directory.clone(),
            publisher: publisher.clone(),
            dispatcher: dispatcher.handle(),
            outbound,
            policy,
            auth: Arc::new(Authenticator::new(admin_hash, store.clone())),
            metrics: crate::telemetry::metrics(),
        };
        let background = vec![
            tokio::spawn(announce_disabled(disabled, directory, publisher)),
            tokio::spawn(enforce_retention(store.clone(), config.retention)),
            tokio::spawn(sample_pending(store)),
        ];
        Ok(Self {
            state,
            dispatcher,
            background,
            generated_admin_token,
        })
    }

    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// Serves on `listener` until `shutdown` resolves, then stops accepting, lets attempts in
    /// flight finish within the grace period, and writes every outcome before returning.
    pub async fn serve(
        self,
        listener: TcpListener,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> anyhow::Result<()> {
        let grace = self.state.config.shutdown_grace;
        let router = api::app(self.state.clone());
        tracing::info!(address = %listener.local_addr()?, "hookd is listening");
        axum::serve(listener, router)
            .with_graceful_shutdown(shutdown)
            .await
            .context("serving HTTP")?;
        tracing::info!("shutting down: finishing deliveries in flight");
        self.dispatcher.shutdown(grace).await;
        for task in self.background {
            task.abort();
        }
        tracing::info!("stopped");
        Ok(())
    }
}

/// The admin token's hash: from the configuration, or stored, or made now (and returned once).
async fn admin_token(
    config: &Config,
    store: &DynStore,
) -> anyhow::Result<(TokenHash, Option<ApiToken>)> {
    if let Some(token) = &config.admin_token {
        return Ok((TokenHash::of(&token.0), None));
    }
    if let Some(stored) = store.setting(ADMIN_TOKEN_HASH).await? {
        let hash =
            TokenHash::from_hex(&stored).context("the stored admin token hash is corrupt")?;
        return Ok((hash, None));
    }
    let token = ApiToken::generate();
    store
        .set_setting(ADMIN_TOKEN_HASH, &token.hash().to_hex())
        .await?;
    Ok((token.hash(), Some(token)))
}

/// Publishes `webhook.disabled` in the tenant of every webhook the dispatcher disabled.
async fn announce_disabled(
    mut disabled: mpsc::UnboundedReceiver<DisabledWebhook>,
    directory: Arc<Directory>,
    publisher: Arc<Publisher>,
) {
    while let Some(webhook) = disabled.recv().await {
        if let Err(error) = directory.reload().await {
            tracing::warn!(%error, "could not refresh webhooks after a disable");
        }
        let data = serde_json::json!({
            "webhook_id": webhook.id.as_str(),
            "url": webhook.url,
            "reason": webhook.reason.as_str(),
            "failure_streak": webhook.failure_streak,
        });
        let publication = Publication {
            tenant: webhook.tenant.clone(),
            event_type: EventName::parse("webhook.disabled").expect("a valid name"),
            data: serde_json::value::to_raw_value(&data).expect("JSON encodes"),
            idempotency_key: None,
            targets: Targets::Subscribers,
        };
        if let Err(error) = publisher
            .publish(vec![publication], |_| String::new())
            .await
        {
            tracing::error!(webhook_id = %webhook.id, %error, "could not publish webhook.disabled");
        }
    }
}

/// Deletes what is older than the retention window, in small batches, every ten minutes.
async fn enforce_retention(store: DynStore, retention: Duration) {
    const BATCH: usize = 500;
    let mut every = tokio::time::interval(Duration::from_secs(600));
    loop {
        every.tick().await;
        let cutoff = Timestamp::now().minus(retention);
        loop {
            match store.delete_older_than(cutoff, BATCH).await {
                Ok(deleted) if deleted as usize == BATCH => {
                    tokio::time::sleep(Duration::from_millis(50)).await
                }
                Ok(deleted) => {
                    if deleted > 0 {
                        tracing::info!(deleted, "old events removed");
                    }
                    break;
                }
                Err(error) => {
                    tracing::warn!(%error, "retention cleanup failed; will try again");
                    break;
                }
            }
        }
    }
}

/// Samples the pending count for `/metrics`.
async fn sample_pending(store: DynStore) {
    let mut every = tokio::time::interval(Duration::from_secs(15));
    loop {
        every.tick().await;
        if let Ok(counts) = store.delivery_counts(&Scope::All).await {
            metrics::gauge!("hookd_deliveries_pending").set(counts.pending as f64);
        }
    }
}

/// Resolves on SIGINT or SIGTERM.
pub async fn shutdown_signal() {
    let interrupt = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => {}
        () = terminate => {}
    }
}
