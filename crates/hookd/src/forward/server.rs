//! The hookd API as `hookd forward` uses it: an inbox, its newest request, one stored request,
//! a playground inbox, and the inbox's event stream. An error answer is told apart by whether
//! trying again could help (the server restarting, a proxy's 502) or not (a bad token, an
//! inbox that is gone).

use super::http::{HttpClient, error_text};
use super::relay::StoredRequest;
use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::header::{ACCEPT, AUTHORIZATION, CONTENT_TYPE, HeaderValue};
use hyper::{Method, Request, Response, StatusCode};
use serde::Deserialize;
use serde::de::DeserializeOwned;

/// Why a call to hookd failed.
#[derive(Debug, thiserror::Error)]
pub enum CallError {
    /// Worth trying again later: no connection, a timeout, a 5xx, a 408 or a 429.
    #[error("{0}")]
    Transient(String),
    /// Trying again will not help: the token, the inbox or the request is refused.
    #[error("{0}")]
    Refused(String),
}

/// An inbox as the API describes it; only what `hookd forward` prints.
#[derive(Debug, Deserialize)]
pub struct InboxInfo {
    pub id: String,
    pub receive_url: String,
}

#[derive(Debug, Deserialize)]
struct RequestList {
    data: Vec<RequestListed>,
}

#[derive(Debug, Deserialize)]
struct RequestListed {
    id: String,
}

/// hookd at `base`, called with a token.
#[derive(Clone)]
pub struct Hookd {
    client: HttpClient,
    /// The base URL, without a trailing `/`.
    base: String,
    authorization: HeaderValue,
}

impl Hookd {
    pub fn new(client: HttpClient, base: &url::Url, token: &str) -> anyhow::Result<Self> {
        let mut authorization = HeaderValue::from_str(&format!("Bearer {token}"))
            .map_err(|_| anyhow::anyhow!("--token: not a valid token"))?;
        authorization.set_sensitive(true);
        Ok(Self {
            client,
            base: base.as_str().trim_end_matches('/').to_owned(),
            authorization,
        })
    }

    pub fn base(&self) -> &str {
        &self.base
    }

    pub async fn inbox(&self, id: &str) -> Result<InboxInfo, CallError> {
        self.json(Method::GET, &format!("/api/inboxes/{id}"), None)
            .await
    }

    /// A playground inbox: scheme `none`, deleted by hookd 24 h after it was made.
    pub async fn create_playground(&self) -> Result<InboxInfo, CallError> {
        let body = serde_json::json!({"name": "hookd forward", "playground": true});
        self.json(Method::POST, "/api/inboxes", Some(body.to_string()))
            .await
    }

    /// The id of the inbox's newest stored request, if it has any.
    pub async fn newest_request(&self, inbox: &str) -> Result<Option<String>, CallError> {
        let list: RequestList = self
            .json(
                Method::GET,
                &format!("/api/inboxes/{inbox}/requests?limit=1"),
                None,
            )
            .await?;
        Ok(list.data.into_iter().next().map(|r| r.id))
    }

    pub async fn stored_request(&self, id: &str) -> Result<StoredRequest, CallError> {
        self.json(Method::GET, &format!("/api/inbox-requests/{id}"), None)
            .await
    }

    /// Opens the inbox's stream, starting right after request `after`.
    pub async fn open_stream(
        &self,
        inbox: &str,
        after: &str,
    ) -> Result<Response<Incoming>, CallError> {
        let mut request = self.request(Method::GET, &format!("/api/inboxes/{inbox}/stream"), None);
        let headers = request.headers_mut();
        headers.insert(ACCEPT, HeaderValue::from_static("text/event-stream"));
        if let Ok(after) = HeaderValue::from_str(after) {
            headers.insert("last-event-id", after);
        }
        let response = self.send(request).await?;
        if response.status().is_success() {
            return Ok(response);
        }
        let status = response.status();
        let body = response.into_body().collect().await.map(|b| b.to_bytes());
        Err(refusal(status, &body.unwrap_or_default()))
    }

    fn request(&self, method: Method, path: &str, body: Option<String>) -> Request<Full<Bytes>> {
        let mut request = Request::new(Full::new(Bytes::from(body.clone().unwrap_or_default())));
        *request.method_mut() = method;
        *request.uri_mut() = format!("{}{path}", self.base)
            .parse()
            .unwrap_or_else(|_| hyper::Uri::from_static("http://invalid./"));
        let headers = request.headers_mut();
        headers.insert(AUTHORIZATION, self.authorization.clone());
        if body.is_some() {
            headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
        }
        request
    }

    async fn send(&self, request: Request<Full<Bytes>>) -> Result<Response<Incoming>, CallError> {
        let call = self.client.request(request);
        match tokio::time::timeout(CALL_TIMEOUT, call).await {
            Ok(Ok(response)) => Ok(response),
            Ok(Err(error)) => Err(CallError::Transient(error_text(&error))),
            Err(_) => Err(CallError::Transient(format!(
                "no answer within {}",
                humantime::format_duration(CALL_TIMEOUT)
            ))),
        }
    }

    async fn json<T: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        body: Option<String>,
    ) -> Result<T, CallError> {
        let response = self.send(self.request(method, path, body)).await?;
        let status = response.status();
        let body = tokio::time::timeout(CALL_TIMEOUT, response.into_body().collect())
            .await
            .map_err(|_| CallError::Transient("the answer did not arrive in time".into()))?
            .map_err(|e| CallError::Transient(error_text(&e)))?
            .to_bytes();
        if !status.is_success() {
            return Err(refusal(status, &body));
        }
        serde_json::from_slice(&body).map_err(|e| {
            CallError::Refused(format!(
                "{path} answered JSON that is not what hookd answers ({e}): is --server hookd?"
            ))
        })
    }
}

/// How long a call other than the stream may take.
const CALL_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(30);

/// An error answer as a sentence: its status and the problem's `detail` when there is one.
fn refusal(status: StatusCode, body: &[u8]) -> CallError {
    #[derive(Deserialize)]
    struct Problem {
        detail: Option<String>,
    }
    let detail = serde_json::from_slice::<Problem>(body)
        .ok()
        .and_then(|p| p.detail)
        .map(|d| format!(": {d}"))
        .unwrap_or_default();
    let text = format!("hookd answered {status}{detail}");
    if status.is_server_error()
        || status == StatusCode::REQUEST_TIMEOUT
        || status == StatusCode::TOO_MANY_REQUESTS
    {
        CallError::Transient(text)
    } else {
        CallError::Refused(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A 5xx, 408 or 429 is worth waiting out; a 401 or 404 is not, and says hookd's reason.
    #[test]
    fn error_answers_are_transient_or_refusals() {
        let problem = br#"{"title":"Not found","status":404,"detail":"No such inbox."}"#;
        match refusal(StatusCode::NOT_FOUND, problem) {
            CallError::Refused(text) => {
                assert_eq!(text, "hookd answered 404 Not Found: No such inbox.")
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            refusal(StatusCode::UNAUTHORIZED, b""),
            CallError::Refused(_)
        ));
        for status in [502, 503, 408, 429] {
            let status = StatusCode::from_u16(status).unwrap();
            assert!(matches!(
                refusal(status, b"<html>"),
                CallError::Transient(_)
            ));
        }
    }
}
