//! `gm trace`: runs a program with the map runtime's recorder on
//! ([`gm_runtime::trace`]) and writes what it saw as JSON ([`json`]) and
//! as a self-contained page ([`html`]).

pub mod html;
pub mod json;

use std::path::PathBuf;
use std::sync::Mutex;

use gm_diag::{SourceFile, Style};
use gm_runtime::trace::{self as rec, Trace};

use crate::{Failed, RunOptions, codegen_failed, lower};

/// Maps recorded by default.
pub const DEFAULT_MAPS: usize = 64;

/// Where a map was made, as the page and the JSON name it.
#[derive(Clone, Debug)]
pub struct Site {
    /// `file:line:col`.
    pub pos: String,
    /// The map type, as Go prints it.
    pub ty: String,
}

/// Where to write the trace.
#[derive(Clone, Debug, Default)]
pub struct Outputs {
    pub html: Option<PathBuf>,
    pub json: Option<PathBuf>,
}

struct Pending {
    file: String,
    sites: Vec<Site>,
    out: Outputs,
    seed: Option<u64>,
}

/// What the panic hook needs to write the trace before the process exits.
static PENDING: Mutex<Option<Pending>> = Mutex::new(None);

/// Compiles `file` for tracing, runs it as `gm run` does, and writes the
/// trace of its first `max` maps; returns the program's exit status. A Go
/// panic still writes the trace, then exits with status 2.
pub fn run(
    file: &SourceFile,
    style: Style,
    opts: &RunOptions,
    max: usize,
    out: Outputs,
) -> Result<i32, Failed> {
    let program = lower(file, style)?;
    let compiled = gm_codegen::compile_traced(&program).map_err(|e| codegen_failed(file, e))?;
    let sites = compiled
        .map_sites
        .iter()
        .map(|(span, ty)| {
            let lc = file.line_col(span.lo);
            Site {
                pos: format!("{}:{}:{}", file.name, lc.line, lc.col),
                ty: program.types.display(*ty),
            }
        })
        .collect();
    *PENDING.lock().unwrap_or_else(|e| e.into_inner()) = Some(Pending {
        file: file.name.clone(),
        sites,
        out,
        seed: opts.seed,
    });
    gm_runtime::set_panic_hook(on_panic);
    rec::start(max);
    let status = gm_codegen::run_compiled(compiled, opts).map_err(|e| codegen_failed(file, e))?;
    write_pending().map_err(Failed::new)?;
    Ok(status)
}

fn on_panic(p: &gm_runtime::GoPanic<'_>) -> ! {
    gm_runtime::flush_stdout();
    eprint!("{}", p.report());
    if let Err(e) = write_pending() {
        eprint!("{e}");
    }
    std::process::exit(2)
}

fn write_pending() -> Result<(), String> {
    let Some(p) = PENDING.lock().unwrap_or_else(|e| e.into_inner()).take() else {
        return Ok(());
    };
    let trace = rec::finish().unwrap_or(Trace {
        maps: Vec::new(),
        dropped: 0,
    });
    let data = json::to_json(&p.file, p.seed, &p.sites, &trace);
    if let Some(path) = &p.out.json {
        std::fs::write(path, &data).map_err(|e| format!("gm: {}: {e}\n", path.display()))?;
    }
    if let Some(path) = &p.out.html {
        std::fs::write(path, html::to_html(&p.file, &data))
            .map_err(|e| format!("gm: {}: {e}\n", path.display()))?;
        // stdout is the program's; the page's path goes to stderr.
        eprintln!("{}", path.display());
    }
    Ok(())
}
