//! Start-up and shutdown glue: opens the store, loads the directory and schemas, starts the
//! dispatcher and background tasks, builds the router, and serves until told to stop.
//!
//! `Server::start` + `Server::serve(listener, shutdown)` let tests run a real server on port 0.

use crate::api::{self, AppState, Authenticator};
use crate::config::{Config, Database};
use crate::directory::Directory;
use crate::dispatch::client::OutboundClient;
use crate::dispatch::ssrf::AddressPolicy;
use crate::dispatch::{
    DispatchConfig, Dispatcher, DispatcherHandle, Gates, Lease, Limits, OutboundLimits, file_limit,
};
use crate::inbox::Inboxes;
use crate::model::*;
use crate::ops::Operations;
use crate::publish::Publisher;
use crate::publish::schemas::SchemaCatalog;
use crate::store::postgres::PostgresStore;
use crate::store::sealing::Resealed;
use crate::store::sqlite::SqliteStore;
use crate::store::{DynStore, StoreError, WebhookNews};
use anyhow::Context;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

/// Setting key of the generated admin token's hash.
const ADMIN_TOKEN_HASH: &str = "admin_token_sha256";

/// How often a node reloads webhooks even without a signal (a backstop for notifications
/// lost while the database connection was down).
const WEBHOOK_RELOAD_INTERVAL: Duration = Duration::from_secs(30);

/// A started server: storage open, dispatcher running (unless the role says not), not yet
/// listening.
pub struct Server {
    state: AppState,
    dispatcher: Option<Dispatcher>,
    background: Vec<JoinHandle<()>>,
    /// Where the admin token came from at this start.
    pub admin_token: AdminTokenSource,
}

/// Where the admin token of a start came from.
pub enum AdminTokenSource {
    /// `HOOKD_ADMIN_TOKEN` (or the config file, or a flag).
    Configured,
    /// A token made on an earlier start, of which only the hash is stored.
    Stored,
    /// Made on this start: to be shown once, now.
    Generated(ApiToken),
}

/// Opens the configured store and applies its migrations.
pub async fn open_store(config: &Config) -> anyhow::Result<DynStore> {
    match &config.database {
        Database::Sqlite(path) => {
            let store = SqliteStore::open(path, config.secret_key.clone())
                .map_err(|e| opening(e, &path.display()))?;
            Ok(Arc::new(store))
        }
        Database::Postgres(url) => {
            let store = PostgresStore::open(url, config.database_pool, config.secret_key.clone())
                .await
                .map_err(|e| opening(e, &"the PostgreSQL database"))?;
            Ok(Arc::new(store))
        }
    }
}

/// A store that could not be opened: a database that is away or a path that is wrong says so
/// in its own words ("cannot connect to PostgreSQL at 127.0.0.1:5432: connection refused");
/// anything else names what was being opened.
fn opening(error: StoreError, what: &dyn std::fmt::Display) -> anyhow::Error {
    match error {
        StoreError::Unavailable(message) => anyhow::anyhow!(message),
        other => anyhow::Error::new(other).context(format!("opening {what}")),
    }
}

/// Applies pending migrations only (`hookd migrate`).
pub async fn migrate(config: &Config) -> anyhow::Result<()> {
    match &config.database {
        Database::Sqlite(_) => {
            open_store(config).await?;
        }
        Database::Postgres(url) => {
            PostgresStore::migrate(url)
                .await
                .map_err(|e| opening(e, &"the PostgreSQL database"))?;
        }
    }
    Ok(())
}

impl Server {
    pub async fn start(config: Config) -> anyhow::Result<Self> {
        let config = Arc::new(config);
        let store = open_store(&config).await?;
        let node: Arc<str> = format!("node-{}", ulid::Ulid::new()).into();
        let lease = Arc::new(Lease::new(node.clone(), config.lease));
        tracing::info!(node = %node, role = ?config.role, "starting");
        if config.secret_key.is_none() && matches!(config.database, Database::Postgres(_)) {
            tracing::warn!(
                "HOOKD_SECRET_KEY is not set: webhook secrets are stored unencrypted in \
                 PostgreSQL. Set it to the base64 of 32 random bytes (`openssl rand -base64 32`) \
                 on every node, then run `hookd rekey` to encrypt the secrets stored so far."
            );
        }
        if let Database::Sqlite(_) = config.database {
            // One process per SQLite file: whatever another claim holds was left by a previous
            // run, so it need not wait for its lease to run out.
            let released = store.release_foreign_claims(&lease.current()).await?;
            if released > 0 {
                tracing::info!(
                    released,
                    "resuming deliveries left in flight by the previous run"
                );
            }
        }
        let directory = Directory::load(store.clone()).await?;
        let schemas = SchemaCatalog::load(store.clone()).await?;
        let inboxes = Inboxes::load(store.clone(), config.public_url.clone()).await?;
        // Last of what can fail: a token made here must reach the caller to be shown.
        let (admin_hash, admin_token) = admin_token(&config, &store).await?;
        let policy = AddressPolicy::new(config.allowed_networks.clone());
        let outbound_limits = fit_outbound(&config);
        let gates = Gates::new(outbound_limits.limits);
        let outbound = OutboundClient::new(
            policy.clone(),
            config.user_agent.to_str().unwrap_or("hookd"),
            outbound_limits.connections,
            outbound_limits.idle_per_host,
        )
        .with_own_inboxes(inboxes.own());
        let dispatch = DispatchConfig {
            lease: lease.clone(),
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
            gates: gates.clone(),
        };
        let (dispatcher, disabled) = if config.role.dispatches() {
            let (dispatcher, disabled) =
                Dispatcher::start(dispatch, store.clone(), &directory, outbound.clone());
            (Some(dispatcher), Some(disabled))
        } else {
            (None, None)
        };
        let handle = dispatcher
            .as_ref()
            .map(Dispatcher::handle)
            .unwrap_or_else(|| DispatcherHandle::none(lease.clone()));
        let publisher = Arc::new(
            Publisher::new(store.clone(), directory.clone(), handle.clone(), schemas)
                .with_own_inboxes(inboxes.own()),
        );
        let ops = Arc::new(Operations {
            config: config.clone(),
            store: store.clone(),
            directory: directory.clone(),
            inboxes: inboxes.clone(),
            publisher: publisher.clone(),
            dispatcher: handle.clone(),
            outbound: outbound.clone(),
            gates: gates.clone(),
            policy: policy.clone(),
            creating_webhooks: tokio::sync::Mutex::new(()),
        });
        if let Some(dispatcher) = &dispatcher {
            dispatcher.set_ping(ops.clone());
        }
        let state = AppState::new(api::Shared {
            config: config.clone(),
            store: store.clone(),
            directory: directory.clone(),
            publisher: publisher.clone(),
            dispatcher: handle,
            outbound,
            gates,
            policy,
            auth: Arc::new(Authenticator::new(admin_hash, store.clone())),
            metrics: crate::telemetry::metrics(),
            inboxes: inboxes.clone(),
            ops: ops.clone(),
        });
        let mut background = vec![
            tokio::spawn(follow_webhooks(store.clone(), directory.clone(), inboxes)),
            tokio::spawn(sample_pending(store.clone())),
            tokio::spawn(report_circuits(directory.clone())),
        ];
        background.extend(crate::retention::start(&store, &config));
        match disabled {
            Some(news) => background.push(tokio::spawn(announce_news(news, ops.clone()))),
            // The dispatcher renews its leases; an API-only node still claims test attempts
            // and helps release the work of dead nodes.
            None => background.push(tokio::spawn(crate::dispatch::renewer::run(
                store.clone(),
                lease.clone(),
            ))),
        }
        Ok(Self {
            state,
            dispatcher,
            background,
            admin_token,
        })
    }

    /// The admin token made on this (first) start, to be shown once.
    pub fn generated_admin_token(&self) -> Option<&ApiToken> {
        match &self.admin_token {
            AdminTokenSource::Generated(token) => Some(token),
            _ => None,
        }
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
        let router = if self.state.config.role.serves_api() {
            api::app(self.state.clone())
        } else {
            api::worker_app(self.state.clone())
        };
        let address = listener.local_addr()?;
        self.state.inboxes.set_bound_address(address);
        tracing::info!(%address, "hookd is listening");
        // Streams never end by themselves: end them when the server stops, or the listener
        // would wait for them until its drain time runs out.
        let inboxes = self.state.inboxes.clone();
        let shutdown = async move {
            shutdown.await;
            inboxes.close_streams();
        };
        crate::listener::serve(listener, router, self.state.config.listener, shutdown).await;
        if let Some(dispatcher) = self.dispatcher {
            tracing::info!("shutting down: finishing deliveries in flight");
            dispatcher.shutdown(grace).await;
        }
        for task in self.background {
            task.abort();
        }
        tracing::info!("stopped");
        Ok(())
    }
}

/// Raises the file limit and fits the outbound limits into it, saying so when they had to be
/// lowered.
fn fit_outbound(config: &Config) -> file_limit::Fitted {
    let file_limit = file_limit::raise_file_limit();
    let configured = OutboundLimits {
        total: config.max_outbound,
        per_tenant: config.max_outbound_per_tenant,
    };
    let fitted = file_limit::fit(
        configured,
        file_limit,
        config.listener.max_connections,
        config.database_pool,
    );
    if fitted.lowered {
        tracing::warn!(
            file_limit,
            max_outbound = config.max_outbound,
            lowered_to = fitted.limits.total,
            "the open-file limit leaves too little room: outbound requests at once lowered \
             (raise the limit with `ulimit -n` or LimitNOFILE=, or lower max_connections)"
        );
    }
    metrics::gauge!("hookd_outbound_limit").set(fitted.limits.total as f64);
    fitted
}

/// The admin token's hash: from the configuration, or stored, or made now (and returned once).
async fn admin_token(
    config: &Config,
    store: &DynStore,
) -> anyhow::Result<(TokenHash, AdminTokenSource)> {
    if let Some(token) = &config.admin_token {
        return Ok((TokenHash::of(&token.0), AdminTokenSource::Configured));
    }
    if let Some(stored) = store.setting(ADMIN_TOKEN_HASH).await? {
        return Ok((stored_hash(&stored)?, AdminTokenSource::Stored));
    }
    let token = ApiToken::generate();
    let stored = store
        .init_setting(ADMIN_TOKEN_HASH, &token.hash().to_hex())
        .await?;
    if stored != token.hash().to_hex() {
        // Another node starting at the same moment made one first; its token is the one.
        return Ok((stored_hash(&stored)?, AdminTokenSource::Stored));
    }
    Ok((token.hash(), AdminTokenSource::Generated(token)))
}

fn stored_hash(stored: &str) -> anyhow::Result<TokenHash> {
    TokenHash::from_hex(stored).context(
        "the stored admin token hash is corrupt; `hookd admin-token --reset` makes a new token",
    )
}

/// What `hookd admin-token --reset` found and did.
pub struct AdminTokenReset {
    /// The new admin token, to be shown once: only its hash is stored.
    pub token: ApiToken,
    /// `HOOKD_ADMIN_TOKEN` is set, so servers started with this configuration ignore the new
    /// token until it is unset.
    pub overridden_by_configuration: bool,
}

/// Replaces the stored admin token with a new one (`hookd admin-token --reset`): the way back
/// when the token printed on the first start is lost. Needs only the database; on SQLite the
/// server must be stopped (one process per file), and the file must already exist.
pub async fn reset_admin_token(config: &Config) -> anyhow::Result<AdminTokenReset> {
    if let Database::Sqlite(path) = &config.database
        && !path.is_file()
    {
        anyhow::bail!(
            "there is no database at {} (nothing to reset): check HOOKD_DATABASE_URL, or start \
             hookd once to create it",
            path.display()
        );
    }
    let store = open_store(config).await?;
    let token = ApiToken::generate();
    store
        .replace_setting(ADMIN_TOKEN_HASH, &token.hash().to_hex())
        .await?;
    store
        .insert_audit(&AuditEntry {
            id: AuditId::new(),
            at: Timestamp::now(),
            actor: Actor::CommandLine,
            tenant: None,
            action: AuditAction::AdminTokenReset,
            target: "admin".to_owned(),
            detail: serde_json::json!({}),
            source_ip: None,
        })
        .await?;
    Ok(AdminTokenReset {
        token,
        overridden_by_configuration: config.admin_token.is_some(),
    })
}

/// Seals every stored webhook secret with the first key of `HOOKD_SECRET_KEY` (or the SQLite
/// key file when it is unset), plain ones included (`hookd rekey`). On SQLite the server must
/// be stopped (one process per file); on PostgreSQL nodes may run, with the new key list.
pub async fn rekey(config: &Config) -> anyhow::Result<Resealed> {
    match &config.database {
        Database::Sqlite(path) if !path.is_file() => anyhow::bail!(
            "there is no database at {} (nothing to re-encrypt): check HOOKD_DATABASE_URL",
            path.display()
        ),
        Database::Postgres(_) if config.secret_key.is_none() => anyhow::bail!(
            "HOOKD_SECRET_KEY is not set: there is no key to encrypt with (set it to the base64 \
             of 32 random bytes, `openssl rand -base64 32`)"
        ),
        _ => {}
    }
    let store = open_store(config).await?;
    Ok(store.reseal_secrets().await?)
}

/// Reloads the routing cache when another node signals a webhook change, and every
/// `WEBHOOK_RELOAD_INTERVAL` in case a signal was lost. A single-node backend sends no
/// signals: every change is made, and reloaded, by this process.
async fn follow_webhooks(store: DynStore, directory: Arc<Directory>, inboxes: Arc<Inboxes>) {
    let Some(mut changes) = store.signals().map(|signals| signals.webhooks) else {
        return;
    };
    loop {
        tokio::select! {
            changed = changes.changed() => if changed.is_err() { return },
            () = tokio::time::sleep(WEBHOOK_RELOAD_INTERVAL) => {}
        }
        if let Err(error) = directory.reload().await {
            tracing::warn!(%error, "could not reload webhooks; will try again");
        }
        if let Err(error) = inboxes.reload().await {
            tracing::warn!(%error, "could not reload inboxes; will try again");
        }
    }
}

/// Announces what the dispatcher's outcomes did to webhooks (`webhook.disabled`,
/// `webhook.circuit_opened`, `webhook.circuit_closed` in their tenants).
async fn announce_news(mut news: mpsc::UnboundedReceiver<WebhookNews>, ops: Arc<Operations>) {
    let mut batch = Vec::new();
    while news.recv_many(&mut batch, 64).await > 0 {
        ops.announce(&std::mem::take(&mut batch)).await;
    }
}

/// Reports circuits by state for `/metrics` (`hookd_circuits{state}`), as the directory has
/// them: the same on every node, the state being shared.
async fn report_circuits(directory: Arc<Directory>) {
    let mut snapshots = directory.subscribe();
    loop {
        let snapshot = snapshots.borrow_and_update().clone();
        let half_open = snapshot
            .open_circuits()
            .iter()
            .filter(|w| w.circuit.state == crate::model::CircuitState::HalfOpen)
            .count();
        let open = snapshot.open_circuits().len() - half_open;
        metrics::gauge!("hookd_circuits", "state" => "open").set(open as f64);
        metrics::gauge!("hookd_circuits", "state" => "half_open").set(half_open as f64);
        if snapshots.changed().await.is_err() {
            return;
        }
    }
}

/// Samples the pending count for `/metrics`.
async fn sample_pending(store: DynStore) {
    let mut every = tokio::time::interval(Duration::from_secs(15));
    loop {
        every.tick().await;
        if let Ok(pending) = store.pending_deliveries().await {
            metrics::gauge!("hookd_deliveries_pending").set(pending as f64);
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
