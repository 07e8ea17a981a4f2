//! Event data that every JSON parser reads alike. hookd checks `data` against its schema with
//! one parser and forwards the caller's bytes unchanged to receivers that use others, so text
//! that parsers disagree on is refused: an object with the same key twice (`{"amount": 100000,
//! "amount": 5}` passes a `maximum: 100` check that sees the last value, while a receiver that
//! keeps the first sees 100000), and `\u` escapes of lone UTF-16 surrogates, which are not text
//! (one parser refuses them, another substitutes U+FFFD, a third keeps invalid bytes).
//!
//! Publishing is the hot path, so the check is one pass over bytes that are already known to be
//! JSON, with no allocation in the common case: keys of open objects are kept as spans on a
//! per-thread stack that is reused, and an object is checked for repeats only when it closes
//! with more than one key. Only keys written with escapes are decoded for the comparison (so
//! `"a"` and `"\u0061"` are the same key, as they are to every parser).

use std::cell::RefCell;
use std::fmt;

/// Why data is refused; shown after the field's name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AmbiguousJson {
    /// An object holds this key more than once.
    DuplicateKey(String),
    /// A `\u` escape of a lone surrogate (such as `\ud800`).
    LoneSurrogate,
    /// An escape JSON does not have, or text that is not JSON at all.
    InvalidEscape,
}

impl AmbiguousJson {
    /// A stable code for the API.
    pub fn code(&self) -> &'static str {
        match self {
            Self::DuplicateKey(_) => "duplicate_key",
            Self::LoneSurrogate | Self::InvalidEscape => "invalid_escape",
        }
    }
}

impl fmt::Display for AmbiguousJson {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::DuplicateKey(key) => write!(
                f,
                "has the key \"{key}\" more than once in one object (receivers' parsers would \
                 disagree on its value)"
            ),
            Self::LoneSurrogate => f.write_str(
                "holds a \\u escape of a lone surrogate (such as \\ud800), which is not text",
            ),
            Self::InvalidEscape => f.write_str("holds an invalid escape"),
        }
    }
}

/// A key of an open object: where its text (between the quotes) is, and whether it has
/// escapes. `start == usize::MAX` marks where an object begins.
#[derive(Clone, Copy)]
struct Key {
    start: usize,
    end: usize,
    escaped: bool,
}

const OBJECT: Key = Key {
    start: usize::MAX,
    end: 0,
    escaped: false,
};

/// Keys kept for reuse at most, so one huge payload does not pin memory on a thread.
const KEEP_KEYS: usize = 4096;

thread_local! {
    static KEYS: RefCell<Vec<Key>> = const { RefCell::new(Vec::new()) };
}

/// Checks JSON text (already parsed once, e.g. as a `RawValue`) for repeated keys and lone
/// surrogates.
pub fn check_unambiguous(json: &str) -> Result<(), AmbiguousJson> {
    KEYS.with(|keys| {
        let mut keys = keys.borrow_mut();
        keys.clear();
        let result = scan(json.as_bytes(), &mut keys);
        if keys.capacity() > KEEP_KEYS {
            *keys = Vec::new();
        }
        result
    })
}

fn scan(bytes: &[u8], keys: &mut Vec<Key>) -> Result<(), AmbiguousJson> {
    let mut at = 0;
    while at < bytes.len() {
        match bytes[at] {
            b'"' => {
                let (end, escaped) = string_end(bytes, at + 1)?;
                let mut next = end + 1;
                while bytes.get(next).is_some_and(u8::is_ascii_whitespace) {
                    next += 1;
                }
                if bytes.get(next) == Some(&b':') {
                    keys.push(Key {
                        start: at + 1,
                        end,
                        escaped,
                    });
                }
                at = end + 1;
            }
            b'{' => {
                keys.push(OBJECT);
                at += 1;
            }
            b'}' => {
                let open = keys
                    .iter()
                    .rposition(|k| k.start == usize::MAX)
                    .ok_or(AmbiguousJson::InvalidEscape)?;
                if keys.len() - open > 2 {
                    repeated_key(bytes, &mut keys[open + 1..])?;
                }
                keys.truncate(open);
                at += 1;
            }
            _ => at += 1,
        }
    }
    Ok(())
}

/// The index of the quote that ends the string whose text starts at `at`, and whether the
/// string has escapes; refuses lone surrogates and escapes JSON does not have.
fn string_end(bytes: &[u8], mut at: usize) -> Result<(usize, bool), AmbiguousJson> {
    let mut escaped = false;
    loop {
        match bytes.get(at) {
            Some(b'"') => return Ok((at, escaped)),
            Some(b'\\') => {
                escaped = true;
                at += match bytes.get(at + 1) {
                    Some(b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't') => 2,
                    Some(b'u') => unicode_escape(bytes, at)?,
                    _ => return Err(AmbiguousJson::InvalidEscape),
                };
            }
            Some(_) => at += 1,
            None => return Err(AmbiguousJson::InvalidEscape),
        }
    }
}

/// The length of the `\uXXXX` escape at `at` (12 for a surrogate pair); a lone surrogate is
/// refused.
fn unicode_escape(bytes: &[u8], at: usize) -> Result<usize, AmbiguousJson> {
    let unit = hex4(bytes, at + 2)?;
    match unit {
        0xD800..=0xDBFF => {
            let low = (bytes.get(at + 6) == Some(&b'\\') && bytes.get(at + 7) == Some(&b'u'))
                .then(|| hex4(bytes, at + 8))
                .transpose()?;
            match low {
                Some(0xDC00..=0xDFFF) => Ok(12),
                _ => Err(AmbiguousJson::LoneSurrogate),
            }
        }
        0xDC00..=0xDFFF => Err(AmbiguousJson::LoneSurrogate),
        _ => Ok(6),
    }
}

fn hex4(bytes: &[u8], at: usize) -> Result<u16, AmbiguousJson> {
    let digits = bytes.get(at..at + 4).ok_or(AmbiguousJson::InvalidEscape)?;
    let text = std::str::from_utf8(digits).map_err(|_| AmbiguousJson::InvalidEscape)?;
    u16::from_str_radix(text, 16).map_err(|_| AmbiguousJson::InvalidEscape)
}

/// Refuses a key that appears twice among `keys` (one object's, at least two).
fn repeated_key(bytes: &[u8], keys: &mut [Key]) -> Result<(), AmbiguousJson> {
    let text = |k: &Key| &bytes[k.start..k.end];
    if keys.iter().any(|k| k.escaped) {
        // Rare: compare what the keys mean, not how they are written.
        let mut decoded: Vec<String> = keys
            .iter()
            .map(|k| {
                let quoted = &bytes[k.start - 1..=k.end];
                serde_json::from_slice(quoted).map_err(|_| AmbiguousJson::InvalidEscape)
            })
            .collect::<Result<_, _>>()?;
        decoded.sort_unstable();
        return match decoded.windows(2).find(|pair| pair[0] == pair[1]) {
            Some(pair) => Err(duplicate(pair[0].as_bytes())),
            None => Ok(()),
        };
    }
    if keys.len() <= 8 {
        for (index, key) in keys.iter().enumerate() {
            if keys[..index]
                .iter()
                .any(|earlier| text(earlier) == text(key))
            {
                return Err(duplicate(text(key)));
            }
        }
        return Ok(());
    }
    keys.sort_unstable_by(|a, b| text(a).cmp(text(b)));
    match keys
        .windows(2)
        .find(|pair| text(&pair[0]) == text(&pair[1]))
    {
        Some(pair) => Err(duplicate(text(&pair[0]))),
        None => Ok(()),
    }
}

/// The refusal, with the key shortened for the message.
fn duplicate(key: &[u8]) -> AmbiguousJson {
    let key = String::from_utf8_lossy(key);
    let shown: String = key.chars().take(64).collect();
    AmbiguousJson::DuplicateKey(if shown.len() < key.len() {
        format!("{shown}…")
    } else {
        shown
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(json: &str) -> Result<(), AmbiguousJson> {
        check_unambiguous(json)
    }

    /// Ordinary data passes: nested objects, the same key in different objects, strings that
    /// look like keys, escapes and surrogate pairs.
    #[test]
    fn ordinary_data_passes() {
        for json in [
            r#"{}"#,
            r#"[]"#,
            r#"5"#,
            r#""text""#,
            r#"{"a": 1, "b": {"a": 2, "b": [{"a": 3}, {"a": 4}]}, "c": "a"}"#,
            r#"{"a": ["a", "a"], "b": "\"a\": 1", "c": "\\"}"#,
            r#"{"emoji": "\ud83d\ude00", "tab": "\t", "é": "\u00e9"}"#,
            r#"{"k0":0,"k1":1,"k2":2,"k3":3,"k4":4,"k5":5,"k6":6,"k7":7,"k8":8,"k9":9}"#,
        ] {
            assert_eq!(check(json), Ok(()), "{json}");
        }
    }

    /// A key twice in one object is refused at any depth and whatever the object's size, also
    /// when one of the two is written with escapes.
    #[test]
    fn a_key_twice_in_one_object_is_refused() {
        let many: String = (0..20).map(|i| format!("\"k{i}\": {i}, ")).collect();
        for (json, key) in [
            (r#"{"amount": 100000, "amount": 5}"#.to_owned(), "amount"),
            (r#"{"a": {"b": [{"c": 1, "c": 2}]}}"#.to_owned(), "c"),
            (format!("{{{many}\"k7\": 0}}"), "k7"),
            (r#"{"a": 1, "\u0061": 2}"#.to_owned(), "a"),
        ] {
            assert_eq!(
                check(&json),
                Err(AmbiguousJson::DuplicateKey(key.to_owned())),
                "{json}"
            );
        }
    }

    /// Lone surrogates are refused, in keys and values, leading or trailing.
    #[test]
    fn lone_surrogates_are_refused() {
        for json in [
            r#"{"a": "\ud800"}"#,
            r#"{"a": "\ud800x"}"#,
            r#"{"a": "\udc00"}"#,
            r#"{"\ud800": 1}"#,
            r#"["\ud800\u0041"]"#,
        ] {
            assert_eq!(check(json), Err(AmbiguousJson::LoneSurrogate), "{json}");
        }
    }

    /// The per-thread stack is left empty for the next check, after a refusal too.
    #[test]
    fn a_refusal_leaves_nothing_behind() {
        assert!(check(r#"{"x": {"a": 1, "a": 2}, "y": 1}"#).is_err());
        assert_eq!(check(r#"{"x": 1, "y": 2}"#), Ok(()));
        assert_eq!(check(r#"{"y": 1}"#), Ok(()));
    }
}
