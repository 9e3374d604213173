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
