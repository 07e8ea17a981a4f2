//! An inbox's settings: how it verifies, de-duplicates, whom it lets in, how fast, how large,
//! what event it makes and what it answers. Read from JSON by one parser that names every bad
//! field (`verify.scheme`, `allowed_ips[1]`), for the API and for the database alike, and
//! written back in the same shape.

use super::{EventTemplate, JsonPath};
use crate::model::FieldError;
use crate::model::schedule::parse_delay;
use hookd_verify::{Algorithm, Encoding, HmacOptions, Scheme};
use ipnet::IpNet;
use serde_json::{Map, Value, json};
use std::time::Duration;

pub const DEFAULT_MAX_BODY_BYTES: u32 = 1024 * 1024;
/// The largest `max_body_bytes` an inbox may have.
pub const MAX_INBOX_BODY_BYTES: u32 = 10 * 1024 * 1024;
pub const MAX_RATE_LIMIT: u32 = 100_000;
pub const MAX_ALLOWED_IPS: usize = 100;
pub const MAX_RESPONSE_BODY_LEN: usize = 4096;
pub const MAX_TOLERANCE: Duration = Duration::from_secs(24 * 3600);
pub const DEFAULT_TOLERANCE: Duration = Duration::from_secs(300);
pub const MAX_DEDUPE_WINDOW: Duration = Duration::from_secs(90 * 86_400);
pub const DEFAULT_DEDUPE_WINDOW: Duration = Duration::from_secs(7 * 86_400);
/// The schemes, as `verify.scheme` names them.
pub const SCHEMES: &[&str] = &[
    "standard", "hex", "github", "stripe", "shopify", "slack", "hmac", "token", "basic", "none",
];
/// The header a `token` inbox reads when its settings name none.
pub const DEFAULT_TOKEN_HEADER: &str = "X-Webhook-Token";

/// Which part of a request identifies it for de-duplication.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DedupeKey {
    /// The sender's own delivery id where the scheme has one, else the body's SHA-256.
    Auto,
    Header(String),
    Json(JsonPath),
    /// The body's SHA-256.
    Body,
}

impl DedupeKey {
    fn parse(text: &str) -> Result<Self, String> {
        match text {
            "auto" => Ok(Self::Auto),
            "body" => Ok(Self::Body),
            _ => {
                if let Some(name) = text.strip_prefix("header:") {
                    check_header_name(name).map(|()| Self::Header(name.to_owned()))
                } else if let Some(path) = text.strip_prefix("json:") {
                    JsonPath::parse(path).map(Self::Json).map_err(str::to_owned)
                } else {
                    Err("must be auto, body, header:<name> or json:<path>".to_owned())
                }
            }
        }
    }

    fn to_text(&self) -> String {
        match self {
            Self::Auto => "auto".to_owned(),
            Self::Body => "body".to_owned(),
            Self::Header(name) => format!("header:{name}"),
            Self::Json(path) => format!("json:{}", path.as_str()),
        }
    }
}

/// What `/in/<id>` answers a stored request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InboxResponse {
    /// 200 to 299; a playground inbox may also answer 400 to 599, every copy alike, so that a
    /// sender's retries can be watched arriving.
    pub status: u16,
    pub content_type: String,
    /// `None`: `{"id": "req_..."}`.
    pub body: Option<String>,
}

/// An inbox's settings, every one checked.
#[derive(Debug, Clone, PartialEq)]
pub struct InboxSettings {
    pub scheme: Scheme,
    /// How far a signed timestamp may be from hookd's clock (schemes that sign one).
    pub tolerance: Duration,
    pub dedupe_key: DedupeKey,
    pub dedupe_window: Duration,
    /// Empty: any source.
    pub allowed_ips: Vec<IpNet>,
    /// Requests per second at most.
    pub rate_limit: Option<u32>,
    pub max_body_bytes: u32,
    pub event_type: EventTemplate,
    pub response: InboxResponse,
}

impl InboxSettings {
    /// Reads settings from a JSON object (the API's fields, or a stored row's), defaulting what
    /// is absent. `scheme` is required unless `playground` (whose default is `none`). Every
    /// bad field is reported.
    pub fn from_json(
        document: &Map<String, Value>,
        playground: bool,
    ) -> Result<Self, Vec<FieldError>> {
        let mut errors = Vec::new();
        let empty = Map::new();
        let verify = object(document, "verify", &mut errors).unwrap_or(&empty);
        let dedupe = object(document, "dedupe", &mut errors).unwrap_or(&empty);
        let response = object(document, "response", &mut errors).unwrap_or(&empty);
        let mut read = Reader {
            errors: &mut errors,
        };

        let scheme = read.scheme(verify, playground);
        let tolerance = read
            .duration(verify, "verify.tolerance", "tolerance", MAX_TOLERANCE)
            .unwrap_or(DEFAULT_TOLERANCE);
        let dedupe_key = read
            .text(dedupe, "dedupe.key", "key")
            .map(|text| DedupeKey::parse(text).map_err(|m| read.fail("dedupe.key", m)))
            .unwrap_or(Ok(DedupeKey::Auto));
        let dedupe_window = read
            .duration(dedupe, "dedupe.window", "window", MAX_DEDUPE_WINDOW)
            .unwrap_or(DEFAULT_DEDUPE_WINDOW);
        let allowed_ips = read.networks(document);
        let rate_limit = read.number(document, "rate_limit", 1, MAX_RATE_LIMIT, true);
        let max_body_bytes = read
            .number(document, "max_body_bytes", 1, MAX_INBOX_BODY_BYTES, false)
            .unwrap_or(DEFAULT_MAX_BODY_BYTES);
        let event_type = match read.text(document, "event_type", "event_type") {
            Some(text) => EventTemplate::parse(text)
                .map_err(|m| read.fail("event_type", m))
                .ok(),
            None => scheme.as_ref().map(default_template),
        };
        let status = read.status(response, playground).unwrap_or(200);
        let content_type = read
            .text(response, "response.content_type", "content_type")
            .map(str::to_owned);
        let content_type = match content_type {
            Some(text)
                if text.is_empty()
                    || text.len() > 200
                    || !text.bytes().all(|b| (0x20..0x7f).contains(&b)) =>
            {
                read.fail(
                    "response.content_type",
                    "must be 1 to 200 printable ASCII characters",
                );
                None
            }
            other => other,
        };
        let body = read
            .text(response, "response.body", "body")
            .map(str::to_owned);
        if body
            .as_ref()
            .is_some_and(|b| b.len() > MAX_RESPONSE_BODY_LEN)
        {
            read.fail("response.body", "must be at most 4096 bytes");
        }
        let content_type = content_type.unwrap_or_else(|| {
            if body.is_some() {
                "text/plain; charset=utf-8"
            } else {
                "application/json"
            }
            .to_owned()
        });
        match (errors.is_empty(), scheme, event_type, dedupe_key) {
            (true, Some(scheme), Some(event_type), Ok(dedupe_key)) => Ok(Self {
                scheme,
                tolerance,
                dedupe_key,
                dedupe_window,
                allowed_ips,
                rate_limit,
                max_body_bytes,
                event_type,
                response: InboxResponse {
                    status,
                    content_type,
                    body,
                },
            }),
            _ => Err(errors),
        }
    }

    /// The settings as the API shows them and the database keeps them (no secret).
    pub fn to_json(&self) -> Value {
        let mut verify = json!({
            "scheme": self.scheme.name(),
            "tolerance": duration_text(self.tolerance),
        });
        match &self.scheme {
            Scheme::Hmac(options) => {
                verify["header"] = json!(options.header);
                verify["algorithm"] = json!(algorithm_name(options.algorithm));
                verify["encoding"] = json!(encoding_name(options.encoding));
                verify["prefix"] = json!(options.prefix);
            }
            Scheme::Token { header } => verify["header"] = json!(header),
            _ => {}
        }
        json!({
            "verify": verify,
            "dedupe": {"key": self.dedupe_key.to_text(), "window": duration_text(self.dedupe_window)},
            "allowed_ips": self.allowed_ips.iter().map(ToString::to_string).collect::<Vec<_>>(),
            "rate_limit": self.rate_limit,
            "max_body_bytes": self.max_body_bytes,
            "event_type": self.event_type.as_str(),
            "response": {
                "status": self.response.status,
                "content_type": self.response.content_type,
                "body": self.response.body,
            },
        })
    }
}

/// The event type an inbox makes when its settings name none: the provider's own event name
/// where it sends one.
fn default_template(scheme: &Scheme) -> EventTemplate {
    let text = match scheme {
        Scheme::Github => "github.{header:X-GitHub-Event}",
        Scheme::Stripe => "stripe.{json:type}",
        Scheme::Shopify => "shopify.{header:X-Shopify-Topic}",
        Scheme::Slack => "slack.{json:event.type}",
        Scheme::Standard => "inbox.{json:type}",
        _ => "inbox.received",
    };
    EventTemplate::parse(text).expect("the default templates are valid")
}

/// Seconds as the shortest whole unit: `300s` is `5m`.
pub fn duration_text(duration: Duration) -> String {
    let seconds = duration.as_secs();
    for (unit, size) in [("d", 86_400), ("h", 3600), ("m", 60)] {
        if seconds >= size && seconds.is_multiple_of(size) {
            return format!("{}{unit}", seconds / size);
        }
    }
    format!("{seconds}s")
}

fn algorithm_name(algorithm: Algorithm) -> &'static str {
    match algorithm {
        Algorithm::Sha1 => "sha1",
        Algorithm::Sha256 => "sha256",
        Algorithm::Sha512 => "sha512",
    }
}

fn encoding_name(encoding: Encoding) -> &'static str {
    match encoding {
        Encoding::Hex => "hex",
        Encoding::Base64 => "base64",
    }
}

fn check_header_name(name: &str) -> Result<(), String> {
    let valid = !name.is_empty()
        && name.len() <= 100
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b));
    if valid {
        Ok(())
    } else {
        Err("must be an HTTP header name (1 to 100 token characters)".to_owned())
    }
}

fn object<'a>(
    document: &'a Map<String, Value>,
    key: &str,
    errors: &mut Vec<FieldError>,
) -> Option<&'a Map<String, Value>> {
    match document.get(key) {
        None | Some(Value::Null) => None,
        Some(Value::Object(map)) => Some(map),
        Some(_) => {
            errors.push(FieldError::new(key, "invalid_type", "must be an object"));
            None
        }
    }
}

/// Reads fields, collecting every problem.
struct Reader<'e> {
    errors: &'e mut Vec<FieldError>,
}

impl Reader<'_> {
    fn fail(&mut self, field: &str, message: impl Into<String>) {
        self.errors
            .push(FieldError::new(field, "invalid_value", message));
    }

    /// A string field; `null` and absent are `None`.
    fn text<'a>(&mut self, map: &'a Map<String, Value>, field: &str, key: &str) -> Option<&'a str> {
        match map.get(key) {
            None | Some(Value::Null) => None,
            Some(Value::String(text)) => Some(text),
            Some(_) => {
                self.errors
                    .push(FieldError::new(field, "invalid_type", "must be a string"));
                None
            }
        }
    }

    /// `response.status`: 200 to 299, or for a playground also a failure, 400 to 599.
    fn status(&mut self, response: &Map<String, Value>, playground: bool) -> Option<u16> {
        if !playground {
            return self
                .number(response, "response.status", 200, 299, false)
                .map(|s| s as u16);
        }
        let value = response.get("status")?;
        match value.as_u64() {
            Some(n @ (200..=299 | 400..=599)) => Some(n as u16),
            _ => {
                self.errors.push(FieldError::new(
                    "response.status",
                    "out_of_range",
                    "must be a whole number from 200 to 299, or for a playground from 400 to 599",
                ));
                None
            }
        }
    }

    fn number(
        &mut self,
        map: &Map<String, Value>,
        field: &str,
        min: u32,
        max: u32,
        nullable: bool,
    ) -> Option<u32> {
        let key = field.rsplit('.').next().unwrap_or(field);
        match map.get(key) {
            None => None,
            Some(Value::Null) if nullable => None,
            Some(value) => match value
                .as_u64()
                .filter(|n| (u64::from(min)..=u64::from(max)).contains(n))
            {
                Some(n) => Some(n as u32),
                None => {
                    self.errors.push(FieldError::new(
                        field,
                        "out_of_range",
                        format!("must be a whole number from {min} to {max}"),
                    ));
                    None
                }
            },
        }
    }

    fn duration(
        &mut self,
        map: &Map<String, Value>,
        field: &str,
        key: &str,
        max: Duration,
    ) -> Option<Duration> {
        let text = self.text(map, field, key)?;
        match parse_delay(text) {
            Ok(d) if !d.is_zero() && d <= max => Some(d),
            _ => {
                self.fail(
                    field,
                    format!(
                        "must be a duration such as 30s, 5m, 2h or 7d, at most {}",
                        duration_text(max)
                    ),
                );
                None
            }
        }
    }

    fn networks(&mut self, map: &Map<String, Value>) -> Vec<IpNet> {
        let items = match map.get("allowed_ips") {
            None | Some(Value::Null) => return Vec::new(),
            Some(Value::Array(items)) => items,
            Some(_) => {
                self.errors.push(FieldError::new(
                    "allowed_ips",
                    "invalid_type",
                    "must be an array of CIDR ranges",
                ));
                return Vec::new();
            }
        };
        if items.len() > MAX_ALLOWED_IPS {
            self.fail("allowed_ips", format!("at most {MAX_ALLOWED_IPS} ranges"));
        }
        let mut networks = Vec::with_capacity(items.len());
        for (index, item) in items.iter().enumerate() {
            let field = format!("allowed_ips[{index}]");
            let parsed = item.as_str().and_then(|text| {
                text.parse::<IpNet>()
                    .ok()
                    .or_else(|| text.parse::<std::net::IpAddr>().ok().map(IpNet::from))
            });
            match parsed {
                Some(network) => networks.push(network.trunc()),
                None => self.errors.push(FieldError::new(
                    field,
                    "invalid_cidr",
                    "must be an IP address or a CIDR range such as 203.0.113.0/24 or 2001:db8::/32",
                )),
            }
        }
        networks
    }

    fn scheme(&mut self, verify: &Map<String, Value>, playground: bool) -> Option<Scheme> {
        let name = match self.text(verify, "verify.scheme", "scheme") {
            Some(name) => name,
            // Of the wrong type: already said, and not also "required".
            None if verify.get("scheme").is_some_and(|v| !v.is_null()) => return None,
            None if playground => "none",
            None => {
                self.errors.push(FieldError::new(
                    "verify.scheme",
                    "required",
                    format!("is required: one of {}", SCHEMES.join(", ")),
                ));
                return None;
            }
        };
        let header = self.text(verify, "verify.header", "header");
        if let Some(header) = header
            && let Err(message) = check_header_name(header)
        {
            self.fail("verify.header", message);
            return None;
        }
        Some(match name {
            "standard" => Scheme::Standard,
            "hex" => Scheme::Hex,
            "github" => Scheme::Github,
            "stripe" => Scheme::Stripe,
            "shopify" => Scheme::Shopify,
            "slack" => Scheme::Slack,
            "basic" => Scheme::Basic,
            "none" => Scheme::None,
            "token" => Scheme::Token {
                header: header.unwrap_or(DEFAULT_TOKEN_HEADER).to_owned(),
            },
            "hmac" => return self.hmac(verify, header),
            _ => {
                self.errors.push(FieldError::new(
                    "verify.scheme",
                    "unknown_scheme",
                    format!("must be one of {}", SCHEMES.join(", ")),
                ));
                return None;
            }
        })
    }

    fn hmac(&mut self, verify: &Map<String, Value>, header: Option<&str>) -> Option<Scheme> {
        let Some(header) = header else {
            self.errors.push(FieldError::new(
                "verify.header",
                "required",
                "is required for the hmac scheme: the header that carries the signature",
            ));
            return None;
        };
        let algorithm = match self
            .text(verify, "verify.algorithm", "algorithm")
            .unwrap_or("sha256")
        {
            "sha1" => Algorithm::Sha1,
            "sha256" => Algorithm::Sha256,
            "sha512" => Algorithm::Sha512,
            _ => {
                self.fail("verify.algorithm", "must be sha1, sha256 or sha512");
                return None;
            }
        };
        let encoding = match self
            .text(verify, "verify.encoding", "encoding")
            .unwrap_or("hex")
        {
            "hex" => Encoding::Hex,
            "base64" => Encoding::Base64,
            _ => {
                self.fail("verify.encoding", "must be hex or base64");
                return None;
            }
        };
        let prefix = self.text(verify, "verify.prefix", "prefix").unwrap_or("");
        if prefix.len() > 32 || !prefix.bytes().all(|b| (0x20..0x7f).contains(&b)) {
            self.fail(
                "verify.prefix",
                "must be at most 32 printable ASCII characters",
            );
            return None;
        }
        Some(Scheme::Hmac(HmacOptions {
            header: header.to_owned(),
            algorithm,
            encoding,
            prefix: prefix.to_owned(),
        }))
    }
}

#[cfg(test)]
mod tests;
