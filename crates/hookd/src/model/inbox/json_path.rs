//! A path into a JSON body, as inbox settings write it: `type`, `data.object.id`,
//! `items.0.sku` (a number steps into an array).

use serde_json::Value;

/// The longest path accepted.
pub const MAX_JSON_PATH_LEN: usize = 200;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JsonPath {
    text: String,
}

impl JsonPath {
    /// Dot-separated keys, each non-empty.
    pub fn parse(text: &str) -> Result<Self, &'static str> {
        if text.is_empty() || text.len() > MAX_JSON_PATH_LEN {
            return Err("must be 1 to 200 characters: keys separated by dots");
        }
        if text
            .split('.')
            .any(|part| part.is_empty() || part.contains(['{', '}']))
        {
            return Err("must be keys separated by dots, none empty");
        }
        Ok(Self {
            text: text.to_owned(),
        })
    }

    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The value at the path, if the document has one.
    pub fn find<'a>(&self, document: &'a Value) -> Option<&'a Value> {
        self.text
            .split('.')
            .try_fold(document, |value, key| match value {
                Value::Object(map) => map.get(key),
                Value::Array(items) => key.parse::<usize>().ok().and_then(|i| items.get(i)),
                _ => None,
            })
    }

    /// The value at the path as text: strings as they are, numbers and booleans written out;
    /// nothing for objects, arrays, null and missing values.
    pub fn find_text(&self, document: &Value) -> Option<String> {
        match self.find(document)? {
            Value::String(text) => Some(text.clone()),
            Value::Number(number) => Some(number.to_string()),
            Value::Bool(flag) => Some(flag.to_string()),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// Keys step into objects, numbers into arrays; other values have no text.
    #[test]
    fn paths_read_strings_numbers_and_array_items() {
        let doc = json!({"type": "charge.succeeded", "data": {"object": {"id": "ch_1", "n": 5}},
                         "items": [{"sku": "a"}], "flag": true, "obj": {}});
        let text = |path: &str| JsonPath::parse(path).unwrap().find_text(&doc);
        assert_eq!(text("type").as_deref(), Some("charge.succeeded"));
        assert_eq!(text("data.object.id").as_deref(), Some("ch_1"));
        assert_eq!(text("data.object.n").as_deref(), Some("5"));
        assert_eq!(text("items.0.sku").as_deref(), Some("a"));
        assert_eq!(text("flag").as_deref(), Some("true"));
        assert_eq!(text("obj"), None);
        assert_eq!(text("missing.key"), None);
        assert!(JsonPath::parse("a..b").is_err());
        assert!(JsonPath::parse("").is_err());
    }
}
