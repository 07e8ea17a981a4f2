//! A webhook's `ordering`: its deliveries in publish order, for the whole webhook (`webhook`)
//! or per value of a field of the event (`json:data.order_id`), and the key that puts a
//! delivery in its line. Parsed once at the edge; the store keeps the order (see
//! `store::rules::ordering`).

use super::JsonPath;
use serde_json::Value;
use sha2::{Digest, Sha256};

/// What `ordering` starts with when it names a field.
pub const JSON_PREFIX: &str = "json:";
/// The longest key kept as it is; a longer one is kept as its SHA-256.
pub const MAX_ORDER_KEY_BYTES: usize = 200;
/// The key of every delivery of a webhook ordered as a whole.
const WHOLE_WEBHOOK_KEY: &str = "*";

/// How a webhook orders its deliveries (a webhook without it has none).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ordering {
    /// Every delivery of the webhook, in publish order.
    Webhook,
    /// Deliveries with the same value at this path of the event, in publish order.
    Field(EventPath),
}

/// A path into the event, starting at its `data` (`data.order_id`, `data.items.0.sku`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventPath {
    /// The path as written, `data.` included.
    text: String,
    /// The path inside `data`; `None` for `data` itself.
    inside_data: Option<JsonPath>,
}

/// The key a delivery is ordered by: deliveries of one webhook with equal keys are sent one
/// after the other, in publish order.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct OrderKey(String);

impl Ordering {
    /// `webhook`, or `json:` and a path starting at the event's `data`.
    pub fn parse(text: &str) -> Result<Self, String> {
        if text == "webhook" {
            return Ok(Self::Webhook);
        }
        let Some(path) = text.strip_prefix(JSON_PREFIX) else {
            return Err(
                "must be \"webhook\" or \"json:\" and a path into the event, such as \
                 \"json:data.order_id\""
                    .into(),
            );
        };
        let parsed = JsonPath::parse(path).map_err(|e| format!("the path {e}"))?;
        let inside_data = match path.strip_prefix("data") {
            Some("") => None,
            Some(rest) if rest.starts_with('.') => {
                Some(JsonPath::parse(&rest[1..]).map_err(|e| format!("the path {e}"))?)
            }
            _ => return Err("the path must start at the event's data: \"json:data.…\"".into()),
        };
        Ok(Self::Field(EventPath {
            text: parsed.as_str().to_owned(),
            inside_data,
        }))
    }

    /// As the API and the database write it.
    pub fn as_text(&self) -> String {
        match self {
            Self::Webhook => "webhook".to_owned(),
            Self::Field(path) => format!("{JSON_PREFIX}{}", path.text),
        }
    }

    /// Whether the key needs the event's data (parsed only for webhooks that do).
    pub fn reads_data(&self) -> bool {
        matches!(self, Self::Field(_))
    }

    /// The key of a delivery of an event with this `data` (needed only when `reads_data`);
    /// `None` (not ordered) when the field is missing or null.
    pub fn key_of(&self, data: Option<&Value>) -> Option<OrderKey> {
        match self {
            Self::Webhook => Some(OrderKey(WHOLE_WEBHOOK_KEY.to_owned())),
            Self::Field(path) => {
                let data = data?;
                let value = match &path.inside_data {
                    Some(inside) => inside.find(data)?,
                    None => data,
                };
                OrderKey::of_value(value)
            }
        }
    }
}

impl OrderKey {
    /// A string as it is, a number or boolean as its JSON text, an object or array as its
    /// compact JSON text; null has none. Longer than `MAX_ORDER_KEY_BYTES`, or holding a NUL
    /// (which PostgreSQL text can't), it is its SHA-256 instead.
    pub fn of_value(value: &Value) -> Option<Self> {
        let text = match value {
            Value::Null => return None,
            Value::String(text) => text.clone(),
            other => other.to_string(),
        };
        if text.len() > MAX_ORDER_KEY_BYTES || text.contains('\0') {
            return Some(Self(format!(
                "sha256:{}",
                hex::encode(Sha256::digest(text.as_bytes()))
            )));
        }
        Some(Self(text))
    }

    /// A key as the store kept it.
    pub fn from_trusted(text: String) -> Self {
        Self(text)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn key(ordering: &str, data: Value) -> Option<String> {
        Ordering::parse(ordering)
            .unwrap()
            .key_of(Some(&data))
            .map(|k| k.as_str().to_owned())
    }

    #[test]
    fn the_parser_takes_webhook_and_json_paths_into_data() {
        assert_eq!(Ordering::parse("webhook"), Ok(Ordering::Webhook));
        let field = Ordering::parse("json:data.order.id").unwrap();
        assert_eq!(field.as_text(), "json:data.order.id");
        assert_eq!(Ordering::parse("json:data").unwrap().as_text(), "json:data");
    }

    #[test]
    fn the_parser_refuses_anything_else() {
        for bad in [
            "",
            "Webhook",
            "json:",
            "json:type",
            "json:id",
            "json:database.x",
            "json:data.",
            "json:data..x",
            "data.order_id",
            "json: data.x",
        ] {
            assert!(Ordering::parse(bad).is_err(), "{bad:?} was taken");
        }
        let long = format!("json:data.{}", "x".repeat(300));
        assert!(Ordering::parse(&long).is_err());
    }

    #[test]
    fn a_whole_webhook_has_one_key_whatever_the_data() {
        assert_eq!(key("webhook", json!({})), key("webhook", json!({"a": 1})));
        assert!(key("webhook", json!(null)).is_some());
    }

    #[test]
    fn a_field_key_is_the_value_found_there() {
        let data = json!({"s": "ord_1", "n": 42, "f": 1.5, "b": true,
                          "o": {"b": 1, "a": [1, 2]}, "a": ["x", 2], "deep": {"er": {"id": "z"}}});
        assert_eq!(key("json:data.s", data.clone()).as_deref(), Some("ord_1"));
        assert_eq!(key("json:data.n", data.clone()).as_deref(), Some("42"));
        assert_eq!(key("json:data.f", data.clone()).as_deref(), Some("1.5"));
        assert_eq!(key("json:data.b", data.clone()).as_deref(), Some("true"));
        assert_eq!(
            key("json:data.o", data.clone()).as_deref(),
            Some(r#"{"a":[1,2],"b":1}"#)
        );
        assert_eq!(
            key("json:data.a", data.clone()).as_deref(),
            Some(r#"["x",2]"#)
        );
        assert_eq!(key("json:data.a.0", data.clone()).as_deref(), Some("x"));
        assert_eq!(key("json:data.deep.er.id", data).as_deref(), Some("z"));
    }

    #[test]
    fn a_missing_or_null_field_leaves_the_delivery_unordered() {
        let data = json!({"present": null, "s": "x"});
        assert_eq!(key("json:data.absent", data.clone()), None);
        assert_eq!(key("json:data.present", data.clone()), None);
        assert_eq!(key("json:data.s.deeper", data), None);
        let ordering = Ordering::parse("json:data.s").unwrap();
        assert_eq!(ordering.key_of(None), None, "no data");
    }

    #[test]
    fn long_values_are_kept_as_their_hash_distinct_and_bounded() {
        let long_a = "a".repeat(MAX_ORDER_KEY_BYTES + 1);
        let long_b = "b".repeat(MAX_ORDER_KEY_BYTES + 1);
        let a = key("json:data.k", json!({"k": long_a})).unwrap();
        let b = key("json:data.k", json!({"k": long_b})).unwrap();
        assert!(a.starts_with("sha256:") && a.len() <= MAX_ORDER_KEY_BYTES);
        assert_ne!(a, b);
        let edge = "e".repeat(MAX_ORDER_KEY_BYTES);
        assert_eq!(key("json:data.k", json!({ "k": edge.clone() })), Some(edge));
        let nul = key("json:data.k", json!({"k": "a\u{0}b"})).unwrap();
        assert!(nul.starts_with("sha256:"));
    }
}
