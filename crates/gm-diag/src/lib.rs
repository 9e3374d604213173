//! Source files, byte spans and diagnostics.
//!
//! Every stage of gm reports problems as [`Diagnostic`]s pushed into a
//! [`Diagnostics`] sink; nothing in the compiler prints or exits on bad input.
//! A diagnostic renders in Go's short form, `file:line:col: message`, and —
//! in the default rich form — is followed by the source line and a caret drawn
//! by codespan-reporting.

pub mod ice;

use codespan_reporting::diagnostic::{Diagnostic as CsDiagnostic, Label};
use codespan_reporting::files::SimpleFile;
use codespan_reporting::term::{self, Chars, Config, DisplayStyle};

/// Go stops after ten errors; so does gm.
pub const MAX_ERRORS: usize = 10;

/// A half-open byte range `lo..hi` in one source file.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Span {
    pub lo: u32,
    pub hi: u32,
}

impl Span {
    pub const DUMMY: Span = Span { lo: 0, hi: 0 };

    pub fn new(lo: usize, hi: usize) -> Span {
        Span {
            lo: lo as u32,
            hi: hi as u32,
        }
    }

    /// The smallest span covering both.
    pub fn to(self, other: Span) -> Span {
        Span {
            lo: self.lo.min(other.lo),
            hi: self.hi.max(other.hi),
        }
    }

    /// An empty span at the start of this one.
    pub fn start(self) -> Span {
        Span {
            lo: self.lo,
            hi: self.lo,
        }
    }
}

/// A source file: its name as given on the command line, its text, and the
/// byte offset where each line starts.
pub struct SourceFile {
    pub name: String,
    pub text: String,
    line_starts: Vec<u32>,
}

/// A 1-based line and byte column, as Go reports positions.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LineCol {
    pub line: u32,
    pub col: u32,
}

impl SourceFile {
    pub fn new(name: impl Into<String>, text: impl Into<String>) -> SourceFile {
        let text = text.into();
        let mut line_starts = vec![0];
        line_starts.extend(
            text.bytes()
                .enumerate()
                .filter(|&(_, b)| b == b'\n')
                .map(|(i, _)| i as u32 + 1),
        );
        SourceFile {
            name: name.into(),
            text,
            line_starts,
        }
    }

    pub fn line_col(&self, offset: u32) -> LineCol {
        let line = self.line_starts.partition_point(|&s| s <= offset) - 1;
        LineCol {
            line: line as u32 + 1,
            col: offset - self.line_starts[line] + 1,
        }
    }

    /// The 1-based line number of a byte offset.
    pub fn line(&self, offset: u32) -> u32 {
        self.line_col(offset).line
    }
}

/// One problem found in a source file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    pub span: Span,
    pub message: String,
    pub notes: Vec<String>,
}

impl Diagnostic {
    pub fn error(span: Span, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            span,
            message: message.into(),
            notes: Vec::new(),
        }
    }

    pub fn with_note(mut self, note: impl Into<String>) -> Diagnostic {
        self.notes.push(note.into());
        self
    }
}

/// The sink every stage reports into. It keeps the diagnostics in the order
/// they were found, drops exact duplicates, and records when the limit of
/// [`MAX_ERRORS`] was passed.
#[derive(Default, Debug)]
pub struct Diagnostics {
    list: Vec<Diagnostic>,
    overflowed: bool,
}

impl Diagnostics {
    pub fn new() -> Diagnostics {
        Diagnostics::default()
    }

    pub fn push(&mut self, diag: Diagnostic) {
        if self.list.contains(&diag) {
            return;
        }
        if self.list.len() >= MAX_ERRORS {
            self.overflowed = true;
            return;
        }
        self.list.push(diag);
    }

    pub fn error(&mut self, span: Span, message: impl Into<String>) {
        self.push(Diagnostic::error(span, message));
    }

    pub fn has_errors(&self) -> bool {
        !self.list.is_empty()
    }

    /// True once no more diagnostics will be kept.
    pub fn is_full(&self) -> bool {
        self.list.len() >= MAX_ERRORS
    }

    pub fn len(&self) -> usize {
        self.list.len()
    }

    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = &Diagnostic> {
        self.list.iter()
    }

    /// Sorts by position, as Go reports errors in source order.
    pub fn sort(&mut self) {
        self.list.sort_by_key(|d| d.span.lo);
    }

    pub fn overflowed(&self) -> bool {
        self.overflowed
    }
}

/// How diagnostics are rendered.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Style {
    /// `file:line:col: message` only, one line each (what `go build` prints).
    Short,
    /// The short line followed by the source line and a caret.
    #[default]
    Rich,
}

/// Renders all diagnostics, plus Go's `too many errors` line when the limit
/// was passed.
pub fn render(file: &SourceFile, diags: &Diagnostics, style: Style) -> String {
    let mut out = String::new();
    for d in diags.iter() {
        out.push_str(&render_one(file, d, style));
    }
    if diags.overflowed() {
        out.push_str("too many errors\n");
    }
    out
}

/// Renders one diagnostic.
pub fn render_one(file: &SourceFile, d: &Diagnostic, style: Style) -> String {
    let pos = file.line_col(d.span.lo);
    let mut out = format!("{}:{}:{}: {}\n", file.name, pos.line, pos.col, d.message);
    if style == Style::Rich {
        out.push_str(&snippet(file, d));
    }
    out
}

/// The source excerpt under a diagnostic, drawn by codespan-reporting. Its
/// own header line repeats the message and is dropped in favour of Go's.
fn snippet(file: &SourceFile, d: &Diagnostic) -> String {
    let files = SimpleFile::new(file.name.as_str(), file.text.as_str());
    let lo = floor_char_boundary(&file.text, d.span.lo as usize);
    let hi = floor_char_boundary(&file.text, (d.span.hi as usize).max(lo));
    // A caret under the first character is clearer than a long underline.
    let hi = if hi == lo || file.text[lo..hi].contains('\n') {
        next_char_boundary(&file.text, lo)
    } else {
        hi
    };
    let diag = CsDiagnostic::error()
        .with_message(d.message.as_str())
        .with_labels(vec![Label::primary((), lo..hi)])
        .with_notes(d.notes.clone());
    let config = Config {
        display_style: DisplayStyle::Rich,
        chars: Chars::ascii(),
        ..Config::default()
    };
    match term::emit_into_string(&config, &files, &diag) {
        Ok(text) => text
            .split_once('\n')
            .map(|(_, rest)| rest.to_string())
            .unwrap_or_default(),
        Err(_) => String::new(),
    }
}

fn floor_char_boundary(text: &str, at: usize) -> usize {
    let mut at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

fn next_char_boundary(text: &str, at: usize) -> usize {
    text[at..]
        .chars()
        .next()
        .map(|c| at + c.len_utf8())
        .unwrap_or(at)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_bytes_from_one() {
        let f = SourceFile::new("x.gm", "ab\ncd\n\nef");
        assert_eq!(f.line_col(0), LineCol { line: 1, col: 1 });
        assert_eq!(f.line_col(4), LineCol { line: 2, col: 2 });
        assert_eq!(f.line_col(6), LineCol { line: 3, col: 1 });
        assert_eq!(f.line_col(8), LineCol { line: 4, col: 2 });
    }

    #[test]
    fn short_and_rich_rendering() {
        let f = SourceFile::new("x.gm", "package main\nfunc main() {\n\tx := 1\n}\n");
        let mut diags = Diagnostics::new();
        diags.error(Span::new(28, 29), "declared and not used: x");
        assert_eq!(
            render(&f, &diags, Style::Short),
            "x.gm:3:2: declared and not used: x\n"
        );
        let rich = render(&f, &diags, Style::Rich);
        assert!(rich.starts_with("x.gm:3:2: declared and not used: x\n"));
        assert!(rich.contains("x := 1"), "{rich}");
        assert!(rich.contains('^'), "{rich}");
    }

    #[test]
    fn spans_inside_a_character_still_render() {
        let f = SourceFile::new("x.gm", "a\u{fffd}b");
        let mut diags = Diagnostics::new();
        diags.error(Span::new(1, 2), "invalid UTF-8 encoding");
        assert!(render(&f, &diags, Style::Rich).starts_with("x.gm:1:2: invalid UTF-8 encoding\n"));
    }

    #[test]
    fn stops_after_ten_and_says_so() {
        let f = SourceFile::new("x.gm", "x");
        let mut diags = Diagnostics::new();
        for i in 0..12 {
            diags.error(Span::new(0, 1), format!("e{i}"));
        }
        assert_eq!(diags.len(), MAX_ERRORS);
        assert!(render(&f, &diags, Style::Short).ends_with("too many errors\n"));
    }
}
