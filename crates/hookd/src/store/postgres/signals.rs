//! Listens for other nodes' notifications and turns them into `Signals`. When the listening
//! connection drops, a new one is made (retrying every second) and every counter moves once it
//! listens again: whatever was sent meanwhile is lost, so receivers should assume anything may
//! have changed.

use super::{DUE_CHANNEL, TOKENS_CHANNEL, WEBHOOKS_CHANNEL};
use crate::store::{Signals, StoreResult};
use sqlx::PgPool;
use sqlx::postgres::PgListener;
use std::time::Duration;
use tokio::sync::watch;

pub async fn listen(pool: PgPool) -> StoreResult<Signals> {
    let mut listener = subscribe(&pool).await?;
    let (webhooks, webhooks_receiver) = watch::channel(0u64);
    let (due, due_receiver) = watch::channel(0u64);
    let (tokens, tokens_receiver) = watch::channel(0u64);
    let bump = |sender: &watch::Sender<u64>| sender.send_modify(|n| *n = n.wrapping_add(1));
    tokio::spawn(async move {
        loop {
            let received = tokio::select! {
                received = listener.try_recv() => received,
                // Every receiver is gone: the store was dropped.
                () = webhooks.closed() => return,
            };
            match received {
                Ok(Some(notification)) => match notification.channel() {
                    WEBHOOKS_CHANNEL => bump(&webhooks),
                    TOKENS_CHANNEL => bump(&tokens),
                    _ => bump(&due),
                },
                Ok(None) | Err(_) => {
                    tracing::warn!("lost the PostgreSQL notification connection; reconnecting");
                    listener = loop {
                        if webhooks.is_closed() && due.is_closed() && tokens.is_closed() {
                            return;
                        }
                        tokio::time::sleep(Duration::from_secs(1)).await;
                        match subscribe(&pool).await {
                            Ok(listener) => break listener,
                            Err(error) => {
                                tracing::debug!(%error, "cannot listen for notifications yet")
                            }
                        }
                    };
                    tracing::info!("listening for PostgreSQL notifications again");
                    bump(&webhooks);
                    bump(&due);
                    bump(&tokens);
                }
            }
        }
    });
    Ok(Signals {
        webhooks: webhooks_receiver,
        due: due_receiver,
        tokens: tokens_receiver,
    })
}

async fn subscribe(pool: &PgPool) -> StoreResult<PgListener> {
    let mut listener = PgListener::connect_with(pool).await?;
    listener.ignore_pool_close_event(true);
    listener
        .listen_all([WEBHOOKS_CHANNEL, DUE_CHANNEL, TOKENS_CHANNEL])
        .await?;
    Ok(listener)
}
