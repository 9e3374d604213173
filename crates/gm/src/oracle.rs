//! Go 1.23 as the oracle for `gm test --go GO`: a test's expected answers
//! (program output and panic line, map runtime calls per function, compile
//! errors) asked of a real Go toolchain. A `.gm` program is valid Go, so
//! each file is compiled as `main.go` in a scratch directory.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// The runtime functions listed in `.calls` files: map calls only.
const MAP_CALLS: [&str; 26] = [
    "makemap_small",
    "makemap",
    "makemap64",
    "mapaccess1",
    "mapaccess1_fast32",
    "mapaccess1_fast64",
    "mapaccess1_faststr",
    "mapaccess1_fat",
    "mapaccess2",
    "mapaccess2_fast32",
    "mapaccess2_fast64",
    "mapaccess2_faststr",
    "mapaccess2_fat",
    "mapassign",
    "mapassign_fast32",
    "mapassign_fast64",
    "mapassign_faststr",
    "mapassign_fast32ptr",
    "mapassign_fast64ptr",
    "mapdelete",
    "mapdelete_fast32",
    "mapdelete_fast64",
    "mapdelete_faststr",
    "mapiterinit",
    "mapiternext",
    "mapclear",
];

/// Go prints this line after a panic's message.
const TRACE: &str = "goroutine 1 [running]:";

const RUN_TIMEOUT: Duration = Duration::from_secs(60);

/// Calls per function, in dump order.
pub type Calls = Vec<(String, Vec<String>)>;

/// What a program printed (Go's stderr up to the panic) and the panic's
/// first line when it exited with status 2.
#[derive(Debug, PartialEq, Eq)]
pub struct RunAnswer {
    pub out: String,
    pub panic: Option<String>,
}

pub struct Go {
    path: PathBuf,
}

/// A scratch directory holding `main.go`, removed when dropped.
struct Scratch(PathBuf);

impl Scratch {
    fn new(src: &Path) -> Result<Scratch, String> {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let dir = std::env::temp_dir().join(format!("gm-go-{}-{n}", std::process::id()));
        std::fs::create_dir_all(&dir)
            .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
        std::fs::copy(src, dir.join("main.go"))
            .map_err(|e| format!("cannot copy {}: {e}", src.display()))?;
        Ok(Scratch(dir))
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

impl Go {
    /// Checks that `path` runs and is Go 1.23.
    pub fn new(path: &Path) -> Result<Go, String> {
        let go = Go {
            path: path.to_path_buf(),
        };
        let out = go
            .command(&std::env::temp_dir())
            .arg("version")
            .output()
            .map_err(|e| format!("cannot run {}: {e}", path.display()))?;
        let version = String::from_utf8_lossy(&out.stdout);
        if !out.status.success() || !version.contains(" go1.23") {
            return Err(format!(
                "{} is not Go 1.23: {}",
                path.display(),
                version.trim()
            ));
        }
        Ok(go)
    }

    fn command(&self, dir: &Path) -> Command {
        let mut c = Command::new(&self.path);
        c.current_dir(dir)
            .env("GOTOOLCHAIN", "local")
            .env("GOFLAGS", "")
            .env("GO111MODULE", "off");
        if std::env::var_os("GOCACHE").is_none() {
            c.env("GOCACHE", std::env::temp_dir().join("gm-oracle-gocache"));
        }
        c
    }

    /// `go tool compile -p main [flags] main.go`.
    fn compile(&self, dir: &Path, flags: &[&str]) -> Result<Output, String> {
        self.command(dir)
            .args(["tool", "compile", "-p", "main", "-o", "main.o"])
            .args(flags)
            .arg("main.go")
            .output()
            .map_err(|e| format!("cannot run go: {e}"))
    }

    /// Builds and runs the program twice: the answer must not change
    /// (it would depend on map order).
    pub fn run(&self, file: &Path) -> Result<RunAnswer, String> {
        let dir = Scratch::new(file)?;
        let built = self
            .command(&dir.0)
            .args(["build", "-o", "prog", "main.go"])
            .output()
            .map_err(|e| format!("cannot run go: {e}"))?;
        if !built.status.success() {
            return Err(format!(
                "go build failed:\n{}",
                String::from_utf8_lossy(&built.stderr).trim()
            ));
        }
        let mut answers = Vec::new();
        for _ in 0..2 {
            let (status, stdout, stderr) = run_with_timeout(&dir.0.join("prog"), &dir.0)?;
            if !stdout.is_empty() {
                return Err("the program wrote to stdout (only print/println are expected)".into());
            }
            let answer = match status {
                Some(0) => RunAnswer {
                    out: stderr,
                    panic: None,
                },
                Some(2) => split_panic(&stderr)
                    .ok_or_else(|| format!("exit status 2 without a panic:\n{stderr}"))?,
                other => return Err(format!("exit status {other:?}:\n{stderr}")),
            };
            answers.push(answer);
        }
        if answers[0] != answers[1] {
            return Err("Go's output differs between runs (it depends on map order?)".into());
        }
        Ok(answers.swap_remove(0))
    }

    /// The map runtime calls of each function in Go's walk output
    /// (`go tool compile -l -W`; `-l` keeps every function's own calls).
    pub fn calls(&self, file: &Path) -> Result<Calls, String> {
        let dir = Scratch::new(file)?;
        let out = self.compile(&dir.0, &["-l", "-W"])?;
        if !out.status.success() {
            return Err(format!(
                "go tool compile failed:\n{}",
                String::from_utf8_lossy(&out.stdout).trim()
            ));
        }
        Ok(calls_from_walk_dump(&String::from_utf8_lossy(&out.stdout)))
    }

    /// Go's compile errors, as `(line, message)`; an empty list when it
    /// compiles. A message's continuation lines (tab-indented) belong to it.
    pub fn errors(&self, file: &Path) -> Result<Vec<(u32, String)>, String> {
        let dir = Scratch::new(file)?;
        let src = std::fs::read_to_string(file).unwrap_or_default();
        // `go tool compile` alone cannot find imported packages.
        let out = if src.lines().any(|l| l.starts_with("import")) {
            self.command(&dir.0)
                .args(["build", "-o", "prog", "main.go"])
                .output()
                .map_err(|e| format!("cannot run go: {e}"))?
        } else {
            self.compile(&dir.0, &[])?
        };
        let text = String::from_utf8_lossy(&out.stdout).into_owned()
            + &String::from_utf8_lossy(&out.stderr);
        let mut msgs: Vec<(u32, String)> = Vec::new();
        for line in text.lines() {
            if line.starts_with('\t')
                && let Some((_, m)) = msgs.last_mut()
            {
                m.push('\n');
                m.push_str(line);
                continue;
            }
            // `go build` names the package first: `# command-line-arguments`.
            if line.trim().is_empty() || line.starts_with('#') {
                continue;
            }
            match position(line) {
                Some(p) => msgs.push(p),
                None => return Err(format!("Go printed an unpositioned message: {line:?}")),
            }
        }
        if msgs.is_empty() && !out.status.success() {
            return Err("go tool compile failed without a message".into());
        }
        Ok(msgs)
    }
}

/// `main.go:LINE:COL: message` (the column is optional).
fn position(line: &str) -> Option<(u32, String)> {
    let rest = line.strip_prefix("main.go:").or_else(|| {
        let i = line.find("main.go:")?;
        Some(&line[i + "main.go:".len()..])
    })?;
    let (num, rest) = rest.split_once(':')?;
    let n = num.parse().ok()?;
    let rest = match rest.split_once(": ") {
        Some((col, msg)) if col.chars().all(|c| c.is_ascii_digit()) => msg,
        _ => rest.trim_start(),
    };
    Some((n, rest.to_string()))
}

/// Program output and panic line from a panicking run's stderr: the
/// panic starts at the last `panic: ` or `fatal error: ` before the trace,
/// so `print("x"); panic("y")` printed `x` and panicked with `panic: y`.
pub fn split_panic(stderr: &str) -> Option<RunAnswer> {
    let head = &stderr[..stderr.find(TRACE).unwrap_or(stderr.len())];
    let start = [head.rfind("panic: "), head.rfind("fatal error: ")]
        .into_iter()
        .flatten()
        .max()?;
    let first = head[start..].lines().next().unwrap_or("").to_string();
    Some(RunAnswer {
        out: stderr[..start].to_string(),
        panic: Some(first),
    })
}

/// Map calls per function from Go's `-W` output: the "after walk NAME"
/// sections, without the equality and hash functions Go generates for key
/// types (runtime support, not lowered user code).
pub fn calls_from_walk_dump(text: &str) -> Calls {
    let mut funcs: Calls = Vec::new();
    let mut inside = false;
    for line in text.lines() {
        if line.starts_with("before walk ") {
            inside = false;
        } else if let Some(rest) = line.strip_prefix("after walk ") {
            let name = rest.split_whitespace().next().unwrap_or("");
            inside = !(name.starts_with("type..") || name.starts_with("type:."));
            if inside {
                funcs.push((name.to_string(), Vec::new()));
            }
        } else if inside && let Some((_, calls)) = funcs.last_mut() {
            let mut rest = line;
            while let Some(i) = rest.find("NAME-runtime.") {
                rest = &rest[i + "NAME-runtime.".len()..];
                let end = rest
                    .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                    .unwrap_or(rest.len());
                let callee = &rest[..end];
                if MAP_CALLS.contains(&callee) || callee == "rand32" {
                    calls.push(callee.to_string());
                }
            }
        }
    }
    funcs
}

/// `.calls` file text.
pub fn format_calls(calls: &Calls) -> String {
    calls
        .iter()
        .map(|(f, cs)| {
            let body: String = cs.iter().map(|c| format!("    {c}\n")).collect();
            format!("func {f}\n{body}")
        })
        .collect()
}

/// Runs a program with a time limit: (status, stdout, stderr).
fn run_with_timeout(exe: &Path, dir: &Path) -> Result<(Option<i32>, String, String), String> {
    let mut child = Command::new(exe)
        .current_dir(dir)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot run the program: {e}"))?;
    let mut so = child.stdout.take().expect("stdout is piped");
    let mut se = child.stderr.take().expect("stderr is piped");
    // Both pipes drain on threads, so a chatty program cannot block.
    std::thread::scope(|s| {
        let o = s.spawn(move || read_all(&mut so));
        let e = s.spawn(move || read_all(&mut se));
        let start = Instant::now();
        let status = loop {
            match child.try_wait() {
                Ok(Some(st)) => break Ok(st.code()),
                Ok(None) if start.elapsed() > RUN_TIMEOUT => {
                    let _ = child.kill();
                    let _ = child.wait();
                    break Err(format!("timed out after {}s", RUN_TIMEOUT.as_secs()));
                }
                Ok(None) => std::thread::sleep(Duration::from_millis(5)),
                Err(e) => break Err(format!("cannot wait for the program: {e}")),
            }
        };
        let out = o.join().expect("the reader does not panic");
        let err = e.join().expect("the reader does not panic");
        status.map(|st| (st, out, err))
    })
}

fn read_all(r: &mut impl std::io::Read) -> String {
    let mut v = Vec::new();
    let _ = r.read_to_end(&mut v);
    String::from_utf8_lossy(&v).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_splits_from_the_output_before_it() {
        let a = split_panic("xpanic: y\n\ngoroutine 1 [running]:\nmain.main()\n").expect("a panic");
        assert_eq!(a.out, "x");
        assert_eq!(a.panic.as_deref(), Some("panic: y"));
        let b = split_panic("1\nfatal error: all goroutines are asleep\n").expect("a fatal error");
        assert_eq!(b.out, "1\n");
        assert_eq!(
            b.panic.as_deref(),
            Some("fatal error: all goroutines are asleep")
        );
        assert!(split_panic("no panic here\n").is_none());
    }

    #[test]
    fn walk_dump_calls_are_map_calls_of_user_functions() {
        let dump = "before walk f\n.   NAME-runtime.mapaccess1_fast64 x\nafter walk f\n\
            .   .   NAME-runtime.mapassign_faststr Class:PFUNC\n\
            .   .   NAME-runtime.printlock Class:PFUNC\n\
            .   .   NAME-runtime.rand32 Class:PFUNC\n\
            after walk type:.eq.main.K\n.   NAME-runtime.memequal\n\
            after walk main <nil>\n";
        let calls = calls_from_walk_dump(dump);
        assert_eq!(
            calls,
            vec![
                (
                    "f".to_string(),
                    vec!["mapassign_faststr".to_string(), "rand32".to_string()]
                ),
                ("main".to_string(), vec![]),
            ]
        );
        assert_eq!(
            format_calls(&calls),
            "func f\n    mapassign_faststr\n    rand32\nfunc main\n"
        );
    }

    #[test]
    fn error_positions_drop_file_and_column() {
        assert_eq!(
            position("./main.go:5:6: undefined: x"),
            Some((5, "undefined: x".into()))
        );
        assert_eq!(position("main.go:7: bad"), Some((7, "bad".into())));
        assert_eq!(position("# command-line-arguments"), None);
    }
}
