//! An inbound request as a verifier sees it: a way to read its headers, and its raw body exactly
//! as received (a body parsed and serialized again is not what was signed).
//!
//! No HTTP framework is assumed. Headers come either as name–value pairs, searched without
//! regard to case, or through a lookup function that the crate always asks with the name in
//! ASCII lower case, so a closure over `http::HeaderMap::get` works as it is.

use std::fmt;

use crate::VerifyError;

/// An inbound request: its headers and its raw body.
///
/// ```
/// use hookd_verify::Request;
///
/// let headers = [("X-Hub-Signature-256", "sha256=...")];
/// let request = Request::new(&headers, b"{}");
/// assert_eq!(request.header("x-hub-signature-256"), Some("sha256=..."));
/// ```
#[derive(Clone, Copy)]
pub struct Request<'a> {
    headers: Headers<'a>,
    body: &'a [u8],
}

#[derive(Clone, Copy)]
enum Headers<'a> {
    Pairs(&'a [(&'a str, &'a str)]),
    Lookup(&'a dyn Fn(&str) -> Option<&'a str>),
}

impl<'a> Request<'a> {
    /// A request whose headers are name–value pairs. Names match without regard to ASCII case;
    /// where a name repeats, the first pair counts.
    pub fn new(headers: &'a [(&'a str, &'a str)], body: &'a [u8]) -> Self {
        Self {
            headers: Headers::Pairs(headers),
            body,
        }
    }

    /// A request whose headers are read by `lookup`, which is always given the name in ASCII
    /// lower case and answers the header's (first) value, if the request has it.
    ///
    /// ```
    /// use hookd_verify::Request;
    ///
    /// let stored = std::collections::HashMap::from([("webhook-id".to_owned(), "msg_1".to_owned())]);
    /// let lookup = |name: &str| stored.get(name).map(String::as_str);
    /// let request = Request::with_lookup(&lookup, b"{}");
    /// assert_eq!(request.header("Webhook-Id"), Some("msg_1"));
    /// ```
    pub fn with_lookup(lookup: &'a dyn Fn(&str) -> Option<&'a str>, body: &'a [u8]) -> Self {
        Self {
            headers: Headers::Lookup(lookup),
            body,
        }
    }

    /// The value of the header `name` (any case), as the request holds it.
    pub fn header(&self, name: &str) -> Option<&'a str> {
        match self.headers {
            Headers::Pairs(pairs) => pairs
                .iter()
                .find(|(key, _)| key.eq_ignore_ascii_case(name))
                .map(|&(_, value)| value),
            Headers::Lookup(lookup) => {
                if name.bytes().any(|b| b.is_ascii_uppercase()) {
                    lookup(&name.to_ascii_lowercase())
                } else {
                    lookup(name)
                }
            }
        }
    }

    /// The raw body, exactly as received.
    pub fn body(&self) -> &'a [u8] {
        self.body
    }

    /// The header `name` without the spaces around it, if it is there and not empty.
    pub(crate) fn value(&self, name: &str) -> Option<&'a str> {
        self.header(name)
            .map(str::trim)
            .filter(|value| !value.is_empty())
    }

    /// The header `name` a scheme cannot do without; missing if absent or empty.
    pub(crate) fn required(&self, name: &'static str) -> Result<&'a str, VerifyError> {
        self.value(name).ok_or(VerifyError::missing(name))
    }
}

/// Shows the body's length only: headers may hold credentials.
impl fmt::Debug for Request<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Request")
            .field("body_len", &self.body.len())
            .finish_non_exhaustive()
    }
}
