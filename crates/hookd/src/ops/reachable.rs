//! The SSRF check at registration: a webhook's URL is taken only when every address its host
//! resolves to is one hookd may connect to (or it is one of hookd's own inboxes). Delivery
//! checks again at connect time; this check only refuses early, with a sentence that says why.

use super::{OpError, Operations};
use crate::dispatch::client::check_destination;
use crate::dispatch::ssrf::Refusal;
use crate::model::WebhookUrl;
use std::time::Duration;

/// How long registration waits for DNS before accepting a URL it could not resolve.
const RESOLVE_TIMEOUT: Duration = Duration::from_secs(2);

impl Operations {
    /// 422 on `url` unless hookd may send to it.
    pub(crate) async fn check_reachable(&self, url: &WebhookUrl) -> Result<(), OpError> {
        let uri: hyper::Uri = url.as_str().parse().map_err(|e| {
            OpError::field("url", "invalid_url", format!("is not a valid URL: {e}"))
        })?;
        if self.outbound.is_own_inbox(&uri) {
            // hookd's own inboxes are reachable whatever the policy says.
            return Ok(());
        }
        check_destination(&self.policy, &uri, RESOLVE_TIMEOUT)
            .await
            .map_err(|forbidden| {
                OpError::field("url", "url_not_allowed", refusal(&uri, &forbidden))
            })
    }
}

/// Why a URL may not be registered, as a sentence that follows the field's name: "resolves to
/// 10.0.0.1, which is a private address not in HOOKD_ALLOWED_NETWORKS" for a host name, "is a
/// loopback address not in HOOKD_ALLOWED_NETWORKS" for an address written in the URL, "names
/// metadata.google.internal, a cloud metadata service" for a metadata host name.
fn refusal(uri: &hyper::Uri, refused: &Refusal) -> String {
    let forbidden = match refused {
        Refusal::Name(name) => {
            return format!("names {}, a cloud metadata service", name.host);
        }
        Refusal::Address(forbidden) => forbidden,
    };
    let host = uri.host().unwrap_or_default().trim_matches(['[', ']']);
    let written_as_address = host.parse::<std::net::IpAddr>().is_ok();
    if written_as_address {
        format!("is {} not in HOOKD_ALLOWED_NETWORKS", forbidden.kind)
    } else {
        format!(
            "resolves to {}, which is {} not in HOOKD_ALLOWED_NETWORKS",
            forbidden.ip, forbidden.kind
        )
    }
}
