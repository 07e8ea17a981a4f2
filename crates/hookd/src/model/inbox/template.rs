//! The event type an inbox gives each accepted request: a template such as
//! `stripe.{json:type}` or `github.{header:X-GitHub-Event}`, filled in from the request.
//!
//! What a placeholder yields is made into event name segments: letters, digits, `_` and `-`
//! are kept, `.` and `/` separate segments (Shopify's `orders/create` becomes
//! `orders.create`), anything else becomes `_`, and empty segments are dropped. A placeholder
//! that finds nothing (no such header, no such JSON field, a body that is not JSON) yields
//! `unknown`, so a request is never refused for what its sender chose to send.

use super::JsonPath;
use crate::model::{EventName, MAX_EVENT_NAME_LEN};
use serde_json::Value;

/// What a placeholder yields when the request has nothing there.
pub const MISSING: &str = "unknown";

#[derive(Debug, Clone, PartialEq, Eq)]
enum Part {
    Text(String),
    Json(JsonPath),
    Header(String),
}

/// A parsed event type template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventTemplate {
    source: String,
    parts: Vec<Part>,
}

impl EventTemplate {
    /// Parses `text`: literal event name text with `{json:<path>}` and `{header:<name>}`
    /// placeholders; whatever they yield, the result is a valid, non-reserved event name.
    pub fn parse(text: &str) -> Result<Self, String> {
        let mut parts = Vec::new();
        let mut rest = text;
        while let Some(open) = rest.find('{') {
            if open > 0 {
                parts.push(Part::Text(rest[..open].to_owned()));
            }
            let close = rest[open..].find('}').ok_or("a '{' without its '}'")? + open;
            let inner = &rest[open + 1..close];
            let part = if let Some(path) = inner.strip_prefix("json:") {
                Part::Json(JsonPath::parse(path).map_err(|e| format!("{{json:...}}: {e}"))?)
            } else if let Some(name) = inner.strip_prefix("header:") {
                let valid = !name.is_empty()
                    && name.len() <= 100
                    && name
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_'));
                if !valid {
                    return Err("{header:...} needs a header name".to_owned());
                }
                Part::Header(name.to_owned())
            } else {
                return Err(format!(
                    "unknown placeholder {{{inner}}}: use {{json:<path>}} or {{header:<name>}}"
                ));
            };
            parts.push(part);
            rest = &rest[close + 1..];
        }
        if rest.contains('}') {
            return Err("a '}' without its '{'".to_owned());
        }
        if !rest.is_empty() {
            parts.push(Part::Text(rest.to_owned()));
        }
        let template = Self {
            source: text.to_owned(),
            parts,
        };
        // Literal text must read as an event name whatever the placeholders yield.
        let sample: String = template
            .parts
            .iter()
            .map(|part| match part {
                Part::Text(text) => text.as_str(),
                _ => "x",
            })
            .collect();
        let name = EventName::parse(&sample)
            .map_err(|e| format!("not an event name template: the text {e}"))?;
        if name.is_reserved() {
            return Err("'webhook.' names are hookd's own events".to_owned());
        }
        Ok(template)
    }

    pub fn as_str(&self) -> &str {
        &self.source
    }

    /// Whether a placeholder reads the body (so the body must be parsed to render it).
    pub fn reads_body(&self) -> bool {
        self.parts.iter().any(|part| matches!(part, Part::Json(_)))
    }

    /// The event name of a request with these headers and this body (parsed JSON, if it is).
    pub fn render<'h>(
        &self,
        header: impl Fn(&str) -> Option<&'h str>,
        body: Option<&Value>,
    ) -> EventName {
        let mut out = String::new();
        for part in &self.parts {
            match part {
                Part::Text(text) => out.push_str(text),
                Part::Json(path) => {
                    let found = body.and_then(|b| path.find_text(b));
                    push_segments(&mut out, found.as_deref());
                }
                Part::Header(name) => push_segments(&mut out, header(name)),
            }
        }
        let name = tidy(&out);
        // The literal text is valid and no placeholder is reserved: `tidy` keeps it so, unless
        // a yield made a `webhook.` prefix, which falls back to the text alone.
        match EventName::parse(&name) {
            Ok(name) if !name.is_reserved() => name,
            _ => EventName::from_trusted(format!("inbox.{}", MISSING)),
        }
    }
}

/// Appends what a placeholder yielded, as event name characters.
fn push_segments(out: &mut String, value: Option<&str>) {
    let value = value.map(str::trim).filter(|v| !v.is_empty());
    let Some(value) = value else {
        out.push_str(MISSING);
        return;
    };
    out.extend(value.chars().map(|c| match c {
        'a'..='z' | 'A'..='Z' | '0'..='9' | '_' | '-' => c,
        '.' | '/' => '.',
        _ => '_',
    }));
}

/// Drops empty segments and cuts the name to the longest accepted.
fn tidy(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for segment in name.split('.').filter(|s| !s.is_empty()) {
        if out.len() + segment.len() + 1 > MAX_EVENT_NAME_LEN {
            break;
        }
        if !out.is_empty() {
            out.push('.');
        }
        out.push_str(segment);
    }
    if out.is_empty() {
        out.push_str(MISSING);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn render(template: &str, headers: &[(&str, &str)], body: Option<Value>) -> String {
        let template = EventTemplate::parse(template).unwrap();
        let header = |name: &str| {
            headers
                .iter()
                .find(|(n, _)| n.eq_ignore_ascii_case(name))
                .map(|(_, v)| *v)
        };
        template.render(header, body.as_ref()).as_str().to_owned()
    }

    /// Placeholders are filled from the body's JSON and the request's headers.
    /// Only a `{json:...}` placeholder needs the body parsed; text and headers never do.
    #[test]
    fn only_json_placeholders_read_the_body() {
        let reads = |text: &str| EventTemplate::parse(text).unwrap().reads_body();
        assert!(reads("stripe.{json:type}"));
        assert!(reads("{header:X-Kind}.{json:data.object}"));
        assert!(!reads("github.{header:X-GitHub-Event}"));
        assert!(!reads("bench.inbound"));
    }

    #[test]
    fn placeholders_take_json_fields_and_headers() {
        let body = json!({"type": "charge.succeeded"});
        assert_eq!(
            render("stripe.{json:type}", &[], Some(body)),
            "stripe.charge.succeeded"
        );
        let headers = [("x-github-event", "pull_request")];
        assert_eq!(
            render("github.{header:X-GitHub-Event}", &headers, None),
            "github.pull_request"
        );
        assert_eq!(render("plain.name", &[], None), "plain.name");
    }

    /// What a sender chose is made into a valid name, never a refusal.
    #[test]
    fn yields_become_valid_names() {
        let topic = [("X-Shopify-Topic", "orders/create")];
        assert_eq!(
            render("shopify.{header:X-Shopify-Topic}", &topic, None),
            "shopify.orders.create"
        );
        assert_eq!(
            render("a.{json:t}", &[], Some(json!({"t": "we ird!"}))),
            "a.we_ird_"
        );
        assert_eq!(
            render("a.{json:t}", &[], Some(json!({"t": "..x.."}))),
            "a.x"
        );
        assert_eq!(render("a.{json:t}", &[], None), "a.unknown");
        assert_eq!(render("a.{header:X-None}", &[], None), "a.unknown");
        assert_eq!(
            render("{json:t}", &[], Some(json!({"t": "webhook.disabled"}))),
            "inbox.unknown"
        );
        let long = "x".repeat(400);
        assert!(render("a.{json:t}", &[], Some(json!({"t": long}))).len() <= MAX_EVENT_NAME_LEN);
    }

    /// Templates that could never make a valid name are refused, saying why.
    #[test]
    fn bad_templates_are_refused() {
        for bad in [
            "",
            "a.{json:t",
            "a.{body}",
            "a..{json:t}",
            "webhook.{json:t}",
            "a b",
            "a.{header:}",
            "a}",
        ] {
            assert!(EventTemplate::parse(bad).is_err(), "{bad:?} was accepted");
        }
    }
}
