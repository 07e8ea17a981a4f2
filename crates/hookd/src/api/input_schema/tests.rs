//! The document's schemas accept what the parsers accept: each sample is checked by the JSON
//! Schema (as a client validating against `/openapi.json` would) and by the parser the server
//! runs, and the two must agree. `model/proptests.rs` does the same with generated text.

use super::*;
use crate::model::{EventName, EventPattern, RetrySchedule, Tenant};
use serde_json::{Value, json};

/// Whether `schema` accepts `instance`.
pub(crate) fn accepts(schema: impl serde::Serialize, instance: &Value) -> bool {
    let schema = serde_json::to_value(schema).expect("a schema encodes");
    jsonschema::validator_for(&schema)
        .expect("a valid JSON Schema")
        .is_valid(instance)
}

/// The pattern of an array's items, as a schema of its own.
pub(crate) fn items_of(array: Array) -> Value {
    serde_json::to_value(array).expect("encodes")["items"].clone()
}

const NAMES: &[&str] = &[
    "order.created",
    "a",
    "A-1_b.c-2",
    "webhook.ping",
    "webhook",
    "webhooks.x",
    "x.webhook.y",
    "",
    ".a",
    "a.",
    "a..b",
    "a b",
    "a.*",
    "*",
    "é",
    "a/b",
    "a\n",
];

/// An event name matches the schema exactly when `EventName::parse` takes it, and a
/// publishable one when it is also not hookd's own.
#[test]
fn event_name_schemas_agree_with_the_parser() {
    let long = "a".repeat(MAX_EVENT_NAME_LEN);
    let too_long = "a".repeat(MAX_EVENT_NAME_LEN + 1);
    for name in NAMES
        .iter()
        .copied()
        .chain([long.as_str(), too_long.as_str()])
    {
        let parsed = EventName::parse(name);
        assert_eq!(
            accepts(event_name(), &json!(name)),
            parsed.is_ok(),
            "{name:?}"
        );
        let publishable = parsed.is_ok_and(|n| !n.is_reserved());
        assert_eq!(
            accepts(publishable_event_name(), &json!(name)),
            publishable,
            "{name:?}"
        );
    }
}

/// A subscription pattern matches the schema exactly when `EventPattern::parse` takes it, and
/// a list of them holds 1 to 100.
#[test]
fn event_pattern_schemas_agree_with_the_parser() {
    let long_prefix = format!("{}.*", "a".repeat(MAX_EVENT_NAME_LEN));
    let samples = NAMES.iter().copied().chain([
        "order.*",
        "*.a",
        "a.*.b",
        "a*",
        ".*",
        "**",
        long_prefix.as_str(),
    ]);
    let item = items_of(event_patterns());
    for text in samples {
        let parsed = EventPattern::parse(text).is_ok();
        assert_eq!(accepts(&item, &json!(text)), parsed, "{text:?}");
    }
    assert!(!accepts(event_patterns(), &json!([])));
    assert!(accepts(event_patterns(), &json!(vec!["a"; MAX_PATTERNS])));
    assert!(!accepts(
        event_patterns(),
        &json!(vec!["a"; MAX_PATTERNS + 1])
    ));
}

/// A tenant matches the schema exactly when `Tenant::parse` takes it.
#[test]
fn tenant_schema_agrees_with_the_parser() {
    let longest = "t".repeat(64);
    let too_long = "t".repeat(65);
    for text in [
        "default",
        "acme.eu-1_x",
        "",
        "a b",
        "é",
        "a/b",
        &longest,
        &too_long,
    ] {
        assert_eq!(
            accepts(tenant(), &json!(text)),
            Tenant::parse(text).is_ok(),
            "{text:?}"
        );
    }
    assert!(accepts(optional_tenant(), &Value::Null));
}

/// A delay matches the schema exactly when it has the syntax `RetrySchedule` reads (its range,
/// 1s to 7d, is the parser's alone), and a schedule holds at most 20.
#[test]
fn retry_schedule_schema_agrees_with_the_parser_on_syntax() {
    let item = items_of(retry_schedule());
    for text in [
        "1s", "30s", "5m", "2h", "7d", "0s", "8d", "1m 5m", "1 minute", "1.5m", "m", "", "-1m",
        "1M", "1h30m",
    ] {
        let syntax_ok = !matches!(
            RetrySchedule::parse(&[text]),
            Err((
                _,
                crate::model::InvalidSchedule::Unparseable(_)
                    | crate::model::InvalidSchedule::SeveralInOne(_)
            ))
        );
        assert_eq!(accepts(&item, &json!(text)), syntax_ok, "{text:?}");
    }
    assert!(accepts(retry_schedule(), &Value::Null));
    assert!(!accepts(
        retry_schedule(),
        &json!(vec!["1m"; MAX_RETRIES + 1])
    ));
}

/// The secret's pattern takes generated secrets and refuses other prefixes and short keys.
#[test]
fn secret_schema_takes_what_hookd_generates() {
    for _ in 0..20 {
        let generated = crate::model::WebhookSecret::generate();
        assert!(accepts(secret(), &json!(generated.expose())));
    }
    for bad in [
        "whsec_",
        "secret",
        "whsec_c2hvcnQ=",
        "whsk_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
    ] {
        assert!(!accepts(secret(), &json!(bad)), "{bad}");
    }
}

/// `data` may be any JSON value; a page's limit is 1 to 250.
#[test]
fn data_is_any_value_and_limits_are_bounded() {
    for data in [
        json!({}),
        json!([1]),
        json!("x"),
        json!(1),
        json!(null),
        json!(true),
    ] {
        assert!(accepts(any_json(), &data), "{data}");
    }
    assert!(accepts(limit(), &json!(1)) && accepts(limit(), &json!(MAX_LIMIT)));
    assert!(!accepts(limit(), &json!(0)) && !accepts(limit(), &json!(MAX_LIMIT + 1)));
}

/// A time the schema accepts is one `Timestamp::parse` reads (offsets other than UTC, and
/// times before 1970, are refused by both).
#[test]
fn timestamp_schema_accepts_only_what_the_parser_reads() {
    for text in [
        "2026-11-22T10:30:00Z",
        "2026-11-22T10:30:00.123Z",
        "1970-01-01T00:00:00Z",
        "2026-11-22T10:30:00.123456789Z",
        "2026-11-22T10:30:00+00:00",
        "2026-11-22 10:30:00",
    ] {
        assert!(accepts(timestamp(), &json!(text)), "{text}");
        assert!(crate::model::Timestamp::parse(text).is_ok(), "{text}");
    }
    for text in [
        "2026-11-22T10:30:00+01:00",
        "1969-12-31T23:59:59Z",
        "0072-07-26T09:36:02.088+00:18",
        "2026-11-22T10:30:00-05:00",
        "yesterday",
    ] {
        assert!(!accepts(timestamp(), &json!(text)), "{text}");
        assert!(crate::model::Timestamp::parse(text).is_err(), "{text}");
    }
}

/// Ids and cursors match the schema exactly when the id parser takes them.
#[test]
fn id_schemas_agree_with_the_parsers() {
    use crate::model::{EventId, WebhookId};
    let webhook = WebhookId::new().to_string();
    let event = EventId::new().to_string();
    let lower = webhook.to_lowercase();
    for text in [
        webhook.as_str(),
        event.as_str(),
        lower.as_str(),
        "wh_",
        "wh_0",
        "",
        "wh_01M8KSWSEBG3XG5K20ERE9KXAU",
    ] {
        assert_eq!(
            accepts(webhook_id(), &json!(text)),
            WebhookId::parse(text).is_ok(),
            "{text}"
        );
        assert_eq!(
            accepts(event_id(), &json!(text)),
            EventId::parse(text).is_ok(),
            "{text}"
        );
        assert_eq!(
            accepts(webhook_cursor(), &json!(text)),
            WebhookId::parse(text).is_ok(),
            "{text}"
        );
    }
}

mod generated {
    //! The same agreement over generated text near each syntax: its own characters, its
    //! separators, the characters just outside it.
    use super::*;
    use proptest::prelude::*;

    fn config() -> ProptestConfig {
        ProptestConfig {
            cases: 256,
            ..ProptestConfig::default()
        }
    }

    proptest! {
        #![proptest_config(config())]

        /// The document's event name, publishable name and pattern schemas accept exactly what
        /// the parsers accept.
        #[test]
        fn name_schemas_agree_with_the_parsers(
            text in prop_oneof!["[a-cw.*_ -]{0,12}", "(webhook)?[.a-z*]{0,8}", ".{0,10}"]
        ) {
            let parsed = EventName::parse(&text);
            prop_assert_eq!(accepts(event_name(), &json!(text)), parsed.is_ok());
            prop_assert_eq!(
                accepts(publishable_event_name(), &json!(text)),
                parsed.is_ok_and(|n| !n.is_reserved())
            );
            prop_assert_eq!(
                accepts(items_of(event_patterns()), &json!(text)),
                EventPattern::parse(&text).is_ok()
            );
        }

        /// The ordering schema accepts exactly what `Ordering::parse` accepts.
        #[test]
        fn the_ordering_schema_agrees_with_the_parser(
            text in prop_oneof!["(webhook|json:(data)?)[a-d.{}]{0,8}", "json:data[.a]{0,210}"]
        ) {
            prop_assert_eq!(
                accepts(ordering(), &json!(text)),
                crate::model::Ordering::parse(&text).is_ok()
            );
        }

        /// The tenant schema accepts exactly what `Tenant::parse` accepts.
        #[test]
        fn the_tenant_schema_agrees_with_the_parser(text in prop_oneof!["[a-c._ /-]{0,70}", ".{0,10}"]) {
            prop_assert_eq!(accepts(tenant(), &json!(text)), Tenant::parse(&text).is_ok());
        }
    }
}
