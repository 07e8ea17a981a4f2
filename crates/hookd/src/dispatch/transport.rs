//! The seam between an attempt and the network: an attempt hands its request to a
//! [`Transport`] and gets the endpoint's answer back. The server's transport is
//! [`OutboundClient`], the only place an outbound connection is made, behind the SSRF policy;
//! tests put a [`fake::FakeEndpoint`] there, so the engine can be driven step by step without
//! sockets.

use super::client::{OutboundClient, OutboundError, OutboundRequest, OutboundResponse};
use async_trait::async_trait;
use std::sync::Arc;

/// Sends one webhook request and reads the answer.
#[async_trait]
pub trait Transport: Send + Sync + 'static {
    /// POSTs the request; any HTTP status is a response, anything else an error that says
    /// what happened.
    async fn post(&self, request: OutboundRequest<'_>) -> Result<OutboundResponse, OutboundError>;
}

/// The transport the engine shares between its attempts.
pub type SharedTransport = Arc<dyn Transport>;

#[async_trait]
impl Transport for OutboundClient {
    async fn post(&self, request: OutboundRequest<'_>) -> Result<OutboundResponse, OutboundError> {
        OutboundClient::post(self, request).await
    }
}

#[cfg(test)]
pub mod fake;
