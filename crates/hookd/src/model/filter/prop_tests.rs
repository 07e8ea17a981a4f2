//! Properties of the filter language over generated input: the parser never panics on any text,
//! every expression it can build prints and parses back to itself, evaluation never panics,
//! and the negations mean what they say.

use super::*;
use proptest::prelude::*;
use serde_json::json;

/// Few cases each: the grammar is small, and the suite runs on every build.
fn config() -> ProptestConfig {
    ProptestConfig {
        cases: 256,
        ..ProptestConfig::default()
    }
}

/// A key for `.name` or `["key"]`.
fn key() -> impl Strategy<Value = String> {
    prop_oneof![
        "[A-Za-z_][A-Za-z0-9_]{0,8}",
        // Keywords are fine after a dot; anything is fine quoted.
        Just("and".to_owned()),
        Just("exists".to_owned()),
        ".{0,6}",
    ]
}

fn path() -> impl Strategy<Value = Path> {
    let root = prop::sample::select(ROOTS.to_vec()).prop_map(|r| Segment::Key(r.to_owned()));
    let segment = prop_oneof![
        key().prop_map(Segment::Key),
        (0usize..20).prop_map(Segment::Index),
    ];
    (root, prop::collection::vec(segment, 0..4)).prop_map(|(root, rest)| {
        let mut segments = vec![root];
        segments.extend(rest);
        Path(segments)
    })
}

fn scalar() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        (-1e12f64..1e12).prop_map(Value::from),
        ".{0,8}".prop_map(Value::String),
    ]
}

fn literal() -> impl Strategy<Value = Value> {
    scalar().prop_recursive(2, 8, 3, |inner| {
        prop::collection::vec(inner, 0..3).prop_map(Value::Array)
    })
}

fn op() -> impl Strategy<Value = Op> {
    prop::sample::select(vec![
        Op::Eq,
        Op::Ne,
        Op::Gt,
        Op::Ge,
        Op::Lt,
        Op::Le,
        Op::In,
        Op::Contains,
        Op::StartsWith,
        Op::EndsWith,
    ])
}

fn operand() -> impl Strategy<Value = Operand> {
    prop_oneof![
        path().prop_map(Operand::Path),
        literal().prop_map(Operand::Literal)
    ]
}

fn condition() -> impl Strategy<Value = Expr> {
    prop_oneof![
        path().prop_map(Expr::IsTrue),
        path().prop_map(Expr::Exists),
        (operand(), op(), operand()).prop_map(|(lhs, op, rhs)| {
            // `in` takes a list when its right side is written out.
            let rhs = match (op, rhs) {
                (Op::In, Operand::Literal(v)) if !v.is_array() => {
                    Operand::Literal(Value::Array(vec![v]))
                }
                (_, rhs) => rhs,
            };
            Expr::Compare(lhs, op, rhs)
        }),
    ]
}

fn expr() -> impl Strategy<Value = Expr> {
    condition().prop_recursive(3, 12, 3, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 2..4).prop_map(Expr::Any),
            prop::collection::vec(inner.clone(), 2..4).prop_map(Expr::All),
            inner.prop_map(|e| Expr::Not(Box::new(e))),
        ]
    })
}

fn op_text(op: Op) -> &'static str {
    match op {
        Op::Eq => "==",
        Op::Ne => "!=",
        Op::Gt => ">",
        Op::Ge => ">=",
        Op::Lt => "<",
        Op::Le => "<=",
        Op::In => "in",
        Op::Contains => "contains",
        Op::StartsWith => "starts_with",
        Op::EndsWith => "ends_with",
    }
}

/// Prints a path in the filter syntax: `.name` where the key is a word, `["key"]` otherwise.
fn print_path(path: &Path) -> String {
    let mut text = String::new();
    for (i, segment) in path.0.iter().enumerate() {
        match segment {
            Segment::Key(key) if i == 0 => text.push_str(key),
            Segment::Key(key)
                if key.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
                    && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') =>
            {
                text.push('.');
                text.push_str(key);
            }
            Segment::Key(key) => text.push_str(&format!("[{}]", json!(key))),
            Segment::Index(index) => text.push_str(&format!("[{index}]")),
        }
    }
    text
}

fn print_operand(operand: &Operand) -> String {
    match operand {
        Operand::Path(path) => print_path(path),
        Operand::Literal(value) => value.to_string(),
    }
}

/// Prints an expression so that it parses back to the same tree: every group in parentheses.
fn print(expr: &Expr) -> String {
    let join = |items: &[Expr], connective: &str| {
        items
            .iter()
            .map(|e| format!("({})", print(e)))
            .collect::<Vec<_>>()
            .join(connective)
    };
    match expr {
        Expr::Any(items) => join(items, " || "),
        Expr::All(items) => join(items, " and "),
        Expr::Not(inner) => format!("!({})", print(inner)),
        Expr::IsTrue(path) => print_path(path),
        Expr::Exists(path) => format!("exists({})", print_path(path)),
        Expr::Compare(lhs, op, rhs) => format!(
            "{} {} {}",
            print_operand(lhs),
            op_text(*op),
            print_operand(rhs)
        ),
    }
}

/// An event document to evaluate against: the usual roots with arbitrary data.
fn event() -> impl Strategy<Value = Value> {
    let leaf = scalar();
    let data = leaf.prop_recursive(3, 16, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::btree_map(key(), inner, 0..4)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    });
    ("[a-z.]{1,12}", data)
        .prop_map(|(kind, data)| json!({"type": kind, "tenant": "t", "data": data}))
}

proptest! {
    #![proptest_config(config())]

    /// Any text at all: the parser answers with a filter or an error, never a panic.
    #[test]
    fn the_parser_never_panics_on_any_text(text in ".{0,80}") {
        let _ = Filter::parse(&text);
    }

    /// Text made of the language's own pieces, in any order: still no panic, and an error
    /// always points inside the text (or just after it).
    #[test]
    fn the_parser_never_panics_on_token_soup(
        pieces in prop::collection::vec(prop::sample::select(vec![
            "data", ".", "a", "[", "]", "0", "\"k\"", "(", ")", "!", "not", "&&", "||", "and",
            "or", "==", "!=", ">", ">=", "in", "contains", "exists", "true", "null", "-", "1e9",
            "1.5", ",", " ", "type", "tenant", "\"", "\\", "é",
        ]), 0..30)
    ) {
        let text = pieces.concat();
        if let Err(error) = Filter::parse(&text) {
            prop_assert!(error.position <= text.chars().count(), "{error:?} in {text:?}");
        }
    }

    /// Every expression prints as text that parses back to the same expression, and its
    /// source is kept verbatim.
    #[test]
    fn what_parses_prints_and_parses_back_the_same(expr in expr()) {
        let text = print(&expr);
        prop_assume!(text.len() <= MAX_FILTER_BYTES);
        let filter = Filter::parse(&text).map_err(|e| TestCaseError::fail(format!("{e} in {text}")))?;
        prop_assert_eq!(&filter.expr, &expr, "{}", text);
        prop_assert_eq!(filter.source(), text.as_str());
        prop_assert_eq!(Filter::parse(&filter.to_string()), Ok(filter));
    }

    /// Evaluation never panics, `!` is the negation of what it wraps, and `!=` of `==`.
    #[test]
    fn evaluation_never_panics_and_negations_negate(
        expr in expr(), event in event(), lhs in operand(), rhs in operand()
    ) {
        let matched = expr.eval(&event);
        prop_assert_eq!(Expr::Not(Box::new(expr)).eval(&event), !matched);
        let eq = Expr::Compare(lhs.clone(), Op::Eq, rhs.clone()).eval(&event);
        prop_assert_eq!(Expr::Compare(lhs, Op::Ne, rhs).eval(&event), !eq);
    }

    /// Known-bad classes are refused: unknown roots, `=` for `==`, single quotes, unclosed
    /// groups, and anything over 1024 bytes.
    #[test]
    fn known_bad_classes_are_refused(name in "[a-z]{1,8}", value in 0u32..1000) {
        prop_assume!(!ROOTS.contains(&name.as_str()));
        let bad = [
            format!("{name}.x == {value}"),
            format!("data.{name} = {value}"),
            format!("data.{name} == '{value}'"),
            format!("(data.{name} == {value}"),
            format!("data.{name} == {value} {}", "x".repeat(MAX_FILTER_BYTES)),
        ];
        for text in bad {
            prop_assert!(Filter::parse(&text).is_err(), "{}", text);
        }
    }
}
