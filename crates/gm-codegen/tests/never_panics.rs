//! Property test: every program the front end accepts either compiles or
//! fails with a `CodegenError`; code generation never panics.

use gm_diag::Diagnostics;
use gm_fuzzing::{expr, large_program, program_with};
use proptest::prelude::*;

/// Lowers a text that checks; `None` when the front end rejects it.
fn lower(text: &str) -> Option<gm_ir::Program> {
    let (ast, errors) = gm_syntax::parse(text);
    if !errors.is_empty() {
        return None;
    }
    let mut diags = Diagnostics::new();
    let mut program = gm_types::check(&ast?, &mut diags)?;
    if diags.has_errors() {
        return None;
    }
    gm_walk::order(&mut program);
    gm_walk::walk(&mut program);
    Some(program)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn random_expressions_compile(e in expr(5)) {
        if let Some(p) = lower(&program_with(&e)) {
            let r = gm_codegen::compile(&p);
            prop_assert!(r.is_ok(), "{}: {:?}", e, r.err());
        }
    }
}

#[test]
fn a_large_generated_program_compiles() {
    let p = lower(&large_program(2000)).expect("valid program");
    gm_codegen::compile(&p).expect("compiles");
}
