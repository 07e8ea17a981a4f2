//! Webhook event filters: a small expression language deciding whether a published
//! event is delivered to a webhook. A webhook stores a filter such as
//! `data.amount > 100 && data.currency == "EUR"`; [`Filter::parse`] validates it once
//! and [`Filter::matches`] evaluates it, without I/O, against each event document
//! (`{"type": ..., "tenant": ..., "data": {...}}`).
//!
//! ```text
//! filter    = or
//! or        = and { ("||" | "or") and }
//! and       = unary { ("&&" | "and") unary }
//! unary     = ("!" | "not") unary | "(" or ")" | condition
//! condition = "exists" "(" path ")" | operand [ operator operand ]
//! operator  = "==" | "!=" | ">" | ">=" | "<" | "<="
//!           | "in" | "contains" | "starts_with" | "ends_with"
//! operand   = path | literal
//! path      = root { "." name | "[" index "]" | "[" string "]" }
//! root      = "type" | "tenant" | "data"
//! name      = [A-Za-z_][A-Za-z0-9_]*        (keywords are fine after a dot)
//! literal   = number | string | "true" | "false" | "null"
//!           | "[" [ literal { "," literal } ] "]"
//! ```
//!
//! Numbers and strings use JSON syntax (`-12`, `3.5`, `1e3`, `"caf\u00e9 \"x\""`), and
//! whitespace is insignificant. A condition without an operator must be a path. Tightest
//! first: `!`/`not` (negating the one condition or group after it, so `not data.a == 1`
//! is `not (data.a == 1)`), comparisons, `&&`/`and`, `||`/`or`; all left-associative.
//!
//! Evaluation never fails: a filter written for one event shape is simply false for another.
//! - A bare path is true only when its value is the boolean `true`.
//! - `==` is JSON equality with numbers compared by value (`100 == 100.0`); a missing path
//!   equals `null` (and another missing path) only. `!=` is exactly the negation of `==`.
//! - `>`, `>=`, `<`, `<=` order two numbers, or two strings by code point; else false.
//! - `in` tests membership in a list; `contains` tests list membership or, for two strings,
//!   a substring; `starts_with` and `ends_with` take two strings.
//! - `exists(path)` is true when the path is present, even if its value is `null`.
//!
//! Stored filters are bounded: at most 1024 bytes of source, 32 levels of nesting
//! (parentheses, negations and lists) and 100 conditions. Parse errors carry a 0-based
//! character offset into the source.

use std::cmp::Ordering;
use std::fmt;

use serde_json::{Number, Value};

mod lexer;
#[cfg(test)]
mod parse_tests;
#[cfg(test)]
mod prop_tests;
#[cfg(test)]
mod tests;

use lexer::{Tok, Token, lex};

/// The longest filter, in bytes of source.
pub const MAX_FILTER_BYTES: usize = 1024;
const MAX_DEPTH: usize = 32;
const MAX_CONDITIONS: usize = 100;
const ROOTS: [&str; 3] = ["type", "tenant", "data"];
/// Two-character symbols come first so that `>=` is not read as `>` then `=`.
pub(super) const SYMBOLS: [&str; 15] = [
    "==", "!=", ">=", "<=", "&&", "||", ">", "<", "!", "(", ")", "[", "]", ",", ".",
];

/// A parsed, validated filter expression. Cheap to evaluate many times.
#[derive(Debug, Clone, PartialEq)]
pub struct Filter {
    source: String,
    expr: Expr,
}

/// Why a filter could not be parsed, and where (0-based character offset).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message} (at character {position})")]
pub struct FilterError {
    pub message: String,
    pub position: usize,
}

/// Shorthand for returning a [`FilterError`].
pub(super) fn fail<T>(message: impl Into<String>, position: usize) -> Result<T, FilterError> {
    let message = message.into();
    Err(FilterError { message, position })
}

impl Filter {
    /// Parses a filter. Errors say what was expected and where (0-based char offset).
    pub fn parse(source: &str) -> Result<Filter, FilterError> {
        if source.len() > MAX_FILTER_BYTES {
            let within = |&(byte, _): &(usize, char)| byte < MAX_FILTER_BYTES;
            let position = source.char_indices().take_while(within).count();
            let message =
                format!("filter is too long: at most {MAX_FILTER_BYTES} bytes are allowed");
            return fail(message, position);
        }
        if source.trim().is_empty() {
            return fail("filter is empty", 0);
        }
        let tokens = lex(source)?;
        let mut parser = Parser {
            tokens,
            ..Parser::default()
        };
        let expr = parser.parse_or()?;
        parser.finish()?;
        let source = source.to_owned();
        Ok(Filter { source, expr })
    }

    /// The text it was parsed from (kept verbatim for display/storage).
    pub fn source(&self) -> &str {
        &self.source
    }

    /// Evaluates against the event document: a JSON object such as
    /// `{"type": "order.created", "tenant": "default", "data": {...}}`.
    /// Never panics; a path that is missing or a comparison between incompatible types is false
    /// (not an error), so a filter written for one event shape is simply false for another.
    pub fn matches(&self, event: &Value) -> bool {
        self.expr.eval(event)
    }
}

impl fmt::Display for Filter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.source)
    }
}

/// The parsed expression. `&&` and `||` chains are flattened into `All` and `Any`.
#[derive(Debug, Clone, PartialEq)]
enum Expr {
    Any(Vec<Expr>),
    All(Vec<Expr>),
    Not(Box<Expr>),
    IsTrue(Path),
    Exists(Path),
    Compare(Operand, Op, Operand),
}

impl Expr {
    fn eval(&self, event: &Value) -> bool {
        match self {
            Expr::Any(items) => items.iter().any(|e| e.eval(event)),
            Expr::All(items) => items.iter().all(|e| e.eval(event)),
            Expr::Not(inner) => !inner.eval(event),
            Expr::IsTrue(path) => path.resolve(event) == Some(&Value::Bool(true)),
            Expr::Exists(path) => path.resolve(event).is_some(),
            Expr::Compare(lhs, op, rhs) => op.apply(lhs.eval(event), rhs.eval(event)),
        }
    }
}

/// A location in the event: the root key, then object keys and array indexes.
#[derive(Debug, Clone, PartialEq)]
struct Path(Vec<Segment>);

#[derive(Debug, Clone, PartialEq)]
enum Segment {
    Key(String),
    Index(usize),
}

impl Path {
    /// The value at this path, or `None` if a step is missing or of the wrong type.
    fn resolve<'v>(&self, event: &'v Value) -> Option<&'v Value> {
        self.0
            .iter()
            .try_fold(event, |value, segment| match segment {
                Segment::Key(key) => value.as_object()?.get(key),
                Segment::Index(index) => value.as_array()?.get(*index),
            })
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Operand {
    Path(Path),
    Literal(Value),
}

impl Operand {
    /// The operand's value; `None` means a missing path.
    fn eval<'a>(&'a self, event: &'a Value) -> Option<&'a Value> {
        match self {
            Operand::Path(path) => path.resolve(event),
            Operand::Literal(value) => Some(value),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    Eq,
    Ne,
    Gt,
    Ge,
    Lt,
    Le,
    In,
    Contains,
    StartsWith,
    EndsWith,
}

impl Op {
    fn from_text(text: &str) -> Option<Op> {
        Some(match text {
            "==" => Op::Eq,
            "!=" => Op::Ne,
            ">" => Op::Gt,
            ">=" => Op::Ge,
            "<" => Op::Lt,
            "<=" => Op::Le,
            "in" => Op::In,
            "contains" => Op::Contains,
            "starts_with" => Op::StartsWith,
            "ends_with" => Op::EndsWith,
            _ => return None,
        })
    }

    /// Applies the operator; `None` stands for a missing path, which behaves like
    /// `null` for `==` and `!=` and fails every other test.
    fn apply(self, lhs: Option<&Value>, rhs: Option<&Value>) -> bool {
        let (l, r) = match (lhs, rhs) {
            (Some(l), Some(r)) => (l, r),
            (l, r) if matches!(self, Op::Eq | Op::Ne) => {
                let null = Some(&Value::Null);
                return (l.or(null) == r.or(null)) == (self == Op::Eq);
            }
            _ => return false,
        };
        let ordering = || match (l, r) {
            (Value::Number(a), Value::Number(b)) => number_cmp(a, b),
            (Value::String(a), Value::String(b)) => Some(a.cmp(b)),
            _ => None,
        };
        let strings = l.as_str().zip(r.as_str());
        match self {
            Op::Eq => json_eq(l, r),
            Op::Ne => !json_eq(l, r),
            Op::Gt => ordering().is_some_and(Ordering::is_gt),
            Op::Ge => ordering().is_some_and(Ordering::is_ge),
            Op::Lt => ordering().is_some_and(Ordering::is_lt),
            Op::Le => ordering().is_some_and(Ordering::is_le),
            Op::In => r
                .as_array()
                .is_some_and(|a| a.iter().any(|v| json_eq(l, v))),
            Op::Contains => match l.as_array() {
                Some(items) => items.iter().any(|v| json_eq(v, r)),
                None => strings.is_some_and(|(a, b)| a.contains(b)),
            },
            Op::StartsWith => strings.is_some_and(|(a, b)| a.starts_with(b)),
            Op::EndsWith => strings.is_some_and(|(a, b)| a.ends_with(b)),
        }
    }
}

/// JSON equality in which numbers compare by value, so `100` equals `100.0`.
fn json_eq(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => number_cmp(x, y) == Some(Ordering::Equal),
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| json_eq(p, q))
        }
        (Value::Object(x), Value::Object(y)) => {
            let same = |(k, v): (&String, &Value)| y.get(k).is_some_and(|w| json_eq(v, w));
            x.len() == y.len() && x.iter().all(same)
        }
        _ => a == b,
    }
}

/// Compares integers exactly (even beyond 2^53) and anything else as `f64`.
fn number_cmp(a: &Number, b: &Number) -> Option<Ordering> {
    let integer = |n: &Number| match (n.as_i64(), n.as_u64()) {
        (Some(i), _) => Some(i128::from(i)),
        (_, u) => u.map(i128::from),
    };
    match (integer(a), integer(b)) {
        (Some(x), Some(y)) => Some(x.cmp(&y)),
        _ => a.as_f64()?.partial_cmp(&b.as_f64()?),
    }
}

/// Recursive-descent parser over the token list, one method per grammar rule.
#[derive(Default)]
struct Parser {
    tokens: Vec<Token>,
    /// Index of the next token; never moves past the final `End` token.
    next: usize,
    depth: usize,
    conditions: usize,
}

impl Parser {
    fn peek(&self) -> &Token {
        &self.tokens[self.next]
    }

    fn bump(&mut self) {
        self.next = (self.next + 1).min(self.tokens.len() - 1);
    }

    /// Consumes the next token if it is the word or symbol `text`.
    fn eat(&mut self, text: &str) -> bool {
        let token = self.peek();
        let hit = matches!(token.tok, Tok::Word | Tok::Symbol) && token.text == text;
        if hit {
            self.bump();
        }
        hit
    }

    /// `what`, followed by "after 'x'" naming the previous token when there is one.
    fn after(&self, what: &str) -> String {
        match self.next.checked_sub(1) {
            Some(i) => format!("{what} after '{}'", self.tokens[i].text),
            None => what.to_owned(),
        }
    }

    /// An error at the next token saying what should have been there instead.
    fn expected<T>(&self, what: &str) -> Result<T, FilterError> {
        let token = self.peek();
        let found = match &token.tok {
            Tok::End => return fail(format!("expected {what}"), token.pos),
            Tok::Str(_) => format!("the string {}", token.text),
            _ => format!("'{}'", token.text),
        };
        fail(format!("expected {what}, found {found}"), token.pos)
    }

    /// Enters one level of nesting opened at `position`; callers decrement `depth` on exit.
    fn enter(&mut self, position: usize) -> Result<(), FilterError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            let what = "levels of parentheses, negations or lists are allowed";
            return fail(
                format!("filter is nested too deeply: at most {MAX_DEPTH} {what}"),
                position,
            );
        }
        Ok(())
    }

    /// Rejects anything left over after a complete expression.
    fn finish(&self) -> Result<(), FilterError> {
        let token = self.peek();
        match (&token.tok, token.text.as_str()) {
            (Tok::End, _) => Ok(()),
            (Tok::Symbol, ")") => fail("unexpected ')' without a matching '('", token.pos),
            _ => self.expected("'and', 'or' or the end of the filter"),
        }
    }

    fn parse_or(&mut self) -> Result<Expr, FilterError> {
        self.parse_chain(["||", "or"], Expr::Any, Self::parse_and)
    }

    fn parse_and(&mut self) -> Result<Expr, FilterError> {
        self.parse_chain(["&&", "and"], Expr::All, Self::parse_unary)
    }

    /// One or more `operand`s joined by either spelling of a connective.
    fn parse_chain(
        &mut self,
        [symbol, word]: [&str; 2],
        join: fn(Vec<Expr>) -> Expr,
        operand: fn(&mut Self) -> Result<Expr, FilterError>,
    ) -> Result<Expr, FilterError> {
        let mut items = vec![operand(self)?];
        while self.eat(symbol) || self.eat(word) {
            items.push(operand(self)?);
        }
        Ok(if items.len() > 1 {
            join(items)
        } else {
            items.remove(0)
        })
    }

    fn parse_unary(&mut self) -> Result<Expr, FilterError> {
        let start = self.peek().pos;
        if self.eat("!") || self.eat("not") {
            self.enter(start)?;
            let inner = self.parse_unary()?;
            self.depth -= 1;
            return Ok(Expr::Not(Box::new(inner)));
        }
        if !self.eat("(") {
            return self.parse_condition();
        }
        self.enter(start)?;
        let inner = self.parse_or()?;
        if !self.eat(")") {
            return self.expected(&format!("')' to close the '(' opened at character {start}"));
        }
        self.depth -= 1;
        Ok(inner)
    }

    fn parse_condition(&mut self) -> Result<Expr, FilterError> {
        self.conditions += 1;
        if self.conditions > MAX_CONDITIONS {
            let message = format!("too many comparisons: at most {MAX_CONDITIONS} are allowed");
            return fail(message, self.peek().pos);
        }
        if self.eat("exists") {
            if !self.eat("(") {
                return self.expected(&self.after("'('"));
            }
            let path = self.parse_path(&self.after("a path"))?;
            if !self.eat(")") {
                return self.expected("')' to close exists(...)");
            }
            return Ok(Expr::Exists(path));
        }
        let lhs = self.parse_operand(&self.after("a condition"))?;
        let token = self.peek();
        let op = matches!(token.tok, Tok::Word | Tok::Symbol).then(|| Op::from_text(&token.text));
        let Some(op) = op.flatten() else {
            return match lhs {
                Operand::Path(path) => Ok(Expr::IsTrue(path)),
                Operand::Literal(_) => self.expected(&self.after("a comparison operator")),
            };
        };
        self.bump();
        let rhs_pos = self.peek().pos;
        let rhs = self.parse_operand(&self.after("a value"))?;
        if op == Op::In && matches!(&rhs, Operand::Literal(v) if !v.is_array()) {
            return fail("expected a list such as [\"a\", \"b\"] after 'in'", rhs_pos);
        }
        Ok(Expr::Compare(lhs, op, rhs))
    }

    fn parse_operand(&mut self, what: &str) -> Result<Operand, FilterError> {
        let token = self.peek();
        let word = token.text.as_str();
        let keyword = matches!(
            word,
            "and" | "or" | "not" | "exists" | "true" | "false" | "null"
        );
        if token.tok == Tok::Word && !keyword && Op::from_text(word).is_none() {
            return self.parse_path(what).map(Operand::Path);
        }
        self.parse_literal(what).map(Operand::Literal)
    }

    fn parse_literal(&mut self, what: &str) -> Result<Value, FilterError> {
        let token = self.peek();
        let value = match (&token.tok, token.text.as_str()) {
            (Tok::Num(n), _) => Value::Number(n.clone()),
            (Tok::Str(s), _) => Value::String(s.clone()),
            (Tok::Word, "true") => Value::Bool(true),
            (Tok::Word, "false") => Value::Bool(false),
            (Tok::Word, "null") => Value::Null,
            (Tok::Symbol, "[") => return self.parse_list(),
            _ => return self.expected(what),
        };
        self.bump();
        Ok(value)
    }

    fn parse_list(&mut self) -> Result<Value, FilterError> {
        self.enter(self.peek().pos)?;
        self.bump();
        let mut items = Vec::new();
        if !self.eat("]") {
            loop {
                items.push(self.parse_literal("a literal value in the list")?);
                if self.eat("]") {
                    break;
                }
                if !self.eat(",") {
                    return self.expected("',' or ']' in the list");
                }
            }
        }
        self.depth -= 1;
        Ok(Value::Array(items))
    }

    fn parse_path(&mut self, what: &str) -> Result<Path, FilterError> {
        let token = self.peek();
        if token.tok != Tok::Word {
            return self.expected(what);
        }
        let root = token.text.clone();
        if !ROOTS.contains(&root.as_str()) {
            let message = format!("unknown root '{root}': paths start with type, tenant or data");
            return fail(message, token.pos);
        }
        self.bump();
        let mut segments = vec![Segment::Key(root)];
        loop {
            let segment = if self.eat(".") {
                let token = self.peek();
                if token.tok != Tok::Word {
                    return self.expected("a field name after '.'");
                }
                let key = Segment::Key(token.text.clone());
                self.bump();
                key
            } else if self.eat("[") {
                let segment = self.parse_subscript()?;
                if !self.eat("]") {
                    return self.expected(&self.after("']'"));
                }
                segment
            } else {
                return Ok(Path(segments));
            };
            segments.push(segment);
        }
    }

    /// The array index or quoted key inside `[...]`.
    fn parse_subscript(&mut self) -> Result<Segment, FilterError> {
        let token = self.peek();
        let segment = match &token.tok {
            Tok::Str(key) => Segment::Key(key.clone()),
            Tok::Num(n) => match n.as_u64().and_then(|i| usize::try_from(i).ok()) {
                Some(index) => Segment::Index(index),
                None => {
                    let rule = "use a whole number of 0 or more";
                    let message = format!("invalid array index '{}': {rule}", token.text);
                    return fail(message, token.pos);
                }
            },
            _ => return self.expected("an array index or a quoted key after '['"),
        };
        self.bump();
        Ok(segment)
    }
}
