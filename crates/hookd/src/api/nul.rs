//! No NUL in text: every string of every JSON body and query string is checked for U+0000 as it
//! is parsed, so each input type gets the rule without a check of its own.
//!
//! Why: PostgreSQL's `text` cannot hold NUL (the write fails, which would be a 500) while SQLite
//! stores it; rather than answer differently per backend, NUL is refused at the edge with a 422
//! naming the field. `NoNul` wraps any serde `Deserializer` (serde_json's, serde_urlencoded's)
//! and refuses a string or key holding NUL; `serde_path_to_error` around it names the field.
//! Opaque JSON kept as `RawValue` (event `data`) reaches its visitor as raw text, escapes
//! included, so data is stored and forwarded exactly as sent; a `\u0000` in it is harmless.

use serde::de::{self, DeserializeSeed, Deserializer, Visitor};
use std::fmt;

/// The message of the refusal, also how `extract` recognises it.
pub const NUL_MESSAGE: &str = "must not contain the NUL character (U+0000)";

/// A deserializer whose strings may not hold NUL.
pub struct NoNul<D>(pub D);

fn check<E: de::Error>(text: &str) -> Result<(), E> {
    if text.as_bytes().contains(&0) {
        Err(E::custom(NUL_MESSAGE))
    } else {
        Ok(())
    }
}

macro_rules! forward {
    ($($method:ident)*) => {$(
        fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, D::Error> {
            self.0.$method(Checked(visitor))
        }
    )*};
}

impl<'de, D: Deserializer<'de>> Deserializer<'de> for NoNul<D> {
    type Error = D::Error;

    forward! {
        deserialize_any deserialize_bool deserialize_i8 deserialize_i16 deserialize_i32
        deserialize_i64 deserialize_i128 deserialize_u8 deserialize_u16 deserialize_u32
        deserialize_u64 deserialize_u128 deserialize_f32 deserialize_f64 deserialize_char
        deserialize_str deserialize_string deserialize_bytes deserialize_byte_buf
        deserialize_option deserialize_unit deserialize_seq deserialize_map
        deserialize_identifier deserialize_ignored_any
    }

    fn deserialize_unit_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        self.0.deserialize_unit_struct(name, Checked(visitor))
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        self.0.deserialize_newtype_struct(name, Checked(visitor))
    }

    fn deserialize_tuple<V: Visitor<'de>>(
        self,
        len: usize,
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        self.0.deserialize_tuple(len, Checked(visitor))
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        len: usize,
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        self.0.deserialize_tuple_struct(name, len, Checked(visitor))
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        self.0.deserialize_struct(name, fields, Checked(visitor))
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        name: &'static str,
        variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        // A variant is a fixed name: one holding NUL is unknown anyway.
        self.0.deserialize_enum(name, variants, visitor)
    }

    fn is_human_readable(&self) -> bool {
        self.0.is_human_readable()
    }
}

/// A visitor that checks the strings it is given and wraps what holds more of them.
struct Checked<V>(V);

impl<'de, V: Visitor<'de>> Visitor<'de> for Checked<V> {
    type Value = V::Value;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        self.0.expecting(f)
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<V::Value, E> {
        check(v)?;
        self.0.visit_str(v)
    }

    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<V::Value, E> {
        check(v)?;
        self.0.visit_borrowed_str(v)
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<V::Value, E> {
        check(&v)?;
        self.0.visit_string(v)
    }

    fn visit_char<E: de::Error>(self, v: char) -> Result<V::Value, E> {
        check(v.encode_utf8(&mut [0; 4]))?;
        self.0.visit_char(v)
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<V::Value, E> {
        self.0.visit_bool(v)
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<V::Value, E> {
        self.0.visit_i64(v)
    }

    fn visit_i128<E: de::Error>(self, v: i128) -> Result<V::Value, E> {
        self.0.visit_i128(v)
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<V::Value, E> {
        self.0.visit_u64(v)
    }

    fn visit_u128<E: de::Error>(self, v: u128) -> Result<V::Value, E> {
        self.0.visit_u128(v)
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<V::Value, E> {
        self.0.visit_f64(v)
    }

    fn visit_bytes<E: de::Error>(self, v: &[u8]) -> Result<V::Value, E> {
        self.0.visit_bytes(v)
    }

    fn visit_borrowed_bytes<E: de::Error>(self, v: &'de [u8]) -> Result<V::Value, E> {
        self.0.visit_borrowed_bytes(v)
    }

    fn visit_byte_buf<E: de::Error>(self, v: Vec<u8>) -> Result<V::Value, E> {
        self.0.visit_byte_buf(v)
    }

    fn visit_none<E: de::Error>(self) -> Result<V::Value, E> {
        self.0.visit_none()
    }

    fn visit_unit<E: de::Error>(self) -> Result<V::Value, E> {
        self.0.visit_unit()
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<V::Value, D::Error> {
        self.0.visit_some(NoNul(d))
    }

    fn visit_newtype_struct<D: Deserializer<'de>>(self, d: D) -> Result<V::Value, D::Error> {
        self.0.visit_newtype_struct(NoNul(d))
    }

    fn visit_seq<A: de::SeqAccess<'de>>(self, seq: A) -> Result<V::Value, A::Error> {
        self.0.visit_seq(Checked(seq))
    }

    fn visit_map<A: de::MapAccess<'de>>(self, map: A) -> Result<V::Value, A::Error> {
        self.0.visit_map(Checked(map))
    }

    fn visit_enum<A: de::EnumAccess<'de>>(self, data: A) -> Result<V::Value, A::Error> {
        self.0.visit_enum(data)
    }
}

impl<'de, A: de::SeqAccess<'de>> de::SeqAccess<'de> for Checked<A> {
    type Error = A::Error;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, A::Error> {
        self.0.next_element_seed(Checked(seed))
    }

    fn size_hint(&self) -> Option<usize> {
        self.0.size_hint()
    }
}

impl<'de, A: de::MapAccess<'de>> de::MapAccess<'de> for Checked<A> {
    type Error = A::Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, A::Error> {
        self.0.next_key_seed(Checked(seed))
    }

    fn next_value_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> Result<T::Value, A::Error> {
        self.0.next_value_seed(Checked(seed))
    }

    fn size_hint(&self) -> Option<usize> {
        self.0.size_hint()
    }
}

impl<'de, T: DeserializeSeed<'de>> DeserializeSeed<'de> for Checked<T> {
    type Value = T::Value;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<T::Value, D::Error> {
        self.0.deserialize(NoNul(d))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;
    use serde_json::value::RawValue;
    use std::collections::BTreeMap;

    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Input {
        name: String,
        tags: Option<Vec<String>>,
        headers: Option<BTreeMap<String, String>>,
        data: Option<Box<RawValue>>,
    }

    fn parse(json: &str) -> Result<Input, String> {
        let mut deserializer = serde_json::Deserializer::from_str(json);
        serde_path_to_error::deserialize(NoNul(&mut deserializer))
            .map_err(|e| format!("{} {}", e.path(), e.inner()))
    }

    /// NUL is refused wherever text is: a field, a list item, a map key or value, each named.
    #[test]
    fn nul_is_refused_in_every_string_with_its_place() {
        assert!(
            parse(r#"{"name": "a\u0000b"}"#)
                .unwrap_err()
                .starts_with("name must not")
        );
        let error = parse(r#"{"name": "a", "tags": ["x", "\u0000"]}"#).unwrap_err();
        assert!(error.starts_with("tags[1] must not"), "{error}");
        let error = parse(r#"{"name": "a", "headers": {"k": "v\u0000"}}"#).unwrap_err();
        assert!(error.starts_with("headers.k must not"), "{error}");
        let error = parse(r#"{"name": "a", "headers": {"k\u0000": "v"}}"#).unwrap_err();
        assert!(error.contains(NUL_MESSAGE), "{error}");
    }

    /// Text without NUL, and opaque data with an escaped NUL, pass unchanged.
    #[test]
    fn other_text_and_raw_data_pass_unchanged() {
        let input = parse(r#"{"name": "a\u0001b", "data": {"k": "x\u0000y"}}"#).unwrap();
        assert_eq!(input.name, "a\u{1}b");
        assert_eq!(input.data.unwrap().get(), r#"{"k": "x\u0000y"}"#);
    }
}
