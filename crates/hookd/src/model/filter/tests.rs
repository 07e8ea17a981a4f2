use serde_json::{Value, json};

use super::{Filter, FilterError};

/// A representative event used by most tests.
fn event() -> Value {
    json!({
        "type": "order.created",
        "tenant": "default",
        "data": {
            "amount": 150,
            "price": 19.5,
            "currency": "EUR",
            "status": "paid",
            "name": "Alice Cooper",
            "tags": ["vip", "new"],
            "is_test": false,
            "is_live": true,
            "coupon": null,
            "items": [{"sku": "A-1", "qty": 2}, {"sku": "B-2", "qty": 1}],
            "content-type": "application/json",
            "big": 9007199254740993u64,
            "nested": {"list": [1, 2.0, "x"]}
        }
    })
}

/// Parses `source`, panicking with the error if it is invalid.
fn filter(source: &str) -> Filter {
    Filter::parse(source).unwrap_or_else(|e| panic!("{source:?} should parse: {e}"))
}

/// Evaluates `source` against the standard event.
fn eval(source: &str) -> bool {
    filter(source).matches(&event())
}

/// Asserts each filter in the list evaluates to `expected`.
fn assert_all(expected: bool, sources: &[&str]) {
    for source in sources {
        assert_eq!(eval(source), expected, "{source}");
    }
}

/// Parses `source` expecting an error.
fn error(source: &str) -> FilterError {
    match Filter::parse(source) {
        Ok(f) => panic!("{source:?} should not parse, got {f:?}"),
        Err(e) => e,
    }
}

/// `==` is true for equal values and false otherwise.
#[test]
fn equality_operator() {
    assert_all(
        true,
        &[
            r#"type == "order.created""#,
            r#"tenant == "default""#,
            "data.amount == 150",
        ],
    );
    assert_all(
        false,
        &[
            r#"type == "order.paid""#,
            "data.amount == 151",
            r#"data.amount == "150""#,
        ],
    );
}

/// `!=` is the negation of `==`.
#[test]
fn inequality_operator() {
    assert_all(
        true,
        &[
            "data.amount != 151",
            r#"data.currency != "USD""#,
            "data.is_live != false",
        ],
    );
    assert_all(false, &["data.amount != 150", r#"data.currency != "EUR""#]);
}

/// `>`, `>=`, `<`, `<=` order numbers numerically.
#[test]
fn numeric_ordering_operators() {
    assert_all(
        true,
        &[
            "data.amount > 100",
            "data.amount >= 150",
            "data.amount < 150.5",
            "data.amount <= 150",
            "data.price > -1e3",
        ],
    );
    assert_all(
        false,
        &[
            "data.amount > 150",
            "data.amount >= 151",
            "data.amount < 150",
            "data.amount <= 149.99",
        ],
    );
}

/// An integer equals the same value written as a decimal or with an exponent.
#[test]
fn integers_and_floats_compare_numerically() {
    assert_all(
        true,
        &[
            "data.amount == 150.0",
            "data.amount == 1.5e2",
            "data.nested.list[1] == 2",
            "data.price == 19.50",
        ],
    );
    assert_all(false, &["data.amount != 150.0", "data.price == 19"]);
}

/// Large integers compare exactly rather than through lossy floating point.
#[test]
fn large_integers_compare_exactly() {
    assert_all(
        true,
        &[
            "data.big == 9007199254740993",
            "data.big > 9007199254740992",
        ],
    );
    assert_all(false, &["data.big == 9007199254740992"]);
}

/// Strings order by code point; ordering between other kinds is false.
#[test]
fn string_ordering_and_mixed_kinds() {
    assert_all(
        true,
        &[
            r#"data.currency > "AAA""#,
            r#"data.currency < "EUS""#,
            r#"data.status >= "paid""#,
        ],
    );
    assert_all(
        false,
        &[
            r#"data.currency < "AAA""#,
            r#"data.amount > "1""#,
            "data.is_live > false",
            "data.tags < 1",
        ],
    );
}

/// A missing path equals null and nothing else, and `!=` negates that.
#[test]
fn missing_path_semantics() {
    assert_all(
        true,
        &[
            "data.missing == null",
            "data.coupon == null",
            "data.missing != 5",
            r#"data.missing != "x""#,
        ],
    );
    assert_all(
        false,
        &[
            "data.missing == 5",
            "data.missing != null",
            "data.coupon != null",
            "data.missing > 0",
        ],
    );
    assert_all(
        false,
        &[
            "data.missing < 0",
            r#"data.missing contains "a""#,
            "data.missing in [null]",
        ],
    );
}

/// `exists` is true for present paths, including explicit nulls, and false for missing ones.
#[test]
fn exists_function() {
    assert_all(
        true,
        &[
            "exists(data.coupon)",
            "exists(data.items[1].sku)",
            "exists(data)",
            "!exists(data.missing)",
        ],
    );
    assert_all(
        false,
        &[
            "exists(data.missing)",
            "exists(data.items[5])",
            "exists(data.amount.deeper)",
        ],
    );
}

/// Array indexes and quoted keys navigate into arrays and awkwardly named fields.
#[test]
fn indexing_and_quoted_keys() {
    assert_all(
        true,
        &[
            r#"data.items[0].sku == "A-1""#,
            "data.items[1].qty == 1",
            r#"data["content-type"] == "application/json""#,
            r#"data["items"][0]["sku"] starts_with "A""#,
            r#"data . items [ 0 ] . sku == "A-1""#,
        ],
    );
    assert_all(
        false,
        &[
            "data.items[2].sku == null && exists(data.items[2])",
            "data.amount[0] == 150",
        ],
    );
}

/// `in` tests membership of a value in a list literal, comparing numbers numerically.
#[test]
fn in_operator() {
    assert_all(
        true,
        &[
            r#"data.status in ["paid", "shipped"]"#,
            "data.amount in [1, 150.0]",
            "data.coupon in [null]",
        ],
    );
    assert_all(
        false,
        &[
            r#"data.status in ["refunded"]"#,
            "data.amount in []",
            r#"data.tags in ["vip"]"#,
        ],
    );
}

/// `contains` finds an element in an array or a substring in a string.
#[test]
fn contains_operator() {
    assert_all(
        true,
        &[
            r#"data.tags contains "vip""#,
            r#"data.name contains "Coop""#,
            "data.nested.list contains 2",
        ],
    );
    assert_all(
        false,
        &[
            r#"data.tags contains "gold""#,
            r#"data.name contains "coop""#,
            "data.amount contains 1",
        ],
    );
}

/// `starts_with` and `ends_with` apply to strings only.
#[test]
fn starts_with_and_ends_with() {
    assert_all(
        true,
        &[
            r#"type starts_with "order.""#,
            r#"type ends_with ".created""#,
            r#"data.name ends_with """#,
        ],
    );
    assert_all(
        false,
        &[
            r#"type starts_with "created""#,
            r#"type ends_with "order""#,
            r#"data.tags starts_with "vip""#,
        ],
    );
}

/// A bare path is true only when its value is the boolean `true`.
#[test]
fn bare_path_is_a_boolean_test() {
    assert_all(true, &["data.is_live", "!data.is_test", "!data.missing"]);
    assert_all(
        false,
        &[
            "data.is_test",
            "data.amount",
            "data.status",
            "data.tags",
            "data.missing",
        ],
    );
}

/// `&&` binds tighter than `||`, so `a || b && c` means `a || (b && c)`.
#[test]
fn and_binds_tighter_than_or() {
    assert_all(
        true,
        &[
            "data.is_live || data.is_test && data.is_test",
            "data.is_test && data.is_test || data.is_live",
        ],
    );
    assert_all(false, &["(data.is_live || data.is_test) && data.is_test"]);
}

/// `!` and `not` negate the single condition or group that follows.
#[test]
fn negation() {
    assert_all(
        true,
        &[
            "!data.is_test",
            "not data.is_test",
            "not data.amount == 1",
            "!!data.is_live",
            "not not data.is_live",
        ],
    );
    assert_all(
        false,
        &[
            "!data.is_live",
            "not data.amount == 150",
            "!data.is_test && data.is_test",
        ],
    );
}

/// Parentheses override precedence and may nest.
#[test]
fn parentheses_group() {
    assert_all(
        true,
        &[
            "((data.amount > 100))",
            "!(data.is_test || data.amount < 100)",
        ],
    );
    assert_all(false, &["!(data.is_live && (data.amount > 100))"]);
}

/// `and`, `or` and `not` behave exactly like `&&`, `||` and `!`.
#[test]
fn keyword_synonyms() {
    let pairs = [
        (
            "data.is_live and data.amount > 1",
            "data.is_live && data.amount > 1",
        ),
        (
            "data.is_test or data.amount > 1",
            "data.is_test || data.amount > 1",
        ),
        (
            "not data.is_test and not data.is_test",
            "!data.is_test && !data.is_test",
        ),
    ];
    for (words, symbols) in pairs {
        assert!(eval(words), "{words}");
        assert_eq!(eval(words), eval(symbols));
    }
}

/// Keywords are ordinary field names after a dot.
#[test]
fn keywords_are_allowed_as_field_names() {
    let doc = json!({"data": {"in": true, "type": "x", "not": 1}});
    assert!(filter(r#"data.in and data.type == "x" and data.not == 1"#).matches(&doc));
}

/// String literals decode JSON escapes, including surrogate pairs.
#[test]
fn string_escapes() {
    let doc = json!({"data": {"s": "a\"b\\c\nd é 😀 /"}});
    assert!(filter(r#"data.s == "a\"b\\c\nd \u00e9 \ud83d\ude00 \/""#).matches(&doc));
}

/// Literals may appear on either side, and two paths may be compared.
#[test]
fn operands_on_either_side() {
    assert_all(
        true,
        &[
            "100 < data.amount",
            "data.items[0].qty > data.items[1].qty",
            "data.coupon == data.missing",
        ],
    );
    assert_all(false, &["data.amount == data.price"]);
}

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
