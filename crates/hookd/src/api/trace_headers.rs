//! The W3C trace context of a request: its `traceparent` and `tracestate` headers, read as the
//! recommendation tells receivers to. An invalid or repeated `traceparent` is ignored (the
//! event is stored without a trace context, and the request is not refused); an invalid
//! `tracestate` is dropped. Publishing stores the context with each event it makes.

use crate::model::TraceContext;
use axum::extract::FromRequestParts;
use axum::http::HeaderMap;
use axum::http::request::Parts;

/// What the OpenAPI document says of `traceparent`.
pub const TRACEPARENT_DOC: &str = "W3C Trace Context: \
    `00-<32 hex trace id>-<16 hex parent id>-<2 hex flags>`. Stored with the event (with each \
    event of a batch) and sent to every receiver as `traceparent` with the same trace id and a \
    new span id per attempt. An invalid value is ignored, as the W3C recommendation asks.";

/// What the OpenAPI document says of `tracestate`.
pub const TRACESTATE_DOC: &str = "W3C Trace Context vendor state, passed on to receivers with \
    `traceparent`. Ignored without a valid `traceparent`; dropped when invalid.";

/// The request's trace context as a handler's argument, read where the headers are (the
/// `HeaderMap` extractor would copy them all for two).
pub struct RequestTrace(pub Option<TraceContext>);

impl<S: Send + Sync> FromRequestParts<S> for RequestTrace {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(Self(trace_context(&parts.headers)))
    }
}

/// The request's trace context, if it carries a valid one.
pub fn trace_context(headers: &HeaderMap) -> Option<TraceContext> {
    let mut parents = headers.get_all("traceparent").iter();
    let parent = parents.next()?.to_str().ok()?;
    if parents.next().is_some() {
        return None;
    }
    let states: Option<Vec<&str>> = headers
        .get_all("tracestate")
        .iter()
        .map(|value| value.to_str().ok())
        .collect();
    // A tracestate that is not text is dropped, like any invalid one.
    let state = states.map(|all| all.join(","));
    TraceContext::from_headers(Some(parent), state.as_deref())
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    const PARENT: &str = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.append(*name, HeaderValue::from_static(value));
        }
        map
    }

    /// Several `tracestate` headers make one list; two `traceparent` headers make none.
    #[test]
    fn repeated_headers_are_read_as_the_recommendation_says() {
        let context = trace_context(&headers(&[
            ("traceparent", PARENT),
            ("tracestate", "a=1"),
            ("tracestate", "b=2"),
        ]))
        .unwrap();
        assert_eq!(context.state.as_deref(), Some("a=1,b=2"));
        assert_eq!(
            trace_context(&headers(&[
                ("traceparent", PARENT),
                ("traceparent", PARENT)
            ])),
            None
        );
        assert_eq!(trace_context(&headers(&[("traceparent", "00-xyz")])), None);
        assert_eq!(
            trace_context(&headers(&[("traceparent", PARENT)]))
                .unwrap()
                .state,
            None
        );
    }
}
