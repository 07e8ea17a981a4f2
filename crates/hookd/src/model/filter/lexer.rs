//! The filter language's lexer: source text to tokens (words, symbols, numbers, strings), each
//! with the character offset it starts at, so that parse errors can point at it.

use super::{FilterError, SYMBOLS, fail};
use serde_json::Number;

/// Token kinds; words and symbols are told apart by their text.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Tok {
    Word,
    Symbol,
    Num(Number),
    Str(String),
    End,
}

#[derive(Debug, Clone)]
pub(super) struct Token {
    pub(super) tok: Tok,
    /// Character offset of the token's first character.
    pub(super) pos: usize,
    /// The token exactly as written (empty for `End`).
    pub(super) text: String,
}

fn is_word_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// Index of the first character at or after `from` that does not satisfy `pred`.
fn scan(chars: &[char], from: usize, pred: impl Fn(char) -> bool) -> usize {
    from + chars[from..].iter().take_while(|&&c| pred(c)).count()
}

/// Splits the source into tokens, always ending with one `End` token positioned just
/// after the last non-whitespace character.
pub(super) fn lex(source: &str) -> Result<Vec<Token>, FilterError> {
    let chars: Vec<char> = source.chars().collect();
    let mut tokens = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let (start, c) = (i, chars[i]);
        let tok = if c.is_whitespace() {
            i += 1;
            continue;
        } else if c.is_ascii_alphabetic() || c == '_' {
            i = scan(&chars, i, is_word_char);
            Tok::Word
        } else if c.is_ascii_digit() || c == '-' {
            Tok::Num(lex_number(&chars, &mut i)?)
        } else if c == '"' {
            Tok::Str(lex_string(&chars, &mut i)?)
        } else if let Some(symbol) = symbol_at(&chars[i..]) {
            i += symbol.len();
            Tok::Symbol
        } else {
            let hint = match c {
                '=' => ": use '==' to compare",
                '&' => ": use '&&' or 'and'",
                '|' => ": use '||' or 'or'",
                '\'' => ": strings use double quotes",
                _ => "",
            };
            return fail(format!("unexpected character '{c}'{hint}"), start);
        };
        let (pos, text) = (start, chars[start..i].iter().collect());
        tokens.push(Token { tok, pos, text });
    }
    let (tok, pos, text) = (Tok::End, source.trim_end().chars().count(), String::new());
    tokens.push(Token { tok, pos, text });
    Ok(tokens)
}

/// The symbol that `rest` starts with, if any.
fn symbol_at(rest: &[char]) -> Option<&'static str> {
    let starts = |s: &&str| s.chars().eq(rest.iter().take(s.len()).copied());
    SYMBOLS.into_iter().find(starts)
}

/// Reads a JSON number starting at `*i`, leaving `*i` just after it. The token runs
/// over every character a number could contain, so `12abc` or `1-2` is one invalid
/// number rather than a confusing sequence of tokens; serde_json checks the syntax.
fn lex_number(chars: &[char], i: &mut usize) -> Result<Number, FilterError> {
    let start = *i;
    *i = scan(chars, start + 1, |c| {
        is_word_char(c) || matches!(c, '.' | '+' | '-')
    });
    let text: String = chars[start..*i].iter().collect();
    match text.parse() {
        Ok(number) => Ok(number),
        Err(_) => fail(format!("invalid number '{text}'"), start),
    }
}

/// Reads a double-quoted string starting at `*i`, leaving `*i` just after it. Escapes
/// are checked here, for precise error positions, then decoded by serde_json.
fn lex_string(chars: &[char], i: &mut usize) -> Result<String, FilterError> {
    let start = *i;
    let mut end = start + 1;
    loop {
        let hex = chars.get(end + 2..end + 6);
        let hex_ok = hex.is_some_and(|h| h.iter().all(char::is_ascii_hexdigit));
        match (chars.get(end), chars.get(end + 1)) {
            (None, _) | (Some('\\'), None) => return fail("unterminated string", start),
            (Some('"'), _) => break,
            (Some('\\'), Some('"' | '\\' | '/' | 'b' | 'f' | 'n' | 'r' | 't')) => end += 2,
            (Some('\\'), Some('u')) if hex_ok => end += 6,
            (Some('\\'), Some('u')) => {
                return fail("invalid \\u escape: expected four hex digits", end);
            }
            (Some('\\'), Some(c)) => return fail(format!("invalid escape '\\{c}' in string"), end),
            (Some(c), _) if u32::from(*c) < 0x20 => {
                return fail("control character in string: use an escape", end);
            }
            (Some(_), _) => end += 1,
        }
    }
    *i = end + 1;
    let literal: String = chars[start..*i].iter().collect();
    match serde_json::from_str(&literal) {
        Ok(string) => Ok(string),
        Err(_) => fail("invalid \\u escape: unpaired surrogate", start),
    }
}
