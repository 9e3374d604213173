//! `gm explore`: the page's data for a few programs (golden JSON files in
//! `tests/explore/`, blessed with `UPDATE_EXPECT=1`), the same text as
//! `gm dump` in every column, an explanation for every map call, and the
//! page itself.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn gm(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_gm"))
        .args(args)
        .output()
        .expect("gm runs")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Addresses of static data differ from run to run.
fn normalize(text: &str) -> String {
    let re = regex::Regex::new(r"0x[0-9a-f_]{6,}").expect("a valid regex");
    re.replace_all(text, "0xADDR").into_owned()
}

/// The JSON of `--json`, one dump line per text line; the CLIF and
/// assembly columns are kept only where they make a map call (their other
/// lines are golden-tested by nothing: `gm dump clif|asm` shows them).
fn golden_view(json: &str) -> String {
    let mut out = String::new();
    let mut in_code = false;
    for line in normalize(json).lines() {
        if line.starts_with("{\"stage\": ") {
            in_code = line.contains("\"clif\"") || line.contains("\"asm\"");
        }
        let is_dump_line = line.starts_with('[') && line.contains(", \"");
        if in_code && is_dump_line && !line.contains("]]]") {
            continue;
        }
        out.push_str(line);
        out.push('\n');
    }
    out
}

#[test]
fn page_data_matches_the_golden_files() {
    let dir = root().join("crates/gm/tests/explore");
    let mut n = 0;
    for entry in std::fs::read_dir(&dir).expect("reads tests/explore") {
        let path = entry.expect("a directory entry").path();
        if path.extension().is_none_or(|e| e != "gm") {
            continue;
        }
        n += 1;
        let rel = path.strip_prefix(root()).expect("under the root");
        let out = Command::new(env!("CARGO_BIN_EXE_gm"))
            .current_dir(root())
            .args(["explore", "--json"])
            .arg(rel)
            .output()
            .expect("gm runs");
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let got = golden_view(&stdout(&out));
        let golden = path.with_extension("json");
        if std::env::var_os("UPDATE_EXPECT").is_some() {
            std::fs::write(&golden, &got).expect("writes the golden file");
            continue;
        }
        let want = std::fs::read_to_string(&golden).unwrap_or_default();
        if got != want {
            let diff = similar::TextDiff::from_lines(&want, &got)
                .unified_diff()
                .header("expected", "actual")
                .to_string();
            panic!(
                "{}: page data differs (UPDATE_EXPECT=1 blesses)\n{diff}",
                golden.display()
            );
        }
    }
    assert!(n >= 3, "expected the golden programs in {}", dir.display());
}

/// Each column's lines, and their map calls' reasons, from `--json`.
struct Column {
    stage: String,
    text: String,
    calls: usize,
    unexplained: Vec<String>,
}

fn columns(json: &str) -> Vec<Column> {
    let mut cols: Vec<Column> = Vec::new();
    for line in json.lines() {
        if let Some(rest) = line.strip_prefix("{\"stage\": \"") {
            let stage = rest.split('"').next().unwrap_or_default().to_string();
            cols.push(Column {
                stage,
                text: String::new(),
                calls: 0,
                unexplained: Vec::new(),
            });
            continue;
        }
        let Some(col) = cols.last_mut() else { continue };
        if !(line.starts_with('[') && line.contains(", \"")) {
            continue;
        }
        // [func, "text", src(, [[call, reason]…])]
        let start = line.find(", \"").expect("a text field") + 3;
        let mut text = String::new();
        let mut chars = line[start..].chars();
        while let Some(c) = chars.next() {
            match c {
                '"' => break,
                '\\' => match chars.next() {
                    Some('n') => text.push('\n'),
                    Some('t') => text.push('\t'),
                    Some('u') => {
                        let hex: String = chars.by_ref().take(4).collect();
                        let c = u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32);
                        text.push(c.expect("a valid escape"));
                    }
                    Some(c) => text.push(c),
                    None => {}
                },
                c => text.push(c),
            }
        }
        col.text.push_str(&text);
        col.text.push('\n');
        let rest: String = chars.collect();
        if let Some(calls) = rest.find("[[").map(|i| &rest[i..]) {
            for call in calls.split("], [") {
                col.calls += 1;
                if call.trim_end_matches(']').ends_with(", -1") {
                    col.unexplained.push(text.clone());
                }
            }
        }
    }
    cols
}

fn programs() -> Vec<PathBuf> {
    let mut out = Vec::new();
    for dir in ["examples", "crates/gm/tests/explore"] {
        for e in std::fs::read_dir(root().join(dir)).expect("reads the directory") {
            let p = e.expect("a directory entry").path();
            if p.extension().is_some_and(|e| e == "gm") {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

#[test]
fn columns_show_the_dumps_and_every_map_call_is_explained() {
    for path in programs() {
        let p = path.to_str().expect("utf-8 path");
        let json = stdout(&gm(&["explore", "--json", p]));
        let cols = columns(&json);
        let stages: Vec<&str> = cols.iter().map(|c| c.stage.as_str()).collect();
        assert_eq!(stages, ["typed", "order", "walk", "clif", "asm"], "{p}");
        for c in &cols {
            let dump = stdout(&gm(&["dump", &c.stage, p]));
            assert_eq!(
                normalize(&c.text),
                normalize(&dump),
                "{p}: the {} column",
                c.stage
            );
            assert!(
                c.unexplained.is_empty(),
                "{p}: {}: {:?}",
                c.stage,
                c.unexplained
            );
        }
        let walk = &cols[2];
        let expected: usize = gm_calls(&stdout(&gm(&["dump", "walk", p])));
        assert_eq!(walk.calls, expected, "{p}: map calls in the walk column");
        for code in &cols[3..] {
            assert!(
                code.calls > 0 || expected == 0,
                "{p}: no call linked in {}",
                code.stage
            );
        }
    }
}

/// How many map runtime calls a walk dump makes.
fn gm_calls(dump: &str) -> usize {
    let re = regex::Regex::new(
        r"\b(makemap\w*|mapaccess\w*|mapassign\w*|mapdelete\w*|mapiter\w*|mapclear|rand32)\(",
    )
    .expect("a valid regex");
    re.find_iter(dump).count()
}

#[test]
fn a_page_is_written_with_its_data_and_script_inline() {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
    let page = dir.join("idioms.html");
    let src = root().join("crates/gm/tests/explore/idioms.gm");
    let out = gm(&[
        "explore",
        src.to_str().expect("utf-8"),
        "-o",
        page.to_str().expect("utf-8"),
        "--func",
        "main",
    ]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(stdout(&out), format!("{}\n", page.display()));
    let html = std::fs::read_to_string(&page).expect("the page exists");
    assert!(html.starts_with("<!DOCTYPE html>"), "{html}");
    assert!(html.contains("<script type=\"application/json\" id=\"gm-data\">"));
    assert!(
        html.contains("range-delete idiom"),
        "the explanations are in the page"
    );
    assert!(
        !html.contains("http://") && !html.contains("https://"),
        "nothing is fetched"
    );
    assert!(
        html.contains("\"start\": 0,"),
        "--func picks the first function shown"
    );
}

#[test]
fn seed_runs_the_program_into_the_page() {
    let src = root().join("crates/gm/tests/explore/idioms.gm");
    let json = stdout(&gm(&[
        "explore",
        "--json",
        "--seed",
        "3",
        src.to_str().expect("utf-8"),
    ]));
    assert!(
        json.contains("\"run\": {\"seed\": 3, \"status\": 0, \"stdout\": \"5 0\\n\""),
        "{json}"
    );
}

#[test]
fn a_program_with_errors_gets_diagnostics_and_no_page() {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
    let src = dir.join("explore_bad.gm");
    std::fs::write(&src, "package main\n\nfunc main() {\n\tx := 1\n}\n").expect("writes");
    let page = dir.join("explore_bad.html");
    let _ = std::fs::remove_file(&page);
    let s = src.to_str().expect("utf-8");
    let out = gm(&["explore", s, "-o", page.to_str().expect("utf-8")]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(out.stderr, gm(&["check", s]).stderr);
    assert!(out.stdout.is_empty());
    assert!(!page.exists(), "no page for a program with errors");
    let unknown = gm(&[
        "explore",
        "--json",
        "--func",
        "nope",
        root().join("examples/two_sum.gm").to_str().expect("utf-8"),
    ]);
    assert_eq!(unknown.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("no function named nope"));
}
