//! Memory is reclaimed: every run test whose header says `// peak-rss: N MB`
//! allocates many times N in all, and `gm run` must finish it (with the
//! output its golden file holds, checked by the golden corpus) while the
//! child's peak resident set, as the kernel reports it, stays at most N MB.

#![cfg(target_os = "linux")]

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// The cap a test declares in its leading comments, in bytes.
fn declared_cap(src: &str) -> Option<u64> {
    src.lines()
        .take_while(|l| l.starts_with("//") || l.is_empty())
        .find_map(|l| l.strip_prefix("// peak-rss:"))
        .and_then(|v| v.trim().strip_suffix("MB"))
        .and_then(|n| n.trim().parse::<u64>().ok())
        .map(|mb| mb << 20)
}

/// Runs `gm run FILE` and returns its exit status, stdout and peak RSS
/// in bytes (from `wait4`, which reports the child's own maximum; the
/// child is reaped there, not by `Child::wait`).
#[allow(clippy::zombie_processes)]
fn run_measured(file: &Path) -> (i32, String, u64) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_gm"))
        .arg("run")
        .arg(file)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("gm starts");
    let mut out = String::new();
    child
        .stdout
        .take()
        .expect("piped stdout")
        .read_to_string(&mut out)
        .expect("stdout is text");
    let mut status = 0;
    // SAFETY: an all-zero rusage is valid.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: waits for our own child, writing into locals.
    let pid = unsafe { libc::wait4(child.id() as i32, &mut status, 0, &mut usage) };
    assert_eq!(pid, child.id() as i32, "wait4 failed");
    let code = if libc::WIFEXITED(status) {
        libc::WEXITSTATUS(status)
    } else {
        -1
    };
    // ru_maxrss is in KiB on Linux.
    (code, out, usage.ru_maxrss as u64 * 1024)
}

#[test]
fn programs_run_within_their_memory_cap() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/run");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&root)
        .expect("tests/run")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "gm"))
        .collect();
    files.sort();
    let mut checked = 0;
    for file in files {
        let src = std::fs::read_to_string(&file).expect("readable test");
        let Some(cap) = declared_cap(&src) else {
            continue;
        };
        let (code, out, peak) = run_measured(&file);
        let want = std::fs::read_to_string(file.with_extension("out")).expect("golden .out");
        assert_eq!(code, 0, "{}: exit status", file.display());
        assert_eq!(out, want, "{}: output", file.display());
        assert!(
            peak <= cap,
            "{}: peak RSS {} MB above its cap of {} MB",
            file.display(),
            peak >> 20,
            cap >> 20
        );
        checked += 1;
    }
    assert!(checked >= 6, "only {checked} capped programs found");
}

#[test]
fn the_cap_is_read_from_the_header() {
    assert_eq!(declared_cap("// run\n// peak-rss: 64 MB\n"), Some(64 << 20));
    assert_eq!(
        declared_cap("// run\npackage main\n// peak-rss: 64 MB\n"),
        None
    );
    assert_eq!(declared_cap("// run\n"), None);
}
