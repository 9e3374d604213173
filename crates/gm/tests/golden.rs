//! Runs the golden-file corpus under `tests/` and `examples/` with `gm test`
//! (one cargo test per folder) and fails with gm's report on a mismatch.

use std::path::Path;
use std::process::Command;

fn gm_test(folder: &str) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let out = Command::new(env!("CARGO_BIN_EXE_gm"))
        .arg("test")
        .arg(folder)
        .current_dir(&root)
        .output()
        .expect("gm runs");
    let report = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "gm test {folder} failed:\n{report}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(report.contains(" passed, 0 failed"), "{report}");
}

#[test]
fn typed() {
    gm_test("tests/typed");
}

#[test]
fn errorcheck() {
    gm_test("tests/errorcheck");
}

#[test]
fn unsupported() {
    gm_test("tests/unsupported");
}

#[test]
fn walk() {
    gm_test("tests/walk");
}

#[test]
fn run() {
    gm_test("tests/run");
}

#[test]
fn examples() {
    gm_test("examples");
}

/// Every accepted program also runs: it exits 0, or 2 with Go's panic
/// line. A signal, an internal error or any other status is a crash.
#[test]
fn typed_programs_run() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut files: Vec<_> = std::fs::read_dir(root.join("tests/typed"))
        .expect("tests/typed exists")
        .map(|e| e.expect("directory entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "gm"))
        .collect();
    files.sort();
    let mut crashes = Vec::new();
    for f in &files {
        let out = Command::new(env!("CARGO_BIN_EXE_gm"))
            .arg("run")
            .arg(f)
            .output()
            .expect("gm runs");
        let stderr = String::from_utf8_lossy(&out.stderr);
        let first = stderr.lines().next().unwrap_or("");
        let ok = match out.status.code() {
            Some(0) => true,
            Some(2) => first.starts_with("panic: ") || first.starts_with("fatal error: "),
            _ => false,
        };
        if !ok {
            crashes.push(format!("{}: {:?}: {first}", f.display(), out.status));
        }
    }
    assert!(!files.is_empty(), "no programs in tests/typed");
    assert!(
        crashes.is_empty(),
        "gm run crashed:\n{}",
        crashes.join("\n")
    );
}
