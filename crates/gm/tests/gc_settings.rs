//! Go's collector settings through `gm run`: `GODEBUG=gctrace=1`, `GOGC`,
//! `GOMEMLIMIT`, and Go's fatal out-of-memory error.

use std::process::{Command, Output};

/// Runs `gm run` on `src` (written to a fresh file) with `env` set.
fn run(name: &str, src: &str, env: &[(&str, &str)]) -> Output {
    let path = std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(name);
    std::fs::write(&path, src).expect("writes the program");
    Command::new(env!("CARGO_BIN_EXE_gm"))
        .arg("run")
        .arg(&path)
        .envs(env.iter().copied())
        .env_remove("GM_GC_STRESS")
        .output()
        .expect("gm runs")
}

/// Allocates about 400 MB in 1 MB slices, keeping none.
const CHURN: &str = "package main\n\nfunc main() {\n\tn := 0\n\tfor i := 0; i < 400; i++ {\n\t\ts := make([]int, 1<<17)\n\t\ts[i%100] = i\n\t\tn += s[i%100]\n\t}\n\tprintln(n)\n}\n";

/// Keeps 1 MB slices until it has 1 GB live.
const HOARD: &str = "package main\n\nfunc main() {\n\tvar keep [][]int\n\tfor i := 0; i < 1024; i++ {\n\t\tkeep = append(keep, make([]int, 1<<17))\n\t}\n\tprintln(len(keep))\n}\n";

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

#[test]
fn gctrace_prints_a_line_per_collection_in_gos_layout() {
    let out = run("churn_trace.gm", CHURN, &[("GODEBUG", "gctrace=1")]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(text(&out.stdout), "79800\n");
    let err = text(&out.stderr);
    let lines: Vec<&str> = err.lines().collect();
    assert!(lines.len() >= 3, "{err}");
    let shape = regex::Regex::new(
        r"^gc \d+ @\d+\.\d{3}s \d+%: 0\+[\d.]+\+0 ms clock, 0\+[\d.]+/0/0\+0 ms cpu, \d+->\d+->\d+ MB, \d+ MB goal, 0 MB stacks, \d+ MB globals, 1 P$",
    )
    .unwrap();
    for (i, l) in lines.iter().enumerate() {
        assert!(shape.is_match(l), "line {i}: {l}");
    }
    // Without the setting, nothing is printed.
    let quiet = run("churn_quiet.gm", CHURN, &[]);
    assert_eq!(text(&quiet.stderr), "");
}

#[test]
fn gogc_off_never_collects() {
    let out = run(
        "churn_off.gm",
        CHURN,
        &[("GOGC", "off"), ("GODEBUG", "gctrace=1")],
    );
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(text(&out.stdout), "79800\n");
    assert_eq!(text(&out.stderr), "");
}

#[test]
fn exhausting_memlimit_is_gos_fatal_error() {
    let out = run("hoard.gm", HOARD, &[("GOMEMLIMIT", "256MiB")]);
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    assert_eq!(
        err.lines().next(),
        Some("fatal error: runtime: out of memory"),
        "{err}"
    );
    // Garbage does not count against the limit: it is collected.
    let ok = run("churn_limited.gm", CHURN, &[("GOMEMLIMIT", "64MiB")]);
    assert_eq!(ok.status.code(), Some(0), "{}", text(&ok.stderr));
    assert_eq!(text(&ok.stdout), "79800\n");
}

#[test]
fn a_malformed_memlimit_is_named() {
    let out = run(
        "empty.gm",
        "package main\n\nfunc main() {}\n",
        &[("GOMEMLIMIT", "lots")],
    );
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    let mut lines = err.lines();
    assert_eq!(lines.next(), Some("GOMEMLIMIT=lots"));
    assert_eq!(
        lines.next(),
        Some("fatal error: malformed GOMEMLIMIT; see `go doc runtime/debug.SetMemoryLimit`")
    );
}
