//! JSON Schemas of the values the API checks, for the OpenAPI document (`#[schema(schema_with =
//! ...)]` on a field, `#[param(schema_with = ...)]` on a query parameter). Each is built from the
//! constants the parsers use, so the document states the limits the server keeps: name
//! patterns, lengths, counts and ranges. A value the schema allows may still be refused for a
//! reason JSON Schema can't say (a filter's syntax, a delay over 7 days): that is a 422 naming
//! the field, as the document says.

use super::paging::{DEFAULT_LIMIT, MAX_LIMIT};
use crate::model::{
    MAX_EVENT_NAME_LEN, MAX_FILTER_BYTES, MAX_HEADER_VALUE_LEN, MAX_HEADERS,
    MAX_IDEMPOTENCY_KEY_LEN, MAX_JSON_PATH_LEN, MAX_RETRIES, MAX_URL_LEN, ORDERING_JSON_PREFIX,
};
use std::ops::RangeInclusive;
use utoipa::openapi::Ref;
use utoipa::openapi::schema::{
    AdditionalProperties, Array, ArrayBuilder, KnownFormat, Object, ObjectBuilder, SchemaFormat,
    SchemaType, Type,
};

/// One segment of an event name.
const SEGMENT: &str = "[A-Za-z0-9_-]+";
/// The most event names or patterns one webhook subscribes to.
pub const MAX_PATTERNS: usize = 100;
/// The most events one batch may carry.
pub const MAX_BATCH: usize = 1000;
/// The longest description of a webhook or event type, in characters.
pub const MAX_DESCRIPTION: usize = 1000;
/// Deliveries per second a webhook may be limited to.
pub const RATE_LIMIT: RangeInclusive<u32> = 1..=10_000;
/// Concurrent requests a webhook may be allowed.
pub const MAX_IN_FLIGHT: RangeInclusive<u32> = 1..=crate::model::MAX_IN_FLIGHT_CEILING;
/// A webhook's per-attempt timeout, in milliseconds.
pub const TIMEOUT_MS: RangeInclusive<u32> = 100..=120_000;

fn string(pattern: Option<String>, max_length: Option<usize>) -> ObjectBuilder {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .pattern(pattern)
        .max_length(max_length)
}

/// `T` or `null`.
fn or_null(builder: ObjectBuilder, of: Type) -> Object {
    builder
        .schema_type(SchemaType::from_iter([of, Type::Null]))
        .build()
}

fn event_name_pattern() -> String {
    format!("^{SEGMENT}(\\.{SEGMENT})*$")
}

/// An event name: segments of letters, digits, `_` and `-`, joined by `.`.
pub fn event_name() -> Object {
    string(Some(event_name_pattern()), Some(MAX_EVENT_NAME_LEN))
        .description(Some("An event name such as `order.created`."))
        .build()
}

/// An event name an application may publish: not one of hookd's own (`webhook.`).
pub fn publishable_event_name() -> Object {
    string(
        Some(format!("^(?!webhook\\.){SEGMENT}(\\.{SEGMENT})*$")),
        Some(MAX_EVENT_NAME_LEN),
    )
    .description(Some(
        "An event name such as `order.created`; names starting with `webhook.` are hookd's own.",
    ))
    .build()
}

/// What a webhook subscribes to: 1 to 100 names, `prefix.*` patterns or `*`.
pub fn event_patterns() -> Array {
    let pattern = string(
        Some(format!("^(\\*|{SEGMENT}(\\.{SEGMENT})*(\\.\\*)?)$")),
        // A prefix pattern is a name and `.*`.
        Some(MAX_EVENT_NAME_LEN + 2),
    );
    ArrayBuilder::new()
        .items(pattern)
        .min_items(Some(1))
        .max_items(Some(MAX_PATTERNS))
        .description(Some(
            "Event names, `prefix.*` patterns (every name under `prefix.`) or `*` (every event).",
        ))
        .build()
}

fn tenant_builder() -> ObjectBuilder {
    string(Some("^[A-Za-z0-9_.-]{1,64}$".to_owned()), Some(64))
        .description(Some("A tenant: 1 to 64 letters, digits, `_`, `.` or `-`."))
}

/// A tenant name.
pub fn tenant() -> Object {
    tenant_builder().build()
}

/// A tenant name or `null` (the default tenant, or the token's own).
pub fn optional_tenant() -> Object {
    or_null(tenant_builder(), Type::String)
}

/// A webhook's URL: absolute http(s), at most 2048 characters.
pub fn webhook_url() -> Object {
    string(None, Some(MAX_URL_LEN))
        .format(Some(SchemaFormat::Custom("uri".to_owned())))
        .description(Some(
            "An absolute `http` or `https` URL without user name, password or fragment, at most \
             2048 characters, whose host the SSRF policy allows.",
        ))
        .build()
}

fn text_builder(max_length: usize) -> ObjectBuilder {
    string(None, Some(max_length))
}

/// A description, or `null` for none.
pub fn description() -> Object {
    let text = "Free text for people, at most 1000 characters.";
    or_null(
        text_builder(MAX_DESCRIPTION).description(Some(text)),
        Type::String,
    )
}

/// A filter expression, or `null` for none.
pub fn filter() -> Object {
    or_null(
        text_builder(MAX_FILTER_BYTES)
            .min_length(Some(1))
            .pattern(Some("\\S"))
            .description(Some(
                "Only events for which this expression is true are delivered, e.g. \
             `data.amount > 100` (at most 1024 bytes).",
            )),
        Type::String,
    )
}

/// A webhook's ordering, or `null` for none.
pub fn ordering() -> Object {
    or_null(
        string(
            Some("^(webhook|json:data(\\.[^.{}]+)*)$".to_owned()),
            Some(ORDERING_JSON_PREFIX.len() + MAX_JSON_PATH_LEN),
        )
        .description(Some(
            "Deliveries in publish order: `webhook` for all of them, or `json:` and a path into \
             the event (`json:data.order_id`) for those with the same value there, each key \
             on its own; `null` (default): any order.",
        )),
        Type::String,
    )
}

fn range(range: RangeInclusive<u32>) -> ObjectBuilder {
    ObjectBuilder::new()
        .minimum(Some(*range.start()))
        .maximum(Some(*range.end()))
}

/// Deliveries per second at most, or `null` for no limit.
pub fn rate_limit() -> Object {
    let text = "Deliveries per second at most; `null` for no limit.";
    or_null(range(RATE_LIMIT).description(Some(text)), Type::Integer)
}

/// Concurrent requests at most, or `null` for the default.
pub fn max_in_flight() -> Object {
    let text = "Concurrent requests to the URL at most (default 10; at most the server's \
                max_in_flight_per_webhook, 100 unless configured).";
    or_null(range(MAX_IN_FLIGHT).description(Some(text)), Type::Integer)
}

/// The per-attempt timeout in milliseconds, or `null` for the default.
pub fn timeout_ms() -> Object {
    let text = "Each attempt's timeout in milliseconds (default 10000).";
    or_null(range(TIMEOUT_MS).description(Some(text)), Type::Integer)
}

/// Delays between attempts, or `null` for the server's default schedule.
pub fn retry_schedule() -> Array {
    ArrayBuilder::new()
        .schema_type(SchemaType::from_iter([Type::Array, Type::Null]))
        .items(string(Some("^[0-9]+[smhd]$".to_owned()), None))
        .max_items(Some(MAX_RETRIES))
        .description(Some(
            "Delays between attempts such as `[\"1m\", \"5m\", \"15m\"]`: each a whole number \
             and one unit `s`, `m`, `h` or `d`, from 1s to 7d; `null` uses the server default.",
        ))
        .build()
}

/// Custom headers: at most 20, names HTTP tokens, values visible ASCII.
pub fn headers() -> Object {
    let value = string(
        Some("^[\\t\\x20-\\x7e]*$".to_owned()),
        Some(MAX_HEADER_VALUE_LEN),
    );
    or_null(
        ObjectBuilder::new()
            .additional_properties(Some(AdditionalProperties::RefOr(value.into())))
            .property_names(Some(string(
                Some("^[A-Za-z0-9!#$%&'*+.^_`|~-]+$".to_owned()),
                None,
            )))
            .max_properties(Some(MAX_HEADERS))
            .description(Some(
                "Extra static headers sent with every delivery; the names hookd sets itself \
                 are refused.",
            )),
        Type::Object,
    )
}

/// A signing secret: for `v1`, `whsec_` and the base64 of 24 to 64 bytes; for `v1a`, `whsk_` and
/// the base64 of an Ed25519 seed (32 bytes) or of the seed and its public key (64 bytes).
pub fn secret() -> Object {
    string(
        Some(
            "^(?:whsec_(?:[A-Za-z0-9+/]{4}){7,21}(?:[A-Za-z0-9+/]{4}|[A-Za-z0-9+/]{3}=|[A-Za-z0-9+/]{2}==)\
             |whsk_(?:[A-Za-z0-9+/]{43}=|[A-Za-z0-9+/]{86}==))$"
                .to_owned(),
        ),
        None,
    )
    .description(Some(
        "Of the webhook's scheme's kind: for `v1`, `whsec_` and the base64 of 24 to 64 bytes; \
         for `v1a`, `whsk_` and the base64 of an Ed25519 seed (32 bytes) or of the seed and \
         its public key (64 bytes).",
    ))
    .build()
}

/// A signing secret or `null` (one is generated).
pub fn optional_secret() -> Object {
    let mut schema = secret();
    schema.schema_type = SchemaType::from_iter([Type::String, Type::Null]);
    schema
}

/// An idempotency key, or `null` for none.
pub fn idempotency_key() -> Object {
    or_null(
        string(
            Some("^[^\\x00-\\x1f\\x7f-\\x9f]+$".to_owned()),
            Some(MAX_IDEMPOTENCY_KEY_LEN),
        )
        .min_length(Some(1))
        .description(Some(
            "The same key again in the tenant returns the first event (200) and stores nothing: \
             1 to 255 bytes without control characters.",
        )),
        Type::String,
    )
}

/// Any JSON value: `data` is sent to receivers exactly as given.
pub fn any_json() -> Object {
    ObjectBuilder::new()
        .schema_type(SchemaType::AnyValue)
        .description(Some("Any JSON value, sent to receivers exactly as given."))
        .build()
}

/// The longest name of a tenant token, in characters.
pub const MAX_TOKEN_NAME: usize = 200;

/// What a tenant token is for: 1 to 200 characters, not only blanks.
pub fn token_name() -> Object {
    string(Some("\\S".to_owned()), Some(MAX_TOKEN_NAME))
        .min_length(Some(1))
        .description(Some("What the token is for, e.g. the customer's name."))
        .build()
}

/// A JSON Schema (an object, `true` or `false`), or `null` for none.
pub fn json_schema() -> Object {
    ObjectBuilder::new()
        .schema_type(SchemaType::from_iter([
            Type::Object,
            Type::Boolean,
            Type::Null,
        ]))
        .description(Some(
            "A JSON Schema that every event's `data` must satisfy, or `null` for none.",
        ))
        .build()
}

/// The events of a batch: 1 to 1000.
pub fn batch_events() -> Array {
    ArrayBuilder::new()
        .items(Ref::from_schema_name("EventIn"))
        .min_items(Some(1))
        .max_items(Some(MAX_BATCH))
        .description(Some("1 to 1000 events, stored all or nothing."))
        .build()
}

/// A page's length: 1 to 250, 50 when omitted.
pub fn limit() -> Object {
    ObjectBuilder::new()
        .schema_type(Type::Integer)
        .minimum(Some(1))
        .maximum(Some(MAX_LIMIT))
        .default(Some(DEFAULT_LIMIT.into()))
        .description(Some("How many items per page: 1 to 250 (default 50)."))
        .build()
}

/// What became of an attempt.
pub fn attempt_status() -> Object {
    string(None, None)
        .enum_values(Some(["succeeded", "failed"]))
        .build()
}

/// What became of a delivery.
pub fn delivery_status() -> Object {
    string(None, None)
        .enum_values(Some(["pending", "succeeded", "failed", "cancelled"]))
        .build()
}

/// The only status a bulk retry takes.
pub fn failed_status() -> Object {
    string(None, None)
        .enum_values(Some(["failed"]))
        .description(Some(
            "Only failed deliveries are retried in bulk (default `failed`).",
        ))
        .build()
}

/// An RFC 3339 time in UTC, from 1970 on, with or without fractional seconds (and, as the
/// parser reads it, with a space for `T`, `+00:00` for `Z`, or no offset at all).
pub fn timestamp() -> Object {
    let pattern = "^(19[7-9][0-9]|[2-9][0-9]{3})-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]+)?(Z|\\+00:00)?$";
    string(Some(pattern.to_owned()), None)
        .format(Some(SchemaFormat::KnownFormat(KnownFormat::DateTime)))
        .description(Some(
            "An RFC 3339 time in UTC, such as `2026-11-22T10:30:00Z`.",
        ))
        .build()
}

/// The characters of a ULID, the part of an id after its prefix (either case).
const ULID: &str = "[0-9A-HJKMNP-TV-Za-hjkmnp-tv-z]{26}";

fn id_builder(prefix: &str) -> ObjectBuilder {
    string(Some(format!("^{prefix}{ULID}$")), None)
}

/// A webhook id.
pub fn webhook_id() -> Object {
    id_builder("wh_").build()
}

/// Webhook ids, or `null` for every subscriber.
pub fn webhook_ids() -> Array {
    ArrayBuilder::new()
        .schema_type(SchemaType::from_iter([Type::Array, Type::Null]))
        .items(webhook_id())
        .description(Some(
            "Deliver only to these webhooks (among those subscribed); `null` for every subscriber.",
        ))
        .build()
}

/// An event id.
pub fn event_id() -> Object {
    id_builder("evt_").build()
}

fn cursor(prefix: &str) -> Object {
    id_builder(prefix)
        .description(Some("The `next_cursor` of the previous page."))
        .build()
}

/// The cursor of the webhook list.
pub fn webhook_cursor() -> Object {
    cursor("wh_")
}

/// The cursor of the delivery list.
pub fn delivery_cursor() -> Object {
    cursor("dlv_")
}

/// The cursor of the event list.
pub fn event_cursor() -> Object {
    cursor("evt_")
}

/// The cursor of the token list.
pub fn token_cursor() -> Object {
    cursor("tok_")
}

/// The cursor of a webhook's attempt log.
pub fn attempt_cursor() -> Object {
    cursor("att_")
}

/// The cursor of the audit log.
pub fn audit_cursor() -> Object {
    cursor("aud_")
}

/// An action of the audit log.
pub fn audit_action() -> Object {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .enum_values(Some(
            crate::model::AuditAction::ALL
                .iter()
                .map(|action| action.as_str()),
        ))
        .build()
}

/// Who made a change: `admin`, `command_line` or a token id.
pub fn audit_actor() -> Object {
    string(Some(format!("^(admin|command_line|tok_{ULID})$")), None).build()
}

/// A statistics window: a duration from 1m to 30d, such as `1h`, `24h` or `7d`.
pub fn window() -> Object {
    string(Some("^ *([0-9]+ *[a-zA-Zµ]+ *)+$".to_owned()), None)
        .default(Some("24h".into()))
        .description(Some(
            "How far back: a duration from 1m to 30d, such as `1h`, `24h` or `7d` (default 24h).",
        ))
        .build()
}

#[cfg(test)]
pub(crate) mod tests;
