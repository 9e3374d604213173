//! Command-line interface.

use std::io::Write;
use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};
use gm_diag::Style;
use gm_driver::Stage;

/// gm compiles .gm files (a strict subset of Go) and shows, runs and tests
/// exactly how Go 1.23's compiler lowers maps.
#[derive(Parser, Debug, PartialEq)]
#[command(name = "gm", version)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
    /// How to show compile errors.
    #[arg(long, value_enum, default_value_t = DiagStyle::Rich, global = true)]
    diag: DiagStyle,
}

#[derive(Clone, Copy, ValueEnum, Debug, PartialEq)]
enum DiagStyle {
    /// `file:line:col: message` only.
    Short,
    /// The message, the source line and a caret.
    Rich,
}

#[derive(Subcommand, Debug, PartialEq)]
enum Command {
    /// Parse and type-check a file; report errors as `file:line:col: message`.
    Check { file: PathBuf },
    /// Print the program after a stage.
    Dump {
        #[arg(value_enum)]
        stage: DumpStage,
        file: PathBuf,
        /// With `walk`: show each function before and after the walk pass.
        #[arg(long)]
        diff: bool,
        /// Show only this function (every stage but `ast`).
        #[arg(long, value_name = "NAME")]
        func: Option<String>,
    },
    /// Compile a file with the JIT and run it.
    Run {
        file: PathBuf,
        /// Seed hashing and map iteration order, making them reproducible.
        #[arg(long)]
        seed: Option<u64>,
    },
    /// Write one HTML page showing every stage side by side, each line
    /// linked to its source and each map call explained; print its path.
    Explore {
        file: PathBuf,
        /// Where to write the page (default: FILE's name with .html, in the
        /// current directory).
        #[arg(short, long, value_name = "OUT.html")]
        output: Option<PathBuf>,
        /// Start on this function.
        #[arg(long, value_name = "NAME")]
        func: Option<String>,
        /// Also run the program with this seed and show its output.
        #[arg(long)]
        seed: Option<u64>,
        /// Print the page's data as JSON instead of writing the page.
        #[arg(long)]
        json: bool,
    },
    /// Run a program as `gm run` does and record what the map runtime
    /// does (growth, evacuation, overflow chains, bucket by bucket) into a
    /// page, whose path goes to stderr.
    Trace {
        file: PathBuf,
        #[arg(short, long, value_name = "OUT.html")]
        output: Option<PathBuf>,
        /// Also write the trace as JSON (schema: docs/trace.md).
        #[arg(long, value_name = "OUT.json")]
        json: Option<PathBuf>,
        #[arg(long)]
        seed: Option<u64>,
        /// Record the first N maps made.
        #[arg(long, value_name = "N", default_value_t = gm_driver::trace::DEFAULT_MAPS)]
        maps: usize,
    },
    /// Run the golden-file tests in files or directories.
    Test {
        /// Rewrite the golden files from gm's output (with --go: Go's
        /// answers, and gm's own goldens only where missing).
        #[arg(long)]
        bless: bool,
        /// Check against this Go 1.23 toolchain instead of the goldens
        /// that hold Go's answers (.out, .panic, .calls, error lines).
        #[arg(long, value_name = "PATH/TO/go")]
        go: Option<PathBuf>,
        #[arg(required = true)]
        paths: Vec<PathBuf>,
    },
}

#[derive(Clone, Copy, ValueEnum, Debug, PartialEq)]
enum DumpStage {
    /// The syntax tree.
    Ast,
    /// The typed IR, as the type checker builds it.
    Typed,
    /// After Go's order pass (evaluation-order temporaries).
    Order,
    /// After Go's walk pass: map operations as runtime calls.
    Walk,
    /// Cranelift IR of every function.
    Clif,
    /// Machine code of every function.
    Asm,
}

impl Cli {
    /// The command line of this process. `gm run FILE`, how every script
    /// starts, is read directly: building clap's parser, every subcommand's
    /// arguments and help included, is a quarter of the instructions of
    /// running the empty program. Anything else goes to clap.
    pub fn from_env() -> Cli {
        Cli::from_args(std::env::args_os().collect())
    }

    fn from_args(args: Vec<std::ffi::OsString>) -> Cli {
        if let [_, command, file] = &args[..]
            && command == "run"
            && !file.is_empty()
            && !file.as_encoded_bytes().starts_with(b"-")
        {
            return Cli {
                command: Command::Run {
                    file: PathBuf::from(file),
                    seed: None,
                },
                diag: DiagStyle::Rich,
            };
        }
        Cli::parse_from(args)
    }
}

pub fn run(cli: Cli) -> u8 {
    let style = match cli.diag {
        DiagStyle::Short => Style::Short,
        DiagStyle::Rich => Style::Rich,
    };
    match cli.command {
        Command::Check { file } => {
            let result = gm_driver::load(&file).and_then(|src| gm_driver::check(&src, style));
            match result {
                Ok(_) => 0,
                Err(e) => fail(&e),
            }
        }
        Command::Dump {
            stage,
            file,
            diff,
            func,
        } => {
            if func.is_some() && matches!(stage, DumpStage::Ast) {
                return fail(&gm_driver::Failed::new(
                    "gm: --func does not apply to the ast dump\n".to_string(),
                ));
            }
            let stage = match (stage, diff) {
                (DumpStage::Walk, true) => Stage::WalkDiff,
                (DumpStage::Ast, _) => Stage::Ast,
                (DumpStage::Typed, _) => Stage::Typed,
                (DumpStage::Order, _) => Stage::Order,
                (DumpStage::Walk, _) => Stage::Walk,
                (DumpStage::Clif, _) => Stage::Clif,
                (DumpStage::Asm, _) => Stage::Asm,
            };
            let result = gm_driver::load(&file)
                .and_then(|src| gm_driver::dump(&src, stage, style))
                .and_then(|text| match &func {
                    None => Ok(text),
                    Some(name) => crate::select::function_section(&text, name).ok_or_else(|| {
                        gm_driver::Failed::new(format!(
                            "gm: {}: no function named {name}\n",
                            file.display()
                        ))
                    }),
                });
            match result {
                Ok(text) => {
                    let mut out = std::io::stdout().lock();
                    let _ = out.write_all(text.as_bytes());
                    0
                }
                Err(e) => fail(&e),
            }
        }
        Command::Run { file, seed } => {
            let opts = gm_driver::RunOptions {
                seed,
                release_compiler_pages: true,
                on_this_thread: true,
            };
            match gm_driver::load(&file).and_then(|src| gm_driver::run(&src, style, &opts)) {
                Ok(status) => status.clamp(0, 255) as u8,
                Err(e) => fail(&e),
            }
        }
        Command::Explore {
            file,
            output,
            func,
            seed,
            json,
        } => crate::explore::run(&file, output, func.as_deref(), seed, json, style),
        Command::Trace {
            file,
            output,
            json,
            seed,
            maps,
        } => {
            let html = output.unwrap_or_else(|| {
                let stem = file.file_stem().unwrap_or(file.as_os_str());
                PathBuf::from(stem).with_extension("trace.html")
            });
            let out = gm_driver::trace::Outputs {
                html: Some(html),
                json,
            };
            let opts = gm_driver::RunOptions {
                seed,
                ..Default::default()
            };
            let result = gm_driver::load(&file)
                .and_then(|src| gm_driver::trace::run(&src, style, &opts, maps, out));
            match result {
                Ok(status) => status.clamp(0, 255) as u8,
                Err(e) => fail(&e),
            }
        }
        Command::Test { bless, go, paths } => crate::golden::run(&paths, bless, go.as_deref()),
    }
}

pub fn fail(e: &gm_driver::Failed) -> u8 {
    let mut err = std::io::stderr().lock();
    let _ = err.write_all(e.text.as_bytes());
    e.status
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(line: &[&str]) -> Vec<std::ffi::OsString> {
        line.iter().map(Into::into).collect()
    }

    #[test]
    fn a_plain_run_reads_as_clap_reads_it() {
        for line in [
            &["gm", "run", "x.gm"][..],
            &["gm", "run", "dir/with space.gm"],
            &["gm", "run", "run"],
            &["gm", "run", "x.gm", "--seed", "7"],
            &["gm", "--diag", "short", "run", "x.gm"],
            &["gm", "check", "x.gm"],
        ] {
            assert_eq!(
                Cli::from_args(args(line)),
                Cli::parse_from(args(line)),
                "{line:?}"
            );
        }
        let Cli {
            command: Command::Run { file, seed },
            diag,
        } = Cli::from_args(args(&["gm", "run", "x.gm"]))
        else {
            panic!("not a run");
        };
        assert_eq!((file, seed, diag), ("x.gm".into(), None, DiagStyle::Rich));
    }
}
