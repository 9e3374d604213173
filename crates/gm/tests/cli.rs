//! The `gm` command's behaviour: exit statuses, diagnostics on stderr, and
//! each subcommand on a small program.

use std::path::PathBuf;
use std::process::{Command, Output};

fn gm(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_gm"))
        .args(args)
        .output()
        .expect("gm runs")
}

/// Writes a program to a fresh file in the target directory.
fn program(name: &str, text: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
    let path = dir.join(name);
    std::fs::write(&path, text).expect("writes the program");
    path
}

/// `gm run` on a program written to a fresh file.
fn run_program(name: &str, text: &str) -> Output {
    let path = program(name, text);
    gm(&["run", path.to_str().expect("utf-8 path")])
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

#[test]
fn compile_errors_show_position_source_line_and_caret() {
    let path = program("unused.gm", "package main\n\nfunc main() {\n\tx := 1\n}\n");
    let p = path.to_str().expect("utf-8 path");
    let out = gm(&["check", p]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.starts_with(&format!("{p}:4:2: declared and not used: x\n")),
        "{err}"
    );
    assert!(err.contains("x := 1"), "{err}");
    assert!(err.contains('^'), "{err}");
    let short = gm(&["check", "--diag", "short", p]);
    assert_eq!(
        stderr(&short),
        format!("{p}:4:2: declared and not used: x\n")
    );
}

#[test]
fn a_clean_program_checks_and_runs() {
    let path = program(
        "ok.gm",
        "package main\n\nfunc main() {\n\tm := map[string]int{\"a\": 1}\n\tm[\"a\"] += 41\n\tprintln(m[\"a\"], len(m))\n}\n",
    );
    let p = path.to_str().expect("utf-8 path");
    assert_eq!(gm(&["check", p]).status.code(), Some(0));
    let run = gm(&["run", p]);
    assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
    assert_eq!(stdout(&run), "42 1\n");
}

#[test]
fn a_go_panic_flushes_output_and_exits_2() {
    let out = run_program(
        "panic.gm",
        "package main\n\nfunc main() {\n\tprint(\"before \")\n\tvar m map[int]int\n\tm[1] = 2\n}\n",
    );
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(stdout(&out), "before ");
    assert!(
        stderr(&out).starts_with("panic: assignment to entry in nil map\n"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn gm_run_ends_deep_recursion_in_gos_stack_overflow() {
    // `gm run` runs the program on the thread that compiled it, below the
    // compiler's frames: the whole 1 GB is still the program's.
    let out = run_program(
        "deep.gm",
        "package main\n\nfunc f(n int) int {\n\tvar pad [64]int\n\tpad[n%64] = n\n\treturn f(n+1) + pad[0]\n}\n\nfunc main() {\n\tprintln(f(0))\n}\n",
    );
    assert_eq!(out.status.code(), Some(2));
    // Go's first and last lines (Go prints the stack bounds between them).
    let err = stderr(&out);
    assert!(
        err.starts_with("runtime: goroutine stack exceeds 1000000000-byte limit\n"),
        "{err}"
    );
    assert!(err.contains("\nfatal error: stack overflow\n"), "{err}");
}

#[test]
fn dumps_name_runtime_calls() {
    let path = program(
        "dump.gm",
        "package main\n\nfunc get(m map[int]int, k int) int {\n\treturn m[k]\n}\n\nfunc main() {\n\tprintln(get(nil, 1))\n}\n",
    );
    let p = path.to_str().expect("utf-8 path");
    let walk = stdout(&gm(&["dump", "walk", p]));
    assert!(
        walk.contains("func get(m map[int]int, k int) int\n"),
        "{walk}"
    );
    assert!(
        walk.contains("mapaccess1_fast64(&type:map[int]int, m, uint64(k))"),
        "{walk}"
    );
    let diff = stdout(&gm(&["dump", "walk", "--diff", p]));
    assert!(
        diff.contains("// get: before walk") && diff.contains("// get: after walk"),
        "{diff}"
    );
    let typed = stdout(&gm(&["dump", "typed", p]));
    assert!(typed.contains("INDEXMAP int"), "{typed}");
    let clif = gm(&["dump", "clif", p]);
    assert_eq!(clif.status.code(), Some(0), "{}", stderr(&clif));
    assert!(stdout(&clif).contains("function"), "{}", stdout(&clif));
}

#[test]
fn dump_func_shows_one_function() {
    let path = program(
        "dump_func.gm",
        "package main\n\nfunc get(m map[int]int, k int) int {\n\treturn m[k]\n}\n\nfunc main() {\n\tm := map[int]int{1: 2}\n\tprintln(get(m, 1))\n}\n",
    );
    let p = path.to_str().expect("utf-8 path");
    let walk = stdout(&gm(&["dump", "walk", "--func", "get", p]));
    assert!(
        walk.starts_with("func get(m map[int]int, k int) int\n"),
        "{walk}"
    );
    assert!(walk.contains("mapaccess1_fast64"), "{walk}");
    assert!(!walk.contains("func main"), "{walk}");
    let asm = stdout(&gm(&["dump", "asm", "--func", "main", p]));
    assert!(
        asm.starts_with("; main\n") && !asm.contains("; get"),
        "{asm}"
    );
    let missing = gm(&["dump", "walk", "--func", "nope", p]);
    assert_eq!(missing.status.code(), Some(1));
    assert!(
        stderr(&missing).contains("no function named nope"),
        "{}",
        stderr(&missing)
    );
    let ast = gm(&["dump", "ast", "--func", "main", p]);
    assert_eq!(ast.status.code(), Some(1));
}

#[test]
fn unreadable_input_is_an_error_not_a_crash() {
    let out = gm(&["check", "/nonexistent/x.gm"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("/nonexistent/x.gm"),
        "{}",
        stderr(&out)
    );

    let path = program("binary.gm", "");
    std::fs::write(&path, [0x70u8, 0xff, 0xfe, 0x00, 0x41]).expect("writes bytes");
    let out = gm(&["check", path.to_str().expect("utf-8 path")]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("invalid UTF-8 encoding"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn usage_errors_exit_2() {
    assert_eq!(gm(&["frobnicate"]).status.code(), Some(2));
}

#[test]
fn a_float_literal_too_large_to_hold_exactly_is_a_compile_error() {
    // Go holds such constants as 512-bit floats; gm refuses them by name.
    let path = program(
        "huge_exponent.gm",
        "package main\n\nconst c = 1e200000 / 1e199999\n\nfunc main() {\n\tprintln(c)\n}\n",
    );
    let out = gm(&["run", path.to_str().expect("utf-8 path")]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains(
            ":3:11: unsupported: floating-point constant 1e200000 with an exponent beyond ±100000"
        ),
        "{}",
        stderr(&out)
    );
    assert!(stdout(&out).is_empty());
}

#[test]
fn a_global_over_two_gigabytes_is_refused_as_by_go() {
    // Go's object writer refuses the symbol; its message has no useful
    // position, so gm points at the variable.
    let path = program(
        "big_global.gm",
        "package main\n\nvar g [300000000]int64\n\nfunc main() {\n\tg[5] = 1\n\tprintln(g[5])\n}\n",
    );
    let out = gm(&["check", path.to_str().expect("utf-8 path")]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out)
            .contains(":3:5: main.g: symbol too large (2400000000 bytes > 2000000000 bytes)"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn a_walk_test_without_calls_checks_its_walk_golden() {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("own_walk");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("creates the directory");
    let path = dir.join("w.gm");
    let text = "// walk\npackage main\n\nfunc f(m map[string]int) int { return m[\"a\"] }\n\nfunc main() { println(f(nil)) }\n";
    std::fs::write(&path, text).expect("writes the program");
    let p = path.to_str().expect("utf-8 path");
    let out = gm(&["test", p]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stdout(&out).contains("missing golden"), "{}", stdout(&out));
    let out = gm(&["test", "--bless", p]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    let walk = std::fs::read_to_string(dir.join("w.walk")).expect("the .walk golden is written");
    assert!(walk.contains("mapaccess1_faststr"), "{walk}");
    assert!(!dir.join("w.calls").exists());
    let out = gm(&["test", p]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
}

#[test]
fn test_with_a_missing_go_is_an_error() {
    let path = program("go_missing.gm", "// run\npackage main\n\nfunc main() {}\n");
    let out = gm(&[
        "test",
        "--go",
        "/nonexistent/go",
        path.to_str().expect("utf-8 path"),
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("cannot run /nonexistent/go"),
        "{}",
        stderr(&out)
    );
}

// Injected failures exist only in debug builds.
#[cfg(debug_assertions)]
#[test]
fn a_broken_invariant_is_an_internal_error_with_its_own_status() {
    let path = program(
        "ice.gm",
        "package main\n\nfunc helper() int {\n\treturn 1\n}\n\nfunc main() {\n\tprintln(helper())\n}\n",
    );
    let p = path.to_str().expect("utf-8 path");
    // Debug builds panic on purpose inside the pass working on `main`.
    let out = Command::new(env!("CARGO_BIN_EXE_gm"))
        .args(["run", p])
        .env("GM_DEBUG_ICE", "main")
        .output()
        .expect("gm runs");
    assert_eq!(out.status.code(), Some(70), "{}", stderr(&out));
    let err = stderr(&out);
    let lines: Vec<&str> = err.lines().collect();
    assert!(
        lines[0].starts_with("gm: internal compiler error: failure injected by GM_DEBUG_ICE"),
        "{err}"
    );
    assert_eq!(lines[1], format!("  in function main, at {p}:7:1"), "{err}");
    assert!(err.contains("Please report it"), "{err}");
    assert!(!err.contains("panicked at"), "{err}");
    assert_eq!(stdout(&out), "");
}
