//! `gm test`: the golden-file runner, in the manner of Go's `test/`
//! directory. The first line of each `.gm` file names its recipe (see
//! tests/README.md): `// typed`, `// errorcheck`, `// walk`, `// run`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use std::sync::Mutex;

use gm_diag::Style;
use gm_driver::Stage;
use regex::Regex;
use similar::TextDiff;

use crate::oracle::{self, Go, RunAnswer};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Recipe {
    Typed,
    ErrorCheck,
    Walk,
    Run,
}

/// Each run test runs under these seeds; the output must not depend on them.
const RUN_SEEDS: [u64; 2] = [1, 2];

/// The outcome of one test file.
enum Outcome {
    Pass,
    /// Goldens were rewritten.
    Blessed,
    Fail(String),
}

/// Runs the tests in `paths`. With `go`, the answers that come from Go
/// (`.out`, `.panic`, `.calls`, errors) are asked of it instead of read
/// from the goldens, and `bless` writes those answers (gm's own goldens
/// only when missing).
pub fn run(paths: &[PathBuf], bless: bool, go: Option<&Path>) -> u8 {
    let go = match go.map(Go::new).transpose() {
        Ok(go) => go,
        Err(e) => {
            eprintln!("gm test: {e}");
            return 1;
        }
    };
    let go = go.as_ref();
    let mut files = Vec::new();
    for p in paths {
        collect(p, &mut files);
    }
    if files.is_empty() {
        eprintln!(
            "gm test: no .gm files in {}",
            paths
                .iter()
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>()
                .join(" ")
        );
        return 1;
    }
    let results = Mutex::new(BTreeMap::new());
    let next = Mutex::new(0usize);
    let workers = std::thread::available_parallelism().map_or(2, |n| n.get());
    std::thread::scope(|s| {
        for _ in 0..workers {
            s.spawn(|| {
                loop {
                    let i = {
                        let mut n = next.lock().expect("work counter");
                        let i = *n;
                        *n += 1;
                        i
                    };
                    let Some(file) = files.get(i) else { break };
                    let outcome = run_file(file, bless, go);
                    results.lock().expect("results").insert(i, outcome);
                }
            });
        }
    });
    let results = results.into_inner().expect("results");
    let (mut passed, mut failed, mut blessed) = (0, 0, 0);
    for (i, outcome) in results {
        match outcome {
            Outcome::Pass => passed += 1,
            Outcome::Blessed => {
                blessed += 1;
                println!("blessed {}", files[i].display());
            }
            Outcome::Fail(why) => {
                failed += 1;
                println!("FAIL {}\n{}", files[i].display(), indent(&why));
            }
        }
    }
    if blessed > 0 {
        println!("{passed} passed, {failed} failed, {blessed} blessed");
    } else {
        println!("{passed} passed, {failed} failed");
    }
    if failed > 0 { 1 } else { 0 }
}

fn indent(text: &str) -> String {
    text.lines().map(|l| format!("    {l}\n")).collect()
}

fn collect(path: &Path, out: &mut Vec<PathBuf>) {
    if path.is_dir() {
        let mut entries: Vec<PathBuf> = match std::fs::read_dir(path) {
            Ok(rd) => rd.filter_map(|e| e.ok().map(|e| e.path())).collect(),
            Err(_) => return,
        };
        entries.sort();
        for e in entries {
            if e.is_dir() || e.extension().is_some_and(|x| x == "gm") {
                collect(&e, out);
            }
        }
    } else {
        out.push(path.to_path_buf());
    }
}

fn recipe(first_line: &str) -> Option<Recipe> {
    match first_line.trim() {
        "// typed" => Some(Recipe::Typed),
        "// errorcheck" => Some(Recipe::ErrorCheck),
        "// walk" => Some(Recipe::Walk),
        "// run" => Some(Recipe::Run),
        _ => None,
    }
}

fn run_file(path: &Path, bless: bool, go: Option<&Go>) -> Outcome {
    let src = match gm_driver::load(path) {
        Ok(s) => s,
        Err(e) => return Outcome::Fail(e.text),
    };
    let first = src.text.lines().next().unwrap_or("");
    let Some(recipe) = recipe(first) else {
        return Outcome::Fail(format!("missing or unknown recipe line: {first:?}"));
    };
    // gm's own goldens are rewritten by --bless; with --go only new ones.
    let bless_own = |golden: &Path| bless && (go.is_none() || !golden.exists());
    let outcomes = match recipe {
        Recipe::Typed => {
            let go_check = go.map(|go| go_accepts(go, path));
            let typed = path.with_extension("typed");
            let own = match gm_driver::dump(&src, Stage::Typed, Style::Short) {
                Ok(text) => compare_golden(&typed, &text, bless_own(&typed)),
                Err(e) => Outcome::Fail(format!("expected the program to type-check:\n{}", e.text)),
            };
            vec![go_check.unwrap_or(Outcome::Pass), own]
        }
        Recipe::ErrorCheck => vec![error_check(&src, path, go)],
        Recipe::Walk => match gm_driver::dump(&src, Stage::Walk, Style::Short) {
            Ok(text) => {
                let walk = path.with_extension("walk");
                let calls = match go {
                    Some(go) => go_calls(go, path, &text, bless),
                    None => compare_calls(&path.with_extension("calls"), &text),
                };
                vec![calls, compare_golden(&walk, &text, bless_own(&walk))]
            }
            Err(e) => vec![Outcome::Fail(format!(
                "expected the program to compile:\n{}",
                e.text
            ))],
        },
        Recipe::Run => {
            let expected = match go {
                Some(go) => {
                    go_answer(go, path, bless).map(|(want, written)| (want, Expect::Go { written }))
                }
                None => Ok((committed_answer(path), Expect::Goldens { bless })),
            };
            match expected {
                Ok((want, expect)) => vec![run_test(path, &want, expect)],
                Err(e) => vec![e],
            }
        }
    };
    combine(outcomes)
}

/// A failure wins; otherwise anything blessed makes the file blessed.
fn combine(outcomes: Vec<Outcome>) -> Outcome {
    let mut result = Outcome::Pass;
    for o in outcomes {
        match o {
            Outcome::Fail(why) => return Outcome::Fail(why),
            Outcome::Blessed => result = Outcome::Blessed,
            Outcome::Pass => {}
        }
    }
    result
}

/// The expected run of a program from its goldens: `.out` (missing means
/// empty) and `.panic`.
fn committed_answer(path: &Path) -> RunAnswer {
    RunAnswer {
        out: std::fs::read_to_string(path.with_extension("out")).unwrap_or_default(),
        panic: std::fs::read_to_string(path.with_extension("panic"))
            .ok()
            .map(|s| s.trim_end().to_string()),
    }
}

/// Go's run of the program; with `bless`, written to `.out`/`.panic`,
/// else the goldens must agree with it. Returns the answer and whether
/// a golden was written.
fn go_answer(go: &Go, path: &Path, bless: bool) -> Result<(RunAnswer, bool), Outcome> {
    let answer = go
        .run(path)
        .map_err(|e| Outcome::Fail(format!("go: {e}")))?;
    let out = path.with_extension("out");
    let panic = path.with_extension("panic");
    if bless {
        let written = write_if_changed(&out, &answer.out)?;
        let panic_written = match &answer.panic {
            Some(p) => write_if_changed(&panic, &format!("{p}\n"))?,
            None if panic.exists() => {
                std::fs::remove_file(&panic).map_err(|e| {
                    Outcome::Fail(format!("cannot remove {}: {e}", panic.display()))
                })?;
                true
            }
            None => false,
        };
        return Ok((answer, written || panic_written));
    }
    let committed = committed_answer(path);
    if committed != answer {
        let diff = TextDiff::from_lines(&committed.out, &answer.out)
            .unified_diff()
            .header(&out.display().to_string(), "go")
            .to_string();
        return Err(Outcome::Fail(format!(
            "the goldens differ from Go's answer (gm test --go GO --bless rewrites them):\n{diff}panic: {:?} (golden) vs {:?} (go)",
            committed.panic, answer.panic
        )));
    }
    Ok((answer, false))
}

fn write_if_changed(path: &Path, text: &str) -> Result<bool, Outcome> {
    if std::fs::read_to_string(path).ok().as_deref() == Some(text) {
        return Ok(false);
    }
    std::fs::write(path, text)
        .map(|()| true)
        .map_err(|e| Outcome::Fail(format!("cannot write {}: {e}", path.display())))
}

/// Where a run test's expected output comes from.
#[derive(Clone, Copy)]
enum Expect {
    /// The goldens; `bless` rewrites `.out` from gm's output.
    Goldens { bless: bool },
    /// Go's answer, just `written` to the goldens or not.
    Go { written: bool },
}

/// Runs a program (in a child process: a Go panic ends the process) and
/// checks its stdout, exit status and panic line against `want`.
fn run_test(path: &Path, want: &RunAnswer, expect: Expect) -> Outcome {
    let exe = match std::env::current_exe() {
        Ok(e) => e,
        Err(e) => return Outcome::Fail(format!("cannot find gm: {e}")),
    };
    let mut outputs = Vec::new();
    for seed in RUN_SEEDS {
        let out = match std::process::Command::new(&exe)
            .args(["run", "--seed", &seed.to_string()])
            .arg(path)
            .output()
        {
            Ok(o) => o,
            Err(e) => return Outcome::Fail(format!("cannot run gm: {e}")),
        };
        let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        let status = out.status.code();
        match &want.panic {
            None if status != Some(0) => {
                return Outcome::Fail(format!(
                    "exit status {status:?} (want 0); stderr:\n{stderr}"
                ));
            }
            Some(want) => {
                let first = stderr.lines().next().unwrap_or("");
                if status != Some(2) || first != want {
                    return Outcome::Fail(format!(
                        "want exit status 2 and first stderr line {want:?}; got {status:?} and stderr:\n{stderr}"
                    ));
                }
            }
            None => {}
        }
        outputs.push(stdout);
    }
    if outputs[0] != outputs[1] {
        let diff = TextDiff::from_lines(&outputs[0], &outputs[1])
            .unified_diff()
            .header("seed 1", "seed 2")
            .to_string();
        return Outcome::Fail(format!("output depends on the seed:\n{diff}"));
    }
    match expect {
        Expect::Go { written } if outputs[0] == want.out => {
            if written {
                Outcome::Blessed
            } else {
                Outcome::Pass
            }
        }
        Expect::Go { .. } => {
            let diff = TextDiff::from_lines(&want.out, &outputs[0])
                .unified_diff()
                .header("go", "gm")
                .to_string();
            Outcome::Fail(format!("output differs from Go's:\n{diff}"))
        }
        Expect::Goldens { bless } => {
            let golden = path.with_extension("out");
            // A missing .out means the program prints nothing (as in Go's test/).
            if !golden.exists() && outputs[0].is_empty() {
                return Outcome::Pass;
            }
            compare_golden(&golden, &outputs[0], bless)
        }
    }
}

/// Compares output with a golden file, or rewrites it when blessing.
fn compare_golden(golden: &Path, actual: &str, bless: bool) -> Outcome {
    let expected = std::fs::read_to_string(golden).ok();
    if expected.as_deref() == Some(actual) {
        return Outcome::Pass;
    }
    if bless {
        return match std::fs::write(golden, actual) {
            Ok(()) => Outcome::Blessed,
            Err(e) => Outcome::Fail(format!("cannot write {}: {e}", golden.display())),
        };
    }
    let Some(expected) = expected else {
        return Outcome::Fail(format!(
            "missing golden {} (run gm test --bless)",
            golden.display()
        ));
    };
    let diff = TextDiff::from_lines(&expected, actual)
        .unified_diff()
        .context_radius(3)
        .header(&golden.display().to_string(), "actual")
        .to_string();
    Outcome::Fail(format!(
        "output differs from {} (gm test --bless rewrites it):\n{diff}",
        golden.display()
    ))
}

/// Checks the map runtime calls of each function in a walk dump against
/// Go's, recorded in a `.calls` file (`gm test --go GO --bless` writes it).
/// A walk test without a `.calls` file checks its `.walk` golden only.
fn compare_calls(golden: &Path, dump: &str) -> Outcome {
    let Ok(expected) = std::fs::read_to_string(golden) else {
        return Outcome::Pass;
    };
    let mut want: Vec<(String, Vec<String>)> = Vec::new();
    for line in expected.lines() {
        if let Some(name) = line.strip_prefix("func ") {
            want.push((name.trim().to_string(), Vec::new()));
        } else if let (Some((_, calls)), call) = (want.last_mut(), line.trim())
            && !call.is_empty()
        {
            calls.push(call.to_string());
        }
    }
    match calls_differ(&want, dump, &golden.display().to_string()) {
        Some(why) => Outcome::Fail(why),
        None => Outcome::Pass,
    }
}

/// How gm's map calls in `dump` differ from Go's, if they do.
fn calls_differ(want: &oracle::Calls, dump: &str, label: &str) -> Option<String> {
    let got = gm_driver::map_calls(dump);
    if &got == want {
        return None;
    }
    let show = |list: &[(String, Vec<String>)]| -> String {
        list.iter()
            .map(|(f, c)| format!("func {f}\n    {}\n", c.join(" ")))
            .collect()
    };
    let diff = TextDiff::from_lines(show(want).as_str(), show(&got).as_str())
        .unified_diff()
        .header(label, "gm dump walk")
        .to_string();
    Some(format!("map runtime calls differ from Go's:\n{diff}"))
}

/// The `// ERROR "re" "re"…` expectations of each line.
fn expectations(text: &str) -> Result<BTreeMap<u32, Vec<Regex>>, String> {
    let marker = Regex::new(r#"// ERROR (.*)$"#).expect("valid regex");
    let quoted = Regex::new(r#""([^"]*)""#).expect("valid regex");
    let mut out = BTreeMap::new();
    for (i, line) in text.lines().enumerate() {
        let Some(m) = marker.captures(line) else {
            continue;
        };
        let mut res = Vec::new();
        for q in quoted.captures_iter(&m[1]) {
            // Go's regexps take a `{` that starts no repetition literally.
            let re = Regex::new(&q[1])
                .or_else(|_| Regex::new(&q[1].replace('{', r"\{").replace('}', r"\}")))
                .map_err(|e| format!("line {}: bad regexp {:?}: {e}", i + 1, &q[1]))?;
            res.push(re);
        }
        if res.is_empty() {
            return Err(format!("line {}: ERROR without a quoted regexp", i + 1));
        }
        out.insert(i as u32 + 1, res);
    }
    Ok(out)
}

/// Checks the errors gm reports (and, with `go`, Go's) against the
/// `// ERROR` lines. A file announcing only `unsupported:` errors is valid
/// Go outside gm's subset: Go must accept it.
fn error_check(src: &gm_diag::SourceFile, path: &Path, go: Option<&Go>) -> Outcome {
    let expected = match expectations(&src.text) {
        Ok(e) => e,
        Err(e) => return Outcome::Fail(e),
    };
    let reported = match gm_driver::check(src, Style::Short) {
        Ok(_) => String::new(),
        Err(e) => e.text,
    };
    // Reported errors by line: `name:line:col: message`.
    let mut actual: BTreeMap<u32, Vec<String>> = BTreeMap::new();
    let prefix = format!("{}:", src.name);
    for line in reported.lines() {
        let Some(rest) = line.strip_prefix(&prefix) else {
            continue;
        };
        let mut parts = rest.splitn(3, ':');
        let (Some(l), Some(_col), Some(msg)) = (parts.next(), parts.next(), parts.next()) else {
            continue;
        };
        if let Ok(l) = l.parse::<u32>() {
            actual
                .entry(l)
                .or_default()
                .push(msg.trim_start().to_string());
        }
    }
    let mut problems = match_errors(&expected, actual, "");
    if let Some(go) = go {
        let only_unsupported = expected
            .values()
            .flatten()
            .all(|re| re.as_str().starts_with("unsupported: "));
        match go.errors(path) {
            Err(e) => problems.push(format!("go: {e}")),
            Ok(msgs) if only_unsupported => {
                for (line, m) in msgs {
                    problems.push(format!("line {line}: Go rejects it: {m}"));
                }
            }
            Ok(msgs) => {
                let mut by_line: BTreeMap<u32, Vec<String>> = BTreeMap::new();
                for (line, m) in msgs {
                    by_line.entry(line).or_default().push(m);
                }
                problems.extend(match_errors(&expected, by_line, "Go: "));
            }
        }
    }
    if problems.is_empty() {
        Outcome::Pass
    } else {
        Outcome::Fail(problems.join("\n"))
    }
}

/// Each expected regexp matches one reported error on its line, and every
/// reported error is matched.
fn match_errors(
    expected: &BTreeMap<u32, Vec<Regex>>,
    mut actual: BTreeMap<u32, Vec<String>>,
    who: &str,
) -> Vec<String> {
    let mut problems = Vec::new();
    for (line, res) in expected {
        let mut msgs = actual.remove(line).unwrap_or_default();
        for re in res {
            match msgs.iter().position(|m| re.is_match(m)) {
                Some(i) => {
                    msgs.remove(i);
                }
                None => problems.push(format!(
                    "{who}line {line}: no error matching {:?}",
                    re.as_str()
                )),
            }
        }
        for m in msgs {
            problems.push(format!("{who}line {line}: unexpected error: {m}"));
        }
    }
    for (line, msgs) in actual {
        for m in msgs {
            problems.push(format!("{who}line {line}: unexpected error: {m}"));
        }
    }
    problems
}

/// A typed program is valid Go: Go compiles it without an error.
fn go_accepts(go: &Go, path: &Path) -> Outcome {
    match go.errors(path) {
        Ok(msgs) if msgs.is_empty() => Outcome::Pass,
        Ok(msgs) => Outcome::Fail(
            msgs.iter()
                .map(|(line, m)| format!("line {line}: Go rejects it: {m}"))
                .collect::<Vec<_>>()
                .join("\n"),
        ),
        Err(e) => Outcome::Fail(format!("go: {e}")),
    }
}

/// Go's map calls for a walk test, compared with gm's dump; with `bless`
/// written to `.calls`, else the committed `.calls` must agree with Go.
fn go_calls(go: &Go, path: &Path, dump: &str, bless: bool) -> Outcome {
    let want = match go.calls(path) {
        Ok(c) => c,
        Err(e) => return Outcome::Fail(format!("go: {e}")),
    };
    let golden = path.with_extension("calls");
    let text = oracle::format_calls(&want);
    let committed = std::fs::read_to_string(&golden).ok();
    let mut written = false;
    if bless && committed.as_deref() != Some(text.as_str()) {
        if let Err(e) = std::fs::write(&golden, &text) {
            return Outcome::Fail(format!("cannot write {}: {e}", golden.display()));
        }
        written = true;
    } else if !bless && committed.as_deref().is_some_and(|c| c != text) {
        return Outcome::Fail(format!(
            "{} differs from Go's calls (gm test --go GO --bless rewrites it)",
            golden.display()
        ));
    }
    match calls_differ(&want, dump, "go") {
        Some(why) => Outcome::Fail(why),
        None if written => Outcome::Blessed,
        None => Outcome::Pass,
    }
}
