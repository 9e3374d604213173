//! The `gm` command: `check`, `dump <stage>`, `run`, `explore`, `trace` and `test`.

mod cli;
mod explore;
mod golden;
mod mathlib;
mod oracle;
mod select;

use std::process::ExitCode;

use clap::Parser;

/// Compilation runs on a thread with a large stack: the passes recurse over
/// expression trees (whose depth the parser bounds). `gm run` then runs the
/// program on the same thread, below what compilation used.
const STACK_SIZE: usize = (256 << 20) + gm_driver::PROGRAM_STACK;

fn main() -> ExitCode {
    // A Rust panic is a broken invariant of gm: report it as one, with the
    // function the passes were working on.
    std::panic::set_hook(Box::new(|info| {
        let what = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "panic".to_string());
        let at = info
            .location()
            .map(|l| format!(" ({l})"))
            .unwrap_or_default();
        let place = gm_diag::ice::current();
        eprint!("{}", gm_diag::ice::render(&format!("{what}{at}"), &place));
        std::process::exit(i32::from(gm_diag::ice::EXIT_STATUS));
    }));
    let args = cli::Cli::parse();
    let worker = std::thread::Builder::new()
        .name("main".into())
        .stack_size(STACK_SIZE)
        .spawn(move || cli::run(args));
    match worker.map(|w| w.join()) {
        Ok(Ok(code)) => code,
        _ => ExitCode::from(gm_diag::ice::EXIT_STATUS),
    }
}
