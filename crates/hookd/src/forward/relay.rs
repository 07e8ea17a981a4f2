//! Re-sending one stored request to the local URL: the same method, the same headers (as
//! stored, in order, repeats kept) less those that belong to one connection, and the body byte
//! for byte, so a signature the sender made over it still verifies. The local URL is used as
//! given, with the original query string appended; the original path (`/in/ibx_...`) is not.

use super::http::{HttpClient, error_text};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::header::{HeaderMap, HeaderName, HeaderValue};
use hyper::{Method, Request, StatusCode};
use serde::Deserialize;
use std::time::{Duration, Instant};

/// A stored request, as `GET /api/inbox-requests/{id}` and the inbox's stream give it.
#[derive(Debug, Clone, Deserialize)]
pub struct StoredRequest {
    pub id: String,
    pub method: String,
    /// The query string as received, without `?`; empty when there was none.
    #[serde(default)]
    pub query: String,
    /// `[name, value]` pairs as received.
    pub headers: Vec<(String, String)>,
    /// The body, when it is UTF-8.
    pub body: Option<String>,
    /// The body, when it is not UTF-8.
    pub body_base64: Option<String>,
    pub verified: bool,
    pub verify_error: Option<String>,
    pub duplicate_of: Option<String>,
}

impl StoredRequest {
    /// The body exactly as received.
    pub fn body_bytes(&self) -> anyhow::Result<Bytes> {
        match (&self.body, &self.body_base64) {
            (Some(text), _) => Ok(Bytes::from(text.clone().into_bytes())),
            (None, Some(encoded)) => {
                Ok(Bytes::from(BASE64.decode(encoded).map_err(|e| {
                    anyhow::anyhow!("{}: body_base64 is not base64: {e}", self.id)
                })?))
            }
            (None, None) => Ok(Bytes::new()),
        }
    }
}

/// Headers that describe one hop (RFC 9110 section 7.6.1), and those the client sets itself for
/// the connection it makes: none of them is the sender's to give the local URL.
const NOT_FORWARDED: [&str; 12] = [
    "connection",
    "keep-alive",
    "proxy-connection",
    "proxy-authenticate",
    "proxy-authorization",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
    "host",
    "content-length",
    "expect",
];

/// The headers to send: every stored pair in order, less the hop-by-hop ones, those the
/// original `Connection` header named, and any that is not a valid header (hookd stores values
/// as text, so a value that was not UTF-8 arrives with replacement characters).
pub fn forwarded_headers(stored: &[(String, String)]) -> HeaderMap {
    let named_by_connection: Vec<String> = stored
        .iter()
        .filter(|(name, _)| name.eq_ignore_ascii_case("connection"))
        .flat_map(|(_, value)| value.split(','))
        .map(|token| token.trim().to_ascii_lowercase())
        .collect();
    let mut headers = HeaderMap::new();
    for (name, value) in stored {
        let lower = name.to_ascii_lowercase();
        if NOT_FORWARDED.contains(&lower.as_str()) || named_by_connection.contains(&lower) {
            continue;
        }
        if let (Ok(name), Ok(value)) = (
            HeaderName::from_bytes(name.as_bytes()),
            HeaderValue::from_str(value),
        ) {
            headers.append(name, value);
        }
    }
    headers
}

/// The local URL a request goes to: `--to` as given, with the original query string appended
/// (after the target's own query, joined by `&`).
pub fn target_url(to: &url::Url, query: &str) -> String {
    let mut url = to.clone();
    url.set_fragment(None);
    if !query.is_empty() {
        let joined = match to.query() {
            Some(own) if !own.is_empty() => format!("{own}&{query}"),
            _ => query.to_owned(),
        };
        url.set_query(Some(&joined));
    }
    url.to_string()
}

/// What the local URL answered to one request, and how long it took.
#[derive(Debug)]
pub struct Outcome {
    /// The status, or why there was none (connection refused, timed out, ...).
    pub answer: Result<StatusCode, String>,
    pub took: Duration,
}

impl Outcome {
    pub fn succeeded(&self) -> bool {
        matches!(&self.answer, Ok(status) if status.is_success())
    }
}

/// The local side: where requests go and how long each may take.
#[derive(Debug, Clone)]
pub struct Local {
    pub to: url::Url,
    pub timeout: Duration,
}

impl Local {
    /// Sends `request` to the local URL and reads the answer (its body is read and dropped, so
    /// the connection can be used again), all within the timeout.
    pub async fn send(&self, client: &HttpClient, request: &StoredRequest) -> Outcome {
        let started = Instant::now();
        let answer = match tokio::time::timeout(self.timeout, self.exchange(client, request)).await
        {
            Ok(answer) => answer,
            Err(_) => Err(format!(
                "timed out after {}",
                humantime::format_duration(self.timeout)
            )),
        };
        Outcome {
            answer,
            took: started.elapsed(),
        }
    }

    async fn exchange(
        &self,
        client: &HttpClient,
        request: &StoredRequest,
    ) -> Result<StatusCode, String> {
        let method = Method::from_bytes(request.method.as_bytes())
            .map_err(|_| format!("{:?} is not an HTTP method", request.method))?;
        let body = request.body_bytes().map_err(|e| e.to_string())?;
        let mut outgoing = Request::builder()
            .method(method)
            .uri(target_url(&self.to, &request.query))
            .body(Full::new(body))
            .map_err(|e| e.to_string())?;
        *outgoing.headers_mut() = forwarded_headers(&request.headers);
        let response = client.request(outgoing).await.map_err(|e| error_text(&e))?;
        let status = response.status();
        // The answer counts once its status is in; a body cut short is not the sender's concern.
        let _ = response.into_body().collect().await;
        Ok(status)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter()
            .map(|(n, v)| ((*n).to_owned(), (*v).to_owned()))
            .collect()
    }

    /// Every header of the sender is sent in order, repeats too; those of one connection, and
    /// those the original `Connection` header named, are not.
    #[test]
    fn headers_go_as_stored_less_the_hop_by_hop_ones() {
        let stored = pairs(&[
            ("host", "hookd.example"),
            ("content-length", "12"),
            ("connection", "keep-alive, x-hop"),
            ("x-hop", "1"),
            ("Transfer-Encoding", "chunked"),
            ("x-hub-signature-256", "sha256=abc"),
            ("content-type", "application/json"),
            ("x-tag", "one"),
            ("x-tag", "two"),
            ("expect", "100-continue"),
        ]);
        let headers = forwarded_headers(&stored);
        let sent: Vec<(String, &str)> = headers
            .iter()
            .map(|(n, v)| (n.to_string(), v.to_str().unwrap()))
            .collect();
        assert_eq!(
            sent,
            vec![
                ("x-hub-signature-256".to_owned(), "sha256=abc"),
                ("content-type".to_owned(), "application/json"),
                ("x-tag".to_owned(), "one"),
                ("x-tag".to_owned(), "two"),
            ]
        );
    }

    /// The original query string is appended to the local URL, after its own query; the
    /// original path is not.
    #[test]
    fn the_query_is_appended_to_the_local_url() {
        let to = url::Url::parse("http://localhost:3000/hooks").unwrap();
        assert_eq!(target_url(&to, ""), "http://localhost:3000/hooks");
        assert_eq!(
            target_url(&to, "a=1&b=%20"),
            "http://localhost:3000/hooks?a=1&b=%20"
        );
        let with_query = url::Url::parse("http://localhost:3000/hooks?src=hookd#x").unwrap();
        assert_eq!(
            target_url(&with_query, "a=1"),
            "http://localhost:3000/hooks?src=hookd&a=1"
        );
    }

    /// A UTF-8 body comes as `body`, another as `body_base64`; both give back the same bytes.
    #[test]
    fn the_body_comes_back_byte_for_byte() {
        let text: StoredRequest = serde_json::from_str(
            r#"{"id":"req_1","inbox_id":"ibx_1","method":"POST","query":"","headers":[],
                "body":"{\"a\": \"é\"}\r\n","body_base64":null,"verified":true,
                "verify_error":null,"duplicate_of":null}"#,
        )
        .unwrap();
        assert_eq!(
            text.body_bytes().unwrap().as_ref(),
            "{\"a\": \"é\"}\r\n".as_bytes()
        );
        let binary = StoredRequest {
            body: None,
            body_base64: Some(BASE64.encode([0xff, 0x00, 0x80])),
            ..text
        };
        assert_eq!(binary.body_bytes().unwrap().as_ref(), [0xff, 0x00, 0x80]);
    }
}
