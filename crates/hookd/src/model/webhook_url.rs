//! Webhook URLs, parsed once at the edge: absolute `http`/`https`, a host, no userinfo, no
//! fragment, at most 2048 characters. Whether the host's addresses may be reached is the SSRF
//! guard's question (`dispatch::ssrf`), asked at registration and again at every connection.

use std::fmt;

pub const MAX_URL_LEN: usize = 2048;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InvalidUrl {
    #[error("must be at most {MAX_URL_LEN} characters")]
    TooLong,
    #[error("is not an absolute URL: {0}")]
    Unparseable(String),
    #[error("must use http or https")]
    Scheme,
    #[error("must name a host")]
    NoHost,
    #[error("must not contain a username or password")]
    Userinfo,
    #[error("must not contain a #fragment (it is never sent)")]
    Fragment,
}

/// A syntactically valid webhook URL.
#[derive(Clone, PartialEq, Eq)]
pub struct WebhookUrl(url::Url);

impl WebhookUrl {
    pub fn parse(text: &str) -> Result<Self, InvalidUrl> {
        if text.len() > MAX_URL_LEN {
            return Err(InvalidUrl::TooLong);
        }
        let url =
            url::Url::parse(text.trim()).map_err(|e| InvalidUrl::Unparseable(e.to_string()))?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err(InvalidUrl::Scheme);
        }
        if url.host_str().is_none_or(str::is_empty) {
            return Err(InvalidUrl::NoHost);
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err(InvalidUrl::Userinfo);
        }
        if url.fragment().is_some() {
            return Err(InvalidUrl::Fragment);
        }
        if url.as_str().len() > MAX_URL_LEN {
            return Err(InvalidUrl::TooLong);
        }
        Ok(Self(url))
    }

    pub fn as_str(&self) -> &str {
        self.0.as_str()
    }

    /// The host as written (an IPv6 literal keeps its brackets off).
    pub fn host(&self) -> &str {
        self.0
            .host_str()
            .unwrap_or_default()
            .trim_start_matches('[')
            .trim_end_matches(']')
    }

    /// The port, explicit or the scheme's default.
    pub fn port(&self) -> u16 {
        self.0.port_or_known_default().unwrap_or(443)
    }
}

impl fmt::Display for WebhookUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0.as_str())
    }
}

impl fmt::Debug for WebhookUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Only absolute http(s) URLs with a host and without userinfo or fragment are accepted.
    #[test]
    fn webhook_urls_are_checked_at_the_edge() {
        assert!(WebhookUrl::parse("https://example.com/hooks?x=1").is_ok());
        assert!(WebhookUrl::parse("http://[::1]:8080/").is_ok());
        let cases = [
            ("ftp://example.com/", InvalidUrl::Scheme),
            ("https://user:pw@example.com/", InvalidUrl::Userinfo),
            ("https://example.com/#top", InvalidUrl::Fragment),
        ];
        for (text, error) in cases {
            assert_eq!(WebhookUrl::parse(text), Err(error), "{text}");
        }
        assert!(matches!(
            WebhookUrl::parse("/relative"),
            Err(InvalidUrl::Unparseable(_))
        ));
        let long = format!("https://example.com/{}", "a".repeat(MAX_URL_LEN));
        assert_eq!(WebhookUrl::parse(&long), Err(InvalidUrl::TooLong));
        assert_eq!(
            WebhookUrl::parse("http://[::1]:8080/").unwrap().host(),
            "::1"
        );
    }
}
