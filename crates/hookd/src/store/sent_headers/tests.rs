//! What is stored reads back as what was sent, whatever the row's other fields say.

use super::*;
use crate::model::*;
use proptest::prelude::*;

fn attempt(number: u32, request_headers: Vec<(String, String)>) -> Attempt {
    Attempt {
        id: AttemptId::new(),
        delivery_id: DeliveryId::new(),
        webhook_id: WebhookId::new(),
        event_id: EventId::new(),
        tenant: Tenant::default_tenant(),
        event_type: EventName::parse("order.created").unwrap(),
        attempt: number,
        status: AttemptStatus::Succeeded,
        response_code: Some(200),
        response_body: None,
        error: None,
        duration_ms: 3,
        request_headers,
        response_headers: Vec::new(),
        created_at: Timestamp::from_millis(1_764_500_000_123),
    }
}

fn pair(name: &str, value: &str) -> (String, String) {
    (name.to_owned(), value.to_owned())
}

/// The headers hookd sends for `attempt`, as the attempt log keeps them.
fn as_sent(attempt: &Attempt) -> Vec<(String, String)> {
    let seconds = attempt.created_at.as_unix_seconds().to_string();
    vec![
        pair("content-type", "application/json"),
        pair("user-agent", "hookd/0.1.0"),
        pair("webhook-id", attempt.event_id.as_str()),
        pair("webhook-timestamp", &seconds),
        pair(
            "webhook-signature",
            "v1,K5oZfzN95Z9UVu1EsfQmfVNQhnkZ2pj9o9NDN/H/pI4=",
        ),
        pair("x-webhook-event", attempt.event_type.as_str()),
        pair("x-webhook-id", attempt.event_id.as_str()),
        pair("x-webhook-delivery", attempt.delivery_id.as_str()),
        pair("x-webhook-attempt", &attempt.attempt.to_string()),
        pair("x-webhook-timestamp", &seconds),
        pair("x-api-key", "***"),
        pair(
            "traceparent",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
        ),
    ]
}

#[test]
fn a_delivery_s_headers_read_back_as_sent_in_under_half_the_bytes() {
    let mut logged = attempt(1, Vec::new());
    logged.request_headers = as_sent(&logged);
    let stored = encode(&logged);
    assert_eq!(decode(&stored, &logged).unwrap(), logged.request_headers);
    let as_pairs = crate::store::record::encode_headers(&logged.request_headers);
    assert!(
        stored.len() * 2 < as_pairs.len(),
        "{} bytes stored against {} as pairs: {stored}",
        stored.len(),
        as_pairs.len()
    );
}

/// A header is stored as a number only when the row gives exactly its value.
#[test]
fn a_value_the_row_does_not_give_is_stored_as_sent() {
    let mut logged = attempt(1, Vec::new());
    logged.request_headers = vec![
        pair("content-type", "text/xml; charset=utf-8"),
        pair("webhook-id", "msg_from_elsewhere"),
        pair("x-webhook-attempt", "7"),
        pair("webhook-timestamp", "1"),
    ];
    let stored = encode(&logged);
    assert!(!stored.contains("[0") && !stored.contains(",0"), "{stored}");
    assert_eq!(decode(&stored, &logged).unwrap(), logged.request_headers);
}

/// Attempts logged before headers were stored as numbers hold `[name, value]` pairs only.
#[test]
fn rows_written_as_pairs_read_unchanged() {
    let logged = attempt(2, Vec::new());
    let stored = r#"[["content-type","application/json"],["x-webhook-attempt","2"]]"#;
    assert_eq!(
        decode(stored, &logged).unwrap(),
        [
            pair("content-type", "application/json"),
            pair("x-webhook-attempt", "2")
        ]
    );
}

#[test]
fn a_number_no_header_has_is_corrupt() {
    let logged = attempt(1, Vec::new());
    let past_the_end = format!("[{}]", DERIVED.len());
    assert_eq!(
        decode(&past_the_end, &logged),
        Err(Corrupt("request_headers"))
    );
    assert_eq!(decode("[[1]]", &logged), Err(Corrupt("request_headers")));
}

/// The same row every time, so the generated headers and the check agree on its fields.
fn fixed_attempt() -> Attempt {
    Attempt {
        id: AttemptId::from_trusted("att_01KB0000000000000000000000".into()),
        delivery_id: DeliveryId::from_trusted("dlv_01KB0000000000000000000000".into()),
        event_id: EventId::from_trusted("evt_01KB0000000000000000000000".into()),
        ..attempt(3, Vec::new())
    }
}

/// A name, derived or not, with a value that is sometimes the row's and sometimes not.
fn header() -> impl Strategy<Value = (String, String)> {
    let names = prop::sample::select(vec![
        "content-type",
        "webhook-id",
        "webhook-timestamp",
        "x-webhook-event",
        "x-webhook-id",
        "x-webhook-delivery",
        "x-webhook-attempt",
        "x-webhook-timestamp",
        "user-agent",
        "x-custom",
    ]);
    (names, any::<bool>(), ".{0,40}").prop_map(|(name, from_row, other)| {
        let value = match DERIVED.iter().find(|(derived, _)| *derived == name) {
            Some((_, source)) if from_row => value_of(*source, &fixed_attempt()).into_owned(),
            _ => other,
        };
        (name.to_owned(), value)
    })
}

proptest! {
    #[test]
    fn any_headers_read_back_as_sent(headers in prop::collection::vec(header(), 0..16)) {
        let logged = Attempt { request_headers: headers, ..fixed_attempt() };
        prop_assert_eq!(decode(&encode(&logged), &logged).unwrap(), logged.request_headers);
    }
}
