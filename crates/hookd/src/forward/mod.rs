//! `hookd forward`: a developer's tunnel from an inbox to their own machine. It follows the
//! inbox's stream of stored requests (`GET /api/inboxes/{id}/stream`) and re-sends each to a
//! local URL with the same method, headers and body (relay.rs), so the sender's signature still
//! verifies there; it resumes after a disconnect without missing or repeating a request
//! (follow.rs). `--replay` re-sends one stored request and exits; `--inbox new` makes a
//! playground inbox first. It talks to hookd over HTTP only, like any client (server.rs).

mod follow;
mod http;
mod relay;
mod report;
mod server;
mod sse;

use crate::model::{InboxId, InboxRequestId};
use report::{Tally, say};
use server::{Hookd, InboxInfo};
use std::time::Duration;

/// The flags of `hookd forward`.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Each request is sent to --to as given, with the original query string appended \
                  (after --to's own query, if any); the original path (/in/ibx_...) is not. \
                  Headers go as received, in order, except those of one connection (Host, \
                  Content-Length, Connection, Transfer-Encoding, Keep-Alive, TE, Trailer, \
                  Upgrade, Expect, Proxy-*); the header that carries a token or basic inbox's \
                  secret arrives as *** (hookd never keeps that secret), while signatures made \
                  over the body (GitHub, Stripe, Standard Webhooks, HMAC...) verify. Every \
                  stored request is forwarded, unverified and duplicate ones too (their line \
                  says so). A request the local URL fails is printed and not sent again: \
                  `--replay req_...` sends it once more. After a disconnect, forwarding resumes \
                  after the last request handled, so none is missed or sent twice; Ctrl-C stops."
)]
pub struct ForwardOptions {
    /// hookd's base URL.
    #[arg(
        long,
        env = "HOOKD_SERVER",
        hide_env_values = true,
        value_name = "URL",
        default_value = "http://127.0.0.1:8080"
    )]
    server: url::Url,
    /// An API token (the admin token, or a tenant's that sees the inbox). Prefer the
    /// variable: flags show in `ps`.
    #[arg(long, env = "HOOKD_TOKEN", hide_env_values = true)]
    token: String,
    /// The inbox to follow (ibx_...), or `new` to make a playground inbox (scheme none,
    /// deleted after 24 h) and print its URL first.
    #[arg(long, value_name = "ID", required_unless_present = "replay")]
    inbox: Option<String>,
    /// The local URL each request is sent to, e.g. http://localhost:3000/hooks.
    #[arg(long, value_name = "URL")]
    to: url::Url,
    /// How long the local URL may take to answer one request.
    #[arg(long, value_name = "DURATION", default_value = "30s",
          value_parser = humantime::parse_duration)]
    timeout: Duration,
    /// Re-send this stored request (req_...) once, print its line and exit: 0 when the local
    /// URL answered 2xx, 1 otherwise.
    #[arg(long, value_name = "ID", conflicts_with_all = ["inbox", "after"])]
    replay: Option<String>,
    /// Start after this request (req_..., as the final line of an earlier run names it)
    /// instead of after the inbox's newest one.
    #[arg(long, value_name = "ID")]
    after: Option<String>,
}

/// Runs `hookd forward` until Ctrl-C (or SIGTERM), a refusal by hookd, or the one replay.
pub async fn run(options: ForwardOptions) -> anyhow::Result<()> {
    if !matches!(options.to.scheme(), "http" | "https") {
        anyhow::bail!("--to: {} is not an http:// or https:// URL", options.to);
    }
    if !matches!(options.server.scheme(), "http" | "https") {
        anyhow::bail!(
            "--server: {} is not an http:// or https:// URL",
            options.server
        );
    }
    let client = http::client();
    let hookd = Hookd::new(client.clone(), &options.server, &options.token)?;
    let local = relay::Local {
        to: options.to.clone(),
        timeout: options.timeout,
    };
    if let Some(id) = &options.replay {
        return replay(&hookd, &client, &local, id).await;
    }
    let Some(inbox) = options.inbox.as_deref() else {
        anyhow::bail!("--inbox: give an inbox id (ibx_...) or `new`");
    };
    // From here on Ctrl-C ends the command with its final line, in setup too.
    let stop = stop_signal()?;
    tokio::pin!(stop);
    let setup = async {
        let inbox = open_inbox(&hookd, inbox).await?;
        if options.to.as_str().starts_with(&inbox.receive_url) {
            anyhow::bail!("--to is the inbox's own URL: every request would come back to it");
        }
        let start = start_after(&hookd, &inbox.id, options.after.as_deref()).await?;
        anyhow::Ok((inbox, start))
    };
    let (inbox, start) = tokio::select! {
        ready = setup => ready?,
        () = &mut stop => {
            say(&Tally::default().final_line());
            return Ok(());
        }
    };
    say(&format!(
        "forwarding {} ({}) to {}; Ctrl-C to stop",
        inbox.id, inbox.receive_url, options.to
    ));
    let relay = follow::Relay {
        hookd: &hookd,
        client: &client,
        local: &local,
        inbox: &inbox.id,
    };
    let mut tally = Tally::default();
    let refused = {
        let follow = relay.follow(&start, &mut tally);
        tokio::select! {
            refused = follow => Some(refused),
            () = &mut stop => None,
        }
    };
    say(&tally.final_line());
    match refused {
        Some(error) => Err(error.context("hookd refused the stream")),
        None => Ok(()),
    }
}

/// The request the stream starts after: `--after`, else the inbox's newest.
async fn start_after(hookd: &Hookd, inbox: &str, after: Option<&str>) -> anyhow::Result<String> {
    if let Some(after) = after {
        let id = InboxRequestId::parse(after)
            .map_err(|_| anyhow::anyhow!("--after: {after} is not a request id (req_...)"))?;
        return Ok(id.to_string());
    }
    // An empty inbox: everything it will store is new. The lowest possible id asks the stream
    // for that, so a disconnect before the first request misses nothing either.
    Ok(match hookd.newest_request(inbox).await? {
        Some(newest) => newest,
        None => InboxRequestId::lower_bound_at(0).to_string(),
    })
}

/// Ctrl-C or SIGTERM, listened for from the moment this is called (not from the first poll), so
/// that a signal sent right after a line is printed stops the command cleanly too.
fn stop_signal() -> anyhow::Result<impl std::future::Future<Output = ()>> {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let mut interrupt = signal(SignalKind::interrupt())?;
        let mut terminate = signal(SignalKind::terminate())?;
        Ok(async move {
            tokio::select! {
                _ = interrupt.recv() => {}
                _ = terminate.recv() => {}
            }
        })
    }
    #[cfg(not(unix))]
    Ok(async {
        let _ = tokio::signal::ctrl_c().await;
    })
}

/// The inbox to follow: checked with hookd (so a wrong id or token stops here, with hookd's
/// reason), or made as a playground inbox with its URL and a request to try printed.
async fn open_inbox(hookd: &Hookd, inbox: &str) -> anyhow::Result<InboxInfo> {
    if inbox == "new" {
        let made = hookd.create_playground().await.map_err(|e| {
            anyhow::anyhow!("cannot make a playground inbox at {}: {e}", hookd.base())
        })?;
        println!(
            "Made playground inbox {} (scheme none; hookd deletes it 24 h from now).\n\
             Its URL: {}\n\
             Try it:  curl -X POST '{}' -H 'Content-Type: application/json' -d '{{\"hello\": \"world\"}}'",
            made.id, made.receive_url, made.receive_url
        );
        return Ok(made);
    }
    let id = InboxId::parse(inbox)
        .map_err(|_| anyhow::anyhow!("--inbox: {inbox} is not an inbox id (ibx_...) or `new`"))?;
    hookd
        .inbox(id.as_str())
        .await
        .map_err(|e| anyhow::anyhow!("inbox {id} at {}: {e}", hookd.base()))
}

/// `--replay`: one stored request sent again; an error unless the local URL answered 2xx.
async fn replay(
    hookd: &Hookd,
    client: &http::HttpClient,
    local: &relay::Local,
    id: &str,
) -> anyhow::Result<()> {
    let id = InboxRequestId::parse(id)
        .map_err(|_| anyhow::anyhow!("--replay: {id} is not a request id (req_...)"))?;
    let request = hookd
        .stored_request(id.as_str())
        .await
        .map_err(|e| anyhow::anyhow!("request {id} at {}: {e}", hookd.base()))?;
    let outcome = local.send(client, &request).await;
    say(&report::request_line(&request, &outcome));
    if outcome.succeeded() {
        Ok(())
    } else {
        anyhow::bail!("{} did not answer 2xx", local.to)
    }
}
