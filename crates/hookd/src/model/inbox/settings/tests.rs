use super::*;
use serde_json::json;

fn parse(value: Value) -> Result<InboxSettings, Vec<FieldError>> {
    InboxSettings::from_json(value.as_object().unwrap(), false)
}

fn fields(value: Value) -> Vec<String> {
    parse(value)
        .unwrap_err()
        .into_iter()
        .map(|e| e.field)
        .collect()
}

/// Absent fields take the documented defaults; the provider's event name is the default type.
#[test]
fn defaults_follow_the_scheme() {
    let settings = parse(json!({"verify": {"scheme": "stripe"}})).unwrap();
    assert_eq!(settings.event_type.as_str(), "stripe.{json:type}");
    assert_eq!(settings.tolerance, DEFAULT_TOLERANCE);
    assert_eq!(settings.dedupe_key, DedupeKey::Auto);
    assert_eq!(settings.dedupe_window, DEFAULT_DEDUPE_WINDOW);
    assert_eq!(settings.max_body_bytes, DEFAULT_MAX_BODY_BYTES);
    assert_eq!(settings.response.status, 200);
    let playground = InboxSettings::from_json(&Map::new(), true).unwrap();
    assert_eq!(playground.scheme, Scheme::None);
}

/// Settings written out read back the same.
#[test]
fn settings_round_trip_through_json() {
    let settings = parse(json!({
        "verify": {"scheme": "hmac", "header": "X-Sig", "algorithm": "sha512", "encoding": "base64", "prefix": "v=", "tolerance": "90s"},
        "dedupe": {"key": "json:data.id", "window": "2h"},
        "allowed_ips": ["203.0.113.7/24", "2001:db8::1"],
        "rate_limit": 5, "max_body_bytes": 2048, "event_type": "acme.{header:X-Kind}",
        "response": {"status": 202, "body": "thanks"}
    }))
    .unwrap();
    let written = settings.to_json();
    assert_eq!(
        written["allowed_ips"],
        json!(["203.0.113.0/24", "2001:db8::1/128"])
    );
    assert_eq!(written["verify"]["tolerance"], "90s");
    assert_eq!(
        written["response"]["content_type"],
        "text/plain; charset=utf-8"
    );
    assert_eq!(parse(written).unwrap(), settings);
}

/// Each bad field is named, all at once.
#[test]
fn every_bad_field_is_named() {
    assert_eq!(
        fields(json!({"verify": {"scheme": "rot13"}})),
        ["verify.scheme"]
    );
    assert_eq!(fields(json!({})), ["verify.scheme"]);
    assert_eq!(
        fields(json!({"verify": {"scheme": 7}})),
        ["verify.scheme"],
        "a scheme of the wrong type is not also missing"
    );
    assert_eq!(
        fields(
            json!({"verify": {"scheme": "none"}, "allowed_ips": ["10.0.0.0/33", "x"],
                      "response": {"status": 302}, "event_type": "a..b", "rate_limit": 0,
                      "dedupe": {"key": "cookie", "window": "1 week"}})
        ),
        [
            "dedupe.key",
            "dedupe.window",
            "allowed_ips[0]",
            "allowed_ips[1]",
            "rate_limit",
            "event_type",
            "response.status"
        ]
    );
    assert_eq!(
        fields(json!({"verify": {"scheme": "hmac"}})),
        ["verify.header"]
    );
    assert_eq!(
        fields(json!({"verify": {"scheme": "none", "tolerance": "0s"}})),
        ["verify.tolerance"]
    );
    assert_eq!(
        fields(json!({"verify": "standard"})),
        ["verify", "verify.scheme"]
    );
}

/// A failure status is a playground's only: it shows a sender's retries; a real inbox that
/// stored a request must not make its sender send it again.
#[test]
fn only_a_playground_answers_a_failure_status() {
    let failing = json!({"verify": {"scheme": "none"}, "response": {"status": 500}});
    let failing = failing.as_object().unwrap();
    let playground = InboxSettings::from_json(failing, true).unwrap();
    assert_eq!(playground.response.status, 500);
    assert_eq!(fields(Value::Object(failing.clone())), ["response.status"]);
    for status in [199, 302, 600] {
        let document = json!({"response": {"status": status}});
        assert!(
            InboxSettings::from_json(document.as_object().unwrap(), true).is_err(),
            "{status}"
        );
    }
}
