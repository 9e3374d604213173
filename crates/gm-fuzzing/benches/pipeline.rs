//! Front-end and lowering speed on a generated 10 000-line map-heavy
//! program: `check` (lex, parse, type-check) and `walk` (order, escape
//! analysis, walk, and the Go-like dump).

use gm_diag::Diagnostics;
use gm_fuzzing::large_program;

fn main() {
    divan::main();
}

const LINES: usize = 10_000;

fn source() -> String {
    large_program(LINES)
}

fn check(text: &str) -> gm_ir::Program {
    let (ast, errors) = gm_syntax::parse(text);
    assert!(errors.is_empty(), "{errors:?}");
    let mut diags = Diagnostics::new();
    gm_types::check(&ast.expect("parses"), &mut diags).expect("type-checks")
}

#[divan::bench(sample_count = 20)]
fn check_10k_lines(bencher: divan::Bencher) {
    let text = source();
    bencher
        .counter(divan::counter::ItemsCount::new(text.lines().count()))
        .bench(|| check(divan::black_box(&text)));
}

#[divan::bench(sample_count = 20)]
fn walk_and_dump_10k_lines(bencher: divan::Bencher) {
    let text = source();
    bencher
        .counter(divan::counter::ItemsCount::new(text.lines().count()))
        .with_inputs(|| check(&text))
        .bench_values(|mut program| {
            gm_walk::order(&mut program);
            gm_walk::walk(&mut program);
            gm_walk::dump::dump_program(&program)
        });
}
