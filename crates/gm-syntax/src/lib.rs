//! The `.gm` front end up to the syntax tree: a logos lexer with Go's
//! semicolon insertion ([`lexer`]), a lalrpop grammar (`grammar/gm.lalrpop`)
//! and the AST ([`ast`]). [`parse`] turns source text into a [`ast::File`]
//! plus diagnostics; it never panics and bounds nesting depth so that later,
//! recursive passes cannot overflow the stack.

mod actions;
pub mod ast;
pub mod dump;
pub mod exprtext;
pub mod lexer;
mod parse;
pub mod token;

lalrpop_util::lalrpop_mod!(
    #[allow(clippy::all, clippy::pedantic, unused)]
    grammar,
    "/gm.rs"
);

pub use parse::parse;
