//! Parse errors, limits, and robustness of the filter language.

use super::tests::*;
use super::*;
use serde_json::json;

/// Bad input is rejected with a message and the 0-based character position of the problem.
#[test]
fn parse_errors_report_message_and_position() {
    let cases: &[(&str, usize, &str)] = &[
        ("", 0, "filter is empty"),
        ("   \t\n", 0, "filter is empty"),
        (
            "payload.amount > 1",
            0,
            "unknown root 'payload': paths start with type, tenant or data",
        ),
        ("data.a == 1 && foo", 15, "unknown root 'foo'"),
        (r#"data.name == "abc"#, 13, "unterminated string"),
        (r#"data.name == "abc\"#, 13, "unterminated string"),
        ("data.amount >", 13, "expected a value after '>'"),
        (
            "data.amount > )",
            14,
            "expected a value after '>', found ')'",
        ),
        ("data.a == 1 &&", 14, "expected a condition after '&&'"),
        ("== 1", 0, "expected a condition, found '=='"),
        (
            "data.a == 1 2",
            12,
            "expected 'and', 'or' or the end of the filter, found '2'",
        ),
        ("data.a == 1)", 11, "unexpected ')' without a matching '('"),
        (
            "(data.a == 1",
            12,
            "expected ')' to close the '(' opened at character 0",
        ),
        (
            "((data.a == 1)",
            14,
            "expected ')' to close the '(' opened at character 0",
        ),
        (
            "data.a = 1",
            7,
            "unexpected character '=': use '==' to compare",
        ),
        ("data.a & data.b", 7, "unexpected character '&'"),
        ("data.a == 'x'", 10, "strings use double quotes"),
        ("data.", 5, "expected a field name after '.'"),
        ("data.items[-1]", 11, "invalid array index '-1'"),
        ("data.items[1.5]", 11, "invalid array index '1.5'"),
        ("data.items[0", 12, "expected ']' after '0'"),
        ("data.x in \"a\"", 10, "expected a list such as"),
        (
            "data.x in [1, data.y]",
            14,
            "expected a literal value in the list, found 'data'",
        ),
        ("data.x in [1 2]", 13, "expected ',' or ']' in the list"),
        ("data.x == 12abc", 10, "invalid number '12abc'"),
        ("data.x == 01", 10, "invalid number '01'"),
        ("data.x == -", 10, "invalid number '-'"),
        ("data.x == 1-2", 10, "invalid number '1-2'"),
        ("data.x == 1e400", 10, "invalid number '1e400'"),
        ("data.x == \"a\nb\"", 12, "control character in string"),
        (r#"data.x == "\q""#, 11, "invalid escape '\\q' in string"),
        (r#"data.x == "\u12""#, 11, "expected four hex digits"),
        (r#"data.x == "\ud83d""#, 10, "unpaired surrogate"),
        ("exists data.x", 7, "expected '(' after 'exists'"),
        ("exists(data.x", 13, "expected ')' to close exists(...)"),
        ("5", 1, "expected a comparison operator after '5'"),
        (
            "data.x == and",
            10,
            "expected a value after '==', found 'and'",
        ),
    ];
    for &(source, position, message) in cases {
        let err = error(source);
        assert_eq!(err.position, position, "{source:?}: {err}");
        assert!(
            err.message.contains(message),
            "{source:?}: got {err}, want {message:?}"
        );
    }
}

/// Errors display as "<message> (at character <position>)".
#[test]
fn error_display_format() {
    assert_eq!(
        error("data.amount >").to_string(),
        "expected a value after '>' (at character 13)"
    );
    assert_eq!(
        error("payload.x").to_string(),
        "unknown root 'payload': paths start with type, tenant or data (at character 0)"
    );
}

/// Nesting is limited to 32 levels; 32 is accepted and 33 is rejected at the 33rd opener.
#[test]
fn nesting_depth_limit() {
    let nested = |n: usize| format!("{}data.is_live{}", "(".repeat(n), ")".repeat(n));
    assert!(Filter::parse(&nested(32)).is_ok());
    let err = error(&nested(33));
    assert_eq!(err.position, 32);
    assert!(err.message.contains("nested too deeply"), "{err}");
    assert_eq!(
        error(&format!("{}data.is_live", "!".repeat(33))).position,
        32
    );
    let lists = format!("data.x == {}1{}", "[".repeat(33), "]".repeat(33));
    assert!(error(&lists).message.contains("nested too deeply"));
}

/// At most 100 conditions are allowed; the 101st is reported.
#[test]
fn condition_count_limit() {
    let many = |n: usize| vec!["data.a"; n].join("||");
    assert!(Filter::parse(&many(100)).is_ok());
    let err = error(&many(101));
    assert_eq!(err.position, 100 * 8);
    assert_eq!(err.message, "too many comparisons: at most 100 are allowed");
}

/// Sources longer than 1024 bytes are rejected, counting bytes rather than characters.
#[test]
fn source_length_limit() {
    let padded = |n: usize| format!("data.is_live{}", " ".repeat(n - 12));
    assert!(Filter::parse(&padded(1024)).is_ok());
    let err = error(&padded(1025));
    assert_eq!(
        (err.position, err.message.as_str()),
        (1024, "filter is too long: at most 1024 bytes are allowed")
    );
    let wide = format!("data.s == \"{}\"", "é".repeat(600));
    assert!(error(&wide).message.contains("too long"));
}

/// `source()` and `Display` return the text exactly as given, whitespace included.
#[test]
fn source_and_display_round_trip() {
    let text = "  data.amount >  100 and not data.is_test ";
    let f = filter(text);
    assert_eq!(f.source(), text);
    assert_eq!(f.to_string(), text);
    assert_eq!(Filter::parse(&f.to_string()), Ok(f));
}

/// `matches` is false, never a panic, on documents of an unexpected shape.
#[test]
fn odd_documents_never_panic() {
    let docs = [
        json!(null),
        json!(42),
        json!("data"),
        json!([1, 2, 3]),
        json!({}),
        json!({"data": 7}),
        json!({"data": [1, 2]}),
        json!({"data": null}),
        json!({"data": {"items": "not an array", "amount": "150"}}),
    ];
    let filters = [
        "data.amount > 100",
        "data.items[0].sku == \"A-1\"",
        "data.is_live",
        r#"data.tags contains "vip""#,
        r#"type starts_with "order""#,
        "data.status in [1, \"x\"]",
        "exists(data.items[0])",
    ];
    for doc in &docs {
        for source in filters {
            assert!(!filter(source).matches(doc), "{source} on {doc}");
        }
    }
    assert!(filter("data.missing == null").matches(&json!(42)));
    assert!(filter("data[0] == null").matches(&json!({"data": [null]})));
}

/// Parsing never panics: every prefix and every single-character deletion of a rich filter
/// either parses or yields an error positioned within the source.
#[test]
fn parse_never_panics_on_mangled_input() {
    let rich = r#"!(data.items[0]["sku"] starts_with "A\u00e9" || data.n >= -1.5e3) and data.s in ["x", [1, null]] && exists(tenant) or type contains "é""#;
    let chars: Vec<char> = rich.chars().collect();
    let count = chars.len();
    let mut variants: Vec<String> = (0..=count).map(|n| chars[..n].iter().collect()).collect();
    variants.extend((0..count).map(|skip| {
        let kept = chars.iter().enumerate().filter(|&(i, _)| i != skip);
        kept.map(|(_, c)| c).collect()
    }));
    for source in &variants {
        match Filter::parse(source) {
            Ok(f) => {
                f.matches(&event());
            }
            Err(e) => assert!(e.position <= source.chars().count(), "{source:?}: {e}"),
        }
    }
    assert!(filter(rich).matches(&json!({"tenant": "t", "type": "é"})));
}
