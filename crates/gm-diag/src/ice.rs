//! Internal compiler errors: an invariant of gm itself that does not hold.
//!
//! They are not diagnostics about the program: they print as
//! `gm: internal compiler error: …`, name the function and position being
//! compiled, ask for a report, and exit with [`EXIT_STATUS`] — never 1 (the
//! program has errors) or 2 (the program panicked).
//!
//! The passes say where they are with [`enter`], so that a Rust panic deep
//! inside one (caught by the `gm` command's panic hook) can still say which
//! function it was compiling.

use std::cell::RefCell;

use crate::{SourceFile, Span};

/// The exit status of an internal compiler error (`EX_SOFTWARE` of
/// sysexits.h).
pub const EXIT_STATUS: u8 = 70;

/// Where an internal error happened.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Place {
    pub func: Option<String>,
    pub span: Option<Span>,
}

#[derive(Default)]
struct Context {
    file: Option<SourceFile>,
    place: Place,
}

thread_local! {
    static CONTEXT: RefCell<Context> = RefCell::default();
}

/// Records the file being compiled on this thread.
pub fn set_file(file: &SourceFile) {
    CONTEXT.with(|c| {
        let mut c = c.borrow_mut();
        c.file = Some(SourceFile::new(&file.name, &file.text));
        c.place = Place::default();
    });
}

/// Records that a pass is now working on function `func` at `span`.
pub fn enter(func: &str, span: Span) {
    CONTEXT.with(|c| {
        c.borrow_mut().place = Place {
            func: Some(func.to_string()),
            span: Some(span),
        }
    });
    injected_failure(func);
}

/// Debug builds fail on purpose in the function named by `GM_DEBUG_ICE`,
/// so that tests can see how a broken invariant is reported.
fn injected_failure(func: &str) {
    if cfg!(debug_assertions) {
        static TARGET: std::sync::OnceLock<Option<String>> = std::sync::OnceLock::new();
        let target = TARGET.get_or_init(|| std::env::var("GM_DEBUG_ICE").ok());
        if target.as_deref() == Some(func) {
            panic!("failure injected by GM_DEBUG_ICE");
        }
    }
}

/// Records that the pass has moved on to the statement at `span`.
pub fn at(span: Span) {
    CONTEXT.with(|c| c.borrow_mut().place.span = Some(span));
}

/// The place last [`enter`]ed on this thread.
pub fn current() -> Place {
    CONTEXT.with(|c| c.borrow().place.clone())
}

/// The report of an internal error at `place` (the recorded file, if any,
/// turns its span into a position).
pub fn render(message: &str, place: &Place) -> String {
    let mut out = format!("gm: internal compiler error: {message}\n");
    let pos = CONTEXT.with(|c| {
        let c = c.borrow();
        let file = c.file.as_ref()?;
        let span = place.span?;
        let lc = file.line_col(span.lo.min(file.text.len() as u32));
        Some(format!("{}:{}:{}", file.name, lc.line, lc.col))
    });
    match (&place.func, pos) {
        (Some(f), Some(p)) => out.push_str(&format!("  in function {f}, at {p}\n")),
        (Some(f), None) => out.push_str(&format!("  in function {f}\n")),
        (None, Some(p)) => out.push_str(&format!("  at {p}\n")),
        (None, None) => {}
    }
    out.push_str(
        "  This is a bug in gm, not in the program. Please report it, with the .gm file that \
         triggers it.\n",
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_the_function_and_position() {
        set_file(&SourceFile::new(
            "x.gm",
            "package main\n\nfunc main() {\n}\n",
        ));
        enter("main", Span::new(14, 18));
        let text = render("walk left a map read unlowered", &current());
        assert_eq!(
            text.lines().take(2).collect::<Vec<_>>(),
            [
                "gm: internal compiler error: walk left a map read unlowered",
                "  in function main, at x.gm:3:1"
            ]
        );
        assert!(text.contains("Please report it"));
    }
}
