use serde_json::{Value, json};

use super::{Filter, FilterError};

/// A representative event used by most tests.
pub(super) fn event() -> Value {
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
pub(super) fn filter(source: &str) -> Filter {
    Filter::parse(source).unwrap_or_else(|e| panic!("{source:?} should parse: {e}"))
}

/// Evaluates `source` against the standard event.
pub(super) fn eval(source: &str) -> bool {
    filter(source).matches(&event())
}

/// Asserts each filter in the list evaluates to `expected`.
pub(super) fn assert_all(expected: bool, sources: &[&str]) {
    for source in sources {
        assert_eq!(eval(source), expected, "{source}");
    }
}

/// Parses `source` expecting an error.
pub(super) fn error(source: &str) -> FilterError {
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
