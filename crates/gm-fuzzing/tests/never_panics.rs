//! Property tests: no source text makes the front end or the lowering
//! passes panic, and generated valid programs are accepted.

use gm_diag::{Diagnostics, SourceFile, Style};
use gm_fuzzing::{expr, large_program, program_with};
use proptest::prelude::*;

/// Parses, checks and lowers a source text, rendering any errors; errors
/// are fine, panics are not. Returns the rendered errors.
fn compile(text: &str) -> Result<(), String> {
    let file = SourceFile::new("fuzz.gm", text);
    let (ast, errors) = gm_syntax::parse(&file.text);
    let mut diags = Diagnostics::new();
    for e in errors {
        diags.push(e);
    }
    if let Some(ast) = ast.filter(|_| !diags.has_errors())
        && let Some(mut program) = gm_types::check(&ast, &mut diags)
    {
        gm_walk::order(&mut program);
        gm_walk::walk(&mut program);
        let _ = gm_walk::dump::dump_program(&program);
        return Ok(());
    }
    Err(gm_diag::render(&file, &diags, Style::Rich))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn random_expressions_never_panic(e in expr(6)) {
        let _ = compile(&program_with(&e));
    }

    #[test]
    fn random_text_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        let _ = compile(&String::from_utf8_lossy(&bytes));
    }

    #[test]
    fn random_token_soup_never_panics(words in proptest::collection::vec(
        prop_oneof![
            Just("func"), Just("main"), Just("("), Just(")"), Just("{"), Just("}"), Just("["), Just("]"),
            Just("map"), Just("int"), Just("x"), Just(":="), Just("="), Just("for"), Just("range"),
            Just("if"), Just("else"), Just("return"), Just(";"), Just("\n"), Just("1"), Just("\"s\""),
            Just("+"), Just("."), Just(","), Just("struct"), Just("var"), Just("switch"), Just("case"),
        ],
        0..80,
    )) {
        let _ = compile(&format!("package main\n{}", words.join(" ")));
    }
}

/// Runs `f` on a thread with the stack the `gm` command compiles on: the
/// passes recurse as deeply as the program nests.
fn on_compiler_stack<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    std::thread::Builder::new()
        .stack_size(256 << 20)
        .spawn(f)
        .expect("spawn")
        .join()
        .expect("no panic")
}

#[test]
fn deep_nesting_is_an_error_not_a_crash() {
    on_compiler_stack(|| {
        let parens = format!(
            "package main\nfunc main() {{ x := {}1{}; println(x) }}\n",
            "(".repeat(20_000),
            ")".repeat(20_000)
        );
        let err = compile(&parens).expect_err("rejected");
        assert!(err.contains("nesting too deep"), "{err}");

        let chain = format!(
            "package main\nfunc main() {{ x := 1{}; println(x) }}\n",
            "+1".repeat(100_000)
        );
        let err = compile(&chain).expect_err("rejected");
        assert!(err.contains("nesting too deep"), "{err}");

        let unary = format!(
            "package main\nfunc main() {{ x := {}1; println(x) }}\n",
            "-".repeat(50_000)
        );
        assert!(compile(&unary).is_err());

        let elses = format!(
            "package main\nfunc main() {{ x := 1\nif x > 0 {{ }}{} \nprintln(x) }}\n",
            " else if x > 1 { }".repeat(20_000)
        );
        assert!(compile(&elses).is_err());
    });
}

#[test]
fn deep_but_reasonable_nesting_is_accepted() {
    // Go sets no limit; generated code (long string constants, else-if
    // ladders) reaches thousands of levels.
    on_compiler_stack(|| {
        let concat: String = (0..3000)
            .map(|i| format!(" +\n\t\"line {i}\\n\""))
            .collect();
        let program = format!(
            "package main\n\nconst text = \"\"{concat}\n\nfunc main() {{\n\tprintln(len(text))\n}}\n"
        );
        compile(&program).expect("a 3000-term constant compiles");

        let elses: String = (1..3000)
            .map(|i| format!(" else if x == {i} {{\n\t\ty = {i}\n\t}}"))
            .collect();
        let program = format!(
            "package main\n\nfunc main() {{\n\tx, y := 7, 0\n\tif x == 0 {{\n\t}}{elses}\n\tprintln(y)\n}}\n"
        );
        compile(&program).expect("a 3000-branch else-if ladder compiles");

        let blocks = format!(
            "package main\n\nfunc main() {{\n\tx := 1\n{}println(x)\n{}}}\n",
            "if x > 0 {\n".repeat(3000),
            "}\n".repeat(3000)
        );
        compile(&blocks).expect("3000 nested blocks compile");

        let parens = format!(
            "package main\n\nfunc main() {{\n\tx := 1\n\tprintln({}x{})\n}}\n",
            "(".repeat(5000),
            ")".repeat(5000)
        );
        compile(&parens).expect("5000 parentheses compile");
    });
}

#[test]
fn generated_programs_check_and_lower() {
    if let Err(e) = compile(&large_program(500)) {
        panic!("generated program rejected:\n{e}");
    }
}
