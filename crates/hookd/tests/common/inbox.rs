//! Inboxes from the outside: creating one through the API, sending it requests as a sender
//! would (from a chosen loopback address, with any headers and raw bytes), reading its history
//! and the events it became, and following its Server-Sent Events stream.

use super::{ADMIN_TOKEN, TestServer};
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use std::net::IpAddr;
use std::time::{Duration, Instant};

/// The unix time now, in seconds (what senders put in their signed timestamps).
pub fn now_secs() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

/// A client whose connections leave from `address` (such as 127.0.0.2), to be another peer.
pub fn client_from(address: &str) -> reqwest::Client {
    let address: IpAddr = address.parse().expect("an IP address");
    reqwest::Client::builder()
        .local_address(address)
        .build()
        .expect("a client")
}

/// Creates an inbox (admin token) and returns the 201 body.
pub async fn create_inbox(server: &TestServer, body: Value) -> Value {
    let (status, created) = server.post("/api/inboxes", body).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    created
}

/// Creates an inbox that checks nothing (scheme `none`) and makes events of `event_type`.
pub async fn open_inbox(server: &TestServer, event_type: &str) -> String {
    let created = create_inbox(
        server,
        json!({"name": event_type, "verify": {"scheme": "none"}, "event_type": event_type}),
    )
    .await;
    id_of(&created)
}

/// The `id` of an answer.
pub fn id_of(value: &Value) -> String {
    value["id"]
        .as_str()
        .unwrap_or_else(|| panic!("an id in {value}"))
        .to_owned()
}

/// What `/in/{id}` answered.
#[derive(Debug)]
pub struct Answer {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub text: String,
}

impl Answer {
    /// The body as JSON (`Null` when it is not JSON).
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.text).unwrap_or(Value::Null)
    }

    pub fn header(&self, name: &str) -> &str {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
    }
}

/// A request to an inbox's public URL, as a sender makes it.
pub struct Delivery {
    client: reqwest::Client,
    method: Method,
    url: String,
    headers: HeaderMap,
    body: Vec<u8>,
}

/// A POST of `body` to `/in/{inbox}` from 127.0.0.1, with no headers yet.
pub fn to_inbox(server: &TestServer, inbox: &str, body: impl Into<Vec<u8>>) -> Delivery {
    Delivery {
        client: reqwest::Client::new(),
        method: Method::POST,
        url: server.url(&format!("/in/{inbox}")),
        headers: HeaderMap::new(),
        body: body.into(),
    }
}

impl Delivery {
    /// Adds a header (a second one of the same name is added, not replaced).
    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.headers.append(
            HeaderName::try_from(name).expect("a header name"),
            HeaderValue::try_from(value).expect("a header value"),
        );
        self
    }

    pub fn headers<N: AsRef<str>, V: AsRef<str>>(mut self, pairs: &[(N, V)]) -> Self {
        for (name, value) in pairs {
            self = self.header(name.as_ref(), value.as_ref());
        }
        self
    }

    pub fn method(mut self, method: Method) -> Self {
        self.method = method;
        self
    }

    /// Sends through `client` (to leave from another address).
    pub fn via(mut self, client: &reqwest::Client) -> Self {
        self.client = client.clone();
        self
    }

    /// Adds a query string (`a=1&b=2`) to the URL.
    pub fn query(mut self, query: &str) -> Self {
        self.url = format!("{}?{query}", self.url);
        self
    }

    /// Sends to another base URL (a server listening elsewhere), same path.
    pub fn at(mut self, base: &str) -> Self {
        let path = self
            .url
            .split_once("/in/")
            .expect("an inbox URL")
            .1
            .to_owned();
        self.url = format!("{base}/in/{path}");
        self
    }

    pub async fn send(self) -> Answer {
        let response = self
            .client
            .request(self.method, &self.url)
            .headers(self.headers)
            .body(self.body)
            .send()
            .await
            .expect("hookd answers");
        let status = response.status();
        let headers = response.headers().clone();
        let text = response.text().await.unwrap_or_default();
        Answer {
            status,
            headers,
            text,
        }
    }
}

/// Sends `body` as JSON with `headers` to `/in/{inbox}`.
pub async fn send<N: AsRef<str>, V: AsRef<str>>(
    server: &TestServer,
    inbox: &str,
    headers: &[(N, V)],
    body: &str,
) -> Answer {
    to_inbox(server, inbox, body.as_bytes().to_vec())
        .header("content-type", "application/json")
        .headers(headers)
        .send()
        .await
}

/// Every stored request of an inbox, newest first (all pages), with a query such as
/// `verified=false` (empty for none).
pub async fn history_where(server: &TestServer, inbox: &str, query: &str) -> Vec<Value> {
    let mut all = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let mut path = format!("/api/inboxes/{inbox}/requests?limit=250");
        if !query.is_empty() {
            path.push('&');
            path.push_str(query);
        }
        if let Some(c) = &cursor {
            path.push_str(&format!("&cursor={c}"));
        }
        let (status, page) = server.get(&path).await;
        assert_eq!(status, StatusCode::OK, "{path}: {page}");
        all.extend(page["data"].as_array().expect("data").iter().cloned());
        match page["next_cursor"].as_str() {
            Some(next) => cursor = Some(next.to_owned()),
            None => return all,
        }
    }
}

/// Every stored request of an inbox, newest first.
pub async fn history(server: &TestServer, inbox: &str) -> Vec<Value> {
    history_where(server, inbox, "").await
}

/// One stored request, with its body (`GET /api/inbox-requests/{id}`).
pub async fn stored_request(server: &TestServer, id: &str) -> Value {
    let (status, request) = server.get(&format!("/api/inbox-requests/{id}")).await;
    assert_eq!(status, StatusCode::OK, "{request}");
    request
}

/// Every event of a type (all pages), newest first.
pub async fn events_of_type(server: &TestServer, event_type: &str) -> Vec<Value> {
    let mut all = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let mut path = format!("/api/events?limit=250&type={event_type}");
        if let Some(c) = &cursor {
            path.push_str(&format!("&cursor={c}"));
        }
        let (status, page) = server.get(&path).await;
        assert_eq!(status, StatusCode::OK, "{path}: {page}");
        all.extend(page["data"].as_array().expect("data").iter().cloned());
        match page["next_cursor"].as_str() {
            Some(next) => cursor = Some(next.to_owned()),
            None => return all,
        }
    }
}

/// One event with its deliveries.
pub async fn event(server: &TestServer, id: &str) -> Value {
    let (status, event) = server.get(&format!("/api/events/{id}")).await;
    assert_eq!(status, StatusCode::OK, "{event}");
    event
}

/// One Server-Sent Event.
#[derive(Debug, Clone, PartialEq)]
pub struct SseEvent {
    pub id: Option<String>,
    pub event: Option<String>,
    pub data: String,
}

impl SseEvent {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.data).unwrap_or_else(|e| panic!("{e}: {}", self.data))
    }
}

/// An open `GET /api/inboxes/{id}/stream`, read event by event.
pub struct Stream {
    response: reqwest::Response,
    buffer: String,
}

impl Stream {
    /// Opens the stream of `inbox` with `token`, resuming after `last_event_id` when given;
    /// panics unless it answers 200 `text/event-stream`.
    pub async fn open(server: &TestServer, inbox: &str, last_event_id: Option<&str>) -> Self {
        Self::open_as(server, ADMIN_TOKEN, inbox, last_event_id).await
    }

    pub async fn open_as(
        server: &TestServer,
        token: &str,
        inbox: &str,
        last_event_id: Option<&str>,
    ) -> Self {
        let mut request = reqwest::Client::new()
            .get(server.url(&format!("/api/inboxes/{inbox}/stream")))
            .bearer_auth(token)
            .header("accept", "text/event-stream");
        if let Some(id) = last_event_id {
            request = request.header("last-event-id", id);
        }
        let response = request.send().await.expect("hookd answers");
        assert_eq!(response.status(), StatusCode::OK);
        let content_type = response
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default();
        assert!(
            content_type.starts_with("text/event-stream"),
            "content type {content_type}"
        );
        Self {
            response,
            buffer: String::new(),
        }
    }

    /// The next event (comments and keep-alives skipped), or `None` if none came within
    /// `limit` or the stream ended.
    pub async fn next_within(&mut self, limit: Duration) -> Option<SseEvent> {
        let deadline = Instant::now() + limit;
        loop {
            if let Some(event) = self.take_event() {
                return Some(event);
            }
            let left = deadline.checked_duration_since(Instant::now())?;
            match tokio::time::timeout(left, self.response.chunk()).await {
                Ok(Ok(Some(chunk))) => {
                    self.buffer
                        .push_str(&String::from_utf8_lossy(&chunk).replace("\r\n", "\n"));
                }
                Ok(_) | Err(_) => return None,
            }
        }
    }

    /// The next `n` events, panicking if they do not all come within `limit`.
    pub async fn next_n(&mut self, n: usize, limit: Duration) -> Vec<SseEvent> {
        let deadline = Instant::now() + limit;
        let mut events = Vec::new();
        while events.len() < n {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.next_within(left).await {
                Some(event) => events.push(event),
                None => panic!(
                    "the stream gave {} of {n} events within {limit:?}: {events:?}",
                    events.len()
                ),
            }
        }
        events
    }

    /// Parses one complete event out of the buffer, if there is one.
    fn take_event(&mut self) -> Option<SseEvent> {
        loop {
            let end = self.buffer.find("\n\n")?;
            let block: String = self.buffer.drain(..end + 2).collect();
            let mut event = SseEvent {
                id: None,
                event: None,
                data: String::new(),
            };
            let mut has_data = false;
            for line in block.lines() {
                let (field, value) = match line.split_once(':') {
                    Some((field, value)) => (field, value.strip_prefix(' ').unwrap_or(value)),
                    None => (line, ""),
                };
                match field {
                    "id" => event.id = Some(value.to_owned()),
                    "event" => event.event = Some(value.to_owned()),
                    "data" => {
                        if has_data {
                            event.data.push('\n');
                        }
                        event.data.push_str(value);
                        has_data = true;
                    }
                    _ => {}
                }
            }
            if has_data {
                return Some(event);
            }
        }
    }
}

/// Unix milliseconds as RFC 3339 UTC with milliseconds (`2026-11-29T16:35:43.123Z`).
pub fn rfc3339(unix_millis: i64) -> String {
    let (secs, ms) = (unix_millis.div_euclid(1000), unix_millis.rem_euclid(1000));
    let (days, rem) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    // Civil from days (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{ms:03}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

/// RFC 3339 UTC (`Z`, optional fraction) as unix milliseconds.
pub fn unix_millis(text: &str) -> i64 {
    let parse = |t: &str| -> Option<i64> {
        let (date, time) = t.strip_suffix('Z')?.split_once('T')?;
        let mut d = date.split('-').map(|p| p.parse::<i64>().ok());
        let (y, m, day) = (d.next()??, d.next()??, d.next()??);
        let (hms, fraction) = time.split_once('.').unwrap_or((time, "0"));
        let mut c = hms.split(':').map(|p| p.parse::<i64>().ok());
        let (h, min, s) = (c.next()??, c.next()??, c.next()??);
        let ms: i64 = format!("{fraction:0<3}")[..3].parse().ok()?;
        // Days from civil (Howard Hinnant's algorithm).
        let y = if m <= 2 { y - 1 } else { y };
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let doy = (153 * ((m + 9) % 12) + 2) / 5 + day - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        let days = era * 146_097 + doe - 719_468;
        Some(((days * 86_400 + h * 3600 + min * 60 + s) * 1000) + ms)
    };
    parse(text).unwrap_or_else(|| panic!("an RFC 3339 UTC time: {text}"))
}

/// The unix time now, in milliseconds.
pub fn now_millis() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64
}
