//! Glue between the lexer, the generated parser and gm's diagnostics.

use gm_diag::{Diagnostic, Span};
use lalrpop_util::ParseError;

use crate::actions::SyntaxError;
use crate::ast::File;
use crate::grammar::FileParser;
use crate::lexer::{self, SemiKind, Tok};
use crate::token::RawTok;

/// Parses a whole file. Lexical errors are all reported; parsing stops at
/// the first syntax error, whose message names what was found and, when the
/// list is short, what was expected.
pub fn parse(src: &str) -> (Option<File>, Vec<Diagnostic>) {
    let lexed = lexer::lex(src);
    let mut diags = lexed.errors;
    if lexed.aborted {
        return (None, diags);
    }
    let context: Vec<(usize, Shape)> = lexed
        .tokens
        .iter()
        .map(|(lo, t, _)| (*lo, shape(t)))
        .collect();
    let tokens = lexed.tokens.into_iter().map(Ok::<_, SyntaxError>);
    match FileParser::new().parse(tokens) {
        Ok(file) if diags.is_empty() => (Some(file), diags),
        Ok(_) => (None, diags),
        // A lexical error that ran to the end of the file (an unterminated
        // comment or string) already explains a premature end.
        Err(ParseError::UnrecognizedEof { .. }) if !diags.is_empty() => (None, diags),
        Err(err) => {
            diags.push(syntax_error(err, src, &context));
            diags.sort_by_key(|d| d.span.lo);
            (None, diags)
        }
    }
}

/// What the error messages need to know about a token.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Shape {
    Open(RawTok),
    Close,
    /// A statement separator: `;` or an inserted newline.
    Semi,
    NewlineSemi,
    Keyword(&'static str),
    /// `:=` and `=`.
    Define,
    Assign,
    Other,
}

fn shape(tok: &Tok<'_>) -> Shape {
    match tok {
        Tok::Op(op @ (RawTok::LParen | RawTok::LBrack | RawTok::LBrace)) => Shape::Open(*op),
        Tok::Op(RawTok::RParen | RawTok::RBrack | RawTok::RBrace) => Shape::Close,
        Tok::Semi(SemiKind::Newline) => Shape::NewlineSemi,
        Tok::Semi(_) => Shape::Semi,
        Tok::If => Shape::Keyword("if"),
        Tok::For => Shape::Keyword("for"),
        Tok::Switch => Shape::Keyword("switch"),
        Tok::Op(RawTok::Define) => Shape::Define,
        Tok::Op(RawTok::Assign) => Shape::Assign,
        _ => Shape::Other,
    }
}

/// The innermost bracket still open before token `at`, and the keyword that
/// starts the statement containing it (at that bracket level).
fn enclosing(context: &[(usize, Shape)], at: usize) -> (Option<RawTok>, Option<&'static str>) {
    let mut depth = 0usize;
    let mut keyword = None;
    let mut seen_sep = false;
    for &(_, shape) in context[..at].iter().rev() {
        match shape {
            Shape::Close => depth += 1,
            Shape::Open(op) if depth == 0 => return (Some(op), keyword),
            Shape::Open(_) => depth -= 1,
            // An explicit `;` may be part of a `for` header; a line break
            // always ends the statement.
            Shape::NewlineSemi if depth == 0 => seen_sep = true,
            Shape::Keyword(k) if depth == 0 && !seen_sep => keyword = Some(k),
            _ => {}
        }
    }
    (None, keyword)
}

fn syntax_error(
    err: ParseError<usize, Tok<'_>, SyntaxError>,
    src: &str,
    context: &[(usize, Shape)],
) -> Diagnostic {
    let eof = src.len();
    match err {
        ParseError::User { error } => Diagnostic::error(error.span, error.message),
        ParseError::UnrecognizedEof { location, expected } => Diagnostic::error(
            Span::new(location.min(eof), location.min(eof)),
            format!("syntax error: unexpected EOF{}", expecting(&expected)),
        ),
        ParseError::UnrecognizedToken {
            token: (lo, tok, hi),
            expected,
        } => {
            let at = context.partition_point(|&(pos, _)| pos < lo);
            // `if x` NEWLINE `{`: the newline ended the header too early.
            if tok == Tok::Op(RawTok::LBrace)
                && at > 0
                && context[at - 1].1 == Shape::NewlineSemi
                && let (_, Some(k)) = enclosing(context, at - 1)
            {
                let nl = context[at - 1].0;
                let msg = format!("syntax error: unexpected newline, expected {{ after {k} clause");
                return Diagnostic::error(Span::new(nl, nl + 1), msg);
            }
            let (open, keyword) = enclosing(context, at);
            if tok == Tok::Op(RawTok::LBrace)
                && keyword.is_some()
                && let Some(d) = header_statement_as_value(src, context, at)
            {
                return d;
            }
            let has = |t: &str| expected.iter().any(|e| e.trim_matches('"') == t);
            if open.is_none() && has("func") && has("var") && has("type") {
                // Where a top-level declaration should start.
                let msg = if tok == Tok::Op(RawTok::LBrace)
                    && at > 0
                    && context[at - 1].1 == Shape::NewlineSemi
                {
                    "unexpected semicolon or newline before {"
                } else {
                    "non-declaration statement outside function body"
                };
                return Diagnostic::error(Span::new(lo, hi), format!("syntax error: {msg}"));
            }
            let msg = explain(&describe(&tok), &expected, open, keyword);
            Diagnostic::error(Span::new(lo, hi), format!("syntax error: {msg}"))
        }
        ParseError::ExtraToken {
            token: (lo, tok, hi),
        } => Diagnostic::error(
            Span::new(lo, hi),
            format!(
                "syntax error: unexpected {} after top level declaration",
                describe(&tok)
            ),
        ),
        ParseError::InvalidToken { location } => {
            Diagnostic::error(Span::new(location, location), "syntax error: invalid token")
        }
    }
}

/// `if x := 1 {`: the header's simple statement, used where a condition
/// belongs, reported at its operator as Go's parser does.
fn header_statement_as_value(
    src: &str,
    context: &[(usize, Shape)],
    at: usize,
) -> Option<Diagnostic> {
    let mut depth = 0usize;
    let mut op = None;
    let mut start = None;
    for i in (0..at).rev() {
        match context[i].1 {
            Shape::Close => depth += 1,
            Shape::Open(_) if depth > 0 => depth -= 1,
            Shape::Open(_) | Shape::NewlineSemi => return None,
            Shape::Define | Shape::Assign if depth == 0 => op = Some(i),
            Shape::Semi | Shape::Keyword(_) if depth == 0 => {
                start = Some(i + 1);
                break;
            }
            _ => {}
        }
    }
    let (start, op) = (start?, op?);
    if start >= at {
        return None;
    }
    let text = src.get(context[start].0..context[at].0)?;
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let what = if context[op].1 == Shape::Assign {
        format!("assignment {text}")
    } else {
        text
    };
    let pos = context[op].0;
    let msg = format!("syntax error: cannot use {what} as value");
    Some(Diagnostic::error(Span::new(pos, pos + 1), msg))
}

/// Phrases an unexpected token the way Go's parser does for the same spot.
fn explain(
    found: &str,
    expected: &[String],
    open: Option<RawTok>,
    keyword: Option<&str>,
) -> String {
    let has = |t: &str| expected.iter().any(|e| e.trim_matches('"') == t);
    let stmt_start = has("if") && has("for") && has("return");
    let expr_start = has("ident") && has("int") && has("string");
    if stmt_start {
        return format!("unexpected {found}, expected }}");
    }
    if expr_start && !has(";") {
        return format!("unexpected {found}, expected expression");
    }
    // After an expression list at the start of a statement only an
    // assignment can follow.
    if has(":=") && has("=") && !has(";") {
        return format!("unexpected {found}, expected := or = or comma");
    }
    match open {
        Some(RawTok::LParen) if has(",") && has(")") => {
            return format!("unexpected {found} in argument list; possibly missing comma or )");
        }
        // A statement list may also be followed by `}` and a `,`-list,
        // but only a statement may end in `;`.
        Some(RawTok::LBrace) if has(",") && has("}") && !has(";") => {
            return format!(
                "unexpected {found} in composite literal; possibly missing comma or }}"
            );
        }
        _ => {}
    }
    if let Some(k) = keyword
        && has("{")
    {
        return format!("unexpected {found}, expected {{ after {k} clause");
    }
    if has(";") {
        return match open {
            None => format!("unexpected {found} after top level declaration"),
            Some(_) => format!("unexpected {found} at end of statement"),
        };
    }
    format!("unexpected {found}{}", expecting(expected))
}

/// Names a token the way Go's parser does in `unexpected X`.
fn describe(tok: &Tok<'_>) -> String {
    match tok {
        Tok::Ident(name) => format!("name {name}"),
        Tok::Int(text) | Tok::Float(text) => format!("literal {text}"),
        Tok::Imag | Tok::Rune(_) | Tok::Str(_) => "literal".to_string(),
        Tok::Semi(SemiKind::Newline) => "newline".to_string(),
        Tok::Semi(SemiKind::Eof) => "EOF".to_string(),
        Tok::Semi(SemiKind::Explicit) => "semicolon".to_string(),
        Tok::Op(op) => op_text(*op).to_string(),
        keyword => format!("{keyword:?}").to_lowercase(),
    }
}

fn op_text(op: RawTok) -> &'static str {
    use RawTok::*;
    match op {
        Add => "+",
        Sub => "-",
        Mul => "*",
        Quo => "/",
        Rem => "%",
        And => "&",
        Or => "|",
        Xor => "^",
        Shl => "<<",
        Shr => ">>",
        AndNot => "&^",
        AddAssign => "+=",
        SubAssign => "-=",
        MulAssign => "*=",
        QuoAssign => "/=",
        RemAssign => "%=",
        AndAssign => "&=",
        OrAssign => "|=",
        XorAssign => "^=",
        ShlAssign => "<<=",
        ShrAssign => ">>=",
        AndNotAssign => "&^=",
        AndAnd => "&&",
        OrOr => "||",
        Arrow => "<-",
        Inc => "++",
        Dec => "--",
        Eql => "==",
        Lss => "<",
        Gtr => ">",
        Assign => "=",
        Not => "!",
        Tilde => "~",
        Neq => "!=",
        Leq => "<=",
        Geq => ">=",
        Define => ":=",
        Ellipsis => "...",
        LParen => "(",
        RParen => ")",
        LBrack => "[",
        RBrack => "]",
        LBrace => "{",
        RBrace => "}",
        Comma => "comma",
        Semi => "semicolon",
        Period => ".",
        Colon => ":",
        _ => "token",
    }
}

/// `, expected X, Y or Z` for short lists of expected terminals.
fn expecting(expected: &[String]) -> String {
    let names: Vec<String> = expected
        .iter()
        .map(|e| {
            let e = e.trim_matches('"');
            match e {
                "ident" => "name".to_string(),
                ";" => "semicolon or newline".to_string(),
                "," => "comma".to_string(),
                "int" | "float" | "imag" | "rune" | "string" => "literal".to_string(),
                other => other.to_string(),
            }
        })
        .collect();
    let mut names: Vec<String> = names.into_iter().fold(Vec::new(), |mut v, n| {
        if !v.contains(&n) {
            v.push(n);
        }
        v
    });
    if names.is_empty() || names.len() > 4 {
        return String::new();
    }
    let last = names.pop().unwrap_or_default();
    if names.is_empty() {
        format!(", expected {last}")
    } else {
        format!(", expected {} or {last}", names.join(", "))
    }
}
