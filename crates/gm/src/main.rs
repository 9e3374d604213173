//! The `gm` command: `check`, `dump <stage>`, `run`, `explore`, `trace` and `test`.

mod cli;
mod explore;
mod golden;
mod oracle;
mod select;

use std::process::ExitCode;

use clap::Parser;

/// Compilation runs on a thread with a large stack: the passes recurse over
/// expression trees (whose depth the parser bounds).
const STACK_SIZE: usize = 256 << 20;

fn main() -> ExitCode {
    std::panic::set_hook(Box::new(|info| {
        eprintln!("gm: internal compiler error: {info}");
        std::process::exit(101);
    }));
    let args = cli::Cli::parse();
    let worker = std::thread::Builder::new()
        .stack_size(STACK_SIZE)
        .spawn(move || cli::run(args));
    match worker.map(|w| w.join()) {
        Ok(Ok(code)) => code,
        _ => ExitCode::from(101),
    }
}
