//! Tokens for the parser: the logos DFA's raw tokens with literal values
//! decoded and Go's automatic semicolons inserted.
//!
//! Go's rule: a newline (or a block comment spanning lines, or the end of the
//! file) becomes `;` when the previous token is an identifier, a basic
//! literal, `break` `continue` `fallthrough` `return`, `++` `--`, or a
//! closing `)` `]` `}`. Lexical errors are collected and lexing goes on, so a
//! file with a bad character still gets its other errors reported.

use gm_diag::{Diagnostic, Span};
use logos::Logos;

use crate::token::RawTok;

/// Bracket nesting deeper than this is rejected before parsing.
pub const MAX_NESTING: u32 = 10_000;

/// Why a `;` token is there, for error messages (`unexpected newline`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SemiKind {
    Explicit,
    Newline,
    Eof,
}

/// A token as the grammar sees it.
#[derive(Clone, Debug, PartialEq)]
pub enum Tok<'a> {
    Ident(&'a str),
    Int(&'a str),
    Float(&'a str),
    Imag,
    Rune(u32),
    Str(Vec<u8>),
    Semi(SemiKind),
    Break,
    Case,
    Chan,
    Const,
    Continue,
    Default,
    Defer,
    Else,
    Fallthrough,
    For,
    Func,
    Go,
    Goto,
    If,
    Import,
    Interface,
    Map,
    Package,
    Range,
    Return,
    Select,
    Struct,
    Switch,
    Type,
    Var,
    Op(RawTok),
}

/// The result of lexing a whole file.
pub struct Lexed<'a> {
    pub tokens: Vec<(usize, Tok<'a>, usize)>,
    pub errors: Vec<Diagnostic>,
    /// Set when lexing stopped early (nesting too deep): the token list is
    /// incomplete and should not be parsed.
    pub aborted: bool,
}

pub fn lex(src: &str) -> Lexed<'_> {
    let mut lexer = Lexer {
        src,
        tokens: Vec::new(),
        errors: Vec::new(),
        nlsemi: false,
        depth: 0,
    };
    let aborted = lexer.run().is_err();
    lexer.nul_inside_tokens();
    Lexed {
        tokens: lexer.tokens,
        errors: lexer.errors,
        aborted,
    }
}

struct Lexer<'a> {
    src: &'a str,
    tokens: Vec<(usize, Tok<'a>, usize)>,
    errors: Vec<Diagnostic>,
    /// Whether a newline here would become a semicolon.
    nlsemi: bool,
    depth: u32,
}

struct TooDeep;

impl<'a> Lexer<'a> {
    fn run(&mut self) -> Result<(), TooDeep> {
        let start = if self.src.starts_with('\u{feff}') {
            3
        } else {
            0
        };
        let mut raw = RawTok::lexer(&self.src[start..]);
        while let Some(next) = raw.next() {
            let span = raw.span();
            let (lo, hi) = (span.start + start, span.end + start);
            match next {
                Ok(tok) => self.token(tok, lo, hi)?,
                Err(()) => self.bad_char(lo),
            }
        }
        if self.nlsemi {
            let end = self.src.len();
            self.tokens.push((end, Tok::Semi(SemiKind::Eof), end));
        }
        Ok(())
    }

    fn error(&mut self, lo: usize, hi: usize, msg: impl Into<String>) {
        self.errors.push(Diagnostic::error(Span::new(lo, hi), msg));
    }

    fn push(&mut self, lo: usize, tok: Tok<'a>, hi: usize) {
        self.nlsemi = matches!(
            tok,
            Tok::Ident(_)
                | Tok::Int(_)
                | Tok::Float(_)
                | Tok::Imag
                | Tok::Rune(_)
                | Tok::Str(_)
                | Tok::Break
                | Tok::Continue
                | Tok::Fallthrough
                | Tok::Return
                | Tok::Op(
                    RawTok::Inc | RawTok::Dec | RawTok::RParen | RawTok::RBrack | RawTok::RBrace
                )
        );
        self.tokens.push((lo, tok, hi));
    }

    fn newline(&mut self, at: usize) {
        if self.nlsemi {
            self.nlsemi = false;
            self.tokens.push((at, Tok::Semi(SemiKind::Newline), at + 1));
        }
    }

    fn token(&mut self, raw: RawTok, lo: usize, hi: usize) -> Result<(), TooDeep> {
        let text = &self.src[lo..hi];
        let tok = match raw {
            RawTok::Newline => {
                self.newline(lo);
                return Ok(());
            }
            RawTok::BlockComment => {
                if text.contains('\n') {
                    self.newline(lo);
                }
                return Ok(());
            }
            RawTok::UnterminatedComment => {
                self.error(lo, hi, "comment not terminated");
                return Ok(());
            }
            RawTok::Break => Tok::Break,
            RawTok::Case => Tok::Case,
            RawTok::Chan => Tok::Chan,
            RawTok::Const => Tok::Const,
            RawTok::Continue => Tok::Continue,
            RawTok::Default => Tok::Default,
            RawTok::Defer => Tok::Defer,
            RawTok::Else => Tok::Else,
            RawTok::Fallthrough => Tok::Fallthrough,
            RawTok::For => Tok::For,
            RawTok::Func => Tok::Func,
            RawTok::Go => Tok::Go,
            RawTok::Goto => Tok::Goto,
            RawTok::If => Tok::If,
            RawTok::Import => Tok::Import,
            RawTok::Interface => Tok::Interface,
            RawTok::Map => Tok::Map,
            RawTok::Package => Tok::Package,
            RawTok::Range => Tok::Range,
            RawTok::Return => Tok::Return,
            RawTok::Select => Tok::Select,
            RawTok::Struct => Tok::Struct,
            RawTok::Switch => Tok::Switch,
            RawTok::Type => Tok::Type,
            RawTok::Var => Tok::Var,
            RawTok::Ident => Tok::Ident(text),
            RawTok::Int => self.int_lit(text, lo, hi),
            RawTok::Float => Tok::Float(self.float_lit(text, lo, hi)),
            RawTok::Imag => Tok::Imag,
            RawTok::Rune => Tok::Rune(self.rune_lit(text, lo, hi)),
            RawTok::UnterminatedRune => {
                if self.src[hi..].starts_with('\n') {
                    self.error(hi, hi, "newline in rune literal");
                } else {
                    self.error(lo, lo, "rune literal not terminated");
                }
                Tok::Rune(0)
            }
            RawTok::Str => Tok::Str(self.unquote(&text[1..text.len() - 1], lo + 1, b'"')),
            RawTok::UnterminatedStr => {
                if self.src[hi..].starts_with('\n') {
                    self.error(hi, hi, "newline in string");
                } else {
                    self.error(lo, lo, "string not terminated");
                }
                Tok::Str(Vec::new())
            }
            RawTok::RawStr => {
                // Carriage returns are discarded from raw strings.
                let body = &text[1..text.len() - 1];
                Tok::Str(body.bytes().filter(|&b| b != b'\r').collect())
            }
            RawTok::UnterminatedRawStr => {
                self.error(lo, lo, "string not terminated");
                Tok::Str(Vec::new())
            }
            RawTok::LParen | RawTok::LBrack | RawTok::LBrace => {
                self.depth += 1;
                if self.depth > MAX_NESTING {
                    self.error(lo, hi, "nesting too deep");
                    return Err(TooDeep);
                }
                Tok::Op(raw)
            }
            RawTok::RParen | RawTok::RBrack | RawTok::RBrace => {
                self.depth = self.depth.saturating_sub(1);
                Tok::Op(raw)
            }
            RawTok::Semi => Tok::Semi(SemiKind::Explicit),
            op => Tok::Op(op),
        };
        self.push(lo, tok, hi);
        Ok(())
    }

    /// Go rejects a NUL byte anywhere, also inside a string or a comment,
    /// where the token rules let it through: the first one is reported.
    fn nul_inside_tokens(&mut self) {
        let Some(at) = self.src.find('\0') else {
            return;
        };
        let at_reported = self.errors.iter().any(|d| d.span.lo as usize == at);
        if !at_reported {
            self.bad_char(at);
            self.errors.sort_by_key(|d| d.span.lo);
        }
    }

    fn bad_char(&mut self, at: usize) {
        let c = self.src[at..].chars().next().unwrap_or('\0');
        let msg = if c == '\0' {
            "invalid NUL character".to_string()
        } else if c == '\u{feff}' {
            "invalid BOM in the middle of the file".to_string()
        } else {
            format!("invalid character U+{:04X} '{}'", c as u32, c)
        };
        self.error(at, at + c.len_utf8(), msg);
    }

    /// Checks an integer literal's digits and separators as Go's scanner
    /// does; the checker computes its value from the text.
    fn int_lit(&mut self, text: &'a str, lo: usize, hi: usize) -> Tok<'a> {
        let (radix, _) = int_digits(text);
        let name = match radix {
            16 => "hexadecimal",
            8 => "octal",
            2 => "binary",
            _ => "decimal",
        };
        let prefixed = text.len() >= 2 && text.as_bytes()[1].is_ascii_alphabetic();
        let digits_at = if prefixed { 2 } else { 0 };
        let digits = &text[digits_at..];
        if prefixed && !digits.bytes().any(|b| b.is_ascii_hexdigit()) {
            self.error(hi, hi, format!("{name} literal has no digits"));
            return Tok::Int("0");
        }
        if let Some(i) = digits.find(|c: char| c != '_' && !c.is_digit(radix)) {
            let at = lo + digits_at + i;
            let bad = digits[i..].chars().next().unwrap_or('?');
            self.error(
                at,
                at + 1,
                format!("invalid digit '{bad}' in {name} literal"),
            );
            return Tok::Int("0");
        }
        if let Some(i) = misplaced_separator(text) {
            self.error(lo + i, lo + i + 1, "'_' must separate successive digits");
            return Tok::Int("0");
        }
        Tok::Int(text)
    }

    /// Checks a floating-point literal's digits; the checker computes its
    /// exact value from the text.
    fn float_lit(&mut self, text: &'a str, lo: usize, hi: usize) -> &'a str {
        let digits: String = text.chars().filter(|&c| c != '_').collect();
        let hex = digits.starts_with("0x") || digits.starts_with("0X");
        let markers: &[char] = if hex { &['p', 'P'] } else { &['e', 'E'] };
        if let Some((_, exp)) = digits.split_once(markers)
            && !exp.contains(|c: char| c.is_ascii_digit())
        {
            self.error(hi, hi, "exponent has no digits");
            return "0.0";
        }
        let mantissa = digits[2.min(digits.len())..]
            .split(['p', 'P'])
            .next()
            .unwrap_or("");
        if hex && !mantissa.chars().any(|c| c.is_ascii_hexdigit()) {
            // Go reports it where the exponent starts.
            let at = lo + text.find(['p', 'P']).unwrap_or(text.len());
            self.error(at, at, "hexadecimal literal has no digits");
            return "0.0";
        }
        if hex && !digits.contains(['p', 'P']) {
            self.error(hi, hi, "hexadecimal mantissa requires a 'p' exponent");
            return "0.0";
        }
        let well_formed = if hex {
            parse_hex_float(&digits[2..]).is_some()
        } else {
            digits.parse::<f64>().is_ok()
        };
        if !well_formed {
            self.error(lo, hi, format!("malformed floating-point constant {text}"));
            return "0.0";
        }
        if let Some(i) = misplaced_separator(text) {
            self.error(lo + i, lo + i + 1, "'_' must separate successive digits");
            return "0.0";
        }
        text
    }

    fn rune_lit(&mut self, text: &str, lo: usize, hi: usize) -> u32 {
        let body = &text[1..text.len() - 1];
        if body.is_empty() {
            // Go reports it at the second quote.
            self.error(lo + 1, hi, "empty rune literal or unescaped '");
            return 0;
        }
        let mut chars = Vec::new();
        let mut rest = body;
        let mut at = lo + 1;
        while !rest.is_empty() {
            let (unit, len) = self.unit(rest, at, b'\'');
            chars.push(match unit {
                Unit::Char(c) => c as u32,
                Unit::Byte(b) => u32::from(b),
            });
            rest = &rest[len..];
            at += len;
        }
        if chars.len() != 1 {
            self.error(lo, hi, "more than one character in rune literal");
        }
        chars[0]
    }

    /// Decodes the body of an interpreted string literal into bytes.
    fn unquote(&mut self, body: &str, at: usize, quote: u8) -> Vec<u8> {
        let mut out = Vec::with_capacity(body.len());
        let mut rest = body;
        let mut pos = at;
        while !rest.is_empty() {
            let (unit, len) = self.unit(rest, pos, quote);
            match unit {
                Unit::Char(c) => out.extend_from_slice(c.encode_utf8(&mut [0; 4]).as_bytes()),
                Unit::Byte(b) => out.push(b),
            }
            rest = &rest[len..];
            pos += len;
        }
        out
    }

    /// Decodes one character or escape at the start of `s`; returns it and
    /// the number of source bytes it used.
    fn unit(&mut self, s: &str, at: usize, quote: u8) -> (Unit, usize) {
        let c = s.chars().next().unwrap_or('\0');
        if c != '\\' {
            return (Unit::Char(c), c.len_utf8());
        }
        let Some(e) = s[1..].chars().next() else {
            self.error(at, at + 1, "escape sequence not terminated");
            return (Unit::Byte(b'\\'), 1);
        };
        let simple = match e {
            'a' => Some(7),
            'b' => Some(8),
            'f' => Some(12),
            'n' => Some(b'\n'),
            'r' => Some(b'\r'),
            't' => Some(b'\t'),
            'v' => Some(11),
            '\\' => Some(b'\\'),
            '\'' if quote == b'\'' => Some(b'\''),
            '"' if quote == b'"' => Some(b'"'),
            _ => None,
        };
        if let Some(b) = simple {
            return (Unit::Byte(b), 2);
        }
        let (radix, count) = match e {
            '0'..='7' => (8, 3),
            'x' => (16, 2),
            'u' => (16, 4),
            'U' => (16, 8),
            _ => {
                // Go reports it at the character after the backslash.
                let next = at + 1;
                self.error(next, next + e.len_utf8(), "unknown escape");
                return (Unit::Char(e), 1 + e.len_utf8());
            }
        };
        let start = if radix == 8 { 1 } else { 2 };
        let mut used = start;
        let mut value = 0u32;
        for d in s[start..].chars().take(count) {
            let Some(digit) = d.to_digit(radix) else {
                let base = if radix == 8 { "octal" } else { "hexadecimal" };
                let msg = format!("invalid character {} in {base} escape", quote_rune(d));
                self.error(at + used, at + used + d.len_utf8(), msg);
                return (Unit::Byte(0), used);
            };
            value = value.wrapping_mul(radix).wrapping_add(digit);
            used += 1;
        }
        let end = at + used;
        if used - start < count {
            // The closing quote came too early.
            let base = if radix == 8 { "octal" } else { "hexadecimal" };
            let msg = format!(
                "invalid character {} in {base} escape",
                quote_rune(char::from(quote))
            );
            self.error(end, end + 1, msg);
            return (Unit::Byte(0), used);
        }
        match e {
            'u' | 'U' => match char::from_u32(value) {
                Some(ch) => (Unit::Char(ch), used),
                None => {
                    let msg = format!("escape is invalid Unicode code point U+{value:04X}");
                    self.error(end, end, msg);
                    (Unit::Char('\u{fffd}'), used)
                }
            },
            _ if value > 255 => {
                self.error(end, end, format!("octal escape value {value} > 255"));
                (Unit::Byte(0), used)
            }
            _ => (Unit::Byte(value as u8), used),
        }
    }
}

/// Where a number literal has a `_` that does not stand between two digits
/// (a base prefix counts as a digit before it), as Go reports it: the first
/// `_` preceded by something else, or one followed by neither a digit nor
/// another `_`.
fn misplaced_separator(text: &str) -> Option<usize> {
    let b = text.as_bytes();
    let prefixed = b.len() >= 2 && b[0] == b'0' && matches!(b[1] | 0x20, b'x' | b'o' | b'b');
    let hex = prefixed && b[1] | 0x20 == b'x';
    let is_digit = |c: u8| c.is_ascii_digit() || (hex && c.is_ascii_hexdigit());
    let start = if prefixed { 2 } else { 0 };
    for i in (start..b.len()).filter(|&i| b[i] == b'_') {
        let before = if i == start {
            prefixed
        } else {
            is_digit(b[i - 1])
        };
        if !before {
            return Some(i);
        }
        match b.get(i + 1) {
            Some(&c) if c == b'_' || is_digit(c) => {}
            _ => return Some(i),
        }
    }
    None
}

/// An integer literal's radix and its digits, without prefix or `_`.
pub fn int_digits(text: &str) -> (u32, String) {
    let digits: String = text.chars().filter(|&c| c != '_').collect();
    let (radix, prefix) = match digits.get(..2) {
        Some("0x" | "0X") => (16, 2),
        Some("0b" | "0B") => (2, 2),
        Some("0o" | "0O") => (8, 2),
        _ if digits.len() > 1 && digits.starts_with('0') => (8, 1),
        _ => (10, 0),
    };
    (radix, digits[prefix..].to_string())
}

enum Unit {
    Char(char),
    Byte(u8),
}

/// A character quoted as Go's `%q` shows a rune: `'g'`, `'"'`, `'\n'`.
fn quote_rune(c: char) -> String {
    match c {
        '\'' => r"'\''".to_string(),
        '\\' => r"'\\'".to_string(),
        '\n' => r"'\n'".to_string(),
        '\t' => r"'\t'".to_string(),
        '\r' => r"'\r'".to_string(),
        c if c.is_control() => format!("'\\x{:02x}'", c as u32),
        c => format!("'{c}'"),
    }
}

/// Parses the part of a hexadecimal float after `0x`: mantissa digits with an
/// optional point, then a binary exponent `p±N`.
fn parse_hex_float(s: &str) -> Option<f64> {
    let (mantissa, exp) = s.split_once(['p', 'P'])?;
    let exp: i32 = exp.parse().ok()?;
    let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let mut value = 0f64;
    for d in int.chars().chain(frac.chars()) {
        value = value * 16.0 + f64::from(d.to_digit(16)?);
    }
    let shift = exp - 4 * frac.len() as i32;
    Some(value * 2f64.powi(shift))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(src: &str) -> Vec<String> {
        lex(src)
            .tokens
            .into_iter()
            .map(|(_, t, _)| match t {
                Tok::Semi(SemiKind::Newline) => "⏎".to_string(),
                Tok::Semi(SemiKind::Eof) => "EOF;".to_string(),
                Tok::Semi(SemiKind::Explicit) => ";".to_string(),
                Tok::Ident(s) => s.to_string(),
                Tok::Int(v) => v.to_string(),
                Tok::Op(o) => format!("{o:?}"),
                other => format!("{other:?}"),
            })
            .collect()
    }

    #[test]
    fn semicolons_after_the_right_tokens() {
        assert_eq!(kinds("x\ny"), ["x", "⏎", "y", "EOF;"]);
        assert_eq!(kinds("x +\ny"), ["x", "Add", "y", "EOF;"]);
        assert_eq!(kinds("f()\n"), ["f", "LParen", "RParen", "⏎"]);
        assert_eq!(kinds("return\n"), ["Return", "⏎"]);
        assert_eq!(kinds("i++ // c\n"), ["i", "Inc", "⏎"]);
        assert_eq!(kinds("x /* a\nb */ y"), ["x", "⏎", "y", "EOF;"]);
        assert_eq!(kinds("x /* a */ y"), ["x", "y", "EOF;"]);
        assert_eq!(kinds("{\n}\n"), ["LBrace", "RBrace", "⏎"]);
    }

    #[test]
    fn integer_literals() {
        assert_eq!(
            kinds("0x_1F 0o17 017 0b101 1_000"),
            ["0x_1F", "0o17", "017", "0b101", "1_000", "EOF;"]
        );
        let bad = lex("09");
        assert_eq!(bad.errors[0].message, "invalid digit '9' in octal literal");
    }

    #[test]
    fn float_literals() {
        let floats: Vec<&str> = lex("1.5 .5 1e3 1_0.2_5 0x1p-2 0x1.8p1 2.")
            .tokens
            .into_iter()
            .filter_map(|(_, t, _)| match t {
                Tok::Float(f) => Some(f),
                _ => None,
            })
            .collect();
        assert_eq!(
            floats,
            ["1.5", ".5", "1e3", "1_0.2_5", "0x1p-2", "0x1.8p1", "2."]
        );
        let bad = lex("0x1.8");
        assert_eq!(
            bad.errors[0].message,
            "hexadecimal mantissa requires a 'p' exponent"
        );
        assert_eq!(bad.errors[0].span, Span::new(5, 5));
        for (src, at) in [("09.5e", 5), ("1e+", 3), ("0x1p-", 5), (".5E", 3)] {
            let bad = lex(src);
            assert_eq!(bad.errors[0].message, "exponent has no digits", "{src}");
            assert_eq!(bad.errors[0].span, Span::new(at, at), "{src}");
        }
        let bad = lex("0x.p1");
        assert_eq!(bad.errors[0].message, "hexadecimal literal has no digits");
        assert_eq!(bad.tokens[0].1, Tok::Float("0.0"));
    }

    #[test]
    fn string_and_rune_escapes() {
        let toks = lex(r#""a\tb\x41\u00e9\101\"" 'x' '\n' '\u00e9' `raw\n`"#).tokens;
        assert_eq!(toks[0].1, Tok::Str(b"a\tbA\xc3\xa9A\"".to_vec()));
        assert_eq!(toks[1].1, Tok::Rune('x' as u32));
        assert_eq!(toks[2].1, Tok::Rune(10));
        assert_eq!(toks[3].1, Tok::Rune(0xe9));
        assert_eq!(toks[4].1, Tok::Str(br"raw\n".to_vec()));
        assert_eq!(lex(r#""\xff""#).tokens[0].1, Tok::Str(vec![0xff]));
    }

    #[test]
    fn lexical_errors_are_reported_and_lexing_goes_on() {
        let lexed = lex("x @ y");
        assert_eq!(lexed.errors[0].message, "invalid character U+0040 '@'");
        assert_eq!(lexed.errors[0].span, Span::new(2, 3));
        assert_eq!(lexed.tokens.len(), 3);
        assert_eq!(lex("\"abc\n").errors[0].message, "newline in string");
        assert_eq!(
            lex("'ab'").errors[0].message,
            "more than one character in rune literal"
        );
        assert_eq!(lex(r#""\q""#).errors[0].message, "unknown escape");
        assert_eq!(lex(r#""\q""#).errors[0].span, Span::new(2, 3));
        let short = lex(r#""\x4""#).errors;
        assert_eq!(
            short[0].message,
            r#"invalid character '"' in hexadecimal escape"#
        );
        assert_eq!(short[0].span.lo, 4);
        assert_eq!(
            lex(r"'\xg0'").errors[0].message,
            "invalid character 'g' in hexadecimal escape"
        );
        assert_eq!(
            lex(r#""\uD800""#).errors[0].message,
            "escape is invalid Unicode code point U+D800"
        );
        assert_eq!(lex("\"ab\nc").errors[0].message, "newline in string");
        assert_eq!(lex("\"ab").errors[0].message, "string not terminated");
        assert_eq!(lex("/* x").errors[0].message, "comment not terminated");
        for src in ["// a\0b\n", "\"a\0b\"", "`a\0b`", "/* \0 */"] {
            let errors = lex(src).errors;
            assert_eq!(errors.len(), 1, "{src:?}");
            assert_eq!(errors[0].message, "invalid NUL character");
            assert_eq!(errors[0].span.lo as usize, src.find('\0').unwrap());
        }
    }

    #[test]
    fn deep_nesting_stops_lexing() {
        let src = "(".repeat(MAX_NESTING as usize);
        assert!(!lex(&src).aborted);
        let src = "(".repeat(MAX_NESTING as usize + 1);
        let lexed = lex(&src);
        assert!(lexed.aborted);
        assert_eq!(lexed.errors[0].message, "nesting too deep");
    }
}
