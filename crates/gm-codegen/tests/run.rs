//! `gm_codegen::run` end to end: a Go panic ends the process, so each case
//! re-runs this test binary as a child (selected by an environment
//! variable) that runs one program, and checks its stdout, exit status and
//! the first line of stderr.

use std::process::Command;

use gm_diag::Diagnostics;

const CHILD: &str = "GM_CODEGEN_RUN_CHILD";

const CASES: &[(&str, &str)] = &[
    (
        "output",
        "func main() { x := 3; println(\"x\", x, x > 2, 1.5, uint8(255)); print(\"no newline\") }",
    ),
    (
        "index",
        "func main() { s := []int{1, 2, 3}; i := 5; println(\"before\"); println(s[i]) }",
    ),
    (
        "stack",
        "func f(n int) int { return f(n+1) + 1 }\nfunc main() { println(\"start\"); println(f(0)) }",
    ),
    (
        "named",
        "type E string\nfunc main() { print(\"partial\"); panic(E(\"bad\\ninput\")) }",
    ),
    (
        "nil",
        "type T struct{ a, b int }\nfunc main() { var p *T; println(p == nil); p.b = 1 }",
    ),
];

fn source(case: &str) -> String {
    let body = CASES
        .iter()
        .find(|(name, _)| *name == case)
        .map(|(_, src)| *src)
        .unwrap_or("func main() {}");
    format!("package main\n\n{body}\n")
}

fn run_child(case: &str) -> ! {
    let text = source(case);
    let (ast, errors) = gm_syntax::parse(&text);
    assert!(errors.is_empty(), "{errors:?}");
    let mut diags = Diagnostics::new();
    let mut program = gm_types::check(&ast.expect("parses"), &mut diags).expect("checks");
    gm_walk::order(&mut program);
    gm_walk::walk(&mut program);
    let opts = gm_codegen::RunOptions {
        seed: Some(1),
        ..Default::default()
    };
    let status = gm_codegen::run(&program, &opts).expect("runs");
    std::process::exit(status)
}

/// Runs a case in a child process: (exit status, stdout, first stderr line).
fn run(case: &str) -> (Option<i32>, String, String) {
    let exe = std::env::current_exe().expect("test binary");
    let out = Command::new(exe)
        .args(["--exact", "child", "--nocapture", "--test-threads=1"])
        .env(CHILD, case)
        .output()
        .expect("child runs");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    let first = stderr.lines().next().unwrap_or("").to_string();
    (out.status.code(), stdout, first)
}

/// The child entry point (does nothing unless started by `run`).
#[test]
fn child() {
    if let Ok(case) = std::env::var(CHILD) {
        run_child(&case);
    }
}

fn program_output(stdout: &str) -> &str {
    // libtest prints its own text around the child's output.
    const MARK: &str = "test child ... ";
    let start = stdout.find(MARK).map_or(0, |i| i + MARK.len());
    &stdout[start..]
}

#[test]
fn prints_to_stdout_and_exits_zero() {
    let (status, stdout, _) = run("output");
    assert_eq!(status, Some(0));
    assert!(
        program_output(&stdout).starts_with("x 3 true +1.500000e+000 255\nno newline"),
        "{stdout}"
    );
}

#[test]
fn bounds_panic_flushes_output_first() {
    let (status, stdout, first) = run("index");
    assert_eq!(status, Some(2));
    assert!(program_output(&stdout).starts_with("before\n"), "{stdout}");
    assert_eq!(
        first,
        "panic: runtime error: index out of range [5] with length 3"
    );
}

#[test]
fn deep_recursion_is_gos_stack_overflow() {
    let (status, stdout, first) = run("stack");
    assert_eq!(status, Some(2));
    assert!(program_output(&stdout).starts_with("start\n"), "{stdout}");
    assert_eq!(
        first,
        "runtime: goroutine stack exceeds 1000000000-byte limit"
    );
}

#[test]
fn panic_values_print_as_go() {
    let (status, stdout, first) = run("named");
    assert_eq!(status, Some(2));
    assert!(program_output(&stdout).starts_with("partial"), "{stdout}");
    assert_eq!(first, "panic: main.E(\"bad");
}

#[test]
fn nil_dereference_is_a_runtime_error() {
    let (status, _, first) = run("nil");
    assert_eq!(status, Some(2));
    assert_eq!(
        first,
        "panic: runtime error: invalid memory address or nil pointer dereference"
    );
}
