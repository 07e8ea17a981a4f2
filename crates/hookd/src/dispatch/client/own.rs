//! hookd's own inbox URLs: `<public URL>/in/ibx_...`. Deliveries may reach them whatever the
//! address policy says (the playground sends hookd's webhooks to hookd's inboxes), and nothing
//! else of hookd's own address becomes reachable by that: the scheme, host and port must be
//! the public URL's and the path exactly an inbox's.

use crate::model::InboxId;
use hyper::Uri;
use std::sync::{Arc, OnceLock};

/// The public URL the exception is for, known once hookd has bound its listener.
#[derive(Debug, Clone, Default)]
pub struct OwnInboxes(Arc<OnceLock<Uri>>);

impl OwnInboxes {
    /// Sets the public URL (the first call wins); a URL that does not parse leaves none.
    pub fn set(&self, public_url: &str) {
        if let Ok(uri) = public_url.parse::<Uri>() {
            let _ = self.0.set(uri);
        }
    }

    /// Whether `url` is one of hookd's own inbox URLs.
    pub fn contains(&self, url: &Uri) -> bool {
        let Some(base) = self.0.get() else {
            return false;
        };
        let same_origin = url.scheme_str() == base.scheme_str()
            && url
                .host()
                .zip(base.host())
                .is_some_and(|(a, b)| a.eq_ignore_ascii_case(b))
            && port(url) == port(base);
        let prefix = base.path().trim_end_matches('/');
        let inbox = url
            .path()
            .strip_prefix(prefix)
            .and_then(|rest| rest.strip_prefix("/in/"));
        same_origin && inbox.is_some_and(|id| InboxId::parse(id).is_ok())
    }
}

fn port(uri: &Uri) -> Option<u16> {
    uri.port_u16().or(match uri.scheme_str() {
        Some("http") => Some(80),
        Some("https") => Some(443),
        _ => None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Only the exact inbox path under the public URL's origin is hookd's own inbox.
    #[test]
    fn only_inbox_paths_of_the_public_origin_are_own() {
        let own = OwnInboxes::default();
        let id = InboxId::new();
        assert!(!own.contains(&format!("http://127.0.0.1:8080/in/{id}").parse().unwrap()));
        own.set("http://127.0.0.1:8080");
        let yes = |url: String| own.contains(&url.parse().unwrap());
        assert!(yes(format!("http://127.0.0.1:8080/in/{id}")));
        assert!(yes(format!("http://127.0.0.1:8080/in/{id}?x=1")));
        assert!(!yes(format!("http://127.0.0.1:8081/in/{id}")));
        assert!(!yes(format!("https://127.0.0.1:8080/in/{id}")));
        assert!(!yes(format!("http://127.0.0.2:8080/in/{id}")));
        assert!(!yes("http://127.0.0.1:8080/api/webhooks".to_owned()));
        assert!(!yes(format!(
            "http://127.0.0.1:8080/in/{id}/../../api/tokens"
        )));
        assert!(!yes("http://127.0.0.1:8080/in/ibx_nope".to_owned()));
        let behind = OwnInboxes::default();
        behind.set("https://hooks.example.com/hookd/");
        assert!(
            behind.contains(
                &format!("https://hooks.example.com:443/hookd/in/{id}")
                    .parse()
                    .unwrap()
            )
        );
        assert!(
            !behind.contains(
                &format!("https://hooks.example.com/in/{id}")
                    .parse()
                    .unwrap()
            )
        );
    }
}
