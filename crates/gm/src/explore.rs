//! `gm explore`: writes the page (or prints its data) for a file.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use gm_diag::Style;
use gm_driver::explore::{self, RunOutput};

/// A program run for the page gets this long.
const RUN_LIMIT: Duration = Duration::from_secs(10);

pub fn run(
    file: &Path,
    output: Option<PathBuf>,
    func: Option<&str>,
    seed: Option<u64>,
    json: bool,
    style: Style,
) -> u8 {
    let page = gm_driver::load(file).and_then(|src| explore::data(&src, style, func));
    let mut page = match page {
        Ok(p) => p,
        Err(e) => return crate::cli::fail(&e),
    };
    if let Some(seed) = seed {
        match run_program(file, seed) {
            Ok(r) => page.run = Some(r),
            Err(e) => return crate::cli::fail(&gm_driver::Failed::new(format!("gm: {e}\n"))),
        }
    }
    if json {
        let _ = std::io::stdout()
            .lock()
            .write_all(explore::json::to_json(&page).as_bytes());
        return 0;
    }
    let out = output.unwrap_or_else(|| {
        let stem = file.file_stem().unwrap_or(file.as_os_str());
        PathBuf::from(stem).with_extension("html")
    });
    if let Err(e) = std::fs::write(&out, explore::html::to_html(&page)) {
        let msg = format!("gm: {}: {e}\n", out.display());
        return crate::cli::fail(&gm_driver::Failed::new(msg));
    }
    println!("{}", out.display());
    0
}

/// Runs `gm run --seed SEED FILE` as a child (a Go panic ends the process
/// that runs it), stopping it after [`RUN_LIMIT`].
fn run_program(file: &Path, seed: u64) -> Result<RunOutput, String> {
    let exe = std::env::current_exe().map_err(|e| format!("cannot find gm itself: {e}"))?;
    let mut child = Command::new(exe)
        .args(["run", "--seed", &seed.to_string()])
        .arg(file)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot run {}: {e}", file.display()))?;
    let mut stdout = child.stdout.take().expect("stdout is piped");
    let mut stderr = child.stderr.take().expect("stderr is piped");
    let out = std::thread::spawn(move || {
        let mut s = Vec::new();
        let _ = stdout.read_to_end(&mut s);
        s
    });
    let err = std::thread::spawn(move || {
        let mut s = Vec::new();
        let _ = stderr.read_to_end(&mut s);
        s
    });
    let start = Instant::now();
    let status = loop {
        if let Some(st) = child.try_wait().map_err(|e| e.to_string())? {
            break st.code().unwrap_or(-1);
        }
        if start.elapsed() > RUN_LIMIT {
            let _ = child.kill();
            let _ = child.wait();
            break -1;
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    let text = |h: std::thread::JoinHandle<Vec<u8>>| {
        String::from_utf8_lossy(&h.join().unwrap_or_default()).into_owned()
    };
    let mut stderr = text(err);
    if status == -1 {
        stderr.push_str(&format!(
            "gm: stopped after {} seconds\n",
            RUN_LIMIT.as_secs()
        ));
    }
    Ok(RunOutput {
        seed,
        status,
        stdout: text(out),
        stderr,
    })
}
