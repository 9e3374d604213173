//! `gm test`: the golden-file runner, in the manner of Go's `test/`
//! directory. The first line of each `.gm` file names its recipe (see
//! tests/README.md): `// typed`, `// errorcheck`, `// walk`, `// run`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Mutex;

use gm_diag::Style;
use gm_driver::Stage;
use regex::Regex;
use similar::TextDiff;

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

pub fn run(paths: &[PathBuf], bless: bool) -> ExitCode {
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
        return ExitCode::from(1);
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
                    let outcome = run_file(file, bless);
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
    if failed > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
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

fn run_file(path: &Path, bless: bool) -> Outcome {
    let src = match gm_driver::load(path) {
        Ok(s) => s,
        Err(e) => return Outcome::Fail(e.0),
    };
    let first = src.text.lines().next().unwrap_or("");
    let Some(recipe) = recipe(first) else {
        return Outcome::Fail(format!("missing or unknown recipe line: {first:?}"));
    };
    match recipe {
        Recipe::Typed => match gm_driver::dump(&src, Stage::Typed, Style::Short) {
            Ok(text) => compare_golden(&path.with_extension("typed"), &text, bless),
            Err(e) => Outcome::Fail(format!("expected the program to type-check:\n{}", e.0)),
        },
        Recipe::ErrorCheck => error_check(&src),
        Recipe::Walk => match gm_driver::dump(&src, Stage::Walk, Style::Short) {
            Ok(text) => match compare_calls(&path.with_extension("calls"), &text) {
                Outcome::Pass => compare_golden(&path.with_extension("walk"), &text, bless),
                other => other,
            },
            Err(e) => Outcome::Fail(format!("expected the program to compile:\n{}", e.0)),
        },
        Recipe::Run => run_test(path, bless),
    }
}

/// Runs a program (in a child process: a Go panic ends the process) and
/// checks its stdout, exit status and panic line.
fn run_test(path: &Path, bless: bool) -> Outcome {
    let panic_golden = path.with_extension("panic");
    let expected_panic = std::fs::read_to_string(&panic_golden)
        .ok()
        .map(|s| s.trim_end().to_string());
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
        match &expected_panic {
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
    let golden = path.with_extension("out");
    // A missing .out means the program prints nothing (as in Go's test/).
    if !golden.exists() && outputs[0].is_empty() {
        return Outcome::Pass;
    }
    compare_golden(&golden, &outputs[0], bless)
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
/// Go's, recorded in a `.calls` file (see scripts/oracle/walk.py).
fn compare_calls(golden: &Path, dump: &str) -> Outcome {
    let Ok(expected) = std::fs::read_to_string(golden) else {
        return Outcome::Fail(format!(
            "missing {} (Go's calls; scripts/oracle/walk.py --write)",
            golden.display()
        ));
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
    let got = gm_driver::map_calls(dump);
    if got == want {
        return Outcome::Pass;
    }
    let show = |list: &[(String, Vec<String>)]| -> String {
        list.iter()
            .map(|(f, c)| format!("func {f}\n    {}\n", c.join(" ")))
            .collect()
    };
    let diff = TextDiff::from_lines(show(&want), show(&got))
        .unified_diff()
        .header(&golden.display().to_string(), "gm dump walk")
        .to_string();
    Outcome::Fail(format!("map runtime calls differ from Go's:\n{diff}"))
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

fn error_check(src: &gm_diag::SourceFile) -> Outcome {
    let expected = match expectations(&src.text) {
        Ok(e) => e,
        Err(e) => return Outcome::Fail(e),
    };
    let reported = match gm_driver::check(src, Style::Short) {
        Ok(_) => String::new(),
        Err(e) => e.0,
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
    let mut problems = Vec::new();
    for (line, res) in &expected {
        let mut msgs = actual.remove(line).unwrap_or_default();
        for re in res {
            match msgs.iter().position(|m| re.is_match(m)) {
                Some(i) => {
                    msgs.remove(i);
                }
                None => problems.push(format!("line {line}: no error matching {:?}", re.as_str())),
            }
        }
        for m in msgs {
            problems.push(format!("line {line}: unexpected error: {m}"));
        }
    }
    for (line, msgs) in actual {
        for m in msgs {
            problems.push(format!("line {line}: unexpected error: {m}"));
        }
    }
    if problems.is_empty() {
        Outcome::Pass
    } else {
        Outcome::Fail(problems.join("\n"))
    }
}
