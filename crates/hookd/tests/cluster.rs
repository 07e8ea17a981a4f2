//! Several hookd processes on one PostgreSQL database: a node killed with SIGKILL in the middle
//! of the work, and the database cut off and restored. Nothing accepted is lost, and the only
//! repeats are requests that were in flight when their node died.

mod common;

use common::postgres::{TestDatabase, available, server_url};
use common::process::HookdProcess;
use common::proxy::Proxy;
use common::{ADMIN_TOKEN, Receiver, Reply};
use serde_json::{Value, json};
use std::collections::{HashMap, HashSet};
use std::process::Command;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tempfile::TempDir;

#[path = "cluster/circuit.rs"]
mod circuit;
#[path = "cluster/ordering.rs"]
mod ordering;

macro_rules! require_postgres {
    () => {
        if !available() {
            eprintln!("skipped: no PostgreSQL at {}", server_url());
            return;
        }
    };
}
use require_postgres;

/// A hookd node (role `all`) on the test's database, logging to `<name>.log`.
async fn start_node(database_url: &str, logs: &TempDir, name: &str) -> HookdProcess {
    start_node_as(database_url, logs, name, "all").await
}

async fn start_node_as(database_url: &str, logs: &TempDir, name: &str, role: &str) -> HookdProcess {
    HookdProcess::start(
        &[
            ("HOOKD_DATABASE_URL", database_url),
            ("HOOKD_DATABASE_POOL", "8"),
            ("HOOKD_RETRY_SCHEDULE", "1s,1s,1s,1s,1s"),
            ("HOOKD_LEASE", "3s"),
            ("HOOKD_ROLE", role),
        ],
        &logs.path().join(format!("{name}.log")),
    )
    .await
}

async fn post(client: &reqwest::Client, url: String, body: &Value) -> Option<(u16, Value, String)> {
    let response = client
        .post(url)
        .bearer_auth(ADMIN_TOKEN)
        .json(body)
        .send()
        .await
        .ok()?;
    let status = response.status().as_u16();
    let content_type = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let body = response.json().await.unwrap_or(Value::Null);
    Some((status, body, content_type))
}

/// How many times each event id reached the receiver, and when each first and last arrived.
fn arrivals(receiver: &Receiver) -> HashMap<String, Vec<Instant>> {
    let mut seen: HashMap<String, Vec<Instant>> = HashMap::new();
    for request in receiver.received() {
        seen.entry(request.header("webhook-id").to_owned())
            .or_default()
            .push(request.at);
    }
    seen
}

/// Waits until every id in `ids` reached every receiver; returns their arrivals.
async fn all_arrive(
    receivers: &[Receiver],
    ids: &HashSet<String>,
    limit: Duration,
) -> Vec<HashMap<String, Vec<Instant>>> {
    let start = Instant::now();
    loop {
        let seen: Vec<_> = receivers.iter().map(arrivals).collect();
        let missing: usize = seen
            .iter()
            .map(|s| ids.iter().filter(|id| !s.contains_key(*id)).count())
            .sum();
        if missing == 0 {
            return seen;
        }
        assert!(
            start.elapsed() < limit,
            "{missing} of {} (event, webhook) pairs never arrived",
            ids.len() * receivers.len()
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// Three nodes share the work; one dies by SIGKILL while events pour in through all three.
/// Every event answered with 202 (by any node, the dead one included) reaches every webhook;
/// the other nodes take the dead node's deliveries over once its leases run out; and every
/// repeat is of a request that had reached its receiver before the kill (sent, but its outcome
/// not yet recorded), never two live nodes sending the same delivery.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_node_killed_mid_run_loses_nothing_and_repeats_only_what_was_in_flight() {
    require_postgres!();
    let database = TestDatabase::create().await;
    let logs = TempDir::new().unwrap();
    let mut nodes = Vec::new();
    for n in 0..3 {
        nodes.push(start_node(&database.url, &logs, &format!("node{n}")).await);
    }
    let bases: Vec<String> = nodes.iter().map(|n| n.base.clone()).collect();
    let client = reqwest::Client::new();
    let mut receivers = Vec::new();
    for _ in 0..4 {
        let receiver = Receiver::start().await;
        // Slow until the kill (4 requests at once to each webhook per node, each answered after
        // half a second, well within the 2 s timeout), so however fast the machine publishes,
        // the killed node holds deliveries it has not sent yet as well as some in flight.
        receiver.always(Reply::status(200).after(Duration::from_millis(500)));
        let (status, created, _) = post(
            &client,
            format!("{}/api/webhooks", bases[0]),
            &json!({"url": receiver.url, "events": ["*"], "ping": false, "timeout_ms": 2000,
                    "max_in_flight": 4}),
        )
        .await
        .unwrap();
        assert_eq!(status, 201, "{created}");
        receivers.push(receiver);
    }
    // The other nodes hear of the new webhooks through notifications.
    tokio::time::sleep(Duration::from_millis(500)).await;

    const EVENTS: usize = 3000;
    const KILL_AFTER: usize = 1000;
    let accepted_count = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let killed_at: Arc<std::sync::Mutex<Option<Instant>>> = Arc::default();
    let mut callers = Vec::new();
    for caller in 0..12 {
        let bases = bases.clone();
        let client = client.clone();
        let accepted_count = accepted_count.clone();
        callers.push(tokio::spawn(async move {
            let mut accepted = Vec::new();
            for n in (caller..EVENTS).step_by(12) {
                // An idempotency key, so a caller whose node died before answering can send the
                // same event to another node without making it twice.
                let body =
                    json!({"type": "order.created", "id": format!("order-{n}"), "data": {"n": n}});
                // Round-robin over the nodes; a dead node's callers move on to the next one.
                for offset in 0..bases.len() {
                    let node = (n + offset) % bases.len();
                    if let Some((200 | 202, body, _)) =
                        post(&client, format!("{}/api/events", bases[node]), &body).await
                    {
                        accepted.push((node, body["id"].as_str().unwrap().to_owned()));
                        accepted_count.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        break;
                    }
                }
            }
            accepted
        }));
    }
    while accepted_count.load(std::sync::atomic::Ordering::Relaxed) < KILL_AFTER {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    nodes[2].kill();
    *killed_at.lock().unwrap() = Some(Instant::now());
    for receiver in &receivers {
        receiver.always(Reply::status(200).after(Duration::from_millis(20)));
    }
    let killed_at = killed_at.lock().unwrap().unwrap();
    let mut accepted = Vec::new();
    for caller in callers {
        accepted.extend(caller.await.unwrap());
    }
    assert!(
        accepted.len() >= EVENTS - 50,
        "the live nodes kept accepting"
    );
    let ids: HashSet<String> = accepted.iter().map(|(_, id)| id.clone()).collect();
    let from_dead_node: HashSet<&String> = accepted
        .iter()
        .filter(|(node, _)| *node == 2)
        .map(|(_, id)| id)
        .collect();
    assert!(!from_dead_node.is_empty());

    let seen = all_arrive(&receivers, &ids, Duration::from_secs(90)).await;

    let mut repeats = 0;
    let mut taken_over = 0;
    for arrivals in &seen {
        for (id, times) in arrivals {
            assert!(ids.contains(id), "only published events arrive");
            if times.len() > 1 {
                repeats += times.len() - 1;
                assert!(
                    times[0] <= killed_at,
                    "a repeat whose first copy arrived after the kill: two live nodes sent it"
                );
                assert_eq!(times.len(), 2, "sent at most twice");
            }
            if from_dead_node.contains(id) && times[0] > killed_at + Duration::from_secs(3) {
                taken_over += 1;
            }
        }
    }
    assert!(
        taken_over > 0,
        "the dead node held deliveries that the others took over"
    );
    eprintln!(
        "{} events, {} pairs delivered, {taken_over} taken over from the killed node, \
         {repeats} repeats",
        ids.len(),
        ids.len() * receivers.len()
    );
}

/// The database goes away for a few seconds and comes back. While it is away, publishing
/// answers 503 problem+json (never a false 202); the dispatcher waits and resumes; every event
/// answered with 202 is delivered.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_database_outage_answers_503_and_loses_nothing() {
    require_postgres!();
    let database = TestDatabase::create().await;
    let mut through_proxy = url::Url::parse(&database.url).unwrap();
    let upstream = format!(
        "{}:{}",
        through_proxy.host_str().unwrap(),
        through_proxy.port().unwrap_or(5432)
    );
    let proxy = Proxy::start(upstream).await;
    through_proxy.set_host(Some("127.0.0.1")).unwrap();
    through_proxy.set_port(Some(proxy.port)).unwrap();
    let logs = TempDir::new().unwrap();
    let node = start_node(through_proxy.as_str(), &logs, "node").await;
    let receiver = Receiver::start().await;
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(20))
        .build()
        .unwrap();
    let (status, _, _) = post(
        &client,
        format!("{}/api/webhooks", node.base),
        &json!({"url": receiver.url, "events": ["*"], "ping": false}),
    )
    .await
    .unwrap();
    assert_eq!(status, 201);

    let publishing = {
        let client = client.clone();
        let base = node.base.clone();
        tokio::spawn(async move {
            let mut accepted = Vec::new();
            let mut unavailable = 0;
            let started = Instant::now();
            let mut n = 0;
            while started.elapsed() < Duration::from_secs(10) {
                n += 1;
                let body = json!({"type": "a.b", "data": {"n": n}});
                match post(&client, format!("{base}/api/events"), &body).await {
                    Some((202, body, _)) => accepted.push(body["id"].as_str().unwrap().to_owned()),
                    Some((503, body, content_type)) => {
                        assert_eq!(content_type, "application/problem+json", "{body}");
                        unavailable += 1;
                    }
                    other => panic!("only 202 or 503, got {other:?}"),
                }
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
            (accepted, unavailable)
        })
    };
    tokio::time::sleep(Duration::from_secs(2)).await;
    proxy.cut();
    tokio::time::sleep(Duration::from_secs(4)).await;
    proxy.restore();
    let (accepted, unavailable) = publishing.await.unwrap();
    assert!(
        unavailable > 0,
        "publishing answered 503 while the database was away"
    );
    assert!(accepted.len() > 50, "and 202 before and after");
    let ids: HashSet<String> = accepted.into_iter().collect();
    all_arrive(
        std::slice::from_ref(&receiver),
        &ids,
        Duration::from_secs(30),
    )
    .await;
    let ready = client
        .get(format!("{}/readyz", node.base))
        .send()
        .await
        .unwrap();
    assert_eq!(ready.status().as_u16(), 200, "ready again");
}

/// An API-only node stores what it accepts and a worker node delivers it, promptly (the worker
/// hears of it through a notification, not at its next scan); the worker serves no API. `hookd
/// migrate` prepares a new database and is harmless to repeat.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn api_nodes_accept_and_worker_nodes_deliver() {
    require_postgres!();
    let database = TestDatabase::create().await;
    for _ in 0..2 {
        let output = Command::new(env!("CARGO_BIN_EXE_hookd"))
            .args(["migrate", "--database-url", &database.url])
            .env_remove("HOOKD_CONFIG")
            .output()
            .unwrap();
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    let logs = TempDir::new().unwrap();
    let api = start_node_as(&database.url, &logs, "api", "api").await;
    let worker = start_node_as(&database.url, &logs, "worker", "worker").await;
    let client = reqwest::Client::new();
    let receiver = Receiver::start().await;
    let (status, _, _) = post(
        &client,
        format!("{}/api/webhooks", api.base),
        &json!({"url": receiver.url, "events": ["*"], "ping": false}),
    )
    .await
    .unwrap();
    assert_eq!(status, 201);
    tokio::time::sleep(Duration::from_millis(300)).await;
    let mut ids = HashSet::new();
    for n in 0..50 {
        let (status, body, _) = post(
            &client,
            format!("{}/api/events", api.base),
            &json!({"type": "a.b", "data": {"n": n}}),
        )
        .await
        .unwrap();
        assert_eq!(status, 202, "{body}");
        ids.insert(body["id"].as_str().unwrap().to_owned());
    }
    all_arrive(
        std::slice::from_ref(&receiver),
        &ids,
        Duration::from_secs(20),
    )
    .await;
    let on_worker = client
        .get(format!("{}/api/webhooks", worker.base))
        .bearer_auth(ADMIN_TOKEN)
        .send()
        .await
        .unwrap();
    assert_eq!(on_worker.status().as_u16(), 404, "a worker serves no API");
    let ready = client
        .get(format!("{}/readyz", worker.base))
        .send()
        .await
        .unwrap();
    assert_eq!(ready.status().as_u16(), 200);
}

/// A tenant token revoked on one node stops working on every node at once, not when the
/// others' caches of it expire (a few seconds later): the revocation is announced to them.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_token_revoked_on_one_node_stops_working_on_every_node_at_once() {
    require_postgres!();
    let database = TestDatabase::create().await;
    let logs = TempDir::new().unwrap();
    let first = start_node(&database.url, &logs, "first").await;
    let second = start_node(&database.url, &logs, "second").await;
    let client = reqwest::Client::new();
    let (status, made, _) = post(
        &client,
        format!("{}/api/tokens", first.base),
        &json!({"name": "acme portal", "tenant": "acme"}),
    )
    .await
    .unwrap();
    assert_eq!(status, 201, "{made}");
    let token = made["token"].as_str().unwrap().to_owned();
    let status_on_second = || async {
        client
            .get(format!("{}/api/webhooks", second.base))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap()
            .status()
            .as_u16()
    };
    // The second node now holds the token in its cache.
    assert_eq!(status_on_second().await, 200);
    let revoked = client
        .delete(format!(
            "{}/api/tokens/{}",
            first.base,
            made["id"].as_str().unwrap()
        ))
        .bearer_auth(ADMIN_TOKEN)
        .send()
        .await
        .unwrap();
    assert_eq!(revoked.status().as_u16(), 204);
    let start = Instant::now();
    while status_on_second().await != 401 {
        assert!(
            start.elapsed() < Duration::from_secs(1),
            "the revoked token still works on the other node"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// Without `HOOKD_SECRET_KEY` a PostgreSQL node still starts (existing setups keep working)
/// and says at start that webhook secrets are stored unencrypted, and what to do about it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_a_key_a_postgres_node_warns_that_secrets_are_unencrypted() {
    require_postgres!();
    let database = TestDatabase::create().await;
    let logs = TempDir::new().unwrap();
    let _node = start_node(&database.url, &logs, "node").await;
    let log = std::fs::read_to_string(logs.path().join("node.log")).unwrap();
    assert!(
        log.contains("HOOKD_SECRET_KEY is not set: webhook secrets are stored unencrypted")
            && log.contains("hookd rekey"),
        "{log}"
    );
}

/// De-duplication holds across nodes: the same delivery sent to three nodes at the same
/// instant becomes exactly one event, and the other copies are kept as its duplicates.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_request_sent_to_three_nodes_at_once_becomes_one_event() {
    require_postgres!();
    let database = TestDatabase::create().await;
    let logs = TempDir::new().unwrap();
    let nodes = [
        start_node(&database.url, &logs, "a").await,
        start_node(&database.url, &logs, "b").await,
        start_node(&database.url, &logs, "c").await,
    ];
    let client = reqwest::Client::new();
    let (status, inbox, _) = post(
        &client,
        format!("{}/api/inboxes", nodes[0].base),
        &json!({"name": "shared", "verify": {"scheme": "none"}, "dedupe": {"key": "header:X-Delivery"},
                "event_type": "shared.received"}),
    )
    .await
    .unwrap();
    assert_eq!(status, 201, "{inbox}");
    let id = inbox["id"].as_str().unwrap().to_owned();
    // Every node knows the inbox once its registry reloaded on the change signal.
    for node in &nodes {
        let start = Instant::now();
        loop {
            let probe = client
                .post(format!("{}/in/{id}", node.base))
                .header("x-delivery", format!("probe-{}", node.base))
                .body("{}")
                .send()
                .await
                .unwrap();
            if probe.status().as_u16() == 200 {
                break;
            }
            assert!(
                start.elapsed() < Duration::from_secs(5),
                "a node never learnt of the inbox"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
    let deliveries = 30;
    for n in 0..deliveries {
        let send = |node: &HookdProcess| {
            client
                .post(format!("{}/in/{id}", node.base))
                .header("x-delivery", format!("d-{n}"))
                .body(format!("{{\"n\": {n}}}"))
                .send()
        };
        let (a, b, c) = tokio::join!(send(&nodes[0]), send(&nodes[1]), send(&nodes[2]));
        let statuses = [a, b, c].map(|r| r.unwrap().status().as_u16());
        assert_eq!(statuses, [200, 200, 200], "delivery {n}");
    }
    let page: Value = client
        .get(format!(
            "{}/api/inboxes/{id}/requests?limit=250",
            nodes[1].base
        ))
        .bearer_auth(ADMIN_TOKEN)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let requests = page["data"].as_array().unwrap();
    let stored: Vec<&Value> = requests
        .iter()
        .filter(|r| {
            r["headers"]
                .as_array()
                .unwrap()
                .iter()
                .any(|h| h[0] == "x-delivery" && h[1].as_str().unwrap().starts_with("d-"))
        })
        .collect();
    assert_eq!(stored.len(), 3 * deliveries, "every copy is kept");
    let mut events: HashMap<String, usize> = HashMap::new();
    for request in &stored {
        let key = request["headers"]
            .as_array()
            .unwrap()
            .iter()
            .find(|h| h[0] == "x-delivery")
            .unwrap()[1]
            .as_str()
            .unwrap()
            .to_owned();
        if request["event_id"].is_string() {
            *events.entry(key).or_insert(0) += 1;
        } else {
            assert!(
                request["duplicate_of"].is_string(),
                "a copy that made no event is a duplicate: {request}"
            );
        }
    }
    assert_eq!(events.len(), deliveries, "each delivery made an event");
    assert!(
        events.values().all(|n| *n == 1),
        "no delivery made two events: {events:?}"
    );
}
