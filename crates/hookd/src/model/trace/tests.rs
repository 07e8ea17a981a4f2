//! `traceparent` and `tracestate` as the W3C recommendation's receivers must read them.

use super::*;

const VALID: &str = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

/// A version-00 `traceparent` is read field by field and written back unchanged.
#[test]
fn a_valid_traceparent_round_trips() {
    let parent = TraceParent::parse(VALID).unwrap();
    assert_eq!(
        hex::encode(parent.trace_id()),
        "4bf92f3577b34da6a3ce929d0e0e4736"
    );
    assert_eq!(hex::encode(parent.parent_id()), "00f067aa0ba902b7");
    assert!(parent.sampled());
    assert_eq!(parent.to_string(), VALID);
}

/// Every malformed value is refused: wrong length, upper case, version ff, all-zero ids,
/// missing dashes, extra text after a version-00 value.
#[test]
fn malformed_traceparents_are_refused() {
    for text in [
        "",
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7",
        "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",
        "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
        "00-00000000000000000000000000000000-00f067aa0ba902b7-01",
        "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",
        "00_4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra",
        "0g-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
        "00-4bf92f3577b34da6a3ce929d0e0e473x-00f067aa0ba902b7-01",
    ] {
        assert!(TraceParent::parse(text).is_err(), "{text:?} was accepted");
    }
}

/// A later version is read by its first four fields; what follows a dash is ignored, and it is
/// passed on as version 00 with only the sampled flag.
#[test]
fn a_later_version_is_read_by_its_known_fields() {
    let parent =
        TraceParent::parse("cc-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-03-what-next")
            .unwrap();
    assert_eq!(
        parent.to_string(),
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
    );
    assert!(
        TraceParent::parse("cc-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01x").is_err()
    );
}

/// A child keeps the trace id and flags and takes the new span id.
#[test]
fn a_child_keeps_the_trace_and_takes_the_span() {
    let child = TraceParent::parse(VALID)
        .unwrap()
        .child([1, 2, 3, 4, 5, 6, 7, 8]);
    assert_eq!(
        child.to_string(),
        "00-4bf92f3577b34da6a3ce929d0e0e4736-0102030405060708-01"
    );
}

/// `tracestate` comes along only with a valid `traceparent`; an invalid one is dropped while
/// the `traceparent` is kept; whitespace and empty members are taken out.
#[test]
fn tracestate_is_kept_only_when_valid() {
    let with = |state| {
        TraceContext::from_headers(Some(VALID), Some(state))
            .unwrap()
            .state
    };
    assert_eq!(
        with("rojo=00f067aa0ba902b7 ,, congo=t61rcWkgMzE, tenant@vendor=x").as_deref(),
        Some("rojo=00f067aa0ba902b7,congo=t61rcWkgMzE,tenant@vendor=x")
    );
    assert_eq!(with("Rojo=1"), None, "upper-case key");
    assert_eq!(with("rojo=1,rojo=2"), None, "repeated key");
    assert_eq!(with("rojo"), None, "no value");
    assert_eq!(with("rojo=a,b"), None, "member without =");
    let many: Vec<String> = (0..33).map(|i| format!("k{i}=v")).collect();
    assert_eq!(with(&many.join(",")), None, "33 members");
    assert_eq!(
        TraceContext::from_headers(Some("nonsense"), Some("rojo=1")),
        None
    );
    assert_eq!(TraceContext::from_headers(None, Some("rojo=1")), None);
}
