//! The pipeline as a library: source file → AST → typed IR → (order, walk)
//! → native code, with a dump of every stage. The `gm` binary and the test
//! runner call this; nothing here prints or exits.

use std::path::Path;

pub mod explore;
pub mod trace;

use gm_diag::{Diagnostic, Diagnostics, SourceFile, Span, Style, ice};
use gm_ir::Program;
use gm_syntax::ast;

/// A stage whose output `gm dump` can print.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stage {
    Ast,
    Typed,
    /// After the order pass.
    Order,
    /// After the walk pass (the lowered IR the JIT compiles).
    Walk,
    /// Before and after walk, function by function.
    WalkDiff,
    /// Cranelift IR.
    Clif,
    /// Machine code.
    Asm,
}

pub use gm_codegen::{PROGRAM_STACK, RunOptions};
#[cfg(target_os = "linux")]
pub use gm_runtime::alloc::run_on_new_stack;
pub use gm_walk::dump::map_calls;

/// Compilation failed: the rendered report and the exit status it calls
/// for (1 for diagnostics, [`ice::EXIT_STATUS`] for a bug in gm).
#[derive(Debug)]
pub struct Failed {
    pub text: String,
    pub status: u8,
}

impl Failed {
    /// Diagnostics (or an unreadable file): the program is at fault.
    pub fn new(text: String) -> Failed {
        Failed { text, status: 1 }
    }

    /// An internal compiler error.
    pub fn internal(text: String) -> Failed {
        Failed {
            text,
            status: ice::EXIT_STATUS,
        }
    }
}

/// Reads a source file. Bytes that are not UTF-8 are an error at their
/// position (the text is kept, lossily, so the error can be shown).
pub fn load(path: &Path) -> Result<SourceFile, Failed> {
    let name = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|e| Failed::new(format!("gm: {name}: {e}\n")))?;
    load_bytes(&name, bytes)
}

pub fn load_bytes(name: &str, bytes: Vec<u8>) -> Result<SourceFile, Failed> {
    match String::from_utf8(bytes) {
        Ok(text) => Ok(SourceFile::new(name, text)),
        Err(e) => {
            let at = e.utf8_error().valid_up_to();
            let text = String::from_utf8_lossy(e.as_bytes()).into_owned();
            let file = SourceFile::new(name, text);
            let mut diags = Diagnostics::new();
            diags.error(Span::new(at, at + 1), "invalid UTF-8 encoding");
            Err(Failed::new(gm_diag::render(&file, &diags, Style::Rich)))
        }
    }
}

fn fail(file: &SourceFile, diags: Vec<Diagnostic>, style: Style) -> Failed {
    let mut sink = Diagnostics::new();
    for d in diags {
        sink.push(d);
    }
    sink.sort();
    Failed::new(gm_diag::render(file, &sink, style))
}

pub fn parse(file: &SourceFile, style: Style) -> Result<ast::File, Failed> {
    ice::set_file(file);
    let (ast, diags) = gm_syntax::parse(&file.text);
    match ast {
        Some(ast) if diags.is_empty() => Ok(ast),
        _ => Err(fail(file, diags, style)),
    }
}

/// Parses and type-checks a file.
pub fn check(file: &SourceFile, style: Style) -> Result<Program, Failed> {
    let ast = parse(file, style)?;
    let mut diags = Diagnostics::new();
    match gm_types::check_source(&ast, file, &mut diags) {
        Some(p) if !diags.has_errors() => Ok(p),
        _ => {
            let list: Vec<Diagnostic> = diags.iter().cloned().collect();
            let overflowed = diags.overflowed();
            let mut out = fail(file, list, style);
            if overflowed && !out.text.ends_with("too many errors\n") {
                out.text.push_str("too many errors\n");
            }
            Err(out)
        }
    }
}

/// Checks and lowers a file: the program the JIT compiles.
pub fn lower(file: &SourceFile, style: Style) -> Result<Program, Failed> {
    let mut program = check(file, style)?;
    gm_walk::order(&mut program);
    gm_walk::walk(&mut program);
    Ok(program)
}

/// Compiles and runs a file; returns the exit status.
pub fn run(file: &SourceFile, style: Style, opts: &RunOptions) -> Result<i32, Failed> {
    let program = lower(file, style)?;
    let status = gm_codegen::run(&program, opts).map_err(|e| codegen_failed(file, e));
    if opts.release_compiler_pages {
        // The process ends next (see RunOptions): freeing the program
        // would only bring the compiler's pages back.
        std::mem::forget(program);
    }
    status
}

pub(crate) fn codegen_failed(file: &SourceFile, e: gm_codegen::CodegenError) -> Failed {
    if e.internal {
        Failed::internal(ice::render(&e.message, &e.place))
    } else {
        Failed::new(format!("gm: {}: {}\n", file.name, e.message))
    }
}

/// The text of one stage's dump.
pub fn dump(file: &SourceFile, stage: Stage, style: Style) -> Result<String, Failed> {
    match stage {
        Stage::Ast => {
            let ast = parse(file, style)?;
            Ok(gm_syntax::dump::dump_file(file, &ast))
        }
        Stage::Typed => {
            let program = check(file, style)?;
            Ok(gm_ir::dump::dump_program(&program))
        }
        Stage::Order => {
            let mut program = check(file, style)?;
            gm_walk::order(&mut program);
            Ok(gm_walk::dump::dump_program(&program))
        }
        Stage::Walk => {
            let program = lower(file, style)?;
            Ok(gm_walk::dump::dump_program(&program))
        }
        Stage::WalkDiff => {
            let mut program = check(file, style)?;
            gm_walk::order(&mut program);
            let before = gm_walk::dump::dump_functions(&program);
            gm_walk::walk(&mut program);
            let after = gm_walk::dump::dump_functions(&program);
            Ok(gm_walk::dump::side_by_side(&before, &after))
        }
        Stage::Clif => {
            let program = lower(file, style)?;
            gm_codegen::dump_clif(&program).map_err(|e| codegen_failed(file, e))
        }
        Stage::Asm => {
            let program = lower(file, style)?;
            gm_codegen::dump_asm(&program).map_err(|e| codegen_failed(file, e))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codegen_bugs_are_internal_errors_with_their_place() {
        let file = SourceFile::new(
            "bug.gm",
            "package main\n\nfunc main() {\n\tm := map[int]int{}\n\tm[1] = 2\n}\n",
        );
        // Skipping walk leaves map operations codegen cannot translate.
        let program = check(&file, Style::Short).expect("checks");
        let e = gm_codegen::compile(&program).err().expect("fails");
        let failed = codegen_failed(&file, e);
        assert_eq!(failed.status, ice::EXIT_STATUS);
        let mut lines = failed.text.lines();
        assert!(
            lines
                .next()
                .is_some_and(|l| l.starts_with("gm: internal compiler error: ")),
            "{}",
            failed.text
        );
        assert_eq!(lines.next(), Some("  in function main, at bug.gm:4:2"));
        assert!(failed.text.contains("Please report it"));
    }
}
