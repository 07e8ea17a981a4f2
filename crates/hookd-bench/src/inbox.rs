//! The `inbox` scenario: 64 callers send signed webhooks (Standard Webhooks v1, each with a
//! webhook-id of its own, so none is a duplicate) to one inbox, twice, each time on a fresh
//! hookd. First to an inbox whose events no webhook subscribes to: the requests accepted per
//! second, like single publishes with no subscriber (`ingest`), which they are compared with.
//! Then to an inbox whose events go to one webhook on the receiver: hookd's CPU per request
//! from accepting it to delivering it, and the check that every accepted request became
//! exactly one delivery carrying the request's body as its data, validly signed. (With a
//! subscriber, deliveries share the cores with the requests, so the rate accepted is the rate
//! delivered, not what the inbox can take in.)

use super::Bench;
use super::harness::{CpuClock, check_keyed, collect, rate_since, webhook};
use super::load::{Http, Payload, Run, closed_loop};
use super::receiver::{Arrival, Receiver};
use super::report::{Figure, Goal, Report};
use super::target::Target;
use bytes::Bytes;
use hyper::header::{HeaderMap, HeaderValue};
use hyper::{Method, StatusCode};
use serde_json::{Value, json};
use std::collections::HashSet;
use std::sync::{Arc, Mutex};
use std::time::{Instant, SystemTime, UNIX_EPOCH};

/// Where the inbox's webhook receives.
const PATH: &str = "/inbox";
/// The type of the events the inbox makes.
const EVENT_TYPE: &str = "bench.inbound";
/// Callers, as in `ingest`.
const CALLERS: usize = 64;

/// Runs the scenario; `ingest` is the single-publish rate it should reach, when measured.
pub async fn inbox(
    bench: &Bench,
    report: &mut Report,
    raw: f64,
    ingest: Option<f64>,
) -> anyhow::Result<()> {
    unheard(bench, report, raw, ingest).await?;
    delivered(bench, report, raw).await
}

/// Signed requests to an inbox whose events have no subscriber: what the inbox takes in.
async fn unheard(
    bench: &Bench,
    report: &mut Report,
    raw: f64,
    ingest: Option<f64>,
) -> anyhow::Result<()> {
    let target = bench.target(&[]).await?;
    let (id, requests) = create(&target, "bench.unheard").await?;
    let cpu = CpuClock::start(bench, &target);
    let (run, sent) = send(bench, &target, &id, &requests).await;
    report.add(Figure::rate(
        "inbox",
        format!("signed requests accepted, {CALLERS} concurrent, no subscriber"),
        run.per_second(),
        ingest.map_or(Goal::None, Goal::AtLeast),
        raw,
    ));
    let refused = "refused requests, no subscriber";
    report.add(Figure::must_be_zero("inbox", refused, run.failed));
    cpu.report(report, "inbox", "request, no subscriber", sent.len());
    bench.finish(target).await
}

/// Signed requests to an inbox whose events go to one webhook: each must arrive exactly once,
/// its body as the event's data, validly signed.
async fn delivered(bench: &Bench, report: &mut Report, raw: f64) -> anyhow::Result<()> {
    let (target, receiver) = (bench.target(&[]).await?, Receiver::start().await?);
    // As many requests in flight to the receiver as in `steady`, which this compares with.
    let in_flight = json!({"max_in_flight": bench.scale.concurrency});
    webhook(&target, &receiver, PATH, &[EVENT_TYPE], in_flight).await?;
    let (id, requests) = create(&target, EVENT_TYPE).await?;
    let cpu = CpuClock::start(bench, &target);
    let start = Instant::now();
    let (run, sent) = send(bench, &target, &id, &requests).await;
    let arrivals = collect(&receiver, sent.len(), |_| true).await;
    let unit = "request, accepted then delivered";
    cpu.report(report, "inbox", unit, sent.len());
    report.add(Figure::rate(
        "inbox",
        format!("signed requests accepted, {CALLERS} concurrent, one webhook"),
        run.per_second(),
        Goal::None,
        raw,
    ));
    let refused = "refused requests, one webhook";
    report.add(Figure::must_be_zero("inbox", refused, run.failed));
    report.add(Figure::rate(
        "inbox",
        "delivered, one webhook",
        rate_since(start, &arrivals, arrivals.len()),
        Goal::None,
        raw,
    ));
    let path: Arc<str> = Arc::from(PATH);
    let expected: HashSet<(Arc<str>, Box<str>)> = sent
        .iter()
        .map(|n| (path.clone(), requests.id(*n).into()))
        .collect();
    let keys: Vec<Option<String>> = arrivals.iter().map(|a| requests.carried(a)).collect();
    let garbled = keys.iter().filter(|k| k.is_none()).count();
    report.add(Figure::must_be_zero(
        "inbox",
        "deliveries whose data is not their request's body",
        garbled as u64,
    ));
    let keyed = arrivals
        .iter()
        .zip(&keys)
        .map(|(a, key)| (a, key.as_deref().unwrap_or("")));
    check_keyed(report, "inbox", &expected, keyed);
    bench.finish(target).await
}

/// Creates an inbox (scheme `standard`, the secret hookd makes) whose events are of
/// `event_type`; returns its id and the requests to sign with its secret.
async fn create(target: &Target, event_type: &str) -> anyhow::Result<(String, SignedRequests)> {
    let created = target
        .call(
            Method::POST,
            "/api/inboxes",
            json!({"name": "bench", "verify": {"scheme": "standard"}, "event_type": event_type}),
            StatusCode::CREATED,
        )
        .await?;
    let (Some(id), Some(secret)) = (created["id"].as_str(), inbox_secret(&created)) else {
        anyhow::bail!("POST /api/inboxes answered no id or no secret: {created}");
    };
    Ok((id.to_owned(), SignedRequests::new(secret)?))
}

/// The scale's duration of signed requests from `CALLERS` callers to inbox `id`; returns the
/// run and the numbers of the requests accepted.
async fn send(
    bench: &Bench,
    target: &Target,
    id: &str,
    requests: &SignedRequests,
) -> (Run, Vec<u64>) {
    let accepted = Arc::new(Mutex::new(Vec::new()));
    let record = {
        let accepted = accepted.clone();
        move |n: u64, _: &_| accepted.lock().expect("accepted").push(n)
    };
    let run = closed_loop(
        // The inbox is public: no token.
        &Http::new(None),
        &target.url(&format!("/in/{id}")),
        CALLERS,
        bench.scale.duration,
        None,
        requests.signer(),
        record,
    )
    .await;
    let sent = std::mem::take(&mut *accepted.lock().expect("accepted"));
    (run, sent)
}

/// The secret of a created inbox: the `whsec_` the 201 shows this once.
fn inbox_secret(created: &Value) -> Option<&str> {
    [&created["verify"]["secret"], &created["secret"]]
        .into_iter()
        .find_map(Value::as_str)
}

/// The requests of one run: each with a webhook-id of its own (so none is a duplicate, even of
/// an earlier run on the same hookd) that its body carries too.
#[derive(Clone)]
pub(crate) struct SignedRequests {
    key: Arc<[u8]>,
    /// What every webhook-id of the run starts with.
    run: Arc<str>,
}

impl SignedRequests {
    pub(crate) fn new(secret: &str) -> anyhow::Result<Self> {
        let key = hookd_verify::standard_key(secret)
            .map_err(|e| anyhow::anyhow!("the inbox's secret {secret:?}: {e}"))?;
        Ok(Self {
            key: key.into(),
            run: format!("msg_{}_", ulid::Ulid::new().to_string().to_lowercase()).into(),
        })
    }

    /// The n-th request's webhook-id: the run's prefix, then n.
    fn id(&self, n: u64) -> String {
        format!("{}{n}", self.run)
    }

    fn body(id: &str, n: u64) -> String {
        format!(r#"{{"id":"{id}","n":{n},"note":"a signed benchmark request"}}"#)
    }

    /// Makes the n-th request, signed as a Standard Webhooks sender signs it.
    pub(crate) fn signer(&self) -> impl Fn(u64) -> Payload + Send + Sync + 'static {
        let requests = self.clone();
        move |n| {
            let id = requests.id(n);
            let body = Bytes::from(Self::body(&id, n));
            let timestamp = SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .unwrap_or_default()
                .as_secs() as i64;
            let signature = hookd_verify::sign_standard(&requests.key, &id, timestamp, &body);
            let mut headers = HeaderMap::with_capacity(3);
            let value = |text: String| HeaderValue::try_from(text).expect("ASCII");
            headers.insert("webhook-timestamp", value(timestamp.to_string()));
            headers.insert("webhook-signature", value(signature));
            headers.insert("webhook-id", value(id));
            Payload { headers, body }
        }
    }

    /// The webhook-id of the request whose body a delivery carries as its event's data, if the
    /// data is exactly that body.
    fn carried(&self, arrival: &Arrival) -> Option<String> {
        let event: Value = serde_json::from_slice(arrival.body()?).ok()?;
        let data = &event["data"];
        let id = data["id"].as_str()?;
        let n: u64 = id.strip_prefix(&*self.run)?.parse().ok()?;
        let sent: Value = serde_json::from_str(&Self::body(id, n)).ok()?;
        (event["type"] == EVENT_TYPE && *data == sent).then(|| id.to_owned())
    }
}
