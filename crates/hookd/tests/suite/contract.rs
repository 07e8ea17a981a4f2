//! The served OpenAPI document against the server that serves it: every operation is sent the
//! bad requests any client may send (no token, a body that is not JSON, one over the limit, one
//! of the wrong shape, a query value that does not parse, an id that names nothing or does not
//! decode), and every answer must be a status the document lists for that operation, with the
//! media type it lists. Schemathesis (`.ci/run`) does the same with generated input.

use crate::common;

use common::{Receiver, TestServer};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

/// The most a body may be on a route without a limit of its own (`extract::DEFAULT_BODY_LIMIT`).
const BODY_LIMIT: usize = 1024 * 1024;

/// One request to send, and what it is meant to provoke.
struct Probe {
    what: &'static str,
    token: bool,
    path: String,
    body: Option<Vec<u8>>,
}

/// Real ids for the path parameters, so that probes reach past the lookup too.
struct Ids {
    webhook: String,
    event: String,
    delivery: String,
    token: String,
    inbox: String,
    inbox_request: String,
}

fn fill(path: &str, id: &str) -> String {
    path.replace("{id}", id).replace("{name}", id)
}

fn real_id<'a>(path: &str, ids: &'a Ids) -> &'a str {
    if path.starts_with("/in/") {
        return &ids.inbox;
    }
    match path.split('/').nth(2) {
        Some("webhooks") => &ids.webhook,
        Some("events") => &ids.event,
        Some("deliveries") => &ids.delivery,
        Some("tokens") => &ids.token,
        Some("inboxes") => &ids.inbox,
        Some("inbox-requests") => &ids.inbox_request,
        _ => "order.created",
    }
}

/// The bad requests for one operation.
fn probes(path: &str, operation: &Value, ids: &Ids) -> Vec<Probe> {
    let parameters = operation["parameters"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let query: Vec<String> = parameters
        .iter()
        .filter(|p| p["in"] == "query")
        .map(|p| p["name"].as_str().unwrap().to_owned())
        .collect();
    let templated = path.contains('{');
    let mut paths = vec![fill(path, real_id(path, ids))];
    if templated {
        paths.push(fill(path, "nothing_by_this_id"));
        paths.push(fill(path, "%FF%FE"));
    }
    let mut probes = Vec::new();
    for path in paths {
        probes.push(Probe {
            what: "no token",
            token: false,
            path: path.clone(),
            body: None,
        });
        if path.contains("%FF") || path.contains("nothing_by") {
            probes.push(Probe {
                what: "an id that names nothing",
                token: true,
                path: path.clone(),
                body: None,
            });
        }
        if operation.get("requestBody").is_some() {
            for (what, body) in [
                ("a body that is not JSON", b"{\"url\": ".to_vec()),
                ("a body over the limit", vec![b' '; BODY_LIMIT + 1]),
                ("a body of the wrong shape", b"[1, 2]".to_vec()),
                ("an object with an unknown field", b"{\"nope\": 1}".to_vec()),
            ] {
                probes.push(Probe {
                    what,
                    token: true,
                    path: path.clone(),
                    body: Some(body),
                });
            }
        }
        for name in &query {
            probes.push(Probe {
                what: "a query value that does not parse",
                token: true,
                path: format!("{path}?{name}=%01bad"),
                body: None,
            });
        }
    }
    probes
}

/// Every answer to a bad request is documented for its operation, with its media type, and
/// every error is a problem document whose `status` is the answer's.
#[tokio::test]
async fn every_answer_to_bad_input_is_one_the_document_lists() {
    crate::require_backend!();
    let server = TestServer::start().await;
    let receiver = Receiver::start().await;
    let webhook = server.webhook_to(&receiver.url, &["*"]).await;
    let event = server
        .publish(json!({"type": "order.created", "data": {}}))
        .await;
    let event_id = event["id"].as_str().unwrap().to_owned();
    let (_, stored) = server.get(&format!("/api/events/{event_id}")).await;
    let (_, token) = server
        .post("/api/tokens", json!({"name": "probe", "tenant": "other"}))
        .await;
    let (_, inbox) = server
        .post(
            "/api/inboxes",
            json!({"name": "probe", "verify": {"scheme": "none"}, "event_type": "probe.in"}),
        )
        .await;
    let inbox = inbox["id"].as_str().unwrap().to_owned();
    let received = common::inbox::send(&server, &inbox, &[("x", "y")], "{}").await;
    let ids = Ids {
        webhook: webhook["id"].as_str().unwrap().to_owned(),
        event: event_id,
        delivery: stored["deliveries"][0]["id"].as_str().unwrap().to_owned(),
        token: token["id"].as_str().unwrap().to_owned(),
        inbox,
        inbox_request: common::inbox::id_of(&received.json()),
    };
    let (status, document) = server.call(None, Method::GET, "/openapi.json", None).await;
    assert_eq!(status, StatusCode::OK);
    let client = reqwest::Client::new();
    let mut wrong = Vec::new();
    let mut sent = 0;
    for (path, item) in document["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            let method: Method = method.to_uppercase().parse().unwrap();
            for probe in probes(path, operation, &ids) {
                let mut request = client.request(method.clone(), server.url(&probe.path));
                if probe.token {
                    request = request.bearer_auth(common::ADMIN_TOKEN);
                }
                if let Some(body) = probe.body {
                    request = request.body(body);
                }
                let response = request.send().await.unwrap();
                sent += 1;
                let status = response.status().as_u16().to_string();
                let media_type = response
                    .headers()
                    .get("content-type")
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or_default()
                    .split(';')
                    .next()
                    .unwrap_or_default()
                    .to_owned();
                let body: Value = response.json().await.unwrap_or(Value::Null);
                let said = format!(
                    "{method} {} ({}): {status} {media_type}",
                    probe.path, probe.what
                );
                // A status is documented by itself or by its range ("2XX").
                let range = format!("{}XX", &status[..1]);
                let documented = match &operation["responses"][&status] {
                    Value::Null => &operation["responses"][&range],
                    exact => exact,
                };
                if documented.is_null() {
                    wrong.push(format!("{said}: status not documented"));
                    continue;
                }
                let content = documented["content"].as_object();
                if content.is_some_and(|c| !c.contains_key(&media_type)) {
                    wrong.push(format!("{said}: media type not documented"));
                }
                let status_number: u16 = status.parse().unwrap();
                if media_type == "application/problem+json"
                    && (body["status"] != status_number || !body["code"].is_string())
                {
                    wrong.push(format!("{said}: not a problem document: {body}"));
                }
            }
        }
    }
    assert!(sent > 150, "only {sent} probes sent");
    assert!(
        wrong.is_empty(),
        "{} answers not in the document:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
}
